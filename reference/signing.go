package reference

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"slices"
	"strings"

	"github.com/cloudflare/circl/sign"
	"github.com/cloudflare/circl/sign/mldsa/mldsa44"
	"github.com/cloudflare/circl/sign/mldsa/mldsa65"
	"github.com/cloudflare/circl/sign/mldsa/mldsa87"
	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	secpecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/kmsconform/kmsconform/reference/internal/mldsamu"
)

// signingOperations are Sign, Verify and GetPublicKey.
func signingOperations() map[string]operation {
	return map[string]operation{
		"Sign":         signMessage,
		"Verify":       verifySignature,
		"GetPublicKey": getPublicKey,
	}
}

// signingAlgorithmNames are the SigningAlgorithmSpec values of the API model.
var signingAlgorithmNames = []string{"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
	"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
	"ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512", "SM2DSA", "ML_DSA_SHAKE_256", "ED25519_SHA_512", "ED25519_PH_SHA_512"}

// messageTypes are the MessageType values of the API model.
var messageTypes = []string{"RAW", "DIGEST", "EXTERNAL_MU"}

// signingInput is the request of Sign and Verify; Signature is Verify's.
type signingInput struct {
	KeyID            *string  `json:"KeyId"`
	Message          []byte   `json:"Message"`
	MessageType      *string  `json:"MessageType"`
	Signature        []byte   `json:"Signature"`
	GrantTokens      []string `json:"GrantTokens"`
	SigningAlgorithm *string  `json:"SigningAlgorithm"`
	DryRun           *bool    `json:"DryRun"`
}

// signingRequest is a Sign or Verify request that passed every check but
// the signature's: the key, its algorithm and the message as the algorithm
// takes it (a digest or the message itself).
type signingRequest struct {
	key       *Key
	algorithm string
	digest    []byte // nil for algorithms that take the message (Ed25519, ML-DSA)
	message   []byte
	mu        bool // message is an ML-DSA external mu (MessageType EXTERNAL_MU)
}

// checkSigning validates a Sign (verify false) or Verify request and
// checks, in KMS's order, that its key can use its algorithm on its message.
func (c *call) checkSigning(in *signingInput, verify bool) (signingRequest, error) {
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Required("message", in.Message != nil)
	v.SensitiveSize("message", in.Message, in.Message != nil, 1, 4096)
	v.Enum("messageType", in.MessageType, messageTypes...)
	if verify {
		v.Required("signature", in.Signature != nil)
		v.Size("signature", in.Signature, in.Signature != nil, 1, 6144)
	}
	validateGrantTokens(&v, in.GrantTokens)
	v.Required("signingAlgorithm", in.SigningAlgorithm != nil)
	v.Enum("signingAlgorithm", in.SigningAlgorithm, signingAlgorithmNames...)
	if err := v.Err(); err != nil {
		return signingRequest{}, err
	}
	if err := c.checkGrantTokens(in.GrantTokens); err != nil {
		return signingRequest{}, err
	}
	k, err := c.resolveKey(*in.KeyID, keyARNOrAlias)
	if err != nil {
		return signingRequest{}, err
	}
	if err := c.keyFor(k, "SIGN_VERIFY"); err != nil {
		return signingRequest{}, err
	}
	alg := *in.SigningAlgorithm
	if !slices.Contains(signingAlgorithms(k.KeySpec), alg) {
		return signingRequest{}, errorf("InvalidKeyUsageException", "Algorithm %s is incompatible with key spec %s.", alg, k.KeySpec)
	}
	msgType := "RAW"
	if in.MessageType != nil {
		msgType = *in.MessageType
	}
	req := signingRequest{key: k, algorithm: alg, message: in.Message}
	if err := req.prepare(msgType); err != nil {
		return signingRequest{}, err
	}
	if err := dryRun(in.DryRun); err != nil {
		return signingRequest{}, err
	}
	return req, nil
}

