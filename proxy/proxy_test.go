package proxy_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"

	"github.com/kmsconform/kmsconform/proxy"
	"github.com/kmsconform/kmsconform/proxy/faults"
	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/proxy/rules"
)

func TestReverseModePassesSignedRequestsUntouched(t *testing.T) {
	upstream, upURL := startUpstream(t)
	p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL})
	// No compression, so that any Accept-Encoding upstream would be the proxy's doing.
	client := kmsClient(t, proxyURL.String(), &http.Transport{DisableCompression: true}, "scenario-reverse", 1)

	if _, err := client.DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String("alias/test")}); err != nil {
		t.Fatalf("DescribeKey through the proxy: %v (the upstream verifies SigV4)", err)
	}
	calls := upstream.calls()
	if len(calls) != 1 {
		t.Fatalf("upstream saw %d requests, want 1", len(calls))
	}
	got := calls[0]
	if got.Host != proxyURL.Host {
		t.Errorf("upstream Host = %q, want the signed %q", got.Host, proxyURL.Host)
	}
	if v := got.Header.Get(proxy.ScenarioHeader); v != "scenario-reverse" {
		t.Errorf("scenario header upstream = %q", v)
	}
	for _, h := range []string{"Via", "X-Forwarded-For", "Accept-Encoding"} {
		if v := got.Header.Get(h); v != "" {
			t.Errorf("proxy added %s: %q", h, v)
		}
	}
	e := lastEntry(t, p.Journal(), 1)
	if e.Operation != "DescribeKey" || e.Region != "us-east-1" || e.Scenario != "scenario-reverse" ||
		e.Attempt != 1 || e.ProxyAttempt != 1 || e.InvocationID == "" || e.Status != 200 ||
		e.Mode != "reverse" || !e.Forwarded || e.Outcome != "response" {
		t.Errorf("journal entry = %+v", e)
	}
}

func TestSigV4VerifierRejectsAlteredRequests(t *testing.T) {
	body := []byte(`{"KeyId":"alias/test"}`)
	req := signedRequest(t, "http://127.0.0.1:9/", "DescribeKey", body)
	if err := verifySigV4(req, body, testSecret); err != nil {
		t.Fatalf("untouched request rejected: %v", err)
	}
	if err := verifySigV4(req, []byte(`{"KeyId":"alias/other"}`), testSecret); err == nil {
		t.Error("altered body accepted")
	}
	req.Host = "127.0.0.1:10"
	if err := verifySigV4(req, body, testSecret); err == nil {
		t.Error("altered Host accepted")
	}
}

// signedRequest builds a KMS request signed with the test credentials.
func signedRequest(t *testing.T, target, op string, body []byte) *http.Request {
	t.Helper()
	return signedRequestWithToken(t, target, op, body, "")
}

// signedRequestWithToken signs with temporary credentials' session token.
func signedRequestWithToken(t *testing.T, target, op string, body []byte, token string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "TrentService."+op)
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "kms", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}

func TestForwardHTTPModeRoutesHosts(t *testing.T) {
	upstream, upURL := startUpstream(t)
	p, proxyURL := startProxy(t, proxy.Config{
		Routes: map[string]*url.URL{"kms.us-east-1.amazonaws.com": upURL}, RoutesOnly: true,
	})
	client := kmsClient(t, "http://kms.us-east-1.amazonaws.com", viaProxy(proxyURL, nil), "", 1)
	if _, err := client.DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String("k")}); err != nil {
		t.Fatalf("DescribeKey via forward proxy: %v", err)
	}
	if calls := upstream.calls(); len(calls) != 1 || calls[0].Host != "kms.us-east-1.amazonaws.com" {
		t.Fatalf("upstream calls = %+v", calls)
	}
	if e := lastEntry(t, p.Journal(), 1); e.Mode != "forward" || e.Upstream != upURL.String() {
		t.Errorf("entry = %+v", e)
	}

	// An unrouted host is turned away, and nothing is sent anywhere.
	resp, err := post(t, &http.Client{Transport: viaProxy(proxyURL, nil)}, "http://kms.eu-west-1.amazonaws.com/", "DescribeKey", "{}", nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(msg), "no route") {
		t.Errorf("unrouted host: %d %q, want 502 naming the missing route", resp.StatusCode, msg)
	}
	if n := len(upstream.calls()); n != 1 {
		t.Errorf("upstream saw %d requests, want still 1", n)
	}
	if e := lastEntry(t, p.Journal(), 2); e.Outcome != "rejected" || e.Status != 502 || e.Forwarded {
		t.Errorf("unrouted entry = %+v", e)
	}
}

