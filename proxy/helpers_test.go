package proxy_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/kmsconform/kmsconform/proxy"
	"github.com/kmsconform/kmsconform/proxy/ca"
	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/proxy/rules"
)

const (
	testAccessKey = "AKIAKMSCONFORMTEST01"
	testSecret    = "kmsconform-test-secret-key"
	// testPlaintext is what the fake KMS "decrypts" to; it must never reach the journal.
	testPlaintext = "the-decrypted-plaintext-must-not-leak"
)

// fakeKMS answers like KMS for a few operations and, like KMS, rejects any
// request whose SigV4 signature does not verify. It remembers what it received.
type fakeKMS struct {
	mu       sync.Mutex
	received []received
}

type received struct {
	Header http.Header
	Host   string
	Body   []byte
}

func (f *fakeKMS) calls() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.received...)
}

func (f *fakeKMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.received = append(f.received, received{Header: r.Header.Clone(), Host: r.Host, Body: body})
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("x-amzn-RequestId", "11111111-2222-4333-8444-555555555555")
	if err := verifySigV4(r, body, testSecret); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"InvalidSignatureException","message":%q}`, err.Error())
		return
	}
	meta := map[string]any{"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "KeyState": "Enabled",
		"Arn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
	var out any
	switch op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService."); op {
	case "CreateKey", "DescribeKey":
		out = map[string]any{"KeyMetadata": meta}
	case "Encrypt":
		out = map[string]any{"KeyId": meta["Arn"], "CiphertextBlob": base64.StdEncoding.EncodeToString([]byte("ciphertext"))}
	case "Decrypt":
		out = map[string]any{"KeyId": meta["Arn"], "Plaintext": base64.StdEncoding.EncodeToString([]byte(testPlaintext))}
	default:
		out = map[string]any{}
	}
	_ = json.NewEncoder(w).Encode(out)
}

var authHeader = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$`)

// verifySigV4 recomputes the request's signature with aws-sdk-go-v2's signer
// from the headers the client signed, and compares.
func verifySigV4(r *http.Request, body []byte, secret string) error {
	m := authHeader.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return fmt.Errorf("no SigV4 Authorization header")
	}
	accessKey, region, service, signed, signature := m[1], m[3], m[4], strings.Split(m[5], ";"), m[6]
	when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return fmt.Errorf("X-Amz-Date: %w", err)
	}
	req, err := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Host = r.Host
	req.ContentLength = 0
	for _, h := range signed {
		switch h {
		case "host":
		case "content-length":
			req.ContentLength = int64(len(body))
		default:
			req.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secret, SessionToken: r.Header.Get("X-Amz-Security-Token")}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, region, when); err != nil {
		return err
	}
	want := authHeader.FindStringSubmatch(req.Header.Get("Authorization"))
	if want == nil || want[6] != signature {
		return fmt.Errorf("signature mismatch: the request was altered after signing")
	}
	return nil
}

// startUpstream serves the fake KMS on loopback.
func startUpstream(t *testing.T) (*fakeKMS, *url.URL) {
	t.Helper()
	f := &fakeKMS{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return f, u
}

// startProxy serves a proxy on loopback and returns it with its URL.
func startProxy(t *testing.T, cfg proxy.Config) (*proxy.Proxy, *url.URL) {
	t.Helper()
	if cfg.CA == nil {
		c, err := ca.New()
		if err != nil {
			t.Fatal(err)
		}
		cfg.CA = c
	}
	p, err := proxy.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(p)
	var serverLog syncBuffer
	srv.Config.ErrorLog = log.New(&serverLog, "", 0)
	srv.Start()
	t.Cleanup(func() {
		p.Close()
		srv.Close()
		// net/http recovers a handler's panic and only logs it: fail on it here.
		if strings.Contains(serverLog.String(), "panic") {
			t.Errorf("the proxy panicked while serving:\n%s", serverLog.String())
		}
	})
	u, _ := url.Parse(srv.URL)
	return p, u
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// scenarioTransport adds the unsigned scenario header after signing, as the runner does.
type scenarioTransport struct {
	base     http.RoundTripper
	scenario string
}

func (s scenarioTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(proxy.ScenarioHeader, s.scenario)
	return s.base.RoundTrip(r)
}

// kmsClient returns a real SDK client; endpoint "" uses the SDK's own
// resolution (https://kms.us-east-1.amazonaws.com).
func kmsClient(t *testing.T, endpoint string, transport *http.Transport, scenario string, maxAttempts int) *kms.Client {
	t.Helper()
	t.Cleanup(transport.CloseIdleConnections)
	return kms.New(kms.Options{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, ""),
		BaseEndpoint:     aws.String(endpoint),
		HTTPClient:       &http.Client{Transport: scenarioTransport{base: transport, scenario: scenario}},
		RetryMaxAttempts: maxAttempts,
	}, func(o *kms.Options) {
		if endpoint == "" {
			o.BaseEndpoint = nil
		}
	})
}

// viaProxy returns a transport that sends everything through proxyURL,
// trusting only the given CA for TLS.
func viaProxy(proxyURL *url.URL, trust *ca.CA) *http.Transport {
	tr := &http.Transport{Proxy: http.ProxyURL(proxyURL)}
	if trust != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: trust.Pool()}
	}
	return tr
}

func mustRules(t *testing.T, rs ...rules.Rule) *rules.Set {
	t.Helper()
	s, err := rules.NewSet(rs...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// post sends a raw KMS-shaped request (unsigned) and returns the response.
func post(t *testing.T, client *http.Client, target, op, body string, header map[string]string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "TrentService."+op)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return client.Do(req)
}

// lastEntry waits briefly for the exchange to be recorded (the journal records
// after the response is written) and returns the newest entry.
func lastEntry(t *testing.T, j *journal.Journal, n int) journal.Entry {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		es := j.Entries()
		if len(es) >= n {
			return es[n-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("journal has %d entries, want at least %d", len(es), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
