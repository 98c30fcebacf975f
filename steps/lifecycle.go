package steps

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsconform/kmsconform/stepdef"
)

// lifecycleState is a scenario's state for the steps of ScheduleKeyDeletion,
// CancelKeyDeletion, EnableKey and DisableKey, and the key-state matrix.
type lifecycleState struct {
	// deletionDate is the key's DeletionDate right after the scenario
	// scheduled its deletion, so that a later call can be shown not to have
	// moved it.
	deletionDate time.Time
	// params are import parameters fetched while the key still allowed it,
	// for the matrix rows that import into a key whose state no longer does.
	params *importParams
	// calledAt is when the latest lifecycle call under test was sent.
	calledAt time.Time
}

const (
	// keyOriginExpr names the kinds of key the lifecycle steps can make.
	keyOriginExpr = `(AWS_KMS|EXTERNAL|AWS_CLOUDHSM|EXTERNAL_KEY_STORE)`
	// lifecycleVerbExpr is how the feature files say the four lifecycle operations.
	lifecycleVerbExpr = `(schedule deletion of|cancel the deletion of|enable|disable)`
	// keyStateMatrixOps are the focus operations of the key-state table.
	keyStateMatrixOps = `(CancelKeyDeletion|DeleteImportedKeyMaterial|DescribeKey|DisableKey|EnableKey|GetParametersForImport|ImportKeyMaterial|ScheduleKeyDeletion)`

	// deletionDateSlack is how far a DeletionDate may stray from the moment
	// of the call plus the waiting period: clock skew between the runner and
	// the endpoint, and the time the calls take. The docs give the waiting
	// period in days and say nothing of rounding.
	deletionDateSlack = time.Hour
)

// registerLifecycle binds the steps of ScheduleKeyDeletion, CancelKeyDeletion,
// EnableKey and DisableKey, and the key-state matrix.
func (w *world) registerLifecycle(sc stepdef.Context) {
	sc.GivenChecks(`^a KMS key with origin `+keyOriginExpr+` in state `+keyState+`$`, w.givenKeyOfOriginIn,
		stepdef.Creates{Keys: 1}, stepdef.Creates{CloudHSMStores: 1, IfArg: "AWS_CLOUDHSM"}, stepdef.Creates{ExternalStores: 1, IfArg: "EXTERNAL_KEY_STORE"})

	sc.When(`^I `+lifecycleVerbExpr+` the key$`, w.lifecycleOnKey)
	sc.When(`^I schedule deletion of the key with a waiting period of (\d+) days$`, w.scheduleDeletionWithWindow)
	sc.When(`^I schedule deletion of the key without naming a waiting period$`, w.scheduleDeletionDefaultWindow)
	sc.When(`^I `+lifecycleVerbExpr+` a key that does not exist$`, w.lifecycleOnMissingKey)
	sc.When(`^I `+lifecycleVerbExpr+` a key named by a malformed key ARN$`, w.lifecycleOnMalformedARN)
	sc.When(`^the second account tries to `+lifecycleVerbExpr+` the key by its key ARN$`, w.secondAccountLifecycle, stepdef.Creates{SecondAccount: true})
	sc.When(`^I call `+keyStateMatrixOps+` on the key$`, w.callOnKeyUnderTest)

	sc.Then(`^the response reports the key PendingDeletion with a waiting period of (\d+) days$`, w.thenScheduleResponse)
	sc.Then(`^the key is PendingDeletion, to be deleted in (\d+) days$`, w.thenPendingDeletionFor)
	sc.Then(`^the key is still PendingDeletion with the same deletion date$`, w.thenSameDeletionDate)
	sc.Then(`^the key is no longer pending deletion$`, w.thenNotPendingDeletion)
	sc.Then(`^the cancellation response names the key by its ARN$`, w.thenCancelResponse)
	sc.Then(`^the key is (Enabled|Disabled) with its Enabled flag (true|false)$`, w.thenEnabledFlag)
	sc.Then(`^once the key store is connected again, the key is (Enabled|Disabled)$`, w.thenStateAfterReconnect)
	sc.Then(`^the request fails with either ([A-Za-z]+) or ([A-Za-z]+)$`, w.thenFailsWithEither)
}

