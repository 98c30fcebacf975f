package proxy_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"

	"github.com/kmsconform/kmsconform/proxy"
)

// rawRoundTrip writes raw bytes to the proxy and returns the status code of
// its answer, or 0 when it closed the connection without one.
func rawRoundTrip(t *testing.T, addr, raw string, closeWrite bool) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Not a timing assertion: a bound so a proxy that waits forever fails the test instead of hanging it.
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatalf("writing: %v", err)
	}
	if closeWrite {
		_ = conn.(*net.TCPConn).CloseWrite()
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	var netErr net.Error
	switch {
	case errors.As(err, &netErr) && netErr.Timeout():
		t.Fatalf("no answer and no close within the bound")
	case err != nil:
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestMalformedRequestsAreRefusedWhileOthersAreServed(t *testing.T) {
	upstream, upURL := startUpstream(t)
	p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL, MaxRequestBytes: 1 << 20})
	const head = "POST / HTTP/1.1\r\nHost: kms.local\r\nX-Amz-Target: TrentService.Encrypt\r\n"
	tests := []struct {
		name      string
		raw       string
		want      int
		halfClose bool // the client sends no more after raw
	}{
		{"garbage request line", "garbage\r\n\r\n", 400, false},
		{"binary request line", "\x00\x01\x02\xff\xfe\r\n\r\n", 400, false},
		{"unknown HTTP version", "POST / HTTP/9.9\r\nHost: x\r\n\r\n", 505, false},
		{"HTTP/2 preface without TLS", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400, false},
		{"asterisk-form OPTIONS (net/http answers it)", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 200, false},
		{"header without colon", head + "Not A Header\r\n\r\n", 400, false},
		{"control byte in header name", head + "Bad\x7fName: v\r\n\r\n", 400, false},
		{"missing Host", "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 400, false},
		{"negative Content-Length", head + "Content-Length: -1\r\n\r\n", 400, false},
		{"non-numeric Content-Length", head + "Content-Length: abc\r\n\r\n", 400, false},
		{"overflowing Content-Length", head + "Content-Length: 99999999999999999999999\r\n\r\n{}", 400, false},
		{"conflicting Content-Lengths", head + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400, false},
		{"absurd Content-Length", head + "Content-Length: 9223372036854775807\r\n\r\n{}", 413, false},
		{"bad chunk size", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400, false},
		{"huge chunk size", head + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\n{}\r\n0\r\n\r\n", 400, false},
		{"chunk without its CRLF", head + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n", 400, false},
		{"unsupported transfer coding", head + "Transfer-Encoding: gzip\r\n\r\n{}", 501, false},
		{"oversized header", head + "X-Big: " + strings.Repeat("a", 2<<20) + "\r\n\r\n", 431, false},
		{"truncated head", "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Tar", 400, true},
	}

	// A well-behaved client keeps calling throughout; every call must succeed.
	var good, bad atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	body := []byte(`{"KeyId":"k"}`)
	signed := signedRequest(t, proxyURL.String(), "DescribeKey", body)
	wg.Go(func() {
		client := &http.Client{Transport: &http.Transport{}}
		defer client.CloseIdleConnections()
		for calls := 0; ; calls++ {
			select {
			case <-stop:
				if calls >= 3 { // a few calls at least, however slow the machine
					return
				}
			default:
			}
			req := signed.Clone(context.Background())
			req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			resp, err := client.Do(req)
			if err != nil || resp.StatusCode != 200 {
				bad.Add(1)
			} else {
				good.Add(1)
			}
			if resp != nil {
				resp.Body.Close()
			}
		}
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := rawRoundTrip(t, proxyURL.Host, tc.raw, tc.halfClose); got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
		})
	}
	close(stop)
	wg.Wait()
	if good.Load() == 0 || bad.Load() != 0 {
		t.Errorf("concurrent well-formed calls: %d succeeded, %d failed", good.Load(), bad.Load())
	}
	for _, c := range upstream.calls() {
		if c.Header.Get("X-Amz-Target") != "TrentService.DescribeKey" {
			t.Errorf("a malformed request reached the upstream: %+v", c)
		}
	}
	// Those that reached the proxy's handler are recorded as refused.
	refused := 0
	for _, e := range p.Journal().Entries() {
		if e.Operation == "Encrypt" {
			refused++
			if e.Forwarded || e.Outcome != "rejected" || (e.Status != 400 && e.Status != 413) {
				t.Errorf("malformed request recorded as %+v", e)
			}
		}
	}
	if refused != 4 {
		t.Errorf("journal records %d refused Encrypt requests, want 4 (absurd length, three bad chunked bodies)", refused)
	}
}

func TestOversizedRequestGets413AndIsNotForwarded(t *testing.T) {
	const limit = 1024
	upstream, upURL := startUpstream(t)
	p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL, MaxRequestBytes: limit})

	// The SDK declares the length: refused before the body is read, and the
	// SDK reports the proxy's reason.
	client := kmsClient(t, proxyURL.String(), &http.Transport{}, "too-large", 1)
	_, err := client.Encrypt(context.Background(), &kms.EncryptInput{KeyId: aws.String("k"), Plaintext: bytes.Repeat([]byte("p"), 2*limit)})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != proxy.TooLargeErrorCode || !strings.Contains(apiErr.ErrorMessage(), "--max-request-bytes") {
		t.Fatalf("err = %v, want %s naming --max-request-bytes", err, proxy.TooLargeErrorCode)
	}
	e := lastEntry(t, p.Journal(), 1)
	if e.Status != 413 || e.Outcome != "rejected" || e.Forwarded || e.ErrorCode != proxy.TooLargeErrorCode || e.Scenario != "too-large" {
		t.Errorf("entry = %+v", e)
	}

	// Chunked bodies declare no length: cut off at the limit. One byte under it passes whole.
	for i, tc := range []struct {
		size int
		want int
	}{{limit + 1, 413}, {10 * limit, 413}, {limit, 200}} {
		body := `{"KeyId":"` + strings.Repeat("k", tc.size-len(`{"KeyId":""}`)) + `"}`
		req := signedRequest(t, proxyURL.String(), "DescribeKey", []byte(body))
		req.Body, req.ContentLength = io.NopCloser(struct{ io.Reader }{strings.NewReader(body)}), -1 // hide the length
		resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
		if err != nil {
			t.Fatalf("%d-byte chunked body: %v", tc.size, err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%d-byte chunked body: status %d %s, want %d", tc.size, resp.StatusCode, msg, tc.want)
		}
		if tc.want == 413 && (resp.Header.Get(proxy.ProxyErrorHeader) != "true" || !strings.Contains(string(msg), `"__type":"`+proxy.TooLargeErrorCode)) {
			t.Errorf("413 answer: headers %v body %s", resp.Header, msg)
		}
		if e := lastEntry(t, p.Journal(), i+2); e.Status != tc.want || e.Forwarded != (tc.want == 200) {
			t.Errorf("%d-byte chunked body recorded as %+v", tc.size, e)
		}
	}
	calls := upstream.calls()
	if len(calls) != 1 || len(calls[0].Body) != limit {
		t.Errorf("upstream saw %d requests; want only the one at the limit", len(calls))
	}
}

// waitGoroutines waits (boundedly) for the goroutine count to come back to at
// most max, and fails with a dump if it does not.
func waitGoroutines(t *testing.T, max int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > max; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			var dump bytes.Buffer
			_ = pprof.Lookup("goroutine").WriteTo(&dump, 1)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), max, dump.String())
		}
	}
}

