package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/kmsconform/kmsconform/proxy"
	"github.com/kmsconform/kmsconform/proxy/journal"
)

// journalCapacity keeps a whole run's exchanges in memory: a scenario makes a
// few dozen requests at most.
const journalCapacity = 100_000

// recorder is the recording proxy in front of the target, on loopback. The
// scenarios' clients use it as their HTTP proxy (with CONNECT interception for
// https targets), so they sign for the target's real host name and the proxy
// forwards requests exactly as signed. It routes to the target only.
type recorder struct {
	url    *url.URL
	proxy  *proxy.Proxy
	server *http.Server
	// upstreamTLS is how the proxy verifies an https target (nil: system roots).
	upstreamTLS *tls.Config
}

// startRecorder starts the proxy for target. extraRoots, if set, are trusted
// besides the system roots for an https target's certificate.
func startRecorder(extraRoots []byte, targets ...string) (*recorder, error) {
	routes := map[string]*url.URL{}
	for _, target := range targets {
		if target == "" {
			continue
		}
		u, err := url.Parse(target)
		if err != nil {
			return nil, fmt.Errorf("target URL: %w", err)
		}
		routes[u.Host] = &url.URL{Scheme: u.Scheme, Host: u.Host}
	}
	var upstreamTLS *tls.Config
	if len(extraRoots) > 0 {
		roots, err := x509.SystemCertPool()
		if err != nil || roots == nil {
			roots = x509.NewCertPool()
		}
		if !roots.AppendCertsFromPEM(extraRoots) {
			return nil, usagef("AWS_CA_BUNDLE holds no PEM certificate")
		}
		upstreamTLS = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	p, err := proxy.New(proxy.Config{
		Routes:      routes,
		RoutesOnly:  true,
		UpstreamTLS: upstreamTLS,
		Journal:     journal.New(journal.Options{Capacity: journalCapacity}),
	})
	if err != nil {
		return nil, fmt.Errorf("starting the proxy: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = p.Close()
		return nil, fmt.Errorf("starting the proxy: %w", err)
	}
	e := &recorder{url: &url.URL{Scheme: "http", Host: ln.Addr().String()}, proxy: p, server: &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}, upstreamTLS: upstreamTLS}
	go func() { _ = e.server.Serve(ln) }()
	return e, nil
}

// httpClient is the scenarios' HTTP client: through the proxy, trusting its
// interception CA besides the system roots, with every request bounded.
func (e *recorder) httpClient(callTimeout time.Duration) *http.Client {
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	roots.AppendCertsFromPEM(e.proxy.CA().CertPEM())
	return &http.Client{
		Timeout: callTimeout,
		Transport: &http.Transport{
			Proxy:                 http.ProxyURL(e.url),
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			TLSClientConfig:       &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: callTimeout,
			MaxIdleConnsPerHost:   16,
			IdleConnTimeout:       30 * time.Second,
		},
	}
}

func (e *recorder) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = e.server.Shutdown(ctx)
	_ = e.proxy.Close()
}

// journal returns what the proxy recorded of one scenario's requests, by the
// value of their scenario header.
func (e *recorder) journal(scenarioHeader string) []journal.Entry {
	return e.proxy.Journal().Filter(func(en journal.Entry) bool { return en.Scenario == scenarioHeader })
}
