package macs

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"fmt"
	"hash"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

func (f *macs) registerChecks(sc stepdef.Context) {
	sc.Then(`^the MAC is the HMAC of the message under the imported key material$`, f.thenLocalMac)
	sc.Then(`^the MAC is (\d+) bytes long and VerifyMac accepts it for that message only$`, f.thenMacVerifies)
	sc.Then(`^the response holds the MAC and names the key by its ARN and the algorithm `+macAlgorithmExpr+`$`, f.thenMacResponse)
	sc.Then(`^the response says the MAC is valid and names the key by its ARN and the algorithm `+macAlgorithmExpr+`$`, f.thenVerifyResponse)
	sc.Then(`^the shared secret is the one the peer derives locally from its private key and the key's public key$`, f.thenLocalSecret)
	sc.Then(`^the response holds the shared secret and names the key by its ARN, the algorithm ECDH and the key origin (AWS_KMS|EXTERNAL)$`, f.thenSecretResponse)
}

var macHashes = map[string]func() hash.Hash{
	"HMAC_SHA_224": sha256.New224, "HMAC_SHA_256": sha256.New, "HMAC_SHA_384": sha512.New384, "HMAC_SHA_512": sha512.New,
}

// importedMaterial is the key material the scenario imported into its key.
func (f *macs) importedMaterial() ([]byte, error) {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return nil, err
	}
	m := f.Importing.Materials[k.ID]
	if m == nil {
		return nil, fmt.Errorf("the scenario imported no key material into key %s", k.ID)
	}
	return m, nil
}

func (f *macs) thenLocalMac() error {
	out, err := scenario.OutputUnderTest[*kms.GenerateMacOutput](f.Scenario, "GenerateMac")
	if err != nil {
		return err
	}
	material, err := f.importedMaterial()
	if err != nil {
		return err
	}
	m := hmac.New(macHashes[f.algorithm], material)
	m.Write(f.message)
	if !hmac.Equal(out.Mac, m.Sum(nil)) {
		return fmt.Errorf("the MAC is not %s of the message under the imported key material", f.algorithm)
	}
	return nil
}

// thenMacVerifies checks a MAC of a key whose material the scenario does
// not know: its length, and that VerifyMac takes it for its message and
// refuses it for another one.
func (f *macs) thenMacVerifies(ctx context.Context, n int) error {
	out, err := scenario.OutputUnderTest[*kms.GenerateMacOutput](f.Scenario, "GenerateMac")
	if err != nil {
		return err
	}
	if len(out.Mac) != n {
		return fmt.Errorf("the MAC is %d bytes long, want %d", len(out.Mac), n)
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	verify := func(msg []byte) (*kms.VerifyMacOutput, error) {
		v, o := scenario.Do(ctx, f.Scenario, "VerifyMac", func(ctx context.Context) (*kms.VerifyMacOutput, error) {
			return f.Client.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: aws.String(k.ID), Message: msg, Mac: out.Mac, MacAlgorithm: types.MacAlgorithmSpec(f.algorithm)})
		})
		if o.Err != nil {
			return nil, o.Failure()
		}
		return v, nil
	}
	if v, err := verify(f.message); err != nil || !v.MacValid {
		return fmt.Errorf("VerifyMac does not accept the MAC for its own message: %v", err)
	}
	if _, err := verify(append([]byte("another "), f.message...)); err == nil {
		return fmt.Errorf("VerifyMac accepts the MAC for another message")
	}
	return nil
}

func (f *macs) thenMacResponse(algorithm string) error {
	out, err := scenario.OutputUnderTest[*kms.GenerateMacOutput](f.Scenario, "GenerateMac")
	if err != nil {
		return err
	}
	return f.names(aws.ToString(out.KeyId), string(out.MacAlgorithm), algorithm, len(out.Mac) > 0)
}

func (f *macs) thenVerifyResponse(algorithm string) error {
	out, err := scenario.OutputUnderTest[*kms.VerifyMacOutput](f.Scenario, "VerifyMac")
	if err != nil {
		return err
	}
	if !out.MacValid {
		return fmt.Errorf("VerifyMac succeeded with MacValid false")
	}
	return f.names(aws.ToString(out.KeyId), string(out.MacAlgorithm), algorithm, true)
}

