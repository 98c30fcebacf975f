package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// maxCapturedBody bounds how much of a response body a scenario keeps to
// explain a failure.
const maxCapturedBody = 64 << 10

// answer is what the endpoint sent back for the latest call of a client.
type answer struct {
	status int
	body   []byte
}

// recorder keeps the latest raw answer a client received.
type recorder struct {
	mu   sync.Mutex
	last answer
}

func (r *recorder) set(a answer) {
	r.mu.Lock()
	r.last = a
	r.mu.Unlock()
}

// take returns the latest answer and forgets it, so that a call that never
// reached the endpoint is not explained by an older answer.
func (r *recorder) take() answer {
	r.mu.Lock()
	defer r.mu.Unlock()
	a := r.last
	r.last = answer{}
	return a
}

// newClient returns a KMS client for one scenario: every request carries the
// scenario header (after signing), and each raw answer is recorded.
func (e *Env) newClient(creds aws.CredentialsProvider, scenarioID string, rec *recorder) *kms.Client {
	return e.newClientIn(e.Region, e.Endpoint, creds, scenarioID, rec)
}

// newClientIn is newClient for a Region and its endpoint.
func (e *Env) newClientIn(region, endpoint string, creds aws.CredentialsProvider, scenarioID string, rec *recorder) *kms.Client {
	attempts := e.MaxAttempts
	if attempts < 1 {
		attempts = 1
	}
	return kms.New(kms.Options{
		Region:           region,
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      creds,
		HTTPClient:       e.HTTPClient,
		RetryMaxAttempts: attempts,
		AppID:            "kmsconform",
		APIOptions: []func(*middleware.Stack) error{
			guardOwnership(&e.Owned),
			scenarioHeader(scenarioID),
			callHeader,
			recordAnswers(rec),
		},
	})
}

// scenarioHeader adds ScenarioHeader at the end of the finalize step, after
// the request has been signed.
func scenarioHeader(id string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("kmsconformScenarioHeader",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					req.Header.Set(ScenarioHeader, id)
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	}
}

// callKey carries the number of the call under test in a context.
type callKey struct{}

// callHeader sets CallHeader on the requests of a call under test, after
// signing, from the number act put in the context.
func callHeader(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("kmsconformCallHeader",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if id, ok := ctx.Value(callKey{}).(string); ok {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					req.Header.Set(CallHeader, id)
				}
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}

// recordAnswers sits closest to the transport so that it reads the raw body
// before the SDK's deserializer does, and hands the deserializer a copy.
func recordAnswers(rec *recorder) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("kmsconformRecordAnswer",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleDeserialize(ctx, in)
				resp, ok := out.RawResponse.(*smithyhttp.Response)
				if !ok || resp == nil || resp.Body == nil {
					return out, md, err
				}
				body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxCapturedBody))
				rest := resp.Body
				resp.Body = struct {
					io.Reader
					io.Closer
				}{io.MultiReader(bytes.NewReader(body), rest), rest}
				if readErr == nil {
					rec.set(answer{status: resp.StatusCode, body: body})
				}
				return out, md, err
			}), middleware.After)
	}
}

// outcome is the result of one KMS call as a scenario sees it.
type outcome struct {
	Op     string
	Err    error
	Code   string // KMS error code, "" on success or when the endpoint sent none
	Status int    // HTTP status, 0 when no answer arrived
	Body   []byte
}

func newOutcome(op string, err error, a answer) outcome {
	o := outcome{Op: op, Err: err, Status: a.status, Body: a.body}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		o.Code = apiErr.ErrorCode()
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) && o.Status == 0 {
		o.Status = respErr.HTTPStatusCode()
	}
	return o
}

// unsupported reports whether the answer says the endpoint does not implement
// the operation at all: an unknown-operation error, HTTP 501, or an error
// status whose body is not a KMS error (an emulator's HTML error page, for
// instance).
func (o outcome) unsupported() bool {
	if o.Err == nil || o.Status == 0 {
		return false
	}
	switch o.Code {
	case "UnknownOperationException", "InvalidAction", "NotImplemented", "NotImplementedException":
		return true
	}
	// KMS never answers 501: whatever the body says, the endpoint lacks the
	// operation (LocalStack sends an InternalFailure of its own with it).
	if o.Status == http.StatusNotImplemented {
		return true
	}
	switch o.Status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed,
		http.StatusInternalServerError, http.StatusNotImplemented:
	default:
		return false // gateways' and proxies' errors say nothing about the operation
	}
	var wire struct {
		Type string `json:"__type"`
		Code string `json:"code"`
	}
	if json.Unmarshal(o.Body, &wire) != nil {
		return true
	}
	return wire.Type == "" && wire.Code == ""
}

// describe explains an outcome in one line, for failure reasons.
func (o outcome) describe() string {
	switch {
	case o.Err == nil:
		return fmt.Sprintf("%s succeeded (HTTP %d)", o.Op, o.Status)
	case o.Status == 0:
		return fmt.Sprintf("%s got no answer: %v", o.Op, o.Err)
	case o.Code != "":
		return fmt.Sprintf("%s answered %s (HTTP %d): %s", o.Op, o.Code, o.Status, Excerpt(o.message(), 200))
	case o.Status < 300:
		// A success the client could not read: its error says why.
		return fmt.Sprintf("%s answered HTTP %d, but the client failed on the answer: %v", o.Op, o.Status, o.Err)
	default:
		return fmt.Sprintf("%s answered HTTP %d: %s", o.Op, o.Status, Excerpt(string(o.Body), 200))
	}
}

// failure is the outcome as an error: its message is describe's, and it
// wraps the call's error, if any.
func (o outcome) Failure() error { return &explained{msg: o.describe(), err: o.Err} }

// explained is an error whose message says it all, wrapping the error behind it.
type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }

func (e *explained) Unwrap() error { return e.err }

// message is the error message the endpoint sent, if any.
func (o outcome) message() string {
	var apiErr smithy.APIError
	if errors.As(o.Err, &apiErr) {
		return apiErr.ErrorMessage()
	}
	if o.Err != nil {
		return o.Err.Error()
	}
	return ""
}

var markup = regexp.MustCompile(`<[^>]*>`)

// excerpt shortens s to at most n bytes on one line, without HTML markup.
func Excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(markup.ReplaceAllString(s, " ")), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
