package retries

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/kmsconform/kmsconform/proxy"
	"github.com/kmsconform/kmsconform/proxy/journal"
)

// The proxy's timing error on a wait: a request is recorded as received
// no earlier than the client sent it, and answered (Received + Total) no
// later than the client read the answer; the slack on both sides, at the
// median of 40 requests, stays within proxyTimingError.
func TestProxyTimingError(t *testing.T) {
	upstream := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(upstream.Close)
	u, _ := url.Parse(upstream.URL)
	p, err := proxy.New(proxy.Config{Upstream: u, Journal: journal.New(journal.Options{Capacity: 64})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	f, _ := lookupFault("KMSInternalException")
	if _, err := p.Rules().Add(f.Rule("DescribeKey")); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)

	var slack []time.Duration
	for i := range 40 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader([]byte(`{"KeyId":"alias/x"}`)))
		req.Header.Set("X-Amz-Target", "TrentService.DescribeKey")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		sent := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		read := time.Now()
		entries := p.Journal().Filter(func(journal.Entry) bool { return true })
		if len(entries) != i+1 {
			t.Fatalf("journal holds %d entries after %d requests", len(entries), i+1)
		}
		e := entries[i]
		answered := e.Received.Add(e.Total)
		if e.Received.Before(sent) || answered.After(read) {
			t.Fatalf("request %d: proxy times [%v, %v] outside the client's [%v, %v]", i, e.Received, answered, sent, read)
		}
		slack = append(slack, e.Received.Sub(sent)+read.Sub(answered))
	}
	slices.Sort(slack)
	t.Logf("proxy timing error: median %v, max %v", slack[len(slack)/2], slack[len(slack)-1])
	if m := slack[len(slack)/2]; m > proxyTimingError {
		t.Errorf("median proxy timing error %v exceeds proxyTimingError %v", m, proxyTimingError)
	}
}
