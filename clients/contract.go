package clients

import (
	"fmt"
	"strings"
)

// Request is one KMS call, as a driver reads it.
type Request struct {
	// Operation is the KMS operation name, such as "DescribeKey".
	Operation string `json:"operation"`
	// Input holds the KMS request members, wire style.
	Input map[string]any `json:"input"`
	// Endpoint is the URL to send the call to. Empty means the client's own
	// endpoint resolution (for us-east-1, https://kms.us-east-1.amazonaws.com),
	// reached through HTTPS_PROXY when that is set.
	Endpoint string `json:"endpoint,omitempty"`
	// Region is the AWS Region to sign for and resolve the endpoint in.
	Region string `json:"region,omitempty"`
	// Retry overrides the client's retry settings; nil keeps the client's defaults.
	Retry *Retry `json:"retry,omitempty"`
	// TimeoutMs bounds each attempt's wait for a response (the client's read
	// or request timeout, and its connect timeout), in milliseconds; 0 keeps
	// the client's default. The AWS CLI takes whole seconds: it rounds up.
	TimeoutMs int `json:"timeoutMs,omitempty"`
}

// Retry is a client's retry configuration in the SDKs' shared vocabulary.
type Retry struct {
	// Mode is "standard", "adaptive" or (Python and the CLI only) "legacy"; empty keeps the default.
	Mode string `json:"mode,omitempty"`
	// MaxAttempts counts every attempt, the first included; 0 keeps the default.
	MaxAttempts int `json:"maxAttempts,omitempty"`
}

// Outcome is what a client made of one call.
type Outcome struct {
	OK bool `json:"ok"`
	// Output holds the KMS response members, wire style, when OK.
	Output map[string]any `json:"output,omitempty"`
	// Error is the client's error when not OK.
	Error *Error `json:"error,omitempty"`
	// Attempts is how many HTTP attempts the client made, or 0 when it does not say.
	Attempts int `json:"attempts,omitempty"`
	// DurationMs is the wall time of the call inside the driver, retries included.
	DurationMs float64 `json:"durationMs"`
	// Client names the client and its version, for reports.
	Client map[string]any `json:"client,omitempty"`
}

// Error is a failed call as the client reported it.
type Error struct {
	// Code is the KMS error code (e.g. "NotFoundException") or, when no KMS
	// response was parsed, the client's own error name (e.g. "ECONNREFUSED").
	Code    string `json:"code"`
	Message string `json:"message"`
	// HTTPStatus is the status of the last response, 0 when there was none.
	HTTPStatus int `json:"httpStatus,omitempty"`
	// Retryable is the client's own verdict, when it exposes one.
	Retryable *bool `json:"retryable,omitempty"`
}

// String reads like the client's own report: "KMSInternalException (HTTP 500, retryable): message".
func (e *Error) String() string {
	var notes []string
	if e.HTTPStatus != 0 {
		notes = append(notes, fmt.Sprintf("HTTP %d", e.HTTPStatus))
	}
	if e.Retryable != nil {
		notes = append(notes, map[bool]string{true: "retryable", false: "not retryable"}[*e.Retryable])
	}
	s := e.Code
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, ", ") + ")"
	}
	return s + ": " + e.Message
}
