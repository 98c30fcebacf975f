// Package runner runs kmsconform's conformance suite: it picks the target
// (a given endpoint or the embedded reference KMS), puts the recording proxy
// in front of it, runs the embedded Gherkin features with godog, and turns the
// outcome into reports.Run plus godog's cucumber.json and junit.xml.
package runner

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kmsconform/kmsconform/catalog"
	"github.com/kmsconform/kmsconform/scenario"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/kmsconform/kmsconform/features"
	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/retries"
	"github.com/kmsconform/kmsconform/steps"
	"github.com/kmsconform/kmsconform/tagexpr"
)

// Options configure a run. The zero value (plus Out) runs every scenario
// against the embedded reference KMS.
type Options struct {
	// Endpoint is the KMS endpoint to check. Empty: AWS_ENDPOINT_URL_KMS, then
	// AWS_ENDPOINT_URL, then the embedded reference KMS.
	Endpoint string
	// Name labels the target in the reports, e.g. "moto 5.2.1"; it overrides
	// the config file's name.
	Name string
	// Credentials sign the scenarios' requests to a given endpoint; nil
	// takes them from the standard AWS chain (environment, profile, SSO, …).
	Credentials aws.CredentialsProvider
	// Region defaults to the AWS config's region (or us-east-1).
	Region string
	// Tags selects scenarios with a Cucumber tag expression,
	// "@a and not (@b or @c)", or one in godog's older syntax, "@a && ~@b",
	// "@a,@b" (see package tagexpr). Empty selects every scenario.
	Tags        string
	Concurrency int // endpoint scenarios at once; default 4
	// RetryConcurrency is how many client retry scenarios (@retries) run at
	// once, beside the endpoint scenarios; default 16. They spend most of
	// their time waiting out the clients' backoff.
	RetryConcurrency int
	Out              string // directory for the output files; default "out"
	// Config is an optional YAML file (see Config).
	Config string
	// Control is the base URL of a reference KMS's control API, for a target
	// that is a standalone `kmsconform serve`.
	Control string
	// Root is the repository root, whose clients/ directory holds the client
	// drivers the retry scenarios run; default ".".
	Root string
	// Version is the kmsconform version recorded in the results.
	Version string
	// Progress receives one line per finished scenario; nil discards them.
	Progress io.Writer
	// AllowRealAccount lets a run reach an endpoint that is not on loopback,
	// which may be a real AWS account (so may allowRealAccount in Config).
	AllowRealAccount bool
	// Plaintext is the message the Encrypt scenarios encrypt; empty means a fixed one.
	Plaintext []byte
	// Expectations, when set, mark the failures they list as known in the
	// reports (reports.Scenario.KnownFailure); the verdict stays the caller's.
	Expectations *reports.Expectations
	// Getenv reads the environment (AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL,
	// AWS_CA_BUNDLE for an https target's private CA, CI to require the retry
	// scenarios' clients); nil uses os.Getenv.
	Getenv func(string) string
}

// UsageError is a problem with the options: the run never started.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &UsageError{msg: fmt.Sprintf(format, args...)}
}

// Defaults for how many scenarios run at once.
const (
	DefaultConcurrency      = 4
	DefaultRetryConcurrency = 16
)

// Result is a finished run.
type Result struct {
	Run *reports.Run
	// RunID tags and names everything the run created (see kmsconform cleanup).
	RunID string
	// Warnings list what scenario cleanups could not remove from the target.
	Warnings []string
}

