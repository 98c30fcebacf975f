package reference

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/sha512"
	"crypto/x509"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsconform/kmsconform/keymaterial"
)

// TestMacs: a MAC of imported HMAC material is the standard HMAC; VerifyMac
// accepts it and refuses it for another message or another key.
func TestMacs(t *testing.T) {
	e := newKeysEnv(t)
	material := bytes.Repeat([]byte{7}, 64)
	newKey := func() string {
		m := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac384, KeyUsage: types.KeyUsageTypeGenerateVerifyMac, Origin: types.OriginTypeExternal})
		e.importMaterial(t, *m.KeyId, material)
		return *m.KeyId
	}
	a, b := newKey(), newKey()
	msg := []byte("message")
	out, err := e.kms.GenerateMac(testCtx(t), &kms.GenerateMacInput{KeyId: aws.String(a), Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha384})
	if err != nil {
		t.Fatal(err)
	}
	local := hmac.New(sha512.New384, material)
	local.Write(msg)
	if !bytes.Equal(out.Mac, local.Sum(nil)) {
		t.Fatal("the MAC is not HMAC-SHA-384 of the message under the imported material")
	}
	verify := func(key string, m []byte) error {
		_, err := e.kms.VerifyMac(testCtx(t), &kms.VerifyMacInput{KeyId: aws.String(key), Message: m, Mac: out.Mac, MacAlgorithm: types.MacAlgorithmSpecHmacSha384})
		return err
	}
	if err := verify(a, msg); err != nil {
		t.Fatalf("VerifyMac of its own MAC: %v", err)
	}
	wantError(t, verify(a, []byte("another")), "KMSInvalidMacException", "")
	// b holds the same bytes, imported again: still the same HMAC key.
	if err := verify(b, msg); err != nil {
		t.Fatalf("VerifyMac with the same material: %v", err)
	}
	plain := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac384, KeyUsage: types.KeyUsageTypeGenerateVerifyMac})
	wantError(t, verify(*plain.KeyId, msg), "KMSInvalidMacException", "")
	e.disable(t, a)
	wantError(t, verify(a, msg), "DisabledException", "is disabled")
}

// TestDeriveSharedSecret: for every NIST curve spec, the secret the reference
// derives from an imported private key and a peer's public key is the one
// the peer derives from its private key and the imported key's public half.
func TestDeriveSharedSecret(t *testing.T) {
	e := newKeysEnv(t)
	for _, spec := range []string{"ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521"} {
		t.Run(spec, func(t *testing.T) {
			mine, err := keymaterial.New(spec)
			if err != nil {
				t.Fatal(err)
			}
			peer, err := keymaterial.New(spec)
			if err != nil {
				t.Fatal(err)
			}
			m := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpec(spec), KeyUsage: types.KeyUsageTypeKeyAgreement, Origin: types.OriginTypeExternal})
			e.importMaterial(t, *m.KeyId, mine)
			out, err := e.kms.DeriveSharedSecret(testCtx(t), &kms.DeriveSharedSecretInput{KeyId: m.KeyId,
				KeyAgreementAlgorithm: types.KeyAgreementAlgorithmSpecEcdh, PublicKey: publicOfPrivate(t, peer)})
			if err != nil {
				t.Fatal(err)
			}
			if want := localECDH(t, peer, publicOfPrivate(t, mine)); !bytes.Equal(out.SharedSecret, want) {
				t.Fatal("the shared secret is not the peer's")
			}
			if out.KeyOrigin != types.OriginTypeExternal || *out.KeyId != *m.Arn {
				t.Fatalf("KeyOrigin %s, KeyId %s", out.KeyOrigin, *out.KeyId)
			}
		})
	}
	m := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeKeyAgreement})
	other, _ := keymaterial.New("ECC_NIST_P384")
	_, err := e.kms.DeriveSharedSecret(testCtx(t), &kms.DeriveSharedSecretInput{KeyId: m.KeyId,
		KeyAgreementAlgorithm: types.KeyAgreementAlgorithmSpecEcdh, PublicKey: publicOfPrivate(t, other)})
	wantError(t, err, "ValidationException", "not on the curve")
}

// localECDH is ECDH of a PKCS #8 private key and a DER public key, by Go's
// crypto/ecdh.
func localECDH(t *testing.T, pkcs8, spki []byte) []byte {
	t.Helper()
	if priv, err := x509.ParsePKCS8PrivateKey(pkcs8); err == nil {
		pub, err := x509.ParsePKIXPublicKey(spki)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := priv.(*ecdsa.PrivateKey).ECDH()
		b, _ := pub.(*ecdsa.PublicKey).ECDH()
		secret, err := a.ECDH(b)
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	t.Fatal("not a NIST curve private key")
	return nil
}
