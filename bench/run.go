package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Config shapes a benchmark run. Zero values take the defaults in brackets.
type Config struct {
	// Binary is the kmsconform executable, run as `kmsconform proxy` for the
	// proxy paths and as `kmsconform run` for the suite. Empty: those rows
	// say they are not available.
	Binary string
	// ProxyArgs are extra flags for every `kmsconform proxy` the run starts
	// (e.g. --journal-size 1000), to see what a setting costs.
	ProxyArgs []string
	// ProfileDir, if set, gets a CPU profile of each of our proxy
	// processes, <path>.cpu.pprof, written when it stops.
	ProfileDir string
	// Toxiproxy is a toxiproxy-server executable. Empty: the Toxiproxy rows
	// say they are not available, for the reason in ToxiproxyMissing.
	Toxiproxy        string
	ToxiproxyMissing string

	LatencyRequests int           // sequential requests per path behind the latency percentiles [2000]
	Requests        int           // requests per path at concurrency 32; memory is judged after them [100000]
	Duration        time.Duration // cap on each path's concurrency-32 run [60s]
	C1Duration      time.Duration // cap on each path's concurrency-1 run [3s]
	DelaySamples    int           // requests per injected delay [100]
	Delays          []time.Duration
	// SuiteConcurrency lists the suite runs to time [1 2 8]; NoSuite skips them.
	SuiteConcurrency []int
	NoSuite          bool
	SuiteTimeout     time.Duration // per suite run; a slower run is reported as a miss [1m]

	// Sections lists what to measure (SectionProxy, SectionEmulators,
	// SectionSuite); empty: all of them.
	Sections []string
	// LocalKMS and Moto are the emulators' executables. Empty: their rows
	// say they are not available, for the reason in LocalKMSMissing or
	// MotoMissing. The reference runs as `Binary serve`.
	LocalKMS, LocalKMSMissing string
	Moto, MotoMissing         string
	EmulatorsDuration         time.Duration // per operation per emulator at concurrency 8 [5s]

	WorkDir  string    // scratch space (CA, rules, suite output); empty: a temporary directory
	Progress io.Writer // a line per phase; nil: silent
}

// Sections of a run.
const (
	SectionProxy     = "proxy"     // latency, throughput, resources and faults of the proxy paths
	SectionEmulators = "emulators" // the reference against local-kms and moto
	SectionSuite     = "suite"     // suite wall time
)

// Sections are every section, in the order a run measures them.
var Sections = []string{SectionProxy, SectionEmulators, SectionSuite}

func (c Config) wants(section string) bool {
	return len(c.Sections) == 0 || slices.Contains(c.Sections, section)
}

// Concurrency of the throughput runs that the 70%-of-direct target is about.
const highConcurrency = 32

func (c Config) withDefaults() Config {
	if c.LatencyRequests <= 0 {
		c.LatencyRequests = 2000
	}
	if c.Requests <= 0 {
		c.Requests = 100000
	}
	if c.Duration <= 0 {
		c.Duration = 60 * time.Second
	}
	if c.C1Duration <= 0 {
		c.C1Duration = 3 * time.Second
	}
	if c.DelaySamples <= 0 {
		c.DelaySamples = 100
	}
	if len(c.Delays) == 0 {
		c.Delays = []time.Duration{10 * time.Millisecond, 100 * time.Millisecond, time.Second}
	}
	if len(c.SuiteConcurrency) == 0 {
		c.SuiteConcurrency = []int{1, 2, 8}
	}
	if c.SuiteTimeout <= 0 {
		c.SuiteTimeout = time.Minute
	}
	if c.EmulatorsDuration <= 0 {
		c.EmulatorsDuration = 5 * time.Second
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}
	return c
}