// Run runs the suite and writes its output files. It returns the result even
// when scenarios failed; an error means the run could not happen (a
// *UsageError when the options are wrong).
func Run(ctx context.Context, opts Options) (*Result, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	var cfg *Config
	if opts.Config != "" {
		c, err := LoadConfig(opts.Config)
		if err != nil {
			return nil, &UsageError{msg: err.Error()}
		}
		cfg = c
	}
	sel, err := selectScenarios(opts.Tags)
	if err != nil {
		return nil, err
	}
	names, fp, filter := sel.names, sel.footprint, sel.filter
	selected := fp.scenarios
	if err := checkRealAccount(&opts, cfg, fp); err != nil {
		return nil, err
	}
	tgt, err := openTarget(ctx, opts, cfg)
	if err != nil {
		return nil, err
	}
	defer tgt.close()

	ev, err := startRecorder(tgt.caBundle, tgt.url, tgt.secondEndpoint)
	if err != nil {
		return nil, err
	}
	defer ev.close()

	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, fmt.Errorf("creating the output directory: %w", err)
	}

	runID := newRunID()
	env := &scenario.Env{
		Endpoint:            tgt.url,
		Region:              tgt.region,
		Primary:             tgt.primary,
		Second:              tgt.second,
		SecondMissing:       tgt.secondMissing,
		SecondRegion:        tgt.secondRegion,
		SecondEndpoint:      tgt.secondEndpoint,
		SecondRegionMissing: tgt.secondRegionMissing,
		ThirdRegion:         tgt.thirdRegion,
		ThirdEndpoint:       tgt.thirdEndpoint,
		ThirdRegionMissing:  tgt.thirdRegionMissing,
		HTTPClient:          ev.httpClient(tgt.timeouts.Call),
		MaxAttempts:         tgt.maxAttempts,
		RunID:               runID,
		Plaintext:           opts.Plaintext,
		Timeouts:            tgt.timeouts,
		Waits:               &scenario.Waits{},
		Backing:             tgt.backing,
		States:              tgt.states,
		Control:             tgt.ctl,
		Journal:             ev.journal,
	}
	retrySuite, err := retries.New(retries.Env{
		Endpoint:       tgt.url,
		Region:         tgt.region,
		Credentials:    tgt.primary,
		UpstreamTLS:    ev.upstreamTLS,
		Root:           opts.Root,
		RequireClients: opts.Getenv("CI") == "true",
	})
	if err != nil {
		return nil, err
	}

	col := &collector{progress: opts.Progress, total: selected, attach: retrySuite.Attach}
	env.Report, env.Warn = col.add, col.warn
	initialize := steps.Initializer(env, retrySuite.Register)
	phases := planPhases(opts, filter, fp)

	if opts.Progress != nil {
		fmt.Fprintf(opts.Progress, "kmsconform: %d scenarios against %s (%s), concurrency %d (client retry scenarios %d), run %s\n",
			selected, tgt.url, tgt.label, opts.Concurrency, opts.RetryConcurrency, runID)
	}
	run := &reports.Run{
		SchemaVersion: reports.SchemaVersion,
		Tool:          reports.Tool{Name: "kmsconform", Version: opts.Version, Commit: vcsRevision()},
		Target:        reports.Target{Name: tgt.name, Endpoint: tgt.url, Region: tgt.region, Embedded: tgt.embedded},
		CatalogHash:   conditionsHash(),
		FeaturesHash:  featuresHash(),
		SDKs:          sdkVersions(),
		Started:       time.Now().UTC(),
	}
	if err := runPhases(ctx, phases, initialize, opts.Out); err != nil {
		return nil, err
	}
	run.Finished = time.Now().UTC()
	if v := retrySuite.ClientVersions(); len(v) > 0 {
		if run.SDKs == nil {
			run.SDKs = map[string]string{}
		}
		maps.Copy(run.SDKs, v)
	}
	run.Scenarios = col.sorted()
	for i := range run.Scenarios {
		run.Scenarios[i].Feature = names[run.Scenarios[i].URI]
	}
	run.Totals = run.Tally()
	run.RetryMatrix = retries.Matrix(run.Scenarios, run.SDKs)
	if opts.Expectations != nil {
		opts.Expectations.MarkKnownFailures(run)
	}

	// An interrupted run still reports the scenarios that finished.
	res := &Result{Run: run, RunID: runID, Warnings: col.Warnings()}
	if err := writeResults(opts.Out, run); err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("run interrupted; scenarios it cut short are reported as failed: %w", err)
	}
	if missing := selected - len(run.Scenarios); missing > 0 {
		return res, fmt.Errorf("%d scenarios ended without a result", missing)
	}
	return res, nil
}

