package retries

import (
	"fmt"
	"slices"
	"time"
)

// Client names, as the clients package names its drivers.
const (
	GoSDK     = "aws-sdk-go-v2"
	Boto3     = "boto3"
	CLIv1     = "aws-cli-v1"
	CLIv2     = "aws-cli-v2"
	JSv3      = "aws-sdk-js-v3"
	JavaV2    = "aws-sdk-java-v2"
	rules2026 = "2026"
	rulesPre  = "pre-2026"
)

// ClientNames lists the clients in report order.
func ClientNames() []string { return []string{GoSDK, Boto3, CLIv1, CLIv2, JSv3, JavaV2} }

// Backoff is a full-jitter exponential backoff: retry i (0 for the first
// retry) waits a uniform random time below min(Cap, Base×2^i). Cap 0 means
// no cap.
type Backoff struct {
	Base time.Duration
	Cap  time.Duration
}

// Bound is the largest wait the backoff allows before retry i (0-based).
func (b Backoff) Bound(i int) time.Duration {
	d := b.Base
	for range i {
		d *= 2
		if b.Cap > 0 && d >= b.Cap {
			return b.Cap
		}
	}
	if b.Cap > 0 && d > b.Cap {
		return b.Cap
	}
	return d
}

// Quota is a client's retry token bucket. Capacity 0: the mode has none.
type Quota struct {
	Capacity      int
	TransientCost int
	ThrottleCost  int
	TimeoutCost   int
}

// Policy is what a client's documentation says about its retries in one mode.
type Policy struct {
	Client string
	// Mode is the retry mode the client runs in: legacy, standard or adaptive.
	Mode string
	// Rules is "pre-2026" or "2026": the rules of AWS_NEW_RETRIES_2026, which
	// some clients follow only with it set and newer ones by default.
	Rules       string
	MaxAttempts int
	Transient   Backoff
	// Throttle is the backoff after a throttling error; zero means Transient.
	Throttle Backoff
	// TransientCodes and ThrottleCodes are the error codes retried; a code is
	// looked at before the status.
	TransientCodes []string
	ThrottleCodes  []string
	// TransientStatuses and ThrottleStatuses are the HTTP statuses retried
	// when the code is not one of the above.
	TransientStatuses []int
	ThrottleStatuses  []int
	// ConnectionErrors: a reset or closed connection is retried.
	ConnectionErrors bool
	// Timeouts: a request that times out on the client side is retried.
	Timeouts bool
	Quota    Quota
	// AttemptHeaders: the client sends amz-sdk-invocation-id and amz-sdk-request.
	AttemptHeaders bool
	// Source names the documentation the policy comes from.
	Source string
}

// Classes of a failed attempt.
const (
	ClassNone      = "not retried"
	ClassTransient = "transient"
	ClassThrottle  = "throttling"
)

// throttleCodes is the shared throttling code list of the standard retry mode.
func throttleCodes() []string {
	return []string{"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
		"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
		"SlowDown", "PriorRequestNotComplete", "EC2ThrottledException"}
}

func serverStatuses() []int { return []int{500, 502, 503, 504} }

// Policies returns the documented retry policy of each client, for a run
// where AWS_NEW_RETRIES_2026 is set to "true" (new2026) or not.
func Policies(new2026 bool) map[string]Policy {
	out := map[string]Policy{}
	for _, c := range ClientNames() {
		out[c], _ = PolicyFor(c, new2026)
	}
	return out
}

