package faults_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kmsconform/kmsconform/proxy/faults"
)

func intp(n int) *int { return &n }

func TestBuildRejectsBadSpecs(t *testing.T) {
	tests := []struct {
		spec faults.Spec
		want string
	}{
		{faults.Spec{}, "kind is missing"},
		{faults.Spec{Kind: "explode"}, `unknown kind "explode"`},
		{faults.Spec{Kind: "delay"}, "delay or jitter must be positive"},
		{faults.Spec{Kind: "delay", Delay: faults.Duration(time.Second), When: "later"}, "when must be"},
		{faults.Spec{Kind: "error"}, "needs a preset, a code or a status"},
		{faults.Spec{Kind: "error", Status: 700}, "not an HTTP status"},
		{faults.Preset("Nope"), `unknown preset "Nope"`},
		{faults.Spec{Preset: "ThrottlingException", Style: "odd"}, "style must be"},
		{faults.Spec{Kind: "truncate", Bytes: intp(-1)}, "bytes must not be negative"},
		{faults.Spec{Kind: "slow"}, "bytesPerSecond must be positive"},
		{faults.Spec{Kind: "lost", Preset: "Nope"}, `unknown preset "Nope"`},
	}
	for _, tc := range tests {
		_, err := faults.Build(tc.spec)
		if err == nil || !errors.Is(err, faults.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Build(%+v) = %v, want %q", tc.spec, err, tc.want)
		}
	}
}

// run applies specs to an exchange whose upstream answers 200 and counts calls.
func run(t *testing.T, ctx context.Context, specs ...faults.Spec) (*faults.Exchange, int, error) {
	t.Helper()
	var fs []faults.Fault
	for _, spec := range specs {
		f, err := faults.Build(spec)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	calls := 0
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", nil)
	x := faults.NewExchange(req, nil, func(context.Context) (*faults.Response, error) {
		calls++
		return &faults.Response{Status: 200, Header: http.Header{}, Body: []byte(`{"KeyId":"k"}`)}, nil
	})
	err := faults.Run(ctx, x, fs)
	return x, calls, err
}

func TestRunCombinesInOrder(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		specs     []faults.Spec
		calls     int
		status    int // of the answer held, even when Reset discards it
		reset     bool
		truncated int
	}{
		{"no faults forwards", nil, 1, 200, false, -1},
		{"error answers instead", []faults.Spec{faults.Preset("KMSInternalException")}, 0, 500, false, -1},
		{"delay then error", []faults.Spec{{Kind: "delay", Delay: faults.Duration(time.Millisecond)}, faults.Preset("HTTP503")}, 0, 503, false, -1},
		{"reset stops the rest", []faults.Spec{{Kind: "reset"}, faults.Preset("HTTP503")}, 0, 0, true, -1},
		{"lost forwards then resets", []faults.Spec{{Kind: "lost"}}, 1, 200, true, -1},
		{"lost forwards then errors", []faults.Spec{{Kind: "lost", Preset: "DependencyTimeoutException"}}, 1, 503, false, -1},
		{"truncate defaults to half", []faults.Spec{{Kind: "truncate"}}, 1, 200, false, 6},
		{"error then truncate cuts the error", []faults.Spec{faults.Preset("ThrottlingException"), {Kind: "truncate", Bytes: intp(3)}}, 0, 400, false, 3},
		{"delay before answering forwards first", []faults.Spec{{Kind: "delay", Delay: faults.Duration(time.Millisecond), When: "response"}}, 1, 200, false, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, calls, err := run(t, ctx, tc.specs...)
			if err != nil {
				t.Fatal(err)
			}
			status := 0 // no answer at all
			if x.Response != nil {
				status = x.Response.Status
			}
			if calls != tc.calls || status != tc.status || x.Reset != tc.reset {
				t.Errorf("calls %d status %d reset %v; want %d %d %v", calls, status, x.Reset, tc.calls, tc.status, tc.reset)
			}
			if tc.truncated >= 0 && (!x.Truncate || x.TruncateAfter != tc.truncated) {
				t.Errorf("truncate %v after %d, want %d", x.Truncate, x.TruncateAfter, tc.truncated)
			}
		})
	}
}

func TestWaitingHonoursTheContext(t *testing.T) {
	for _, spec := range []faults.Spec{{Kind: "hang"}, {Kind: "delay", Delay: faults.Duration(time.Hour)}} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		x, calls, err := run(t, ctx, spec)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || calls != 0 || x.InjectedDelay <= 0 {
			t.Errorf("%s: err %v, calls %d, injected %v", spec.Kind, err, calls, x.InjectedDelay)
		}
	}
}

func TestErrorResponsesLookLikeKMS(t *testing.T) {
	x, _, _ := run(t, context.Background(), faults.Preset("ThrottlingException"))
	r := x.Response
	var body map[string]string
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if r.Status != 400 || body["__type"] != "ThrottlingException" || body["message"] != faults.ThrottlingMessage ||
		r.Header.Get("Content-Type") != "application/x-amz-json-1.1" || len(r.Header.Get("X-Amzn-Requestid")) != 36 {
		t.Errorf("throttling = %d %v %s", r.Status, r.Header, r.Body)
	}
	if _, err := time.Parse(http.TimeFormat, r.Header.Get("Date")); err != nil {
		t.Errorf("Date %q: %v", r.Header.Get("Date"), err)
	}

	x, _, _ = run(t, context.Background(), faults.Spec{Preset: "KMSInternalException", Style: "namespaced"})
	if !strings.Contains(string(x.Response.Body), `"__type":"com.amazonaws.kms#KMSInternalException"`) {
		t.Errorf("namespaced body %s", x.Response.Body)
	}
	x, _, _ = run(t, context.Background(), faults.Spec{Preset: "KMSInternalException", Style: "header",
		Headers: map[string]string{"Retry-After": "1", "Date": ""}})
	h := x.Response.Header
	if !strings.HasPrefix(h.Get("X-Amzn-Errortype"), "KMSInternalException:http://internal.amazon.com/") ||
		strings.Contains(string(x.Response.Body), "__type") || h.Get("Retry-After") != "1" || h.Get("Date") != "" {
		t.Errorf("header style: %v %s", h, x.Response.Body)
	}
	x, _, _ = run(t, context.Background(), faults.Spec{Kind: "error", Code: "NotFoundException", Message: "gone"})
	if x.Response.Status != 400 { // real KMS's recorded status, not the model's 404
		t.Errorf("NotFoundException status %d", x.Response.Status)
	}
}

func TestSpecJSONRoundTrip(t *testing.T) {
	in := `{"kind":"delay","delay":"250ms","jitter":"1s","when":"response"}`
	var s faults.Spec
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	if s.Delay.D() != 250*time.Millisecond || s.Jitter.D() != time.Second {
		t.Errorf("spec %+v", s)
	}
	out, _ := json.Marshal(s)
	if string(out) != in {
		t.Errorf("round trip %s", out)
	}
	if err := json.Unmarshal([]byte(`{"delay":250}`), &s); err == nil {
		t.Error("a bare number was accepted as a duration")
	}
}