// suiteOptions are the godog options shared by selecting and running scenarios.
func suiteOptions(tags string) *godog.Options {
	return &godog.Options{
		Output: io.Discard,
		// godog's "uncolored" writer sends its reports to disk one character
		// per system call (a tenth of a run's CPU); the colored one passes
		// bytes through, and the cucumber and junit formatters write no colors.
		NoColors: false,
		Strict:   true, // an undefined or pending step fails its scenario
		Tags:     tags,
		FS:       features.FS,
		Paths:    []string{"."},
	}
}

// selectScenarios returns the feature names by file, what the scenarios the
// tag expression selects would create, and the expression as a filter in
// godog's syntax, for the phases.
//
// The runner selects the scenarios itself, with package tagexpr, and then
// has godog select the same ones: godog offers no way to run a given set of
// scenarios but its filter (naming them as file:line would change their URIs
// in the reports and cannot pick one Examples row of an outline), and that
// filter reads only "," of "&&" of "~"-tags (godog v0.16), without
// precedence or parentheses. tagexpr writes the expression in that
// disjunctive form, the phases add their own tags to each group, and
// godog's selection is checked against the runner's, so that a translation
// mistake stops the run rather than running other scenarios.
func selectScenarios(tags string) (*selection, error) {
	expr, err := parseTags(tags)
	if err != nil {
		return nil, err
	}
	feats, err := godog.TestSuite{Options: suiteOptions("")}.RetrieveFeatures()
	if err != nil {
		return nil, fmt.Errorf("reading the embedded features: %w", err)
	}
	sel := &selection{names: map[string]string{}}
	present := map[string]bool{}
	var keys []string
	defs := append(steps.Definitions(), retries.Definitions()...)
	for _, f := range feats {
		sel.names[f.Uri] = f.GherkinDocument.Feature.Name
		for _, p := range f.Pickles {
			tagNames := make([]string, len(p.Tags))
			for i, t := range p.Tags {
				tagNames[i] = t.Name
				present[t.Name] = true
			}
			if expr != nil && !expr.Match(tagNames) {
				continue
			}
			creates, err := sel.footprint.add(p, defs)
			if err != nil {
				return nil, err
			}
			keys = append(keys, pickleKey(p))
			sel.scenarios = append(sel.scenarios, PlannedScenario{ID: p.Uri + ": " + p.Name, Tags: tagNames, Creates: creates})
		}
	}
	if sel.footprint.scenarios == 0 {
		return nil, usagef("--tags %q selects no scenario", tags)
	}
	if expr == nil {
		return sel, nil
	}
	if sel.filter, err = expr.Godog(func(tag string) bool { return present[tag] }); err != nil {
		return nil, usagef("--tags %q: %v", tags, err)
	}
	if err := checkFilter(sel.filter, keys); err != nil {
		return nil, err
	}
	return sel, nil
}

// selection is what a tag expression selects from the embedded features.
type selection struct {
	names     map[string]string // feature name by file
	footprint footprint
	filter    string // godog's form of the expression ("" selects all)
	scenarios []PlannedScenario
}

// checkFilter checks that godog's filter selects the scenarios want lists
// (as pickleKey, in file order).
func checkFilter(filter string, want []string) error {
	feats, err := godog.TestSuite{Options: suiteOptions(filter)}.RetrieveFeatures()
	if err != nil {
		return fmt.Errorf("reading the embedded features: %w", err)
	}
	var got []string
	for _, f := range feats {
		for _, p := range f.Pickles {
			got = append(got, pickleKey(p))
		}
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("godog's filter %q selects %d scenarios, not the %d the tag expression selects", filter, len(got), len(want))
	}
	return nil
}

