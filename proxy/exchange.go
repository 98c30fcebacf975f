package proxy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kmsconform/kmsconform/proxy/faults"
	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/proxy/rules"
)

// upstreamError is a failure to get an answer from the upstream.
type upstreamError struct {
	target string
	err    error
}

func (e *upstreamError) Error() string { return fmt.Sprintf("upstream %s: %v", e.target, e.err) }
func (e *upstreamError) Unwrap() error { return e.err }

// serveExchange runs one request through rules and faults, forwards it to
// target unless a fault answers instead, writes the answer and records it.
func (p *Proxy) serveExchange(w http.ResponseWriter, r *http.Request, mode string, target *url.URL, routeErr error) {
	received := time.Now()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(p.ctx, cancel) // the proxy closing ends every exchange
	defer stop()

	f := p.requestFacts(r)
	e := journal.Entry{
		Scenario: f.scenario, InvocationID: f.invocationID, Attempt: f.attempt, MaxAttempts: f.maxAttempts,
		ProxyAttempt: f.proxyAttempt, Operation: f.operation, Host: r.Host, Region: f.region,
		Method: r.Method, Path: r.URL.RequestURI(), Mode: mode, Received: received,
	}
	e.KeepRequest(r.Header, nil, p.maxBody)
	if target != nil {
		e.Upstream = target.String()
	}
	defer func() {
		e.Total = time.Since(received)
		e = p.journal.Record(e)
		if !p.log.Enabled(ctx, slog.LevelDebug) { // spare the arguments' allocations on every request
			return
		}
		p.log.Debug("exchange", "seq", e.Seq, "mode", e.Mode, "host", e.Host, "operation", e.Operation,
			"scenario", e.Scenario, "attempt", e.Attempt, "proxyAttempt", e.ProxyAttempt, "status", e.Status,
			"errorCode", e.ErrorCode, "outcome", e.Outcome, "rule", e.Rule, "faults", e.Faults, "total", e.Total)
	}()

	if r.RequestURI == "*" { // nothing KMS (or any AWS endpoint) answers: never forwarded
		p.answerProxyError(w, &e, http.StatusBadRequest, "rejected",
			errors.New(`asterisk-form requests ("OPTIONS *", or an HTTP/2 preface sent without TLS) are not forwarded`))
		return
	}
	limit := p.cfg.MaxRequestBytes
	if r.ContentLength > limit { // refused before a byte of it is read
		e.Request.BodyBytes = int(min(r.ContentLength, math.MaxInt))
		p.answerTooLarge(w, &e, fmt.Errorf("request body of %d bytes exceeds the limit of %d bytes (--max-request-bytes)", r.ContentLength, limit))
		return
	}
	body, err := readBody(http.MaxBytesReader(w, r.Body, limit), r.ContentLength)
	e.KeepRequest(r.Header, body, p.maxBody)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		p.answerTooLarge(w, &e, fmt.Errorf("request body exceeds the limit of %d bytes (--max-request-bytes)", limit))
		return
	case err != nil && clientGone(ctx, err):
		e.Outcome, e.Error = "client-gone", "reading request body: "+err.Error()
		abort(w) // never let net/http answer a request it did not get whole
		return
	case err != nil: // malformed chunked encoding, for instance
		p.answerProxyError(w, &e, http.StatusBadRequest, "rejected", fmt.Errorf("reading request body: %w", err))
		return
	}
	if routeErr != nil {
		p.answerProxyError(w, &e, http.StatusBadGateway, "rejected", routeErr)
		return
	}

	match, _ := p.rules.Match(rules.Request{
		Operation: f.operation, Host: r.Host, Region: f.region,
		Attempt: f.attempt, ProxyAttempt: f.proxyAttempt, Header: r.Header,
	})
	e.Rule = match.Rule.ID
	for _, fl := range match.Faults {
		e.Faults = append(e.Faults, fl.String())
	}

	x := faults.NewExchange(r, body, func(ctx context.Context) (*faults.Response, error) {
		start := time.Now()
		resp, err := p.forward(ctx, r, body, target)
		e.UpstreamLatency = time.Since(start)
		return resp, err
	})
	err = faults.Run(ctx, x, match.Faults)
	e.Forwarded = x.Forwarded()
	e.InjectedDelay = x.InjectedDelay
	var upErr *upstreamError
	unreachable := errors.As(err, &upErr)
	if x.Response != nil && !unreachable {
		e.Status = x.Response.Status
		e.ErrorCode = journal.ErrorCode(x.Response.Status, x.Response.Header, x.Response.Body)
		e.KeepResponse(x.Response.Header, x.Response.Body, p.maxBody)
	}

	switch {
	case ctx.Err() != nil:
		e.Status, e.Outcome, e.Error = 0, "client-gone", context.Cause(ctx).Error()
		if p.ctx.Err() != nil {
			e.Error = "proxy shutting down"
		}
		abort(w)
	case unreachable:
		p.log.Warn("upstream unreachable", "upstream", upErr.target, "err", upErr.err)
		p.answerProxyError(w, &e, http.StatusBadGateway, "upstream-error", err)
	case err != nil:
		e.Status, e.Outcome, e.Error = 0, "client-gone", err.Error()
		abort(w)
	case x.Reset && !x.Truncate:
		e.Status, e.Outcome = 0, "reset"
		abort(w)
	default:
		e.Outcome = "response"
		if x.Truncate {
			e.Outcome = "truncated"
		}
		if err := writeResponse(ctx, w, x); err != nil {
			e.Outcome, e.Error = "client-gone", "writing response: "+err.Error()
		}
	}
}

