package catalog

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func tiny(t *testing.T) *Catalog {
	t.Helper()
	cat, err := Parse([]byte(tinyCatalog))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func features(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, body := range files {
		m[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return m
}

// complete covers every pair and condition of tinyCatalog.
const complete = `@op:EnableKey
Feature: enabling keys

  @cond:EnableKey.01
  Scenario: an unknown key
    When I enable a key that does not exist
    Then the call fails with NotFoundException

  @cond:EnableKey.02
  Scenario: a disabled key
    When I enable a disabled key
    Then it is Enabled

  Scenario Outline: internal failures
    When the endpoint fails with <code>
    Then the call fails with <code>

    @cond:EnableKey.03 @error:KMSInternalException
    Examples: server faults
      | code                 |
      | KMSInternalException |

  Rule: disabling
    @op:DisableKey @error:NotFoundException
    Scenario: disabling an unknown key
      When I disable a key that does not exist
      Then the call fails with NotFoundException
`

// clientFaultCovered covers everything of tinyCatalog but its server fault,
// EnableKey's KMSInternalException (pair and condition EnableKey.03).
const clientFaultCovered = `Feature: f
  @cond:EnableKey.01
  Scenario: s
  @cond:EnableKey.02
  Scenario: s2
  @cond:DisableKey.01
  Scenario: s3
`

func TestCoverage(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		// want* are checked only when set.
		wantPairs      map[string]Status // "Op/Code" -> status
		wantConditions map[string]Status
		wantProblems   []ProblemKind
		wantFailures   []string // substrings, each expected among the failures
		strictPasses   bool
	}{
		{
			name:  "every pair and condition covered, tags inherited from feature, rule and examples",
			files: map[string]string{"enable.feature": complete},
			wantPairs: map[string]Status{
				"EnableKey/NotFoundException": Covered, "EnableKey/KMSInternalException": Covered,
				"DisableKey/NotFoundException": Covered,
			},
			wantConditions: map[string]Status{"EnableKey.01": Covered, "EnableKey.02": Covered, "EnableKey.03": Covered, "DisableKey.01": Missing},
			// DisableKey.01 has no @cond tag: the pair is covered, the condition is not.
			wantFailures: []string{"no scenario checks DisableKey.01"},
		},
		{
			name: "a typo'd condition ID is a problem, not coverage",
			files: map[string]string{"a.feature": strings.Replace(complete, "@cond:EnableKey.02", "@cond:EnableKey.2", 1) +
				"\n    @cond:DisableKey.01\n    Scenario: cited\n      Then nothing\n"},
			wantConditions: map[string]Status{"EnableKey.02": Missing},
			wantProblems:   []ProblemKind{UnknownCondition},
			wantFailures:   []string{"unknown-condition @cond:EnableKey.2", "no scenario checks EnableKey.02"},
		},
		{
			name: "untestable conditions and pairs pass strict",
			files: map[string]string{"a.feature": `Feature: f
  @cond:EnableKey.01
  Scenario: s
  @cond:EnableKey.02
  Scenario: s2
  @cond:DisableKey.01
  Scenario: s3
  @untestable:cannot-force-500 @cond:EnableKey.03
  Scenario: s4
`},
			wantPairs: map[string]Status{"EnableKey/KMSInternalException": Untestable, "EnableKey/NotFoundException": Covered},
			wantConditions: map[string]Status{
				"EnableKey.03": Untestable,
			},
			strictPasses: true,
		},
		{
			name: "no scenario for a pair",
			files: map[string]string{"a.feature": `Feature: f
  @cond:EnableKey.01
  Scenario: s
  @cond:EnableKey.02
  Scenario: s2
  @cond:DisableKey.01
  Scenario: s3
`},
			wantPairs:    map[string]Status{"EnableKey/KMSInternalException": Missing},
			wantFailures: []string{"no scenario expects KMSInternalException from EnableKey", "no scenario checks EnableKey.03"},
		},
		{
			name: "untestable reason from the scenario description",
			files: map[string]string{"a.feature": `Feature: f
  @untestable @cond:EnableKey.03
  Scenario: internal errors
    KMS gives no way to cause an internal error on purpose.
`},
			wantConditions: map[string]Status{"EnableKey.03": Untestable},
		},
		{
			name:         "an error the operation does not model",
			files:        map[string]string{"a.feature": "Feature: f\n  @op:DisableKey @error:KMSInternalException\n  Scenario: s\n"},
			wantPairs:    map[string]Status{"EnableKey/KMSInternalException": Missing},
			wantProblems: []ProblemKind{ErrorNotModeled},
			wantFailures: []string{"KMSInternalException is not a modeled error of DisableKey"},
		},
		{
			name:         "unknown error code and operation",
			files:        map[string]string{"a.feature": "Feature: f\n  @op:EnableKeys @op:EnableKey @error:NotFoundExeption\n  Scenario: s\n"},
			wantProblems: []ProblemKind{UnknownOperation, UnknownError},
		},
		{
			name:         "error without an operation",
			files:        map[string]string{"a.feature": "Feature: f\n  @error:NotFoundException\n  Scenario: s\n"},
			wantProblems: []ProblemKind{ErrorWithoutOp},
		},
		{
			name:         "malformed and citation-free untestable tags",
			files:        map[string]string{"a.feature": "Feature: f\n  @cond:\n  Scenario: s\n  @untestable\n  Scenario: t\n"},
			wantProblems: []ProblemKind{MalformedTag, UntestableNoCites},
		},
		{
			name: "errors of operations outside the focus set and common errors are accepted",
			files: map[string]string{"a.feature": `Feature: f
  @cond:EnableKey.02 @op:Encrypt @error:DisabledException
  Scenario: a disabled key cannot encrypt
  @op:EnableKey @error:ValidationException @cond:EnableKey.V.KeyId.required
  Scenario: KeyId is required
`},
			wantConditions: map[string]Status{"EnableKey.02": Covered},
		},
		{
			name: "a scenario's @op replaces its feature's",
			files: map[string]string{"a.feature": `@op:DisableKey
Feature: f
  @op:Encrypt @error:DisabledException @cond:DisableKey.01
  Scenario: a disabled key cannot encrypt
  @op:EnableKey @error:KMSInternalException
  Scenario: enabling fails inside
`},
			wantPairs: map[string]Status{"EnableKey/KMSInternalException": Covered, "DisableKey/NotFoundException": Covered},
		},
		{
			name: "without the override the feature's operation is judged",
			files: map[string]string{"a.feature": `@op:DisableKey
Feature: f
  @error:KMSInternalException
  Scenario: enabling fails inside
`},
			wantPairs:    map[string]Status{"EnableKey/KMSInternalException": Missing},
			wantProblems: []ProblemKind{ErrorNotModeled},
		},
		{
			name: "a client scenario injecting a server fault checks it through injected faults, apart from the endpoint",
			files: map[string]string{"a.feature": clientFaultCovered + `
  @retries @op:EnableKey @error:KMSInternalException @cond:EnableKey.03
  Scenario: the client sees the injected internal error
`},
			wantPairs:      map[string]Status{"EnableKey/KMSInternalException": Injected, "EnableKey/NotFoundException": Covered},
			wantConditions: map[string]Status{"EnableKey.03": Injected},
			strictPasses:   true,
		},
		{
			name:           "without the client scenario the server fault is missing",
			files:          map[string]string{"a.feature": clientFaultCovered},
			wantPairs:      map[string]Status{"EnableKey/KMSInternalException": Missing},
			wantConditions: map[string]Status{"EnableKey.03": Missing},
			wantFailures:   []string{"no scenario expects KMSInternalException from EnableKey", "no scenario checks EnableKey.03"},
		},
		{
			name: "a client scenario covers no client error: only server faults can be checked through injected faults",
			files: map[string]string{"a.feature": `Feature: f
  @cond:EnableKey.02
  Scenario: s
  @untestable:no-500 @cond:EnableKey.03
  Scenario: u
  @cond:DisableKey.01
  Scenario: d
  @retries @op:EnableKey @error:NotFoundException @cond:EnableKey.01
  Scenario: the client sees an injected NotFoundException
`},
			wantPairs:      map[string]Status{"EnableKey/NotFoundException": Missing},
			wantConditions: map[string]Status{"EnableKey.01": Missing},
			wantFailures:   []string{"no scenario expects NotFoundException from EnableKey", "no scenario checks EnableKey.01"},
		},
		{
			name: "a client scenario's other citations cover nothing, and an untestable one marks nothing untestable",
			files: map[string]string{"a.feature": `Feature: f
  @cond:EnableKey.01
  Scenario: s
  @cond:DisableKey.01
  Scenario: s3
  @retries @cond:EnableKey.02
  Scenario: a client call on a disabled key
  @retries @untestable:quota @op:EnableKey @error:KMSInternalException @cond:EnableKey.03
  Scenario: the client's retry quota
`},
			wantPairs:      map[string]Status{"EnableKey/KMSInternalException": Missing},
			wantConditions: map[string]Status{"EnableKey.02": Missing, "EnableKey.03": Missing},
			wantFailures:   []string{"no scenario expects KMSInternalException from EnableKey", "no scenario checks EnableKey.02"},
		},
		{
			name: "an endpoint scenario outranks a client one",
			files: map[string]string{"a.feature": clientFaultCovered + `
  @op:EnableKey @error:KMSInternalException
  Scenario: the endpoint answers KMSInternalException
  @retries @op:EnableKey @error:KMSInternalException
  Scenario: the client sees it
`},
			wantPairs: map[string]Status{"EnableKey/KMSInternalException": Covered},
		},
		{
			name: "examples tags apply only to their block",
			files: map[string]string{"a.feature": `Feature: f
  Scenario Outline: o
    Given <x>
    @cond:EnableKey.01
    Examples: first
      | x |
      | 1 |
    Examples:
      | x |
      | 2 |
`},
			wantConditions: map[string]Status{"EnableKey.01": Covered, "EnableKey.02": Missing},
		},
	}
	cat := tiny(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Coverage(cat, features(tt.files))
			if err != nil {
				t.Fatalf("Coverage: %v", err)
			}
			for key, want := range tt.wantPairs {
				op, code, _ := strings.Cut(key, "/")
				idx := slices.IndexFunc(r.Pairs, func(p PairCoverage) bool { return p.Operation == op && p.Code == code })
				if idx < 0 {
					t.Fatalf("pair %s not in report", key)
				}
				if got := r.Pairs[idx].Status; got != want {
					t.Errorf("pair %s: %s, want %s", key, got, want)
				}
			}
			all := append(slices.Clone(r.Conditions), r.Constraints...)
			for id, want := range tt.wantConditions {
				idx := slices.IndexFunc(all, func(c ConditionCoverage) bool { return c.ID == id })
				if idx < 0 {
					t.Fatalf("condition %s not in report", id)
				}
				if got := all[idx].Status; got != want {
					t.Errorf("condition %s: %s, want %s", id, got, want)
				}
			}
			var kinds []ProblemKind
			for _, p := range r.Problems {
				kinds = append(kinds, p.Kind)
			}
			if !slices.Equal(kinds, tt.wantProblems) {
				t.Errorf("problems = %v, want %v\n%v", kinds, tt.wantProblems, r.Problems)
			}
			failures := r.Failures()
			joined := strings.Join(failures, "\n")
			for _, want := range tt.wantFailures {
				if !strings.Contains(joined, want) {
					t.Errorf("failures lack %q:\n%s", want, joined)
				}
			}
			if tt.strictPasses != (len(failures) == 0) {
				t.Errorf("strict passes = %v, want %v:\n%s", len(failures) == 0, tt.strictPasses, joined)
			}
			if r.Totals.Problems != len(r.Problems) {
				t.Errorf("Totals.Problems = %d, have %d", r.Totals.Problems, len(r.Problems))
			}
		})
	}
}

