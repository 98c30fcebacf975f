package bench

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"
)

func ms(ns ...int) []time.Duration {
	out := make([]time.Duration, len(ns))
	for i, n := range ns {
		out[i] = time.Duration(n) * time.Millisecond
	}
	return out
}

func oneToHundred() []time.Duration {
	var ns []int
	for i := 100; i >= 1; i-- { // reversed: Percentile must sort
		ns = append(ns, i)
	}
	return ms(ns...)
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		name    string
		samples []time.Duration
		p       float64
		want    time.Duration
	}{
		{"none", nil, 50, 0},
		{"one sample is every percentile", ms(7), 99, 7 * time.Millisecond},
		{"p50 of 1..100", oneToHundred(), 50, 50 * time.Millisecond},
		{"p99 of 1..100", oneToHundred(), 99, 99 * time.Millisecond},
		{"p100 is the max", oneToHundred(), 100, 100 * time.Millisecond},
		{"tiny p is the min", oneToHundred(), 0.1, time.Millisecond},
		// Nearest rank, not interpolation: p50 of {1, 2} is 1, never 1.5.
		{"nearest rank", ms(2, 1), 50, time.Millisecond},
		{"p99 of 10 samples is the max", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.samples, tt.p); got != tt.want {
				t.Errorf("Percentile(p%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarizeLeavesSamplesAlone(t *testing.T) {
	samples := ms(30, 10, 20)
	before := slices.Clone(samples)
	got := Summarize(samples)
	want := Summary{N: 3, P50: 20 * time.Millisecond, P99: 30 * time.Millisecond}
	if got != want {
		t.Errorf("Summarize = %+v, want %+v", got, want)
	}
	if !slices.Equal(samples, before) {
		t.Errorf("Summarize reordered its input: %v", samples)
	}
	if (Summarize(nil) != Summary{}) {
		t.Errorf("Summarize(nil) = %+v, want zero", Summarize(nil))
	}
}

func TestParseStatCPU(t *testing.T) {
	// A command name with spaces and a ')' must not shift the fields.
	stat := "4242 (kms (proxy) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 75 0 0 20 0 9 0 100 1000 500 18446744073709551615"
	got, err := parseStatCPU(stat)
	if err != nil {
		t.Fatal(err)
	}
	if want := 325 * clockTick; got != want {
		t.Errorf("cpu = %v, want %v (utime 250 + stime 75 ticks)", got, want)
	}
	if _, err := parseStatCPU("4242 (short) S 1 2"); err == nil {
		t.Error("a truncated stat line parsed without error")
	}
}

func TestStatusKiB(t *testing.T) {
	status := "Name:\tkmsconform\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\nThreads:\t9\n"
	for key, want := range map[string]int64{"VmHWM": 20 << 20, "VmRSS": 10 << 20} {
		got, err := statusKiB(status, key)
		if err != nil || got != want {
			t.Errorf("statusKiB(%s) = %d, %v; want %d", key, got, err, want)
		}
	}
	if _, err := statusKiB(status, "VmSwap"); err == nil {
		t.Error("a missing key was found")
	}
	if _, err := statusKiB("Threads:\t9\n", "Threads"); err == nil {
		t.Error("a figure without kB was taken as kB")
	}
}

func TestSampleProcessSelf(t *testing.T) {
	s, err := SampleProcess(os.Getpid())
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if s.RSS <= 0 || s.Peak < s.RSS {
		t.Errorf("sample %+v: want 0 < RSS ≤ Peak", s)
	}
}

func TestRSSGrowth(t *testing.T) {
	samples := []progressSample{
		{Done: 100, Proc: ProcSample{RSS: 10}},
		{Done: 480, Proc: ProcSample{RSS: 20}},
		{Done: 900, Proc: ProcSample{RSS: 25}},
	}
	mid, growth := rssGrowth(samples, 1000, 26)
	if mid != 20 || growth != 6 {
		t.Errorf("rssGrowth = mid %d, growth %d; want 20 (the sample nearest 500 requests), 6", mid, growth)
	}
}

func TestRunLoad(t *testing.T) {
	ctx := context.Background()
	res, err := runLoad(ctx, loadSpec{workers: 4, maxRequests: 50, maxDuration: time.Minute, latencies: true},
		func(context.Context, int) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 50 || len(res.Latencies) != 50 {
		t.Errorf("requests %d, latencies %d; want 50 of each", res.Requests, len(res.Latencies))
	}

	boom := errors.New("boom")
	_, err = runLoad(ctx, loadSpec{workers: 4, maxRequests: 50, maxDuration: time.Minute},
		func(_ context.Context, i int) error {
			if i == 7 {
				return boom
			}
			return nil
		})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the failed request's error", err)
	}

	// The time cap ends a run early without an error.
	res, err = runLoad(ctx, loadSpec{workers: 2, maxRequests: 1 << 30, maxDuration: 50 * time.Millisecond},
		func(ctx context.Context, _ int) error {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Millisecond):
				return nil
			}
		})
	if err != nil || res.Requests == 0 {
		t.Errorf("capped run: %d requests, err %v; want some requests and no error", res.Requests, err)
	}
}
