package reference

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsconform/kmsconform/keywrap"
)

// wrapForImport wraps material the way an importer does for algorithm, with
// the DER public key GetParametersForImport returned.
func wrapForImport(t testing.TB, publicDER []byte, algorithm string, material []byte) []byte {
	t.Helper()
	wrapped, err := keywrap.ForImport(publicDER, algorithm, material)
	if err != nil {
		t.Fatal(err)
	}
	return wrapped
}

func (e *keysEnv) parameters(t testing.TB, keyID, algorithm, spec string) *kms.GetParametersForImportOutput {
	t.Helper()
	out, err := e.kms.GetParametersForImport(testCtx(t), &kms.GetParametersForImportInput{
		KeyId: aws.String(keyID), WrappingAlgorithm: types.AlgorithmSpec(algorithm), WrappingKeySpec: types.WrappingKeySpec(spec)})
	if err != nil {
		t.Fatalf("GetParametersForImport: %v", err)
	}
	return out
}

// importMaterial imports material into an EXTERNAL key, never to expire.
func (e *keysEnv) importMaterial(t testing.TB, keyID string, material []byte) *kms.ImportKeyMaterialOutput {
	t.Helper()
	p := e.parameters(t, keyID, "RSA_AES_KEY_WRAP_SHA_256", "RSA_2048")
	out, err := e.kms.ImportKeyMaterial(testCtx(t), &kms.ImportKeyMaterialInput{
		KeyId: aws.String(keyID), ImportToken: p.ImportToken,
		EncryptedKeyMaterial: wrapForImport(t, p.PublicKey, "RSA_AES_KEY_WRAP_SHA_256", material),
		ExpirationModel:      types.ExpirationModelTypeKeyMaterialDoesNotExpire})
	if err != nil {
		t.Fatalf("ImportKeyMaterial: %v", err)
	}
	return out
}

func TestGetParametersForImport(t *testing.T) {
	e := newKeysEnv(t)
	tests := []struct {
		kind keyKind
		alg  string
		code string
		msg  string
	}{
		{kindPendingImport, "RSAES_OAEP_SHA_256", "", ""},                                                                                         // GetParametersForImport.06
		{kindExternalEnabled, "RSAES_OAEP_SHA_1", "", ""},                                                                                         // .07
		{kindExternalDisabled, "RSA_AES_KEY_WRAP_SHA_1", "", ""},                                                                                  // .08
		{kindEnabled, "RSAES_OAEP_SHA_256", "UnsupportedOperationException", "origin is AWS_KMS which is not valid for this operation."},          // .04
		{kindUnavailable, "RSAES_OAEP_SHA_256", "UnsupportedOperationException", "origin is AWS_CLOUDHSM which is not valid for this operation."}, // .05
		{kindExternalPendingDeletion, "RSAES_OAEP_SHA_256", "KMSInvalidStateException", "is pending deletion."},                                   // .09
		{kindPendingImport, "RSAES_PKCS1_V1_5", "UnsupportedOperationException", "RSAES_PKCS1_V1_5"},                                              // .14
		{kindPendingImport, "SM2PKE", "UnsupportedOperationException", "SM2"},
	}
	for _, tc := range tests {
		t.Run(string(tc.kind)+"/"+tc.alg, func(t *testing.T) {
			m := e.makeKey(t, tc.kind)
			before := e.state(t, *m.KeyId)
			now := e.svc.Clock().Now()
			out, err := e.kms.GetParametersForImport(testCtx(t), &kms.GetParametersForImportInput{
				KeyId: m.KeyId, WrappingAlgorithm: types.AlgorithmSpec(tc.alg), WrappingKeySpec: types.WrappingKeySpecRsa2048})
			wantError(t, err, tc.code, tc.msg)
			e.wantState(t, *m.KeyId, before)
			if err != nil {
				return
			}
			pub, perr := x509.ParsePKIXPublicKey(out.PublicKey)
			if rsaPub, ok := pub.(*rsa.PublicKey); perr != nil || !ok || rsaPub.N.BitLen() != 2048 {
				t.Fatalf("PublicKey is not an RSA 2048 key: %T %v", pub, perr)
			}
			if aws.ToString(out.KeyId) != *m.Arn || len(out.ImportToken) == 0 {
				t.Fatalf("KeyId = %s, token %d bytes", aws.ToString(out.KeyId), len(out.ImportToken))
			}
			if d := out.ParametersValidTo.Sub(now.Add(24 * time.Hour)); d.Abs() > 5*time.Second { // .12
				t.Fatalf("ParametersValidTo = %v, want 24 h after %v", out.ParametersValidTo, now)
			}
		})
	}
	m := e.makeKey(t, kindPendingImport)
	wantRaw(t, e.url, "GetParametersForImport", `{"KeyId":"`+*m.KeyId+`","WrappingKeySpec":"RSA_2048"}`, "ValidationException", "Value null at 'wrappingAlgorithm' failed to satisfy constraint: Member must not be null")
	wantRaw(t, e.url, "GetParametersForImport", `{"KeyId":"`+*m.KeyId+`","WrappingAlgorithm":"RSAES_OAEP_SHA_256"}`, "ValidationException", "Value null at 'wrappingKeySpec'")
	wantRaw(t, e.url, "GetParametersForImport", `{"KeyId":"`+*m.KeyId+`","WrappingAlgorithm":"OAEP","WrappingKeySpec":"RSA_1024"}`, "ValidationException", "2 validation errors detected")
	_, err := e.other.GetParametersForImport(testCtx(t), &kms.GetParametersForImportInput{KeyId: m.Arn, WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256, WrappingKeySpec: types.WrappingKeySpecRsa2048})
	wantError(t, err, "AccessDeniedException", "") // GetParametersForImport.03
}

