package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// failSafe bounds every wait in these tests: reaching it means something hung,
// never that something was merely slow.
const failSafe = 5 * time.Second

// rawUpstream is a loopback HTTP/1.1 server whose answers the test writes
// byte by byte, and which records every request exactly as it arrived.
type rawUpstream struct {
	ln  net.Listener
	url *url.URL
	// answer writes the answer to the n-th request the server read (0-based,
	// across connections); returning false closes the connection.
	answer   func(c net.Conn, n int, req *http.Request, body []byte) bool
	accepted atomic.Int32
	received chan int      // n of each request read
	ended    chan struct{} // one per connection that ended (EOF from the client, or closed by answer)

	mu       sync.Mutex
	requests []string // raw bytes of each request, head and body
	conns    []net.Conn
	wg       sync.WaitGroup
}

func startRaw(t *testing.T, answer func(c net.Conn, n int, req *http.Request, body []byte) bool) *rawUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawUpstream{
		ln: ln, url: &url.URL{Scheme: "http", Host: ln.Addr().String()}, answer: answer,
		received: make(chan int, 64), ended: make(chan struct{}, 64),
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.close)
	return s
}

func (s *rawUpstream) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.accepted.Add(1)
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serveConn(c)
	}
}

func (s *rawUpstream) serveConn(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		c.Close()
		select {
		case s.ended <- struct{}{}:
		default:
		}
	}()
	rec := &recordingReader{r: c}
	br := bufio.NewReader(rec)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		s.mu.Lock()
		n := len(s.requests)
		s.requests = append(s.requests, string(rec.take()))
		s.mu.Unlock()
		s.received <- n
		if !s.answer(c, n, req, body) {
			return
		}
	}
}

func (s *rawUpstream) close() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// seen returns the raw requests received so far.
func (s *rawUpstream) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// waitEnded waits for n more connections to end.
func (s *rawUpstream) waitEnded(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-s.ended:
		case <-time.After(failSafe):
			t.Fatal("upstream connection still open")
		}
	}
}

// recordingReader keeps what passes through it.
type recordingReader struct {
	r   io.Reader
	buf []byte
}

func (r *recordingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.buf = append(r.buf, p[:n]...)
	return n, err
}

func (r *recordingReader) take() []byte {
	b := r.buf
	r.buf = nil
	return b
}

// echo answers 200 with the request body.
func echo(c net.Conn, _ int, _ *http.Request, body []byte) bool {
	fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	return true
}

func newTestClient(t *testing.T, cfg *tls.Config) *upstreamClient {
	t.Helper()
	c := newUpstreamClient(cfg)
	t.Cleanup(c.close)
	return c
}

// post sends body to base (whose Host it uses as the Host header).
func post(ctx context.Context, c *upstreamClient, base *url.URL, body string) (*http.Response, []byte, error) {
	u := *base
	u.Path = "/"
	return c.roundTrip(ctx, http.MethodPost, &u, base.Host,
		http.Header{"Content-Type": {"application/x-amz-json-1.1"}}, []byte(body))
}

// mustPost posts and wants 200 echoing body.
func mustPost(t *testing.T, c *upstreamClient, base *url.URL, body string) {
	t.Helper()
	resp, rbody, err := post(context.Background(), c, base, body)
	if err != nil {
		t.Fatalf("request %q: %v", body, err)
	}
	if resp.StatusCode != http.StatusOK || string(rbody) != body {
		t.Fatalf("request %q: answer %d %q, want 200 echoing it", body, resp.StatusCode, rbody)
	}
}

// idleConns counts the connections c keeps.
func idleConns(c *upstreamClient) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, conns := range c.idle {
		n += len(conns)
	}
	return n
}

// waitIdleStale waits until no connection c keeps looks open any more, as
// get will see them: the upstream's close (or unsolicited bytes) has arrived.
func waitIdleStale(t *testing.T, c *upstreamClient) {
	t.Helper()
	deadline := time.Now().Add(failSafe)
	for {
		c.mu.Lock()
		open, kept := 0, 0
		for _, conns := range c.idle {
			for _, uc := range conns {
				kept++
				if uc.br.Buffered() == 0 && stillOpen(uc.tcp) {
					open++
				}
			}
		}
		c.mu.Unlock()
		if kept == 0 {
			t.Fatal("no idle connection kept: the test expects one")
		}
		if open == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the upstream's close never showed on the idle connection")
		}
		time.Sleep(time.Millisecond)
	}
}

