package clients

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/kmsconform/kmsconform/proxy"
	"github.com/kmsconform/kmsconform/proxy/ca"
	"github.com/kmsconform/kmsconform/proxy/faults"
	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/proxy/rules"
	"github.com/kmsconform/kmsconform/reference"
)

const (
	testAccessKeyID = "AKIAKMSCONFORMTEST01"
	testSecretKey   = "kmsconform-clients-test-secret"
	testRegion      = "us-east-1"
	// kmsHost is where every client sends us-east-1 KMS calls by default.
	kmsHost = "kms.us-east-1.amazonaws.com"
)

// caller is a client ready to make calls: a Driver or GoSDK.
type caller interface {
	Call(ctx context.Context, req Request) (Outcome, error)
}

// network is how a client reaches KMS in one subtest.
type network struct {
	mode       string // the journal's mode for the KMS exchanges: "reverse" or "mitm"
	endpoint   string // reverse mode: the proxy's URL; forward mode: empty, the client resolves kmsHost
	httpsProxy string // forward mode: the proxy's URL
	caFile     string // forward mode: the MITM CA, PEM
	caPool     *x509.CertPool
}

// realClient is one KMS client under test; connect returns it set up for n.
type realClient struct {
	name    string
	connect func(t *testing.T, n network) caller
	// attemptHeaders: the client sends amz-sdk-invocation-id and amz-sdk-request.
	// Debian's AWS CLI v2 (2.9.19) sends neither, so the proxy counts its
	// attempts per connection instead.
	attemptHeaders bool
	// timeoutCode is the client's name for an attempt that ran out of time.
	timeoutCode string
}

// TestClientsThroughProxy runs every real KMS client on this machine through
// the proxy, in reverse mode and as an HTTPS_PROXY with MITM, against the
// reference KMS, with faults injected.
func TestClientsThroughProxy(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	authority, err := ca.LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatalf("MITM CA: %v", err)
	}

	subprocess := func(name string, attemptHeaders bool, timeoutCode string, find func(ctx context.Context) (Installed, error)) realClient {
		found := sync.OnceValues(func() (Installed, error) { return find(t.Context()) })
		return realClient{name: name, attemptHeaders: attemptHeaders, timeoutCode: timeoutCode, connect: func(t *testing.T, n network) caller {
			c, err := found()
			if err != nil {
				notInstalled(t, err)
			}
			t.Logf("%s %s", c.Name, c.Version)
			env, err := Environ(Settings{
				AccessKeyID: testAccessKeyID, SecretAccessKey: testSecretKey, Region: testRegion,
				HTTPSProxy: n.httpsProxy, CABundle: n.caFile,
			}, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return c.Driver(env)
		}}
	}
	clients := []realClient{
		// The Go SDK wraps the http.Client's deadline in its RequestSendError.
		{name: "aws-sdk-go-v2", connect: connectGoSDK, attemptHeaders: true, timeoutCode: "RequestSendError"},
		subprocess("aws-sdk-go-v2-driver", true, "RequestSendError", func(ctx context.Context) (Installed, error) { return GoDriver(ctx, root) }),
		subprocess("boto3", true, "ReadTimeoutError", func(ctx context.Context) (Installed, error) { return Boto3(ctx, root) }),
		subprocess("aws-cli-v1", true, "ReadTimeoutError", func(ctx context.Context) (Installed, error) { return AWSCLI(ctx, root, 1) }),
		subprocess("aws-cli-v2", false, "ReadTimeoutError", func(ctx context.Context) (Installed, error) { return AWSCLI(ctx, root, 2) }),
		subprocess("aws-sdk-js-v3", true, "TimeoutError", func(ctx context.Context) (Installed, error) { return JavaScript(ctx, root) }),
		subprocess("aws-sdk-java-v2", true, "SocketTimeoutException", func(ctx context.Context) (Installed, error) { return Java(ctx, root) }),
	}

	// The subtests mostly wait on client subprocesses, so they all run at once
	// rather than t.Parallel's GOMAXPROCS at a time: t.Run from several
	// goroutines runs its subtests concurrently.
	var wg sync.WaitGroup
	for _, c := range clients {
		for _, mode := range []string{"reverse", "forward"} {
			wg.Go(func() {
				t.Run(c.name+"/"+mode, func(t *testing.T) {
					p, n := startProxy(t, mode, authority)
					exercise(t, c.connect(t, n), p, n, c)
				})
			})
		}
	}
	wg.Wait()
}

