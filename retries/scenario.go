package retries

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	core "github.com/kmsconform/kmsconform/scenario"

	"github.com/kmsconform/kmsconform/clients"
	"github.com/kmsconform/kmsconform/proxy"
	"github.com/kmsconform/kmsconform/proxy/journal"
)

// callBudget bounds the call under test, retries and backoffs included: the
// slowest documented case (botocore legacy, 5 attempts) waits under 15 s.
const callBudget = 2 * time.Minute

// scenario is one retry scenario's state; Register makes one per scenario,
// on the core's scenario, which holds its result, skip, findings and
// cleanup.
type scenario struct {
	suite *Suite
	core  *core.Scenario

	client string
	policy Policy
	caller interface {
		Call(ctx context.Context, req clients.Request) (clients.Outcome, error)
	}

	proxy    *proxy.Proxy
	server   *http.Server
	proxyURL string

	fault   Fault
	faultOp string
	keyID   string
	storeID string
	outcome clients.Outcome
	entries []journal.Entry
	called  bool
	quota   *quotaResult
	// stall is the worst scheduling delay seen during the calls (see monitorStalls).
	stall time.Duration
	// runs are the calls made, in order; entries and outcome are the last one's.
	runs []run
	// plan is set when the scenario repeats its call for the wait check.
	plan *waitPlan
	// allow is the client's allowance, once taken (see allowance).
	allow *Allowance
}

// run is one call under test: what the proxy saw and what the client said.
type run struct {
	entries []journal.Entry
	outcome clients.Outcome
}

// record changes the scenario's evidence.
func (st *scenario) record(fn func(*Record)) { st.suite.evidence.update(st.core.ID(), fn) }

// finding attaches a note to the scenario's result.
func (st *scenario) finding(format string, args ...any) { st.core.Finding(format, args...) }

func (st *scenario) givenClient(ctx context.Context, name string) error {
	return st.useClient(ctx, name, false)
}

// givenClient2026 hands the client AWS_NEW_RETRIES_2026=true: every client,
// the Go SDK included, runs as a driver process with an environment of its own.
func (st *scenario) givenClient2026(ctx context.Context, name string) error {
	return st.useClient(ctx, name, true)
}

func (st *scenario) useClient(ctx context.Context, name string, new2026 bool) error {
	p, err := st.suite.policy(name, new2026)
	if err != nil {
		return err
	}
	st.client, st.policy = name, p
	st.record(func(r *Record) { r.Client, r.Policy = name, p })
	// Noted once the client is known to run: a skipped scenario has no findings.
	noteRules := func() {
		switch {
		case new2026 && p.Rules != rules2026:
			st.finding("%s ignores AWS_NEW_RETRIES_2026=true: the pinned version predates it, so its documentation is still %s mode with the pre-2026 rules", name, p.Mode)
		case !new2026 && p.Rules == rules2026:
			st.finding("%s applies the 2026 retry rules without AWS_NEW_RETRIES_2026: %s", name, p.Source)
		}
	}
	if err := st.startProxy(); err != nil {
		return err
	}
	find, ok := st.suite.installed[name]
	if !ok {
		return fmt.Errorf("no driver for client %q", name)
	}
	inst, err := find()
	if err != nil {
		var missing *clients.NotInstalledError
		if errors.As(err, &missing) && !st.suite.env.RequireClients {
			return st.core.Skip("%v", err)
		}
		return err
	}
	creds, err := st.suite.env.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("credentials for the %s driver: %w", name, err)
	}
	dir, err := os.MkdirTemp("", "kmsconform-retries-")
	if err != nil {
		return fmt.Errorf("driver directory: %w", err)
	}
	st.core.Cleanup = append(st.core.Cleanup, func(context.Context) error { return os.RemoveAll(dir) })
	var extra []string
	if creds.SessionToken != "" {
		extra = append(extra, "AWS_SESSION_TOKEN="+creds.SessionToken)
	}
	if new2026 {
		extra = append(extra, "AWS_NEW_RETRIES_2026=true")
	}
	env, err := clients.Environ(clients.Settings{
		AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey,
		Region: st.suite.env.Region, Extra: extra,
	}, dir)
	if err != nil {
		return err
	}
	st.caller = inst.Driver(env)
	st.record(func(r *Record) { r.ClientVersion = inst.Version })
	st.suite.versions.Store(name, inst.Version)
	noteRules()
	return nil
}

