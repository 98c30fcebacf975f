package reports

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var knownIDs = []string{
	"key-management/enable_key.feature: EnableKey enables a disabled key",
	"key-management/enable_key.feature: EnableKey refuses a key pending deletion",
	"custom-key-stores/connect.feature: ConnectCustomKeyStore connects a store",
	"custom-key-stores/connect.feature: ConnectCustomKeyStore refuses a deleted store",
}

func TestParseExpectationsErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string // the whole of the error's start: file:line: what
	}{
		{"malformed YAML", "expectations:\n  - scenario: \"unterminated\n", "x.yaml:2: not valid YAML"},
		{"scenario ID unquoted", "expectations:\n  - scenario: " + knownIDs[0] + "\n    expected: failed\n    reason: r\n", "x.yaml:2: not valid YAML: mapping values are not allowed in this context (quote scenario IDs"},
		{"tab indentation", "expectations:\n\t- scenario: a\n", "x.yaml:2: not valid YAML"},
		{"empty", "", "x.yaml: empty"},
		{"not a mapping", "- a\n", "x.yaml:1: want a mapping"},
		{"no list", "implementation: moto\n", "x.yaml:1: no 'expectations:' list"},
		{"list is a mapping", "expectations:\n  a: b\n", "x.yaml:2: expectations: want a list"},
		{"unknown top field", "implementation: moto\nexpectation: []\n", `x.yaml:2: unknown field "expectation"`},
		{"unknown entry field", "expectations:\n  - scenario: " + q(knownIDs[0]) + "\n    expected: failed\n    reason: r\n    bug: 12\n", `x.yaml:5: unknown field "bug"`},
		{"entry not a mapping", "expectations:\n  - just a string\n", "x.yaml:2: an entry must be a mapping"},
		{"no scenario", "expectations:\n  - expected: failed\n    reason: r\n", "x.yaml:2: entry without a scenario"},
		{"bad outcome", "expectations:\n  - scenario: " + q(knownIDs[0]) + "\n    expected: fail\n    reason: r\n", `x.yaml:2: scenario "` + knownIDs[0] + `": expected "fail": want "failed" or "unsupported"`},
		{"passed is no expectation", "expectations:\n  - scenario: " + q(knownIDs[0]) + "\n    expected: passed\n    reason: r\n", `x.yaml:2: scenario "` + knownIDs[0] + `": expected passed: a scenario expected to pass needs no entry`},
		{"an outcome twice", "expectations:\n  - scenario: " + q(knownIDs[0]) + "\n    expected: [failed, failed]\n    reason: r\n", `x.yaml:2: scenario "` + knownIDs[0] + `": expected [failed, failed] names an outcome twice`},
		{"a list of lists", "expectations:\n  - scenario: " + q(knownIDs[0]) + "\n    expected: [[failed]]\n    reason: r\n", `x.yaml:3: expected: want outcomes, not a list`},
		{"no outcome", "expectations:\n  - scenario: " + q(knownIDs[0]) + "\n    expected: []\n    reason: r\n", `x.yaml:2: scenario "` + knownIDs[0] + `": no expected outcome`},
		{"no reason", "expectations:\n  - scenario: " + q(knownIDs[0]) + "\n    expected: failed\n", "x.yaml:2: scenario \"" + knownIDs[0] + "\": no reason"},
		{"unknown scenario in a known file", "expectations:\n  - scenario: \"key-management/enable_key.feature: EnableKey enables a key twice\"\n    expected: failed\n    reason: r\n",
			`x.yaml:2: unknown scenario "key-management/enable_key.feature: EnableKey enables a key twice": key-management/enable_key.feature has no scenario of that name`},
		{"unknown feature file", "expectations:\n  - scenario: \"nope.feature: x\"\n    expected: failed\n    reason: r\n", `x.yaml:2: unknown scenario "nope.feature: x": no feature file "nope.feature"`},
		{"listed twice", "expectations:\n  - scenario: " + q(knownIDs[0]) + "\n    expected: failed\n    reason: r\n  - scenario: " + q(knownIDs[0]) + "\n    expected: unsupported\n    reason: r\n",
			"x.yaml:5: scenario \"" + knownIDs[0] + "\" is listed twice (first at line 2)"},
		{"reason a list", "expectations:\n  - scenario: " + q(knownIDs[0]) + "\n    expected: failed\n    reason: [a, b]\n", "x.yaml:4: reason: want text, not a list"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseExpectations("x.yaml", []byte(tc.body), knownIDs)
			var xe *ExpectationsError
			if !errors.As(err, &xe) {
				t.Fatalf("err = %v, want an *ExpectationsError", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %q\nwant it to start %q", err, tc.want)
			}
		})
	}
}

