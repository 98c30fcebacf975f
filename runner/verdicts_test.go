package runner_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/runner"
)

// without wraps a reference KMS so that it does not implement op: it answers
// it as an endpoint answers an operation it does not know.
func without(next http.Handler, op string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "TrentService."+op {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"UnknownOperationException"}`))
	})
}

// An endpoint that does not implement DescribeKey passes no DescribeKey
// scenario: none of them is answered by anything but the endpoint.
func TestMissingOperationPassesNothing(t *testing.T) {
	t.Parallel()
	svc, err := reference.New(reference.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(without(svc, "DescribeKey"))
	defer srv.Close()
	run := runSuite(t, runner.Options{Endpoint: srv.URL, Control: srv.URL, Credentials: account("AKIAKMSCONFORMTEST01"),
		Tags: "@op:DescribeKey && ~@retries"})
	ran := 0
	for _, s := range run.Scenarios {
		if s.Status == reports.StatusSkipped {
			continue
		}
		ran++
		if s.Status == reports.StatusPassed {
			t.Errorf("%s passed against an endpoint without DescribeKey", s.ID)
		}
	}
	if ran < 10 {
		t.Errorf("only %d DescribeKey scenarios ran", ran)
	}
}

// rewriteEmpty wraps a reference KMS so that every empty success answer,
// {}, becomes body instead.
func rewriteEmpty(next http.Handler, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, reference.ControlPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		out := rec.Body.Bytes()
		if rec.Code == http.StatusOK && strings.TrimSpace(string(out)) == "{}" {
			out = []byte(body)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(out)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
	})
}

// A member the API model does not list in an otherwise empty answer is a
// finding beside a pass (real KMS adds members; SDKs ignore them), while an
// answer that is not a JSON object still fails.
func TestExtraResponseMemberIsAFinding(t *testing.T) {
	t.Parallel()
	const tags = "@cond:DisableKey.04,@cond:EnableKey.04,@cond:DisableKey.05,@cond:EnableKey.05 && ~@retries"
	for _, tc := range []struct {
		name, body, verdict, finding string
	}{
		{"a new member", `{"KeyStateReason":"new in a later API version"}`, reports.StatusPassed, "holds KeyStateReason, which the API model does not list"},
		{"not an object", `["KeyStateReason"]`, reports.StatusFailed, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, err := reference.New(reference.Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(rewriteEmpty(svc, tc.body))
			defer srv.Close()
			run := runSuite(t, runner.Options{Endpoint: srv.URL, Control: srv.URL, Credentials: account("AKIAKMSCONFORMTEST01"), Tags: tags})
			checked := 0
			for _, s := range run.Scenarios {
				if !slices.ContainsFunc(s.Steps, func(st reports.Step) bool { return st.Text == "the request succeeds with an empty response" }) {
					if s.Status != reports.StatusPassed {
						t.Errorf("%s: %s (%s); it checks no empty response, want passed", s.ID, s.Status, s.Reason)
					}
					continue
				}
				checked++
				if s.Status != tc.verdict {
					t.Errorf("%s: %s (%s), want %s", s.ID, s.Status, s.Reason, tc.verdict)
				}
				if tc.finding != "" && !hasFinding(s, tc.finding) {
					t.Errorf("%s: findings %q lack %q", s.ID, s.Findings, tc.finding)
				}
			}
			if checked != 4 {
				t.Errorf("%d scenarios check an empty response, want 4", checked)
			}
		})
	}
}
