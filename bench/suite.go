package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// measureSuite times `kmsconform run` — the whole suite against the embedded
// reference KMS — at each configured concurrency of the endpoint scenarios
// (the client retry scenarios run beside them at their own default).
func (r *runner) measureSuite(ctx context.Context) {
	if r.cfg.NoSuite {
		return
	}
	for _, c := range r.cfg.SuiteConcurrency {
		if ctx.Err() != nil {
			return
		}
		r.logf("suite: kmsconform run --concurrency %d", c)
		res, err := r.runSuite(ctx, c)
		path := fmt.Sprintf("reference c=%d", c)
		reason := ""
		if err != nil {
			reason = err.Error()
		}
		detail := fmt.Sprintf("%d scenarios; the @retries ones beside them at the default --retry-concurrency", res.scenarios)
		if res.failed > 0 {
			detail += fmt.Sprintf(", %d failed", res.failed)
		}
		if res.timedOut {
			detail = fmt.Sprintf("did not finish: stopped at the %v --suite-timeout", r.cfg.SuiteTimeout)
		}
		r.table.Add(Row{Group: GroupSuite, Measure: "suite wall time", Path: path, Unit: UnitNanoseconds, Value: float64(res.wall),
			N: 1, Detail: detail, Target: AtMost(float64(targetSuiteWall), "on 2 cores"), NotAvailable: reason})
		perScenario := 0.0
		switch {
		case reason != "":
		case res.timedOut:
			reason = "the run did not finish"
		case res.scenarios == 0:
			reason = "the run reported no scenarios"
		}
		if reason == "" {
			perScenario = float64(res.wall) / float64(res.scenarios)
		}
		r.table.Add(Row{Group: GroupSuite, Measure: "suite time per scenario", Path: path, Unit: UnitNanoseconds, Value: perScenario,
			N: res.scenarios, Detail: "wall time / scenarios", NotAvailable: reason})
		cpus := max(1, r.table.Machine.CPUs)
		r.table.Add(Row{Group: GroupSuite, Measure: "suite CPU time", Path: path, Unit: UnitNanoseconds, Value: float64(res.cpu),
			N: 1, NotAvailable: reason,
			Detail: fmt.Sprintf("user+system, client processes included; ÷ %d CPUs = %s, the least wall time this machine allows",
				cpus, formatDuration(res.cpu/time.Duration(cpus)))})
	}
}

type suiteResult struct {
	wall      time.Duration
	cpu       time.Duration // of the run and every process it waited for (the client drivers)
	timedOut  bool          // killed at the suite timeout: wall is a lower bound
	scenarios int
	failed    int
}

// runSuite runs the built binary. Exit code 1 (scenarios failed) still
// times the suite; anything else means the suite could not run.
func (r *runner) runSuite(ctx context.Context, concurrency int) (suiteResult, error) {
	if r.cfg.Binary == "" {
		return suiteResult{}, errors.New("no kmsconform binary to run the suite")
	}
	out := filepath.Join(r.cfg.WorkDir, fmt.Sprintf("suite-c%d", concurrency))
	runCtx, cancel := context.WithTimeout(ctx, r.cfg.SuiteTimeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, r.cfg.Binary, "run", "--concurrency", fmt.Sprint(concurrency), "--out", out)
	output := &tailBuffer{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = output, output
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err := ctx.Err(); err != nil {
		return suiteResult{}, err
	}
	if runCtx.Err() != nil {
		// Slower than the timeout is a figure too: at least that long.
		return suiteResult{wall: wall, timedOut: true}, nil
	}
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return suiteResult{}, fmt.Errorf("kmsconform run --concurrency %d: %v: %s", concurrency, err, lastLine(output.String()))
	}
	res := suiteResult{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	totals, err := readTotals(filepath.Join(out, "results.json"))
	if err != nil {
		return suiteResult{}, fmt.Errorf("kmsconform run --concurrency %d: %w", concurrency, err)
	}
	res.scenarios, res.failed = totals.Scenarios, totals.Failed
	return res, nil
}

// suiteTotals are the scenario counts of a results.json.
type suiteTotals struct {
	Scenarios int `json:"scenarios"`
	Failed    int `json:"failed"`
}

func readTotals(file string) (suiteTotals, error) {
	var run struct {
		Totals suiteTotals `json:"totals"`
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return suiteTotals{}, fmt.Errorf("results: %w", err)
	}
	if err := json.Unmarshal(b, &run); err != nil {
		return suiteTotals{}, fmt.Errorf("results %s: %w", file, err)
	}
	return run.Totals, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if s == "" {
		return "(no output)"
	}
	return s
}
