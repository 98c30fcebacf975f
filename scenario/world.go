// Package scenario is the core every operation family builds on: one
// Scenario per godog scenario owns its clients, the call under test and its
// outcome, the keys and key stores it created and their cleanup, and the
// outcome checks; the families (packages under families/) register their
// steps on it.
package scenario

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"
	"github.com/kmsconform/kmsconform/evidence"
	"github.com/kmsconform/kmsconform/reports"
)

// untestablePrefix starts the one step of a scenario whose condition the
// public API cannot produce; the rest of the step text is the reason.
const untestablePrefix = "a condition the public API cannot produce: "

// world is one scenario's state. godog builds a fresh one per scenario.
type Scenario struct {
	Env *Env
	id  string

	result  reports.Scenario
	Started time.Time
	stepAt  time.Time
	mu      sync.Mutex // guards result.Steps against late AfterStep hooks
	stepIDs []string   // pickle step IDs, parallel to result.Steps

	rec    recorder
	Client *kms.Client
	second *kms.Client
	// regions are the scenario's clients in the second Region, and its
	// client in the run's own Region while it acts in the second.
	regions regionClients

	Untestable  string
	skipReason  string
	unsupported string

	// last is the latest call under test (a When step); tested says there was one.
	Last   outcome
	Output any
	Tested bool
	calls  []call // every call under test, in order

	CreatedStores []*Store
	CreatedKeys   []*Key
	Store         *Store // the key store the scenario talks about
	Key           *Key   // the KMS key the scenario talks about
	Cleanup       []func(context.Context) error
	HSM           *Lease[CloudHSMFixture]
	XKS           *Lease[XKSFixture]
	Account       *Account // the scenario's own account, once it has moved into one

	// Importing is the key material the scenario imported, which every
	// family that brings a key into a state may need again.
	Importing  importState
	validation validationState

	// Keys and Stores are the preconditions every family shares, on the
	// scenario's keys and custom key stores.
	Keys   *Keys
	Stores *Stores
}

// Keys creates, imports into and checks the scenario's KMS keys.
type Keys struct {
	*Scenario
	// secondPrincipal is the second account's principal ARN, once learned.
	secondPrincipal string
}

// Stores creates, connects and checks the scenario's custom key stores.
type Stores struct{ *Scenario }

// New is one scenario's state in a run in env.
func New(env *Env) *Scenario {
	s := &Scenario{Env: env}
	s.Keys = &Keys{Scenario: s}
	s.Stores = &Stores{s}
	return s
}

// Hook ties the scenario to godog's scenario and step hooks, which build its result.
func (w *Scenario) Hook(sc *godog.ScenarioContext) {
	sc.Before(w.before)
	sc.StepContext().Before(w.beforeStep)
	sc.StepContext().After(w.afterStep)
	sc.After(w.after)
}

// store is a custom key store the scenario created.
type Store struct {
	ID      string
	Kind    string // "CloudHSM" or "external"
	Name    string // the name it was created with
	KeysIn  int    // KMS keys created in it
	Deleted bool
	Held    bool // its transitions are held through the control API
}

// key is a KMS key the scenario created.
type Key struct {
	ID, ARN   string
	Region    string        // the second Region for a replica there; empty for the run's own Region
	Spec      types.KeySpec // as the scenario asked for it; empty means SYMMETRIC_DEFAULT
	Material  string        // KeyMaterialId of the imported material, when the endpoint names it
	Scheduled bool          // already scheduled for deletion
}

// ScenarioID is the stable ID of a scenario: its feature file and name. Names
// of outline rows include their example values, so IDs are unique per row.
func ScenarioID(sc *godog.Scenario) string {
	return sc.Uri + ": " + sc.Name
}

// ID is the scenario's stable ID (see ScenarioID), once it has started.
func (w *Scenario) ID() string { return w.id }

func (w *Scenario) before(ctx context.Context, sc *godog.Scenario) (context.Context, error) {
	w.id = ScenarioID(sc)
	w.Started = time.Now()
	w.Client = w.Env.newClient(w.Env.Primary, HeaderValue(w.id), &w.rec)
	w.result = reports.Scenario{ID: w.id, Name: sc.Name, URI: sc.Uri}
	for _, t := range sc.Tags {
		w.result.Tags = append(w.result.Tags, t.Name)
		name := strings.TrimPrefix(t.Name, "@")
		switch {
		case strings.HasPrefix(name, "op:"):
			w.result.Operation = strings.TrimPrefix(name, "op:")
		case strings.HasPrefix(name, "cond:"):
			w.result.Conditions = append(w.result.Conditions, strings.TrimPrefix(name, "cond:"))
		case strings.HasPrefix(name, "error:"):
			w.result.Error = strings.TrimPrefix(name, "error:")
		}
	}
	for _, st := range sc.Steps {
		w.result.Steps = append(w.result.Steps, reports.Step{Keyword: keyword(st), Text: st.Text, Status: reports.StatusSkipped})
		w.stepIDs = append(w.stepIDs, st.Id)
		if reason, ok := strings.CutPrefix(st.Text, untestablePrefix); ok {
			w.Untestable = reason
		}
	}
	return ctx, nil
}

