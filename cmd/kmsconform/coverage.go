package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kmsconform/kmsconform/catalog"
	"github.com/kmsconform/kmsconform/features"
)

const coverageHelp = `Usage: kmsconform coverage [flags]

Show which documented KMS conditions and (operation, error) pairs the
scenarios check. Scenarios cite the catalog with tags: @op:<Operation>,
@error:<ErrorCode>, @cond:<Operation.NN> and @untestable[:<reason>].
Prints a table, and writes coverage.md and coverage.json to --out.

Client scenarios (@retries) check clients, not the endpoint, and cover
nothing, except this: a server fault (KMSInternalException,
DependencyTimeoutException, KeyUnavailableException) that a client scenario
injects into an operation (@op: with @error:, or its @cond:) is "checked
through injected faults" (INJECTED), shown apart from the endpoint's own
coverage. No endpoint produces a server fault on demand.

Flags:
  --features DIR      read *.feature files under DIR instead of the scenarios
                      built into kmsconform
  --operations LIST   comma-separated operations to report on (default: all
                      20 in the catalog), e.g. CreateKey,DescribeKey
  --strict            exit 1 if a documented pair has no scenario, a condition
                      has neither a scenario nor an @untestable one, or a tag
                      names something the catalog does not know (a server
                      fault checked through injected faults passes)
  --out DIR           directory for coverage.md and coverage.json (default "out")

Exit codes: 0 done, 1 strict check failed (or the report could not be
written), 2 bad usage.

Example:
  kmsconform coverage --features ./features --operations DeleteCustomKeyStore,CreateKey --strict --out build/coverage
`

func runCoverage(_ context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("coverage", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	featuresDir := flags.String("features", "", "")
	operations := flags.String("operations", "", "")
	strict := flags.Bool("strict", false, "")
	outDir := flags.String("out", "out", "")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, coverageHelp)
			return exitOK
		}
		fmt.Fprintf(stderr, "kmsconform coverage: %v\n\n%s", err, coverageHelp)
		return exitUsage
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "kmsconform coverage: unexpected argument %q\n\n%s", flags.Arg(0), coverageHelp)
		return exitUsage
	}

	var scenarios fs.FS = features.FS
	if *featuresDir != "" {
		info, err := os.Stat(*featuresDir)
		if err != nil || !info.IsDir() {
			fmt.Fprintf(stderr, "kmsconform coverage: --features %q is not a readable directory\n", *featuresDir)
			return exitUsage
		}
		scenarios = os.DirFS(*featuresDir)
	}

	cat, err := catalog.Load()
	if err != nil {
		fmt.Fprintf(stderr, "kmsconform coverage: %v\n", err)
		return exitFailed
	}
	report, err := catalog.Coverage(cat, scenarios)
	if err != nil {
		fmt.Fprintf(stderr, "kmsconform coverage: %v\n", err)
		return exitFailed
	}
	if *operations != "" {
		var names []string
		for _, name := range strings.Split(*operations, ",") {
			if name = strings.TrimSpace(name); name != "" {
				names = append(names, name)
			}
		}
		if report, err = report.Restrict(names); err != nil {
			fmt.Fprintf(stderr, "kmsconform coverage: --operations: %v\n", err)
			return exitUsage
		}
	}

	if err := report.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "kmsconform coverage: %v\n", err)
		return exitFailed
	}
	if err := writeCoverageFiles(*outDir, report); err != nil {
		fmt.Fprintf(stderr, "kmsconform coverage: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(*outDir, "coverage.md"), filepath.Join(*outDir, "coverage.json"))

	if *strict {
		if failures := report.Failures(); len(failures) > 0 {
			fmt.Fprintf(stderr, "kmsconform coverage: strict check failed: %d missing or unknown (listed above)\n", len(failures))
			return exitFailed
		}
	}
	return exitOK
}

func writeCoverageFiles(dir string, report *catalog.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	for name, write := range map[string]func(io.Writer) error{
		"coverage.md":   report.WriteMarkdown,
		"coverage.json": report.WriteJSON,
	} {
		if err := writeCoverageFile(filepath.Join(dir, name), write); err != nil {
			return err
		}
	}
	return nil
}

func writeCoverageFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
