package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// Emulators the "emulators" section compares, each its own server process
// on a free loopback port, created and stopped by the run.
const (
	PeerReference = "reference" // kmsconform serve
	PeerLocalKMS  = "local-kms" // github.com/nsmithuk/local-kms
	PeerMoto      = "moto"      // moto_server
)

// LocalKMSModule is the local-kms version `make deps` installs with go install.
const LocalKMSModule = "github.com/nsmithuk/local-kms@v0.0.0-20260228092603-2a5e92d09ab6"

// Targets of the reference as an emulator (issue 17): the fastest peer by a
// margin, and far ahead of moto. Throughput ratios from the same run.
const (
	emulatorConcurrency = 8
	targetVsLocalKMS    = 1.25
	targetVsMoto        = 25.0
	// emulatorTurns cuts each peer's run of an operation into turns taken
	// round-robin across peers, so a burst of load from elsewhere on the
	// machine lands on every peer alike.
	emulatorTurns = 10
)

// The operations measured, in table order.
const (
	opEncrypt     = "Encrypt"
	opDecrypt     = "Decrypt"
	opDescribeKey = "DescribeKey"
)

var emulatorOps = []string{opEncrypt, opDecrypt, opDescribeKey, opSignECC, opSignRSA}

// emulatorPlaintext is what Encrypt sends: small, the size of a data key.
var emulatorPlaintext = bytes.Repeat([]byte{0x5a}, 32)

// peer is one emulator under load.
type peer struct {
	name string
	// start runs the server and returns its process (nil when it runs in
	// this process: no CPU figure then) and its endpoint.
	start func(ctx context.Context) (*process, Endpoint, error)

	proc        *process
	cl          *client
	keyID       string
	ciphertext  []byte            // Encrypt of emulatorPlaintext, made once, for Decrypt
	signKeys    map[string]string // a Sign row's signing key, by operation
	unavailable string            // why none of its operations is measured
	// opUnavailable is why one Sign row is not measured (by operation):
	// those rows use keys of their own, so the others stand.
	opUnavailable map[string]string
	runs          map[string]*peerRun // by operation
}

// peerRun is one peer's turns at one operation added up.
type peerRun struct {
	requests  int
	elapsed   time.Duration
	cpu       time.Duration // server process user+system time during the turns
	clientCPU time.Duration // this process's (the load generator's) likewise
	latencies []time.Duration
}

func (p *peer) fail(err error) {
	if p.unavailable == "" {
		p.unavailable = err.Error()
	}
}

func (p *peer) ok() bool { return p.unavailable == "" }

// failOp marks op alone as not measured, or the whole peer where op shares
// its key with the other operations.
func (p *peer) failOp(op string, err error) {
	if _, ok := signSpecOf(op); !ok {
		p.fail(err)
		return
	}
	if p.opUnavailable == nil {
		p.opUnavailable = map[string]string{}
	}
	if p.opUnavailable[op] == "" {
		p.opUnavailable[op] = err.Error()
	}
}

// reason is why op is not measured on p, or "".
func (p *peer) reason(op string) string {
	if p.unavailable != "" {
		return p.unavailable
	}
	return p.opUnavailable[op]
}

func (p *peer) close() {
	if p.cl != nil {
		p.cl.close()
	}
	if p.proc != nil {
		p.proc.stop()
	}
}

// call issues one request of op.
func (p *peer) call(ctx context.Context, op string) error {
	var err error
	switch op {
	case opEncrypt:
		_, err = p.cl.kms.Encrypt(ctx, &kms.EncryptInput{KeyId: &p.keyID, Plaintext: emulatorPlaintext})
	case opDecrypt:
		// No KeyId: the emulator finds the key from the blob, as most callers let it.
		var out *kms.DecryptOutput
		out, err = p.cl.kms.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: p.ciphertext})
		if err == nil && !bytes.Equal(out.Plaintext, emulatorPlaintext) {
			err = errors.New("the plaintext differs from the one encrypted")
		}
	case opDescribeKey:
		_, err = p.cl.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &p.keyID})
	default:
		spec, ok := signSpecOf(op)
		if !ok {
			return fmt.Errorf("no such operation %q", op)
		}
		// Checked once in prepareSign: checking every signature would load
		// the load generator, not the peer.
		_, err = p.sign(ctx, op, spec)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// prepare creates the peer's keys and ciphertext and warms its connections