// countingServer serves h on loopback (over TLS if tlsOn) and counts the
// connections it accepts; closed receives one value per connection that ends.
func countingServer(t *testing.T, h http.Handler, tlsOn bool, idleTimeout time.Duration) (srv *httptest.Server, accepted *atomic.Int32, closed chan struct{}) {
	t.Helper()
	accepted = new(atomic.Int32)
	closed = make(chan struct{}, 64)
	srv = httptest.NewUnstartedServer(h)
	srv.Config.IdleTimeout = idleTimeout
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // TLS handshakes the tests make fail on purpose
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			accepted.Add(1)
		case http.StateClosed, http.StateHijacked:
			select {
			case closed <- struct{}{}:
			default:
			}
		}
	}
	if tlsOn {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, accepted, closed
}

// recordingEcho echoes each request's body and remembers it.
type recordingEcho struct {
	mu     sync.Mutex
	bodies []string
	hosts  []string
	tls    []bool
	protos []string
}

func (e *recordingEcho) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	e.bodies = append(e.bodies, string(body))
	e.hosts = append(e.hosts, r.Host)
	e.tls = append(e.tls, r.TLS != nil)
	e.protos = append(e.protos, r.Proto)
	e.mu.Unlock()
	_, _ = w.Write(body)
}

func (e *recordingEcho) seen() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.bodies)
}

// trusting returns a client TLS config that trusts srv's certificate only.
func trusting(srv *httptest.Server) *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return &tls.Config{RootCAs: pool}
}

func waitSignal(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(failSafe):
		t.Fatalf("timed out waiting for %s", what)
	}
}

func TestUpstreamKeepAliveReusesOneConnection(t *testing.T) {
	for _, tlsOn := range []bool{false, true} {
		t.Run(map[bool]string{false: "http", true: "https"}[tlsOn], func(t *testing.T) {
			e := &recordingEcho{}
			srv, accepted, _ := countingServer(t, e, tlsOn, 0)
			var cfg *tls.Config
			if tlsOn {
				cfg = trusting(srv)
			}
			c := newTestClient(t, cfg)
			base, _ := url.Parse(srv.URL)
			const n = 5
			var want []string
			for i := range n {
				body := "request-" + strconv.Itoa(i)
				mustPost(t, c, base, body)
				want = append(want, body)
			}
			if got := accepted.Load(); got != 1 {
				t.Errorf("upstream accepted %d connections for %d sequential requests, want 1", got, n)
			}
			if got := e.seen(); !slices.Equal(got, want) {
				t.Errorf("upstream saw %q, want %q", got, want)
			}
			if got := idleConns(c); got != 1 {
				t.Errorf("client keeps %d idle connections, want 1", got)
			}
		})
	}
}

// The upstream closes a kept-alive connection while it is idle: the next
// request goes out on a new connection, once.
func TestUpstreamStaleIdleConnection(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reset bool // close with RST (linger 0) rather than FIN
	}{
		{"closed after answering", false},
		{"reset after answering", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			closeNow := make(chan struct{}, 1)
			giveUp := make(chan struct{}) // closed at cleanup, before the server waits for its handlers
			s := startRaw(t, func(c net.Conn, n int, req *http.Request, body []byte) bool {
				echo(c, n, req, body)
				if n > 0 {
					return true
				}
				// Answer the first request with keep-alive, then drop the connection
				// once the client has the answer, before its next request.
				select {
				case <-closeNow:
				case <-giveUp:
				}
				if tc.reset {
					_ = c.(*net.TCPConn).SetLinger(0)
				}
				return false
			})
			t.Cleanup(func() { close(giveUp) })
			c := newTestClient(t, nil)
			mustPost(t, c, s.url, "first")
			closeNow <- struct{}{}
			s.waitEnded(t, 1)
			waitIdleStale(t, c)
			mustPost(t, c, s.url, "second")

			if got := s.accepted.Load(); got != 2 {
				t.Errorf("upstream accepted %d connections, want 2", got)
			}
			assertSeenOnce(t, s.seen(), "first", "second")
		})
	}
}

// assertSeenOnce wants the raw requests to carry exactly the given bodies, in order.
func assertSeenOnce(t *testing.T, raw []string, bodies ...string) {
	t.Helper()
	var got []string
	for _, r := range raw {
		_, body, _ := strings.Cut(r, "\r\n\r\n")
		got = append(got, body)
	}
	if !slices.Equal(got, bodies) {
		t.Errorf("upstream saw request bodies %q, want each of %q exactly once", got, bodies)
	}
}

