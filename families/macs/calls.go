package macs

import (
	"context"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/keymaterial"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

const (
	// opExpr names the three operations.
	opExpr = `(GenerateMac|VerifyMac|DeriveSharedSecret)`
	// curveExpr are the key specs that take KEY_AGREEMENT here: the NIST
	// curves (SM2 is offered in the China Regions only).
	curveExpr = `(ECC_NIST_P256|ECC_NIST_P384|ECC_NIST_P521)`
	// macAlgorithmExpr are the MacAlgorithm values.
	macAlgorithmExpr = `(HMAC_SHA_224|HMAC_SHA_256|HMAC_SHA_384|HMAC_SHA_512)`
)

// request is one call of the three operations.
type request struct {
	op, keyID   string
	message     []byte
	mac         []byte
	algorithm   string
	publicKey   []byte
	grantTokens []string
	dryRun      bool
}

func (f *macs) registerCalls(sc stepdef.Context) {
	sc.Given(`^an? `+curveExpr+` KMS key for KEY_AGREEMENT (with key material I imported|waiting for imported key material)$`, f.givenAgreementKey, stepdef.Creates{Keys: 1})
	sc.Given(`^an? (HMAC_256|ECC_NIST_P256) KMS key for (GENERATE_VERIFY_MAC|KEY_AGREEMENT) whose key policy lets every account use it$`, f.givenSharedKey, stepdef.Creates{Keys: 2})
	sc.Given(`^a MAC of a message has been generated with the key$`, f.givenMac)

	sc.When(`^I call `+opExpr+` on the key$`, f.callOnKey)
	sc.When(`^I call `+opExpr+` naming the key by its (key ID|key ARN|alias name|alias ARN)$`, f.callNaming)
	sc.When(`^I call `+opExpr+` naming a key that does not exist by its (key ID|key ARN)$`, f.callMissingKey)
	sc.When(`^I call `+opExpr+` naming an alias that does not exist by its (alias name|alias ARN)$`, f.callMissingAlias)
	sc.When(`^I call `+opExpr+` with a grant token that no grant issued$`, f.callWithBogusGrantToken)
	sc.When(`^I call `+opExpr+` with DryRun$`, f.callDryRun)
	sc.When(`^the second account calls `+opExpr+` naming the key by its (key ID|key ARN)$`, f.secondCalls, stepdef.Creates{SecondAccount: true})
	sc.When(`^I generate a MAC of a message with `+macAlgorithmExpr+`$`, f.generateWith)
	sc.When(`^I verify the MAC (for its message|for another message|for the SHA-256 digest of its message|with one bit flipped|with HMAC_SHA_512)$`, f.verifyVariant)
	sc.When(`^I verify a MAC of a message computed locally with the imported key material$`, f.verifyLocal)
	sc.When(`^I verify the MAC with another key of the same spec$`, f.verifyWithOtherKey, stepdef.Creates{Keys: 1})
	sc.When(`^I derive a shared secret with a peer's `+curveExpr+` public key$`, f.deriveWithPeer)
	sc.When(`^I derive a shared secret with a PublicKey that is not DER SubjectPublicKeyInfo$`, f.deriveNotDER)
}

// macAlgorithmFor is the one MacAlgorithm an HMAC key spec supports, and
// HMAC_SHA_256 for keys of any other spec.
func macAlgorithmFor(spec types.KeySpec) string {
	if size, ok := strings.CutPrefix(string(spec), "HMAC_"); ok {
		return "HMAC_SHA_" + size
	}
	return "HMAC_SHA_256"
}

// curveFor is the curve of a local peer for a key of spec: its own curve,
// P-256 for keys of any other spec.
func curveFor(spec types.KeySpec) string {
	if strings.HasPrefix(string(spec), "ECC_NIST_P") {
		return string(spec)
	}
	return "ECC_NIST_P256"
}

// newRequest is a valid request of op on the scenario's key, named by id.
// VerifyMac verifies the MAC a Given made, or, with none, a MAC of the right
// length that no key made; DeriveSharedSecret gets the public key of a
// fresh local peer.
func (f *macs) newRequest(op, id string) (request, error) {
	var spec types.KeySpec
	if f.Key != nil {
		spec = f.Key.Spec
	}
	r := request{op: op, keyID: id, algorithm: macAlgorithmFor(spec)}
	switch op {
	case "GenerateMac":
		r.message = newMessage()
	case "VerifyMac":
		r.message, r.mac = f.message, f.mac
		if r.mac == nil {
			r.message = newMessage()
			r.mac = make([]byte, hashSize(r.algorithm))
			_, _ = rand.Read(r.mac)
		}
	case "DeriveSharedSecret":
		pub, err := f.newPeer(curveFor(spec))
		if err != nil {
			return r, err
		}
		r.publicKey = pub
	}
	return r, nil
}

// newMessage is a message to MAC. It is made up, not the run's plaintext:
// KMS takes a MAC's Message as sensitive, but the journal cannot tell it
// from an error's message, so MACs are only ever made of data that is no
// secret.
func newMessage() []byte { return []byte("kmsconform message to MAC " + scenario.RandomHex(8)) }

// hashSize is the length of a MAC of algorithm, in bytes.
func hashSize(algorithm string) int {
	var n int
	_, _ = fmt.Sscanf(algorithm, "HMAC_SHA_%d", &n)
	return n / 8
}

// newPeer makes a fresh local key pair on curve and returns its public key
// as DER SubjectPublicKeyInfo; the private key stays with the scenario.
func (f *macs) newPeer(curve string) ([]byte, error) {
	priv, err := keymaterial.New(curve)
	if err != nil {
		return nil, err
	}
	parsed, err := x509.ParsePKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	ec, ok := parsed.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s material is not an EC key", curve)
	}
	f.peer = priv
	return x509.MarshalPKIXPublicKey(&ec.PublicKey)
}

