package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kmsconform/kmsconform/reports"
)

// writeResults writes results.json and the reports derived from it into dir.
func writeResults(dir string, run *reports.Run) error {
	if err := reports.WriteAll(dir, run); err != nil {
		return fmt.Errorf("writing the results: %w", err)
	}
	// The retry matrix belongs in the CI job summary too.
	if m := run.RetryMatrix.Markdown(); m != "" {
		f, err := os.OpenFile(filepath.Join(dir, reports.SummaryFile), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("adding the retry matrix to the summary: %w", err)
		}
		_, werr := fmt.Fprintf(f, "\n**Client retries** (client × fault)\n\n%s", m)
		if err := errors.Join(werr, f.Close()); err != nil {
			return fmt.Errorf("adding the retry matrix to the summary: %w", err)
		}
	}
	return nil
}

// progressLine is the one line printed when a scenario finishes.
func progressLine(n, total int, s *reports.Scenario) string {
	mark := map[string]string{reports.StatusPassed: "pass", reports.StatusFailed: "FAIL", reports.StatusSkipped: "skip"}[s.Status]
	line := fmt.Sprintf("[%*d/%d] %s  %s  %s (%s)", len(fmt.Sprint(total)), n, total, mark, s.Operation, s.Name, s.Duration.Round(time.Millisecond))
	if s.Status == reports.StatusFailed {
		line += "\n        " + oneLine(s.Reason, 200)
	}
	return line
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// maxListed is how many scenarios of one failure reason the terminal summary
// names; report.html names them all.
const maxListed = 5

// clientRow labels the client retry scenarios in the per-operation table:
// they check clients, so they count apart from every operation's endpoint results.
const clientRow = "(client retries, @retries)"

// WriteSummary prints the end-of-run summary: the endpoint's counts per
// operation, the client scenarios' apart, every failure with its reason, the
// reasons scenarios were skipped, and anything cleanup had to leave behind.
func WriteSummary(w io.Writer, run *reports.Run, warnings []string, out string) {
	type counts struct{ passed, failed, skipped int }
	per := map[string]*counts{}
	var ops []string
	for _, s := range run.Scenarios {
		row := s.Operation
		if s.ChecksClient() {
			row = clientRow
		}
		c := per[row]
		if c == nil {
			c = &counts{}
			per[row] = c
			if row != clientRow {
				ops = append(ops, row)
			}
		}
		switch s.Status {
		case reports.StatusPassed:
			c.passed++
		case reports.StatusFailed:
			c.failed++
		default:
			c.skipped++
		}
	}
	sort.Strings(ops)
	if per[clientRow] != nil {
		ops = append(ops, clientRow)
	}
	fmt.Fprintf(w, "\n%-28s %7s %7s %7s\n", "operation (endpoint)", "passed", "failed", "skipped")
	for _, op := range ops {
		c := per[op]
		fmt.Fprintf(w, "%-28s %7d %7d %7d\n", op, c.passed, c.failed, c.skipped)
	}
	t := run.Totals
	fmt.Fprintf(w, "%-28s %7d %7d %7d\n", "total", t.Passed, t.Failed, t.Skipped)

	if t.Failed > 0 {
		// Failures sharing a reason (an emulator lacking an operation, say)
		// are listed under it once, to keep the summary on one screen.
		fmt.Fprintf(w, "\nFailed:\n")
		byReason := map[string][]string{}
		var order []string
		for _, s := range run.Scenarios {
			if s.Status != reports.StatusFailed {
				continue
			}
			r := oneLine(s.Reason, 220)
			if s.Unsupported {
				r = "[unsupported] " + r
			}
			if byReason[r] == nil {
				order = append(order, r)
			}
			byReason[r] = append(byReason[r], s.ID)
		}
		for _, r := range order {
			ids := byReason[r]
			if len(ids) == 1 {
				fmt.Fprintf(w, "  %s\n      %s\n", ids[0], r)
				continue
			}
			fmt.Fprintf(w, "  %d scenarios: %s\n", len(ids), r)
			for i, id := range ids {
				if i == maxListed && len(ids) > maxListed+1 {
					fmt.Fprintf(w, "      … and %d more (all in %s)\n", len(ids)-i, reports.HTMLFile)
					break
				}
				fmt.Fprintf(w, "      %s\n", id)
			}
		}
	}
	if t.Skipped > 0 {
		reasons := map[string]int{}
		var order []string
		for _, s := range run.Scenarios {
			if s.Status != reports.StatusSkipped {
				continue
			}
			if reasons[s.Reason] == 0 {
				order = append(order, s.Reason)
			}
			reasons[s.Reason]++
		}
		fmt.Fprintf(w, "\nSkipped, by reason:\n")
		for _, r := range order {
			fmt.Fprintf(w, "  %3d × %s\n", reasons[r], oneLine(r, 200))
		}
	}
	if groups := reports.GroupFindings(run); len(groups) > 0 {
		fmt.Fprintf(w, "\nFindings (never failures):\n")
		for i, g := range groups {
			if i == maxListed {
				fmt.Fprintf(w, "  … and %d more (all in %s)\n", len(groups)-i, reports.HTMLFile)
				break
			}
			fmt.Fprintf(w, "  %3d × %s\n", len(g.Scenarios), oneLine(g.Finding, 200))
		}
	}
	// Where the documentation forbids a call without naming the error, the
	// code the endpoint chose is what the run teaches.
	var learned []string
	for _, s := range run.Scenarios {
		line := fmt.Sprintf("  %s: %s", strings.Join(s.Conditions, ", "), s.Observed)
		if s.Observed != "" && expectsUnnamedError(s) && !slices.Contains(learned, line) {
			learned = append(learned, line)
		}
	}
	if len(learned) > 0 {
		fmt.Fprintf(w, "\nError codes where the docs name none:\n%s\n", strings.Join(learned, "\n"))
	}
	if m := run.RetryMatrix.Markdown(); m != "" {
		fmt.Fprintf(w, "\nClient retries (client × fault):\n%s", m)
	}
	if len(warnings) > 0 {
		fmt.Fprintf(w, "\nCleanup could not remove:\n")
		for _, wn := range warnings {
			fmt.Fprintf(w, "  %s\n", oneLine(wn, 220))
		}
	}
	if out != "" {
		fmt.Fprintf(w, "\nResults: %s/results.json, report.html, summary.md, cucumber.json, junit.xml\n", strings.TrimRight(out, "/"))
	}
	// Last, the plain tally CI log readers look for.
	fmt.Fprintf(w, "scenarios: %d passed, %d failed, %d skipped\n", t.Passed, t.Failed, t.Skipped)
}

// expectsUnnamedError reports whether a scenario checks a call the
// documentation forbids without naming its error (an UNSPECIFIED condition).
func expectsUnnamedError(s reports.Scenario) bool {
	for _, st := range s.Steps {
		if st.Text == "the request fails with a client error" {
			return true
		}
	}
	return false
}
