package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is what a closed-loop load run observed.
type loadResult struct {
	Requests  int
	Elapsed   time.Duration
	Latencies []time.Duration // only when asked for
	// Samples are the proxy process's figures taken during the run, each
	// with the number of requests completed by then (none without a process).
	Samples []progressSample
}

type progressSample struct {
	Done int
	Proc ProcSample
}

// Throughput is completed requests per second.
func (r loadResult) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// loadSpec shapes a closed-loop run: workers each send a request as soon as
// their previous one is answered, until maxRequests are done or maxDuration
// has passed, whichever comes first.
type loadSpec struct {
	workers     int
	maxRequests int
	maxDuration time.Duration
	latencies   bool
	stagger     time.Duration // worker k starts k×stagger after the first
	pid         int           // process to sample during the run, 0 for none
	sampleEvery time.Duration // how often to sample it
}

// runLoad drives call with spec. It stops at the first failed request and
// returns its error: a figure measured over failing requests would mislead.
func runLoad(parent context.Context, spec loadSpec, call func(ctx context.Context, i int) error) (loadResult, error) {
	ctx, cancel := context.WithTimeout(parent, spec.maxDuration)
	defer cancel()

	var (
		next     atomic.Int64 // request numbers handed out
		done     atomic.Int64 // requests answered
		firstErr error
		errOnce  sync.Once
		mu       sync.Mutex
		lat      []time.Duration
	)
	if spec.latencies {
		lat = make([]time.Duration, 0, min(spec.maxRequests, 1<<20))
	}

	var samples []progressSample
	samplerDone := make(chan struct{})
	stopSampler := make(chan struct{})
	go func() {
		defer close(samplerDone)
		if spec.pid == 0 {
			return
		}
		tick := time.NewTicker(spec.sampleEvery)
		defer tick.Stop()
		for {
			select {
			case <-stopSampler:
				return
			case <-tick.C:
				if s, err := SampleProcess(spec.pid); err == nil {
					samples = append(samples, progressSample{Done: int(done.Load()), Proc: s})
				}
			}
		}
	}()

	start := time.Now()
	var wg sync.WaitGroup
	for k := range spec.workers {
		wg.Go(func() {
			if k > 0 && spec.stagger > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Duration(k) * spec.stagger):
				}
			}
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= spec.maxRequests {
					return
				}
				t0 := time.Now()
				err := call(ctx, i)
				d := time.Since(t0)
				if err != nil {
					if ctx.Err() == nil { // not the time cap ending a request mid-flight
						errOnce.Do(func() { firstErr = err; cancel() })
					}
					return
				}
				done.Add(1)
				if spec.latencies {
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopSampler)
	<-samplerDone

	if err := parent.Err(); err != nil {
		return loadResult{}, err
	}
	if firstErr != nil {
		return loadResult{}, firstErr
	}
	return loadResult{Requests: int(done.Load()), Elapsed: elapsed, Latencies: lat, Samples: samples}, nil
}