// An http.Server with a short IdleTimeout closes the kept-alive connection
// between two requests (over TLS it sends close_notify first).
func TestUpstreamServerIdleTimeout(t *testing.T) {
	for _, tlsOn := range []bool{false, true} {
		t.Run(map[bool]string{false: "http", true: "https"}[tlsOn], func(t *testing.T) {
			e := &recordingEcho{}
			srv, accepted, closed := countingServer(t, e, tlsOn, 10*time.Millisecond)
			var cfg *tls.Config
			if tlsOn {
				cfg = trusting(srv)
			}
			c := newTestClient(t, cfg)
			base, _ := url.Parse(srv.URL)
			mustPost(t, c, base, "first")
			waitSignal(t, closed, "the upstream's idle timeout")
			waitIdleStale(t, c)
			mustPost(t, c, base, "second")
			if got := accepted.Load(); got != 2 {
				t.Errorf("upstream accepted %d connections, want 2", got)
			}
			if got, want := e.seen(), []string{"first", "second"}; !slices.Equal(got, want) {
				t.Errorf("upstream saw %q, want %q (each once)", got, want)
			}
		})
	}
}

// Once the request is on the wire it is never sent again, even on a reused
// connection the upstream closes without answering.
func TestUpstreamNeverResendsASentRequest(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first bool // the first request on a connection (not reused) is the one dropped
	}{
		{"fresh connection", true},
		{"reused connection", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startRaw(t, func(c net.Conn, n int, req *http.Request, body []byte) bool {
				if string(body) == "dropped" {
					return false // read whole, never answered
				}
				return echo(c, n, req, body)
			})
			c := newTestClient(t, nil)
			var want []string
			if !tc.first {
				mustPost(t, c, s.url, "answered")
				want = append(want, "answered")
			}
			resp, _, err := post(context.Background(), c, s.url, "dropped")
			if err == nil {
				t.Fatalf("got %d, want an error: the upstream closed without answering", resp.StatusCode)
			}
			want = append(want, "dropped")
			if got := s.accepted.Load(); got != 1 {
				t.Errorf("upstream accepted %d connections, want 1 (no retry)", got)
			}
			assertSeenOnce(t, s.seen(), want...)
			if n := idleConns(c); n != 0 {
				t.Errorf("client keeps %d idle connections after a failed exchange, want 0", n)
			}
		})
	}
}

// How the answer is framed decides whether its connection carries the next
// request: read whole either way.
func TestUpstreamResponseFraming(t *testing.T) {
	for _, tc := range []struct {
		name         string
		method       string
		response     string
		serverCloses bool // the answer ends when the server closes
		wantStatus   int
		wantBody     string
		wantReuse    bool
	}{
		{name: "content-length", response: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
			wantStatus: 200, wantBody: "hello", wantReuse: true},
		{name: "chunked", response: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
			"5\r\nhello\r\n1;ext=1\r\n,\r\n6\r\n world\r\n0\r\n\r\n",
			wantStatus: 200, wantBody: "hello, world", wantReuse: true},
		{name: "chunked with trailer", response: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n" +
			"3\r\nabc\r\n0\r\nX-Sum: 1\r\n\r\n",
			wantStatus: 200, wantBody: "abc", wantReuse: true},
		{name: "no content-length, ends at close", response: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
			serverCloses: true, wantStatus: 200, wantBody: "until the end", wantReuse: false},
		{name: "connection close", response: "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbad",
			wantStatus: 400, wantBody: "bad", wantReuse: false},
		{name: "HTTP/1.0 without keep-alive", response: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
			wantStatus: 200, wantBody: "ok", wantReuse: false},
		{name: "HTTP/1.0 with keep-alive", response: "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
			wantStatus: 200, wantBody: "ok", wantReuse: true},
		{name: "204 no content", response: "HTTP/1.1 204 No Content\r\n\r\n",
			wantStatus: 204, wantBody: "", wantReuse: true},
		{name: "HEAD with content-length", method: http.MethodHead, response: "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n",
			wantStatus: 200, wantBody: "", wantReuse: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startRaw(t, func(c net.Conn, _ int, _ *http.Request, _ []byte) bool {
				_, _ = io.WriteString(c, tc.response)
				return !tc.serverCloses
			})
			c := newTestClient(t, nil)
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			u := *s.url
			u.Path = "/"
			for i := range 2 {
				resp, body, err := c.roundTrip(context.Background(), method, &u, u.Host, http.Header{}, nil)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if resp.StatusCode != tc.wantStatus || string(body) != tc.wantBody {
					t.Fatalf("request %d: %d %q, want %d %q", i, resp.StatusCode, body, tc.wantStatus, tc.wantBody)
				}
				if i == 0 && !tc.wantReuse {
					// The client closes the connection (or the server did): either way it ends.
					s.waitEnded(t, 1)
					if n := idleConns(c); n != 0 {
						t.Errorf("client keeps %d idle connections, want 0", n)
					}
				}
			}
			want := int32(2)
			if tc.wantReuse {
				want = 1
			}
			if got := s.accepted.Load(); got != want {
				t.Errorf("upstream accepted %d connections for 2 requests, want %d", got, want)
			}
			if got := len(s.seen()); got != 2 {
				t.Errorf("upstream saw %d requests, want 2", got)
			}
		})
	}
}

