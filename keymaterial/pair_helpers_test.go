package keymaterial

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
)

// publicOf is the SubjectPublicKeyInfo of a PKCS #8 private key New made.
func publicOf(pkcs8 []byte) ([]byte, error) {
	if priv, err := x509.ParsePKCS8PrivateKey(pkcs8); err == nil {
		return x509.MarshalPKIXPublicKey(priv.(crypto.Signer).Public())
	}
	var p8 struct {
		Version    int
		Algorithm  pkix.AlgorithmIdentifier
		PrivateKey []byte
	}
	if _, err := asn1.Unmarshal(pkcs8, &p8); err != nil {
		return nil, err
	}
	var ec struct {
		Version    int
		PrivateKey []byte
		PublicKey  asn1.BitString `asn1:"optional,explicit,tag:1"`
	}
	if _, err := asn1.Unmarshal(p8.PrivateKey, &ec); err != nil {
		return nil, err
	}
	pub := secp256k1.PrivKeyFromBytes(ec.PrivateKey).PubKey().SerializeUncompressed()
	return asn1.Marshal(struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}{p8.Algorithm, asn1.BitString{Bytes: pub, BitLength: 8 * len(pub)}})
}
