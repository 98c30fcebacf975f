package catalog

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// opSummary is one operation's line in the summary tables.
type opSummary struct {
	name                                                string
	pairs, pairsCovered, pairsInjected, pairsUntestable int
	conds, condsCovered, condsInjected, condsUntestable int
	constraints, constraintsCovered, missing            int
}

func (r *Report) summaries() []opSummary {
	byName := make(map[string]*opSummary)
	out := make([]opSummary, len(r.Operations))
	for i, name := range r.Operations {
		out[i].name = name
		byName[name] = &out[i]
	}
	for _, p := range r.Pairs {
		s := byName[p.Operation]
		s.pairs++
		switch p.Status {
		case Covered:
			s.pairsCovered++
		case Injected:
			s.pairsInjected++
		case Untestable:
			s.pairsUntestable++
		default:
			s.missing++
		}
	}
	for _, c := range r.Conditions {
		s := byName[c.Operation]
		s.conds++
		switch c.Status {
		case Covered:
			s.condsCovered++
		case Injected:
			s.condsInjected++
		case Untestable:
			s.condsUntestable++
		default:
			s.missing++
		}
	}
	for _, c := range r.Constraints {
		s := byName[c.Operation]
		s.constraints++
		if c.Status == Covered {
			s.constraintsCovered++
		}
	}
	return out
}

