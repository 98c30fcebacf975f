package steps

import (
	"context"
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
)

// entry is a journal entry of call under test id.
func entry(seq uint64, id string, forwarded bool, outcome string, status int, faultNames ...string) journal.Entry {
	return journal.Entry{Seq: seq, Forwarded: forwarded, Outcome: outcome, Status: status, Faults: faultNames,
		Request: journal.Message{Headers: map[string]string{CallHeader: id}}}
}

func TestJudgeCalls(t *testing.T) {
	describe := []call{{id: "1", op: "DescribeKey"}}
	tests := []struct {
		name        string
		calls       []call
		entries     []journal.Entry
		noJournal   bool
		verdict     string
		reasonParts []string
	}{
		{"the endpoint answered", describe, []journal.Entry{entry(7, "1", true, "response", 400)}, false, reports.StatusPassed, nil},
		{"an injected delay, then the endpoint's answer", describe, []journal.Entry{entry(7, "1", true, "response", 200, "delay 1s")}, false, reports.StatusPassed, nil},
		{"no scenario call under test", nil, nil, false, reports.StatusPassed, nil},
		{"the proxy answered with an injected fault", describe, []journal.Entry{entry(7, "1", false, "response", 500, "error KMSInternalException")}, false,
			reports.StatusSkipped, []string{"answered by the proxy, not by the endpoint", "#7", "injected error KMSInternalException", "HTTP 500"}},
		{"no request reached the proxy", describe, []journal.Entry{entry(3, "2", true, "response", 200)}, false,
			reports.StatusSkipped, []string{"never asked", "DescribeKey"}},
		{"no recording proxy", describe, nil, true, reports.StatusSkipped, []string{"no recording proxy"}},
		{"the endpoint gave no answer", describe, []journal.Entry{entry(9, "1", true, "upstream-error", 502)}, false,
			reports.StatusFailed, []string{"did not answer", "#9", "upstream-error"}},
		{"the last attempt decides: injected after an answer", describe,
			[]journal.Entry{entry(5, "1", false, "response", 500, "error KMSInternalException"), entry(4, "1", true, "response", 500)}, false,
			reports.StatusSkipped, []string{"#5"}},
		{"the last attempt decides: answered after an injection", describe,
			[]journal.Entry{entry(4, "1", false, "response", 500, "error KMSInternalException"), entry(5, "1", true, "response", 400)}, false,
			reports.StatusPassed, nil},
		{"every call under test counts", []call{{id: "1", op: "DisableKey"}, {id: "2", op: "EnableKey"}},
			[]journal.Entry{entry(1, "1", true, "response", 200), entry(2, "2", false, "response", 500, "error KMSInternalException")}, false,
			reports.StatusSkipped, []string{"(EnableKey)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			verdict, reason := judgeCalls(tc.calls, tc.entries, !tc.noJournal)
			if verdict != tc.verdict {
				t.Errorf("verdict %s (%s), want %s", verdict, reason, tc.verdict)
			}
			for _, part := range tc.reasonParts {
				if !strings.Contains(reason, part) {
					t.Errorf("reason %q lacks %q", reason, part)
				}
			}
		})
	}
}

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
	env := &Env{
		Endpoint:   "http://" + ln.Addr().String(),
		Region:     "us-east-1",
		Primary:    credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, ""),
		HTTPClient: &http.Client{Timeout: 10 * time.Second},
		RunID:      "verdicts-test",
		Timeouts:   Timeouts{Call: 10 * time.Second, Connect: time.Second, Disconnect: time.Second, Poll: 10 * time.Millisecond},
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
			if e.Request.Headers[CallHeader] == "1" {
				marked++
				if e.Operation != "DescribeKey" || e.ErrorCode != "NotFoundException" {
					t.Errorf("the call under test's exchange is %s %s", e.Operation, e.ErrorCode)
				}
			}
		}
		if marked != 1 {
			t.Errorf("%d exchanges carry %s: 1, want 1: %+v", marked, CallHeader, res.Exchanges)
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

// The proxy records an exchange just after it has answered, so the verdict
// waits for the journal to hold every call under test before judging.
func TestJournalIsWaitedFor(t *testing.T) {
	reads := 0
	w := &world{id: "f.feature: s", calls: []call{{id: "1", op: "DescribeKey"}}, env: &Env{Journal: func(string) []journal.Entry {
		reads++
		if reads < 3 {
			return nil
		}
		return []journal.Entry{entry(1, "1", true, "response", 400)}
	}}}
	entries := w.settledJournal(context.Background())
	if verdict, reason := judgeCalls(w.calls, entries, true); verdict != reports.StatusPassed {
		t.Errorf("verdict %s (%s) after %d reads, want passed", verdict, reason, reads)
	}
	// A call the journal never records is judged once the wait ends.
	w.calls = append(w.calls, call{id: "2", op: "EnableKey"})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if verdict, _ := judgeCalls(w.calls, w.settledJournal(ctx), true); verdict != reports.StatusSkipped {
		t.Errorf("verdict %s, want skipped: the second call never reached the proxy", verdict)
	}
}
