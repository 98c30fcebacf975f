package reference

import (
	"crypto/sha3"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/cloudflare/circl/sign"
)

// TestExternalMu: Sign with EXTERNAL_MU makes a signature circl accepts as
// one of the message mu stands for, and Verify with EXTERNAL_MU accepts the
// signature of a message given its mu and refuses it given another's.
func TestExternalMu(t *testing.T) {
	e := newKeysEnv(t)
	for _, spec := range []types.KeySpec{types.KeySpecMlDsa44, types.KeySpecMlDsa65, types.KeySpecMlDsa87} {
		t.Run(string(spec), func(t *testing.T) {
			m := e.createKey(t, &kms.CreateKeyInput{KeySpec: spec, KeyUsage: types.KeyUsageTypeSignVerify})
			pub := publicMLDSAKey(t, e, *m.KeyId, mldsaSchemes[string(spec)])
			pk, err := pub.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			msg := randomBytes(300)
			mu := externalMu(pk, msg)
			out, err := e.kms.Sign(testCtx(t), &kms.SignInput{KeyId: m.KeyId, Message: mu, MessageType: types.MessageTypeExternalMu,
				SigningAlgorithm: types.SigningAlgorithmSpecMlDsaShake256})
			if err != nil {
				t.Fatal(err)
			}
			if !pub.Scheme().Verify(pub, msg, out.Signature, nil) {
				t.Fatal("circl refuses the signature of the mu as one of the message")
			}
			raw, err := e.kms.Sign(testCtx(t), &kms.SignInput{KeyId: m.KeyId, Message: msg, SigningAlgorithm: types.SigningAlgorithmSpecMlDsaShake256})
			if err != nil {
				t.Fatal(err)
			}
			if string(raw.Signature) != string(out.Signature) {
				t.Fatal("the deterministic signatures of the message and of its mu differ")
			}
			verify := func(mu []byte) error {
				_, err := e.kms.Verify(testCtx(t), &kms.VerifyInput{KeyId: m.KeyId, Message: mu, MessageType: types.MessageTypeExternalMu,
					Signature: out.Signature, SigningAlgorithm: types.SigningAlgorithmSpecMlDsaShake256})
				return err
			}
			if err := verify(mu); err != nil {
				t.Fatalf("Verify of the mu: %v", err)
			}
			wantError(t, verify(externalMu(pk, append(msg, 0))), "KMSInvalidSignatureException", "")
			wantError(t, verify(mu[:63]), "ValidationException", "External mu is invalid length")
		})
	}
}

// publicMLDSAKey is the ML-DSA public key GetPublicKey answers for keyID.
func publicMLDSAKey(t *testing.T, e *keysEnv, keyID string, scheme sign.Scheme) sign.PublicKey {
	t.Helper()
	out, err := e.kms.GetPublicKey(testCtx(t), &kms.GetPublicKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		t.Fatal(err)
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(out.PublicKey, &spki); err != nil {
		t.Fatal(err)
	}
	pub, err := scheme.UnmarshalBinaryPublicKey(spki.PublicKey.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// externalMu is FIPS 204's mu of msg with an empty context.
func externalMu(pk, msg []byte) []byte {
	h := sha3.NewSHAKE256()
	h.Write(sha3.SumSHAKE256(pk, 64))
	h.Write([]byte{0, 0})
	h.Write(msg)
	mu := make([]byte, 64)
	h.Read(mu)
	return mu
}
