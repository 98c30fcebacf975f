package retries

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/kmsconform/kmsconform/features"
	"github.com/kmsconform/kmsconform/proxy/rules"
	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/stepdef"
)

// wrongFeature holds one scenario per kind of retry check, each tagged @s:<name>.
const wrongFeature = `Feature: negative
  @s:once @retries @fault @fault:KMSInternalExceptionOnce @op:DescribeKey @client:aws-sdk-go-v2
  Scenario: once
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And a KMS key for the retry test
    And the proxy injects KMSInternalExceptionOnce into DescribeKey calls
    When the client under test calls DescribeKey
    Then the proxy saw the documented number of attempts
    And the client under test reports the documented outcome

  @s:every @retries @fault @fault:KMSInternalException @op:DescribeKey @client:aws-sdk-go-v2
  Scenario: every
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And a KMS key for the retry test
    And the proxy injects KMSInternalException into DescribeKey calls
    When the client under test calls DescribeKey
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds

  @s:flag @retries @fault @fault:KMSInternalException @op:DescribeKey @client:aws-sdk-go-v2 @retries2026
  Scenario: flag
    Given the client under test is aws-sdk-go-v2 with AWS_NEW_RETRIES_2026=true
    And a KMS key for the retry test
    And the proxy injects KMSInternalException into DescribeKey calls
    When the client under test calls DescribeKey
    Then the proxy saw the documented number of attempts

  @s:swap @retries @fault @fault:KMSInternalException @op:DescribeKey @client:aws-sdk-go-v2 @retries2026
  Scenario: swap
    Given the client under test is aws-sdk-go-v2 with AWS_NEW_RETRIES_2026=true
    And a KMS key for the retry test
    And the proxy injects KMSInternalException into DescribeKey calls
    When the client under test calls DescribeKey as often as the wait check needs
    Then the proxy saw the documented number of attempts
    And every wait between attempts is within the documented backoff bounds

  @s:swap-cli2 @retries @fault @fault:KMSInternalException @op:DescribeKey @client:aws-cli-v2 @retries2026
  Scenario: swap-cli2
    Given the client under test is aws-cli-v2 with AWS_NEW_RETRIES_2026=true
    And a KMS key for the retry test
    And the proxy injects KMSInternalException into DescribeKey calls
    When the client under test calls DescribeKey as often as the wait check needs
    Then every wait between attempts is within the documented backoff bounds

  @s:throttle @retries @fault @fault:ThrottlingException @op:DescribeKey @client:aws-sdk-go-v2 @retries2026
  Scenario: throttle
    Given the client under test is aws-sdk-go-v2 with AWS_NEW_RETRIES_2026=true
    And a KMS key for the retry test
    And the proxy injects ThrottlingException into DescribeKey calls
    When the client under test calls DescribeKey as often as the wait check needs
    Then every wait between attempts is within the documented backoff bounds

  @s:lost-store @retries @fault @fault:LostResponse @op:DeleteCustomKeyStore @client:aws-sdk-go-v2
  Scenario: lost-store
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And a disconnected external key store for the retry test
    And the proxy injects LostResponse into DeleteCustomKeyStore calls
    When the client under test calls DeleteCustomKeyStore
    Then the client under test reports CustomKeyStoreNotFoundException from its retry although the first attempt succeeded
    And the external key store for the retry test no longer exists

  @s:lost-key @retries @fault @fault:LostResponse @op:ScheduleKeyDeletion @client:aws-sdk-go-v2
  Scenario: lost-key
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And a KMS key for the retry test
    And the proxy injects LostResponse into ScheduleKeyDeletion calls
    When the client under test calls ScheduleKeyDeletion
    Then the client under test reports KMSInvalidStateException from its retry although the first attempt succeeded
    And the KMS key for the retry test is PendingDeletion

  @s:lost-material @retries @fault @fault:LostResponse @op:DeleteImportedKeyMaterial @client:aws-sdk-go-v2
  Scenario: lost-material
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    And a KMS key with imported key material for the retry test
    And the proxy injects LostResponse into DeleteImportedKeyMaterial calls
    When the client under test calls DeleteImportedKeyMaterial
    Then the client under test reports success from its retry although the first attempt succeeded

  @s:quota @retries @fault @fault:Quota @op:DescribeKey @client:aws-sdk-go-v2
  Scenario: quota
    Given the client under test is aws-sdk-go-v2 with its default retry settings
    When one aws-sdk-go-v2 client makes 60 concurrent DescribeKey calls that all meet KMSInternalException
    Then the retry quota stops the retries where the documentation says
`

