package reports

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// threeImplementations are sampleRun as three implementations: "moto" where
// a failure passes, another fails with a different code and one scenario is
// missing; "reference" where everything sampleRun ran passes.
func threeImplementations() []*Run {
	a := sampleRun()
	b := sampleRun()
	b.Target = Target{Name: "moto 5.2.1", Endpoint: "http://127.0.0.1:5000", Region: "us-east-1"}
	b.Scenarios[1].Status, b.Scenarios[1].Reason, b.Scenarios[1].Observed = StatusPassed, "", "CustomKeyStoreInvalidStateException"
	b.Scenarios[8].Observed = "NotFoundException"
	b.Scenarios = append(b.Scenarios[:2], b.Scenarios[3:]...) // no "Deleting a store that does not exist"
	c := sampleRun()
	c.Target = Target{Name: "kmsconform reference KMS", Embedded: true}
	for i := range c.Scenarios {
		if s := &c.Scenarios[i]; s.Status == StatusFailed {
			s.Status, s.Unsupported, s.Reason = StatusPassed, false, ""
		}
	}
	return []*Run{a, b, c}
}

func TestSideBySide(t *testing.T) {
	runs := threeImplementations()
	c := SideBySide(runs, nil)
	if len(c.Columns) != 3 || c.Columns[1].Label != "moto 5.2.1" {
		t.Fatalf("columns %+v", c.Columns)
	}
	if got, want := c.Columns[1].Totals, (Totals{Scenarios: 10, Passed: 7, Failed: 2, Skipped: 1, Unsupported: 1}); got != want {
		t.Errorf("moto's totals %+v, want %+v", got, want)
	}
	byName := map[string]CompareRow{}
	for _, r := range c.Rows {
		byName[r.Name] = r
	}
	tests := []struct {
		name     string
		outcomes []string
		disagree bool
	}{
		{"Deleting a connected store is refused", []string{"failed", "passed", "passed"}, true},
		{"Disconnecting a store that is being created", []string{"unsupported", "unsupported", "passed"}, true},
		// Failing alike, with different codes, is agreement on the outcome.
		{"Deleting key material of a pending-deletion key", []string{"failed", "failed", "passed"}, true},
		{"Deleting a store that does not exist", []string{"passed", "absent", "passed"}, false},
		{"Deleting a store while KMS is busy", []string{"skipped", "skipped", "skipped"}, false},
		{"Deleting a store that still has KMS keys is refused", []string{"passed", "passed", "passed"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := byName[tc.name]
			if !ok {
				t.Fatalf("no row")
			}
			var got []string
			for _, cell := range r.Cells {
				got = append(got, cell.Outcome())
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.outcomes) || r.Disagree != tc.disagree {
				t.Fatalf("outcomes %v disagree %v, want %v %v", got, r.Disagree, tc.outcomes, tc.disagree)
			}
		})
	}
	// Rows go by family, then operation, then condition.
	var order []string
	for _, r := range c.Rows {
		order = append(order, r.Family+"/"+r.Operation+"/"+strings.Join(r.Conditions, ","))
	}
	for i := 1; i < len(order); i++ {
		if c.Rows[i-1].Family == c.Rows[i].Family && c.Rows[i-1].Operation == c.Rows[i].Operation &&
			compareConditions(c.Rows[i-1].Conditions, c.Rows[i].Conditions) > 0 {
			t.Errorf("rows out of order: %s before %s", order[i-1], order[i])
		}
	}

	var md bytes.Buffer
	if err := WriteSideBySideSummary(&md, c); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"|  | local-kms 3.12 | moto 5.2.1 | kmsconform reference KMS |",
		"| Run started | 2026-11-24 02:00 UTC |",
		"| Unsupported | 1 | 1 | 0 |",
		"## Per family", "## Per operation",
		"| DeleteCustomKeyStore | 2/3 | 2/2 | 3/3 |",
		fmt.Sprintf("## Where they disagree (%d scenarios)", c.Disagreements()),
		"| Deleting key material of a pending-deletion key | failed | failed `NotFoundException` | passed |",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("summary.md lacks %q:\n%s", want, md.String())
		}
	}
}

