package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// upstreamClient sends each request over an HTTP/1.1 keep-alive connection
// and reads the answer on the calling goroutine. net/http's Transport runs a
// reader and a writer goroutine per connection and hands every request and
// response across them: on a 2-core machine those wake-ups were a good part
// of the latency the proxy added. The proxy needs none of what they buy
// (it reads every body whole and sends one request per connection at a time).
type upstreamClient struct {
	dialer      net.Dialer
	tls         *tls.Config // nil: the system roots
	idleTimeout time.Duration
	maxIdle     int // per upstream

	mu     sync.Mutex
	idle   map[string][]*upstreamConn // by "scheme://host:port", most recently used last
	closed bool
}

func newUpstreamClient(tlsConfig *tls.Config) *upstreamClient {
	return &upstreamClient{
		dialer:      net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second},
		tls:         tlsConfig,
		idleTimeout: 90 * time.Second,
		maxIdle:     32,
		idle:        make(map[string][]*upstreamConn),
	}
}

// upstreamConn is one connection to an upstream, idle or carrying one exchange.
type upstreamConn struct {
	conn     net.Conn // *net.TCPConn, or *tls.Conn over one
	tcp      *net.TCPConn
	br       *bufio.Reader
	bw       *bufio.Writer
	idleFrom time.Time
}

// errUpstreamClosed: the proxy is closing.
var errUpstreamClosed = errors.New("proxy closed")

// roundTrip sends a request (method, the target u, host as its Host header,
// header less its hop-by-hop fields, and body) and returns the answer with
// its body read whole, up to maxResponseBytes+1 bytes.
func (c *upstreamClient) roundTrip(ctx context.Context, method string, u *url.URL, host string, header http.Header, body []byte) (*http.Response, []byte, error) {
	key, addr := poolKey(u)
	for attempt := 0; ; attempt++ {
		uc, reused, err := c.get(ctx, key, addr, u)
		if err != nil {
			return nil, nil, err
		}
		resp, rbody, keep, sent, err := uc.exchange(ctx, method, u, host, header, body)
		if err == nil {
			if keep {
				c.put(key, uc)
			} else {
				uc.conn.Close()
			}
			return resp, rbody, nil
		}
		uc.conn.Close()
		// A kept-alive connection the upstream reset while we were choosing it
		// fails the write: no whole request reached the upstream, so one more
		// try on a new connection cannot make it see the request twice.
		if !reused || sent || attempt > 0 || ctx.Err() != nil {
			return nil, nil, err
		}
	}
}

// poolKey names the upstream u points at, and the address to dial.
func poolKey(u *url.URL) (key, addr string) {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	addr = net.JoinHostPort(u.Hostname(), port)
	return u.Scheme + "://" + addr, addr
}

// get returns an idle connection to key that is still open, or dials one.
func (c *upstreamClient) get(ctx context.Context, key, addr string, u *url.URL) (uc *upstreamConn, reused bool, err error) {
	now := time.Now()
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return nil, false, errUpstreamClosed
		}
		conns := c.idle[key]
		if len(conns) == 0 {
			c.mu.Unlock()
			break
		}
		uc = conns[len(conns)-1]
		conns[len(conns)-1] = nil
		c.idle[key] = conns[:len(conns)-1]
		c.mu.Unlock()
		if now.Sub(uc.idleFrom) < c.idleTimeout && uc.br.Buffered() == 0 && stillOpen(uc.tcp) {
			return uc, true, nil
		}
		uc.conn.Close()
	}
	uc, err = c.dial(ctx, addr, u)
	return uc, false, err
}

func (c *upstreamClient) dial(ctx context.Context, addr string, u *url.URL) (*upstreamConn, error) {
	nc, err := c.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	tcp, _ := nc.(*net.TCPConn)
	conn := nc
	if u.Scheme == "https" {
		cfg := &tls.Config{}
		if c.tls != nil {
			cfg = c.tls.Clone()
		}
		if cfg.ServerName == "" {
			cfg.ServerName = u.Hostname()
		}
		cfg.NextProtos = []string{"http/1.1"}
		tc := tls.Client(nc, cfg)
		hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			nc.Close()
			return nil, fmt.Errorf("TLS handshake: %w", err)
		}
		conn = tc
	}
	return &upstreamConn{conn: conn, tcp: tcp, br: bufio.NewReader(conn), bw: bufio.NewWriter(conn)}, nil
}

