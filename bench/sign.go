package bench

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
)

// The Sign rows of the emulators section (issue 18), one per key spec.
const (
	opSignECC = "Sign ECC_NIST_P256"
	opSignRSA = "Sign RSA_2048"
)

// signMessage is what Sign signs: a RAW message the size of a digest.
var signMessage = bytes.Repeat([]byte{0xa5}, 32)

// signSpec is the key spec and signing algorithm of a Sign row.
type signSpec struct {
	keySpec   types.KeySpec
	algorithm types.SigningAlgorithmSpec
}

// signSpecOf tells whether op is a Sign row, and its spec.
func signSpecOf(op string) (signSpec, bool) {
	switch op {
	case opSignECC:
		return signSpec{types.KeySpecEccNistP256, types.SigningAlgorithmSpecEcdsaSha256}, true
	case opSignRSA:
		// PKCS #1 v1.5: one encoding, where PSS would leave the salt length
		// to the peer.
		return signSpec{types.KeySpecRsa2048, types.SigningAlgorithmSpecRsassaPkcs1V15Sha256}, true
	}
	return signSpec{}, false
}

// sign issues one Sign request of op's spec with the peer's key for it.
func (p *peer) sign(ctx context.Context, op string, spec signSpec) ([]byte, error) {
	out, err := p.cl.kms.Sign(ctx, &kms.SignInput{KeyId: aws.String(p.signKeys[op]), Message: signMessage,
		MessageType: types.MessageTypeRaw, SigningAlgorithm: spec.algorithm})
	if err != nil {
		return nil, notImplemented("Sign", err)
	}
	if len(out.Signature) == 0 {
		return nil, errors.New("Sign answered no signature")
	}
	return out.Signature, nil
}

// prepareSign creates the peer's signing key for op and checks one
// signature with Go's crypto against the key's public key (GetPublicKey),
// so that the rows of a peer that signs wrongly say so instead of
// measuring it.
func (p *peer) prepareSign(ctx context.Context, op string, spec signSpec) error {
	created, err := p.cl.kms.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("kmsconform bench"),
		KeySpec: spec.keySpec, KeyUsage: types.KeyUsageTypeSignVerify})
	if err != nil {
		return fmt.Errorf("CreateKey %s SIGN_VERIFY: %w", spec.keySpec, err)
	}
	if p.signKeys == nil {
		p.signKeys = map[string]string{}
	}
	p.signKeys[op] = aws.ToString(created.KeyMetadata.KeyId)
	sig, err := p.sign(ctx, op, spec)
	if err != nil {
		return err
	}
	pub, err := p.cl.kms.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(p.signKeys[op])})
	if err != nil {
		return fmt.Errorf("its signatures cannot be checked: %w", notImplemented("GetPublicKey", err))
	}
	if err := checkSignature(spec, pub.PublicKey, signMessage, sig); err != nil {
		return fmt.Errorf("Sign %s: %w", spec.algorithm, err)
	}
	return nil
}

// notImplemented says so when a peer does not know the operation.
func notImplemented(op string, err error) error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "UnknownOperationException" {
		return fmt.Errorf("does not implement %s (UnknownOperationException)", op)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// checkSignature verifies sig over msg with the DER SubjectPublicKeyInfo der
// as spec's algorithm prescribes.
func checkSignature(spec signSpec, der, msg, sig []byte) error {
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return fmt.Errorf("GetPublicKey answered no DER public key: %w", err)
	}
	digest := sha256.Sum256(msg)
	switch spec.algorithm {
	case types.SigningAlgorithmSpecEcdsaSha256:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || k.Curve != elliptic.P256() {
			return fmt.Errorf("the public key of an %s key is a %T, not a P-256 key", spec.keySpec, pub)
		}
		if !ecdsa.VerifyASN1(k, digest[:], sig) {
			return errors.New("the signature does not verify with the key's public key")
		}
	case types.SigningAlgorithmSpecRsassaPkcs1V15Sha256:
		k, ok := pub.(*rsa.PublicKey)
		if !ok || k.Size() != 256 {
			return fmt.Errorf("the public key of an %s key is a %T, not a 2048-bit RSA key", spec.keySpec, pub)
		}
		if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, digest[:], sig); err != nil {
			return errors.New("the signature does not verify with the key's public key")
		}
	default:
		return fmt.Errorf("no check for %s", spec.algorithm)
	}
	return nil
}
