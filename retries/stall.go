package retries

import (
	"context"
	"time"
)

// stallTick is how often the stall monitor expects to run.
const stallTick = 20 * time.Millisecond

// monitorStalls measures, until stop is called, how late a short timer fires
// in this process: on a loaded machine every process waits for a CPU, the
// clients between their attempts included, and a wait measured at the proxy
// grows by about as much. stop returns the worst lateness seen.
func monitorStalls(ctx context.Context) (stop func() time.Duration) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan time.Duration, 1)
	go func() {
		var worst time.Duration
		t := time.NewTicker(stallTick)
		defer t.Stop()
		last := time.Now()
		for {
			select {
			case <-ctx.Done():
				done <- worst
				return
			case now := <-t.C:
				// The ticker drops ticks it could not deliver, so the gap
				// since the last one shows how long this goroutine waited.
				worst = max(worst, now.Sub(last)-stallTick, time.Since(now))
				last = now
			}
		}
	}()
	return func() time.Duration {
		cancel()
		return <-done
	}
}
