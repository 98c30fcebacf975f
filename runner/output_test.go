package runner_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/runner"
)

func TestSummaryFitsOnAScreen(t *testing.T) {
	run := &reports.Run{}
	add := func(s reports.Scenario) { run.Scenarios = append(run.Scenarios, s) }
	for i := range 40 {
		add(reports.Scenario{ID: fmt.Sprintf("f.feature: unsupported %02d", i), Operation: "DeleteCustomKeyStore", Status: reports.StatusFailed,
			Unsupported: true, Reason: "the endpoint does not implement CreateCustomKeyStore: it answered HTTP 500"})
	}
	add(reports.Scenario{ID: "f.feature: wrong code", Operation: "DisconnectCustomKeyStore", Status: reports.StatusFailed, Reason: "want X: got Y"})
	add(reports.Scenario{ID: "f.feature: cross-account", Operation: "DisconnectCustomKeyStore", Status: reports.StatusPassed,
		Conditions: []string{"DisconnectCustomKeyStore.02"}, Observed: "CustomKeyStoreNotFoundException",
		Steps: []reports.Step{{Text: "the request fails with a client error"}}})
	add(reports.Scenario{ID: "f.feature: untestable", Operation: "DeleteImportedKeyMaterial", Status: reports.StatusSkipped, Reason: "untestable: no way"})
	run.Totals = run.Tally()

	var out bytes.Buffer
	runner.WriteSummary(&out, run, []string{"s: cleanup: key store cks-1 not deleted"}, "out")
	text := out.String()
	for _, want := range []string{
		"DeleteCustomKeyStore               0      40       0",
		"40 scenarios: [unsupported] the endpoint does not implement CreateCustomKeyStore",
		"… and 35 more (all in report.html)",
		"f.feature: wrong code\n      want X: got Y",
		"1 × untestable: no way",
		"DisconnectCustomKeyStore.02: CustomKeyStoreNotFoundException",
		"cleanup: key store cks-1 not deleted",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if lines := strings.Count(text, "\n"); lines > 40 {
		t.Errorf("summary is %d lines long:\n%s", lines, text)
	}
}

// Client retry scenarios count apart from the endpoint's operations: a
// client that fails DescribeKey's retries does not fail the endpoint's
// DescribeKey.
func TestSummaryKeepsClientsApartFromOperations(t *testing.T) {
	run := &reports.Run{Scenarios: []reports.Scenario{
		{ID: "k.feature: describe", Operation: "DescribeKey", Status: reports.StatusPassed},
		{ID: "retries/r.feature: retry", Operation: "DescribeKey", Tags: []string{"@retries"}, Status: reports.StatusFailed, Reason: "boto3 made 4 attempts"},
		{ID: "retries/r.feature: retry 2", Operation: "CreateKey", Tags: []string{"@retries"}, Status: reports.StatusPassed},
	}}
	run.Totals = run.Tally()
	var out bytes.Buffer
	runner.WriteSummary(&out, run, nil, "")
	text := out.String()
	for _, want := range []string{
		"DescribeKey                        1       0       0\n",
		"(client retries, @retries)         1       1       0\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "CreateKey ") {
		t.Errorf("a client scenario has a row of the endpoint's:\n%s", text)
	}
}
