package reports

import (
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// sideBySideScript is compare.html's own script (the filter); the page also
// carries report.html's evidence script.
//
//go:embed templates/sidebyside.js
var sideBySideScript embed.FS

// Names of the files 'kmsconform compare' writes into its --out directory.
const (
	CompareHTMLFile    = "compare.html"
	CompareSummaryFile = "summary.md"
)

// Comparison puts several runs side by side, scenario by scenario, in the
// manner of wpt.fyi: one column per implementation.
type Comparison struct {
	Columns []CompareColumn
	// Rows are every scenario any run has, by family, operation, first
	// condition and name.
	Rows      []CompareRow
	Generated time.Time
}

// CompareColumn is one run: one implementation.
type CompareColumn struct {
	Label  string // the run's label, made unique among the columns
	Run    *Run
	Dir    string // where the run's files are, for links to its report
	Totals Totals // of the scenarios it has
}

// CompareRow is one scenario across the runs.
type CompareRow struct {
	ID, Name, Family, Operation string
	Conditions                  []string
	Error                       string        // the documented error code
	Cells                       []CompareCell // one per column
	Disagree                    bool
}

// CompareCell is one run's result for a scenario.
type CompareCell struct {
	Scenario *Scenario // nil when the run did not have the scenario
}

// Outcome is the cell's outcome, or "absent".
func (c CompareCell) Outcome() string {
	if c.Scenario == nil {
		return "absent"
	}
	return c.Scenario.Outcome()
}

// SideBySide builds the comparison of runs; dirs[i] is where runs[i] was read.
func SideBySide(runs []*Run, dirs []string) *Comparison {
	c := &Comparison{}
	seen := map[string]int{}
	for i, r := range runs {
		label := r.Label()
		seen[label]++
		if n := seen[label]; n > 1 {
			label = fmt.Sprintf("%s (%d)", label, n)
		}
		dir := ""
		if i < len(dirs) {
			dir = dirs[i]
		}
		c.Columns = append(c.Columns, CompareColumn{Label: label, Run: r, Dir: dir, Totals: r.Tally()})
		if r.Started.After(c.Generated) {
			c.Generated = r.Started
		}
	}
	byID := map[string]*CompareRow{}
	for col, r := range runs {
		for i := range r.Scenarios {
			s := &r.Scenarios[i]
			row := byID[s.ID]
			if row == nil {
				row = &CompareRow{ID: s.ID, Name: s.Name, Family: s.Family(), Operation: s.Operation, Conditions: s.Conditions, Error: s.Error,
					Cells: make([]CompareCell, len(runs))}
				byID[s.ID] = row
			}
			row.Cells[col] = CompareCell{Scenario: s}
		}
	}
	for _, row := range byID {
		row.Disagree = disagree(row.Cells)
		c.Rows = append(c.Rows, *row)
	}
	slices.SortFunc(c.Rows, func(a, b CompareRow) int {
		return cmp.Or(cmp.Compare(a.Family, b.Family), cmp.Compare(a.Operation, b.Operation),
			compareConditions(a.Conditions, b.Conditions), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return c
}

// disagree reports whether the runs that checked a scenario (ran it, not
// skipped it) came to different outcomes.
func disagree(cells []CompareCell) bool {
	first := ""
	for _, c := range cells {
		o := c.Outcome()
		if o == "absent" || o == StatusSkipped {
			continue
		}
		if first == "" {
			first = o
		} else if o != first {
			return true
		}
	}
	return false
}

func compareConditions(a, b []string) int {
	switch {
	case len(a) == 0 && len(b) == 0:
		return 0
	case len(a) == 0:
		return 1 // untagged scenarios last
	case len(b) == 0:
		return -1
	}
	opA, nA := SplitCondition(a[0])
	opB, nB := SplitCondition(b[0])
	return cmp.Or(cmp.Compare(opA, opB), cmp.Compare(nA, nB), cmp.Compare(a[0], b[0]))
}

// Disagreements counts the rows where the implementations disagree.
func (c *Comparison) Disagreements() int {
	n := 0
	for _, r := range c.Rows {
		if r.Disagree {
			n++
		}
	}
	return n
}

// groupTally is the per-column tally of a group of rows (a family, an operation).
type groupTally struct {
	Name   string
	Totals []Totals // per column
}

// tallyBy tallies the rows per column, grouped by key, in key order.
func (c *Comparison) tallyBy(key func(*CompareRow) string) []groupTally {
	groups := map[string][]Totals{}
	for i := range c.Rows {
		r := &c.Rows[i]
		k := key(r)
		if k == "" {
			continue
		}
		t := groups[k]
		if t == nil {
			t = make([]Totals, len(c.Columns))
			groups[k] = t
		}
		for col, cell := range r.Cells {
			if cell.Scenario == nil {
				continue
			}
			t[col].Scenarios++
			switch cell.Scenario.Status {
			case StatusPassed:
				t[col].Passed++
			case StatusFailed:
				t[col].Failed++
				if cell.Scenario.Unsupported {
					t[col].Unsupported++
				}
			case StatusSkipped:
				t[col].Skipped++
			}
		}
	}
	var out []groupTally
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		out = append(out, groupTally{Name: k, Totals: groups[k]})
	}
	return out
}

// passedOfRan is "passed/ran" for a summary table.
func passedOfRan(t Totals) string {
	ran := t.Passed + t.Failed
	if t.Scenarios == 0 {
		return "—"
	}
	if ran == 0 {
		return fmt.Sprintf("0/0 (%d skipped)", t.Skipped)
	}
	return fmt.Sprintf("%d/%d", t.Passed, ran)
}

// WriteSideBySideSummary writes the comparison as Markdown: the
// implementations with their versions and dates, totals, then passed/ran per
// family and per operation, and where the implementations disagree.
func WriteSideBySideSummary(w io.Writer, c *Comparison) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# KMS implementations side by side\n\n")
	fmt.Fprintf(&b, "%d scenarios checked against %d implementations by `kmsconform compare`", len(c.Rows), len(c.Columns))
	if !c.Generated.IsZero() {
		fmt.Fprintf(&b, ", from runs of %s", c.Generated.UTC().Format("2006-01-02"))
	}
	fmt.Fprintf(&b, ". Each figure is passed/ran (skipped scenarios left out); they disagree on %d scenarios.\n\n", c.Disagreements())

	header := func(first string) {
		fmt.Fprintf(&b, "| %s |", first)
		for _, col := range c.Columns {
			fmt.Fprintf(&b, " %s |", mdEscape(col.Label))
		}
		b.WriteString("\n|---|")
		for range c.Columns {
			b.WriteString("--:|")
		}
		b.WriteString("\n")
	}
	row := func(name string, cell func(int) string) {
		fmt.Fprintf(&b, "| %s |", name)
		for i := range c.Columns {
			fmt.Fprintf(&b, " %s |", cell(i))
		}
		b.WriteString("\n")
	}
	header("")
	row("Run started", func(i int) string { return c.Columns[i].Run.Started.UTC().Format("2006-01-02 15:04 UTC") })
	row("kmsconform", func(i int) string { return mdEscape(c.Columns[i].Run.Tool.Version) })
	row("Passed", func(i int) string { return fmt.Sprint(c.Columns[i].Totals.Passed) })
	row("Failed", func(i int) string {
		return fmt.Sprint(c.Columns[i].Totals.Failed - c.Columns[i].Totals.Unsupported)
	})
	row("Unsupported", func(i int) string { return fmt.Sprint(c.Columns[i].Totals.Unsupported) })
	row("Skipped", func(i int) string { return fmt.Sprint(c.Columns[i].Totals.Skipped) })
	row("**Pass rate**", func(i int) string { return "**" + totalsRate(c.Columns[i].Totals) + "**" })

	b.WriteString("\n## Per family\n\n")
	header("Family")
	for _, g := range c.tallyBy(func(r *CompareRow) string { return r.Family }) {
		row(mdEscape(g.Name), func(i int) string { return passedOfRan(g.Totals[i]) })
	}
	b.WriteString("\n## Per operation\n\n")
	header("Operation")
	for _, g := range c.tallyBy(func(r *CompareRow) string {
		if r.Operation == "" {
			return "(none)"
		}
		return r.Operation
	}) {
		row(mdEscape(g.Name), func(i int) string { return passedOfRan(g.Totals[i]) })
	}
	if n := c.Disagreements(); n > 0 {
		const shown = 40
		fmt.Fprintf(&b, "\n## Where they disagree (%d scenarios", n)
		if n > shown {
			fmt.Fprintf(&b, "; the first %d, all in %s", shown, CompareHTMLFile)
		}
		b.WriteString(")\n\n")
		header("Scenario")
		k := 0
		for _, r := range c.Rows {
			if !r.Disagree {
				continue
			}
			if k == shown {
				break
			}
			k++
			row(mdEscape(truncate(r.Name, 90)), func(i int) string {
				cell := r.Cells[i]
				s := cell.Outcome()
				if cell.Scenario != nil && cell.Scenario.Status == StatusFailed && cell.Scenario.Observed != "" {
					s += " `" + mdCode(cell.Scenario.Observed) + "`"
				}
				return s
			})
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// compareView is what compare.html renders.
type compareView struct {
	C             *Comparison
	Columns       []compareColumnView
	Families      []compareFamily
	Disagreements int
	Evidence      template.HTML
	Scripts       []template.JS
	ScriptHashes  string
}

type compareColumnView struct {
	CompareColumn
	Report   string // relative link to the run's report.html, if any
	Failed   int    // failed for another reason than an unsupported operation
	Rate     string
	Endpoint string
}

type compareFamily struct {
	Family     string
	Operations []compareOperation
	Totals     []Totals
}

type compareOperation struct {
	Operation string
	Rows      []compareRowView
}

type compareRowView struct {
	*CompareRow
	Cells []compareCellView
}

type compareCellView struct {
	Outcome  string
	Observed string // the error code the endpoint returned, failures only
	Reason   string
	Anchor   string // the evidence block's ID on this page; "" without a scenario
	Report   string // the scenario in its run's report.html
	Evidence int    // index into the embedded evidence; -1 without exchanges
	Label    string
	Name     string
}

// WriteSideBySideHTML renders compare.html: one self-contained page (inline
// CSS, the evidence compressed inside it, nothing fetched). outDir is where
// the page goes, so that links to each run's report.html are relative.
func WriteSideBySideHTML(w io.Writer, c *Comparison, outDir string) error {
	v := &compareView{C: c, Disagreements: c.Disagreements()}
	var hashes []string
	for _, src := range []struct {
		fs   embed.FS
		name string
	}{{templateFS, "templates/evidence.js"}, {sideBySideScript, "templates/sidebyside.js"}} {
		script, err := src.fs.ReadFile(src.name)
		if err != nil {
			return fmt.Errorf("reading the page's scripts: %w", err)
		}
		sum := sha256.Sum256(script)
		v.Scripts = append(v.Scripts, template.JS(script))
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	v.ScriptHashes = strings.Join(hashes, " ")
	for _, col := range c.Columns {
		cv := compareColumnView{CompareColumn: col, Failed: col.Totals.Failed - col.Totals.Unsupported, Rate: totalsRate(col.Totals), Endpoint: col.Run.Target.Endpoint}
		cv.Report = relativeReport(outDir, col.Dir)
		v.Columns = append(v.Columns, cv)
	}
	evidence := newEvidenceBuilder()
	famTotals := map[string][]Totals{}
	for _, g := range c.tallyBy(func(r *CompareRow) string { return r.Family }) {
		famTotals[g.Name] = g.Totals
	}
	for i := range c.Rows {
		r := &c.Rows[i]
		if len(v.Families) == 0 || v.Families[len(v.Families)-1].Family != r.Family {
			v.Families = append(v.Families, compareFamily{Family: r.Family, Totals: famTotals[r.Family]})
		}
		fam := &v.Families[len(v.Families)-1]
		if len(fam.Operations) == 0 || fam.Operations[len(fam.Operations)-1].Operation != r.Operation {
			fam.Operations = append(fam.Operations, compareOperation{Operation: r.Operation})
		}
		op := &fam.Operations[len(fam.Operations)-1]
		rv := compareRowView{CompareRow: r}
		for col, cell := range r.Cells {
			cv := compareCellView{Outcome: cell.Outcome(), Evidence: -1, Label: c.Columns[col].Label, Name: r.Name}
			if s := cell.Scenario; s != nil {
				if s.Status == StatusFailed {
					cv.Observed = s.Observed
				}
				cv.Reason = s.Reason
				cv.Anchor = fmt.Sprintf("c%d-%s", col, anchor(s))
				if v.Columns[col].Report != "" {
					cv.Report = v.Columns[col].Report + "#" + anchor(s)
				}
				if len(s.Exchanges) > 0 {
					cv.Evidence = evidence.add(s)
				}
			}
			rv.Cells = append(rv.Cells, cv)
		}
		op.Rows = append(op.Rows, rv)
	}
	encoded, err := evidence.encode()
	if err != nil {
		return err
	}
	v.Evidence = template.HTML(encoded)
	return render(w, "comparepage", v)
}

// relativeReport links from outDir to the report.html in runDir ("" when
// either is unknown).
func relativeReport(outDir, runDir string) string {
	if outDir == "" || runDir == "" {
		return ""
	}
	if filepath.Base(runDir) == ResultsFile {
		runDir = filepath.Dir(runDir)
	}
	absOut, err1 := filepath.Abs(outDir)
	absRun, err2 := filepath.Abs(runDir)
	if err1 != nil || err2 != nil {
		return ""
	}
	rel, err := filepath.Rel(absOut, filepath.Join(absRun, HTMLFile))
	if err != nil {
		return ""
	}
	return filepath.ToSlash(rel)
}
