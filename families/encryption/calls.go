package encryption

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

const (
	// keyRefExpr names a key of a call: the scenario's, or one that does not
	// exist, and the form the request names it by.
	keyRefExpr = `(the key|the other key|a key that does not exist|an alias that does not exist)(?: by its (key ID|key ARN|alias name|alias ARN))?`
	// clauseAlternatives are what a call can say besides its keys.
	clauseAlternatives = `using [A-Z0-9_]+|decrypting with [A-Z0-9_]+|without an algorithm|without an encryption context|` +
		`with the (?:source )?encryption context \{[^}]*\}|with a malformed grant token|` +
		`as a dry run ignoring the ciphertext|as a dry run|ignoring the ciphertext|without the ciphertext|with the ciphertext corrupted`
	clausesExpr = `((?:, (?:` + clauseAlternatives + `))*)`
	subjectExpr = `(I|the second account)`
)

var clauseRe = regexp.MustCompile(`, (` + clauseAlternatives + `)`)

// registerCalls binds the calls under test.
func (f *family) registerCalls(sc stepdef.Context) {
	second := stepdef.Creates{SecondAccount: true, IfArg: "the second account"}
	sc.When(`^`+subjectExpr+` encrypts? (a message|\d+ bytes) under `+keyRefExpr+clausesExpr+`$`, f.encrypt, second)
	sc.When(`^`+subjectExpr+` decrypts? the message(?: naming `+keyRefExpr+`)?`+clausesExpr+`$`, f.decrypt, second)
	sc.When(`^`+subjectExpr+` re-encrypts? the message(?: from `+keyRefExpr+`)? under `+keyRefExpr+clausesExpr+`$`, f.reEncrypt, second)
}

// clauses are the parts of a call the feature file gave.
type clauses struct {
	algorithm, sourceAlgorithm string
	noAlgorithm                bool
	context, sourceContext     map[string]string
	contextSet, sourceSet      bool
	badGrant, dryRun, ignore   bool
	noCiphertext, corrupt      bool
}