// swapGenerations gives p the other rule generation's transient backoff
// (otherGeneration), as a table with the two generations swapped would.
func swapGenerations(p *Policy) {
	class := ClassTransient
	p.Transient = otherGeneration(p.Rules, class, p.Transient)
	if p.Rules == rules2026 {
		p.Rules = rulesPre
	} else {
		p.Rules = rules2026
	}
}

// answering answers op itself, with answer, and passes every other
// request, and the control API, to next.
func answering(op string, answer func(w http.ResponseWriter, r *http.Request, next http.Handler)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Amz-Target") != "TrentService."+op {
				next.ServeHTTP(w, r)
				return
			}
			answer(w, r, next)
		})
	}
}

func kmsError(w http.ResponseWriter, code string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte(`{"__type":"` + code + `","message":"kmsconform wrong endpoint"}`))
}

func empty(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, _ = w.Write([]byte(`{}`))
}

// A check that cannot fail proves nothing: a proxy that misbehaves, an
// expectation table that is wrong, and an endpoint that gets the effect of
// a call wrong all make the scenarios fail; and every retry step that checks
// an outcome fails in one of them.
func TestWrongBehaviourFails(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"negative.feature": {Data: []byte(wrongFeature)}}
	withPolicy := func(edit func(*Policy)) func(s *Suite) {
		return func(s *Suite) {
			s.policy = func(c string, n bool) (Policy, error) {
				p, err := PolicyFor(c, n)
				edit(&p)
				return p, err
			}
		}
	}
	var importMu sync.Mutex
	deleted := map[string]bool{} // keys whose material DeleteImportedKeyMaterial was asked to delete
	cases := []struct {
		name    string
		tags    string
		tamper  func(s *Suite)
		wrong   func(http.Handler) http.Handler // the endpoint's wrong behaviour
		failing []string                        // scenario names that must fail
		quiet   bool                            // needs the load average at or below calibrationLoad
		reason  string
	}{
		{name: "correct"},
		{name: "proxy injects the once fault on every attempt", tags: "@s:once", tamper: func(s *Suite) {
			s.rule = func(f Fault, op string) rules.Rule {
				r := f.Rule(op)
				r.Times = 0
				return r
			}
		}, failing: []string{"once"}, reason: "made 3 attempts"},
		{name: "DescribeKey does not find the key", tags: "@s:once",
			wrong:   answering("DescribeKey", func(w http.ResponseWriter, _ *http.Request, _ http.Handler) { kmsError(w, "NotFoundException") }),
			failing: []string{"once"}, reason: "NotFoundException"},
		{name: "table says 4 attempts for Go", tags: "@s:every,@s:flag", tamper: withPolicy(func(p *Policy) { p.MaxAttempts = 4 }),
			failing: []string{"every", "flag"}, reason: "says 4"},
		{name: "the same difference, known and pinned, is a finding", tags: "@s:every", tamper: func(s *Suite) {
			withPolicy(func(p *Policy) { p.MaxAttempts = 4 })(s)
			s.deviations = []Deviation{{Client: GoSDK, Fault: "KMSInternalException", Attempts: 3, Note: "pinned: stops at 3"}}
		}},
		{name: "table gives a backoff far shorter than the client's", tags: "@s:every",
			tamper: func(s *Suite) {
				withPolicy(func(p *Policy) { p.Transient = Backoff{Base: 1, Cap: 1} })(s)
				// The client's jitter may draw a wait below the usual allowance.
				s.allowance = func(string) Allowance { return Allowance{} }
			},
			failing: []string{"every"}, reason: "documented below"},
		// The two rule generations' tables swapped: the Go SDK (2026, 50 ms)
		// checked against the pre-2026 1 s base backs off less than that
		// table says; the CLI v2 2.9.19 (pre-2026, 1 s) against the 2026
		// 50 ms base waits longer than it allows.
		{name: "2026 and pre-2026 tables swapped", tags: "@s:swap,@s:swap-cli2", tamper: withPolicy(swapGenerations),
			failing: []string{"swap", "swap-cli2"}, reason: "backoff"},
		// Told apart at the calibration load only: above it the allowance
		// grows and the plan itself says it cannot (a finding).
		{name: "table doubles the throttling base", tags: "@s:throttle", tamper: withPolicy(func(p *Policy) { p.Throttle.Base *= 2 }),
			failing: []string{"throttle"}, reason: "backs off less than documented", quiet: true},
		{name: "table gives a retry quota twice as large", tags: "@s:quota",
			tamper:  withPolicy(func(p *Policy) { p.Quota.Capacity *= 2 }),
			failing: []string{"quota"}, reason: "its documentation says"},
		{name: "DeleteCustomKeyStore answers success and deletes nothing", tags: "@s:lost-store",
			wrong:   answering("DeleteCustomKeyStore", func(w http.ResponseWriter, _ *http.Request, _ http.Handler) { empty(w) }),
			failing: []string{"lost-store"}, reason: "CustomKeyStoreNotFoundException"},
		{name: "DeleteCustomKeyStore answers CustomKeyStoreNotFoundException and deletes nothing", tags: "@s:lost-store",
			wrong: answering("DeleteCustomKeyStore", func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
				kmsError(w, "CustomKeyStoreNotFoundException")
			}),
			failing: []string{"lost-store"}, reason: "still exists"},
		{name: "ScheduleKeyDeletion answers KMSInvalidStateException and schedules nothing", tags: "@s:lost-key",
			wrong: answering("ScheduleKeyDeletion", func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
				kmsError(w, "KMSInvalidStateException")
			}),
			failing: []string{"lost-key"}, reason: "is Enabled, want PendingDeletion"},
		{name: "DeleteImportedKeyMaterial refuses a key whose material is gone", tags: "@s:lost-material",
			wrong: answering("DeleteImportedKeyMaterial", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				var in struct{ KeyId string }
				_ = json.Unmarshal(body, &in)
				importMu.Lock()
				again := deleted[in.KeyId]
				deleted[in.KeyId] = true
				importMu.Unlock()
				if again {
					kmsError(w, "KMSInvalidStateException")
					return
				}
				next.ServeHTTP(w, r)
			}),
			failing: []string{"lost-material"}, reason: "KMSInvalidStateException"},
		{name: "ImportKeyMaterial imports nothing", tags: "@s:lost-material",
			wrong:   answering("ImportKeyMaterial", func(w http.ResponseWriter, _ *http.Request, _ http.Handler) { empty(w) }),
			failing: []string{"lost-material"}, reason: "want Enabled"},
	}
	var (
		mu     sync.Mutex
		failed = map[string]bool{} // the expressions of the checking steps that failed
	)
	t.Run("cases", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				if a, b := loadedAllowance(GoSDK), allowanceFor(GoSDK); tc.quiet && a != b {
					t.Skipf("the load average is above %v: the Go allowance is %v, not %v, and the plan cannot tell this apart", calibrationLoad, a.First, b.First)
				}
				s := newWrongSuite(t, tc.wrong)
				if tc.tamper != nil {
					tc.tamper(s)
				}
				results := runFeatures(t, s, fsys, tc.tags, 6)
				if len(results) == 0 {
					t.Fatal("ran no scenario")
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
					mu.Lock()
					for _, st := range r.Steps {
						if d, ok := checkingStep(st.Keyword, st.Text); ok && st.Status == "failed" {
							failed[d.Expr()] = true
						}
					}
					mu.Unlock()
				}
			})
		}
	})
	for _, d := range usedChecks(t) {
		if !failed[d.Expr()] {
			t.Errorf("no wrong behaviour fails the retry check %s %s", d.Keyword, d.Expr())
		}
	}
}

