package keymaterial

import (
	"strings"
	"testing"
)

// Each spec's pair is recognised and matched; another pair of the same spec
// and a damaged encoding are refused.
func TestPairs(t *testing.T) {
	for _, spec := range []string{"RSA_2048", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"} {
		t.Run(spec, func(t *testing.T) {
			priv, spki := newPair(t, spec)
			p, err := ParsePublicKey(spki)
			if err != nil {
				t.Fatal(err)
			}
			if p.Spec != spec {
				t.Errorf("spec = %s, want %s", p.Spec, spec)
			}
			if err := p.MatchPrivateKey(priv); err != nil {
				t.Errorf("its own private key: %v", err)
			}
			other, otherSPKI := newPair(t, spec)
			if err := p.MatchPrivateKey(other); err == nil || !strings.Contains(err.Error(), "another public key") {
				t.Errorf("another pair's private key: %v, want a mismatch", err)
			}
			q, err := ParsePublicKey(otherSPKI)
			if err != nil {
				t.Fatal(err)
			}
			if p.Equal(q) || !p.Equal(p) {
				t.Error("Equal does not tell two pairs apart")
			}
			if _, err := ParsePublicKey(spki[:len(spki)-3]); err == nil {
				t.Error("a truncated public key parses")
			}
			if err := p.MatchPrivateKey([]byte("not a key")); err == nil {
				t.Error("a private key that is not DER matches")
			}
		})
	}
}

// newPair makes a key pair of spec, the public key by Go's own encoders
// (by hand for secp256k1, from the PKCS #8 New writes).
func newPair(t *testing.T, spec string) (pkcs8, spki []byte) {
	t.Helper()
	priv, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	spki, err = publicOf(priv)
	if err != nil {
		t.Fatal(err)
	}
	return priv, spki
}