// startProxy puts a proxy of the scenario's own in front of the endpoint:
// its journal holds exactly the attempts of the call under test, however
// the client identifies them.
func (st *scenario) startProxy() error {
	p, err := proxy.New(proxy.Config{
		Upstream:    st.suite.endpoint,
		UpstreamTLS: st.suite.env.UpstreamTLS,
		Journal:     journal.New(journal.Options{Capacity: 4096}),
	})
	if err != nil {
		return fmt.Errorf("starting the scenario's proxy: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = p.Close()
		return fmt.Errorf("starting the scenario's proxy: %w", err)
	}
	st.proxy, st.proxyURL = p, "http://"+ln.Addr().String()
	st.server = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = st.server.Serve(ln) }()
	st.core.Cleanup = append(st.core.Cleanup, func(ctx context.Context) error {
		_ = p.Close() // ends held requests, so Shutdown does not wait on them
		return st.server.Shutdown(ctx)
	})
	return nil
}

func (st *scenario) givenFault(name, operation string) error {
	if st.proxy == nil {
		return errors.New("no client under test yet")
	}
	f, err := lookupFault(name)
	if err != nil {
		return err
	}
	if _, err := st.proxy.Rules().Add(st.suite.rule(f, operation)); err != nil {
		return fmt.Errorf("adding the %s rule: %w", name, err)
	}
	st.fault, st.faultOp = f, operation
	st.record(func(r *Record) { r.Fault, r.Operation = name, operation })
	return nil
}

// givenNothingExists makes the call under test name a KMS key and a custom
// key store that do not exist: when the injected fault answers every
// attempt, the endpoint never sees the call, and should the fault not
// apply, the endpoint refuses it rather than change anything.
func (st *scenario) givenNothingExists() error {
	st.keyID, st.storeID = core.MissingKeyID(), core.MissingStoreID()
	return nil
}

// madeUpBlob ("kmsconform", base64) stands for a binary member no endpoint
// issued: a ciphertext, an import token or wrapped key material, which it
// cannot decrypt or import; as plaintext, it is no secret.
const madeUpBlob = "a21zY29uZm9ybQ=="

