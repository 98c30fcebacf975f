package keymaterial

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha3"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"

	"github.com/cloudflare/circl/sign"
	"github.com/cloudflare/circl/sign/mldsa/mldsa44"
	"github.com/cloudflare/circl/sign/mldsa/mldsa65"
	"github.com/cloudflare/circl/sign/mldsa/mldsa87"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
)

// mldsaSpecs are the ML-DSA key specs by their SubjectPublicKeyInfo
// algorithm (RFC 9881: no parameters).
var mldsaSpecs = []struct {
	spec   string
	oid    asn1.ObjectIdentifier
	scheme sign.Scheme
}{
	{"ML_DSA_44", asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 3, 17}, mldsa44.Scheme()},
	{"ML_DSA_65", asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 3, 18}, mldsa65.Scheme()},
	{"ML_DSA_87", asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 3, 19}, mldsa87.Scheme()},
}

// parseMLDSA reads an ML-DSA public key; ok is false for other algorithms
// and for a key of the wrong size.
func parseMLDSA(alg pkix.AlgorithmIdentifier, key []byte) (*Pair, bool) {
	for _, m := range mldsaSpecs {
		if !alg.Algorithm.Equal(m.oid) || len(alg.Parameters.FullBytes) > 0 {
			continue
		}
		pub, err := m.scheme.UnmarshalBinaryPublicKey(key)
		if err != nil {
			return nil, false
		}
		return &Pair{Spec: m.spec, public: pub}, true
	}
	return nil, false
}

// ExternalMu is the mu of message for p's ML-DSA public key, what a Sign or
// Verify with MessageType EXTERNAL_MU takes in its place: FIPS 204's
// SHAKE256(SHAKE256(pk, 64) || 0 || 0 || message, 64), pure ML-DSA with an
// empty context as RFC 9881 has it.
func (p *Pair) ExternalMu(message []byte) ([]byte, error) {
	pub, ok := p.public.(sign.PublicKey)
	if !ok {
		return nil, fmt.Errorf("an %s key has no ML-DSA mu", p.Spec)
	}
	pk, err := pub.MarshalBinary()
	if err != nil {
		return nil, err
	}
	h := sha3.NewSHAKE256()
	h.Write(sha3.SumSHAKE256(pk, 64))
	h.Write([]byte{0, 0}) // no prehash, a context of length 0
	h.Write(message)
	mu := make([]byte, 64)
	h.Read(mu)
	return mu, nil
}

// VerifySignature checks sig, a KMS signature made with algorithm (a KMS
// SigningAlgorithmSpec), against p's public key. message is what was
// signed: the message itself, or with digest its digest as KMS takes it
// (MessageType DIGEST). The checks follow the standards KMS names, not any
// KMS: RSA-PSS with a salt as long as the hash, PKCS #1 v1.5, DER-encoded
// ECDSA, Ed25519 (pure, or Ed25519ph over the SHA-512 of the digest), and
// pure ML-DSA with an empty context.
func (p *Pair) VerifySignature(algorithm string, message []byte, digest bool, sig []byte) error {
	bad := fmt.Errorf("the signature does not verify with the %s public key and %s", p.Spec, algorithm)
	switch pub := p.public.(type) {
	case sign.PublicKey:
		if algorithm != "ML_DSA_SHAKE_256" || digest {
			return fmt.Errorf("%s cannot be checked on an %s key", algorithm, p.Spec)
		}
		if !pub.Scheme().Verify(pub, message, sig, nil) {
			return bad
		}
		return nil
	case ed25519.PublicKey:
		switch {
		case algorithm == "ED25519_SHA_512" && !digest:
			if !ed25519.Verify(pub, message, sig) {
				return bad
			}
		case algorithm == "ED25519_PH_SHA_512" && digest:
			ph := sha512.Sum512(message)
			if ed25519.VerifyWithOptions(pub, ph[:], sig, &ed25519.Options{Hash: crypto.SHA512}) != nil {
				return bad
			}
		default:
			return fmt.Errorf("%s cannot be checked on an Ed25519 key (digest %v)", algorithm, digest)
		}
		return nil
	}
	h, err := hashOf(algorithm)
	if err != nil {
		return err
	}
	if !digest {
		hh := h.New()
		hh.Write(message)
		message = hh.Sum(nil)
	}
	if len(message) != h.Size() {
		return fmt.Errorf("a %s digest is %d bytes, not %d", algorithm, h.Size(), len(message))
	}
	switch pub := p.public.(type) {
	case *rsa.PublicKey:
		switch {
		case strings.HasPrefix(algorithm, "RSASSA_PSS_"):
			err = rsa.VerifyPSS(pub, h, message, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		case strings.HasPrefix(algorithm, "RSASSA_PKCS1_V1_5_"):
			err = rsa.VerifyPKCS1v15(pub, h, message, sig)
		default:
			return fmt.Errorf("%s cannot be checked on an RSA key", algorithm)
		}
		if err != nil {
			return bad
		}
	case *ecdsa.PublicKey:
		if !strings.HasPrefix(algorithm, "ECDSA_") || !ecdsa.VerifyASN1(pub, message, sig) {
			return bad
		}
	case secp256k1Public:
		key, err := secp256k1.ParsePubKey(pub)
		if err != nil {
			return err
		}
		s, err := secpecdsa.ParseDERSignature(sig)
		if err != nil || algorithm != "ECDSA_SHA_256" || !s.Verify(message, key) {
			return bad
		}
	default:
		return errors.New("the public key cannot verify signatures")
	}
	return nil
}

func hashOf(algorithm string) (crypto.Hash, error) {
	switch {
	case strings.HasSuffix(algorithm, "_SHA_256"):
		return crypto.SHA256, nil
	case strings.HasSuffix(algorithm, "_SHA_384"):
		return crypto.SHA384, nil
	case strings.HasSuffix(algorithm, "_SHA_512"):
		return crypto.SHA512, nil
	}
	return 0, fmt.Errorf("%s names no hash this check knows", algorithm)
}
