// Package bench measures what kmsconform's proxy costs a request and how
// faithfully it injects delays, side by side with a direct connection and
// with Toxiproxy in the same run on the same machine; how the reference KMS
// served by `kmsconform serve` compares with other KMS emulators (local-kms,
// moto); and how long the conformance suite takes. Its result is one Table, printed for people and
// written as JSON and as benchstat-compatible text.
package bench

import (
	"math"
	"slices"
	"time"
)

// Summary describes a set of latency samples.
type Summary struct {
	N        int
	P50, P99 time.Duration
}

// Summarize computes a Summary; it does not reorder samples.
func Summarize(samples []time.Duration) Summary {
	if len(samples) == 0 {
		return Summary{}
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	return Summary{N: len(sorted), P50: percentileSorted(sorted, 50), P99: percentileSorted(sorted, 99)}
}

// Percentile is the p-th percentile (0 < p ≤ 100) of samples by the
// nearest-rank method: the smallest sample with at least p% of the samples at
// or below it. It is always one of the samples, so a p99 of 100 samples is the
// 99th smallest, never an interpolation. It returns 0 for no samples.
func Percentile(samples []time.Duration, p float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	return percentileSorted(sorted, p)
}

func percentileSorted(sorted []time.Duration, p float64) time.Duration {
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}