// TestImportEveryWrapping imports real material with each supported wrapping
// algorithm and key size, then proves the key encrypts with that material.
func TestImportEveryWrapping(t *testing.T) {
	e := newKeysEnv(t)
	tests := []struct{ alg, spec string }{
		{"RSAES_OAEP_SHA_1", "RSA_2048"},
		{"RSAES_OAEP_SHA_256", "RSA_2048"},
		{"RSA_AES_KEY_WRAP_SHA_1", "RSA_2048"},
		{"RSA_AES_KEY_WRAP_SHA_256", "RSA_2048"},
		{"RSAES_OAEP_SHA_256", "RSA_3072"},
		{"RSA_AES_KEY_WRAP_SHA_256", "RSA_4096"},
	}
	for _, tc := range tests {
		t.Run(tc.alg+"/"+tc.spec, func(t *testing.T) {
			m := e.makeKey(t, kindPendingImport)
			p := e.parameters(t, *m.KeyId, tc.alg, tc.spec)
			material := randomBytes(32)
			out, err := e.kms.ImportKeyMaterial(testCtx(t), &kms.ImportKeyMaterialInput{
				KeyId: m.KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapForImport(t, p.PublicKey, tc.alg, material),
				ExpirationModel: types.ExpirationModelTypeKeyMaterialDoesNotExpire})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.KeyId) != *m.Arn || len(aws.ToString(out.KeyMaterialId)) != 64 { // ImportKeyMaterial.34
				t.Fatalf("ImportKeyMaterial = %s, %s", aws.ToString(out.KeyId), aws.ToString(out.KeyMaterialId))
			}
			d := e.describe(t, *m.KeyId)
			if d.KeyState != types.KeyStateEnabled || d.ExpirationModel != types.ExpirationModelTypeKeyMaterialDoesNotExpire || d.ValidTo != nil ||
				aws.ToString(d.CurrentKeyMaterialId) != aws.ToString(out.KeyMaterialId) { // ImportKeyMaterial.06
				t.Fatalf("DescribeKey after import = %+v", d)
			}
			// The key really uses the imported material.
			enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("imported")})
			if err != nil {
				t.Fatal(err)
			}
			e.svc.mu.Lock()
			got := bytes.Clone(e.svc.accounts[accountRegion{testAccountID, testRegion}].keys[*m.KeyId].Material)
			e.svc.mu.Unlock()
			if !bytes.Equal(got, material) {
				t.Fatal("the key does not hold the imported material")
			}
			dec, err := e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
			if err != nil || string(dec.Plaintext) != "imported" {
				t.Fatalf("Decrypt = %q, %v", dec.Plaintext, err)
			}
		})
	}
}

