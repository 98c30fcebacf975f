package catalog

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"
)

// Status is how well a catalog entry is covered by scenarios.
type Status string

const (
	// Covered: at least one endpoint scenario checks it.
	Covered Status = "covered"
	// Injected: a server fault (HTTP 5xx, such as KMSInternalException) that
	// no endpoint can be made to produce on demand, checked through injected
	// faults: a client scenario (@retries) injects it into the operation and
	// checks what the client makes of it. The endpoint's own answer is not
	// checked, so reports show it apart from Covered.
	Injected Status = "injected"
	// Untestable: only @untestable scenarios name it.
	Untestable Status = "untestable"
	// Missing: no scenario names it.
	Missing Status = "missing"
)

// ScenarioRef points at one scenario (one Examples block, for an outline).
type ScenarioRef struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Name     string `json:"name"`
	Examples string `json:"examples,omitempty"`
	// Reason is why the scenario is @untestable, when it is.
	Reason string `json:"reason,omitempty"`
}

func (r ScenarioRef) String() string {
	s := fmt.Sprintf("%s:%d %s", r.File, r.Line, r.Name)
	if r.Examples != "" {
		s += " [" + r.Examples + "]"
	}
	return s
}

// PairCoverage is one documented (operation, error) pair and the scenarios
// that expect that error from that operation.
type PairCoverage struct {
	ErrorPair
	Status     Status        `json:"status"`
	Scenarios  []ScenarioRef `json:"scenarios,omitempty"`
	Injected   []ScenarioRef `json:"injected,omitempty"`
	Untestable []ScenarioRef `json:"untestable,omitempty"`
}

// ConditionCoverage is one condition or input constraint and the scenarios
// citing it.
type ConditionCoverage struct {
	ID        string `json:"id"`
	Operation string `json:"operation"`
	// Kind is the condition's kind, or "constraint" for an input constraint.
	Kind       string        `json:"kind"`
	Error      string        `json:"error,omitempty"`
	Status     Status        `json:"status"`
	Scenarios  []ScenarioRef `json:"scenarios,omitempty"`
	Injected   []ScenarioRef `json:"injected,omitempty"`
	Untestable []ScenarioRef `json:"untestable,omitempty"`
}

// ProblemKind classifies a tag the catalog cannot account for.
type ProblemKind string

const (
	UnknownCondition  ProblemKind = "unknown-condition"  // @cond: names no condition or constraint
	UnknownError      ProblemKind = "unknown-error"      // @error: names no KMS error code
	UnknownOperation  ProblemKind = "unknown-operation"  // @op: names no KMS operation
	ErrorNotModeled   ProblemKind = "error-not-modeled"  // @error: names an error none of the scenario's operations model
	ErrorWithoutOp    ProblemKind = "error-without-op"   // @error: on a scenario with no @op or @cond
	MalformedTag      ProblemKind = "malformed-tag"      // a catalog tag with no value
	UntestableNoCites ProblemKind = "untestable-no-cite" // @untestable on a scenario citing no condition
)

// Problem is a tag that does not match the catalog. Every problem fails a
// strict coverage check: a typo must not silently count as coverage.
type Problem struct {
	Kind     ProblemKind `json:"kind"`
	Tag      string      `json:"tag"`
	Scenario ScenarioRef `json:"scenario"`
	Detail   string      `json:"detail"`
}

func (p Problem) String() string {
	return fmt.Sprintf("%s: %s %s: %s", p.Scenario, p.Kind, p.Tag, p.Detail)
}

// Totals sums a report up.
type Totals struct {
	Scenarios            int `json:"scenarios"`
	Conditions           int `json:"conditions"`
	ConditionsCovered    int `json:"conditionsCovered"`
	ConditionsInjected   int `json:"conditionsInjected"`
	ConditionsUntestable int `json:"conditionsUntestable"`
	ConditionsMissing    int `json:"conditionsMissing"`
	Pairs                int `json:"pairs"`
	PairsCovered         int `json:"pairsCovered"`
	PairsInjected        int `json:"pairsInjected"`
	PairsUntestable      int `json:"pairsUntestable"`
	PairsMissing         int `json:"pairsMissing"`
	Constraints          int `json:"constraints"`
	ConstraintsCovered   int `json:"constraintsCovered"`
	Problems             int `json:"problems"`
}

