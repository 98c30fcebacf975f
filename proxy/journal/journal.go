// Package journal records every exchange that passes through the kmsconform
// proxy, as evidence: who called what, which attempt it was, what the proxy
// injected, and what came back. Secrets are redacted before an entry is
// read or written anywhere (see Entry.KeepRequest).
//
// Memory is bounded by a count of entries and, optionally, by their estimated
// size in bytes (oldest dropped first); an optional JSONL sink receives every
// entry from a background writer, so a slow disk never holds up a request for
// longer than a short hand-off.
package journal

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Message is a redacted request or response.
type Message struct {
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
	// BodyBytes is the body's size on the wire; BodyTruncated says Body was cut.
	BodyBytes     int  `json:"bodyBytes"`
	BodyTruncated bool `json:"bodyTruncated,omitempty"`
}

// Entry is one recorded exchange. Durations are nanoseconds in JSON.
type Entry struct {
	Seq          uint64 `json:"seq"`
	Scenario     string `json:"scenario,omitempty"`     // X-Kmsconform-Scenario
	InvocationID string `json:"invocationId,omitempty"` // amz-sdk-invocation-id
	Attempt      int    `json:"attempt,omitempty"`      // from amz-sdk-request; 0 when absent
	MaxAttempts  int    `json:"maxAttempts,omitempty"`  // from amz-sdk-request; 0 when absent
	ProxyAttempt int    `json:"proxyAttempt"`           // the proxy's own count per invocation (or connection)
	Operation    string `json:"operation,omitempty"`    // from X-Amz-Target
	Host         string `json:"host,omitempty"`
	Region       string `json:"region,omitempty"`
	Method       string `json:"method"`
	Path         string `json:"path"`
	Mode         string `json:"mode"`               // "reverse", "forward" or "mitm"
	Upstream     string `json:"upstream,omitempty"` // where the request was (or would have been) sent

	Received        time.Time     `json:"received"`
	UpstreamLatency time.Duration `json:"upstreamLatency"`
	InjectedDelay   time.Duration `json:"injectedDelay"`
	Total           time.Duration `json:"total"`

	Forwarded bool   `json:"forwarded"` // the proxy sent the request upstream (see Outcome if unreachable)
	Status    int    `json:"status"`    // 0 when the client got no response head
	ErrorCode string `json:"errorCode,omitempty"`
	// Outcome is "response", "reset", "truncated", "client-gone", "upstream-error" or "rejected".
	Outcome string   `json:"outcome"`
	Error   string   `json:"error,omitempty"`
	Rule    string   `json:"rule,omitempty"`
	Faults  []string `json:"faults,omitempty"`

	Request Message `json:"request"`
	// Response is the answer the upstream or a fault produced, kept even when
	// the client never received it (a reset, or a lost response).
	Response Message `json:"response"`

	// Captured headers and bodies, not yet redacted into Request and Response.
	request, response *capture
}

// capture is a request's or response's headers and body as they passed
// through the proxy. Redacting is most of what recording an exchange costs,
// and most entries of a busy proxy are never read, so the journal keeps
// small captures as they are and redacts them when the entry is first read
// (or streamed to the sink): nothing unredacted ever leaves the journal.
type capture struct {
	header  http.Header
	body    []byte
	maxBody int
	// topLevel are the top-level members to redact besides the secret
	// members: a request's customer data (requestSecrets).
	topLevel []string
}

// lazyBodyBytes is the largest body kept unredacted until read; a larger one
// is redacted at once, so that memory holds only its cut-down form.
const lazyBodyBytes = 16 << 10

// KeepRequest sets e.Request from the request's headers and body, keeping at
// most maxBody bytes of the body (<= 0: all); secrets are redacted before
// the entry can be read. The journal must be the only one to use h and body
// afterwards, for reading.
func (e *Entry) KeepRequest(h http.Header, body []byte, maxBody int) {
	e.request = keep(&e.Request, h, body, maxBody, requestSecrets(h))
}

