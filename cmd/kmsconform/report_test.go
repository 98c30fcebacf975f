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

// writeReportRun writes a one-scenario run for DeleteCustomKeyStore.03 with
// the given status and observed code, started n days after a fixed night.
func writeReportRun(t *testing.T, dir string, days int, status, observed string) string {
	t.Helper()
	start := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	run := &reports.Run{
		Tool:     reports.Tool{Name: "kmsconform", Version: "test"},
		Target:   reports.Target{Name: "moto 5.2.1", Endpoint: "http://127.0.0.1:5000", Region: "us-east-1"},
		Started:  start,
		Finished: start.Add(time.Minute),
		Scenarios: []reports.Scenario{{
			ID: "features/custom-key-stores/delete.feature:Deleting a store that does not exist", Name: "Deleting a store that does not exist",
			URI: "features/custom-key-stores/delete.feature", Conditions: []string{"DeleteCustomKeyStore.03"},
			Error: "CustomKeyStoreNotFoundException", Status: status, Observed: observed,
		}},
	}
	if err := reports.WriteAll(dir, run); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReportCommand(t *testing.T) {
	tmp := t.TempDir()
	pass := writeReportRun(t, filepath.Join(tmp, "night1"), 0, reports.StatusPassed, "CustomKeyStoreNotFoundException")
	fail := writeReportRun(t, filepath.Join(tmp, "night2"), 1, reports.StatusFailed, "ValidationException")
	again := writeReportRun(t, filepath.Join(tmp, "night3"), 2, reports.StatusPassed, "CustomKeyStoreNotFoundException")
	junk := filepath.Join(tmp, "junk.json")
	if err := os.WriteFile(junk, []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	htmlOut, svgOut := filepath.Join(tmp, "diff.html"), filepath.Join(tmp, "trend.svg")

	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     []string
		stderr     []string
		writesFile string
	}{
		{name: "no report named", args: nil, code: exitUsage, stderr: []string{"Usage:"}},
		{name: "help", args: []string{"--help"}, code: exitOK, stdout: []string{"report diff", "report trend"}},
		{name: "unknown report", args: []string{"compare"}, code: exitUsage, stderr: []string{`unknown report "compare"`}},
		{name: "diff help", args: []string{"diff", "--help"}, code: exitOK, stdout: []string{"--html FILE", "Examples:"}},
		{name: "diff needs two runs", args: []string{"diff", pass}, code: exitUsage, stderr: []string{"exactly two runs"}},
		{name: "diff unreadable input names the file", args: []string{"diff", pass, junk}, code: exitUsage, stderr: []string{"junk.json", "not a results.json"}},
		{name: "diff missing input", args: []string{"diff", filepath.Join(tmp, "gone"), pass}, code: exitUsage, stderr: []string{"gone", "no such file"}},
		{name: "diff bad flag", args: []string{"diff", "--colour", pass, fail}, code: exitUsage, stderr: []string{"colour"}},
		{
			name: "diff reports a regression and still exits 0", args: []string{"diff", pass, fail, "--html", htmlOut}, code: exitOK,
			stdout:     []string{"Newly failing (1)", "DeleteCustomKeyStore.03", "A returned CustomKeyStoreNotFoundException, B returned ValidationException"},
			writesFile: htmlOut,
		},
		{name: "trend needs runs", args: []string{"trend"}, code: exitUsage, stderr: []string{"at least one run"}},
		{name: "trend svg must be svg", args: []string{"trend", "--out", "chart.png", pass}, code: exitUsage, stderr: []string{"*.svg"}},
		{
			name: "trend orders by start and lists the flip", args: []string{"trend", "--out", svgOut, again, pass, fail}, code: exitOK,
			stdout:     []string{"3 runs", "DeleteCustomKeyStore.03  PFP  2 flips", "custom-key-stores"},
			writesFile: svgOut,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runReport(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			for _, want := range tc.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			if tc.writesFile != "" {
				if info, err := os.Stat(tc.writesFile); err != nil || info.Size() == 0 {
					t.Errorf("%s not written: %v", tc.writesFile, err)
				}
			}
		})
	}
}