// and code paths with every operation. A Sign row the peer cannot serve
// (or serves wrongly) is marked, not an error: its other rows stand.
func (p *peer) prepare(ctx context.Context) error {
	created, err := p.cl.kms.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("kmsconform bench")})
	if err != nil {
		return fmt.Errorf("CreateKey: %w", err)
	}
	p.keyID = aws.ToString(created.KeyMetadata.KeyId)
	enc, err := p.cl.kms.Encrypt(ctx, &kms.EncryptInput{KeyId: &p.keyID, Plaintext: emulatorPlaintext})
	if err != nil {
		return fmt.Errorf("Encrypt: %w", err)
	}
	p.ciphertext = enc.CiphertextBlob
	for _, op := range emulatorOps {
		if spec, ok := signSpecOf(op); ok {
			if err := p.prepareSign(ctx, op, spec); err != nil {
				p.failOp(op, err)
				continue
			}
		}
		_, err := runLoad(ctx, loadSpec{workers: emulatorConcurrency, maxRequests: 4 * emulatorConcurrency, maxDuration: time.Minute},
			func(ctx context.Context, _ int) error { return p.call(ctx, op) })
		if err != nil {
			if _, ok := signSpecOf(op); ok {
				p.failOp(op, fmt.Errorf("warm-up: %w", err))
				continue
			}
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	return nil
}

// emulatorPeers are the peers a run compares, started by their own binaries.
func (r *runner) emulatorPeers() []*peer {
	return []*peer{
		{name: PeerReference, start: r.startServe},
		{name: PeerLocalKMS, start: r.startLocalKMS},
		{name: PeerMoto, start: r.startMoto},
	}
}

// runEmulators runs the emulators section where local-kms, which binds every
// interface, sees loopback only (netns.go): in this process when netnsCommand
// started it, otherwise in a run of `kmsconform bench --only emulators` in a
// private network namespace, whose rows join this table. Where no namespace
// can be made, the reference and moto run here on 127.0.0.1 and local-kms's
// rows say why it was not run.
func (r *runner) runEmulators(ctx context.Context) {
	if startedInNetns() {
		if err := setUpNetns(); err != nil {
			r.localKMSBlocked = "not run: it listens on every network interface, and the network namespace the bench started it in is not loopback only: " + err.Error()
		} else {
			r.table.Notes = append(r.table.Notes, "emulators: peers and load generator in a private network namespace, loopback only ("+netnsDescription+")")
		}
		r.measureEmulators(ctx, r.emulatorPeers())
		return
	}
	err := r.emulatorsInNetns(ctx)
	if err == nil || ctx.Err() != nil {
		return
	}
	r.localKMSBlocked = "not run: it listens on every network interface, so the bench runs it only in a private network namespace, and none could be made here: " + err.Error()
	r.logf("emulators: local-kms %s", r.localKMSBlocked)
	r.logf("emulators: the reference and moto run in this process's network on 127.0.0.1")
	r.measureEmulators(ctx, r.emulatorPeers())
}

// netnsDescription names how the namespace is made, for notes and errors.
const netnsDescription = "unshare --net --map-root-user"

// emulatorsInNetns runs `kmsconform bench --only emulators` in a private
// network namespace and adds its rows and notes to r's table.
func (r *runner) emulatorsInNetns(ctx context.Context) error {
	if r.cfg.Binary == "" {
		return errors.New("no kmsconform binary to run in it")
	}
	if err := probeNetns(ctx); err != nil {
		return err
	}
	out := filepath.Join(r.cfg.WorkDir, "emulators")
	args := []string{"bench", "--only", SectionEmulators, "--emulators-duration", r.cfg.EmulatorsDuration.String(), "--out", out}
	if r.cfg.ProfileDir != "" {
		args = append(args, "--profile", r.cfg.ProfileDir)
	}
	cmd, err := netnsCommand(ctx, r.cfg.Binary, args...)
	if err != nil {
		return err
	}
	tail := &tailBuffer{max: 4 << 10}
	cmd.Stdout = io.Discard // its table is read from bench.json
	cmd.Stderr = io.MultiWriter(r.cfg.Progress, tail)
	r.logf("emulators: running 'kmsconform bench --only emulators' in a private network namespace (%s)", netnsDescription)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("kmsconform bench in the namespace: %w: %s", err, strings.TrimSpace(tail.String()))
	}
	f, err := os.Open(filepath.Join(out, "bench.json"))
	if err != nil {
		return fmt.Errorf("the namespace's bench wrote no table: %w", err)
	}
	defer f.Close()
	var t Table
	if err := json.NewDecoder(f).Decode(&t); err != nil {
		return fmt.Errorf("the namespace's bench.json: %w", err)
	}
	for _, row := range t.Rows {
		if row.Group == GroupEmulators {
			r.table.Rows = append(r.table.Rows, row) // results already settled
		}
	}
	r.table.Notes = append(r.table.Notes, t.Notes...)
	return nil
}

