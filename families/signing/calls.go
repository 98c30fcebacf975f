package signing

import (
	"context"
	"crypto"
	_ "crypto/sha256" // the digests of RSA and ECDSA algorithms
	_ "crypto/sha512"
	"encoding/json"
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
	subjectExpr = `(I|the second account)`
	// keyRefExpr names the key of a call and the form the request names it by.
	keyRefExpr = `(the key|a key that does not exist|an alias that does not exist|a malformed key ARN)(?: by its (key ID|key ARN|alias name|alias ARN))?`
	// whatExpr is what Sign is given.
	whatExpr         = `(a message|a digest|the external mu of a message|\d+ bytes|an? \d+-byte digest|an? \d+-byte mu)`
	clauseAlternives = `using [A-Z0-9_]+|as (?:RAW|DIGEST|EXTERNAL_MU)|with a malformed grant token|as a dry run|` +
		`with the message changed|with the signature changed|giving the message's digest|giving the message's external mu`
	clausesExpr = `((?:, (?:` + clauseAlternives + `))*)`
)

var clauseRe = regexp.MustCompile(`, (` + clauseAlternives + `)`)

// clauses are the parts of a call the feature file gave besides its key.
type clauses struct {
	algorithm, messageType   string
	badGrant, dryRun         bool
	changeMessage, changeSig bool
	giveDigest, giveMu       bool
}

func parseClauses(text string) clauses {
	var c clauses
	for _, m := range clauseRe.FindAllStringSubmatch(text, -1) {
		switch clause := m[1]; {
		case strings.HasPrefix(clause, "using "):
			c.algorithm = strings.TrimPrefix(clause, "using ")
		case strings.HasPrefix(clause, "as ") && clause != "as a dry run":
			c.messageType = strings.TrimPrefix(clause, "as ")
		case clause == "with a malformed grant token":
			c.badGrant = true
		case clause == "as a dry run":
			c.dryRun = true
		case clause == "with the message changed":
			c.changeMessage = true
		case clause == "with the signature changed":
			c.changeSig = true
		case clause == "giving the message's digest":
			c.giveDigest = true
		case clause == "giving the message's external mu":
			c.giveMu = true
		}
	}
	return c
}

// malformedGrantToken has the length of a grant token but is none.
const malformedGrantToken = "kmsconform-this-is-not-a-grant-token"

func (c clauses) grantTokens() []string {
	if c.badGrant {
		return []string{malformedGrantToken}
	}
	return nil
}

func (c clauses) dryRunFlag() *bool {
	if c.dryRun {
		return aws.Bool(true)
	}
	return nil
}

// registerCalls binds the steps that set up and make the calls under test.
func (f *family) registerCalls(sc stepdef.Context) {
	second := stepdef.Creates{SecondAccount: true, IfArg: "the second account"}
	sc.Given(`^an? ([A-Z0-9_]+) signing key whose key policy lets every account use it$`, f.givenSharedKey, stepdef.Creates{Keys: 1})
	sc.Given(`^a message signed with (the key|another ([A-Z0-9_]+) key), using ([A-Z0-9_]+)( as a digest)?$`, f.givenSigned, stepdef.Creates{Keys: 1, IfArg: "another"})
	sc.When(`^`+subjectExpr+` signs? `+whatExpr+` with `+keyRefExpr+clausesExpr+`$`, f.sign, second)
	sc.When(`^`+subjectExpr+` verif(?:y|ies) the signature with `+keyRefExpr+clausesExpr+`$`, f.verify, second)
	sc.When(`^`+subjectExpr+` gets? the public key of `+keyRefExpr+clausesExpr+`$`, f.getPublicKey, second)
}

// givenSharedKey creates a key of spec for SIGN_VERIFY whose policy keeps
// the account in control and lets any account sign, verify and read the
// public key.
func (f *family) givenSharedKey(ctx context.Context, spec string) error {
	probe, err := f.Keys.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		return err
	}
	parts := strings.Split(probe.ARN, ":")
	if len(parts) < 6 || parts[4] == "" {
		return fmt.Errorf("the key ARN %q names no account", probe.ARN)
	}
	policy, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{
			{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:" + parts[1] + ":iam::" + parts[4] + ":root"}, "Action": "kms:*", "Resource": "*"},
			{"Sid": "AnyAccountMayUse", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"},
				"Action": []string{"kms:Sign", "kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"}, "Resource": "*"},
		},
	})
	if err != nil {
		return err
	}
	_, err = f.Keys.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpec(spec), KeyUsage: types.KeyUsageTypeSignVerify, Policy: aws.String(string(policy))})
	return err
}