// notInstalled fails the test in CI, where every client must be present, and skips it elsewhere.
func notInstalled(t *testing.T, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and a client is missing: %v", err)
	}
	t.Skipf("skipped outside CI: %v", err)
}

func connectGoSDK(t *testing.T, n network) caller {
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		// Explicit, so that no HTTP(S)_PROXY or NO_PROXY of the test's own environment applies.
		tr.Proxy = nil
		if n.httpsProxy != "" {
			u, err := url.Parse(n.httpsProxy)
			if err != nil {
				t.Fatal(err)
			}
			tr.Proxy = http.ProxyURL(u)
		}
		if n.caPool != nil {
			tr.TLSClientConfig = &tls.Config{RootCAs: n.caPool, MinVersion: tls.VersionTLS12}
		}
	})
	return GoSDK{
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKeyID, testSecretKey, ""),
		HTTPClient:  httpClient,
	}
}

// startProxy starts a reference KMS and, in front of it, a proxy in the given
// mode: "reverse" (clients get its URL as their endpoint) or "forward" (clients
// use it as HTTPS_PROXY for kmsHost, which only it routes, to the reference).
func startProxy(t *testing.T, mode string, authority *ca.CA) (*proxy.Proxy, network) {
	t.Helper()
	svc, err := reference.New(reference.Options{Region: testRegion})
	if err != nil {
		t.Fatalf("reference KMS: %v", err)
	}
	kms := httptest.NewServer(svc)
	t.Cleanup(kms.Close)
	kmsURL, err := url.Parse(kms.URL)
	if err != nil {
		t.Fatal(err)
	}

	cfg := proxy.Config{CA: authority}
	var n network
	switch mode {
	case "reverse":
		cfg.Upstream = kmsURL
		n.mode = "reverse"
	case "forward":
		// RoutesOnly: a client that resolves any other host gets a 502, never the Internet.
		cfg.Routes = map[string]*url.URL{kmsHost: kmsURL}
		cfg.RoutesOnly = true
		n.mode = "mitm"
		n.caFile = authority.CertFile
		n.caPool = authority.Pool()
	}
	p, err := proxy.New(cfg)
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(func() {
		srv.Close()
		_ = p.Close()
	})
	if mode == "reverse" {
		n.endpoint = srv.URL
	} else {
		n.httpsProxy = srv.URL
	}
	return p, n
}

// session is one client talking to one proxy in one subtest.
type session struct {
	t              *testing.T
	client         caller
	proxy          *proxy.Proxy
	net            network
	attemptHeaders bool
	timeoutCode    string
}

// exercise makes the calls every client must get right through the proxy:
// plain pass-through and one injected fault that the client retries past. In
// reverse mode it also checks what does not depend on the network path —
// blobs both ways, a fault on every attempt that the client gives up on, and a
// request timeout — which keeps the subprocess count (and the test's time) down.
func exercise(t *testing.T, c caller, p *proxy.Proxy, n network, rc realClient) {
	s := &session{t: t, client: c, proxy: p, net: n, attemptHeaders: rc.attemptHeaders, timeoutCode: rc.timeoutCode}
	key := s.createAndDescribe()
	if n.mode == "reverse" {
		s.roundTripBlobs(key)
	}
	s.retryPastOneFault(key)
	if n.mode == "reverse" {
		s.giveUpAfterMaxAttempts(key)
		s.timeOut(key)
	}
}

func (s *session) call(op string, input map[string]any, retry *Retry) Outcome {
	s.t.Helper()
	out, err := s.client.Call(s.t.Context(), Request{Operation: op, Input: input, Endpoint: s.net.endpoint, Region: testRegion, Retry: retry})
	if err != nil {
		s.t.Fatalf("%s: %v", op, err)
	}
	return out
}

func (s *session) requireOK(what string, out Outcome) {
	s.t.Helper()
	if !out.OK {
		s.t.Fatalf("%s failed: %v (journal: %s)", what, out.Error, summary(s.proxy.Journal().Entries()))
	}
}

