package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/kmsconform/kmsconform/kmserrors"
	"github.com/kmsconform/kmsconform/stepdef"
)

const (
	KindExpr  = `(CloudHSM|external)`
	StateExpr = `(CONNECTED|CONNECTING|FAILED|DISCONNECTED|DISCONNECTING)`
	KeyState  = `(Enabled|Disabled|PendingDeletion|PendingImport|Unavailable)`
)

// Register binds the steps every family shares: the keys and key stores
// a scenario starts from, and the outcome of the call under test.
func (w *Scenario) Register(sc stepdef.Context) {
	// Custom key stores.
	sc.GivenChecks(`^an? `+KindExpr+` key store that is `+StateExpr+`$`, w.Stores.StoreIn, stepdef.Creates{CloudHSMStores: 1, IfArg: "CloudHSM"}, stepdef.Creates{ExternalStores: 1, IfArg: "external"})
	sc.Given(`^a KMS key in the key store$`, w.Stores.givenKeyInStore, stepdef.Creates{Keys: 1})
	sc.GivenChecks(`^the key store has been disconnected$`, w.Stores.givenDisconnected)
	sc.Then(`^the key store (?:still exists and )?is `+StateExpr+`$`, w.Stores.thenStoreIs)
	sc.Then(`^the key store becomes `+StateExpr+`$`, w.Stores.thenStoreBecomes)

	// Keys and imported key material.
	sc.Given(`^a symmetric KMS key for imported key material$`, w.Keys.GivenImportKey, stepdef.Creates{Keys: 1})
	sc.Given(`^the key material has been imported$`, w.Keys.givenImported)
	sc.Given(`^the key is scheduled for deletion$`, w.Keys.givenScheduled)
	sc.GivenChecks(`^the key is `+KeyState+`$`, w.Keys.GivenKeyState)
	sc.Given(`^a KMS key whose origin is (AWS_KMS|AWS_CLOUDHSM|EXTERNAL_KEY_STORE)$`, w.Keys.givenKeyWithOrigin, stepdef.Creates{Keys: 1}, stepdef.Creates{CloudHSMStores: 1, IfArg: "AWS_CLOUDHSM"}, stepdef.Creates{ExternalStores: 1, IfArg: "EXTERNAL_KEY_STORE"})
	sc.When(`^I describe the key$`, w.Keys.DescribeTheKey)
	sc.When(`^I encrypt a message with the key$`, w.Keys.encrypt)
	sc.Then(`^the key is `+KeyState+`$`, w.Keys.thenKeyIs)
	sc.Then(`^the key is Enabled with the same key material$`, w.Keys.thenKeyUnchanged)

	// Outcomes and conditions the API cannot produce.
	sc.Then(`^the request fails with ([A-Za-z]+)$`, w.ThenFailsWith)
	sc.Then(`^the request fails with a client error$`, w.thenClientError)
	sc.Then(`^the request succeeds$`, w.ThenSucceeds)
	sc.Then(`^the request succeeds with an empty response$`, w.thenEmptyResponse)
	sc.Given(`^`+untestablePrefix+`(.+)$`, w.givenUntestable)

	w.registerValidation(sc)
}

func (w *Stores) givenKeyInStore(ctx context.Context) error {
	s, err := w.NeedStore()
	if err != nil {
		return err
	}
	return w.keyInStore(ctx, s)
}

func (w *Stores) givenDisconnected(ctx context.Context) error {
	s, err := w.NeedStore()
	if err != nil {
		return err
	}
	if err := w.disconnect(ctx, s); err != nil {
		return err
	}
	return w.waitState(ctx, s, types.ConnectionStateTypeDisconnected, w.Env.Timeouts.Disconnect)
}

// secondClient is a client acting as the run's second account.
func (w *Scenario) SecondClient() (*kms.Client, error) {
	if w.Env.Second == nil {
		return nil, w.Skip("%s", w.Env.SecondMissing)
	}
	if w.second == nil {
		w.second = w.Env.newClient(w.Env.Second, HeaderValue(w.id), &w.rec)
	}
	return w.second, nil
}

func (w *Stores) thenStoreIs(ctx context.Context, state string) error {
	s, err := w.NeedStore()
	if err != nil {
		return err
	}
	return w.expectState(ctx, s, types.ConnectionStateType(state))
}

// thenStoreBecomes waits for an asynchronous transition.
func (w *Stores) thenStoreBecomes(ctx context.Context, state string) error {
	s, err := w.NeedStore()
	if err != nil {
		return err
	}
	return w.SettleInto(ctx, s, types.ConnectionStateType(state))
}