// act makes r the call under test, as client c.
func (f *macs) act(ctx context.Context, c *kms.Client, r request) error {
	f.message, f.algorithm = r.message, r.algorithm
	var dry *bool
	if r.dryRun {
		dry = aws.Bool(true)
	}
	id := aws.String(r.keyID)
	switch r.op {
	case "GenerateMac":
		return scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.GenerateMacOutput, error) {
			return c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: id, Message: r.message, MacAlgorithm: types.MacAlgorithmSpec(r.algorithm),
				GrantTokens: r.grantTokens, DryRun: dry})
		})
	case "VerifyMac":
		return scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.VerifyMacOutput, error) {
			return c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: id, Message: r.message, Mac: r.mac, MacAlgorithm: types.MacAlgorithmSpec(r.algorithm),
				GrantTokens: r.grantTokens, DryRun: dry})
		})
	case "DeriveSharedSecret":
		return scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.DeriveSharedSecretOutput, error) {
			return c.DeriveSharedSecret(ctx, &kms.DeriveSharedSecretInput{KeyId: id, KeyAgreementAlgorithm: types.KeyAgreementAlgorithmSpecEcdh,
				PublicKey: r.publicKey, GrantTokens: r.grantTokens, DryRun: dry})
		})
	}
	return fmt.Errorf("%s is not a MAC or key agreement operation", r.op)
}

func (f *macs) onKey(op string) (request, error) {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return request{}, err
	}
	return f.newRequest(op, k.ID)
}

