package rotation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

const (
	// opExpr names the six operations.
	opExpr = `(EnableKeyRotation|DisableKeyRotation|GetKeyRotationStatus|RotateKeyOnDemand|ListKeyRotations|GetKeyLastUsage)`
	// usageExpr names the cryptographic operations a Given can use a key for.
	usageExpr = `(Encrypt|Decrypt|GenerateDataKey|GenerateDataKeyWithoutPlaintext|Sign|Verify|GenerateMac|VerifyMac)`
	// day is a day on the endpoint's clock.
	day = 24 * time.Hour
	// notAMarker is a Marker no endpoint handed out.
	notAMarker = "kmsconform-not-a-marker"
)

// request is one call of the six operations; the zero members are left out.
type request struct {
	op, keyID string
	period    *int32
	include   types.IncludeKeyMaterial
	limit     *int32
	marker    *string
}

func (f *rotation) registerCalls(sc stepdef.Context) {
	u, l := &usage{f}, &listings{f}
	sc.Given(`^this rotation scenario runs in an account of its own, with its own clock$`, f.givenOwnAccount)
	sc.Given(`^an AWS managed key in an account of my own$`, f.givenManagedKey)
	sc.Given(`^a symmetric encryption key whose key policy lets every account read its rotation status$`, f.givenSharedKey, stepdef.Creates{Keys: 2})
	sc.Given(`^another symmetric encryption key$`, f.givenOtherKey, stepdef.Creates{Keys: 1})
	sc.Given(`^automatic rotation of the key has been enabled(?: every (\d+) days)?$`, f.givenRotationEnabled)
	sc.Given(`^the key has been rotated on demand(?: (\d+) times)?$`, f.givenRotatedOnDemand)
	sc.Given(`^a message has been encrypted under the key's current key material$`, f.givenSealed)
	sc.Given(`^the message has been re-encrypted under the other key$`, f.givenReEncrypted)
	sc.Given(`^the key has been used for `+usageExpr+`$`, u.givenUsed)
	sc.Given(`^a Decrypt with the key of a ciphertext it did not make has been refused$`, f.givenRefusedDecrypt)
	sc.Given(`^the key's deletion has been cancelled$`, f.givenDeletionCancelled)
	sc.Given(`^the key has been enabled again$`, f.givenEnabledAgain)
	sc.Step(`^(\d+) days pass in the scenario's own account$`, f.daysPass)
	sc.Given(`^the next automatic rotation is (\d+) minutes away$`, f.givenRotationMinutesAway)

	sc.When(`^I call `+opExpr+` on (the key|the other key)$`, f.callOnKey)
	sc.When(`^I call `+opExpr+` on the primary key in the run's own Region$`, f.callOnPrimary)
	sc.When(`^I call `+opExpr+` naming the key by its (key ID|key ARN)$`, f.callNaming)
	sc.When(`^I call `+opExpr+` naming the key by an alias name$`, f.callByAlias)
	sc.When(`^I call `+opExpr+` naming a key that does not exist$`, f.callMissingKey)
	sc.When(`^I call `+opExpr+` naming the key by a malformed ARN$`, f.callMalformedARN)
	sc.When(`^the second account calls `+opExpr+` naming the key by its key ARN$`, f.secondCalls, stepdef.Creates{SecondAccount: true})
	sc.When(`^I enable automatic rotation of the key every (\d+) days$`, f.enableEvery)
	sc.When(`^I list the key's rotations with IncludeKeyMaterial (ALL_KEY_MATERIAL|ROTATIONS_ONLY)$`, l.listIncluding)
	sc.When(`^I list the key's rotations with a Marker no listing gave$`, l.listBogusMarker)
	sc.When(`^I list the key's rotations (\d+) at a time, following NextMarker$`, l.listPaged)
}

// act makes r the call under test, as client c.
func (f *rotation) act(ctx context.Context, c *kms.Client, r request) error {
	id := aws.String(r.keyID)
	switch r.op {
	case "EnableKeyRotation":
		return scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.EnableKeyRotationOutput, error) {
			return c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: id, RotationPeriodInDays: r.period})
		})
	case "DisableKeyRotation":
		return scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.DisableKeyRotationOutput, error) {
			return c.DisableKeyRotation(ctx, &kms.DisableKeyRotationInput{KeyId: id})
		})
	case "GetKeyRotationStatus":
		return scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.GetKeyRotationStatusOutput, error) {
			return c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: id})
		})
	case "RotateKeyOnDemand":
		return scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.RotateKeyOnDemandOutput, error) {
			return c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: id})
		})
	case "ListKeyRotations":
		return scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.ListKeyRotationsOutput, error) {
			return c.ListKeyRotations(ctx, &kms.ListKeyRotationsInput{KeyId: id, IncludeKeyMaterial: r.include, Limit: r.limit, Marker: r.marker})
		})
	case "GetKeyLastUsage":
		return scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.GetKeyLastUsageOutput, error) {
			return c.GetKeyLastUsage(ctx, &kms.GetKeyLastUsageInput{KeyId: id})
		})
	}
	return fmt.Errorf("%s is not a rotation or key usage operation", r.op)
}

