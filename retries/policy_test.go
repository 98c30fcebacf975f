package retries

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/reports"
	core "github.com/kmsconform/kmsconform/scenario"
)

// The expectations follow the documented matrix (retry_and_wire 4.7) and the
// pinned clients' sources, cell by cell.
func TestExpect(t *testing.T) {
	s, ms := time.Second, time.Millisecond
	cases := []struct {
		client   string
		new2026  bool
		fault    string
		attempts int
		class    string
		waits    []time.Duration
		ok       bool
		code     string
		status   int
	}{
		// aws-sdk-go-v2 v1.48.0: Retry Behavior 2.1, 50 ms transient and 1 s throttling bases.
		{GoSDK, false, "KMSInternalException", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "KMSInternalException", 500},
		{GoSDK, false, "DependencyTimeoutException", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "DependencyTimeoutException", 503},
		{GoSDK, false, "ThrottlingException", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "ThrottlingException", 400},
		// A bare 429 deserializes to no modeled error: retried as throttling.
		{GoSDK, false, "HTTP429", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "", 429},
		{GoSDK, false, "HTTP503", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "", 503},
		{GoSDK, false, "ConnectionReset", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "", 0},
		{GoSDK, false, "Timeout", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "", 0},
		// A client-side timeout is a connection error to botocore and a TimeoutError to JS: retried everywhere.
		{CLIv1, false, "Timeout", 5, ClassTransient, []time.Duration{s, 2 * s, 4 * s, 8 * s}, false, "", 0},
		{Boto3, false, "Timeout", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "", 0},
		{CLIv1, true, "Timeout", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "", 0},
		{CLIv2, false, "Timeout", 3, ClassTransient, []time.Duration{s, 2 * s}, false, "", 0},
		{JSv3, false, "Timeout", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "", 0},
		{GoSDK, false, "LostResponse", 2, ClassTransient, []time.Duration{50 * ms}, true, "", 0},
		{GoSDK, false, "KMSInternalExceptionOnce", 2, ClassTransient, []time.Duration{50 * ms}, true, "", 0},
		{GoSDK, false, "CustomKeyStoreInvalidStateException", 1, ClassNone, nil, false, "CustomKeyStoreInvalidStateException", 400},
		{GoSDK, true, "KMSInternalException", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "KMSInternalException", 500},
		{GoSDK, true, "ThrottlingException", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "ThrottlingException", 400},
		{GoSDK, true, "HTTP429", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "", 429},
		// boto3 1.44.5 (botocore 1.44.5): the 2026 rules with or without the flag; a bare 429 is a throttle.
		{Boto3, false, "KMSInternalException", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "KMSInternalException", 500},
		{Boto3, false, "HTTP429", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "", 429},
		{Boto3, true, "HTTP429", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "", 429},
		// AWS CLI v1 1.46.2 (vendored botocore 1.43.62): legacy without the flag, standard 2026 with it.
		{CLIv1, false, "KMSInternalException", 5, ClassTransient, []time.Duration{s, 2 * s, 4 * s, 8 * s}, false, "KMSInternalException", 500},
		{CLIv1, false, "HTTP429", 5, ClassThrottle, []time.Duration{s, 2 * s, 4 * s, 8 * s}, false, "", 429},
		{CLIv1, false, "ThrottlingException", 5, ClassThrottle, []time.Duration{s, 2 * s, 4 * s, 8 * s}, false, "ThrottlingException", 400},
		{CLIv1, true, "KMSInternalException", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "KMSInternalException", 500},
		{CLIv1, true, "HTTP429", 1, ClassNone, nil, false, "", 429},
		{CLIv2, false, "HTTP429", 1, ClassNone, nil, false, "", 429},
		{CLIv2, false, "KMSInternalException", 3, ClassTransient, []time.Duration{s, 2 * s}, false, "KMSInternalException", 500},
		{CLIv2, true, "KMSInternalException", 3, ClassTransient, []time.Duration{s, 2 * s}, false, "KMSInternalException", 500},
		{JSv3, false, "HTTP429", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "", 429},
		{JSv3, false, "KMSInternalException", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "KMSInternalException", 500},
		{JSv3, false, "CustomKeyStoreInvalidStateException", 1, ClassNone, nil, false, "CustomKeyStoreInvalidStateException", 400},
		// aws-sdk-java-v2 2.59.1: Retry Behavior 2.1 in its default standard mode, flag or not; any 429 is a throttle.
		{JavaV2, false, "KMSInternalException", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "KMSInternalException", 500},
		{JavaV2, true, "ThrottlingException", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "ThrottlingException", 400},
		{JavaV2, false, "HTTP429", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "", 429},
		{JavaV2, false, "Timeout", 3, ClassTransient, []time.Duration{50 * ms, 100 * ms}, false, "", 0},
		{JavaV2, false, "LimitExceededException", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "LimitExceededException", 400},
		// LimitExceededException (a KMS resource quota) is in the standard throttling list, not in botocore legacy's.
		{GoSDK, false, "LimitExceededException", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "LimitExceededException", 400},
		{CLIv1, false, "LimitExceededException", 1, ClassNone, nil, false, "LimitExceededException", 400},
		{CLIv1, true, "LimitExceededException", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "LimitExceededException", 400},
		{CLIv2, false, "LimitExceededException", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "LimitExceededException", 400},
		{JSv3, false, "LimitExceededException", 3, ClassThrottle, []time.Duration{s, 2 * s}, false, "LimitExceededException", 400},
	}
	for _, tc := range cases {
		t.Run(tc.client+"/"+tc.fault, func(t *testing.T) {
			p, err := PolicyFor(tc.client, tc.new2026)
			if err != nil {
				t.Fatal(err)
			}
			f, err := lookupFault(tc.fault)
			if err != nil {
				t.Fatal(err)
			}
			e := p.Expect(f, "", 0)
			if e.Attempts != tc.attempts || e.Class != tc.class || !slices.Equal(e.Waits, tc.waits) ||
				e.OK != tc.ok || e.Code != tc.code || e.Status != tc.status {
				t.Errorf("Expect = %+v, want attempts %d, class %s, waits %v, ok %v, code %q, status %d",
					e, tc.attempts, tc.class, tc.waits, tc.ok, tc.code, tc.status)
			}
		})
	}
}

