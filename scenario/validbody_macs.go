package scenario

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/kmsconform/kmsconform/keymaterial"
)

// macBody is a valid GenerateMac, VerifyMac or DeriveSharedSecret request on
// k (an HMAC_256 key, or an ECC_NIST_P256 key for KEY_AGREEMENT) that
// includes the parts member belongs to, or false when op is not one. A
// VerifyMac request's Mac need not match: the model's limits are all that
// is checked. DeriveSharedSecret gets a fresh P-256 public key.
func macBody(op, member string, k *Key) (map[string]any, bool, error) {
	body := map[string]any{"KeyId": k.ID}
	switch op {
	case "GenerateMac", "VerifyMac":
		body["Message"] = base64.StdEncoding.EncodeToString([]byte("the message of a MAC input constraint scenario"))
		body["MacAlgorithm"] = "HMAC_SHA_256"
		if op == "VerifyMac" {
			body["Mac"] = blob(32)
		}
	case "DeriveSharedSecret":
		pub, err := peerPublicKey()
		if err != nil {
			return nil, true, err
		}
		body["KeyAgreementAlgorithm"] = "ECDH"
		body["PublicKey"] = base64.StdEncoding.EncodeToString(pub)
	default:
		return nil, false, nil
	}
	switch {
	case strings.HasPrefix(member, "GrantTokens"):
		body["GrantTokens"] = []any{"kmsconform-grant-token"}
	case strings.HasPrefix(member, "Recipient."):
		body["Recipient"] = map[string]any{"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": blob(64)}
	}
	return body, true, nil
}

// peerPublicKey is the DER SubjectPublicKeyInfo of a fresh P-256 key.
func peerPublicKey() ([]byte, error) {
	priv, err := keymaterial.New("ECC_NIST_P256")
	if err != nil {
		return nil, err
	}
	parsed, err := x509.ParsePKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	ec, ok := parsed.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("P-256 material is not an EC key")
	}
	return x509.MarshalPKIXPublicKey(&ec.PublicKey)
}
