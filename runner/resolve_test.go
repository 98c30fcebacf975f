package runner

import (
	"testing"

	"github.com/kmsconform/kmsconform/retries"
	"github.com/kmsconform/kmsconform/stepdef"
	"github.com/kmsconform/kmsconform/steps"
)

// Every step of every feature file resolves to exactly one definition whose
// function takes the step's arguments, without running anything: a typo or a
// step nobody defined fails here, not as a failed scenario in a run.
func TestEveryStepResolves(t *testing.T) {
	defs := append(steps.Definitions(), retries.Definitions()...)
	if len(defs) < 100 {
		t.Fatalf("only %d step definitions", len(defs))
	}
	checked := 0
	seen := map[string]bool{}
	for _, p := range featurePickles(t) {
		for _, st := range p.Steps {
			kind := stepKind(st.Type)
			if seen[kind+st.Text] {
				continue
			}
			seen[kind+st.Text] = true
			checked++
			if _, err := stepdef.Resolve(defs, kind, st.Text, st.Argument != nil); err != nil {
				t.Errorf("%s: %v", p.Uri, err)
			}
		}
	}
	if checked < 500 {
		t.Errorf("resolved only %d distinct steps", checked)
	}
}