// lifecycleOperation is the operation a lifecycle verb of the feature files names.
func lifecycleOperation(verb string) string {
	switch verb {
	case "schedule deletion of":
		return "ScheduleKeyDeletion"
	case "cancel the deletion of":
		return "CancelKeyDeletion"
	case "enable":
		return "EnableKey"
	default:
		return "DisableKey"
	}
}

// lifecycleCall makes op, one of the four lifecycle operations, the call
// under test on keyID, as client c. window is ScheduleKeyDeletion's
// PendingWindowInDays (nil leaves it out); the other operations ignore it.
func (w *world) lifecycleCall(ctx context.Context, c *kms.Client, op, keyID string, window *int32) error {
	id := aws.String(keyID)
	w.lifecycle.calledAt = time.Now()
	switch op {
	case "ScheduleKeyDeletion":
		return act(ctx, w, op, func(ctx context.Context) (*kms.ScheduleKeyDeletionOutput, error) {
			return c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: id, PendingWindowInDays: window})
		})
	case "CancelKeyDeletion":
		return act(ctx, w, op, func(ctx context.Context) (*kms.CancelKeyDeletionOutput, error) {
			return c.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: id})
		})
	case "EnableKey":
		return act(ctx, w, op, func(ctx context.Context) (*kms.EnableKeyOutput, error) {
			return c.EnableKey(ctx, &kms.EnableKeyInput{KeyId: id})
		})
	case "DisableKey":
		return act(ctx, w, op, func(ctx context.Context) (*kms.DisableKeyOutput, error) {
			return c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: id})
		})
	}
	return fmt.Errorf("%s is not a key lifecycle operation", op)
}

// lifecycleOnScenarioKey makes op the call under test on k, named by its
// key ID or ARN, as client c.
func (w *world) lifecycleOnScenarioKey(ctx context.Context, c *kms.Client, op string, k *key, keyID string, window *int32) error {
	if op == "CancelKeyDeletion" {
		// Whatever the answer, cleanup must not trust that the key is still
		// scheduled for deletion: it checks the key and schedules it again.
		k.scheduled = false
	}
	return w.lifecycleCall(ctx, c, op, keyID, window)
}

// noteDeletionDate remembers the key's DeletionDate, if it has one.
func (w *world) noteDeletionDate(ctx context.Context, k *key) error {
	md, err := w.describeKey(ctx, k.id)
	if err != nil {
		return err
	}
	w.lifecycle.deletionDate = aws.ToTime(md.DeletionDate)
	return nil
}

// lifecycleOnKey makes a lifecycle call on the scenario's key. Deletion is
// scheduled with the shortest waiting period, the cheapest on a real account.
func (w *world) lifecycleOnKey(ctx context.Context, verb string) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	return w.lifecycleOnScenarioKey(ctx, w.client, lifecycleOperation(verb), k, k.id, aws.Int32(minimumWaitingPeriod))
}

func (w *world) scheduleDeletionWithWindow(ctx context.Context, days string) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(days, 10, 32)
	if err != nil {
		return fmt.Errorf("waiting period %q: %w", days, err)
	}
	return w.lifecycleOnScenarioKey(ctx, w.client, "ScheduleKeyDeletion", k, k.id, aws.Int32(int32(n)))
}

func (w *world) scheduleDeletionDefaultWindow(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	return w.lifecycleOnScenarioKey(ctx, w.client, "ScheduleKeyDeletion", k, k.id, nil)
}

func (w *world) lifecycleOnMissingKey(ctx context.Context, verb string) error {
	return w.lifecycleCall(ctx, w.client, lifecycleOperation(verb), w.env.madeUp(missingKeyID()), aws.Int32(minimumWaitingPeriod))
}

