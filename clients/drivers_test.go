package clients

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestDriversOutcomesWithoutKMS checks the two ways a driver can fail to get a
// KMS answer: a request it cannot run (no outcome, non-zero exit) and an
// endpoint that refuses connections (an outcome naming the client's error).
func TestDriversOutcomesWithoutKMS(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	// A loopback port that was just free: connections to it are refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()

	finders := map[string]func(context.Context) (Installed, error){
		"aws-sdk-go-v2":   func(ctx context.Context) (Installed, error) { return GoDriver(ctx, root) },
		"boto3":           func(ctx context.Context) (Installed, error) { return Boto3(ctx, root) },
		"aws-cli-v1":      func(ctx context.Context) (Installed, error) { return AWSCLI(ctx, root, 1) },
		"aws-cli-v2":      func(ctx context.Context) (Installed, error) { return AWSCLI(ctx, root, 2) },
		"aws-sdk-js-v3":   func(ctx context.Context) (Installed, error) { return JavaScript(ctx, root) },
		"aws-sdk-java-v2": func(ctx context.Context) (Installed, error) { return Java(ctx, root) },
	}
	// Concurrent subtests without t.Parallel's GOMAXPROCS cap, as in TestClientsThroughProxy.
	var wg sync.WaitGroup
	defer wg.Wait()
	for name, find := range finders {
		wg.Go(func() { t.Run(name, func(t *testing.T) { checkDriverWithoutKMS(t, find, closed) }) })
	}
}

func checkDriverWithoutKMS(t *testing.T, find func(context.Context) (Installed, error), closed string) {
	c, err := find(t.Context())
	if err != nil {
		notInstalled(t, err)
	}
	env, err := Environ(Settings{AccessKeyID: testAccessKeyID, SecretAccessKey: testSecretKey, Region: testRegion}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d := c.Driver(env)

	_, err = d.Call(t.Context(), Request{Operation: "NoSuchOperation", Input: map[string]any{}, Endpoint: closed, Region: testRegion})
	if err == nil || !strings.Contains(err.Error(), "unknown KMS operation") {
		t.Errorf("unknown operation: err = %v, want the driver to refuse it", err)
	}

	out, err := d.Call(t.Context(), Request{Operation: "DescribeKey", Input: map[string]any{"KeyId": "alias/x"},
		Endpoint: closed, Region: testRegion, Retry: &Retry{Mode: "standard", MaxAttempts: 1}})
	if err != nil {
		t.Fatalf("refused connection: %v, want an outcome", err)
	}
	if out.OK || out.Error == nil || out.Error.Code == "" || out.Error.HTTPStatus != 0 {
		t.Errorf("refused connection: outcome %+v, want a client error code and no HTTP status", out)
	}
	if out.Attempts > 1 {
		t.Errorf("refused connection: %d attempts with maxAttempts 1", out.Attempts)
	}
	t.Logf("refused connection: %s: %s", out.Error.Code, out.Error.Message)
}

// TestResolveShim checks that a pyenv shim is replaced by the program pyenv
// would run, and that anything else is left as it is.
func TestResolveShim(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	shim := func(name, pyenv string) string { // what pyenv writes, less its debug lines
		return write(name, "#!/usr/bin/env bash\nset -e\nprogram=\"${0##*/}\"\nexec \""+pyenv+"\" exec \"$program\" \"$@\"\n")
	}
	real := write("aws-real", "#!/bin/sh\necho real\n")
	pyenv := write("pyenv", "#!/bin/sh\n[ \"$1\" = which ] && [ \"$2\" = aws ] && echo "+real+"\n")
	failing := write("failing/pyenv", "#!/bin/sh\nexit 1\n")
	cases := []struct{ name, path, want string }{
		{"pyenv shim", shim("shims/aws", pyenv), real},
		{"not a shim", real, real},
		{"pyenv cannot tell", shim("other/aws", failing), filepath.Join(dir, "other/aws")},
		{"missing file", filepath.Join(dir, "nothing-here"), filepath.Join(dir, "nothing-here")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolveShim(context.Background(), tc.path); got != tc.want {
				t.Errorf("resolveShim(%s) = %s, want %s", tc.path, got, tc.want)
			}
		})
	}
}
