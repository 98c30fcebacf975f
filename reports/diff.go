package reports

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Diff is what changed between two runs of the suite, scenario by scenario
// (matched by Scenario.ID): typically last night against tonight, or an
// emulator against real KMS.
type Diff struct {
	A, B *Run
	// NewlyFailing ran in both and fails (or is unsupported) in B only.
	NewlyFailing []Change
	// Fixed failed in A and passes in B.
	Fixed []Change
	// CodeChanged ran in both and the endpoint returned a different error
	// code to the call under test (Scenario.Observed).
	CodeChanged []Change
	// OutcomeChanged holds the other outcome changes, e.g. passed → skipped
	// or failed → unsupported.
	OutcomeChanged []Change
	// Added and Removed exist in only one run.
	Added, Removed []Change
	// Unchanged counts scenarios in both runs with the same outcome and code.
	Unchanged int
}

// Change is one scenario as two runs saw it; A or B is nil when the
// scenario is absent from that run.
type Change struct {
	ID   string
	A, B *Scenario
}

// Scenario is whichever side is present, preferring B.
func (c Change) Scenario() *Scenario {
	if c.B != nil {
		return c.B
	}
	return c.A
}

// OutcomeA is A's outcome, or "absent".
func (c Change) OutcomeA() string { return outcomeOf(c.A) }

// OutcomeB is B's outcome, or "absent".
func (c Change) OutcomeB() string { return outcomeOf(c.B) }

// ObservedA is the code A's endpoint returned ("success" for none).
func (c Change) ObservedA() string { return observedOf(c.A) }

// ObservedB is the code B's endpoint returned ("success" for none).
func (c Change) ObservedB() string { return observedOf(c.B) }

func outcomeOf(s *Scenario) string {
	if s == nil {
		return "absent"
	}
	return s.Outcome()
}

func observedOf(s *Scenario) string {
	switch {
	case s == nil:
		return "absent"
	case s.Observed == "":
		return "success"
	}
	return s.Observed
}

func failing(outcome string) bool { return outcome == StatusFailed || outcome == OutcomeUnsupported }

// Compare diffs run a against run b.
func Compare(a, b *Run) *Diff {
	d := &Diff{A: a, B: b}
	inA := make(map[string]*Scenario, len(a.Scenarios))
	for i := range a.Scenarios {
		inA[a.Scenarios[i].ID] = &a.Scenarios[i]
	}
	inB := make(map[string]bool, len(b.Scenarios))
	for i := range b.Scenarios {
		sb := &b.Scenarios[i]
		inB[sb.ID] = true
		sa := inA[sb.ID]
		c := Change{ID: sb.ID, A: sa, B: sb}
		if sa == nil {
			d.Added = append(d.Added, c)
			continue
		}
		oa, ob := sa.Outcome(), sb.Outcome()
		switch {
		case !failing(oa) && failing(ob):
			d.NewlyFailing = append(d.NewlyFailing, c)
		case failing(oa) && ob == StatusPassed:
			d.Fixed = append(d.Fixed, c)
		case oa != ob:
			d.OutcomeChanged = append(d.OutcomeChanged, c)
		}
		ran := oa != StatusSkipped && ob != StatusSkipped
		if ran && sa.Observed != sb.Observed {
			d.CodeChanged = append(d.CodeChanged, c)
		}
		if oa == ob && (!ran || sa.Observed == sb.Observed) {
			d.Unchanged++
		}
	}
	for i := range a.Scenarios {
		if sa := &a.Scenarios[i]; !inB[sa.ID] {
			d.Removed = append(d.Removed, Change{ID: sa.ID, A: sa})
		}
	}
	for _, list := range []*[]Change{&d.NewlyFailing, &d.Fixed, &d.CodeChanged, &d.OutcomeChanged, &d.Added, &d.Removed} {
		slices.SortFunc(*list, func(x, y Change) int {
			sx, sy := x.Scenario(), y.Scenario()
			return cmp.Or(cmp.Compare(sx.Family(), sy.Family()), compareFirstCondition(sx, sy), cmp.Compare(x.ID, y.ID))
		})
	}
	return d
}