// WriteText writes a terminal-friendly summary: one line per operation,
// then what is missing and every problem. ERROR PAIRS and CONDITIONS count
// what endpoint scenarios check; INJECTED counts the error pairs and
// conditions (server faults) checked only through injected faults.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OPERATION\tERROR PAIRS\tCONDITIONS\tINJECTED\tUNTESTABLE\tCONSTRAINTS\tMISSING")
	for _, s := range r.summaries() {
		fmt.Fprintf(tw, "%s\t%d/%d\t%d/%d\t%s\t%d\t%d/%d\t%d\n", s.name,
			s.pairsCovered, s.pairs, s.condsCovered, s.conds, injectedCell(s.pairsInjected, s.condsInjected),
			s.condsUntestable, s.constraintsCovered, s.constraints, s.missing)
	}
	t := r.Totals
	fmt.Fprintf(tw, "TOTAL\t%d/%d\t%d/%d\t%s\t%d\t%d/%d\t%d\n",
		t.PairsCovered, t.Pairs, t.ConditionsCovered, t.Conditions, injectedCell(t.PairsInjected, t.ConditionsInjected),
		t.ConditionsUntestable, t.ConstraintsCovered, t.Constraints, t.PairsMissing+t.ConditionsMissing)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d scenarios; catalog %s\n", t.Scenarios, shortHash(r.CatalogHash))
	if t.PairsInjected+t.ConditionsInjected > 0 {
		fmt.Fprintf(w, "INJECTED (pairs+conditions): %d error pairs and %d conditions are server faults no endpoint\n"+
			"produces on demand; client scenarios (@retries) inject them and check the client, not the endpoint.\n",
			t.PairsInjected, t.ConditionsInjected)
	}
	if n := t.PairsMissing; n > 0 {
		fmt.Fprintf(w, "\nError pairs no scenario expects (%d):\n", n)
		for _, line := range r.missingByOperation(func(p PairCoverage) string { return p.Code }, nil) {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	if n := t.ConditionsMissing; n > 0 {
		fmt.Fprintf(w, "\nConditions with no scenario and no @untestable (%d):\n", n)
		for _, line := range r.missingByOperation(nil, func(c ConditionCoverage) string {
			_, nn, _ := strings.Cut(c.ID, ".")
			return nn
		}) {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	if lines := r.otherConstraintLines(); len(lines) > 0 {
		fmt.Fprintf(w, "\nInput constraints of other operations, not in the totals (%d):\n", len(lines))
		for _, line := range lines {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(w, "\nTag problems (%d):\n", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

// WriteMarkdown writes the full report as Markdown.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	t := r.Totals
	fmt.Fprintf(&b, "# kmsconform coverage\n\nCatalog `%s`, %d scenarios.\n\n", r.CatalogHash, t.Scenarios)
	fmt.Fprintf(&b, "| | total | covered by the endpoint's scenarios | checked through injected faults | untestable | missing |\n|---|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| (operation, error) pairs | %d | %d | %d | %d | %d |\n", t.Pairs, t.PairsCovered, t.PairsInjected, t.PairsUntestable, t.PairsMissing)
	fmt.Fprintf(&b, "| conditions | %d | %d | %d | %d | %d |\n", t.Conditions, t.ConditionsCovered, t.ConditionsInjected, t.ConditionsUntestable, t.ConditionsMissing)
	fmt.Fprintf(&b, "| input constraints | %d | %d | | | %d |\n", t.Constraints, t.ConstraintsCovered, t.Constraints-t.ConstraintsCovered)
	b.WriteString("\n*Checked through injected faults*: server faults (such as KMSInternalException) no endpoint produces on demand. " +
		"Client scenarios (`@retries`) inject them into the operation and check what the client makes of them; the endpoint's own answer is not checked.\n")
	fmt.Fprintf(&b, "\nTag problems: %d.\n", t.Problems)

	b.WriteString("\n## By operation\n\n| operation | error pairs | conditions | injected (pairs, conditions) | untestable | constraints |\n|---|---:|---:|---:|---:|---:|\n")
	for _, s := range r.summaries() {
		fmt.Fprintf(&b, "| %s | %d/%d | %d/%d | %d, %d | %d | %d/%d |\n", s.name, s.pairsCovered, s.pairs,
			s.condsCovered, s.conds, s.pairsInjected, s.condsInjected, s.condsUntestable, s.constraintsCovered, s.constraints)
	}

	if len(r.Problems) > 0 {
		b.WriteString("\n## Tag problems\n\n| scenario | problem | tag | detail |\n|---|---|---|---|\n")
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "| %s | %s | `%s` | %s |\n", mdCell(p.Scenario.String()), p.Kind, p.Tag, mdCell(p.Detail))
		}
	}

	b.WriteString("\n## Error pairs\n\n| operation | error | HTTP | fault | status | scenarios |\n|---|---|---:|---|---|---|\n")
	for _, p := range r.Pairs {
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s |\n", p.Operation, p.Code, p.HTTPStatus, p.Fault, p.Status, refs(p.Scenarios, p.Injected, p.Untestable))
	}

	b.WriteString("\n## Conditions\n\n| condition | kind | expects | status | scenarios |\n|---|---|---|---|---|\n")
	for _, c := range r.Conditions {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", c.ID, c.Kind, c.Error, c.Status, refs(c.Scenarios, c.Injected, c.Untestable))
	}

	b.WriteString("\n## Input constraints\n\n| constraint | status | scenarios |\n|---|---|---|\n")
	for _, c := range r.Constraints {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.ID, c.Status, refs(c.Scenarios, c.Injected, c.Untestable))
	}

	if len(r.OtherConstraints) > 0 {
		b.WriteString("\n## Input constraints of operations outside the focus set\n\nMembers a newer API model added; not counted in the totals above.\n\n| constraint | status | scenarios |\n|---|---|---|\n")
		for _, c := range r.OtherConstraints {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", c.ID, c.Status, refs(c.Scenarios, c.Injected, c.Untestable))
		}
	}

	if len(r.Untagged) > 0 {
		b.WriteString("\n## Scenarios citing nothing in the catalog\n\n")
		for _, s := range r.Untagged {
			fmt.Fprintf(&b, "- %s\n", mdCell(s.String()))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// missingByOperation lists what is missing as one line per operation, each
// entry named by pairName or condName (exactly one of them is set).
func (r *Report) missingByOperation(pairName func(PairCoverage) string, condName func(ConditionCoverage) string) []string {
	missing := make(map[string][]string)
	if pairName != nil {
		for _, p := range r.Pairs {
			if p.Status == Missing {
				missing[p.Operation] = append(missing[p.Operation], pairName(p))
			}
		}
	} else {
		for _, c := range r.Conditions {
			if c.Status == Missing {
				missing[c.Operation] = append(missing[c.Operation], condName(c))
			}
		}
	}
	var lines []string
	for _, op := range r.Operations {
		if names := missing[op]; len(names) > 0 {
			lines = append(lines, op+": "+strings.Join(names, " "))
		}
	}
	return lines
}

// otherConstraintLines lists the other operations' input constraints, each
// with its status.
func (r *Report) otherConstraintLines() []string {
	var lines []string
	for _, c := range r.OtherConstraints {
		lines = append(lines, c.ID+" "+string(c.Status))
	}
	return lines
}

func refs(scenarios, injected, untestable []ScenarioRef) string {
	var parts []string
	for _, s := range scenarios {
		parts = append(parts, mdCell(s.String()))
	}
	for _, s := range injected {
		parts = append(parts, mdCell("injected fault, client scenario: "+s.String()))
	}
	for _, s := range untestable {
		part := "untestable: " + s.String()
		if s.Reason != "" {
			part += " (" + s.Reason + ")"
		}
		parts = append(parts, mdCell(part))
	}
	return strings.Join(parts, "<br>")
}

// mdCell keeps text from breaking a Markdown table row.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func shortHash(h string) string { return h[:min(12, len(h))] }

// injectedCell is the INJECTED column: pairs+conditions, or "-" for none.
func injectedCell(pairs, conds int) string {
	if pairs+conds == 0 {
		return "-"
	}
	return fmt.Sprintf("%d+%d", pairs, conds)
}