// ProxyErrorHeader marks answers of the proxy's own making (an unreachable
// upstream, an oversized or malformed request), as opposed to the upstream's
// answers and injected faults.
const ProxyErrorHeader = "X-Kmsconform-Proxy-Error"

// answerProxyError answers with an error of the proxy's own making (not an
// injected fault): plain text naming the reason, marked by ProxyErrorHeader.
func (p *Proxy) answerProxyError(w http.ResponseWriter, e *journal.Entry, status int, outcome string, reason error) {
	msg := "kmsconform proxy: " + reason.Error()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set(ProxyErrorHeader, "true")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg+"\n")
	e.Status, e.Outcome, e.Error = status, outcome, reason.Error()
}

// TooLargeErrorCode is the error type of the proxy's 413 answer.
const TooLargeErrorCode = "RequestEntityTooLargeException"

// answerTooLarge refuses an oversized request with 413 and an awsJson1_1
// error body, so SDKs report the reason, and closes the connection, since the
// rest of the body is never read.
func (p *Proxy) answerTooLarge(w http.ResponseWriter, e *journal.Entry, reason error) {
	body, _ := json.Marshal(map[string]string{"__type": TooLargeErrorCode, "message": "kmsconform proxy: " + reason.Error()})
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amzn-Errortype", TooLargeErrorCode)
	h.Set(ProxyErrorHeader, "true")
	h.Set("Connection", "close")
	w.WriteHeader(http.StatusRequestEntityTooLarge)
	_, _ = w.Write(body)
	e.Status, e.Outcome, e.Error, e.ErrorCode = http.StatusRequestEntityTooLarge, "rejected", reason.Error(), TooLargeErrorCode
}

// clientGone tells a client that went away mid-body (closed, reset, or its
// request context ended) from one that sent a malformed body.
func clientGone(ctx context.Context, err error) bool {
	var netErr net.Error
	return ctx.Err() != nil || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &netErr)
}