// prepare applies the message type rules of the algorithm (Sign.07 to
// Sign.13): which message types it takes and the digest it signs.
func (r *signingRequest) prepare(msgType string) error {
	alg := r.algorithm
	invalidType := func() error {
		return errorf("ValidationException", "MessageType %s is not valid for algorithm %s.", msgType, alg)
	}
	switch alg {
	case "ED25519_SHA_512": // pure Ed25519 hashes the message itself
		if msgType != "RAW" {
			return invalidType()
		}
		return nil
	case "ED25519_PH_SHA_512": // the digest is prehashed once more (Sign.12)
		if msgType != "DIGEST" {
			return invalidType()
		}
		if len(r.message) != sha512.Size {
			return errorf("ValidationException", "Digest is invalid length for algorithm %s.", alg)
		}
		sum := sha512.Sum512(r.message)
		r.digest = sum[:]
		return nil
	case "ML_DSA_SHAKE_256":
		switch msgType {
		case "RAW":
			return nil
		case "EXTERNAL_MU":
			if len(r.message) != mldsamu.MuSize {
				return errorf("ValidationException", "External mu is invalid length for algorithm %s.", alg)
			}
			r.mu = true
			return nil
		}
		return invalidType()
	case "SM2DSA":
		// SM2 keys exist only in China Regions, which the reference does not serve.
		return errorf("UnsupportedOperationException", "The reference does not implement SM2DSA.")
	}
	h := signingHash(alg)
	switch msgType {
	case "RAW":
		hh := h.New()
		hh.Write(r.message)
		r.digest = hh.Sum(nil)
	case "DIGEST":
		if len(r.message) != h.Size() {
			return errorf("ValidationException", "Digest is invalid length for algorithm %s.", alg)
		}
		r.digest = r.message
	default:
		return invalidType()
	}
	return nil
}

// signingHash is the hash an RSA or ECDSA algorithm names by its suffix.
func signingHash(alg string) crypto.Hash {
	switch {
	case strings.HasSuffix(alg, "_SHA_384"):
		return crypto.SHA384
	case strings.HasSuffix(alg, "_SHA_512"):
		return crypto.SHA512
	}
	return crypto.SHA256
}

