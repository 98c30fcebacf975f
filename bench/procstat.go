package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of utime and stime in /proc/<pid>/stat (USER_HZ,
// 100 on every Linux architecture Go supports).
const clockTick = 10 * time.Millisecond

// ProcSample is what Linux reports about a process at one moment.
type ProcSample struct {
	CPU  time.Duration // user + system time so far, all threads, exited ones included
	RSS  int64         // resident set size now, bytes (VmRSS)
	Peak int64         // peak resident set size, bytes (VmHWM)
}

// SampleProcess reads /proc/<pid>/stat and /proc/<pid>/status.
func SampleProcess(pid int) (ProcSample, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ProcSample{}, fmt.Errorf("read process stat: %w", err)
	}
	cpu, err := parseStatCPU(string(stat))
	if err != nil {
		return ProcSample{}, fmt.Errorf("process %d: %w", pid, err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ProcSample{}, fmt.Errorf("read process status: %w", err)
	}
	s := ProcSample{CPU: cpu}
	if s.RSS, err = statusKiB(string(status), "VmRSS"); err != nil {
		return ProcSample{}, fmt.Errorf("process %d: %w", pid, err)
	}
	if s.Peak, err = statusKiB(string(status), "VmHWM"); err != nil {
		return ProcSample{}, fmt.Errorf("process %d: %w", pid, err)
	}
	return s, nil
}

// parseStatCPU returns utime+stime from a /proc/<pid>/stat line. The command
// name (field 2) may hold spaces and parentheses, so fields are counted from
// the last ')'.
func parseStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed stat %q", stat)
	}
	fields := strings.Fields(stat[i+1:])
	// fields[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(fields) < 13 {
		return 0, fmt.Errorf("stat has %d fields after the command name, want ≥ 13", len(fields))
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat cpu field %q: %w", f, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}

// statusKiB returns the named "Key:   123 kB" line of /proc/<pid>/status in bytes.
func statusKiB(status, key string) (int64, error) {
	for line := range strings.Lines(status) {
		rest, ok := strings.CutPrefix(line, key+":")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("status line %q: want a kB figure", strings.TrimSpace(line))
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("status line %q: %w", strings.TrimSpace(line), err)
		}
		return n << 10, nil
	}
	return 0, fmt.Errorf("status has no %s line", key)
}
