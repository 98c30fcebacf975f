package reports

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Trend follows many runs (nightly, usually) of one target: the pass rate
// per family over time and the conditions whose outcome keeps changing.
type Trend struct {
	Runs   []*Run // ordered by Started
	Series []TrendSeries
	Flips  []Flip
}

// TrendSeries is one family's pass rate in each run.
type TrendSeries struct {
	Family string
	Points []TrendPoint // one per run, in Runs order
}

// TrendPoint is a family's result in one run. OK is false when none of its
// scenarios ran (absent or all skipped).
type TrendPoint struct {
	Passed, Ran int
	Rate        float64
	OK          bool
}

// Flip is a condition whose combined outcome changed between consecutive
// runs in which it appeared.
type Flip struct {
	Condition string
	Outcomes  []string // per run; "" when the run has no scenario for it
	Count     int      // number of changes
}

// BuildTrend orders runs by start time and computes the trend.
func BuildTrend(runs []*Run) *Trend {
	t := &Trend{Runs: slices.Clone(runs)}
	slices.SortStableFunc(t.Runs, func(a, b *Run) int { return a.Started.Compare(b.Started) })
	byFamily := map[string][]TrendPoint{}
	byCondition := map[string][]string{}
	for i, run := range t.Runs {
		perFamily := map[string]*Run{}
		for j := range run.Scenarios {
			s := &run.Scenarios[j]
			if perFamily[s.Family()] == nil {
				perFamily[s.Family()] = &Run{}
			}
			perFamily[s.Family()].Scenarios = append(perFamily[s.Family()].Scenarios, *s)
		}
		for fam, r := range perFamily {
			if byFamily[fam] == nil {
				byFamily[fam] = make([]TrendPoint, len(t.Runs))
			}
			tot := r.Tally()
			rate, ok := tot.PassRate()
			byFamily[fam][i] = TrendPoint{Passed: tot.Passed, Ran: tot.Passed + tot.Failed, Rate: rate, OK: ok}
		}
		for _, c := range run.Conditions() {
			if byCondition[c.ID] == nil {
				byCondition[c.ID] = make([]string, len(t.Runs))
			}
			byCondition[c.ID][i] = c.Outcome
		}
	}
	for _, fam := range slices.Sorted(maps.Keys(byFamily)) {
		t.Series = append(t.Series, TrendSeries{Family: fam, Points: byFamily[fam]})
	}
	for id, outcomes := range byCondition {
		n, last := 0, ""
		for _, o := range outcomes {
			if o == "" {
				continue
			}
			if last != "" && o != last {
				n++
			}
			last = o
		}
		if n > 0 {
			t.Flips = append(t.Flips, Flip{Condition: id, Outcomes: outcomes, Count: n})
		}
	}
	slices.SortFunc(t.Flips, func(a, b Flip) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Condition, b.Condition))
	})
	return t
}

// outcomeLetter abbreviates an outcome for the text trend.
func outcomeLetter(o string) string {
	switch o {
	case StatusPassed:
		return "P"
	case StatusFailed:
		return "F"
	case OutcomeUnsupported:
		return "U"
	case StatusSkipped:
		return "S"
	}
	return "·"
}

