package reference

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
)

// Test material is built here with Go's crypto and, for key types Go's x509
// cannot marshal, by hand from the published ASN.1 structures, with object
// identifiers written out rather than taken from the code under test.
var (
	testOIDRSA       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	testOIDEd25519   = asn1.ObjectIdentifier{1, 3, 101, 112}
	testOIDECKey     = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	testOIDP256      = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	testOIDSecp256k1 = asn1.ObjectIdentifier{1, 3, 132, 0, 10}
	testOIDSM2       = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 301}
	testOIDMLDSA44   = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 3, 17}
	testOIDMLDSA87   = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 3, 19}
	// secp256k1's group order.
	testSecp256k1N, _ = new(big.Int).SetString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16)
)

// testRSAKeys are two RSA 2048 keys shared by the tests: RSA generation is slow.
var testRSAKeys = sync.OnceValue(func() [2]*rsa.PrivateKey {
	var keys [2]*rsa.PrivateKey
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

func pkcs8Of(t testing.TB, key any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func newECKey(t testing.TB, curve elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newEd25519(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	der, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// handPKCS8 builds a PKCS #8 PrivateKeyInfo; params is the algorithm's
// parameters (a named curve), or nil for none.
func handPKCS8(t testing.TB, algorithm asn1.ObjectIdentifier, params asn1.ObjectIdentifier, privateKey []byte) []byte {
	t.Helper()
	id := pkix.AlgorithmIdentifier{Algorithm: algorithm}
	if params != nil {
		id.Parameters = asn1.RawValue{FullBytes: mustMarshal(t, params)}
	}
	return mustMarshal(t, struct {
		Version    int
		Algorithm  pkix.AlgorithmIdentifier
		PrivateKey []byte
	}{0, id, privateKey})
}

// ecPKCS8 is an EC private key (RFC 5915) on curve in PKCS #8, optionally
// repeating the curve inside the EC key.
func ecPKCS8(t testing.TB, curve asn1.ObjectIdentifier, scalar []byte, curveInside bool) []byte {
	t.Helper()
	inner := struct {
		Version    int
		PrivateKey []byte
		Curve      asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	}{Version: 1, PrivateKey: scalar}
	if curveInside {
		inner.Curve = curve
	}
	return handPKCS8(t, testOIDECKey, curve, mustMarshal(t, inner))
}

// secp256k1Scalar is a random valid secp256k1 private scalar.
func secp256k1Scalar(t testing.TB) []byte {
	t.Helper()
	d, err := rand.Int(rand.Reader, new(big.Int).Sub(testSecp256k1N, big.NewInt(1)))
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(d, big.NewInt(1)).FillBytes(make([]byte, 32))
}

// mlDSASeed is an ML-DSA private key in PKCS #8 in RFC 9881's seed form.
func mlDSASeed(t testing.TB, oid asn1.ObjectIdentifier, seed []byte) []byte {
	t.Helper()
	return handPKCS8(t, oid, nil, mustMarshal(t, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, Bytes: seed}))
}

// mlDSABoth is RFC 9881's form with seed and expanded key.
func mlDSABoth(t testing.TB, oid asn1.ObjectIdentifier, seed, expanded []byte) []byte {
	t.Helper()
	return handPKCS8(t, oid, nil, mustMarshal(t, struct{ Seed, Expanded []byte }{seed, expanded}))
}

// mlDSAExpanded is RFC 9881's expanded-key-only form.
func mlDSAExpanded(t testing.TB, oid asn1.ObjectIdentifier, expanded []byte) []byte {
	t.Helper()
	return handPKCS8(t, oid, nil, mustMarshal(t, expanded))
}

// importInto gets parameters for import of keyID and imports material,
// never to expire, with the given changes to the request.
func (e *keysEnv) importInto(t testing.TB, keyID, algorithm, wrappingSpec string, material []byte, change ...func(*kms.ImportKeyMaterialInput)) (*kms.ImportKeyMaterialOutput, error) {
	t.Helper()
	return e.importWith(t, e.parameters(t, keyID, algorithm, wrappingSpec), algorithm, material, change...)
}

// importWith imports material with parameters p, which stay valid for more
// imports: reusing them spares an RSA key generation per import.
func (e *keysEnv) importWith(t testing.TB, p *kms.GetParametersForImportOutput, algorithm string, material []byte, change ...func(*kms.ImportKeyMaterialInput)) (*kms.ImportKeyMaterialOutput, error) {
	t.Helper()
	in := &kms.ImportKeyMaterialInput{KeyId: p.KeyId, ImportToken: p.ImportToken,
		EncryptedKeyMaterial: wrapForImport(t, p.PublicKey, algorithm, material),
		ExpirationModel:      types.ExpirationModelTypeKeyMaterialDoesNotExpire}
	for _, f := range change {
		f(in)
	}
	return e.kms.ImportKeyMaterial(testCtx(t), in)
}

// heldMaterial is a copy of the key's current material as the reference holds it.
func (e *keysEnv) heldMaterial(keyID string) []byte {
	e.svc.mu.Lock()
	defer e.svc.mu.Unlock()
	return bytes.Clone(e.svc.accounts[accountRegion{testAccountID, testRegion}].keys[keyID].Material)
}

// sameSecret reports whether two encodings of key material of spec hold the
// same secret: the parsed key for the types Go's x509 reads, the private
// scalar or ML-DSA seed / expanded key otherwise, the bytes for HMAC keys.
func sameSecret(t testing.TB, spec types.KeySpec, a, b []byte) bool {
	t.Helper()
	if strings.HasPrefix(string(spec), "HMAC_") {
		return bytes.Equal(a, b)
	}
	ka, errA := x509.ParsePKCS8PrivateKey(a)
	kb, errB := x509.ParsePKCS8PrivateKey(b)
	if errA == nil && errB == nil {
		return ka.(interface{ Equal(crypto.PrivateKey) bool }).Equal(kb)
	}
	return bytes.Equal(innerSecret(t, a), innerSecret(t, b))
}

// innerSecret digs the private scalar (EC) or the seed, else the expanded
// key (ML-DSA), out of a PKCS #8 key Go's x509 cannot read.
func innerSecret(t testing.TB, der []byte) []byte {
	t.Helper()
	var p8 struct {
		Version    int
		Algorithm  pkix.AlgorithmIdentifier
		PrivateKey []byte
	}
	if _, err := asn1.Unmarshal(der, &p8); err != nil {
		t.Fatalf("not PKCS #8: %v", err)
	}
	if p8.Algorithm.Algorithm.Equal(testOIDECKey) {
		var ec struct {
			Version    int
			PrivateKey []byte
		}
		if _, err := asn1.Unmarshal(p8.PrivateKey, &ec); err != nil {
			t.Fatalf("not an EC private key: %v", err)
		}
		return new(big.Int).SetBytes(ec.PrivateKey).FillBytes(make([]byte, 32))
	}
	var choice asn1.RawValue
	if _, err := asn1.Unmarshal(p8.PrivateKey, &choice); err != nil {
		t.Fatal(err)
	}
	if choice.Tag == asn1.TagSequence {
		var both struct{ Seed, Expanded []byte }
		if _, err := asn1.Unmarshal(choice.FullBytes, &both); err != nil {
			t.Fatal(err)
		}
		return both.Seed
	}
	return choice.Bytes
}

// TestImportAsymmetricAndHMAC imports real material into an EXTERNAL key of
// each importable asymmetric and HMAC key spec (CreateKey.02, .33;
// ImportKeyMaterial.06): the key is Enabled and holds the material, shows no
// key material ID (KeyMaterialId, CurrentKeyMaterialId: symmetric keys
// only), is PendingImport again after DeleteImportedKeyMaterial, takes the
// same material back (in another encoding where one exists), and refuses any
// other material, before and after deletion (ImportKeyMaterial.19).
func TestImportAsymmetricAndHMAC(t *testing.T) {
	e := newKeysEnv(t)
	rsaKeys := testRSAKeys()
	p256, p384, p521 := newECKey(t, elliptic.P256()), newECKey(t, elliptic.P384()), newECKey(t, elliptic.P521())
	k1, seed44 := secp256k1Scalar(t), randomBytes(32)
	tests := []struct {
		spec      types.KeySpec
		usage     types.KeyUsageType
		alg       string
		material  []byte
		sameAgain []byte // the same secret, encoded another way where possible
		different []byte
	}{
		{types.KeySpecRsa2048, types.KeyUsageTypeSignVerify, "RSA_AES_KEY_WRAP_SHA_256", pkcs8Of(t, rsaKeys[0]), pkcs8Of(t, rsaKeys[0]), pkcs8Of(t, rsaKeys[1])},
		{types.KeySpecEccNistP256, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", pkcs8Of(t, p256), ecPKCS8(t, testOIDP256, p256.D.FillBytes(make([]byte, 32)), false), pkcs8Of(t, newECKey(t, elliptic.P256()))},
		{types.KeySpecEccNistP384, types.KeyUsageTypeKeyAgreement, "RSAES_OAEP_SHA_1", pkcs8Of(t, p384), pkcs8Of(t, p384), pkcs8Of(t, newECKey(t, elliptic.P384()))},
		{types.KeySpecEccNistP521, types.KeyUsageTypeSignVerify, "RSA_AES_KEY_WRAP_SHA_1", pkcs8Of(t, p521), pkcs8Of(t, p521), pkcs8Of(t, newECKey(t, elliptic.P521()))},
		{types.KeySpecEccSecgP256k1, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", ecPKCS8(t, testOIDSecp256k1, k1, false), ecPKCS8(t, testOIDSecp256k1, k1, true), ecPKCS8(t, testOIDSecp256k1, secp256k1Scalar(t), false)},
		{types.KeySpecEccNistEdwards25519, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", pkcs8Of(t, newEd25519(t)), nil, pkcs8Of(t, newEd25519(t))},
		{types.KeySpecMlDsa44, types.KeyUsageTypeSignVerify, "RSA_AES_KEY_WRAP_SHA_256", mlDSASeed(t, testOIDMLDSA44, seed44), mlDSABoth(t, testOIDMLDSA44, seed44, randomBytes(2560)), mlDSASeed(t, testOIDMLDSA44, randomBytes(32))},
		{types.KeySpecMlDsa87, types.KeyUsageTypeSignVerify, "RSA_AES_KEY_WRAP_SHA_256", mlDSAExpanded(t, testOIDMLDSA87, bytes.Repeat([]byte{7}, 4896)), nil, mlDSAExpanded(t, testOIDMLDSA87, randomBytes(4896))},
		{types.KeySpecHmac224, types.KeyUsageTypeGenerateVerifyMac, "RSAES_OAEP_SHA_256", randomBytes(28), nil, randomBytes(28)},
		{types.KeySpecHmac256, types.KeyUsageTypeGenerateVerifyMac, "RSAES_OAEP_SHA_1", randomBytes(64), nil, randomBytes(32)},
		{types.KeySpecHmac384, types.KeyUsageTypeGenerateVerifyMac, "RSA_AES_KEY_WRAP_SHA_256", randomBytes(48), nil, randomBytes(48)},
		{types.KeySpecHmac512, types.KeyUsageTypeGenerateVerifyMac, "RSA_AES_KEY_WRAP_SHA_1", randomBytes(128), nil, randomBytes(64)},
	}
	for _, tc := range tests {
		t.Run(string(tc.spec), func(t *testing.T) {
			m := e.createKey(t, &kms.CreateKeyInput{Origin: types.OriginTypeExternal, KeySpec: tc.spec, KeyUsage: tc.usage})
			if m.KeyState != types.KeyStatePendingImport || m.CurrentKeyMaterialId != nil {
				t.Fatalf("CreateKey = %+v", m)
			}
			id := *m.KeyId
			p := e.parameters(t, id, tc.alg, "RSA_2048")
			out, err := e.importWith(t, p, tc.alg, tc.material)
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.KeyId) != *m.Arn || out.KeyMaterialId != nil {
				t.Fatalf("ImportKeyMaterial = KeyId %s, KeyMaterialId %v", aws.ToString(out.KeyId), aws.ToString(out.KeyMaterialId))
			}
			d := e.describe(t, id)
			if d.KeyState != types.KeyStateEnabled || d.ExpirationModel != types.ExpirationModelTypeKeyMaterialDoesNotExpire || d.CurrentKeyMaterialId != nil {
				t.Fatalf("DescribeKey after import = %+v", d)
			}
			if !sameSecret(t, tc.spec, e.heldMaterial(id), tc.material) {
				t.Fatal("the key does not hold the imported material")
			}

			del, err := e.kms.DeleteImportedKeyMaterial(testCtx(t), &kms.DeleteImportedKeyMaterialInput{KeyId: m.KeyId})
			if err != nil || del.KeyMaterialId != nil {
				t.Fatalf("DeleteImportedKeyMaterial = %v, KeyMaterialId %v", err, aws.ToString(del.KeyMaterialId))
			}
			e.wantState(t, id, types.KeyStatePendingImport)
			_, err = e.importWith(t, p, tc.alg, tc.different)
			wantError(t, err, "IncorrectKeyMaterialException", "cannot change")
			e.wantState(t, id, types.KeyStatePendingImport)

			again := tc.material
			if tc.sameAgain != nil {
				again = tc.sameAgain
			}
			if _, err := e.importWith(t, p, tc.alg, again); err != nil {
				t.Fatalf("reimport of the same material: %v", err)
			}
			e.wantState(t, id, types.KeyStateEnabled)
			_, err = e.importWith(t, p, tc.alg, tc.different)
			wantError(t, err, "IncorrectKeyMaterialException", "cannot change")
			e.wantState(t, id, types.KeyStateEnabled)
			if !sameSecret(t, tc.spec, e.heldMaterial(id), tc.material) {
				t.Fatal("a refused import changed the key's material")
			}
		})
	}
}

// TestImportWrongKeyMaterial shows each material check failing: material of
// the wrong type, size or curve, or not a PKCS #8 key at all, is
// IncorrectKeyMaterialException (ImportKeyMaterial.18) and leaves the key
// PendingImport. TestImportAsymmetricAndHMAC shows the right material passing.
func TestImportWrongKeyMaterial(t *testing.T) {
	e := newKeysEnv(t)
	rsaKey := testRSAKeys()[0]
	p256 := pkcs8Of(t, newECKey(t, elliptic.P256()))
	outOfRange := ecPKCS8(t, testOIDSecp256k1, testSecp256k1N.FillBytes(make([]byte, 32)), false)
	tests := []struct {
		name  string
		spec  types.KeySpec
		usage types.KeyUsageType
		alg   string
		give  []byte
		msg   string
	}{
		{"RSA 2048 into RSA_3072", types.KeySpecRsa3072, types.KeyUsageTypeEncryptDecrypt, "RSA_AES_KEY_WRAP_SHA_256", pkcs8Of(t, rsaKey), "2048-bit RSA private key; a RSA_3072 key needs a 3072-bit one"},
		{"EC into RSA_2048", types.KeySpecRsa2048, types.KeyUsageTypeSignVerify, "RSA_AES_KEY_WRAP_SHA_256", p256, "EC private key; a RSA_2048 key needs an RSA private key"},
		{"P-384 into ECC_NIST_P256", types.KeySpecEccNistP256, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", pkcs8Of(t, newECKey(t, elliptic.P384())), "on P-384; a ECC_NIST_P256 key needs one on P-256"},
		{"P-256 into ECC_NIST_P521", types.KeySpecEccNistP521, types.KeyUsageTypeSignVerify, "RSA_AES_KEY_WRAP_SHA_256", p256, "on P-256; a ECC_NIST_P521 key needs one on P-521"},
		{"secp256k1 into ECC_NIST_P256", types.KeySpecEccNistP256, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", ecPKCS8(t, testOIDSecp256k1, secp256k1Scalar(t), false), "on secp256k1"},
		{"P-256 into ECC_SECG_P256K1", types.KeySpecEccSecgP256k1, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", p256, "on P-256; a ECC_SECG_P256K1 key needs one on secp256k1"},
		{"secp256k1 scalar equal to the group order", types.KeySpecEccSecgP256k1, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", outOfRange, "not a valid EC private key"},
		{"Ed25519 into ECC_NIST_P256", types.KeySpecEccNistP256, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", pkcs8Of(t, newEd25519(t)), "Ed25519 private key"},
		{"P-256 into ECC_NIST_EDWARDS25519", types.KeySpecEccNistEdwards25519, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", p256, "needs an Ed25519 private key"},
		{"ML-DSA-44 into ML_DSA_87", types.KeySpecMlDsa87, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", mlDSASeed(t, testOIDMLDSA44, randomBytes(32)), "ML-DSA-44 private key; a ML_DSA_87 key needs a ML-DSA-87"},
		{"ML-DSA seed of 31 bytes", types.KeySpecMlDsa44, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", mlDSASeed(t, testOIDMLDSA44, randomBytes(31)), "32-byte seed"},
		{"ML-DSA expanded key of the wrong size", types.KeySpecMlDsa44, types.KeyUsageTypeSignVerify, "RSA_AES_KEY_WRAP_SHA_256", mlDSAExpanded(t, testOIDMLDSA44, randomBytes(4032)), "2560-byte expanded key"},
		{"P-256 key with a zero scalar", types.KeySpecEccNistP256, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", ecPKCS8(t, testOIDP256, make([]byte, 32), false), "not a valid EC private key for a ECC_NIST_P256 key"},
		{"RSA PKCS #8 around a broken RSA key", types.KeySpecRsa2048, types.KeyUsageTypeSignVerify, "RSA_AES_KEY_WRAP_SHA_256", handPKCS8(t, testOIDRSA, nil, randomBytes(64)), "not a valid RSA private key"},
		{"Ed25519 key of 31 bytes", types.KeySpecEccNistEdwards25519, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", handPKCS8(t, testOIDEd25519, nil, mustMarshal(t, randomBytes(31))), "not a valid Ed25519 private key"},
		{"secp256k1 key naming P-256 inside", types.KeySpecEccSecgP256k1, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", handPKCS8(t, testOIDECKey, testOIDSecp256k1, mustMarshal(t, struct {
			Version    int
			PrivateKey []byte
			Curve      asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
		}{1, secp256k1Scalar(t), testOIDP256})), "not a valid EC private key for a ECC_SECG_P256K1 key"},
		{"ML-DSA private key in an unknown form", types.KeySpecMlDsa44, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", handPKCS8(t, testOIDMLDSA44, nil, mustMarshal(t, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, Bytes: randomBytes(32)})), "32-byte seed"},
		{"raw bytes into RSA_2048", types.KeySpecRsa2048, types.KeyUsageTypeSignVerify, "RSA_AES_KEY_WRAP_SHA_256", randomBytes(32), "DER-encoded PKCS #8"},
		{"PKCS #8 with trailing bytes", types.KeySpecEccNistP256, types.KeyUsageTypeSignVerify, "RSAES_OAEP_SHA_256", append(bytes.Clone(p256), 0), "DER-encoded PKCS #8"},
		{"HMAC_256 of 31 bytes", types.KeySpecHmac256, types.KeyUsageTypeGenerateVerifyMac, "RSAES_OAEP_SHA_256", randomBytes(31), "32 to 64 bytes, not 31"},
		{"HMAC_256 of 65 bytes", types.KeySpecHmac256, types.KeyUsageTypeGenerateVerifyMac, "RSAES_OAEP_SHA_256", randomBytes(65), "32 to 64 bytes, not 65"},
		{"HMAC_224 of 27 bytes", types.KeySpecHmac224, types.KeyUsageTypeGenerateVerifyMac, "RSAES_OAEP_SHA_256", randomBytes(27), "28 to 64 bytes"},
		{"HMAC_512 of 63 bytes", types.KeySpecHmac512, types.KeyUsageTypeGenerateVerifyMac, "RSAES_OAEP_SHA_256", randomBytes(63), "64 to 128 bytes"},
		{"HMAC_384 of 129 bytes", types.KeySpecHmac384, types.KeyUsageTypeGenerateVerifyMac, "RSA_AES_KEY_WRAP_SHA_256", randomBytes(129), "48 to 128 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := e.createKey(t, &kms.CreateKeyInput{Origin: types.OriginTypeExternal, KeySpec: tc.spec, KeyUsage: tc.usage})
			_, err := e.importInto(t, *m.KeyId, tc.alg, "RSA_2048", tc.give)
			wantError(t, err, "IncorrectKeyMaterialException", tc.msg)
			e.wantState(t, *m.KeyId, types.KeyStatePendingImport)
			if e.heldMaterial(*m.KeyId) != nil {
				t.Fatal("refused material was kept")
			}
		})
	}
}

// TestCanonicalMaterialSM2 checks SM2 material, importable only in China
// Regions, directly: a scalar on SM2 passes, a P-256 key does not.
func TestCanonicalMaterialSM2(t *testing.T) {
	tests := []struct {
		name string
		give []byte
		ok   bool
	}{
		{"SM2 scalar", ecPKCS8(t, testOIDSM2, bytes.Repeat([]byte{1}, 32), true), true},
		{"P-256 key", pkcs8Of(t, newECKey(t, elliptic.P256())), false},
		{"zero scalar", ecPKCS8(t, testOIDSM2, make([]byte, 32), false), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := canonicalMaterial("SM2", tc.give)
			if (err == nil) != tc.ok {
				t.Fatalf("canonicalMaterial = %v", err)
			}
			if err != nil {
				if code := asError(err).Code; code != "IncorrectKeyMaterialException" {
					t.Fatalf("error code = %s", code)
				}
				return
			}
			if !bytes.Equal(innerSecret(t, got), innerSecret(t, tc.give)) {
				t.Fatal("the canonical form lost the scalar")
			}
		})
	}
}

// TestImportMembersOnlyForSymmetric: ImportType, KeyMaterialDescription and
// KeyMaterialId are only usable with symmetric encryption keys
// (ImportKeyMaterial.24-.26); for another key each is ValidationException and
// nothing changes, while a symmetric key takes them.
func TestImportMembersOnlyForSymmetric(t *testing.T) {
	e := newKeysEnv(t)
	p256 := pkcs8Of(t, newECKey(t, elliptic.P256()))
	tests := []struct {
		name   string
		change func(*kms.ImportKeyMaterialInput)
		member string
	}{
		{"ImportType (.24)", func(in *kms.ImportKeyMaterialInput) { in.ImportType = types.ImportTypeNewKeyMaterial }, "ImportType"},
		{"KeyMaterialDescription (.25)", func(in *kms.ImportKeyMaterialInput) { in.KeyMaterialDescription = aws.String("first") }, "KeyMaterialDescription"},
		{"KeyMaterialId (.26)", func(in *kms.ImportKeyMaterialInput) { in.KeyMaterialId = aws.String(strings.Repeat("a", 64)) }, "KeyMaterialId"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := e.createKey(t, &kms.CreateKeyInput{Origin: types.OriginTypeExternal, KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeSignVerify})
			_, err := e.importInto(t, *m.KeyId, "RSAES_OAEP_SHA_256", "RSA_2048", p256, tc.change)
			wantError(t, err, "ValidationException", tc.member+" is valid only for symmetric encryption KMS keys")
			e.wantState(t, *m.KeyId, types.KeyStatePendingImport)
		})
	}
	t.Run("symmetric key", func(t *testing.T) {
		m := e.makeKey(t, kindPendingImport)
		out, err := e.importInto(t, *m.KeyId, "RSAES_OAEP_SHA_256", "RSA_2048", randomBytes(32), tests[0].change, tests[1].change)
		if err != nil {
			t.Fatal(err)
		}
		e.wantState(t, *m.KeyId, types.KeyStateEnabled)
		if got := e.materialOf(*out.KeyMaterialId, *m.KeyId).Description; got != "first" {
			t.Fatalf("KeyMaterialDescription = %q", got)
		}
	})
}

// materialOf is a copy of the key material id of keyID.
func (e *keysEnv) materialOf(id, keyID string) KeyMaterial {
	e.svc.mu.Lock()
	defer e.svc.mu.Unlock()
	m := e.svc.accounts[accountRegion{testAccountID, testRegion}].keys[keyID].findMaterial(id)
	if m == nil {
		return KeyMaterial{}
	}
	return *m
}

// TestWrappingAlgorithmForKeySpec: GetParametersForImport refuses the
// pairings the member docs rule out for the key's material with
// UnsupportedOperationException (GetParametersForImport.15, .16) and allows
// their neighbours.
func TestWrappingAlgorithmForKeySpec(t *testing.T) {
	e := newKeysEnv(t)
	tests := []struct {
		spec     types.KeySpec
		alg      string
		wrapSpec string
		msg      string
	}{
		{types.KeySpecRsa2048, "RSAES_OAEP_SHA_256", "RSA_2048", "an RSA private key must be wrapped with RSA_AES_KEY_WRAP"},
		{types.KeySpecRsa4096, "RSAES_OAEP_SHA_1", "RSA_2048", "RSAES_OAEP_SHA_1 cannot wrap RSA_4096 key material"},
		{types.KeySpecRsa2048, "RSA_AES_KEY_WRAP_SHA_1", "RSA_2048", ""},
		{types.KeySpecEccNistP521, "RSAES_OAEP_SHA_256", "RSA_2048", "cannot wrap ECC_NIST_P521 key material"},
		{types.KeySpecEccNistP521, "RSAES_OAEP_SHA_1", "RSA_2048", "cannot wrap ECC_NIST_P521 key material"},
		{types.KeySpecEccNistP521, "RSA_AES_KEY_WRAP_SHA_256", "RSA_2048", ""},
		{types.KeySpecEccNistP521, "RSAES_OAEP_SHA_256", "RSA_3072", ""},
		{types.KeySpecEccNistP384, "RSAES_OAEP_SHA_256", "RSA_2048", ""},
		{types.KeySpecHmac512, "RSAES_OAEP_SHA_1", "RSA_2048", ""},
	}
	for _, tc := range tests {
		t.Run(string(tc.spec)+"/"+tc.alg+"/"+tc.wrapSpec, func(t *testing.T) {
			usage := types.KeyUsageTypeSignVerify
			if strings.HasPrefix(string(tc.spec), "HMAC_") {
				usage = types.KeyUsageTypeGenerateVerifyMac
			}
			m := e.createKey(t, &kms.CreateKeyInput{Origin: types.OriginTypeExternal, KeySpec: tc.spec, KeyUsage: usage})
			_, err := e.kms.GetParametersForImport(testCtx(t), &kms.GetParametersForImportInput{KeyId: m.KeyId,
				WrappingAlgorithm: types.AlgorithmSpec(tc.alg), WrappingKeySpec: types.WrappingKeySpec(tc.wrapSpec)})
			if tc.msg == "" {
				wantError(t, err, "", "")
				return
			}
			wantError(t, err, "UnsupportedOperationException", tc.msg)
		})
	}
}

// TestNewKeyMaterial follows a symmetric EXTERNAL key through several key
// materials: NEW_KEY_MATERIAL on a key that has material adds a
// PENDING_ROTATION material and leaves the current one in use; a second new
// material while one is pending is KMSInvalidStateException with real KMS's
// message; EXISTING_KEY_MATERIAL reimports either; DeleteImportedKeyMaterial
// deletes the material KeyMaterialId names, and the key is PendingImport until
// every material is back (ImportKeyMaterial.32, DeleteImportedKeyMaterial.06,
// .12); pending material expires like current material (ImportKeyMaterial.33).
func TestNewKeyMaterial(t *testing.T) {
	e := newKeysEnv(t)
	m := e.makeKey(t, kindPendingImport)
	id, arn := *m.KeyId, *m.Arn
	first, second, third := randomBytes(32), randomBytes(32), randomBytes(32)
	const alg = "RSAES_OAEP_SHA_256"
	newType := func(in *kms.ImportKeyMaterialInput) { in.ImportType = types.ImportTypeNewKeyMaterial }
	existingType := func(in *kms.ImportKeyMaterialInput) { in.ImportType = types.ImportTypeExistingKeyMaterial }
	p := e.parameters(t, id, alg, "RSA_2048")
	withID := func(materialID *string) func(*kms.ImportKeyMaterialInput) {
		return func(in *kms.ImportKeyMaterialInput) { in.KeyMaterialId = materialID }
	}
	importOK := func(t *testing.T, material []byte, change ...func(*kms.ImportKeyMaterialInput)) string {
		t.Helper()
		out, err := e.importWith(t, p, alg, material, change...)
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.KeyMaterialId)
	}
	want := func(t *testing.T, state types.KeyState, current string, usable []byte) {
		t.Helper()
		d := e.describe(t, id)
		if d.KeyState != state || aws.ToString(d.CurrentKeyMaterialId) != current {
			t.Fatalf("DescribeKey = %s, current %s; want %s, %s", d.KeyState, aws.ToString(d.CurrentKeyMaterialId), state, current)
		}
		if got := e.heldMaterial(id); !bytes.Equal(got, usable) {
			t.Fatalf("the key uses the expected material: %v (has material: %v, want material: %v)", bytes.Equal(got, usable), got != nil, usable != nil)
		}
	}

	firstID := importOK(t, first)
	want(t, types.KeyStateEnabled, firstID, first)
	enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: m.KeyId, Plaintext: []byte("under the first material")})
	if err != nil {
		t.Fatal(err)
	}

	// The default after the first import is EXISTING_KEY_MATERIAL: new material needs NEW_KEY_MATERIAL.
	_, err = e.importWith(t, p, alg, second)
	wantError(t, err, "IncorrectKeyMaterialException", "not the key material previously imported")
	secondID := importOK(t, second, newType)
	if secondID == firstID || len(secondID) != 64 {
		t.Fatalf("new material got KeyMaterialId %s (first %s)", secondID, firstID)
	}
	want(t, types.KeyStateEnabled, firstID, first)
	if st := e.materialOf(secondID, id).State; st != MaterialPendingRotation {
		t.Fatalf("new material is %s, want PENDING_ROTATION", st)
	}

	// A third material while the second waits for rotation.
	_, err = e.importWith(t, p, alg, third, newType)
	thirdID := importedMaterialID(&Key{ARN: arn}, third)
	wantMessage := "New key material (id: " + thirdID + ") cannot be imported into KMS key " + arn +
		", because another key material (id: " + secondID + ") is pending rotation."
	wantError(t, err, "KMSInvalidStateException", wantMessage)
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorMessage() != wantMessage {
		t.Fatalf("message = %v, want exactly %q", err, wantMessage)
	}
	want(t, types.KeyStateEnabled, firstID, first)
	if e.materialOf(thirdID, id).ID != "" {
		t.Fatal("the refused material was added to the key")
	}

	// Either material as new again, or under the other's KeyMaterialId.
	_, err = e.importWith(t, p, alg, second, newType)
	wantError(t, err, "IncorrectKeyMaterialException", "already associated")
	_, err = e.importWith(t, p, alg, first, existingType, withID(&secondID))
	wantError(t, err, "IncorrectKeyMaterialException", "does not identify this key material")

	// Deleting the pending material makes the key PendingImport; its reimport restores it.
	del, err := e.kms.DeleteImportedKeyMaterial(testCtx(t), &kms.DeleteImportedKeyMaterialInput{KeyId: m.KeyId, KeyMaterialId: aws.String(secondID)})
	if err != nil || aws.ToString(del.KeyMaterialId) != secondID {
		t.Fatalf("DeleteImportedKeyMaterial = %v, %s", err, aws.ToString(del.KeyMaterialId))
	}
	want(t, types.KeyStatePendingImport, firstID, nil)
	_, err = e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	wantError(t, err, "KMSInvalidStateException", "is pending import.")
	if got := importOK(t, second, withID(&secondID)); got != secondID {
		t.Fatalf("reimport returned KeyMaterialId %s, want %s", got, secondID)
	}
	want(t, types.KeyStateEnabled, firstID, first)
	dec, err := e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	if err != nil || string(dec.Plaintext) != "under the first material" {
		t.Fatalf("Decrypt = %q, %v", dec.Plaintext, err)
	}

	// Without KeyMaterialId the current material is deleted.
	del, err = e.kms.DeleteImportedKeyMaterial(testCtx(t), &kms.DeleteImportedKeyMaterialInput{KeyId: m.KeyId})
	if err != nil || aws.ToString(del.KeyMaterialId) != firstID {
		t.Fatalf("DeleteImportedKeyMaterial = %v, %s", err, aws.ToString(del.KeyMaterialId))
	}
	want(t, types.KeyStatePendingImport, firstID, nil)
	if st := e.materialOf(secondID, id); st.Bytes == nil || st.ImportState != MaterialImported {
		t.Fatal("deleting the current material deleted the pending one")
	}
	importOK(t, first)
	want(t, types.KeyStateEnabled, firstID, first)

	// Pending material that expires takes the key to PendingImport.
	validTo := e.svc.Clock().Now().Add(2 * time.Hour)
	importOK(t, second, func(in *kms.ImportKeyMaterialInput) {
		in.ExpirationModel, in.ValidTo = types.ExpirationModelTypeKeyMaterialExpires, aws.Time(validTo)
	})
	want(t, types.KeyStateEnabled, firstID, first)
	e.svc.Clock().Advance(3 * time.Hour)
	want(t, types.KeyStatePendingImport, firstID, nil)
	if mat := e.materialOf(secondID, id); mat.Bytes != nil || mat.ImportState != MaterialPendingImport {
		t.Fatalf("expired pending material: %s", mat.ImportState)
	}
	importOK(t, second, existingType)
	want(t, types.KeyStateEnabled, firstID, first)
}

// TestGeneratedMaterial checks the key pairs and keys an AWS_KMS key gets on
// first need: each is valid material for its key spec (canonicalMaterial
// accepts it unchanged), Go's x509 reads the types it knows as the right
// kind and size, the second need returns the same material, and DescribeKey
// still shows no CurrentKeyMaterialId for these non-symmetric keys. A key
// whose material must be imported gets none.
func TestGeneratedMaterial(t *testing.T) {
	e := newKeysEnv(t)
	tests := []struct {
		spec  types.KeySpec
		usage types.KeyUsageType
		check func(t *testing.T, key any)
	}{
		{types.KeySpecRsa2048, types.KeyUsageTypeEncryptDecrypt, func(t *testing.T, key any) {
			if k, ok := key.(*rsa.PrivateKey); !ok || k.N.BitLen() != 2048 {
				t.Fatalf("got %T", key)
			}
		}},
		{types.KeySpecEccNistP384, types.KeyUsageTypeSignVerify, func(t *testing.T, key any) {
			if k, ok := key.(*ecdsa.PrivateKey); !ok || k.Curve != elliptic.P384() {
				t.Fatalf("got %T", key)
			}
		}},
		{types.KeySpecEccNistEdwards25519, types.KeyUsageTypeSignVerify, func(t *testing.T, key any) {
			if _, ok := key.(ed25519.PrivateKey); !ok {
				t.Fatalf("got %T", key)
			}
		}},
		{types.KeySpecEccSecgP256k1, types.KeyUsageTypeSignVerify, nil},
		{types.KeySpecMlDsa65, types.KeyUsageTypeSignVerify, nil},
		{types.KeySpecMlKem768, types.KeyUsageTypeEncapsulateDecapsulate, nil},
		{types.KeySpecHmac384, types.KeyUsageTypeGenerateVerifyMac, nil},
	}
	for _, tc := range tests {
		t.Run(string(tc.spec), func(t *testing.T) {
			m := e.createKey(t, &kms.CreateKeyInput{KeySpec: tc.spec, KeyUsage: tc.usage})
			ensure := func() []byte {
				e.svc.mu.Lock()
				defer e.svc.mu.Unlock()
				got, err := e.svc.accounts[accountRegion{testAccountID, testRegion}].keys[*m.KeyId].ensureMaterial()
				if err != nil {
					t.Fatal(err)
				}
				return bytes.Clone(got)
			}
			got := ensure()
			switch {
			case tc.spec == types.KeySpecHmac384:
				if len(got) != 48 {
					t.Fatalf("HMAC_384 key of %d bytes", len(got))
				}
			case tc.spec == types.KeySpecMlKem768:
				if len(innerSecret(t, got)) != 64 {
					t.Fatal("ML-KEM key without a 64-byte seed")
				}
			default:
				canonical, err := canonicalMaterial(string(tc.spec), got)
				if err != nil || !bytes.Equal(canonical, got) {
					t.Fatalf("generated material is not canonical material: %v", err)
				}
			}
			if tc.check != nil {
				key, err := x509.ParsePKCS8PrivateKey(got)
				if err != nil {
					t.Fatal(err)
				}
				tc.check(t, key)
			}
			if !bytes.Equal(ensure(), got) {
				t.Fatal("the second need generated new material")
			}
			if d := e.describe(t, *m.KeyId); d.CurrentKeyMaterialId != nil {
				t.Fatalf("CurrentKeyMaterialId = %s on a %s key", aws.ToString(d.CurrentKeyMaterialId), tc.spec)
			}
		})
	}
	t.Run("EXTERNAL key", func(t *testing.T) {
		m := e.createKey(t, &kms.CreateKeyInput{Origin: types.OriginTypeExternal, KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeSignVerify})
		e.svc.mu.Lock()
		defer e.svc.mu.Unlock()
		if got, err := e.svc.accounts[accountRegion{testAccountID, testRegion}].keys[*m.KeyId].ensureMaterial(); err == nil || got != nil {
			t.Fatal("an EXTERNAL key got generated material")
		}
	})
}
