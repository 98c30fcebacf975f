package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/reports"
)

// enableKeyIgnored is the reference KMS, except that EnableKey answers
// success without enabling the key: a known bug for the expectations to list.
func enableKeyIgnored(t *testing.T) string {
	t.Helper()
	svc, err := reference.New(reference.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "TrentService.EnableKey" {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			_, _ = w.Write([]byte("{}"))
			return
		}
		svc.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

const enableKeyTags = "@op:EnableKey and not @retries and not @cloudhsm and not @xks and not @cross-account and not @quota"

// The exit status of run --expectations: 0 while every failure is listed,
// 1 on a new failure or an unexpected pass; an entry for a scenario that did
// not run is "not checked" and changes nothing.
func TestRunWithExpectations(t *testing.T) {
	awsEnv(t)
	endpoint := enableKeyIgnored(t)
	dir := t.TempDir()
	run := func(t *testing.T, tags, file string) (int, string, string) {
		t.Helper()
		out := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_"))
		args := []string{"--endpoint", endpoint, "--control", endpoint, "--out", out, "--tags", tags}
		if file != "" {
			args = append(args, "--expectations", file)
		}
		var stdout, stderr bytes.Buffer
		code := runRun(context.Background(), args, &stdout, &stderr)
		return code, out, stdout.String() + stderr.String()
	}

	// A first run, without expectations, fails where EnableKey is broken.
	code, first, log := run(t, enableKeyTags, "")
	if code != exitFailed {
		t.Fatalf("the broken endpoint's run exits %d, want %d\n%s", code, exitFailed, log)
	}
	firstRun, err := reports.ReadRun(first)
	if err != nil {
		t.Fatal(err)
	}
	var failing, passing string
	for _, s := range firstRun.Scenarios {
		switch {
		case s.Status == reports.StatusFailed && failing == "":
			failing = s.ID
		case s.Status == reports.StatusPassed && passing == "":
			passing = s.ID
		}
	}
	if failing == "" || passing == "" {
		t.Fatalf("want a failing and a passing scenario, got %+v", firstRun.Totals)
	}

	// The file the first run meets, as 'kmsconform expectations' prints it.
	var generated, stderr bytes.Buffer
	if code := runExpectations(context.Background(), []string{"--from", first}, &generated, &stderr); code != exitOK {
		t.Fatalf("expectations --from: exit %d: %s", code, stderr.String())
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	met := write("met.yaml", generated.String())
	entry := func(id string) string {
		return "  - scenario: \"" + id + "\"\n    expected: failed\n    reason: listed by the test\n"
	}
	if _, err := loadRunExpectations(met); err != nil {
		t.Fatalf("the generated file does not load: %v\n%s", err, generated.String())
	}
	notSelected := disableKeyIDs(t)[0]

	tests := []struct {
		name string
		file string
		want int
		says []string
	}{
		{"every failure expected", met, exitOK, []string{"expectations: met", "0 new failures"}},
		{"a new failure", write("none.yaml", "implementation: broken EnableKey\nexpectations: []\n"), exitFailed,
			[]string{"NEW FAILURE (not in the file)", failing, "expectations: NOT met"}},
		{"an unexpected pass", write("pass.yaml", generated.String()+entry(passing)), exitFailed,
			[]string{"UNEXPECTED PASS (fixed? remove the entry)", passing, "expectations: NOT met"}},
		{"an expected failure not selected", write("unselected.yaml", generated.String()+entry(notSelected)), exitOK,
			[]string{"not checked: 1 expected failures were skipped (0) or not selected (1)", "expectations: met"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, log := run(t, enableKeyTags, tc.file)
			if code != tc.want {
				t.Fatalf("exit %d, want %d\n%s", code, tc.want, log)
			}
			for _, s := range tc.says {
				if !strings.Contains(log, s) {
					t.Errorf("output lacks %q\n%s", s, log)
				}
			}
			md, err := os.ReadFile(filepath.Join(out, reports.SummaryFile))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(md), "### Expectations (`"+tc.file+"`") {
				t.Errorf("summary.md lacks the expectations section:\n%s", md)
			}
		})
	}
}

// disableKeyIDs are scenarios enableKeyTags does not select.
func disableKeyIDs(t *testing.T) []string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := runRun(context.Background(), []string{"--list", "--tags", "@op:DisableKey and not @retries"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("run --list: exit %d: %s", code, stderr.String())
	}
	var ids []string
	for _, l := range strings.Split(stdout.String(), "\n") {
		if strings.Contains(l, ".feature: ") && !strings.HasPrefix(l, " ") {
			ids = append(ids, l)
		}
	}
	if len(ids) == 0 {
		t.Fatalf("run --list names no scenario:\n%s", stdout.String())
	}
	return ids
}

// A mistake in the file stops the run before it starts, naming file and line.
func TestRunExpectationsFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	missing := filepath.Join(dir, "missing.yaml")
	malformed := write("malformed.yaml", "expectations:\n  - scenario: [\n")
	unknown := write("unknown.yaml", "expectations:\n  - scenario: \"key-lifecycle/enable_key.feature: No such scenario\"\n    expected: failed\n    reason: r\n")
	tests := []struct {
		name, file, want string
	}{
		{"missing file", missing, missing + ": no such file"},
		{"malformed YAML", malformed, malformed + ":2: not valid YAML"},
		{"unknown scenario", unknown, unknown + `:2: unknown scenario "key-lifecycle/enable_key.feature: No such scenario"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runRun(context.Background(), []string{"--expectations", tc.file, "--out", t.TempDir()}, &stdout, &stderr)
			if code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr.String(), exitUsage, tc.want)
			}
			if stdout.Len() != 0 {
				t.Fatalf("the run started: %s", stdout.String())
			}
		})
	}
}

func TestExpectationsCommandUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"help", []string{"--help"}, exitOK, "kmsconform expectations --from out/moto > expectations/moto.yaml"},
		{"no --from", nil, exitUsage, "--from RUN_DIR is required"},
		{"not a run", []string{"--from", t.TempDir()}, exitUsage, "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runExpectations(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stdout.String()+stderr.String(), tc.want) {
				t.Fatalf("exit %d, output %q; want %d and %q", code, stdout.String()+stderr.String(), tc.code, tc.want)
			}
		})
	}
}

// The expectations files the project ships name scenarios that exist, in
// the format run --expectations reads: a renamed scenario fails here first.
func TestShippedExpectationsLoad(t *testing.T) {
	files, err := filepath.Glob("../../expectations/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no expectations/*.yaml")
	}
	for _, f := range files {
		x, err := loadRunExpectations(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(x.Entries) == 0 || x.Implementation == "" {
			t.Errorf("%s: %d entries, implementation %q", f, len(x.Entries), x.Implementation)
		}
	}
}