// names checks that an answer names the scenario's key by its ARN and the
// algorithm, and holds what it must.
func (f *macs) names(keyID, got, want string, holds bool) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	switch {
	case keyID != k.ARN:
		return fmt.Errorf("the response names key %q, not the key's ARN %s", keyID, k.ARN)
	case got != want:
		return fmt.Errorf("the response names the algorithm %q, want %s", got, want)
	case !holds:
		return fmt.Errorf("the response holds no MAC")
	}
	return nil
}

func (f *macs) thenLocalSecret(ctx context.Context) error {
	out, err := scenario.OutputUnderTest[*kms.DeriveSharedSecretOutput](f.Scenario, "DeriveSharedSecret")
	if err != nil {
		return err
	}
	return f.checkSecret(ctx, out.SharedSecret)
}

// checkSecret checks a shared secret the endpoint answered against the one
// the scenario's peer derives with crypto/ecdh from its own private key and
// the KMS key's public half: from the material the scenario imported, else
// from GetPublicKey.
func (f *macs) checkSecret(ctx context.Context, secret []byte) error {
	if len(f.peer) == 0 {
		return fmt.Errorf("the scenario has no local peer to check the shared secret with")
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	var theirs *ecdsa.PublicKey
	if material := f.Importing.Materials[k.ID]; material != nil {
		priv, err := ecdhKey(material)
		if err != nil {
			return fmt.Errorf("the imported key material: %w", err)
		}
		theirs = &priv.PublicKey
	} else if theirs, err = f.publicKey(ctx, k); err != nil {
		return err
	}
	mine, err := ecdhKey(f.peer)
	if err != nil {
		return err
	}
	want, err := ecdhSecret(mine, theirs)
	if err != nil {
		return err
	}
	if !bytes.Equal(secret, want) {
		return fmt.Errorf("the shared secret (%d bytes) is not the one the peer derives from its private key and the key's public key", len(secret))
	}
	return nil
}

// publicKey is the public half of k as GetPublicKey gives it.
func (f *macs) publicKey(ctx context.Context, k *scenario.Key) (*ecdsa.PublicKey, error) {
	out, err := scenario.Setup(ctx, f.Scenario, "GetPublicKey", func(ctx context.Context) (*kms.GetPublicKeyOutput, error) {
		return f.Client.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(k.ID)})
	})
	if err != nil {
		return nil, err
	}
	parsed, err := x509.ParsePKIXPublicKey(out.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("GetPublicKey answered a PublicKey that is not DER SubjectPublicKeyInfo: %w", err)
	}
	pub, ok := parsed.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("GetPublicKey answered a %T, not an elliptic curve public key", parsed)
	}
	return pub, nil
}

// ecdhSecret is the ECDH secret of mine and theirs, by crypto/ecdh.
func ecdhSecret(mine *ecdsa.PrivateKey, theirs *ecdsa.PublicKey) ([]byte, error) {
	pub, err := theirs.ECDH()
	if err != nil {
		return nil, err
	}
	k, err := mine.ECDH()
	if err != nil {
		return nil, err
	}
	return k.ECDH(pub)
}

func ecdhKey(pkcs8 []byte) (*ecdsa.PrivateKey, error) {
	parsed, err := x509.ParsePKCS8PrivateKey(pkcs8)
	if err != nil {
		return nil, err
	}
	ec, ok := parsed.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("not an EC private key")
	}
	return ec, nil
}

func (f *macs) thenSecretResponse(ctx context.Context, origin string) error {
	out, err := scenario.OutputUnderTest[*kms.DeriveSharedSecretOutput](f.Scenario, "DeriveSharedSecret")
	if err != nil {
		return err
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	switch {
	case aws.ToString(out.KeyId) != k.ARN:
		return fmt.Errorf("the response names key %q, not the key's ARN %s", aws.ToString(out.KeyId), k.ARN)
	case out.KeyAgreementAlgorithm != types.KeyAgreementAlgorithmSpecEcdh:
		return fmt.Errorf("the response names the algorithm %q, want ECDH", out.KeyAgreementAlgorithm)
	case string(out.KeyOrigin) != origin:
		return fmt.Errorf("the response names the key origin %q, want %s", out.KeyOrigin, origin)
	case len(out.SharedSecret) == 0:
		return fmt.Errorf("the response holds no shared secret")
	}
	return f.checkSecret(ctx, out.SharedSecret)
}
