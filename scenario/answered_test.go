package scenario

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/reports"
)

// entry is a journal entry of call under test id.
func entry(seq uint64, id string, forwarded bool, outcome string, status int, faultNames ...string) journal.Entry {
	return journal.Entry{Seq: seq, Forwarded: forwarded, Outcome: outcome, Status: status, Faults: faultNames,
		Request: journal.Message{Headers: map[string]string{CallHeader: id}}}
}

func TestJudgeCalls(t *testing.T) {
	describe := []call{{id: "1", op: "DescribeKey"}}
	tests := []struct {
		name        string
		calls       []call
		entries     []journal.Entry
		noJournal   bool
		verdict     string
		reasonParts []string
	}{
		{"the endpoint answered", describe, []journal.Entry{entry(7, "1", true, "response", 400)}, false, reports.StatusPassed, nil},
		{"an injected delay, then the endpoint's answer", describe, []journal.Entry{entry(7, "1", true, "response", 200, "delay 1s")}, false, reports.StatusPassed, nil},
		{"no scenario call under test", nil, nil, false, reports.StatusPassed, nil},
		{"the proxy answered with an injected fault", describe, []journal.Entry{entry(7, "1", false, "response", 500, "error KMSInternalException")}, false,
			reports.StatusSkipped, []string{"answered by the proxy, not by the endpoint", "#7", "injected error KMSInternalException", "HTTP 500"}},
		{"no request reached the proxy", describe, []journal.Entry{entry(3, "2", true, "response", 200)}, false,
			reports.StatusSkipped, []string{"never asked", "DescribeKey"}},
		{"no recording proxy", describe, nil, true, reports.StatusSkipped, []string{"no recording proxy"}},
		{"the endpoint gave no answer", describe, []journal.Entry{entry(9, "1", true, "upstream-error", 502)}, false,
			reports.StatusFailed, []string{"did not answer", "#9", "upstream-error"}},
		{"the last attempt decides: injected after an answer", describe,
			[]journal.Entry{entry(5, "1", false, "response", 500, "error KMSInternalException"), entry(4, "1", true, "response", 500)}, false,
			reports.StatusSkipped, []string{"#5"}},
		{"the last attempt decides: answered after an injection", describe,
			[]journal.Entry{entry(4, "1", false, "response", 500, "error KMSInternalException"), entry(5, "1", true, "response", 400)}, false,
			reports.StatusPassed, nil},
		{"every call under test counts", []call{{id: "1", op: "DisableKey"}, {id: "2", op: "EnableKey"}},
			[]journal.Entry{entry(1, "1", true, "response", 200), entry(2, "2", false, "response", 500, "error KMSInternalException")}, false,
			reports.StatusSkipped, []string{"(EnableKey)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			verdict, reason := judgeCalls(tc.calls, tc.entries, !tc.noJournal)
			if verdict != tc.verdict {
				t.Errorf("verdict %s (%s), want %s", verdict, reason, tc.verdict)
			}
			for _, part := range tc.reasonParts {
				if !strings.Contains(reason, part) {
					t.Errorf("reason %q lacks %q", reason, part)
				}
			}
		})
	}
}

// The proxy records an exchange just after it has answered, so the verdict
// waits for the journal to hold every call under test before judging.
func TestJournalIsWaitedFor(t *testing.T) {
	reads := 0
	w := &Scenario{id: "f.feature: s", calls: []call{{id: "1", op: "DescribeKey"}}, Env: &Env{Journal: func(string) []journal.Entry {
		reads++
		if reads < 3 {
			return nil
		}
		return []journal.Entry{entry(1, "1", true, "response", 400)}
	}}}
	entries := w.settledJournal(context.Background())
	if verdict, reason := judgeCalls(w.calls, entries, true); verdict != reports.StatusPassed {
		t.Errorf("verdict %s (%s) after %d reads, want passed", verdict, reason, reads)
	}
	// A call the journal never records is judged once the wait ends.
	w.calls = append(w.calls, call{id: "2", op: "EnableKey"})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if verdict, _ := judgeCalls(w.calls, w.settledJournal(ctx), true); verdict != reports.StatusSkipped {
		t.Errorf("verdict %s, want skipped: the second call never reached the proxy", verdict)
	}
}
