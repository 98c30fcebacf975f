package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Expectations are one implementation's known failures, in the manner of
// web-platform-tests' metadata files: a run checked against them passes
// while the implementation fails exactly where it is known to, and fails
// when a scenario's outcome changes either way (a new failure, or a fixed
// bug whose entry must go). The file format (see docs/ci.md):
//
//	implementation: moto 5.2.1          # free text, for people
//	expectations:
//	  - scenario: "key-management/enable_key.feature: EnableKey enables a disabled key"
//	    expected: failed                 # failed or unsupported
//	    reason: moto answers 200 to ...  # why; required
//	    link: https://github.com/...     # optional tracking link
//	  - scenario: "..."
//	    expected: [failed, passed]       # a flaky scenario: any of these
//	    reason: times out under load
type Expectations struct {
	Path           string        `yaml:"-"`
	Implementation string        `yaml:"implementation,omitempty"`
	Entries        []Expectation `yaml:"expectations"`
}

// Expectation is one known failure.
type Expectation struct {
	// Scenario is the scenario's ID as results.json records it: feature file,
	// ": ", scenario name (an outline's row has its values in the name).
	Scenario string `yaml:"scenario"`
	// Expected is the outcome the scenario is known to have: "failed", or
	// "unsupported" when the implementation lacks an operation it needs; or
	// several, one of them "passed" for a scenario that fails only at times.
	Expected Outcomes `yaml:"expected"`
	Reason   string   `yaml:"reason"`
	Link     string   `yaml:"link,omitempty"`
	Line     int      `yaml:"-"` // where the entry starts in its file
}

// Outcomes are the outcomes an expectation allows, in the order failed,
// unsupported, passed.
type Outcomes []string

// Has reports whether o is one of the outcomes.
func (os Outcomes) Has(o string) bool { return slices.Contains(os, o) }

func (os Outcomes) String() string {
	if len(os) == 1 {
		return os[0]
	}
	return "[" + strings.Join(os, ", ") + "]"
}

// MarshalYAML writes one outcome as a scalar, several as a flow list.
func (os Outcomes) MarshalYAML() (any, error) {
	if len(os) == 1 {
		return os[0], nil
	}
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, o := range os {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: o})
	}
	return n, nil
}

// outcomeOrder sorts outcomes as Outcomes keeps them.
var outcomeOrder = []string{StatusFailed, OutcomeUnsupported, StatusPassed}

func sortOutcomes(os Outcomes) Outcomes {
	slices.SortFunc(os, func(a, b string) int { return slices.Index(outcomeOrder, a) - slices.Index(outcomeOrder, b) })
	return slices.Compact(os)
}

// ExpectationsError is a mistake in an expectations file, at a line.
type ExpectationsError struct {
	Path string
	Line int
	Msg  string
}

func (e *ExpectationsError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

// LoadExpectations reads an expectations file. known, when not nil, lists
// every scenario ID there is: an entry naming another scenario is an error,
// so that a renamed scenario cannot silently drop its expectation. Errors
// are *ExpectationsError, naming the file and line.
func LoadExpectations(file string, known []string) (*Expectations, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &ExpectationsError{Path: file, Msg: "no such file (write one with 'kmsconform expectations --from RUN_DIR')"}
		}
		return nil, &ExpectationsError{Path: file, Msg: err.Error()}
	}
	return ParseExpectations(file, data, known)
}

// ParseExpectations reads an expectations file's contents; file names it in errors.
func ParseExpectations(file string, data []byte, known []string) (*Expectations, error) {
	fail := func(line int, format string, args ...any) error {
		return &ExpectationsError{Path: file, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := yamlErrMsg(err)
		if strings.Contains(msg, "mapping values are not allowed") {
			msg += ` (quote scenario IDs: they contain ": ")`
		}
		return nil, fail(yamlErrLine(err), "not valid YAML: %s", msg)
	}
	if len(doc.Content) == 0 {
		return nil, fail(0, "empty: want a mapping with 'expectations:' (see kmsconform expectations --help)")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fail(root.Line, "want a mapping with 'implementation:' and 'expectations:', not a %s", kindName(root))
	}
	exp := &Expectations{Path: file}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "implementation":
			if v.Kind != yaml.ScalarNode {
				return nil, fail(v.Line, "implementation: want text, not a %s", kindName(v))
			}
			exp.Implementation = v.Value
		case "expectations":
			list = v
		default:
			return nil, fail(k.Line, "unknown field %q (want implementation or expectations)", k.Value)
		}
	}
	if list == nil {
		return nil, fail(root.Line, "no 'expectations:' list")
	}
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return exp, nil // an implementation with no known failure
	}
	if list.Kind != yaml.SequenceNode {
		return nil, fail(list.Line, "expectations: want a list of entries, not a %s", kindName(list))
	}
	knownSet := make(map[string]bool, len(known))
	files := map[string]bool{}
	for _, id := range known {
		knownSet[id] = true
		files[scenarioFile(id)] = true
	}
	seen := map[string]int{}
	for _, n := range list.Content {
		e, err := parseExpectation(n, fail)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[e.Scenario]; dup {
			return nil, fail(e.Line, "scenario %q is listed twice (first at line %d)", e.Scenario, first)
		}
		seen[e.Scenario] = e.Line
		if known != nil && !knownSet[e.Scenario] {
			if f := scenarioFile(e.Scenario); files[f] {
				return nil, fail(e.Line, "unknown scenario %q: %s has no scenario of that name (renamed? 'kmsconform run --list' names them all)", e.Scenario, f)
			}
			return nil, fail(e.Line, "unknown scenario %q: no feature file %q ('kmsconform run --list' names every scenario)", e.Scenario, scenarioFile(e.Scenario))
		}
		exp.Entries = append(exp.Entries, e)
	}
	return exp, nil
}

