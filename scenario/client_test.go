package scenario

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/smithy-go"
)

func TestUnsupportedAnswers(t *testing.T) {
	apiErr := func(code string) error { return &smithy.GenericAPIError{Code: code} }
	tests := []struct {
		name string
		o    outcome
		want bool
	}{
		{"emulator HTML error page", outcome{Err: apiErr("UnknownError"), Status: 500, Body: []byte("<!doctype html><title>500 Internal Server Error</title>")}, true},
		{"unknown operation", outcome{Err: apiErr("UnknownOperationException"), Code: "UnknownOperationException", Status: 400, Body: []byte(`{"__type":"UnknownOperationException"}`)}, true},
		{"KMS internal error", outcome{Err: apiErr("KMSInternalException"), Code: "KMSInternalException", Status: 500, Body: []byte(`{"__type":"KMSInternalException"}`)}, false},
		{"KMS UnsupportedOperationException", outcome{Err: apiErr("UnsupportedOperationException"), Code: "UnsupportedOperationException", Status: 400, Body: []byte(`{"__type":"UnsupportedOperationException"}`)}, false},
		{"proxy cannot reach upstream", outcome{Err: apiErr("UnknownError"), Status: 502, Body: []byte("kmsconform proxy: upstream: connection refused")}, false},
		{"501 with an error code of its own (LocalStack)", outcome{Err: apiErr("InternalFailure"), Code: "InternalFailure", Status: 501, Body: []byte(`{"__type":"InternalFailure","message":"The API for service kms is either not included in your current license plan or has not yet been emulated by LocalStack."}`)}, true},
		{"no answer", outcome{Err: errors.New("timeout")}, false},
		{"success", outcome{Status: 200, Body: []byte("{}")}, false},
	}
	for _, tc := range tests {
		if got := tc.o.unsupported(); got != tc.want {
			t.Errorf("%s: unsupported() = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestExcerptDropsMarkup(t *testing.T) {
	got := Excerpt("<!doctype html>\n<h1>Internal   Server Error</h1><p>overloaded</p>", 30)
	if got != "Internal Server Error overload…" {
		t.Errorf("excerpt = %q", got)
	}
}

// The client-error check refuses what is no refusal: success, server
// errors, and throttling, which says the endpoint did not judge the request.
func TestClientErrorProblem(t *testing.T) {
	fail := func(code string, status int) outcome {
		return outcome{Op: "CreateKey", Err: &smithy.GenericAPIError{Code: code}, Code: code, Status: status}
	}
	tests := []struct {
		name string
		o    outcome
		ok   bool
	}{
		{"ValidationException", fail("ValidationException", 400), true},
		{"AccessDeniedException", fail("AccessDeniedException", 400), true},
		{"a modeled error", fail("UnsupportedOperationException", 400), true},
		{"success", outcome{Op: "CreateKey", Status: 200}, false},
		{"server error", fail("KMSInternalException", 500), false},
		{"no answer", outcome{Op: "CreateKey", Err: errors.New("timeout")}, false},
		{"ThrottlingException", fail("ThrottlingException", 400), false},
		{"a bare 429", fail("", 429), false},
		{"LimitExceededException", fail("LimitExceededException", 400), false},
		{"TooManyRequestsException", fail("TooManyRequestsException", 400), false},
	}
	for _, tc := range tests {
		err := clientErrorProblem(tc.o)
		if (err == nil) != tc.ok {
			t.Errorf("%s: clientErrorProblem = %v, want ok %v", tc.name, err, tc.ok)
		}
		if err != nil && tc.o.Err != nil && !errors.Is(err, tc.o.Err) && tc.o.Status >= 400 {
			t.Errorf("%s: %v does not wrap the call's error", tc.name, err)
		}
	}
}

// A call under test that fails leaves no output behind: an earlier call's
// must not stand in for it.
func TestActClearsAStaleOutput(t *testing.T) {
	w := &Scenario{Env: &Env{Timeouts: DefaultTimeouts()}}
	ctx := context.Background()
	if err := Act(ctx, w, "First", func(context.Context) (string, error) { return "first answer", nil }); err != nil {
		t.Fatal(err)
	}
	if w.Output != "first answer" {
		t.Fatalf("output after a success = %v", w.Output)
	}
	failed := errors.New("refused")
	if err := Act(ctx, w, "Second", func(context.Context) (string, error) { return "", failed }); err != nil {
		t.Fatal(err)
	}
	if w.Output != nil || !errors.Is(w.Last.Err, failed) {
		t.Errorf("after a failed call: output %v, last error %v; want no output and the failure", w.Output, w.Last.Err)
	}
	if err := w.ThenSucceeds(); !errors.Is(err, failed) {
		t.Errorf("thenSucceeds = %v, want it to wrap the call's error", err)
	}
}
