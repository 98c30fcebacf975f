package features_test

import (
	"strings"
	"testing"

	"github.com/cucumber/godog"

	"github.com/kmsconform/kmsconform/features"
)

// Every scenario names its operation and the documented condition it checks,
// and scenario names (with outline values filled in) are unique: the runner
// uses them as stable IDs.
func TestScenariosAreTaggedAndUnique(t *testing.T) {
	suite := godog.TestSuite{Options: &godog.Options{FS: features.FS, Paths: []string{"."}}}
	feats, err := suite.RetrieveFeatures()
	if err != nil {
		t.Fatal(err)
	}
	if len(feats) < 3 {
		t.Fatalf("found %d feature files", len(feats))
	}
	seen := map[string]bool{}
	for _, f := range feats {
		for _, p := range f.Pickles {
			id := p.Uri + ": " + p.Name
			if seen[id] {
				t.Errorf("duplicate scenario %q", id)
			}
			seen[id] = true
			var ops, conds int
			untestable := false
			for _, tag := range p.Tags {
				switch {
				case strings.HasPrefix(tag.Name, "@op:"):
					ops++
				case strings.HasPrefix(tag.Name, "@cond:"):
					conds++
				case tag.Name == "@untestable":
					untestable = true
				}
			}
			if ops != 1 || conds == 0 {
				t.Errorf("%s: %d @op and %d @cond tags, want one and at least one", id, ops, conds)
			}
			if untestable && !strings.Contains(p.Steps[len(p.Steps)-1].Text, "cannot produce: ") {
				t.Errorf("%s: @untestable without the reason in a step", id)
			}
			if strings.ContainsAny(p.Name, "<>") {
				t.Errorf("%s: outline placeholder left in the name", id)
			}
		}
	}
}