// Empty reports whether the runs agree on every scenario.
func (d *Diff) Empty() bool {
	return len(d.NewlyFailing)+len(d.Fixed)+len(d.CodeChanged)+len(d.OutcomeChanged)+len(d.Added)+len(d.Removed) == 0
}

// WriteText renders the diff for a terminal or a CI log.
func (d *Diff) WriteText(w io.Writer) error {
	var b strings.Builder
	b.WriteString("kmsconform report diff\n")
	for _, side := range []struct {
		name string
		run  *Run
	}{{"A", d.A}, {"B", d.B}} {
		t := side.run.Tally()
		fmt.Fprintf(&b, "  %s: %s (%s, %s) started %s, digest %s\n", side.name, side.run.Label(),
			orDash(side.run.Target.Endpoint), orDash(side.run.Target.Region), side.run.Started.UTC().Format("2006-01-02 15:04:05Z"), digestState(side.run))
		fmt.Fprintf(&b, "     %d scenarios: %d passed, %d failed (%d unsupported), %d skipped; pass rate %s\n",
			t.Scenarios, t.Passed, t.Failed, t.Unsupported, t.Skipped, totalsRate(t))
	}
	if d.Empty() {
		fmt.Fprintf(&b, "\nNo differences: %d scenarios agree.\n", d.Unchanged)
	}
	section := func(title string, list []Change, line func(Change) string) {
		if len(list) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s (%d):\n", title, len(list))
		for _, c := range list {
			s := c.Scenario()
			fmt.Fprintf(&b, "  %s%s\n    %s\n", s.Name, condSuffix(s), line(c))
		}
	}
	section("Newly failing", d.NewlyFailing, func(c Change) string {
		return fmt.Sprintf("A %s → B %s%s", c.OutcomeA(), c.OutcomeB(), reasonSuffix(c.B))
	})
	section("Fixed", d.Fixed, func(c Change) string {
		return fmt.Sprintf("A %s%s → B %s", c.OutcomeA(), reasonParen(c.A), c.OutcomeB())
	})
	section("Different error code", d.CodeChanged, func(c Change) string {
		return fmt.Sprintf("A returned %s, B returned %s (documented: %s)", c.ObservedA(), c.ObservedB(), orDash(c.Scenario().Error))
	})
	section("Other outcome changes", d.OutcomeChanged, func(c Change) string {
		return fmt.Sprintf("A %s → B %s%s", c.OutcomeA(), c.OutcomeB(), reasonSuffix(c.B))
	})
	section("Only in B", d.Added, func(c Change) string { return "B " + c.OutcomeB() })
	section("Only in A", d.Removed, func(c Change) string { return "A " + c.OutcomeA() })
	if !d.Empty() {
		fmt.Fprintf(&b, "\nUnchanged: %d scenarios.\n", d.Unchanged)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing diff: %w", err)
	}
	return nil
}

// WriteHTML renders the diff as a self-contained page.
func (d *Diff) WriteHTML(w io.Writer) error {
	return render(w, "diff", struct {
		*Diff
		Matrix matrix
	}{d, buildPairMatrix(d.A, d.B)})
}

// DigestState says whether a run's digest is verified, absent or mismatched.
func (d *Diff) DigestState(r *Run) string { return digestState(r) }

func digestState(r *Run) string {
	switch err := r.VerifyDigest(); {
	case err == nil:
		return "verified"
	case r.Digest == "":
		return "absent"
	}
	return "mismatch"
}

func condSuffix(s *Scenario) string {
	if len(s.Conditions) == 0 {
		return ""
	}
	return " [" + strings.Join(s.Conditions, " ") + "]"
}

func reasonSuffix(s *Scenario) string {
	if s == nil || s.Reason == "" {
		return ""
	}
	return ": " + truncate(s.Reason, 200)
}

func reasonParen(s *Scenario) string {
	if s == nil || s.Reason == "" {
		return ""
	}
	return " (" + truncate(s.Reason, 200) + ")"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
