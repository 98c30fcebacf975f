package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"

	"github.com/kmsconform/kmsconform/reference"
)

// lockedBuffer is a bytes.Buffer safe to write from the serving goroutine
// while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *lockedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *lockedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	serveCtx, stop := context.WithCancel(ctx)
	defer stop()

	outR, outW := io.Pipe()
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		code := runServe(serveCtx, []string{"--addr", "127.0.0.1:0", "--region", "eu-west-1", "--custom-key-store-quota", "1"}, outW, &stderr)
		outW.Close()
		done <- code
	}()

	// The banner names the endpoint, the control API and the credentials.
	lines := bufio.NewScanner(outR)
	var endpoint, banner string
	for endpoint == "" && lines.Scan() {
		banner += lines.Text() + "\n"
		if rest, ok := strings.CutPrefix(strings.TrimSpace(lines.Text()), "KMS endpoint:"); ok {
			endpoint = strings.TrimSpace(rest)
		}
	}
	if endpoint == "" {
		t.Fatalf("no endpoint in the banner; stderr: %s", stderr.String())
	}
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		for lines.Scan() {
			b.WriteString(lines.Text() + "\n")
		}
		rest <- b.String()
	}()

	client := kms.New(kms.Options{
		Region:           "eu-west-1",
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIAKMSCONFORMTEST01", "any", ""),
		RetryMaxAttempts: 1,
	})
	if _, err := client.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{}); err != nil {
		t.Fatalf("DescribeCustomKeyStores against serve: %v", err)
	}
	// --custom-key-store-quota took effect: the second store is over it.
	ctl := &reference.ControlClient{BaseURL: endpoint}
	for i, want := range []string{"", "LimitExceededException"} {
		c, err := ctl.CreateCluster(ctx, reference.ClusterPatch{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.CreateCustomKeyStore(ctx, &kms.CreateCustomKeyStoreInput{
			CustomKeyStoreName: aws.String(fmt.Sprint("store-", i)), CloudHsmClusterId: aws.String(c.ID),
			TrustAnchorCertificate: aws.String(c.TrustAnchorCertificate), KeyStorePassword: aws.String(c.KmsuserPassword),
		})
		got := ""
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) {
			got = apiErr.ErrorCode()
		} else if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("store %d: error %q, want %q", i, got, want)
		}
	}
	if h, err := ctl.Health(ctx); err != nil || h.Region != "eu-west-1" {
		t.Fatalf("control health: %+v, %v", h, err)
	}

	stop()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit code %d, want %d; stderr: %s", code, exitOK, stderr.String())
		}
	case <-ctx.Done():
		t.Fatal("serve did not stop after its context was cancelled")
	}
	all := banner + <-rest
	for _, want := range []string{reference.ControlPrefix + "v1/health", "AKIAKMSCONFORMTEST01", "111122223333", "AKIAKMSCONFORMTEST02", "stopped"} {
		if !strings.Contains(all, want) {
			t.Errorf("output does not mention %q:\n%s", want, all)
		}
	}
}

func TestServeUsage(t *testing.T) {
	badFixtures := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(badFixtures, []byte("clusters:\n  - colour: red\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		code    int
		mention string
	}{
		{"help", []string{"--help"}, exitOK, "Example:"},
		{"every interface", []string{"--addr", ":4599"}, exitUsage, "every interface"},
		{"public address", []string{"--addr", "192.0.2.1:4599"}, exitUsage, "--allow-non-loopback"},
		{"host name", []string{"--addr", "example.com:4599"}, exitUsage, "not a loopback address"},
		{"no port", []string{"--addr", "127.0.0.1"}, exitUsage, "host:port"},
		{"unknown flag", []string{"--port", "1"}, exitUsage, "not defined: -port"},
		{"stray argument", []string{"now"}, exitUsage, `"now"`},
		{"bad fixtures", []string{"--fixtures", badFixtures}, exitUsage, "line 2"},
		{"negative quota", []string{"--custom-key-store-quota", "-1"}, exitUsage, "must not be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runServe(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			if out := stdout.String() + stderr.String(); !strings.Contains(out, tc.mention) {
				t.Errorf("output does not mention %q:\n%s", tc.mention, out)
			}
		})
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:4599", "[::1]:0", "localhost:80", "127.1.2.3:9"} {
		if err := checkLoopback(addr, false); err != nil {
			t.Errorf("%s refused: %v", addr, err)
		}
	}
	if err := checkLoopback("0.0.0.0:4599", true); err != nil {
		t.Errorf("--allow-non-loopback did not allow 0.0.0.0: %v", err)
	}
	if err := checkLoopback("0.0.0.0:4599", false); err == nil {
		t.Error("0.0.0.0 allowed without --allow-non-loopback")
	}
}
