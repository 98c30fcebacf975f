package reports

import (
	"path"
	"slices"
	"strings"
)

// OutcomeUnsupported is the outcome of a failed scenario whose target does not
// implement an operation it needs. It is never a Scenario.Status: reports
// derive it from Status and Unsupported (see Scenario.Outcome).
const OutcomeUnsupported = "unsupported"

// Outcome is what a report shows for the scenario: passed, failed, skipped
// or unsupported.
func (s *Scenario) Outcome() string {
	if s.Status == StatusFailed && s.Unsupported {
		return OutcomeUnsupported
	}
	return s.Status
}

// Family is the feature directory the scenario comes from, e.g.
// "custom-key-stores" for features/custom-key-stores/delete.feature.
// Scenarios from a file at the top level belong to the family "other".
func (s *Scenario) Family() string {
	dir := path.Dir(strings.ReplaceAll(s.URI, `\`, "/"))
	if dir == "." || dir == "/" || dir == "features" {
		return "other"
	}
	return path.Base(dir)
}

// ChecksClient reports whether the scenario checks a KMS client rather than
// the endpoint: the client retry scenarios, tagged @retries. Their results
// belong in the client matrix, never in the endpoint's results per
// operation or per condition.
func (s *Scenario) ChecksClient() bool {
	return slices.Contains(s.Tags, "@retries")
}

// IsRetry reports whether the scenario exercises retries: it is tagged
// @retries, or one SDK invocation produced more than one exchange.
func (s *Scenario) IsRetry() bool {
	for _, t := range s.Tags {
		if strings.TrimPrefix(t, "@") == "retries" {
			return true
		}
	}
	seen := make(map[string]bool, len(s.Exchanges))
	for _, e := range s.Exchanges {
		if e.InvocationID == "" {
			continue
		}
		if seen[e.InvocationID] {
			return true
		}
		seen[e.InvocationID] = true
	}
	return false
}

// Tally counts the scenarios by outcome.
func (r *Run) Tally() Totals {
	t := Totals{Scenarios: len(r.Scenarios)}
	for i := range r.Scenarios {
		switch s := &r.Scenarios[i]; s.Status {
		case StatusPassed:
			t.Passed++
		case StatusFailed:
			t.Failed++
			if s.Unsupported {
				t.Unsupported++
			}
		case StatusSkipped:
			t.Skipped++
		}
	}
	return t
}

// PassRate is the share of the scenarios that ran (were not skipped) which
// passed, in [0,1]; ok is false when none ran.
func (t Totals) PassRate() (rate float64, ok bool) {
	ran := t.Passed + t.Failed
	if ran == 0 {
		return 0, false
	}
	return float64(t.Passed) / float64(ran), true
}

// Label is a short human description of the run's target.
func (r *Run) Label() string {
	switch {
	case r.Target.Name != "":
		return r.Target.Name
	case r.Target.Embedded:
		return "reference KMS (embedded)"
	case r.Target.Endpoint != "":
		return r.Target.Endpoint
	}
	return "unnamed target"
}

// Withheld reports whether a header must never appear in a report, even if
// a journal entry carries it: the proxy redacts secrets, this is the second
// line of defence.
func Withheld(header string) bool {
	switch strings.ToLower(strings.TrimSpace(header)) {
	case "authorization", "proxy-authorization", "x-amz-security-token", "cookie", "set-cookie":
		return true
	}
	return false
}
