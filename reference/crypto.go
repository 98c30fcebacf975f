package reference

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// cryptoOperations are the encryption and data key operations and GenerateRandom.
func cryptoOperations() map[string]operation {
	return map[string]operation{
		"Encrypt":                             encrypt,
		"Decrypt":                             decrypt,
		"ReEncrypt":                           reEncrypt,
		"GenerateDataKey":                     generateDataKey,
		"GenerateDataKeyWithoutPlaintext":     generateDataKeyWithoutPlaintext,
		"GenerateRandom":                      generateRandom,
		"GenerateDataKeyPair":                 generateDataKeyPair,
		"GenerateDataKeyPairWithoutPlaintext": generateDataKeyPairWithoutPlaintext,
	}
}

var encryptionAlgorithms = []string{symmetricDefault, "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"}

// usableKey checks that k can be used in a cryptographic operation now:
// its state (key-state table: Disabled is DisabledException, the other
// states KMSInvalidStateException), its KeyUsage and its algorithm.
//
// A key in a custom key store that is not connected is Unavailable; the
// key-state table (footnote 11) answers KMSInvalidStateException "<arn> is
// unavailable." and the reference follows the table. KeyUnavailableException,
// a retryable 500, is KMS's answer when the backing key store fails a request
// it was expected to serve, not when the store is known to be disconnected.
func (c *call) usableKey(k *Key, algorithm *string) error {
	if err := c.encryptionKey(k); err != nil {
		return err
	}
	return symmetricEncryption(k, algorithm)
}

// encryptionKey checks k's state and that its KeyUsage is ENCRYPT_DECRYPT.
func (c *call) encryptionKey(k *Key) error {
	switch st := c.effectiveState(k); st {
	case KeyEnabled, KeyUpdating: // the key-state table: Updating keys still serve
	case KeyDisabled:
		return errorf("DisabledException", "%s is disabled.", k.ARN)
	default:
		return stateError(k, st)
	}
	if k.KeyUsage != encryptDecrypt {
		return errorf("InvalidKeyUsageException", "%s key usage is %s which is not valid for %s.", k.ARN, k.KeyUsage, c.op)
	}
	if err := c.externalKeyRefuses(k); err != nil {
		return err
	}
	c.useKey(k)
	return nil
}

// symmetricEncryption checks that k is a symmetric encryption key with
// material, used with its algorithm: data keys and symmetric ciphertext need one.
func symmetricEncryption(k *Key, algorithm *string) error {
	if k.KeySpec != symmetricDefault {
		// GenerateDataKey.11 leaves the error open; UnsupportedOperationException
		// is KMS's answer for a key that cannot serve the operation.
		return errorf("UnsupportedOperationException", "%s has KeySpec %s; this operation needs a symmetric encryption key.", k.ARN, k.KeySpec)
	}
	if algorithm != nil && *algorithm != symmetricDefault {
		return errorf("InvalidKeyUsageException", "Algorithm %s is incompatible with key spec %s.", *algorithm, k.KeySpec)
	}
	if len(k.Material) != 32 {
		return errorf("KMSInternalException", "An internal error occurred.")
	}
	return nil
}

// dryRun is the answer to a request that would have succeeded but set DryRun.
func dryRun(flag *bool) error {
	if flag != nil && *flag {
		return errorf("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.")
	}
	return nil
}

// Ciphertext blob format, version 1 (all integers big-endian):
//
//	"KC" 0x01 | uint16 len(ARN) | key ARN | 32-byte key material ID | 12-byte nonce | AES-256-GCM ciphertext+tag
//
// The GCM additional data is the header (everything before the nonce) followed
// by the canonical encryption context, so that the key, the material and the
// context are all authenticated: changing any of them fails decryption.
const (
	blobMagic   = "KC\x01"
	nonceSize   = 12
	materialLen = 32
)

type blobHeader struct {
	keyARN     string
	materialID []byte
	raw        []byte // the header as it appears in the blob
}

