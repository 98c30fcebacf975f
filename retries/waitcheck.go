package retries

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// The wait check's error rates, per scenario. A client that follows its
// documented backoff fails the check with probability at most FalseFail
// (from the jitter alone: the allowance covers its overhead); a client that
// follows the other rule generation's backoff, or a base twice or half the
// documented one, passes it with probability at most FalsePass, where the
// allowance leaves the two apart at all (see separable). The number of calls
// a scenario makes (Repetitions) is the least that meets both.
const (
	FalseFail = 1e-3
	FalsePass = 1e-2
	// MaxRepetitions bounds the calls of one scenario; an alternative that
	// would need more is reported as not told apart.
	MaxRepetitions = 8
	// lowFraction is the lower check's threshold: some wait, less the
	// allowance, must reach this fraction of its bound. Half: a client whose
	// base is half the documented one never does.
	lowFraction = 0.5
	// separable is the largest chance per call that a wrong backoff passes
	// for it to count as told apart.
	separable = 0.9
)

// Allowance is what a measured wait may exceed its documented bound by: the
// proxy's timing error plus the client's own time between attempts (parsing
// the answer, deciding, a new connection). The first retry of a call costs
// more than later ones in some clients (the JVM loads and compiles its retry
// and error paths then).
type Allowance struct {
	First, Later time.Duration
}

// For is the allowance of retry i (0-based).
func (a Allowance) For(i int) time.Duration {
	if i == 0 {
		return a.First
	}
	return a.Later
}

// proxyTimingError is the proxy's own error on a wait: from the journal's
// Received (taken when the request's headers are read) and Total (when the
// answer is written) to the client's send and receive. TestProxyTimingError
// measures it on loopback; this bounds what it saw under load.
const proxyTimingError = 5 * time.Millisecond

// allowances are the client overheads measured between attempts (docs/retries.md,
// "Waits checked tightly"): for each client, the largest wait less its
// bound seen at the 50 ms base over 2 runs of the KMSInternalException,
// KMSInternalExceptionOnce and ConnectionReset rows with a load average of
// 9 on 2 cores, times 1.5, rounded up. The AWS CLI v2 2.9.19 has no 50 ms
// base; it is botocore too and gets the CLI v1's.
func allowances() map[string]Allowance {
	return map[string]Allowance{
		GoSDK:  {First: 200 * time.Millisecond, Later: 200 * time.Millisecond},
		Boto3:  {First: 300 * time.Millisecond, Later: 500 * time.Millisecond},
		CLIv1:  {First: 400 * time.Millisecond, Later: 300 * time.Millisecond},
		CLIv2:  {First: 400 * time.Millisecond, Later: 300 * time.Millisecond},
		JSv3:   {First: 400 * time.Millisecond, Later: 200 * time.Millisecond},
		JavaV2: {First: 2500 * time.Millisecond, Later: 400 * time.Millisecond},
	}
}

// calibrationLoad is the 1-minute load average the allowances were measured
// at. Above it every process waits longer for a CPU, the clients between
// their attempts included (seen: a JS first retry 1.03 s late at a load of
// 30), so loadedAllowance scales the allowance with the load.
const calibrationLoad = 9.0

// loadedAllowance is allowanceFor scaled by max(1, load average /
// calibrationLoad), read from /proc/loadavg when asked (1 where it cannot be read).
func loadedAllowance(client string) Allowance {
	a := allowanceFor(client)
	f := 1.0
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if fields := strings.Fields(string(b)); len(fields) > 0 {
			if l, err := strconv.ParseFloat(fields[0], 64); err == nil {
				f = max(1, l/calibrationLoad)
			}
		}
	}
	return Allowance{First: time.Duration(float64(a.First) * f), Later: time.Duration(float64(a.Later) * f)}
}

// allowanceFor is a client's allowance, the proxy's error included.
func allowanceFor(client string) Allowance {
	a, ok := allowances()[client]
	if !ok {
		a = Allowance{First: 1500 * time.Millisecond, Later: 1500 * time.Millisecond}
	}
	return Allowance{First: a.First + proxyTimingError, Later: a.Later + proxyTimingError}
}

// otherGeneration is b under the other rule generation: the 2026 transient
// base is 50 ms, the pre-2026 standard one 1 s (botocore, the CLI v2); both
// cap at 20 s. Throttling backoff is 1 s in both, so only the transient
// class differs.
func otherGeneration(rules, class string, b Backoff) Backoff {
	if class == ClassThrottle {
		return b
	}
	if rules == rules2026 {
		return Backoff{Base: time.Second, Cap: 20 * time.Second}
	}
	return Backoff{Base: 50 * time.Millisecond, Cap: 20 * time.Second}
}

