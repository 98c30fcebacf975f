package runner_test

import (
	"net/http"
	"net/http/httptest"
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
