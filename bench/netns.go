package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
)

// The emulators section runs where loopback is the only network: local-kms
// has no listen-address setting and binds every interface, and the project
// may listen on loopback only. A private network namespace holds just lo, so
// "every interface" is loopback. The bench makes one by running itself again
// under util-linux's unshare, new network and user namespaces (the user
// namespace maps the caller to root inside, so no privilege is needed where
// the kernel allows unprivileged namespaces). The peers and the load
// generator all run in it.

// netnsEnv is set to "1" in a process the bench started in a network
// namespace of its own: it brings that namespace's loopback up (setUpNetns).
const netnsEnv = "KMSCONFORM_BENCH_NETNS"

// unshareArgs make the namespaces; the command to run follows "--".
var unshareArgs = []string{"--net", "--map-root-user", "--"}

// netnsCommand returns a command that runs bin with args in new network and
// user namespaces, marked (netnsEnv) to set up its loopback first.
func netnsCommand(ctx context.Context, bin string, args ...string) (*exec.Cmd, error) {
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		return nil, fmt.Errorf("unshare (util-linux) is not on PATH: %w", err)
	}
	cmd := exec.CommandContext(ctx, unshare, append(append(unshareArgs[:len(unshareArgs):len(unshareArgs)], bin), args...)...)
	cmd.Env = append(os.Environ(), netnsEnv+"=1")
	return cmd, nil
}

// probeNetns checks that this machine lets the bench make the namespaces,
// by running true in them; the error says why not.
func probeNetns(ctx context.Context) error {
	cmd, err := netnsCommand(ctx, "true")
	if err != nil {
		return err
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("unshare %s true: %w: %s", strings.Join(unshareArgs[:len(unshareArgs)-1], " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// startedInNetns reports whether netnsCommand started this process.
func startedInNetns() bool { return os.Getenv(netnsEnv) == "1" }

// setUpNetns brings up the loopback interface of the fresh namespace this
// process runs in (it starts down) and checks that loopback is all there is.
func setUpNetns() error {
	if err := loopbackUp(); err != nil {
		return fmt.Errorf("bring lo up: %w", err)
	}
	return loopbackOnly()
}

// loopbackOnly returns nil when every network interface this process sees
// is a loopback interface that is up, and otherwise says what else there is.
func loopbackOnly() error {
	ifs, err := net.Interfaces()
	if err != nil {
		return fmt.Errorf("list network interfaces: %w", err)
	}
	var others, down []string
	for _, i := range ifs {
		switch {
		case i.Flags&net.FlagLoopback == 0:
			others = append(others, i.Name)
		case i.Flags&net.FlagUp == 0:
			down = append(down, i.Name)
		}
	}
	switch {
	case len(others) > 0:
		return fmt.Errorf("interfaces other than loopback: %s", strings.Join(others, ", "))
	case len(down) > 0:
		return fmt.Errorf("loopback interface down: %s", strings.Join(down, ", "))
	case len(ifs) == 0:
		return errors.New("no network interface at all")
	}
	return nil
}