func TestBackoffBoundAndQuota(t *testing.T) {
	goSDK, _ := PolicyFor(GoSDK, false)
	if got := goSDK.Transient.Bound(10); got != 20*time.Second {
		t.Errorf("Go bound after many retries = %v, want the 20 s cap", got)
	}
	boto, _ := PolicyFor(CLIv1, false)
	if got := boto.Transient.Bound(6); got != 64*time.Second {
		t.Errorf("botocore legacy bound(6) = %v, want 64 s (no cap)", got)
	}
	js, _ := PolicyFor(JSv3, false)
	for _, tc := range []struct {
		p     Policy
		class string
		want  int
	}{{goSDK, ClassTransient, 35}, {goSDK, ClassThrottle, 100}, {js, ClassTransient, 35}, {boto, ClassTransient, -1}} {
		if got := tc.p.QuotaRetries(tc.class); got != tc.want {
			t.Errorf("%s %s %s: QuotaRetries = %d, want %d", tc.p.Client, tc.p.Rules, tc.class, got, tc.want)
		}
	}
	if _, err := PolicyFor("aws-sdk-cobol", false); err == nil {
		t.Error("PolicyFor an unknown client: no error")
	}
}

// Which pinned clients read AWS_NEW_RETRIES_2026: aws-sdk-go-v2 v1.48.0,
// boto3 1.44.5 and JS v3 apply the 2026 rules either way, CLI v2 2.9.19 the
// pre-2026 ones; only AWS CLI v1 1.46.2 (its own botocore) follows it.
func TestWhichClientsReadTheFlag(t *testing.T) {
	for _, tc := range []struct {
		client string
		same   bool
	}{{GoSDK, true}, {Boto3, true}, {JSv3, true}, {CLIv2, true}, {JavaV2, true}, {CLIv1, false}} {
		with, _ := PolicyFor(tc.client, true)
		without, _ := PolicyFor(tc.client, false)
		if same := reflect.DeepEqual(with, without); same != tc.same {
			t.Errorf("%s: policy with AWS_NEW_RETRIES_2026 equals the one without: %v, want %v", tc.client, same, tc.same)
		}
	}
}

