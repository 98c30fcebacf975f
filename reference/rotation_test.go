package reference

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
)

// rotate calls RotateKeyOnDemand on keyID and checks that it answers with
// the key's ARN.
func (e *keysEnv) rotate(t testing.TB, keyID string) {
	t.Helper()
	out, err := e.kms.RotateKeyOnDemand(testCtx(t), &kms.RotateKeyOnDemandInput{KeyId: aws.String(keyID)})
	if err != nil {
		t.Fatalf("RotateKeyOnDemand: %v", err)
	}
	if want := keyARN(DefaultRegion, testAccountID, keyID); aws.ToString(out.KeyId) != want {
		t.Fatalf("RotateKeyOnDemand answered KeyId %s, want the ARN %s", aws.ToString(out.KeyId), want)
	}
}

// openWith decrypts a symmetric ciphertext blob made without encryption
// context with material, AES-256-GCM as the blob format says, without the
// reference's own code; it returns the plaintext and the material ID the
// blob names, or an error when material does not open it.
func openWith(material, blob []byte) (plaintext []byte, materialID string, err error) {
	const magic = "KC\x01"
	if !bytes.HasPrefix(blob, []byte(magic)) || len(blob) < len(magic)+2 {
		return nil, "", fmt.Errorf("not a reference ciphertext blob")
	}
	n := int(binary.BigEndian.Uint16(blob[len(magic):]))
	headerLen := len(magic) + 2 + n + 32
	if len(blob) < headerLen+12+16 {
		return nil, "", fmt.Errorf("blob too short")
	}
	header := blob[:headerLen]
	block, err := aes.NewCipher(material)
	if err != nil {
		return nil, "", err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, "", err
	}
	aad := binary.BigEndian.AppendUint32(bytes.Clone(header), 0) // no encryption context pairs
	plaintext, err = aead.Open(nil, blob[headerLen:headerLen+12], blob[headerLen+12:], aad)
	return plaintext, hex.EncodeToString(header[headerLen-32:]), err
}

