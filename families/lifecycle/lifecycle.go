package lifecycle

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
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
	params *scenario.ImportParams
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
func (w *lifecycle) registerLifecycle(sc stepdef.Context) {
	sc.GivenChecks(`^a KMS key with origin `+keyOriginExpr+` in state `+scenario.KeyState+`$`, w.givenKeyOfOriginIn,
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
func (w *lifecycle) lifecycleCall(ctx context.Context, c *kms.Client, op, keyID string, window *int32) error {
	id := aws.String(keyID)
	w.lifecycle.calledAt = time.Now()
	switch op {
	case "ScheduleKeyDeletion":
		return scenario.Act(ctx, w.Scenario, op, func(ctx context.Context) (*kms.ScheduleKeyDeletionOutput, error) {
			return c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: id, PendingWindowInDays: window})
		})
	case "CancelKeyDeletion":
		return scenario.Act(ctx, w.Scenario, op, func(ctx context.Context) (*kms.CancelKeyDeletionOutput, error) {
			return c.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: id})
		})
	case "EnableKey":
		return scenario.Act(ctx, w.Scenario, op, func(ctx context.Context) (*kms.EnableKeyOutput, error) {
			return c.EnableKey(ctx, &kms.EnableKeyInput{KeyId: id})
		})
	case "DisableKey":
		return scenario.Act(ctx, w.Scenario, op, func(ctx context.Context) (*kms.DisableKeyOutput, error) {
			return c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: id})
		})
	}
	return fmt.Errorf("%s is not a key lifecycle operation", op)
}

// lifecycleOnScenarioKey makes op the call under test on k, named by its
// key ID or ARN, as client c.
func (w *lifecycle) lifecycleOnScenarioKey(ctx context.Context, c *kms.Client, op string, k *scenario.Key, keyID string, window *int32) error {
	if op == "CancelKeyDeletion" {
		// Whatever the answer, cleanup must not trust that the key is still
		// scheduled for deletion: it checks the key and schedules it again.
		k.Scheduled = false
	}
	return w.lifecycleCall(ctx, c, op, keyID, window)
}

// noteDeletionDate remembers the key's DeletionDate, if it has one.
func (w *lifecycle) noteDeletionDate(ctx context.Context, k *scenario.Key) error {
	md, err := w.Keys.DescribeKey(ctx, k.ID)
	if err != nil {
		return err
	}
	w.lifecycle.deletionDate = aws.ToTime(md.DeletionDate)
	return nil
}

// lifecycleOnKey makes a lifecycle call on the scenario's key. Deletion is
// scheduled with the shortest waiting period, the cheapest on a real account.
func (w *lifecycle) lifecycleOnKey(ctx context.Context, verb string) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	return w.lifecycleOnScenarioKey(ctx, w.Client, lifecycleOperation(verb), k, k.ID, aws.Int32(scenario.MinimumWaitingPeriod))
}

func (w *lifecycle) scheduleDeletionWithWindow(ctx context.Context, days string) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(days, 10, 32)
	if err != nil {
		return fmt.Errorf("waiting period %q: %w", days, err)
	}
	return w.lifecycleOnScenarioKey(ctx, w.Client, "ScheduleKeyDeletion", k, k.ID, aws.Int32(int32(n)))
}

func (w *lifecycle) scheduleDeletionDefaultWindow(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	return w.lifecycleOnScenarioKey(ctx, w.Client, "ScheduleKeyDeletion", k, k.ID, nil)
}

func (w *lifecycle) lifecycleOnMissingKey(ctx context.Context, verb string) error {
	return w.lifecycleCall(ctx, w.Client, lifecycleOperation(verb), w.Env.MadeUp(scenario.MissingKeyID()), aws.Int32(scenario.MinimumWaitingPeriod))
}

func (w *lifecycle) lifecycleOnMalformedARN(ctx context.Context, verb string) error {
	return w.lifecycleCall(ctx, w.Client, lifecycleOperation(verb), scenario.MalformedKeyARN(w.Env.Region), aws.Int32(scenario.MinimumWaitingPeriod))
}

func (w *lifecycle) secondAccountLifecycle(ctx context.Context, verb string) error {
	k, c, err := w.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	return w.lifecycleOnScenarioKey(ctx, c, lifecycleOperation(verb), k, k.ARN, aws.Int32(scenario.MinimumWaitingPeriod))
}

