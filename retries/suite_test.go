package retries

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/cucumber/godog"

	"github.com/kmsconform/kmsconform/features"
	"github.com/kmsconform/kmsconform/proxy/rules"
	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/reports"
)

const (
	testRegion    = "us-east-1"
	testAccessKey = "AKIAKMSCONFORMTEST01"
	testSecret    = "kmsconform-retries-test-secret"
)

// newTestSuite serves a fresh reference KMS on loopback and returns a Suite
// pointed at it.
func newTestSuite(t *testing.T) *Suite {
	t.Helper()
	svc, err := reference.New(reference.Options{Region: testRegion})
	if err != nil {
		t.Fatalf("reference KMS: %v", err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Env{
		Endpoint:       srv.URL,
		Region:         testRegion,
		Credentials:    credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, ""),
		Control:        &reference.ControlClient{BaseURL: srv.URL},
		Root:           root,
		RequireClients: os.Getenv("CI") == "true",
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runFeatures runs the selected scenarios and returns their results as the
// runner would report them, with the suite's evidence attached.
func runFeatures(t *testing.T, s *Suite, fsys fs.FS, tags string, concurrency int) []reports.Scenario {
	t.Helper()
	var (
		mu      sync.Mutex
		results []reports.Scenario
	)
	suite := godog.TestSuite{
		Name: "retries",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			s.Register(sc)
			// The runner's steps package owns this step; the test stands in for it.
			sc.Given(`^a condition the public API cannot produce: (.+)$`, func(string) error { return godog.ErrSkip })
			res := &reports.Scenario{}
			var stepMu sync.Mutex
			var started time.Time
			sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
				res.ID, res.Name, res.URI = scenarioID(p), p.Name, p.Uri
				for _, tag := range p.Tags {
					res.Tags = append(res.Tags, tag.Name)
					if op, ok := strings.CutPrefix(tag.Name, "@op:"); ok {
						res.Operation = op
					}
				}
				res.Status = reports.StatusPassed
				started = time.Now()
				return ctx, nil
			})
			sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
				stepMu.Lock()
				defer stepMu.Unlock()
				switch {
				case status == godog.StepFailed || status == godog.StepUndefined || status == godog.StepAmbiguous:
					res.Status = reports.StatusFailed
					if res.Reason == "" && err != nil {
						res.Reason = err.Error()
					}
					if res.Reason == "" {
						res.Reason = "step " + st.Text + " is " + status.String()
					}
				case status == godog.StepSkipped && res.Status == reports.StatusPassed:
					res.Status = reports.StatusSkipped
				}
				return ctx, nil
			})
			sc.After(func(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
				if err != nil && !errors.Is(err, godog.ErrSkip) && res.Status != reports.StatusFailed {
					res.Status, res.Reason = reports.StatusFailed, err.Error()
				}
				s.Attach(res)
				res.Duration = time.Since(started)
				mu.Lock()
				results = append(results, *res)
				mu.Unlock()
				return ctx, nil
			})
		},
		Options: &godog.Options{
			Format:      "progress",
			Output:      io.Discard,
			NoColors:    true,
			Strict:      true,
			Concurrency: concurrency,
			Tags:        tags,
			FS:          fsys,
			Paths:       []string{"."},
		},
	}
	suite.Run()
	slices.SortFunc(results, func(a, b reports.Scenario) int { return strings.Compare(a.ID, b.ID) })
	return results
}

// TestRetryFeatures runs every retry scenario with every installed client
// against the reference KMS: they all pass (or are @untestable), and each
// tested one carries its attempts as evidence.
func TestRetryFeatures(t *testing.T) {
	t.Parallel()
	s := newTestSuite(t)
	tags := "@retries"
	if testing.Short() {
		tags = "@retries && @client:aws-sdk-go-v2"
	}
	start := time.Now()
	results := runFeatures(t, s, features.FS, tags, 16)
	t.Logf("%d retry scenarios in %v", len(results), time.Since(start).Round(time.Second))
	if len(results) < 10 {
		t.Fatalf("ran %d retry scenarios", len(results))
	}
	for _, r := range results {
		switch r.Status {
		case reports.StatusFailed:
			t.Errorf("%s failed: %s", r.ID, r.Reason)
		case reports.StatusSkipped:
			if !slices.Contains(r.Tags, "@untestable") {
				t.Errorf("%s skipped without @untestable: %s", r.ID, r.Reason)
			}
		case reports.StatusPassed:
			if len(r.Exchanges) == 0 {
				t.Errorf("%s passed without recorded attempts", r.ID)
			}
		}
		t.Logf("%v %s", r.Duration.Round(100*time.Millisecond), r.ID)
		for _, f := range r.Findings {
			t.Logf("finding %s: %s", r.ID, f)
		}
	}
	t.Logf("retry matrix:\n%s", Matrix(results))
	// The evidence is redacted: no signature, no secret key.
	b, err := json.Marshal(results)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{testSecret, "AWS4-HMAC-SHA256 Credential", "RawSecretAccessKey\":\"", "KeyStorePassword\":\""} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the retry evidence contains %q", secret)
		}
	}
}

