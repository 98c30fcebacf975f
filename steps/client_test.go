package steps

import (
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
		{"emulator HTML error page", outcome{err: apiErr("UnknownError"), status: 500, body: []byte("<!doctype html><title>500 Internal Server Error</title>")}, true},
		{"unknown operation", outcome{err: apiErr("UnknownOperationException"), code: "UnknownOperationException", status: 400, body: []byte(`{"__type":"UnknownOperationException"}`)}, true},
		{"KMS internal error", outcome{err: apiErr("KMSInternalException"), code: "KMSInternalException", status: 500, body: []byte(`{"__type":"KMSInternalException"}`)}, false},
		{"KMS UnsupportedOperationException", outcome{err: apiErr("UnsupportedOperationException"), code: "UnsupportedOperationException", status: 400, body: []byte(`{"__type":"UnsupportedOperationException"}`)}, false},
		{"proxy cannot reach upstream", outcome{err: apiErr("UnknownError"), status: 502, body: []byte("kmsconform proxy: upstream: connection refused")}, false},
		{"no answer", outcome{err: errors.New("timeout")}, false},
		{"success", outcome{status: 200, body: []byte("{}")}, false},
	}
	for _, tc := range tests {
		if got := tc.o.unsupported(); got != tc.want {
			t.Errorf("%s: unsupported() = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestExcerptDropsMarkup(t *testing.T) {
	got := excerpt("<!doctype html>\n<h1>Internal   Server Error</h1><p>overloaded</p>", 30)
	if got != "Internal Server Error overload…" {
		t.Errorf("excerpt = %q", got)
	}
}
