package steps

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
	"github.com/kmsconform/kmsconform/stepdef"
)

// untestablePrefix starts the one step of a scenario whose condition the
// public API cannot produce; the rest of the step text is the reason.
const untestablePrefix = "a condition the public API cannot produce: "

// world is one scenario's state. godog builds a fresh one per scenario.
type world struct {
	env *Env
	id  string

	result  reports.Scenario
	started time.Time
	stepAt  time.Time
	mu      sync.Mutex // guards result.Steps against late AfterStep hooks
	stepIDs []string   // pickle step IDs, parallel to result.Steps

	rec    recorder
	client *kms.Client
	second *kms.Client

	untestable  string
	skipReason  string
	unsupported string

	// last is the latest call under test (a When step); tested says there was one.
	last   outcome
	output any
	tested bool
	calls  []call // every call under test, in order

	stores   []*store
	keys     []*key
	store    *store // the key store the scenario talks about
	newStore *store // a second store created on the same backing
	key      *key   // the KMS key the scenario talks about
	cleanup  []func(context.Context) error
	hsm      *Lease[CloudHSMFixture]
	xks      *Lease[XKSFixture]
	account  *Account // the scenario's own account, once it has moved into one

	// Each operation family keeps its own scenario state.
	connecting connectState
	creating   createStoreState
	updating   updateStoreState
	importing  importState
	lifecycle  lifecycleState
	keyCreate  createKeyState
	validation validationState
}

// store is a custom key store the scenario created.
type store struct {
	id      string
	kind    string // "CloudHSM" or "external"
	name    string // the name it was created with
	keys    int    // KMS keys created in it
	deleted bool
	held    bool // its transitions are held through the control API
}

// key is a KMS key the scenario created.
type key struct {
	id, arn   string
	spec      types.KeySpec // as the scenario asked for it; empty means SYMMETRIC_DEFAULT
	material  string        // KeyMaterialId of the imported material, when the endpoint names it
	scheduled bool          // already scheduled for deletion
}

// Initializer returns the godog scenario initializer for a run in env.
func Initializer(env *Env) func(*godog.ScenarioContext) {
	patterns := stepdef.NewPatterns()
	return func(sc *godog.ScenarioContext) {
		w := &world{env: env}
		sc.Before(w.before)
		sc.StepContext().Before(w.beforeStep)
		sc.StepContext().After(w.afterStep)
		sc.After(w.after)
		w.register(stepdef.Bind(sc, patterns))
	}
}

// ScenarioID is the stable ID of a scenario: its feature file and name. Names
// of outline rows include their example values, so IDs are unique per row.
func ScenarioID(sc *godog.Scenario) string {
	return sc.Uri + ": " + sc.Name
}

func (w *world) before(ctx context.Context, sc *godog.Scenario) (context.Context, error) {
	w.id = ScenarioID(sc)
	w.started = time.Now()
	w.client = w.env.newClient(w.env.Primary, HeaderValue(w.id), &w.rec)
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
			w.untestable = reason
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

func (w *world) beforeStep(ctx context.Context, _ *godog.Step) (context.Context, error) {
	w.stepAt = time.Now()
	return ctx, nil
}

func (w *world) afterStep(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
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
func (w *world) after(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
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
	if w.tested {
		res.Observed = w.last.code
	}

	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cleanupBudget())
	defer cancel()
	for _, problem := range w.removeAll(cctx) {
		res.Findings = append(res.Findings, problem)
		if w.env.Warn != nil {
			w.env.Warn(w.id, problem)
		}
	}
	// After the cleanup, so that the evidence holds its exchanges too.
	entries := w.settledJournal(cctx)
	res.Exchanges = evidence.Exchanges(entries)
	if verdict, reason := judgeCalls(w.calls, entries, w.env.Journal != nil); verdict != reports.StatusPassed {
		res.Observed = "" // whatever the client saw, the endpoint did not say it
		if res.Status == reports.StatusPassed {
			res.Status, res.Reason = verdict, reason
		}
	}
	res.Duration = time.Since(w.started)
	if w.env.Report != nil {
		w.env.Report(&res)
	}
	return ctx, nil
}

func (w *world) cleanupBudget() time.Duration {
	t := w.env.Timeouts
	return 4*t.Call + t.Connect + 2*t.Disconnect
}

// finding notes a difference from real KMS that cannot hurt a client: it is
// reported beside the verdict and never fails the scenario.
func (w *world) finding(format string, args ...any) {
	note := fmt.Sprintf(format, args...)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !slices.Contains(w.result.Findings, note) {
		w.result.Findings = append(w.result.Findings, note)
	}
}

// skip ends the scenario as skipped, with the reason in the report.
func (w *world) skip(format string, args ...any) error {
	w.skipReason = fmt.Sprintf(format, args...)
	return fmt.Errorf("%w: %s", godog.ErrSkip, w.skipReason)
}
