// Package keymaterial makes key material as an importer makes it for KMS's
// ImportKeyMaterial: random bytes for symmetric and HMAC keys, and a DER PKCS #8
// private key (with its public key, as OpenSSL and Python's cryptography write
// it) for asymmetric keys. The reference, its tests and the scenarios share it
// so that all three import the same formats. Material is secret: never log it.
package keymaterial

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// hmacSizes is the size New makes for each HMAC key spec: the digest's length,
// which every HMAC key spec accepts.
var hmacSizes = map[string]int{"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}

var rsaBits = map[string]int{"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}

var nistCurves = map[string]elliptic.Curve{
	"ECC_NIST_P256": elliptic.P256(), "ECC_NIST_P384": elliptic.P384(), "ECC_NIST_P521": elliptic.P521(),
}

// Specs lists the key specs New makes material for.
func Specs() []string {
	return []string{"SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512",
		"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
		"ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"}
}

// New makes fresh key material for a key of spec ("" is SYMMETRIC_DEFAULT).
func New(spec string) ([]byte, error) {
	switch spec {
	case "", "SYMMETRIC_DEFAULT":
		return random(32)
	case "ECC_SECG_P256K1":
		return secp256k1PKCS8()
	case "ECC_NIST_EDWARDS25519":
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generating %s key material: %w", spec, err)
		}
		return x509.MarshalPKCS8PrivateKey(priv)
	}
	if n, ok := hmacSizes[spec]; ok {
		return random(n)
	}
	if bits, ok := rsaBits[spec]; ok {
		priv, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			return nil, fmt.Errorf("generating %s key material: %w", spec, err)
		}
		return x509.MarshalPKCS8PrivateKey(priv)
	}
	if curve, ok := nistCurves[spec]; ok {
		priv, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generating %s key material: %w", spec, err)
		}
		return x509.MarshalPKCS8PrivateKey(priv)
	}
	return nil, fmt.Errorf("no key material is made for key spec %q", spec)
}

func random(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("reading %d random bytes: %w", n, err)
	}
	return b, nil
}

var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	// OIDSecp256k1 names the curve of ECC_SECG_P256K1 keys (SEC 2).
	OIDSecp256k1 = asn1.ObjectIdentifier{1, 3, 132, 0, 10}
)

// secp256k1PKCS8 makes a secp256k1 private key as DER PKCS #8 (RFC 5208 with
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
	curve, err := asn1.Marshal(OIDSecp256k1)
	if err != nil {
		return nil, fmt.Errorf("encoding the secp256k1 curve: %w", err)
	}
	return asn1.Marshal(struct {
		Version    int
		Algorithm  pkix.AlgorithmIdentifier
		PrivateKey []byte
	}{0, pkix.AlgorithmIdentifier{Algorithm: oidECPublicKey, Parameters: asn1.RawValue{FullBytes: curve}}, inner})
}