// givenSigned signs a message as setup: with the scenario's key, or with a
// new key of spec that stays apart from it.
func (f *family) givenSigned(ctx context.Context, which, spec, algorithm, asDigest string) error {
	k, err := f.Keys.NeedKey()
	if which != "the key" {
		own := f.Key
		k, err = f.Keys.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpec(spec), KeyUsage: types.KeyUsageTypeSignVerify})
		f.Key = own
	}
	if err != nil {
		return err
	}
	what := "a message"
	if asDigest != "" {
		what = "a digest"
	}
	s, msgType, err := newMessage(what, algorithm)
	if err != nil {
		return err
	}
	out, err := scenario.Setup(ctx, f.Scenario, "Sign", func(ctx context.Context) (*kms.SignOutput, error) {
		return f.Client.Sign(ctx, &kms.SignInput{KeyId: aws.String(k.ID), Message: s.message, MessageType: msgType,
			SigningAlgorithm: types.SigningAlgorithmSpec(algorithm)})
	})
	if err != nil {
		return err
	}
	s.key, s.sig = k, out.Signature
	f.signed = s
	return nil
}

// newMessage makes what a Sign step is given, for algorithm, and the
// MessageType it sends by default ("" for RAW, which it leaves out).
func newMessage(what, algorithm string) (*signature, types.MessageType, error) {
	s := &signature{algorithm: algorithm}
	n, msgType := 32, types.MessageType("")
	switch {
	case what == "a digest":
		raw, err := scenario.RandomBytes(32)
		if err != nil {
			return nil, "", err
		}
		h := digestHash(algorithm)
		hh := h.New()
		hh.Write(raw)
		s.message, s.digest = hh.Sum(nil), true
		return s, types.MessageTypeDigest, nil
	case strings.HasSuffix(what, "-byte digest"), strings.HasSuffix(what, "-byte mu"):
		fields := strings.Fields(what)
		size, _, _ := strings.Cut(fields[1], "-")
		n, _ = strconv.Atoi(size)
		msgType, s.digest = types.MessageTypeDigest, true
		if strings.HasSuffix(what, "mu") {
			msgType, s.digest = types.MessageTypeExternalMu, false
		}
	case strings.HasSuffix(what, " bytes"):
		n, _ = strconv.Atoi(strings.TrimSuffix(what, " bytes"))
	}
	msg, err := scenario.RandomBytes(n)
	if err != nil {
		return nil, "", err
	}
	s.message = msg
	return s, msgType, nil
}

// digestHash is the hash of a signing algorithm's DIGEST message type.
func digestHash(algorithm string) crypto.Hash {
	switch {
	case strings.HasSuffix(algorithm, "_SHA_384"):
		return crypto.SHA384
	case strings.HasSuffix(algorithm, "_SHA_512"):
		return crypto.SHA512
	}
	return crypto.SHA256
}

// clientFor is the client of a call's subject.
func (f *family) clientFor(subject string) (*kms.Client, error) {
	if subject == "I" {
		return f.Client, nil
	}
	return f.SecondClient()
}

// keyID is how a call names a key: the scenario's (nil for the made-up
// ones) in form, by default its key ID, or its key ARN for the second
// account, which cannot name it otherwise.
func (f *family) keyID(ctx context.Context, subject, which, form string) (*scenario.Key, string, error) {
	if form == "" {
		switch {
		case strings.HasPrefix(which, "an alias"):
			form = "alias name"
		case subject != "I":
			form = "key ARN"
		default:
			form = "key ID"
		}
	}
	prefix := f.Keys.ARNPrefix()
	switch which {
	case "a key that does not exist":
		id := f.Env.MadeUp(scenario.MissingKeyID())
		if form == "key ARN" {
			return nil, prefix + ":key/" + id, nil
		}
		return nil, id, nil
	case "an alias that does not exist":
		alias := "alias/" + f.Env.MadeUp("kmsconform-missing-"+scenario.RandomHex(8))
		if form == "alias ARN" {
			return nil, prefix + ":" + alias, nil
		}
		return nil, alias, nil
	case "a malformed key ARN":
		return nil, scenario.MalformedKeyARN(f.Env.Region), nil
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return nil, "", err
	}
	switch form {
	case "key ARN":
		return k, k.ARN, nil
	case "alias name", "alias ARN":
		if err := f.ensureAlias(ctx, k); err != nil {
			return nil, "", err
		}
		if form == "alias ARN" {
			return k, prefix + ":" + f.alias, nil
		}
		return k, f.alias, nil
	}
	return k, k.ID, nil
}

// ensureAlias gives k an alias, deleted at cleanup before the key goes.
func (f *family) ensureAlias(ctx context.Context, k *scenario.Key) error {
	if f.alias != "" {
		return nil
	}
	alias, err := f.Keys.NewAlias(ctx, k)
	if err != nil {
		return err
	}
	f.alias = alias
	return nil
}