func (w *Keys) GivenImportKey(ctx context.Context) error {
	if w.Untestable != "" {
		return w.Skip("untestable: %s", w.Untestable)
	}
	_, err := w.CreateImportKey(ctx)
	return err
}

func (w *Keys) givenImported(ctx context.Context) error {
	k, err := w.NeedKey()
	if err != nil {
		return err
	}
	return w.ImportMaterial(ctx, k)
}

func (w *Keys) givenScheduled(ctx context.Context) error {
	k, err := w.NeedKey()
	if err != nil {
		return err
	}
	if _, err := Setup(ctx, w.Scenario, "ScheduleKeyDeletion", func(ctx context.Context) (*kms.ScheduleKeyDeletionOutput, error) {
		return w.Client.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(k.ID), PendingWindowInDays: aws.Int32(MinimumWaitingPeriod)})
	}); err != nil {
		return err
	}
	k.Scheduled = true
	return nil
}

// givenKeyState brings the scenario's key into state.
func (w *Keys) GivenKeyState(ctx context.Context, state string) error {
	k, err := w.NeedKey()
	if err != nil {
		return err
	}
	switch types.KeyState(state) {
	case types.KeyStateEnabled:
	case types.KeyStateDisabled:
		if _, err := Setup(ctx, w.Scenario, "DisableKey", func(ctx context.Context) (*kms.DisableKeyOutput, error) {
			return w.Client.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(k.ID)})
		}); err != nil {
			return err
		}
	case types.KeyStatePendingDeletion:
		if err := w.givenScheduled(ctx); err != nil {
			return err
		}
	default:
		if err := w.reachKeyState(ctx, k, types.KeyState(state)); err != nil {
			return err
		}
	}
	return w.ExpectKeyState(ctx, k, types.KeyState(state))
}

func (w *Keys) givenKeyWithOrigin(ctx context.Context, origin string) error {
	switch types.OriginType(origin) {
	case types.OriginTypeAwsKms:
		_, err := w.CreateKey(ctx, &kms.CreateKeyInput{})
		return err
	case types.OriginTypeAwsCloudhsm:
		return w.Stores.ConnectedStoreKey(ctx, KindCloudHSM)
	default:
		return w.Stores.ConnectedStoreKey(ctx, KindExternal)
	}
}

func (w *Stores) ConnectedStoreKey(ctx context.Context, kind string) error {
	if err := w.StoreIn(ctx, kind, string(types.ConnectionStateTypeConnected)); err != nil {
		return err
	}
	return w.keyInStore(ctx, w.Store)
}

func (w *Keys) DescribeTheKey(ctx context.Context) error {
	k, err := w.NeedKey()
	if err != nil {
		return err
	}
	return w.DescribeAs(ctx, w.Client, k.ID)
}

func (w *Keys) encrypt(ctx context.Context) error {
	k, err := w.NeedKey()
	if err != nil {
		return err
	}
	return Act(ctx, w.Scenario, "Encrypt", func(ctx context.Context) (*kms.EncryptOutput, error) {
		return w.Client.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(k.ID), Plaintext: w.Env.Message()})
	})
}

func (w *Keys) DeleteMaterialAs(ctx context.Context, c *kms.Client, keyID, materialID string) error {
	in := &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(keyID)}
	if materialID != "" {
		in.KeyMaterialId = aws.String(materialID)
	}
	return Act(ctx, w.Scenario, "DeleteImportedKeyMaterial", func(ctx context.Context) (*kms.DeleteImportedKeyMaterialOutput, error) {
		return c.DeleteImportedKeyMaterial(ctx, in)
	})
}

func (w *Keys) DeleteMaterial(ctx context.Context) error {
	k, err := w.NeedKey()
	if err != nil {
		return err
	}
	return w.DeleteMaterialAs(ctx, w.Client, k.ID, "")
}

func (w *Keys) thenKeyIs(ctx context.Context, state string) error {
	k, err := w.NeedKey()
	if err != nil {
		return err
	}
	return w.ExpectKeyState(ctx, k, types.KeyState(state))
}

func (w *Keys) thenKeyUnchanged(ctx context.Context) error {
	k, md, err := w.DescribeScenarioKey(ctx)
	if err != nil {
		return err
	}
	if md.KeyState != types.KeyStateEnabled {
		return fmt.Errorf("key %s is %s, want Enabled", k.ID, md.KeyState)
	}
	if got := aws.ToString(md.CurrentKeyMaterialId); got != k.Material {
		return fmt.Errorf("key %s's current key material is %q, want %q", k.ID, got, k.Material)
	}
	return nil
}