func TestConnectMITMWithRealSDKClient(t *testing.T) {
	upstream, upURL := startUpstream(t)
	p, proxyURL := startProxy(t, proxy.Config{
		Routes: map[string]*url.URL{"kms.us-east-1.amazonaws.com": upURL}, RoutesOnly: true,
	})
	// The SDK resolves its real endpoint, https://kms.us-east-1.amazonaws.com,
	// and reaches it only through the proxy, which it trusts.
	for i := range 2 { // two clients: two connections, two TLS handshakes
		client := kmsClient(t, "", viaProxy(proxyURL, p.CA()), "mitm", 1)
		if _, err := client.Encrypt(context.Background(), &kms.EncryptInput{KeyId: aws.String("k"), Plaintext: []byte("hi")}); err != nil {
			t.Fatalf("client %d: Encrypt via MITM: %v", i, err)
		}
	}
	if n := p.LeafCertificatesSigned(); n != 1 {
		t.Errorf("leaf certificates signed = %d, want 1 (cached per host)", n)
	}
	calls := upstream.calls()
	if len(calls) != 2 || calls[0].Host != "kms.us-east-1.amazonaws.com" {
		t.Fatalf("upstream calls = %d, host %q", len(calls), calls[0].Host)
	}
	if e := lastEntry(t, p.Journal(), 2); e.Mode != "mitm" || e.Host != "kms.us-east-1.amazonaws.com" || e.Operation != "Encrypt" || e.Scenario != "mitm" {
		t.Errorf("entry = %+v", e)
	}

	// A client that does not trust the proxy CA refuses the intercepted TLS.
	untrusting := kmsClient(t, "", viaProxy(proxyURL, nil), "", 1)
	if _, err := untrusting.DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String("k")}); err == nil {
		t.Error("client without the proxy CA succeeded")
	}
	// CONNECT to a host without a route is refused with 502.
	other := kmsClient(t, "https://kms.eu-west-1.amazonaws.com", viaProxy(proxyURL, p.CA()), "", 1)
	_, err := other.DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String("k")})
	if err == nil || !strings.Contains(err.Error(), "Bad Gateway") {
		t.Errorf("unrouted CONNECT: err = %v, want Bad Gateway", err)
	}
	if n := len(upstream.calls()); n != 2 {
		t.Errorf("upstream saw %d requests, want still 2", n)
	}
}

func TestUpstreamDownGivesClear502(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead, _ := url.Parse("http://" + ln.Addr().String())
	ln.Close()
	p, proxyURL := startProxy(t, proxy.Config{Upstream: dead})
	resp, err := post(t, http.DefaultClient, proxyURL.String(), "DescribeKey", "{}", nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(msg), dead.Host) ||
		!strings.Contains(string(msg), "refused") || resp.Header.Get("X-Kmsconform-Proxy-Error") == "" {
		t.Errorf("got %d %q, want 502 naming the upstream and the reason", resp.StatusCode, msg)
	}
	if e := lastEntry(t, p.Journal(), 1); e.Outcome != "upstream-error" || e.Status != 502 {
		t.Errorf("entry = %+v", e)
	}
}

func intp(n int) *int { return &n }

