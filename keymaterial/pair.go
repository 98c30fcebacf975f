package keymaterial

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// secp256k1Public is a secp256k1 public key as its uncompressed point, since
// Go's crypto has no type for that curve.
type secp256k1Public []byte

// Pair is an asymmetric key pair read from its DER encodings: the public key
// from a SubjectPublicKeyInfo, the private key from PKCS #8.
type Pair struct {
	// Spec is the KMS key spec of the public key, such as RSA_3072.
	Spec   string
	public any
}

// ParsePublicKey reads a DER SubjectPublicKeyInfo and tells which KMS key
// spec it is: an RSA key by its modulus size, an EC key by its curve
// (secp256k1 included), or Ed25519.
func ParsePublicKey(spki []byte) (*Pair, error) {
	if pub, err := x509.ParsePKIXPublicKey(spki); err == nil {
		spec, err := specOf(pub)
		if err != nil {
			return nil, err
		}
		return &Pair{Spec: spec, public: pub}, nil
	}
	var info struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if rest, err := asn1.Unmarshal(spki, &info); err != nil || len(rest) > 0 {
		return nil, errors.New("the public key is not a DER SubjectPublicKeyInfo")
	}
	if p, ok := parseMLDSA(info.Algorithm, info.PublicKey.Bytes); ok {
		return p, nil
	}
	if !onSecp256k1(info.Algorithm) {
		return nil, fmt.Errorf("the public key's algorithm %v is not one KMS generates", info.Algorithm.Algorithm)
	}
	pub, err := secp256k1.ParsePubKey(info.PublicKey.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the secp256k1 public key is not a point of the curve: %w", err)
	}
	return &Pair{Spec: "ECC_SECG_P256K1", public: secp256k1Public(pub.SerializeUncompressed())}, nil
}

// MatchPrivateKey reads a DER PKCS #8 private key and checks that it is the
// private half of p's public key.
func (p *Pair) MatchPrivateKey(pkcs8 []byte) error {
	if priv, err := x509.ParsePKCS8PrivateKey(pkcs8); err == nil {
		signer, ok := priv.(crypto.Signer)
		if !ok {
			return fmt.Errorf("the private key (%T) cannot sign", priv)
		}
		type equaler interface{ Equal(crypto.PublicKey) bool }
		if eq, ok := signer.Public().(equaler); !ok || !eq.Equal(p.public) {
			return errors.New("the private key belongs to another public key")
		}
		return nil
	}
	var p8 struct {
		Version    int
		Algorithm  pkix.AlgorithmIdentifier
		PrivateKey []byte
	}
	if rest, err := asn1.Unmarshal(pkcs8, &p8); err != nil || len(rest) > 0 {
		return errors.New("the private key is not DER PKCS #8")
	}
	var ec struct {
		Version    int
		PrivateKey []byte
		Curve      asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
		PublicKey  asn1.BitString        `asn1:"optional,explicit,tag:1"`
	}
	if !onSecp256k1(p8.Algorithm) {
		return fmt.Errorf("the private key's algorithm %v is not one KMS generates", p8.Algorithm.Algorithm)
	}
	if _, err := asn1.Unmarshal(p8.PrivateKey, &ec); err != nil || len(ec.PrivateKey) != 32 {
		return errors.New("the secp256k1 private key is not an RFC 5915 ECPrivateKey")
	}
	pub, ok := p.public.(secp256k1Public)
	if !ok || !bytes.Equal(secp256k1.PrivKeyFromBytes(ec.PrivateKey).PubKey().SerializeUncompressed(), pub) {
		return errors.New("the private key belongs to another public key")
	}
	return nil
}

// Equal reports whether p and q have the same public key.
func (p *Pair) Equal(q *Pair) bool {
	if a, ok := p.public.(secp256k1Public); ok {
		b, ok := q.public.(secp256k1Public)
		return ok && bytes.Equal(a, b)
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	eq, ok := p.public.(equaler)
	return ok && eq.Equal(q.public)
}

func onSecp256k1(alg pkix.AlgorithmIdentifier) bool {
	var curve asn1.ObjectIdentifier
	_, err := asn1.Unmarshal(alg.Parameters.FullBytes, &curve)
	return alg.Algorithm.Equal(oidECPublicKey) && err == nil && curve.Equal(OIDSecp256k1)
}

// specOf is the KMS key spec of a public key Go's x509 package reads.
func specOf(pub any) (string, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		for spec, bits := range rsaBits {
			if k.N.BitLen() == bits {
				return spec, nil
			}
		}
		return "", fmt.Errorf("the public key is a %d-bit RSA key, which KMS does not generate", k.N.BitLen())
	case *ecdsa.PublicKey:
		for spec, curve := range nistCurves {
			if k.Curve == curve {
				return spec, nil
			}
		}
		return "", fmt.Errorf("the public key is on curve %s, which KMS does not generate", k.Curve.Params().Name)
	case ed25519.PublicKey:
		return "ECC_NIST_EDWARDS25519", nil
	}
	return "", fmt.Errorf("the public key is a %T, which KMS does not generate", pub)
}
