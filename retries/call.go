package retries

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kmsconform/kmsconform/clients"
	"github.com/kmsconform/kmsconform/evidence"
	"github.com/kmsconform/kmsconform/proxy/journal"
)

// The call under test: once, or as often as the wait check needs, each
// time with a fresh client process, and what the scenario's proxy saw of it.

func (st *scenario) call(ctx context.Context, operation string) error {
	return st.callTimes(ctx, operation, 1)
}

// callRepeated makes the call as often as the wait check needs to tell the
// documented backoff from the other rule generation's and from a base twice
// or half as large (planWaits), each call with a fresh client process.
func (st *scenario) callRepeated(ctx context.Context, operation string) error {
	if st.client == "" {
		return errors.New("no client under test yet")
	}
	e := st.policy.Expect(st.fault, "", 0)
	allow := st.allowance()
	plan := planWaits(st.policy, e.Class, len(e.Waits), allow)
	st.plan = &plan
	if len(plan.notApart) > 0 {
		st.finding("the wait check cannot tell %s's %s backoff from %s: its allowance (%v first retry, %v later; measured client overhead) is too large against the bounds",
			st.client, e.Class, strings.Join(plan.notApart, " or "), allow.First, allow.Later)
	}
	if err := st.callTimes(ctx, operation, plan.calls); err != nil {
		return err
	}
	st.finding(repeatedFinding+"; each call's attempts are alike, the matrix shows one call's)", plan.calls, FalseFail, FalsePass)
	return nil
}

// repeatedFinding says how often a scenario made its call; Matrix reads the
// count back.
const repeatedFinding = "the wait check made the call %d times (false fail ≤ %g, false pass ≤ %g"

func (st *scenario) callTimes(ctx context.Context, operation string, times int) error {
	if st.client == "" {
		return errors.New("no client under test yet")
	}
	in, err := st.input(operation)
	if err != nil {
		return err
	}
	req := clients.Request{Operation: operation, Input: in, Endpoint: st.proxyURL, Region: st.suite.env.Region}
	if st.fault.Kind == KindTimeout {
		req.TimeoutMs = int(ClientTimeout / time.Millisecond)
	}
	for range times {
		if err := st.callOnce(ctx, operation, req); err != nil {
			return err
		}
	}
	var all []journal.Entry
	var waits []time.Duration
	for _, r := range st.runs {
		all = append(all, r.entries...)
		waits = append(waits, st.waits(r.entries)...)
	}
	out := st.outcome
	code := ""
	if !out.OK && out.Error != nil {
		code = out.Error.Code
	}
	st.record(func(r *Record) {
		r.Exchanges = evidence.Exchanges(all)
		r.Waits = waits
		r.Called, r.OK, r.Code, r.ClientAttempts = true, out.OK, code, out.Attempts
	})
	return nil
}

func (st *scenario) callOnce(ctx context.Context, operation string, req clients.Request) error {
	cctx, cancel := context.WithTimeout(ctx, callBudget)
	defer cancel()
	start := time.Now()
	stop := monitorStalls(cctx)
	out, err := st.caller.Call(cctx, req)
	st.stall = max(st.stall, stop())
	if err != nil {
		return fmt.Errorf("kmsconform could not observe the call: %w", err)
	}
	entries := st.settledEntries(ctx, operation, start, out.Attempts)
	st.outcome, st.called, st.entries = out, true, entries
	st.runs = append(st.runs, run{entries: entries, outcome: out})
	if len(entries) == 0 {
		return fmt.Errorf("kmsconform could not observe the call: the scenario's proxy saw no %s request (client outcome: %s)", operation, describe(out))
	}
	if out.Attempts != 0 && out.Attempts != len(entries) {
		st.finding("%s says it made %d attempts; the proxy saw %d", st.client, out.Attempts, len(entries))
	}
	if entries[0].InvocationID == "" && len(st.runs) == 1 {
		st.finding("%s sent no amz-sdk-invocation-id or amz-sdk-request header; the scenario's own proxy counted its attempts", st.client)
	}
	return nil
}

// settledEntries returns the attempts the proxy recorded for operation. The
// proxy records an exchange once it has finished with it, which for a reset
// can be just after the client has seen it; so it waits until the proxy has
// seen as many attempts as the client reports and nothing new has arrived
// for a moment.
func (st *scenario) settledEntries(ctx context.Context, operation string, since time.Time, clientAttempts int) []journal.Entry {
	const quiet, limit = 300 * time.Millisecond, 5 * time.Second
	read := func() []journal.Entry {
		return st.proxy.Journal().Filter(func(e journal.Entry) bool { return e.Operation == operation && !e.Received.Before(since) })
	}
	entries, changed, deadline := read(), time.Now(), time.Now().Add(limit)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if len(entries) >= clientAttempts && time.Since(changed) >= quiet {
			break
		}
		time.Sleep(20 * time.Millisecond)
		if now := read(); len(now) != len(entries) {
			entries, changed = now, time.Now()
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Received.Before(entries[j].Received) })
	return entries
}

// waits measures the time between the end of each attempt, as the client saw
// it, and the start of the next.
func (st *scenario) waits(entries []journal.Entry) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(entries); i++ {
		prev := entries[i-1]
		end := prev.Received.Add(prev.Total)
		if st.fault.Kind == KindTimeout {
			// The client gave up at its timeout, whatever the proxy did after.
			if gaveUp := prev.Received.Add(ClientTimeout); gaveUp.Before(end) {
				end = gaveUp
			}
		}
		out = append(out, max(0, entries[i].Received.Sub(end)))
	}
	return out
}

// allowance is the client's allowance for this scenario, taken once (it
// follows the machine's load) so that the plan and the check agree.
func (st *scenario) allowance() Allowance {
	if st.allow == nil {
		a := st.suite.allowance(st.client)
		st.allow = &a
	}
	return *st.allow
}
