package reference

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func TestEncryptDecryptRoundTrip(t *testing.T) {
	e := newKeysEnv(t)
	m := e.createKey(t, nil)
	if _, err := e.kms.CreateAlias(testCtx(t), &kms.CreateAliasInput{AliasName: aws.String("alias/crypto"), TargetKeyId: m.KeyId}); err != nil {
		t.Fatal(err)
	}
	encCtx := map[string]string{"purpose": "test", "tenant": "a"}
	for _, keyID := range []string{*m.KeyId, *m.Arn, "alias/crypto", "arn:aws:kms:us-east-1:111122223333:alias/crypto"} {
		t.Run(keyID, func(t *testing.T) {
			plaintext := randomBytes(4096)
			enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: aws.String(keyID), Plaintext: plaintext, EncryptionContext: encCtx})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(enc.KeyId) != *m.Arn || enc.EncryptionAlgorithm != types.EncryptionAlgorithmSpecSymmetricDefault {
				t.Fatalf("Encrypt KeyId %s, algorithm %s", aws.ToString(enc.KeyId), enc.EncryptionAlgorithm)
			}
			if bytes.Contains(enc.CiphertextBlob, plaintext[:64]) {
				t.Fatal("the ciphertext contains the plaintext")
			}
			for _, named := range []*string{nil, aws.String(keyID)} {
				dec, err := e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: encCtx, KeyId: named})
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(dec.Plaintext, plaintext) || aws.ToString(dec.KeyId) != *m.Arn || aws.ToString(dec.KeyMaterialId) != aws.ToString(m.CurrentKeyMaterialId) {
					t.Fatalf("Decrypt gave KeyId %s, KeyMaterialId %s and %d bytes", aws.ToString(dec.KeyId), aws.ToString(dec.KeyMaterialId), len(dec.Plaintext))
				}
			}
		})
	}
	one, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("same")})
	if err != nil {
		t.Fatal(err)
	}
	two, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("same")})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(one.CiphertextBlob, two.CiphertextBlob) {
		t.Fatal("two encryptions of the same plaintext are identical")
	}
}

func TestDecryptErrors(t *testing.T) {
	e := newKeysEnv(t)
	m := e.createKey(t, nil)
	other := e.createKey(t, nil)
	encCtx := map[string]string{"k": "v"}
	enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("secret"), EncryptionContext: encCtx})
	if err != nil {
		t.Fatal(err)
	}
	blob := enc.CiphertextBlob
	flip := func(i int) []byte {
		b := bytes.Clone(blob)
		b[i] ^= 0x01
		return b
	}
	tests := []struct {
		name   string
		client *kms.Client
		in     kms.DecryptInput
		code   string
		msg    string
	}{
		{"no encryption context", e.kms, kms.DecryptInput{CiphertextBlob: blob}, "InvalidCiphertextException", ""},
		{"another encryption context", e.kms, kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: map[string]string{"k": "w"}}, "InvalidCiphertextException", ""},
		{"an extra context pair", e.kms, kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: map[string]string{"k": "v", "x": "y"}}, "InvalidCiphertextException", ""},
		{"changed version byte", e.kms, kms.DecryptInput{CiphertextBlob: flip(2), EncryptionContext: encCtx}, "InvalidCiphertextException", ""},
		{"changed material ID", e.kms, kms.DecryptInput{CiphertextBlob: flip(len(blob) - 12 - 16 - 6 - 20), EncryptionContext: encCtx}, "InvalidCiphertextException", ""},
		{"changed nonce", e.kms, kms.DecryptInput{CiphertextBlob: flip(len(blob) - 6 - 16 - 3), EncryptionContext: encCtx}, "InvalidCiphertextException", ""},
		{"changed ciphertext", e.kms, kms.DecryptInput{CiphertextBlob: flip(len(blob) - 17), EncryptionContext: encCtx}, "InvalidCiphertextException", ""},
		{"changed tag", e.kms, kms.DecryptInput{CiphertextBlob: flip(len(blob) - 1), EncryptionContext: encCtx}, "InvalidCiphertextException", ""},
		{"truncated", e.kms, kms.DecryptInput{CiphertextBlob: blob[:len(blob)-20], EncryptionContext: encCtx}, "InvalidCiphertextException", ""},
		{"not a ciphertext", e.kms, kms.DecryptInput{CiphertextBlob: []byte("hello, world")}, "InvalidCiphertextException", ""},
		{"KeyId of another key", e.kms, kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: encCtx, KeyId: other.KeyId}, "IncorrectKeyException", ""},
		{"KeyId that does not exist", e.kms, kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: encCtx, KeyId: aws.String("alias/none")}, "NotFoundException", ""},
		{"another account", e.other, kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: encCtx}, "AccessDeniedException", ""},
		{"ciphertext too long", e.kms, kms.DecryptInput{CiphertextBlob: make([]byte, 6145)}, "ValidationException", "at 'ciphertextBlob' failed to satisfy constraint: Member must have length less than or equal to 6144"},
		{"RSA algorithm for a symmetric key", e.kms, kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: encCtx, EncryptionAlgorithm: types.EncryptionAlgorithmSpecRsaesOaepSha256}, "InvalidKeyUsageException", ""},
		{"dry run", e.kms, kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: encCtx, DryRun: aws.Bool(true)}, "DryRunOperationException", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.client.Decrypt(testCtx(t), &tc.in)
			wantError(t, err, tc.code, tc.msg)
			if out != nil && len(out.Plaintext) > 0 {
				t.Fatal("a failed Decrypt returned plaintext")
			}
		})
	}
	// KMS sends InvalidCiphertextException without a message.
	_, typ, msg, raw := rawCall(t, e.url, "Decrypt", `{"CiphertextBlob":"`+base64.StdEncoding.EncodeToString([]byte("junk"))+`"}`)
	if typ != "InvalidCiphertextException" || msg != "" || strings.Contains(string(raw), "message") {
		t.Fatalf("Decrypt of junk answered %s", raw)
	}
	wantRaw(t, e.url, "Decrypt", `{}`, "ValidationException", "Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null")
}

