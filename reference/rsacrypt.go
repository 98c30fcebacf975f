package reference

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"strings"
)

// encryptionAlgorithm checks algorithm (nil when the request has none)
// against k's key spec and returns the algorithm to use. Symmetric keys
// default to SYMMETRIC_DEFAULT (Encrypt.07); RSA keys need one of the OAEP
// algorithms, named (Encrypt.08 leaves the error for a missing one open; the
// reference treats it as an invalid request). A supported algorithm the key
// spec cannot use is InvalidKeyUsageException (Encrypt.06, Decrypt.17).
func encryptionAlgorithm(k *Key, algorithm *string) (string, error) {
	if k.KeySpec == symmetricDefault {
		if algorithm != nil && *algorithm != symmetricDefault {
			return "", errorf("InvalidKeyUsageException", "Algorithm %s is incompatible with key spec %s.", *algorithm, k.KeySpec)
		}
		return symmetricDefault, nil
	}
	if algorithm == nil {
		return "", errorf("ValidationException", "EncryptionAlgorithm is required for a KMS key with key spec %s.", k.KeySpec)
	}
	switch {
	case isRSASpec(k.KeySpec) && strings.HasPrefix(*algorithm, "RSAES_OAEP_"):
		return *algorithm, nil
	case k.KeySpec == "SM2" && *algorithm == "SM2PKE":
		// SM2 keys exist only in China Regions; the reference has no SM2PKE.
		return "", errorf("UnsupportedOperationException", "The reference does not implement SM2PKE.")
	}
	return "", errorf("InvalidKeyUsageException", "Algorithm %s is incompatible with key spec %s.", *algorithm, k.KeySpec)
}

func isRSASpec(spec string) bool {
	_, ok := rsaBits[spec]
	return ok
}

// asymmetricContext refuses an encryption context with an asymmetric key:
// it is valid only with symmetric keys (Encrypt.18); Encrypt.19 leaves the
// error open and the reference answers a ValidationException.
func asymmetricContext(k *Key, encCtx map[string]string) error {
	if k.KeySpec != symmetricDefault && encCtx != nil {
		return errorf("ValidationException", "EncryptionContext is not supported with asymmetric KMS keys.")
	}
	return nil
}

// oaepHash is the hash of an RSAES_OAEP algorithm.
func oaepHash(algorithm string) crypto.Hash {
	if algorithm == "RSAES_OAEP_SHA_1" {
		return crypto.SHA1
	}
	return crypto.SHA256
}

// rsaKeyOf is k's RSA private key, generating the material on first use.
func rsaKeyOf(k *Key) (*rsa.PrivateKey, error) {
	material, err := k.ensureMaterial()
	if err != nil {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(material)
	priv, ok := parsed.(*rsa.PrivateKey)
	if err != nil || !ok {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	return priv, nil
}

// rsaEncrypt encrypts with RSA-OAEP under k's public key. The ciphertext is
// the bare OAEP output: asymmetric ciphertext carries no metadata (Encrypt.21).
func rsaEncrypt(k *Key, algorithm string, plaintext []byte) ([]byte, error) {
	priv, err := rsaKeyOf(k)
	if err != nil {
		return nil, err
	}
	h := oaepHash(algorithm)
	out, err := rsa.EncryptOAEP(h.New(), rand.Reader, &priv.PublicKey, plaintext, nil)
	if err != nil {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	return out, nil
}

// rsaDecrypt reverses rsaEncrypt; any failure is an InvalidCiphertextException.
func rsaDecrypt(k *Key, algorithm string, ciphertext []byte) ([]byte, error) {
	priv, err := rsaKeyOf(k)
	if err != nil {
		return nil, err
	}
	h := oaepHash(algorithm)
	out, err := rsa.DecryptOAEP(h.New(), nil, priv, ciphertext, nil)
	if err != nil {
		return nil, errorf("InvalidCiphertextException", "")
	}
	return out, nil
}
