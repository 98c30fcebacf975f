package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/elazarl/goproxy"

	"github.com/kmsconform/kmsconform/proxy/journal"
)

// handshakeTimeout bounds the wait for a tunnelled client's first bytes and
// TLS handshake.
const handshakeTimeout = 15 * time.Second

// newConnectHandler returns the goproxy server that answers CONNECT. goproxy
// accepts the tunnel and hands over the client connection; the proxy then
// terminates TLS with a leaf certificate signed by goproxy's signer with our
// CA (cached per host) and serves the tunnel with its own http.Server. That
// server gives each request a context that ends when the client goes away, and
// lets faults hijack the connection to reset it, which goproxy's own MITM loop
// cannot do.
func (p *Proxy) newConnectHandler() *goproxy.ProxyHttpServer {
	gp := goproxy.NewProxyHttpServer()
	gp.Logger = slogPrintf{p.log}
	gp.CertStore = p.leaves
	gp.ConnectDial = nil // tunnels are always intercepted, never dialled through (nor via HTTPS_PROXY)
	gp.OnRequest().HandleConnectFunc(func(host string, ctx *goproxy.ProxyCtx) (*goproxy.ConnectAction, string) {
		if _, err := p.route("https", host); err != nil {
			p.rejectConnect(ctx, host, err)
			return &goproxy.ConnectAction{Action: goproxy.ConnectReject}, host
		}
		return &goproxy.ConnectAction{
			Action: goproxy.ConnectHijack,
			Hijack: func(_ *http.Request, client net.Conn, ctx *goproxy.ProxyCtx) {
				p.intercept(client, ctx, host)
			},
		}, host
	})
	return gp
}

// rejectConnect answers a CONNECT with 502 and records why.
func (p *Proxy) rejectConnect(ctx *goproxy.ProxyCtx, host string, reason error) {
	msg := "kmsconform proxy: " + reason.Error()
	ctx.Resp = &http.Response{
		StatusCode:    http.StatusBadGateway,
		Status:        "502 Bad Gateway",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"text/plain; charset=utf-8"}, "Connection": {"close"}, ProxyErrorHeader: {"true"}},
		Body:          io.NopCloser(strings.NewReader(msg)),
		ContentLength: int64(len(msg)),
	}
	p.journal.Record(journal.Entry{
		Host: host, Method: http.MethodConnect, Path: host, Mode: modeMITM, Received: time.Now(),
		Status: http.StatusBadGateway, Outcome: "rejected", Error: reason.Error(),
		Request: journal.Message{Headers: journal.RedactHeaders(ctx.Req.Header)},
	})
	p.log.Warn("CONNECT rejected", "host", host, "reason", reason)
}

// intercept accepts the tunnel, terminates TLS if the client speaks it, and
// hands the connection to the tunnel server.
func (p *Proxy) intercept(client net.Conn, gctx *goproxy.ProxyCtx, host string) {
	if _, err := io.WriteString(client, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		client.Close()
		return
	}
	_ = client.SetReadDeadline(time.Now().Add(handshakeTimeout))
	br := bufio.NewReader(client)
	first, err := br.Peek(1)
	if err != nil {
		client.Close()
		return
	}
	var conn net.Conn = &peekedConn{Conn: client, r: br}
	scheme := "http"
	if first[0] == 0x16 { // a TLS handshake record
		cfg, err := goproxy.TLSConfigFromCA(&p.cfg.CA.TLS)(host, gctx)
		if err != nil {
			p.log.Warn("MITM: signing leaf certificate", "host", host, "err", err)
			client.Close()
			return
		}
		cfg.NextProtos = []string{"http/1.1"}
		tc := tls.Server(conn, cfg)
		hctx, cancel := context.WithTimeout(p.ctx, handshakeTimeout)
		err = tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			p.log.Warn("MITM: TLS handshake with client failed (does it trust the proxy CA?)", "host", host, "err", err)
			client.Close()
			return
		}
		conn, scheme = tc, "https"
	}
	_ = client.SetReadDeadline(time.Time{})
	p.tunnels.serve(&tunnelConn{Conn: conn, target: host, scheme: scheme})
}

// peekedConn is a connection whose first bytes were read into r.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(b []byte) (int, error) { return c.r.Read(b) }
func (c *peekedConn) NetConn() net.Conn          { return c.Conn }

// tunnelConn is an intercepted client connection with the CONNECT target it
// asked for.
type tunnelConn struct {
	net.Conn
	target string // host:port from CONNECT
	scheme string // "https" when the tunnel carried TLS
}

func (c *tunnelConn) NetConn() net.Conn { return c.Conn }

type tunnelKey struct{}

// tunnelServer serves intercepted connections with an http.Server that reads
// them from a channel rather than a socket.
type tunnelServer struct {
	srv   *http.Server
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
}

func newTunnelServer(p *Proxy) *tunnelServer {
	t := &tunnelServer{conns: make(chan net.Conn), done: make(chan struct{})}
	t.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tc, _ := r.Context().Value(tunnelKey{}).(*tunnelConn)
			target, err := p.route(tc.scheme, tc.target)
			p.serveExchange(w, r, modeMITM, target, err)
		}),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, tunnelKey{}, c)
		},
		ReadHeaderTimeout: time.Minute,
		IdleTimeout:       2 * time.Minute,
		// A panic in a tunnelled exchange is recovered by net/http and logged here.
		ErrorLog: slog.NewLogLogger(p.log.Handler(), slog.LevelWarn),
	}
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		_ = t.srv.Serve(t) // returns when closed
	}()
	return t
}

func (t *tunnelServer) serve(c *tunnelConn) {
	select {
	case t.conns <- c:
	case <-t.done:
		c.Close()
	}
}

// Accept, Close and Addr make tunnelServer the net.Listener of its http.Server.
func (t *tunnelServer) Accept() (net.Conn, error) {
	select {
	case c := <-t.conns:
		return c, nil
	case <-t.done:
		return nil, net.ErrClosed
	}
}

func (t *tunnelServer) Close() error {
	t.once.Do(func() { close(t.done) })
	return nil
}

func (t *tunnelServer) Addr() net.Addr { return tunnelAddr{} }

func (t *tunnelServer) close() error {
	err := t.srv.Close() // closes the listener (t) and every tunnel
	t.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

type tunnelAddr struct{}

func (tunnelAddr) Network() string { return "tunnel" }
func (tunnelAddr) String() string  { return "kmsconform-mitm" }

// slogPrintf lets goproxy log through slog, at debug level.
type slogPrintf struct{ log *slog.Logger }

func (s slogPrintf) Printf(format string, args ...any) {
	s.log.Debug("goproxy: " + strings.TrimSpace(fmt.Sprintf(format, args...)))
}
