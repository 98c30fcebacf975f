package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kmsconform/kmsconform/bench"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", filepath.Join("out", "bench"), "directory for bench.json and bench.txt (benchstat format)")
	requests := fs.Int("requests", 100000, "requests per path at concurrency 32; proxy memory is judged after them")
	duration := fs.Duration("duration", 60*time.Second, "cap on each path's concurrency-32 run")
	latencyRequests := fs.Int("latency-requests", 2000, "sequential requests per path behind the latency percentiles")
	c1Duration := fs.Duration("c1-duration", 3*time.Second, "cap on each path's concurrency-1 run")
	delays := fs.String("delays", "10ms,100ms,1s", "comma-separated delays to inject and time")
	delaySamples := fs.Int("delay-samples", 100, "requests per injected delay")
	suite := fs.String("suite-concurrency", "1,2,8", `comma-separated concurrencies to time the whole suite at; "none" skips it`)
	suiteTimeout := fs.Duration("suite-timeout", time.Minute, "stop a suite run after this long (reported as a miss: at least that long)")
	toxiproxy := fs.String("toxiproxy", "", "`path` of a toxiproxy-server binary (default: built from this module's tool dependency by 'go tool -n', run from the module directory)")
	var proxyArgs benchProxyArgs
	fs.Var(&proxyArgs, "proxy-arg", "extra `flag` for each 'kmsconform proxy' started (repeatable), e.g. --proxy-arg=--journal-size=1000")
	profile := fs.String("profile", "", "`directory` for a CPU profile of each of our proxies (<path>.cpu.pprof) and of 'kmsconform serve' (serve.cpu.pprof); read with 'go tool pprof bin/kmsconform FILE'")
	only := fs.String("only", "", "comma-separated `sections` to run, of "+strings.Join(bench.Sections, ", ")+" (default: all)")
	emulatorsDuration := fs.Duration("emulators-duration", 5*time.Second, "per operation per emulator in the emulators section, at concurrency 8")
	failOnMiss := fs.Bool("fail-on-miss", false, "exit 1 when a figure misses its target")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: kmsconform bench [flags]

Measures, side by side in one run on this machine, what kmsconform's proxy adds
to a KMS request (reverse, plain forward and MITM HTTPS modes, each as its own
process) against a direct connection and against Toxiproxy as a TCP
pass-through; how exactly injected delays arrive at the client; how the
reference KMS ('kmsconform serve') compares with other KMS emulators; and how
long the whole suite takes against the embedded reference KMS. Requests go
through the real aws-sdk-go-v2 KMS client, over loopback only. Prints one
table, with a pass/miss column for each target, and writes it to
<out>/bench.json and <out>/bench.txt (compare two runs with: benchstat
old/bench.txt new/bench.txt).

