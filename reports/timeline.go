package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// timeline is the retry attempt chart of a scenario: one row per exchange,
// on a shared time axis, with the client's waits between attempts of one
// invocation drawn as dashed lines.
type timeline struct {
	ID            string // unique within the page, for the SVG pattern
	Width, Height int
	PlotX, PlotW  int
	LabelX        int // right edge of the row labels
	AxisX2        int // end of the time axis
	DescX         int
	AxisY         int
	Rows          []timelineRow
	Ticks         []timelineTick
}

type timelineRow struct {
	Y, BarY, TextY int
	Label          string
	Separator      bool // first row of a new invocation
	BarX, BarW     float64
	DelayW         float64 // injected delay, drawn hatched inside the bar
	Class          string  // ok, err, fault
	Desc           string  // status, error code and duration
	Faults         string  // injected faults, on a second line
	FaultY         int
	Title          string
	Wait           *timelineWait
}

type timelineWait struct {
	X1, X2, Mid float64
	Y, LabelY   int
	Label       string
}

type timelineTick struct {
	X     float64
	Label string
}

const (
	timelineRowH  = 44
	timelineTop   = 8
	timelineWidth = 980
)

func buildTimeline(s *Scenario) *timeline {
	if len(s.Exchanges) == 0 || !s.IsRetry() {
		return nil
	}
	ex := slices.Clone(s.Exchanges)
	// Rows group by invocation (in order of first appearance), then by time.
	first := map[string]time.Time{}
	for _, e := range ex {
		if t, ok := first[e.InvocationID]; !ok || e.Received.Before(t) {
			first[e.InvocationID] = e.Received
		}
	}
	slices.SortStableFunc(ex, func(a, b Exchange) int {
		return cmp.Or(first[a.InvocationID].Compare(first[b.InvocationID]), cmp.Compare(a.InvocationID, b.InvocationID),
			a.Received.Compare(b.Received), cmp.Compare(a.Seq, b.Seq))
	})
	t0, t1 := ex[0].Received, exchangeEnd(ex[0])
	for _, e := range ex {
		if e.Received.Before(t0) {
			t0 = e.Received
		}
		if end := exchangeEnd(e); end.After(t1) {
			t1 = end
		}
	}
	span := max(t1.Sub(t0), time.Millisecond)
	tl := &timeline{ID: anchor(s), Width: timelineWidth, PlotX: 150, PlotW: 470, DescX: 640, LabelX: 140, AxisX2: 620}
	x := func(t time.Time) float64 {
		return float64(tl.PlotX) + float64(t.Sub(t0))/float64(span)*float64(tl.PlotW)
	}
	scale := float64(tl.PlotW) / float64(span)
	invocations := map[string]int{}
	var prev *Exchange
	for i := range ex {
		e := &ex[i]
		y := timelineTop + i*timelineRowH
		row := timelineRow{Y: y, BarY: y + 12, TextY: y + 24, FaultY: y + 36}
		sameInvocation := prev != nil && prev.InvocationID == e.InvocationID && e.InvocationID != ""
		if !sameInvocation {
			invocations[e.InvocationID] = len(invocations) + 1
			row.Separator = i > 0
		}
		row.Label = fmt.Sprintf("call %d · attempt %d", invocations[e.InvocationID], max(e.Attempt, 1))
		row.BarX = x(e.Received)
		row.BarW = max(x(exchangeEnd(*e))-row.BarX, 2)
		row.DelayW = min(float64(e.InjectedDelay)*scale, row.BarW)
		row.Class = exchangeClass(e)
		row.Desc = exchangeResponse(e) + " · " + formatDuration(exchangeEnd(*e).Sub(e.Received))
		if len(e.Faults) > 0 {
			row.Faults = truncate("injected: "+strings.Join(e.Faults, ", "), 64)
		}
		row.Title = exchangeTitle(e)
		if sameInvocation {
			if gap := e.Received.Sub(exchangeEnd(*prev)); gap > 0 {
				w := &timelineWait{X1: x(exchangeEnd(*prev)), X2: row.BarX, Y: y + 20, LabelY: y + 9, Label: "wait " + formatDuration(gap)}
				w.Mid = (w.X1 + w.X2) / 2
				row.Wait = w
			}
		}
		tl.Rows = append(tl.Rows, row)
		prev = e
	}
	tl.AxisY = timelineTop + len(ex)*timelineRowH + 4
	tl.Height = tl.AxisY + 26
	step := niceStep(span / 6)
	for d := time.Duration(0); d <= span; d += step {
		tl.Ticks = append(tl.Ticks, timelineTick{X: x(t0.Add(d)), Label: formatDuration(d)})
	}
	return tl
}

func exchangeEnd(e Exchange) time.Time {
	total := e.Total
	if total <= 0 {
		total = e.UpstreamLatency + e.InjectedDelay
	}
	return e.Received.Add(total)
}

// exchangeClass colours an attempt: ok (2xx, even if delayed), fault (no
// response, or an error the proxy injected) or err (the endpoint's own error).
func exchangeClass(e *Exchange) string {
	switch {
	case e.Status == 0:
		return "fault"
	case e.Status >= 200 && e.Status < 300:
		return "ok"
	case len(e.Faults) > 0:
		return "fault"
	}
	return "err"
}

// exchangeResponse is what the client got: a status and error code, or
// "no response".
func exchangeResponse(e *Exchange) string {
	var parts []string
	if e.Status != 0 {
		parts = append(parts, fmt.Sprint(e.Status))
	}
	if e.ErrorCode != "" {
		parts = append(parts, e.ErrorCode)
	}
	if len(parts) == 0 {
		return "no response"
	}
	return strings.Join(parts, " ")
}

// exchangeOutcome is exchangeResponse plus the injected faults.
func exchangeOutcome(e *Exchange) string {
	out := exchangeResponse(e)
	if len(e.Faults) > 0 {
		out += " · fault: " + strings.Join(e.Faults, ", ")
	}
	return out
}

func exchangeTitle(e *Exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s attempt %d: %s", e.Seq, e.Operation, max(e.Attempt, 1), exchangeOutcome(e))
	fmt.Fprintf(&b, "\nreceived %s, total %s, upstream %s", e.Received.UTC().Format("15:04:05.000"), formatDuration(e.Total), formatDuration(e.UpstreamLatency))
	if e.InjectedDelay > 0 {
		fmt.Fprintf(&b, ", injected delay %s", formatDuration(e.InjectedDelay))
	}
	if e.Rule != "" {
		fmt.Fprintf(&b, "\nrule %s", e.Rule)
	}
	if e.InvocationID != "" {
		fmt.Fprintf(&b, "\ninvocation %s", e.InvocationID)
	}
	return b.String()
}

// niceStep rounds d up to 1, 2 or 5 times a power of ten nanoseconds.
func niceStep(d time.Duration) time.Duration {
	if d <= 0 {
		return time.Millisecond
	}
	p := math.Pow(10, math.Floor(math.Log10(float64(d))))
	for _, m := range []float64{1, 2, 5, 10} {
		if step := time.Duration(m * p); step >= d {
			return step
		}
	}
	return time.Duration(10 * p)
}

func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	case d < time.Minute:
		return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.2f", d.Seconds()), "0"), ".0") + " s"
	}
	return d.Round(time.Second).String()
}