func parseExpectation(n *yaml.Node, fail func(int, string, ...any) error) (Expectation, error) {
	e := Expectation{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return e, fail(n.Line, "an entry must be a mapping with scenario, expected and reason, not a %s", kindName(n))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "expected" && v.Kind == yaml.SequenceNode {
			for _, o := range v.Content {
				if o.Kind != yaml.ScalarNode {
					return e, fail(o.Line, "expected: want outcomes, not a %s", kindName(o))
				}
				e.Expected = append(e.Expected, o.Value)
			}
			continue
		}
		if v.Kind != yaml.ScalarNode {
			return e, fail(v.Line, "%s: want text, not a %s", k.Value, kindName(v))
		}
		switch k.Value {
		case "scenario":
			e.Scenario = strings.TrimSpace(v.Value)
		case "expected":
			e.Expected = Outcomes{v.Value}
		case "reason":
			e.Reason = strings.TrimSpace(v.Value)
		case "link":
			e.Link = strings.TrimSpace(v.Value)
		default:
			return e, fail(k.Line, "unknown field %q (want scenario, expected, reason or link)", k.Value)
		}
	}
	if e.Scenario == "" {
		return e, fail(n.Line, "entry without a scenario (its ID, as 'kmsconform run --list' prints it)")
	}
	failing := false
	for _, o := range e.Expected {
		switch o {
		case StatusFailed, OutcomeUnsupported:
			failing = true
		case StatusPassed:
		default:
			return e, fail(n.Line, "scenario %q: expected %q: want %q or %q (or a list of outcomes, %q among them, for a flaky scenario)",
				e.Scenario, o, StatusFailed, OutcomeUnsupported, StatusPassed)
		}
	}
	switch {
	case len(e.Expected) == 0:
		return e, fail(n.Line, "scenario %q: no expected outcome (%q or %q)", e.Scenario, StatusFailed, OutcomeUnsupported)
	case !failing:
		return e, fail(n.Line, "scenario %q: expected %s: a scenario expected to pass needs no entry", e.Scenario, e.Expected)
	case len(sortOutcomes(slices.Clone(e.Expected))) != len(e.Expected):
		return e, fail(n.Line, "scenario %q: expected %s names an outcome twice", e.Scenario, e.Expected)
	case e.Reason == "":
		return e, fail(n.Line, "scenario %q: no reason (say why it fails; a tracking link may follow)", e.Scenario)
	}
	e.Expected = sortOutcomes(e.Expected)
	return e, nil
}

func scenarioFile(id string) string {
	f, _, _ := strings.Cut(id, ": ")
	return path.Clean(f)
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	}
	return "scalar"
}

// yamlErrLine and yamlErrMsg pull the line out of yaml.v3's "yaml: line N: msg".
func yamlErrLine(err error) int {
	var line int
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr != nil {
		return 0
	}
	return line
}

func yamlErrMsg(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.HasPrefix(msg, "line ") {
		if _, rest, ok := strings.Cut(msg, ": "); ok {
			return rest
		}
	}
	return msg
}

// Judged is one scenario's outcome set against its expectation.
type Judged struct {
	ID          string
	Outcome     string       // what the run saw; "" when the run did not have the scenario
	Reason      string       // the run's reason, for failures and skips
	Expectation *Expectation // nil for a new failure
}

