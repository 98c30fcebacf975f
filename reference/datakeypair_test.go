package reference

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// publicOfPrivate is the public key, as DER SubjectPublicKeyInfo, that the
// PKCS #8 private key holds: Go's x509 derives it for the types it reads;
// for secp256k1 the key's own embedded public point, checked to be on the
// curve, in a SubjectPublicKeyInfo with the private key's algorithm.
func publicOfPrivate(t *testing.T, pkcs8 []byte) []byte {
	t.Helper()
	if priv, err := x509.ParsePKCS8PrivateKey(pkcs8); err == nil {
		der, err := x509.MarshalPKIXPublicKey(priv.(crypto.Signer).Public())
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	var p8 oneAsymmetricKey
	var ec ecPrivateKey
	if _, err := asn1.Unmarshal(pkcs8, &p8); err != nil {
		t.Fatal(err)
	}
	if _, err := asn1.Unmarshal(p8.PrivateKey, &ec); err != nil {
		t.Fatal(err)
	}
	pub, err := secp256k1.ParsePubKey(ec.PublicKey.Bytes)
	if err != nil || !secp256k1.PrivKeyFromBytes(ec.PrivateKey).PubKey().IsEqual(pub) {
		t.Fatalf("the secp256k1 private key's public point is wrong: %v", err)
	}
	der, err := asn1.Marshal(struct {
		Algorithm any
		PublicKey asn1.BitString
	}{p8.Algorithm, ec.PublicKey})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestGenerateDataKeyPair: each generated pair is a fresh pair whose public
// key belongs to its private key, and whose encrypted private key Decrypt
// opens under the same encryption context.
func TestGenerateDataKeyPair(t *testing.T) {
	e := newKeysEnv(t)
	m := e.createKey(t, nil)
	encCtx := map[string]string{"pair": "yes"}
	for _, spec := range []types.DataKeyPairSpec{types.DataKeyPairSpecRsa2048, types.DataKeyPairSpecEccNistP256, types.DataKeyPairSpecEccNistP384,
		types.DataKeyPairSpecEccNistP521, types.DataKeyPairSpecEccSecgP256k1, types.DataKeyPairSpecEccNistEdwards25519} {
		t.Run(string(spec), func(t *testing.T) {
			out, err := e.kms.GenerateDataKeyPair(testCtx(t), &kms.GenerateDataKeyPairInput{KeyId: m.KeyId, KeyPairSpec: spec, EncryptionContext: encCtx})
			if err != nil {
				t.Fatal(err)
			}
			if out.KeyPairSpec != spec || aws.ToString(out.KeyId) != *m.Arn || aws.ToString(out.KeyMaterialId) != *m.CurrentKeyMaterialId {
				t.Fatalf("answered %s, %s, material %s", out.KeyPairSpec, aws.ToString(out.KeyId), aws.ToString(out.KeyMaterialId))
			}
			if !bytes.Equal(publicOfPrivate(t, out.PrivateKeyPlaintext), out.PublicKey) {
				t.Fatal("PublicKey is not the public key of PrivateKeyPlaintext")
			}
			dec, err := e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: out.PrivateKeyCiphertextBlob, EncryptionContext: encCtx})
			if err != nil || !bytes.Equal(dec.Plaintext, out.PrivateKeyPlaintext) {
				t.Fatalf("Decrypt of PrivateKeyCiphertextBlob: %v", err)
			}
			without, err := e.kms.GenerateDataKeyPairWithoutPlaintext(testCtx(t), &kms.GenerateDataKeyPairWithoutPlaintextInput{KeyId: m.KeyId, KeyPairSpec: spec})
			if err != nil {
				t.Fatal(err)
			}
			dec, err = e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: without.PrivateKeyCiphertextBlob})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(publicOfPrivate(t, dec.Plaintext), without.PublicKey) || bytes.Equal(without.PublicKey, out.PublicKey) {
				t.Fatal("GenerateDataKeyPairWithoutPlaintext gave a public key that is not its private key's, or not a new one")
			}
		})
	}
}

func TestGenerateDataKeyPairErrors(t *testing.T) {
	e := newKeysEnv(t)
	m := e.createKey(t, nil)
	signing := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeSignVerify})
	rsaKey := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeEncryptDecrypt})
	disabled := e.createKey(t, nil)
	e.disable(t, *disabled.KeyId)
	p256 := types.DataKeyPairSpecEccNistP256
	tests := []struct {
		name string
		in   kms.GenerateDataKeyPairInput
		code string
		msg  string
	}{
		{"dry run", kms.GenerateDataKeyPairInput{KeyId: m.KeyId, KeyPairSpec: p256, DryRun: aws.Bool(true)}, "DryRunOperationException", "The request would have succeeded, but the DryRun option is set."},
		{"SM2 outside China", kms.GenerateDataKeyPairInput{KeyId: m.KeyId, KeyPairSpec: types.DataKeyPairSpecSm2}, "UnsupportedOperationException", "China"},
		{"ML-KEM", kms.GenerateDataKeyPairInput{KeyId: m.KeyId, KeyPairSpec: types.DataKeyPairSpecMlKem768}, "UnsupportedOperationException", "ML_KEM_768"},
		{"spec outside its enum", kms.GenerateDataKeyPairInput{KeyId: m.KeyId, KeyPairSpec: "RSA_1024"}, "ValidationException", "keyPairSpec"},
		{"signing key", kms.GenerateDataKeyPairInput{KeyId: signing.KeyId, KeyPairSpec: p256}, "InvalidKeyUsageException", "SIGN_VERIFY"},
		{"asymmetric encryption key", kms.GenerateDataKeyPairInput{KeyId: rsaKey.KeyId, KeyPairSpec: p256}, "UnsupportedOperationException", "symmetric"},
		{"disabled key", kms.GenerateDataKeyPairInput{KeyId: disabled.KeyId, KeyPairSpec: p256, DryRun: aws.Bool(true)}, "DisabledException", ""},
		{"unknown alias", kms.GenerateDataKeyPairInput{KeyId: aws.String("alias/none"), KeyPairSpec: p256}, "NotFoundException", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.kms.GenerateDataKeyPair(testCtx(t), &tc.in)
			wantError(t, err, tc.code, tc.msg)
			if err != nil && out != nil && len(out.PrivateKeyPlaintext) > 0 {
				t.Fatal("a failed call returned a private key")
			}
			_, err = e.kms.GenerateDataKeyPairWithoutPlaintext(testCtx(t), &kms.GenerateDataKeyPairWithoutPlaintextInput{KeyId: tc.in.KeyId, KeyPairSpec: tc.in.KeyPairSpec, DryRun: tc.in.DryRun})
			wantError(t, err, tc.code, tc.msg)
		})
	}
	wantRaw(t, e.url, "GenerateDataKeyPair", `{"KeyId":"`+*m.KeyId+`"}`, "ValidationException", "Value null at 'keyPairSpec'")
}
