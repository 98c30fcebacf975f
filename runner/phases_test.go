package runner

import (
	"encoding/json"
	"testing"
)

func TestPlanPhases(t *testing.T) {
	for _, tc := range []struct {
		tags string
		want []string
	}{
		{"", []string{"endpoint", "retries"}},
		{"~@retries", []string{"endpoint"}},
		{"@retries", []string{"retries"}},
		{"@op:DeleteCustomKeyStore,@retries", []string{"endpoint", "retries"}},
		{"@cond:DeleteCustomKeyStore.03", []string{"endpoint"}},
	} {
		t.Run(tc.tags, func(t *testing.T) {
			_, fp, err := selectScenarios(tc.tags)
			if err != nil {
				t.Fatal(err)
			}
			phases := planPhases(Options{Tags: tc.tags, Concurrency: 3, RetryConcurrency: 7}, fp)
			var got []string
			for _, p := range phases {
				got = append(got, p.name)
				want := map[string]int{"endpoint": 3, "retries": 7}[p.name]
				if p.concurrency != want {
					t.Errorf("phase %s concurrency %d, want %d", p.name, p.concurrency, want)
				}
			}
			if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) || (len(got) > 1 && got[1] != tc.want[1]) {
				t.Errorf("phases %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMergeCucumber(t *testing.T) {
	merged, err := mergeCucumber([]byte(`[{"uri":"a"}]`), []byte(`[]`), []byte(`[{"uri":"b"},{"uri":"c"}]`))
	if err != nil {
		t.Fatal(err)
	}
	var features []struct{ URI string }
	if err := json.Unmarshal(merged, &features); err != nil || len(features) != 3 || features[2].URI != "c" {
		t.Errorf("merged %s (%v), want features a, b, c", merged, err)
	}
	if _, err := mergeCucumber([]byte(`{"not":"a list"}`)); err == nil {
		t.Error("a document that is not a list of features merged")
	}
}