// measureEmulators drives Encrypt, Decrypt, DescribeKey and Sign (an
// ECC_NIST_P256 and an RSA_2048 key) at concurrency 8 against each peer
// for EmulatorsDuration, and adds their rows.
func (r *runner) measureEmulators(ctx context.Context, peers []*peer) {
	defer func() {
		for _, p := range peers {
			p.close()
		}
	}()
	for _, p := range peers {
		if ctx.Err() != nil {
			return
		}
		r.logf("emulators: starting %s", p.name)
		proc, ep, err := p.start(ctx)
		if err != nil {
			p.fail(err)
			continue
		}
		p.proc, p.cl = proc, newClient(ep, emulatorConcurrency, nil)
		if err := p.prepare(ctx); err != nil {
			p.fail(err)
		}
	}

	turn := r.cfg.EmulatorsDuration / emulatorTurns
	for _, op := range emulatorOps {
		r.logf("emulators: %s at concurrency %d, %v per peer", op, emulatorConcurrency, r.cfg.EmulatorsDuration)
		for _, p := range peers {
			if p.runs == nil {
				p.runs = map[string]*peerRun{}
			}
			p.runs[op] = &peerRun{}
		}
		for t := range emulatorTurns {
			for k := range peers {
				p := peers[(t+k)%len(peers)]
				if p.reason(op) != "" || ctx.Err() != nil {
					continue
				}
				if err := r.emulatorTurn(ctx, p, op, turn); err != nil {
					p.failOp(op, fmt.Errorf("%s at concurrency %d: %w", op, emulatorConcurrency, err))
				}
			}
		}
	}
	if ctx.Err() == nil {
		emulatorRows(r.table, peers)
	}
}

// emulatorTurn is one closed-loop turn of op against p, with the server's
// CPU time read around it.
func (r *runner) emulatorTurn(ctx context.Context, p *peer, op string, d time.Duration) error {
	var before ProcSample
	if p.proc != nil {
		var err error
		if before, err = SampleProcess(p.proc.pid()); err != nil {
			return err
		}
	}
	clientBefore, err := SampleProcess(os.Getpid())
	if err != nil {
		return err
	}
	// Room for 100,000 requests a second, far above any peer here, so the
	// duration, not the count, ends the turn.
	spec := loadSpec{workers: emulatorConcurrency, maxRequests: int(d.Seconds()*100_000) + 1, maxDuration: d, latencies: true}
	res, err := runLoad(ctx, spec, func(ctx context.Context, _ int) error { return p.call(ctx, op) })
	if err != nil {
		return err
	}
	run := p.runs[op]
	clientAfter, err := SampleProcess(os.Getpid())
	if err != nil {
		return err
	}
	run.clientCPU += clientAfter.CPU - clientBefore.CPU
	if p.proc != nil {
		after, err := SampleProcess(p.proc.pid())
		if err != nil {
			return err
		}
		run.cpu += after.CPU - before.CPU
	}
	run.requests += res.Requests
	run.elapsed += res.Elapsed
	run.latencies = append(run.latencies, res.Latencies...)
	return nil
}