func (w *world) lifecycleOnMalformedARN(ctx context.Context, verb string) error {
	return w.lifecycleCall(ctx, w.client, lifecycleOperation(verb), malformedKeyARN(w.env.Region), aws.Int32(minimumWaitingPeriod))
}

func (w *world) secondAccountLifecycle(ctx context.Context, verb string) error {
	k, c, err := w.keyForSecondAccount()
	if err != nil {
		return err
	}
	return w.lifecycleOnScenarioKey(ctx, c, lifecycleOperation(verb), k, k.arn, aws.Int32(minimumWaitingPeriod))
}

// givenKeyOfOriginIn creates a key of the given origin and brings it into
// state. An EXTERNAL key gets key material unless it is to stay
// PendingImport, and import parameters fetched before it leaves a state that
// allows fetching them. A key in a custom key store gets a CONNECTED store of
// its own; it is Unavailable once that store is disconnected.
func (w *world) givenKeyOfOriginIn(ctx context.Context, origin, state string) error {
	switch types.OriginType(origin) {
	case types.OriginTypeAwsKms:
		if _, err := w.createKey(ctx, &kms.CreateKeyInput{}); err != nil {
			return err
		}
	case types.OriginTypeExternal:
		if err := w.givenImportKey(ctx); err != nil {
			return err
		}
		if err := w.prepareImportedKey(ctx, w.key, types.KeyState(state)); err != nil {
			return err
		}
	case types.OriginTypeAwsCloudhsm:
		if err := w.connectedStoreKey(ctx, kindCloudHSM); err != nil {
			return err
		}
	default:
		if err := w.connectedStoreKey(ctx, kindExternal); err != nil {
			return err
		}
	}
	if err := w.givenKeyState(ctx, state); err != nil {
		return err
	}
	if types.KeyState(state) == types.KeyStatePendingDeletion {
		return w.noteDeletionDate(ctx, w.key)
	}
	return nil
}

// prepareImportedKey gives a new EXTERNAL key its material (unless it is to
// be PendingImport) and fetches import parameters for a later import: once
// the key leaves PendingImport or is deleted, it can no longer get them.
func (w *world) prepareImportedKey(ctx context.Context, k *key, state types.KeyState) error {
	if state != types.KeyStatePendingImport {
		if err := w.importMaterial(ctx, k); err != nil {
			return err
		}
	}
	p, err := w.fetchParams(ctx, k, defaultWrappingSpec, defaultWrappingAlgorithm)
	if err != nil {
		return err
	}
	w.lifecycle.params = p
	return nil
}

// keptMaterialImport is the request that imports into k, under p, the key
// material the scenario imported into it before (fresh material if none),
// so that the matrix imports the very same material again; and that material.
func (w *world) keptMaterialImport(k *key, p *importParams) (*kms.ImportKeyMaterialInput, []byte, error) {
	material, ok := w.importing.materials[k.id]
	if !ok {
		var err error
		if material, err = keyMaterialFor(types.KeySpecSymmetricDefault); err != nil {
			return nil, nil, err
		}
	}
	in, err := importRequest(k.id, p, "", material)
	if err != nil {
		return nil, nil, fmt.Errorf("wrapping the kept key material for key %s: %w", k.id, err)
	}
	return in, material, nil
}

// reachKeyState brings k into the states the basic key step cannot:
// PendingImport (an EXTERNAL key loses its material, or never had any) and
// Unavailable (the custom key store holding the key is disconnected).
func (w *world) reachKeyState(ctx context.Context, k *key, state types.KeyState) error {
	switch state {
	case types.KeyStatePendingImport:
		if k.material == "" {
			return nil // an EXTERNAL key without material is PendingImport already
		}
		if err := w.deleteMaterialFirst(ctx, k); err != nil {
			return err
		}
		k.material = ""
		return nil
	case types.KeyStateUnavailable:
		if w.store == nil {
			return fmt.Errorf("only a key in a custom key store can be Unavailable, and the scenario has no key store")
		}
		return w.givenDisconnected(ctx)
	}
	return fmt.Errorf("the scenario cannot put a key in state %s", state)
}