// put keeps uc for the next request to key, unless enough are kept already.
func (c *upstreamClient) put(key string, uc *upstreamConn) {
	uc.idleFrom = time.Now()
	c.mu.Lock()
	if !c.closed && len(c.idle[key]) < c.maxIdle {
		c.idle[key] = append(c.idle[key], uc)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	uc.conn.Close()
}

// close closes the idle connections and stops keeping any.
func (c *upstreamClient) close() {
	c.mu.Lock()
	idle := c.idle
	c.idle, c.closed = nil, true
	c.mu.Unlock()
	for _, conns := range idle {
		for _, uc := range conns {
			uc.conn.Close()
		}
	}
}

// aLongTimeAgo, set as a deadline, ends a blocked read or write at once.
var aLongTimeAgo = time.Unix(1, 0)

// exchange writes one request and reads its answer. sent reports whether
// any of the request may have reached the upstream; keep whether the
// connection can carry another request.
func (uc *upstreamConn) exchange(ctx context.Context, method string, u *url.URL, host string, header http.Header, body []byte) (resp *http.Response, rbody []byte, keep, sent bool, err error) {
	requestURI := u.RequestURI()
	if err := checkRequestHead(requestURI, host, header); err != nil {
		return nil, nil, false, false, err
	}
	stop := context.AfterFunc(ctx, func() { _ = uc.conn.SetDeadline(aLongTimeAgo) })
	defer stop()
	fail := func(err error) (*http.Response, []byte, bool, bool, error) {
		if cerr := context.Cause(ctx); cerr != nil {
			err = cerr
		}
		return nil, nil, false, sent, err
	}

	writeRequestHead(uc.bw, method, requestURI, host, header, len(body))
	if _, err := uc.bw.Write(body); err != nil {
		return fail(fmt.Errorf("writing request: %w", err))
	}
	if err := uc.bw.Flush(); err != nil {
		return fail(fmt.Errorf("writing request: %w", err))
	}
	sent = true

	req := &http.Request{Method: method} // ReadResponse needs only the method (HEAD has no body)
	for interim := 0; ; interim++ {
		resp, err = http.ReadResponse(uc.br, req)
		if err != nil {
			return fail(fmt.Errorf("reading response: %w", err))
		}
		// 1xx answers (100 Continue to an Expect header) precede the real one.
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
		if interim == maxInterimResponses {
			return fail(fmt.Errorf("reading response: more than %d 1xx answers", maxInterimResponses))
		}
	}
	rbody, err = readBody(io.LimitReader(resp.Body, maxResponseBytes+1), resp.ContentLength)
	if err != nil {
		return fail(fmt.Errorf("reading response body: %w", err))
	}
	// Reuse needs the body read to its end, which a longer one was not.
	keep = !resp.Close && len(rbody) <= maxResponseBytes && resp.StatusCode != http.StatusSwitchingProtocols
	// A context that ended just now may have set a deadline in the past on
	// the connection, which would cut the next exchange short.
	keep = stop() && keep
	return resp, rbody, keep, sent, nil
}

// maxInterimResponses bounds the 1xx answers read before the final one, as
// net/http does.
const maxInterimResponses = 5

// checkRequestHead refuses what would let a request line or header field
// end early and start another: CR, LF or NUL anywhere, and a space in the
// request target or a header name. Requests the proxy forwards were parsed by
// net/http already; this keeps other callers honest.
func checkRequestHead(requestURI, host string, header http.Header) error {
	const lineBreaks = "\r\n\x00"
	switch {
	case strings.ContainsAny(requestURI, lineBreaks+" "):
		return fmt.Errorf("request target %q: control characters or spaces", requestURI)
	case strings.ContainsAny(host, lineBreaks):
		return fmt.Errorf("host %q: control characters", host)
	}
	for k := range header {
		if k == "" || strings.ContainsAny(k, lineBreaks+" \t:") {
			return fmt.Errorf("header name %q: not a field name", k)
		}
	}
	return nil
}

// writeRequestHead writes an HTTP/1.1 request line and header block: the
// client's fields as they came (less hop-by-hop ones), the Host it asked
// for, and the body's length. Nothing is added: no User-Agent, no
// Accept-Encoding. header's names are canonical, as net/http's server
// gives them.
func writeRequestHead(w *bufio.Writer, method, requestURI, host string, header http.Header, bodyLen int) {
	w.WriteString(method)
	w.WriteByte(' ')
	w.WriteString(requestURI)
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(host)
	w.WriteString("\r\n")
	dropped := connectionTokens(header)
	for k, vs := range header {
		if isHopHeader(k) || dropped[k] || k == "Host" || k == "Content-Length" {
			continue
		}
		for _, v := range vs {
			w.WriteString(k)
			w.WriteString(": ")
			writeFieldValue(w, v)
			w.WriteString("\r\n")
		}
	}
	if bodyLen > 0 || method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		w.WriteString("Content-Length: ")
		w.WriteString(strconv.Itoa(bodyLen))
		w.WriteString("\r\n")
	}
	w.WriteString("\r\n")
}

// writeFieldValue writes v with CR and LF as spaces, as net/http does: a
// header value can never start a field of its own.
func writeFieldValue(w *bufio.Writer, v string) {
	if !strings.ContainsAny(v, "\r\n") {
		w.WriteString(v)
		return
	}
	for i := 0; i < len(v); i++ {
		if b := v[i]; b == '\r' || b == '\n' {
			w.WriteByte(' ')
		} else {
			w.WriteByte(b)
		}
	}
}

// connectionTokens returns the fields a Connection header names (they are
// hop-by-hop too), nil when there are none.
func connectionTokens(h http.Header) map[string]bool {
	vs := h["Connection"]
	if len(vs) == 0 {
		return nil
	}
	names := make(map[string]bool)
	for _, v := range vs {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				names[http.CanonicalHeaderKey(name)] = true
			}
		}
	}
	return names
}

// isHopHeader reports whether the canonical field name k belongs to one
// connection only (RFC 9110 7.6.1).
func isHopHeader(k string) bool {
	switch k {
	case "Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
		"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade":
		return true
	}
	return false
}