// KeepResponse is KeepRequest for e.Response.
func (e *Entry) KeepResponse(h http.Header, body []byte, maxBody int) {
	e.response = keep(&e.Response, h, body, maxBody, nil)
}

func keep(m *Message, h http.Header, body []byte, maxBody int, topLevel []string) *capture {
	*m = Message{BodyBytes: len(body)}
	c := &capture{header: h, body: body, maxBody: maxBody, topLevel: topLevel}
	if len(body) > lazyBodyBytes {
		c.redactInto(m)
		return nil
	}
	return c
}

func (c *capture) redactInto(m *Message) {
	m.Headers = RedactHeaders(c.header)
	m.Body, m.BodyTruncated = redactEncodedBody(c.header.Get("Content-Encoding"), c.body, c.maxBody, c.topLevel)
}

// redact turns the entry's captures into its redacted messages.
func (e *Entry) redact() {
	if e.request != nil {
		e.request.redactInto(&e.Request)
		e.request = nil
	}
	if e.response != nil {
		e.response.redactInto(&e.Response)
		e.response = nil
	}
}

// Options configure a Journal.
type Options struct {
	// Capacity is how many entries memory keeps (oldest dropped first); default 10000.
	Capacity int
	// MaxBytes, if positive, also bounds the entries memory keeps by their
	// estimated size (bodies, headers and a fixed share for the rest).
	MaxBytes int64
	// Sink, if set, receives every entry as one JSON line. The journal does not close it.
	Sink io.Writer
}

// Journal keeps the most recent entries in memory and streams all of them to
// an optional sink. It is safe for concurrent use.
type Journal struct {
	mu       sync.Mutex
	entries  []Entry // entries[head:] are kept, oldest first
	head     int
	size     int64 // estimated bytes of entries[head:]
	capacity int
	maxBytes int64
	seq      uint64

	sinkMu   sync.RWMutex // held for reading while sending, for writing while closing
	sink     chan []byte
	sinkDone chan error
	closed   bool        // guarded by sinkMu
	behind   atomic.Bool // the writer fell behind: drop without waiting until it catches up
	dropped  atomic.Uint64
}

// sinkHandoff bounds how long Record waits for a full sink before it drops
// the line (counted in Dropped). Once one line is dropped, later ones are
// dropped without waiting until the writer has drained its queue.
const sinkHandoff = 50 * time.Millisecond

// New returns a Journal.
func New(opts Options) *Journal {
	if opts.Capacity <= 0 {
		opts.Capacity = 10000
	}
	j := &Journal{capacity: opts.Capacity, maxBytes: opts.MaxBytes}
	if opts.Sink != nil {
		j.sink = make(chan []byte, 1024)
		j.sinkDone = make(chan error, 1)
		go j.writeSink(opts.Sink)
	}
	return j
}

// entryOverhead is the estimated size of an entry less its variable parts:
// the struct, its fixed strings and map bookkeeping.
const entryOverhead = 512

// headerOverhead is the estimated cost of one header in a map, less its text.
const headerOverhead = 48

// capturedHeaderText is the estimated text of one header not yet redacted.
const capturedHeaderText = 64

// entrySize estimates the memory e holds, for Options.MaxBytes.
func entrySize(e *Entry) int64 {
	n := entryOverhead + len(e.Scenario) + len(e.InvocationID) + len(e.Host) + len(e.Path) + len(e.Upstream) + len(e.Error)
	for _, m := range []*Message{&e.Request, &e.Response} {
		n += len(m.Body)
		for k, v := range m.Headers {
			n += headerOverhead + len(k) + len(v)
		}
	}
	for _, c := range []*capture{e.request, e.response} {
		if c != nil { // an estimate that spares a walk through the headers
			n += len(c.body) + len(c.header)*(headerOverhead+capturedHeaderText)
		}
	}
	for _, f := range e.Faults {
		n += len(f)
	}
	return int64(n)
}

