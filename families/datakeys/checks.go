package datakeys

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/kmsconform/kmsconform/keymaterial"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// answer is what a data key operation under test returned, whichever of the four.
type answer struct {
	keyID, materialID string
	// blob is the encrypted data key or private key; clear is the same key
	// in the clear, nil where the operation returns none.
	blob, clear []byte
	publicKey   []byte
	pairSpec    string
}

// registerChecks binds the steps that check what a data key call returned.
func (w *dataKeys) registerChecks(sc stepdef.Context) {
	sc.Then(`^the data key is (\d+) bytes long$`, w.thenKeyLength)
	sc.Then(`^the response holds the data key (in the clear and encrypted|only encrypted), and names the key by its ARN and its key material$`, w.thenDataKeyResponse)
	sc.Then(`^the response names the key by its ARN$`, w.thenNamesKey)
	sc.Then(`^the CiphertextBlob decrypts through KMS to the data key$`, w.thenDecryptsToDataKey)
	sc.Then(`^the CiphertextBlob decrypts through KMS to a data key of (\d+) bytes$`, w.thenDecryptsToLength)
	sc.Then(`^the encrypted key decrypts through KMS only with the same encryption context$`, w.thenNeedsContext)
	sc.Then(`^a message encrypted locally with AES-GCM under the data key decrypts with the key KMS recovers from the CiphertextBlob$`, w.thenLocalRoundTrip)
	sc.Then(`^the (data key|key pair) differs from the one generated before$`, w.thenFresh)
	sc.Then(`^the public key is an? ([A-Z0-9_]+) public key in DER SubjectPublicKeyInfo$`, w.thenPublicKey)
	sc.Then(`^the plaintext private key is the PKCS #8 private key of that public key$`, w.thenPrivateMatches)
	sc.Then(`^the PrivateKeyCiphertextBlob decrypts through KMS to the private key of that public key$`, w.thenBlobIsPrivateKey)
	sc.Then(`^the response names the key by its ARN, its key material and the key pair spec ([A-Z0-9_]+), and holds (the|no) private key in the clear$`, w.thenPairResponse)
}

// answered is the answer of the data key call under test.
func (w *dataKeys) answered() (answer, error) {
	if err := w.ThenSucceeds(); err != nil {
		return answer{}, err
	}
	switch out := w.Output.(type) {
	case *kms.GenerateDataKeyOutput:
		return answer{keyID: aws.ToString(out.KeyId), materialID: aws.ToString(out.KeyMaterialId), blob: out.CiphertextBlob, clear: out.Plaintext}, nil
	case *kms.GenerateDataKeyWithoutPlaintextOutput:
		return answer{keyID: aws.ToString(out.KeyId), materialID: aws.ToString(out.KeyMaterialId), blob: out.CiphertextBlob}, nil
	case *kms.GenerateDataKeyPairOutput:
		return answer{keyID: aws.ToString(out.KeyId), materialID: aws.ToString(out.KeyMaterialId), blob: out.PrivateKeyCiphertextBlob,
			clear: out.PrivateKeyPlaintext, publicKey: out.PublicKey, pairSpec: string(out.KeyPairSpec)}, nil
	case *kms.GenerateDataKeyPairWithoutPlaintextOutput:
		return answer{keyID: aws.ToString(out.KeyId), materialID: aws.ToString(out.KeyMaterialId), blob: out.PrivateKeyCiphertextBlob,
			publicKey: out.PublicKey, pairSpec: string(out.KeyPairSpec)}, nil
	}
	return answer{}, fmt.Errorf("the call under test was %s, not a data key operation", w.Last.Op)
}

// dataKey is the Plaintext data key of the GenerateDataKey call under test.
func (w *dataKeys) dataKey() (answer, error) {
	a, err := w.answered()
	if err != nil {
		return a, err
	}
	if len(a.clear) == 0 {
		return a, fmt.Errorf("%s answered no data key in the clear", w.Last.Op)
	}
	return a, nil
}

// decrypt asks KMS to decrypt blob under the scenario's key with encCtx.
func (w *dataKeys) decrypt(ctx context.Context, blob []byte, encCtx map[string]string) ([]byte, error) {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return nil, err
	}
	if len(blob) == 0 {
		return nil, fmt.Errorf("%s answered no encrypted key", w.Last.Op)
	}
	out, o := scenario.Do(ctx, w.Scenario, "Decrypt", func(ctx context.Context) (*kms.DecryptOutput, error) {
		return w.Client.Decrypt(ctx, &kms.DecryptInput{KeyId: aws.String(k.ID), CiphertextBlob: blob, EncryptionContext: encCtx})
	})
	if o.Err != nil {
		return nil, &decryptError{code: o.Code, err: o.Failure()}
	}
	return out.Plaintext, nil
}

