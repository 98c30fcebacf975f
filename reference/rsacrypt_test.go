package reference

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// heldRSAKey is the RSA private key the reference holds for keyID.
func (e *keysEnv) heldRSAKey(t testing.TB, keyID string) *rsa.PrivateKey {
	t.Helper()
	parsed, err := x509.ParsePKCS8PrivateKey(e.heldMaterial(keyID))
	if err != nil {
		t.Fatal(err)
	}
	return parsed.(*rsa.PrivateKey)
}

// TestRSAEncryptDecrypt: RSA keys encrypt with RSA-OAEP under their own
// material (the ciphertext opens with the held private key, and ciphertext
// made outside KMS with the public key decrypts: Decrypt.11), and Decrypt
// needs the key and the algorithm that encrypted.
func TestRSAEncryptDecrypt(t *testing.T) {
	e := newKeysEnv(t)
	rsaKey := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeEncryptDecrypt})
	sym := e.createKey(t, nil)
	plaintext := []byte("rsa secret")
	blobs := map[types.EncryptionAlgorithmSpec][]byte{}
	for _, alg := range []types.EncryptionAlgorithmSpec{types.EncryptionAlgorithmSpecRsaesOaepSha1, types.EncryptionAlgorithmSpecRsaesOaepSha256} {
		enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: rsaKey.KeyId, Plaintext: plaintext, EncryptionAlgorithm: alg})
		if err != nil {
			t.Fatal(err)
		}
		if enc.EncryptionAlgorithm != alg || aws.ToString(enc.KeyId) != *rsaKey.Arn || len(enc.CiphertextBlob) != 256 {
			t.Fatalf("Encrypt answered %s, %s, %d bytes", enc.EncryptionAlgorithm, aws.ToString(enc.KeyId), len(enc.CiphertextBlob))
		}
		blobs[alg] = enc.CiphertextBlob
		priv := e.heldRSAKey(t, *rsaKey.KeyId)
		h := sha256.New()
		if alg == types.EncryptionAlgorithmSpecRsaesOaepSha1 {
			h = sha1.New()
		}
		if got, err := rsa.DecryptOAEP(h, nil, priv, enc.CiphertextBlob, nil); err != nil || !bytes.Equal(got, plaintext) {
			t.Fatalf("the held key does not open the %s ciphertext: %v", alg, err)
		}
		h.Reset()
		outside, err := rsa.EncryptOAEP(h, rand.Reader, &priv.PublicKey, []byte("made outside"), nil)
		if err != nil {
			t.Fatal(err)
		}
		for blob, want := range map[*[]byte][]byte{&enc.CiphertextBlob: plaintext, &outside: []byte("made outside")} {
			dec, err := e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: *blob, KeyId: rsaKey.KeyId, EncryptionAlgorithm: alg})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(dec.Plaintext, want) || dec.EncryptionAlgorithm != alg || aws.ToString(dec.KeyId) != *rsaKey.Arn || dec.KeyMaterialId != nil {
				t.Fatalf("Decrypt answered %q, %s, %s, material %v", dec.Plaintext, dec.EncryptionAlgorithm, aws.ToString(dec.KeyId), dec.KeyMaterialId)
			}
		}
	}
	blob := blobs[types.EncryptionAlgorithmSpecRsaesOaepSha256]
	oaep1, oaep256 := types.EncryptionAlgorithmSpecRsaesOaepSha1, types.EncryptionAlgorithmSpecRsaesOaepSha256
	decrypts := []struct {
		name string
		in   kms.DecryptInput
		code string
	}{
		{"no KeyId", kms.DecryptInput{CiphertextBlob: blob, EncryptionAlgorithm: oaep256}, "InvalidCiphertextException"},
		{"no algorithm", kms.DecryptInput{CiphertextBlob: blob, KeyId: rsaKey.KeyId}, "ValidationException"},
		{"another algorithm", kms.DecryptInput{CiphertextBlob: blob, KeyId: rsaKey.KeyId, EncryptionAlgorithm: oaep1}, "InvalidCiphertextException"},
		{"SYMMETRIC_DEFAULT", kms.DecryptInput{CiphertextBlob: blob, KeyId: rsaKey.KeyId, EncryptionAlgorithm: types.EncryptionAlgorithmSpecSymmetricDefault}, "InvalidKeyUsageException"},
		{"encryption context", kms.DecryptInput{CiphertextBlob: blob, KeyId: rsaKey.KeyId, EncryptionAlgorithm: oaep256, EncryptionContext: map[string]string{"a": "b"}}, "ValidationException"},
		{"symmetric key", kms.DecryptInput{CiphertextBlob: blob, KeyId: sym.KeyId, EncryptionAlgorithm: oaep256}, "InvalidKeyUsageException"},
		{"changed ciphertext", kms.DecryptInput{CiphertextBlob: append(bytes.Clone(blob[:255]), blob[255]^1), KeyId: rsaKey.KeyId, EncryptionAlgorithm: oaep256}, "InvalidCiphertextException"},
		{"dry run", kms.DecryptInput{CiphertextBlob: blob, KeyId: rsaKey.KeyId, EncryptionAlgorithm: oaep256, DryRun: aws.Bool(true)}, "DryRunOperationException"},
	}
	for _, tc := range decrypts {
		t.Run("Decrypt "+tc.name, func(t *testing.T) {
			out, err := e.kms.Decrypt(testCtx(t), &tc.in)
			wantCode(t, err, tc.code)
			if out != nil && len(out.Plaintext) > 0 {
				t.Fatal("a failed Decrypt returned plaintext")
			}
		})
	}
	encrypts := []struct {
		name string
		in   kms.EncryptInput
		code string
		msg  string
	}{
		{"no algorithm", kms.EncryptInput{KeyId: rsaKey.KeyId, Plaintext: plaintext}, "ValidationException", "EncryptionAlgorithm is required"},
		{"SYMMETRIC_DEFAULT", kms.EncryptInput{KeyId: rsaKey.KeyId, Plaintext: plaintext, EncryptionAlgorithm: types.EncryptionAlgorithmSpecSymmetricDefault}, "InvalidKeyUsageException", "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048."},
		{"SM2PKE", kms.EncryptInput{KeyId: rsaKey.KeyId, Plaintext: plaintext, EncryptionAlgorithm: types.EncryptionAlgorithmSpecSm2pke}, "InvalidKeyUsageException", "SM2PKE"},
		{"encryption context", kms.EncryptInput{KeyId: rsaKey.KeyId, Plaintext: plaintext, EncryptionAlgorithm: oaep1, EncryptionContext: map[string]string{"a": "b"}}, "ValidationException", "EncryptionContext"},
		{"over the SHA-1 limit", kms.EncryptInput{KeyId: rsaKey.KeyId, Plaintext: make([]byte, 215), EncryptionAlgorithm: oaep1}, "ValidationException", "larger than 214 bytes"},
		{"at the SHA-1 limit", kms.EncryptInput{KeyId: rsaKey.KeyId, Plaintext: make([]byte, 214), EncryptionAlgorithm: oaep1}, "", ""},
		{"dry run", kms.EncryptInput{KeyId: rsaKey.KeyId, Plaintext: plaintext, EncryptionAlgorithm: oaep1, DryRun: aws.Bool(true)}, "DryRunOperationException", ""},
	}
	for _, tc := range encrypts {
		t.Run("Encrypt "+tc.name, func(t *testing.T) {
			_, err := e.kms.Encrypt(testCtx(t), &tc.in)
			wantError(t, err, tc.code, tc.msg)
		})
	}
}

