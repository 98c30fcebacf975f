package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/kmsconform/kmsconform/proxy"
	"github.com/kmsconform/kmsconform/proxy/ca"
	"github.com/kmsconform/kmsconform/proxy/faults"
	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/proxy/rules"
)

const proxyHelp = `kmsconform proxy: a recording, fault-injecting proxy for KMS clients.

Every request is recorded (redacted) in a journal and matched against fault
rules that can delay it, answer with a KMS error or throttling, reset the
connection, hang, lose the response after the operation took effect, or
truncate or slow the body. Requests otherwise pass through untouched, so SigV4
signatures still verify upstream.

It works three ways at once:
  forward   clients set HTTP_PROXY/HTTPS_PROXY to --listen; HTTPS (CONNECT) is
            intercepted with the proxy's own CA, which clients must trust
  reverse   with --upstream, clients set their endpoint URL to --listen
  routed    --route sends a host an unchanged client believes is real KMS to
            an emulator; --routes-only answers 502 for every other host

Usage:
  kmsconform proxy [flags]

Flags:
`

const proxyExamples = `
Examples:
  # Reverse proxy in front of a local emulator; point the SDK's endpoint at :4580.
  kmsconform proxy --upstream http://127.0.0.1:4599

  # Unchanged clients that think they talk to real KMS, sent to an emulator;
  # nothing else may leave the machine.
  kmsconform proxy --routes-only \
      --route kms.us-east-1.amazonaws.com=http://127.0.0.1:4599
  export HTTPS_PROXY=http://127.0.0.1:4580 AWS_CA_BUNDLE=~/.config/kmsconform/proxy-ca/ca.pem
  aws kms list-keys --region us-east-1

  # Faults from a file: throttle the first two Encrypt calls, then reset one
  # Decrypt in five (the same ones every run).
  cat > faults.yaml <<'YAML'
  rules:
    - operation: Encrypt
      times: 2
      faults: [{preset: ThrottlingException}]
    - operation: Decrypt
      probability: 0.2
      seed: 7
      faults: [{kind: delay, delay: 200ms}, {kind: reset}]
  YAML
  kmsconform proxy --upstream http://127.0.0.1:4599 --rules faults.yaml --journal exchanges.jsonl

  # Change rules while it runs, and read the journal.
  curl -X POST 127.0.0.1:4581/v1/rules -d '{"operation":"GenerateDataKey","faults":[{"kind":"lost"}]}'
  curl '127.0.0.1:4581/v1/journal?operation=GenerateDataKey'

Fault kinds: %s.
Error presets: %s.
`

// routeFlags collects repeated --route host=URL flags. URLs are checked by
// urls, not Set, so that the flag package never echoes one holding a password.
type routeFlags map[string]string

func (r routeFlags) String() string {
	parts := make([]string, 0, len(r))
	for h, raw := range r {
		if u, err := url.Parse(raw); err == nil {
			raw = u.Redacted()
		}
		parts = append(parts, h+"="+raw)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (r routeFlags) Set(v string) error {
	host, raw, ok := strings.Cut(v, "=")
	if !ok || host == "" || strings.Contains(host, "/") {
		return fmt.Errorf("want host=URL, such as kms.us-east-1.amazonaws.com=http://127.0.0.1:4599")
	}
	r[strings.ToLower(host)] = raw
	return nil
}

// urls parses the routes' URLs.
func (r routeFlags) urls() (map[string]*url.URL, error) {
	out := make(map[string]*url.URL, len(r))
	for host, raw := range r {
		u, err := parseBaseURL(raw)
		if err != nil {
			return nil, fmt.Errorf("--route %s: %w", host, err)
		}
		out[host] = u
	}
	return out, nil
}

func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, errors.New("is not a URL; want an absolute http:// or https:// URL") // raw may hold a password
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return nil, fmt.Errorf("%q: want an absolute http:// or https:// URL", u.Redacted())
	case u.User != nil:
		return nil, fmt.Errorf("%q: want a URL without user:password@ (the proxy forwards clients' own signed requests)", u.Redacted())
	}
	return u, nil
}

type proxyOptions struct {
	listen, control, caDir, upstream, rulesFile, journalFile string
	cpuProfile                                               string
	routes                                                   routeFlags
	routesOnly, allowNonLoopback, verbose                    bool
	journalBodyBytes, journalBytes, maxRequestBytes          int64
	journalSize                                              int
}

