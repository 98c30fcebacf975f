package runner

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestPlanPhases(t *testing.T) {
	for _, tc := range []struct {
		tags string
		want []string
	}{
		{"", []string{"endpoint", "slow-retries", "retries"}},
		{"~@retries", []string{"endpoint"}},
		{"@retries", []string{"slow-retries", "retries"}},
		{"@retries && ~@slow", []string{"retries"}},
		{"@slow", []string{"slow-retries"}},
		{"@op:DeleteCustomKeyStore,@retries", []string{"endpoint", "slow-retries", "retries"}},
		{"@cond:DeleteCustomKeyStore.03", []string{"endpoint"}},
		{"not @retries", []string{"endpoint"}},
		{"@retries and not @slow", []string{"retries"}},
		{"@op:DeleteCustomKeyStore or @retries", []string{"endpoint", "slow-retries", "retries"}},
		{"@retries and (@slow or @client:boto3)", []string{"slow-retries", "retries"}},
	} {
		t.Run(tc.tags, func(t *testing.T) {
			sel, err := selectScenarios(tc.tags)
			if err != nil {
				t.Fatal(err)
			}
			phases := planPhases(Options{Tags: tc.tags, Concurrency: 3, RetryConcurrency: 7}, sel.filter, sel.footprint)
			var got []string
			for _, p := range phases {
				got = append(got, p.name)
				want := map[string]int{"endpoint": 3, "slow-retries": 7, "retries": 7}[p.name]
				if p.concurrency != want {
					t.Errorf("phase %s concurrency %d, want %d", p.name, p.concurrency, want)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("phases %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAndTags checks the phases' filters in godog v0.16's syntax, where ","
// is the outer operator: the phase's tags must join every group, else
// "@a,@b && ~@retries" would run @a's retry scenarios too.
func TestAndTags(t *testing.T) {
	for _, tc := range []struct{ filter, extra, want string }{
		{"", "~@retries", "~@retries"},
		{"@a", "~@retries", "@a && ~@retries"},
		{"@a,@b && ~@c", "@retries && ~@slow", "@a && @retries && ~@slow,@b && ~@c && @retries && ~@slow"},
	} {
		if got := andTags(tc.filter, tc.extra); got != tc.want {
			t.Errorf("andTags(%q, %q) = %q, want %q", tc.filter, tc.extra, got, tc.want)
		}
	}
}

func TestMergeCucumber(t *testing.T) {
	merged, err := mergeCucumber(
		[]byte(`[{"uri":"a","elements":[{"name":"a1"}]}]`),
		[]byte(`[]`),
		[]byte(`[{"uri":"b"},{"uri":"a","elements":[{"name":"a2"}]},{"uri":"c","elements":[]}]`))
	if err != nil {
		t.Fatal(err)
	}
	var features []struct {
		URI      string
		Elements []struct{ Name string }
	}
	if err := json.Unmarshal(merged, &features); err != nil || len(features) != 3 || features[1].URI != "b" || features[2].URI != "c" {
		t.Errorf("merged %s (%v), want features a, b, c", merged, err)
	}
	if a := features[0]; a.URI != "a" || len(a.Elements) != 2 || a.Elements[0].Name != "a1" || a.Elements[1].Name != "a2" {
		t.Errorf("feature a = %+v, want the scenarios a1 and a2 of both phases", a)
	}
	if _, err := mergeCucumber([]byte(`{"not":"a list"}`)); err == nil {
		t.Error("a document that is not a list of features merged")
	}
}