// WriteText renders the trend for a terminal: the pass rate per family in
// each run (the most recent 12 runs) and the flipping conditions.
func (t *Trend) WriteText(w io.Writer) error {
	var b strings.Builder
	if len(t.Runs) == 0 {
		b.WriteString("kmsconform report trend: no runs\n")
	} else {
		fmt.Fprintf(&b, "kmsconform report trend: %d runs of %s, %s → %s\n", len(t.Runs), t.Runs[len(t.Runs)-1].Label(),
			t.Runs[0].Started.UTC().Format("2006-01-02 15:04"), t.Runs[len(t.Runs)-1].Started.UTC().Format("2006-01-02 15:04"))
	}
	first := max(0, len(t.Runs)-12)
	width := 8
	for _, s := range t.Series {
		width = max(width, len(s.Family))
	}
	b.WriteString("\nPass rate per family (passed / ran; skipped excluded)")
	if first > 0 {
		fmt.Fprintf(&b, ", last %d runs", len(t.Runs)-first)
	}
	b.WriteString(":\n")
	fmt.Fprintf(&b, "  %-*s", width, "family")
	for _, r := range t.Runs[first:] {
		fmt.Fprintf(&b, " %11s", r.Started.UTC().Format("01-02 15:04"))
	}
	b.WriteString("\n")
	for _, s := range t.Series {
		fmt.Fprintf(&b, "  %-*s", width, s.Family)
		for _, p := range s.Points[first:] {
			cell := "-"
			if p.OK {
				cell = fmt.Sprintf("%s %d/%d", pct(p.Rate), p.Passed, p.Ran)
			}
			fmt.Fprintf(&b, " %11s", cell)
		}
		b.WriteString("\n")
	}
	if len(t.Flips) == 0 {
		b.WriteString("\nNo condition changed outcome between runs.\n")
	} else {
		fmt.Fprintf(&b, "\nConditions that flip (%d; P passed, F failed, U unsupported, S skipped, · absent; oldest first):\n", len(t.Flips))
		cw := 10
		for _, f := range t.Flips {
			cw = max(cw, len(f.Condition))
		}
		for _, f := range t.Flips {
			var seq strings.Builder
			for _, o := range f.Outcomes {
				seq.WriteString(outcomeLetter(o))
			}
			plural := "s"
			if f.Count == 1 {
				plural = ""
			}
			fmt.Fprintf(&b, "  %-*s  %s  %d flip%s\n", cw, f.Condition, seq.String(), f.Count, plural)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing trend: %w", err)
	}
	return nil
}

// WriteSVG writes the pass-rate chart as a standalone SVG document.
func (t *Trend) WriteSVG(w io.Writer) error {
	return render(w, "trendsvg", t.chart())
}

// WriteHTML writes a self-contained page with the chart and the flips.
func (t *Trend) WriteHTML(w io.Writer) error {
	return render(w, "trend", struct {
		*Trend
		Chart trendChart
	}{t, t.chart()})
}

// trendChart is the geometry of the pass-rate chart.
type trendChart struct {
	Width, Height          int
	Left, Right, Top, Base int // plot area edges
	Lines                  []chartLine
	XLabels, YLabels       []chartLabel
	Legend                 []chartLegend
}

type chartLine struct {
	Family, Color string
	Path          string // SVG path data; gaps where the family did not run
	Points        []chartPoint
}

type chartPoint struct {
	X, Y  float64
	Title string
}

type chartLabel struct {
	X, Y  float64
	Text  string
	Major bool
}

type chartLegend struct {
	Y            int
	Color, Label string
}

// chartPalette is colour-blind-safe (Okabe–Ito plus Tableau extras).
func chartPalette(i int) string {
	p := []string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f3c8d", "#3969ac", "#a5aa99", "#000000"}
	return p[i%len(p)]
}

func (t *Trend) chart() trendChart {
	c := trendChart{Width: 960, Height: 380, Left: 56, Right: 720, Top: 20, Base: 320}
	n := len(t.Runs)
	var t0, t1 time.Time
	if n > 0 {
		t0, t1 = t.Runs[0].Started, t.Runs[n-1].Started
	}
	span := t1.Sub(t0)
	x := func(i int) float64 {
		pw := float64(c.Right - c.Left)
		switch {
		case n <= 1:
			return float64(c.Left) + pw/2
		case span <= 0:
			return float64(c.Left) + pw*float64(i)/float64(n-1)
		}
		return float64(c.Left) + pw*float64(t.Runs[i].Started.Sub(t0))/float64(span)
	}
	y := func(rate float64) float64 { return float64(c.Base) - rate*float64(c.Base-c.Top) }
	for _, q := range []float64{0, 0.25, 0.5, 0.75, 1} {
		c.YLabels = append(c.YLabels, chartLabel{X: float64(c.Left - 8), Y: y(q), Text: pct(q), Major: q == 0})
	}
	layout := "Jan 2"
	if span < 48*time.Hour {
		layout = "Jan 2 15:04"
	}
	stride := max(1, (n+7)/8)
	for i := 0; i < n; i += stride {
		c.XLabels = append(c.XLabels, chartLabel{X: x(i), Y: float64(c.Base + 20), Text: t.Runs[i].Started.UTC().Format(layout)})
	}
	for si, s := range t.Series {
		line := chartLine{Family: s.Family, Color: chartPalette(si)}
		var path strings.Builder
		pen := false
		for i, p := range s.Points {
			if !p.OK {
				pen = false
				continue
			}
			px, py := x(i), y(p.Rate)
			verb := "L"
			if !pen {
				verb = "M"
			}
			fmt.Fprintf(&path, "%s%.1f %.1f ", verb, px, py)
			pen = true
			line.Points = append(line.Points, chartPoint{X: px, Y: py, Title: fmt.Sprintf("%s · %s: %s (%d/%d)",
				s.Family, t.Runs[i].Started.UTC().Format("2006-01-02 15:04"), pct(p.Rate), p.Passed, p.Ran)})
		}
		line.Path = strings.TrimSpace(path.String())
		c.Lines = append(c.Lines, line)
		label := s.Family
		if last := s.Points[len(s.Points)-1]; last.OK {
			label += " · " + pct(last.Rate)
		}
		c.Legend = append(c.Legend, chartLegend{Y: c.Top + 8 + si*22, Color: line.Color, Label: label})
	}
	c.Height = max(c.Height, c.Top+len(t.Series)*22+20)
	return c
}
