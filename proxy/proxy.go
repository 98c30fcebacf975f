// Package proxy is kmsconform's recording, fault-injecting KMS proxy.
//
// It runs in three ways at once, depending on what a client sends it:
//   - forward proxy for HTTP_PROXY / HTTPS_PROXY clients; CONNECT tunnels are
//     intercepted (MITM) with the proxy's own CA, so TLS clients work unchanged
//     once they trust it;
//   - reverse proxy when Config.Upstream is set: clients point their endpoint
//     URL at the proxy;
//   - host routing in forward mode: Config.Routes sends a host such as
//     kms.us-east-1.amazonaws.com to an emulator, and Config.RoutesOnly turns
//     every other host away with a 502, so nothing ever leaves loopback.
//
// Every exchange is matched against the rules (package rules), may have
// faults injected (package faults), and is recorded, redacted, in the journal
// (package journal). Requests pass through untouched otherwise: signed
// headers, the Host header and the body reach the upstream exactly as the
// client sent them, so SigV4 still verifies there.
package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/elazarl/goproxy"

	"github.com/kmsconform/kmsconform/proxy/ca"
	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/proxy/rules"
)

// ScenarioHeader is the unsigned header the runner adds to attribute requests
// to scenarios. The proxy records it and forwards it untouched.
const ScenarioHeader = "X-Kmsconform-Scenario"

// DefaultJournalBodyBytes is how much of each body the journal keeps by default.
const DefaultJournalBodyBytes = 64 << 10

// DefaultJournalEntries and DefaultJournalBytes bound the journal a Proxy
// creates for itself (Config.Journal nil), and the CLI's by default: a few
// MiB of recent evidence, so a long-running proxy stays small. Pass a
// Journal of your own to keep more (the --journal file keeps everything).
const (
	DefaultJournalEntries = 2000
	DefaultJournalBytes   = 4 << 20
)

// DefaultMaxRequestBytes is the default cap on a request body. KMS's own
// inputs are far smaller (its largest member, a key policy, is at most 128 Ki
// characters), so the cap only guards the proxy's memory, generously.
const DefaultMaxRequestBytes = 8 << 20

// maxResponseBytes bounds the upstream response body the proxy buffers; a
// larger one is answered with 502 rather than forwarded cut short.
const maxResponseBytes = 16 << 20

// Config configures a Proxy. The zero value is a forward proxy with an
// in-memory CA, an empty rule set and a default journal.
type Config struct {
	// Upstream, if set, receives every request that is not a proxy request
	// (reverse mode).
	Upstream *url.URL
	// Routes sends forward-mode requests for a host ("kms.us-east-1.amazonaws.com",
	// or "host:port" to match one port only) to another base URL.
	Routes map[string]*url.URL
	// RoutesOnly answers 502 for any forward-mode host without a route.
	RoutesOnly bool
	// CA signs MITM leaf certificates; nil creates one in memory.
	CA *ca.CA
	// Journal records exchanges; nil creates one bounded by
	// DefaultJournalEntries and DefaultJournalBytes.
	Journal *journal.Journal
	// Rules decide the faults; nil starts with an empty set.
	Rules *rules.Set
	// JournalBodyBytes is how much of each body the journal keeps (default
	// DefaultJournalBodyBytes); bodies are always forwarded whole.
	JournalBodyBytes int64
	// MaxRequestBytes caps a request body (default DefaultMaxRequestBytes);
	// a larger one is answered 413 and never forwarded.
	MaxRequestBytes int64
	// UpstreamTLS configures TLS towards https upstreams; nil uses the system roots.
	UpstreamTLS *tls.Config
	Logger      *slog.Logger
}

// Proxy is the kmsconform proxy; it is an http.Handler.
type Proxy struct {
	cfg      Config
	log      *slog.Logger
	journal  *journal.Journal
	rules    *rules.Set
	maxBody  int // of each body, for the journal
	upstream *upstreamClient
	connect  *goproxy.ProxyHttpServer
	leaves   *ca.LeafCache
	tunnels  *tunnelServer
	attempts *attemptCounter

	ctx    context.Context // ends when the proxy closes; bounds every exchange
	cancel context.CancelFunc
	once   sync.Once
}