func TestImportKeyMaterialErrors(t *testing.T) {
	e := newKeysEnv(t)
	const alg = "RSA_AES_KEY_WRAP_SHA_256"
	type request struct {
		keyID    string
		token    []byte
		wrapped  []byte
		model    types.ExpirationModelType
		validTo  *time.Time
		imp      types.ImportType
		material *string
	}
	now := e.svc.Clock().Now()
	tests := []struct {
		name  string
		kind  keyKind
		build func(t *testing.T, keyID string) request
		code  string
		msg   string
	}{
		{"token of another key (ImportKeyMaterial.14)", kindPendingImport, func(t *testing.T, keyID string) request {
			other := e.makeKey(t, kindPendingImport)
			p := e.parameters(t, *other.KeyId, alg, "RSA_2048")
			return request{keyID: keyID, token: p.ImportToken, wrapped: wrapForImport(t, p.PublicKey, alg, randomBytes(32)), model: types.ExpirationModelTypeKeyMaterialDoesNotExpire}
		}, "InvalidImportTokenException", ""},
		{"token that is not a token (.13)", kindPendingImport, func(t *testing.T, keyID string) request {
			p := e.parameters(t, keyID, alg, "RSA_2048")
			return request{keyID: keyID, token: []byte("forged token"), wrapped: wrapForImport(t, p.PublicKey, alg, randomBytes(32)), model: types.ExpirationModelTypeKeyMaterialDoesNotExpire}
		}, "InvalidImportTokenException", ""},
		{"material wrapped for another key (.15)", kindPendingImport, func(t *testing.T, keyID string) request {
			other := e.makeKey(t, kindPendingImport)
			theirs := e.parameters(t, *other.KeyId, alg, "RSA_2048")
			mine := e.parameters(t, keyID, alg, "RSA_2048")
			return request{keyID: keyID, token: mine.ImportToken, wrapped: wrapForImport(t, theirs.PublicKey, alg, randomBytes(32)), model: types.ExpirationModelTypeKeyMaterialDoesNotExpire}
		}, "InvalidCiphertextException", ""},
		{"material wrapped with another algorithm (.15)", kindPendingImport, func(t *testing.T, keyID string) request {
			p := e.parameters(t, keyID, alg, "RSA_2048")
			return request{keyID: keyID, token: p.ImportToken, wrapped: wrapForImport(t, p.PublicKey, "RSAES_OAEP_SHA_256", randomBytes(32)), model: types.ExpirationModelTypeKeyMaterialDoesNotExpire}
		}, "InvalidCiphertextException", ""},
		{"material of the wrong size (.18)", kindPendingImport, func(t *testing.T, keyID string) request {
			p := e.parameters(t, keyID, alg, "RSA_2048")
			return request{keyID: keyID, token: p.ImportToken, wrapped: wrapForImport(t, p.PublicKey, alg, randomBytes(16)), model: types.ExpirationModelTypeKeyMaterialDoesNotExpire}
		}, "IncorrectKeyMaterialException", "32 bytes"},
		{"expiring material without ValidTo (.20)", kindPendingImport, func(t *testing.T, keyID string) request {
			r := e.validRequest(t, keyID, randomBytes(32))
			r.model, r.validTo = types.ExpirationModelTypeKeyMaterialExpires, nil
			return r
		}, "ValidationException", "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES"},
		{"default model without ValidTo (.20)", kindPendingImport, func(t *testing.T, keyID string) request {
			r := e.validRequest(t, keyID, randomBytes(32))
			r.model = ""
			return r
		}, "ValidationException", "A validTo date must be set"},
		{"non-expiring material with ValidTo (.21)", kindPendingImport, func(t *testing.T, keyID string) request {
			r := e.validRequest(t, keyID, randomBytes(32))
			r.validTo = aws.Time(now.Add(time.Hour))
			return r
		}, "ValidationException", "KEY_MATERIAL_DOES_NOT_EXPIRE"},
		{"ValidTo in the past (.22)", kindPendingImport, func(t *testing.T, keyID string) request {
			r := e.validRequest(t, keyID, randomBytes(32))
			r.model, r.validTo = types.ExpirationModelTypeKeyMaterialExpires, aws.Time(now.Add(-time.Hour))
			return r
		}, "ValidationException", "future"},
		{"ValidTo beyond 365 days (.23)", kindPendingImport, func(t *testing.T, keyID string) request {
			r := e.validRequest(t, keyID, randomBytes(32))
			r.model, r.validTo = types.ExpirationModelTypeKeyMaterialExpires, aws.Time(now.AddDate(0, 0, 366))
			return r
		}, "ValidationException", "365 days"},
		{"KeyMaterialId with NEW_KEY_MATERIAL (.27)", kindPendingImport, func(t *testing.T, keyID string) request {
			r := e.validRequest(t, keyID, randomBytes(32))
			r.imp, r.material = types.ImportTypeNewKeyMaterial, aws.String(strings.Repeat("a", 64))
			return r
		}, "ValidationException", "KeyMaterialId"},
		{"KeyMaterialId outside its pattern (V76)", kindPendingImport, func(t *testing.T, keyID string) request {
			r := e.validRequest(t, keyID, randomBytes(32))
			r.material = aws.String(strings.Repeat("A", 64))
			return r
		}, "ValidationException", "at 'keyMaterialId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-f0-9]+$"},
		{"ExpirationModel outside its enum (V71)", kindPendingImport, func(t *testing.T, keyID string) request {
			r := e.validRequest(t, keyID, randomBytes(32))
			r.model = "SOMETIMES"
			return r
		}, "ValidationException", "at 'expirationModel'"},
		{"EXISTING_KEY_MATERIAL before any import (.18)", kindPendingImport, func(t *testing.T, keyID string) request {
			r := e.validRequest(t, keyID, randomBytes(32))
			r.imp = types.ImportTypeExistingKeyMaterial
			return r
		}, "IncorrectKeyMaterialException", "NEW_KEY_MATERIAL"},
		{"different material on reimport (.16)", kindExternalEnabled, func(t *testing.T, keyID string) request {
			return e.validRequest(t, keyID, randomBytes(32))
		}, "IncorrectKeyMaterialException", "not the key material previously imported"},
		{"KeyMaterialId that is not this material's (.28)", kindPendingImport, func(t *testing.T, keyID string) request {
			r := e.validRequest(t, keyID, randomBytes(32))
			r.material = aws.String(strings.Repeat("a", 64))
			return r
		}, "IncorrectKeyMaterialException", "KeyMaterialId"},
		{"AWS_KMS key (.04)", kindEnabled, func(t *testing.T, keyID string) request {
			return request{keyID: keyID, token: []byte("t"), wrapped: []byte("w"), model: types.ExpirationModelTypeKeyMaterialDoesNotExpire}
		}, "UnsupportedOperationException", "origin is AWS_KMS which is not valid for this operation."},
		{"key in a custom key store (.05)", kindUnavailable, func(t *testing.T, keyID string) request {
			return request{keyID: keyID, token: []byte("t"), wrapped: []byte("w"), model: types.ExpirationModelTypeKeyMaterialDoesNotExpire}
		}, "UnsupportedOperationException", "origin is AWS_CLOUDHSM"},
		{"key pending deletion (.09)", kindExternalPendingDeletion, func(t *testing.T, keyID string) request {
			return request{keyID: keyID, token: []byte("t"), wrapped: []byte("w"), model: types.ExpirationModelTypeKeyMaterialDoesNotExpire}
		}, "KMSInvalidStateException", "is pending deletion."},
		{"Disabled key (.08, conflict E.3: the operation doc is followed)", kindExternalDisabled, func(t *testing.T, keyID string) request {
			return request{keyID: keyID, token: []byte("t"), wrapped: []byte("w"), model: types.ExpirationModelTypeKeyMaterialDoesNotExpire}
		}, "KMSInvalidStateException", "is disabled."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := e.makeKey(t, tc.kind)
			before := e.describe(t, *m.KeyId)
			r := tc.build(t, *m.KeyId)
			_, err := e.kms.ImportKeyMaterial(testCtx(t), &kms.ImportKeyMaterialInput{
				KeyId: aws.String(r.keyID), ImportToken: r.token, EncryptedKeyMaterial: r.wrapped,
				ExpirationModel: r.model, ValidTo: r.validTo, ImportType: r.imp, KeyMaterialId: r.material})
			wantError(t, err, tc.code, tc.msg)
			after := e.describe(t, *m.KeyId)
			if after.KeyState != before.KeyState || aws.ToString(after.CurrentKeyMaterialId) != aws.ToString(before.CurrentKeyMaterialId) {
				t.Fatalf("a failed import changed the key: %s/%s -> %s/%s", before.KeyState, aws.ToString(before.CurrentKeyMaterialId), after.KeyState, aws.ToString(after.CurrentKeyMaterialId))
			}
		})
	}
	m := e.makeKey(t, kindPendingImport)
	wantRaw(t, e.url, "ImportKeyMaterial", `{"KeyId":"`+*m.KeyId+`"}`, "ValidationException",
		"2 validation errors detected: Value null at 'importToken' failed to satisfy constraint: Member must not be null; Value null at 'encryptedKeyMaterial'")
	wantRaw(t, e.url, "ImportKeyMaterial", `{"KeyId":"`+*m.KeyId+`","ImportToken":"not base64!","EncryptedKeyMaterial":"AA=="}`, "SerializationException", "")
}