func TestEveryFaultKind(t *testing.T) {
	type outcome struct {
		resp *http.Response
		body []byte
		err  error // from the request or from reading the body
	}
	tests := []struct {
		name          string
		faults        []faults.Spec
		wantForwarded bool
		check         func(t *testing.T, o outcome, e journal.Entry)
	}{
		{"delay before forwarding", []faults.Spec{{Kind: "delay", Delay: faults.Duration(60 * time.Millisecond), Jitter: faults.Duration(time.Millisecond)}}, true,
			func(t *testing.T, o outcome, e journal.Entry) {
				wantStatus(t, o.resp, o.err, 200)
				if e.InjectedDelay < 60*time.Millisecond || e.Total < e.InjectedDelay {
					t.Errorf("injected %v, total %v", e.InjectedDelay, e.Total)
				}
			}},
		{"delay before answering", []faults.Spec{{Kind: "delay", Delay: faults.Duration(60 * time.Millisecond), When: "response"}}, true,
			func(t *testing.T, o outcome, e journal.Entry) {
				wantStatus(t, o.resp, o.err, 200)
				if e.InjectedDelay < 60*time.Millisecond {
					t.Errorf("injected %v", e.InjectedDelay)
				}
			}},
		{"reset", []faults.Spec{{Kind: "reset"}}, false,
			func(t *testing.T, o outcome, e journal.Entry) {
				if o.err == nil {
					t.Errorf("got a response %v, want the connection closed", o.resp.Status)
				}
				if e.Outcome != "reset" || e.Status != 0 {
					t.Errorf("entry outcome %q status %d", e.Outcome, e.Status)
				}
			}},
		{"hang", []faults.Spec{{Kind: "hang"}}, false,
			func(t *testing.T, o outcome, e journal.Entry) {
				if !errors.Is(o.err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want the client's own timeout", o.err)
				}
				if e.Outcome != "client-gone" || e.InjectedDelay <= 0 {
					t.Errorf("entry outcome %q injected %v", e.Outcome, e.InjectedDelay)
				}
			}},
		{"lost response, reset", []faults.Spec{{Kind: "lost"}}, true,
			func(t *testing.T, o outcome, e journal.Entry) {
				if o.err == nil {
					t.Errorf("got %v, want the connection closed", o.resp.Status)
				}
				if e.Outcome != "reset" || e.Status != 0 {
					t.Errorf("entry outcome %q status %d", e.Outcome, e.Status)
				}
			}},
		{"lost response, 504", []faults.Spec{{Kind: "lost", Preset: "HTTP504"}}, true,
			func(t *testing.T, o outcome, e journal.Entry) {
				wantStatus(t, o.resp, o.err, 504)
			}},
		{"truncated body", []faults.Spec{{Kind: "truncate", Bytes: intp(5)}}, true,
			func(t *testing.T, o outcome, e journal.Entry) {
				if !errors.Is(o.err, io.ErrUnexpectedEOF) || len(o.body) != 5 {
					t.Errorf("read %d bytes, err %v; want 5 then unexpected EOF", len(o.body), o.err)
				}
				if e.Outcome != "truncated" || e.Status != 200 {
					t.Errorf("entry outcome %q status %d", e.Outcome, e.Status)
				}
			}},
		{"slow body", []faults.Spec{{Kind: "slow", BytesPerSecond: 400}}, true,
			func(t *testing.T, o outcome, e journal.Entry) {
				wantStatus(t, o.resp, o.err, 200)
				if !strings.Contains(string(o.body), "Plaintext") {
					t.Errorf("body = %q", o.body)
				}
				// 40-byte slices every 100ms: the body takes at least (len/40 - 1) pauses.
				if min := time.Duration(len(o.body)/40-1) * 100 * time.Millisecond; e.Total < min {
					t.Errorf("total %v for %d bytes, want at least %v", e.Total, len(o.body), min)
				}
			}},
		{"delay then error", []faults.Spec{{Kind: "delay", Delay: faults.Duration(40 * time.Millisecond)}, faults.Preset("KMSInternalException")}, false,
			func(t *testing.T, o outcome, e journal.Entry) {
				wantStatus(t, o.resp, o.err, 500)
				if e.InjectedDelay < 40*time.Millisecond || e.ErrorCode != "KMSInternalException" || len(e.Faults) != 2 {
					t.Errorf("entry = %+v", e)
				}
			}},
	}
	for _, name := range faults.PresetNames() {
		tests = append(tests, struct {
			name          string
			faults        []faults.Spec
			wantForwarded bool
			check         func(t *testing.T, o outcome, e journal.Entry)
		}{"preset " + name, []faults.Spec{faults.Preset(name)}, false, func(t *testing.T, o outcome, e journal.Entry) {
			checkPreset(t, name, o.resp, o.body, o.err, e)
		}})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			upstream, upURL := startUpstream(t)
			p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL,
				Rules: mustRules(t, rules.Rule{ID: "under-test", Faults: tc.faults})})
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			if !strings.Contains(tc.name, "hang") {
				cancel()
				ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
			}
			defer cancel()
			req := signedRequest(t, proxyURL.String(), "Decrypt", []byte(`{"CiphertextBlob":"Y2lwaGVydGV4dA=="}`)).WithContext(ctx)
			client := &http.Client{Transport: &http.Transport{}}
			var o outcome
			o.resp, o.err = client.Do(req)
			if o.err == nil {
				o.body, o.err = io.ReadAll(o.resp.Body)
				o.resp.Body.Close()
			}
			e := lastEntry(t, p.Journal(), 1)
			if e.Rule != "under-test" {
				t.Errorf("rule = %q", e.Rule)
			}
			if n := len(upstream.calls()); e.Forwarded != tc.wantForwarded || (n == 1) != tc.wantForwarded {
				t.Errorf("forwarded = %v, upstream saw %d requests; want forwarded %v", e.Forwarded, n, tc.wantForwarded)
			}
			tc.check(t, o, e)
		})
	}
}

