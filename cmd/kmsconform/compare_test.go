package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmsconform/kmsconform/reports"
)

func TestCompareCommand(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	scenario := func(name, status string) reports.Scenario {
		return reports.Scenario{ID: "key-lifecycle/enable_key.feature: " + name, Name: name, URI: "key-lifecycle/enable_key.feature",
			Operation: "EnableKey", Status: status, Conditions: []string{"EnableKey.01"}}
	}
	for name, status := range map[string]string{"reference": reports.StatusPassed, "moto": reports.StatusFailed} {
		run := &reports.Run{Tool: reports.Tool{Name: "kmsconform", Version: "test"}, Target: reports.Target{Name: name, Endpoint: "http://127.0.0.1:1"},
			Started: start, Finished: start.Add(time.Minute),
			Scenarios: []reports.Scenario{scenario("A disabled key becomes enabled", status), scenario("Enabling an enabled key changes nothing", reports.StatusPassed)}}
		if err := reports.WriteAll(filepath.Join(dir, name), run); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "compare")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"help", []string{"--help"}, exitOK, "kmsconform compare --out out/compare out/reference out/moto out/local-kms"},
		{"no run", nil, exitUsage, "name at least one RUN_DIR"},
		{"not a run", []string{"--out", out, filepath.Join(dir, "none")}, exitUsage, "no such file"},
		{"two runs", []string{"--out", out, filepath.Join(dir, "reference"), filepath.Join(dir, "moto")}, exitOK, "2 scenarios; the implementations disagree on 1."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runCompare(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stdout.String()+stderr.String(), tc.want) {
				t.Fatalf("exit %d, output %q; want %d and %q", code, stdout.String()+stderr.String(), tc.code, tc.want)
			}
		})
	}
	md, err := os.ReadFile(filepath.Join(out, reports.CompareSummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| EnableKey | 2/2 | 1/2 |") {
		t.Errorf("summary.md lacks the per-operation row:\n%s", md)
	}
	page, err := os.ReadFile(filepath.Join(out, reports.CompareHTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte(`href="../moto/report.html"`)) {
		t.Error("compare.html does not link to moto's report")
	}
}