func q(s string) string { return `"` + s + `"` }

func TestLoadExpectationsMissingFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "moto.yaml")
	_, err := LoadExpectations(file, knownIDs)
	if err == nil || !strings.HasPrefix(err.Error(), file+": no such file") {
		t.Fatalf("err = %v, want %s: no such file", err, file)
	}
}

func TestParseExpectationsAccepts(t *testing.T) {
	body := "# comment\nimplementation: moto 5.2.1\nexpectations:\n" +
		"  - scenario: \"" + knownIDs[0] + "\"\n    expected: failed\n    reason: moto leaves it disabled\n    link: https://example.com/1\n" +
		"  - scenario: " + q(knownIDs[2]) + "\n    expected: unsupported\n    reason: no custom key stores\n" +
		"  - scenario: " + q(knownIDs[1]) + "\n    expected: [passed, failed]\n    reason: times out under load\n"
	x, err := ParseExpectations("x.yaml", []byte(body), knownIDs)
	if err != nil {
		t.Fatal(err)
	}
	want := []Expectation{
		{Scenario: knownIDs[0], Expected: Outcomes{"failed"}, Reason: "moto leaves it disabled", Link: "https://example.com/1", Line: 4},
		{Scenario: knownIDs[2], Expected: Outcomes{"unsupported"}, Reason: "no custom key stores", Line: 8},
		{Scenario: knownIDs[1], Expected: Outcomes{"failed", "passed"}, Reason: "times out under load", Line: 11},
	}
	if x.Implementation != "moto 5.2.1" || len(x.Entries) != len(want) {
		t.Fatalf("got %+v", x)
	}
	for i := range want {
		if got := x.Entries[i]; got.Scenario != want[i].Scenario || got.Expected.String() != want[i].Expected.String() || got.Reason != want[i].Reason || got.Link != want[i].Link || got.Line != want[i].Line {
			t.Errorf("entry %d = %+v, want %+v", i, x.Entries[i], want[i])
		}
	}
	if x, err := ParseExpectations("none.yaml", []byte("expectations:\n"), knownIDs); err != nil || len(x.Entries) != 0 {
		t.Fatalf("an empty list: %+v, %v", x, err)
	}
}

func scen(id, status string, unsupported bool) Scenario {
	return Scenario{ID: id, Status: status, Unsupported: unsupported, Reason: "because " + status}
}

