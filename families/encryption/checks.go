package encryption

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// registerChecks binds the checks of what the calls under test answered.
func (f *family) registerChecks(sc stepdef.Context) {
	sc.Then(`^the ciphertext decrypts to the message$`, f.thenDecryptsToMessage)
	sc.Then(`^decrypting the ciphertext (with the encryption context \{[^}]*\}|without an encryption context) (gives the message|fails with InvalidCiphertextException)$`, f.thenDecryptingWith)
	sc.Then(`^the ciphertext decrypts with the private key I imported$`, f.thenDecryptsLocally)
	sc.Then(`^the response names the key by its key ARN and the algorithm ([A-Z0-9_]+)$`, f.thenNamesKey)
	sc.Then(`^the plaintext is the message$`, f.thenPlaintext)
	sc.Then(`^the response names the source key and the destination key by their key ARNs$`, f.thenNamesBothKeys)
}

// newCiphertext is the ciphertext the Encrypt or ReEncrypt under test
// answered, and what it should hold.
func (f *family) newCiphertext() ([]byte, *expectation, error) {
	if f.want == nil {
		return nil, nil, fmt.Errorf("no encryption call was made")
	}
	var blob []byte
	switch f.want.op {
	case "Encrypt":
		out, err := scenario.OutputUnderTest[*kms.EncryptOutput](f.Scenario, "Encrypt")
		if err != nil {
			return nil, nil, err
		}
		blob = out.CiphertextBlob
	case "ReEncrypt":
		out, err := scenario.OutputUnderTest[*kms.ReEncryptOutput](f.Scenario, "ReEncrypt")
		if err != nil {
			return nil, nil, err
		}
		blob = out.CiphertextBlob
	default:
		return nil, nil, fmt.Errorf("the call under test was %s, which makes no ciphertext", f.want.op)
	}
	if len(blob) == 0 {
		return nil, nil, fmt.Errorf("%s answered no CiphertextBlob", f.want.op)
	}
	if f.want.key == nil {
		return nil, nil, fmt.Errorf("%s succeeded with a key that does not exist", f.want.op)
	}
	if bytes.Contains(blob, f.want.plaintext) {
		return nil, nil, fmt.Errorf("%s answered a CiphertextBlob that holds the plaintext as it is", f.want.op)
	}
	return blob, f.want, nil
}

// decryptAsOwner decrypts blob through KMS with the key want names, its
// algorithm and encCtx; it returns the outcome, and the plaintext when it
// succeeded.
func (f *family) decryptAsOwner(ctx context.Context, blob []byte, want *expectation, encCtx map[string]string) ([]byte, error) {
	in := &kms.DecryptInput{CiphertextBlob: blob, KeyId: aws.String(want.key.ARN), EncryptionContext: encCtx}
	if want.algorithm != string(types.EncryptionAlgorithmSpecSymmetricDefault) {
		in.EncryptionAlgorithm = types.EncryptionAlgorithmSpec(want.algorithm)
	}
	out, o := scenario.Do(ctx, f.Scenario, "Decrypt", func(ctx context.Context) (*kms.DecryptOutput, error) {
		return f.Client.Decrypt(ctx, in)
	})
	if o.Err != nil {
		return nil, &decryptFailure{code: o.Code, err: o.Failure()}
	}
	return out.Plaintext, nil
}

// decryptFailure is a Decrypt that a check made and that failed.
type decryptFailure struct {
	code string
	err  error
}

func (e *decryptFailure) Error() string { return "decrypting the ciphertext: " + e.err.Error() }
func (e *decryptFailure) Unwrap() error { return e.err }

// thenDecryptsToMessage decrypts the new ciphertext with the key, algorithm
// and context it was made with, through KMS and, where the scenario holds
// the private key, with crypto/rsa too: both give the plaintext back.
func (f *family) thenDecryptsToMessage(ctx context.Context) error {
	blob, want, err := f.newCiphertext()
	if err != nil {
		return err
	}
	plaintext, err := f.decryptAsOwner(ctx, blob, want, want.context)
	if err != nil {
		return err
	}
	if !bytes.Equal(plaintext, want.plaintext) {
		return errors.New("the ciphertext decrypts to something other than the message")
	}
	if priv := f.private[want.key.ID]; priv != nil {
		return localDecrypt(priv, want.algorithm, blob, want.plaintext)
	}
	return nil
}

func (f *family) thenDecryptingWith(ctx context.Context, contextClause, result string) error {
	blob, want, err := f.newCiphertext()
	if err != nil {
		return err
	}
	var encCtx map[string]string
	if text, ok := strings.CutPrefix(contextClause, "with the encryption context "); ok {
		if encCtx, err = parseContext(text); err != nil {
			return err
		}
	}
	plaintext, err := f.decryptAsOwner(ctx, blob, want, encCtx)
	var failed *decryptFailure
	switch {
	case result == "gives the message" && err != nil:
		return err
	case result == "gives the message" && !bytes.Equal(plaintext, want.plaintext):
		return errors.New("the ciphertext decrypts to something other than the message")
	case result == "gives the message":
		return nil
	case err == nil:
		return fmt.Errorf("the ciphertext decrypts %s", contextClause)
	case errors.As(err, &failed) && failed.code == "InvalidCiphertextException":
		return nil
	}
	return fmt.Errorf("want InvalidCiphertextException: %w", err)
}

