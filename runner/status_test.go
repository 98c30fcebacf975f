package runner_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kmsconform/kmsconform/kmserrors"
	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/runner"
)

// restatus answers every KMS error with the status status(code) gives, and
// otherwise as next does.
func restatus(next http.Handler, status func(code string) int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, reference.ControlPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		code := rec.Code
		var e struct {
			Type string `json:"__type"`
		}
		if rec.Code >= 400 && json.Unmarshal(rec.Body.Bytes(), &e) == nil && e.Type != "" {
			code = status(e.Type)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// The HTTP status of an error is checked against real KMS's: a status of the
// same class as real KMS's (the API model's 404 and 409 where real KMS sends
// 400) is a finding beside a pass, while a server-fault status for a client
// error fails, since SDKs retry it.
func TestErrorStatusClassDecidesTheVerdict(t *testing.T) {
	t.Parallel()
	const tags = "@op:DescribeKey,@op:EnableKey,@op:DisableKey && ~@retries"
	for _, tc := range []struct {
		name    string
		status  func(string) int
		verdict string // for scenarios expecting a code whose status differs
	}{
		{"the model's statuses", kmserrors.ModelStatus, reports.StatusPassed},
		{"server-fault statuses", func(code string) int {
			if kmserrors.ModelStatus(code) != kmserrors.Status(code) {
				return http.StatusInternalServerError
			}
			return kmserrors.Status(code)
		}, reports.StatusFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fx := reference.DefaultFixtures()
			fx.CustomKeyStoreQuota = 1000 // stores whose keys are pending deletion stay for 7 days
			svc, err := reference.New(reference.Options{Fixtures: fx})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(restatus(svc, tc.status))
			defer srv.Close()
			run := runSuite(t, runner.Options{Endpoint: srv.URL, Control: srv.URL, Credentials: account("AKIAKMSCONFORMTEST01"), Tags: tags})
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
				if s.Status != tc.verdict {
					t.Errorf("%s: %s (%s), want %s", s.ID, s.Status, s.Reason, tc.verdict)
				}
				if tc.verdict == reports.StatusPassed && !hasFinding(s, code+" came with HTTP") {
					t.Errorf("%s: passed without a finding on the status: %q", s.ID, s.Findings)
				}
			}
			if differing < 5 {
				t.Errorf("only %d scenarios expect a code whose status was changed", differing)
			}
		})
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
