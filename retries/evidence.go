package retries

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kmsconform/kmsconform/reports"
	core "github.com/kmsconform/kmsconform/scenario"
)

// Record is the evidence one retry scenario gathered.
type Record struct {
	ScenarioID string
	Client     string
	// ClientVersion is what the driver's client reports.
	ClientVersion string
	Fault         string
	Operation     string
	Policy        Policy
	Expected      Expectation
	// Exchanges are the attempts the scenario's own proxy saw, in order.
	Exchanges []reports.Exchange
	// Waits are the measured waits between attempts.
	Waits []time.Duration
	// Called: the call under test was made; OK and Code are its outcome.
	Called bool
	OK     bool
	Code   string
	// ClientAttempts is how many attempts the client said it made (0: not said).
	ClientAttempts int
}

// recordSet keeps the records of a run's retry scenarios, by scenario ID.
type recordSet struct {
	mu      sync.Mutex
	records map[string]*Record
}

func (e *recordSet) update(id string, fn func(*Record)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.records == nil {
		e.records = map[string]*Record{}
	}
	r, ok := e.records[id]
	if !ok {
		r = &Record{ScenarioID: id}
		e.records[id] = r
	}
	fn(r)
}

func (e *recordSet) get(id string) (Record, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.records[id]
	if !ok {
		return Record{}, false
	}
	c := *r
	c.Exchanges = slices.Clone(r.Exchanges)
	c.Waits = slices.Clone(r.Waits)
	return c, true
}

// Tag prefixes the retry features use.
const (
	tagClient = "@client:"
	tagFault  = "@fault:"
)

func tagValue(tags []string, prefix string) string {
	for _, t := range tags {
		if v, ok := strings.CutPrefix(t, prefix); ok {
			return v
		}
	}
	return ""
}

// Matrix is the retry scenarios of a run as one grid: one row per fault and
// rule generation, one column per client (with its version from versions,
// such as reports.Run.SDKs, when it names one), each cell "attempts →
// outcome". A cell marked † carries findings; ✗ failed; "—" was skipped (its
// reason is in the scenario result). Nil when no retry scenario ran.
func Matrix(results []reports.Scenario, versions map[string]string) *reports.Table {
	cells := map[[2]string]string{}
	var faultsSeen []string
	clientSet := map[string]bool{}
	for i := range results {
		s := &results[i]
		if !slices.Contains(s.Tags, "@retries") {
			continue
		}
		client, fault := tagValue(s.Tags, tagClient), tagValue(s.Tags, tagFault)
		if client == "" || fault == "" {
			continue
		}
		if s.Operation != "" && fault != "Quota" {
			fault += " on " + s.Operation
		}
		if slices.Contains(s.Tags, "@retries2026") {
			fault += " with AWS_NEW_RETRIES_2026=true"
		} else if fault != "Quota" {
			fault += " (default settings)"
		}
		if !slices.Contains(faultsSeen, fault) {
			faultsSeen = append(faultsSeen, fault)
		}
		clientSet[client] = true
		cells[[2]string{fault, client}] = matrixCell(s)
	}
	if len(faultsSeen) == 0 {
		return nil
	}
	var cols []string
	for _, c := range ClientNames() {
		if clientSet[c] {
			cols = append(cols, c)
		}
	}
	order := FaultNames()
	slices.SortStableFunc(faultsSeen, func(a, b string) int { return faultRank(order, a) - faultRank(order, b) })
	t := &reports.Table{
		Title:   "Client retries (client × fault)",
		Columns: []string{"fault"},
		Note:    "attempts the proxy saw → what the client reported; † has findings, ✗ failed, — skipped.",
	}
	for _, c := range cols {
		head := c
		if v := versions[c]; v != "" {
			head += " " + v
		}
		t.Columns = append(t.Columns, head)
	}
	for _, f := range faultsSeen {
		row := []string{f}
		for _, c := range cols {
			row = append(row, cells[[2]string{f, c}])
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func faultRank(order []string, name string) int {
	for i, o := range order {
		if name == o || strings.HasPrefix(name, o+" on ") {
			return i
		}
	}
	return len(order)
}

func matrixCell(s *reports.Scenario) string {
	if s.Status == reports.StatusSkipped {
		return "—"
	}
	outcome := s.Observed
	if outcome == "" {
		outcome = "success"
	}
	attempts := clientAttempts(s.Exchanges)
	calls := 1
	for _, f := range s.Findings {
		var n int
		var ff, fp float64
		if _, err := fmt.Sscanf(f, repeatedFinding, &n, &ff, &fp); err == nil && n > 1 {
			calls = n
		}
	}
	// A repeated call's attempts are alike: show the first call's.
	perCall := len(attempts) / calls
	attempts = sortedByArrival(attempts)[:perCall]
	text := fmt.Sprintf("%d → %s", perCall, outcome)
	if calls > 1 {
		text = fmt.Sprintf("%d → %s, ×%d calls", perCall, outcome, calls)
	}
	if w := exchangeWaits(attempts); len(w) > 0 && len(w) <= 8 {
		parts := make([]string, len(w))
		for i, d := range w {
			parts[i] = d.Round(10 * time.Millisecond).String()
		}
		text += " (waits " + strings.Join(parts, ", ") + ")"
	}
	if len(s.Findings) > 0 {
		text += " †"
	}
	if s.Status == reports.StatusFailed {
		text += " ✗"
	}
	return text
}

// clientAttempts are the exchanges of a retry scenario that its own proxy
// saw: the attempts of the client under test. The core's setup and cleanup
// calls, which the run's recording proxy saw, carry the scenario header; the
// clients under test send none.
func clientAttempts(ex []reports.Exchange) []reports.Exchange {
	var out []reports.Exchange
	for _, e := range ex {
		if _, setup := e.Request.Headers[core.ScenarioHeader]; !setup {
			out = append(out, e)
		}
	}
	return out
}

func sortedByArrival(ex []reports.Exchange) []reports.Exchange {
	sorted := slices.Clone(ex)
	slices.SortStableFunc(sorted, func(a, b reports.Exchange) int { return a.Received.Compare(b.Received) })
	return sorted
}

// exchangeWaits is the time between the end of each exchange and the start
// of the next, in the order they arrived.
func exchangeWaits(ex []reports.Exchange) []time.Duration {
	sorted := slices.Clone(ex)
	slices.SortStableFunc(sorted, func(a, b reports.Exchange) int { return a.Received.Compare(b.Received) })
	var out []time.Duration
	for i := 1; i < len(sorted); i++ {
		end := sorted[i-1].Received.Add(sorted[i-1].Total)
		out = append(out, max(0, sorted[i].Received.Sub(end)))
	}
	return out
}