// decryptError is a Decrypt that failed; code is the error code it answered.
type decryptError struct {
	code string
	err  error
}

func (e *decryptError) Error() string { return "Decrypt failed: " + e.err.Error() }
func (e *decryptError) Unwrap() error { return e.err }

func (w *dataKeys) thenKeyLength(n int) error {
	a, err := w.dataKey()
	if err != nil {
		return err
	}
	if len(a.clear) != n {
		return fmt.Errorf("the data key is %d bytes long, want %d", len(a.clear), n)
	}
	return nil
}

func (w *dataKeys) thenDataKeyResponse(which string) error {
	a, err := w.answered()
	if err != nil {
		return err
	}
	problems := w.namingProblems(a)
	if len(a.blob) == 0 {
		problems = append(problems, "there is no CiphertextBlob")
	}
	clear := which == "in the clear and encrypted"
	switch {
	case clear && len(a.clear) == 0:
		problems = append(problems, "there is no Plaintext")
	case !clear && len(a.clear) > 0:
		problems = append(problems, "it holds a Plaintext")
	case clear && bytes.Contains(a.blob, a.clear):
		problems = append(problems, "the CiphertextBlob holds the data key in the clear")
	}
	return scenario.ProblemsError(problems, "the response is wrong")
}

// namingProblems says what is wrong with how the answer names the key and its material.
func (w *dataKeys) namingProblems(a answer) []string {
	var problems []string
	if w.Key == nil {
		return []string{"the scenario has no KMS key"}
	}
	if a.keyID != w.Key.ARN {
		problems = append(problems, fmt.Sprintf("KeyId = %q, want the key ARN %q", a.keyID, w.Key.ARN))
	}
	if a.materialID == "" {
		problems = append(problems, "there is no KeyMaterialId")
	}
	return problems
}

func (w *dataKeys) thenNamesKey() error {
	a, err := w.answered()
	if err != nil {
		return err
	}
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	if a.keyID != k.ARN {
		return fmt.Errorf("KeyId = %q, want the key ARN %q", a.keyID, k.ARN)
	}
	return nil
}

func (w *dataKeys) thenDecryptsToDataKey(ctx context.Context) error {
	a, err := w.dataKey()
	if err != nil {
		return err
	}
	got, err := w.decrypt(ctx, a.blob, w.context)
	if err != nil {
		return fmt.Errorf("the CiphertextBlob does not decrypt: %w", err)
	}
	if !bytes.Equal(got, a.clear) {
		return errors.New("the CiphertextBlob decrypts to another key than the Plaintext data key")
	}
	return nil
}

func (w *dataKeys) thenDecryptsToLength(ctx context.Context, n int) error {
	a, err := w.answered()
	if err != nil {
		return err
	}
	got, err := w.decrypt(ctx, a.blob, w.context)
	if err != nil {
		return fmt.Errorf("the CiphertextBlob does not decrypt: %w", err)
	}
	if len(got) != n {
		return fmt.Errorf("the CiphertextBlob decrypts to a data key of %d bytes, want %d", len(got), n)
	}
	return nil
}

// thenNeedsContext decrypts the encrypted key with the call's encryption
// context, which must work (and give the key in the clear, where the call
// returned one), then without it and with a changed one, which real KMS
// refuses with InvalidCiphertextException.
func (w *dataKeys) thenNeedsContext(ctx context.Context) error {
	a, err := w.answered()
	if err != nil {
		return err
	}
	if len(w.context) == 0 {
		return errors.New("the call under test gave no encryption context")
	}
	got, err := w.decrypt(ctx, a.blob, w.context)
	switch {
	case err != nil:
		return fmt.Errorf("with its encryption context, the encrypted key does not decrypt: %w", err)
	case a.clear != nil && !bytes.Equal(got, a.clear):
		return errors.New("with its encryption context, the encrypted key decrypts to another key than the one in the clear")
	}
	changed := maps.Clone(w.context)
	changed["purpose"] += " (changed)"
	for what, encCtx := range map[string]map[string]string{"without the encryption context": nil, "with a changed encryption context": changed} {
		_, err := w.decrypt(ctx, a.blob, encCtx)
		var d *decryptError
		switch {
		case err == nil:
			return fmt.Errorf("%s, the encrypted key still decrypts", what)
		case !errors.As(err, &d):
			return err
		case d.code != "InvalidCiphertextException":
			return fmt.Errorf("%s, Decrypt answered %s, want InvalidCiphertextException: %w", what, d.code, d.err)
		}
	}
	return nil
}

