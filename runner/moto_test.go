package runner_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/runner"
)

// startMoto starts moto_server on a free loopback port and stops it (its
// whole process group: pyenv shims fork) when the test ends.
func startMoto(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("moto_server is not on PATH, and CI needs it: %v", err)
		}
		t.Skipf("moto_server is not on PATH: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logFile, err := os.Create(filepath.Join(t.TempDir(), "moto.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		logFile.Close()
	})
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := client.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer within 60s: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A run against moto, which lacks custom key stores and key material import,
// finishes, and names what moto does not implement.
func TestMotoRunNamesUnsupportedOperations(t *testing.T) {
	t.Parallel()
	url := startMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	opts := runner.Options{Endpoint: url, Credentials: account("testing"), Config: filepath.Join("testdata", "fake-fixtures.yaml"), Out: t.TempDir(), Getenv: noEnv, Tags: conformance, Root: ".."}
	res, err := runner.Run(ctx, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	named := map[string]bool{}
	for _, s := range res.Run.Scenarios {
		if !s.Unsupported {
			continue
		}
		if s.Status != reports.StatusFailed {
			t.Errorf("%s is unsupported but %s", s.ID, s.Status)
		}
		op, ok := strings.CutPrefix(s.Reason, "the endpoint does not implement ")
		if !ok || !strings.Contains(s.Reason, "HTTP ") {
			t.Errorf("%s: reason %q does not name the operation and moto's answer", s.ID, s.Reason)
			continue
		}
		named[strings.SplitN(op, ":", 2)[0]] = true
	}
	for _, op := range []string{"DeleteCustomKeyStore", "DisconnectCustomKeyStore", "CreateCustomKeyStore", "DeleteImportedKeyMaterial"} {
		if !named[op] {
			t.Errorf("no scenario names %s as unsupported (named: %v)", op, named)
		}
	}
}