func TestEncryptErrors(t *testing.T) {
	e := newKeysEnv(t)
	m := e.createKey(t, nil)
	signing := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeSignVerify})
	rsaKey := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecRsa3072, KeyUsage: types.KeyUsageTypeEncryptDecrypt})
	oaep256 := types.EncryptionAlgorithmSpecRsaesOaepSha256
	tests := []struct {
		name string
		in   kms.EncryptInput
		code string
		msg  string
	}{
		{"plaintext too long", kms.EncryptInput{KeyId: m.KeyId, Plaintext: make([]byte, 4097)}, "ValidationException", "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096"},
		// RSA-OAEP's limit, 384 - 2*32 - 2 bytes for RSA_3072 with SHA-256.
		{"plaintext over the RSA-OAEP limit", kms.EncryptInput{KeyId: rsaKey.KeyId, Plaintext: make([]byte, 319), EncryptionAlgorithm: oaep256}, "ValidationException", "Algorithm RSAES_OAEP_SHA_256 and key spec RSA_3072 cannot encrypt data larger than 318 bytes."},
		{"plaintext at the RSA-OAEP limit", kms.EncryptInput{KeyId: rsaKey.KeyId, Plaintext: make([]byte, 318), EncryptionAlgorithm: oaep256}, "", ""},
		{"algorithm outside its enum", kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("x"), EncryptionAlgorithm: "AES"}, "ValidationException", "at 'encryptionAlgorithm'"},
		{"RSA algorithm for a symmetric key", kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("x"), EncryptionAlgorithm: types.EncryptionAlgorithmSpecRsaesOaepSha1}, "InvalidKeyUsageException", ""},
		{"signing key", kms.EncryptInput{KeyId: signing.KeyId, Plaintext: []byte("x")}, "InvalidKeyUsageException", "SIGN_VERIFY"},
		{"unknown alias", kms.EncryptInput{KeyId: aws.String("alias/none"), Plaintext: []byte("x")}, "NotFoundException", ""},
		{"too many grant tokens", kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("x"), GrantTokens: make([]string, 11)}, "ValidationException", "grantTokens"},
		{"dry run", kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("x"), DryRun: aws.Bool(true)}, "DryRunOperationException", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.kms.Encrypt(testCtx(t), &tc.in)
			wantError(t, err, tc.code, tc.msg)
		})
	}
	wantRaw(t, e.url, "Encrypt", `{"KeyId":"`+*m.KeyId+`","Plaintext":""}`, "ValidationException", "at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1")
	wantRaw(t, e.url, "Encrypt", `{"KeyId":"`+*m.KeyId+`"}`, "ValidationException", "Value null at 'plaintext'")
	_, err := e.other.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: m.Arn, Plaintext: []byte("x")})
	wantError(t, err, "AccessDeniedException", "")
}

