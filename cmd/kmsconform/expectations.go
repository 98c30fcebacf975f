package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/runner"
)

const expectationsUsage = `Usage: kmsconform expectations --from RUN_DIR [--from RUN_DIR...] [--merge FILE]

Prints, on standard output, the expectations file a run meets: one entry
per scenario that failed in it (scenario ID, expected outcome failed or
unsupported, the run's reason). Given several runs of one implementation,
a scenario that failed in one and passed in another is flaky, and its
entry allows both ([failed, passed]). With that file,
'kmsconform run --expectations FILE' exits 0 while the implementation fails
exactly where it did, and 1 on a new failure or an unexpected pass. Edit
the reasons and add tracking links by hand; --merge keeps them when the file
is regenerated. The format is described in docs/ci.md.

Flags:
`

const expectationsExamples = `
Examples:
  # known failures of moto, from a run of it
  make conform-moto TAGS='not @retries'
  kmsconform expectations --from out/moto > expectations/moto.yaml

  # two runs, so that scenarios that fail only at times are marked flaky
  kmsconform expectations --from out/moto --from out/moto-again > expectations/moto.yaml

  # after a fix upstream: regenerate, keeping the reasons and links written by hand
  kmsconform expectations --from out/moto --merge expectations/moto.yaml > moto.yaml.new
  mv moto.yaml.new expectations/moto.yaml

  # the nightly check
  kmsconform run --endpoint http://127.0.0.1:5000 --expectations expectations/moto.yaml
`

func runExpectations(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("expectations", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var from []string
	fs.Func("from", "a 'kmsconform run --out' `directory` (or its results.json) to take the failures from; repeat it for several runs", func(v string) error {
		from = append(from, v)
		return nil
	})
	merge := fs.String("merge", "", "an existing expectations `file` whose reasons and links are kept for scenarios that still fail")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), expectationsUsage)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), expectationsExamples)
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if len(from) == 0 {
		fmt.Fprintln(stderr, "kmsconform expectations: --from RUN_DIR is required (see kmsconform expectations --help)")
		return exitUsage
	}
	var runs []*reports.Run
	for _, dir := range from {
		run, err := reports.ReadRun(dir)
		if err != nil {
			fmt.Fprintf(stderr, "kmsconform expectations: %v\n", err)
			return exitUsage
		}
		runs = append(runs, run)
	}
	var previous *reports.Expectations
	var err error
	if *merge != "" {
		// Entries for scenarios that no longer exist are dropped by the merge,
		// so the old file is read without checking its IDs.
		if previous, err = reports.LoadExpectations(*merge, nil); err != nil {
			fmt.Fprintf(stderr, "kmsconform expectations: %v\n", err)
			return exitUsage
		}
	}
	if err := reports.GenerateExpectations(stdout, runs, previous); err != nil {
		fmt.Fprintf(stderr, "kmsconform expectations: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// loadRunExpectations reads run's --expectations file, checking that every
// entry names a scenario the suite has.
func loadRunExpectations(file string) (*reports.Expectations, error) {
	plan, err := runner.PlanRun("")
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(plan.Scenarios))
	for i, s := range plan.Scenarios {
		ids[i] = s.ID
	}
	return reports.LoadExpectations(file, ids)
}

// reportExpectations prints the check after the run's summary and adds it to
// summary.md, so that expected failures read apart from new ones.
func reportExpectations(stdout io.Writer, c *reports.ExpectationCheck, out string) error {
	writeExpectationsText(stdout, c)
	f, err := os.OpenFile(filepath.Join(out, reports.SummaryFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("adding the expectations to the summary: %w", err)
	}
	werr := reports.WriteExpectationsSummary(f, c)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("adding the expectations to the summary: %w", werr)
	}
	return nil
}

// writeExpectationsText is the terminal form: what changed in full (it is
// what a CI log reader needs), the rest as counts.
func writeExpectationsText(w io.Writer, c *reports.ExpectationCheck) {
	x := c.Expectations
	fmt.Fprintf(w, "\nExpectations %s", x.Path)
	if x.Implementation != "" {
		fmt.Fprintf(w, " (%s)", x.Implementation)
	}
	fmt.Fprintf(w, ": %d expected failures, %d new failures, %d changed, %d unexpected passes, %d not checked\n",
		len(c.Expected), len(c.NewFailures), len(c.Changed), len(c.UnexpectedPasses), len(c.NotChecked))
	list := func(title string, js []reports.Judged, detail func(reports.Judged) string) {
		if len(js) == 0 {
			return
		}
		fmt.Fprintf(w, "  %s:\n", title)
		for _, j := range js {
			fmt.Fprintf(w, "    %s\n", j.ID)
			if d := detail(j); d != "" {
				fmt.Fprintf(w, "        %s\n", d)
			}
		}
	}
	list("NEW FAILURE (not in the file)", c.NewFailures, func(j reports.Judged) string {
		return j.Outcome + ": " + short(j.Reason)
	})
	list("CHANGED (fails otherwise than the file says)", c.Changed, func(j reports.Judged) string {
		return fmt.Sprintf("expected %s (%s:%d), now %s: %s", j.Expectation.Expected, x.Path, j.Expectation.Line, j.Outcome, short(j.Reason))
	})
	list("UNEXPECTED PASS (fixed? remove the entry)", c.UnexpectedPasses, func(j reports.Judged) string {
		return fmt.Sprintf("entry at %s:%d", x.Path, j.Expectation.Line)
	})
	if n := len(c.NotChecked); n > 0 {
		skipped := 0
		for _, j := range c.NotChecked {
			if j.Outcome != "" {
				skipped++
			}
		}
		fmt.Fprintf(w, "  not checked: %d expected failures were skipped (%d) or not selected (%d); listed in summary.md\n", n, skipped, n-skipped)
	}
	if c.OK() {
		fmt.Fprintln(w, "expectations: met (every failure was expected)")
	} else {
		fmt.Fprintln(w, "expectations: NOT met (update the file with 'kmsconform expectations --from' once the change is understood)")
	}
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
