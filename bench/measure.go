package bench

import (
	"context"
	"fmt"
	"time"
)

// Targets the proxy is held to (see docs/benchmarks.md).
const (
	targetAddedP50Reverse = 100 * time.Microsecond
	targetAddedP50MITM    = 200 * time.Microsecond
	targetAddedP99        = 500 * time.Microsecond
	targetVsToxiproxy     = 1.5  // our added p50 / Toxiproxy's
	targetThroughputShare = 70.0 // % of direct throughput at concurrency 32
	targetPeakRSS         = 64 << 20
	targetRSSGrowth       = 2 << 20 // "no growth", allowing for GC jitter
	targetDelayErrorP99   = 2 * time.Millisecond
	targetSuiteWall       = 20 * time.Second
)

// warmupRequests per path before anything is timed: connections, leaf
// certificates and code paths are then warm on every path alike.
// poolWarmupRequests more warm each path's concurrency-32 pool.
const (
	warmupRequests     = 200
	poolWarmupRequests = 4 * highConcurrency
)

func (r *runner) path(name string) *path {
	for _, p := range r.paths {
		if p.name == name {
			return p
		}
	}
	return nil
}

// measureLatency sends requests one at a time, interleaved across paths
// (one request per path per round) so that drift in the machine's load
// affects every path alike. Request i is the same operation on every path.
func (r *runner) measureLatency(ctx context.Context) {
	for _, p := range r.paths {
		for i := range warmupRequests {
			if !p.ok() || ctx.Err() != nil {
				break
			}
			if err := r.load.call(ctx, p.seq, i); err != nil {
				p.fail(fmt.Errorf("warm-up request: %w", err))
			}
		}
	}
	n := r.cfg.LatencyRequests
	r.logf("latency: %d sequential requests per path, interleaved across paths", n)
	for _, p := range r.paths {
		p.latencies = make([]time.Duration, 0, n)
	}
	for i := range n {
		if ctx.Err() != nil {
			return
		}
		// Rotating the starting path keeps any cost of going first (or
		// last) in a round from landing on one path.
		for k := range r.paths {
			p := r.paths[(i+k)%len(r.paths)]
			if !p.ok() {
				continue
			}
			start := time.Now()
			err := r.load.call(ctx, p.seq, i)
			elapsed := time.Since(start)
			if err != nil {
				p.fail(fmt.Errorf("request %d: %w", i, err))
				continue
			}
			p.latencies = append(p.latencies, elapsed)
		}
	}
	for _, p := range r.paths {
		p.summary = Summarize(p.latencies)
	}
	r.latencyRows()
}

func (r *runner) latencyRows() {
	t := r.table
	for _, p := range r.paths {
		if p.baseline != "" {
			continue
		}
		for _, q := range []struct {
			name string
			v    time.Duration
		}{{"latency p50", p.summary.P50}, {"latency p99", p.summary.P99}} {
			t.Add(Row{Group: GroupLatency, Measure: q.name, Path: p.name, Value: float64(q.v), Unit: UnitNanoseconds, N: p.summary.N, NotAvailable: p.unavailable})
		}
	}
	for _, p := range r.paths {
		if p.baseline == "" {
			continue
		}
		base := r.path(p.baseline)
		reason := unavailable(p, base)
		ours := isOurs(p.name)
		var p50Target, p99Target *Target
		switch {
		case p.name == PathReverse:
			p50Target = AtMost(float64(targetAddedP50Reverse), "")
		case p.name == PathMITM:
			p50Target = AtMost(float64(targetAddedP50MITM), "")
		}
		if ours {
			p99Target = AtMost(float64(targetAddedP99), "")
		}
		t.Add(Row{
			Group: GroupLatency, Measure: "added latency p50", Path: p.name, Unit: UnitNanoseconds, N: p.summary.N,
			Value:  float64(p.summary.P50 - base.summary.P50),
			Detail: fmt.Sprintf("%s vs %s %s", formatDuration(p.summary.P50), formatDuration(base.summary.P50), base.name),
			Target: p50Target, NotAvailable: reason,
		})
		t.Add(Row{
			Group: GroupLatency, Measure: "added latency p99", Path: p.name, Unit: UnitNanoseconds, N: p.summary.N,
			Value:  float64(p.summary.P99 - base.summary.P99),
			Detail: fmt.Sprintf("%s vs %s %s", formatDuration(p.summary.P99), formatDuration(base.summary.P99), base.name),
			Target: p99Target, NotAvailable: reason,
		})
	}
	for _, p := range r.paths {
		if !isOurs(p.name) {
			continue
		}
		toxi := r.path(PathToxiproxy)
		if p.name == PathMITM {
			toxi = r.path(PathToxiproxyHTTPS)
		}
		base := r.path(p.baseline)
		ours := p.summary.P50 - base.summary.P50
		theirs := toxi.summary.P50 - base.summary.P50
		reason := unavailable(p, base, toxi)
		if reason == "" && theirs < time.Microsecond {
			reason = fmt.Sprintf("Toxiproxy's added p50 (%s) is within measurement noise", formatDuration(theirs))
		}
		ratio := 0.0
		if reason == "" {
			ratio = float64(ours) / float64(theirs)
		}
		t.Add(Row{
			Group: GroupLatency, Measure: "added p50 vs Toxiproxy", Path: p.name, Unit: UnitRatio, Value: ratio,
			Detail: fmt.Sprintf("%s vs %s through %s", formatDuration(ours), formatDuration(theirs), toxi.name),
			Target: AtMost(targetVsToxiproxy, ""), NotAvailable: reason,
		})
	}
}