// writeComparePage writes compare.html for runs written into run
// directories beside it, as 'kmsconform compare' does.
func writeComparePage(t *testing.T, runs []*Run) (dir string, c *Comparison) {
	t.Helper()
	dir = t.TempDir()
	var dirs []string
	for i, r := range runs {
		d := filepath.Join(dir, fmt.Sprintf("run%d", i))
		if err := WriteAll(d, r); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	c = SideBySide(runs, dirs)
	var page bytes.Buffer
	out := filepath.Join(dir, "compare")
	if err := WriteSideBySideHTML(&page, c, out); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, CompareHTMLFile), page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out, c
}

// The page is self-contained: nothing loads, only its pinned scripts run,
// and its only links outside it are to the runs' own reports.
func TestSideBySidePageSelfContained(t *testing.T) {
	out, _ := writeComparePage(t, threeImplementations())
	page, err := os.ReadFile(filepath.Join(out, CompareHTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range selfContainedProblems(page) {
		if !strings.Contains(p, "../run") || !strings.Contains(p, "/report.html") {
			t.Errorf("not self-contained: %s", p)
		}
	}
	if !bytes.Contains(page, []byte(`href="../run1/report.html"`)) {
		t.Error("the page does not link to moto's report.html")
	}
}

func TestSideBySideRendersInChromium(t *testing.T) {
	chromium := findTool(t, "chromium", "apt-get install -y chromium")
	out, c := writeComparePage(t, threeImplementations())
	url := "file://" + filepath.ToSlash(filepath.Join(out, CompareHTMLFile))
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	grid := func(root *html.Node) *html.Node {
		g := findElement(root, func(n *html.Node) bool { return attr(n, "id") == "grid" })
		if g == nil {
			t.Fatal("no #grid on the rendered page")
		}
		return g
	}
	all := renderedDOM(ctx, t, chromium, filepath.Join(out, "profile-all"), url)
	if got, want := attr(grid(all), "data-shown"), fmt.Sprint(len(c.Rows)); got != want {
		t.Errorf("unfiltered, %s rows shown; want all %s", got, want)
	}
	// A row's cells, one per implementation, with the code observed.
	row := findElement(all, func(n *html.Node) bool {
		return n.Data == "tr" && strings.HasSuffix(attr(n, "data-id"), "Deleting key material of a pending-deletion key")
	})
	if row == nil {
		t.Fatal("no row for the pending-deletion scenario")
	}
	var cells []string
	walk(row, func(n *html.Node) {
		if strings.HasPrefix(attr(n, "class"), "res ") {
			cells = append(cells, attr(n, "data-outcome")+":"+strings.TrimSpace(textOf(n)))
		}
	})
	if want := []string{"failed:fail", "failed:failNotFoundException", "passed:pass"}; fmt.Sprint(cells) != fmt.Sprint(want) {
		t.Errorf("cells %q, want %q", cells, want)
	}

	filtered := renderedDOM(ctx, t, chromium, filepath.Join(out, "profile-disagree"), url+"#disagree")
	if got, want := attr(grid(filtered), "data-shown"), fmt.Sprint(c.Disagreements()); got != want || c.Disagreements() == len(c.Rows) || c.Disagreements() == 0 {
		t.Errorf("filtered to where they disagree, %s rows shown; want %s of %d", got, want, len(c.Rows))
	}

	// A cell's link opens its evidence, unpacked from the page.
	var moto *Scenario
	for i := range c.Rows {
		if c.Rows[i].Name == "Deleting a connected store is refused" {
			moto = c.Rows[i].Cells[1].Scenario
		}
	}
	id := "c1-" + anchor(moto)
	opened := renderedDOM(ctx, t, chromium, filepath.Join(out, "profile-evidence"), url+"#"+id)
	box := findElement(opened, func(n *html.Node) bool { return attr(n, "id") == id })
	if box == nil {
		t.Fatalf("no evidence block %s", id)
	}
	ex := findElement(box, func(n *html.Node) bool { return attr(n, "class") == "exchanges" })
	if ex == nil || attr(ex, "data-state") != "shown" || !strings.Contains(textOf(ex), "TrentService.DeleteCustomKeyStore") {
		t.Fatalf("moto's evidence for the scenario was not unpacked: %q", truncate(textOf(box), 300))
	}
	if !strings.Contains(textOf(box), "In the run's report") {
		t.Error("the evidence block does not link to the run's report")
	}
}