func (f *macs) givenAgreementKey(ctx context.Context, spec, material string) error {
	if f.Untestable != "" {
		return f.Skip("untestable: %s", f.Untestable)
	}
	k, err := f.Keys.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpec(spec), KeyUsage: types.KeyUsageTypeKeyAgreement, Origin: types.OriginTypeExternal})
	if err != nil || strings.HasPrefix(material, "waiting") {
		return err
	}
	// RSA-OAEP alone cannot wrap every curve's private key (P-521's is too
	// long): the material is wrapped with an AES key that RSA-OAEP wraps.
	p, err := f.Keys.FetchParams(ctx, k, scenario.DefaultWrappingSpec, types.AlgorithmSpecRsaAesKeyWrapSha256)
	if err != nil {
		return err
	}
	f.Importing.Remember(p)
	return f.Keys.ImportMaterial(ctx, k)
}

// givenSharedKey creates a key whose policy keeps the account in control
// and lets any account use it for its operations.
func (f *macs) givenSharedKey(ctx context.Context, spec, usage string) error {
	// The account is only known from a key: a first key without the policy names it.
	probe, err := f.Keys.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		return err
	}
	parts := strings.SplitN(probe.ARN, ":", 6)
	if len(parts) < 6 || parts[4] == "" {
		return fmt.Errorf("CreateKey returned no usable key ARN (%q)", probe.ARN)
	}
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:%s:iam::%s:root"},"Action":"kms:*","Resource":"*"},`+
		`{"Sid":"AnyAccountMayUseIt","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:GenerateMac","kms:VerifyMac","kms:DeriveSharedSecret"],"Resource":"*"}]}`, parts[1], parts[4])
	_, err = f.Keys.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpec(spec), KeyUsage: types.KeyUsageType(usage), Policy: aws.String(policy)})
	return err
}

func (f *macs) givenMac(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	msg, alg := newMessage(), macAlgorithmFor(k.Spec)
	out, err := scenario.Setup(ctx, f.Scenario, "GenerateMac", func(ctx context.Context) (*kms.GenerateMacOutput, error) {
		return f.Client.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: aws.String(k.ID), Message: msg, MacAlgorithm: types.MacAlgorithmSpec(alg)})
	})
	if err != nil {
		return err
	}
	f.message, f.mac = msg, out.Mac
	return nil
}

func (f *macs) callOnKey(ctx context.Context, op string) error {
	r, err := f.onKey(op)
	if err != nil {
		return err
	}
	return f.act(ctx, f.Client, r)
}

// callNaming names the key in one of its forms; for the alias forms it
// first gives the key an alias.
func (f *macs) callNaming(ctx context.Context, op, form string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	id := k.ID
	switch form {
	case "key ARN":
		id = k.ARN
	case "alias name", "alias ARN":
		if id, err = f.Keys.NewAlias(ctx, k); err != nil {
			return err
		}
		if form == "alias ARN" {
			if id, err = scenario.ARNIn(k.ARN, id); err != nil {
				return err
			}
		}
	}
	r, err := f.newRequest(op, id)
	if err != nil {
		return err
	}
	return f.act(ctx, f.Client, r)
}

func (f *macs) callMissingKey(ctx context.Context, op, form string) error {
	id := f.Env.MadeUp(scenario.MissingKeyID())
	if form == "key ARN" {
		k, err := f.Keys.NeedKey()
		if err != nil {
			return err
		}
		if id, err = scenario.ARNIn(k.ARN, "key/"+id); err != nil {
			return err
		}
	}
	r, err := f.newRequest(op, id)
	if err != nil {
		return err
	}
	return f.act(ctx, f.Client, r)
}

func (f *macs) callMissingAlias(ctx context.Context, op, form string) error {
	id := "alias/kmsconform-missing-" + scenario.RandomHex(8)
	if form == "alias ARN" {
		k, err := f.Keys.NeedKey()
		if err != nil {
			return err
		}
		if id, err = scenario.ARNIn(k.ARN, id); err != nil {
			return err
		}
	}
	r, err := f.newRequest(op, id)
	if err != nil {
		return err
	}
	return f.act(ctx, f.Client, r)
}