// emulatorRows adds, per operation, each peer's throughput and server CPU
// per request, then the reference's throughput against each other peer's.
func emulatorRows(t *Table, peers []*peer) {
	byName := map[string]*peer{}
	for _, p := range peers {
		byName[p.name] = p
	}
	throughput := func(p *peer, op string) float64 {
		run := p.runs[op]
		if run == nil || run.elapsed <= 0 {
			return 0
		}
		return float64(run.requests) / run.elapsed.Seconds()
	}
	cpuPerRequest := func(p *peer, op string) (time.Duration, string) {
		run := p.runs[op]
		switch {
		case p.proc == nil:
			return 0, "runs in the bench process: no CPU time of its own"
		case run == nil || run.requests == 0:
			return 0, "no requests completed"
		}
		return run.cpu / time.Duration(run.requests), ""
	}
	for _, op := range emulatorOps {
		measure := fmt.Sprintf("%s throughput c=%d", op, emulatorConcurrency)
		for _, p := range peers {
			detail := ""
			var n int
			if run := p.runs[op]; run != nil && run.requests > 0 {
				s := Summarize(run.latencies)
				n = run.requests
				detail = fmt.Sprintf("p50 %s, p99 %s", formatDuration(s.P50), formatDuration(s.P99))
			}
			t.Add(Row{Group: GroupEmulators, Measure: measure, Path: p.name, Unit: UnitPerSecond, Value: throughput(p, op), N: n,
				Detail: detail, NotAvailable: p.reason(op)})
		}
		for _, p := range peers {
			reason := p.reason(op)
			cpu, why := cpuPerRequest(p, op)
			if reason == "" {
				reason = why
			}
			var n int
			detail := "user+system of the server process / requests"
			if run := p.runs[op]; run != nil && run.requests > 0 {
				n = run.requests
				detail += fmt.Sprintf("; the load generator's: %s", formatDuration(run.clientCPU/time.Duration(run.requests)))
			}
			t.Add(Row{Group: GroupEmulators, Measure: op + " server CPU per request", Path: p.name, Unit: UnitNanoseconds, Value: float64(cpu), N: n,
				Detail: detail, NotAvailable: reason})
		}
		ref := byName[PeerReference]
		if ref == nil {
			continue
		}
		for _, vs := range []struct {
			name  string
			limit float64
		}{{PeerLocalKMS, targetVsLocalKMS}, {PeerMoto, targetVsMoto}} {
			other := byName[vs.name]
			if other == nil {
				continue
			}
			reason := ""
			switch {
			case ref.reason(op) != "":
				reason = ref.name + ": " + ref.reason(op)
			case other.reason(op) != "":
				reason = other.name + ": " + other.reason(op)
			case throughput(other, op) <= 0:
				reason = other.name + " completed no requests"
			}
			ratio, detail := 0.0, ""
			if reason == "" {
				ratio = throughput(ref, op) / throughput(other, op)
				detail = fmt.Sprintf("%.0f vs %.0f req/s", throughput(ref, op), throughput(other, op))
				refCPU, _ := cpuPerRequest(ref, op)
				otherCPU, _ := cpuPerRequest(other, op)
				if refCPU > 0 && otherCPU > 0 {
					detail += fmt.Sprintf("; CPU per request %s vs %s", formatDuration(refCPU), formatDuration(otherCPU))
				}
			}
			t.Add(Row{Group: GroupEmulators, Measure: fmt.Sprintf("%s throughput vs %s", op, vs.name), Path: ref.name, Unit: UnitRatio,
				Value: ratio, Detail: detail, Target: AtLeast(vs.limit, "same run"), NotAvailable: reason})
		}
	}
}

// startServe runs `kmsconform serve` on a free loopback port.
func (r *runner) startServe(ctx context.Context) (*process, Endpoint, error) {
	if r.cfg.Binary == "" {
		return nil, Endpoint{}, errors.New("no kmsconform binary to run 'kmsconform serve'")
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, Endpoint{}, err
	}
	args := []string{"serve", "--addr", addr, "--region", region}
	if r.cfg.ProfileDir != "" {
		args = append(args, "--cpuprofile", filepath.Join(r.cfg.ProfileDir, "serve.cpu.pprof"))
	}
	return r.startPeerProcess(ctx, "kmsconform serve", r.cfg.Binary, args, nil, addr)
}