func TestClientGoneMidBodyIsRecordedAndNothingIsForwarded(t *testing.T) {
	upstream, upURL := startUpstream(t)
	p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL})
	baseline := runtime.NumGoroutine()

	conn, err := net.Dial("tcp", proxyURL.Host)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, "POST / HTTP/1.1\r\nHost: "+proxyURL.Host+"\r\nX-Amz-Target: TrentService.Decrypt\r\n"+
		proxy.ScenarioHeader+": gone-mid-body\r\nContent-Length: 1000\r\n\r\n{\"CiphertextBlob\":\"AAAA")
	conn.Close()

	e := lastEntry(t, p.Journal(), 1)
	if e.Outcome != "client-gone" || e.Forwarded || e.Status != 0 || e.Scenario != "gone-mid-body" || !strings.Contains(e.Error, "reading request body") {
		t.Errorf("entry = %+v", e)
	}
	if n := len(upstream.calls()); n != 0 {
		t.Errorf("upstream saw %d requests, want none", n)
	}
	waitGoroutines(t, baseline)
}

func TestClientGoneWhileUpstreamWorksCancelsTheUpstreamRequest(t *testing.T) {
	arrived, cancelled := make(chan struct{}), make(chan struct{})
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // net/http watches for a closed connection once the body is read
		close(arrived)
		select {
		case <-r.Context().Done(): // the proxy gave up on this request
			close(cancelled)
		case <-time.After(20 * time.Second):
		}
	}))
	defer upstream.Close()
	upURL, _ := url.Parse(upstream.URL)
	p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL})
	baseline := runtime.NumGoroutine()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := &http.Transport{}
	done := make(chan error, 1)
	go func() {
		req := signedRequest(t, proxyURL.String(), "GenerateDataKey", []byte(`{"KeyId":"k"}`)).WithContext(ctx)
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-arrived
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("client err = %v, want its own cancellation", err)
	}
	select {
	case <-cancelled:
	case <-time.After(15 * time.Second):
		t.Fatal("the upstream request was not cancelled when the client went away")
	}
	e := lastEntry(t, p.Journal(), 1)
	if e.Outcome != "client-gone" || !e.Forwarded || e.Status != 0 || e.Operation != "GenerateDataKey" {
		t.Errorf("entry = %+v", e)
	}
	tr.CloseIdleConnections()
	waitGoroutines(t, baseline)
}

