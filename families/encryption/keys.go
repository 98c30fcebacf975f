package encryption

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

const (
	// encryptionSpecExpr are the key specs the scenarios encrypt with.
	encryptionSpecExpr = `(SYMMETRIC_DEFAULT|RSA_2048|RSA_3072|RSA_4096)`
	// rsaAlgorithmExpr are the RSA encryption algorithms.
	rsaAlgorithmExpr = `(RSAES_OAEP_SHA_1|RSAES_OAEP_SHA_256)`
	// contextExpr is an encryption context as the feature files write it: a
	// JSON object of strings.
	contextExpr = `(\{[^}]*\})`
	// messageSize is the size of the message a scenario encrypts: within
	// every key spec's limit.
	messageSize = 100
)

// registerKeys binds the steps that make the scenario's keys and messages.
func (f *family) registerKeys(sc stepdef.Context) {
	sc.Given(`^(a|an|another) `+encryptionSpecExpr+` encryption key$`, f.givenEncryptionKey, stepdef.Creates{Keys: 1})
	sc.Given(`^(a|another) (RSA_2048|ECC_NIST_P256|HMAC_256) key for (SIGN_VERIFY|GENERATE_VERIFY_MAC)$`, f.givenOtherUsageKey, stepdef.Creates{Keys: 1})
	sc.Given(`^an (RSA_2048|RSA_3072|RSA_4096) encryption key with key material I imported$`, f.givenImportedRSAKey, stepdef.Creates{Keys: 1})
	sc.Given(`^(a|another) symmetric encryption key whose key policy lets every account use it$`, f.givenSharedKey, stepdef.Creates{Keys: 2})
	sc.Given(`^the key has an alias$`, f.givenAlias)
	sc.Given(`^a message encrypted under (the key|the other key)(?: using `+rsaAlgorithmExpr+`)?(?: with the encryption context `+contextExpr+`)?$`, f.givenMessage)
	sc.Given(`^a message encrypted locally with the key's public key using `+rsaAlgorithmExpr+`$`, f.givenLocalMessage)
	sc.Given(`^a ciphertext in the AWS Encryption SDK's message format$`, f.givenForeignCiphertext)
}

// newKey creates a key for the scenario; as "another" it becomes the other
// key and the scenario's key stays what it was.
func (f *family) newKey(ctx context.Context, article string, in *kms.CreateKeyInput) (*scenario.Key, error) {
	if f.Untestable != "" {
		return nil, f.Skip("untestable: %s", f.Untestable)
	}
	before := f.Key
	k, err := f.Keys.CreateKey(ctx, in)
	if err != nil {
		return nil, err
	}
	if article == "another" {
		f.other, f.Key = k, before
	}
	return k, nil
}

func (f *family) givenEncryptionKey(ctx context.Context, article, spec string) error {
	_, err := f.newKey(ctx, article, &kms.CreateKeyInput{KeySpec: types.KeySpec(spec), KeyUsage: types.KeyUsageTypeEncryptDecrypt})
	return err
}

func (f *family) givenOtherUsageKey(ctx context.Context, article, spec, usage string) error {
	_, err := f.newKey(ctx, article, &kms.CreateKeyInput{KeySpec: types.KeySpec(spec), KeyUsage: types.KeyUsageType(usage)})
	return err
}