// TestCryptoKeyStates checks Encrypt, Decrypt, GenerateDataKey and
// GenerateDataKeyWithoutPlaintext in each reachable key state against the
// key-state table; the key state never changes.
func TestCryptoKeyStates(t *testing.T) {
	e := newKeysEnv(t)
	type prepared struct {
		meta *types.KeyMetadata
		blob []byte
	}
	// prepare makes an Enabled key, encrypts under it, then moves it to kind.
	prepare := func(t *testing.T, kind keyKind) prepared {
		var m *types.KeyMetadata
		if kind == kindPendingImport {
			m = e.makeKey(t, kindExternalEnabled)
		} else {
			m = e.createKey(t, nil)
		}
		enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("state")})
		if err != nil {
			t.Fatal(err)
		}
		switch kind {
		case kindDisabled:
			e.disable(t, *m.KeyId)
		case kindPendingDeletion:
			e.scheduleDeletion(t, *m.KeyId)
		case kindPendingImport:
			if _, err := e.kms.DeleteImportedKeyMaterial(testCtx(t), &kms.DeleteImportedKeyMaterialInput{KeyId: m.KeyId}); err != nil {
				t.Fatal(err)
			}
		case kindUnavailable:
			e.moveToDisconnectedStore(t, *m.KeyId)
		}
		return prepared{m, enc.CiphertextBlob}
	}
	ops := map[string]func(p prepared) error{
		"Encrypt": func(p prepared) error {
			_, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: p.meta.KeyId, Plaintext: []byte("x")})
			return err
		},
		"Decrypt": func(p prepared) error {
			_, err := e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: p.blob})
			return err
		},
		"GenerateDataKey": func(p prepared) error {
			_, err := e.kms.GenerateDataKey(testCtx(t), &kms.GenerateDataKeyInput{KeyId: p.meta.KeyId, KeySpec: types.DataKeySpecAes256})
			return err
		},
		"GenerateDataKeyWithoutPlaintext": func(p prepared) error {
			_, err := e.kms.GenerateDataKeyWithoutPlaintext(testCtx(t), &kms.GenerateDataKeyWithoutPlaintextInput{KeyId: p.meta.KeyId, NumberOfBytes: aws.Int32(16)})
			return err
		},
	}
	states := []struct {
		kind  keyKind
		state types.KeyState
		code  string
		msg   string
	}{
		{kindEnabled, types.KeyStateEnabled, "", ""},
		{kindDisabled, types.KeyStateDisabled, "DisabledException", "is disabled."},
		{kindPendingDeletion, types.KeyStatePendingDeletion, "KMSInvalidStateException", "is pending deletion."},
		{kindPendingImport, types.KeyStatePendingImport, "KMSInvalidStateException", "is pending import."},
		{kindUnavailable, types.KeyStateUnavailable, "KMSInvalidStateException", "is unavailable."},
	}
	for op, call := range ops {
		for _, st := range states {
			t.Run(op+"/"+string(st.kind), func(t *testing.T) {
				p := prepare(t, st.kind)
				err := call(p)
				wantError(t, err, st.code, st.msg)
				if st.code != "" {
					wantError(t, err, st.code, *p.meta.Arn+" ")
				}
				e.wantState(t, *p.meta.KeyId, st.state)
			})
		}
	}
}

