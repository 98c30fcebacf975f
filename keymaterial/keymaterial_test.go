package keymaterial

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// Every key spec gets material of its own kind: PKCS #8 private keys of the
// right type and size, HMAC keys as long as their digest.
func TestNew(t *testing.T) {
	checks := map[string]func([]byte) bool{
		"SYMMETRIC_DEFAULT": func(m []byte) bool { return len(m) == 32 },
		"HMAC_224":          func(m []byte) bool { return len(m) == 28 },
		"HMAC_256":          func(m []byte) bool { return len(m) == 32 },
		"HMAC_384":          func(m []byte) bool { return len(m) == 48 },
		"HMAC_512":          func(m []byte) bool { return len(m) == 64 },
		"RSA_2048":          rsaOf(2048),
		"RSA_3072":          rsaOf(3072),
		"RSA_4096":          rsaOf(4096),
		"ECC_NIST_P256":     ecOf(256),
		"ECC_NIST_P384":     ecOf(384),
		"ECC_NIST_P521":     ecOf(521),
		"ECC_SECG_P256K1":   isSecp256k1,
		"ECC_NIST_EDWARDS25519": func(m []byte) bool {
			k, err := x509.ParsePKCS8PrivateKey(m)
			_, ok := k.(ed25519.PrivateKey)
			return err == nil && ok
		},
	}
	for _, spec := range Specs() {
		check, ok := checks[spec]
		if !ok {
			t.Errorf("%s: no check", spec)
			continue
		}
		m, err := New(spec)
		if err != nil || !check(m) {
			t.Errorf("%s: material of %d bytes (%v) is not of its kind", spec, len(m), err)
		}
	}
	if _, err := New("ML_KEM_768"); err == nil {
		t.Error("ML_KEM_768: made material for a spec it does not know")
	}
}

func rsaOf(bits int) func([]byte) bool {
	return func(m []byte) bool {
		k, err := x509.ParsePKCS8PrivateKey(m)
		r, ok := k.(*rsa.PrivateKey)
		return err == nil && ok && r.N.BitLen() == bits
	}
}

func ecOf(bits int) func([]byte) bool {
	return func(m []byte) bool {
		k, err := x509.ParsePKCS8PrivateKey(m)
		e, ok := k.(*ecdsa.PrivateKey)
		return err == nil && ok && e.Curve.Params().BitSize == bits
	}
}

// isSecp256k1 reads the PKCS #8 back and checks that the public key in it is
// the private key's.
func isSecp256k1(m []byte) bool {
	var info struct {
		Version    int
		Algorithm  struct{ Algorithm, Curve asn1.ObjectIdentifier }
		PrivateKey []byte
	}
	var inner struct {
		Version    int
		PrivateKey []byte
		PublicKey  asn1.BitString `asn1:"optional,explicit,tag:1"`
	}
	if rest, err := asn1.Unmarshal(m, &info); err != nil || len(rest) > 0 || !info.Algorithm.Curve.Equal(OIDSecp256k1) {
		return false
	}
	if _, err := asn1.Unmarshal(info.PrivateKey, &inner); err != nil || len(inner.PrivateKey) != 32 {
		return false
	}
	pub := secp256k1.PrivKeyFromBytes(inner.PrivateKey).PubKey().SerializeUncompressed()
	return bytes.Equal(pub, inner.PublicKey.Bytes)
}