func (w *Scenario) NeedOutcome() (outcome, error) {
	if !w.Tested {
		return outcome{}, fmt.Errorf("no request was made")
	}
	if w.unsupported != "" {
		return w.Last, &explained{msg: w.unsupported, err: w.Last.Err}
	}
	return w.Last, nil
}

func (w *Scenario) ThenFailsWith(code string) error {
	o, err := w.NeedOutcome()
	if err != nil {
		return err
	}
	switch {
	case o.Err == nil:
		return fmt.Errorf("%s succeeded (HTTP %d), want %s", o.Op, o.Status, code)
	case o.Status == 0:
		return fmt.Errorf("want %s: %w", code, o.Failure())
	case o.Code != code:
		return fmt.Errorf("want %s (HTTP %d): %w", code, kmserrors.Status(code), o.Failure())
	}
	failure, finding := kmserrors.Verdict(code, o.Status)
	if failure != "" {
		return errors.New(failure)
	}
	if finding != "" {
		w.Finding("%s; a client cannot tell the difference", finding)
	}
	return nil
}

// thenClientError checks a call the documentation forbids without naming the
// error: it must fail as a client error. The code is recorded as Observed.
// Throttling (which includes LimitExceededException, as the SDKs count it)
// is no such answer: it says the endpoint did not judge the request at all,
// and the docs give it for no condition this step checks.
func (w *Scenario) thenClientError() error {
	o, err := w.NeedOutcome()
	if err != nil {
		return err
	}
	return clientErrorProblem(o)
}

// clientErrorProblem says why o is not a client error that refuses the request.
func clientErrorProblem(o outcome) error {
	_, throttling := retry.DefaultThrottleErrorCodes[o.Code]
	switch {
	case o.Err == nil:
		return fmt.Errorf("%s succeeded (HTTP %d), want a client error", o.Op, o.Status)
	case o.Status < 400 || o.Status > 499:
		return fmt.Errorf("want a client error (HTTP 4xx): %w", o.Failure())
	case throttling || o.Status == http.StatusTooManyRequests:
		return fmt.Errorf("want a client error that refuses the request, not throttling: %w", o.Failure())
	}
	return nil
}

// problemsError is nil when a check found nothing wrong, and otherwise says
// what was checked and everything found wrong with it.
func ProblemsError(problems []string, what string) error {
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", what, strings.Join(problems, "; "))
}

func (w *Scenario) ThenSucceeds() error {
	o, err := w.NeedOutcome()
	if err != nil {
		return err
	}
	if o.Err != nil {
		return fmt.Errorf("want success: %w", o.Failure())
	}
	return nil
}

// thenEmptyResponse checks the answer of an operation whose response the
// API model gives no members: a JSON object, {}. A member the model does not
// list is a finding, not a failure: real KMS adds response members over time
// (DeleteImportedKeyMaterial gained KeyId and KeyMaterialId), and SDKs ignore
// members they do not know.
func (w *Scenario) thenEmptyResponse() error {
	if err := w.ThenSucceeds(); err != nil {
		return err
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimSpace(w.Last.Body), &v); err != nil || v == nil {
		return fmt.Errorf("%s answered %s, want a JSON object, {}", w.Last.Op, Excerpt(string(w.Last.Body), 200))
	}
	listed := outputMembers(w.Last.Op)
	var extra []string
	for name := range v {
		if !listed[name] {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		w.Finding("%s's response holds %s, which the API model does not list for it; SDKs ignore members they do not know",
			w.Last.Op, strings.Join(extra, ", "))
	}
	return nil
}

// outputMembers are the members the API model, as the pinned Go SDK has it,
// gives op's response.
func outputMembers(op string) map[string]bool {
	m, ok := reflect.TypeFor[*kms.Client]().MethodByName(op)
	if !ok || m.Type.NumOut() != 2 || m.Type.Out(0).Kind() != reflect.Pointer {
		return nil
	}
	out := m.Type.Out(0).Elem()
	members := map[string]bool{}
	for i := range out.NumField() {
		if f := out.Field(i); f.IsExported() && f.Name != "ResultMetadata" {
			members[f.Name] = true
		}
	}
	return members
}

func (w *Scenario) givenUntestable(reason string) error {
	return w.Skip("untestable: %s", reason)
}

// unvalidated lets a request with a missing required member leave the SDK,
// whose client-side check would otherwise stop it: the point is what the
// endpoint answers.
func Unvalidated(o *kms.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	})
}