func parseClauses(text string) (clauses, error) {
	var c clauses
	for _, m := range clauseRe.FindAllStringSubmatch(text, -1) {
		clause := m[1]
		var err error
		switch {
		case strings.HasPrefix(clause, "using "):
			c.algorithm = strings.TrimPrefix(clause, "using ")
		case strings.HasPrefix(clause, "decrypting with "):
			c.sourceAlgorithm = strings.TrimPrefix(clause, "decrypting with ")
		case clause == "without an algorithm":
			c.noAlgorithm = true
		case clause == "without an encryption context":
			c.sourceSet, c.contextSet = true, true
		case strings.HasPrefix(clause, "with the source encryption context "):
			c.sourceSet = true
			c.sourceContext, err = parseContext(strings.TrimPrefix(clause, "with the source encryption context "))
		case strings.HasPrefix(clause, "with the encryption context "):
			c.contextSet = true
			c.context, err = parseContext(strings.TrimPrefix(clause, "with the encryption context "))
		case clause == "with a malformed grant token":
			c.badGrant = true
		case clause == "as a dry run ignoring the ciphertext":
			c.dryRun, c.ignore, c.noCiphertext = true, true, true
		case clause == "as a dry run":
			c.dryRun = true
		case clause == "ignoring the ciphertext":
			c.ignore = true
		case clause == "without the ciphertext":
			c.noCiphertext = true
		case clause == "with the ciphertext corrupted":
			c.corrupt = true
		}
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// malformedGrantToken has the length of a grant token but is none.
const malformedGrantToken = "kmsconform-this-is-not-a-grant-token"

func (c clauses) grantTokens() []string {
	if c.badGrant {
		return []string{malformedGrantToken}
	}
	return nil
}

func (c clauses) modifiers() []types.DryRunModifierType {
	if c.ignore {
		return []types.DryRunModifierType{types.DryRunModifierTypeIgnoreCiphertext}
	}
	return nil
}

func (c clauses) dryRunFlag() *bool {
	if c.dryRun {
		return aws.Bool(true)
	}
	return nil
}

// algorithmFor is the algorithm a call sends for key k: the one named, none
// when told so, RSAES_OAEP_SHA_256 for an RSA key, and none for a symmetric
// key (SYMMETRIC_DEFAULT is the default). used is the algorithm that applies.
func algorithmFor(k *scenario.Key, named string, none bool) (sent types.EncryptionAlgorithmSpec, used string) {
	switch {
	case none:
		return "", string(types.EncryptionAlgorithmSpecSymmetricDefault)
	case named != "":
		return types.EncryptionAlgorithmSpec(named), named
	case k != nil && isRSA(k.Spec):
		return types.EncryptionAlgorithmSpecRsaesOaepSha256, string(types.EncryptionAlgorithmSpecRsaesOaepSha256)
	}
	return "", string(types.EncryptionAlgorithmSpecSymmetricDefault)
}

func isRSA(spec types.KeySpec) bool { return strings.HasPrefix(string(spec), "RSA_") }

// clientFor is the client of a call's subject.
func (f *family) clientFor(subject string) (*kms.Client, error) {
	if subject == "I" {
		return f.Client, nil
	}
	return f.SecondClient()
}

// keyID is how a call names a key: k (nil for "a key that does not exist"
// and "an alias that does not exist") in form, by default its key ID, or
// its key ARN for the second account, which cannot name it otherwise.
func (f *family) keyID(subject, which, form string) (*scenario.Key, string, error) {
	if form == "" {
		form = "key ID"
		if subject != "I" || strings.HasPrefix(which, "an alias") {
			form = map[bool]string{true: "alias name", false: "key ARN"}[strings.HasPrefix(which, "an alias")]
		}
	}
	switch which {
	case "a key that does not exist":
		id := f.Env.MadeUp(scenario.MissingKeyID())
		if form == "key ARN" {
			return nil, f.Keys.ARNPrefix() + ":key/" + id, nil
		}
		return nil, id, nil
	case "an alias that does not exist":
		alias := "alias/" + f.Env.MadeUp("kmsconform-missing-"+scenario.RandomHex(8))
		if form == "alias ARN" {
			return nil, f.Keys.ARNPrefix() + ":" + alias, nil
		}
		return nil, alias, nil
	}
	k, err := f.keyNamed(which)
	if err != nil {
		return nil, "", err
	}
	switch form {
	case "key ARN":
		return k, k.ARN, nil
	case "alias name", "alias ARN":
		if f.alias == "" || k != f.Key {
			return nil, "", fmt.Errorf("%s has no alias", which)
		}
		if form == "alias ARN" {
			return k, f.Keys.ARNPrefix() + ":" + f.alias, nil
		}
		return k, f.alias, nil
	}
	return k, k.ID, nil
}

func (f *family) encrypt(ctx context.Context, subject, what, which, form, clauseText string) error {
	c, err := parseClauses(clauseText)
	if err != nil {
		return err
	}
	client, err := f.clientFor(subject)
	if err != nil {
		return err
	}
	k, id, err := f.keyID(subject, which, form)
	if err != nil {
		return err
	}
	n := messageSize
	if size, ok := strings.CutSuffix(what, " bytes"); ok {
		if n, err = strconv.Atoi(size); err != nil {
			return fmt.Errorf("plaintext size %q: %w", size, err)
		}
	}
	plaintext, err := scenario.RandomBytes(n)
	if err != nil {
		return err
	}
	alg, used := algorithmFor(k, c.algorithm, c.noAlgorithm)
	in := &kms.EncryptInput{KeyId: aws.String(id), Plaintext: plaintext, EncryptionContext: c.context,
		EncryptionAlgorithm: alg, GrantTokens: c.grantTokens(), DryRun: c.dryRunFlag()}
	f.want = &expectation{op: "Encrypt", plaintext: plaintext, key: k, algorithm: used, context: c.context}
	return scenario.Act(ctx, f.Scenario, "Encrypt", func(ctx context.Context) (*kms.EncryptOutput, error) {
		return client.Encrypt(ctx, in, scenario.Unvalidated)
	})
}

// ciphertext is the message's ciphertext as a call sends it.
func (f *family) ciphertext(c clauses) ([]byte, error) {
	if f.message == nil {
		return nil, fmt.Errorf("the scenario encrypted no message")
	}
	if c.noCiphertext {
		return nil, nil
	}
	blob := append([]byte(nil), f.message.ciphertext...)
	if c.corrupt {
		blob[len(blob)/2] ^= 0x5a
	}
	return blob, nil
}

// sourceDefaults are the algorithm and context a call decrypts the message
// with, unless the clauses say otherwise: the ones it was made with.
func (f *family) sourceDefaults(c clauses, contextSet bool, encCtx map[string]string, algorithm string) (map[string]string, types.EncryptionAlgorithmSpec) {
	if !contextSet {
		encCtx = f.message.context
	}
	switch {
	case c.noAlgorithm:
		return encCtx, ""
	case algorithm != "":
		return encCtx, types.EncryptionAlgorithmSpec(algorithm)
	case f.message.algorithm != string(types.EncryptionAlgorithmSpecSymmetricDefault):
		return encCtx, types.EncryptionAlgorithmSpec(f.message.algorithm)
	}
	return encCtx, ""
}

func (f *family) decrypt(ctx context.Context, subject, which, form, clauseText string) error {
	c, err := parseClauses(clauseText)
	if err != nil {
		return err
	}
	client, err := f.clientFor(subject)
	if err != nil {
		return err
	}
	blob, err := f.ciphertext(c)
	if err != nil {
		return err
	}
	in := &kms.DecryptInput{CiphertextBlob: blob, GrantTokens: c.grantTokens(), DryRun: c.dryRunFlag(), DryRunModifiers: c.modifiers()}
	if which != "" {
		_, id, err := f.keyID(subject, which, form)
		if err != nil {
			return err
		}
		in.KeyId = aws.String(id)
	}
	in.EncryptionContext, in.EncryptionAlgorithm = f.sourceDefaults(c, c.contextSet, c.context, c.algorithm)
	f.want = &expectation{op: "Decrypt", plaintext: f.message.plaintext, key: f.message.key, algorithm: f.message.algorithm}
	return scenario.Act(ctx, f.Scenario, "Decrypt", func(ctx context.Context) (*kms.DecryptOutput, error) {
		return client.Decrypt(ctx, in)
	})
}

func (f *family) reEncrypt(ctx context.Context, subject, fromWhich, fromForm, toWhich, toForm, clauseText string) error {
	c, err := parseClauses(clauseText)
	if err != nil {
		return err
	}
	client, err := f.clientFor(subject)
	if err != nil {
		return err
	}
	blob, err := f.ciphertext(c)
	if err != nil {
		return err
	}
	dest, destID, err := f.keyID(subject, toWhich, toForm)
	if err != nil {
		return err
	}
	alg, used := algorithmFor(dest, c.algorithm, c.noAlgorithm && dest != nil && isRSA(dest.Spec))
	in := &kms.ReEncryptInput{CiphertextBlob: blob, DestinationKeyId: aws.String(destID), DestinationEncryptionAlgorithm: alg,
		DestinationEncryptionContext: c.context, GrantTokens: c.grantTokens(), DryRun: c.dryRunFlag(), DryRunModifiers: c.modifiers()}
	if fromWhich != "" {
		_, id, err := f.keyID(subject, fromWhich, fromForm)
		if err != nil {
			return err
		}
		in.SourceKeyId = aws.String(id)
	}
	source := c
	source.noAlgorithm = c.noAlgorithm && !(dest != nil && isRSA(dest.Spec))
	in.SourceEncryptionContext, in.SourceEncryptionAlgorithm = f.sourceDefaults(source, c.sourceSet, c.sourceContext, c.sourceAlgorithm)
	f.want = &expectation{op: "ReEncrypt", plaintext: f.message.plaintext, key: dest, source: f.message.key,
		algorithm: used, context: c.context, sourceAlg: f.message.algorithm}
	return scenario.Act(ctx, f.Scenario, "ReEncrypt", func(ctx context.Context) (*kms.ReEncryptOutput, error) {
		return client.ReEncrypt(ctx, in, scenario.Unvalidated)
	})
}
