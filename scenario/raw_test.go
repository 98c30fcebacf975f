package scenario

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

const (
	testAccessKey = "AKIAKMSCONFORMTEST01"
	testSecret    = "kmsconform-test-secret"
	testRegion    = "eu-west-3"
)

// rawWorld is a scenario world whose endpoint is server.
func rawWorld(server *httptest.Server, call time.Duration) *Scenario {
	env := &Env{
		Endpoint:   server.URL,
		Region:     testRegion,
		Primary:    credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, ""),
		HTTPClient: server.Client(),
		Timeouts:   Timeouts{Call: call},
	}
	return &Scenario{Env: env, id: "raw_test.feature: a scenario"}
}

// verifySigV4 recomputes the request's SigV4 signature from what arrived,
// independently of the SDK's signer, and returns what is wrong with it.
func verifySigV4(r *http.Request, body []byte, secret string) string {
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ")
	if !ok {
		return "no AWS4-HMAC-SHA256 Authorization header"
	}
	fields := map[string]string{}
	for _, part := range strings.Split(auth, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	scope := strings.SplitN(fields["Credential"], "/", 2)
	if len(scope) != 2 {
		return "malformed Credential " + fields["Credential"]
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	if !sort.StringsAreSorted(signed) {
		return "SignedHeaders are not sorted"
	}
	var canonical strings.Builder
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		if h == "content-length" {
			v = strconv.FormatInt(r.ContentLength, 10) // a server moves it out of the header
		}
		canonical.WriteString(h + ":" + strings.TrimSpace(v) + "\n")
	}
	payload := sha256.Sum256(body)
	request := strings.Join([]string{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, canonical.String(),
		fields["SignedHeaders"], hex.EncodeToString(payload[:])}, "\n")
	requestHash := sha256.Sum256([]byte(request))
	date := r.Header.Get("X-Amz-Date")
	toSign := strings.Join([]string{"AWS4-HMAC-SHA256", date, scope[1], hex.EncodeToString(requestHash[:])}, "\n")
	parts := strings.Split(scope[1], "/") // date/region/service/aws4_request
	key := []byte("AWS4" + secret)
	for _, p := range parts {
		key = hmacSHA256(key, p)
	}
	if want := hex.EncodeToString(hmacSHA256(key, toSign)); want != fields["Signature"] {
		return "signature " + fields["Signature"] + " does not verify (want " + want + ")"
	}
	return ""
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func TestRawRequestIsSignedForKMS(t *testing.T) {
	var problems []string
	server := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		check := func(cond bool, problem string) {
			if !cond {
				problems = append(problems, problem)
			}
		}
		check(r.Method == http.MethodPost && r.URL.Path == "/", "want POST /, got "+r.Method+" "+r.URL.Path)
		check(r.Header.Get("X-Amz-Target") == "TrentService.DeleteCustomKeyStore", "X-Amz-Target = "+r.Header.Get("X-Amz-Target"))
		check(r.Header.Get("Content-Type") == "application/x-amz-json-1.1", "Content-Type = "+r.Header.Get("Content-Type"))
		check(string(body) == `{"CustomKeyStoreId":""}`, "body = "+string(body))
		check(r.Header.Get(ScenarioHeader) == "raw_test.feature: a scenario", "scenario header = "+r.Header.Get(ScenarioHeader))
		auth := r.Header.Get("Authorization")
		check(strings.Contains(auth, "Credential="+testAccessKey+"/"), "credential is not the scenario's: "+auth)
		check(strings.Contains(auth, "/"+testRegion+"/kms/aws4_request"), "scope is not the run's Region and kms: "+auth)
		check(!strings.Contains(strings.ToLower(auth), strings.ToLower(ScenarioHeader)), "the scenario header is signed: "+auth)
		if p := verifySigV4(r, body, testSecret); p != "" {
			problems = append(problems, p)
		}
		rw.Header().Set("Content-Type", "application/x-amz-json-1.1")
		rw.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(rw, `{"__type":"com.amazonaws.kms#ValidationException","message":"1 validation error detected"}`)
	}))
	defer server.Close()

	w := rawWorld(server, 5*time.Second)
	if err := w.sendRaw(context.Background(), "DeleteCustomKeyStore", map[string]any{"CustomKeyStoreId": ""}); err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if err := w.ThenFailsWith("ValidationException"); err != nil {
		t.Errorf("the check fails on a genuine ValidationException: %v", err)
	}
}

func TestSignatureCheckCatchesATamperedRequest(t *testing.T) {
	w := rawWorld(httptest.NewServer(http.NotFoundHandler()), time.Second)
	req, err := w.Env.signedRequest(context.Background(), rawRequest{op: "DisableKey", body: []byte(`{"KeyId":"a"}`), creds: w.Env.Primary})
	if err != nil {
		t.Fatal(err)
	}
	req.Host = req.URL.Host
	if p := verifySigV4(req, []byte(`{"KeyId":"a"}`), testSecret); p != "" {
		t.Fatalf("an untouched request does not verify: %s", p)
	}
	if verifySigV4(req, []byte(`{"KeyId":"b"}`), testSecret) == "" {
		t.Error("a changed body still verifies")
	}
	if verifySigV4(req, []byte(`{"KeyId":"a"}`), "another secret") == "" {
		t.Error("a signature with another secret still verifies")
	}
}

