package reports

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// parseTemplates parses the report templates afresh for each rendering, so
// that the package holds no shared mutable state.
func parseTemplates() (*template.Template, error) {
	t, err := template.New("").Funcs(template.FuncMap{
		"pct":      pct,
		"duration": formatDuration,
		"when":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"f1":       func(f float64) string { return fmt.Sprintf("%.1f", f) },
		"add":      func(a, b int) int { return a + b },
		"last":     func(runs []*Run) int { return len(runs) - 1 },
		"section": func(title, id string, list []Change, reasonFrom string) changeSection {
			return changeSection{Title: title, ID: id, List: list, ReasonFrom: reasonFrom}
		},
	}).ParseFS(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parsing report templates: %w", err)
	}
	return t, nil
}

func render(w io.Writer, name string, data any) error {
	t, err := parseTemplates()
	if err != nil {
		return err
	}
	if err := t.ExecuteTemplate(w, name, data); err != nil {
		return fmt.Errorf("rendering %s: %w", name, err)
	}
	return nil
}

// pct formats a share in [0,1] as a percentage.
func pct(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }

// WriteHTML renders report.html: one self-contained page (inline CSS and
// SVG, no scripts, nothing fetched) for a person deciding whether the
// target is good enough.
func WriteHTML(w io.Writer, run *Run) error {
	return render(w, "report", buildReportView(run))
}

type reportView struct {
	Run        *Run
	Totals     Totals
	PassRate   string
	Digest     string // verified, mismatch, absent
	DigestNote string
	Duration   string
	SDKs       []keyValue
	Bar        []barSegment
	Families   []familyRow
	Matrix     matrix
	Failures   []*scenarioView
	// Findings are the run's distinct findings, each with the scenarios
	// that recorded it, whatever their outcome.
	Findings         []findingView
	FindingScenarios int
	Groups           []scenarioGroup
}

// changeSection is one list of a diff page; ReasonFrom says which run's
// failure reason explains the change.
type changeSection struct {
	Title, ID  string
	List       []Change
	ReasonFrom string
}

type keyValue struct{ Key, Value string }

type barSegment struct {
	Class string
	Share float64 // percent of the bar
	Count int
}

type familyRow struct {
	Family   string
	Totals   Totals
	PassRate float64
	HasRate  bool
	Bar      []barSegment
}

type findingView struct {
	Finding   string
	Scenarios []findingRef
}

type findingRef struct{ Name, Anchor string }

type scenarioGroup struct {
	Family    string
	Scenarios []*scenarioView
}

type scenarioView struct {
	*Scenario
	Anchor    string
	Open      bool
	Timeline  *timeline
	Exchanges []exchangeView
}

type exchangeView struct {
	*Exchange
	Class    string
	Outcome  string
	Request  messageView
	Response messageView
}

type messageView struct {
	Headers []keyValue
	Body    string
}

