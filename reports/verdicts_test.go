package reports

import (
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
}