func runProxy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := proxyOptions{routes: routeFlags{}}
	fs := flag.NewFlagSet("proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:4580", "`address` the proxy listens on (loopback unless --allow-non-loopback)")
	fs.StringVar(&o.control, "control", "127.0.0.1:4581", "`address` of the REST control API; \"off\" disables it")
	fs.StringVar(&o.caDir, "ca-dir", defaultCADir(), "`directory` keeping the MITM CA (ca.pem, and ca-key.pem with mode 0600); created if missing")
	fs.StringVar(&o.upstream, "upstream", "", "reverse mode: `URL` that receives requests sent straight to the proxy")
	fs.Var(o.routes, "route", "forward mode: send `host=URL` (repeatable), e.g. kms.us-east-1.amazonaws.com=http://127.0.0.1:4599")
	fs.BoolVar(&o.routesOnly, "routes-only", false, "answer 502 for forward-mode hosts without a --route (nothing leaves for real hosts)")
	fs.StringVar(&o.rulesFile, "rules", "", "YAML `file` of fault rules loaded at start")
	fs.StringVar(&o.journalFile, "journal", "", "append every exchange, redacted, to this JSONL `file`")
	fs.IntVar(&o.journalSize, "journal-size", proxy.DefaultJournalEntries, "entries the in-memory journal keeps at most")
	fs.Int64Var(&o.journalBytes, "journal-bytes", proxy.DefaultJournalBytes, "estimated `bytes` the in-memory journal keeps at most (oldest entries dropped first); the --journal file gets every entry")
	fs.Int64Var(&o.journalBodyBytes, "journal-body-bytes", proxy.DefaultJournalBodyBytes, "`bytes` of each body the journal keeps (bodies are always forwarded whole)")
	fs.Int64Var(&o.maxRequestBytes, "max-request-bytes", proxy.DefaultMaxRequestBytes, "largest request body in `bytes`; a larger one gets 413 and is not forwarded")
	fs.BoolVar(&o.allowNonLoopback, "allow-non-loopback", false, "allow --listen and --control on non-loopback addresses")
	fs.BoolVar(&o.verbose, "verbose", false, "log every exchange to stderr")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the whole run to this `file` when the proxy stops")
	fs.Usage = func() {} // --help prints the full text below; errors get a hint
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fmt.Fprint(stdout, proxyHelp)
			fs.PrintDefaults()
			fmt.Fprintf(stdout, proxyExamples, strings.Join(faults.NewRegistry().Kinds(), ", "), strings.Join(faults.PresetNames(), ", "))
			return exitOK
		}
		fmt.Fprintln(stderr, "Run 'kmsconform proxy --help' for flags and examples.")
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kmsconform proxy: unexpected arguments %q (all settings are flags; see --help)\n", fs.Args())
		return exitUsage
	}
	if err := o.check(); err != nil {
		fmt.Fprintf(stderr, "kmsconform proxy: %v\n", err)
		return exitUsage
	}
	if err := serveProxy(ctx, o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "kmsconform proxy: %v\n", err)
		return exitFailed
	}
	return exitOK
}

func (o proxyOptions) check() error {
	addrs := []string{"--listen", o.listen}
	if o.control != "off" {
		addrs = append(addrs, "--control", o.control)
	}
	for i := 0; i < len(addrs); i += 2 {
		if err := checkListenAddr(addrs[i+1], o.allowNonLoopback); err != nil {
			return fmt.Errorf("%s %s", addrs[i], err)
		}
	}
	if o.upstream != "" {
		if _, err := parseBaseURL(o.upstream); err != nil {
			return fmt.Errorf("--upstream %w", err)
		}
	}
	if _, err := o.routes.urls(); err != nil {
		return err
	}
	if o.journalBodyBytes <= 0 {
		return fmt.Errorf("--journal-body-bytes %d: want a positive number of bytes", o.journalBodyBytes)
	}
	if o.maxRequestBytes <= 0 {
		return fmt.Errorf("--max-request-bytes %d: want a positive number of bytes", o.maxRequestBytes)
	}
	if o.journalBytes <= 0 {
		return fmt.Errorf("--journal-bytes %d: want a positive number of bytes", o.journalBytes)
	}
	if o.journalSize <= 0 {
		return fmt.Errorf("--journal-size %d: want a positive number", o.journalSize)
	}
	if o.caDir == "" {
		return errors.New("--ca-dir is empty and no user config directory is known; give one")
	}
	return nil
}

// checkListenAddr accepts host:port with a loopback host, or any host when allowed.
func checkListenAddr(addr string, allowAny bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q: want host:port, such as 127.0.0.1:4580", addr)
	}
	if allowAny {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%q is not a loopback address; the proxy sees credentials and plaintext, so it stays on 127.0.0.1 or ::1 unless you pass --allow-non-loopback", addr)
}

func defaultCADir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "kmsconform", "proxy-ca")
}

