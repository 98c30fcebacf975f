package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Units a Row's Value can be in.
const (
	UnitNanoseconds = "ns"    // a duration
	UnitPerSecond   = "req/s" // requests per second
	UnitBytes       = "B"
	UnitRatio       = "x"
	UnitPercent     = "%"
)

// Groups order the table and name its benchstat lines.
const (
	GroupLatency    = "latency"
	GroupThroughput = "throughput"
	GroupResources  = "resources"
	GroupFaults     = "faults"
	GroupSuite      = "suite"
	GroupEmulators  = "emulators"
)

// Results of a Row with a Target.
const (
	ResultPass         = "pass"
	ResultMiss         = "miss"
	ResultNotAvailable = "n/a"
)

// Table is the result of one benchmark run.
type Table struct {
	Machine  Machine   `json:"machine"`
	Settings string    `json:"settings"` // the knobs the run used, for reproducing it
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// LoadStart and LoadEnd are /proc/loadavg's 1, 5 and 15 minute figures
	// when the run started and ended: a busy machine skews every figure.
	LoadStart string `json:"loadStart,omitempty"`
	LoadEnd   string `json:"loadEnd,omitempty"`
	// Notes say how the run was made where that bears on its figures
	// (e.g. a section run in a network namespace of its own).
	Notes []string `json:"notes,omitempty"`
	Rows  []Row    `json:"rows"`
}

// Machine identifies where a Table was measured: figures only compare within
// one machine.
type Machine struct {
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	CPU        string `json:"cpu"`
	CPUs       int    `json:"cpus"` // what nproc reports
	GoMaxProcs int    `json:"gomaxprocs"`
	GoVersion  string `json:"goVersion"`
}

// Row is one figure of the table.
type Row struct {
	Group   string  `json:"group"`
	Measure string  `json:"measure"` // e.g. "added latency p50"
	Path    string  `json:"path"`    // how requests travelled: direct, reverse, forward, mitm, toxiproxy, ...
	Value   float64 `json:"value"`   // in Unit; meaningless when NotAvailable is set
	Unit    string  `json:"unit"`
	N       int     `json:"n,omitempty"`      // requests or samples behind the figure
	Detail  string  `json:"detail,omitempty"` // context printed after the value
	Target  *Target `json:"target,omitempty"`
	Result  string  `json:"result,omitempty"`
	// NotAvailable says why the figure could not be measured.
	NotAvailable string `json:"notAvailable,omitempty"`
}

// Target is a goal a figure is checked against.
type Target struct {
	AtMost bool    `json:"atMost"` // Value ≤ Limit passes; otherwise Value ≥ Limit passes
	Limit  float64 `json:"limit"`  // in the Row's Unit
	Note   string  `json:"note,omitempty"`
}

// AtMost is a target Value ≤ limit.
func AtMost(limit float64, note string) *Target {
	return &Target{AtMost: true, Limit: limit, Note: note}
}

// AtLeast is a target Value ≥ limit.
func AtLeast(limit float64, note string) *Target { return &Target{Limit: limit, Note: note} }

// Check returns ResultPass or ResultMiss for v.
func (t *Target) Check(v float64) string {
	if math.IsNaN(v) || (t.AtMost && v > t.Limit) || (!t.AtMost && v < t.Limit) {
		return ResultMiss
	}
	return ResultPass
}

// Add appends a row, settling its Result from its Target.
func (t *Table) Add(r Row) {
	switch {
	case r.NotAvailable != "":
		r.Value = 0
		if r.Target != nil {
			r.Result = ResultNotAvailable
		}
	case r.Target != nil:
		r.Result = r.Target.Check(r.Value)
	}
	t.Rows = append(t.Rows, r)
}

// Missed lists the rows whose target was missed.
func (t *Table) Missed() []Row {
	var out []Row
	for _, r := range t.Rows {
		if r.Result == ResultMiss {
			out = append(out, r)
		}
	}
	return out
}

// CurrentMachine describes the machine this process runs on.
func CurrentMachine() Machine {
	return Machine{
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
		CPU:        cpuModel(),
		CPUs:       runtime.NumCPU(),
		GoMaxProcs: runtime.GOMAXPROCS(0),
		GoVersion:  runtime.Version(),
	}
}