// Record assigns e its sequence number, keeps it and sends it to the sink.
// It returns e with its sequence number; its messages are redacted only when
// the journal hands the entry out.
func (j *Journal) Record(e Entry) Entry {
	if j.sink != nil { // the line is written now, so redact now, once
		e.redact()
	}
	size := entrySize(&e)
	j.mu.Lock()
	j.seq++
	e.Seq = j.seq
	for n := len(j.entries) - j.head; n > 0 && (n >= j.capacity || (j.maxBytes > 0 && j.size+size > j.maxBytes)); n-- {
		j.size -= entrySize(&j.entries[j.head])
		j.entries[j.head] = Entry{} // let the collector have its bodies
		j.head++
	}
	if len(j.entries) == cap(j.entries) && j.head > 0 { // reuse the dropped slots before growing
		n := copy(j.entries, j.entries[j.head:])
		clear(j.entries[n:])
		j.entries, j.head = j.entries[:n], 0
	}
	j.entries = append(j.entries, e)
	j.size += size
	j.mu.Unlock()

	if j.sink != nil {
		if line, err := json.Marshal(e); err == nil {
			j.send(line)
		}
	}
	return e
}

func (j *Journal) send(line []byte) {
	j.sinkMu.RLock()
	defer j.sinkMu.RUnlock()
	if j.closed {
		return
	}
	select {
	case j.sink <- line:
		return
	default:
	}
	if j.behind.Load() {
		j.dropped.Add(1)
		return
	}
	t := time.NewTimer(sinkHandoff)
	defer t.Stop()
	select {
	case j.sink <- line:
	case <-t.C:
		j.behind.Store(true)
		j.dropped.Add(1)
	}
}

func (j *Journal) writeSink(w io.Writer) {
	bw := bufio.NewWriter(w)
	var firstErr error
	for line := range j.sink {
		if firstErr != nil {
			continue
		}
		if _, err := bw.Write(append(line, '\n')); err != nil {
			firstErr = err
			continue
		}
		if len(j.sink) == 0 {
			firstErr = bw.Flush()
			j.behind.Store(false)
		}
	}
	if err := bw.Flush(); firstErr == nil {
		firstErr = err
	}
	j.sinkDone <- firstErr
}

// Dropped counts entries the sink missed because its writer fell behind.
func (j *Journal) Dropped() uint64 { return j.dropped.Load() }

// Entries returns the entries in memory, oldest first.
func (j *Journal) Entries() []Entry { return j.Filter(nil) }

// Filter returns the entries in memory for which keep is true (all when keep
// is nil), oldest first.
func (j *Journal) Filter(keep func(Entry) bool) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Entry, 0, len(j.entries)-j.head)
	for i := j.head; i < len(j.entries); i++ {
		e := &j.entries[i]
		if e.request != nil || e.response != nil {
			before := entrySize(e)
			e.redact()
			j.size += entrySize(e) - before
		}
		if keep == nil || keep(*e) {
			out = append(out, *e)
		}
	}
	return out
}

// Clear forgets the entries in memory; sequence numbers keep increasing.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.entries, j.head, j.size = j.entries[:0], 0, 0
}

// Close flushes the sink and stops its writer. Entries recorded afterwards stay
// in memory only. It waits for the flush until ctx ends.
func (j *Journal) Close(ctx context.Context) error {
	j.sinkMu.Lock()
	if j.closed || j.sink == nil {
		j.closed = true
		j.sinkMu.Unlock()
		return nil
	}
	j.closed = true
	close(j.sink)
	j.sinkMu.Unlock()
	select {
	case err := <-j.sinkDone:
		if err != nil {
			return fmt.Errorf("journal sink: %w", err)
		}
		return nil
	case <-ctx.Done():
		return errors.Join(errors.New("journal sink: not flushed"), ctx.Err())
	}
}
