package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunCoverage(t *testing.T) {
	features := t.TempDir()
	feature := `@op:DescribeKey
Feature: describing keys
  @error:NotFoundException @cond:DescribeKey.03
  Scenario: a key that does not exist
`
	if err := os.WriteFile(filepath.Join(features, "describe_key.feature"), []byte(feature), 0o644); err != nil {
		t.Fatal(err)
	}
	typo := t.TempDir()
	if err := os.WriteFile(filepath.Join(typo, "t.feature"), []byte(strings.Replace(feature, "DescribeKey.03", "DescribeKey.3", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // substring of stdout
		wantErr  string // substring of stderr
	}{
		{"help", []string{"--help"}, exitOK, "Usage: kmsconform coverage", ""},
		{"bad flag", []string{"--nope"}, exitUsage, "", "flag provided but not defined"},
		{"stray argument", []string{"extra"}, exitUsage, "", `unexpected argument "extra"`},
		{"missing features dir", []string{"--features", filepath.Join(features, "nope")}, exitUsage, "", "not a readable directory"},
		{"unknown operation", []string{"--features", features, "--operations", "DescribeKeys"}, exitUsage, "", `"DescribeKeys" is not an operation`},
		{"report only", []string{"--features", features}, exitOK, "TOTAL", ""},
		{"strict with gaps", []string{"--features", features, "--strict"}, exitFailed, "DescribeKey: InvalidArnException", "strict check failed"},
		{"strict with a typo", []string{"--features", typo, "--strict", "--operations", "DescribeKey"}, exitFailed, "unknown-condition @cond:DescribeKey.3", "strict check failed"},
		{"embedded features", nil, exitOK, "TOTAL", ""},
		{"embedded features, strict", []string{"--strict"}, exitOK, "TOTAL", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			var stdout, stderr bytes.Buffer
			code := runCoverage(context.Background(), append(tt.args, "--out", out), &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantOut, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr.String())
			}
		})
	}

	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := runCoverage(context.Background(), []string{"--features", features, "--operations", "DescribeKey", "--out", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	data, err := os.ReadFile(filepath.Join(out, "coverage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var report struct {
		Operations []string
		Totals     struct{ Pairs, PairsCovered, Conditions, ConditionsCovered int }
	}
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatal(err)
	}
	if len(report.Operations) != 1 || report.Totals.Pairs != 4 || report.Totals.PairsCovered != 1 ||
		report.Totals.Conditions != 11 || report.Totals.ConditionsCovered != 1 {
		t.Errorf("coverage.json = %+v", report)
	}
	md, err := os.ReadFile(filepath.Join(out, "coverage.md"))
	if err != nil || !strings.Contains(string(md), "| DescribeKey | NotFoundException | 404 | client | covered |") {
		t.Errorf("coverage.md (%v):\n%s", err, md)
	}
}
