package features_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/kmsconform/kmsconform/features"
	"github.com/kmsconform/kmsconform/kmserrors"
	"github.com/kmsconform/kmsconform/realkms"
)

// scenario is what the join needs of one pickle: which operation and
// conditions it is about, and what it expects of its request.
type scenario struct {
	where string // uri: name
	op    string
	conds []string
	// What the request's Then step expects; at most one is set.
	success     bool
	codes       []string // fails with one of these
	clientError bool     // fails with some client error
}

var (
	failsWithCode   = regexp.MustCompile(`^the request fails with ([A-Za-z]+Exception)$`)
	failsWithEither = regexp.MustCompile(`^the request fails with either ([A-Za-z]+Exception) or ([A-Za-z]+Exception)$`)
	succeeds        = regexp.MustCompile(`^the request succeeds( with an empty response)?$`)
)

const failsWithClientError = "the request fails with a client error"

// scenariosOf parses one feature file into its scenarios, outlines expanded.
func scenariosOf(uri string, text []byte) ([]scenario, error) {
	ids := &messages.Incrementing{}
	doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(text), ids.NewId)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", uri, err)
	}
	var out []scenario
	for _, p := range gherkin.Pickles(*doc, uri, ids.NewId) {
		s := scenario{where: uri + ": " + p.Name}
		for _, tag := range p.Tags {
			if op, ok := strings.CutPrefix(tag.Name, "@op:"); ok {
				s.op = op
			}
			if cond, ok := strings.CutPrefix(tag.Name, "@cond:"); ok {
				s.conds = append(s.conds, cond)
			}
		}
		for _, step := range p.Steps {
			switch text := step.Text; {
			case succeeds.MatchString(text):
				s.success = true
			case text == failsWithClientError:
				s.clientError = true
			case failsWithCode.MatchString(text):
				s.codes = failsWithCode.FindStringSubmatch(text)[1:]
			case failsWithEither.MatchString(text):
				s.codes = failsWithEither.FindStringSubmatch(text)[1:]
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// join compares each recorded answer with the scenarios that check the same
// condition of the same operation. It returns the scenarios whose
// expectation the recording contradicts, the scenarios that accept any
// client error where the recording names the code (weaker, not wrong), and
// how many (entry, scenario) pairs it compared. A superseded entry is
// history, not an expectation, and is left out.
func join(entries []realkms.Entry, scenarios []scenario) (contradictions, weaker []string, compared int) {
	for _, e := range entries {
		if e.Superseded != "" {
			continue
		}
		for _, s := range scenarios {
			shared := slices.ContainsFunc(e.Conds, func(c string) bool { return slices.Contains(s.conds, c) })
			if !shared || s.op != e.Operation || !(s.success || s.clientError || len(s.codes) > 0) {
				continue
			}
			compared++
			contradict := func(format string, args ...any) {
				contradictions = append(contradictions, fmt.Sprintf("%s expects %s; recording %s (%s:%d) %s",
					s.where, s.describe(), e.ID, e.File, e.Line, fmt.Sprintf(format, args...)))
			}
			status := e.Want.Status
			if status == 0 {
				status = kmserrors.Status(e.Want.Code)
			}
			switch {
			case e.Want.OK && !s.success:
				contradict("is a success")
			case e.Want.OK:
			case s.success:
				contradict("is %s", e.Want.Code)
			case len(s.codes) > 0 && !slices.Contains(s.codes, e.Want.Code):
				contradict("is %s", e.Want.Code)
			case s.clientError && kmserrors.Class(status) != "client error":
				contradict("is %s with HTTP %d", e.Want.Code, status)
			case s.clientError:
				weaker = append(weaker, fmt.Sprintf("%s accepts any client error; real KMS answered %s (%s)", s.where, e.Want.Code, e.ID))
			}
		}
	}
	return contradictions, weaker, compared
}

func (s scenario) describe() string {
	switch {
	case s.success:
		return "success"
	case s.clientError:
		return "a client error"
	default:
		return strings.Join(s.codes, " or ")
	}
}

// The scenarios agree with every answer of real KMS on record for the
// conditions they check.
func TestScenariosAgreeWithRecordings(t *testing.T) {
	entries, err := realkms.Load()
	if err != nil {
		t.Fatal(err)
	}
	var scenarios []scenario
	err = fs.WalkDir(features.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".feature") {
			return err
		}
		text, err := fs.ReadFile(features.FS, path)
		if err != nil {
			return err
		}
		found, err := scenariosOf(path, text)
		scenarios = append(scenarios, found...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	contradictions, weaker, compared := join(entries, scenarios)
	for _, c := range contradictions {
		t.Error(c)
	}
	for _, w := range weaker {
		t.Log(w)
	}
	// The join must meet the scenarios at all, or it proves nothing.
	if compared < 20 {
		t.Errorf("only %d (recording, scenario) pairs share a condition and an operation", compared)
	}
	t.Logf("%d (recording, scenario) pairs compared", compared)
}

// A scenario that expects what a recording contradicts is caught: another
// code, success for an error, an error for a success, a server fault for a
// client error. Scenarios of another operation, or that agree, are not.
func TestJoinCatchesContradictions(t *testing.T) {
	entries, err := realkms.Load()
	if err != nil {
		t.Fatal(err)
	}
	const text = `@op:CreateKey
Feature: made up

  @cond:CreateKey.10
  Scenario: 51 tags are a quota
    When I request a new KMS key with 51 tags
    Then the request fails with LimitExceededException

  @cond:CreateKey.10
  Scenario: a reserved tag is accepted
    When I request a new KMS key with a tag whose key starts with aws:
    Then the request succeeds

  @cond:CreateKey.33
  Scenario: a key for imported ECC material is refused
    When I request a new KMS key with Origin EXTERNAL and KeySpec ECC_NIST_P256
    Then the request fails with UnsupportedOperationException

  @cond:CreateKey.13
  Scenario Outline: <spec> without a KeyUsage
    When I request a new KMS key with KeySpec <spec>
    Then the request fails with <error>

    Examples:
      | spec     | error                      |
      | HMAC_256 | ValidationException        |
      | RSA_2048 | KMSInternalException       |

  @cond:CreateKey.14
  Scenario: a KeyUsage the KeySpec does not allow
    When I request a new KMS key with KeySpec RSA_2048 and KeyUsage KEY_AGREEMENT
    Then the request fails with a client error

  @op:DescribeKey @cond:CreateKey.10
  Scenario: another operation citing the same condition
    When I describe a key
    Then the request succeeds
`
	scenarios, err := scenariosOf("made-up.feature", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	contradictions, weaker, _ := join(entries, scenarios)
	for _, want := range []string{
		"51 tags are a quota expects LimitExceededException; recording CreateKey.too-many-tags",
		"a reserved tag is accepted expects success; recording CreateKey.reserved-tag-prefix",
		"a key for imported ECC material is refused expects UnsupportedOperationException; recording CreateKey.origin-external.ECC_NIST_P256",
	} {
		if !slices.ContainsFunc(contradictions, func(c string) bool { return strings.Contains(c, want) }) {
			t.Errorf("not caught: %s", want)
		}
	}
	// The outline's RSA_2048 example names a code that is not the recorded one.
	if !slices.ContainsFunc(contradictions, func(c string) bool {
		return strings.Contains(c, "RSA_2048 without a KeyUsage expects KMSInternalException")
	}) {
		t.Error("an outline example with another code is not caught")
	}
	for _, c := range contradictions {
		if strings.Contains(c, "HMAC_256 without") || strings.Contains(c, "KeyUsage the KeySpec") || strings.Contains(c, "another operation") {
			t.Errorf("a scenario that agrees, or checks another operation, was flagged: %s", c)
		}
	}
	if len(weaker) != 1 || !strings.Contains(weaker[0], "CreateKey.key-usage-not-for-key-spec") {
		t.Errorf("weaker scenarios: %v, want the client-error one", weaker)
	}
}
