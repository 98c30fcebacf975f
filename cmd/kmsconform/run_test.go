package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunUsageErrors(t *testing.T) {
	dir := t.TempDir()
	badConfig := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badConfig, []byte("timeouts:\n  call: forever\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--colour"}, "flag provided but not defined: -colour"},
		{"stray argument", []string{"features/"}, `unexpected argument "features/"`},
		{"concurrency zero", []string{"--concurrency", "0"}, "--concurrency 0: want a number from 1 to 64"},
		{"retry concurrency too high", []string{"--retry-concurrency", "65"}, "--retry-concurrency 65: want a number from 1 to 64"},
		{"concurrency not a number", []string{"--concurrency", "many"}, `invalid value "many" for flag -concurrency`},
		{"operator without operand", []string{"--tags", "@op:DescribeKey or and @xks"},
			`--tags "@op:DescribeKey or and @xks": position 20: "and" follows "or" at position 17 with no operand between them`},
		{"unbalanced parenthesis", []string{"--tags", "(@op:DescribeKey or @op:EnableKey and not @cross-account"},
			`--tags "(@op:DescribeKey or @op:EnableKey and not @cross-account": position 1: "(" is not closed`},
		{"tags without operator", []string{"--tags", "@xks @cloudhsm"}, `position 6: expected "and" or "or" before "@cloudhsm"`},
		{"tag without @", []string{"--tags", "not cloudhsm"}, `--tags "not cloudhsm": position 5: "cloudhsm" is not a tag`},
		{"old syntax without @", []string{"--tags", "@xks && ~cloudhsm"}, `--tags "@xks && ~cloudhsm": position 10: "cloudhsm" is not a tag`},
		{"syntaxes mixed", []string{"--tags", "@xks,@import and not @retries"}, `position 6: "@import and not @retries" mixes the standard syntax`},
		{"tags select nothing", []string{"--tags", "@no-such-tag", "--out", dir}, "selects no scenario"},
		{"endpoint not a URL", []string{"--endpoint", "localhost:4566"}, "want an absolute http:// or https:// URL"},
		{"config unreadable", []string{"--config", filepath.Join(dir, "missing.yaml")}, "reading config"},
		{"config wrong", []string{"--config", badConfig}, badConfig + `:2: "forever" is not a duration`},
		{"out with comma", []string{"--out", "a,b"}, "must not contain a comma"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runRun(context.Background(), tc.args, &stdout, &stderr)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d (stderr: %s)", code, exitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("stderr = %q, want it to say %q", stderr.String(), tc.want)
			}
		})
	}
}

func TestRunHelpTeaches(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runRun(context.Background(), []string{"--help"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"-endpoint", "-tags", "Cucumber tag expression", "@a && ~@b", "-concurrency", "-out", "-config", "-control", "Examples:"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