// PolicyFor returns one client's documented retry policy.
func PolicyFor(client string, new2026 bool) (Policy, error) {
	switch client {
	case GoSDK:
		// v1.48.0 made Retry Behavior 2.1 (the former AWS_NEW_RETRIES_2026
		// rules) its standard mode and no longer reads the variable, so the
		// policy is the same with it or without it.
		p := Policy{Client: GoSDK, Mode: "standard", Rules: rules2026, MaxAttempts: 3,
			// backoffDelay2026: rand × min(base × 2^i, 20 s) for the 0-based retry i; base 50 ms, 1 s for a throttle.
			Transient:      Backoff{Base: 50 * time.Millisecond, Cap: 20 * time.Second},
			Throttle:       Backoff{Base: time.Second, Cap: 20 * time.Second},
			TransientCodes: []string{"RequestTimeout", "RequestTimeoutException"},
			ThrottleCodes:  throttleCodes(),
			// A 429 is retried, as a throttle, when it does not deserialize to
			// a modeled error; none of the faults sends a modeled error with 429.
			TransientStatuses: serverStatuses(), ThrottleStatuses: []int{429},
			ConnectionErrors: true, Timeouts: true, AttemptHeaders: true,
			// A timeout costs what any other transient error does (StandardOptions.Timeouts is no longer used).
			Quota: Quota{Capacity: 500, TransientCost: 14, ThrottleCost: 5, TimeoutCost: 14},
			// Not in the table: an x-amz-retry-after header (ms) moves a wait
			// into [backoff, backoff + 5 s]; no fault sends one.
			Source: "aws-sdk-go-v2 v1.48.0 aws/retry (standard.go standardDefaults, DefaultRetryables, GetRetryToken; " +
				"adaptive.go DefaultThrottles; jitter_backoff.go backoffDelay2026; retryable_error.go, throttle_error.go: unmodeled HTTP 429; " +
				"middleware.go adjustForRetryAfterHeader), aws/ratelimit token_rate_limit.go; CHANGELOG 2026-11-10",
		}
		return p, nil
	case Boto3:
		// botocore 1.44 made the 2026 rules (standard mode, Retry Behavior
		// 2.1) its only behaviour: configprovider.py keeps NEW_RETRIES_ENABLED
		// as a deprecated constant, always True, and reads no variable.
		p := botocoreStandard2026(Boto3)
		// ThrottlingStatusCodeChecker: a 429 whose code no modeled error names is a throttle.
		p.ThrottleStatuses = []int{429}
		p.Source = "botocore 1.44.5 (boto3 1.44.5) configprovider.py (retry_mode default standard; NEW_RETRIES_ENABLED deprecated, always True), " +
			"retries/standard.py (ExponentialBackoff 50 ms / 1 s, ThrottledRetryableChecker, ThrottlingStatusCodeChecker, RetryQuotaChecker 14 / 5), retries/quota.py"
		return p, nil
	case CLIv1:
		// awscli 1.46.2 carries its own botocore (1.43.62), which still reads
		// AWS_NEW_RETRIES_2026 and defaults to legacy without it.
		if new2026 {
			p := botocoreStandard2026(client)
			p.Source = "awscli 1.46.2 vendored botocore 1.43.62 configprovider.py (_resolve_new_retries: standard with AWS_NEW_RETRIES_2026), retries/standard.py, quota.py"
			return p, nil
		}
		p := Policy{Client: client, Mode: "legacy", Rules: rulesPre, MaxAttempts: 5,
			// _retry.json: rand × 2^(attempts−1) s, no cap: U[0,1), U[0,2), U[0,4), U[0,8).
			Transient: Backoff{Base: time.Second},
			ThrottleCodes: []string{"ThrottlingException", "ThrottledException", "RequestThrottledException",
				"Throttling", "ProvisionedThroughputExceededException"},
			TransientStatuses: []int{500, 502, 503, 504, 509},
			ThrottleStatuses:  []int{429},
			ConnectionErrors:  true, Timeouts: true, AttemptHeaders: true,
			Source: "awscli 1.46.2 vendored botocore 1.43.62 data/_retry.json __default__ (no kms section), retryhandler.py; CLI v1 user guide: legacy, 5 attempts",
		}
		return p, nil
	case CLIv2:
		// Debian's 2.9.19 predates AWS_NEW_RETRIES_2026, so its documentation
		// (the CLI v2 user guide) is standard mode with the pre-2026 numbers.
		p := Policy{Client: CLIv2, Mode: "standard", Rules: rulesPre, MaxAttempts: 3,
			Transient:         Backoff{Base: time.Second, Cap: 20 * time.Second},
			TransientCodes:    []string{"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"},
			ThrottleCodes:     throttleCodes(),
			TransientStatuses: serverStatuses(),
			ConnectionErrors:  true, Timeouts: true, AttemptHeaders: true,
			Quota:  Quota{Capacity: 500, TransientCost: 5, ThrottleCost: 5, TimeoutCost: 10},
			Source: "AWS CLI v2 user guide (cli-configure-retries): standard mode by default; botocore retries/standard.py",
		}
		return p, nil
	case JSv3:
		// @smithy/core 3.40.0 (CHANGELOG 8d835c3) made the 2026 rules
		// unconditional; the pinned 3.41.1 no longer reads the variable.
		p := Policy{Client: JSv3, Mode: "standard", Rules: rules2026, MaxAttempts: 3,
			Transient:      Backoff{Base: 50 * time.Millisecond, Cap: 20 * time.Second},
			Throttle:       Backoff{Base: time.Second, Cap: 20 * time.Second},
			TransientCodes: []string{"TimeoutError", "RequestTimeout", "RequestTimeoutException"},
			ThrottleCodes:  throttleCodes(), TransientStatuses: serverStatuses(), ThrottleStatuses: []int{429},
			ConnectionErrors: true, Timeouts: true, AttemptHeaders: true,
			Quota:  Quota{Capacity: 500, TransientCost: 14, ThrottleCost: 5, TimeoutCost: 14},
			Source: "@smithy/core 3.41.1 retry (util-retry constants, retries-2026-config, service-error-classification; CHANGELOG 3.40.0)",
		}
		return p, nil
	case JavaV2:
		// 2.44.0 brought Retry Behavior 2.1 behind AWS_NEW_RETRIES_2026
		// (CHANGELOG: standard by default, 50 ms base, 14 / 5 token costs,
		// LimitExceededException a throttle); by 2.59.1 it is the standard
		// mode's only behaviour and the default mode is standard:
		// NewRetries2026Resolver.resolve() returns false whatever is set, and
		// RetryMode.Resolver logs that the variable is ignored.
		p := Policy{Client: JavaV2, Mode: "standard", Rules: rules2026, MaxAttempts: 3,
			Transient:      Backoff{Base: 50 * time.Millisecond, Cap: 20 * time.Second},
			Throttle:       Backoff{Base: time.Second, Cap: 20 * time.Second},
			TransientCodes: []string{"RequestTimeout", "RequestTimeoutException", "InternalError"},
			ThrottleCodes:  throttleCodes(),
			// RetryUtils.isThrottlingException: a 429 is a throttle whatever its code.
			TransientStatuses: serverStatuses(), ThrottleStatuses: []int{429},
			// SdkDefaultRetrySetting.RETRYABLE_EXCEPTIONS: IOException (resets, socket timeouts), UncheckedIOException.
			ConnectionErrors: true, Timeouts: true, AttemptHeaders: true,
			Quota: Quota{Capacity: 500, TransientCost: 14, ThrottleCost: 5, TimeoutCost: 14},
			Source: "aws-sdk-java-v2 2.59.1 sdk-core RetryMode.Resolver (default STANDARD; AWS_NEW_RETRIES_2026 ignored, logged), NewRetries2026Resolver, " +
				"SdkDefaultRetrySetting (500/502/503/504, RETRYABLE_EXCEPTIONS, 20 s max backoff), SdkDefaultRetryStrategy; aws-core AwsRetryStrategy; " +
				"CHANGELOG 2.44.0 (Retry Behavior 2.1: 50 ms base, token costs 14 / 5, LimitExceededException throttling)",
		}
		return p, nil
	}
	return Policy{}, fmt.Errorf("retries: no documented policy for client %q (known: %v)", client, ClientNames())
}