// --- Given ---

func (f *rotation) givenOwnAccount(ctx context.Context) error {
	return f.Isolate(ctx, "letting a key's rotation period pass", scenario.Quotas{})
}

// givenManagedKey moves the scenario into an account of its own and has
// the endpoint make the AWS managed key behind alias/aws/ebs there, by
// describing the alias (DescribeKey.07). An AWS managed key cannot be
// deleted, so it is never made in an account the run does not own.
func (f *rotation) givenManagedKey(ctx context.Context) error {
	if err := f.Isolate(ctx, "making an AWS managed key, which cannot be deleted", scenario.Quotas{}); err != nil {
		return err
	}
	md, err := f.Keys.DescribeKey(ctx, "alias/aws/ebs")
	if err != nil {
		return err
	}
	if md.KeyManager != types.KeyManagerTypeAws {
		return fmt.Errorf("alias/aws/ebs names a key managed by %s, not AWS", md.KeyManager)
	}
	// Not a created key: no cleanup may schedule its deletion. The run's
	// describe made it in an account of the scenario's own, so the calls
	// under test may name it, as they may name a key the run created.
	f.Key = &scenario.Key{ID: aws.ToString(md.KeyId), ARN: aws.ToString(md.Arn)}
	f.Env.Owned.Add(f.Key.ID, f.Key.ARN)
	return nil
}

// givenSharedKey creates a key whose policy keeps the account in control
// and lets any account read its rotation status.
func (f *rotation) givenSharedKey(ctx context.Context) error {
	// The account is only known from a key: a first key without the policy names it.
	probe, err := f.Keys.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		return err
	}
	parts := strings.SplitN(probe.ARN, ":", 6)
	if len(parts) < 6 || parts[4] == "" {
		return fmt.Errorf("CreateKey returned no usable key ARN (%q)", probe.ARN)
	}
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:%s:iam::%s:root"},"Action":"kms:*","Resource":"*"},`+
		`{"Sid":"AnyAccountMayReadRotation","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:GetKeyRotationStatus","Resource":"*"}]}`, parts[1], parts[4])
	_, err = f.Keys.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(policy)})
	return err
}

// givenOtherKey creates a second symmetric key; the scenario's key stays
// the one it was.
func (f *rotation) givenOtherKey(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	other, err := f.Keys.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		return err
	}
	f.Key, f.other = k, other
	return nil
}

func (f *rotation) givenRotationEnabled(ctx context.Context, period string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	if err := f.noteCreation(ctx, k); err != nil {
		return err
	}
	in := &kms.EnableKeyRotationInput{KeyId: aws.String(k.ID)}
	if period != "" {
		n, err := days(period)
		if err != nil {
			return err
		}
		in.RotationPeriodInDays = aws.Int32(n)
	}
	if _, err := scenario.Setup(ctx, f.Scenario, "EnableKeyRotation", func(ctx context.Context) (*kms.EnableKeyRotationOutput, error) {
		return f.Client.EnableKeyRotation(ctx, in)
	}); err != nil {
		return err
	}
	st, err := f.status(ctx)
	if err != nil {
		return err
	}
	f.next = aws.ToTime(st.NextRotationDate)
	return nil
}

// givenRotatedOnDemand rotates the key n times (once without a count),
// each time waiting until the rotation has completed, as KMS asks before
// the next.
func (f *rotation) givenRotatedOnDemand(ctx context.Context, times string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	n := 1
	if times != "" {
		if _, err := fmt.Sscan(times, &n); err != nil {
			return fmt.Errorf("rotation count %q: %w", times, err)
		}
	}
	for i := range n {
		before, err := f.rotationCount(ctx, k.ID)
		if err != nil {
			return err
		}
		if _, err := scenario.Setup(ctx, f.Scenario, "RotateKeyOnDemand", func(ctx context.Context) (*kms.RotateKeyOnDemandOutput, error) {
			return f.Client.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: aws.String(k.ID)})
		}); err != nil {
			return fmt.Errorf("rotation %d of %d: %w", i+1, n, err)
		}
		if err := f.awaitRotations(ctx, k.ID, before+1); err != nil {
			return err
		}
	}
	return nil
}

