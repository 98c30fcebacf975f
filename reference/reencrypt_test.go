package reference

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// TestReEncrypt moves a plaintext from key to key, symmetric and RSA, with
// new encryption contexts, and checks each answer decrypts to the plaintext.
func TestReEncrypt(t *testing.T) {
	e := newKeysEnv(t)
	a := e.createKey(t, nil)
	b := e.createKey(t, nil)
	rsaKey := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeEncryptDecrypt})
	oaep := types.EncryptionAlgorithmSpecRsaesOaepSha256
	ctxA, ctxB := map[string]string{"from": "a"}, map[string]string{"to": "b"}
	enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: a.KeyId, Plaintext: []byte("moved"), EncryptionContext: ctxA})
	if err != nil {
		t.Fatal(err)
	}
	// a -> b with a new context, b -> RSA, RSA -> a, a -> a.
	toB, err := e.kms.ReEncrypt(testCtx(t), &kms.ReEncryptInput{CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: ctxA, DestinationKeyId: b.KeyId, DestinationEncryptionContext: ctxB})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(toB.SourceKeyId) != *a.Arn || aws.ToString(toB.KeyId) != *b.Arn || toB.SourceEncryptionAlgorithm != types.EncryptionAlgorithmSpecSymmetricDefault ||
		aws.ToString(toB.SourceKeyMaterialId) != *a.CurrentKeyMaterialId || aws.ToString(toB.DestinationKeyMaterialId) != *b.CurrentKeyMaterialId {
		t.Fatalf("ReEncrypt answered source %s (%s), destination %s (%s)", aws.ToString(toB.SourceKeyId), aws.ToString(toB.SourceKeyMaterialId), aws.ToString(toB.KeyId), aws.ToString(toB.DestinationKeyMaterialId))
	}
	toRSA, err := e.kms.ReEncrypt(testCtx(t), &kms.ReEncryptInput{CiphertextBlob: toB.CiphertextBlob, SourceEncryptionContext: ctxB, DestinationKeyId: rsaKey.KeyId, DestinationEncryptionAlgorithm: oaep})
	if err != nil {
		t.Fatal(err)
	}
	if toRSA.DestinationEncryptionAlgorithm != oaep || toRSA.DestinationKeyMaterialId != nil {
		t.Fatalf("ReEncrypt to RSA answered %s, material %v", toRSA.DestinationEncryptionAlgorithm, toRSA.DestinationKeyMaterialId)
	}
	back, err := e.kms.ReEncrypt(testCtx(t), &kms.ReEncryptInput{CiphertextBlob: toRSA.CiphertextBlob, SourceKeyId: rsaKey.KeyId, SourceEncryptionAlgorithm: oaep, DestinationKeyId: a.KeyId})
	if err != nil {
		t.Fatal(err)
	}
	dec, err := e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: back.CiphertextBlob})
	if err != nil || string(dec.Plaintext) != "moved" {
		t.Fatalf("Decrypt after three ReEncrypts: %q, %v", dec.Plaintext, err)
	}
	blob := enc.CiphertextBlob
	signing := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeSignVerify})
	tests := []struct {
		name string
		in   kms.ReEncryptInput
		code string
		msg  string
	}{
		{"same key, new context", kms.ReEncryptInput{CiphertextBlob: blob, SourceEncryptionContext: ctxA, DestinationKeyId: a.KeyId, DestinationEncryptionContext: ctxB}, "", ""},
		{"source key of another key", kms.ReEncryptInput{CiphertextBlob: blob, SourceEncryptionContext: ctxA, SourceKeyId: b.KeyId, DestinationKeyId: b.KeyId}, "IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation."},
		{"wrong source context", kms.ReEncryptInput{CiphertextBlob: blob, SourceEncryptionContext: ctxB, DestinationKeyId: b.KeyId}, "InvalidCiphertextException", ""},
		{"destination signs", kms.ReEncryptInput{CiphertextBlob: blob, SourceEncryptionContext: ctxA, DestinationKeyId: signing.KeyId}, "InvalidKeyUsageException", "SIGN_VERIFY"},
		{"destination not found", kms.ReEncryptInput{CiphertextBlob: blob, SourceEncryptionContext: ctxA, DestinationKeyId: aws.String("alias/none")}, "NotFoundException", ""},
		{"RSA destination without algorithm", kms.ReEncryptInput{CiphertextBlob: blob, SourceEncryptionContext: ctxA, DestinationKeyId: rsaKey.KeyId}, "ValidationException", "EncryptionAlgorithm"},
		{"RSA algorithm for a symmetric destination", kms.ReEncryptInput{CiphertextBlob: blob, SourceEncryptionContext: ctxA, DestinationKeyId: b.KeyId, DestinationEncryptionAlgorithm: oaep}, "InvalidKeyUsageException", "incompatible"},
		{"dry run", kms.ReEncryptInput{CiphertextBlob: blob, SourceEncryptionContext: ctxA, DestinationKeyId: b.KeyId, DryRun: aws.Bool(true)}, "DryRunOperationException", "DryRun option is set"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.kms.ReEncrypt(testCtx(t), &tc.in)
			wantError(t, err, tc.code, tc.msg)
			if err != nil && out != nil && len(out.CiphertextBlob) > 0 {
				t.Fatal("a failed ReEncrypt returned ciphertext")
			}
		})
	}
	wantRaw(t, e.url, "ReEncrypt", `{"CiphertextBlob":"AA=="}`, "ValidationException", "Value null at 'destinationKeyId'")
}

// TestReEncryptKeyStates: a Disabled source or destination key is
// DisabledException (ReEncrypt.23), even in a DryRun.
func TestReEncryptKeyStates(t *testing.T) {
	e := newKeysEnv(t)
	a := e.createKey(t, nil)
	b := e.createKey(t, nil)
	enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: a.KeyId, Plaintext: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.kms.ReEncrypt(testCtx(t), &kms.ReEncryptInput{CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: b.KeyId, DryRun: aws.Bool(true)})
	wantCode(t, err, "DryRunOperationException")
	e.disable(t, *b.KeyId)
	_, err = e.kms.ReEncrypt(testCtx(t), &kms.ReEncryptInput{CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: b.KeyId, DryRun: aws.Bool(true)})
	wantError(t, err, "DisabledException", *b.Arn)
	e.disable(t, *a.KeyId)
	_, err = e.kms.ReEncrypt(testCtx(t), &kms.ReEncryptInput{CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: a.KeyId})
	wantError(t, err, "DisabledException", *a.Arn)
}