// waitPlan says how a scenario checks its waits: its bounds, allowances and
// how many calls it makes.
type waitPlan struct {
	bounds, allow []time.Duration
	// low is the lower check's threshold: some wait, less its allowance,
	// must reach this fraction of its bound; 0: no lower check.
	low   float64
	calls int
	// notApart names the alternatives the check cannot tell from the
	// documented backoff within MaxRepetitions calls.
	notApart []string
}

// planWaits derives the number of calls from FalseFail and FalsePass for a
// call with retries waits under the policy's backoff for class.
//
// A wait is U × bound + o, U uniform in [0, 1) (full jitter) and o the
// client's overhead, which the allowance a bounds (0 ≤ o ≤ a). The upper
// check fails a wait beyond bound + a: never for a right client; a client
// whose bound is alt passes one with probability min(1, (bound + a) / alt).
// The lower check fails a scenario none of whose waits has w − a ≥ t ×
// bound: a right client with probability at most Π min(1, t + a / bound)
// per call; a client whose bound is at most t × bound, never.
func planWaits(p Policy, class string, retries int, a Allowance) waitPlan {
	b := p.backoff(class)
	plan := waitPlan{calls: 1}
	for i := range retries {
		plan.bounds = append(plan.bounds, b.Bound(i))
		plan.allow = append(plan.allow, a.For(i))
	}
	if retries == 0 {
		return plan
	}
	// need is the least number of calls after which a per-call chance
	// drops to target; ok is false when that is more than MaxRepetitions.
	need := func(perCall, target float64) (int, bool) {
		if perCall <= 0 {
			return 1, true
		}
		if perCall >= separable {
			return 0, false
		}
		n := max(1, int(math.Ceil(math.Log(target)/math.Log(perCall))))
		return n, n <= MaxRepetitions
	}
	lowFails := func(t float64) float64 {
		f := 1.0
		for i := range plan.bounds {
			f *= min(1, t+float64(plan.allow[i])/float64(plan.bounds[i]))
		}
		return f
	}
	other := otherGeneration(p.Rules, class, b)
	smallerOther := other.Base < b.Base
	if n, ok := need(lowFails(lowFraction), FalseFail); ok {
		plan.low, plan.calls = lowFraction, max(plan.calls, n)
	} else {
		plan.notApart = append(plan.notApart, "a base half the documented one")
		// The other generation's base is a twentieth: a lower threshold
		// of twice that still tells it apart, at fewer calls.
		if t := 2 * float64(other.Base) / float64(b.Base); smallerOther && t < lowFraction {
			if n, ok := need(lowFails(t), FalseFail); ok {
				plan.low, plan.calls = t, max(plan.calls, n)
			}
		}
	}
	if smallerOther && plan.low == 0 {
		plan.notApart = append(plan.notApart, "the other rule generation's backoff")
	}
	// False pass through the upper check: a client whose bounds are
	// larger (alt) passes a call when every wait stays within bound + allowance.
	upperPass := func(alt Backoff) float64 {
		pass := 1.0
		for i := range plan.bounds {
			pass *= min(1, float64(plan.bounds[i]+plan.allow[i])/float64(alt.Bound(i)))
		}
		return pass
	}
	type alternative struct {
		name string
		b    Backoff
	}
	alternatives := []alternative{{"a base twice the documented one", Backoff{Base: 2 * b.Base, Cap: b.Cap}}}
	if other.Base > b.Base {
		alternatives = append(alternatives, alternative{"the other rule generation's backoff", other})
	}
	for _, alt := range alternatives {
		n, ok := need(upperPass(alt.b), FalsePass)
		if !ok {
			plan.notApart = append(plan.notApart, alt.name)
			continue
		}
		plan.calls = max(plan.calls, n)
	}
	return plan
}

// lowCheck reports whether some wait, less its allowance, reached the
// plan's fraction of its bound; true when the plan has no lower check.
// runs holds each call's waits.
func (plan waitPlan) lowCheck(runs [][]time.Duration) (bool, string) {
	if plan.low == 0 {
		return true, ""
	}
	best := math.Inf(-1)
	for _, waits := range runs {
		for i, w := range waits {
			if i < len(plan.bounds) {
				best = max(best, float64(w-plan.allow[i])/float64(plan.bounds[i]))
			}
		}
	}
	if best >= plan.low {
		return true, ""
	}
	return false, fmt.Sprintf("in %d calls no wait, less its allowance, reached %.0f%% of its bound (the most: %.0f%%): the client backs off less than documented",
		len(runs), 100*plan.low, 100*max(0, best))
}