// givenImportedRSAKey makes an RSA encryption key whose private key the
// scenario generated and imported, so that it can check ciphertexts with
// crypto/rsa and make its own.
func (f *family) givenImportedRSAKey(ctx context.Context, spec string) error {
	k, err := f.newKey(ctx, "an", &kms.CreateKeyInput{KeySpec: types.KeySpec(spec), KeyUsage: types.KeyUsageTypeEncryptDecrypt, Origin: types.OriginTypeExternal})
	if err != nil {
		return err
	}
	// An RSA private key is too long for RSA-OAEP alone: it is wrapped
	// with an AES key that RSA-OAEP wraps.
	p, err := f.Keys.FetchParams(ctx, k, types.WrappingKeySpecRsa2048, types.AlgorithmSpecRsaAesKeyWrapSha256)
	if err != nil {
		return err
	}
	in, material, err := scenario.FreshImport(k.ID, k.Spec, p, "")
	if err != nil {
		return fmt.Errorf("wrapping key material for key %s: %w", k.ID, err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(material)
	priv, ok := parsed.(*rsa.PrivateKey)
	if err != nil || !ok {
		return fmt.Errorf("the %s key material made for key %s is not an RSA private key", spec, k.ID)
	}
	if err := f.Keys.SetupImport(ctx, k, in, material); err != nil {
		return err
	}
	if f.private == nil {
		f.private = map[string]*rsa.PrivateKey{}
	}
	f.private[k.ID] = priv
	return nil
}

// givenSharedKey makes a symmetric encryption key whose policy lets every
// account encrypt, decrypt and re-encrypt with it and describe it, beside
// the statement that keeps the owner in control of it.
func (f *family) givenSharedKey(ctx context.Context, article string) error {
	acct, err := f.accountID(ctx)
	if err != nil {
		return err
	}
	partition := "aws"
	if strings.HasPrefix(f.Env.Region, "cn-") {
		partition = "aws-cn"
	}
	policy, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{
			{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:" + partition + ":iam::" + acct + ":root"}, "Action": "kms:*", "Resource": "*"},
			{"Sid": "AnyAccountMayUse", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"},
				"Action": []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:DescribeKey"}, "Resource": "*"},
		},
	})
	if err != nil {
		return err
	}
	_, err = f.newKey(ctx, article, &kms.CreateKeyInput{Policy: aws.String(string(policy))})
	return err
}

// accountID is the scenario's account, read from the ARN of a key it made;
// with none yet, it makes a plain key to read it from.
func (f *family) accountID(ctx context.Context) (string, error) {
	if f.Account != nil {
		return f.Account.ID, nil
	}
	if len(f.CreatedKeys) == 0 {
		if _, err := f.newKey(ctx, "another", &kms.CreateKeyInput{}); err != nil {
			return "", err
		}
		f.other = nil
	}
	parts := strings.Split(f.CreatedKeys[0].ARN, ":")
	if len(parts) < 6 || parts[4] == "" {
		return "", fmt.Errorf("the key ARN %q names no account", f.CreatedKeys[0].ARN)
	}
	return parts[4], nil
}

// givenAlias gives the scenario's key an alias, deleted at cleanup before
// the key is scheduled for deletion.
func (f *family) givenAlias(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	alias, err := f.Keys.NewAlias(ctx, k)
	if err != nil {
		return err
	}
	f.alias = alias
	return nil
}

// keyNamed is the scenario's key or its other key.
func (f *family) keyNamed(which string) (*scenario.Key, error) {
	if which == "the other key" {
		if f.other == nil {
			return nil, fmt.Errorf("the scenario has no other key")
		}
		return f.other, nil
	}
	return f.Keys.NeedKey()
}

// parseContext reads an encryption context as the feature files write it.
func parseContext(text string) (map[string]string, error) {
	if text == "" {
		return nil, nil
	}
	var encCtx map[string]string
	if err := json.Unmarshal([]byte(text), &encCtx); err != nil {
		return nil, fmt.Errorf("encryption context %s: %w", text, err)
	}
	return encCtx, nil
}

// givenMessage encrypts a fresh message under a key of the scenario, to
// prepare a Decrypt or ReEncrypt.
func (f *family) givenMessage(ctx context.Context, which, algorithm, contextText string) error {
	k, err := f.keyNamed(which)
	if err != nil {
		return err
	}
	encCtx, err := parseContext(contextText)
	if err != nil {
		return err
	}
	plaintext, err := scenario.RandomBytes(messageSize)
	if err != nil {
		return err
	}
	in := &kms.EncryptInput{KeyId: aws.String(k.ARN), Plaintext: plaintext, EncryptionContext: encCtx}
	if algorithm != "" {
		in.EncryptionAlgorithm = types.EncryptionAlgorithmSpec(algorithm)
	}
	out, err := scenario.Setup(ctx, f.Scenario, "Encrypt", func(ctx context.Context) (*kms.EncryptOutput, error) {
		return f.Client.Encrypt(ctx, in)
	})
	if err != nil {
		return err
	}
	if len(out.CiphertextBlob) == 0 {
		return fmt.Errorf("Encrypt answered no CiphertextBlob")
	}
	if algorithm == "" {
		algorithm = string(types.EncryptionAlgorithmSpecSymmetricDefault)
	}
	f.message = &message{plaintext: plaintext, ciphertext: out.CiphertextBlob, key: k, algorithm: algorithm, context: encCtx}
	return nil
}

// givenLocalMessage encrypts a fresh message with crypto/rsa under the
// public half of the key material the scenario imported: KMS never sees it.
func (f *family) givenLocalMessage(_ context.Context, algorithm string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	priv := f.private[k.ID]
	if priv == nil {
		return fmt.Errorf("the scenario holds no private key of key %s", k.ID)
	}
	plaintext, err := scenario.RandomBytes(messageSize)
	if err != nil {
		return err
	}
	ciphertext, err := rsa.EncryptOAEP(oaepHash(algorithm).New(), rand.Reader, &priv.PublicKey, plaintext, nil)
	if err != nil {
		return fmt.Errorf("encrypting locally with %s: %w", algorithm, err)
	}
	f.message = &message{plaintext: plaintext, ciphertext: ciphertext, key: k, algorithm: algorithm}
	return nil
}

// givenForeignCiphertext makes bytes that start as an AWS Encryption SDK
// message does (version 1, type 128, an algorithm suite ID, a message ID)
// and go on at random: the format of another library, not of KMS.
func (f *family) givenForeignCiphertext(context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	body, err := scenario.RandomBytes(180)
	if err != nil {
		return err
	}
	ciphertext := append([]byte{0x01, 0x80, 0x03, 0x78}, body...)
	f.message = &message{plaintext: nil, ciphertext: ciphertext, key: k, algorithm: string(types.EncryptionAlgorithmSpecSymmetricDefault)}
	return nil
}