func TestMatrix(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	attempt := func(offset time.Duration, status int) reports.Exchange {
		return reports.Exchange{Received: t0.Add(offset), Total: 10 * time.Millisecond, Status: status}
	}
	// The core's setup and cleanup calls carry the scenario header: they are
	// no attempts of the client under test.
	setup := func(offset time.Duration) reports.Exchange {
		e := attempt(offset, 200)
		e.Request.Headers = map[string]string{core.ScenarioHeader: "a"}
		return e
	}
	results := []reports.Scenario{
		{ID: "a", Status: reports.StatusPassed, Operation: "DescribeKey", Observed: "KMSInternalException",
			Tags:      []string{"@retries", "@fault:KMSInternalException", "@client:boto3"},
			Exchanges: []reports.Exchange{setup(-time.Second), attempt(0, 500), attempt(510*time.Millisecond, 500), setup(2 * time.Second)}},
		{ID: "b", Status: reports.StatusFailed, Operation: "DescribeKey", Findings: []string{"x"},
			Tags:      []string{"@retries", "@fault:LostResponse", "@client:aws-sdk-go-v2"},
			Exchanges: []reports.Exchange{attempt(0, 0), attempt(time.Second, 200)}},
		{ID: "c", Status: reports.StatusSkipped, Operation: "DescribeKey",
			Tags: []string{"@retries", "@fault:Timeout", "@client:boto3"}},
		{ID: "d", Status: reports.StatusPassed, Tags: []string{"@op:DescribeKey"}},
	}
	results = append(results, reports.Scenario{ID: "e", Status: reports.StatusPassed, Operation: "DescribeKey", Observed: "KMSInternalException",
		Tags:     []string{"@retries", "@fault:KMSInternalException", "@client:boto3", "@retries2026"},
		Findings: []string{fmt.Sprintf(repeatedFinding+"; …)", 2, FalseFail, FalsePass)},
		Exchanges: []reports.Exchange{attempt(0, 500), attempt(60*time.Millisecond, 500),
			attempt(5*time.Second, 500), attempt(5100*time.Millisecond, 500)}})
	m := Matrix(results, map[string]string{"boto3": "1.44.5"}).Markdown()
	for _, want := range []string{
		"| fault | aws-sdk-go-v2 | boto3 1.44.5 |",
		"| KMSInternalException on DescribeKey (default settings) |   | 2 → KMSInternalException (waits 500ms) |",
		"| KMSInternalException on DescribeKey with AWS_NEW_RETRIES_2026=true |   | 2 → KMSInternalException, ×2 calls (waits 50ms) † |",
		"| LostResponse on DescribeKey (default settings) | 2 → success (waits 990ms) † ✗ |   |",
		"| Timeout on DescribeKey (default settings) |   | — |",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("matrix lacks %q:\n%s", want, m)
		}
	}
	if Matrix(results[3:4], nil) != nil {
		t.Error("a run without retry scenarios has a matrix")
	}
}