// A connection on which the upstream sent bytes nobody asked for is not
// reused: they would be taken for the next answer.
func TestUpstreamDiscardsConnectionWithUnsolicitedBytes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		later bool // the stray bytes come after the answer, not with it
	}{
		{"with the answer", false},
		{"after the answer", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sendStray := make(chan struct{}, 1)
			giveUp := make(chan struct{}) // closed at cleanup, before the server waits for its handlers
			s := startRaw(t, func(c net.Conn, n int, req *http.Request, body []byte) bool {
				const stray = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray"
				if n > 0 {
					return echo(c, n, req, body)
				}
				if !tc.later {
					fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s%s", len(body), body, stray)
					return true
				}
				echo(c, n, req, body)
				select {
				case <-sendStray:
					_, _ = io.WriteString(c, stray)
				case <-giveUp:
				}
				return true
			})
			t.Cleanup(func() { close(giveUp) })
			c := newTestClient(t, nil)
			mustPost(t, c, s.url, "first")
			sendStray <- struct{}{}
			waitIdleStale(t, c)
			mustPost(t, c, s.url, "second")
			if got := s.accepted.Load(); got != 2 {
				t.Errorf("upstream accepted %d connections, want 2", got)
			}
			assertSeenOnce(t, s.seen(), "first", "second")
		})
	}
}

// 1xx answers before the final one are skipped, their headers with them.
func TestUpstreamSkipsInterimResponses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		interim string
	}{
		{"100 continue", "HTTP/1.1 100 Continue\r\n\r\n"},
		{"103 early hints", "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"},
		{"several", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startRaw(t, func(c net.Conn, _ int, _ *http.Request, body []byte) bool {
				fmt.Fprintf(c, "%sHTTP/1.1 201 Created\r\nX-Final: yes\r\nContent-Length: %d\r\n\r\n%s", tc.interim, len(body), body)
				return true
			})
			c := newTestClient(t, nil)
			for i := range 2 {
				body := "body-" + strconv.Itoa(i)
				u := *s.url
				u.Path = "/"
				resp, rbody, err := c.roundTrip(context.Background(), http.MethodPost, &u, u.Host,
					http.Header{"Expect": {"100-continue"}}, []byte(body))
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != http.StatusCreated || string(rbody) != body {
					t.Fatalf("got %d %q, want 201 %q", resp.StatusCode, rbody, body)
				}
				if resp.Header.Get("X-Final") != "yes" || resp.Header.Get("Link") != "" {
					t.Errorf("final header = %v, want the final answer's only", resp.Header)
				}
			}
			if got := s.accepted.Load(); got != 1 {
				t.Errorf("upstream accepted %d connections, want 1 (reused after the interim answers)", got)
			}
		})
	}
}

// parseRawRequest splits a raw request into its request line, header lines
// (name, value) and body.
func parseRawRequest(t *testing.T, raw string) (line string, fields [][2]string, body string) {
	t.Helper()
	head, body, ok := strings.Cut(raw, "\r\n\r\n")
	if !ok {
		t.Fatalf("no end of header in %q", raw)
	}
	lines := strings.Split(head, "\r\n")
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("malformed header line %q in %q", l, raw)
		}
		fields = append(fields, [2]string{name, strings.TrimLeft(value, " ")})
	}
	return lines[0], fields, body
}

func fieldValues(fields [][2]string, name string) []string {
	var vs []string
	for _, f := range fields {
		if strings.EqualFold(f[0], name) {
			vs = append(vs, f[1])
		}
	}
	return vs
}

