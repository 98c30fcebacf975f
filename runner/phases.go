package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cucumber/godog"

	"github.com/kmsconform/kmsconform/reports"
)

// retriesTag marks the client retry scenarios; slowTag those of them that
// wait out 10 s or more of client backoff.
const (
	retriesTag = "@retries"
	slowTag    = "@slow"
)

// phase is a part of the suite that runs with its own concurrency. Endpoint
// scenarios are bounded by what the target should take at once; the client
// retry scenarios mostly sleep through backoff, so many of them can wait side
// by side without loading the target.
type phase struct {
	name        string
	tags        string
	concurrency int
}

// planPhases splits the selected scenarios into the endpoint phase and the
// client retry phases, leaving out a phase the tags select nothing for;
// filter is the selection in godog's syntax (see selectScenarios). The
// slow retry scenarios get a phase of their own so that they all start at
// once: godog starts scenarios in file order, and the longest ones, started
// last, set the run's wall time.
func planPhases(opts Options, filter string, fp footprint) []phase {
	var out []phase
	if fp.scenarios > fp.retries {
		out = append(out, phase{name: "endpoint", tags: andTags(filter, "~"+retriesTag), concurrency: opts.Concurrency})
	}
	if fp.slow > 0 {
		out = append(out, phase{name: "slow-retries", tags: andTags(filter, retriesTag+" && "+slowTag), concurrency: opts.RetryConcurrency})
	}
	if fp.retries > fp.slow {
		out = append(out, phase{name: "retries", tags: andTags(filter, retriesTag+" && ~"+slowTag), concurrency: opts.RetryConcurrency})
	}
	return out
}

// andTags joins a filter in godog's syntax with a conjunction of tags
// (extra, "&&" only). godog (v0.16) reads "," as the outer operator and
// "&&" inside it, so extra joins every group of the filter: "@a,@b" and
// "~@retries" make "@a && ~@retries,@b && ~@retries".
func andTags(filter, extra string) string {
	if strings.TrimSpace(filter) == "" {
		return extra
	}
	groups := strings.Split(filter, ",")
	for i, g := range groups {
		groups[i] = g + " && " + extra
	}
	return strings.Join(groups, ",")
}

// runPhases runs the phases side by side, each with godog's own cucumber and
// junit formatters, and merges their files into out/cucumber.json and
// out/junit.xml.
func runPhases(ctx context.Context, phases []phase, initialize func(*godog.ScenarioContext), out string) error {
	var wg sync.WaitGroup
	for _, p := range phases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			suite := godog.TestSuite{Name: "kmsconform", ScenarioInitializer: initialize, Options: suiteOptions(p.tags)}
			suite.Options.Format = strings.Join([]string{
				"cucumber:" + phaseFile(out, p.name, reports.CucumberFile),
				"junit:" + phaseFile(out, p.name, reports.JUnitFile),
			}, ",")
			suite.Options.Concurrency = p.concurrency
			suite.Options.DefaultContext = ctx
			suite.Run()
		}()
	}
	wg.Wait()
	return errors.Join(
		mergePhaseFiles(phases, out, reports.CucumberFile, mergeCucumber),
		mergePhaseFiles(phases, out, reports.JUnitFile, reports.MergeJUnit),
	)
}

func phaseFile(out, phase, name string) string {
	return filepath.Join(out, "."+phase+"-"+name)
}

// mergePhaseFiles merges the phases' copies of one output file into it and
// removes them.
func mergePhaseFiles(phases []phase, out, name string, merge func(docs ...[]byte) ([]byte, error)) error {
	var docs [][]byte
	for _, p := range phases {
		path := phaseFile(out, p.name, name)
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("reading the %s phase's %s: %w", p.name, name, err)
		}
		docs = append(docs, b)
		if err := os.Remove(path); err != nil {
			return err
		}
	}
	merged, err := merge(docs...)
	if err != nil {
		return fmt.Errorf("merging %s: %w", name, err)
	}
	return os.WriteFile(filepath.Join(out, name), merged, 0o644)
}

// mergeCucumber joins cucumber.json documents, each a list of features. A
// feature whose scenarios ran in more than one phase becomes one, with the
// scenarios (elements) of each in document order.
func mergeCucumber(docs ...[]byte) ([]byte, error) {
	type feature struct {
		fields   map[string]json.RawMessage
		elements []json.RawMessage
	}
	var all []*feature
	byURI := map[string]*feature{}
	for _, d := range docs {
		var features []map[string]json.RawMessage
		if err := json.Unmarshal(d, &features); err != nil {
			return nil, fmt.Errorf("parsing cucumber json: %w", err)
		}
		for _, fields := range features {
			var elements []json.RawMessage
			if raw, ok := fields["elements"]; ok {
				if err := json.Unmarshal(raw, &elements); err != nil {
					return nil, fmt.Errorf("parsing cucumber json: %w", err)
				}
			}
			var uri string
			_ = json.Unmarshal(fields["uri"], &uri)
			if f, ok := byURI[uri]; ok && uri != "" {
				f.elements = append(f.elements, elements...)
				continue
			}
			f := &feature{fields: fields, elements: elements}
			all = append(all, f)
			byURI[uri] = f
		}
	}
	out := make([]map[string]json.RawMessage, 0, len(all))
	for _, f := range all {
		if f.elements != nil {
			raw, err := json.Marshal(f.elements)
			if err != nil {
				return nil, err
			}
			f.fields["elements"] = raw
		}
		out = append(out, f.fields)
	}
	return json.MarshalIndent(out, "", "    ")
}