// Report is the coverage of the catalog by a set of feature files.
type Report struct {
	CatalogHash string `json:"catalogHash"`
	// Operations is the scope of the report, in catalog order.
	Operations  []string            `json:"operations"`
	Totals      Totals              `json:"totals"`
	Pairs       []PairCoverage      `json:"pairs"`
	Conditions  []ConditionCoverage `json:"conditions"`
	Constraints []ConditionCoverage `json:"constraints"`
	// OtherConstraints are the input constraints of operations outside the
	// focus set (Catalog.OtherConstraints): members a newer model added,
	// listed so that what is not yet covered shows. They are outside
	// Operations, Totals and the strict check.
	OtherConstraints []ConditionCoverage `json:"otherConstraints,omitempty"`
	Problems         []Problem           `json:"problems"`
	// Untagged are scenarios that cite no operation, error or condition.
	Untagged []ScenarioRef `json:"untagged,omitempty"`
}

// Coverage reads every *.feature file under features and reports which
// catalog entries their scenarios check.
//
// Tags are inherited from Feature to Rule to Scenario to Examples, except
// that @op: tags on a level replace the @op: tags inherited from above.
//
// A scenario covers every condition or constraint it tags with @cond:. It
// covers an (operation, error) pair when it tags @op:<operation> and
// @error:<error> and the operation models the error (with no @op: tag, the
// operations of its @cond: tags stand in), and when it cites an error
// condition of that pair with @cond:.
//
// A scenario tagged @untestable covers nothing: what it cites is reported as
// untestable, with its reason.
//
// A client scenario (tagged @retries) checks a client, not the endpoint, so
// it covers nothing either, with one exception: where it cites a server
// fault of an operation (@op: with @error:, or an error condition with
// @cond:), that pair and condition are Injected: checked through injected
// faults, since no endpoint can be made to produce a server fault on demand.
func Coverage(cat *Catalog, features fs.FS) (*Report, error) {
	r := &Report{CatalogHash: cat.Hash()}
	pairs := make(map[[2]string]*PairCoverage)
	conds := make(map[string]*ConditionCoverage)
	for _, op := range cat.Operations {
		r.Operations = append(r.Operations, op.Name)
		for _, e := range op.Errors {
			r.Pairs = append(r.Pairs, PairCoverage{ErrorPair: e})
		}
		for _, c := range op.Conditions {
			r.Conditions = append(r.Conditions, ConditionCoverage{ID: c.ID, Operation: op.Name, Kind: string(c.Kind), Error: c.Error})
		}
		for _, c := range op.Constraints {
			r.Constraints = append(r.Constraints, ConditionCoverage{ID: c.ID, Operation: op.Name, Kind: "constraint", Error: "ValidationException"})
		}
	}
	for _, c := range cat.OtherConstraints {
		r.OtherConstraints = append(r.OtherConstraints, ConditionCoverage{ID: c.ID, Operation: c.Operation, Kind: "constraint", Error: "ValidationException"})
	}
	for i := range r.Pairs {
		pairs[[2]string{r.Pairs[i].Operation, r.Pairs[i].Code}] = &r.Pairs[i]
	}
	for i := range r.Conditions {
		conds[r.Conditions[i].ID] = &r.Conditions[i]
	}
	for i := range r.Constraints {
		conds[r.Constraints[i].ID] = &r.Constraints[i]
	}
	for i := range r.OtherConstraints {
		conds[r.OtherConstraints[i].ID] = &r.OtherConstraints[i]
	}

	scenarios, err := readScenarios(features)
	if err != nil {
		return nil, err
	}
	for _, sc := range scenarios {
		r.Totals.Scenarios++
		r.account(cat, sc, pairs, conds)
	}
	r.finish()
	return r, nil
}

// taggedScenario is one runnable unit: a scenario, or one Examples block of
// an outline, with every tag it inherits.
type taggedScenario struct {
	ref  ScenarioRef
	tags Tags
}

func readScenarios(features fs.FS) ([]taggedScenario, error) {
	var out []taggedScenario
	err := fs.WalkDir(features, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".feature" {
			return nil
		}
		data, err := fs.ReadFile(features, p)
		if err != nil {
			return err
		}
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), (&messages.Incrementing{}).NewId)
		if err != nil {
			return fmt.Errorf("parse %s: %w", p, err)
		}
		if doc.Feature != nil {
			out = append(out, featureScenarios(p, doc.Feature)...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read features: %w", err)
	}
	return out, nil
}

func featureScenarios(file string, f *messages.Feature) []taggedScenario {
	var out []taggedScenario
	inherited := tagNames(nil, f.Tags)
	for _, child := range f.Children {
		switch {
		case child.Scenario != nil:
			out = append(out, scenarioUnits(file, inherited, child.Scenario)...)
		case child.Rule != nil:
			ruleTags := tagNames(inherited, child.Rule.Tags)
			for _, rc := range child.Rule.Children {
				if rc.Scenario != nil {
					out = append(out, scenarioUnits(file, ruleTags, rc.Scenario)...)
				}
			}
		}
	}
	return out
}