func TestUpstreamRequestOnTheWire(t *testing.T) {
	s := startRaw(t, func(c net.Conn, _ int, _ *http.Request, _ []byte) bool {
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		return true
	})
	c := newTestClient(t, nil)
	u, err := url.Parse(s.url.String() + "/some/path%2Fx?b=2&a=1&b=3")
	if err != nil {
		t.Fatal(err)
	}
	const host = "kms.us-east-1.amazonaws.com"
	body := `{"KeyId":"alias/test"}`
	header := http.Header{
		"Content-Type":  {"application/x-amz-json-1.1"},
		"X-Amz-Target":  {"TrentService.DescribeKey"},
		"Authorization": {"AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00"},
		"X-Multi":       {"one", "two"},
		"X-Inject":      {"a\r\nX-Injected: crlf"},
		"X-Bare-Lf":     {"b\nX-Injected: lf"},
		"X-Bare-Cr":     {"c\rX-Injected: cr"},
		// Hop-by-hop, and named hop-by-hop by Connection: all dropped.
		"Connection":          {"keep-alive, X-Hop-Named", "x-hop-lower"},
		"X-Hop-Named":         {"dropped"},
		"X-Hop-Lower":         {"dropped"},
		"Keep-Alive":          {"timeout=5"},
		"Te":                  {"trailers"},
		"Transfer-Encoding":   {"chunked"},
		"Upgrade":             {"h2c"},
		"Proxy-Authorization": {"Basic c2VjcmV0"},
		"Proxy-Connection":    {"keep-alive"},
		"Trailer":             {"X-Sum"},
		// Replaced by the host argument and the body's real length.
		"Host":           {"wrong.example"},
		"Content-Length": {"999"},
	}
	before := header.Clone()
	resp, _, err := c.roundTrip(context.Background(), http.MethodPost, u, host, header, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if !equalHeaders(header, before) {
		t.Errorf("roundTrip changed the caller's header: %v, was %v", header, before)
	}
	seen := s.seen()
	if len(seen) != 1 {
		t.Fatalf("upstream saw %d requests, want 1", len(seen))
	}
	line, fields, gotBody := parseRawRequest(t, seen[0])
	if want := "POST /some/path%2Fx?b=2&a=1&b=3 HTTP/1.1"; line != want {
		t.Errorf("request line %q, want %q", line, want)
	}
	if gotBody != body {
		t.Errorf("body %q, want %q", gotBody, body)
	}
	var names []string
	for _, f := range fields {
		names = append(names, f[0])
	}
	slices.Sort(names)
	// Exactly these lines: nothing dropped that should pass, nothing added
	// (no User-Agent, no Accept-Encoding), nothing injected.
	wantNames := []string{"Authorization", "Content-Length", "Content-Type", "Host",
		"X-Amz-Target", "X-Bare-Cr", "X-Bare-Lf", "X-Inject", "X-Multi", "X-Multi"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("header lines %q, want exactly %q\nraw request:\n%s", names, wantNames, seen[0])
	}
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"Host", []string{host}},
		{"Content-Length", []string{strconv.Itoa(len(body))}},
		{"X-Multi", []string{"one", "two"}},
		{"Authorization", header["Authorization"]},
		{"Content-Type", header["Content-Type"]},
		{"X-Amz-Target", header["X-Amz-Target"]},
		{"X-Inject", []string{"a  X-Injected: crlf"}},
		{"X-Bare-Lf", []string{"b X-Injected: lf"}},
		{"X-Bare-Cr", []string{"c X-Injected: cr"}},
		{"X-Injected", nil},
		{"User-Agent", nil},
		{"Accept-Encoding", nil},
	} {
		if got := fieldValues(fields, tc.name); !slices.Equal(got, tc.want) {
			t.Errorf("%s lines: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, vs := range a {
		if !slices.Equal(vs, b[k]) {
			return false
		}
	}
	return true
}

// Content-Length is the body's length, and is sent for an empty body only
// where a body is expected.
func TestUpstreamRequestContentLength(t *testing.T) {
	s := startRaw(t, func(c net.Conn, _ int, _ *http.Request, _ []byte) bool {
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		return true
	})
	c := newTestClient(t, nil)
	for i, tc := range []struct {
		method string
		body   string
		want   []string // Content-Length lines
	}{
		{http.MethodGet, "", nil},
		{http.MethodHead, "", nil},
		{http.MethodDelete, "", nil},
		{http.MethodPost, "", []string{"0"}},
		{http.MethodPut, "", []string{"0"}},
		{http.MethodPatch, "", []string{"0"}},
		{http.MethodPost, "abc", []string{"3"}},
		{http.MethodGet, "abcd", []string{"4"}},
		{http.MethodDelete, "x", []string{"1"}},
	} {
		u := *s.url
		u.Path = "/"
		var body []byte
		if tc.body != "" {
			body = []byte(tc.body)
		}
		if _, _, err := c.roundTrip(context.Background(), tc.method, &u, u.Host, http.Header{}, body); err != nil {
			t.Fatalf("%s %q: %v", tc.method, tc.body, err)
		}
		seen := s.seen()
		if len(seen) != i+1 {
			t.Fatalf("upstream saw %d requests, want %d", len(seen), i+1)
		}
		line, fields, gotBody := parseRawRequest(t, seen[i])
		if got := fieldValues(fields, "Content-Length"); !slices.Equal(got, tc.want) || gotBody != tc.body ||
			!strings.HasPrefix(line, tc.method+" / ") {
			t.Errorf("%s %q: request line %q, Content-Length %q, body %q; want Content-Length %q",
				tc.method, tc.body, line, got, gotBody, tc.want)
		}
	}
	if got := s.accepted.Load(); got != 1 {
		t.Errorf("upstream accepted %d connections, want 1", got)
	}
}

// What roundTrip writes besides header values cannot start a header line of
// its own: a Host argument, a header name or a raw query holding CR LF.
// net/http's Transport refuses the header name ("invalid header field name")
// and the URL ("can't write control character in Request.URL"). Through the
// Proxy they cannot occur (its http.Server validated the request first).
func TestUpstreamHostNameAndURLCannotInjectHeader(t *testing.T) {
	s := startRaw(t, func(c net.Conn, _ int, _ *http.Request, _ []byte) bool {
		_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		return true
	})
	for _, tc := range []struct {
		name     string
		host     string
		header   http.Header
		rawQuery string
	}{
		{name: "Host argument", host: "kms.example\r\nX-Injected: yes"},
		{name: "header name", header: http.Header{"X-Evil: a\r\nX-Injected": {"yes"}}},
		{name: "raw query", rawQuery: "a=1 HTTP/1.1\r\nX-Injected: yes\r\nX-Rest:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t, nil)
			u := *s.url
			u.Path, u.RawQuery = "/", tc.rawQuery
			host := tc.host
			if host == "" {
				host = u.Host
			}
			before := len(s.seen())
			_, _, err := c.roundTrip(context.Background(), http.MethodGet, &u, host, tc.header, nil)
			if err != nil {
				return // refusing the request is fine
			}
			seen := s.seen()
			if len(seen) != before+1 {
				t.Fatalf("upstream saw %d requests, want %d", len(seen), before+1)
			}
			_, fields, _ := parseRawRequest(t, seen[before])
			if got := fieldValues(fields, "X-Injected"); len(got) != 0 {
				t.Errorf("CR LF in the %s injected a header line:\n%s", tc.name, seen[before])
			}
		})
	}
}