func sealBlob(k *Key, plaintext []byte, encCtx map[string]string) ([]byte, error) {
	s, err := k.sealerFor(k.Material)
	if err != nil {
		return nil, err
	}
	mid := s.blobID(k)
	if mid == nil {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	headerLen := len(blobMagic) + 2 + len(k.ARN) + materialLen
	blob := make([]byte, 0, headerLen+nonceSize+len(plaintext)+s.aead.Overhead())
	blob = append(blob, blobMagic...)
	blob = binary.BigEndian.AppendUint16(blob, uint16(len(k.ARN)))
	blob = append(blob, k.ARN...)
	blob = append(blob, mid...)
	header := blob[:headerLen:headerLen]
	blob = append(blob, randomBytes(nonceSize)...)
	nonce := blob[headerLen:]
	return s.aead.Seal(blob, nonce, plaintext, additionalData(header, encCtx)), nil
}

// parseBlob reads a blob's header; ok is false when it is not a version 1 blob.
func parseBlob(blob []byte) (h blobHeader, nonce, sealed []byte, ok bool) {
	rest, found := bytes.CutPrefix(blob, []byte(blobMagic))
	if !found || len(rest) < 2 {
		return h, nil, nil, false
	}
	n := int(binary.BigEndian.Uint16(rest))
	rest = rest[2:]
	if len(rest) < n+materialLen+nonceSize+16 {
		return h, nil, nil, false
	}
	h.keyARN = string(rest[:n])
	h.materialID = rest[n : n+materialLen]
	headerLen := len(blobMagic) + 2 + n + materialLen
	h.raw = blob[:headerLen]
	nonce = blob[headerLen : headerLen+nonceSize]
	return h, nonce, blob[headerLen+nonceSize:], true
}

func openBlob(k *Key, h blobHeader, nonce, sealed []byte, encCtx map[string]string) ([]byte, error) {
	material := blobMaterial(k, h.materialID)
	if material == nil {
		return nil, errorf("InvalidCiphertextException", "")
	}
	s, err := k.sealerFor(material)
	if err != nil {
		return nil, err
	}
	plaintext, err := s.aead.Open(nil, nonce, sealed, additionalData(h.raw, encCtx))
	if err != nil {
		return nil, errorf("InvalidCiphertextException", "")
	}
	return plaintext, nil
}

// blobMaterial is the material of k that the blob names: the current one or
// a former (NON_CURRENT) one, which still decrypts what it encrypted. It is
// nil when k does not hold that material or lacks any of its material.
func blobMaterial(k *Key, id []byte) []byte {
	if k.Material == nil {
		return nil
	}
	hexID := hex.EncodeToString(id)
	if m := k.findMaterial(hexID); m != nil {
		return m.Bytes
	}
	if hexID == materialID(k) {
		return k.Material
	}
	return nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	return cipher.NewGCM(block)
}

// additionalData is the header followed by the encryption context in a
// canonical form: pairs sorted by key, each string length-prefixed.
func additionalData(header []byte, encCtx map[string]string) []byte {
	aad := slices.Clone(header)
	keys := make([]string, 0, len(encCtx))
	for key := range encCtx {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	aad = binary.BigEndian.AppendUint32(aad, uint32(len(keys)))
	for _, key := range keys {
		for _, s := range []string{key, encCtx[key]} {
			aad = binary.BigEndian.AppendUint32(aad, uint32(len(s)))
			aad = append(aad, s...)
		}
	}
	return aad
}

// materialID is the identifier of k's current key material: the one recorded
// on the key, or one derived from the material for keys whose material came
// from elsewhere (a custom key store) without an identifier.
func materialID(k *Key) string {
	if k.MaterialID != "" {
		return k.MaterialID
	}
	sum := sha256.Sum256(append([]byte("kmsconform key material id\x00"), k.Material...))
	return hex.EncodeToString(sum[:])
}

type encryptInput struct {
	KeyID               *string           `json:"KeyId"`
	Plaintext           []byte            `json:"Plaintext"`
	EncryptionContext   map[string]string `json:"EncryptionContext"`
	GrantTokens         []string          `json:"GrantTokens"`
	EncryptionAlgorithm *string           `json:"EncryptionAlgorithm"`
	DryRun              *bool             `json:"DryRun"`
}

func encrypt(c *call) (any, error) {
	var in encryptInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Required("plaintext", in.Plaintext != nil)
	v.SensitiveSize("plaintext", in.Plaintext, in.Plaintext != nil, 1, 4096)
	validateGrantTokens(&v, in.GrantTokens)
	v.Enum("encryptionAlgorithm", in.EncryptionAlgorithm, encryptionAlgorithms...)
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
	algorithm, err := c.checkEncrypt(k, in.EncryptionAlgorithm, in.EncryptionContext, len(in.Plaintext))
	if err != nil {
		return nil, err
	}
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	blob, err := seal(k, algorithm, in.Plaintext, in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	return struct {
		CiphertextBlob      []byte
		KeyID               string `json:"KeyId"`
		EncryptionAlgorithm string
	}{blob, k.ARN, algorithm}, nil
}

// checkEncrypt checks, in the order KMS does, that k can encrypt n bytes
// with algorithm and encCtx now, and returns the algorithm to use.
func (c *call) checkEncrypt(k *Key, algorithm *string, encCtx map[string]string, n int) (string, error) {
	if err := c.encryptionKey(k); err != nil {
		return "", err
	}
	if err := oaepPlaintextLimit(k.KeySpec, algorithm, n); err != nil {
		return "", err
	}
	alg, err := encryptionAlgorithm(k, algorithm)
	if err != nil {
		return "", err
	}
	if err := asymmetricContext(k, encCtx); err != nil {
		return "", err
	}
	if alg == symmetricDefault {
		if err := symmetricEncryption(k, nil); err != nil {
			return "", err
		}
	}
	return alg, nil
}

// seal encrypts plaintext under k with an algorithm checkEncrypt accepted.
func seal(k *Key, algorithm string, plaintext []byte, encCtx map[string]string) ([]byte, error) {
	if algorithm == symmetricDefault {
		return sealBlob(k, plaintext, encCtx)
	}
	return rsaEncrypt(k, algorithm, plaintext)
}

// oaepPlaintextLimit refuses a plaintext longer than RSA-OAEP can encrypt
// with an RSA key spec and algorithm: the modulus length less twice the hash
// length less 2 (RFC 8017, 7.1.1), 214 bytes for RSA_2048 with SHA-1. KMS
// answers this before anything else about the encryption (recorded: realkms
// Encrypt.plaintext-too-large.*), so the check comes before the algorithm's.
func oaepPlaintextLimit(spec string, algorithm *string, n int) error {
	size, ok := strings.CutPrefix(spec, "RSA_")
	if !ok || algorithm == nil { // most calls: symmetric keys, before any parse
		return nil
	}
	bits, err := strconv.Atoi(size)
	if err != nil {
		return nil
	}
	var hashLen int
	switch *algorithm {
	case "RSAES_OAEP_SHA_1":
		hashLen = sha1.Size
	case "RSAES_OAEP_SHA_256":
		hashLen = sha256.Size
	default:
		return nil
	}
	if limit := bits/8 - 2*hashLen - 2; n > limit {
		return errorf("ValidationException", "Algorithm %s and key spec %s cannot encrypt data larger than %d bytes.", *algorithm, spec, limit)
	}
	return nil
}

// decrypt implements Decrypt. A symmetric ciphertext names its key; a KeyId
// in the request must name that same key (IncorrectKeyException otherwise).
// An asymmetric ciphertext carries nothing: the KeyId and the algorithm must
// be given (Encrypt.21). Anything wrong with the ciphertext itself, including
// a changed encryption context, is an InvalidCiphertextException without a
// message, as KMS sends it.
func decrypt(c *call) (any, error) {
	var in struct {
		CiphertextBlob      []byte            `json:"CiphertextBlob"`
		KeyID               *string           `json:"KeyId"`
		EncryptionContext   map[string]string `json:"EncryptionContext"`
		GrantTokens         []string          `json:"GrantTokens"`
		EncryptionAlgorithm *string           `json:"EncryptionAlgorithm"`
		Recipient           *recipient        `json:"Recipient"`
		DryRun              *bool             `json:"DryRun"`
		DryRunModifiers     []string          `json:"DryRunModifiers"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	ignore := dryRunModifiers(&v, in.DryRunModifiers, in.DryRun)
	v.Required("ciphertextBlob", in.CiphertextBlob != nil || ignore)
	v.Size("ciphertextBlob", in.CiphertextBlob, in.CiphertextBlob != nil, 1, 6144)
	v.Length("keyId", in.KeyID, 1, 2048, false)
	validateGrantTokens(&v, in.GrantTokens)
	v.Enum("encryptionAlgorithm", in.EncryptionAlgorithm, encryptionAlgorithms...)
	in.Recipient.validate(&v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := c.checkGrantTokens(in.GrantTokens); err != nil {
		return nil, err
	}
	if ignore {
		return nil, c.dryRunIgnoringCiphertext(in.KeyID, "KeyId")
	}
	if in.Recipient != nil {
		return nil, errRecipient()
	}
	o, err := c.openCiphertext(in.CiphertextBlob, in.KeyID, in.EncryptionContext, in.EncryptionAlgorithm)
	if err != nil {
		return nil, err
	}
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	return struct {
		KeyID               string `json:"KeyId"`
		Plaintext           []byte
		EncryptionAlgorithm string
		KeyMaterialID       string `json:"KeyMaterialId,omitempty"`
	}{o.key.ARN, o.plaintext, o.algorithm, o.materialID}, nil
}

// opened is a decrypted ciphertext: the key and algorithm that decrypted it
// and, for symmetric ciphertext, the ID of the material that did.
type opened struct {
	key        *Key
	plaintext  []byte
	algorithm  string
	materialID string
}

// openCiphertext decrypts blob for Decrypt and ReEncrypt; keyID, encCtx and
// algorithm are the request's (nil when absent).
func (c *call) openCiphertext(blob []byte, keyID *string, encCtx map[string]string, algorithm *string) (opened, error) {
	var named *Key
	if keyID != nil {
		k, err := c.resolveKey(*keyID, keyARNOrAlias)
		if err != nil {
			return opened{}, err
		}
		named = k
	}
	if named != nil && named.KeySpec != symmetricDefault && named.KeyUsage == encryptDecrypt {
		return c.openAsymmetric(named, blob, encCtx, algorithm)
	}
	if named != nil && named.KeySpec == symmetricDefault {
		// An algorithm the named key cannot use is refused before the
		// ciphertext is read (Decrypt.17).
		if _, err := encryptionAlgorithm(named, algorithm); err != nil {
			return opened{}, err
		}
	}
	h, nonce, sealed, ok := parseBlob(blob)
	if !ok && named != nil && named.KeySpec != symmetricDefault {
		// Not a KMS ciphertext, so it is the named key's to decrypt, and a
		// key not meant for encryption cannot (Decrypt.16, ReEncrypt.10).
		if err := c.encryptionKey(named); err != nil {
			return opened{}, err
		}
	}
	if !ok {
		return opened{}, errorf("InvalidCiphertextException", "")
	}
	if arn, ok := parseKMSARN(h.keyARN); !ok || !strings.HasPrefix(arn.Resource, "key/") {
		return opened{}, errorf("InvalidCiphertextException", "")
	}
	k, err := c.resolveKey(c.relatedKeyARN(h.keyARN), keyOrARN)
	if err != nil {
		return opened{}, err
	}
	if named != nil && named != k {
		// KMS still says CMK, the old name of a KMS key (recorded: realkms
		// Decrypt.key-id-of-another-key, ReEncrypt.source-key-of-another-key).
		return opened{}, errorf("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")
	}
	if err := c.usableKey(k, algorithm); err != nil {
		return opened{}, err
	}
	plaintext, err := openBlob(k, h, nonce, sealed, encCtx)
	if err != nil {
		return opened{}, err
	}
	return opened{k, plaintext, symmetricDefault, hex.EncodeToString(h.materialID)}, nil
}

// openAsymmetric decrypts an asymmetric ciphertext with the named key k.
func (c *call) openAsymmetric(k *Key, blob []byte, encCtx map[string]string, algorithm *string) (opened, error) {
	if err := c.encryptionKey(k); err != nil {
		return opened{}, err
	}
	alg, err := encryptionAlgorithm(k, algorithm)
	if err != nil {
		return opened{}, err
	}
	if err := asymmetricContext(k, encCtx); err != nil {
		return opened{}, err
	}
	plaintext, err := rsaDecrypt(k, alg, blob)
	if err != nil {
		return opened{}, err
	}
	return opened{key: k, plaintext: plaintext, algorithm: alg}, nil
}

type dataKeyInput struct {
	KeyID             *string           `json:"KeyId"`
	EncryptionContext map[string]string `json:"EncryptionContext"`
	GrantTokens       []string          `json:"GrantTokens"`
	KeySpec           *string           `json:"KeySpec"`
	NumberOfBytes     *int64            `json:"NumberOfBytes"`
	Recipient         *recipient        `json:"Recipient"`
	DryRun            *bool             `json:"DryRun"`
}

type dataKeyOutput struct {
	CiphertextBlob []byte
	Plaintext      []byte `json:",omitempty"`
	KeyID          string `json:"KeyId"`
	KeyMaterialID  string `json:"KeyMaterialId"`
}

// newDataKey implements GenerateDataKey and GenerateDataKeyWithoutPlaintext.
func newDataKey(c *call, withPlaintext bool) (any, error) {
	var in dataKeyInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	validateGrantTokens(&v, in.GrantTokens)
	v.Enum("keySpec", in.KeySpec, "AES_256", "AES_128")
	v.Range("numberOfBytes", in.NumberOfBytes, 1, 1024)
	if withPlaintext {
		in.Recipient.validate(&v)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var size int
	switch {
	case in.KeySpec != nil && in.NumberOfBytes != nil:
		return nil, errorf("ValidationException", "Specify either KeySpec or NumberOfBytes, not both.")
	case in.KeySpec != nil && *in.KeySpec == "AES_128":
		size = 16
	case in.KeySpec != nil:
		size = 32
	case in.NumberOfBytes != nil:
		size = int(*in.NumberOfBytes)
	default:
		return nil, errorf("ValidationException", "Specify either KeySpec or NumberOfBytes.")
	}
	if err := c.checkGrantTokens(in.GrantTokens); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyARNOrAlias)
	if err != nil {
		return nil, err
	}
	if err := c.usableKey(k, nil); err != nil {
		return nil, err
	}
	if withPlaintext && in.Recipient != nil {
		return nil, errRecipient()
	}
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	plaintext := randomBytes(size)
	blob, err := sealBlob(k, plaintext, in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	out := dataKeyOutput{CiphertextBlob: blob, KeyID: k.ARN, KeyMaterialID: materialID(k)}
	if withPlaintext {
		out.Plaintext = plaintext
	}
	return out, nil
}

func generateDataKey(c *call) (any, error) { return newDataKey(c, true) }

func generateDataKeyWithoutPlaintext(c *call) (any, error) { return newDataKey(c, false) }

// generateRandom implements GenerateRandom. The model marks NumberOfBytes
// optional but the operation doc says it is required (part E.5); KMS answers
// its absence with the ValidationException "NumberOfBytes is required.".
// A Recipient (Nitro Enclaves attestation) is refused: the reference cannot
// verify an attestation document.
func generateRandom(c *call) (any, error) {
	var in struct {
		NumberOfBytes    *int64     `json:"NumberOfBytes"`
		CustomKeyStoreID *string    `json:"CustomKeyStoreId"`
		Recipient        *recipient `json:"Recipient"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	v.Range("numberOfBytes", in.NumberOfBytes, 1, 1024)
	v.Length("customKeyStoreId", in.CustomKeyStoreID, 1, 64, false)
	in.Recipient.validate(&v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if in.NumberOfBytes == nil {
		return nil, errorf("ValidationException", "NumberOfBytes is required.")
	}
	if in.CustomKeyStoreID != nil {
		if err := c.checkRandomStore(*in.CustomKeyStoreID); err != nil {
			return nil, err
		}
	}
	if in.Recipient != nil {
		return nil, errRecipient()
	}
	return struct {
		Plaintext []byte
	}{randomBytes(int(*in.NumberOfBytes))}, nil
}
