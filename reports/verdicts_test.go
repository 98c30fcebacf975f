package reports

import (
	"fmt"
	"strings"
	"testing"
)

// The condition matrix is the endpoint's: a client retry scenario citing the
// same condition neither adds to it nor changes its outcome.
func TestConditionMatrixLeavesClientsOut(t *testing.T) {
	run := &Run{Scenarios: []Scenario{
		{ID: "key-lifecycle/d.feature: describe", Operation: "DescribeKey", Conditions: []string{"DescribeKey.03"}, Status: StatusPassed},
		{ID: "retries/r.feature: retry", Operation: "DescribeKey", Tags: []string{"@retries"}, Conditions: []string{"DescribeKey.03", "DescribeKey.11"}, Status: StatusFailed},
	}}
	conds := run.Conditions()
	if len(conds) != 1 || conds[0].ID != "DescribeKey.03" || conds[0].Outcome != StatusPassed || len(conds[0].Scenarios) != 1 {
		t.Fatalf("conditions = %+v, want DescribeKey.03 passed by the endpoint scenario alone", conds)
	}
	var html strings.Builder
	if err := WriteHTML(&html, run); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html.String(), `data-outcome="failed"`) {
		t.Errorf("the condition matrix shows the client scenario's failure")
	}
	// DescribeKey.11, which only the client scenario cites, shows apart.
	m := buildMatrix(run)
	if len(m.Rows) != 1 || len(m.Rows[0].Cells) != 11 {
		t.Fatalf("matrix = %+v", m)
	}
	if c := m.Rows[0].Cells[10]; c.Outcome != OutcomeInjected || !strings.Contains(c.Title, "checked through injected faults") {
		t.Errorf("DescribeKey.11 cell = %+v, want it apart, as checked through injected faults", c)
	}
	if c := m.Rows[0].Cells[2]; c.Outcome != StatusPassed {
		t.Errorf("DescribeKey.03 cell = %+v, want the endpoint's pass", c)
	}
}

// summary.md lists each distinct finding once, with a scenario that
// recorded it, and stays short however many there are.
func TestSummaryGroupsFindings(t *testing.T) {
	run := &Run{}
	for i := range 12 {
		run.Scenarios = append(run.Scenarios, Scenario{ID: fmt.Sprint("s", i), Name: fmt.Sprint("scenario ", i), Status: StatusPassed,
			Findings: []string{"a status of the right class", fmt.Sprint("note ", i%8)}})
	}
	groups := GroupFindings(run)
	if len(groups) != 9 || groups[0].Finding != "a status of the right class" || len(groups[0].Scenarios) != 12 || len(groups[1].Scenarios) != 2 {
		t.Fatalf("groups: %d, first %+v", len(groups), groups[0])
	}
	var b strings.Builder
	if err := WriteSummary(&b, run); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"**Findings** in 12 scenario(s)", "- a status of the right class — scenario 0 and 11 more\n", "- … and 4 more (see report.html)", "all scenarios that ran passed"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}
