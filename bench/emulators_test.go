package bench

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kmsconform/kmsconform/reference"
)

// inProcessPeer serves h on loopback in this process (so it has no CPU
// figure of its own) as a peer named name.
func inProcessPeer(t *testing.T, name string, h http.Handler) *peer {
	t.Helper()
	return &peer{name: name, start: func(context.Context) (*process, Endpoint, error) {
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		addr := serveOn(t, srv)
		return nil, Endpoint{URL: "http://" + addr}, nil
	}}
}

func serveOn(t *testing.T, srv *http.Server) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

func newReferenceHandler(t *testing.T) http.Handler {
	t.Helper()
	svc, err := reference.New(reference.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// garbledDecrypt answers Decrypt with a plaintext other than the one
// encrypted, and everything else as the reference does.
type garbledDecrypt struct{ next http.Handler }

func (g garbledDecrypt) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "TrentService.Decrypt" {
		g.next.ServeHTTP(w, r)
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, _ = io.WriteString(w, `{"KeyId":"k","Plaintext":"d3Jvbmc=","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}`)
}

func TestMeasureEmulators(t *testing.T) {
	r := &runner{cfg: Config{EmulatorsDuration: 200 * time.Millisecond}.withDefaults(), table: &Table{}}
	peers := []*peer{
		inProcessPeer(t, PeerReference, newReferenceHandler(t)),
		inProcessPeer(t, PeerLocalKMS, garbledDecrypt{next: newReferenceHandler(t)}),
		{name: PeerMoto, start: func(context.Context) (*process, Endpoint, error) {
			return nil, Endpoint{}, errors.New("moto_server not found")
		}},
	}
	r.measureEmulators(context.Background(), peers)

	rows := map[string]Row{}
	for _, row := range r.table.Rows {
		if row.Group != GroupEmulators {
			t.Errorf("row %q in group %q, want %q", row.Measure, row.Group, GroupEmulators)
		}
		rows[row.Measure+"/"+row.Path] = row
	}
	if want := len(emulatorOps) * (3 + 3 + 2); len(r.table.Rows) != want {
		t.Errorf("%d rows, want %d", len(r.table.Rows), want)
	}
	// The Sign rows are TestEmulatorSignRows's: whether the reference signs
	// depends on the branch.
	for _, op := range []string{opEncrypt, opDecrypt, opDescribeKey} {
		ref := rows[op+" throughput c=8/"+PeerReference]
		if ref.NotAvailable != "" || ref.Value <= 0 || ref.N == 0 || !strings.Contains(ref.Detail, "p99") {
			t.Errorf("%s reference throughput row = %+v, want a figure with its percentiles", op, ref)
		}
		// The reference runs in this process here: no CPU figure, and the row says why.
		if cpu := rows[op+" server CPU per request/"+PeerReference]; !strings.Contains(cpu.NotAvailable, "bench process") {
			t.Errorf("%s reference CPU row = %+v, want it not available for want of a process", op, cpu)
		}
		moto := rows[op+" throughput vs moto/"+PeerReference]
		if moto.Result != ResultNotAvailable || !strings.Contains(moto.NotAvailable, "moto_server not found") {
			t.Errorf("%s vs moto = %+v, want n/a naming why moto is missing", op, moto)
		}
	}
	for _, op := range emulatorOps {
		if moto := rows[op+" throughput c=8/"+PeerMoto]; !strings.Contains(moto.NotAvailable, "moto_server not found") {
			t.Errorf("%s moto throughput = %+v, want n/a naming why moto is missing", op, moto)
		}
		if vs := rows[op+" throughput vs moto/"+PeerReference]; vs.Result != ResultNotAvailable {
			t.Errorf("%s vs moto = %+v, want n/a", op, vs)
		}
	}
	// A peer that answers Decrypt wrongly is not measured from then on:
	// its figures would be of a different operation.
	for _, key := range []string{"Decrypt throughput c=8/" + PeerLocalKMS, "DescribeKey throughput c=8/" + PeerLocalKMS} {
		if got := rows[key].NotAvailable; !strings.Contains(got, "plaintext differs") {
			t.Errorf("%s: not available = %q, want the wrong plaintext named", key, got)
		}
	}
	if row := rows["Encrypt throughput vs local-kms/"+PeerReference]; row.Result != ResultNotAvailable {
		t.Errorf("Encrypt vs local-kms = %+v: the peer failed during warm-up, so no ratio", row)
	}
}

func TestEmulatorRatioTargets(t *testing.T) {
	// 1 s of each operation per peer, with the given requests.
	run := func(requests int, cpu time.Duration) map[string]*peerRun {
		m := map[string]*peerRun{}
		for _, op := range emulatorOps {
			m[op] = &peerRun{requests: requests, elapsed: time.Second, cpu: cpu * time.Duration(requests)}
		}
		return m
	}
	proc := &process{}
	for _, tt := range []struct {
		name              string
		ref, local, moto  int
		wantLocal, wantMo string
	}{
		{"both met", 5000, 4000, 200, ResultPass, ResultPass},
		{"barely ahead of local-kms", 5000, 4100, 200, ResultMiss, ResultPass},
		{"too close to moto", 5000, 3000, 201, ResultPass, ResultMiss},
		{"slower than local-kms", 3000, 4000, 100, ResultMiss, ResultPass},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tab := &Table{}
			emulatorRows(tab, []*peer{
				{name: PeerReference, proc: proc, runs: run(tt.ref, 80*time.Microsecond)},
				{name: PeerLocalKMS, proc: proc, runs: run(tt.local, 120*time.Microsecond)},
				{name: PeerMoto, proc: proc, runs: run(tt.moto, 4*time.Millisecond)},
			})
			for _, row := range tab.Rows {
				var want string
				switch {
				case strings.HasSuffix(row.Measure, "vs "+PeerLocalKMS):
					want = tt.wantLocal
				case strings.HasSuffix(row.Measure, "vs "+PeerMoto):
					want = tt.wantMo
				case strings.HasSuffix(row.Measure, "CPU per request"):
					if row.NotAvailable != "" || row.Value <= 0 {
						t.Errorf("%s %s = %+v, want a CPU figure", row.Measure, row.Path, row)
					}
					continue
				default:
					continue
				}
				if row.Result != want {
					t.Errorf("%s: %.2f× → %s, want %s", row.Measure, row.Value, row.Result, want)
				}
			}
		})
	}
}

