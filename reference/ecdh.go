package reference

import (
	"crypto/ecdsa"
	"crypto/x509"
)

// keyAgreementOperations are the key agreement operations.
func keyAgreementOperations() map[string]operation {
	return map[string]operation{"DeriveSharedSecret": deriveSharedSecret}
}

// deriveSharedSecret implements DeriveSharedSecret: raw ECDH (the shared
// point's x coordinate) of a KEY_AGREEMENT key's private half and a peer's
// public key, given as DER SubjectPublicKeyInfo.
func deriveSharedSecret(c *call) (any, error) {
	var in struct {
		KeyID                 *string    `json:"KeyId"`
		KeyAgreementAlgorithm *string    `json:"KeyAgreementAlgorithm"`
		PublicKey             []byte     `json:"PublicKey"`
		GrantTokens           []string   `json:"GrantTokens"`
		DryRun                *bool      `json:"DryRun"`
		Recipient             *recipient `json:"Recipient"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Required("keyAgreementAlgorithm", in.KeyAgreementAlgorithm != nil)
	v.Enum("keyAgreementAlgorithm", in.KeyAgreementAlgorithm, "ECDH")
	v.Required("publicKey", in.PublicKey != nil)
	v.Size("publicKey", in.PublicKey, in.PublicKey != nil, 1, 8192)
	validateGrantTokens(&v, in.GrantTokens)
	in.Recipient.validate(&v)
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
	if err := c.keyFor(k, "KEY_AGREEMENT"); err != nil {
		return nil, err
	}
	if k.KeySpec == "SM2" {
		return nil, errorf("UnsupportedOperationException", "SM2 key agreement is supported only in China Regions.")
	}
	material, err := k.ensureMaterial()
	if err != nil {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	// The secret is computed before the dry run answers, so that a dry run
	// with an unusable PublicKey fails as the real request would
	// (DeriveSharedSecret.22); computing it changes nothing.
	secret, err := ecdhSecret(k.KeySpec, material, in.PublicKey)
	if err != nil {
		return nil, err
	}
	if in.Recipient != nil {
		return nil, errRecipient()
	}
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	return struct {
		KeyID                 string `json:"KeyId"`
		SharedSecret          []byte
		KeyAgreementAlgorithm string
		KeyOrigin             string
	}{k.ARN, secret, "ECDH", k.Origin}, nil
}

// ecdhSecret is the raw ECDH secret of the PKCS #8 private key of a NIST
// curve key of spec and a peer's DER public key. Only NIST curves (and SM2)
// take KEY_AGREEMENT (DeriveSharedSecret.06). A PublicKey that is not DER
// SubjectPublicKeyInfo is recorded as a ValidationException without a
// message (DeriveSharedSecret.08); a peer on another curve gets one too,
// with a message, since the docs name no error (DeriveSharedSecret.09).
func ecdhSecret(spec string, pkcs8, peerDER []byte) ([]byte, error) {
	pub, err := x509.ParsePKIXPublicKey(peerDER)
	if err != nil {
		return nil, errorf("ValidationException", "")
	}
	wrongCurve := errorf("ValidationException", "The public key is not on the curve of key spec %s.", spec)
	peerEC, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return nil, wrongCurve
	}
	peer, err := peerEC.ECDH()
	if err != nil {
		return nil, wrongCurve
	}
	parsed, err := x509.ParsePKCS8PrivateKey(pkcs8)
	if err != nil {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	ec, ok := parsed.(*ecdsa.PrivateKey)
	if !ok {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	priv, err := ec.ECDH()
	if err != nil {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	if peer.Curve() != priv.Curve() {
		return nil, wrongCurve
	}
	return priv.ECDH(peer)
}