func wantStatus(t *testing.T, resp *http.Response, err error, status int) {
	t.Helper()
	if err != nil {
		t.Fatalf("request failed: %v", err)
	}
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d", resp.StatusCode, status)
	}
}

func checkPreset(t *testing.T, name string, resp *http.Response, body []byte, err error, e journal.Entry) {
	t.Helper()
	want := map[string]struct {
		status int
		code   string
	}{
		"KMSInternalException": {500, "KMSInternalException"}, "DependencyTimeoutException": {503, "DependencyTimeoutException"},
		"KeyUnavailableException": {500, "KeyUnavailableException"}, "ThrottlingException": {400, "ThrottlingException"},
		"LimitExceededException": {400, "LimitExceededException"}, "HTTP429": {429, ""},
		"HTTP502": {502, ""}, "HTTP503": {503, ""}, "HTTP504": {504, ""},
	}[name]
	wantStatus(t, resp, err, want.status)
	if resp.Header.Get("Date") == "" {
		t.Error("no Date header")
	}
	if e.ErrorCode != want.code {
		t.Errorf("journal error code %q, want %q", e.ErrorCode, want.code)
	}
	switch {
	case want.code != "":
		if resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" || resp.Header.Get("X-Amzn-Requestid") == "" {
			t.Errorf("KMS error headers = %v", resp.Header)
		}
		if name == "ThrottlingException" && !strings.Contains(string(body), faults.ThrottlingMessage) {
			t.Errorf("throttling body = %s", body)
		}
	case want.status == 429:
		if len(body) != 0 {
			t.Errorf("bare 429 has body %q", body)
		}
	default:
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "<html>") {
			t.Errorf("load balancer %d: %s %q", want.status, resp.Header.Get("Content-Type"), body)
		}
	}
}

func TestInjectedErrorStylesParseInTheSDK(t *testing.T) {
	for _, style := range []string{"", "namespaced", "header"} {
		t.Run("style="+style, func(t *testing.T) {
			_, upURL := startUpstream(t)
			_, proxyURL := startProxy(t, proxy.Config{Upstream: upURL, Rules: mustRules(t, rules.Rule{
				Faults: []faults.Spec{{Preset: "KeyUnavailableException", Style: style}}})})
			client := kmsClient(t, proxyURL.String(), &http.Transport{}, "", 1)
			_, err := client.DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: aws.String("k")})
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "KeyUnavailableException" {
				t.Fatalf("err = %v, want KeyUnavailableException", err)
			}
		})
	}
}

// noBackoff keeps SDK retries instant in tests.
type noBackoff struct{}

