package bench

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/kmsconform/kmsconform/proxy"
	"github.com/kmsconform/kmsconform/proxy/ca"
)

// These benchmarks run every hop in the test process, which suits
// `go test -bench` and its -cpuprofile/-memprofile flags (the profiles then
// show the proxy's own work next to the client's). `kmsconform bench` runs
// each proxy as its own process instead, for CPU time and memory apart.
//
//	go test -run '^$' -bench . -benchtime 5000x ./bench

// benchRef starts the reference KMS and creates the benchmark key.
func benchRef(b *testing.B) (*referenceKMS, workload) {
	b.Helper()
	ref, err := startReference()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(ref.close)
	setup := newClient(Endpoint{URL: ref.plainURL()}, 1, nil)
	defer setup.close()
	load, err := newWorkload(context.Background(), setup)
	if err != nil {
		b.Fatal(err)
	}
	return ref, load
}

// serveLoopback serves h on a fresh loopback port and returns its address.
func serveLoopback(b *testing.B, h http.Handler) string {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	b.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

func startProxy(b *testing.B, cfg proxy.Config) string {
	b.Helper()
	p, err := proxy.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Close() })
	return serveLoopback(b, p)
}

// measure sends sequential requests through ep and reports latency
// percentiles next to ns/op.
func measure(b *testing.B, ep Endpoint, load workload) {
	b.Helper()
	cl := newClient(ep, 1, nil)
	defer cl.close()
	ctx := context.Background()
	for i := range warmupRequests {
		if err := load.call(ctx, cl, i); err != nil {
			b.Fatalf("warm-up: %v", err)
		}
	}
	var lat []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if err := load.call(ctx, cl, i); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	s := Summarize(lat)
	b.ReportMetric(float64(s.P50), "p50-ns")
	b.ReportMetric(float64(s.P99), "p99-ns")
}

func BenchmarkDirect(b *testing.B) {
	ref, load := benchRef(b)
	measure(b, Endpoint{URL: ref.plainURL()}, load)
}

func BenchmarkDirectHTTPS(b *testing.B) {
	ref, load := benchRef(b)
	measure(b, Endpoint{URL: ref.secureURL(), RootCAs: ref.roots}, load)
}

func BenchmarkReverseProxy(b *testing.B) {
	ref, load := benchRef(b)
	upstream, _ := url.Parse(ref.plainURL())
	addr := startProxy(b, proxy.Config{Upstream: upstream})
	measure(b, Endpoint{URL: "http://" + addr}, load)
}

func BenchmarkForwardProxy(b *testing.B) {
	ref, load := benchRef(b)
	addr := startProxy(b, proxy.Config{})
	measure(b, Endpoint{URL: ref.plainURL(), Proxy: &url.URL{Scheme: "http", Host: addr}}, load)
}

func BenchmarkMITM(b *testing.B) {
	ref, load := benchRef(b)
	authority, err := ca.New()
	if err != nil {
		b.Fatal(err)
	}
	upstream, _ := url.Parse(ref.plainURL())
	addr := startProxy(b, proxy.Config{CA: authority, Routes: map[string]*url.URL{mitmHost: upstream}, RoutesOnly: true})
	measure(b, Endpoint{URL: "https://" + mitmHost, Proxy: &url.URL{Scheme: "http", Host: addr}, RootCAs: authority.Pool()}, load)
}

func BenchmarkToxiproxy(b *testing.B) {
	ref, load := benchRef(b)
	server := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	p := toxiproxy.NewProxy(server, "kms", "127.0.0.1:0", ref.plainAddr)
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.Stop)
	measure(b, Endpoint{URL: "http://" + p.Listen}, load)
}