// A check that cannot fail proves nothing: a proxy that misbehaves, and an
// expectation table that is wrong, both make the scenarios fail.
func TestWrongBehaviourFails(t *testing.T) {
	t.Parallel()
	const feature = `Feature: negative
  @retries @fault @fault:KMSInternalExceptionOnce @op:DescribeKey @client:aws-sdk-go-v2
  Scenario: once
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And a KMS key for the retry test
    And the proxy injects KMSInternalExceptionOnce into DescribeKey calls
    When the client under test calls DescribeKey
    Then the proxy saw the documented number of attempts
    And the client under test reports the documented outcome

  @retries @fault @fault:KMSInternalException @op:DescribeKey @client:aws-sdk-go-v2
  Scenario: every
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And a KMS key for the retry test
    And the proxy injects KMSInternalException into DescribeKey calls
    When the client under test calls DescribeKey
    Then the proxy saw the documented number of attempts

  @retries @fault @fault:KMSInternalException @op:DescribeKey @client:aws-sdk-go-v2 @retries2026
  Scenario: flag
    Given the client under test is aws-sdk-go-v2 with AWS_NEW_RETRIES_2026=true
    And a KMS key for the retry test
    And the proxy injects KMSInternalException into DescribeKey calls
    When the client under test calls DescribeKey
    Then the proxy saw the documented number of attempts
`
	fsys := fstest.MapFS{"negative.feature": {Data: []byte(feature)}}
	cases := []struct {
		name    string
		tamper  func(s *Suite)
		failing []string // scenario names that must fail
		reason  string
	}{
		{"correct", func(*Suite) {}, nil, ""},
		{"proxy injects the once fault on every attempt", func(s *Suite) {
			s.rule = func(f Fault, op string) rules.Rule {
				r := f.Rule(op)
				r.Times = 0
				return r
			}
		}, []string{"once"}, "made 3 attempts"},
		{"table says 4 attempts for Go", func(s *Suite) {
			s.policy = func(c string, n bool) (Policy, error) {
				p, err := PolicyFor(c, n)
				p.MaxAttempts = 4
				return p, err
			}
		}, []string{"every", "flag"}, "says 4"},
		{"the Go table depends on the flag, which the in-process client cannot be handed", func(s *Suite) {
			s.policy = func(c string, n bool) (Policy, error) {
				p, err := PolicyFor(c, n)
				if n {
					p.Rules = rulesPre
				}
				return p, err
			}
		}, []string{"flag"}, "cannot hand the in-process aws-sdk-go-v2 AWS_NEW_RETRIES_2026"},
		{"the same difference, known and pinned, is a finding", func(s *Suite) {
			s.policy = func(c string, n bool) (Policy, error) {
				p, err := PolicyFor(c, n)
				p.MaxAttempts = 4
				return p, err
			}
			s.deviations = []Deviation{{Client: GoSDK, Fault: "KMSInternalException", Attempts: 3, Note: "pinned: stops at 3"}}
		}, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newTestSuite(t)
			tc.tamper(s)
			results := runFeatures(t, s, fsys, "", 2)
			if len(results) != 3 {
				t.Fatalf("ran %d scenarios, want 3", len(results))
			}
			for _, r := range results {
				wantFail := slices.Contains(tc.failing, r.Name)
				switch {
				case wantFail && r.Status != reports.StatusFailed:
					t.Errorf("%s: status %s, want failed", r.Name, r.Status)
				case wantFail && !strings.Contains(r.Reason, tc.reason):
					t.Errorf("%s failed for the wrong reason: %s", r.Name, r.Reason)
				case !wantFail && r.Status != reports.StatusPassed:
					t.Errorf("%s: status %s (%s), want passed", r.Name, r.Status, r.Reason)
				}
				if len(s.deviations) > 0 && r.Name == "every" &&
					!slices.ContainsFunc(r.Findings, func(f string) bool { return strings.Contains(f, "pinned: stops at 3") }) {
					t.Errorf("%s: findings %q lack the known deviation", r.Name, r.Findings)
				}
			}
		})
	}
}