// pickleKey names a scenario, or one row of an outline, within one parse of
// the features.
func pickleKey(p *messages.Pickle) string {
	return p.Uri + " " + strings.Join(p.AstNodeIds, ",")
}

func (o *Options) check() error {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Concurrency < 1 || o.Concurrency > 64 {
		return usagef("--concurrency %d: want a number from 1 to 64", o.Concurrency)
	}
	if o.RetryConcurrency == 0 {
		o.RetryConcurrency = DefaultRetryConcurrency
	}
	if o.RetryConcurrency < 1 || o.RetryConcurrency > 64 {
		return usagef("--retry-concurrency %d: want a number from 1 to 64", o.RetryConcurrency)
	}
	if o.Out == "" {
		o.Out = "out"
	}
	if strings.Contains(o.Out, ",") {
		return usagef("--out %q: the directory name must not contain a comma", o.Out)
	}
	if err := CheckTags(o.Tags); err != nil {
		return err
	}
	for name, v := range map[string]string{"--endpoint": o.Endpoint, "--control": o.Control} {
		if v == "" {
			continue
		}
		if err := checkURL(v); err != nil {
			return usagef("%s %q: %v", name, v, err)
		}
	}
	return nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("want an absolute http:// or https:// URL")
	}
	return nil
}

// CheckTags checks a --tags expression: Cucumber's standard syntax,
// "@a and not (@b or @c)", or godog's older one, "@a && ~@b", "@a,@b" (see
// package tagexpr). Empty selects every scenario. The error names the flag,
// the expression and the position of the mistake.
func CheckTags(expr string) error {
	_, err := parseTags(expr)
	return err
}

// parseTags reads a --tags expression; nil for an empty one.
func parseTags(s string) (*tagexpr.Expr, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	e, err := tagexpr.Parse(s)
	if err != nil {
		return nil, usagef("--tags %v", err)
	}
	return e, nil
}

// collector gathers scenario results as they finish.
type collector struct {
	mu       sync.Mutex
	progress io.Writer
	attach   func(*reports.Scenario) // adds the retry suite's evidence
	total    int
	done     []reports.Scenario
	warnings []string
}

func (c *collector) add(s *reports.Scenario) {
	c.attach(s)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done = append(c.done, *s)
	if c.progress != nil {
		fmt.Fprintln(c.progress, progressLine(len(c.done), c.total, s))
	}
}

func (c *collector) warn(id, problem string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.warnings = append(c.warnings, id+": "+problem)
}

// Warnings lists what scenario cleanups could not remove.
func (c *collector) Warnings() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.warnings...)
}

func (c *collector) sorted() []reports.Scenario {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := append([]reports.Scenario(nil), c.done...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// newRunID names a run in resource names and tags: its start time, plus a
// random suffix so that two runs started together never collide.
func newRunID() string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102t150405") + "-" + hex.EncodeToString(b[:])
}

// catalogHash identifies the set of scenarios: the SHA-256 of every feature file.
// conditionsHash identifies the documented-conditions catalog.
func conditionsHash() string {
	cat, err := catalog.Load()
	if err != nil {
		return ""
	}
	return cat.Hash()
}

// featuresHash identifies the scenarios: every feature file's path and contents.
func featuresHash() string {
	h := sha256.New()
	_ = fs.WalkDir(features.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(features.FS, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
}

func vcsRevision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return ""
}

func sdkVersions() map[string]string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	out := map[string]string{}
	for _, m := range info.Deps {
		switch m.Path {
		case "github.com/aws/aws-sdk-go-v2", "github.com/aws/aws-sdk-go-v2/service/kms", "github.com/cucumber/godog":
			out[m.Path] = m.Version
		}
	}
	return out
}