func (noBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

func TestAttemptRuleWithSDKRetries(t *testing.T) {
	upstream, upURL := startUpstream(t)
	p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL, Rules: mustRules(t, rules.Rule{
		ID: "first-attempt-fails", Operation: "Encrypt", Attempt: 1, Faults: []faults.Spec{faults.Preset("KMSInternalException")}})})
	client := kms.New(kmsClient(t, proxyURL.String(), &http.Transport{}, "retry", 3).Options(), func(o *kms.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.MaxAttempts = 3; so.Backoff = noBackoff{} })
	})
	if _, err := client.Encrypt(context.Background(), &kms.EncryptInput{KeyId: aws.String("k"), Plaintext: []byte("x")}); err != nil {
		t.Fatalf("Encrypt should succeed on the SDK's second attempt: %v", err)
	}
	es := p.Journal().Entries()
	if len(es) != 2 || len(upstream.calls()) != 1 {
		t.Fatalf("journal has %d entries, upstream %d calls; want 2 and 1", len(es), len(upstream.calls()))
	}
	first, second := es[0], es[1]
	if first.InvocationID == "" || first.InvocationID != second.InvocationID {
		t.Errorf("invocation ids %q, %q: want one logical call", first.InvocationID, second.InvocationID)
	}
	if first.Attempt != 1 || second.Attempt != 2 || first.ProxyAttempt != 1 || second.ProxyAttempt != 2 || first.MaxAttempts != 3 {
		t.Errorf("attempts (sdk, proxy): (%d,%d) then (%d,%d), max %d", first.Attempt, first.ProxyAttempt, second.Attempt, second.ProxyAttempt, first.MaxAttempts)
	}
	if first.Rule != "first-attempt-fails" || first.ErrorCode != "KMSInternalException" || second.Rule != "" || second.Status != 200 {
		t.Errorf("first %+v\nsecond %+v", first, second)
	}
}

func TestProxyAttemptCountsPerConnectionWithoutSDKHeaders(t *testing.T) {
	_, upURL := startUpstream(t)
	p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL, Rules: mustRules(t, rules.Rule{
		ProxyAttempt: 2, Faults: []faults.Spec{faults.Preset("HTTP503")}})})
	client := &http.Client{Transport: &http.Transport{}} // one keep-alive connection
	var statuses []int
	for range 3 {
		resp, err := post(t, client, proxyURL.String(), "DescribeKey", "{}", nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
	}
	// The fake rejects unsigned requests with 400; the rule fires on the second.
	if statuses[0] != 400 || statuses[1] != 503 || statuses[2] != 400 {
		t.Errorf("statuses = %v, want [400 503 400]", statuses)
	}
	for i, e := range p.Journal().Entries() {
		if e.ProxyAttempt != i+1 || e.Attempt != 0 {
			t.Errorf("entry %d: proxy attempt %d, sdk attempt %d", i, e.ProxyAttempt, e.Attempt)
		}
	}
}

func TestSeededProbabilityRepeatsThroughTheProxy(t *testing.T) {
	_, upURL := startUpstream(t)
	p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL, Rules: mustRules(t, rules.Rule{
		Probability: 0.5, Seed: 42, Faults: []faults.Spec{faults.Preset("HTTP502")}})})
	client := &http.Client{Transport: &http.Transport{}}
	run := func() string {
		var seq strings.Builder
		for range 24 {
			resp, err := post(t, client, proxyURL.String(), "DescribeKey", "{}", nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 502 {
				seq.WriteByte('F')
			} else {
				seq.WriteByte('.')
			}
		}
		return seq.String()
	}
	first := run()
	p.ResetCounters()
	second := run()
	if first != second {
		t.Errorf("sequences differ:\n%s\n%s", first, second)
	}
	if !strings.Contains(first, "F") || !strings.Contains(first, ".") {
		t.Errorf("sequence %s should mix fired and passed requests", first)
	}
}

