package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The example workflow (and the commands docs/ci.md shows) run only what
// exists: make targets and variables of the Makefile, kmsconform commands
// and their flags, and a few ordinary tools.
func TestExampleWorkflowRunsWhatExists(t *testing.T) {
	makefile, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	chk := newCommandChecker(string(makefile))
	files, err := filepath.Glob("../../docs/examples/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no docs/examples/*.yml (%v)", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		runs, err := workflowRuns(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !slices.ContainsFunc(runs, func(r string) bool { return strings.Contains(r, "EXPECT=expectations/") }) {
			t.Errorf("%s runs no emulator with its expectations file", f)
		}
		for _, r := range runs {
			for _, p := range chk.check(r) {
				t.Errorf("%s: %q: %s", f, r, p)
			}
		}
		if !bytes.Contains(data, []byte("actions/upload-artifact")) || !bytes.Contains(data, []byte("if: always()")) {
			t.Errorf("%s does not keep the reports as artifacts whatever the outcome", f)
		}
	}
	doc, err := os.ReadFile("../../docs/ci.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range shellBlocks(string(doc)) {
		for _, p := range chk.check(r) {
			t.Errorf("docs/ci.md: %q: %s", r, p)
		}
	}
}

// The checker finds what does not exist.
func TestCommandCheckerFindsMistakes(t *testing.T) {
	chk := newCommandChecker("OUT ?= out\nconform-moto: build\n\t./x --tags \"$(TAGS)\" $(if $(EXPECT),--expectations $(EXPECT))\n")
	tests := []struct {
		run  string
		want string // "" for none
	}{
		{"make conform-moto TAGS='not @retries' EXPECT=expectations/moto.yaml OUT=out", ""},
		{"make conform-mot", `no make target "conform-mot"`},
		{"make conform-moto EXPECTATIONS=x.yaml", `the Makefile has no variable "EXPECTATIONS"`},
		{"./bin/kmsconform run --expectations x.yaml --tags 'not @retries'", ""},
		{"kmsconform runn", `kmsconform has no command "runn"`},
		{"kmsconform run --expect x.yaml", `kmsconform run has no flag --expect`},
		{"kmsconform compare --out o a b && cat o/summary.md >> \"$GITHUB_STEP_SUMMARY\"", ""},
		{"curl https://example.com | sh", `"curl" is neither make, kmsconform nor an allowed tool`},
	}
	for _, tc := range tests {
		t.Run(tc.run, func(t *testing.T) {
			got := strings.Join(chk.check(tc.run), "; ")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := workflowRuns([]byte("jobs:\n  a:\n    steps:\n      - run: make x\n     - run: y\n")); err == nil {
		t.Error("invalid YAML is accepted")
	}
	if _, err := workflowRuns([]byte("name: x\n")); err == nil {
		t.Error("a workflow without jobs is accepted")
	}
}

// workflowRuns returns the run: scripts of every step of every job.
func workflowRuns(data []byte) ([]string, error) {
	var wf struct {
		On   any `yaml:"on"`
		Jobs map[string]struct {
			RunsOn string `yaml:"runs-on"`
			Steps  []struct {
				Uses string `yaml:"uses"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	if len(wf.Jobs) == 0 || wf.On == nil {
		return nil, fmt.Errorf("not a workflow: want 'on:' and 'jobs:'")
	}
	var runs []string
	for name, j := range wf.Jobs {
		if j.RunsOn == "" || len(j.Steps) == 0 {
			return nil, fmt.Errorf("job %s: no runs-on or no steps", name)
		}
		for _, s := range j.Steps {
			if s.Run != "" {
				runs = append(runs, strings.TrimSpace(s.Run))
			}
		}
	}
	return runs, nil
}

// shellBlocks returns the lines of the ```sh blocks of a Markdown document,
// continuation lines joined, comments dropped.
func shellBlocks(md string) []string {
	var out []string
	in := false
	cont := ""
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			in = true
			continue
		case strings.HasPrefix(line, "```"):
			in = false
			continue
		}
		if !in {
			continue
		}
		line = strings.TrimSpace(line)
		if strings.HasSuffix(line, "\\") {
			cont += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		line = cont + line
		cont = ""
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

type commandChecker struct {
	targets, vars map[string]bool
}

var (
	makeTarget = regexp.MustCompile(`(?m)^([a-zA-Z0-9_.-]+):`)
	makeVar    = regexp.MustCompile(`\$\(([A-Z_][A-Z0-9_]*)\)|^([A-Z_][A-Z0-9_]*)\s*[?:]?=`)
)

func newCommandChecker(makefile string) *commandChecker {
	c := &commandChecker{targets: map[string]bool{}, vars: map[string]bool{}}
	for _, m := range makeTarget.FindAllStringSubmatch(makefile, -1) {
		c.targets[m[1]] = true
	}
	for _, line := range strings.Split(makefile, "\n") {
		for _, m := range makeVar.FindAllStringSubmatch(line, -1) {
			c.vars[m[1]+m[2]] = true
		}
	}
	return c
}

// allowedTools are the ordinary commands a workflow step may run besides
// make and kmsconform.
var allowedTools = map[string]bool{"python": true, "python3": true, "pip": true, "cat": true, "echo": true, "mkdir": true, "cp": true, "go": true, "test": true}

// check lists what a shell script runs that does not exist.
func (c *commandChecker) check(script string) []string {
	var problems []string
	for _, cmd := range regexp.MustCompile(`&&|\|\||[;|\n]`).Split(script, -1) {
		words := shellWords(cmd)
		// Drop redirections and their targets.
		for i := 0; i < len(words); i++ {
			if strings.HasPrefix(words[i], ">") || strings.HasPrefix(words[i], "<") || words[i] == "2>&1" {
				if words[i] == ">" || words[i] == ">>" || words[i] == "<" {
					words = slices.Delete(words, i, min(i+2, len(words)))
				} else {
					words = slices.Delete(words, i, i+1)
				}
				i--
			}
		}
		if len(words) == 0 {
			continue
		}
		switch name := filepath.Base(words[0]); {
		case name == "make":
			for _, w := range words[1:] {
				if k, _, ok := strings.Cut(w, "="); ok {
					if !c.vars[k] {
						problems = append(problems, fmt.Sprintf("the Makefile has no variable %q", k))
					}
				} else if !strings.HasPrefix(w, "-") && !c.targets[w] {
					problems = append(problems, fmt.Sprintf("no make target %q", w))
				}
			}
		case name == "kmsconform":
			problems = append(problems, checkKmsconform(words[1:])...)
		case !allowedTools[name]:
			problems = append(problems, fmt.Sprintf("%q is neither make, kmsconform nor an allowed tool", name))
		}
	}
	return problems
}

// checkKmsconform checks a kmsconform command line: the command exists, and
// its --help names every flag given.
func checkKmsconform(args []string) []string {
	if len(args) == 0 {
		return []string{"kmsconform without a command"}
	}
	if !slices.ContainsFunc(commands(), func(c command) bool { return c.name == args[0] }) {
		return []string{fmt.Sprintf("kmsconform has no command %q", args[0])}
	}
	var help bytes.Buffer
	dispatch(context.Background(), []string{args[0], "--help"}, &help, &help)
	var problems []string
	for _, a := range args[1:] {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !regexp.MustCompile(`(?m)^\s+-` + regexp.QuoteMeta(name) + `\b`).Match(help.Bytes()) {
			problems = append(problems, fmt.Sprintf("kmsconform %s has no flag --%s", args[0], name))
		}
	}
	return problems
}

// shellWords splits a simple command into words, honouring quotes.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
