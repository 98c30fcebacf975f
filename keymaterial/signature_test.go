package keymaterial

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"testing"

	"github.com/cloudflare/circl/sign/mldsa/mldsa44"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// TestVerifySignature checks each kind of signature KMS makes against its
// public key, and that a signature of another message, or under another
// algorithm, fails.
func TestVerifySignature(t *testing.T) {
	msg := []byte("kmsconform signs this")
	d256 := sha256.Sum256(msg)
	d512 := sha512.Sum512(msg)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k1, err := secp256k1.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	mlPub, mlPriv, err := mldsa44.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	spki := func(pub any) []byte {
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	raw := func(alg pkix.AlgorithmIdentifier, key []byte) []byte {
		der, err := asn1.Marshal(struct {
			Algorithm pkix.AlgorithmIdentifier
			PublicKey asn1.BitString
		}{alg, asn1.BitString{Bytes: key, BitLength: 8 * len(key)}})
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	must := func(b []byte, err error) []byte {
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	curve, _ := asn1.Marshal(OIDSecp256k1)
	mlBytes, _ := mlPub.MarshalBinary()
	ph := sha512.Sum512(d512[:])
	mlSig := make([]byte, mldsa44.SignatureSize)
	if err := mldsa44.SignTo(mlPriv, msg, nil, true, mlSig); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, alg string
		spki      []byte
		message   []byte
		digest    bool
		sig       []byte
		wrongAlg  string
	}{
		{"RSA-PSS", "RSASSA_PSS_SHA_256", spki(&rsaKey.PublicKey), msg, false,
			must(rsa.SignPSS(rand.Reader, rsaKey, crypto.SHA256, d256[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})), "RSASSA_PKCS1_V1_5_SHA_256"},
		{"RSA PKCS #1 v1.5 of a digest", "RSASSA_PKCS1_V1_5_SHA_512", spki(&rsaKey.PublicKey), d512[:], true,
			must(rsa.SignPKCS1v15(rand.Reader, rsaKey, crypto.SHA512, d512[:])), "RSASSA_PSS_SHA_512"},
		{"ECDSA P-256", "ECDSA_SHA_256", spki(&ecKey.PublicKey), msg, false, must(ecdsa.SignASN1(rand.Reader, ecKey, d256[:])), "ECDSA_SHA_384"},
		{"ECDSA secp256k1", "ECDSA_SHA_256", raw(pkix.AlgorithmIdentifier{Algorithm: oidECPublicKey, Parameters: asn1.RawValue{FullBytes: curve}}, k1.PubKey().SerializeUncompressed()),
			msg, false, secpecdsa.Sign(k1, d256[:]).Serialize(), "ECDSA_SHA_512"},
		{"Ed25519", "ED25519_SHA_512", spki(edPub), msg, false, ed25519.Sign(edPriv, msg), "ED25519_PH_SHA_512"},
		{"Ed25519ph of a digest", "ED25519_PH_SHA_512", spki(edPub), d512[:], true,
			must(edPriv.Sign(rand.Reader, ph[:], &ed25519.Options{Hash: crypto.SHA512})), "ED25519_SHA_512"},
		{"ML-DSA-44", "ML_DSA_SHAKE_256", raw(pkix.AlgorithmIdentifier{Algorithm: mldsaSpecs[0].oid}, mlBytes), msg, false, mlSig, "ECDSA_SHA_256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePublicKey(tt.spki)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.VerifySignature(tt.alg, tt.message, tt.digest, tt.sig); err != nil {
				t.Fatalf("a good signature: %v", err)
			}
			other := append([]byte(nil), tt.message...)
			other[0] ^= 1
			if p.VerifySignature(tt.alg, other, tt.digest, tt.sig) == nil {
				t.Error("the signature verifies for another message")
			}
			if p.VerifySignature(tt.wrongAlg, tt.message, tt.digest, tt.sig) == nil {
				t.Errorf("the signature verifies as %s", tt.wrongAlg)
			}
		})
	}
}

// TestExternalMu holds ExternalMu to a mu Python's hashlib.shake_256 made
// for the ML-DSA-44 key of the seed 00 01 … 1f, and refuses other keys.
func TestExternalMu(t *testing.T) {
	var seed [mldsa44.SeedSize]byte
	for i := range seed {
		seed[i] = byte(i)
	}
	pub, _ := mldsa44.NewKeyFromSeed(&seed)
	pk, err := pub.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	p, ok := parseMLDSA(pkix.AlgorithmIdentifier{Algorithm: mldsaSpecs[0].oid}, pk)
	if !ok {
		t.Fatal("the ML-DSA-44 key does not parse")
	}
	const want = "ee832aeef2232cfcf0c49359ce9b239302a90b072463898eedf266424408cae8665266979075b841a95f79b9fa28b2f3218588f9c521860c36d60cee05189657"
	mu, err := p.ExternalMu([]byte("kmsconform signs this"))
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(mu); got != want {
		t.Fatalf("ExternalMu = %s, want %s", got, want)
	}
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&Pair{Spec: "ECC_NIST_EDWARDS25519", public: edPub}).ExternalMu(nil); err == nil {
		t.Fatal("an Ed25519 key has an ML-DSA mu")
	}
}