// TestDecryptFormerMaterial: ciphertext made with a material that is no
// longer current still decrypts, with that material (Decrypt names it), and
// not once the key no longer holds it.
func TestDecryptFormerMaterial(t *testing.T) {
	e := newKeysEnv(t)
	m := e.createKey(t, nil)
	old, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("old")})
	if err != nil {
		t.Fatal(err)
	}
	e.rotate(t, *m.KeyId)
	newID := aws.ToString(e.describe(t, *m.KeyId).CurrentKeyMaterialId)
	enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("new")})
	if err != nil {
		t.Fatal(err)
	}
	for blob, want := range map[string][2]string{string(old.CiphertextBlob): {"old", *m.CurrentKeyMaterialId}, string(enc.CiphertextBlob): {"new", newID}} {
		dec, err := e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: []byte(blob)})
		if err != nil {
			t.Fatal(err)
		}
		if string(dec.Plaintext) != want[0] || aws.ToString(dec.KeyMaterialId) != want[1] {
			t.Fatalf("Decrypt gave %q with material %s, want %q with %s", dec.Plaintext, aws.ToString(dec.KeyMaterialId), want[0], want[1])
		}
	}
	// Without the former material the old ciphertext no longer decrypts.
	e.svc.mu.Lock()
	k := e.svc.accounts[accountRegion{testAccountID, testRegion}].keys[*m.KeyId]
	k.Materials = slices.DeleteFunc(k.Materials, func(km *KeyMaterial) bool { return km.State == MaterialNonCurrent })
	e.svc.mu.Unlock()
	_, err = e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: old.CiphertextBlob})
	wantCode(t, err, "InvalidCiphertextException")
}