// createAndDescribe passes CreateKey then DescribeKey through untouched and
// returns the new key's metadata.
func (s *session) createAndDescribe() map[string]any {
	t := s.t
	created := s.call("CreateKey", map[string]any{"Description": "kmsconform clients test"}, nil)
	s.requireOK("CreateKey", created)
	t.Logf("client %v", created.Client)
	keyID, _ := member(created.Output, "KeyMetadata", "KeyId").(string)
	if keyID == "" {
		t.Fatalf("CreateKey output has no KeyMetadata.KeyId: %v", created.Output)
	}
	described := s.call("DescribeKey", map[string]any{"KeyId": keyID}, nil)
	s.requireOK("DescribeKey", described)
	key, _ := described.Output["KeyMetadata"].(map[string]any)
	if key["KeyId"] != keyID || key["KeyState"] != "Enabled" {
		t.Errorf("DescribeKey KeyMetadata = %v, want KeyId %s in state Enabled", key, keyID)
	}
	// The contract's timestamps are epoch seconds, whatever the client prints.
	if created, ok := key["CreationDate"].(float64); !ok || math.Abs(created-float64(time.Now().Unix())) > 600 {
		t.Errorf("DescribeKey CreationDate = %v (%T), want epoch seconds of about now", key["CreationDate"], key["CreationDate"])
	}
	for _, e := range s.proxy.Journal().Entries() {
		if e.Operation != "" && (e.Rule != "" || e.Status != http.StatusOK || e.Mode != s.net.mode) {
			t.Errorf("pass-through exchange: %s", describe(e))
		}
	}
	return key
}

// roundTripBlobs encrypts bytes that are not text and decrypts them again:
// they must survive each client's encoding both ways, and never show in the journal.
func (s *session) roundTripBlobs(key map[string]any) {
	t := s.t
	plaintext := base64.StdEncoding.EncodeToString([]byte{0x00, 0xff, 0x80, 'k', 'm', 's', 0x10, 0xc3})
	encrypted := s.call("Encrypt", map[string]any{"KeyId": key["KeyId"], "Plaintext": plaintext}, nil)
	s.requireOK("Encrypt", encrypted)
	ciphertext, _ := encrypted.Output["CiphertextBlob"].(string)
	if ciphertext == "" {
		t.Fatalf("Encrypt output has no CiphertextBlob: %v", encrypted.Output)
	}
	decrypted := s.call("Decrypt", map[string]any{"CiphertextBlob": ciphertext}, nil)
	s.requireOK("Decrypt", decrypted)
	if got := decrypted.Output["Plaintext"]; got != plaintext {
		t.Errorf("Decrypt Plaintext = %v, want %s", got, plaintext)
	}
	if got := decrypted.Output["KeyId"]; got != key["Arn"] {
		t.Errorf("Decrypt KeyId = %v, want the key's ARN %v", got, key["Arn"])
	}
	for _, e := range s.proxy.Journal().Entries() {
		if strings.Contains(e.Request.Body, plaintext) || strings.Contains(e.Response.Body, plaintext) {
			t.Errorf("journal entry #%d (%s) shows the plaintext", e.Seq, e.Operation)
		}
	}
}

// retryPastOneFault fails attempt 1 of DescribeKey with KMSInternalException;
// the client's retry, with its default settings, must pass. Matching on the
// attempt number also checks that the client counts its attempts: if it did
// not, every attempt would fail.
func (s *session) retryPastOneFault(key map[string]any) {
	t := s.t
	ruleID := addRule(t, s.proxy, rules.Rule{Description: "first attempt fails", Operation: "DescribeKey", Attempt: 1,
		Faults: []faults.Spec{faults.Preset("KMSInternalException")}})
	defer s.proxy.Rules().Delete(ruleID)
	mark := lastSeq(s.proxy.Journal())
	retried := s.call("DescribeKey", map[string]any{"KeyId": key["KeyId"]}, nil)
	s.requireOK("DescribeKey after one injected KMSInternalException", retried)
	if retried.Attempts != 0 && retried.Attempts != 2 {
		t.Errorf("client says it made %d attempts, want 2", retried.Attempts)
	}
	entries := waitFor(t, s.proxy.Journal(), mark, 2)
	checkInvocation(t, entries, s.net, s.attemptHeaders)
	if e := entries[0]; e.Rule != ruleID || e.Status != http.StatusInternalServerError ||
		e.ErrorCode != "KMSInternalException" || len(e.Faults) == 0 || e.Forwarded {
		t.Errorf("attempt 1 should be the injected fault: %s", describe(e))
	}
	if e := entries[1]; e.Rule != "" || e.Status != http.StatusOK || !e.Forwarded {
		t.Errorf("attempt 2 should reach the reference and succeed: %s", describe(e))
	}
}

