package runner_test

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/kmsconform/kmsconform/features"
	"github.com/kmsconform/kmsconform/steps"
)

func TestTmpUsage(t *testing.T) {
	suite := godog.TestSuite{Options: &godog.Options{FS: features.FS, Paths: []string{"."}}}
	feats, _ := suite.RetrieveFeatures()
	defs := steps.Definitions()
	res := make([]*regexp.Regexp, len(defs))
	for i, d := range defs {
		res[i] = regexp.MustCompile(d.Expr)
	}
	use := map[int]map[string]int{}
	for _, f := range feats {
		for _, p := range f.Pickles {
			if slices.ContainsFunc(p.Tags, func(t *messages.PickleTag) bool { return t.Name == "@untestable" || t.Name == "@retries" }) {
				continue
			}
			fam := strings.Split(p.Uri, "/")[0]
			for _, st := range p.Steps {
				kw := map[messages.PickleStepType]string{messages.PickleStepType_CONTEXT: "Given", messages.PickleStepType_ACTION: "When", messages.PickleStepType_OUTCOME: "Then"}[st.Type]
				for i, d := range defs {
					if (d.Keyword == "" || d.Keyword == kw) && res[i].MatchString(st.Text) {
						if use[i] == nil {
							use[i] = map[string]int{}
						}
						use[i][fam]++
					}
				}
			}
		}
	}
	var lines []string
	for i, d := range defs {
		if !d.Checks {
			continue
		}
		lines = append(lines, fmt.Sprintf("%-5s %-100.100s %v", d.Keyword, d.Expr, use[i]))
	}
	sort.Strings(lines)
	fmt.Println(strings.Join(lines, "\n"))
}
