package reports

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// report.html embeds the run's HTTP evidence once, as gzip-compressed JSON in
// base64 inside <script type="application/octet-stream" id="evidence-data">,
// and a small script renders a scenario's exchanges when it is opened. Most
// of a run's bytes are exchanges, and most of those repeat (headers, SDK user
// agents, error bodies), so every string is stored once in a table and the
// exchanges refer to it by index; gzip then shrinks the rest.

// evidenceElementID is the id of the element that holds the evidence.
const evidenceElementID = "evidence-data"

// evidenceData is the JSON inside the compressed block. Strings[0] is "", so
// that an index of 0 (omitted) stands for an empty string.
type evidenceData struct {
	Strings []string `json:"s"`
	// Scenarios holds one list of exchanges per scenario, in the order of
	// the run; a scenario's placeholder on the page names its index.
	Scenarios [][]evidenceExchange `json:"x"`
}

// evidenceExchange is one exchange, every text an index into Strings and
// every text formatted as the page shows it.
type evidenceExchange struct {
	Seq       int64 `json:"n"`
	Operation int   `json:"op,omitempty"`
	Attempt   int   `json:"a,omitempty"`
	Class     int   `json:"c,omitempty"` // ok, err, fault: colours the outcome
	Outcome   int   `json:"o,omitempty"` // e.g. "400 ValidationException"
	Total     int   `json:"t,omitempty"` // duration
	Delay     int   `json:"d,omitempty"` // injected delay, if any
	Rule      int   `json:"r,omitempty"` // fault rule, if any
	// Request and Response headers as name, value, name, value, ...,
	// sorted by name, withheld headers dropped.
	RequestHeaders  []int `json:"qh,omitempty"`
	RequestBody     int   `json:"qb,omitempty"`
	ResponseHeaders []int `json:"rh,omitempty"`
	ResponseBody    int   `json:"rb,omitempty"`
}

// evidenceBuilder interns strings while the exchanges are encoded.
type evidenceBuilder struct {
	data  evidenceData
	index map[string]int
}

func newEvidenceBuilder() *evidenceBuilder {
	return &evidenceBuilder{data: evidenceData{Strings: []string{""}}, index: map[string]int{"": 0}}
}

func (b *evidenceBuilder) intern(s string) int {
	if i, ok := b.index[s]; ok {
		return i
	}
	i := len(b.data.Strings)
	b.data.Strings = append(b.data.Strings, s)
	b.index[s] = i
	return i
}

// add records a scenario's exchanges and returns the index its placeholder
// names.
func (b *evidenceBuilder) add(s *Scenario) int {
	list := make([]evidenceExchange, 0, len(s.Exchanges))
	for i := range s.Exchanges {
		e := &s.Exchanges[i]
		x := evidenceExchange{
			Seq:       e.Seq,
			Operation: b.intern(e.Operation),
			Attempt:   e.Attempt,
			Class:     b.intern(exchangeClass(e)),
			Outcome:   b.intern(exchangeOutcome(e)),
			Total:     b.intern(formatDuration(e.Total)),
			Rule:      b.intern(e.Rule),
		}
		if e.InjectedDelay > 0 {
			x.Delay = b.intern(formatDuration(e.InjectedDelay))
		}
		x.RequestHeaders, x.RequestBody = b.message(e.Request)
		x.ResponseHeaders, x.ResponseBody = b.message(e.Response)
		list = append(list, x)
	}
	b.data.Scenarios = append(b.data.Scenarios, list)
	return len(b.data.Scenarios) - 1
}

func (b *evidenceBuilder) message(m Message) (headers []int, body int) {
	for _, k := range slices.SortedFunc(maps.Keys(m.Headers), func(a, b string) int {
		return cmp.Compare(strings.ToLower(a), strings.ToLower(b))
	}) {
		if !Withheld(k) {
			headers = append(headers, b.intern(k), b.intern(m.Headers[k]))
		}
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, []byte(m.Body), "", "  ") == nil {
		return headers, b.intern(pretty.String())
	}
	return headers, b.intern(m.Body)
}

// encode returns the evidence as base64 of gzip-compressed JSON.
func (b *evidenceBuilder) encode() (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if err := json.NewEncoder(zw).Encode(&b.data); err != nil {
		return "", fmt.Errorf("encoding evidence: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("compressing evidence: %w", err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// EmbeddedEvidence returns the evidence a report.html embeds, decompressed:
// the JSON the page's script renders exchanges from. It lets checks (such
// as that no secret reaches a report) read what the page holds.
func EmbeddedEvidence(page []byte) ([]byte, error) {
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("parsing report page: %w", err)
	}
	var text string
	found := false
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "script" {
			for _, a := range n.Attr {
				if a.Key == "id" && a.Val == evidenceElementID && n.FirstChild != nil {
					text, found = n.FirstChild.Data, true
				}
			}
		}
		for c := n.FirstChild; c != nil && !found; c = c.NextSibling {
			visit(c)
		}
	}
	visit(root)
	if !found {
		return nil, errors.New("report page embeds no evidence")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil {
		return nil, fmt.Errorf("decoding embedded evidence: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("decompressing embedded evidence: %w", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("decompressing embedded evidence: %w", err)
	}
	return out, nil
}