func serveProxy(ctx context.Context, o proxyOptions, stdout, stderr io.Writer) error {
	if o.cpuProfile != "" {
		stop, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			return err
		}
		defer func() {
			if err := stop(); err != nil {
				fmt.Fprintf(stderr, "kmsconform proxy: %v\n", err)
			}
		}()
	}
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	// An absolute directory makes the printed trust instructions copy-pasteable.
	caDir, err := filepath.Abs(o.caDir)
	if err != nil {
		return fmt.Errorf("--ca-dir %s: %w", o.caDir, err)
	}
	authority, err := ca.LoadOrCreate(caDir)
	if err != nil {
		return err
	}
	set := &rules.Set{}
	if o.rulesFile != "" {
		list, err := rules.LoadFile(o.rulesFile)
		if err != nil {
			return err
		}
		if err := set.Replace(list); err != nil {
			return fmt.Errorf("%s: %w", o.rulesFile, err)
		}
	}
	jopts := journal.Options{Capacity: o.journalSize, MaxBytes: o.journalBytes}
	if o.journalFile != "" {
		f, err := os.OpenFile(o.journalFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		defer f.Close()
		jopts.Sink = f
	}
	jr := journal.New(jopts)
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := jr.Close(cctx); err != nil {
			logger.Error("closing journal", "err", err)
		}
	}()

	cfg := proxy.Config{
		RoutesOnly: o.routesOnly, CA: authority, Journal: jr, Rules: set,
		JournalBodyBytes: o.journalBodyBytes, MaxRequestBytes: o.maxRequestBytes, Logger: logger,
	}
	if o.upstream != "" {
		cfg.Upstream, _ = parseBaseURL(o.upstream) // checked already
	}
	cfg.Routes, _ = o.routes.urls() // checked already
	p, err := proxy.New(cfg)
	if err != nil {
		return err
	}
	defer p.Close()

	// Idle keep-alive connections are closed in time, so idle clients cannot
	// pile up open descriptors.
	servers := []*http.Server{{Handler: p, ReadHeaderTimeout: time.Minute, IdleTimeout: 2 * time.Minute}}
	listeners := []net.Listener{}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	listeners = append(listeners, ln)
	if o.control != "off" {
		cln, err := net.Listen("tcp", o.control)
		if err != nil {
			ln.Close()
			return fmt.Errorf("control listen: %w", err)
		}
		listeners = append(listeners, cln)
		servers = append(servers, &http.Server{Handler: p.ControlHandler(), ReadHeaderTimeout: time.Minute, IdleTimeout: 2 * time.Minute})
	}
	printProxyBanner(stdout, o, ln.Addr().String(), listeners, authority)

	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { errc <- srv.Serve(listeners[i]) }()
	}
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = p.Close() // ends hung requests so shutdown need not wait for them
	for _, srv := range servers {
		if err := srv.Shutdown(sctx); err != nil {
			srv.Close()
		}
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	fmt.Fprintln(stdout, "kmsconform proxy: stopped")
	return nil
}

func printProxyBanner(w io.Writer, o proxyOptions, addr string, listeners []net.Listener, authority *ca.CA) {
	base := "http://" + addr
	fmt.Fprintf(w, "kmsconform proxy listening on %s\n", base)
	if len(listeners) > 1 {
		fmt.Fprintf(w, "  control API:  http://%s%shealth\n", listeners[1].Addr(), proxy.ControlPrefix)
	}
	if o.upstream != "" {
		fmt.Fprintf(w, "  reverse mode: direct requests go to %s (set the client's endpoint URL to %s)\n", o.upstream, base)
	}
	for _, r := range strings.Split(o.routes.String(), ",") {
		if r != "" {
			h, u, _ := strings.Cut(r, "=")
			fmt.Fprintf(w, "  route:        %s -> %s\n", h, u)
		}
	}
	if o.routesOnly {
		fmt.Fprintln(w, "  routes only:  hosts without a route get 502")
	}
	if o.journalFile != "" {
		fmt.Fprintf(w, "  journal:      %s\n", o.journalFile)
	}
	fmt.Fprintf(w, "Forward mode: export HTTP_PROXY=%s HTTPS_PROXY=%s\n", base, base)
	fmt.Fprintf(w, "Trust the proxy CA for HTTPS through it:\n")
	fmt.Fprintf(w, "  export AWS_CA_BUNDLE=%s        # AWS CLI, boto3, AWS SDKs\n", authority.CertFile)
	fmt.Fprintf(w, "  export NODE_EXTRA_CA_CERTS=%s  # Node.js (AWS SDK for JavaScript)\n", authority.CertFile)
	fmt.Fprintf(w, "  export SSL_CERT_FILE=%s        # OpenSSL and Go clients (replaces the system roots)\n", authority.CertFile)
}

// startCPUProfile profiles the process until the returned stop is called,
// which writes the profile out.
func startCPUProfile(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		return nil
	}, nil
}
