// Package keywrap wraps and unwraps key material for ImportKeyMaterial: AES
// Key Wrap with Padding (RFC 5649), and the RSA wrapping algorithms
// GetParametersForImport offers on top of it. The reference KMS unwraps with
// it; the scenarios and the reference's tests wrap, as an importer does.
package keywrap

import (
	"crypto/aes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
)

// ErrUnwrap is why wrapped key material was refused: its integrity check,
// length or padding is wrong, or it is not in the algorithm's layout.
var ErrUnwrap = errors.New("wrapped key material cannot be unwrapped")

// kwpIV is the alternative initial value of RFC 5649, section 3.
var kwpIV = [4]byte{0xA6, 0x59, 0x59, 0xA6}

// aesKeySize is the ephemeral AES key of the RSA_AES_KEY_WRAP_* algorithms.
const aesKeySize = 32

// Wrap wraps plaintext under kek with AES Key Wrap with Padding (RFC 5649).
func Wrap(kek, plaintext []byte) ([]byte, error) {
	if len(plaintext) == 0 || uint64(len(plaintext)) > 1<<32-1 {
		return nil, fmt.Errorf("AES key wrap with padding takes 1 to 2^32-1 bytes, not %d", len(plaintext))
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, fmt.Errorf("AES key wrap with padding: %w", err)
	}
	// The register: the alternative initial value and the plaintext's length.
	var a [8]byte
	copy(a[:4], kwpIV[:])
	binary.BigEndian.PutUint32(a[4:], uint32(len(plaintext)))
	// The plaintext, padded with zeros to a whole number of 64-bit blocks.
	r := make([]byte, (len(plaintext)+7)/8*8)
	copy(r, plaintext)
	n := len(r) / 8

	var b [16]byte
	if n == 1 {
		// A single block is encrypted once, with the register, in ECB mode.
		copy(b[:8], a[:])
		copy(b[8:], r)
		block.Encrypt(b[:], b[:])
		return b[:], nil
	}
	// Otherwise it is the wrapping process of RFC 3394 with that register as IV.
	for j := range 6 {
		for i := range n {
			copy(b[:8], a[:])
			copy(b[8:], r[i*8:i*8+8])
			block.Encrypt(b[:], b[:])
			t := uint64(n*j + i + 1)
			binary.BigEndian.PutUint64(a[:], binary.BigEndian.Uint64(b[:8])^t)
			copy(r[i*8:], b[8:])
		}
	}
	return append(a[:], r...), nil
}

// Unwrap reverses Wrap, checking the integrity value, the length indicator
// and the padding as RFC 5649 section 3 requires.
func Unwrap(kek, wrapped []byte) ([]byte, error) {
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < 16 || len(wrapped)%8 != 0 {
		return nil, ErrUnwrap
	}
	n := len(wrapped)/8 - 1
	var a [8]byte
	r := make([]byte, n*8)
	if n == 1 {
		var b [16]byte
		block.Decrypt(b[:], wrapped)
		copy(a[:], b[:8])
		copy(r, b[8:])
	} else {
		copy(a[:], wrapped[:8])
		copy(r, wrapped[8:])
		var b [16]byte
		for j := 5; j >= 0; j-- {
			for i := n - 1; i >= 0; i-- {
				t := uint64(n*j + i + 1)
				binary.BigEndian.PutUint64(b[:8], binary.BigEndian.Uint64(a[:])^t)
				copy(b[8:], r[i*8:i*8+8])
				block.Decrypt(b[:], b[:])
				copy(a[:], b[:8])
				copy(r[i*8:], b[8:])
			}
		}
	}
	if subtle.ConstantTimeCompare(a[:4], kwpIV[:]) != 1 {
		return nil, ErrUnwrap
	}
	mli := int(binary.BigEndian.Uint32(a[4:]))
	if mli <= 8*(n-1) || mli > 8*n {
		return nil, ErrUnwrap
	}
	for _, pad := range r[mli:] {
		if pad != 0 {
			return nil, ErrUnwrap
		}
	}
	return r[:mli], nil
}

// oaepHash is the hash of algorithm's RSA-OAEP, and whether the algorithm
// wraps an ephemeral AES key rather than the material itself.
func oaepHash(algorithm string) (h hash.Hash, withAESKey bool, err error) {
	switch algorithm {
	case "RSAES_OAEP_SHA_1":
		return sha1.New(), false, nil
	case "RSAES_OAEP_SHA_256":
		return sha256.New(), false, nil
	case "RSA_AES_KEY_WRAP_SHA_1":
		return sha1.New(), true, nil
	case "RSA_AES_KEY_WRAP_SHA_256":
		return sha256.New(), true, nil
	}
	return nil, false, fmt.Errorf("wrapping algorithm %q is not supported", algorithm)
}

// ForImport wraps material the way an importer does for algorithm, with the
// public key GetParametersForImport returned (DER SubjectPublicKeyInfo):
// RSAES_OAEP_* encrypts it to the public key; RSA_AES_KEY_WRAP_* encrypts a
// fresh AES-256 key to the public key and appends the material wrapped under
// that AES key with Wrap.
func ForImport(publicKeyDER []byte, algorithm string, material []byte) ([]byte, error) {
	pub, err := RSAPublicKey(publicKeyDER)
	if err != nil {
		return nil, err
	}
	h, withAESKey, err := oaepHash(algorithm)
	if err != nil {
		return nil, err
	}
	if !withAESKey {
		wrapped, err := rsa.EncryptOAEP(h, rand.Reader, pub, material, nil)
		if err != nil {
			return nil, fmt.Errorf("wrapping %d bytes of key material with %s: %w", len(material), algorithm, err)
		}
		return wrapped, nil
	}
	aesKey := make([]byte, aesKeySize)
	if _, err := rand.Read(aesKey); err != nil {
		return nil, err
	}
	defer clear(aesKey)
	wrappedKey, err := rsa.EncryptOAEP(h, rand.Reader, pub, aesKey, nil)
	if err != nil {
		return nil, fmt.Errorf("wrapping the ephemeral AES key with %s: %w", algorithm, err)
	}
	wrappedMaterial, err := Wrap(aesKey, material)
	if err != nil {
		return nil, fmt.Errorf("wrapping key material with %s: %w", algorithm, err)
	}
	return append(wrappedKey, wrappedMaterial...), nil
}

// FromImport undoes ForImport with the wrapping private key.
func FromImport(priv *rsa.PrivateKey, algorithm string, wrapped []byte) ([]byte, error) {
	h, withAESKey, err := oaepHash(algorithm)
	if err != nil {
		return nil, ErrUnwrap
	}
	if !withAESKey {
		return rsa.DecryptOAEP(h, nil, priv, wrapped, nil)
	}
	n := priv.Size()
	if len(wrapped) <= n {
		return nil, ErrUnwrap
	}
	aesKey, err := rsa.DecryptOAEP(h, nil, priv, wrapped[:n], nil)
	if err != nil {
		return nil, err
	}
	if len(aesKey) != aesKeySize {
		return nil, ErrUnwrap
	}
	return Unwrap(aesKey, wrapped[n:])
}

// RSAPublicKey parses the public key GetParametersForImport returns: a
// DER-encoded X.509 SubjectPublicKeyInfo holding an RSA key.
func RSAPublicKey(der []byte) (*rsa.PublicKey, error) {
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("the public key is not a DER-encoded X.509 public key: %w", err)
	}
	rsaPub, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("the public key is a %T, want an RSA key", pub)
	}
	return rsaPub, nil
}
