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
		{"tag syntax", []string{"--tags", "@a and not @b"}, "unsupported syntax"},
		{"tag without @", []string{"--tags", "cloudhsm"}, "is not a tag"},
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
	for _, want := range []string{"-endpoint", "-tags", "-concurrency", "-out", "-config", "-control", "Examples:"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
