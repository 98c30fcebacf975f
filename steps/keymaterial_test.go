package steps

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// Every key spec a scenario imports into gets material of its own kind:
// PKCS#8 private keys of the right type and size, HMAC keys as long as
// their digest.
func TestKeyMaterialFor(t *testing.T) {
	for _, tc := range []struct {
		spec  types.KeySpec
		check func([]byte) bool
	}{
		{types.KeySpecSymmetricDefault, func(m []byte) bool { return len(m) == 32 }},
		{types.KeySpecHmac224, func(m []byte) bool { return len(m) == 28 }},
		{types.KeySpecHmac512, func(m []byte) bool { return len(m) == 64 }},
		{types.KeySpecRsa2048, func(m []byte) bool {
			k, err := x509.ParsePKCS8PrivateKey(m)
			r, ok := k.(*rsa.PrivateKey)
			return err == nil && ok && r.N.BitLen() == 2048
		}},
		{types.KeySpecEccNistP521, func(m []byte) bool {
			k, err := x509.ParsePKCS8PrivateKey(m)
			e, ok := k.(*ecdsa.PrivateKey)
			return err == nil && ok && e.Curve.Params().BitSize == 521
		}},
		{types.KeySpecEccSecgP256k1, func(m []byte) bool {
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
			rest, err := asn1.Unmarshal(m, &info)
			if err != nil || len(rest) > 0 || !info.Algorithm.Curve.Equal(oidSecp256k1) {
				return false
			}
			_, err = asn1.Unmarshal(info.PrivateKey, &inner)
			return err == nil && len(inner.PrivateKey) == 32 && len(inner.PublicKey.Bytes) == 65
		}},
	} {
		m, err := keyMaterialFor(tc.spec)
		if err != nil || !tc.check(m) {
			t.Errorf("%s: material of %d bytes (%v) is not of its kind", tc.spec, len(m), err)
		}
	}
	if _, err := keyMaterialFor(types.KeySpecMlDsa44); err == nil {
		t.Error("ML_DSA_44: made material the suite cannot make")
	}
}