// startLocalKMS runs local-kms on a free port with its database in the
// scratch directory and no seed file. local-kms has no listen-address
// setting: it listens on every interface, on the port in $PORT, so it is
// started only in a private network namespace (runEmulators).
func (r *runner) startLocalKMS(ctx context.Context) (*process, Endpoint, error) {
	if r.localKMSBlocked != "" {
		return nil, Endpoint{}, errors.New(r.localKMSBlocked)
	}
	if r.cfg.LocalKMS == "" {
		return nil, Endpoint{}, errors.New(orDefault(r.cfg.LocalKMSMissing, "no local-kms binary"))
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, Endpoint{}, err
	}
	_, port, _ := strings.Cut(addr, ":")
	dir := filepath.Join(r.cfg.WorkDir, "local-kms")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, Endpoint{}, fmt.Errorf("local-kms data directory: %w", err)
	}
	env := []string{"PORT=" + port, "KMS_REGION=" + region, "KMS_ACCOUNT_ID=111122223333",
		"KMS_DATA_PATH=" + filepath.Join(dir, "data"), "KMS_SEED_PATH=" + filepath.Join(dir, "no-seed.yaml")}
	return r.startPeerProcess(ctx, "local-kms", r.cfg.LocalKMS, nil, env, addr)
}

// startMoto runs moto_server on a free loopback port.
func (r *runner) startMoto(ctx context.Context) (*process, Endpoint, error) {
	if r.cfg.Moto == "" {
		return nil, Endpoint{}, errors.New(orDefault(r.cfg.MotoMissing, "no moto_server binary"))
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, Endpoint{}, err
	}
	host, port, _ := strings.Cut(addr, ":")
	return r.startPeerProcess(ctx, "moto_server", r.cfg.Moto, []string{"-H", host, "-p", port}, nil, addr)
}

func (r *runner) startPeerProcess(ctx context.Context, name, bin string, args, env []string, addr string) (*process, Endpoint, error) {
	proc, err := startProcess(ctx, name, bin, args, env)
	if err != nil {
		return nil, Endpoint{}, err
	}
	// moto imports a great deal of Python before it listens.
	if err := proc.waitListening(ctx, addr, time.Minute); err != nil {
		proc.stop()
		return nil, Endpoint{}, err
	}
	return proc, Endpoint{URL: "http://" + addr}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ResolveLocalKMS finds the local-kms binary on PATH or where go install
// puts it ($GOBIN, else the bin directory of each $GOPATH entry).
func ResolveLocalKMS(ctx context.Context) (string, error) {
	if p, err := exec.LookPath("local-kms"); err == nil {
		return p, nil
	}
	var dirs []string
	if out, err := exec.CommandContext(ctx, "go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if gobin := strings.TrimSpace(lines[0]); gobin != "" {
			dirs = append(dirs, gobin)
		}
		if len(lines) > 1 {
			for _, gp := range filepath.SplitList(strings.TrimSpace(lines[1])) {
				dirs = append(dirs, filepath.Join(gp, "bin"))
			}
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, "local-kms")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	where := "on PATH"
	if len(dirs) > 0 {
		where += " nor in " + strings.Join(dirs, " or ")
	}
	return "", fmt.Errorf("local-kms is not %s; install it with 'make deps' (go install %s)", where, LocalKMSModule)
}

// ResolveMoto finds moto_server: pyenv's, as `make conform-moto` uses, else PATH's.
func ResolveMoto(ctx context.Context) (string, error) {
	var why []string
	if out, err := exec.CommandContext(ctx, "pyenv", "which", "moto_server").Output(); err == nil {
		if p := strings.TrimSpace(string(out)); p != "" {
			return p, nil
		}
	} else {
		why = append(why, "pyenv which moto_server: "+err.Error())
	}
	p, err := exec.LookPath("moto_server")
	if err == nil {
		return p, nil
	}
	why = append(why, "not on PATH")
	return "", fmt.Errorf("moto_server not found (%s); install it with pip install 'moto[server]'", strings.Join(why, "; "))
}
