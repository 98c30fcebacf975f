package runner

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/kmsconform/kmsconform/features"
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
		seen := map[string]bool{}
		for _, p := range gherkin.Pickles(*doc, path, ids) {
			for _, st := range p.Steps {
				kind := stepKind(st.Type)
				if seen[kind+st.Text] {
					continue
				}
				seen[kind+st.Text] = true
				checked++
				if _, err := stepdef.Resolve(defs, kind, st.Text, st.Argument != nil); err != nil {
					t.Errorf("%s: %v", path, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 500 {
		t.Errorf("resolved only %d distinct steps", checked)
	}
}