// checkingStep is the definition behind a retry step, if it checks an outcome.
func checkingStep(keyword, text string) (stepdef.Def, bool) {
	for _, d := range Definitions() {
		if (d.Keyword == "Step" || d.Keyword == keyword) && d.Re.MatchString(text) {
			return d, d.Checks
		}
	}
	return stepdef.Def{}, false
}

// usedChecks lists the retry steps that check an outcome and that a testable
// retry scenario uses: derived from the registrations, so a new check counts
// as soon as a feature uses it.
func usedChecks(t *testing.T) []stepdef.Def {
	t.Helper()
	suite := godog.TestSuite{Options: &godog.Options{FS: features.FS, Paths: []string{"retries"}}}
	feats, err := suite.RetrieveFeatures()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var used []stepdef.Def
	for _, f := range feats {
		for _, p := range f.Pickles {
			if slices.ContainsFunc(p.Tags, func(tag *messages.PickleTag) bool { return tag.Name == "@untestable" }) {
				continue
			}
			for _, st := range p.Steps {
				if d, ok := checkingStep(stepKeywords[st.Type], st.Text); ok && !seen[d.Expr()] {
					seen[d.Expr()] = true
					used = append(used, d)
				}
			}
		}
	}
	if len(used) < 5 {
		t.Fatalf("only %d checking retry steps are used", len(used))
	}
	return used
}
