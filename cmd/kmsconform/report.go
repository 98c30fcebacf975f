package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kmsconform/kmsconform/reports"
)

const reportUsage = `kmsconform report compares conformance runs: what changed between two runs
(diff), and how a target's results move over many runs (trend). Each RUN is a
'kmsconform run --out' directory or the results.json inside one.

Usage:
  kmsconform report diff [--html FILE] A B
  kmsconform report trend [--out FILE.svg] [--html FILE] RUN...

Run 'kmsconform report diff --help' or 'kmsconform report trend --help' for
their flags and examples.
`

const diffUsage = `kmsconform report diff compares run B with run A, scenario by scenario: what
newly fails, what got fixed, which documented conditions now get a different
error code from the endpoint, and which scenarios exist in only one run. The
text goes to stdout; it exits 0 whatever the differences are (it is a
report), 2 if an input is missing or not a results.json.

Usage:
  kmsconform report diff [--html FILE] A B

Flags:
  --html FILE   also write the comparison as a self-contained HTML page

Examples:
  # last night against tonight
  kmsconform report diff nightly/2026-11-24 nightly/2026-11-25
  # an emulator against real KMS, as a page to share
  kmsconform report diff --html moto-vs-kms.html out-kms/results.json out-moto
`

const trendUsage = `kmsconform report trend reads many runs of a target (e.g. every nightly
--out directory), orders them by start time, and reports each feature
family's pass rate per run (passed / scenarios that ran) and the documented
conditions whose outcome flips between runs. The text goes to stdout; it
exits 0 when every input is readable, 2 otherwise.

Usage:
  kmsconform report trend [--out FILE.svg] [--html FILE] RUN...

Flags:
  --out FILE.svg   write the pass-rate chart as a standalone SVG image
  --html FILE      write a self-contained HTML page with the chart and the flips

Example:
  kmsconform report trend --html trend.html --out trend.svg nightly/*
`

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, reportUsage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, reportUsage)
		return exitOK
	case "diff":
		return runReportDiff(ctx, args[1:], stdout, stderr)
	case "trend":
		return runReportTrend(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "kmsconform report: unknown report %q (want diff or trend)\n\n%s", args[0], reportUsage)
	return exitUsage
}

func runReportDiff(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report diff", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	htmlOut := fs.String("html", "", "")
	inputs, code := parseReportFlags(fs, args, diffUsage, stdout, stderr)
	if code >= 0 {
		return code
	}
	if len(inputs) != 2 {
		fmt.Fprintf(stderr, "kmsconform report diff: need exactly two runs, A and B; got %d\n\n%s", len(inputs), diffUsage)
		return exitUsage
	}
	runs, code := readRuns(inputs, "report diff", stderr)
	if code >= 0 {
		return code
	}
	d := reports.Compare(runs[0], runs[1])
	if err := d.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "kmsconform report diff: %v\n", err)
		return exitFailed
	}
	if *htmlOut != "" {
		if err := writeReportFile(*htmlOut, d.WriteHTML); err != nil {
			fmt.Fprintf(stderr, "kmsconform report diff: %v\n", err)
			return exitFailed
		}
	}
	return exitOK
}

func runReportTrend(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report trend", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	svgOut := fs.String("out", "", "")
	htmlOut := fs.String("html", "", "")
	inputs, code := parseReportFlags(fs, args, trendUsage, stdout, stderr)
	if code >= 0 {
		return code
	}
	if len(inputs) == 0 {
		fmt.Fprintf(stderr, "kmsconform report trend: give at least one run (an --out directory or results.json)\n\n%s", trendUsage)
		return exitUsage
	}
	if *svgOut != "" && !strings.HasSuffix(strings.ToLower(*svgOut), ".svg") {
		fmt.Fprintf(stderr, "kmsconform report trend: --out %s: the chart is SVG; name the file *.svg\n", *svgOut)
		return exitUsage
	}
	runs, code := readRuns(inputs, "report trend", stderr)
	if code >= 0 {
		return code
	}
	tr := reports.BuildTrend(runs)
	if err := tr.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "kmsconform report trend: %v\n", err)
		return exitFailed
	}
	for _, out := range []struct {
		path  string
		write func(io.Writer) error
	}{{*svgOut, tr.WriteSVG}, {*htmlOut, tr.WriteHTML}} {
		if out.path == "" {
			continue
		}
		if err := writeReportFile(out.path, out.write); err != nil {
			fmt.Fprintf(stderr, "kmsconform report trend: %v\n", err)
			return exitFailed
		}
	}
	return exitOK
}

// parseReportFlags parses flags given before, between or after the
// positional arguments. code is -1 to go on, or the exit code to return.
func parseReportFlags(fs *flag.FlagSet, args []string, usage string, stdout, stderr io.Writer) (positional []string, code int) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, usage)
				return nil, exitOK
			}
			fmt.Fprintf(stderr, "kmsconform %s: %v\n\n%s", fs.Name(), err, usage)
			return nil, exitUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, -1
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func readRuns(inputs []string, name string, stderr io.Writer) ([]*reports.Run, int) {
	runs := make([]*reports.Run, 0, len(inputs))
	for _, in := range inputs {
		run, err := reports.ReadRun(in)
		if err != nil {
			fmt.Fprintf(stderr, "kmsconform %s: %v\n", name, err)
			return nil, exitUsage
		}
		runs = append(runs, run)
	}
	return runs, -1
}

// writeReportFile renders into memory first so that a failed rendering
// leaves no half-written file behind.
func writeReportFile(path string, render func(io.Writer) error) error {
	var b bytes.Buffer
	if err := render(&b); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