func TestResolveLocalKMS(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	t.Setenv("GOBIN", "")
	if _, err := ResolveLocalKMS(context.Background()); err == nil || !strings.Contains(err.Error(), "make deps") {
		t.Errorf("no local-kms anywhere: err = %v, want one saying how to install it", err)
	}
	bin := filepath.Join(dir, "local-kms")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := ResolveLocalKMS(context.Background()); err != nil || got != bin {
		t.Errorf("ResolveLocalKMS = %q, %v; want %q", got, err, bin)
	}
}

// TestMakeDepsInstallsLocalKMS: the version the error message tells people
// to install is the one `make deps` installs.
func TestMakeDepsInstallsLocalKMS(t *testing.T) {
	mk, err := os.ReadFile(filepath.Join("..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mk), "LOCAL_KMS ?= "+LocalKMSModule+"\n") {
		t.Errorf("the Makefile's LOCAL_KMS is not %s", LocalKMSModule)
	}
}

// signer answers Sign and GetPublicKey with Go's crypto, a key of its own
// per KeyId, and everything else as the reference does: a peer that signs,
// whether or not the reference does yet. wrong signs another message.
type signer struct {
	next  http.Handler
	wrong bool

	mu   sync.Mutex
	keys map[string]crypto.Signer
}

func (s *signer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	if op != "Sign" && op != "GetPublicKey" {
		s.next.ServeHTTP(w, r)
		return
	}
	var in struct {
		KeyId            string
		Message          []byte
		SigningAlgorithm string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out, err := s.answer(op, in.KeyId, in.SigningAlgorithm, in.Message)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": "KMSInternalException", "message": err.Error()})
		return
	}
	_ = json.NewEncoder(w).Encode(out)
}

func (s *signer) answer(op, keyID, algorithm string, msg []byte) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[string]crypto.Signer{}
	}
	k := s.keys[keyID]
	if op == "GetPublicKey" {
		if k == nil {
			return nil, errors.New("no such key")
		}
		der, err := x509.MarshalPKIXPublicKey(k.Public())
		return map[string]any{"KeyId": keyID, "PublicKey": der, "KeyUsage": "SIGN_VERIFY"}, err
	}
	opts := crypto.SignerOpts(crypto.SHA256)
	if k == nil {
		var err error
		if strings.HasPrefix(algorithm, "ECDSA") {
			k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		} else {
			k, err = rsa.GenerateKey(rand.Reader, 2048)
		}
		if err != nil {
			return nil, err
		}
		s.keys[keyID] = k
	}
	if s.wrong {
		msg = append([]byte("not "), msg...)
	}
	digest := sha256.Sum256(msg)
	sig, err := k.Sign(rand.Reader, digest[:], opts)
	return map[string]any{"KeyId": keyID, "Signature": sig, "SigningAlgorithm": algorithm}, err
}

