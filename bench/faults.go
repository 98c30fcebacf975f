package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// delaySpacing is the mean gap between delayed requests. Delayed requests
// in flight are spread evenly over the delay, one every delaySpacing, so
// that they do not all come due at once and queue behind each other (that
// would time the machine's queue, not the injector), while 1 s delays still
// finish in seconds rather than minutes.
const delaySpacing = 20 * time.Millisecond

// measureFaults times injected delays as the client sees them: through our
// reverse proxy (rules selected by a request header) and, for comparison,
// through Toxiproxy's latency toxic. The error of a request is its observed
// latency minus the requested delay minus the path's undelayed p50, so a
// perfect injector scores 0 whatever the path's own cost.
func (r *runner) measureFaults(ctx context.Context) {
	ours := r.path(PathReverse)
	toxi := r.path(PathToxiproxy)
	for _, d := range r.cfg.Delays {
		if ctx.Err() != nil {
			return
		}
		r.logf("faults: %v delay, %d requests through %s and %s", d, r.cfg.DelaySamples, ours.name, toxi.name)
		header := http.Header{delayHeader: {d.String()}}
		obs, err := r.delayed(ctx, ours, header, d)
		r.delayRows(ours, d, obs, err, AtMost(float64(targetDelayErrorP99), ""))

		toxiObs, err := r.toxiDelayed(ctx, toxi, d)
		r.delayRows(toxi, d, toxiObs, err, nil)

		sleeps, err := sleepTimes(ctx, d, r.cfg.DelaySamples)
		r.delayRows(&path{name: PathSleep}, d, sleeps, err, nil)
	}
}

// PathSleep names the fault rows that time a bare time.Sleep in the
// benchmark process: no request, no proxy. Its error is the machine's
// timer and scheduling noise, a floor no injector can go below.
const PathSleep = "sleep-only"

// sleepTimes times n sleeps of d, spread as the delayed requests are.
func sleepTimes(ctx context.Context, d time.Duration, n int) ([]time.Duration, error) {
	workers := max(1, min(n, int(d/delaySpacing)))
	res, err := runLoad(ctx, loadSpec{workers: workers, maxRequests: n, maxDuration: 2*d*time.Duration((n+workers-1)/workers) + 30*time.Second, latencies: true, stagger: d / time.Duration(workers)},
		func(ctx context.Context, _ int) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		})
	return res.Latencies, err
}

// toxiDelayed measures d through Toxiproxy's latency toxic on responses.
func (r *runner) toxiDelayed(ctx context.Context, p *path, d time.Duration) ([]time.Duration, error) {
	if !p.ok() || r.toxi == nil {
		return nil, errors.New(p.unavailable)
	}
	if err := r.toxi.setLatency(ctx, "kms", d); err != nil {
		return nil, err
	}
	obs, err := r.delayed(ctx, p, nil, d)
	if rmErr := r.toxi.setLatency(ctx, "kms", 0); rmErr != nil {
		p.fail(rmErr) // a toxic left behind would skew every later figure
		if err == nil {
			err = rmErr
		}
	}
	return obs, err
}

// delayed sends DelaySamples requests through p expecting each to take d
// longer than usual and returns the observed latencies.
func (r *runner) delayed(ctx context.Context, p *path, header http.Header, d time.Duration) ([]time.Duration, error) {
	if !p.ok() {
		return nil, errors.New(p.unavailable)
	}
	n := r.cfg.DelaySamples
	workers := max(1, min(n, int(d/delaySpacing)))
	cl := newClient(p.ep, workers, header)
	defer cl.close()
	// Generous: every request at twice its delay, plus slack for a slow machine.
	limit := 2*d*time.Duration((n+workers-1)/workers) + 30*time.Second
	res, err := runLoad(ctx, loadSpec{workers: workers, maxRequests: n, maxDuration: limit, latencies: true, stagger: d / time.Duration(workers)},
		func(ctx context.Context, i int) error { return r.load.call(ctx, cl, i) })
	if err != nil {
		return nil, err
	}
	if res.Requests < n {
		return nil, fmt.Errorf("only %d of %d delayed requests finished within %v", res.Requests, n, limit)
	}
	return res.Latencies, nil
}

func (r *runner) delayRows(p *path, d time.Duration, observed []time.Duration, err error, p99Target *Target) {
	reason := ""
	if err != nil {
		reason = err.Error()
	}
	errs := make([]time.Duration, len(observed))
	for i, o := range observed {
		errs[i] = o - d - p.summary.P50
	}
	obs, e := Summarize(observed), Summarize(errs)
	measure := "delay " + d.String() + " error"
	detail := fmt.Sprintf("observed p50 %s, p99 %s", formatDuration(obs.P50), formatDuration(obs.P99))
	if p.summary.N > 0 {
		detail += "; undelayed p50 " + formatDuration(p.summary.P50)
	}
	r.table.Add(Row{Group: GroupFaults, Measure: measure + " p50", Path: p.name, Unit: UnitNanoseconds, Value: float64(e.P50), N: e.N, Detail: detail, NotAvailable: reason})
	r.table.Add(Row{Group: GroupFaults, Measure: measure + " p99", Path: p.name, Unit: UnitNanoseconds, Value: float64(e.P99), N: e.N, Target: p99Target, NotAvailable: reason})
}
