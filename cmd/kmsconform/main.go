// Command kmsconform checks a KMS endpoint against the AWS KMS documentation,
// serves the reference KMS, and runs the fault-injecting KMS proxy.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes shared by every subcommand.
const (
	exitOK      = 0
	exitFailed  = 1 // the command ran and found failures (or could not finish)
	exitUsage   = 2 // the command line was wrong
	exitAborted = 130
)

// command is one subcommand. Each lives in its own file.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"run", "run the conformance suite against a KMS endpoint (default: the embedded reference)", runRun},
		{"cleanup", "remove what a run left in the account (its tagged keys and named key stores)", runCleanup},
		{"serve", "serve the reference KMS on a loopback address", runServe},
		{"proxy", "run the recording, fault-injecting KMS proxy", runProxy},
		{"compare", "put runs of several implementations side by side (compare.html, summary.md)", runCompare},
		{"expectations", "print the expectations file (known failures) a run meets, for run --expectations", runExpectations},
		{"report", "compare runs (diff) and chart them over time (trend)", runReport},
		{"coverage", "show which documented conditions and errors the scenarios check", runCoverage},
		{"bench", "measure proxy overhead, fault timing and suite wall time", runBench},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			return dispatch(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "kmsconform: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "kmsconform: a conformance suite for the AWS KMS API, with a fault-injecting proxy.")
	fmt.Fprintln(w, "\nUsage:\n  kmsconform <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'kmsconform <command> --help' for a command's flags and examples.")
}

// parseFlags parses the command line of a command that takes flags only.
// done is true when the command must stop with code: after --help (usage on
// stdout, exit 0), or after a bad flag or a stray argument (exit 2, the
// message on the flag set's output or stderr).
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK, true
		}
		return exitUsage, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kmsconform %s: unexpected argument %q (it takes flags only; see kmsconform %s --help)\n", fs.Name(), fs.Arg(0), fs.Name())
		return exitUsage, true
	}
	return exitOK, false
}