func signMessage(c *call) (any, error) {
	var in signingInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	req, err := c.checkSigning(&in, false)
	if err != nil {
		return nil, err
	}
	priv, err := privateKeyOf(req.key)
	if err != nil {
		return nil, err
	}
	sig, err := req.sign(priv)
	if err != nil {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	return struct {
		KeyID            string `json:"KeyId"`
		Signature        []byte
		SigningAlgorithm string
	}{req.key.ARN, sig, req.algorithm}, nil
}

// verifySignature implements Verify. A signature that does not verify is
// KMSInvalidSignatureException with an empty message, never
// SignatureValid=false (Verify.18; recorded: realkms Verify.*).
func verifySignature(c *call) (any, error) {
	var in signingInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	req, err := c.checkSigning(&in, true)
	if err != nil {
		return nil, err
	}
	priv, err := privateKeyOf(req.key)
	if err != nil {
		return nil, err
	}
	if !req.verify(priv, in.Signature) {
		return nil, errorf("KMSInvalidSignatureException", "")
	}
	return struct {
		KeyID            string `json:"KeyId"`
		SignatureValid   bool
		SigningAlgorithm string
	}{req.key.ARN, true, req.algorithm}, nil
}

// sign signs r with priv, one of the private key types privateKeyOf returns.
// RSA-PSS uses a salt as long as the hash, as KMS does.
func (r *signingRequest) sign(priv any) ([]byte, error) {
	switch p := priv.(type) {
	case *rsa.PrivateKey:
		h := signingHash(r.algorithm)
		if strings.HasPrefix(r.algorithm, "RSASSA_PSS_") {
			return rsa.SignPSS(rand.Reader, p, h, r.digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		}
		return rsa.SignPKCS1v15(rand.Reader, p, h, r.digest)
	case *ecdsa.PrivateKey:
		return ecdsa.SignASN1(rand.Reader, p, r.digest)
	case *secp256k1.PrivateKey:
		return secpecdsa.Sign(p, r.digest).Serialize(), nil
	case ed25519.PrivateKey:
		if r.digest != nil {
			return p.Sign(rand.Reader, r.digest, &ed25519.Options{Hash: crypto.SHA512})
		}
		return ed25519.Sign(p, r.message), nil
	case sign.PrivateKey:
		if r.mu {
			set, sk, _, err := mldsaKeyOf(p)
			if err != nil {
				return nil, err
			}
			return mldsamu.Sign(set, sk, r.message, [32]byte{}) // deterministic, as circl's Sign below
		}
		return p.Scheme().Sign(p, r.message, nil), nil
	}
	return nil, errNoMaterial
}

func (r *signingRequest) verify(priv any, sig []byte) bool {
	switch p := priv.(type) {
	case *rsa.PrivateKey:
		h := signingHash(r.algorithm)
		if strings.HasPrefix(r.algorithm, "RSASSA_PSS_") {
			return rsa.VerifyPSS(&p.PublicKey, h, r.digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
		}
		return rsa.VerifyPKCS1v15(&p.PublicKey, h, r.digest, sig) == nil
	case *ecdsa.PrivateKey:
		return ecdsa.VerifyASN1(&p.PublicKey, r.digest, sig)
	case *secp256k1.PrivateKey:
		s, err := secpecdsa.ParseDERSignature(sig)
		return err == nil && s.Verify(r.digest, p.PubKey())
	case ed25519.PrivateKey:
		pub := p.Public().(ed25519.PublicKey)
		if r.digest != nil {
			return ed25519.VerifyWithOptions(pub, r.digest, sig, &ed25519.Options{Hash: crypto.SHA512}) == nil
		}
		return ed25519.Verify(pub, r.message, sig)
	case sign.PrivateKey:
		if r.mu {
			set, _, pk, err := mldsaKeyOf(p)
			return err == nil && mldsamu.Verify(set, pk, r.message, sig)
		}
		return p.Scheme().Verify(p.Public().(sign.PublicKey), r.message, sig, nil)
	}
	return false
}

// mldsaKeyOf is an ML-DSA key of circl's as package mldsamu takes it: its
// parameter set and both halves in their FIPS 204 encodings.
func mldsaKeyOf(priv sign.PrivateKey) (set mldsamu.Set, sk, pk []byte, err error) {
	switch priv.Scheme().Name() {
	case mldsa44.Scheme().Name():
		set = mldsamu.MLDSA44
	case mldsa65.Scheme().Name():
		set = mldsamu.MLDSA65
	case mldsa87.Scheme().Name():
		set = mldsamu.MLDSA87
	default:
		return 0, nil, nil, errNoMaterial
	}
	if sk, err = priv.MarshalBinary(); err != nil {
		return 0, nil, nil, err
	}
	if pk, err = priv.Public().(sign.PublicKey).MarshalBinary(); err != nil {
		return 0, nil, nil, err
	}
	return set, sk, pk, nil
}

// mldsaSchemes are the ML-DSA parameter sets by key spec.
var mldsaSchemes = map[string]sign.Scheme{"ML_DSA_44": mldsa44.Scheme(), "ML_DSA_65": mldsa65.Scheme(), "ML_DSA_87": mldsa87.Scheme()}

// privateKeyOf is k's private key, generating the material on first use: an
// *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey,
// *secp256k1.PrivateKey, or an ML-DSA sign.PrivateKey.
func privateKeyOf(k *Key) (any, error) {
	internal := errorf("KMSInternalException", "An internal error occurred.")
	material, err := k.ensureMaterial()
	if err != nil {
		return nil, internal
	}
	if priv, err := x509.ParsePKCS8PrivateKey(material); err == nil {
		return priv, nil
	}
	var p8 oneAsymmetricKey
	if _, err := asn1.Unmarshal(material, &p8); err != nil {
		return nil, internal
	}
	if scheme, ok := mldsaSchemes[k.KeySpec]; ok {
		var choice asn1.RawValue
		if _, err := asn1.Unmarshal(p8.PrivateKey, &choice); err != nil {
			return nil, internal
		}
		if choice.Class == asn1.ClassContextSpecific && choice.Tag == 0 {
			_, priv := scheme.DeriveKey(choice.Bytes)
			return priv, nil
		}
		priv, err := scheme.UnmarshalBinaryPrivateKey(choice.Bytes)
		if err != nil {
			return nil, internal
		}
		return priv, nil
	}
	if k.KeySpec == "ECC_SECG_P256K1" {
		var ec ecPrivateKey
		if _, err := asn1.Unmarshal(p8.PrivateKey, &ec); err != nil {
			return nil, internal
		}
		return secp256k1.PrivKeyFromBytes(ec.PrivateKey), nil
	}
	return nil, internal
}

// publicKeyOf is the DER SubjectPublicKeyInfo of k's public key: by Go's
// x509 where it can, the secp256k1 point as data key pairs encode it, and an
// ML-DSA key as RFC 9881 does (the algorithm without parameters).
func publicKeyOf(k *Key) ([]byte, error) {
	priv, err := privateKeyOf(k)
	if err != nil {
		return nil, err
	}
	var der []byte
	switch p := priv.(type) {
	case *secp256k1.PrivateKey:
		der, err = publicKeyDER(k.Material)
	case sign.PrivateKey:
		var pub []byte
		if pub, err = p.Public().(sign.PublicKey).MarshalBinary(); err == nil {
			der, err = asn1.Marshal(struct {
				Algorithm pkix.AlgorithmIdentifier
				PublicKey asn1.BitString
			}{pkix.AlgorithmIdentifier{Algorithm: latticeKeys[k.KeySpec].oid}, asn1.BitString{Bytes: pub, BitLength: 8 * len(pub)}})
		}
	case crypto.Signer:
		der, err = x509.MarshalPKIXPublicKey(p.Public())
	default:
		err = errNoMaterial
	}
	if err != nil {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	return der, nil
}

// getPublicKey implements GetPublicKey for the asymmetric keys whose
// material the reference holds. A symmetric or HMAC key has no public key:
// GetPublicKey.06 and .07 leave the error open; the reference answers
// UnsupportedOperationException, the model's error for a resource the
// operation does not support.
func getPublicKey(c *call) (any, error) {
	var in struct {
		KeyID       *string  `json:"KeyId"`
		GrantTokens []string `json:"GrantTokens"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	validateGrantTokens(&v, in.GrantTokens)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := c.checkGrantTokens(in.GrantTokens); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyARNOrAlias)
	if err != nil {
		return nil, err
	}
	if err := c.keyFor(k, k.KeyUsage); err != nil { // any usage: only the key's state counts
		return nil, err
	}
	if k.KeySpec == symmetricDefault || strings.HasPrefix(k.KeySpec, "HMAC_") {
		return nil, errorf("UnsupportedOperationException", "%s key spec %s has no public key.", k.ARN, k.KeySpec)
	}
	if _, ok := mldsaSchemes[k.KeySpec]; !ok && (strings.HasPrefix(k.KeySpec, "ML_KEM_") || k.KeySpec == "SM2") {
		return nil, errorf("UnsupportedOperationException", "The reference does not implement public keys of key spec %s.", k.KeySpec)
	}
	der, err := publicKeyOf(k)
	if err != nil {
		return nil, err
	}
	m := c.metadata(k)
	return struct {
		KeyID                  string   `json:"KeyId"`
		PublicKey              []byte   `json:"PublicKey"`
		KeySpec                string   `json:"KeySpec"`
		CustomerMasterKeySpec  string   `json:"CustomerMasterKeySpec"`
		KeyUsage               string   `json:"KeyUsage"`
		EncryptionAlgorithms   []string `json:"EncryptionAlgorithms,omitempty"`
		SigningAlgorithms      []string `json:"SigningAlgorithms,omitempty"`
		KeyAgreementAlgorithms []string `json:"KeyAgreementAlgorithms,omitempty"`
	}{k.ARN, der, k.KeySpec, k.KeySpec, k.KeyUsage, m.EncryptionAlgorithms, m.SigningAlgorithms, m.KeyAgreementAlgorithms}, nil
}
