package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
)

func TestParseBenchSections(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"emulators", []string{"emulators"}, false},
		{"proxy, suite", []string{"proxy", "suite"}, false},
		{"emulator", nil, true},
		{"emulators,", nil, true},
	} {
		got, err := parseBenchSections(tt.in)
		if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("parseBenchSections(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestBenchUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runBench(context.Background(), []string{"--only", "nope"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("--only nope: exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "proxy, emulators, suite") {
		t.Errorf("--only nope: stderr %q does not list the sections", stderr.String())
	}
	stdout.Reset()
	if code := runBench(context.Background(), []string{"--help"}, &stdout, &stderr); code != exitOK {
		t.Errorf("--help: exit %d", code)
	}
	for _, want := range []string{"--only emulators", "local-kms", "moto_server", "CPU per request"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--help does not mention %q", want)
		}
	}
}
