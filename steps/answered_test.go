package steps

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/cucumber/godog"
	"github.com/kmsconform/kmsconform/proxy"
	"github.com/kmsconform/kmsconform/proxy/faults"
	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/proxy/rules"
	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/scenario"
)

// The scenario of the end-to-end test: it expects NotFoundException.
const notFoundFeature = `Feature: verdicts
  @op:DescribeKey @cond:DescribeKey.03
  Scenario: a key that does not exist
    When I describe a key that does not exist by its key ID
    Then the request fails with NotFoundException
`

// runThroughProxy runs notFoundFeature against endpoint through a recording
// proxy that applies rule (if any) and returns the scenario's result.
func runThroughProxy(t *testing.T, endpoint string, rule *rules.Rule) reports.Scenario {
	t.Helper()
	upstream, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	p, err := proxy.New(proxy.Config{Upstream: upstream, Journal: journal.New(journal.Options{Capacity: 1000})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	if rule != nil {
		if _, err := p.Rules().Add(*rule); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	var (
		mu      sync.Mutex
		results []reports.Scenario
	)
	env := &scenario.Env{
		Endpoint:   "http://" + ln.Addr().String(),
		Region:     "us-east-1",
		Primary:    credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, ""),
		HTTPClient: &http.Client{Timeout: 10 * time.Second},
		RunID:      "verdicts-test",
		Timeouts:   scenario.Timeouts{Call: 10 * time.Second, Connect: time.Second, Disconnect: time.Second, Poll: 10 * time.Millisecond},
		Journal: func(header string) []journal.Entry {
			return p.Journal().Filter(func(e journal.Entry) bool { return e.Scenario == header })
		},
		Report: func(s *reports.Scenario) {
			mu.Lock()
			defer mu.Unlock()
			results = append(results, *s)
		},
	}
	var out strings.Builder
	suite := godog.TestSuite{
		ScenarioInitializer: Initializer(env),
		Options: &godog.Options{Format: "progress", Output: &out, Strict: true,
			FS: fstest.MapFS{"verdicts.feature": {Data: []byte(notFoundFeature)}}, Paths: []string{"."}},
	}
	suite.Run()
	if len(results) != 1 {
		t.Fatalf("%d results, want 1:\n%s", len(results), out.String())
	}
	return results[0]
}

// notFoundEverywhere is the proxy answering every DescribeKey itself with
// the NotFoundException the scenario expects.
var notFoundEverywhere = &rules.Rule{Operation: "DescribeKey",
	Faults: []faults.Spec{{Kind: faults.KindError, Status: http.StatusBadRequest, Code: "NotFoundException"}}}

// A scenario passes only when the journal shows the endpoint answered its
// call under test: an answer the proxy made up does not count, even when it
// is exactly the one expected.
func TestOnlyTheEndpointsAnswerCounts(t *testing.T) {
	t.Parallel()
	svc, err := reference.New(reference.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref := httptest.NewServer(svc)
	t.Cleanup(ref.Close)
	// An endpoint that answers {} to everything: it never says NotFoundException.
	empty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write([]byte("{}"))
	}))
	t.Cleanup(empty.Close)

	t.Run("the reference answers", func(t *testing.T) {
		t.Parallel()
		res := runThroughProxy(t, ref.URL, nil)
		if res.Status != reports.StatusPassed || res.Observed != "NotFoundException" {
			t.Fatalf("status %s (%s), observed %q; want passed, observed NotFoundException", res.Status, res.Reason, res.Observed)
		}
		marked := 0
		for _, e := range res.Exchanges {
			if e.Request.Headers[scenario.CallHeader] == "1" {
				marked++
				if e.Operation != "DescribeKey" || e.ErrorCode != "NotFoundException" {
					t.Errorf("the call under test's exchange is %s %s", e.Operation, e.ErrorCode)
				}
			}
		}
		if marked != 1 {
			t.Errorf("%d exchanges carry %s: 1, want 1: %+v", marked, scenario.CallHeader, res.Exchanges)
		}
	})
	t.Run("a wrong endpoint behind the proxy's made-up answer", func(t *testing.T) {
		t.Parallel()
		res := runThroughProxy(t, empty.URL, notFoundEverywhere)
		if res.Status != reports.StatusSkipped || !strings.Contains(res.Reason, "answered by the proxy, not by the endpoint") {
			t.Fatalf("status %s (%s), want skipped: the endpoint was never asked", res.Status, res.Reason)
		}
		if res.Observed != "" {
			t.Errorf("observed %q: the endpoint returned nothing", res.Observed)
		}
		for _, st := range res.Steps {
			if st.Status != "passed" {
				t.Errorf("step %q %s: the steps themselves saw what they expected", st.Text, st.Status)
			}
		}
	})
	t.Run("the wrong endpoint itself", func(t *testing.T) {
		t.Parallel()
		if res := runThroughProxy(t, empty.URL, nil); res.Status != reports.StatusFailed {
			t.Fatalf("status %s (%s), want failed", res.Status, res.Reason)
		}
	})
}

// The reference's test credentials.
const (
	testAccessKey = "AKIAKMSCONFORMTEST01"
	testSecret    = "kmsconform-test-secret"
)
