package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ConditionResult is what a run says about one documented condition: the
// combined outcome of every scenario tagged with it.
type ConditionResult struct {
	ID        string
	Operation string
	Number    int // the NN of Operation.NN; 0 if the ID has another shape
	Outcome   string
	Scenarios []*Scenario
}

// outcomeRank orders outcomes for combining scenarios: the worst one wins,
// and a skip only shows when nothing ran.
func outcomeRank(o string) int {
	switch o {
	case StatusFailed:
		return 4
	case OutcomeUnsupported:
		return 3
	case StatusPassed:
		return 2
	case StatusSkipped:
		return 1
	}
	return 0
}

// Conditions combines the run's endpoint scenarios per @cond ID, sorted by
// operation and condition number. Client scenarios (see ChecksClient) are
// left out: what a client makes of an answer says nothing of the endpoint.
func (r *Run) Conditions() []ConditionResult {
	byID := map[string]*ConditionResult{}
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		if s.ChecksClient() {
			continue
		}
		for _, id := range s.Conditions {
			c, ok := byID[id]
			if !ok {
				op, n := SplitCondition(id)
				c = &ConditionResult{ID: id, Operation: op, Number: n}
				byID[id] = c
			}
			c.Scenarios = append(c.Scenarios, s)
			if outcomeRank(s.Outcome()) > outcomeRank(c.Outcome) {
				c.Outcome = s.Outcome()
			}
		}
	}
	out := make([]ConditionResult, 0, len(byID))
	for _, c := range byID {
		out = append(out, *c)
	}
	sortConditions(out)
	return out
}

// OutcomeInjected marks, in the condition matrix, a condition that only
// client scenarios cite: a server fault they inject and check the clients
// with. It says nothing of the endpoint, so it is shown apart.
const OutcomeInjected = "injected"

// clientOnlyConditions are the conditions that client scenarios cite and no
// endpoint scenario does, each with its client scenarios.
func (r *Run) clientOnlyConditions() []ConditionResult {
	endpoint := map[string]bool{}
	for _, c := range r.Conditions() {
		endpoint[c.ID] = true
	}
	byID := map[string]*ConditionResult{}
	var out []*ConditionResult
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		if !s.ChecksClient() {
			continue
		}
		for _, id := range s.Conditions {
			if endpoint[id] {
				continue
			}
			c, ok := byID[id]
			if !ok {
				op, n := SplitCondition(id)
				c = &ConditionResult{ID: id, Operation: op, Number: n, Outcome: OutcomeInjected}
				byID[id] = c
				out = append(out, c)
			}
			c.Scenarios = append(c.Scenarios, s)
		}
	}
	list := make([]ConditionResult, len(out))
	for i, c := range out {
		list[i] = *c
	}
	return list
}

func sortConditions(list []ConditionResult) {
	slices.SortFunc(list, func(a, b ConditionResult) int {
		return cmp.Or(cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Number, b.Number), cmp.Compare(a.ID, b.ID))
	})
}

// SplitCondition splits "DeleteCustomKeyStore.03" into its operation and
// number. An ID with no number after the operation (an input constraint such
// as "CreateKey.V.Policy.length") has number 0 and is shown beside the row.
func SplitCondition(id string) (operation string, number int) {
	id = strings.TrimPrefix(strings.TrimPrefix(id, "@"), "cond:")
	op, num, ok := strings.Cut(id, ".")
	if !ok {
		return id, 0
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return op, 0 // e.g. an input constraint, Operation.V.Member.kind
	}
	return op, n
}

// matrix is the operation × condition grid of report.html (one run) and of
// the diff page (two runs, each cell split in halves). Rows are as long as
// their operation's numbering: the page wraps a long row inside its own box
// rather than stretch every row to the longest.
type matrix struct {
	Rows []matrixRow
}

type matrixRow struct {
	Operation string
	Cells     []matrixCell
	Extra     []matrixCell // conditions whose IDs are not Operation.NN
}