// forward sends the request to target exactly as received: same method, path,
// query, Host header, headers (less hop-by-hop ones) and body.
func (p *Proxy) forward(ctx context.Context, r *http.Request, body []byte, target *url.URL) (*faults.Response, error) {
	u := *target
	u.Path = joinPath(target.Path, r.URL.Path)
	u.RawPath = ""
	if r.URL.RawPath != "" {
		u.RawPath = joinPath(target.EscapedPath(), r.URL.RawPath)
	}
	u.RawQuery = r.URL.RawQuery
	resp, rbody, err := p.upstream.roundTrip(ctx, r.Method, &u, r.Host, r.Header, body) // r.Host is signed by SigV4
	if err != nil {
		return nil, &upstreamError{target.String(), err}
	}
	if len(rbody) > maxResponseBytes { // better no answer than one silently cut short
		return nil, &upstreamError{target.String(), fmt.Errorf("response body exceeds %d bytes", maxResponseBytes)}
	}
	h := resp.Header // the proxy's own from here on
	removeHopHeaders(h)
	h.Del("Content-Length") // set again from the body when written
	return &faults.Response{Status: resp.StatusCode, Header: h, Body: rbody}, nil
}

// readBody reads r to its end into one allocation when the announced size
// is right (io.ReadAll would grow and copy its buffer several times).
func readBody(r io.Reader, size int64) ([]byte, error) {
	if size <= 0 || size > maxResponseBytes {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, size+1) // + 1: room for the read that finds the end
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		switch {
		case err == io.EOF:
			return b, nil
		case err != nil:
			return b, err
		case len(b) == cap(b): // longer than announced
			b = append(b, 0)[:len(b)]
		}
	}
}

func removeHopHeaders(h http.Header) {
	for _, f := range h.Values("Connection") {
		for _, name := range strings.Split(f, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for k := range h {
		if isHopHeader(k) {
			delete(h, k)
		}
	}
}

func joinPath(base, p string) string {
	switch {
	case base == "" || base == "/":
		return p
	case p == "" || p == "/":
		return base
	}
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(p, "/")
}

// writeResponse writes x's response, cut short and followed by a connection
// reset when truncated, and paced when bandwidth-limited.
func writeResponse(ctx context.Context, w http.ResponseWriter, x *faults.Exchange) error {
	resp := x.Response
	h := w.Header()
	for k, vs := range resp.Header {
		h[k] = vs
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.Status)
	body := resp.Body
	if x.Truncate {
		body = body[:x.TruncateAfter]
	}
	err := writePaced(ctx, w, body, x.BytesPerSecond)
	if x.Truncate {
		// An orderly close: a reset could discard the bytes still in flight.
		_ = http.NewResponseController(w).Flush()
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		} else {
			panic(http.ErrAbortHandler)
		}
	}
	return err
}

// writePaced writes body at most bytesPerSecond fast (no limit when <= 0),
// in slices of a tenth of a second.
func writePaced(ctx context.Context, w http.ResponseWriter, body []byte, bytesPerSecond int) error {
	if bytesPerSecond <= 0 {
		_, err := w.Write(body)
		return err
	}
	rc := http.NewResponseController(w)
	chunk := max(1, bytesPerSecond/10)
	pause := time.Duration(chunk) * time.Second / time.Duration(bytesPerSecond)
	for len(body) > 0 {
		n := min(chunk, len(body))
		if _, err := w.Write(body[:n]); err != nil {
			return err
		}
		if err := rc.Flush(); err != nil {
			return err
		}
		body = body[n:]
		if len(body) == 0 {
			break
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return context.Cause(ctx)
		}
	}
	return nil
}

// abort closes the client connection without (more of) an answer. Over
// HTTP/1 it hijacks the connection and closes its TCP socket with linger 0,
// so the client sees a reset rather than an orderly close.
func abort(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2, or a ResponseWriter that cannot hijack
	}
	if tcp, ok := underlyingTCP(conn); ok {
		_ = tcp.SetLinger(0)
		_ = tcp.Close()
	}
	_ = conn.Close()
}

// underlyingTCP unwraps TLS and tunnel layers down to the TCP connection.
func underlyingTCP(c net.Conn) (*net.TCPConn, bool) {
	for {
		switch t := c.(type) {
		case *net.TCPConn:
			return t, true
		case interface{ NetConn() net.Conn }:
			c = t.NetConn()
		default:
			return nil, false
		}
	}
}