// isOurs reports whether a path goes through kmsconform's proxy.
func isOurs(name string) bool {
	return name == PathReverse || name == PathForward || name == PathMITM
}

// unavailable is the first reason any of paths cannot be measured, or "".
func unavailable(paths ...*path) string {
	for _, p := range paths {
		if !p.ok() {
			if len(paths) > 1 {
				return p.name + ": " + p.unavailable
			}
			return p.unavailable
		}
	}
	return ""
}

// throughputSlices is how many turns each path's throughput runs are cut
// into, taken round-robin across paths (the starting path rotating): a burst
// of load from elsewhere on the machine then lands on every path alike
// rather than on whichever path happened to be running.
const throughputSlices = 10

// slicedRun is one path's closed-loop turns added up.
type slicedRun struct {
	res        loadResult    // requests and elapsed time summed; samples counted across turns
	cpu        time.Duration // CPU time the path's process used during the turns
	after      ProcSample    // the process after the last turn
	hasProcess bool
}

// slicedLoad drives every available path closed-loop with workers, up to
// maxRequests or maxDuration per path in all, in throughputSlices turns.
func (r *runner) slicedLoad(ctx context.Context, workers, maxRequests int, maxDuration time.Duration, clientOf func(*path) *client) map[string]*slicedRun {
	runs := map[string]*slicedRun{}
	for _, p := range r.paths {
		runs[p.name] = &slicedRun{}
	}
	perTurn := max(1, (maxRequests+throughputSlices-1)/throughputSlices)
	for turn := range throughputSlices {
		for k := range r.paths {
			p := r.paths[(turn+k)%len(r.paths)]
			if !p.ok() || ctx.Err() != nil {
				continue
			}
			run := runs[p.name]
			spec := loadSpec{workers: workers, maxRequests: perTurn, maxDuration: maxDuration / throughputSlices, sampleEvery: 100 * time.Millisecond}
			var before ProcSample
			if p.proc != nil {
				spec.pid = p.proc.pid()
				var err error
				if before, err = SampleProcess(spec.pid); err != nil {
					p.fail(err)
					continue
				}
			}
			cl, offset := clientOf(p), run.res.Requests
			res, err := runLoad(ctx, spec, func(ctx context.Context, i int) error { return r.load.call(ctx, cl, offset+i) })
			if err != nil {
				p.fail(fmt.Errorf("concurrency %d: %w", workers, err))
				continue
			}
			for _, smp := range res.Samples {
				smp.Done += offset
				run.res.Samples = append(run.res.Samples, smp)
			}
			run.res.Requests += res.Requests
			run.res.Elapsed += res.Elapsed
			if p.proc != nil {
				after, err := SampleProcess(spec.pid)
				if err != nil {
					p.fail(err)
					continue
				}
				run.cpu += after.CPU - before.CPU
				run.after, run.hasProcess = after, true
			}
		}
	}
	return runs
}