func TestGenerateDataKey(t *testing.T) {
	e := newKeysEnv(t)
	m := e.createKey(t, nil)
	encCtx := map[string]string{"file": "a.txt"}
	tests := []struct {
		name string
		spec types.DataKeySpec
		n    *int32
		size int
		code string
		msg  string
	}{
		{"AES_256", types.DataKeySpecAes256, nil, 32, "", ""},
		{"AES_128", types.DataKeySpecAes128, nil, 16, "", ""},
		{"64 bytes", "", aws.Int32(64), 64, "", ""},
		{"1 byte", "", aws.Int32(1), 1, "", ""},
		{"1024 bytes", "", aws.Int32(1024), 1024, "", ""},
		{"neither", "", nil, 0, "ValidationException", "KeySpec or NumberOfBytes"},
		{"both", types.DataKeySpecAes256, aws.Int32(32), 0, "ValidationException", "not both"},
		{"too many bytes", "", aws.Int32(1025), 0, "ValidationException", "Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024"},
		{"no bytes", "", aws.Int32(0), 0, "ValidationException", "greater than or equal to 1"},
		{"KeySpec outside its enum", "AES_512", nil, 0, "ValidationException", "at 'keySpec'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.kms.GenerateDataKey(testCtx(t), &kms.GenerateDataKeyInput{KeyId: m.KeyId, KeySpec: tc.spec, NumberOfBytes: tc.n, EncryptionContext: encCtx})
			wantError(t, err, tc.code, tc.msg)
			bare, bareErr := e.kms.GenerateDataKeyWithoutPlaintext(testCtx(t), &kms.GenerateDataKeyWithoutPlaintextInput{KeyId: m.KeyId, KeySpec: tc.spec, NumberOfBytes: tc.n, EncryptionContext: encCtx})
			wantError(t, bareErr, tc.code, tc.msg)
			if err != nil {
				return
			}
			if len(out.Plaintext) != tc.size || aws.ToString(out.KeyId) != *m.Arn || aws.ToString(out.KeyMaterialId) != aws.ToString(m.CurrentKeyMaterialId) {
				t.Fatalf("GenerateDataKey: %d bytes, KeyId %s, KeyMaterialId %s", len(out.Plaintext), aws.ToString(out.KeyId), aws.ToString(out.KeyMaterialId))
			}
			dec, err := e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: out.CiphertextBlob, EncryptionContext: encCtx})
			if err != nil || !bytes.Equal(dec.Plaintext, out.Plaintext) {
				t.Fatalf("Decrypt of the data key: %v", err)
			}
			dec, err = e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: bare.CiphertextBlob, EncryptionContext: encCtx})
			if err != nil || len(dec.Plaintext) != tc.size {
				t.Fatalf("Decrypt of the data key without plaintext: %d bytes, %v", len(dec.Plaintext), err)
			}
		})
	}
	_, err := e.kms.GenerateDataKey(testCtx(t), &kms.GenerateDataKeyInput{KeyId: m.KeyId, KeySpec: types.DataKeySpecAes256, DryRun: aws.Bool(true)})
	wantError(t, err, "DryRunOperationException", "")
	hmac := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeGenerateVerifyMac})
	_, err = e.kms.GenerateDataKey(testCtx(t), &kms.GenerateDataKeyInput{KeyId: hmac.KeyId, KeySpec: types.DataKeySpecAes256})
	wantError(t, err, "InvalidKeyUsageException", "GENERATE_VERIFY_MAC")
}

func TestGenerateRandom(t *testing.T) {
	e := newKeysEnv(t)
	for _, n := range []int32{1, 32, 1024} { // GenerateRandom.02
		out, err := e.kms.GenerateRandom(testCtx(t), &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(n)})
		if err != nil || len(out.Plaintext) != int(n) {
			t.Fatalf("GenerateRandom(%d): %d bytes, %v", n, len(out.Plaintext), err)
		}
	}
	a, _ := e.kms.GenerateRandom(testCtx(t), &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(32)})
	b, _ := e.kms.GenerateRandom(testCtx(t), &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(32)})
	if bytes.Equal(a.Plaintext, b.Plaintext) {
		t.Fatal("GenerateRandom repeats itself")
	}
	tests := []struct {
		name string
		in   kms.GenerateRandomInput
		code string
		msg  string
	}{
		{"NumberOfBytes omitted (GenerateRandom.01)", kms.GenerateRandomInput{}, "ValidationException", "NumberOfBytes is required."},
		{"zero bytes (V100)", kms.GenerateRandomInput{NumberOfBytes: aws.Int32(0)}, "ValidationException", "Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"1025 bytes (V100)", kms.GenerateRandomInput{NumberOfBytes: aws.Int32(1025)}, "ValidationException", "less than or equal to 1024"},
		{"CustomKeyStoreId too long (V101)", kms.GenerateRandomInput{NumberOfBytes: aws.Int32(8), CustomKeyStoreId: aws.String(strings.Repeat("c", 65))}, "ValidationException", "at 'customKeyStoreId'"},
		{"unknown custom key store (GenerateRandom.03)", kms.GenerateRandomInput{NumberOfBytes: aws.Int32(8), CustomKeyStoreId: aws.String("cks-1234567890abcdef0")}, "CustomKeyStoreNotFoundException", ""},
		{"recipient algorithm outside its enum (V102)", kms.GenerateRandomInput{NumberOfBytes: aws.Int32(8), Recipient: &types.RecipientInfo{KeyEncryptionAlgorithm: "RSAES_OAEP_SHA_1", AttestationDocument: []byte{1}}}, "ValidationException", "at 'recipient.keyEncryptionAlgorithm'"},
		{"recipient", kms.GenerateRandomInput{NumberOfBytes: aws.Int32(8), Recipient: &types.RecipientInfo{KeyEncryptionAlgorithm: types.KeyEncryptionMechanismRsaesOaepSha256, AttestationDocument: []byte{1}}}, "UnsupportedOperationException", "attestation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.kms.GenerateRandom(testCtx(t), &tc.in)
			wantError(t, err, tc.code, tc.msg)
			if out != nil && len(out.Plaintext) > 0 {
				t.Fatal("a failed GenerateRandom returned bytes")
			}
		})
	}
}