func TestCoverageDetails(t *testing.T) {
	r, err := Coverage(tiny(t), features(map[string]string{
		"sub/enable.feature": complete + "\n    @untestable:no-hsm @cond:DisableKey.01\n    Scenario: u\n",
		"notes.txt":          "not a feature",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := Totals{Scenarios: 5, Conditions: 4, ConditionsCovered: 3, ConditionsUntestable: 1,
		Pairs: 3, PairsCovered: 3, Constraints: 2}
	if r.Totals != want {
		t.Errorf("totals = %+v, want %+v", r.Totals, want)
	}
	c := r.Conditions[2] // EnableKey.03, from the outline's examples
	if len(c.Scenarios) != 1 || c.Scenarios[0].Examples != "server faults" || c.Scenarios[0].File != "sub/enable.feature" {
		t.Errorf("EnableKey.03 scenarios = %+v", c.Scenarios)
	}
	u := r.Conditions[3].Untestable
	if len(u) != 1 || u[0].Reason != "no-hsm" {
		t.Errorf("DisableKey.01 untestable = %+v", u)
	}
	if got := r.Failures(); len(got) != 0 {
		t.Errorf("failures = %q", got)
	}

	only, err := r.Restrict([]string{"DisableKey"})
	if err != nil {
		t.Fatal(err)
	}
	if only.Totals.Pairs != 1 || only.Totals.Conditions != 1 || len(only.Operations) != 1 {
		t.Errorf("restricted totals = %+v, operations %v", only.Totals, only.Operations)
	}
	if _, err := r.Restrict([]string{"Encrypt"}); err == nil {
		t.Error("Restrict accepted an operation outside the catalog")
	}

	var md, text, js bytes.Buffer
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| EnableKey | KMSInternalException | 500 | server | covered |", "untestable: sub/enable.feature", "(no-hsm)"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if !strings.Contains(text.String(), "TOTAL") {
		t.Errorf("text report:\n%s", text.String())
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Totals != r.Totals {
		t.Errorf("JSON round trip: %v, totals %+v", err, back.Totals)
	}
}

func TestCoverageRejectsBrokenFeatures(t *testing.T) {
	_, err := Coverage(tiny(t), features(map[string]string{"bad.feature": "Feature: f\n  Scenario: s\n    Given x\nFeature: again\n"}))
	if err == nil || !strings.Contains(err.Error(), "bad.feature") {
		t.Errorf("Coverage error = %v, want a parse error naming bad.feature", err)
	}
}

// Against the real catalog, one scenario leaves almost everything missing
// and a strict check fails.
func TestCoverageRealCatalog(t *testing.T) {
	cat := mustLoad(t)
	r, err := Coverage(cat, features(map[string]string{"k.feature": `Feature: keys
  @cond:DescribeKey.03
  Scenario: describing a key that does not exist
`}))
	if err != nil {
		t.Fatal(err)
	}
	if r.Totals.Conditions != 1091 || r.Totals.Pairs != 391 || r.Totals.ConditionsCovered != 1 || r.Totals.PairsCovered != 1 {
		t.Errorf("totals = %+v", r.Totals)
	}
	if r.CatalogHash != cat.Hash() {
		t.Errorf("report hash %s, catalog %s", r.CatalogHash, cat.Hash())
	}
	if got := len(r.Failures()); got != 390+1090 {
		t.Errorf("failures = %d, want %d", got, 390+1090)
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"DescribeKey                          1/4          1/11",
		"DescribeKey: InvalidArnException DependencyTimeoutException KMSInternalException\n",
		"DescribeKey: 01 02 04 05 06 07 08 09 10 11\n",
		"catalog " + cat.Hash()[:12],
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
}

func TestCoverageCountsAScenarioOnce(t *testing.T) {
	r, err := Coverage(tiny(t), features(map[string]string{"a.feature": `Feature: f
  @op:EnableKey @error:NotFoundException @cond:EnableKey.01 @cond:EnableKey.01
  Scenario: s
`}))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Pairs[0].Scenarios; len(got) != 1 {
		t.Errorf("EnableKey/NotFoundException scenarios = %v, want one", got)
	}
	if got := r.Conditions[0].Scenarios; len(got) != 1 {
		t.Errorf("EnableKey.01 scenarios = %v, want one", got)
	}
}

// Reports show what is checked through injected faults apart from what the
// endpoint's scenarios check.
func TestCoverageShowsInjectedApart(t *testing.T) {
	r, err := Coverage(tiny(t), features(map[string]string{"a.feature": clientFaultCovered + `
  @retries @op:EnableKey @error:KMSInternalException @cond:EnableKey.03
  Scenario: the client sees the injected internal error
`}))
	if err != nil {
		t.Fatal(err)
	}
	want := Totals{Scenarios: 4, Conditions: 4, ConditionsCovered: 3, ConditionsInjected: 1,
		Pairs: 3, PairsCovered: 2, PairsInjected: 1, Constraints: 2}
	if r.Totals != want {
		t.Errorf("totals = %+v, want %+v", r.Totals, want)
	}
	var md, text, js bytes.Buffer
	for _, write := range []func() error{
		func() error { return r.WriteMarkdown(&md) },
		func() error { return r.WriteText(&text) },
		func() error { return r.WriteJSON(&js) },
	} {
		if err := write(); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{
		"| (operation, error) pairs | 3 | 2 | 1 | 0 | 0 |",
		"| EnableKey | 1/2 | 2/3 | 1, 1 | 0 | 0/2 |",
		"| EnableKey | KMSInternalException | 500 | server | injected | injected fault, client scenario: a.feature:",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	for _, want := range []string{"EnableKey   1/2          2/3         1+1", "1 error pairs and 1 conditions are server faults"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	if !strings.Contains(js.String(), `"pairsInjected": 1`) || !strings.Contains(js.String(), `"injected": [`) {
		t.Errorf("JSON lacks the injected counts and scenarios:\n%s", js.String())
	}
}

// An other operation's constraint is reported, missing until a scenario
// cites it, and never fails the strict check or enters the totals.
func TestCoverageOtherConstraints(t *testing.T) {
	r, err := Coverage(tiny(t), features(map[string]string{
		"enable.feature": complete + "\n    @untestable:no-hsm @cond:DisableKey.01\n    Scenario: u\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.OtherConstraints) != 2 || r.OtherConstraints[0].ID != "Encrypt.V.EncryptionAlgorithm.enum" ||
		r.OtherConstraints[0].Operation != "Encrypt" || r.OtherConstraints[0].Status != Missing {
		t.Fatalf("other constraints = %+v", r.OtherConstraints)
	}
	if got := r.Failures(); len(got) != 0 {
		t.Errorf("failures = %q, want none: other constraints never fail the strict check", got)
	}
	if r.Totals.Constraints != 2 {
		t.Errorf("totals count %d constraints, want the focus operations' 2", r.Totals.Constraints)
	}
	var md, text bytes.Buffer
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| Encrypt.V.EncryptionAlgorithm.enum | missing |") {
		t.Errorf("markdown lacks the other constraint:\n%s", md.String())
	}
	if !strings.Contains(text.String(), "Encrypt.V.EncryptionAlgorithm.enum missing") {
		t.Errorf("text lacks the other constraint:\n%s", text.String())
	}
	only, err := r.Restrict([]string{"EnableKey"})
	if err != nil {
		t.Fatal(err)
	}
	if len(only.OtherConstraints) != 0 {
		t.Errorf("restricted to EnableKey, the report keeps %v", only.OtherConstraints)
	}

	// Cited, it is covered; its operation, not a focus one, leaves the
	// scenario's errors unjudged, as an @op: of it would.
	r, err = Coverage(tiny(t), features(map[string]string{"encrypt.feature": `Feature: encrypting
  @cond:Encrypt.V.EncryptionAlgorithm.enum @error:DisabledException
  Scenario: an unknown algorithm
`}))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.OtherConstraints[0].Status; got != Covered {
		t.Errorf("cited other constraint: %s, want covered", got)
	}
	if len(r.Problems) != 0 {
		t.Errorf("problems = %v, want none", r.Problems)
	}
}