// bogusGrantToken has the length of a grant token but no grant issued it.
const bogusGrantToken = "AQpAM2RhZTk1MGMyNTk2ZmZmMzEyYWVhOWViN2I1MWM4Mzc0MWFiYjc0ZDE1ODkyNGFlNTIzODZhMzgyZjBlNGY3NiKIAQEBAgB4Pa6VDCWW__kmsconform"

func (f *macs) callWithBogusGrantToken(ctx context.Context, op string) error {
	r, err := f.onKey(op)
	if err != nil {
		return err
	}
	r.grantTokens = []string{bogusGrantToken}
	return f.act(ctx, f.Client, r)
}

func (f *macs) callDryRun(ctx context.Context, op string) error {
	r, err := f.onKey(op)
	if err != nil {
		return err
	}
	r.dryRun = true
	return f.act(ctx, f.Client, r)
}

func (f *macs) secondCalls(ctx context.Context, op, form string) error {
	k, c, err := f.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	id := k.ARN
	if form == "key ID" {
		id = k.ID
	}
	r, err := f.newRequest(op, id)
	if err != nil {
		return err
	}
	return f.act(ctx, c, r)
}

func (f *macs) generateWith(ctx context.Context, algorithm string) error {
	r, err := f.onKey("GenerateMac")
	if err != nil {
		return err
	}
	r.algorithm = algorithm
	return f.act(ctx, f.Client, r)
}

// verifyVariant verifies the MAC a Given made, for its own message or with
// one thing changed.
func (f *macs) verifyVariant(ctx context.Context, variant string) error {
	if f.mac == nil {
		return fmt.Errorf("no MAC has been generated with the key")
	}
	r, err := f.onKey("VerifyMac")
	if err != nil {
		return err
	}
	switch variant {
	case "for another message":
		r.message = append([]byte("another "), r.message...)
	case "for the SHA-256 digest of its message":
		sum := sha256.Sum256(r.message)
		r.message = sum[:]
	case "with one bit flipped":
		r.mac = append([]byte(nil), r.mac...)
		r.mac[len(r.mac)-1] ^= 1
	case "with HMAC_SHA_512":
		r.algorithm = "HMAC_SHA_512"
	}
	return f.act(ctx, f.Client, r)
}

// verifyLocal verifies a MAC the scenario computed with crypto/hmac under
// the material it imported.
func (f *macs) verifyLocal(ctx context.Context) error {
	r, err := f.onKey("VerifyMac")
	if err != nil {
		return err
	}
	material, err := f.importedMaterial()
	if err != nil {
		return err
	}
	m := hmac.New(macHashes[r.algorithm], material)
	m.Write(r.message)
	r.mac = m.Sum(nil)
	return f.act(ctx, f.Client, r)
}

// verifyWithOtherKey verifies the MAC a Given made with a new key of the
// same spec, which made no MAC.
func (f *macs) verifyWithOtherKey(ctx context.Context) error {
	if f.mac == nil {
		return fmt.Errorf("no MAC has been generated with the key")
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	r, err := f.newRequest("VerifyMac", k.ID)
	if err != nil {
		return err
	}
	other, err := f.Keys.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: k.Spec, KeyUsage: types.KeyUsageTypeGenerateVerifyMac})
	if err != nil {
		return err
	}
	f.Key = k // the scenario's key stays the one that made the MAC
	r.keyID = other.ID
	return f.act(ctx, f.Client, r)
}

func (f *macs) deriveWithPeer(ctx context.Context, curve string) error {
	r, err := f.onKey("DeriveSharedSecret")
	if err != nil {
		return err
	}
	if r.publicKey, err = f.newPeer(curve); err != nil {
		return err
	}
	return f.act(ctx, f.Client, r)
}

func (f *macs) deriveNotDER(ctx context.Context) error {
	r, err := f.onKey("DeriveSharedSecret")
	if err != nil {
		return err
	}
	r.publicKey = []byte("InvalidPublicKey")
	return f.act(ctx, f.Client, r)
}
