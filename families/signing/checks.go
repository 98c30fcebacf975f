package signing

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/keymaterial"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// signingAlgorithms are the algorithms KMS lists for a signing key of each
// spec, in its order (the SigningAlgorithms of DescribeKey and GetPublicKey).
var signingAlgorithms = map[string][]string{
	"RSA_2048": rsaAlgorithms, "RSA_3072": rsaAlgorithms, "RSA_4096": rsaAlgorithms,
	"ECC_NIST_P256": {"ECDSA_SHA_256"}, "ECC_NIST_P384": {"ECDSA_SHA_384"}, "ECC_NIST_P521": {"ECDSA_SHA_512"},
	"ECC_SECG_P256K1": {"ECDSA_SHA_256"}, "ECC_NIST_EDWARDS25519": {"ED25519_SHA_512", "ED25519_PH_SHA_512"},
	"ML_DSA_44": {"ML_DSA_SHAKE_256"}, "ML_DSA_65": {"ML_DSA_SHAKE_256"}, "ML_DSA_87": {"ML_DSA_SHAKE_256"},
}

var rsaAlgorithms = []string{"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
	"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"}

// registerChecks binds the checks of what the calls under test answered.
func (f *family) registerChecks(sc stepdef.Context) {
	sc.Then(`^the signature names the key by its key ARN and the algorithm, verifies with the public key from GetPublicKey, and verifies through KMS$`, f.thenSignature)
	sc.Then(`^Verify reports the signature valid, naming the key by its key ARN and the algorithm, and it verifies with the public key from GetPublicKey$`, f.thenValid)
	sc.Then(`^the answer is the key's ARN and an? ([A-Z0-9_]+) public key for (SIGN_VERIFY|ENCRYPT_DECRYPT|KEY_AGREEMENT) with its algorithms$`, f.thenPublicKey)
}

// thenSignature checks the Sign under test: its answer, the signature by
// independent crypto, and KMS's own Verify of it.
func (f *family) thenSignature(ctx context.Context) error {
	out, err := scenario.OutputUnderTest[*kms.SignOutput](f.Scenario, "Sign")
	if err != nil {
		return err
	}
	s := f.signed
	if s == nil || s.key == nil {
		return fmt.Errorf("Sign succeeded with a key that does not exist")
	}
	if got := aws.ToString(out.KeyId); got != s.key.ARN {
		return fmt.Errorf("Sign answered KeyId %q, want the key ARN %s", got, s.key.ARN)
	}
	if string(out.SigningAlgorithm) != s.algorithm {
		return fmt.Errorf("Sign answered SigningAlgorithm %q, want %s", out.SigningAlgorithm, s.algorithm)
	}
	if len(out.Signature) == 0 {
		return fmt.Errorf("Sign answered no Signature")
	}
	if err := f.checkLocally(ctx, s.key, s.algorithm, s.signed(), s.digest, out.Signature); err != nil {
		return err
	}
	msgType := types.MessageTypeRaw
	if s.digest {
		msgType = types.MessageTypeDigest
	}
	// A signature of an external mu goes to Verify as one of the whole message.
	v, err := scenario.Setup(ctx, f.Scenario, "Verify", func(ctx context.Context) (*kms.VerifyOutput, error) {
		return f.Client.Verify(ctx, &kms.VerifyInput{KeyId: aws.String(s.key.ARN), Message: s.signed(), MessageType: msgType,
			Signature: out.Signature, SigningAlgorithm: out.SigningAlgorithm})
	})
	if err != nil {
		return err
	}
	if !v.SignatureValid {
		return fmt.Errorf("KMS's Verify did not find the signature valid")
	}
	return nil
}

