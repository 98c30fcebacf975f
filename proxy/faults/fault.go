// Package faults holds the faults the kmsconform proxy injects into KMS
// exchanges: delays, KMS and load-balancer errors, connection resets, hangs,
// lost responses, truncated and slow bodies.
//
// Each fault kind lives in its own file behind the small Fault interface; a
// Registry maps a kind name to its builder, so a Spec read from YAML, JSON or Go
// becomes a Fault. Faults of one rule run in order on a shared Exchange, which
// is how they combine: "delay then error" first sleeps, then answers with the
// error instead of forwarding.
package faults

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Fault acts on one exchange. Apply returns an error only when the exchange
// cannot go on: the context ended, or the upstream could not be reached.
type Fault interface {
	Apply(ctx context.Context, x *Exchange) error
	String() string
}

// Response is an answer to send to the client, complete with its body.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Forwarder sends the request upstream and returns the upstream's answer.
type Forwarder func(ctx context.Context) (*Response, error)

// Exchange is one request on its way through the proxy. Faults read the
// request and decide what the client gets back.
type Exchange struct {
	Request     *http.Request // headers and metadata; the body is RequestBody
	RequestBody []byte

	// Response is what the client will receive; nil until forwarded or injected.
	Response *Response
	// Reset closes the client connection instead of answering (after
	// TruncateAfter body bytes when Truncate is set).
	Reset bool
	// Truncate sends the response head with the full Content-Length but only
	// TruncateAfter body bytes, then closes the connection.
	Truncate      bool
	TruncateAfter int
	// BytesPerSecond, when positive, limits how fast the body is written.
	BytesPerSecond int
	// InjectedDelay is the time faults spent waiting on purpose.
	InjectedDelay time.Duration

	forward   Forwarder
	forwarded bool
}

// NewExchange returns an exchange whose Forward calls forward at most once.
func NewExchange(req *http.Request, body []byte, forward Forwarder) *Exchange {
	return &Exchange{Request: req, RequestBody: body, forward: forward}
}

// Forward sends the request upstream (once) and makes the upstream's answer
// the response, replacing any answer set before.
func (x *Exchange) Forward(ctx context.Context) error {
	if x.forwarded {
		return nil
	}
	x.forwarded = true
	resp, err := x.forward(ctx)
	if err != nil {
		return err
	}
	x.Response = resp
	return nil
}

// Forwarded reports whether the request was sent upstream.
func (x *Exchange) Forwarded() bool { return x.forwarded }

// ensureResponse forwards the request unless a fault already answered it.
func (x *Exchange) ensureResponse(ctx context.Context) error {
	if x.Response != nil || x.forwarded {
		return nil
	}
	return x.Forward(ctx)
}

// Run applies faults in order, then forwards the request if none of them
// answered or reset it.
func Run(ctx context.Context, x *Exchange, fs []Fault) error {
	for _, f := range fs {
		if x.Reset {
			return nil
		}
		if err := f.Apply(ctx, x); err != nil {
			return err
		}
	}
	if x.Reset {
		return nil
	}
	return x.ensureResponse(ctx)
}

// wait sleeps for d or until ctx ends, and accounts the time as injected delay.
func (x *Exchange) wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	start := time.Now()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		x.InjectedDelay += d
		return nil
	case <-ctx.Done():
		x.InjectedDelay += time.Since(start)
		return fmt.Errorf("waiting %v: %w", d, context.Cause(ctx))
	}
}

// ErrInvalid marks a Spec that cannot become a Fault.
var ErrInvalid = errors.New("invalid fault")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
