package scenario

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/reports"
)

// call is one call under test: its number in the scenario (the value of
// CallHeader on its requests) and its operation.
type call struct{ id, op string }

// newCall numbers the scenario's next call under test.
func (w *Scenario) newCall(op string) string {
	c := call{id: strconv.Itoa(len(w.calls) + 1), op: op}
	w.calls = append(w.calls, c)
	return c.id
}

// journalSettle bounds the wait for the journal to record every call under
// test: the proxy records an exchange once it has answered, so the newest
// entry may reach the journal a moment after the client has its answer.
const journalSettle = 2 * time.Second

// settledJournal returns what the journal holds of the scenario once it has
// an entry for every call under test, or once journalSettle has passed.
func (w *Scenario) settledJournal(ctx context.Context) []journal.Entry {
	if w.Env.Journal == nil {
		return nil
	}
	header := HeaderValue(w.id)
	deadline := time.NewTimer(journalSettle)
	defer deadline.Stop()
	for {
		entries := w.Env.Journal(header)
		if recordsEvery(w.calls, entries) {
			return entries
		}
		select {
		case <-ctx.Done():
			return entries
		case <-deadline.C:
			return entries
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// recordsEvery reports whether entries hold a request of every call.
func recordsEvery(calls []call, entries []journal.Entry) bool {
	for _, c := range calls {
		if !slices.ContainsFunc(entries, func(e journal.Entry) bool { return e.Request.Headers[CallHeader] == c.id }) {
			return false
		}
	}
	return true
}

// judgeCalls decides whether a scenario whose steps passed is a pass for the
// endpoint: the journal must show that the endpoint itself answered every
// call under test. It returns the verdict, reports.StatusPassed when the
// journal shows that, and otherwise the status and reason to report:
//
//   - skipped, when the endpoint was never asked: no request of the call
//     reached the proxy (or there is no proxy to tell), or the proxy answered
//     the call's last attempt itself, with an injected fault or a refusal.
//     The scenario then checked nothing about the endpoint.
//   - failed, when the proxy forwarded the call's last attempt but the
//     endpoint gave no answer (it was unreachable, or the connection broke).
//
// A scenario without a call under test is left as it is.
func judgeCalls(calls []call, entries []journal.Entry, haveJournal bool) (verdict, reason string) {
	for _, c := range calls {
		if !haveJournal {
			return reports.StatusSkipped, fmt.Sprintf("no recording proxy: nothing shows that the endpoint answered the call under test (%s)", c.op)
		}
		var last *journal.Entry
		for i := range entries {
			e := &entries[i]
			if e.Request.Headers[CallHeader] == c.id && (last == nil || e.Seq > last.Seq) {
				last = e
			}
		}
		switch {
		case last == nil:
			return reports.StatusSkipped, fmt.Sprintf("the endpoint was never asked: the proxy's journal holds no request of the call under test (%s)", c.op)
		case !last.Forwarded:
			return reports.StatusSkipped, fmt.Sprintf("the call under test (%s) was answered by the proxy, not by the endpoint (exchange #%d: %s); the scenario checked nothing about the endpoint",
				c.op, last.Seq, proxyAnswer(last))
		case last.Outcome != "response" || last.Status == 0:
			return reports.StatusFailed, fmt.Sprintf("the endpoint did not answer the call under test (%s): exchange #%d ended in %s%s",
				c.op, last.Seq, last.Outcome, withDetail(last.Error))
		}
	}
	return reports.StatusPassed, ""
}

// proxyAnswer says what the proxy answered instead of the endpoint.
func proxyAnswer(e *journal.Entry) string {
	var parts []string
	if len(e.Faults) > 0 {
		parts = append(parts, "injected "+strings.Join(e.Faults, ", "))
	}
	if e.Status != 0 {
		answer := fmt.Sprintf("HTTP %d", e.Status)
		if e.ErrorCode != "" {
			answer += " " + e.ErrorCode
		}
		parts = append(parts, answer)
	} else {
		parts = append(parts, e.Outcome)
	}
	return strings.Join(parts, ", ") + withDetail(e.Error)
}

func withDetail(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}