// givenKeyOfOriginIn creates a key of the given origin and brings it into
// state. An EXTERNAL key gets key material unless it is to stay
// PendingImport, and import parameters fetched before it leaves a state that
// allows fetching them. A key in a custom key store gets a CONNECTED store of
// its own; it is Unavailable once that store is disconnected.
func (w *lifecycle) givenKeyOfOriginIn(ctx context.Context, origin, state string) error {
	switch types.OriginType(origin) {
	case types.OriginTypeAwsKms:
		if _, err := w.Keys.CreateKey(ctx, &kms.CreateKeyInput{}); err != nil {
			return err
		}
	case types.OriginTypeExternal:
		if err := w.Keys.GivenImportKey(ctx); err != nil {
			return err
		}
		if err := w.prepareImportedKey(ctx, w.Key, types.KeyState(state)); err != nil {
			return err
		}
	case types.OriginTypeAwsCloudhsm:
		if err := w.Stores.ConnectedStoreKey(ctx, scenario.KindCloudHSM); err != nil {
			return err
		}
	default:
		if err := w.Stores.ConnectedStoreKey(ctx, scenario.KindExternal); err != nil {
			return err
		}
	}
	if err := w.Keys.GivenKeyState(ctx, state); err != nil {
		return err
	}
	if types.KeyState(state) == types.KeyStatePendingDeletion {
		return w.noteDeletionDate(ctx, w.Key)
	}
	return nil
}

// prepareImportedKey gives a new EXTERNAL key its material (unless it is to
// be PendingImport) and fetches import parameters for a later import: once
// the key leaves PendingImport or is deleted, it can no longer get them.
func (w *lifecycle) prepareImportedKey(ctx context.Context, k *scenario.Key, state types.KeyState) error {
	if state != types.KeyStatePendingImport {
		if err := w.Keys.ImportMaterial(ctx, k); err != nil {
			return err
		}
	}
	p, err := w.Keys.FetchParams(ctx, k, scenario.DefaultWrappingSpec, scenario.DefaultWrappingAlgorithm)
	if err != nil {
		return err
	}
	w.lifecycle.params = p
	return nil
}

// keptMaterialImport is the request that imports into k, under p, the key
// material the scenario imported into it before (fresh material if none),
// so that the matrix imports the very same material again; and that material.
func (w *lifecycle) keptMaterialImport(k *scenario.Key, p *scenario.ImportParams) (*kms.ImportKeyMaterialInput, []byte, error) {
	material, ok := w.Importing.Materials[k.ID]
	if !ok {
		var err error
		if material, err = scenario.KeyMaterialFor(types.KeySpecSymmetricDefault); err != nil {
			return nil, nil, err
		}
	}
	in, err := scenario.ImportRequest(k.ID, p, "", material)
	if err != nil {
		return nil, nil, fmt.Errorf("wrapping the kept key material for key %s: %w", k.ID, err)
	}
	return in, material, nil
}

// callOnKeyUnderTest makes op the call under test on the scenario's key, for
// the key-state matrix.
func (w *lifecycle) callOnKeyUnderTest(ctx context.Context, op string) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	switch op {
	case "DescribeKey":
		return w.Keys.DescribeTheKey(ctx)
	case "DeleteImportedKeyMaterial":
		return w.Keys.DeleteMaterial(ctx)
	case "GetParametersForImport":
		return w.Keys.GetParamsAs(ctx, w.Client, k.ID, scenario.DefaultWrappingSpec, scenario.DefaultWrappingAlgorithm)
	case "ImportKeyMaterial":
		return w.importIntoKeyUnderTest(ctx, k)
	}
	return w.lifecycleOnScenarioKey(ctx, w.Client, op, k, k.ID, aws.Int32(scenario.MinimumWaitingPeriod))
}

// importIntoKeyUnderTest imports the scenario's kept material (the same
// material again, if the key has it already) with the import parameters
// fetched while the key allowed it. A key that cannot take imported material
// has no parameters: it gets a token and wrapped material of valid sizes
// that no endpoint issued, since its origin, not the token, is what the call
// must be refused for.
func (w *lifecycle) importIntoKeyUnderTest(ctx context.Context, k *scenario.Key) error {
	var in *kms.ImportKeyMaterialInput
	var err error
	if p := w.lifecycle.params; p != nil {
		in, _, err = w.keptMaterialImport(k, p)
	} else {
		in, err = unissuedImport(k.ID)
	}
	if err != nil {
		return err
	}
	if err := w.Keys.ImportAs(ctx, w.Client, in); err != nil {
		return err
	}
	if out, ok := w.Output.(*kms.ImportKeyMaterialOutput); ok && w.Last.Err == nil {
		k.Material = aws.ToString(out.KeyMaterialId)
	}
	return nil
}

