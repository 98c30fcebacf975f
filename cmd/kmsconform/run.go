package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/runner"
)

const runUsage = `Usage: kmsconform run [flags]

Runs the conformance scenarios against a KMS endpoint and reports, per
documented condition, whether the endpoint behaves as the AWS KMS
documentation says. Without an endpoint it checks kmsconform's own reference
KMS, started in process on loopback. Exit status: 0 when no scenario failed,
1 when one did (or the run could not finish), 2 for a wrong command line.
With --expectations FILE (an implementation's known failures, see
'kmsconform expectations --help'), 0 when every failure is in the file and 1
on a new failure, a changed outcome or an unexpected pass.

Flags:
`

const runExamples = `
The endpoint comes from --endpoint, else AWS_ENDPOINT_URL_KMS, else
AWS_ENDPOINT_URL; credentials and region from the standard AWS chain.

Examples:
  # everything, against the embedded reference KMS
  kmsconform run

  # endpoint conformance only, without the (slower) client retry scenarios
  kmsconform run --tags 'not @retries'

  # two operations, without the scenarios that need a second account
  kmsconform run --tags '(@op:DescribeKey or @op:EnableKey) and not @cross-account'

  # the plan only: which scenarios a tag expression selects, with their tags
  # and what they would create on the target; sends no request
  kmsconform run --list --tags '@op:DeleteImportedKeyMaterial and not @retries'

  # a moto server, skipping CloudHSM scenarios
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
    kmsconform run --endpoint http://127.0.0.1:5000 --tags 'not @cloudhsm'

  # real KMS, with fixtures for custom key stores in a config file; a
  # non-loopback endpoint needs --allow-real-account, and without it the run
  # only says what it would create and cost
  kmsconform run --endpoint https://kms.eu-west-1.amazonaws.com --allow-real-account \
    --region eu-west-1 --config kmsconform.yaml --tags '@op:DeleteImportedKeyMaterial'

  # an emulator checked against its known failures: exits 0 until an outcome changes
  kmsconform run --endpoint http://127.0.0.1:5000 --tags 'not @retries' \
    --config runner/testdata/fake-fixtures.yaml --expectations expectations/moto.yaml

  # remove what an interrupted run left behind (its ID is in the first line)
  kmsconform cleanup --run 20260102t150405-ab12 --region eu-west-1
`

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts runner.Options
	fs.StringVar(&opts.Endpoint, "endpoint", "", "KMS endpoint URL (default: $AWS_ENDPOINT_URL_KMS, $AWS_ENDPOINT_URL, else the embedded reference)")
	fs.StringVar(&opts.Name, "name", "", "label for the target in the reports, e.g. 'moto 5.2.1' (default: the config's name)")
	fs.StringVar(&opts.Region, "region", "", "AWS Region (default: from the AWS config, else us-east-1)")
	fs.StringVar(&opts.Tags, "tags", "", "scenarios to run, as a Cucumber tag expression: tags joined with and, or, not and parentheses (not binds tightest, then and, then or), e.g. '(@op:DescribeKey or @op:EnableKey) and not @cross-account'; godog's older '@a && ~@b', '@a,@b' are still accepted")
	fs.IntVar(&opts.Concurrency, "concurrency", runner.DefaultConcurrency, "endpoint scenarios run at once (1-64)")
	fs.IntVar(&opts.RetryConcurrency, "retry-concurrency", runner.DefaultRetryConcurrency, "client retry scenarios (@retries) run at once, beside the endpoint scenarios; they mostly wait out client backoff (1-64; the @slow ones get as many slots again)")
	fs.StringVar(&opts.Out, "out", "out", "directory for results.json, report.html, summary.md, cucumber.json and junit.xml")
	fs.StringVar(&opts.Config, "config", "", "YAML file with timeouts, CloudHSM/XKS fixtures and a second account (see README)")
	fs.BoolVar(&opts.AllowRealAccount, "allow-real-account", false, "let the run reach a non-loopback endpoint, which may be a real AWS account that the run's keys cost money in (see README)")
	fs.StringVar(&opts.Control, "control", "", "control API URL of a standalone reference (kmsconform serve), e.g. http://127.0.0.1:4599")
	expectFile := fs.String("expectations", "", "YAML `file` of the target's known failures: exit 0 when every failure is listed, 1 on a new failure or an unexpected pass (see kmsconform expectations --help)")
	list := fs.Bool("list", false, "print the selected scenarios, their tags and what they would create on the target, and exit without sending a request")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile (pprof) of this process, the embedded reference included, to this `file`")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), runUsage)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), runExamples)
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	// The runner reads 0 as "the default"; on the command line it is a mistake.
	for flagName, n := range map[string]int{"concurrency": opts.Concurrency, "retry-concurrency": opts.RetryConcurrency} {
		if n < 1 {
			fmt.Fprintf(stderr, "kmsconform run: --%s %d: want a number from 1 to 64\n", flagName, n)
			return exitUsage
		}
	}
	if *list {
		return listPlan(opts.Tags, stdout, stderr)
	}
	var expect *reports.Expectations
	if *expectFile != "" {
		// Read before the run, so that a mistake in the file costs no run.
		x, err := loadRunExpectations(*expectFile)
		if err != nil {
			fmt.Fprintf(stderr, "kmsconform run: --expectations: %v\n", err)
			return exitUsage
		}
		expect = x
		opts.Expectations = x
	}
	opts.Version = version
	opts.Progress = stdout
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "kmsconform run: %v\n", err)
			return exitFailed
		}
		defer func() {
			if err := stop(); err != nil {
				fmt.Fprintf(stderr, "kmsconform run: %v\n", err)
			}
		}()
	}

	res, err := runner.Run(ctx, opts)
	var usage *runner.UsageError
	switch {
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "kmsconform run: %v\n", err)
		return exitUsage
	case res == nil:
		fmt.Fprintf(stderr, "kmsconform run: %v\n", err)
		if ctx.Err() != nil {
			return exitAborted
		}
		return exitFailed
	}
	runner.WriteSummary(stdout, res.Run, res.Warnings, opts.Out)
	if len(res.Warnings) > 0 || err != nil {
		fmt.Fprintf(stdout, "to remove what run %s left behind: kmsconform cleanup --run %s", res.RunID, res.RunID)
		if !res.Run.Target.Embedded {
			fmt.Fprintf(stdout, " --endpoint %s --region %s", res.Run.Target.Endpoint, res.Run.Target.Region)
		}
		fmt.Fprintln(stdout)
	}
	var check *reports.ExpectationCheck
	if expect != nil {
		check = expect.Check(res.Run)
		if werr := reportExpectations(stdout, check, opts.Out); werr != nil {
			fmt.Fprintf(stderr, "kmsconform run: %v\n", werr)
			return exitFailed
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "kmsconform run: %v\n", err)
		if ctx.Err() != nil {
			return exitAborted
		}
		return exitFailed
	}
	if check != nil {
		if check.OK() {
			return exitOK
		}
		return exitFailed
	}
	if res.Run.Totals.Failed > 0 {
		return exitFailed
	}
	return exitOK
}

// listPlan prints what a run with tags would select and create.
func listPlan(tags string, stdout, stderr io.Writer) int {
	plan, err := runner.PlanRun(tags)
	var usage *runner.UsageError
	switch {
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "kmsconform run: %v\n", err)
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "kmsconform run: %v\n", err)
		return exitFailed
	}
	if err := plan.Write(stdout); err != nil {
		fmt.Fprintf(stderr, "kmsconform run: writing the plan: %v\n", err)
		return exitFailed
	}
	return exitOK
}