// Made-up grant and policy members: the calls that carry them name a key that
// does not exist, so they change nothing should the fault not apply.
const (
	madeUpPrincipal = "arn:aws:iam::111122223333:root"
	madeUpGrantID   = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	madeUpPolicy    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`
)

// madeUpAlias is an alias name no endpoint holds.
func madeUpAlias() string { return "alias/kmsconform-retries-" + core.RandomHex(8) }

// madeUpPublicKey is the DER SubjectPublicKeyInfo (base64) of a fresh P-256
// key whose private half is dropped: a well-formed peer key for
// DeriveSharedSecret that no endpoint holds.
func madeUpPublicKey() (string, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", fmt.Errorf("making a peer public key: %w", err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return "", fmt.Errorf("making a peer public key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(der), nil
}

// input builds the call under test's input from what the scenario set up.
func (st *scenario) input(operation string) (map[string]any, error) {
	var missing error
	key := func() string {
		if st.keyID == "" {
			missing = errors.New("the scenario has no KMS key")
		}
		return st.keyID
	}
	store := func() string {
		if st.storeID == "" {
			missing = errors.New("the scenario has no custom key store")
		}
		return st.storeID
	}
	var in map[string]any
	switch operation {
	case "DescribeKey", "DeleteImportedKeyMaterial", "CancelKeyDeletion", "EnableKey", "DisableKey",
		"EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus", "RotateKeyOnDemand", "ListKeyRotations", "GetKeyLastUsage":
		in = map[string]any{"KeyId": key()}
	case "ScheduleKeyDeletion":
		in = map[string]any{"KeyId": key(), "PendingWindowInDays": 7}
	case "GetParametersForImport":
		in = map[string]any{"KeyId": key(), "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}
	case "ImportKeyMaterial":
		// Made-up token and material: no endpoint could import them.
		in = map[string]any{"KeyId": key(), "ImportToken": madeUpBlob, "EncryptedKeyMaterial": madeUpBlob,
			"ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}
	case "GenerateRandom":
		in = map[string]any{"NumberOfBytes": 32}
	case "Encrypt":
		in = map[string]any{"KeyId": key(), "Plaintext": madeUpBlob}
	case "Decrypt":
		in = map[string]any{"KeyId": key(), "CiphertextBlob": madeUpBlob}
	case "ReEncrypt":
		in = map[string]any{"CiphertextBlob": madeUpBlob, "SourceKeyId": key(), "DestinationKeyId": key()}
	case "GenerateDataKey", "GenerateDataKeyWithoutPlaintext":
		in = map[string]any{"KeyId": key(), "KeySpec": "AES_256"}
	case "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext":
		// ECC: should the fault not apply, an endpoint that makes the pair
		// before it looks the key up spends little on it.
		in = map[string]any{"KeyId": key(), "KeyPairSpec": "ECC_NIST_P256"}
	case "Sign":
		in = map[string]any{"KeyId": key(), "Message": madeUpBlob, "SigningAlgorithm": "ECDSA_SHA_256"}
	case "Verify":
		in = map[string]any{"KeyId": key(), "Message": madeUpBlob, "Signature": madeUpBlob, "SigningAlgorithm": "ECDSA_SHA_256"}
	case "GetPublicKey":
		in = map[string]any{"KeyId": key()}
	case "GenerateMac":
		in = map[string]any{"KeyId": key(), "Message": madeUpBlob, "MacAlgorithm": "HMAC_SHA_256"}
	case "VerifyMac":
		in = map[string]any{"KeyId": key(), "Message": madeUpBlob, "Mac": madeUpBlob, "MacAlgorithm": "HMAC_SHA_256"}
	case "DeriveSharedSecret":
		// A real public key, so that without the fault the call is refused
		// for its key, not for the form of the peer's key.
		pub, err := madeUpPublicKey()
		if err != nil {
			return nil, err
		}
		in = map[string]any{"KeyId": key(), "KeyAgreementAlgorithm": "ECDH", "PublicKey": pub}
	case "ReplicateKey":
		// The run's own Region: should the fault not apply, the endpoint
		// refuses the key before anything is replicated.
		in = map[string]any{"KeyId": key(), "ReplicaRegion": st.suite.env.Region}
	case "UpdatePrimaryRegion":
		in = map[string]any{"KeyId": key(), "PrimaryRegion": st.suite.env.Region}
	case "DeleteCustomKeyStore", "DescribeCustomKeyStores", "ConnectCustomKeyStore", "DisconnectCustomKeyStore":
		in = map[string]any{"CustomKeyStoreId": store()}
	case "UpdateCustomKeyStore":
		in = map[string]any{"CustomKeyStoreId": store(), "NewCustomKeyStoreName": st.storeName()}
	case "CreateCustomKeyStore":
		// A cluster that does not exist: should the fault not apply, the
		// endpoint refuses the call rather than creating a key store.
		in = map[string]any{"CustomKeyStoreName": st.storeName(), "CloudHsmClusterId": madeUpClusterID()}
	case "ListAliases", "ListResourceTags", "ListGrants", "GetKeyPolicy", "ListKeyPolicies":
		in = map[string]any{"KeyId": key()}
	case "ListKeys":
		in = map[string]any{}
	case "CreateAlias", "UpdateAlias":
		in = map[string]any{"AliasName": madeUpAlias(), "TargetKeyId": key()}
	case "DeleteAlias":
		in = map[string]any{"AliasName": madeUpAlias()}
	case "TagResource":
		in = map[string]any{"KeyId": key(), "Tags": []any{map[string]any{"TagKey": "kmsconform", "TagValue": "retries"}}}
	case "UntagResource":
		in = map[string]any{"KeyId": key(), "TagKeys": []any{"kmsconform"}}
	case "UpdateKeyDescription":
		in = map[string]any{"KeyId": key(), "Description": "kmsconform retries"}
	case "CreateGrant":
		in = map[string]any{"KeyId": key(), "GranteePrincipal": madeUpPrincipal, "Operations": []any{"Decrypt"}}
	case "ListRetirableGrants":
		in = map[string]any{"RetiringPrincipal": madeUpPrincipal}
	case "RetireGrant", "RevokeGrant":
		in = map[string]any{"KeyId": key(), "GrantId": madeUpGrantID}
	case "PutKeyPolicy":
		in = map[string]any{"KeyId": key(), "PolicyName": "default", "Policy": madeUpPolicy}
	case "CreateKey":
		// A store that does not exist: should the fault not apply, the
		// endpoint refuses the call rather than creating a key.
		in = map[string]any{"CustomKeyStoreId": "cks-0123456789abcdef0", "Description": "kmsconform retries"}
	default:
		return nil, fmt.Errorf("the retry steps cannot call %s", operation)
	}
	return in, missing
}

// storeName is a key store name of the run's, which kmsconform cleanup
// would recognize.
func (st *scenario) storeName() string {
	return core.StoreNamePrefix(st.core.Env.RunID) + "retries-" + core.RandomHex(4)
}

func describe(o clients.Outcome) string {
	if o.OK {
		return "success"
	}
	if o.Error == nil {
		return "failure without an error"
	}
	return o.Error.String()
}

// expectation is the documented expectation for the call under test.
func (st *scenario) expectation(retryAnswer string, retryStatus int) (Expectation, error) {
	if !st.called {
		return Expectation{}, errors.New("the call under test was not made")
	}
	e := st.policy.Expect(st.fault, retryAnswer, retryStatus)
	st.record(func(r *Record) { r.Expected = e })
	return e, nil
}

func (st *scenario) thenAttempts() error {
	// A lost response's retry meets whatever the first attempt left behind;
	// the hazard steps check that answer, this one only the count.
	e, err := st.expectation("", 0)
	if err != nil {
		return err
	}
	for i, r := range st.runs {
		got := len(r.entries)
		if got == e.Attempts {
			continue
		}
		if d := st.suite.deviation(st.client, st.fault.Name, st.policy.Rules); d != nil && d.Attempts == got {
			st.finding("%s made %d attempts where its documentation (%s mode, %s rules) says %d: %s",
				st.client, got, st.policy.Mode, st.policy.Rules, e.Attempts, d.Note)
			continue
		}
		return fmt.Errorf("%s made %d attempts in call %d of %d, its documentation (%s mode, %s rules, %s) says %d for %s (%s)%s",
			st.client, got, i+1, len(st.runs), st.policy.Mode, st.policy.Rules, e.Class, e.Attempts, st.fault.Name, st.policy.Source, timeline(r.entries))
	}
	return nil
}

// thenWaits checks every wait against its documented bound plus the
// client's measured allowance (and twice the worst scheduling stall seen,
// for a loaded machine); when the scenario repeated its call for the wait
// check, also that the waits reach far enough into their bounds (lowCheck).
func (st *scenario) thenWaits() error {
	if !st.called {
		return errors.New("the call under test was not made")
	}
	class := st.policy.classify(st.fault)
	b := st.policy.backoff(class)
	allow := st.allowance()
	var bad []string
	widened := false
	var runs [][]time.Duration
	for n, r := range st.runs {
		waits := st.waits(r.entries)
		runs = append(runs, waits)
		for i, w := range waits {
			bound := b.Bound(i)
			limit := bound + allow.For(i)
			switch {
			case w > limit+2*st.stall:
				bad = append(bad, fmt.Sprintf("call %d: wait %d was %v, documented below %v (allowance %v)%s",
					n+1, i+1, w.Round(time.Millisecond), bound, allow.For(i), timeline(r.entries)))
			case w > limit:
				widened = true
			}
		}
	}
	if widened {
		st.finding("the machine was loaded: kmsconform's timers ran up to %v late during the call, and a wait passed its check only with that allowance (twice the stall)",
			st.stall.Round(time.Millisecond))
	}
	if st.plan != nil {
		if ok, why := st.plan.lowCheck(runs); !ok {
			bad = append(bad, why)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	if d := st.suite.deviation(st.client, st.fault.Name, st.policy.Rules); d != nil && d.Waits {
		st.finding("%s's waits differ from its documented backoff: %s", st.client, strings.Join(bad, "; "))
		return nil
	}
	return fmt.Errorf("%s: %s (%s backoff: base %v, cap %v; allowed on top: the measured client allowance and twice the worst scheduling stall seen, %v)",
		st.client, strings.Join(bad, "; "), class, b.Base, b.Cap, st.stall.Round(time.Millisecond))
}

func (st *scenario) thenOutcome() error {
	e, err := st.expectation("", 0)
	if err != nil {
		return err
	}
	last := st.outcome
	defer func() { st.outcome = last }()
	for _, r := range st.runs {
		st.outcome = r.outcome
		if err := st.checkOutcome(e.OK, e.Code, e.Status); err != nil {
			return err
		}
	}
	return nil
}

// anyStatus accepts an error whatever its HTTP status.
const anyStatus = -1

func (st *scenario) checkOutcome(ok bool, code string, status int) error {
	o := st.outcome
	want := "success"
	if !ok {
		want = "an error"
		if code != "" {
			want = code
		}
		switch status {
		case anyStatus:
		case 0:
			want += " raised by the client, with no HTTP response"
		default:
			want += fmt.Sprintf(" (HTTP %d)", status)
		}
	}
	switch {
	case ok && o.OK:
		return nil
	case ok != o.OK:
	case o.Error == nil:
	case code != "" && o.Error.Code != code:
	case status != anyStatus && o.Error.HTTPStatus != status:
	default:
		return nil
	}
	if d := st.suite.deviation(st.client, st.fault.Name, st.policy.Rules); d != nil && d.Outcome {
		st.finding("%s reported %s where its documentation says %s: %s", st.client, describe(o), want, d.Note)
		return nil
	}
	return fmt.Errorf("%s reported %s, its documentation says %s", st.client, describe(o), want)
}

func (st *scenario) thenHazardError(code string) error {
	st.record(func(r *Record) { r.Expected.OK, r.Expected.Code, r.Expected.Status = false, code, anyStatus })
	if err := st.checkOutcome(false, code, anyStatus); err != nil {
		return err
	}
	st.finding("hazard: %s's first %s took effect but its response was lost; the retry reported %s, so the caller sees a failure for a call that succeeded",
		st.client, st.faultOp, code)
	return nil
}

func (st *scenario) thenHazardSuccess() error {
	if err := st.checkOutcome(true, "", 0); err != nil {
		return err
	}
	st.finding("hazard: %s's first %s took effect but its response was lost; the retry succeeded without changing anything", st.client, st.faultOp)
	return nil
}

// timeline describes the attempts of the last call for an error message.
func (st *scenario) timeline() string { return timeline(st.entries) }

// timeline describes the attempts of one call for an error message.
func timeline(entries []journal.Entry) string {
	if len(entries) == 0 {
		return ""
	}
	var parts []string
	start := entries[0].Received
	for _, e := range entries {
		answer := e.Outcome
		if e.Status != 0 {
			answer = fmt.Sprint(e.Status)
			if e.ErrorCode != "" {
				answer += " " + e.ErrorCode
			}
		}
		parts = append(parts, fmt.Sprintf("+%v %s", e.Received.Sub(start).Round(time.Millisecond), answer))
	}
	return "; attempts: " + strings.Join(parts, ", ")
}
