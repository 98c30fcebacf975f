package clients

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
)

// Driver runs a driver command as a subprocess, one per call.
type Driver struct {
	// Name labels the driver in errors, e.g. "boto3".
	Name string
	// Argv is the program and its arguments, e.g. {"python3", "clients/python/boto3_driver.py"}.
	Argv []string
	// Env is the child's complete environment ("KEY=value"); nil inherits this process's.
	// Environ builds one that nothing inherited can steer.
	Env []string
}

// Call runs the driver on req. A KMS error is an Outcome with OK false; an
// error means the driver printed no outcome.
func (d Driver) Call(ctx context.Context, req Request) (Outcome, error) {
	in, err := json.Marshal(req)
	if err != nil {
		return Outcome{}, fmt.Errorf("%s: encode request: %w", d.Name, err)
	}
	cmd := exec.CommandContext(ctx, d.Argv[0], d.Argv[1:]...)
	cmd.Env = d.Env
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return Outcome{}, fmt.Errorf("%s driver failed: %w; stderr: %s", d.Name, err, lastLines(stderr.String(), 5))
	}
	var out Outcome
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return Outcome{}, fmt.Errorf("%s driver printed no outcome (%w): %q; stderr: %s", d.Name, err, stdout.String(), lastLines(stderr.String(), 5))
	}
	return out, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