func TestExpectationsCheck(t *testing.T) {
	expect := func(entries ...Expectation) *Expectations {
		return &Expectations{Path: "x.yaml", Entries: entries}
	}
	failed := func(id string) Expectation {
		return Expectation{Scenario: id, Expected: Outcomes{"failed"}, Reason: "r"}
	}
	unsupported := func(id string) Expectation {
		return Expectation{Scenario: id, Expected: Outcomes{"unsupported"}, Reason: "r"}
	}
	flaky := func(id string) Expectation {
		return Expectation{Scenario: id, Expected: Outcomes{"failed", "passed"}, Reason: "r"}
	}
	a, b, c := knownIDs[0], knownIDs[1], knownIDs[2]
	tests := []struct {
		name      string
		x         *Expectations
		scenarios []Scenario
		ok        bool
		// counts: expected, new, changed, unexpected pass, not checked
		counts [5]int
	}{
		{"every failure expected", expect(failed(a), unsupported(c)),
			[]Scenario{scen(a, StatusFailed, false), scen(b, StatusPassed, false), scen(c, StatusFailed, true)}, true, [5]int{2, 0, 0, 0, 0}},
		{"a new failure", expect(failed(a)),
			[]Scenario{scen(a, StatusFailed, false), scen(b, StatusFailed, false)}, false, [5]int{1, 1, 0, 0, 0}},
		{"an unexpected pass", expect(failed(a), failed(b)),
			[]Scenario{scen(a, StatusFailed, false), scen(b, StatusPassed, false)}, false, [5]int{1, 0, 0, 1, 0}},
		{"unsupported now a plain failure", expect(unsupported(c)),
			[]Scenario{scen(c, StatusFailed, false)}, false, [5]int{0, 0, 1, 0, 0}},
		{"a plain failure now unsupported", expect(failed(a)),
			[]Scenario{scen(a, StatusFailed, true)}, false, [5]int{0, 0, 1, 0, 0}},
		{"expected failure skipped", expect(failed(a), failed(b)),
			[]Scenario{scen(a, StatusFailed, false), scen(b, StatusSkipped, false)}, true, [5]int{1, 0, 0, 0, 1}},
		{"expected failure not selected", expect(failed(a), failed(c)),
			[]Scenario{scen(a, StatusFailed, false)}, true, [5]int{1, 0, 0, 0, 1}},
		{"flaky, failing", expect(flaky(a)),
			[]Scenario{scen(a, StatusFailed, false)}, true, [5]int{1, 0, 0, 0, 0}},
		{"flaky, passing", expect(flaky(a)),
			[]Scenario{scen(a, StatusPassed, false)}, true, [5]int{1, 0, 0, 0, 0}},
		{"flaky, now unsupported", expect(flaky(a)),
			[]Scenario{scen(a, StatusFailed, true)}, false, [5]int{0, 0, 1, 0, 0}},
		{"no file entries, a failure", expect(),
			[]Scenario{scen(a, StatusFailed, false)}, false, [5]int{0, 1, 0, 0, 0}},
		{"no file entries, all pass", expect(),
			[]Scenario{scen(a, StatusPassed, false)}, true, [5]int{0, 0, 0, 0, 0}},
		{"a skip without an entry", expect(),
			[]Scenario{scen(a, StatusSkipped, false)}, true, [5]int{0, 0, 0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.x.Check(&Run{Scenarios: tc.scenarios})
			got := [5]int{len(c.Expected), len(c.NewFailures), len(c.Changed), len(c.UnexpectedPasses), len(c.NotChecked)}
			if got != tc.counts || c.OK() != tc.ok {
				t.Fatalf("counts %v ok %v, want %v ok %v", got, c.OK(), tc.counts, tc.ok)
			}
			var md bytes.Buffer
			if err := WriteExpectationsSummary(&md, c); err != nil {
				t.Fatal(err)
			}
			wantVerdict := "✅ every failure was expected"
			if !tc.ok {
				wantVerdict = "❌"
			}
			if !strings.Contains(md.String(), wantVerdict) {
				t.Fatalf("summary lacks %q:\n%s", wantVerdict, md.String())
			}
			for _, j := range c.NewFailures {
				if !strings.Contains(md.String(), "**New failures**") || !strings.Contains(md.String(), j.ID) {
					t.Fatalf("summary does not name the new failure %s apart:\n%s", j.ID, md.String())
				}
			}
		})
	}
}

// A generated file reads back, is met by the run it came from, and keeps a
// previous file's reasons and links.
func TestGenerateExpectationsRoundTrip(t *testing.T) {
	a, b, c := knownIDs[0], knownIDs[1], knownIDs[2]
	run := &Run{Target: Target{Name: "moto 5.2.1"}, Scenarios: []Scenario{
		{ID: a, Status: StatusFailed, Reason: "EnableKey: key 1234abcd-12ab-34cd-56ef-1234567890ab in cks-0123456789abcdef0 (run 20261206t150405-ab12): want Enabled,\n  got Disabled: a \"quoted\" # reason"},
		{ID: b, Status: StatusPassed},
		{ID: c, Status: StatusFailed, Unsupported: true, Reason: "ConnectCustomKeyStore: 501"},
		{ID: knownIDs[3], Status: StatusSkipped, Reason: "needs a fixture"},
	}}
	previous := &Expectations{Implementation: "moto (pinned)", Entries: []Expectation{
		{Scenario: c, Expected: Outcomes{"unsupported"}, Reason: "moto has no custom key stores", Link: "https://example.com/moto/1"},
		{Scenario: b, Expected: Outcomes{"failed"}, Reason: "was broken"},
	}}
	var out bytes.Buffer
	if err := GenerateExpectations(&out, []*Run{run}, previous); err != nil {
		t.Fatal(err)
	}
	x, err := ParseExpectations("gen.yaml", out.Bytes(), knownIDs)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if x.Implementation != "moto (pinned)" || len(x.Entries) != 2 {
		t.Fatalf("entries %+v\n%s", x.Entries, out.String())
	}
	if e := x.Entries[1]; e.Scenario != a || e.Expected.String() != "failed" || e.Reason != `EnableKey: key <id> in cks-<id> (run <run>): want Enabled, got Disabled: a "quoted" # reason` {
		t.Errorf("a's entry = %+v", e)
	}
	if e := x.Entries[0]; e.Scenario != c || e.Expected.String() != "unsupported" || e.Reason != "moto has no custom key stores" || e.Link != "https://example.com/moto/1" {
		t.Errorf("c's entry lost its notes: %+v", e)
	}
	if chk := x.Check(run); !chk.OK() || len(chk.Expected) != 2 {
		t.Fatalf("the run does not meet its own file: %+v", chk)
	}
	// The same run with a fixed bug does not.
	run.Scenarios[0].Status = StatusPassed
	if chk := x.Check(run); chk.OK() || len(chk.UnexpectedPasses) != 1 {
		t.Fatalf("a fixed bug went unnoticed: %+v", chk)
	}
}

