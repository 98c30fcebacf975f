package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kmsconform/kmsconform/reports"
)

const compareUsage = `Usage: kmsconform compare [--out DIR] RUN_DIR...

Puts conformance runs of several implementations side by side, in the
manner of wpt.fyi: scenarios × implementations, grouped by family, operation
and documented condition. Each RUN_DIR is a 'kmsconform run --out' directory
(or its results.json), one per implementation. It writes into --out:

  compare.html  one self-contained page: per cell pass, fail (with the error
                code the endpoint returned), unsupported or skip; totals per
                column; a filter for where the implementations disagree; each
                cell's evidence embedded, and links to each run's report.html
  summary.md    the figures per family and operation, with versions and dates
                (what 'make compare' publishes as docs/implementations.md)

Exit status: 0 when the pages were written, 2 when an input is missing or
not a results.json, 1 when the output could not be written.

Flags:
`

const compareExamples = `
Examples:
  # the reference, moto and local-kms, each run first
  kmsconform run --tags 'not @retries' --out out/reference
  make conform-moto conform-local-kms TAGS='not @retries'
  kmsconform compare --out out/compare out/reference out/moto out/local-kms

  # all of it in one go, published as docs/implementations.md
  make compare
`

func runCompare(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "out/compare", "`directory` for compare.html and summary.md")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), compareUsage)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), compareExamples)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "kmsconform compare: name at least one RUN_DIR (see kmsconform compare --help)")
		return exitUsage
	}
	var runs []*reports.Run
	for _, dir := range fs.Args() {
		run, err := reports.ReadRun(dir)
		if err != nil {
			fmt.Fprintf(stderr, "kmsconform compare: %v\n", err)
			return exitUsage
		}
		runs = append(runs, run)
	}
	c := reports.SideBySide(runs, fs.Args())
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintf(stderr, "kmsconform compare: %v\n", err)
		return exitFailed
	}
	var page, summary bytes.Buffer
	if err := reports.WriteSideBySideHTML(&page, c, *out); err != nil {
		fmt.Fprintf(stderr, "kmsconform compare: %v\n", err)
		return exitFailed
	}
	if err := reports.WriteSideBySideSummary(&summary, c); err != nil {
		fmt.Fprintf(stderr, "kmsconform compare: %v\n", err)
		return exitFailed
	}
	for name, data := range map[string][]byte{reports.CompareHTMLFile: page.Bytes(), reports.CompareSummaryFile: summary.Bytes()} {
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
			fmt.Fprintf(stderr, "kmsconform compare: %v\n", err)
			return exitFailed
		}
	}
	fmt.Fprintf(stdout, "%-36s %7s %7s %11s %7s\n", "implementation", "passed", "failed", "unsupported", "skipped")
	for _, col := range c.Columns {
		t := col.Totals
		fmt.Fprintf(stdout, "%-36s %7d %7d %11d %7d\n", col.Label, t.Passed, t.Failed-t.Unsupported, t.Unsupported, t.Skipped)
	}
	fmt.Fprintf(stdout, "%d scenarios; the implementations disagree on %d.\nWrote %s and %s\n", len(c.Rows), c.Disagreements(),
		filepath.Join(*out, reports.CompareHTMLFile), filepath.Join(*out, reports.CompareSummaryFile))
	return exitOK
}
