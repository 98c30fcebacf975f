package datakeys

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

const (
	// opExpr names the four data key operations.
	opExpr = `(GenerateDataKey|GenerateDataKeyWithoutPlaintext|GenerateDataKeyPair|GenerateDataKeyPairWithoutPlaintext)`
	// defaultKeySpec and defaultPairSpec are what a call asks for when the
	// step names no size: the cheapest pair to generate.
	defaultKeySpec  = types.DataKeySpecAes256
	defaultPairSpec = types.DataKeyPairSpecEccNistP256
)

// request is one data key call, whichever of the four operations.
type request struct {
	op            string
	keyID         string
	keySpec       types.DataKeySpec
	numberOfBytes *int32
	pairSpec      types.DataKeyPairSpec
	context       map[string]string
	grantTokens   []string
	dryRun        bool
}

// registerCalls binds the steps that set up and make data key calls.
func (w *dataKeys) registerCalls(sc stepdef.Context) {
	sc.Given(`^a symmetric encryption KMS key with an alias$`, w.givenKeyWithAlias, stepdef.Creates{Keys: 1})
	sc.Given(`^an? ([A-Z0-9_]+) KMS key for (ENCRYPT_DECRYPT|SIGN_VERIFY|GENERATE_VERIFY_MAC|KEY_AGREEMENT)$`, w.givenKeyOf, stepdef.Creates{Keys: 1})
	sc.Given(`^a symmetric encryption KMS key whose key policy lets every account generate data keys$`, w.givenSharedKey, stepdef.Creates{Keys: 1})
	sc.Given(`^a data key has been generated with the key$`, w.givenDataKey)
	sc.Given(`^a data key pair of ([A-Z0-9_]+) has been generated with the key$`, w.givenDataKeyPair)

	sc.When(`^I generate a data key( without plaintext)? with (KeySpec|NumberOfBytes) ([A-Z0-9_]+)$`, w.generateSized)
	sc.When(`^I call (GenerateDataKey|GenerateDataKeyWithoutPlaintext) giving (neither KeySpec nor NumberOfBytes|both KeySpec and NumberOfBytes)$`, w.generateBadlySized)
	sc.When(`^I generate a data key pair( without plaintext)? of ([A-Z0-9_]+)$`, w.generatePair)
	sc.When(`^I call `+opExpr+` on the key$`, w.callOnKey)
	sc.When(`^I call `+opExpr+` with an encryption context$`, w.callWithContext)
	sc.When(`^I call `+opExpr+` naming the key by its (key ID|key ARN|alias name|alias ARN)$`, w.callNaming)
	sc.When(`^I call `+opExpr+` naming a key that does not exist by its (key ID|key ARN)$`, w.callMissingKey)
	sc.When(`^I call `+opExpr+` naming an alias that does not exist by its (alias name|alias ARN)$`, w.callMissingAlias)
	sc.When(`^I call `+opExpr+` with a grant token that no grant issued$`, w.callWithBogusGrantToken)
	sc.When(`^I call `+opExpr+` with DryRun$`, w.callDryRun)
	sc.When(`^the second account calls `+opExpr+` naming the key by its (key ID|key ARN)$`, w.secondCalls, stepdef.Creates{SecondAccount: true})
}

// newRequest is a valid request of op on keyID, with the default sizes.
func newRequest(op, keyID string) request {
	r := request{op: op, keyID: keyID}
	if isPair(op) {
		r.pairSpec = defaultPairSpec
	} else {
		r.keySpec = defaultKeySpec
	}
	return r
}

func isPair(op string) bool { return strings.HasPrefix(op, "GenerateDataKeyPair") }

