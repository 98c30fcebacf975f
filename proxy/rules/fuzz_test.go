package rules_test

import (
	"encoding/json"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/kmsconform/kmsconform/proxy/rules"
)

// FuzzParseRules feeds ParseYAML arbitrary files. It must never panic; an
// error must name the file (and the line, when it has one); a file it accepts
// must load into a Set, and must read back the same once written out again.
func FuzzParseRules(f *testing.F) {
	for _, s := range []string{
		"rules:\n  - id: throttle\n    operation: Encrypt\n    times: 2\n    header:\n      X-Kmsconform-Scenario: s\n    faults:\n      - preset: ThrottlingException\n",
		"rules:\n  - operation: Decrypt\n    probability: 0.25\n    seed: 7\n    faults:\n      - kind: delay\n        delay: 250ms\n        jitter: 50ms\n      - kind: reset\n",
		"rules:\n  - faults: [{kind: truncate, bytes: 3}, {kind: slow, bytesPerSecond: 10}]\n  - faults: [{kind: lost, preset: HTTP504}]\n",
		"rules:\n  - operation: Encrypt\n    probability: 3\n",
		"rules:\n  - id: a\n    faults: []\n  - id: a\n    faults: []\n",
		"rules:\n  - faults: [{kind: explode}]\n",
		"rules:\n  - faults: [{kind: delay, delay: -1s}]\n",
		"rules:\n  - nth: -1\n",
		"rules: [&r {id: a, faults: []}, *r]\n",
		"<<: {rules: [{id: a, faults: []}, {id: a, faults: []}]}\n",
		"<<: {rules: [{id: a, probability: 2}]}\n",
		"rules: {}\n", "rules: 7\n", "rules:\n", "", "---\n", "- a\n", "rules:\n  - operaton: Encrypt\n",
		"rules:\n  - faults:\n    - kind: delay\n      delay: {a: b}\n",
		"a: &a [*a]\n", "rules: [*x]\n", "\t", "rules:\n  - id: \"\\xff\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := rules.ParseYAML("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if _, err := rules.NewSet(rs...); err != nil {
			t.Fatalf("accepted rules do not load: %v\n%s", err, data)
		}
		out, err := yaml.Marshal(rules.File{Rules: rs})
		if err != nil {
			t.Fatalf("accepted rules do not write out: %v", err)
		}
		again, err := rules.ParseYAML("again.yaml", out)
		if err != nil {
			t.Fatalf("rules written out do not read back: %v\n%s", err, out)
		}
		if a, b := jsonOf(t, rs), jsonOf(t, again); a != b {
			t.Fatalf("round trip changed the rules:\n%s\n%s", a, b)
		}
	})
}

func jsonOf(t *testing.T, rs []rules.Rule) string {
	if len(rs) == 0 {
		return "[]" // no rules, however written
	}
	for i := range rs {
		if len(rs[i].Faults) == 0 {
			rs[i].Faults = nil // written as [], read back empty: the same rule
		}
	}
	b, err := json.Marshal(rs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
