package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Names of the files a run's --out directory holds.
const (
	ResultsFile  = "results.json"
	HTMLFile     = "report.html"
	SummaryFile  = "summary.md"
	JUnitFile    = "junit.xml"     // written by the runner with godog's formatter
	CucumberFile = "cucumber.json" // likewise
)

// Seal returns the copy of run that results.json records: current schema
// version, totals recounted from the scenarios, withheld headers dropped
// from the evidence, and the digest computed. run itself is not modified.
func Seal(run *Run) (*Run, error) {
	sealed := *run
	sealed.SchemaVersion = SchemaVersion
	sealed.Digest = ""
	sealed.Scenarios = make([]Scenario, len(run.Scenarios))
	for i, s := range run.Scenarios {
		s.Exchanges = make([]Exchange, len(s.Exchanges))
		for j, e := range run.Scenarios[i].Exchanges {
			e.Request.Headers = reportableHeaders(e.Request.Headers)
			e.Response.Headers = reportableHeaders(e.Response.Headers)
			s.Exchanges[j] = e
		}
		sealed.Scenarios[i] = s
	}
	sealed.Totals = sealed.Tally()
	digest, err := sealed.ComputeDigest()
	if err != nil {
		return nil, err
	}
	sealed.Digest = digest
	return &sealed, nil
}

func reportableHeaders(h map[string]string) map[string]string {
	if h == nil {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		if !Withheld(k) {
			out[k] = v
		}
	}
	return out
}

// WriteAll seals run (see Seal) and writes results.json, report.html and
// summary.md into dir, creating it if needed. If dir already holds godog's
// junit.xml, it is rewritten into schema-valid JUnit (see NormalizeJUnit).
func WriteAll(dir string, run *Run) error {
	sealed, err := Seal(run)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating report directory: %w", err)
	}
	// Each is a second or so of one core's work for a large run; side by side
	// they end sooner.
	var results, html, summary bytes.Buffer
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i, write := range []func() error{
		func() error { return EncodeRun(&results, sealed) },
		func() error { return WriteHTML(&html, sealed) },
		func() error { return WriteSummary(&summary, sealed) },
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = write()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for name, data := range map[string][]byte{
		ResultsFile: results.Bytes(),
		HTMLFile:    html.Bytes(),
		SummaryFile: summary.Bytes(),
	} {
		if err := writeFileAtomic(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	return normalizeJUnitFile(filepath.Join(dir, JUnitFile))
}

// EncodeRun writes run as compact results.json (one line, no HTML escaping).
func EncodeRun(w io.Writer, run *Run) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(run); err != nil {
		return fmt.Errorf("encoding results: %w", err)
	}
	return nil
}

// ReadRun reads a results.json, given either its path or the --out
// directory that holds it. Errors name the file and what was wrong with it.
func ReadRun(pathOrDir string) (*Run, error) {
	path := pathOrDir
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		path = filepath.Join(path, ResultsFile)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file (give a results.json or a 'kmsconform run --out' directory)", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var run Run
	if err := json.Unmarshal(data, &run); err != nil {
		return nil, fmt.Errorf("%s: not a results.json: %w", path, err)
	}
	switch {
	case run.SchemaVersion == 0:
		return nil, fmt.Errorf("%s: not a kmsconform results.json (no schemaVersion)", path)
	case run.SchemaVersion > SchemaVersion:
		return nil, fmt.Errorf("%s: schemaVersion %d is newer than this kmsconform understands (%d); upgrade kmsconform", path, run.SchemaVersion, SchemaVersion)
	}
	return &run, nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
