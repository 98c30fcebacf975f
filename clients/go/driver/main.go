// Command driver is the aws-sdk-go-v2 driver of the driver contract
// (clients/README.md): one KMS call as JSON on stdin, its outcome as JSON on
// stdout. It runs the call in a process of its own, so the SDK reads the
// environment the caller hands it (AWS_*, HTTPS_PROXY, AWS_CA_BUNDLE, and
// AWS_NEW_RETRIES_2026 for a version that reads it), as any Go program would:
// through config.LoadDefaultConfig.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/kmsconform/kmsconform/clients"
)

// Exit statuses of the contract.
const (
	exitDriverFailed = 1
	exitBadRequest   = 2
)

func main() {
	os.Exit(run(context.Background(), os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) int {
	var req clients.Request
	if err := json.NewDecoder(stdin).Decode(&req); err != nil {
		fmt.Fprintf(stderr, "go driver: request is not JSON: %v\n", err)
		return exitBadRequest
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "go driver: loading the SDK's configuration: %v\n", err)
		return exitDriverFailed
	}
	out, err := clients.GoSDK{Config: &cfg}.Call(ctx, req)
	if err != nil {
		fmt.Fprintf(stderr, "go driver: %v\n", err)
		return exitBadRequest
	}
	if err := json.NewEncoder(stdout).Encode(out); err != nil {
		fmt.Fprintf(stderr, "go driver: writing the outcome: %v\n", err)
		return exitDriverFailed
	}
	return 0
}
