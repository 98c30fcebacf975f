package scenario

import (
	"fmt"
	"sync"
)

// Waits remembers, for one run, the key store transitions its target did
// not complete in time. A target that cannot get a store to a state (an
// emulator whose DisconnectCustomKeyStore does nothing, say) would otherwise
// cost every scenario that needs that state the full timeout: after the
// first wait times out, the others fail at once with its reason, naming the
// scenario that waited. Scenarios already waiting give up at their next poll.
// The zero value is ready; a nil *Waits remembers nothing.
type Waits struct {
	mu     sync.Mutex
	failed map[string]*WaitFailed
}

// WaitFailed is the first timed-out wait for one transition on a target.
type WaitFailed struct {
	Transition string // e.g. "a CloudHSM key store to reach DISCONNECTED"
	Scenario   string // the ID of the scenario that waited
	Err        error  // what that wait ended with
}

func (e *WaitFailed) Error() string {
	return fmt.Sprintf("not waiting for %s: it did not happen in scenario %q on this target: %v", e.Transition, e.Scenario, e.Err)
}

func (e *WaitFailed) Unwrap() error { return e.Err }

// transition names a store reaching a state, per kind: a target may
// disconnect external key stores and not CloudHSM ones.
func transition(kind, goal string) string {
	article := "a"
	if kind == KindExternal {
		article = "an"
	}
	return fmt.Sprintf("%s %s key store to reach %s", article, kind, goal)
}

// failedBefore returns the recorded failure of the transition, or nil.
func (w *Waits) failedBefore(kind, goal string) *WaitFailed {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failed[transition(kind, goal)]
}

// timedOut records that scenarioID's wait for the transition ended with err,
// unless an earlier one did, and returns the recorded failure.
func (w *Waits) timedOut(kind, goal, scenarioID string, err error) *WaitFailed {
	f := &WaitFailed{Transition: transition(kind, goal), Scenario: scenarioID, Err: err}
	if w == nil {
		return f
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if first := w.failed[f.Transition]; first != nil {
		return first
	}
	if w.failed == nil {
		w.failed = map[string]*WaitFailed{}
	}
	w.failed[f.Transition] = f
	return f
}