// TestRotateKeyOnDemand: after each rotation, DescribeKey shows the new
// CurrentKeyMaterialId, Encrypt and GenerateDataKey use the new material (the
// ciphertext opens with it and not with the former one), and every
// ciphertext made before still decrypts, naming the material that made it.
// A key with imported material rotates to its material pending rotation,
// and then has none for the next rotation.
func TestRotateKeyOnDemand(t *testing.T) {
	e := newKeysEnv(t)
	first, second := randomBytes(32), randomBytes(32)
	cases := []struct {
		name string
		// setup makes the key and returns the material that each of the
		// rotations should make current (nil: KMS makes it).
		setup     func(t *testing.T) (*types.KeyMetadata, [][]byte)
		rotations int
		// then is the error of the next rotation.
		thenCode, thenMessage string
	}{
		{"generated material", func(t *testing.T) (*types.KeyMetadata, [][]byte) {
			return e.createKey(t, nil), make([][]byte, 3)
		}, 3, "", ""},
		{"imported material", func(t *testing.T) (*types.KeyMetadata, [][]byte) {
			m := e.createKey(t, &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
			p := e.parameters(t, *m.KeyId, "RSAES_OAEP_SHA_256", "RSA_2048")
			if _, err := e.importWith(t, p, "RSAES_OAEP_SHA_256", first); err != nil {
				t.Fatal(err)
			}
			if _, err := e.importWith(t, p, "RSAES_OAEP_SHA_256", second, func(in *kms.ImportKeyMaterialInput) {
				in.ImportType = types.ImportTypeNewKeyMaterial
			}); err != nil {
				t.Fatal(err)
			}
			return e.describe(t, *m.KeyId), [][]byte{second}
		}, 1, "KMSInvalidStateException", "No available key material pending rotation for the key: %s."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, wantMaterials := tc.setup(t)
			keyID := *m.KeyId
			type sealed struct {
				blob       []byte
				plaintext  string
				materialID string
				material   []byte
			}
			var made []sealed
			encrypt := func(plaintext string) sealed {
				t.Helper()
				enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte(plaintext)})
				if err != nil {
					t.Fatal(err)
				}
				current := aws.ToString(e.describe(t, keyID).CurrentKeyMaterialId)
				s := sealed{enc.CiphertextBlob, plaintext, current, e.heldMaterial(keyID)}
				got, id, err := openWith(s.material, s.blob)
				if err != nil || string(got) != plaintext || id != current {
					t.Fatalf("the ciphertext does not open with the current material %s: %v (names %s)", current, err, id)
				}
				return s
			}
			made = append(made, encrypt("before any rotation"))
			for i := range tc.rotations {
				before := made[len(made)-1]
				e.rotate(t, keyID)
				now := encrypt(fmt.Sprintf("after rotation %d", i+1))
				if now.materialID == before.materialID || len(now.materialID) != 64 || bytes.Equal(now.material, before.material) {
					t.Fatalf("rotation %d left the current material %s as it was", i+1, now.materialID)
				}
				if want := wantMaterials[i]; want != nil && !bytes.Equal(now.material, want) {
					t.Fatalf("rotation %d made other material current than the one pending rotation", i+1)
				}
				if _, _, err := openWith(before.material, now.blob); err == nil {
					t.Fatalf("after rotation %d the ciphertext opens with the former material", i+1)
				}
				dk, err := e.kms.GenerateDataKey(testCtx(t), &kms.GenerateDataKeyInput{KeyId: m.KeyId, KeySpec: types.DataKeySpecAes256})
				if err != nil {
					t.Fatal(err)
				}
				if got, id, err := openWith(now.material, dk.CiphertextBlob); err != nil || !bytes.Equal(got, dk.Plaintext) ||
					id != now.materialID || aws.ToString(dk.KeyMaterialId) != now.materialID {
					t.Fatalf("GenerateDataKey after rotation %d: %v, material %s / %s, want %s", i+1, err, id, aws.ToString(dk.KeyMaterialId), now.materialID)
				}
				made = append(made, now)
			}
			for _, s := range made {
				dec, err := e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: s.blob})
				if err != nil {
					t.Fatalf("Decrypt of %q: %v", s.plaintext, err)
				}
				if string(dec.Plaintext) != s.plaintext || aws.ToString(dec.KeyMaterialId) != s.materialID {
					t.Fatalf("Decrypt gave %q with material %s, want %q with %s", dec.Plaintext, aws.ToString(dec.KeyMaterialId), s.plaintext, s.materialID)
				}
			}
			_, err := e.kms.RotateKeyOnDemand(testCtx(t), &kms.RotateKeyOnDemandInput{KeyId: m.KeyId})
			if tc.thenCode == "" {
				if err != nil {
					t.Fatalf("rotation %d: %v", tc.rotations+1, err)
				}
				return
			}
			wantExact(t, err, tc.thenCode, fmt.Sprintf(tc.thenMessage, *m.Arn))
		})
	}
}

// wantExact fails the test unless err carries code and exactly message.
func wantExact(t testing.TB, err error, code, message string) {
	t.Helper()
	wantError(t, err, code, message)
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorMessage() != message {
		t.Fatalf("%s: %v, want exactly the message %q", code, err, message)
	}
}

// TestRotateKeyOnDemandLimit: real KMS allowed 10 on-demand rotations of a
// key when recorded and refused the 11th, with this message (no full stop);
// each rotation is counted on its key alone.
func TestRotateKeyOnDemandLimit(t *testing.T) {
	e := newKeysEnv(t)
	m, other := e.createKey(t, nil), e.createKey(t, nil)
	for range onDemandRotationLimit {
		e.rotate(t, *m.KeyId)
	}
	_, err := e.kms.RotateKeyOnDemand(testCtx(t), &kms.RotateKeyOnDemandInput{KeyId: m.KeyId})
	wantExact(t, err, "LimitExceededException",
		"The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: "+*m.Arn)
	e.rotate(t, *other.KeyId)
}