// callOnKeyUnderTest makes op the call under test on the scenario's key, for
// the key-state matrix.
func (w *world) callOnKeyUnderTest(ctx context.Context, op string) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	switch op {
	case "DescribeKey":
		return w.describeTheKey(ctx)
	case "DeleteImportedKeyMaterial":
		return w.deleteMaterial(ctx)
	case "GetParametersForImport":
		return w.getParamsAs(ctx, w.client, k.id, defaultWrappingSpec, defaultWrappingAlgorithm)
	case "ImportKeyMaterial":
		return w.importIntoKeyUnderTest(ctx, k)
	}
	return w.lifecycleOnScenarioKey(ctx, w.client, op, k, k.id, aws.Int32(minimumWaitingPeriod))
}

// importIntoKeyUnderTest imports the scenario's kept material (the same
// material again, if the key has it already) with the import parameters
// fetched while the key allowed it. A key that cannot take imported material
// has no parameters: it gets a token and wrapped material of valid sizes
// that no endpoint issued, since its origin, not the token, is what the call
// must be refused for.
func (w *world) importIntoKeyUnderTest(ctx context.Context, k *key) error {
	var in *kms.ImportKeyMaterialInput
	var err error
	if p := w.lifecycle.params; p != nil {
		in, _, err = w.keptMaterialImport(k, p)
	} else {
		in, err = unissuedImport(k.id)
	}
	if err != nil {
		return err
	}
	if err := w.importAs(ctx, w.client, in); err != nil {
		return err
	}
	if out, ok := w.output.(*kms.ImportKeyMaterialOutput); ok && w.last.err == nil {
		k.material = aws.ToString(out.KeyMaterialId)
	}
	return nil
}

// unissuedImport is an ImportKeyMaterial request for keyID whose import
// token and wrapped key material have valid sizes but come from no endpoint.
func unissuedImport(keyID string) (*kms.ImportKeyMaterialInput, error) {
	token, err := randomBytes(64)
	if err != nil {
		return nil, err
	}
	wrapped, err := randomBytes(256)
	if err != nil {
		return nil, err
	}
	return &kms.ImportKeyMaterialInput{
		KeyId:                aws.String(keyID),
		ImportToken:          token,
		EncryptedKeyMaterial: wrapped,
		ExpirationModel:      types.ExpirationModelTypeKeyMaterialDoesNotExpire,
	}, nil
}

// checkDeletionDate says what is wrong with a DeletionDate that should lie
// days after the call under test, or "" when nothing is.
func (w *world) checkDeletionDate(got *time.Time, days int) string {
	if got == nil {
		return "no DeletionDate"
	}
	want := w.lifecycle.calledAt.Add(time.Duration(days) * 24 * time.Hour)
	if d := got.Sub(want); d > deletionDateSlack || d < -deletionDateSlack {
		return fmt.Sprintf("DeletionDate %s, want %d days after the call (%s, give or take %v)",
			got.UTC().Format(time.RFC3339), days, want.UTC().Format(time.RFC3339), deletionDateSlack)
	}
	return ""
}

func (w *world) thenScheduleResponse(days int) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	out, err := outputUnderTest[*kms.ScheduleKeyDeletionOutput](w, "ScheduleKeyDeletion")
	if err != nil {
		return err
	}
	var problems []string
	if got := aws.ToString(out.KeyId); got != k.arn {
		problems = append(problems, fmt.Sprintf("KeyId %q, want the key ARN %q", got, k.arn))
	}
	if out.KeyState != types.KeyStatePendingDeletion {
		problems = append(problems, fmt.Sprintf("KeyState %q, want PendingDeletion", out.KeyState))
	}
	if got := aws.ToInt32(out.PendingWindowInDays); got != int32(days) {
		problems = append(problems, fmt.Sprintf("PendingWindowInDays %d, want %d", got, days))
	}
	if p := w.checkDeletionDate(out.DeletionDate, days); p != "" {
		problems = append(problems, p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("ScheduleKeyDeletion answered %s", strings.Join(problems, "; "))
	}
	return nil
}