func botocoreStandard2026(client string) Policy {
	return Policy{Client: client, Mode: "standard", Rules: rules2026, MaxAttempts: 3,
		Transient:         Backoff{Base: 50 * time.Millisecond, Cap: 20 * time.Second},
		Throttle:          Backoff{Base: time.Second, Cap: 20 * time.Second},
		TransientCodes:    []string{"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"},
		ThrottleCodes:     throttleCodes(),
		TransientStatuses: serverStatuses(),
		ConnectionErrors:  true, Timeouts: true, AttemptHeaders: true,
		Quota: Quota{Capacity: 500, TransientCost: 14, ThrottleCost: 5, TimeoutCost: 14},
	}
}

// classify says how the policy treats a failed attempt: the code first, then
// the status; connection-level faults by their kind.
func (p Policy) classify(f Fault) string {
	switch f.Kind {
	case KindReset, KindLost:
		if p.ConnectionErrors {
			return ClassTransient
		}
		return ClassNone
	case KindTimeout:
		if p.Timeouts {
			return ClassTransient
		}
		return ClassNone
	}
	switch {
	case f.Code != "" && slices.Contains(p.ThrottleCodes, f.Code):
		return ClassThrottle
	case f.Code != "" && slices.Contains(p.TransientCodes, f.Code):
		return ClassTransient
	case slices.Contains(p.ThrottleStatuses, f.Status):
		return ClassThrottle
	case slices.Contains(p.TransientStatuses, f.Status):
		return ClassTransient
	}
	return ClassNone
}

func (p Policy) backoff(class string) Backoff {
	if class == ClassThrottle && p.Throttle.Base > 0 {
		return p.Throttle
	}
	return p.Transient
}

// Expectation is what a policy predicts for one fault.
type Expectation struct {
	Attempts int
	Class    string
	// Waits are the upper bounds of the waits between attempts, in order.
	Waits []time.Duration
	// OK: the call ends in success. Otherwise Code is the error code the
	// client reports ("" when no KMS response names one: any client-side
	// error) and Status the HTTP status of the last response (0: none).
	OK     bool
	Code   string
	Status int
}

// Expect predicts what the client does when the fault hits a call whose
// undisturbed answer is retryAnswer ("" for success, else an error code with
// its HTTP status in retryStatus).
func (p Policy) Expect(f Fault, retryAnswer string, retryStatus int) Expectation {
	class := p.classify(f)
	e := Expectation{Class: class, Attempts: 1}
	if class != ClassNone {
		e.Attempts = p.MaxAttempts
		if f.Once {
			e.Attempts = min(2, p.MaxAttempts)
		}
	}
	b := p.backoff(class)
	for i := range e.Attempts - 1 {
		e.Waits = append(e.Waits, b.Bound(i))
	}
	switch {
	case f.Once && e.Attempts > 1:
		e.OK, e.Code, e.Status = retryAnswer == "", retryAnswer, retryStatus
	case f.Code != "":
		e.Code, e.Status = f.Code, f.Status
	default:
		e.Status = f.Status // a bare status, or 0 for a connection-level fault
	}
	return e
}

// QuotaRetries is how many retries a fresh quota grants when every attempt
// fails with faults of the given class.
func (p Policy) QuotaRetries(class string) int {
	cost := p.Quota.TransientCost
	if class == ClassThrottle {
		cost = p.Quota.ThrottleCost
	}
	if p.Quota.Capacity == 0 || cost == 0 {
		return -1
	}
	return p.Quota.Capacity / cost
}
