package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kmsconform/kmsconform/runner"
)

const cleanupUsage = `Usage: kmsconform cleanup --run ID [flags]

Removes what a run left behind (after a crash, a kill -9 or a cleanup that
could not finish): it schedules the deletion of every KMS key tagged
kmsconform:run=ID, with the 7-day minimum waiting period (keys already pending
deletion are left as they are), and disconnects and deletes every custom key
store named kmsconform-ID-…. A store that still holds keys pending deletion
is left disconnected: KMS deletes it only once those keys are gone, so run
cleanup again after the waiting period. Nothing without the run's tag or name
is touched. The run ID is printed at the start of every run.
Exit status: 0 when everything found was removed (or is waiting for its keys'
deletion), 1 when something could not be, 2 for a wrong command line.

Flags:
`

const cleanupExamples = `
The endpoint comes from --endpoint, else AWS_ENDPOINT_URL_KMS, else
AWS_ENDPOINT_URL, else AWS's endpoint for the Region; credentials and region
from the standard AWS chain.

Examples:
  # see what run 20260102t150405-ab12 left in eu-west-1, changing nothing
  kmsconform cleanup --run 20260102t150405-ab12 --region eu-west-1 --dry-run

  # remove it
  kmsconform cleanup --run 20260102t150405-ab12 --region eu-west-1
`

func runCleanup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cleanup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts runner.CleanupOptions
	fs.StringVar(&opts.RunID, "run", "", "ID of the run whose leftovers to remove, e.g. 20260102t150405-ab12 (required)")
	fs.StringVar(&opts.Endpoint, "endpoint", "", "KMS endpoint URL (default: $AWS_ENDPOINT_URL_KMS, $AWS_ENDPOINT_URL, else AWS's endpoint for the Region)")
	fs.StringVar(&opts.Region, "region", "", "AWS Region (default: from the AWS config, else us-east-1)")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "list what would be removed, and change nothing")
	fs.DurationVar(&opts.Disconnect, "disconnect-timeout", 10*time.Minute, "how long to wait for each key store to disconnect")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), cleanupUsage)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), cleanupExamples)
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if opts.RunID == "" {
		fmt.Fprintln(stderr, "kmsconform cleanup: --run is required: the ID a run prints at its start, e.g. 20260102t150405-ab12")
		return exitUsage
	}
	opts.Progress = stdout
	left, err := runner.Cleanup(ctx, opts)
	var usage *runner.UsageError
	switch {
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "kmsconform cleanup: %v\n", err)
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "kmsconform cleanup: %v\n", err)
		if ctx.Err() != nil {
			return exitAborted
		}
		return exitFailed
	}
	verb := "scheduled for deletion"
	if opts.DryRun {
		verb = "to schedule for deletion (dry run)"
	}
	fmt.Fprintf(stdout, "run %s: %d keys %s, %d already pending deletion; %d key stores deleted, %d waiting for their keys' deletion; %d problems\n",
		opts.RunID, len(left.Scheduled), verb, len(left.Pending), len(left.Deleted), len(left.Waiting), len(left.Problems))
	if len(left.Problems) > 0 {
		return exitFailed
	}
	return exitOK
}