// TestRotateKeyOnDemandErrors: the keys RotateKeyOnDemand refuses, in the
// order of its checks; the refused key keeps its material.
func TestRotateKeyOnDemandErrors(t *testing.T) {
	e := newKeysEnv(t)
	missing := "1234abcd-12ab-34cd-56ef-1234567890ab"
	cases := []struct {
		name string
		// keyID names the key; arn is "" when no key of the account is named.
		keyID func(t *testing.T) (keyID, arn string)
		code  string
		// message, exactly, with %s for the key's ARN.
		message string
	}{
		{"no such key", func(*testing.T) (string, string) { return missing, "" },
			"NotFoundException", "Key '" + keyARN(DefaultRegion, testAccountID, missing) + "' does not exist"},
		{"alias", func(t *testing.T) (string, string) {
			m := e.createKey(t, nil)
			if _, err := e.kms.CreateAlias(testCtx(t), &kms.CreateAliasInput{AliasName: aws.String("alias/rotation"), TargetKeyId: m.KeyId}); err != nil {
				t.Fatal(err)
			}
			return "alias/rotation", ""
		}, "NotFoundException", "Invalid keyId 'alias/rotation'"},
		{"Disabled", keyOf(e, kindDisabled), "DisabledException", "%s is disabled."},
		{"Disabled asymmetric", func(t *testing.T) (string, string) {
			m := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeSignVerify})
			e.disable(t, *m.KeyId)
			return *m.KeyId, *m.Arn
		}, "DisabledException", "%s is disabled."},
		{"PendingDeletion", keyOf(e, kindPendingDeletion), "KMSInvalidStateException", "%s is pending deletion."},
		{"PendingImport", keyOf(e, kindPendingImport), "KMSInvalidStateException", "%s is pending import."},
		{"Unavailable", keyOf(e, kindUnavailable), "KMSInvalidStateException", "%s is unavailable."},
		{"asymmetric", func(t *testing.T) (string, string) {
			m := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeSignVerify})
			return *m.KeyId, *m.Arn
		}, "UnsupportedOperationException", ""},
		{"HMAC", func(t *testing.T) (string, string) {
			m := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeGenerateVerifyMac})
			return *m.KeyId, *m.Arn
		}, "UnsupportedOperationException", ""},
		{"AWS managed key", func(t *testing.T) (string, string) {
			m := e.describe(t, "alias/aws/s3")
			return *m.KeyId, *m.Arn
		}, "UnsupportedOperationException", ""},
		{"custom key store", func(t *testing.T) (string, string) {
			m := e.makeKey(t, kindUnavailable)
			e.connectTestStore(t)
			return *m.KeyId, *m.Arn
		}, "UnsupportedOperationException", "%s origin is AWS_CLOUDHSM which is not valid for this operation."},
		{"imported material, nothing pending", keyOf(e, kindExternalEnabled),
			"KMSInvalidStateException", "No available key material pending rotation for the key: %s."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			keyID, arn := tc.keyID(t)
			var before []byte
			if arn != "" {
				before = e.heldMaterial(keyID)
			}
			_, err := e.kms.RotateKeyOnDemand(testCtx(t), &kms.RotateKeyOnDemandInput{KeyId: aws.String(keyID)})
			msg := strings.ReplaceAll(tc.message, "%s", arn)
			wantExact(t, err, tc.code, msg)
			if arn != "" && !bytes.Equal(e.heldMaterial(keyID), before) {
				t.Fatal("the refused rotation changed the key's material")
			}
		})
	}

	t.Run("another account's key", func(t *testing.T) {
		m := e.createKey(t, nil)
		_, err := e.other.RotateKeyOnDemand(testCtx(t), &kms.RotateKeyOnDemandInput{KeyId: m.Arn})
		wantCode(t, err, "AccessDeniedException")
	})
	t.Run("KeyId missing", func(t *testing.T) {
		wantRaw(t, e.url, "RotateKeyOnDemand", `{}`, "ValidationException", "keyId")
	})
}

// keyOf makes a key of kind and returns its ID and ARN.
func keyOf(e *keysEnv, kind keyKind) func(t *testing.T) (string, string) {
	return func(t *testing.T) (string, string) {
		m := e.makeKey(t, kind)
		return *m.KeyId, *m.Arn
	}
}
