package runner

import (
	"fmt"
	"io"
	"strings"

	"github.com/kmsconform/kmsconform/stepdef"
)

// Plan is what a run with a tag expression would do, worked out without
// sending a request: the scenarios it selects and what they create.
type Plan struct {
	Scenarios []PlannedScenario
	footprint footprint
}

// PlannedScenario is one selected scenario (or outline row).
type PlannedScenario struct {
	ID      string // as in results.json: feature file and scenario name
	Tags    []string
	Creates stepdef.Creates // at most, as its steps declare it
}

// PlanRun selects the scenarios tags selects (all for "") and works out what
// they would create in the target account.
func PlanRun(tags string) (*Plan, error) {
	sel, err := selectScenarios(tags)
	if err != nil {
		return nil, err
	}
	return &Plan{Scenarios: sel.scenarios, footprint: sel.footprint}, nil
}

// Write prints the plan: a line per scenario with its tags and what it
// creates, then the totals.
func (p *Plan) Write(w io.Writer) error {
	var b strings.Builder
	for _, s := range p.Scenarios {
		fmt.Fprintf(&b, "%s\n    %s\n", s.ID, strings.Join(s.Tags, " "))
		if what := describeCreates(s.Creates); what != "" {
			fmt.Fprintf(&b, "    creates %s\n", what)
		}
	}
	f := p.footprint
	fmt.Fprintf(&b, "\n%s (%d client retry scenarios), creating at most %s.\n", count(f.scenarios, "scenario"), f.retries,
		orNothing(describeCreates(stepdef.Creates{Keys: f.keys, CloudHSMStores: f.cloudHSM, ExternalStores: f.external, SecondAccount: f.usesSecond})))
	b.WriteString("Nothing was sent: a run with the same --tags sends these scenarios' requests.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func describeCreates(c stepdef.Creates) string {
	var parts []string
	for _, n := range []struct {
		count int
		what  string
	}{{c.Keys, "KMS key"}, {c.CloudHSMStores, "CloudHSM key store"}, {c.ExternalStores, "external key store"}} {
		if n.count > 0 {
			parts = append(parts, count(n.count, n.what))
		}
	}
	if c.SecondAccount {
		parts = append(parts, "calls as the second account")
	}
	return strings.Join(parts, ", ")
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