// unissuedImport is an ImportKeyMaterial request for keyID whose import
// token and wrapped key material have valid sizes but come from no endpoint.
func unissuedImport(keyID string) (*kms.ImportKeyMaterialInput, error) {
	token, err := scenario.RandomBytes(64)
	if err != nil {
		return nil, err
	}
	wrapped, err := scenario.RandomBytes(256)
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
func (w *lifecycle) checkDeletionDate(got *time.Time, days int) string {
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

func (w *lifecycle) thenScheduleResponse(days int) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	out, err := scenario.OutputUnderTest[*kms.ScheduleKeyDeletionOutput](w.Scenario, "ScheduleKeyDeletion")
	if err != nil {
		return err
	}
	var problems []string
	if got := aws.ToString(out.KeyId); got != k.ARN {
		problems = append(problems, fmt.Sprintf("KeyId %q, want the key ARN %q", got, k.ARN))
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
func (w *lifecycle) thenPendingDeletionFor(ctx context.Context, days int) error {
	k, md, err := w.Keys.DescribeScenarioKey(ctx)
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
		return fmt.Errorf("DescribeKey shows key %s with %s", k.ID, strings.Join(problems, "; "))
	}
	return nil
}

func (w *lifecycle) thenSameDeletionDate(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	if w.lifecycle.deletionDate.IsZero() {
		return fmt.Errorf("the scenario did not see the key's first DeletionDate")
	}
	md, err := w.Keys.DescribeKey(ctx, k.ID)
	if err != nil {
		return err
	}
	if md.KeyState != types.KeyStatePendingDeletion {
		return fmt.Errorf("key %s is %s, want PendingDeletion", k.ID, md.KeyState)
	}
	if got := aws.ToTime(md.DeletionDate); !got.Equal(w.lifecycle.deletionDate) {
		return fmt.Errorf("key %s's DeletionDate moved from %s to %s", k.ID,
			w.lifecycle.deletionDate.UTC().Format(time.RFC3339), got.UTC().Format(time.RFC3339))
	}
	return nil
}

func (w *lifecycle) thenNotPendingDeletion(ctx context.Context) error {
	k, md, err := w.Keys.DescribeScenarioKey(ctx)
	if err != nil {
		return err
	}
	switch {
	case md.KeyState == types.KeyStatePendingDeletion || md.KeyState == "":
		return fmt.Errorf("key %s is %q, want it no longer PendingDeletion", k.ID, md.KeyState)
	case md.DeletionDate != nil:
		return fmt.Errorf("key %s still has DeletionDate %s", k.ID, md.DeletionDate.UTC().Format(time.RFC3339))
	}
	return nil
}

func (w *lifecycle) thenCancelResponse() error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	out, err := scenario.OutputUnderTest[*kms.CancelKeyDeletionOutput](w.Scenario, "CancelKeyDeletion")
	if err != nil {
		return err
	}
	if got := aws.ToString(out.KeyId); got != k.ARN {
		return fmt.Errorf("CancelKeyDeletion answered KeyId %q, want the key ARN %q", got, k.ARN)
	}
	return nil
}

func (w *lifecycle) thenEnabledFlag(ctx context.Context, state, flag string) error {
	k, md, err := w.Keys.DescribeScenarioKey(ctx)
	if err != nil {
		return err
	}
	if string(md.KeyState) != state || strconv.FormatBool(md.Enabled) != flag {
		return fmt.Errorf("DescribeKey shows key %s %q with Enabled %t, want %s with Enabled %s", k.ID, md.KeyState, md.Enabled, state, flag)
	}
	return nil
}

// thenStateAfterReconnect connects the key's store again and checks the state
// the key shows once it is available: the effect of a call made while it was
// Unavailable.
func (w *lifecycle) thenStateAfterReconnect(ctx context.Context, state string) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	if err := w.Stores.ConnectAndWait(ctx, s); err != nil {
		return err
	}
	return w.Keys.ExpectKeyState(ctx, k, types.KeyState(state))
}

// thenFailsWithEither checks a failure the docs give two possible errors for.
func (w *lifecycle) thenFailsWithEither(first, second string) error {
	o, err := w.NeedOutcome()
	if err != nil {
		return err
	}
	code := first
	if o.Code == second {
		code = second
	}
	if err := w.ThenFailsWith(code); err != nil {
		return fmt.Errorf("want %s or %s: %w", first, second, err)
	}
	return nil
}
