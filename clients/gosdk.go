package clients

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// GoSDK performs calls in-process with aws-sdk-go-v2's KMS client; the Go
// driver (clients/go/driver) runs it in a process of its own. Its zero value
// is usable but has no credentials.
type GoSDK struct {
	// Config, when set, is the configuration the client starts from, as
	// config.LoadDefaultConfig resolved it (the driver's case); Credentials
	// and HTTPClient then default to its own.
	Config *aws.Config
	// Credentials signs the requests.
	Credentials aws.CredentialsProvider
	// HTTPClient sends them; nil means the SDK's default client, which
	// honours HTTPS_PROXY from the environment and trusts the system roots.
	HTTPClient aws.HTTPClient
}

var (
	contextType = reflect.TypeFor[context.Context]()
	errorType   = reflect.TypeFor[error]()
	timeType    = reflect.TypeFor[time.Time]()
)

// Call performs req and returns the client's outcome. A KMS or transport
// error is an Outcome with OK false; Call's error means the request could not
// be made at all (unknown operation, input that does not fit the SDK's types).
func (g GoSDK) Call(ctx context.Context, req Request) (Outcome, error) {
	method := reflect.ValueOf(&kms.Client{}).MethodByName(req.Operation)
	if !method.IsValid() || !isOperation(method.Type()) {
		return Outcome{}, fmt.Errorf("gosdk: unknown KMS operation %q", req.Operation)
	}
	in, err := goInput(method.Type().In(1), req.Input)
	if err != nil {
		return Outcome{}, fmt.Errorf("gosdk: %s input: %w", req.Operation, err)
	}
	optFns, err := g.options(req)
	if err != nil {
		return Outcome{}, err
	}
	var attempts atomic.Int32
	optFns = append(optFns, func(o *kms.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			// After Retry, so it runs once per HTTP attempt.
			return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("kmsconformCountAttempts",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					attempts.Add(1)
					return next.HandleFinalize(ctx, in)
				}), "Retry", middleware.After)
		})
	})
	if g.Config != nil {
		if g.Credentials == nil {
			g.Credentials = g.Config.Credentials
		}
		if g.HTTPClient == nil {
			g.HTTPClient = g.Config.HTTPClient
		}
	}
	httpClient, err := g.httpClient(req.TimeoutMs)
	if err != nil {
		return Outcome{}, err
	}
	var client *kms.Client
	if g.Config != nil {
		cfg := g.Config.Copy()
		cfg.Credentials, cfg.HTTPClient = g.Credentials, httpClient
		if req.Region != "" {
			cfg.Region = req.Region
		}
		client = kms.NewFromConfig(cfg, optFns...)
	} else {
		client = kms.New(kms.Options{Region: req.Region, Credentials: g.Credentials, HTTPClient: httpClient}, optFns...)
	}

	start := time.Now()
	results := reflect.ValueOf(client).MethodByName(req.Operation).Call([]reflect.Value{reflect.ValueOf(ctx), in})
	out := Outcome{DurationMs: float64(time.Since(start).Microseconds()) / 1000, Client: goClientInfo()}
	out.Attempts = int(attempts.Load())
	if callErr, _ := results[1].Interface().(error); callErr != nil {
		out.Error = goError(callErr)
		return out, nil
	}
	output, ok := toWire(results[0]).(map[string]any)
	if !ok {
		output = map[string]any{}
	}
	out.OK, out.Output = true, output
	return out, nil
}

// httpClient is g.HTTPClient with each attempt bounded by timeoutMs (0: as is).
// Only the SDK's own BuildableClient can be given a timeout without changing
// what else it does.
func (g GoSDK) httpClient(timeoutMs int) (aws.HTTPClient, error) {
	if timeoutMs <= 0 {
		return g.HTTPClient, nil
	}
	timeout := time.Duration(timeoutMs) * time.Millisecond
	switch c := g.HTTPClient.(type) {
	case nil:
		return awshttp.NewBuildableClient().WithTimeout(timeout), nil
	case *awshttp.BuildableClient:
		return c.WithTimeout(timeout), nil
	}
	return nil, fmt.Errorf("gosdk: timeoutMs needs HTTPClient to be nil or an *awshttp.BuildableClient, not %T", g.HTTPClient)
}

func (g GoSDK) options(req Request) ([]func(*kms.Options), error) {
	var fns []func(*kms.Options)
	if req.Endpoint != "" {
		fns = append(fns, func(o *kms.Options) { o.BaseEndpoint = aws.String(req.Endpoint) })
	}
	if r := req.Retry; r != nil {
		if r.Mode != "" {
			mode, err := aws.ParseRetryMode(r.Mode)
			if err != nil {
				return nil, fmt.Errorf("gosdk: retry mode: %w", err)
			}
			fns = append(fns, func(o *kms.Options) { o.RetryMode = mode })
		}
		if r.MaxAttempts > 0 {
			fns = append(fns, func(o *kms.Options) { o.RetryMaxAttempts = r.MaxAttempts })
		}
	}
	return fns, nil
}