// Two runs that disagree on a scenario make its entry flaky, and both runs
// meet the file.
func TestGenerateExpectationsFlaky(t *testing.T) {
	a, b := knownIDs[0], knownIDs[1]
	one := &Run{Scenarios: []Scenario{{ID: a, Status: StatusFailed, Reason: "CreateKey got no answer: context deadline exceeded"}, {ID: b, Status: StatusFailed, Reason: "r"}}}
	two := &Run{Scenarios: []Scenario{{ID: a, Status: StatusPassed}, {ID: b, Status: StatusFailed, Reason: "r"}}}
	var out bytes.Buffer
	if err := GenerateExpectations(&out, []*Run{two, one}, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "expected: [failed, passed]\n    reason: 'flaky: CreateKey got no answer") {
		t.Fatalf("no flaky entry:\n%s", out.String())
	}
	x, err := ParseExpectations("gen.yaml", out.Bytes(), knownIDs)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for i, r := range []*Run{one, two} {
		if c := x.Check(r); !c.OK() {
			t.Errorf("run %d does not meet the file: %+v", i, c)
		}
	}
	if c := x.Check(&Run{Scenarios: []Scenario{{ID: a, Status: StatusPassed}, {ID: b, Status: StatusPassed}}}); c.OK() {
		t.Error("a steady failure that passes goes unnoticed")
	}
}

// A failure the expectations list is marked known, with its reason, and
// report.html lists it apart from the new ones; a new failure is not marked.
func TestKnownFailuresMarkedInReport(t *testing.T) {
	run := sampleRun()
	var failed []string
	for _, s := range run.Scenarios {
		if s.Status == StatusFailed {
			failed = append(failed, s.ID)
		}
	}
	if len(failed) < 2 {
		t.Fatalf("the sample run has %d failures, want at least 2", len(failed))
	}
	known, fresh := failed[0], failed[1]
	x := &Expectations{Path: "x.yaml", Entries: []Expectation{{Scenario: known, Expected: Outcomes{"failed", "unsupported"}, Reason: "a known gap <b>"}}}
	x.MarkKnownFailures(run)
	for _, s := range run.Scenarios {
		switch s.ID {
		case known:
			if s.KnownFailure != "a known gap <b>" {
				t.Errorf("%s: KnownFailure = %q, want the entry's reason", s.ID, s.KnownFailure)
			}
		case fresh:
			if s.KnownFailure != "" {
				t.Errorf("%s: a new failure is marked known: %q", s.ID, s.KnownFailure)
			}
		}
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, run); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	newAt, knownAt := strings.Index(page, "<h2>New failures</h2>"), strings.Index(page, `<h2 id="known-failures">Known failures</h2>`)
	if newAt < 0 || knownAt < 0 {
		t.Fatalf("report.html lacks the new (%d) or the known (%d) failures heading", newAt, knownAt)
	}
	if !strings.Contains(page[knownAt:], "known: a known gap &lt;b&gt;") {
		t.Error("the known failure's reason is not shown, escaped, under Known failures")
	}
	if !strings.Contains(page[newAt:knownAt], anchor(&run.Scenarios[slices.IndexFunc(run.Scenarios, func(s Scenario) bool { return s.ID == fresh })])) {
		t.Error("the new failure is not listed under New failures")
	}
}