// act makes r the call under test, as client c.
func (w *dataKeys) act(ctx context.Context, c *kms.Client, r request) error {
	w.context = r.context
	id := aws.String(r.keyID)
	var dry *bool
	if r.dryRun {
		dry = aws.Bool(true)
	}
	switch r.op {
	case "GenerateDataKey":
		return scenario.Act(ctx, w.Scenario, r.op, func(ctx context.Context) (*kms.GenerateDataKeyOutput, error) {
			return c.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: id, KeySpec: r.keySpec, NumberOfBytes: r.numberOfBytes,
				EncryptionContext: r.context, GrantTokens: r.grantTokens, DryRun: dry})
		})
	case "GenerateDataKeyWithoutPlaintext":
		return scenario.Act(ctx, w.Scenario, r.op, func(ctx context.Context) (*kms.GenerateDataKeyWithoutPlaintextOutput, error) {
			return c.GenerateDataKeyWithoutPlaintext(ctx, &kms.GenerateDataKeyWithoutPlaintextInput{KeyId: id, KeySpec: r.keySpec, NumberOfBytes: r.numberOfBytes,
				EncryptionContext: r.context, GrantTokens: r.grantTokens, DryRun: dry})
		})
	case "GenerateDataKeyPair":
		return scenario.Act(ctx, w.Scenario, r.op, func(ctx context.Context) (*kms.GenerateDataKeyPairOutput, error) {
			return c.GenerateDataKeyPair(ctx, &kms.GenerateDataKeyPairInput{KeyId: id, KeyPairSpec: r.pairSpec,
				EncryptionContext: r.context, GrantTokens: r.grantTokens, DryRun: dry})
		})
	case "GenerateDataKeyPairWithoutPlaintext":
		return scenario.Act(ctx, w.Scenario, r.op, func(ctx context.Context) (*kms.GenerateDataKeyPairWithoutPlaintextOutput, error) {
			return c.GenerateDataKeyPairWithoutPlaintext(ctx, &kms.GenerateDataKeyPairWithoutPlaintextInput{KeyId: id, KeyPairSpec: r.pairSpec,
				EncryptionContext: r.context, GrantTokens: r.grantTokens, DryRun: dry})
		})
	}
	return fmt.Errorf("%s is not a data key operation", r.op)
}

// onKey is a valid request of op on the scenario's key, by its key ID.
func (w *dataKeys) onKey(op string) (request, error) {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return request{}, err
	}
	return newRequest(op, k.ID), nil
}

func (w *dataKeys) givenKeyWithAlias(ctx context.Context) error {
	k, err := w.Keys.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		return err
	}
	alias, err := w.Keys.NewAlias(ctx, k)
	if err != nil {
		return err
	}
	w.alias = alias
	return nil
}

func (w *dataKeys) givenKeyOf(ctx context.Context, spec, usage string) error {
	_, err := w.Keys.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpec(spec), KeyUsage: types.KeyUsageType(usage)})
	return err
}

// givenSharedKey creates a symmetric key whose policy keeps the account in
// control and lets any account generate data keys and key pairs with it.
func (w *dataKeys) givenSharedKey(ctx context.Context) error {
	// The account is only known from a key: a first key without the policy names it.
	probe, err := w.Keys.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		return err
	}
	partition, acct, err := arnAccount(probe.ARN)
	if err != nil {
		return err
	}
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:%s:iam::%s:root"},"Action":"kms:*","Resource":"*"},`+
		`{"Sid":"AnyAccountMayGenerateDataKeys","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:GenerateDataKey*","Resource":"*"}]}`, partition, acct)
	_, err = w.Keys.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(policy)})
	return err
}

// arnAccount is the partition and account of an ARN.
func arnAccount(arn string) (partition, account string, err error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || parts[4] == "" {
		return "", "", fmt.Errorf("%q is not an ARN", arn)
	}
	return parts[1], parts[4], nil
}

func (w *dataKeys) givenDataKey(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	out, err := scenario.Setup(ctx, w.Scenario, "GenerateDataKey", func(ctx context.Context) (*kms.GenerateDataKeyOutput, error) {
		return w.Client.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String(k.ID), KeySpec: defaultKeySpec})
	})
	if err != nil {
		return err
	}
	w.earlier = out.Plaintext
	return nil
}

func (w *dataKeys) givenDataKeyPair(ctx context.Context, spec string) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	out, err := scenario.Setup(ctx, w.Scenario, "GenerateDataKeyPairWithoutPlaintext", func(ctx context.Context) (*kms.GenerateDataKeyPairWithoutPlaintextOutput, error) {
		return w.Client.GenerateDataKeyPairWithoutPlaintext(ctx, &kms.GenerateDataKeyPairWithoutPlaintextInput{KeyId: aws.String(k.ID), KeyPairSpec: types.DataKeyPairSpec(spec)})
	})
	if err != nil {
		return err
	}
	w.earlier = out.PublicKey
	return nil
}

