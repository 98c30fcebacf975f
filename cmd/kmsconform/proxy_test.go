package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer lets the test read output while the command still writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProxyCommandUsage(t *testing.T) {
	dir := t.TempDir()
	badRules := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(badRules, []byte("rules:\n  - operation: Encrypt\n    probability: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help", []string{"--help"}, exitOK, "Examples:", ""},
		{"help lists flags", []string{"--help"}, exitOK, "-routes-only", ""},
		{"unknown flag", []string{"--bogus"}, exitUsage, "", "flag provided but not defined: -bogus"},
		{"non-loopback listen", []string{"--listen", "0.0.0.0:4580"}, exitUsage, "", "not a loopback address"},
		{"non-loopback control", []string{"--control", "192.0.2.1:4581"}, exitUsage, "", "--control"},
		{"control on every interface", []string{"--control", ":4581"}, exitUsage, "", "--control \":4581\" is not a loopback address"},
		{"control on every IPv6 interface", []string{"--control", "[::]:4581"}, exitUsage, "", "--allow-non-loopback"},
		{"help: control defaults to loopback", []string{"--help"}, exitOK, `(default "127.0.0.1:4581")`, ""},
		{"help lists the request cap", []string{"--help"}, exitOK, "-max-request-bytes", ""},
		{"zero request cap", []string{"--max-request-bytes", "0"}, exitUsage, "", "--max-request-bytes 0: want a positive number"},
		{"zero journal body cap", []string{"--journal-body-bytes", "-1"}, exitUsage, "", "--journal-body-bytes -1"},
		{"help lists the journal byte bound", []string{"--help"}, exitOK, "-journal-bytes", ""},
		{"zero journal byte bound", []string{"--journal-bytes", "0"}, exitUsage, "", "--journal-bytes 0: want a positive number"},
		{"bad route", []string{"--route", "kms.us-east-1.amazonaws.com"}, exitUsage, "", "want host=URL"},
		{"bad upstream", []string{"--upstream", "127.0.0.1:4599"}, exitUsage, "", "--upstream"},
		{"upstream with credentials", []string{"--upstream", "http://user:hunter2@127.0.0.1:4599"}, exitUsage, "", `"http://user:xxxxx@127.0.0.1:4599": want a URL without user:password@`},
		{"route with credentials", []string{"--route", "kms.us-east-1.amazonaws.com=https://user:hunter2@kms.example"}, exitUsage, "", "without user:password@"},
		{"stray argument", []string{"serve"}, exitUsage, "", "unexpected arguments"},
		{"bad rules file", []string{"--listen", "127.0.0.1:0", "--control", "off", "--ca-dir", dir, "--rules", badRules},
			exitFailed, "", "rules.yaml:3: rule 1: probability 3 is outside [0, 1]"},
		{"profile in a missing directory", []string{"--listen", "127.0.0.1:0", "--control", "off", "--ca-dir", dir,
			"--cpuprofile", filepath.Join(dir, "no-such-dir", "cpu.pprof")}, exitFailed, "", "--cpuprofile: open"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runProxy(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
			if strings.Contains(stdout.String()+stderr.String(), "hunter2") {
				t.Errorf("a password from the arguments was echoed:\n%s%s", stdout.String(), stderr.String())
			}
		})
	}
}

func TestListenAddressesStayOnLoopbackUnlessAllowed(t *testing.T) {
	tests := []struct {
		addr     string
		allowAny bool
		ok       bool
	}{
		{"127.0.0.1:4581", false, true},
		{"127.0.0.2:4581", false, true},
		{"[::1]:4581", false, true},
		{"localhost:4581", false, true},
		{":4581", false, false},
		{"0.0.0.0:4581", false, false},
		{"[::]:4581", false, false},
		{"192.0.2.1:4581", false, false},
		{"kms.example.com:4581", false, false},
		{"0.0.0.0:4581", true, true},
		{"127.0.0.1", false, false}, // no port
	}
	for _, tc := range tests {
		if err := checkListenAddr(tc.addr, tc.allowAny); (err == nil) != tc.ok {
			t.Errorf("checkListenAddr(%q, allow %v) = %v, want ok %v", tc.addr, tc.allowAny, err, tc.ok)
		}
	}
}

func TestProxyCommandServesAndStops(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{"KeyMetadata":{"KeyId":"k"}}`)
	}))
	defer upstream.Close()
	dir := t.TempDir()
	journalFile := filepath.Join(dir, "exchanges.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- runProxy(ctx, []string{"--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--upstream", upstream.URL,
			"--ca-dir", filepath.Join(dir, "ca"), "--journal", journalFile, "--max-request-bytes", "64",
			"--cpuprofile", filepath.Join(dir, "cpu.pprof")}, &stdout, &stderr)
	}()
	listening := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	control := regexp.MustCompile(`control API:\s+(http://\S+)`)
	var proxyURL, healthURL string
	for deadline := time.Now().Add(10 * time.Second); proxyURL == "" || healthURL == ""; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no banner; stdout %s\nstderr %s", stdout.String(), stderr.String())
		}
		if m := listening.FindStringSubmatch(stdout.String()); m != nil {
			proxyURL = m[1]
		}
		if m := control.FindStringSubmatch(stdout.String()); m != nil {
			healthURL = m[1]
		}
	}
	caFile := filepath.Join(dir, "ca", "ca.pem")
	for _, want := range []string{"AWS_CA_BUNDLE=" + caFile, "NODE_EXTRA_CA_CERTS=" + caFile, "SSL_CERT_FILE=" + caFile} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, stdout.String())
		}
	}
	req, _ := http.NewRequest(http.MethodPost, proxyURL+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "TrentService.DescribeKey")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "KeyMetadata") {
		t.Errorf("through the proxy: %d %s", resp.StatusCode, body)
	}
	req, _ = http.NewRequest(http.MethodPost, proxyURL+"/", strings.NewReader(`{"KeyId":"`+strings.Repeat("k", 64)+`"}`))
	req.Header.Set("X-Amz-Target", "TrentService.DescribeKey")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a body over --max-request-bytes: status %d, want 413", resp.StatusCode)
	}
	resp, err = http.Get(healthURL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health: %v %v", resp, err)
	}
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d; stderr %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("proxy did not stop on cancel")
	}
	lines, _ := os.ReadFile(journalFile)
	if n := strings.Count(string(lines), "\n"); n != 2 || !strings.Contains(string(lines), `"operation":"DescribeKey"`) {
		t.Errorf("journal file has %d lines: %s", n, lines)
	}
	if info, err := os.Stat(filepath.Join(dir, "cpu.pprof")); err != nil || info.Size() == 0 {
		t.Errorf("--cpuprofile wrote no profile: %v", err)
	}
}
