package runner_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kmsconform/kmsconform/kmserrors"
	"github.com/kmsconform/kmsconform/reports"
)

// statusTags select the scenarios of three operations whose error scenarios
// expect codes real KMS answers with another status than the model's.
const statusTags = "@op:DescribeKey,@op:EnableKey,@op:DisableKey"

// statuses answers every KMS error with the status status(code) gives.
func statuses(status func(code string) int) change {
	return func(x *exchange) answer {
		a := x.forward()
		if c := a.code(); !a.ok() && c != "" {
			a.status = status(c)
		}
		return a
	}
}

// serverFaultStatus answers with 500 every code whose recorded status differs
// from the model's: a client error sent as a server fault.
func serverFaultStatus(code string) int {
	if kmserrors.ModelStatus(code) != kmserrors.Status(code) {
		return http.StatusInternalServerError
	}
	return kmserrors.Status(code)
}

// statusVerdicts checks that the HTTP status of an error is judged against
// real KMS's: a status of the same class as real KMS's (the API model's 404
// and 409 where real KMS sends 400) is a finding beside a pass (verdict
// passed), while a server-fault status for a client error fails (verdict
// failed), since SDKs retry it.
func statusVerdicts(verdict string) func(t *testing.T, run *reports.Run) {
	return func(t *testing.T, run *reports.Run) {
		differing := 0
		for _, s := range run.Scenarios {
			code := expectedError(s)
			if hasTag(s, "@untestable") || s.Status == reports.StatusSkipped {
				continue
			}
			if code == "" || !kmserrors.Recorded(code) {
				if s.Status != reports.StatusPassed {
					t.Errorf("%s: %s (%s); its status is not changed, want passed", s.ID, s.Status, s.Reason)
				}
				continue
			}
			differing++
			if s.Status != verdict {
				t.Errorf("%s: %s (%s), want %s", s.ID, s.Status, s.Reason, verdict)
			}
			if verdict == reports.StatusPassed && !hasFinding(s, code+" came with HTTP") {
				t.Errorf("%s: passed without a finding on the status: %q", s.ID, s.Findings)
			}
		}
		if differing < 5 {
			t.Errorf("only %d scenarios expect a code whose status was changed", differing)
		}
	}
}

func hasFinding(s reports.Scenario, part string) bool {
	for _, f := range s.Findings {
		if strings.Contains(f, part) {
			return true
		}
	}
	return false
}
