package bench

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func sampleTable() *Table {
	t := &Table{
		Machine:   Machine{OS: "linux", Arch: "amd64", CPU: "Test CPU", CPUs: 2, GoMaxProcs: 2, GoVersion: "go1.26.8"},
		Settings:  "requests=10",
		Started:   time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC),
		Finished:  time.Date(2026, 11, 25, 17, 5, 0, 0, time.UTC),
		LoadStart: "0.50 0.40 0.30",
	}
	t.Add(Row{Group: GroupLatency, Measure: "added latency p50", Path: PathReverse, Value: 62000, Unit: UnitNanoseconds, N: 2000,
		Detail: "412 µs vs 350 µs direct", Target: AtMost(100e3, "")})
	t.Add(Row{Group: GroupLatency, Measure: "added latency p50", Path: PathMITM, Value: 250000, Unit: UnitNanoseconds, N: 2000,
		Target: AtMost(200e3, "")})
	t.Add(Row{Group: GroupThroughput, Measure: "throughput c=32 vs direct", Path: PathForward, Value: 71.5, Unit: UnitPercent,
		Target: AtLeast(70, "on 2 cores")})
	t.Add(Row{Group: GroupResources, Measure: "proxy peak RSS", Path: PathToxiproxy, Value: 22 << 20, Unit: UnitBytes, N: 100000})
	t.Add(Row{Group: GroupSuite, Measure: "suite wall time", Path: "reference c=1", Value: 123, Unit: UnitNanoseconds,
		Target: AtMost(20e9, ""), NotAvailable: "kmsconform run exited 2"})
	return t
}

func TestTargetsSettleResults(t *testing.T) {
	tab := sampleTable()
	want := []string{ResultPass, ResultMiss, ResultPass, "", ResultNotAvailable}
	for i, r := range tab.Rows {
		if r.Result != want[i] {
			t.Errorf("row %d (%s %s): result %q, want %q", i, r.Measure, r.Path, r.Result, want[i])
		}
	}
	if v := tab.Rows[4].Value; v != 0 {
		t.Errorf("an unavailable row kept value %v", v)
	}
	missed := tab.Missed()
	if len(missed) != 1 || missed[0].Path != PathMITM {
		t.Errorf("Missed = %+v, want the mitm row only", missed)
	}
	for _, tt := range []struct {
		target *Target
		v      float64
		want   string
	}{
		{AtMost(10, ""), 10, ResultPass}, {AtMost(10, ""), 10.01, ResultMiss},
		{AtLeast(70, ""), 70, ResultPass}, {AtLeast(70, ""), 69.9, ResultMiss},
	} {
		if got := tt.target.Check(tt.v); got != tt.want {
			t.Errorf("%+v.Check(%v) = %s, want %s", tt.target, tt.v, got, tt.want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	tab := sampleTable()
	var buf bytes.Buffer
	if err := tab.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back Table
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, tab) {
		t.Errorf("round trip changed the table:\n got %+v\nwant %+v", back, *tab)
	}
	for _, key := range []string{`"notAvailable": "kmsconform run exited 2"`, `"result": "miss"`, `"unit": "ns"`, `"cpus": 2`} {
		if !strings.Contains(buf.String(), key) {
			t.Errorf("JSON lacks %s:\n%s", key, buf.String())
		}
	}
}

// benchLine is a line of the Go benchmark format as benchstat reads it:
// name (no spaces), iterations, then value-unit pairs.
var benchLine = regexp.MustCompile(`^Benchmark[^\s]+\t[1-9][0-9]*(\t-?[0-9.e+]+ [^\s]+)+$`)

func TestWriteBenchstat(t *testing.T) {
	var buf bytes.Buffer
	if err := sampleTable().WriteBenchstat(&buf); err != nil {
		t.Fatal(err)
	}
	want := `goos: linux
goarch: amd64
pkg: github.com/kmsconform/kmsconform/bench
cpu: Test CPU
BenchmarkLatency/added-latency-p50/path=reverse-2	2000	62000 ns/op
BenchmarkLatency/added-latency-p50/path=mitm-2	2000	250000 ns/op
BenchmarkThroughput/throughput-c-32-vs-direct/path=forward-2	1	71.5 pct
BenchmarkResources/proxy-peak-rss/path=toxiproxy-2	100000	23068672 B
`
	if got := buf.String(); got != want {
		t.Errorf("benchstat text:\n%s\nwant:\n%s", got, want)
	}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if strings.HasPrefix(line, "Benchmark") && !benchLine.MatchString(line) {
			t.Errorf("not a benchmark line benchstat reads: %q", line)
		}
	}
	// The line check must reject what benchstat would: a space in the name.
	if benchLine.MatchString("BenchmarkLatency/added latency\t1\t5 ns/op") {
		t.Error("benchLine accepts a name with a space")
	}
}

func TestWriteText(t *testing.T) {
	var buf bytes.Buffer
	if err := sampleTable().WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"2 CPUs (Test CPU)",
		"0.50 0.40 0.30 at start, unknown at end",
		"62.0 µs (412 µs vs 350 µs direct)",
		"≤ 100 µs",
		"≥ 70% on 2 cores",
		"not available: kmsconform run exited 2",
		"22.0 MiB",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		1500 * time.Nanosecond:   "1.50 µs",
		62 * time.Microsecond:    "62.0 µs",
		-45 * time.Microsecond:   "-45.0 µs",
		999 * time.Microsecond:   "999 µs",
		10400 * time.Microsecond: "10.4 ms",
		1010 * time.Millisecond:  "1.01 s",
		14 * time.Second:         "14.0 s",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