// givenSealed encrypts a message under the key and remembers it with the
// key material that was current.
func (f *rotation) givenSealed(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	if err := f.noteCreation(ctx, k); err != nil {
		return err
	}
	md, err := f.Keys.DescribeKey(ctx, k.ID)
	if err != nil {
		return err
	}
	plaintext := f.Env.Message()
	out, err := scenario.Setup(ctx, f.Scenario, "Encrypt", func(ctx context.Context) (*kms.EncryptOutput, error) {
		return f.Client.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(k.ID), Plaintext: plaintext})
	})
	if err != nil {
		return err
	}
	f.sealed = &sealedMessage{ciphertext: out.CiphertextBlob, plaintext: plaintext, material: aws.ToString(md.CurrentKeyMaterialId)}
	return nil
}

func (f *rotation) givenReEncrypted(ctx context.Context) error {
	if f.sealed == nil || f.other == nil {
		return fmt.Errorf("re-encrypting needs a message encrypted under the key and another key")
	}
	_, err := scenario.Setup(ctx, f.Scenario, "ReEncrypt", func(ctx context.Context) (*kms.ReEncryptOutput, error) {
		return f.Client.ReEncrypt(ctx, &kms.ReEncryptInput{CiphertextBlob: f.sealed.ciphertext, DestinationKeyId: aws.String(f.other.ID)})
	})
	return err
}

// givenRefusedDecrypt has the key asked to decrypt bytes that are no
// ciphertext of it, which must fail.
func (f *rotation) givenRefusedDecrypt(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	_, o := scenario.Do(ctx, f.Scenario, "Decrypt", func(ctx context.Context) (*kms.DecryptOutput, error) {
		return f.Client.Decrypt(ctx, &kms.DecryptInput{KeyId: aws.String(k.ID), CiphertextBlob: []byte("kmsconform: not a ciphertext of any key")})
	})
	if o.Err == nil {
		return fmt.Errorf("Decrypt of bytes that are no ciphertext succeeded")
	}
	return nil
}

func (f *rotation) givenDeletionCancelled(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	if _, err := scenario.Setup(ctx, f.Scenario, "CancelKeyDeletion", func(ctx context.Context) (*kms.CancelKeyDeletionOutput, error) {
		return f.Client.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: aws.String(k.ID)})
	}); err != nil {
		return err
	}
	k.Scheduled = false
	return nil
}

func (f *rotation) givenEnabledAgain(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	_, err = scenario.Setup(ctx, f.Scenario, "EnableKey", func(ctx context.Context) (*kms.EnableKeyOutput, error) {
		return f.Client.EnableKey(ctx, &kms.EnableKeyInput{KeyId: aws.String(k.ID)})
	})
	return err
}

func (f *rotation) daysPass(ctx context.Context, n string) error {
	d, err := days(n)
	if err != nil {
		return err
	}
	return f.advance(ctx, time.Duration(d)*day)
}

// givenRotationMinutesAway lets time pass until the key's next automatic
// rotation is n minutes away on the endpoint's clock.
func (f *rotation) givenRotationMinutesAway(ctx context.Context, n int) error {
	st, err := f.status(ctx)
	if err != nil {
		return err
	}
	if st.NextRotationDate == nil {
		return fmt.Errorf("the key has no NextRotationDate to wait for")
	}
	wait := aws.ToTime(st.NextRotationDate).Sub(f.endpointNow()) - time.Duration(n)*time.Minute
	if wait <= 0 {
		return fmt.Errorf("the next rotation is already less than %d minutes away", n)
	}
	return f.advance(ctx, wait)
}

// advance lets d pass in the scenario's own account.
func (f *rotation) advance(ctx context.Context, d time.Duration) error {
	if f.Account == nil {
		return fmt.Errorf("time can pass only in an account of the scenario's own: the scenario must start with one")
	}
	if err := f.AdvanceClock(ctx, d); err != nil {
		return err
	}
	f.advanced += d
	return nil
}

// --- When ---

func (f *rotation) callOnKey(ctx context.Context, op, which string) error {
	k := f.Key
	if which == "the other key" {
		k = f.other
	}
	if k == nil {
		return fmt.Errorf("the scenario has no %s", strings.TrimPrefix(which, "the "))
	}
	return f.act(ctx, f.Client, request{op: op, keyID: k.ID})
}

// callOnPrimary calls op on the scenario's multi-Region key in the run's own
// Region, while the scenario acts on its replica: both share the key ID.
func (f *rotation) callOnPrimary(ctx context.Context, op string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	return f.act(ctx, f.HomeClient(), request{op: op, keyID: k.ID})
}