func scenarioUnits(file string, inherited []string, s *messages.Scenario) []taggedScenario {
	own := tagNames(inherited, s.Tags)
	ref := ScenarioRef{File: file, Line: int(s.Location.Line), Name: s.Name}
	if len(s.Examples) == 0 {
		return []taggedScenario{unit(ref, own, s.Description)}
	}
	var out []taggedScenario
	for _, ex := range s.Examples {
		r := ref
		r.Examples = ex.Name
		if r.Examples == "" {
			r.Examples = "examples at line " + strconv.Itoa(int(ex.Location.Line))
		}
		out = append(out, unit(r, tagNames(own, ex.Tags), s.Description))
	}
	return out
}

func unit(ref ScenarioRef, names []string, description string) taggedScenario {
	t := ParseTags(names)
	if t.Untestable {
		ref.Reason = t.UntestableReason
		if ref.Reason == "" {
			ref.Reason, _, _ = strings.Cut(strings.TrimSpace(description), "\n")
		}
	}
	return taggedScenario{ref: ref, tags: t}
}

// tagNames adds one level's tags (feature, rule, scenario or examples) to
// those inherited from the levels above. An @op: tag replaces the inherited
// ones, so a scenario that calls another operation than its feature's can say so.
func tagNames(inherited []string, tags []*messages.Tag) []string {
	out := slices.Clone(inherited)
	if slices.ContainsFunc(tags, func(t *messages.Tag) bool { return strings.HasPrefix(t.Name, TagOperation) }) {
		out = slices.DeleteFunc(out, func(name string) bool { return strings.HasPrefix(name, TagOperation) })
	}
	for _, t := range tags {
		out = append(out, t.Name)
	}
	return out
}

// account adds one scenario's tags to the report.
func (r *Report) account(cat *Catalog, sc taggedScenario, pairs map[[2]string]*PairCoverage, conds map[string]*ConditionCoverage) {
	t := sc.tags
	problem := func(kind ProblemKind, tag, detail string) {
		r.Problems = append(r.Problems, Problem{Kind: kind, Tag: tag, Scenario: sc.ref, Detail: detail})
	}
	// record adds the scenario to a pair's or condition's lists; server says
	// whether the error cited is a server fault.
	record := func(scenarios, injected, untestable *[]ScenarioRef, server bool) {
		var list *[]ScenarioRef
		switch {
		case t.Client && (!server || t.Untestable):
			return // a client's behaviour says nothing about the endpoint
		case t.Client:
			list = injected
		case t.Untestable:
			list = untestable
		default:
			list = scenarios
		}
		if !slices.Contains(*list, sc.ref) { // cited twice, e.g. through @error: and an error condition
			*list = append(*list, sc.ref)
		}
	}
	for _, m := range t.Malformed {
		problem(MalformedTag, m, "looks like a catalog tag but has no value or the wrong case")
	}
	if len(t.Operations)+len(t.Errors)+len(t.Conditions) == 0 {
		if t.Untestable {
			problem(UntestableNoCites, TagUntestable, "an @untestable scenario must cite the conditions it cannot check")
		}
		r.Untagged = append(r.Untagged, sc.ref)
		return
	}

	// ParseTags has removed repeats, so only condOps needs appendOnce.
	var ops, condOps, errs []string // focus operations and known errors in play
	anyOther := false               // a KMS operation outside the focus set is in play
	for _, name := range t.Operations {
		switch {
		case cat.ops[name] != nil:
			ops = append(ops, name)
		case cat.KnowsOperation(name):
			anyOther = true
		default:
			problem(UnknownOperation, TagOperation+name, "not a KMS operation")
		}
	}
	for _, code := range t.Errors {
		if _, ok := cat.ErrorCode(code); !ok {
			problem(UnknownError, TagError+code, "not a KMS error code")
			continue
		}
		errs = append(errs, code)
	}
	for _, id := range t.Conditions {
		cc := conds[id]
		if cc == nil {
			problem(UnknownCondition, TagCondition+id, "no such condition or constraint in the catalog")
			continue
		}
		var pc *PairCoverage
		if cat.ops[cc.Operation] == nil {
			// An other operation's constraint: like an @op: of it, it keeps
			// the scenario's errors from being judged.
			record(&cc.Scenarios, &cc.Injected, &cc.Untestable, false)
			anyOther = anyOther || len(t.Operations) == 0
			continue
		}
		if cond, ok := cat.Condition(id); ok && cond.Kind == KindError {
			pc = pairs[[2]string{cond.Operation, cond.Error}]
		}
		server := pc != nil && pc.Fault == FaultServer
		record(&cc.Scenarios, &cc.Injected, &cc.Untestable, server)
		condOps = appendOnce(condOps, cc.Operation)
		if pc != nil {
			record(&pc.Scenarios, &pc.Injected, &pc.Untestable, server)
		}
	}
	if len(t.Operations) == 0 {
		ops = condOps
	}

	for _, code := range errs {
		if cat.IsCommonError(code) {
			continue
		}
		if len(ops) == 0 && !anyOther {
			problem(ErrorWithoutOp, TagError+code, "no @op: or @cond: says which operation should return it")
			continue
		}
		modeled := false
		for _, op := range ops {
			if pc := pairs[[2]string{op, code}]; pc != nil {
				modeled = true
				record(&pc.Scenarios, &pc.Injected, &pc.Untestable, pc.Fault == FaultServer)
			}
		}
		// Errors of operations outside the focus set are not catalogued, so
		// an error is only judged when no such operation is in play.
		if !modeled && !anyOther {
			problem(ErrorNotModeled, TagError+code, code+" is not a modeled error of "+strings.Join(ops, ", "))
		}
	}
}

