package reports

import (
	"fmt"
	"io"
	"strings"
)

// summaryFailureLimit keeps summary.md short enough for a CI job summary;
// report.html has the rest. summaryFindingLimit does the same for findings.
const (
	summaryFailureLimit = 15
	summaryFindingLimit = 5
)

// WriteSummary writes summary.md: the verdict, totals per family and the
// first failures, in GitHub-flavoured Markdown (e.g. for $GITHUB_STEP_SUMMARY).
func WriteSummary(w io.Writer, run *Run) error {
	t := run.Tally()
	var b strings.Builder
	verdict := "✅ all scenarios that ran passed"
	if t.Failed > 0 {
		verdict = fmt.Sprintf("❌ %d failed", t.Failed)
	}
	fmt.Fprintf(&b, "### kmsconform: %d/%d passed — %s\n\n", t.Passed, t.Scenarios, verdict)
	fmt.Fprintf(&b, "Target **%s**", mdEscape(run.Label()))
	if run.Target.Endpoint != "" {
		fmt.Fprintf(&b, " (`%s`", mdCode(run.Target.Endpoint))
		if run.Target.Region != "" {
			fmt.Fprintf(&b, ", %s", mdEscape(run.Target.Region))
		}
		b.WriteString(")")
	}
	fmt.Fprintf(&b, " · %s %s", mdEscape(run.Tool.Name), mdEscape(run.Tool.Version))
	if !run.Started.IsZero() {
		fmt.Fprintf(&b, " · %s", run.Started.UTC().Format("2006-01-02 15:04 UTC"))
	}
	b.WriteString("\n\n")

	b.WriteString("| Family | Passed | Failed | Unsupported | Skipped | Pass rate |\n|---|--:|--:|--:|--:|--:|\n")
	for _, f := range familyRows(run) {
		rate := "—"
		if f.HasRate {
			rate = pct(f.PassRate)
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %s |\n", mdEscape(f.Family), f.Totals.Passed, f.Totals.Failed, f.Totals.Unsupported, f.Totals.Skipped, rate)
	}
	fmt.Fprintf(&b, "| **all** | **%d** | **%d** | **%d** | **%d** | **%s** |\n", t.Passed, t.Failed, t.Unsupported, t.Skipped, totalsRate(t))

	if t.Failed > 0 {
		b.WriteString("\n**Failures**\n\n")
		shown := 0
		for i := range run.Scenarios {
			s := &run.Scenarios[i]
			if s.Status != StatusFailed {
				continue
			}
			if shown == summaryFailureLimit {
				fmt.Fprintf(&b, "- … and %d more (see report.html)\n", t.Failed-shown)
				break
			}
			shown++
			fmt.Fprintf(&b, "- %s", mdEscape(s.Name))
			if len(s.Conditions) > 0 {
				fmt.Fprintf(&b, " `%s`", mdCode(strings.Join(s.Conditions, " ")))
			}
			if s.Unsupported {
				b.WriteString(" *(unsupported)*")
			}
			if s.Reason != "" {
				fmt.Fprintf(&b, " — %s", mdEscape(truncate(s.Reason, 200)))
			}
			b.WriteString("\n")
		}
	}
	if groups := GroupFindings(run); len(groups) > 0 {
		fmt.Fprintf(&b, "\n**Findings** in %d scenario(s): differences that cannot hurt a client, or known, pinned deviations; never failures\n\n", countFindings(run))
		for i, g := range groups {
			if i == summaryFindingLimit {
				fmt.Fprintf(&b, "- … and %d more (see report.html)\n", len(groups)-i)
				break
			}
			fmt.Fprintf(&b, "- %s — %s", mdEscape(truncate(g.Finding, 200)), mdEscape(g.Scenarios[0].Name))
			if n := len(g.Scenarios) - 1; n > 0 {
				fmt.Fprintf(&b, " and %d more", n)
			}
			b.WriteString("\n")
		}
	}
	if run.Digest != "" {
		fmt.Fprintf(&b, "\n<sub>results digest `%s`</sub>\n", mdCode(run.Digest))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing summary: %w", err)
	}
	return nil
}

func totalsRate(t Totals) string {
	if rate, ok := t.PassRate(); ok {
		return pct(rate)
	}
	return "—"
}

// mdEscape neutralizes Markdown and HTML in text from the run (scenario
// names, error messages), which GitHub would otherwise render.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '|', '#', '!', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode makes s safe inside a single-backtick code span.
func mdCode(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "`", "'")
}

// FindingGroup is one finding and the scenarios that recorded it.
type FindingGroup struct {
	Finding   string
	Scenarios []*Scenario
}

// GroupFindings lists the run's distinct findings, in the order first
// recorded, each with the scenarios that recorded it.
func GroupFindings(run *Run) []FindingGroup {
	var groups []FindingGroup
	index := map[string]int{}
	for i := range run.Scenarios {
		s := &run.Scenarios[i]
		for _, f := range s.Findings {
			j, ok := index[f]
			if !ok {
				j = len(groups)
				index[f] = j
				groups = append(groups, FindingGroup{Finding: f})
			}
			groups[j].Scenarios = append(groups[j].Scenarios, s)
		}
	}
	return groups
}

func countFindings(run *Run) int {
	n := 0
	for i := range run.Scenarios {
		if len(run.Scenarios[i].Findings) > 0 {
			n++
		}
	}
	return n
}
