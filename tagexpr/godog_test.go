package tagexpr

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cucumber/godog"
)

// universe is the tags of the scenarios godogSelects filters: one scenario
// per subset of them.
var universe = []string{"@a", "@b", "@c", "@d"}

func subsetTags(i int) []string {
	var tags []string
	for j, tag := range universe {
		if i&(1<<j) != 0 {
			tags = append(tags, tag)
		}
	}
	return tags
}

// godogFeatures is a feature file with a scenario for every subset of universe.
var godogFeatures = func() fstest.MapFS {
	var b strings.Builder
	b.WriteString("Feature: every tag set\n")
	for i := range 1 << len(universe) {
		fmt.Fprintf(&b, "  %s\n  Scenario: s%d\n    Given a step\n", strings.Join(subsetTags(i), " "), i)
	}
	return fstest.MapFS{"t.feature": {Data: []byte(b.String())}}
}()

// godogSelects runs godog's own filter over godogFeatures and returns the
// subsets it selects.
func godogSelects(t *testing.T, filter string) []int {
	t.Helper()
	suite := godog.TestSuite{Options: &godog.Options{Tags: filter, FS: godogFeatures, Paths: []string{"."}, Output: io.Discard}}
	feats, err := suite.RetrieveFeatures()
	if err != nil {
		t.Fatalf("godog with %q: %v", filter, err)
	}
	var out []int
	for _, f := range feats {
		for _, p := range f.Pickles {
			var i int
			fmt.Sscanf(p.Name, "s%d", &i)
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

// selects returns the subsets the expression matches.
func selects(e *Expr) []int {
	var out []int
	for i := range 1 << len(universe) {
		if e.Match(subsetTags(i)) {
			out = append(out, i)
		}
	}
	return out
}

// checkGodog checks that godog, given the expression's godog form, selects
// exactly what the expression matches.
func checkGodog(t *testing.T, e *Expr, filter string, err error) error {
	t.Helper()
	want := selects(e)
	if errors.Is(err, ErrMatchesNothing) && len(want) == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("Godog(%s): %v", e, err)
	}
	if got := godogSelects(t, filter); !slices.Equal(got, want) {
		return fmt.Errorf("%s: godog with %q selects %v, the expression %v", e, filter, got, want)
	}
	return nil
}

// TestGodogAgreesWithGodog checks the godog form of documented and random
// expressions against godog's own filter, on every set of four tags.
func TestGodogAgreesWithGodog(t *testing.T) {
	exprs := []string{
		"@a", "not @a", "@a or @b and not @c", "(@a or @b) and not @c", "not (@a and @b)", "not (@a or @b)",
		"(@a and @b) or (@c and @d)", "not @a or @b and not @c or not @d or @a and @d",
		"@a or not @a", "@a and not @a", "@a,@b && ~@c,@d", "~@a",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		exprs = append(exprs, randomExpr(rng, 4).String())
	}
	for _, s := range exprs {
		e, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		filter, err := e.Godog(nil)
		if err := checkGodog(t, e, filter, err); err != nil {
			t.Error(err)
		}
	}
}

// TestGodogCheckFails shows that checkGodog catches a wrong godog form:
// writing the operators in place (",", "&&") loses the parentheses.
func TestGodogCheckFails(t *testing.T) {
	e, err := Parse("(@a or @b) and @c")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkGodog(t, e, "@a,@b && @c", nil); err == nil {
		t.Error(`"@a,@b && @c" passed for (@a or @b) and @c`)
	}
}

func randomExpr(rng *rand.Rand, depth int) *Expr {
	if depth == 0 || rng.IntN(4) == 0 {
		return &Expr{op: opTag, tag: universe[rng.IntN(len(universe))]}
	}
	switch rng.IntN(3) {
	case 0:
		return &Expr{op: opNot, x: randomExpr(rng, depth-1)}
	case 1:
		return &Expr{op: opAnd, x: randomExpr(rng, depth-1), y: randomExpr(rng, depth-1)}
	default:
		return &Expr{op: opOr, x: randomExpr(rng, depth-1), y: randomExpr(rng, depth-1)}
	}
}

func TestGodogForm(t *testing.T) {
	present := func(tag string) bool { return tag != "@absent" && tag != `@a b` }
	for _, tc := range []struct {
		expr    string
		present func(string) bool
		want    string
		err     string
	}{
		{"@a", nil, "@a", ""},
		{"@a or @b and not @c", nil, "@a,@b && ~@c", ""},
		{"(@a or @b) and not @c", nil, "@a && ~@c,@b && ~@c", ""},
		{"not (@a and @b)", nil, "~@a,~@b", ""},
		{"@a or @a and @b", nil, "@a", ""},  // @a && @b is implied by @a
		{"@a or not @a", nil, "@a,~@a", ""}, // godog selects everything with it, as it should
		{"@a and not @a", nil, "", "matches no scenario"},
		{"@a or @absent", present, "@a", ""},
		{"@a and not @absent", present, "@a", ""},
		{`@a\ b or @c`, present, "@c", ""},
		{"not @absent", present, "", ""},
		{"@absent", present, "", "matches no scenario"},
		{`@a\ b`, nil, "", `the tag "@a b" cannot be written in godog's filter syntax`},
		{"@a and @x@y", nil, "", `the tag "@x@y" cannot be written`},
		{"(@a1 or @b1) and (@a2 or @b2) and (@a3 or @b3) and (@a4 or @b4) and (@a5 or @b5) and (@a6 or @b6) and (@a7 or @b7) and (@a8 or @b8)", nil, "", ""},
		{"(@a1 or @b1) and (@a2 or @b2) and (@a3 or @b3) and (@a4 or @b4) and (@a5 or @b5) and (@a6 or @b6) and (@a7 or @b7) and (@a8 or @b8) and (@a9 or @b9)", nil, "", "more than 256 groups"},
	} {
		e, err := Parse(tc.expr)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.expr, err)
		}
		got, err := e.Godog(tc.present)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Godog(%q) = %q, %v; want an error saying %q", tc.expr, got, err, tc.err)
			}
		case err != nil:
			t.Errorf("Godog(%q): %v", tc.expr, err)
		case strings.HasPrefix(tc.expr, "(@a1"):
			if n := strings.Count(got, ",") + 1; n != 256 {
				t.Errorf("Godog(%q) has %d groups, want 256", tc.expr, n)
			}
		case got != tc.want:
			t.Errorf("Godog(%q) = %q, want %q", tc.expr, got, tc.want)
		}
	}
}