// isOperation reports whether t is func(context.Context, *XInput, ...func(*kms.Options)) (*XOutput, error).
func isOperation(t reflect.Type) bool {
	return t.NumIn() == 3 && t.IsVariadic() && t.In(0) == contextType && t.In(1).Kind() == reflect.Pointer &&
		t.NumOut() == 2 && t.Out(1) == errorType
}

// goInput decodes wire-style members into a new *XInput of type t.
func goInput(t reflect.Type, input map[string]any) (reflect.Value, error) {
	if input == nil {
		input = map[string]any{}
	}
	conv, err := fromWire(t, input)
	if err != nil {
		return reflect.Value{}, err
	}
	b, err := json.Marshal(conv)
	if err != nil {
		return reflect.Value{}, err
	}
	in := reflect.New(t.Elem())
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in.Interface()); err != nil {
		return reflect.Value{}, err
	}
	return in, nil
}

// fromWire rewrites the wire's epoch-seconds timestamps as the RFC 3339 text
// encoding/json expects for time.Time (base64 blobs already decode into
// []byte), and rejects member names that are not exactly the SDK's: encoding/json
// would take "KeyID" for KeyId, where KMS itself would not.
func fromWire(t reflect.Type, v any) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		if secs, ok := v.(float64); ok {
			return time.UnixMilli(int64(math.Round(secs * 1000))).UTC().Format(time.RFC3339Nano), nil
		}
	case t.Kind() == reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return v, nil
		}
		out := make(map[string]any, len(m))
		for k, mv := range m {
			f, ok := t.FieldByName(k)
			if !ok || !f.IsExported() {
				return nil, fmt.Errorf("%s has no member %q", t.Name(), k)
			}
			conv, err := fromWire(f.Type, mv)
			if err != nil {
				return nil, err
			}
			out[k] = conv
		}
		return out, nil
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		if s, ok := v.([]any); ok {
			out := make([]any, len(s))
			for i, sv := range s {
				conv, err := fromWire(t.Elem(), sv)
				if err != nil {
					return nil, err
				}
				out[i] = conv
			}
			return out, nil
		}
	}
	return v, nil
}

// toWire turns an SDK output value into wire-style JSON values: exported
// fields by name, []byte as base64, times as epoch seconds. Members the
// response did not carry are left out: nil pointers, slices and maps, and
// empty enums (the SDK's enums are plain string types, "" when absent).
func toWire(v reflect.Value) any {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.IsNil() {
		return nil
	}
	switch {
	case v.Type() == timeType:
		// The wire and the SDK keep milliseconds; rounding there avoids float noise.
		return math.Round(float64(v.Interface().(time.Time).UnixNano())/1e6) / 1e3
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		return base64.StdEncoding.EncodeToString(v.Bytes())
	case v.Kind() == reflect.Slice:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = toWire(v.Index(i))
		}
		return out
	case v.Kind() == reflect.Map:
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			out[fmt.Sprint(it.Key().Interface())] = toWire(it.Value())
		}
		return out
	case v.Kind() == reflect.Struct:
		out := map[string]any{}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Type == reflect.TypeFor[middleware.Metadata]() {
				continue
			}
			fv := toWire(v.Field(i))
			if fv == nil || fv == "" && v.Field(i).Kind() == reflect.String {
				continue
			}
			out[f.Name] = fv
		}
		return out
	case v.Kind() == reflect.String:
		return v.String() // enums are named string types
	default:
		return v.Interface()
	}
}

func goError(err error) *Error {
	e := &Error{Code: "ClientError", Message: err.Error()}
	var apiErr smithy.APIError
	var sendErr *smithyhttp.RequestSendError
	var canceled *smithy.CanceledError
	switch {
	case errors.As(err, &apiErr):
		e.Code, e.Message = apiErr.ErrorCode(), apiErr.ErrorMessage()
	case errors.As(err, &sendErr):
		e.Code = "RequestSendError"
	case errors.As(err, &canceled):
		e.Code = "CanceledError"
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) {
		e.HTTPStatus = respErr.HTTPStatusCode()
	}
	retryable := retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) == aws.TrueTernary
	e.Retryable = &retryable
	return e
}

// goClientInfo names the SDK modules linked into this binary.
func goClientInfo() map[string]any {
	info := map[string]any{"name": "aws-sdk-go-v2", "version": aws.SDKVersion}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			if dep.Path == "github.com/aws/aws-sdk-go-v2/service/kms" {
				info["kms"] = dep.Version
			}
		}
		info["go"] = bi.GoVersion
	}
	return info
}