// defaultAlgorithm is the algorithm a Sign step uses with k unless told:
// the first one KMS lists for its spec.
func defaultAlgorithm(k *scenario.Key) string {
	if k == nil || len(signingAlgorithms[string(k.Spec)]) == 0 {
		return string(types.SigningAlgorithmSpecEcdsaSha256)
	}
	return signingAlgorithms[string(k.Spec)][0]
}

func (f *family) sign(ctx context.Context, subject, what, which, form, clauseText string) error {
	c := parseClauses(clauseText)
	client, err := f.clientFor(subject)
	if err != nil {
		return err
	}
	k, id, err := f.keyID(ctx, subject, which, form)
	if err != nil {
		return err
	}
	alg := c.algorithm
	if alg == "" {
		alg = defaultAlgorithm(k)
	}
	s, msgType, err := newMessage(what, alg)
	if err != nil {
		return err
	}
	if what == "the external mu of a message" {
		if k == nil {
			return fmt.Errorf("an external mu needs the public key of a key that exists")
		}
		s.muOf = s.message
		if s.message, err = f.externalMu(ctx, k, s.muOf); err != nil {
			return err
		}
		msgType = types.MessageTypeExternalMu
	}
	if c.messageType != "" {
		msgType = types.MessageType(c.messageType)
		s.digest = msgType == types.MessageTypeDigest
	}
	s.key = k
	f.signed = s
	in := &kms.SignInput{KeyId: aws.String(id), Message: s.message, MessageType: msgType, SigningAlgorithm: types.SigningAlgorithmSpec(alg),
		GrantTokens: c.grantTokens(), DryRun: c.dryRunFlag()}
	return scenario.Act(ctx, f.Scenario, "Sign", func(ctx context.Context) (*kms.SignOutput, error) {
		return client.Sign(ctx, in, scenario.Unvalidated)
	})
}

func (f *family) verify(ctx context.Context, subject, which, form, clauseText string) error {
	c := parseClauses(clauseText)
	if f.signed == nil || f.signed.sig == nil {
		return fmt.Errorf("the scenario signed no message")
	}
	client, err := f.clientFor(subject)
	if err != nil {
		return err
	}
	k, id, err := f.keyID(ctx, subject, which, form)
	if err != nil {
		return err
	}
	v := *f.signed
	v.key = k
	v.message = append([]byte(nil), v.message...)
	v.sig = append([]byte(nil), v.sig...)
	if c.algorithm != "" {
		v.algorithm = c.algorithm
	}
	if c.changeMessage { // before the digest or mu: they are another message's
		v.message[0] ^= 0x01
	}
	if c.giveDigest && !v.digest {
		hh := digestHash(v.algorithm).New()
		hh.Write(v.message)
		v.message, v.digest = hh.Sum(nil), true
	}
	if c.giveMu {
		if v.digest || v.muOf != nil || f.signed.key == nil {
			return fmt.Errorf("an external mu is made of a whole message the scenario's key signed")
		}
		mu, err := f.externalMu(ctx, f.signed.key, v.message)
		if err != nil {
			return err
		}
		v.message, v.muOf = mu, v.message
	}
	if c.changeSig {
		v.sig[len(v.sig)/2] ^= 0x01
	}
	msgType := types.MessageType("")
	switch {
	case v.digest:
		msgType = types.MessageTypeDigest
	case v.muOf != nil:
		msgType = types.MessageTypeExternalMu
	}
	if c.messageType != "" {
		msgType = types.MessageType(c.messageType)
		v.digest = msgType == types.MessageTypeDigest
	}
	f.verified = &v
	in := &kms.VerifyInput{KeyId: aws.String(id), Message: v.message, MessageType: msgType, Signature: v.sig,
		SigningAlgorithm: types.SigningAlgorithmSpec(v.algorithm), GrantTokens: c.grantTokens(), DryRun: c.dryRunFlag()}
	return scenario.Act(ctx, f.Scenario, "Verify", func(ctx context.Context) (*kms.VerifyOutput, error) {
		return client.Verify(ctx, in, scenario.Unvalidated)
	})
}

func (f *family) getPublicKey(ctx context.Context, subject, which, form, clauseText string) error {
	c := parseClauses(clauseText)
	client, err := f.clientFor(subject)
	if err != nil {
		return err
	}
	_, id, err := f.keyID(ctx, subject, which, form)
	if err != nil {
		return err
	}
	in := &kms.GetPublicKeyInput{KeyId: aws.String(id), GrantTokens: c.grantTokens()}
	return scenario.Act(ctx, f.Scenario, "GetPublicKey", func(ctx context.Context) (*kms.GetPublicKeyOutput, error) {
		return client.GetPublicKey(ctx, in, scenario.Unvalidated)
	})
}