// giveUpAfterMaxAttempts fails every attempt: with 2 attempts allowed, the
// client must report KMS's error, status and all.
func (s *session) giveUpAfterMaxAttempts(key map[string]any) {
	t := s.t
	ruleID := addRule(t, s.proxy, rules.Rule{Description: "every attempt fails", Operation: "DescribeKey",
		Faults: []faults.Spec{faults.Preset("KMSInternalException")}})
	defer s.proxy.Rules().Delete(ruleID)
	mark := lastSeq(s.proxy.Journal())
	failed := s.call("DescribeKey", map[string]any{"KeyId": key["KeyId"]}, &Retry{Mode: "standard", MaxAttempts: 2})
	if failed.OK || failed.Error == nil {
		t.Fatalf("DescribeKey succeeded through a fault on every attempt: %+v", failed)
	}
	if failed.Error.Code != "KMSInternalException" || failed.Error.HTTPStatus != http.StatusInternalServerError {
		t.Errorf("error = %v, want KMSInternalException with HTTP 500", failed.Error)
	}
	if failed.Attempts != 0 && failed.Attempts != 2 {
		t.Errorf("client says it made %d attempts, want 2 (maxAttempts 2)", failed.Attempts)
	}
	entries := waitFor(t, s.proxy.Journal(), mark, 2)
	checkInvocation(t, entries, s.net, s.attemptHeaders)
	for _, e := range entries {
		if e.Rule != ruleID || e.Status != http.StatusInternalServerError || e.Forwarded {
			t.Errorf("every attempt should be the injected fault: %s", describe(e))
		}
	}
}

// timeOut holds DescribeKey well beyond the request's timeoutMs, with one
// attempt allowed: the client must give up with its own timeout error. Had it
// ignored timeoutMs, it would have waited out the delay and got the key.
func (s *session) timeOut(key map[string]any) {
	t := s.t
	const hold = 5 * time.Second
	ruleID := addRule(t, s.proxy, rules.Rule{Description: "hold beyond the timeout", Operation: "DescribeKey",
		Faults: []faults.Spec{{Kind: faults.KindDelay, Delay: faults.Duration(hold)}}})
	defer s.proxy.Rules().Delete(ruleID)
	mark := lastSeq(s.proxy.Journal())
	// 800 ms: the CLI, which takes whole seconds, must round it up, not down to 0 (no timeout).
	out, err := s.client.Call(t.Context(), Request{Operation: "DescribeKey", Input: map[string]any{"KeyId": key["KeyId"]},
		Endpoint: s.net.endpoint, Region: testRegion, Retry: &Retry{Mode: "standard", MaxAttempts: 1}, TimeoutMs: 800})
	if err != nil {
		t.Fatalf("DescribeKey: %v", err)
	}
	if out.OK || out.Error == nil {
		t.Fatalf("DescribeKey held %v succeeded: the client ignored timeoutMs 800 (%+v)", hold, out)
	}
	if out.Error.Code != s.timeoutCode || out.Error.HTTPStatus != 0 {
		t.Errorf("error = %v, want %s with no HTTP response", out.Error, s.timeoutCode)
	}
	if out.Attempts != 0 && out.Attempts != 1 {
		t.Errorf("client says it made %d attempts, want 1 (maxAttempts 1)", out.Attempts)
	}
	if e := waitFor(t, s.proxy.Journal(), mark, 1)[0]; e.Rule != ruleID || e.Status == http.StatusOK {
		t.Errorf("the one attempt should be held and abandoned: %s", describe(e))
	}
}