// Cancelling the context ends an exchange the upstream never answers, with
// the context's cause, and the connection is closed rather than kept.
func TestUpstreamContextCancelUnblocks(t *testing.T) {
	errGaveUp := errors.New("test gave up")
	for _, tc := range []struct {
		name     string
		partial  string // what the upstream writes before going silent
		deadline bool   // a deadline ends the wait instead of a cancel
		want     error
	}{
		{name: "no answer, cancelled", want: errGaveUp},
		{name: "no answer, deadline", deadline: true, want: context.DeadlineExceeded},
		{name: "half a header, cancelled", partial: "HTTP/1.1 200 OK\r\nContent-Le", want: errGaveUp},
		{name: "half a body, cancelled", partial: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", want: errGaveUp},
		{name: "half a chunked body, deadline", partial: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nhalf\r\n",
			deadline: true, want: context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startRaw(t, func(c net.Conn, _ int, _ *http.Request, _ []byte) bool {
				_, _ = io.WriteString(c, tc.partial)
				return true // and reads on: never answers
			})
			c := newTestClient(t, nil)
			var ctx context.Context
			if tc.deadline {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
				defer cancel()
			} else {
				var cancel context.CancelCauseFunc
				ctx, cancel = context.WithCancelCause(context.Background())
				defer cancel(nil)
				go func() {
					select {
					case <-s.received: // the upstream has the request
						cancel(errGaveUp)
					case <-time.After(failSafe):
					}
				}()
			}
			type result struct {
				resp *http.Response
				err  error
			}
			done := make(chan result, 1)
			go func() {
				resp, _, err := post(ctx, c, s.url, "hang")
				done <- result{resp, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(failSafe):
				t.Fatal("roundTrip still blocked after the context ended")
			}
			if r.err == nil {
				t.Fatalf("got %d, want an error", r.resp.StatusCode)
			}
			if !errors.Is(r.err, tc.want) {
				t.Errorf("error %v, want %v", r.err, tc.want)
			}
			s.waitEnded(t, 1) // the client closed the connection
			if n := idleConns(c); n != 0 {
				t.Errorf("client keeps %d idle connections, want 0", n)
			}
			if got := len(s.seen()); got != 1 {
				t.Errorf("upstream saw %d requests, want 1", got)
			}
		})
	}
}

func TestUpstreamHTTPS(t *testing.T) {
	e := &recordingEcho{}
	srv, accepted, _ := countingServer(t, e, true, 0)
	base, _ := url.Parse(srv.URL)

	for _, tc := range []struct {
		name    string
		cfg     func() *tls.Config
		wantErr bool
	}{
		{"trusting the server's certificate", func() *tls.Config { return trusting(srv) }, false},
		{"server name from the config", func() *tls.Config {
			cfg := trusting(srv)
			cfg.ServerName = "example.com" // in httptest's certificate
			return cfg
		}, false},
		{"transport's own config", func() *tls.Config {
			return srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
		}, false},
		{"untrusted certificate", func() *tls.Config { return &tls.Config{RootCAs: x509.NewCertPool()} }, true},
		{"wrong server name", func() *tls.Config {
			cfg := trusting(srv)
			cfg.ServerName = "other.example"
			return cfg
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg()
			before := cfg.Clone()
			c := newTestClient(t, cfg)
			u := *base
			u.Path = "/"
			resp, body, err := c.roundTrip(context.Background(), http.MethodPost, &u, "kms.us-east-1.amazonaws.com",
				http.Header{}, []byte("secret"))
			if cfg.ServerName != before.ServerName || !slices.Equal(cfg.NextProtos, before.NextProtos) {
				t.Errorf("roundTrip changed the caller's TLS config")
			}
			if tc.wantErr {
				if err == nil {
					t.Fatalf("got %d, want a TLS error", resp.StatusCode)
				}
				var verr *tls.CertificateVerificationError
				if !errors.As(err, &verr) || !strings.Contains(err.Error(), "TLS handshake") {
					t.Errorf("error %v, want a certificate verification error from the TLS handshake", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || string(body) != "secret" {
				t.Fatalf("got %d %q", resp.StatusCode, body)
			}
		})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.hosts) != 3 {
		t.Fatalf("upstream saw %d requests, want 3", len(e.hosts))
	}
	for i := range e.hosts {
		if e.hosts[i] != "kms.us-east-1.amazonaws.com" || !e.tls[i] || e.protos[i] != "HTTP/1.1" {
			t.Errorf("request %d: Host %q, TLS %v, %s; want the Host argument over TLS, HTTP/1.1", i, e.hosts[i], e.tls[i], e.protos[i])
		}
	}
	if got := accepted.Load(); got != 5 {
		t.Errorf("upstream accepted %d connections, want 5 (one per client)", got)
	}
}

func TestUpstreamClose(t *testing.T) {
	t.Run("idle connections", func(t *testing.T) {
		s := startRaw(t, echo)
		c := newTestClient(t, nil)
		mustPost(t, c, s.url, "before")
		if n := idleConns(c); n != 1 {
			t.Fatalf("client keeps %d idle connections, want 1", n)
		}
		c.close()
		s.waitEnded(t, 1) // the upstream sees the idle connection closed
		_, _, err := post(context.Background(), c, s.url, "after")
		if !errors.Is(err, errUpstreamClosed) {
			t.Errorf("roundTrip after close: %v, want errUpstreamClosed", err)
		}
		if got := s.accepted.Load(); got != 1 {
			t.Errorf("upstream accepted %d connections, want 1 (nothing dialled after close)", got)
		}
		assertSeenOnce(t, s.seen(), "before")
		c.close() // twice is fine
	})
	t.Run("exchange in flight", func(t *testing.T) {
		release := make(chan struct{})
		giveUp := make(chan struct{}) // closed at cleanup, before the server waits for its handlers
		s := startRaw(t, func(c net.Conn, n int, req *http.Request, body []byte) bool {
			select {
			case <-release:
			case <-giveUp:
				return false
			}
			return echo(c, n, req, body)
		})
		t.Cleanup(func() { close(giveUp) })
		c := newTestClient(t, nil)
		done := make(chan error, 1)
		go func() {
			resp, body, err := post(context.Background(), c, s.url, "in flight")
			if err == nil && (resp.StatusCode != 200 || string(body) != "in flight") {
				err = fmt.Errorf("got %d %q", resp.StatusCode, body)
			}
			done <- err
		}()
		select {
		case <-s.received:
		case <-time.After(failSafe):
			t.Fatal("the request never arrived")
		}
		c.close()
		close(release)
		if err := <-done; err != nil {
			t.Errorf("the exchange in flight at close: %v, want its answer", err)
		}
		s.waitEnded(t, 1) // not kept: closed once the answer was read
		if n := idleConns(c); n != 0 {
			t.Errorf("client keeps %d idle connections after close, want 0", n)
		}
	})
}

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (local *net.TCPConn, peer *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	p := <-accepted
	if p == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); p.Close() })
	return c.(*net.TCPConn), p.(*net.TCPConn)
}

func TestStillOpen(t *testing.T) {
	if stillOpen(nil) != true {
		t.Error("stillOpen(nil) = false, want true (not a TCP connection: nothing to peek at)")
	}
	for _, tc := range []struct {
		name   string
		act    func(local, peer *net.TCPConn)
		want   bool
		unread string // still readable on local afterwards: peeking consumed nothing
	}{
		{name: "idle and open", act: func(_, _ *net.TCPConn) {}, want: true},
		{name: "idle after an exchange", act: func(local, peer *net.TCPConn) {
			_, _ = local.Write([]byte("ping"))
			_, _ = io.ReadFull(peer, make([]byte, 4))
			_, _ = peer.Write([]byte("pong"))
			_, _ = io.ReadFull(local, make([]byte, 4))
		}, want: true},
		{name: "peer closed", act: func(_, peer *net.TCPConn) { peer.Close() }},
		{name: "peer closed its write side", act: func(_, peer *net.TCPConn) { _ = peer.CloseWrite() }},
		{name: "peer reset", act: func(_, peer *net.TCPConn) { _ = peer.SetLinger(0); peer.Close() }},
		{name: "peer sent unsolicited bytes", act: func(_, peer *net.TCPConn) { _, _ = peer.Write([]byte("x")) }, unread: "x"},
		{name: "closed locally", act: func(local, _ *net.TCPConn) { local.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			local, peer := tcpPair(t)
			tc.act(local, peer)
			if tc.want {
				if !stillOpen(local) {
					t.Fatal("stillOpen = false, want true")
				}
				if !stillOpen(local) {
					t.Fatal("stillOpen = false on the second call, want true")
				}
			} else {
				// What the peer did takes a moment to arrive; it must show then.
				deadline := time.Now().Add(failSafe)
				for stillOpen(local) {
					if time.Now().After(deadline) {
						t.Fatal("stillOpen still true")
					}
					time.Sleep(time.Millisecond)
				}
			}
			if tc.unread != "" {
				_ = local.SetReadDeadline(time.Now().Add(failSafe))
				b := make([]byte, len(tc.unread))
				if _, err := io.ReadFull(local, b); err != nil || string(b) != tc.unread {
					t.Errorf("read after stillOpen: %q, %v; want %q (a peek consumes nothing)", b, err, tc.unread)
				}
			}
		})
	}
}

func TestPoolKey(t *testing.T) {
	for _, tc := range []struct{ url, key, addr string }{
		{"http://kms.example", "http://kms.example:80", "kms.example:80"},
		{"https://kms.example", "https://kms.example:443", "kms.example:443"},
		{"http://127.0.0.1:8080/x", "http://127.0.0.1:8080", "127.0.0.1:8080"},
		{"https://[::1]/", "https://[::1]:443", "[::1]:443"},
		{"https://[::1]:8443", "https://[::1]:8443", "[::1]:8443"},
	} {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if key, addr := poolKey(u); key != tc.key || addr != tc.addr {
			t.Errorf("poolKey(%s) = %q, %q; want %q, %q", tc.url, key, addr, tc.key, tc.addr)
		}
	}
}

// End to end: a reverse proxy whose upstream closes idle connections between
// two requests answers both, and the upstream sees each once.
func TestProxyReverseSurvivesUpstreamIdleClose(t *testing.T) {
	e := &recordingEcho{}
	up, accepted, closed := countingServer(t, e, false, 10*time.Millisecond)
	upURL, _ := url.Parse(up.URL)
	p, err := New(Config{Upstream: upURL})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p)
	t.Cleanup(func() {
		p.Close()
		front.Close()
	})
	client := front.Client()
	t.Cleanup(client.CloseIdleConnections)

	send := func(body string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, front.URL+"/", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Target", "TrentService.DescribeKey")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(got) != body || resp.Header.Get(ProxyErrorHeader) != "" {
			t.Fatalf("through the proxy: %d %q (%s), want 200 %q", resp.StatusCode, got, resp.Header.Get(ProxyErrorHeader), body)
		}
	}
	send("first")
	waitSignal(t, closed, "the upstream's idle timeout")
	waitIdleStale(t, p.upstream)
	send("second")
	if got, want := e.seen(), []string{"first", "second"}; !slices.Equal(got, want) {
		t.Errorf("upstream saw %q, want %q (each once)", got, want)
	}
	if got := accepted.Load(); got != 2 {
		t.Errorf("upstream accepted %d connections, want 2", got)
	}
	for i, en := range p.Journal().Entries() {
		if en.Outcome != "response" || en.Status != 200 || !en.Forwarded {
			t.Errorf("journal entry %d = %+v", i, en)
		}
	}
}