func TestJournalRedactsSecrets(t *testing.T) {
	secrets := []string{"kmsuser-password-secret", "XKSACCESSKEYIDSECRET", "xks-raw-secret-access-key",
		"c2VjcmV0LXBsYWludGV4dA==", "a2V5LW1hdGVyaWFsLXNlY3JldA==", "session-token-secret"}
	body := `{"KeyStorePassword":"kmsuser-password-secret","Plaintext":"c2VjcmV0LXBsYWludGV4dA==",` +
		`"XksProxyAuthenticationCredential":{"AccessKeyId":"XKSACCESSKEYIDSECRET","RawSecretAccessKey":"xks-raw-secret-access-key"},` +
		`"Nested":[{"EncryptedKeyMaterial":"a2V5LW1hdGVyaWFsLXNlY3JldA=="}],"KeyId":"visible-key-id"}`
	var sink bytes.Buffer
	upstream, upURL := startUpstream(t)
	jr := journal.New(journal.Options{Sink: &sink})
	p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL, Journal: jr})

	req := signedRequestWithToken(t, proxyURL.String(), "Decrypt", []byte(body), "session-token-secret")
	req.Header.Set("Cookie", "session=session-token-secret")
	signature := req.Header.Get("Authorization")[strings.LastIndex(req.Header.Get("Authorization"), "=")+1:]
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	respBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	plaintextB64 := "dGhlLWRlY3J5cHRlZC1wbGFpbnRleHQtbXVzdC1ub3QtbGVhaw==" // base64(testPlaintext)
	if !strings.Contains(string(respBody), plaintextB64) {
		t.Fatalf("client did not get the plaintext: %s", respBody)
	}
	if got := upstream.calls()[0].Body; string(got) != body {
		t.Fatalf("upstream body altered: %s", got)
	}
	e := lastEntry(t, p.Journal(), 1)
	p.Close()
	if err := jr.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	recorded, _ := jsonString(p.Journal().Entries())
	for name, text := range map[string]string{"memory": recorded, "JSONL sink": sink.String()} {
		for _, s := range append(secrets, signature, plaintextB64, testPlaintext) {
			if strings.Contains(text, s) {
				t.Errorf("%s journal contains secret %q", name, s)
			}
		}
		if !strings.Contains(text, journal.Redacted) || !strings.Contains(text, "visible-key-id") {
			t.Errorf("%s journal should keep non-secret members and mark redactions: %s", name, text)
		}
	}
	if e.Region != "us-east-1" || e.Request.Headers["Authorization"] != journal.Redacted {
		t.Errorf("entry region %q, Authorization %q", e.Region, e.Request.Headers["Authorization"])
	}
}

func TestControlAPI(t *testing.T) {
	upstream, upURL := startUpstream(t)
	p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL})
	control := httptest.NewServer(p.ControlHandler())
	defer control.Close()
	call := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, control.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	expect := func(gotStatus int, got string, wantStatus int, wantText string) {
		t.Helper()
		if gotStatus != wantStatus || !strings.Contains(got, wantText) {
			t.Errorf("got %d %s; want %d containing %q", gotStatus, got, wantStatus, wantText)
		}
	}
	s, b := call("GET", "/v1/health", "")
	expect(s, b, 200, `"status": "ok"`)
	s, b = call("POST", "/v1/rules", `{"id":"throttle","operation":"Encrypt","times":1,"faults":[{"preset":"ThrottlingException"}]}`)
	expect(s, b, 201, `"id": "throttle"`)
	s, b = call("POST", "/v1/rules", `{"faults":[{"kind":"explode"}]}`)
	expect(s, b, 400, `unknown kind \"explode\"`)
	s, b = call("POST", "/v1/rules", `{"operaton":"Encrypt"}`)
	expect(s, b, 400, "unknown field")
	s, b = call("GET", "/v1/rules", "")
	expect(s, b, 200, `"id": "throttle"`)
	s, b = call("PUT", "/v1/rules/throttle", `{"operation":"Decrypt","times":2,"faults":[{"preset":"ThrottlingException"}]}`)
	expect(s, b, 200, `"operation": "Decrypt"`)
	s, b = call("GET", "/v1/rules/throttle", "")
	expect(s, b, 200, `"times": 2`)

	client := &http.Client{Transport: &http.Transport{}}
	for _, sc := range []string{"scenario-a", "scenario-b", "scenario-a"} {
		resp, err := post(t, client, proxyURL.String(), "Decrypt", "{}", map[string]string{proxy.ScenarioHeader: sc})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	lastEntry(t, p.Journal(), 3)
	s, b = call("GET", "/v1/rules/throttle", "")
	expect(s, b, 200, `"fired": 2`)
	s, b = call("GET", "/v1/journal?scenario=scenario-a", "")
	if expect(s, b, 200, `"scenario": "scenario-a"`); strings.Contains(b, "scenario-b") || strings.Count(b, `"seq"`) != 2 {
		t.Errorf("scenario filter returned %s", b)
	}
	s, b = call("GET", "/v1/journal?operation=Encrypt", "")
	expect(s, b, 200, "[]")
	s, b = call("GET", "/v1/journal?bogus=1", "")
	expect(s, b, 400, "unknown journal filter")
	s, b = call("POST", "/v1/counters/reset", "")
	expect(s, b, 204, "")
	s, b = call("GET", "/v1/rules/throttle", "")
	expect(s, b, 200, `"fired": 0`)
	s, b = call("DELETE", "/v1/rules/throttle", "")
	expect(s, b, 204, "")
	s, b = call("GET", "/v1/rules/throttle", "")
	expect(s, b, 404, "no rule")
	s, b = call("PUT", "/v1/rules", `[{"id":"a","faults":[]},{"id":"b","faults":[{"kind":"reset"}]}]`)
	expect(s, b, 200, `"id": "b"`)
	if ids := p.Rules().List(); len(ids) != 2 || ids[0].ID != "a" {
		t.Errorf("rules after replace: %+v", ids)
	}
	s, b = call("DELETE", "/v1/journal", "")
	expect(s, b, 204, "")
	if n := len(p.Journal().Entries()); n != 0 {
		t.Errorf("journal has %d entries after clear", n)
	}
	if n := len(upstream.calls()); n != 1 {
		t.Errorf("upstream saw %d requests, want 1 (two were throttled)", n)
	}
}