// The wait check fails a wait beyond its bound and passes one within it.
func TestWaitCheck(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	// A fixed 2 s backoff: the check, not a client's table, is under test.
	p := Policy{Client: GoSDK, Mode: "standard", Rules: rules2026, MaxAttempts: 3,
		Transient: Backoff{Base: 2 * time.Second, Cap: 20 * time.Second}, TransientStatuses: serverStatuses()}
	f, _ := lookupFault("KMSInternalException")
	entry := func(at time.Duration) journal.Entry {
		return journal.Entry{Received: t0.Add(at), Total: 5 * time.Millisecond, Status: 500}
	}
	for _, tc := range []struct {
		name   string
		second time.Duration // when the second attempt arrives
		stall  time.Duration
		fail   bool
	}{
		{"within the 2 s bound", 1500 * time.Millisecond, 0, false},
		{"within bound and allowance", 2300 * time.Millisecond, 0, false},
		{"beyond bound and allowance", 2600 * time.Millisecond, 0, true},
		{"far beyond", 9 * time.Second, 0, true},
		{"far beyond, but the machine stalled as long", 9 * time.Second, 3500 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Suite{deviations: knownDeviations(), allowance: func(string) Allowance { return Allowance{First: 400 * time.Millisecond} }}
			entries := []journal.Entry{entry(0), entry(tc.second)}
			st := &scenario{suite: s, core: core.New(&core.Env{}), client: GoSDK, policy: p, fault: f, called: true, stall: tc.stall,
				entries: entries, runs: []run{{entries: entries}}}
			err := st.thenWaits()
			if (err != nil) != tc.fail {
				t.Errorf("thenWaits() = %v, want failure %v", err, tc.fail)
			}
		})
	}
}

// planWaits: the repetitions follow from FalseFail and FalsePass, and the
// check says what it cannot tell apart.
func TestPlanWaits(t *testing.T) {
	a := Allowance{First: 200 * time.Millisecond, Later: 200 * time.Millisecond}
	for _, tc := range []struct {
		name     string
		client   string
		fault    string
		allow    Allowance
		calls    int
		low      float64
		notApart []string
	}{
		// 50 ms, 100 ms bounds: the allowance swamps a factor of two, not the
		// other generation's 1 s (pass per call (250/1000)(300/2000) = 0.0375).
		{"2026 transient", GoSDK, "KMSInternalException", a, 2, 0, []string{"a base half the documented one", "a base twice the documented one"}},
		// 1 s, 2 s bounds: half the base caught by the lower check,
		// ((0.7)(0.6))^n ≤ 1e-3 at n = 8.
		{"2026 throttling", GoSDK, "ThrottlingException", a, 8, lowFraction, nil},
		// Pre-2026 1 s, 2 s transient: the 2026 base (a twentieth) is caught
		// by a lower threshold of a tenth where half is too costly.
		{"pre-2026 transient, large allowance", CLIv2, "KMSInternalException", Allowance{First: 400 * time.Millisecond, Later: 300 * time.Millisecond},
			6, 0.1, []string{"a base half the documented one"}},
		// An allowance beyond every bound tells nothing apart.
		{"allowance beyond the bounds", JavaV2, "ThrottlingException", Allowance{First: 5 * time.Second, Later: 5 * time.Second},
			1, 0, []string{"a base half the documented one", "a base twice the documented one"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := PolicyFor(tc.client, true)
			f, _ := lookupFault(tc.fault)
			e := p.Expect(f, "", 0)
			plan := planWaits(p, e.Class, len(e.Waits), tc.allow)
			if plan.calls != tc.calls || plan.low != tc.low || !slices.Equal(plan.notApart, tc.notApart) {
				t.Errorf("plan = %d calls, low %v, not apart %q; want %d, %v, %q", plan.calls, plan.low, plan.notApart, tc.calls, tc.low, tc.notApart)
			}
		})
	}
	// The lower check: a client that never backs off fails it, one that
	// reaches 60% of a bound beyond its allowance passes.
	p, _ := PolicyFor(GoSDK, true)
	plan := planWaits(p, ClassThrottle, 2, a)
	if ok, _ := plan.lowCheck([][]time.Duration{{100 * time.Millisecond, 50 * time.Millisecond}}); ok {
		t.Error("lowCheck passed waits far below half their bounds")
	}
	if ok, why := plan.lowCheck([][]time.Duration{{10 * time.Millisecond, 1400 * time.Millisecond}}); !ok {
		t.Errorf("lowCheck failed a wait at 60%% of its bound beyond the allowance: %s", why)
	}
}