Sections (all by default; --only picks some):
  proxy      DescribeKey and Encrypt through each proxy path: latency,
             throughput, memory and the timing of injected delays
  emulators  'kmsconform serve', local-kms and moto_server, each its own
             process started by the bench on a free port: Encrypt (32 bytes),
             Decrypt, DescribeKey and Sign (ECC_NIST_P256 and RSA_2048 keys,
             one signature of each checked against GetPublicKey's public key)
             at concurrency 8 for --emulators-duration each, with
             throughput, p50/p99, the server's CPU per request, and the
             reference's throughput as a multiple of each peer's (targets:
             1.25x local-kms, 25x moto). local-kms is looked for on
             PATH and in $(go env GOPATH)/bin ('make deps' installs it),
             moto_server through 'pyenv which' and PATH; a missing one is a
             row that says why. local-kms cannot be given an address and
             listens on every interface, so the section runs itself again
             in a private network namespace with loopback only ('unshare
             --net --map-root-user', util-linux): peers and load generator
             share it. Where no namespace can be made, local-kms is not run
             (its rows say why) and the others run on 127.0.0.1.
  suite      wall time of the whole suite against the reference
The load generator shares the machine's cores with the servers: compare
figures within one run, and read CPU per request beside throughput.

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), `
Exit status: 0 when the table was produced (even with targets missed,
unless --fail-on-miss), 1 when it could not be, 2 for bad usage.

Examples:
  # the full run (what 'make bench' does; a few minutes on 2 cores)
  kmsconform bench --out out/bench
  # a quick look at the proxy figures, about a minute
  kmsconform bench --requests 20000 --latency-requests 500 --delay-samples 40 --suite-concurrency none
  # where the proxy spends its CPU
  kmsconform bench --requests 20000 --suite-concurrency none --profile out/profiles
  go tool pprof -top bin/kmsconform out/profiles/reverse.cpu.pprof
  # the reference against the other emulators only, about two minutes
  kmsconform bench --only emulators
  # ... with a CPU profile of 'kmsconform serve' under that load
  kmsconform bench --only emulators --profile out/profiles
  go tool pprof -top bin/kmsconform out/profiles/serve.cpu.pprof
  # what a smaller in-memory journal saves
  kmsconform bench --proxy-arg=--journal-size=1000 --suite-concurrency none
`)
	}
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout) // asked for: help is the output, not an error
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kmsconform bench: unexpected argument %q (it takes flags only)\n", fs.Arg(0))
		return exitUsage
	}
	cfg := bench.Config{
		Requests:        *requests,
		Duration:        *duration,
		LatencyRequests: *latencyRequests,
		C1Duration:      *c1Duration,
		DelaySamples:    *delaySamples,
		Toxiproxy:       *toxiproxy,
		SuiteTimeout:    *suiteTimeout,
		ProxyArgs:       proxyArgs,
		ProfileDir:      *profile,

		EmulatorsDuration: *emulatorsDuration,
	}
	for name, v := range map[string]int{"--requests": *requests, "--latency-requests": *latencyRequests, "--delay-samples": *delaySamples} {
		if v <= 0 {
			fmt.Fprintf(stderr, "kmsconform bench: %s must be positive, not %d\n", name, v)
			return exitUsage
		}
	}
	if *duration <= 0 || *c1Duration <= 0 || *suiteTimeout <= 0 || *emulatorsDuration <= 0 {
		fmt.Fprintln(stderr, "kmsconform bench: --duration, --c1-duration, --suite-timeout and --emulators-duration must be positive")
		return exitUsage
	}
	var err error
	if cfg.Sections, err = parseBenchSections(*only); err != nil {
		fmt.Fprintf(stderr, "kmsconform bench: --only: %v\n", err)
		return exitUsage
	}
	wants := func(section string) bool { return len(cfg.Sections) == 0 || slices.Contains(cfg.Sections, section) }
	if cfg.Delays, err = parseBenchDurations(*delays); err != nil {
		fmt.Fprintf(stderr, "kmsconform bench: --delays: %v\n", err)
		return exitUsage
	}
	if *suite == "none" {
		cfg.NoSuite = true
	} else if cfg.SuiteConcurrency, err = parseBenchCounts(*suite); err != nil {
		fmt.Fprintf(stderr, "kmsconform bench: --suite-concurrency: %v\n", err)
		return exitUsage
	}
	if !*quiet {
		cfg.Progress = stderr
	}
	if cfg.Binary, err = os.Executable(); err != nil {
		fmt.Fprintf(stderr, "kmsconform bench: cannot find my own binary to run the proxy and the suite: %v\n", err)
		cfg.Binary = ""
	}
	if cfg.Toxiproxy == "" && wants(bench.SectionProxy) {
		resolveCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		cfg.Toxiproxy, err = bench.ResolveToxiproxy(resolveCtx, ".")
		cancel()
		if err != nil {
			cfg.ToxiproxyMissing = err.Error()
		}
	}

	if wants(bench.SectionEmulators) {
		if cfg.LocalKMS, err = bench.ResolveLocalKMS(ctx); err != nil {
			cfg.LocalKMSMissing = err.Error()
		}
		if cfg.Moto, err = bench.ResolveMoto(ctx); err != nil {
			cfg.MotoMissing = err.Error()
		}
	}

	table, err := bench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "kmsconform bench: %v\n", err)
		if ctx.Err() != nil {
			return exitAborted
		}
		return exitFailed
	}
	if err := table.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "kmsconform bench: %v\n", err)
		return exitFailed
	}
	if err := writeBenchFiles(*out, table); err != nil {
		fmt.Fprintf(stderr, "kmsconform bench: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "\nwrote %s and %s\n", filepath.Join(*out, "bench.json"), filepath.Join(*out, "bench.txt"))
	if missed := table.Missed(); len(missed) > 0 {
		fmt.Fprintf(stdout, "%d target(s) missed\n", len(missed))
		if *failOnMiss {
			return exitFailed
		}
	}
	return exitOK
}

func writeBenchFiles(dir string, table *bench.Table) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	for name, write := range map[string]func(io.Writer) error{"bench.json": table.WriteJSON, "bench.txt": table.WriteBenchstat} {
		if err := writeBenchFile(filepath.Join(dir, name), write); err != nil {
			return err
		}
	}
	return nil
}

func writeBenchFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func parseBenchDurations(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("%q is not a positive duration such as 100ms", f)
		}
		out = append(out, d)
	}
	return out, nil
}

func parseBenchSections(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(bench.Sections, f) {
			return nil, fmt.Errorf("%q is not a section; choose from %s", f, strings.Join(bench.Sections, ", "))
		}
		out = append(out, f)
	}
	return out, nil
}

func parseBenchCounts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive whole number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// benchProxyArgs collects repeated --proxy-arg flags.
type benchProxyArgs []string

func (a *benchProxyArgs) String() string { return strings.Join(*a, " ") }

func (a *benchProxyArgs) Set(v string) error {
	*a = append(*a, v)
	return nil
}
