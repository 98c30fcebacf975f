package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// File is the YAML rules file the proxy loads at start:
//
//	rules:
//	  - id: throttle-first-two-encrypts
//	    operation: Encrypt
//	    times: 2
//	    faults:
//	      - preset: ThrottlingException
//	  - operation: Decrypt
//	    probability: 0.2
//	    seed: 7
//	    faults:
//	      - kind: delay
//	        delay: 300ms
//	        jitter: 100ms
//	      - kind: reset
type File struct {
	Rules []Rule `yaml:"rules"`
}

// LoadFile reads and validates a YAML rules file.
func LoadFile(path string) ([]Rule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rules file: %w", err)
	}
	return ParseYAML(path, data)
}

// ParseYAML decodes and validates a rules file. Errors name the file, the line
// and the reason: "rules.yaml:12: rule 2: probability 1.5 is outside [0, 1]".
func ParseYAML(name string, data []byte) ([]Rule, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty rules file (want a top-level \"rules:\" list)", name)
		}
		return nil, yamlError(name, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(name, err)
	}
	// The nodes give line numbers; a list reached through a YAML alias or
	// merge key has none, and its errors name the rule alone.
	items := ruleNodes(&doc)
	where := func(i int, fe *fieldError) string {
		if i >= len(items) {
			return name
		}
		line := items[i].Line
		if fe != nil {
			if fl := fieldLine(items[i], fe); fl != 0 {
				line = fl
			}
		}
		return fmt.Sprintf("%s:%d", name, line)
	}
	for i, r := range f.Rules {
		if err := Validate(r); err != nil {
			var fe *fieldError
			errors.As(err, &fe)
			return nil, fmt.Errorf("%s: rule %d: %w", where(i, fe), i+1, err)
		}
	}
	seen := map[string]int{}
	for i, r := range f.Rules {
		if r.ID == "" {
			continue
		}
		if first, dup := seen[r.ID]; dup {
			return nil, fmt.Errorf("%s: rule %d: id %q already used by rule %d", where(i, nil), i+1, r.ID, first)
		}
		seen[r.ID] = i + 1
	}
	return f.Rules, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError rewrites yaml.v3's "line N: reason" messages as "name:N: reason".
func yamlError(name string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	for i, m := range msgs {
		if sub := yamlLine.FindStringSubmatch(m); sub != nil {
			msgs[i] = name + ":" + sub[1] + ": " + sub[2]
		} else {
			msgs[i] = name + ": " + m
		}
	}
	return errors.New(strings.Join(msgs, "; "))
}

// ruleNodes returns the nodes of the items of the top-level "rules" list.
func ruleNodes(doc *yaml.Node) []*yaml.Node {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "rules" && root.Content[i+1].Kind == yaml.SequenceNode {
			return root.Content[i+1].Content
		}
	}
	return nil
}

// fieldLine finds the line of the field (or fault) an error is about, so the
// message points at it rather than at the start of its rule.
func fieldLine(item *yaml.Node, fe *fieldError) int {
	for i := 0; i+1 < len(item.Content); i += 2 {
		if item.Content[i].Value != fe.field {
			continue
		}
		if fe.field != "faults" {
			return item.Content[i].Line
		}
		if fs := item.Content[i+1].Content; fe.fault >= 1 && fe.fault <= len(fs) {
			return fs[fe.fault-1].Line
		}
	}
	return 0
}