// validRequest is an import of material into keyID that would succeed.
func (e *keysEnv) validRequest(t testing.TB, keyID string, material []byte) (r struct {
	keyID    string
	token    []byte
	wrapped  []byte
	model    types.ExpirationModelType
	validTo  *time.Time
	imp      types.ImportType
	material *string
}) {
	t.Helper()
	p := e.parameters(t, keyID, "RSAES_OAEP_SHA_256", "RSA_2048")
	r.keyID, r.token = keyID, p.ImportToken
	r.wrapped = wrapForImport(t, p.PublicKey, "RSAES_OAEP_SHA_256", material)
	r.model = types.ExpirationModelTypeKeyMaterialDoesNotExpire
	return r
}

func TestImportTokenExpires(t *testing.T) {
	e := newKeysEnv(t)
	m := e.makeKey(t, kindPendingImport)
	r := e.validRequest(t, *m.KeyId, randomBytes(32))
	e.svc.Clock().Advance(24*time.Hour + time.Second) // ImportKeyMaterial.12
	_, err := e.kms.ImportKeyMaterial(testCtx(t), &kms.ImportKeyMaterialInput{KeyId: m.KeyId, ImportToken: r.token, EncryptedKeyMaterial: r.wrapped, ExpirationModel: r.model})
	wantError(t, err, "ExpiredImportTokenException", "")
	e.wantState(t, *m.KeyId, types.KeyStatePendingImport)
	// A fresh token works (GetParametersForImport.13: a new call may use another spec).
	p := e.parameters(t, *m.KeyId, "RSAES_OAEP_SHA_1", "RSA_2048")
	_, err = e.kms.ImportKeyMaterial(testCtx(t), &kms.ImportKeyMaterialInput{KeyId: m.KeyId, ImportToken: p.ImportToken,
		EncryptedKeyMaterial: wrapForImport(t, p.PublicKey, "RSAES_OAEP_SHA_1", randomBytes(32)), ExpirationModel: r.model})
	wantError(t, err, "", "")
	e.wantState(t, *m.KeyId, types.KeyStateEnabled)
}