func keyword(st *godog.Step) string {
	switch st.Type {
	case messages.PickleStepType_CONTEXT:
		return "Given"
	case messages.PickleStepType_ACTION:
		return "When"
	case messages.PickleStepType_OUTCOME:
		return "Then"
	default:
		return "*"
	}
}

// HeaderValue is a scenario ID as the scenario header carries it: printable ASCII.
func HeaderValue(id string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '_'
		}
		return r
	}, id)
}

func (w *Scenario) beforeStep(ctx context.Context, _ *godog.Step) (context.Context, error) {
	w.stepAt = time.Now()
	return ctx, nil
}

func (w *Scenario) afterStep(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, id := range w.stepIDs {
		if id != st.Id {
			continue
		}
		s := &w.result.Steps[i]
		s.Status = status.String()
		s.Duration = time.Since(w.stepAt)
		if err != nil && !errors.Is(err, godog.ErrSkip) {
			s.Error = err.Error()
		}
		break
	}
	return ctx, nil
}

// after ends the scenario: it works out the result, removes what the scenario
// created, and reports.
func (w *Scenario) after(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
	w.mu.Lock()
	res := w.result
	res.Steps = append([]reports.Step(nil), w.result.Steps...)
	w.mu.Unlock()

	failure := ""
	for _, s := range res.Steps {
		switch s.Status {
		case "failed", "undefined", "pending", "ambiguous":
			if failure == "" {
				failure = s.Error
				if failure == "" {
					failure = fmt.Sprintf("step %q is %s", s.Text, s.Status)
				}
			}
		}
	}
	if failure == "" && err != nil && !errors.Is(err, godog.ErrSkip) {
		failure = err.Error()
	}
	switch {
	case failure != "":
		res.Status, res.Reason = reports.StatusFailed, failure
	case w.skipReason != "":
		res.Status, res.Reason = reports.StatusSkipped, w.skipReason
	default:
		res.Status = reports.StatusPassed
		for _, s := range res.Steps {
			if s.Status != "passed" {
				res.Status, res.Reason = reports.StatusSkipped, fmt.Sprintf("step %q did not run", s.Text)
				break
			}
		}
	}
	res.Unsupported = w.unsupported != ""
	if res.Unsupported && res.Status == reports.StatusFailed {
		res.Reason = w.unsupported
	}
	if w.Tested {
		res.Observed = w.Last.Code
	}

	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cleanupBudget())
	defer cancel()
	for _, problem := range w.removeAll(cctx) {
		res.Findings = append(res.Findings, problem)
		if w.Env.Warn != nil {
			w.Env.Warn(w.id, problem)
		}
	}
	// After the cleanup, so that the evidence holds its exchanges too.
	entries := w.settledJournal(cctx)
	res.Exchanges = evidence.Exchanges(entries)
	if verdict, reason := judgeCalls(w.calls, entries, w.Env.Journal != nil); verdict != reports.StatusPassed {
		res.Observed = "" // whatever the client saw, the endpoint did not say it
		if res.Status == reports.StatusPassed {
			res.Status, res.Reason = verdict, reason
		}
	}
	res.Duration = time.Since(w.Started)
	if w.Env.Report != nil {
		w.Env.Report(&res)
	}
	return ctx, nil
}

func (w *Scenario) cleanupBudget() time.Duration {
	t := w.Env.Timeouts
	return 4*t.Call + t.Connect + 2*t.Disconnect
}

// Finding notes something the scenario saw that does not decide its verdict
// (a difference from real KMS that cannot hurt a client, a client's known
// deviation): it is reported beside the verdict and never fails the scenario.
func (w *Scenario) Finding(format string, args ...any) {
	note := fmt.Sprintf(format, args...)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !slices.Contains(w.result.Findings, note) {
		w.result.Findings = append(w.result.Findings, note)
	}
}

// Skip ends the scenario as skipped, with the reason in the report.
func (w *Scenario) Skip(format string, args ...any) error {
	w.skipReason = fmt.Sprintf(format, args...)
	return fmt.Errorf("%w: %s", godog.ErrSkip, w.skipReason)
}