// ExpectationCheck is a run set against an implementation's expectations.
type ExpectationCheck struct {
	Expectations *Expectations
	Expected     []Judged // had an outcome their entry allows
	// NewFailures failed with no entry; Changed failed otherwise than their
	// entry says (failed for unsupported or the other way round).
	NewFailures []Judged
	Changed     []Judged
	// UnexpectedPasses passed despite an entry: a fixed bug, or a scenario
	// that now checks less. Either way the file needs its entry removed.
	UnexpectedPasses []Judged
	// NotChecked have an entry but were skipped or not selected: they
	// neither confirm nor contradict it.
	NotChecked []Judged
}

// OK reports whether the run matched its expectations: no new failure, no
// changed outcome and no unexpected pass.
func (c *ExpectationCheck) OK() bool {
	return len(c.NewFailures) == 0 && len(c.Changed) == 0 && len(c.UnexpectedPasses) == 0
}

// Check sets run against the expectations.
func (x *Expectations) Check(run *Run) *ExpectationCheck {
	c := &ExpectationCheck{Expectations: x}
	byID := make(map[string]*Expectation, len(x.Entries))
	for i := range x.Entries {
		byID[x.Entries[i].Scenario] = &x.Entries[i]
	}
	ran := make(map[string]bool, len(run.Scenarios))
	for i := range run.Scenarios {
		s := &run.Scenarios[i]
		ran[s.ID] = true
		e := byID[s.ID]
		j := Judged{ID: s.ID, Outcome: s.Outcome(), Reason: s.Reason, Expectation: e}
		switch {
		case s.Status == StatusSkipped && e != nil:
			c.NotChecked = append(c.NotChecked, j)
		case s.Status == StatusPassed && e != nil && !e.Expected.Has(StatusPassed):
			c.UnexpectedPasses = append(c.UnexpectedPasses, j)
		case s.Status == StatusPassed && e != nil:
			c.Expected = append(c.Expected, j) // a flaky scenario's good day
		case s.Status != StatusFailed:
		case e == nil:
			c.NewFailures = append(c.NewFailures, j)
		case !e.Expected.Has(j.Outcome):
			c.Changed = append(c.Changed, j)
		default:
			c.Expected = append(c.Expected, j)
		}
	}
	for i := range x.Entries {
		if e := &x.Entries[i]; !ran[e.Scenario] {
			c.NotChecked = append(c.NotChecked, Judged{ID: e.Scenario, Expectation: e})
		}
	}
	return c
}

// MarkKnownFailures sets KnownFailure on each scenario of run that failed
// as its entry expects, so that the reports show it apart from new failures.
func (x *Expectations) MarkKnownFailures(run *Run) {
	for _, j := range x.Check(run).Expected {
		if j.Outcome == StatusPassed {
			continue
		}
		for i := range run.Scenarios {
			if s := &run.Scenarios[i]; s.ID == j.ID {
				s.KnownFailure = j.Expectation.Reason
				if s.KnownFailure == "" {
					s.KnownFailure = "listed in the expectations file"
				}
			}
		}
	}
}

// WriteExpectationsSummary writes the check as Markdown, for summary.md: the
// verdict, then what changed, then the known failures and what went unchecked.
func WriteExpectationsSummary(w io.Writer, c *ExpectationCheck) error {
	var b strings.Builder
	verdict := "✅ every failure was expected"
	if !c.OK() {
		verdict = fmt.Sprintf("❌ %d new failure(s), %d changed outcome(s), %d unexpected pass(es)", len(c.NewFailures), len(c.Changed), len(c.UnexpectedPasses))
	}
	fmt.Fprintf(&b, "\n### Expectations (`%s`", mdCode(c.Expectations.Path))
	if c.Expectations.Implementation != "" {
		fmt.Fprintf(&b, ", %s", mdEscape(c.Expectations.Implementation))
	}
	fmt.Fprintf(&b, "): %s\n\n", verdict)
	fmt.Fprintf(&b, "%d expected failure(s), %d new failure(s), %d changed, %d unexpected pass(es), %d not checked.\n",
		len(c.Expected), len(c.NewFailures), len(c.Changed), len(c.UnexpectedPasses), len(c.NotChecked))
	section := func(title string, js []Judged, line func(Judged) string) {
		if len(js) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n**%s** (%d)\n\n", title, len(js))
		for i, j := range js {
			if i == summaryFailureLimit {
				fmt.Fprintf(&b, "- … and %d more\n", len(js)-i)
				break
			}
			fmt.Fprintf(&b, "- %s\n", line(j))
		}
	}
	id := func(j Judged) string { return "`" + mdCode(j.ID) + "`" }
	section("New failures", c.NewFailures, func(j Judged) string {
		return fmt.Sprintf("%s %s — %s", id(j), j.Outcome, mdEscape(truncate(j.Reason, 200)))
	})
	section("Changed outcome", c.Changed, func(j Judged) string {
		return fmt.Sprintf("%s expected %s, now %s — %s", id(j), j.Expectation.Expected, j.Outcome, mdEscape(truncate(j.Reason, 200)))
	})
	section("Unexpected passes (remove their entries)", c.UnexpectedPasses, func(j Judged) string {
		return fmt.Sprintf("%s (line %d)", id(j), j.Expectation.Line)
	})
	section("Expected failures", c.Expected, func(j Judged) string {
		s := fmt.Sprintf("%s — %s", id(j), mdEscape(truncate(j.Expectation.Reason, 160)))
		if j.Expectation.Link != "" {
			s += " ([tracking](" + j.Expectation.Link + "))"
		}
		return s
	})
	section("Not checked (skipped or not selected)", c.NotChecked, func(j Judged) string {
		if j.Outcome == "" {
			return id(j) + " not selected"
		}
		return id(j) + " skipped"
	})
	_, err := io.WriteString(w, b.String())
	return err
}