// unknownSign answers Sign as an emulator that does not implement it.
type unknownSign struct{ next http.Handler }

func (u unknownSign) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "TrentService.Sign" {
		u.next.ServeHTTP(w, r)
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = io.WriteString(w, `{"__type":"UnknownOperationException"}`)
}

// A peer that signs is measured; one whose signatures do not verify with
// its public key, or that does not implement Sign, gets Sign rows saying
// so, and its other rows stand.
func TestEmulatorSignRows(t *testing.T) {
	r := &runner{cfg: Config{EmulatorsDuration: 100 * time.Millisecond}.withDefaults(), table: &Table{}}
	peers := []*peer{
		inProcessPeer(t, PeerReference, &signer{next: newReferenceHandler(t)}),
		inProcessPeer(t, PeerLocalKMS, &signer{next: newReferenceHandler(t), wrong: true}),
		inProcessPeer(t, PeerMoto, unknownSign{next: newReferenceHandler(t)}),
	}
	r.measureEmulators(context.Background(), peers)

	rows := map[string]Row{}
	for _, row := range r.table.Rows {
		rows[row.Measure+"/"+row.Path] = row
	}
	for _, op := range []string{opSignECC, opSignRSA} {
		// Measured, not refused; with 10 ms turns, an RSA signature under
		// the race detector may not come back within one, so only the ECC
		// row must hold a figure.
		ref := rows[op+" throughput c=8/"+PeerReference]
		if ref.NotAvailable != "" || op == opSignECC && (ref.Value <= 0 || ref.N == 0) {
			t.Errorf("%s reference throughput = %+v, want a figure", op, ref)
		}
		if local := rows[op+" throughput c=8/"+PeerLocalKMS]; !strings.Contains(local.NotAvailable, "does not verify") {
			t.Errorf("%s of a peer that signs wrongly = %+v, want n/a saying its signature does not verify", op, local)
		}
		if moto := rows[op+" throughput c=8/"+PeerMoto]; !strings.Contains(moto.NotAvailable, "does not implement Sign") {
			t.Errorf("%s of a peer without Sign = %+v, want n/a saying it does not implement Sign", op, moto)
		}
		if vs := rows[op+" throughput vs local-kms/"+PeerReference]; vs.Result != ResultNotAvailable || !strings.Contains(vs.NotAvailable, "does not verify") {
			t.Errorf("%s vs local-kms = %+v, want n/a naming the wrong signature", op, vs)
		}
	}
	for _, p := range []string{PeerLocalKMS, PeerMoto} {
		if row := rows["Encrypt throughput c=8/"+p]; row.NotAvailable != "" || row.Value <= 0 {
			t.Errorf("%s Encrypt throughput = %+v: a Sign row that is n/a leaves the others standing", p, row)
		}
	}
}

func TestCheckSignature(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256(signMessage)
	sig, err := ecdsa.SignASN1(rand.Reader, k, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	ecc, _ := signSpecOf(opSignECC)
	rsaSpec, _ := signSpecOf(opSignRSA)
	for _, tc := range []struct {
		name string
		spec signSpec
		der  []byte
		msg  []byte
		want string // "" when it verifies
	}{
		{"good", ecc, der, signMessage, ""},
		{"another message", ecc, der, []byte("another"), "does not verify"},
		{"an ECC key for RSA", rsaSpec, der, signMessage, "not a 2048-bit RSA key"},
		{"no DER", ecc, []byte("kmsconform"), signMessage, "no DER public key"},
	} {
		err := checkSignature(tc.spec, tc.der, tc.msg, sig)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: checkSignature = %v, want %q", tc.name, err, tc.want)
		}
	}
}