// thenDecryptsLocally decrypts the new ciphertext with crypto/rsa and the
// private key the scenario imported: KMS took no part in it.
func (f *family) thenDecryptsLocally(context.Context) error {
	blob, want, err := f.newCiphertext()
	if err != nil {
		return err
	}
	priv := f.private[want.key.ID]
	if priv == nil {
		return fmt.Errorf("the scenario holds no private key of key %s", want.key.ID)
	}
	return localDecrypt(priv, want.algorithm, blob, want.plaintext)
}

func oaepHash(algorithm string) crypto.Hash {
	if algorithm == string(types.EncryptionAlgorithmSpecRsaesOaepSha1) {
		return crypto.SHA1
	}
	return crypto.SHA256
}

func localDecrypt(priv *rsa.PrivateKey, algorithm string, blob, want []byte) error {
	plaintext, err := rsa.DecryptOAEP(oaepHash(algorithm).New(), nil, priv, blob, nil)
	if err != nil {
		return fmt.Errorf("the ciphertext does not decrypt with the imported private key and %s: %w", algorithm, err)
	}
	if !bytes.Equal(plaintext, want) {
		return errors.New("the ciphertext decrypts with the imported private key to something other than the message")
	}
	return nil
}

// thenNamesKey checks that an Encrypt or Decrypt answer names the key by
// its ARN and the algorithm; a symmetric Decrypt names the key material too.
func (f *family) thenNamesKey(algorithm string) error {
	if f.want == nil || f.want.key == nil {
		return fmt.Errorf("no call on a key of the scenario was made")
	}
	var keyID, got string
	var problems []string
	switch f.want.op {
	case "Encrypt":
		out, err := scenario.OutputUnderTest[*kms.EncryptOutput](f.Scenario, "Encrypt")
		if err != nil {
			return err
		}
		keyID, got = aws.ToString(out.KeyId), string(out.EncryptionAlgorithm)
		if len(out.CiphertextBlob) == 0 {
			problems = append(problems, "no CiphertextBlob")
		}
	case "Decrypt":
		out, err := scenario.OutputUnderTest[*kms.DecryptOutput](f.Scenario, "Decrypt")
		if err != nil {
			return err
		}
		keyID, got = aws.ToString(out.KeyId), string(out.EncryptionAlgorithm)
		if algorithm == string(types.EncryptionAlgorithmSpecSymmetricDefault) && aws.ToString(out.KeyMaterialId) == "" {
			problems = append(problems, "no KeyMaterialId")
		}
	default:
		return fmt.Errorf("the call under test was %s, not Encrypt or Decrypt", f.want.op)
	}
	if keyID != f.want.key.ARN {
		problems = append(problems, fmt.Sprintf("KeyId %q, want the key ARN %s", keyID, f.want.key.ARN))
	}
	if got != algorithm {
		problems = append(problems, fmt.Sprintf("EncryptionAlgorithm %q, want %s", got, algorithm))
	}
	return scenario.ProblemsError(problems, f.want.op+"'s answer")
}

func (f *family) thenPlaintext() error {
	out, err := scenario.OutputUnderTest[*kms.DecryptOutput](f.Scenario, "Decrypt")
	if err != nil {
		return err
	}
	if f.want == nil || f.want.plaintext == nil {
		return fmt.Errorf("the scenario has no message to compare with")
	}
	if !bytes.Equal(out.Plaintext, f.want.plaintext) {
		return fmt.Errorf("Decrypt answered %d bytes of plaintext that are not the message", len(out.Plaintext))
	}
	return nil
}

// thenNamesBothKeys checks ReEncrypt's answer: both keys by their ARNs,
// both algorithms, and for symmetric keys both key material IDs.
func (f *family) thenNamesBothKeys() error {
	out, err := scenario.OutputUnderTest[*kms.ReEncryptOutput](f.Scenario, "ReEncrypt")
	if err != nil {
		return err
	}
	want := f.want
	if want == nil || want.key == nil || want.source == nil {
		return fmt.Errorf("no ReEncrypt between keys of the scenario was made")
	}
	var problems []string
	check := func(member, got, want string) {
		if got != want {
			problems = append(problems, fmt.Sprintf("%s %q, want %s", member, got, want))
		}
	}
	check("SourceKeyId", aws.ToString(out.SourceKeyId), want.source.ARN)
	check("KeyId", aws.ToString(out.KeyId), want.key.ARN)
	check("SourceEncryptionAlgorithm", string(out.SourceEncryptionAlgorithm), want.sourceAlg)
	check("DestinationEncryptionAlgorithm", string(out.DestinationEncryptionAlgorithm), want.algorithm)
	symmetric := string(types.EncryptionAlgorithmSpecSymmetricDefault)
	if want.sourceAlg == symmetric && aws.ToString(out.SourceKeyMaterialId) == "" {
		problems = append(problems, "no SourceKeyMaterialId")
	}
	if want.algorithm == symmetric && aws.ToString(out.DestinationKeyMaterialId) == "" {
		problems = append(problems, "no DestinationKeyMaterialId")
	}
	if len(out.CiphertextBlob) == 0 {
		problems = append(problems, "no CiphertextBlob")
	}
	return scenario.ProblemsError(problems, "ReEncrypt's answer")
}
