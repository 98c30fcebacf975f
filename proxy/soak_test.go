package proxy_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmsconform/kmsconform/proxy"
	"github.com/kmsconform/kmsconform/proxy/faults"
	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/proxy/rules"
)

// soakSizes is how many requests TestSoakRandomFaultsLeakNothing sends for
// its warm-up (filling the journal's ring and the attempt counter's first
// generation) and then measured. The race detector makes each request several
// times slower, so a -race run sends fewer (still enough to show a leak of a
// goroutine or descriptor per request); `make test-soak` runs the full count
// in a plain test binary.
func soakSizes() (warmUp, measured int) {
	if raceDetector {
		return 2_000, 6_000
	}
	return 5_000, 100_000
}

// Leak bounds, after the run, over the baseline taken after the warm-up.
const (
	soakWorkers         = 8
	soakGoroutineSlack  = 2
	soakFDSlack         = 2
	soakHeapGrowthBound = 4 << 20 // bytes; 100,000 requests leaking 64 bytes each exceed it
)

// TestSoakRandomFaultsLeakNothing sends many requests through seeded random
// faults of every terminal kind and checks, by counting, that the proxy ends
// where it started: no more goroutines, open file descriptors or live heap
// than after its warm-up, and one journal entry per request.
func TestSoakRandomFaultsLeakNothing(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = io.WriteString(w, `{"KeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","CiphertextBlob":"Y2lwaGVydGV4dC1jaXBoZXJ0ZXh0"}`)
	}))
	defer upstream.Close()
	upURL, _ := url.Parse(upstream.URL)
	prob := func(id string, p float64, seed uint64, fs ...faults.Spec) rules.Rule {
		return rules.Rule{ID: id, Probability: p, Seed: seed, Faults: fs}
	}
	jr := journal.New(journal.Options{Capacity: 1000})
	_, proxyURL := startProxy(t, proxy.Config{Upstream: upURL, Journal: jr, Rules: mustRules(t,
		prob("error", 0.08, 1, faults.Preset("KMSInternalException")),
		prob("throttle", 0.05, 2, faults.Preset("ThrottlingException")),
		prob("reset", 0.08, 3, faults.Spec{Kind: faults.KindReset}),
		prob("truncate", 0.08, 4, faults.Spec{Kind: faults.KindTruncate}),
		prob("delay-0", 0.1, 5, faults.Spec{Kind: faults.KindDelay, Delay: faults.Duration(time.Nanosecond)}),
		prob("lost", 0.08, 6, faults.Spec{Kind: faults.KindLost}),
		prob("lost-504", 0.03, 7, faults.Spec{Kind: faults.KindLost, Preset: "HTTP504"}),
		prob("pass", 0.1, 8),
	)})

	tr := &http.Transport{MaxIdleConnsPerHost: soakWorkers, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	var tally soakTally
	var seq atomic.Int64
	run := func(n int) {
		var wg sync.WaitGroup
		var left atomic.Int64
		left.Store(int64(n))
		for range soakWorkers {
			wg.Go(func() {
				for left.Add(-1) >= 0 {
					tally.add(soakRequest(client, proxyURL.String(), seq.Add(1)))
				}
			})
		}
		wg.Wait()
	}

	warmUp, total := soakSizes()
	run(warmUp)
	base := settle(t, tr, upstream, nil)
	tally = soakTally{}
	start := time.Now()
	run(total)
	elapsed := time.Since(start)
	end := settle(t, tr, upstream, &base)

	t.Logf("%d requests after a %d-request warm-up in %v (race detector: %v); outcomes %s",
		total, warmUp, elapsed.Round(time.Millisecond), raceDetector, tally.String())
	t.Logf("goroutines %d -> %d, open fds %d -> %d, heap in use %.1f MiB -> %.1f MiB",
		base.goroutines, end.goroutines, base.fds, end.fds, mib(base.heap), mib(end.heap))
	if end.goroutines > base.goroutines+soakGoroutineSlack {
		var dump bytes.Buffer
		_ = pprof.Lookup("goroutine").WriteTo(&dump, 1)
		t.Errorf("goroutines grew from %d to %d:\n%s", base.goroutines, end.goroutines, dump.String())
	}
	if base.fds >= 0 && end.fds > base.fds+soakFDSlack {
		t.Errorf("open file descriptors grew from %d to %d", base.fds, end.fds)
	}
	if end.heap > base.heap+soakHeapGrowthBound {
		t.Errorf("heap in use grew from %.1f MiB to %.1f MiB (bound: +%.0f MiB)", mib(base.heap), mib(end.heap), mib(soakHeapGrowthBound))
	}
	// Every request was recorded exactly once, and every kind of outcome happened.
	if es := jr.Entries(); len(es) == 0 || es[len(es)-1].Seq != uint64(warmUp+total) {
		t.Errorf("journal: %d entries in memory, the last of them %+v; want seq %d last (one entry per request)", len(es), es[max(0, len(es)-1):], warmUp+total)
	}
	if tally.sum() != total {
		t.Errorf("tallied %d outcomes for %d requests", tally.sum(), total)
	}
	for name, n := range map[string]int{"200": tally.ok, "error status": tally.errStatus, "reset": tally.reset, "truncated": tally.truncated} {
		if n == 0 {
			t.Errorf("no %s outcome in %d requests: %s", name, total, tally.String())
		}
	}
	if tally.other > 0 {
		t.Errorf("%d requests failed in an unexpected way (first: %v)", tally.other, tally.firstOther)
	}
}