func (f *rotation) callNaming(ctx context.Context, op, form string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	id := k.ID
	if form == "key ARN" {
		id = k.ARN
	}
	return f.act(ctx, f.Client, request{op: op, keyID: id})
}

func (f *rotation) callByAlias(ctx context.Context, op string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	alias, err := f.Keys.NewAlias(ctx, k)
	if err != nil {
		return err
	}
	return f.act(ctx, f.Client, request{op: op, keyID: alias})
}

func (f *rotation) callMissingKey(ctx context.Context, op string) error {
	return f.act(ctx, f.Client, request{op: op, keyID: f.Env.MadeUp(scenario.MissingKeyID())})
}

func (f *rotation) callMalformedARN(ctx context.Context, op string) error {
	return f.act(ctx, f.Client, request{op: op, keyID: scenario.MalformedKeyARN(f.Env.Region)})
}

func (f *rotation) secondCalls(ctx context.Context, op string) error {
	k, c, err := f.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	return f.act(ctx, c, request{op: op, keyID: k.ARN})
}

func (f *rotation) enableEvery(ctx context.Context, period string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	if err := f.noteCreation(ctx, k); err != nil {
		return err
	}
	n, err := days(period)
	if err != nil {
		return err
	}
	return f.act(ctx, f.Client, request{op: "EnableKeyRotation", keyID: k.ID, period: aws.Int32(n)})
}

// --- helpers ---

// days parses a number of days.
func days(s string) (int32, error) {
	var n int32
	if _, err := fmt.Sscan(s, &n); err != nil {
		return 0, fmt.Errorf("days %q: %w", s, err)
	}
	return n, nil
}

// noteCreation remembers when the endpoint created k, once: the times the
// checks compare come from the endpoint's clock, not the runner's.
func (f *rotation) noteCreation(ctx context.Context, k *scenario.Key) error {
	if !f.created.IsZero() {
		return nil
	}
	md, err := f.Keys.DescribeKey(ctx, k.ID)
	if err != nil {
		return err
	}
	f.created = aws.ToTime(md.CreationDate)
	return nil
}

// endpointNow estimates the endpoint's clock: the key's creation, the time
// the scenario let pass, and the real time since the scenario started (an
// upper bound of the time since the creation).
func (f *rotation) endpointNow() time.Time {
	return f.created.Add(f.advanced).Add(time.Since(f.Started))
}

// status reads the key's rotation status outside the call under test.
func (f *rotation) status(ctx context.Context) (*kms.GetKeyRotationStatusOutput, error) {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return nil, err
	}
	return scenario.Setup(ctx, f.Scenario, "GetKeyRotationStatus", func(ctx context.Context) (*kms.GetKeyRotationStatusOutput, error) {
		return f.Client.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(k.ID)})
	})
}

// listAll lists every rotation entry of the key, ALL_KEY_MATERIAL, outside
// the call under test.
func (f *rotation) listAll(ctx context.Context, keyID string) ([]types.RotationsListEntry, error) {
	var all []types.RotationsListEntry
	var marker *string
	for {
		out, err := scenario.Setup(ctx, f.Scenario, "ListKeyRotations", func(ctx context.Context) (*kms.ListKeyRotationsOutput, error) {
			return f.Client.ListKeyRotations(ctx, &kms.ListKeyRotationsInput{KeyId: aws.String(keyID), IncludeKeyMaterial: types.IncludeKeyMaterialAllKeyMaterial,
				Limit: aws.Int32(1000), Marker: marker})
		})
		if err != nil {
			return nil, err
		}
		all = append(all, out.Rotations...)
		if !out.Truncated || out.NextMarker == nil {
			return all, nil
		}
		marker = out.NextMarker
	}
}

// rotationCount is how many completed rotations the key has.
func (f *rotation) rotationCount(ctx context.Context, keyID string) (int, error) {
	all, err := f.listAll(ctx, keyID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range all {
		if e.RotationType != "" {
			n++
		}
	}
	return n, nil
}

// awaitRotations waits until the key has completed want rotations: real
// KMS rotates in the background.
func (f *rotation) awaitRotations(ctx context.Context, keyID string, want int) error {
	deadline := time.Now().Add(f.Env.Timeouts.Connect)
	for {
		n, err := f.rotationCount(ctx, keyID)
		if err != nil || n >= want {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("key %s has completed %d rotations after %v, want %d", keyID, n, f.Env.Timeouts.Connect, want)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(f.Env.Timeouts.Poll):
		}
	}
}
