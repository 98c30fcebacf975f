package steps

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// importSpecExpr names the key specs whose material a scenario can make and
// import: real KMS imports into asymmetric and HMAC keys as well as symmetric
// ones (recorded; the Origin member's doc says symmetric only, CreateKey.33).
const importSpecExpr = `(RSA_2048|RSA_3072|RSA_4096|ECC_NIST_P256|ECC_NIST_P384|ECC_NIST_P521|ECC_SECG_P256K1|HMAC_224|HMAC_256|HMAC_384|HMAC_512)`

// usageFor is the KeyUsage a scenario gives a key of spec: the one usage every
// such key allows.
func usageFor(spec types.KeySpec) types.KeyUsageType {
	switch spec {
	case types.KeySpecSymmetricDefault:
		return types.KeyUsageTypeEncryptDecrypt
	case types.KeySpecHmac224, types.KeySpecHmac256, types.KeySpecHmac384, types.KeySpecHmac512:
		return types.KeyUsageTypeGenerateVerifyMac
	default:
		return types.KeyUsageTypeSignVerify
	}
}

// keyMaterialFor makes fresh key material of the kind ImportKeyMaterial takes
// for a key of spec: 256 random bits for SYMMETRIC_DEFAULT, random bytes as long
// as the digest for an HMAC key, and a DER PKCS#8 private key for an
// asymmetric key. The material is secret.
func keyMaterialFor(spec types.KeySpec) ([]byte, error) {
	switch spec {
	case types.KeySpecSymmetricDefault, "":
		return randomBytes(symmetricMaterialSize)
	case types.KeySpecHmac224:
		return randomBytes(28)
	case types.KeySpecHmac256:
		return randomBytes(32)
	case types.KeySpecHmac384:
		return randomBytes(48)
	case types.KeySpecHmac512:
		return randomBytes(64)
	case types.KeySpecRsa2048, types.KeySpecRsa3072, types.KeySpecRsa4096:
		bits := map[types.KeySpec]int{types.KeySpecRsa2048: 2048, types.KeySpecRsa3072: 3072, types.KeySpecRsa4096: 4096}[spec]
		priv, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			return nil, fmt.Errorf("generating %s key material: %w", spec, err)
		}
		return x509.MarshalPKCS8PrivateKey(priv)
	case types.KeySpecEccNistP256, types.KeySpecEccNistP384, types.KeySpecEccNistP521:
		curve := map[types.KeySpec]elliptic.Curve{types.KeySpecEccNistP256: elliptic.P256(),
			types.KeySpecEccNistP384: elliptic.P384(), types.KeySpecEccNistP521: elliptic.P521()}[spec]
		priv, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generating %s key material: %w", spec, err)
		}
		return x509.MarshalPKCS8PrivateKey(priv)
	case types.KeySpecEccSecgP256k1:
		return secp256k1PKCS8()
	}
	return nil, fmt.Errorf("this suite makes no key material for key spec %s", spec)
}

var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidSecp256k1   = asn1.ObjectIdentifier{1, 3, 132, 0, 10}
)

// secp256k1PKCS8 makes a secp256k1 private key as DER PKCS#8 (RFC 5208 with
// an RFC 5915 ECPrivateKey inside), which Go's x509 package does not write for
// that curve.
func secp256k1PKCS8() ([]byte, error) {
	priv, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		return nil, fmt.Errorf("generating ECC_SECG_P256K1 key material: %w", err)
	}
	pub := priv.PubKey().SerializeUncompressed()
	inner, err := asn1.Marshal(struct {
		Version    int
		PrivateKey []byte
		PublicKey  asn1.BitString `asn1:"optional,explicit,tag:1"`
	}{1, priv.Serialize(), asn1.BitString{Bytes: pub, BitLength: 8 * len(pub)}})
	if err != nil {
		return nil, fmt.Errorf("encoding the ECC_SECG_P256K1 private key: %w", err)
	}
	curve, err := asn1.Marshal(oidSecp256k1)
	if err != nil {
		return nil, fmt.Errorf("encoding the secp256k1 curve: %w", err)
	}
	return asn1.Marshal(struct {
		Version    int
		Algorithm  pkix.AlgorithmIdentifier
		PrivateKey []byte
	}{0, pkix.AlgorithmIdentifier{Algorithm: oidECPublicKey, Parameters: asn1.RawValue{FullBytes: curve}}, inner})
}
