package bench

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// netnsChildMode tells TestNetnsChild, run again by TestNetnsReexec in a new
// namespace, what to do: "up" sets the namespace up as the bench does,
// "as-is" only looks at it.
const netnsChildMode = "KMSCONFORM_TEST_NETNS_CHILD"

// TestNetnsReexec: the command netnsCommand makes runs its program in a
// network namespace other than this one, where setUpNetns brings lo up and
// leaves loopback as the only interface, so a server on 127.0.0.1 answers.
// Without setUpNetns, the fresh namespace's lo is down and loopbackOnly
// says so.
func TestNetnsReexec(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := probeNetns(ctx); err != nil {
		t.Skipf("no private network namespace on this machine: %v", err)
	}
	ours, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"up", "as-is"} {
		t.Run(mode, func(t *testing.T) {
			cmd, err := netnsCommand(ctx, os.Args[0], "-test.run=^TestNetnsChild$", "-test.v", "-test.count=1")
			if err != nil {
				t.Fatal(err)
			}
			cmd.Env = append(cmd.Env, netnsChildMode+"="+mode)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			got := string(out)
			if !strings.Contains(got, "netns=net:[") || strings.Contains(got, "netns="+ours) {
				t.Errorf("the child did not run in a namespace of its own (ours is %s):\n%s", ours, got)
			}
			want := map[string]string{"up": "loopback=ok served=ok", "as-is": "loopback=loopback interface down: lo"}[mode]
			if !strings.Contains(got, want) {
				t.Errorf("child output lacks %q:\n%s", want, got)
			}
		})
	}
}

// TestNetnsChild is TestNetnsReexec's child; run on its own it skips.
func TestNetnsChild(t *testing.T) {
	mode := os.Getenv(netnsChildMode)
	if mode == "" || !startedInNetns() {
		t.Skip("run by TestNetnsReexec in a namespace of its own")
	}
	ns, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	check := loopbackOnly
	if mode == "up" {
		check = setUpNetns
	}
	status := "ok"
	if err := check(); err != nil {
		status = err.Error()
	}
	served := "no"
	if l, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		go func() {
			if c, err := l.Accept(); err == nil {
				c.Close()
			}
		}()
		if c, err := net.DialTimeout("tcp", l.Addr().String(), 5*time.Second); err == nil {
			served = "ok"
			c.Close()
		}
		l.Close()
	}
	t.Logf("netns=%s loopback=%s served=%s", ns, status, served)
}

// TestLoopbackOnlyHere: where this process's network has an interface
// other than loopback, loopbackOnly names it, so local-kms would not be
// started here.
func TestLoopbackOnlyHere(t *testing.T) {
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	var other string
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback == 0 {
			other = i.Name
		}
	}
	if other == "" {
		t.Skip("this network has loopback only")
	}
	if err := loopbackOnly(); err == nil || !strings.Contains(err.Error(), other) {
		t.Errorf("loopbackOnly() = %v, want an error naming %s", err, other)
	}
}

// TestNoNetnsBlocksLocalKMS: where unshare cannot be run, local-kms is not
// started (it would listen on every interface) and its rows say why, while
// the reference and moto are still measured.
func TestNoNetnsBlocksLocalKMS(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no unshare
	t.Setenv(netnsEnv, "")
	r := &runner{cfg: Config{Binary: "/nonexistent/kmsconform", LocalKMS: "/nonexistent/local-kms", EmulatorsDuration: 100 * time.Millisecond}.withDefaults(), table: &Table{}}
	if err := r.emulatorsInNetns(context.Background()); err == nil || !strings.Contains(err.Error(), "unshare") {
		t.Fatalf("emulatorsInNetns = %v, want an error naming unshare", err)
	}
	r.runEmulators(context.Background())
	if !strings.Contains(r.localKMSBlocked, "every network interface") || !strings.Contains(r.localKMSBlocked, "unshare") {
		t.Fatalf("localKMSBlocked = %q, want why local-kms is not run", r.localKMSBlocked)
	}
	var local int
	for _, row := range r.table.Rows {
		if row.Path != PeerLocalKMS {
			continue
		}
		local++
		if !strings.Contains(row.NotAvailable, "not run: it listens on every network interface") {
			t.Errorf("%s: not available = %q, want it not run and why", row.Measure, row.NotAvailable)
		}
	}
	if local == 0 {
		t.Error("no local-kms rows")
	}
}