func buildReportView(run *Run) *reportView {
	v := &reportView{Run: run, Totals: run.Tally(), Matrix: buildMatrix(run)}
	if rate, ok := v.Totals.PassRate(); ok {
		v.PassRate = pct(rate)
	}
	switch err := run.VerifyDigest(); {
	case err == nil:
		v.Digest = "verified"
	case errors.Is(err, ErrNoDigest):
		v.Digest, v.DigestNote = "absent", "no digest recorded"
	default:
		v.Digest, v.DigestNote = "mismatch", "these results were edited after the run: "+err.Error()
	}
	if !run.Finished.IsZero() && !run.Started.IsZero() {
		v.Duration = formatDuration(run.Finished.Sub(run.Started).Round(time.Millisecond))
	}
	for _, k := range slices.Sorted(maps.Keys(run.SDKs)) {
		v.SDKs = append(v.SDKs, keyValue{k, run.SDKs[k]})
	}
	v.Bar = totalsBar(v.Totals)
	families := map[string]*Run{}
	for i := range run.Scenarios {
		s := &run.Scenarios[i]
		sv := &scenarioView{
			Scenario: s,
			Anchor:   anchor(s),
			Open:     s.Status == StatusFailed,
			Timeline: buildTimeline(s),
		}
		for j := range s.Exchanges {
			sv.Exchanges = append(sv.Exchanges, buildExchangeView(&s.Exchanges[j]))
		}
		if s.Status == StatusFailed {
			v.Failures = append(v.Failures, sv)
		}
		fam := s.Family()
		if families[fam] == nil {
			families[fam] = &Run{}
			v.Groups = append(v.Groups, scenarioGroup{Family: fam})
		}
		families[fam].Scenarios = append(families[fam].Scenarios, *s)
		g := &v.Groups[slices.IndexFunc(v.Groups, func(g scenarioGroup) bool { return g.Family == fam })]
		g.Scenarios = append(g.Scenarios, sv)
	}
	for _, g := range GroupFindings(run) {
		fv := findingView{Finding: g.Finding}
		for _, s := range g.Scenarios {
			fv.Scenarios = append(fv.Scenarios, findingRef{Name: s.Name, Anchor: anchor(s)})
		}
		v.Findings = append(v.Findings, fv)
	}
	v.FindingScenarios = countFindings(run)
	slices.SortFunc(v.Groups, func(a, b scenarioGroup) int { return cmp.Compare(a.Family, b.Family) })
	for _, g := range v.Groups {
		// In the order of the condition matrix; untagged scenarios last.
		slices.SortStableFunc(g.Scenarios, func(a, b *scenarioView) int {
			return cmp.Or(cmp.Compare(min(len(b.Conditions), 1), min(len(a.Conditions), 1)), compareFirstCondition(a.Scenario, b.Scenario), cmp.Compare(a.Name, b.Name))
		})
	}
	for _, g := range v.Groups {
		t := families[g.Family].Tally()
		rate, ok := t.PassRate()
		v.Families = append(v.Families, familyRow{Family: g.Family, Totals: t, PassRate: rate, HasRate: ok, Bar: totalsBar(t)})
	}
	return v
}

func compareFirstCondition(a, b *Scenario) int {
	if len(a.Conditions) == 0 || len(b.Conditions) == 0 {
		return 0
	}
	opA, nA := SplitCondition(a.Conditions[0])
	opB, nB := SplitCondition(b.Conditions[0])
	return cmp.Or(cmp.Compare(opA, opB), cmp.Compare(nA, nB))
}

func totalsBar(t Totals) []barSegment {
	if t.Scenarios == 0 {
		return nil
	}
	var bar []barSegment
	for _, seg := range []barSegment{
		{Class: StatusPassed, Count: t.Passed},
		{Class: StatusFailed, Count: t.Failed - t.Unsupported},
		{Class: OutcomeUnsupported, Count: t.Unsupported},
		{Class: StatusSkipped, Count: t.Skipped},
	} {
		if seg.Count > 0 {
			seg.Share = 100 * float64(seg.Count) / float64(t.Scenarios)
			bar = append(bar, seg)
		}
	}
	return bar
}

func buildExchangeView(e *Exchange) exchangeView {
	return exchangeView{
		Exchange: e,
		Class:    exchangeClass(e),
		Outcome:  exchangeOutcome(e),
		Request:  buildMessageView(e.Request),
		Response: buildMessageView(e.Response),
	}
}

func buildMessageView(m Message) messageView {
	var v messageView
	for _, k := range slices.SortedFunc(maps.Keys(m.Headers), func(a, b string) int {
		return cmp.Compare(strings.ToLower(a), strings.ToLower(b))
	}) {
		if !Withheld(k) {
			v.Headers = append(v.Headers, keyValue{k, m.Headers[k]})
		}
	}
	v.Body = m.Body
	var pretty bytes.Buffer
	if json.Indent(&pretty, []byte(m.Body), "", "  ") == nil {
		v.Body = pretty.String()
	}
	return v
}

// anchor is a stable fragment ID for a scenario, the same in every run.
func anchor(s *Scenario) string {
	sum := sha256.Sum256([]byte(s.ID))
	return "s-" + hex.EncodeToString(sum[:6])
}
