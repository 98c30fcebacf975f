package runner

import (
	"bytes"
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v42"
	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/kmsconform/kmsconform/features"
)

// taggedScenario is a scenario (or outline row) of the embedded features,
// read with the Gherkin parser alone: neither godog nor tagexpr decides what
// the tests below expect.
type taggedScenario struct {
	id   string // as in the results: file and name
	tags map[string]bool
}

func featureScenarios(t *testing.T) []taggedScenario {
	t.Helper()
	var out []taggedScenario
	for _, p := range featurePickles(t) {
		s := taggedScenario{id: p.Uri + ": " + p.Name, tags: map[string]bool{}}
		for _, tag := range p.Tags {
			s.tags[tag.Name] = true
		}
		out = append(out, s)
	}
	return out
}

// featurePickles reads the embedded features with the Gherkin parser alone:
// every scenario and outline row, in file order.
func featurePickles(t *testing.T) []*messages.Pickle {
	t.Helper()
	var out []*messages.Pickle
	err := fs.WalkDir(features.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".feature") {
			return err
		}
		data, err := fs.ReadFile(features.FS, path)
		if err != nil {
			return err
		}
		ids := (&messages.Incrementing{}).NewId
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), ids)
		if err != nil {
			return err
		}
		out = append(out, gherkin.Pickles(*doc, path, ids)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func expectedIDs(all []taggedScenario, want func(tags map[string]bool) bool) []string {
	var ids []string
	for _, s := range all {
		if want(s.tags) {
			ids = append(ids, s.id)
		}
	}
	slices.Sort(ids)
	return ids
}

// godogRuns returns the scenarios godog runs in the phases planned for a
// --tags expression.
func godogRuns(t *testing.T, tags string) []string {
	t.Helper()
	sel, err := selectScenarios(tags)
	if err != nil {
		t.Fatalf("--tags %q: %v", tags, err)
	}
	var ids []string
	for _, p := range planPhases(Options{Tags: tags, Concurrency: 1, RetryConcurrency: 1}, sel.filter, sel.footprint) {
		feats, err := godog.TestSuite{Options: suiteOptions(p.tags)}.RetrieveFeatures()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range feats {
			for _, pk := range f.Pickles {
				ids = append(ids, pk.Uri+": "+pk.Name)
			}
		}
	}
	if len(ids) != sel.footprint.scenarios {
		t.Errorf("--tags %q: the phases run %d scenarios, the footprint counts %d", tags, len(ids), sel.footprint.scenarios)
	}
	slices.Sort(ids)
	return ids
}

// TestTagExpressionsSelectScenarios checks, on the real features, that the
// runner runs exactly the scenarios whose tags satisfy a --tags expression,
// in the standard syntax and in godog's old one.
func TestTagExpressionsSelectScenarios(t *testing.T) {
	all := featureScenarios(t)
	describeOrEnable := func(tags map[string]bool) bool { return tags["@op:DescribeKey"] || tags["@op:EnableKey"] }
	notCrossAccount := func(tags map[string]bool) bool { return describeOrEnable(tags) && !tags["@cross-account"] }
	cases := []struct {
		tags string
		want func(map[string]bool) bool
	}{
		{"@op:DescribeKey or @op:EnableKey", describeOrEnable},
		{"(@op:DescribeKey or @op:EnableKey) and not @cross-account", notCrossAccount},
		{"@op:DescribeKey,@op:EnableKey && ~@cross-account", notCrossAccount},
		// not > and > or: @op:DescribeKey or (@op:EnableKey and not @retries).
		{"@op:DescribeKey or @op:EnableKey and not @retries", func(tags map[string]bool) bool {
			return tags["@op:DescribeKey"] || tags["@op:EnableKey"] && !tags["@retries"]
		}},
		{"(@op:DescribeKey or @op:EnableKey) and not @retries", func(tags map[string]bool) bool {
			return describeOrEnable(tags) && !tags["@retries"]
		}},
		{"not (@retries or @cloudhsm or @xks) and @op:CreateKey", func(tags map[string]bool) bool {
			return !tags["@retries"] && !tags["@cloudhsm"] && !tags["@xks"] && tags["@op:CreateKey"]
		}},
	}
	selected := map[string]int{}
	for _, tc := range cases {
		want := expectedIDs(all, tc.want)
		selected[tc.tags] = len(want)
		if len(want) == 0 {
			t.Errorf("--tags %q: no scenario has such tags, so the case proves nothing", tc.tags)
			continue
		}
		if got := godogRuns(t, tc.tags); !slices.Equal(got, want) {
			t.Errorf("--tags %q runs %d scenarios, want %d:\n got %q\nwant %q", tc.tags, len(got), len(want), got, want)
		}
	}
	// The cases differ on the real features, so each checks something.
	for _, pair := range [][2]string{
		{cases[0].tags, cases[1].tags},
		{cases[3].tags, cases[4].tags},
	} {
		if selected[pair[0]] == selected[pair[1]] {
			t.Errorf("%q and %q select as many scenarios (%d): the features no longer tell them apart", pair[0], pair[1], selected[pair[0]])
		}
	}
}

// TestCheckFilterCatchesAWrongFilter shows that a godog filter that selects
// other scenarios than the expression stops the run.
func TestCheckFilterCatchesAWrongFilter(t *testing.T) {
	feats, err := godog.TestSuite{Options: suiteOptions("@op:DescribeKey")}.RetrieveFeatures()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, f := range feats {
		for _, p := range f.Pickles {
			keys = append(keys, pickleKey(p))
		}
	}
	if err := checkFilter("@op:DescribeKey", keys); err != nil {
		t.Fatalf("the right filter: %v", err)
	}
	for _, wrong := range []string{"@op:DescribeKey && ~@cross-account", "@op:DescribeKey,@op:EnableKey"} {
		if err := checkFilter(wrong, keys); err == nil {
			t.Errorf("checkFilter(%q) passed for the @op:DescribeKey scenarios", wrong)
		}
	}
}

// TestRunByTagExpression runs the suite against the embedded reference with
// a standard tag expression and checks the results hold exactly the
// scenarios it selects.
func TestRunByTagExpression(t *testing.T) {
	const tags = "(@op:DescribeKey or @op:EnableKey) and not (@cross-account or @retries)"
	want := expectedIDs(featureScenarios(t), func(tags map[string]bool) bool {
		return (tags["@op:DescribeKey"] || tags["@op:EnableKey"]) && !tags["@cross-account"] && !tags["@retries"]
	})
	res, err := Run(context.Background(), Options{Tags: tags, Out: t.TempDir(), Root: "..", Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range res.Run.Scenarios {
		got = append(got, s.ID)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("the run has %d scenarios, want %d:\n got %q\nwant %q", len(got), len(want), got, want)
	}
}