// TestImportedMaterialExpires follows material imported with a ValidTo: it is
// deleted when ValidTo passes (ImportKeyMaterial.33), the key becomes
// PendingImport and unusable, and reimporting the same material restores it,
// including ciphertexts made before the expiry.
func TestImportedMaterialExpires(t *testing.T) {
	e := newKeysEnv(t)
	m := e.makeKey(t, kindPendingImport)
	material := randomBytes(32)
	validTo := e.svc.Clock().Now().Add(48 * time.Hour).Truncate(time.Second)
	r := e.validRequest(t, *m.KeyId, material)
	out, err := e.kms.ImportKeyMaterial(testCtx(t), &kms.ImportKeyMaterialInput{KeyId: m.KeyId, ImportToken: r.token, EncryptedKeyMaterial: r.wrapped,
		ExpirationModel: types.ExpirationModelTypeKeyMaterialExpires, ValidTo: aws.Time(validTo)})
	if err != nil {
		t.Fatal(err)
	}
	d := e.describe(t, *m.KeyId)
	if d.KeyState != types.KeyStateEnabled || d.ExpirationModel != types.ExpirationModelTypeKeyMaterialExpires || d.ValidTo == nil || !d.ValidTo.Equal(validTo) {
		t.Fatalf("DescribeKey after import = %+v", d)
	}
	enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("before expiry")})
	if err != nil {
		t.Fatal(err)
	}
	// Reimporting the same material with the same KeyMaterialId is allowed (.07).
	r = e.validRequest(t, *m.KeyId, material)
	again, err := e.kms.ImportKeyMaterial(testCtx(t), &kms.ImportKeyMaterialInput{KeyId: m.KeyId, ImportToken: r.token, EncryptedKeyMaterial: r.wrapped,
		ExpirationModel: types.ExpirationModelTypeKeyMaterialExpires, ValidTo: aws.Time(validTo), KeyMaterialId: out.KeyMaterialId})
	if err != nil || aws.ToString(again.KeyMaterialId) != aws.ToString(out.KeyMaterialId) {
		t.Fatalf("reimport: %v, KeyMaterialId %s, want %s", err, aws.ToString(again.KeyMaterialId), aws.ToString(out.KeyMaterialId))
	}

	e.svc.Clock().Advance(47 * time.Hour)
	e.wantState(t, *m.KeyId, types.KeyStateEnabled)
	e.svc.Clock().Advance(2 * time.Hour)
	d = e.describe(t, *m.KeyId)
	if d.KeyState != types.KeyStatePendingImport || d.ValidTo != nil {
		t.Fatalf("DescribeKey after ValidTo = %+v", d)
	}
	_, err = e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("x")})
	wantError(t, err, "KMSInvalidStateException", "is pending import.")
	_, err = e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	wantError(t, err, "KMSInvalidStateException", "is pending import.")

	e.importMaterial(t, *m.KeyId, material)
	e.wantState(t, *m.KeyId, types.KeyStateEnabled)
	dec, err := e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	if err != nil || string(dec.Plaintext) != "before expiry" {
		t.Fatalf("Decrypt after reimport = %q, %v", dec.Plaintext, err)
	}
}