type matrixCell struct {
	Label   string // "03"
	Outcome string // an outcome, or "uncovered" (no scenario)
	// Outcomes holds one outcome per run on the diff page; Changed is set
	// when they differ.
	Outcomes []string
	Changed  bool
	Title    string
	Href     string
}

// buildMatrix is the endpoint's grid: its scenarios' outcomes, and apart
// from them the conditions only client scenarios check (OutcomeInjected).
func buildMatrix(r *Run) matrix {
	conds := append(r.Conditions(), r.clientOnlyConditions()...)
	sortConditions(conds)
	return layoutMatrix(conds, func(c ConditionResult) matrixCell {
		return matrixCell{Outcome: c.Outcome, Title: conditionTitle(c), Href: "#" + anchor(c.Scenarios[0])}
	}, "no scenario in this run")
}

// buildPairMatrix is the grid of two runs' conditions side by side.
func buildPairMatrix(a, b *Run) matrix {
	ca, cb := a.Conditions(), b.Conditions()
	outcome := func(list []ConditionResult, id string) string {
		if i := slices.IndexFunc(list, func(c ConditionResult) bool { return c.ID == id }); i >= 0 {
			return list[i].Outcome
		}
		return "uncovered"
	}
	union := slices.Clone(cb)
	for _, c := range ca {
		if !slices.ContainsFunc(union, func(u ConditionResult) bool { return u.ID == c.ID }) {
			union = append(union, c)
		}
	}
	sortConditions(union)
	return layoutMatrix(union, func(c ConditionResult) matrixCell {
		oa, ob := outcome(ca, c.ID), outcome(cb, c.ID)
		return matrixCell{
			Outcome:  ob,
			Outcomes: []string{oa, ob},
			Changed:  oa != ob,
			Title:    fmt.Sprintf("%s\nA: %s\nB: %s", c.ID, oa, ob),
		}
	}, "no scenario in either run")
}

// layoutMatrix places one cell per condition, by operation (row) and
// number (column), filling the gaps in each operation's numbering.
func layoutMatrix(conds []ConditionResult, cellFor func(ConditionResult) matrixCell, gapTitle string) matrix {
	var m matrix
	var row *matrixRow
	for _, c := range conds {
		if row == nil || row.Operation != c.Operation {
			m.Rows = append(m.Rows, matrixRow{Operation: c.Operation})
			row = &m.Rows[len(m.Rows)-1]
		}
		cell := cellFor(c)
		if c.Number == 0 {
			// The row names the operation; an input constraint's member and
			// kind ("KeyId.length") are label enough, the title has the rest.
			cell.Label = strings.TrimPrefix(strings.TrimPrefix(c.ID, c.Operation+"."), "V.")
			row.Extra = append(row.Extra, cell)
			continue
		}
		cell.Label = fmt.Sprintf("%02d", c.Number)
		for len(row.Cells) < c.Number-1 {
			n := len(row.Cells) + 1
			gap := matrixCell{
				Label:   fmt.Sprintf("%02d", n),
				Outcome: "uncovered",
				Title:   fmt.Sprintf("%s.%02d: %s", c.Operation, n, gapTitle),
			}
			if cell.Outcomes != nil {
				gap.Outcomes = []string{"uncovered", "uncovered"}
			}
			row.Cells = append(row.Cells, gap)
		}
		row.Cells = append(row.Cells, cell)
	}
	return m
}

func conditionTitle(c ConditionResult) string {
	var b strings.Builder
	if c.Outcome == OutcomeInjected {
		fmt.Fprintf(&b, "%s: no endpoint scenario; checked through injected faults by client scenarios, which say nothing of the endpoint", c.ID)
	} else {
		fmt.Fprintf(&b, "%s: %s", c.ID, c.Outcome)
	}
	for _, s := range c.Scenarios {
		fmt.Fprintf(&b, "\n• %s — %s", s.Name, s.Outcome())
		if s.Reason != "" {
			fmt.Fprintf(&b, ": %s", truncate(s.Reason, 160))
		}
	}
	return b.String()
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