// thenLocalRoundTrip encrypts a message locally under the data key and
// decrypts it with the key KMS recovers from the CiphertextBlob.
func (w *dataKeys) thenLocalRoundTrip(ctx context.Context) error {
	a, err := w.dataKey()
	if err != nil {
		return err
	}
	sealed, nonce, err := sealLocally(a.clear, w.Env.Message())
	if err != nil {
		return err
	}
	recovered, err := w.decrypt(ctx, a.blob, w.context)
	if err != nil {
		return fmt.Errorf("the CiphertextBlob does not decrypt: %w", err)
	}
	gcm, err := newGCM(recovered)
	if err != nil {
		return fmt.Errorf("the key KMS recovers from the CiphertextBlob: %w", err)
	}
	opened, err := gcm.Open(nil, nonce, sealed, nil)
	if err != nil || !bytes.Equal(opened, w.Env.Message()) {
		return errors.New("a message encrypted under the data key does not decrypt with the key KMS recovers from the CiphertextBlob")
	}
	return nil
}

// sealLocally encrypts msg under key with AES-GCM and a random nonce.
func sealLocally(key, msg []byte) (sealed, nonce []byte, err error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, nil, fmt.Errorf("the data key: %w", err)
	}
	nonce = make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	return gcm.Seal(nil, nonce, msg, nil), nonce, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("not an AES key (%d bytes): %w", len(key), err)
	}
	return cipher.NewGCM(block)
}

func (w *dataKeys) thenFresh(what string) error {
	a, err := w.answered()
	if err != nil {
		return err
	}
	if len(w.earlier) == 0 {
		return fmt.Errorf("the scenario generated no %s before", what)
	}
	now := a.clear
	if what == "key pair" {
		now = a.publicKey
	}
	if bytes.Equal(now, w.earlier) {
		return fmt.Errorf("the %s is the one generated before", what)
	}
	return nil
}

// publicKey is the public key the call under test returned, read.
func (w *dataKeys) publicKey() (answer, *keymaterial.Pair, error) {
	a, err := w.answered()
	if err != nil {
		return a, nil, err
	}
	if len(a.publicKey) == 0 {
		return a, nil, fmt.Errorf("%s answered no PublicKey", w.Last.Op)
	}
	p, err := keymaterial.ParsePublicKey(a.publicKey)
	return a, p, err
}

func (w *dataKeys) thenPublicKey(spec string) error {
	_, p, err := w.publicKey()
	if err != nil {
		return err
	}
	if p.Spec != spec {
		return fmt.Errorf("the public key is a %s key, want %s", p.Spec, spec)
	}
	return nil
}

func (w *dataKeys) thenPrivateMatches() error {
	a, p, err := w.publicKey()
	if err != nil {
		return err
	}
	if len(a.clear) == 0 {
		return fmt.Errorf("%s answered no PrivateKeyPlaintext", w.Last.Op)
	}
	return p.MatchPrivateKey(a.clear)
}

// thenBlobIsPrivateKey decrypts the PrivateKeyCiphertextBlob through KMS: it
// must be the private key of the public key, and the one returned in the
// clear where the call returned one.
func (w *dataKeys) thenBlobIsPrivateKey(ctx context.Context) error {
	a, p, err := w.publicKey()
	if err != nil {
		return err
	}
	got, err := w.decrypt(ctx, a.blob, w.context)
	if err != nil {
		return fmt.Errorf("the PrivateKeyCiphertextBlob does not decrypt: %w", err)
	}
	if a.clear != nil && !bytes.Equal(got, a.clear) {
		return errors.New("the PrivateKeyCiphertextBlob decrypts to another private key than PrivateKeyPlaintext")
	}
	if err := p.MatchPrivateKey(got); err != nil {
		return fmt.Errorf("the PrivateKeyCiphertextBlob decrypts to no private key of the public key: %w", err)
	}
	return nil
}

func (w *dataKeys) thenPairResponse(spec, which string) error {
	a, err := w.answered()
	if err != nil {
		return err
	}
	problems := w.namingProblems(a)
	if a.pairSpec != spec {
		problems = append(problems, fmt.Sprintf("KeyPairSpec = %q, want %s", a.pairSpec, spec))
	}
	if len(a.blob) == 0 {
		problems = append(problems, "there is no PrivateKeyCiphertextBlob")
	}
	if len(a.publicKey) == 0 {
		problems = append(problems, "there is no PublicKey")
	}
	switch {
	case which == "the" && len(a.clear) == 0:
		problems = append(problems, "there is no PrivateKeyPlaintext")
	case which == "no" && len(a.clear) > 0:
		problems = append(problems, "it holds a PrivateKeyPlaintext")
	}
	return scenario.ProblemsError(problems, "the response is wrong")
}