// madeUpIDs match what differs from run to run in a failure's reason: key
// and request IDs (UUIDs), key store IDs and the run's own ID.
var madeUpIDs = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`), "<id>"},
	{regexp.MustCompile(`\bcks-[0-9a-zA-Z]{8,}`), "cks-<id>"},
	{regexp.MustCompile(`\b20\d{6}t\d{6}-[0-9a-f]{4}`), "<run>"},
}

// scrubIDs replaces made-up IDs in a reason, so that a regenerated
// expectations file differs only where outcomes or reasons do.
func scrubIDs(s string) string {
	for _, m := range madeUpIDs {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return s
}

// GenerateExpectations writes the expectations file that runs (of one
// implementation) meet: an entry per scenario that failed in any of them,
// with the first failing run's reason. A scenario that failed in one run
// and passed in another is flaky: its entry allows both. Entries of
// previous (may be nil) for scenarios that still fail keep their reason and
// link, so that regenerating a file loses no human notes.
func GenerateExpectations(w io.Writer, runs []*Run, previous *Expectations) error {
	if len(runs) == 0 {
		return errors.New("writing expectations: no run")
	}
	kept := map[string]Expectation{}
	if previous != nil {
		for _, e := range previous.Entries {
			kept[e.Scenario] = e
		}
	}
	run := runs[0]
	out := Expectations{Implementation: run.Label()}
	if previous != nil && previous.Implementation != "" {
		out.Implementation = previous.Implementation
	}
	outcomes := map[string]Outcomes{}
	reasons := map[string]string{}
	var ids []string
	for _, r := range runs {
		for i := range r.Scenarios {
			s := &r.Scenarios[i]
			if s.Status == StatusSkipped {
				continue
			}
			if _, ok := outcomes[s.ID]; !ok {
				ids = append(ids, s.ID)
			}
			outcomes[s.ID] = append(outcomes[s.ID], s.Outcome())
			if s.Status == StatusFailed && reasons[s.ID] == "" {
				reasons[s.ID] = s.Reason
				if reasons[s.ID] == "" {
					reasons[s.ID] = "failed without a reason"
				}
			}
		}
	}
	for _, id := range ids {
		if reasons[id] == "" {
			continue // passed wherever it ran
		}
		e := Expectation{Scenario: id, Expected: sortOutcomes(outcomes[id]), Reason: truncate(scrubIDs(strings.Join(strings.Fields(reasons[id]), " ")), 240)}
		if old, ok := kept[id]; ok {
			e.Reason, e.Link = old.Reason, old.Link
		}
		if e.Expected.Has(StatusPassed) && !strings.HasPrefix(e.Reason, "flaky") {
			e.Reason = "flaky: " + e.Reason
		}
		out.Entries = append(out.Entries, e)
	}
	slices.SortFunc(out.Entries, func(a, b Expectation) int { return strings.Compare(a.Scenario, b.Scenario) })
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Known failures of %s, for 'kmsconform run --expectations'.\n", out.Implementation)
	fmt.Fprintf(&b, "# Generated from %d run(s), the first of %s", len(runs), run.Started.UTC().Format("2006-01-02 15:04 UTC"))
	if run.Tool.Version != "" {
		fmt.Fprintf(&b, " (kmsconform %s)", run.Tool.Version)
	}
	b.WriteString(" by 'kmsconform expectations --from'.\n")
	b.WriteString("# expected: failed, or unsupported (the implementation lacks an operation the scenario needs);\n")
	b.WriteString("# a list such as [failed, passed] for a scenario whose outcome varies from run to run.\n")
	b.WriteString("# Edit reasons and add 'link:' freely; regenerating with --merge keeps them. Format: docs/ci.md.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing expectations: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("writing expectations: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}