func TestFaultsInsideMITMTunnel(t *testing.T) {
	upstream, upURL := startUpstream(t)
	scenario := func(s string) map[string]string { return map[string]string{proxy.ScenarioHeader: s} }
	p, proxyURL := startProxy(t, proxy.Config{
		Routes: map[string]*url.URL{"kms.us-east-1.amazonaws.com": upURL}, RoutesOnly: true,
		Rules: mustRules(t,
			rules.Rule{Header: scenario("mitm-reset"), Faults: []faults.Spec{{Kind: "reset"}}},
			rules.Rule{Header: scenario("mitm-hang"), Faults: []faults.Spec{{Kind: "hang"}}},
			rules.Rule{Header: scenario("mitm-truncate"), Faults: []faults.Spec{{Kind: "truncate", Bytes: intp(4)}}},
		),
	})
	tests := []struct {
		scenario, outcome string
		forwarded         bool
	}{
		{"mitm-reset", "reset", false},
		{"mitm-hang", "client-gone", false},
		{"mitm-truncate", "truncated", true},
	}
	for i, tc := range tests {
		t.Run(tc.scenario, func(t *testing.T) {
			client := kmsClient(t, "", viaProxy(proxyURL, p.CA()), tc.scenario, 1)
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			if _, err := client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("k")}); err == nil {
				t.Fatal("DescribeKey succeeded despite the fault")
			}
			e := lastEntry(t, p.Journal(), i+1)
			if e.Scenario != tc.scenario || e.Outcome != tc.outcome || e.Forwarded != tc.forwarded || e.Mode != "mitm" {
				t.Errorf("entry = %+v", e)
			}
		})
	}
	if n := len(upstream.calls()); n != 1 {
		t.Errorf("upstream saw %d requests, want 1 (the truncated one)", n)
	}
}

func TestJournalCapsBodiesButForwardsThemWhole(t *testing.T) {
	upstream, upURL := startUpstream(t)
	p, proxyURL := startProxy(t, proxy.Config{Upstream: upURL, JournalBodyBytes: 16})
	body := `{"KeyId":"` + strings.Repeat("k", 100) + `"}`
	resp, err := http.DefaultClient.Do(signedRequest(t, proxyURL.String(), "DescribeKey", []byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	e := lastEntry(t, p.Journal(), 1)
	if len(e.Request.Body) != 16 || !e.Request.BodyTruncated || e.Request.BodyBytes != len(body) {
		t.Errorf("request recorded as %q (cut %v, %d bytes)", e.Request.Body, e.Request.BodyTruncated, e.Request.BodyBytes)
	}
	if got := string(upstream.calls()[0].Body); got != body {
		t.Errorf("upstream got %d bytes, want %d", len(got), len(body))
	}
}