func (w *dataKeys) generateSized(ctx context.Context, without, member, value string) error {
	op := "GenerateDataKey"
	if without != "" {
		op = "GenerateDataKeyWithoutPlaintext"
	}
	r, err := w.onKey(op)
	if err != nil {
		return err
	}
	if member == "NumberOfBytes" {
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("NumberOfBytes %q: %w", value, err)
		}
		r.keySpec, r.numberOfBytes = "", aws.Int32(int32(n))
	} else {
		r.keySpec = types.DataKeySpec(value)
	}
	return w.act(ctx, w.Client, r)
}

// generateBadlySized sends a request with neither or both size members; the
// SDK checks neither, so it reaches the endpoint as it is.
func (w *dataKeys) generateBadlySized(ctx context.Context, op, which string) error {
	r, err := w.onKey(op)
	if err != nil {
		return err
	}
	if strings.HasPrefix(which, "neither") {
		r.keySpec = ""
	} else {
		r.numberOfBytes = aws.Int32(32)
	}
	return w.act(ctx, w.Client, r)
}

func (w *dataKeys) generatePair(ctx context.Context, without, spec string) error {
	op := "GenerateDataKeyPair"
	if without != "" {
		op = "GenerateDataKeyPairWithoutPlaintext"
	}
	r, err := w.onKey(op)
	if err != nil {
		return err
	}
	r.pairSpec = types.DataKeyPairSpec(spec)
	return w.act(ctx, w.Client, r)
}

func (w *dataKeys) callOnKey(ctx context.Context, op string) error {
	r, err := w.onKey(op)
	if err != nil {
		return err
	}
	return w.act(ctx, w.Client, r)
}

func (w *dataKeys) callWithContext(ctx context.Context, op string) error {
	r, err := w.onKey(op)
	if err != nil {
		return err
	}
	r.context = map[string]string{"purpose": "kmsconform data key", "scenario": scenario.RandomHex(4)}
	return w.act(ctx, w.Client, r)
}

func (w *dataKeys) callNaming(ctx context.Context, op, form string) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	var id string
	switch form {
	case "key ID":
		id = k.ID
	case "key ARN":
		id = k.ARN
	case "alias name":
		id = w.alias
	case "alias ARN":
		if w.alias != "" {
			if id, err = scenario.ARNIn(k.ARN, w.alias); err != nil {
				return err
			}
		}
	}
	if id == "" {
		return fmt.Errorf("the scenario's key has no %s", form)
	}
	return w.act(ctx, w.Client, newRequest(op, id))
}

// callMissingKey names a key ID no endpoint issued; as a key ARN, in the
// account and Region of the scenario's key.
func (w *dataKeys) callMissingKey(ctx context.Context, op, form string) error {
	id := w.Env.MadeUp(scenario.MissingKeyID())
	if form == "key ARN" {
		k, err := w.Keys.NeedKey()
		if err != nil {
			return err
		}
		if id, err = scenario.ARNIn(k.ARN, "key/"+id); err != nil {
			return err
		}
	}
	return w.act(ctx, w.Client, newRequest(op, id))
}

func (w *dataKeys) callMissingAlias(ctx context.Context, op, form string) error {
	id := "alias/kmsconform-missing-" + scenario.RandomHex(8)
	if form == "alias ARN" {
		k, err := w.Keys.NeedKey()
		if err != nil {
			return err
		}
		if id, err = scenario.ARNIn(k.ARN, id); err != nil {
			return err
		}
	}
	return w.act(ctx, w.Client, newRequest(op, id))
}

// bogusGrantToken has the length of a grant token but no grant issued it.
const bogusGrantToken = "AQpAM2RhZTk1MGMyNTk2ZmZmMzEyYWVhOWViN2I1MWM4Mzc0MWFiYjc0ZDE1ODkyNGFlNTIzODZhMzgyZjBlNGY3NiKIAQEBAgB4Pa6VDCWW__kmsconform"

func (w *dataKeys) callWithBogusGrantToken(ctx context.Context, op string) error {
	r, err := w.onKey(op)
	if err != nil {
		return err
	}
	r.grantTokens = []string{bogusGrantToken}
	return w.act(ctx, w.Client, r)
}

func (w *dataKeys) callDryRun(ctx context.Context, op string) error {
	r, err := w.onKey(op)
	if err != nil {
		return err
	}
	r.dryRun = true
	return w.act(ctx, w.Client, r)
}

func (w *dataKeys) secondCalls(ctx context.Context, op, form string) error {
	k, c, err := w.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	id := k.ARN
	if form == "key ID" {
		id = k.ID
	}
	return w.act(ctx, c, newRequest(op, id))
}