// thenPendingDeletionFor checks through DescribeKey that the key waits to be
// deleted days after the call under test, and is not enabled meanwhile.
func (w *world) thenPendingDeletionFor(ctx context.Context, days int) error {
	k, md, err := w.describeScenarioKey(ctx)
	if err != nil {
		return err
	}
	var problems []string
	if md.KeyState != types.KeyStatePendingDeletion {
		problems = append(problems, fmt.Sprintf("KeyState %q, want PendingDeletion", md.KeyState))
	}
	if md.Enabled {
		problems = append(problems, "Enabled true, want false")
	}
	if p := w.checkDeletionDate(md.DeletionDate, days); p != "" {
		problems = append(problems, p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("DescribeKey shows key %s with %s", k.id, strings.Join(problems, "; "))
	}
	return nil
}

func (w *world) thenSameDeletionDate(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	if w.lifecycle.deletionDate.IsZero() {
		return fmt.Errorf("the scenario did not see the key's first DeletionDate")
	}
	md, err := w.describeKey(ctx, k.id)
	if err != nil {
		return err
	}
	if md.KeyState != types.KeyStatePendingDeletion {
		return fmt.Errorf("key %s is %s, want PendingDeletion", k.id, md.KeyState)
	}
	if got := aws.ToTime(md.DeletionDate); !got.Equal(w.lifecycle.deletionDate) {
		return fmt.Errorf("key %s's DeletionDate moved from %s to %s", k.id,
			w.lifecycle.deletionDate.UTC().Format(time.RFC3339), got.UTC().Format(time.RFC3339))
	}
	return nil
}

func (w *world) thenNotPendingDeletion(ctx context.Context) error {
	k, md, err := w.describeScenarioKey(ctx)
	if err != nil {
		return err
	}
	switch {
	case md.KeyState == types.KeyStatePendingDeletion || md.KeyState == "":
		return fmt.Errorf("key %s is %q, want it no longer PendingDeletion", k.id, md.KeyState)
	case md.DeletionDate != nil:
		return fmt.Errorf("key %s still has DeletionDate %s", k.id, md.DeletionDate.UTC().Format(time.RFC3339))
	}
	return nil
}

func (w *world) thenCancelResponse() error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	out, err := outputUnderTest[*kms.CancelKeyDeletionOutput](w, "CancelKeyDeletion")
	if err != nil {
		return err
	}
	if got := aws.ToString(out.KeyId); got != k.arn {
		return fmt.Errorf("CancelKeyDeletion answered KeyId %q, want the key ARN %q", got, k.arn)
	}
	return nil
}

func (w *world) thenEnabledFlag(ctx context.Context, state, flag string) error {
	k, md, err := w.describeScenarioKey(ctx)
	if err != nil {
		return err
	}
	if string(md.KeyState) != state || strconv.FormatBool(md.Enabled) != flag {
		return fmt.Errorf("DescribeKey shows key %s %q with Enabled %t, want %s with Enabled %s", k.id, md.KeyState, md.Enabled, state, flag)
	}
	return nil
}

// thenStateAfterReconnect connects the key's store again and checks the state
// the key shows once it is available: the effect of a call made while it was
// Unavailable.
func (w *world) thenStateAfterReconnect(ctx context.Context, state string) error {
	s, err := w.needStore()
	if err != nil {
		return err
	}
	k, err := w.needKey()
	if err != nil {
		return err
	}
	if err := w.connectAndWait(ctx, s); err != nil {
		return err
	}
	return w.expectKeyState(ctx, k, types.KeyState(state))
}

// thenFailsWithEither checks a failure the docs give two possible errors for.
func (w *world) thenFailsWithEither(first, second string) error {
	o, err := w.needOutcome()
	if err != nil {
		return err
	}
	code := first
	if o.code == second {
		code = second
	}
	if err := w.thenFailsWith(code); err != nil {
		return fmt.Errorf("want %s or %s: %w", first, second, err)
	}
	return nil
}
