package bench

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kmsconform/kmsconform/proxy/ca"
)

// Path names: how requests travel from the client to the reference KMS.
const (
	PathDirect         = "direct"          // plain HTTP, no proxy
	PathDirectHTTPS    = "direct-https"    // HTTPS, no proxy
	PathReverse        = "reverse"         // our proxy, reverse mode (--upstream)
	PathForward        = "forward"         // our proxy, plain HTTP forward proxy
	PathMITM           = "mitm"            // our proxy, CONNECT + MITM HTTPS, keep-alive
	PathToxiproxy      = "toxiproxy"       // Toxiproxy TCP pass-through, plain HTTP
	PathToxiproxyHTTPS = "toxiproxy-https" // Toxiproxy TCP pass-through carrying HTTPS
)

// path is one way to the reference KMS, with the process (if any) that the
// requests pass through.
type path struct {
	name     string
	baseline string // the direct path carrying the same protocol
	ep       Endpoint
	proc     *process // the proxy's process; nil for direct paths
	ownsProc bool     // whether closing the path stops proc (paths may share one)
	// unavailable says why the path cannot be measured; once set, the rest
	// of the run skips the path and its rows say why.
	unavailable string
	seq         *client // one keep-alive connection, for sequential requests

	latencies []time.Duration // sequential latencies, from measureLatency
	summary   Summary
}

func (p *path) close() {
	if p.seq != nil {
		p.seq.close()
	}
	if p.ownsProc {
		p.proc.stop()
	}
}

func (p *path) fail(err error) {
	if p.unavailable == "" {
		p.unavailable = err.Error()
	}
}

func (p *path) ok() bool { return p.unavailable == "" }

// delayHeader selects one of the delay rules every proxy is started with.
const delayHeader = "X-Kmsconform-Bench-Delay"

// startPaths starts every proxy the run compares. A path that cannot start
// is kept, marked unavailable with the reason.
func (r *runner) startPaths(ctx context.Context) []*path {
	ref := r.ref
	paths := []*path{
		{name: PathDirect, ep: Endpoint{URL: ref.plainURL()}},
		{name: PathDirectHTTPS, ep: Endpoint{URL: ref.secureURL(), RootCAs: ref.roots}},
	}
	ours := []*path{
		{name: PathReverse, baseline: PathDirect},
		{name: PathForward, baseline: PathDirect},
		{name: PathMITM, baseline: PathDirectHTTPS},
	}
	for _, p := range ours {
		if r.cfg.Binary == "" {
			p.unavailable = "no kmsconform binary to run the proxy"
			continue
		}
		if err := r.startOurProxy(ctx, p); err != nil {
			p.fail(err)
		}
	}
	paths = append(paths, ours...)

	toxi := []*path{
		{name: PathToxiproxy, baseline: PathDirect},
		{name: PathToxiproxyHTTPS, baseline: PathDirectHTTPS},
	}
	if err := r.startToxiproxy(ctx, toxi[0], toxi[1]); err != nil {
		for _, p := range toxi {
			p.fail(err)
		}
	}
	paths = append(paths, toxi...)

	for _, p := range paths {
		if p.ok() {
			p.seq = newClient(p.ep, 1, nil)
		}
	}
	return paths
}

// mitmHost is the name MITM clients ask the proxy for. It is routed to the
// reference KMS (and nothing else is allowed out), and .invalid can never
// resolve, so no request can leave loopback even if routing broke.
const mitmHost = "kms.bench.invalid"

// startOurProxy runs `kmsconform proxy` in p's mode as its own process, with
// the delay rules loaded (so every request pays for rule matching, as in a
// real run) and the control API off.
func (r *runner) startOurProxy(ctx context.Context, p *path) error {
	listen, err := freeLoopbackAddr()
	if err != nil {
		return err
	}
	rulesFile, err := r.writeDelayRules()
	if err != nil {
		return err
	}
	caDir := filepath.Join(r.cfg.WorkDir, "ca")
	authority, err := ca.LoadOrCreate(caDir)
	if err != nil {
		return fmt.Errorf("proxy CA: %w", err)
	}
	proxyURL := &url.URL{Scheme: "http", Host: listen}
	args := []string{"proxy", "--listen", listen, "--control", "off", "--ca-dir", caDir, "--rules", rulesFile}
	switch p.name {
	case PathReverse:
		args = append(args, "--upstream", r.ref.plainURL())
		p.ep = Endpoint{URL: proxyURL.String()}
	case PathForward:
		p.ep = Endpoint{URL: r.ref.plainURL(), Proxy: proxyURL}
	case PathMITM:
		// TLS between client and proxy; the proxy reaches the reference
		// over plain HTTP through a route, as a run against the embedded
		// reference does. The direct-https baseline likewise has one TLS leg.
		args = append(args, "--route", mitmHost+"="+r.ref.plainURL(), "--routes-only")
		p.ep = Endpoint{URL: "https://" + mitmHost, Proxy: proxyURL, RootCAs: authority.Pool()}
	}
	if r.cfg.ProfileDir != "" {
		args = append(args, "--cpuprofile", filepath.Join(r.cfg.ProfileDir, p.name+".cpu.pprof"))
	}
	args = append(args, r.cfg.ProxyArgs...)
	proc, err := startProcess(ctx, "kmsconform proxy ("+p.name+")", r.cfg.Binary, args, nil)
	if err != nil {
		return err
	}
	if err := proc.waitListening(ctx, listen, 30*time.Second); err != nil {
		proc.stop()
		return err
	}
	p.proc, p.ownsProc = proc, true
	return nil
}

// writeDelayRules writes a rules file with one delay rule per requested
// delay, each selected by a header only the fault-timing requests carry, so
// every other request passes through the same rule matching users pay for.
func (r *runner) writeDelayRules() (string, error) {
	var b strings.Builder
	b.WriteString("rules:\n")
	for _, d := range r.cfg.Delays {
		fmt.Fprintf(&b, "  - id: bench-delay-%s\n    header:\n      %s: %q\n    faults:\n      - kind: delay\n        delay: %s\n", d, delayHeader, d.String(), d)
	}
	file := filepath.Join(r.cfg.WorkDir, "delay-rules.yaml")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		return "", fmt.Errorf("write delay rules: %w", err)
	}
	return file, nil
}

// startToxiproxy runs Toxiproxy as its own process with two TCP
// pass-throughs: one to the plain listener, one to the HTTPS listener.
func (r *runner) startToxiproxy(ctx context.Context, plain, secure *path) error {
	if r.cfg.Toxiproxy == "" {
		reason := r.cfg.ToxiproxyMissing
		if reason == "" {
			reason = "no toxiproxy-server binary"
		}
		return errors.New(reason)
	}
	t, err := startToxiproxy(ctx, r.cfg.Toxiproxy)
	if err != nil {
		return err
	}
	plainListen, err := t.addProxy(ctx, "kms", r.ref.plainAddr)
	if err != nil {
		t.proc.stop()
		return err
	}
	secureListen, err := t.addProxy(ctx, "kms_https", r.ref.secureAddr)
	if err != nil {
		t.proc.stop()
		return err
	}
	r.toxi = t
	// Both paths share the process; closing the plain path stops it.
	plain.proc, plain.ownsProc, plain.ep = t.proc, true, Endpoint{URL: "http://" + plainListen}
	secure.proc, secure.ep = t.proc, Endpoint{URL: "https://" + secureListen, RootCAs: r.ref.roots}
	return nil
}
