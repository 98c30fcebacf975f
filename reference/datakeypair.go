package reference

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/kmsconform/kmsconform/keymaterial"
)

// dataKeyPairSpecs are the KeyPairSpec values of the API model.
var dataKeyPairSpecs = []string{"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
	"ECC_SECG_P256K1", "SM2", "ECC_NIST_EDWARDS25519", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"}

// generatedPairSpecs are the pair specs the reference generates: those
// package keymaterial makes. SM2 exists only in China Regions and ML-KEM
// has no key encoding in Go's standard library.
var generatedPairSpecs = map[string]bool{"RSA_2048": true, "RSA_3072": true, "RSA_4096": true, "ECC_NIST_P256": true,
	"ECC_NIST_P384": true, "ECC_NIST_P521": true, "ECC_SECG_P256K1": true, "ECC_NIST_EDWARDS25519": true}

// dataKeyPair implements GenerateDataKeyPair and
// GenerateDataKeyPairWithoutPlaintext: a new key pair whose private key is
// returned encrypted under a symmetric encryption KMS key, as a ciphertext
// Decrypt opens, and, withPlaintext, in the clear.
func dataKeyPair(c *call, withPlaintext bool) (any, error) {
	var in struct {
		EncryptionContext map[string]string `json:"EncryptionContext"`
		KeyID             *string           `json:"KeyId"`
		KeyPairSpec       *string           `json:"KeyPairSpec"`
		GrantTokens       []string          `json:"GrantTokens"`
		Recipient         *recipient        `json:"Recipient"`
		DryRun            *bool             `json:"DryRun"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Required("keyPairSpec", in.KeyPairSpec != nil)
	v.Enum("keyPairSpec", in.KeyPairSpec, dataKeyPairSpecs...)
	validateGrantTokens(&v, in.GrantTokens)
	if withPlaintext {
		in.Recipient.validate(&v)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := c.checkGrantTokens(in.GrantTokens); err != nil {
		return nil, err
	}
	spec := *in.KeyPairSpec
	k, err := c.resolveKey(*in.KeyID, keyARNOrAlias)
	if err != nil {
		return nil, err
	}
	if err := c.encryptionKey(k); err != nil {
		return nil, err
	}
	switch {
	case k.CustomKeyStoreID != "":
		// GenerateDataKeyPair.12: the docs forbid keys in custom key stores
		// without naming the error; UnsupportedOperationException is KMS's
		// answer for a resource not valid for an operation.
		return nil, errorf("UnsupportedOperationException", "%s is in a custom key store, which GenerateDataKeyPair does not support.", k.ARN)
	case spec == "SM2" && partitionFor(c.region) != "aws-cn":
		return nil, errorf("UnsupportedOperationException", "KeyPairSpec SM2 is supported only in China Regions.")
	case !generatedPairSpecs[spec]:
		return nil, errorf("UnsupportedOperationException", "The reference does not generate %s key pairs.", spec)
	case withPlaintext && in.Recipient != nil:
		return nil, errRecipient()
	}
	if err := symmetricEncryption(k, nil); err != nil {
		return nil, err
	}
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	private, err := keymaterial.New(spec)
	if err != nil {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	public, err := publicKeyDER(private)
	if err != nil {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	blob, err := sealBlob(k, private, in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	out := struct {
		PrivateKeyCiphertextBlob []byte
		PrivateKeyPlaintext      []byte `json:",omitempty"`
		PublicKey                []byte
		KeyID                    string `json:"KeyId"`
		KeyPairSpec              string
		KeyMaterialID            string `json:"KeyMaterialId"`
	}{PrivateKeyCiphertextBlob: blob, PublicKey: public, KeyID: k.ARN, KeyPairSpec: spec, KeyMaterialID: materialID(k)}
	if withPlaintext {
		out.PrivateKeyPlaintext = private
	}
	return out, nil
}

func generateDataKeyPair(c *call) (any, error) { return dataKeyPair(c, true) }

func generateDataKeyPairWithoutPlaintext(c *call) (any, error) { return dataKeyPair(c, false) }

// publicKeyDER is the DER SubjectPublicKeyInfo of a PKCS #8 private key:
// by Go's x509 for the key types it reads, by hand for secp256k1.
func publicKeyDER(pkcs8 []byte) ([]byte, error) {
	if priv, err := x509.ParsePKCS8PrivateKey(pkcs8); err == nil {
		signer, ok := priv.(crypto.Signer)
		if !ok {
			return nil, errNoMaterial
		}
		return x509.MarshalPKIXPublicKey(signer.Public())
	}
	var p8 oneAsymmetricKey
	if _, err := asn1.Unmarshal(pkcs8, &p8); err != nil {
		return nil, err
	}
	var curve asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(p8.Algorithm.Parameters.FullBytes, &curve); err != nil || !curve.Equal(oidSecp256k1) {
		return nil, errNoMaterial
	}
	var ec ecPrivateKey
	if _, err := asn1.Unmarshal(p8.PrivateKey, &ec); err != nil {
		return nil, err
	}
	pub := secp256k1.PrivKeyFromBytes(ec.PrivateKey).PubKey().SerializeUncompressed()
	return asn1.Marshal(struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}{p8.Algorithm, asn1.BitString{Bytes: pub, BitLength: 8 * len(pub)}})
}
