package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/reports"
)

// A run whose scenarios record findings but none of which fails exits 0,
// and every report shows the findings.
func TestFindingsDoNotFailARun(t *testing.T) {
	awsEnv(t)
	svc, err := reference.New(reference.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// An endpoint that adds a member to every empty answer: a finding.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		svc.ServeHTTP(rec, r)
		body := rec.Body.String()
		if rec.Code == http.StatusOK && strings.TrimSpace(body) == "{}" {
			body = `{"KeyStateReason":"new"}`
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := runRun(context.Background(), []string{"--endpoint", srv.URL, "--control", srv.URL, "--out", out,
		"--tags", "@cond:DisableKey.04,@cond:EnableKey.04 && ~@retries"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitOK, stdout.String(), stderr.String())
	}
	run, err := reports.ReadRun(out)
	if err != nil {
		t.Fatal(err)
	}
	withFindings := 0
	for _, s := range run.Scenarios {
		if len(s.Findings) > 0 {
			withFindings++
		}
	}
	if run.Totals.Failed != 0 || withFindings == 0 {
		t.Fatalf("%d failed, %d with findings; want none failed and some findings", run.Totals.Failed, withFindings)
	}
	const finding = "holds KeyStateReason, which the API model does not list"
	for name, want := range map[string][]string{
		reports.ResultsFile: {`"findings":["`, finding},
		reports.SummaryFile: {"**Findings** in", finding},
		reports.HTMLFile:    {`id="findings"`, finding},
	} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
	}
	if !strings.Contains(stdout.String(), "Findings (never failures):") || !strings.Contains(stdout.String(), finding) {
		t.Errorf("the terminal summary lacks the findings:\n%s", stdout.String())
	}
}