// thenValid checks the Verify under test accepted the signature, and that
// the signature truly is one: by the key's public key and independent crypto.
func (f *family) thenValid(ctx context.Context) error {
	out, err := scenario.OutputUnderTest[*kms.VerifyOutput](f.Scenario, "Verify")
	if err != nil {
		return err
	}
	v := f.verified
	if v == nil || v.key == nil {
		return fmt.Errorf("Verify succeeded with a key that does not exist")
	}
	if !out.SignatureValid {
		return fmt.Errorf("Verify answered SignatureValid false; a signature that does not verify is a KMSInvalidSignatureException")
	}
	if got := aws.ToString(out.KeyId); got != v.key.ARN {
		return fmt.Errorf("Verify answered KeyId %q, want the key ARN %s", got, v.key.ARN)
	}
	if string(out.SigningAlgorithm) != v.algorithm {
		return fmt.Errorf("Verify answered SigningAlgorithm %q, want %s", out.SigningAlgorithm, v.algorithm)
	}
	return f.checkLocally(ctx, v.key, v.algorithm, v.signed(), v.digest, v.sig)
}

// checkLocally verifies sig with k's public key, read through GetPublicKey.
func (f *family) checkLocally(ctx context.Context, k *scenario.Key, algorithm string, message []byte, digest bool, sig []byte) error {
	pub, err := f.publicKey(ctx, k)
	if err != nil {
		return err
	}
	return pub.VerifySignature(algorithm, message, digest, sig)
}

// externalMu is the ML-DSA mu of message for k's public key, read through
// GetPublicKey.
func (f *family) externalMu(ctx context.Context, k *scenario.Key, message []byte) ([]byte, error) {
	pub, err := f.publicKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return pub.ExternalMu(message)
}

// publicKey is k's public key as GetPublicKey answers it.
func (f *family) publicKey(ctx context.Context, k *scenario.Key) (*keymaterial.Pair, error) {
	out, err := scenario.Setup(ctx, f.Scenario, "GetPublicKey", func(ctx context.Context) (*kms.GetPublicKeyOutput, error) {
		return f.Client.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(k.ARN)})
	})
	if err != nil {
		return nil, err
	}
	pub, err := keymaterial.ParsePublicKey(out.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("GetPublicKey: %w", err)
	}
	return pub, nil
}

// thenPublicKey checks the GetPublicKey under test.
func (f *family) thenPublicKey(ctx context.Context, spec, usage string) error {
	out, err := scenario.OutputUnderTest[*kms.GetPublicKeyOutput](f.Scenario, "GetPublicKey")
	if err != nil {
		return err
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	if got := aws.ToString(out.KeyId); got != k.ARN {
		return fmt.Errorf("GetPublicKey answered KeyId %q, want the key ARN %s", got, k.ARN)
	}
	pub, err := keymaterial.ParsePublicKey(out.PublicKey)
	if err != nil {
		return fmt.Errorf("GetPublicKey: %w", err)
	}
	if pub.Spec != spec || string(out.KeySpec) != spec || string(out.CustomerMasterKeySpec) != spec {
		return fmt.Errorf("GetPublicKey answered a %s public key, KeySpec %q and CustomerMasterKeySpec %q, want %s", pub.Spec, out.KeySpec, out.CustomerMasterKeySpec, spec)
	}
	if string(out.KeyUsage) != usage {
		return fmt.Errorf("GetPublicKey answered KeyUsage %q, want %s", out.KeyUsage, usage)
	}
	var signing, encryption, agreement []string
	for _, a := range out.SigningAlgorithms {
		signing = append(signing, string(a))
	}
	for _, a := range out.EncryptionAlgorithms {
		encryption = append(encryption, string(a))
	}
	for _, a := range out.KeyAgreementAlgorithms {
		agreement = append(agreement, string(a))
	}
	var wantSigning, wantEncryption, wantAgreement []string
	switch usage {
	case "SIGN_VERIFY":
		wantSigning = signingAlgorithms[spec]
	case "ENCRYPT_DECRYPT":
		wantEncryption = []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}
	case "KEY_AGREEMENT":
		wantAgreement = []string{"ECDH"}
	}
	for _, c := range []struct {
		name      string
		got, want []string
	}{{"SigningAlgorithms", signing, wantSigning}, {"EncryptionAlgorithms", encryption, wantEncryption}, {"KeyAgreementAlgorithms", agreement, wantAgreement}} {
		if !sameSet(c.got, c.want) {
			return fmt.Errorf("GetPublicKey answered %s %v, want %v", c.name, c.got, c.want)
		}
	}
	return nil
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