// New returns a Proxy ready to serve. Call Close when done with it.
func New(cfg Config) (*Proxy, error) {
	if cfg.Upstream != nil {
		if err := checkBaseURL(cfg.Upstream); err != nil {
			return nil, fmt.Errorf("proxy: upstream: %w", err)
		}
	}
	routes := make(map[string]*url.URL, len(cfg.Routes))
	for host, u := range cfg.Routes {
		if err := checkBaseURL(u); err != nil {
			return nil, fmt.Errorf("proxy: route %s: %w", host, err)
		}
		routes[strings.ToLower(host)] = u
	}
	cfg.Routes = routes
	if cfg.CA == nil {
		c, err := ca.New()
		if err != nil {
			return nil, fmt.Errorf("proxy: %w", err)
		}
		cfg.CA = c
	}
	if cfg.Journal == nil {
		cfg.Journal = journal.New(journal.Options{Capacity: DefaultJournalEntries, MaxBytes: DefaultJournalBytes})
	}
	if cfg.Rules == nil {
		cfg.Rules = &rules.Set{}
	}
	if cfg.JournalBodyBytes <= 0 {
		cfg.JournalBodyBytes = DefaultJournalBodyBytes
	}
	if cfg.MaxRequestBytes <= 0 {
		cfg.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Proxy{
		cfg:      cfg,
		log:      cfg.Logger,
		journal:  cfg.Journal,
		rules:    cfg.Rules,
		maxBody:  int(min(cfg.JournalBodyBytes, max(cfg.MaxRequestBytes, maxResponseBytes))),
		leaves:   ca.NewLeafCache(0),
		attempts: newAttemptCounter(),
		ctx:      ctx,
		cancel:   cancel,
		upstream: newUpstreamClient(cfg.UpstreamTLS),
	}
	p.connect = p.newConnectHandler()
	p.tunnels = newTunnelServer(p)
	return p, nil
}

// checkBaseURL accepts an absolute http(s) URL without credentials: the
// proxy forwards the client's own signed requests and would silently drop
// them, and URLs end up in journals and logs. Errors never show a password.
func checkBaseURL(u *url.URL) error {
	switch {
	case u == nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("%q: want an absolute http:// or https:// URL", u.Redacted())
	case u.User != nil:
		return fmt.Errorf("%q: want a URL without user:password@ (the proxy forwards clients' own signed requests)", u.Redacted())
	}
	return nil
}

// Rules returns the live rule set.
func (p *Proxy) Rules() *rules.Set { return p.rules }

// Journal returns the journal.
func (p *Proxy) Journal() *journal.Journal { return p.journal }

// CA returns the CA that signs MITM certificates.
func (p *Proxy) CA() *ca.CA { return p.cfg.CA }

// LeafCertificatesSigned counts the MITM leaf certificates signed so far;
// the leaf cache makes it one per host.
func (p *Proxy) LeafCertificatesSigned() int { return p.leaves.Signed() }

// ResetCounters restarts the rules' counters and the proxy's attempt counts.
func (p *Proxy) ResetCounters() {
	p.rules.ResetCounters()
	p.attempts.reset()
}

// Close ends intercepted tunnels and in-flight exchanges (hung requests
// included) and releases upstream connections. It does not close the journal.
func (p *Proxy) Close() error {
	var err error
	p.once.Do(func() {
		p.cancel()
		err = p.tunnels.close()
		p.upstream.close()
	})
	return err
}

// ServeHTTP serves CONNECT (intercepted), absolute-form proxy requests
// (forward mode) and, when Config.Upstream is set, everything else (reverse mode).
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodConnect:
		p.connect.ServeHTTP(w, r)
	case r.URL.IsAbs():
		target, err := p.route(r.URL.Scheme, r.URL.Host)
		p.serveExchange(w, r, modeForward, target, err)
	case p.cfg.Upstream != nil:
		p.serveExchange(w, r, modeReverse, p.cfg.Upstream, nil)
	default:
		http.Error(w, "kmsconform proxy: this is a forward proxy (set HTTP_PROXY/HTTPS_PROXY to it) "+
			"and no --upstream is configured for direct requests", http.StatusBadRequest)
	}
}

// Exchange modes, as the journal records them.
const (
	modeForward = "forward"
	modeReverse = "reverse"
	modeMITM    = "mitm"
)

// errNoRoute is why RoutesOnly turns a host away.
var errNoRoute = errors.New("no route for this host and routes-only is set")

// route returns the base URL a forward-mode request for hostport goes to.
func (p *Proxy) route(scheme, hostport string) (*url.URL, error) {
	key := strings.ToLower(hostport)
	if u, ok := p.cfg.Routes[key]; ok {
		return u, nil
	}
	host := key
	if h, _, err := net.SplitHostPort(key); err == nil {
		host = h
	}
	if u, ok := p.cfg.Routes[host]; ok {
		return u, nil
	}
	if p.cfg.RoutesOnly {
		return nil, fmt.Errorf("%s: %w", hostport, errNoRoute)
	}
	return &url.URL{Scheme: scheme, Host: hostport}, nil
}