// An endpoint that accepts everything, or answers another error, must fail
// the check: that is what makes the ValidationException scenarios worth running.
func TestValidationCheckFailsAgainstAWrongEndpoint(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header string
		body   string
		want   string
	}{
		{"accepts everything", http.StatusOK, "", `{}`, "succeeded"},
		{"another error", http.StatusBadRequest, "", `{"__type":"NotFoundException","message":"no such key"}`, "NotFoundException"},
		{"right code, wrong status", http.StatusInternalServerError, "", `{"__type":"ValidationException"}`, "HTTP 500"},
		{"another code in the header", http.StatusBadRequest, "NotFoundException:http://internal.amazon.com/", `{"__type":"ValidationException"}`, "NotFoundException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			server := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				if tc.header != "" {
					rw.Header().Set("X-Amzn-ErrorType", tc.header)
				}
				rw.WriteHeader(tc.status)
				_, _ = io.WriteString(rw, tc.body)
			}))
			defer server.Close()
			w := rawWorld(server, 5*time.Second)
			if err := w.sendViolation(context.Background(), "DescribeCustomKeyStores", "Limit", "is 0"); err != nil {
				t.Fatal(err)
			}
			err := w.ThenFailsWith("ValidationException")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("thenFailsWith = %v, want a failure mentioning %q", err, tc.want)
			}
		})
	}
}

func TestRawOutcomeReadsTheErrorCode(t *testing.T) {
	tests := []struct {
		header, body, want string
	}{
		{"ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/", `{}`, "ValidationException"},
		{"", `{"__type":"com.amazonaws.kms#ValidationException"}`, "ValidationException"},
		{"", `{"code":"ValidationException","__type":"Other"}`, "ValidationException"},
		{"ValidationException", `{"__type":"NotFoundException"}`, "ValidationException"},
		{"", `<html>bad gateway</html>`, "UnknownError"},
	}
	for _, tc := range tests {
		resp := &http.Response{StatusCode: 400, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(tc.body))}
		if tc.header != "" {
			resp.Header.Set("X-Amzn-ErrorType", tc.header)
		}
		o := rawOutcome("DisableKey", resp)
		if o.Code != tc.want || o.Err == nil || o.Status != 400 {
			t.Errorf("header %q body %s: code %q err %v status %d, want %s", tc.header, tc.body, o.Code, o.Err, o.Status, tc.want)
		}
	}
}

// hangingServer never answers until release is closed.
func hangingServer() (*httptest.Server, chan struct{}) {
	release := make(chan struct{})
	return httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})), release
}

func TestRawRequestRespectsTheCallTimeout(t *testing.T) {
	server, release := hangingServer()
	defer server.Close()
	defer close(release)
	w := rawWorld(server, 50*time.Millisecond)
	start := time.Now()
	if err := w.sendRaw(context.Background(), "GenerateRandom", map[string]any{"NumberOfBytes": 0}); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("the request took %v despite a 50ms call timeout", elapsed)
	}
	if w.Last.Status != 0 || w.Last.Err == nil {
		t.Errorf("outcome = %+v, want no answer", w.Last)
	}
	if err := w.ThenFailsWith("ValidationException"); err == nil {
		t.Error("a request that got no answer passes the check")
	}
}

func TestRawRequestStopsWithTheScenario(t *testing.T) {
	server, release := hangingServer()
	defer server.Close()
	defer close(release)
	w := rawWorld(server, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := w.sendRaw(ctx, "DisableKey", map[string]any{"KeyId": ""}); err == nil {
		t.Error("an interrupted request does not fail its step")
	}
}

func TestRawRequestRefusesOthersResources(t *testing.T) {
	sent := 0
	server := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { sent++ }))
	defer server.Close()
	w := rawWorld(server, time.Second)
	foreign := MissingKeyID()
	if err := w.sendRaw(context.Background(), "DisableKey", map[string]any{"KeyId": foreign}); err == nil {
		t.Error("disabling a key the run did not create was not refused")
	}
	if err := w.sendRaw(context.Background(), "DeleteCustomKeyStore", map[string]any{"CustomKeyStoreId": "cks-1234567890abcdefg"}); err == nil {
		t.Error("deleting a key store the run did not create was not refused")
	}
	if sent != 0 {
		t.Errorf("%d refused requests reached the endpoint", sent)
	}
	w.Env.Owned.Add(foreign)
	if err := w.sendRaw(context.Background(), "DisableKey", map[string]any{"KeyId": foreign, "Extra": "x"}); err != nil || sent != 1 {
		t.Errorf("a request on the run's own key: err %v, %d sent", err, sent)
	}
}

func TestRawCreateIsAdoptedForCleanup(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(rw, `{"KeyMetadata":{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","Arn":"arn:aws:kms:eu-west-3:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}`)
	}))
	defer server.Close()
	w := rawWorld(server, time.Second)
	if err := w.sendRaw(context.Background(), "CreateKey", map[string]any{"Description": strings.Repeat("a", 8193)}); err != nil {
		t.Fatal(err)
	}
	if len(w.CreatedKeys) != 1 || w.CreatedKeys[0].ID != "1234abcd-12ab-34cd-56ef-1234567890ab" {
		t.Fatalf("keys to clean up = %v, want the key the endpoint created", w.CreatedKeys)
	}
	if !w.Env.Owned.Owns("1234abcd-12ab-34cd-56ef-1234567890ab") {
		t.Error("the created key is not the run's: its cleanup would be refused")
	}
}