func TestDeleteImportedKeyMaterial(t *testing.T) {
	e := newKeysEnv(t)
	tests := []struct {
		kind   keyKind
		code   string
		msg    string
		after  types.KeyState
		usable bool
	}{
		{kindExternalEnabled, "", "", types.KeyStatePendingImport, false},                                                                       // DeleteImportedKeyMaterial.06
		{kindExternalDisabled, "", "", types.KeyStatePendingImport, false},                                                                      // .07
		{kindExternalPendingDeletion, "", "", types.KeyStatePendingDeletion, false},                                                             // .08
		{kindPendingImport, "", "", types.KeyStatePendingImport, false},                                                                         // .09
		{kindEnabled, "UnsupportedOperationException", "origin is AWS_KMS which is not valid for this operation.", types.KeyStateEnabled, true}, // .05
		{kindUnavailable, "UnsupportedOperationException", "origin is AWS_CLOUDHSM", types.KeyStateUnavailable, false},                          // .05
	}
	for _, tc := range tests {
		t.Run(string(tc.kind), func(t *testing.T) {
			m := e.makeKey(t, tc.kind)
			before := e.describe(t, *m.KeyId)
			out, err := e.kms.DeleteImportedKeyMaterial(testCtx(t), &kms.DeleteImportedKeyMaterialInput{KeyId: m.KeyId})
			wantError(t, err, tc.code, tc.msg)
			e.wantState(t, *m.KeyId, tc.after)
			if err == nil {
				if aws.ToString(out.KeyId) != *m.Arn || aws.ToString(out.KeyMaterialId) != aws.ToString(before.CurrentKeyMaterialId) { // .14
					t.Fatalf("response KeyId %s KeyMaterialId %s; want %s, %s", aws.ToString(out.KeyId), aws.ToString(out.KeyMaterialId), *m.Arn, aws.ToString(before.CurrentKeyMaterialId))
				}
			}
			_, err = e.kms.GenerateDataKey(testCtx(t), &kms.GenerateDataKeyInput{KeyId: m.KeyId, KeySpec: types.DataKeySpecAes256})
			if (err == nil) != tc.usable {
				t.Fatalf("GenerateDataKey after DeleteImportedKeyMaterial: %v", err)
			}
		})
	}
	t.Run("PendingDeletion key cancelled without material is PendingImport", func(t *testing.T) {
		m := e.makeKey(t, kindExternalPendingDeletion)
		if _, err := e.kms.DeleteImportedKeyMaterial(testCtx(t), &kms.DeleteImportedKeyMaterialInput{KeyId: m.KeyId}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.kms.CancelKeyDeletion(testCtx(t), &kms.CancelKeyDeletionInput{KeyId: m.KeyId}); err != nil {
			t.Fatal(err)
		}
		e.wantState(t, *m.KeyId, types.KeyStatePendingImport)
	})
	t.Run("KeyMaterialId (DeleteImportedKeyMaterial.12-13)", func(t *testing.T) {
		m := e.makeKey(t, kindExternalEnabled)
		current := aws.ToString(e.describe(t, *m.KeyId).CurrentKeyMaterialId)
		_, err := e.kms.DeleteImportedKeyMaterial(testCtx(t), &kms.DeleteImportedKeyMaterialInput{KeyId: m.KeyId, KeyMaterialId: aws.String(strings.Repeat("0", 64))})
		wantError(t, err, "NotFoundException", "is not associated with")
		e.wantState(t, *m.KeyId, types.KeyStateEnabled)
		_, err = e.kms.DeleteImportedKeyMaterial(testCtx(t), &kms.DeleteImportedKeyMaterialInput{KeyId: m.KeyId, KeyMaterialId: aws.String("abc")})
		wantError(t, err, "ValidationException", "Value 'abc' at 'keyMaterialId' failed to satisfy constraint: Member must have length greater than or equal to 64")
		_, err = e.kms.DeleteImportedKeyMaterial(testCtx(t), &kms.DeleteImportedKeyMaterialInput{KeyId: m.KeyId, KeyMaterialId: aws.String(current)})
		wantError(t, err, "", "")
		e.wantState(t, *m.KeyId, types.KeyStatePendingImport)
	})
	m := e.makeKey(t, kindExternalEnabled)
	_, err := e.other.DeleteImportedKeyMaterial(testCtx(t), &kms.DeleteImportedKeyMaterialInput{KeyId: m.Arn})
	wantError(t, err, "AccessDeniedException", "") // DeleteImportedKeyMaterial.03
	e.wantState(t, *m.KeyId, types.KeyStateEnabled)
}

// TestWrappingKeyPool checks that the pool hands out fresh keys of the asked
// size and refills itself in the background after a key is taken.
func TestWrappingKeyPool(t *testing.T) {
	p := newWrappingKeyPool(map[int]int{2048: 1})
	if _, ok := p.tryTake(2048); ok {
		t.Fatal("a new pool already has keys")
	}
	first, err := p.wait(testCtx(t), 2048)
	if err != nil || first.N.BitLen() != 2048 {
		t.Fatalf("wait = %v, %v", first, err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		k, ok := p.tryTake(2048)
		if ok {
			if k.N.BitLen() != 2048 || k.N.Cmp(first.N) == 0 {
				t.Fatal("the pool handed out a wrong or reused key")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the pool did not refill")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