func appendOnce(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// finish sets statuses and totals.
func (r *Report) finish() {
	scenarios, problems := r.Totals.Scenarios, len(r.Problems)
	r.Totals = Totals{Scenarios: scenarios, Problems: problems}
	for i := range r.Pairs {
		p := &r.Pairs[i]
		p.Status = status(p.Scenarios, p.Injected, p.Untestable)
		r.Totals.Pairs++
		switch p.Status {
		case Covered:
			r.Totals.PairsCovered++
		case Injected:
			r.Totals.PairsInjected++
		case Untestable:
			r.Totals.PairsUntestable++
		default:
			r.Totals.PairsMissing++
		}
	}
	for i := range r.Conditions {
		c := &r.Conditions[i]
		c.Status = status(c.Scenarios, c.Injected, c.Untestable)
		r.Totals.Conditions++
		switch c.Status {
		case Covered:
			r.Totals.ConditionsCovered++
		case Injected:
			r.Totals.ConditionsInjected++
		case Untestable:
			r.Totals.ConditionsUntestable++
		default:
			r.Totals.ConditionsMissing++
		}
	}
	for i := range r.Constraints {
		c := &r.Constraints[i]
		c.Status = status(c.Scenarios, c.Injected, c.Untestable)
		r.Totals.Constraints++
		if c.Status == Covered {
			r.Totals.ConstraintsCovered++
		}
	}
	for i := range r.OtherConstraints {
		c := &r.OtherConstraints[i]
		c.Status = status(c.Scenarios, c.Injected, c.Untestable)
	}
}

func status(scenarios, injected, untestable []ScenarioRef) Status {
	switch {
	case len(scenarios) > 0:
		return Covered
	case len(injected) > 0:
		return Injected
	case len(untestable) > 0:
		return Untestable
	default:
		return Missing
	}
}

// Restrict returns a copy of the report limited to the named operations.
// Problems are kept whatever their operation: a typo anywhere is still a typo.
// The other operations' constraints are left out, as none can be named.
func (r *Report) Restrict(operations []string) (*Report, error) {
	keep := make(map[string]bool)
	for _, name := range operations {
		if !slices.Contains(r.Operations, name) {
			return nil, fmt.Errorf("%q is not an operation of the catalog (have %s)", name, strings.Join(r.Operations, ", "))
		}
		keep[name] = true
	}
	out := &Report{CatalogHash: r.CatalogHash, Problems: r.Problems, Untagged: r.Untagged, Totals: Totals{Scenarios: r.Totals.Scenarios}}
	for _, name := range r.Operations {
		if keep[name] {
			out.Operations = append(out.Operations, name)
		}
	}
	for _, p := range r.Pairs {
		if keep[p.Operation] {
			out.Pairs = append(out.Pairs, p)
		}
	}
	for _, c := range r.Conditions {
		if keep[c.Operation] {
			out.Conditions = append(out.Conditions, c)
		}
	}
	for _, c := range r.Constraints {
		if keep[c.Operation] {
			out.Constraints = append(out.Constraints, c)
		}
	}
	out.finish()
	return out, nil
}

// Failures lists what makes a strict check fail: documented pairs no
// scenario checks, conditions with neither a scenario nor an @untestable
// scenario, and every problem. Input constraints are reported but never fail.
// A pair or condition checked through injected faults passes; only server
// faults can be (see Coverage).
func (r *Report) Failures() []string {
	var out []string
	for _, p := range r.Pairs {
		if p.Status == Missing {
			out = append(out, fmt.Sprintf("no scenario expects %s from %s", p.Code, p.Operation))
		}
	}
	for _, c := range r.Conditions {
		if c.Status == Missing {
			out = append(out, fmt.Sprintf("no scenario checks %s and none marks it @untestable", c.ID))
		}
	}
	for _, p := range r.Problems {
		out = append(out, p.String())
	}
	return out
}