// LoadAverage returns the 1, 5 and 15 minute load averages, or "" when the
// system does not say.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// WriteText prints the table for people: one line per figure.
func (t *Table) WriteText(w io.Writer) error {
	m := t.Machine
	fmt.Fprintf(w, "kmsconform bench — %s, %d CPUs (%s), %s %s/%s\n", t.Started.UTC().Format(time.RFC3339), m.CPUs, m.CPU, m.GoVersion, m.OS, m.Arch)
	if t.Settings != "" {
		fmt.Fprintf(w, "settings: %s\n", t.Settings)
	}
	if t.LoadStart != "" || t.LoadEnd != "" {
		fmt.Fprintf(w, "load average (1/5/15 min): %s at start, %s at end\n", orUnknown(t.LoadStart), orUnknown(t.LoadEnd))
	}
	for _, n := range t.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GROUP\tMEASURE\tPATH\tVALUE\tN\tTARGET\tRESULT")
	for _, r := range t.Rows {
		value := formatValue(r.Value, r.Unit)
		if r.NotAvailable != "" {
			value = "not available: " + r.NotAvailable
		} else if r.Detail != "" {
			value += " (" + r.Detail + ")"
		}
		n := ""
		if r.N > 0 {
			n = fmt.Sprint(r.N)
		}
		target := ""
		if r.Target != nil {
			target = formatTarget(r.Target, r.Unit)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Group, r.Measure, r.Path, value, n, target, r.Result)
	}
	return tw.Flush()
}

// WriteJSON writes the table as indented JSON.
func (t *Table) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

// WriteBenchstat writes the table in the Go benchmark format that benchstat
// reads, one line per available figure, so runs can be compared with
// `benchstat old.txt new.txt`. Durations are written as ns/op (the op being
// one request, or one suite run), keeping benchstat's time scaling.
func (t *Table) WriteBenchstat(w io.Writer) error {
	m := t.Machine
	fmt.Fprintf(w, "goos: %s\ngoarch: %s\npkg: github.com/kmsconform/kmsconform/bench\ncpu: %s\n", m.OS, m.Arch, m.CPU)
	for _, r := range t.Rows {
		if r.NotAvailable != "" {
			continue
		}
		name := "Benchmark" + capitalize(r.Group) + "/" + slug(r.Measure) + "/path=" + slug(r.Path)
		if m.GoMaxProcs > 1 {
			name += fmt.Sprintf("-%d", m.GoMaxProcs)
		}
		n := max(r.N, 1)
		if _, err := fmt.Fprintf(w, "%s\t%d\t%s %s\n", name, n, benchstatNumber(r.Value), benchstatUnit(r.Unit)); err != nil {
			return err
		}
	}
	return nil
}

func benchstatUnit(unit string) string {
	switch unit {
	case UnitNanoseconds:
		return "ns/op"
	case UnitPercent:
		return "pct"
	}
	return unit
}

func benchstatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.4g", v)
}

// slug makes s usable inside a benchmark name: no spaces, no slashes that
// would split it into sub-benchmarks, no '=' that would make it a key.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func formatTarget(t *Target, unit string) string {
	op := "≥"
	if t.AtMost {
		op = "≤"
	}
	s := op + " " + formatValue(t.Limit, unit)
	if t.Note != "" {
		s += " " + t.Note
	}
	return s
}

func formatValue(v float64, unit string) string {
	switch unit {
	case UnitNanoseconds:
		return formatDuration(time.Duration(v))
	case UnitBytes:
		return fmt.Sprintf("%.1f MiB", v/(1<<20))
	case UnitPerSecond:
		return fmt.Sprintf("%.0f req/s", v)
	case UnitRatio:
		return fmt.Sprintf("%.2f×", v)
	case UnitPercent:
		return fmt.Sprintf("%.0f%%", v)
	}
	return fmt.Sprintf("%g %s", v, unit)
}

// formatDuration prints d with three significant digits in a unit people
// read at a glance (µs for proxy overhead, ms for delays, s for the suite).
func formatDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	var v float64
	var unit string
	switch {
	case d < time.Millisecond:
		v, unit = float64(d)/float64(time.Microsecond), "µs"
	case d < time.Second:
		v, unit = float64(d)/float64(time.Millisecond), "ms"
	default:
		v, unit = d.Seconds(), "s"
	}
	switch {
	case v >= 100:
		return fmt.Sprintf("%s%.0f %s", sign, v, unit)
	case v >= 10:
		return fmt.Sprintf("%s%.1f %s", sign, v, unit)
	}
	return fmt.Sprintf("%s%.2f %s", sign, v, unit)
}