// measureThroughput runs each path closed-loop at concurrency 1, then at
// concurrency 32, reading the proxy process's CPU time and memory around
// and during the second.
func (r *runner) measureThroughput(ctx context.Context) {
	r.logf("throughput: concurrency 1, up to %v per path", r.cfg.C1Duration)
	c1 := r.slicedLoad(ctx, 1, r.cfg.Requests, r.cfg.C1Duration, func(p *path) *client { return p.seq })

	r.logf("throughput: concurrency %d, up to %d requests or %v per path", highConcurrency, r.cfg.Requests, r.cfg.Duration)
	// Each path gets a pool of connections opened and used before timing,
	// so no turn pays for connection set-up.
	pools := map[string]*client{}
	for _, p := range r.paths {
		if !p.ok() || ctx.Err() != nil {
			continue
		}
		pools[p.name] = newClient(p.ep, highConcurrency, nil)
		_, err := runLoad(ctx, loadSpec{workers: highConcurrency, maxRequests: poolWarmupRequests, maxDuration: time.Minute},
			func(ctx context.Context, i int) error { return r.load.call(ctx, pools[p.name], i) })
		if err != nil {
			p.fail(fmt.Errorf("concurrency %d warm-up: %w", highConcurrency, err))
		}
	}
	c32 := r.slicedLoad(ctx, highConcurrency, r.cfg.Requests, r.cfg.Duration, func(p *path) *client { return pools[p.name] })
	for _, cl := range pools {
		cl.close()
	}

	// Requests each process carried in all (Toxiproxy's carries two paths).
	carried := map[*process]int{}
	for _, p := range r.paths {
		if p.proc != nil {
			carried[p.proc] += warmupRequests + poolWarmupRequests + len(p.latencies) + c1[p.name].res.Requests + c32[p.name].res.Requests
		}
	}

	t := r.table
	for _, p := range r.paths {
		detail := ""
		if p.baseline != "" && c1[p.baseline].res.Requests > 0 && c1[p.name].res.Requests > 0 {
			detail = fmt.Sprintf("%.0f%% of %s", 100*c1[p.name].res.Throughput()/c1[p.baseline].res.Throughput(), p.baseline)
		}
		t.Add(Row{Group: GroupThroughput, Measure: "throughput c=1", Path: p.name, Unit: UnitPerSecond,
			Value: c1[p.name].res.Throughput(), N: c1[p.name].res.Requests, Detail: detail, NotAvailable: p.unavailable})
	}
	for _, p := range r.paths {
		run := c32[p.name]
		t.Add(Row{Group: GroupThroughput, Measure: fmt.Sprintf("throughput c=%d", highConcurrency), Path: p.name, Unit: UnitPerSecond,
			Value: run.res.Throughput(), N: run.res.Requests, NotAvailable: p.unavailable})
	}
	for _, p := range r.paths {
		if p.baseline == "" {
			continue
		}
		base := r.path(p.baseline)
		reason := unavailable(p, base)
		share := 0.0
		if reason == "" {
			share = 100 * c32[p.name].res.Throughput() / c32[base.name].res.Throughput()
		}
		var target *Target
		if isOurs(p.name) {
			target = AtLeast(targetThroughputShare, "on 2 cores")
		}
		t.Add(Row{Group: GroupThroughput, Measure: fmt.Sprintf("throughput c=%d vs direct", highConcurrency), Path: p.name, Unit: UnitPercent,
			Value: share, Detail: "of " + base.name, Target: target, NotAvailable: reason})
	}

	for _, p := range r.paths {
		if p.baseline == "" {
			continue
		}
		run := c32[p.name]
		reason := p.unavailable
		if reason == "" && !run.hasProcess {
			reason = "no process of its own"
		}
		cpu := 0.0
		if reason == "" && run.res.Requests > 0 {
			cpu = float64(run.cpu) / float64(run.res.Requests)
		}
		t.Add(Row{Group: GroupResources, Measure: "proxy CPU per request", Path: p.name, Unit: UnitNanoseconds, Value: cpu, N: run.res.Requests,
			Detail: fmt.Sprintf("user+system over the c=%d run", highConcurrency), NotAvailable: reason})
		if !p.ownsProc && reason == "" {
			continue // a process shared with another path: memory is reported there
		}
		var peakTarget, growthTarget *Target
		if isOurs(p.name) {
			peakTarget = AtMost(targetPeakRSS, "")
			growthTarget = AtMost(targetRSSGrowth, "(GC jitter)")
		}
		mid, growth := rssGrowth(run.res.Samples, run.res.Requests, run.after.RSS)
		t.Add(Row{Group: GroupResources, Measure: "proxy peak RSS", Path: p.name, Unit: UnitBytes, Value: float64(run.after.Peak), N: run.res.Requests,
			Detail: fmt.Sprintf("VmHWM after %d requests in all", carried[p.proc]), Target: peakTarget, NotAvailable: reason})
		t.Add(Row{Group: GroupResources, Measure: "proxy RSS growth, last half", Path: p.name, Unit: UnitBytes, Value: float64(growth), N: run.res.Requests,
			Detail: fmt.Sprintf("%.1f MiB at half-way, %.1f MiB at the end", float64(mid)/(1<<20), float64(run.after.RSS)/(1<<20)), Target: growthTarget, NotAvailable: reason})
	}
}

// rssGrowth returns the RSS sampled nearest to the middle of a run of total
// requests (by requests completed) and how much it grew from there to end.
func rssGrowth(samples []progressSample, total int, end int64) (mid, growth int64) {
	if len(samples) == 0 {
		return end, 0
	}
	best := samples[0]
	for _, s := range samples {
		if abs(s.Done-total/2) < abs(best.Done-total/2) {
			best = s
		}
	}
	return best.Proc.RSS, end - best.Proc.RSS
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