// checkInvocation checks that entries are the attempts, in order, of one call
// in the expected proxy mode: numbered 1, 2, ... by the proxy and, when the
// client sends attempt headers, by the client under one invocation id.
func checkInvocation(t *testing.T, entries []journal.Entry, n network, attemptHeaders bool) {
	t.Helper()
	for i, e := range entries {
		if e.Operation != "DescribeKey" || e.Mode != n.mode {
			t.Errorf("entry %d: %s, want DescribeKey in %s mode", i, describe(e), n.mode)
		}
		if e.ProxyAttempt != i+1 {
			t.Errorf("entry %d: proxy attempt %d, want %d", i, e.ProxyAttempt, i+1)
		}
		switch {
		case attemptHeaders && (e.InvocationID == "" || e.InvocationID != entries[0].InvocationID):
			t.Errorf("entry %d: invocation id %q, want the same non-empty id on every attempt (first: %q)",
				i, e.InvocationID, entries[0].InvocationID)
		case attemptHeaders && e.Attempt != i+1:
			t.Errorf("entry %d: amz-sdk-request attempt=%d, want %d", i, e.Attempt, i+1)
		case !attemptHeaders && (e.InvocationID != "" || e.Attempt != 0):
			t.Errorf("entry %d: client sent attempt headers (invocation %q, attempt %d) though it was known not to; "+
				"update realClient.attemptHeaders", i, e.InvocationID, e.Attempt)
		}
		if n.mode == "mitm" && !strings.EqualFold(hostOnly(e.Host), kmsHost) {
			t.Errorf("entry %d: host %q, want %s (the client's own endpoint resolution)", i, e.Host, kmsHost)
		}
		if auth := e.Request.Headers["Authorization"]; strings.Contains(auth, "Signature=") && !strings.Contains(auth, "REDACTED") {
			t.Errorf("entry %d: journal keeps the request signature: %q", i, auth)
		}
	}
}

func addRule(t *testing.T, p *proxy.Proxy, r rules.Rule) string {
	t.Helper()
	id, err := p.Rules().Add(r)
	if err != nil {
		t.Fatalf("add rule %q: %v", r.Description, err)
	}
	return id
}

// lastSeq is the sequence number of the newest KMS exchange in j, 0 if none.
func lastSeq(j *journal.Journal) uint64 {
	var last uint64
	for _, e := range j.Entries() {
		last = max(last, e.Seq)
	}
	return last
}

// waitFor returns the KMS exchanges after mark once there are want of them.
// The proxy may record an exchange just after the client has its response, so
// this polls; the bound is generous and only reached when something is wrong.
func waitFor(t *testing.T, j *journal.Journal, mark uint64, want int) []journal.Entry {
	t.Helper()
	keep := func(e journal.Entry) bool { return e.Seq > mark && e.Operation != "" }
	deadline := time.Now().Add(10 * time.Second)
	for {
		entries := j.Filter(keep)
		if len(entries) >= want || time.Now().After(deadline) {
			if len(entries) != want {
				t.Fatalf("journal has %d KMS exchanges after #%d, want %d: %s", len(entries), mark, want, summary(entries))
			}
			return entries
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// member follows path through nested JSON objects.
func member(v any, path ...string) any {
	for _, name := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[name]
	}
	return v
}

func hostOnly(hostport string) string {
	if i := strings.LastIndex(hostport, ":"); i >= 0 && !strings.Contains(hostport[i:], "]") {
		return hostport[:i]
	}
	return hostport
}

func describe(e journal.Entry) string {
	return strings.Join([]string{
		"#" + itoa(int(e.Seq)), e.Mode, e.Operation, "host=" + e.Host,
		"attempt=" + itoa(e.Attempt), "proxyAttempt=" + itoa(e.ProxyAttempt), "status=" + itoa(e.Status),
		"code=" + e.ErrorCode, "rule=" + e.Rule, "faults=" + strings.Join(e.Faults, ","),
		"outcome=" + e.Outcome, "error=" + e.Error,
	}, " ")
}

func summary(entries []journal.Entry) string {
	parts := make([]string, len(entries))
	for i, e := range entries {
		parts[i] = describe(e)
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func itoa(i int) string { return strconv.Itoa(i) }