func TestMalformedRequestsInsideAnInterceptedTunnel(t *testing.T) {
	upstream, upURL := startUpstream(t)
	p, proxyURL := startProxy(t, proxy.Config{
		Routes: map[string]*url.URL{"kms.us-east-1.amazonaws.com": upURL}, RoutesOnly: true,
	})
	const head = "POST / HTTP/1.1\r\nHost: kms.us-east-1.amazonaws.com\r\nX-Amz-Target: TrentService.Encrypt\r\n"
	for _, tc := range []struct {
		name, raw string
		want      int
	}{
		{"garbage request line", "garbage\r\n\r\n", 400},
		{"bad chunk size", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400},
		{"absurd Content-Length", head + "Content-Length: 9223372036854775807\r\n\r\n{}", 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", proxyURL.Host)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(20 * time.Second)) // a bound, not a timing assertion
			io.WriteString(conn, "CONNECT kms.us-east-1.amazonaws.com:443 HTTP/1.1\r\nHost: kms.us-east-1.amazonaws.com:443\r\n\r\n")
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("CONNECT: %v %v", resp, err)
			}
			io.WriteString(conn, tc.raw) // plain HTTP inside the tunnel
			resp, err = http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("no answer inside the tunnel: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	if n := len(upstream.calls()); n != 0 {
		t.Errorf("upstream saw %d requests, want none", n)
	}
	// The tunnel still serves a well-formed client afterwards.
	client := kmsClient(t, "", viaProxy(proxyURL, p.CA()), "", 1)
	if _, err := client.DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String("k")}); err != nil {
		t.Errorf("well-formed call after malformed ones: %v", err)
	}
}

func TestOversizedUpstreamAnswerIs502RatherThanCutShort(t *testing.T) {
	const size = 16<<20 + 1 // one byte over what the proxy buffers
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write(bytes.Repeat([]byte(" "), size))
	}))
	defer upstream.Close()
	upURL, _ := url.Parse(upstream.URL)
	p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL})
	resp, err := post(t, &http.Client{Transport: &http.Transport{}}, proxyURL.String(), "ListKeys", "{}", nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || resp.Header.Get(proxy.ProxyErrorHeader) != "true" || !strings.Contains(string(msg), "response body exceeds") {
		t.Errorf("got %d %.200q, want 502 naming the oversized response", resp.StatusCode, msg)
	}
	if e := lastEntry(t, p.Journal(), 1); e.Outcome != "upstream-error" || !e.Forwarded {
		t.Errorf("entry = %+v", e)
	}
}

func TestUpstreamURLsWithCredentialsAreRefusedWithoutEchoingThem(t *testing.T) {
	withPassword, _ := url.Parse("https://user:hunter2@kms.example")
	for name, cfg := range map[string]proxy.Config{
		"upstream": {Upstream: withPassword},
		"route":    {Routes: map[string]*url.URL{"kms.us-east-1.amazonaws.com": withPassword}},
	} {
		_, err := proxy.New(cfg)
		if err == nil || !strings.Contains(err.Error(), "user:password@") || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: err = %v, want a refusal that does not show the password", name, err)
		}
	}
}
