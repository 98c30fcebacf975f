package rules_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmsconform/kmsconform/proxy/rules"
)

func TestParseYAML(t *testing.T) {
	good := `rules:
  - id: throttle
    operation: Encrypt
    times: 2
    header:
      X-Kmsconform-Scenario: retry-throttle
    faults:
      - preset: ThrottlingException
  - operation: Decrypt
    probability: 0.25
    seed: 7
    faults:
      - kind: delay
        delay: 250ms
        jitter: 50ms
      - kind: reset
`
	rs, err := rules.ParseYAML("good.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].ID != "throttle" || rs[0].Header["X-Kmsconform-Scenario"] != "retry-throttle" ||
		rs[1].Faults[0].Delay.D() != 250*time.Millisecond || rs[1].Seed != 7 {
		t.Errorf("parsed %+v", rs)
	}
	if _, err := rules.NewSet(rs...); err != nil {
		t.Errorf("parsed rules do not load: %v", err)
	}
}

func TestParseYAMLRejectsWithLineAndReason(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown field", "rules:\n  - operation: Encrypt\n    tims: 2\n", "bad.yaml:3: field tims not found in type rules.Rule"},
		{"bad probability", "rules:\n  - operation: Encrypt\n  - operation: Decrypt\n    probability: 2\n", "bad.yaml:4: rule 2: probability 2 is outside [0, 1]"},
		{"bad fault kind", "rules:\n  - operation: Encrypt\n    faults:\n      - kind: delay\n        delay: 1s\n      - kind: explode\n", "bad.yaml:6: rule 1: fault 2: invalid fault: unknown kind \"explode\""},
		{"bad duration", "rules:\n  - faults:\n      - kind: delay\n        delay: soon\n", "bad.yaml:4: duration \"soon\""},
		{"bad preset", "rules:\n  - faults:\n      - preset: Nope\n", "bad.yaml:3: rule 1: fault 1"},
		{"duplicate id", "rules:\n  - id: a\n  - id: a\n", "bad.yaml:3: rule 2: id \"a\" already used by rule 1"},
		{"not a list", "rules: 3\n", "bad.yaml:1: cannot unmarshal"},
		// Through a YAML merge key the rules have no line of their own (this once panicked).
		{"duplicate id via a merge key", "<<: {rules: [{id: a}, {id: a}]}\n", "bad.yaml: rule 2: id \"a\" already used by rule 1"},
		{"bad rule via a merge key", "<<: {rules: [{nth: -1}]}\n", "bad.yaml: rule 1: nth -1 must not be negative"},
		{"empty", "", "empty rules file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rules.ParseYAML("bad.yaml", []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(path, []byte("rules:\n  - faults: [{kind: hang}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if rs, err := rules.LoadFile(path); err != nil || len(rs) != 1 {
		t.Errorf("LoadFile = %v, %v", rs, err)
	}
	if _, err := rules.LoadFile(path + ".missing"); err == nil {
		t.Error("missing file accepted")
	}
}
