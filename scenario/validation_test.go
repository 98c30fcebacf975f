package scenario

import (
	"bytes"
	"encoding/base64"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"
	"github.com/kmsconform/kmsconform/catalog"
	"github.com/kmsconform/kmsconform/features"
)

// constraintRow is one Examples row of an input constraint scenario.
type constraintRow struct {
	where           string
	cond            string
	member, problem string
}

func inputValidationRows(t *testing.T) []constraintRow {
	t.Helper()
	paths, err := fs.Glob(features.FS, "*/*input_validation.feature")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no input_validation.feature files: %v", err)
	}
	var rows []constraintRow
	for _, p := range paths {
		data, err := fs.ReadFile(features.FS, p)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), (&messages.Incrementing{}).NewId)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, child := range doc.Feature.Children {
			if child.Scenario == nil {
				continue
			}
			for _, ex := range child.Scenario.Examples {
				rows = append(rows, examplesRows(t, p, ex)...)
			}
		}
	}
	return rows
}

func examplesRows(t *testing.T, path string, ex *messages.Examples) []constraintRow {
	var conds []string
	for _, tag := range ex.Tags {
		if id, ok := strings.CutPrefix(tag.Name, "@cond:"); ok {
			conds = append(conds, id)
		}
	}
	if len(conds) != 1 {
		t.Errorf("%s:%d: Examples %q cite %d constraints, want 1", path, ex.Location.Line, ex.Name, len(conds))
		return nil
	}
	column := map[string]int{}
	for i, c := range ex.TableHeader.Cells {
		column[c.Value] = i
	}
	var rows []constraintRow
	for _, r := range ex.TableBody {
		rows = append(rows, constraintRow{
			where:   path + ":" + strings.TrimSpace(r.Cells[column["member"]].Value) + " " + r.Cells[column["problem"]].Value,
			cond:    conds[0],
			member:  r.Cells[column["member"]].Value,
			problem: r.Cells[column["problem"]].Value,
		})
	}
	return rows
}

// Every row must break exactly the constraint it cites, and only just:
// lengths and ranges one past a bound, patterns broken outright.
func TestEveryRowBreaksItsConstraint(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, row := range inputValidationRows(t) {
		c, ok := cat.Constraint(row.cond)
		if !ok {
			t.Errorf("%s: no constraint %s", row.where, row.cond)
			continue
		}
		covered[c.ID] = true
		if row.member != c.Member {
			t.Errorf("%s: member %s, but %s constrains %s", row.where, row.member, c.ID, c.Member)
		}
		value, omit, err := violatingValue(row.member, row.problem)
		if err != nil {
			t.Errorf("%s: %v", row.where, err)
			continue
		}
		if problem := breaks(t, *c, value, omit); problem != "" {
			t.Errorf("%s (%s): %s", row.where, c.ID, problem)
		}
	}
	for _, c := range cat.Constraints() {
		if !covered[c.ID] {
			t.Errorf("no input_validation row breaks %s", c.ID)
		}
	}
}

// breaks says what is wrong with value as a violation of c, or "" when it
// violates c just past its limit.
func breaks(t *testing.T, c catalog.Constraint, value any, omit bool) string {
	if c.Kind == "required" {
		if !omit {
			return "a required member must be left out"
		}
		return ""
	}
	if omit {
		return "leaving the member out breaks no " + c.Kind + " constraint"
	}
	justPast := func(n int) string {
		if n == *c.Min-1 || n == *c.Max+1 {
			return ""
		}
		return "is not just past " + c.Kind + " limits"
	}
	switch c.Kind {
	case "length":
		s, _ := value.(string)
		if c.Unit == "bytes" {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return "a blob member needs base64"
			}
			return justPast(len(b))
		}
		return justPast(utf8.RuneCountInString(s))
	case "range":
		n, _ := value.(int)
		return justPast(n)
	case "size":
		items, _ := value.([]any)
		return justPast(len(items))
	case "enum":
		if slices.Contains(c.Values, value.(string)) {
			return "is a documented value"
		}
	case "pattern":
		return breaksPattern(t, c, value.(string))
	default:
		return "unknown constraint kind " + c.Kind
	}
	return ""
}

// breaksPattern checks a value against the model's pattern read both ways:
// applied to the whole value (as KMS and the reference do), and unanchored
// (as Smithy reads it), except where no value can break the unanchored
// reading ("[…]*" matches the empty string inside any value).
func breaksPattern(t *testing.T, c catalog.Constraint, s string) string {
	re, err := c.Regexp()
	if err != nil {
		t.Fatal(err)
	}
	whole := regexp.MustCompile(`^(?:` + re.String() + `)$`)
	switch {
	case whole.MatchString(s):
		return "matches the pattern"
	case re.MatchString("") && re.MatchString(s):
		return "" // unbreakable unanchored: the anchored reading is the one that counts
	case re.MatchString(s):
		return "matches the unanchored pattern"
	}
	return ""
}

func TestSetMemberReachesNestedMembers(t *testing.T) {
	body := map[string]any{
		"Tags":                             []any{map[string]any{"TagKey": "a", "TagValue": "b"}, map[string]any{"TagKey": "c", "TagValue": "d"}},
		"XksProxyAuthenticationCredential": map[string]any{"AccessKeyId": "A", "RawSecretAccessKey": "s"},
		"GrantTokens":                      []any{"t"},
	}
	for _, step := range []struct {
		path  string
		value any
		omit  bool
	}{
		{"Tags[].TagKey", nil, true},
		{"XksProxyAuthenticationCredential.AccessKeyId", "x", false},
		{"GrantTokens[]", "", false},
	} {
		if err := setMember(body, step.path, step.value, step.omit); err != nil {
			t.Fatalf("%s: %v", step.path, err)
		}
	}
	tags := body["Tags"].([]any)
	if _, ok := tags[1].(map[string]any)["TagKey"]; ok || tags[0].(map[string]any)["TagKey"] != "a" {
		t.Errorf("Tags = %v, want only the last tag's TagKey removed", tags)
	}
	if got := body["XksProxyAuthenticationCredential"].(map[string]any); got["AccessKeyId"] != "x" || got["RawSecretAccessKey"] != "s" {
		t.Errorf("credential = %v", got)
	}
	if got := body["GrantTokens"].([]any); len(got) != 1 || got[0] != "" {
		t.Errorf("GrantTokens = %v", got)
	}
	if err := setMember(map[string]any{}, "Recipient.AttestationDocument", "", false); err == nil {
		t.Error("a member of a structure the request lacks was set")
	}
}