func (c Config) settings() string {
	delays := make([]string, len(c.Delays))
	for i, d := range c.Delays {
		delays[i] = d.String()
	}
	suite := "off"
	if !c.NoSuite {
		suite = strings.Trim(strings.Join(strings.Fields(fmt.Sprint(c.SuiteConcurrency)), ","), "[]")
	}
	sections := "all"
	if len(c.Sections) > 0 {
		sections = strings.Join(c.Sections, ",")
	}
	s := fmt.Sprintf("only=%s latency-requests=%d requests=%d duration=%v c1-duration=%v delays=%s delay-samples=%d suite-concurrency=%s emulators-duration=%v",
		sections, c.LatencyRequests, c.Requests, c.Duration, c.C1Duration, strings.Join(delays, ","), c.DelaySamples, suite, c.EmulatorsDuration)
	if len(c.ProxyArgs) > 0 {
		s += fmt.Sprintf(" proxy-args=%q", strings.Join(c.ProxyArgs, " "))
	}
	return s
}

// Run measures everything side by side, in one run on this machine, and
// returns the table. It fails only when nothing can be measured (the
// reference KMS itself will not serve); a part that cannot run is a row that
// says why.
func Run(ctx context.Context, cfg Config) (*Table, error) {
	cfg = cfg.withDefaults()
	if cfg.WorkDir == "" {
		dir, err := os.MkdirTemp("", "kmsconform-bench-")
		if err != nil {
			return nil, fmt.Errorf("bench: scratch directory: %w", err)
		}
		defer os.RemoveAll(dir)
		cfg.WorkDir = dir
	}
	if cfg.ProfileDir != "" {
		dir, err := filepath.Abs(cfg.ProfileDir) // the proxies may run elsewhere
		if err == nil {
			err = os.MkdirAll(dir, 0o755)
		}
		if err != nil {
			return nil, fmt.Errorf("bench: profile directory: %w", err)
		}
		cfg.ProfileDir = dir
	}
	r := &runner{cfg: cfg, table: &Table{Machine: CurrentMachine(), Settings: cfg.settings(), Started: time.Now().UTC(), LoadStart: LoadAverage()}}
	if err := r.run(ctx); err != nil {
		return nil, err
	}
	r.table.Finished, r.table.LoadEnd = time.Now().UTC(), LoadAverage()
	return r.table, nil
}

// runner holds one run's state.
type runner struct {
	cfg   Config
	table *Table
	ref   *referenceKMS
	load  workload
	paths []*path
	toxi  *toxiServer // nil when Toxiproxy is not available
	// localKMSBlocked, when set, says why local-kms must not be started
	// here: it would listen on interfaces other than loopback.
	localKMSBlocked string
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.cfg.Progress, "bench: "+format+"\n", args...)
}

func (r *runner) run(ctx context.Context) error {
	if r.cfg.wants(SectionProxy) {
		if err := r.runProxy(ctx); err != nil {
			return err
		}
	}
	if r.cfg.wants(SectionEmulators) && ctx.Err() == nil {
		r.runEmulators(ctx)
	}
	if r.cfg.wants(SectionSuite) && ctx.Err() == nil {
		r.measureSuite(ctx)
	}
	return ctx.Err()
}

// runProxy measures the proxy paths against the in-process reference KMS.
func (r *runner) runProxy(ctx context.Context) error {
	ref, err := startReference()
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer ref.close()
	r.ref = ref

	setup := newClient(Endpoint{URL: ref.plainURL()}, 1, nil)
	r.load, err = newWorkload(ctx, setup)
	setup.close()
	if err != nil {
		return fmt.Errorf("bench: reference KMS: %w", err)
	}

	r.logf("starting paths (our proxy: %s; toxiproxy: %s)", orNone(r.cfg.Binary), orNone(r.cfg.Toxiproxy))
	r.paths = r.startPaths(ctx)
	r.measureProxies(ctx)
	// What follows runs with no proxy or Toxiproxy process left idling beside it.
	for _, p := range r.paths {
		p.close()
	}
	return ctx.Err()
}

func (r *runner) measureProxies(ctx context.Context) {
	for _, measure := range []func(context.Context){r.measureLatency, r.measureThroughput, r.measureFaults} {
		if ctx.Err() != nil {
			return
		}
		measure(ctx)
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