// soakOutcome is what one request ended as, from the client's side.
type soakOutcome struct {
	status    int   // 0: no response head
	err       error // from the request, or from reading the body
	truncated bool
}

func soakRequest(client *http.Client, target string, n int64) soakOutcome {
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(`{"KeyId":"alias/soak","Plaintext":"c2VjcmV0LXBsYWludGV4dA=="}`))
	if err != nil {
		return soakOutcome{err: err}
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "TrentService.Encrypt")
	req.Header.Set("Amz-Sdk-Invocation-Id", fmt.Sprintf("soak-%d", n))
	req.Header.Set("Amz-Sdk-Request", "attempt=1; max=1")
	resp, err := client.Do(req)
	if err != nil {
		return soakOutcome{err: err}
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return soakOutcome{status: resp.StatusCode, err: err, truncated: errors.Is(err, io.ErrUnexpectedEOF)}
}

type soakTally struct {
	mu                                     sync.Mutex
	ok, errStatus, reset, truncated, other int
	firstOther                             error
}

func (s *soakTally) add(o soakOutcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case o.truncated && o.status == http.StatusOK:
		s.truncated++
	case o.err != nil && o.status == 0:
		s.reset++ // reset, or a lost response
	case o.err != nil:
		s.other++
		if s.firstOther == nil {
			s.firstOther = o.err
		}
	case o.status == http.StatusOK:
		s.ok++
	case o.status == 500 || o.status == 400 || o.status == 504:
		s.errStatus++
	default:
		s.other++
		if s.firstOther == nil {
			s.firstOther = fmt.Errorf("status %d", o.status)
		}
	}
}

func (s *soakTally) sum() int { return s.ok + s.errStatus + s.reset + s.truncated + s.other }

func (s *soakTally) String() string {
	return fmt.Sprintf("200: %d, error status: %d, reset/lost: %d, truncated: %d, other: %d", s.ok, s.errStatus, s.reset, s.truncated, s.other)
}

// resources are the counts a leak would grow.
type resources struct {
	goroutines int
	fds        int // -1 where /proc/self/fd is missing
	heap       uint64
}

// settle closes the idle connections on both sides of the proxy (client to
// proxy, proxy to upstream: how many stay open otherwise depends on
// scheduling), waits (boundedly) for their goroutines to end, and counts.
// With a baseline it waits until the counts are back within the slack, so a
// slow machine does not fail the test; a real leak never settles.
func settle(t *testing.T, tr *http.Transport, upstream *httptest.Server, base *resources) resources {
	t.Helper()
	tr.CloseIdleConnections()
	upstream.CloseClientConnections()
	var r resources
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		r = count()
		if base == nil || time.Now().After(deadline) ||
			(r.goroutines <= base.goroutines+soakGoroutineSlack && r.fds <= base.fds+soakFDSlack) {
			break
		}
	}
	if base == nil { // a moment for goroutines to finish exiting before the baseline
		time.Sleep(200 * time.Millisecond)
		r = count()
	}
	return r
}

func count() resources {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r := resources{goroutines: runtime.NumGoroutine(), fds: -1, heap: ms.HeapInuse}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		r.fds = len(fds)
	}
	return r
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
