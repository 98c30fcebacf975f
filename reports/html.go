package reports

import (
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"time"
)

//go:embed templates/*.tmpl templates/evidence.js
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
// SVG, nothing fetched) for a person deciding whether the target is good
// enough. Its one script unpacks the embedded evidence (see evidence.go); a
// Content-Security-Policy allows that script alone and forbids every fetch.
func WriteHTML(w io.Writer, run *Run) error {
	v, err := buildReportView(run)
	if err != nil {
		return err
	}
	return render(w, "report", v)
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
	// KnownFailures failed as the run's expectations file says they would.
	KnownFailures []*scenarioView
	// Findings are the run's distinct findings, each with the scenarios
	// that recorded it, whatever their outcome.
	Findings         []findingView
	FindingScenarios int
	Groups           []scenarioGroup
	// Evidence is the base64 of the compressed evidence (base64 needs no
	// escaping inside a script element); Script renders it, and ScriptHash
	// names Script in the page's Content-Security-Policy.
	Evidence   template.HTML
	Script     template.JS
	ScriptHash string
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
	Anchor   string
	Open     bool
	Timeline *timeline
	Evidence int // the scenario's index in the embedded evidence
}

func buildReportView(run *Run) (*reportView, error) {
	v := &reportView{Run: run, Totals: run.Tally(), Matrix: buildMatrix(run)}
	script, err := templateFS.ReadFile("templates/evidence.js")
	if err != nil {
		return nil, fmt.Errorf("reading the report script: %w", err)
	}
	sum := sha256.Sum256(script)
	v.Script, v.ScriptHash = template.JS(script), "sha256-"+base64.StdEncoding.EncodeToString(sum[:])
	evidence := newEvidenceBuilder()
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
	for i := range run.Scenarios {
		s := &run.Scenarios[i]
		sv := &scenarioView{
			Scenario: s,
			Anchor:   anchor(s),
			Open:     s.Status == StatusFailed && s.KnownFailure == "",
			Timeline: buildTimeline(s),
			Evidence: evidence.add(s),
		}
		switch {
		case s.Status == StatusFailed && s.KnownFailure != "":
			v.KnownFailures = append(v.KnownFailures, sv)
		case s.Status == StatusFailed:
			v.Failures = append(v.Failures, sv)
		}
		fam := s.Family()
		if !slices.ContainsFunc(v.Groups, func(g scenarioGroup) bool { return g.Family == fam }) {
			v.Groups = append(v.Groups, scenarioGroup{Family: fam})
		}
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
	v.Families = familyRows(run)
	encoded, err := evidence.encode()
	if err != nil {
		return nil, err
	}
	v.Evidence = template.HTML(encoded)
	return v, nil
}

// familyRows tallies the run's scenarios per family, in family order.
func familyRows(run *Run) []familyRow {
	families := map[string]*Run{}
	for _, s := range run.Scenarios {
		fam := s.Family()
		if families[fam] == nil {
			families[fam] = &Run{}
		}
		families[fam].Scenarios = append(families[fam].Scenarios, s)
	}
	var rows []familyRow
	for _, fam := range slices.Sorted(maps.Keys(families)) {
		t := families[fam].Tally()
		rate, ok := t.PassRate()
		rows = append(rows, familyRow{Family: fam, Totals: t, PassRate: rate, HasRate: ok, Bar: totalsBar(t)})
	}
	return rows
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

// anchor is a stable fragment ID for a scenario, the same in every run.
func anchor(s *Scenario) string {
	sum := sha256.Sum256([]byte(s.ID))
	return "s-" + hex.EncodeToString(sum[:6])
}
