package steps

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
	kindExpr  = `(CloudHSM|external)`
	stateExpr = `(CONNECTED|CONNECTING|FAILED|DISCONNECTED|DISCONNECTING)`
	keyState  = `(Enabled|Disabled|PendingDeletion|PendingImport|Unavailable)`
)

// register binds every step of the feature files to w.
func (w *world) register(sc stepdef.Context) {
	// Custom key stores.
	sc.GivenChecks(`^an? `+kindExpr+` key store that is `+stateExpr+`$`, w.storeIn, stepdef.Creates{CloudHSMStores: 1, IfArg: "CloudHSM"}, stepdef.Creates{ExternalStores: 1, IfArg: "external"})
	sc.Given(`^a KMS key in the key store$`, w.givenKeyInStore, stepdef.Creates{Keys: 1})
	sc.GivenChecks(`^the key store has been disconnected$`, w.givenDisconnected)
	sc.Given(`^the key store has been deleted$`, w.givenDeleted)
	sc.When(`^I delete a custom key store that does not exist$`, w.deleteMissingStore)
	sc.When(`^I delete the key store$`, w.deleteStore)
	sc.When(`^the second account deletes the key store by its ID$`, w.secondDeletesStore, stepdef.Creates{SecondAccount: true})
	sc.When(`^I disconnect a custom key store that does not exist$`, w.disconnectMissingStore)
	sc.When(`^I disconnect the key store$`, w.disconnectStore)
	sc.When(`^the second account disconnects the key store by its ID$`, w.secondDisconnectsStore, stepdef.Creates{SecondAccount: true})
	sc.When(`^I look up the key store by its ID$`, w.lookUpStore)
	sc.When(`^I create a new `+kindExpr+` key store on the same backing$`, w.createStoreOnSameBacking, stepdef.Creates{CloudHSMStores: 1, IfArg: "CloudHSM"}, stepdef.Creates{ExternalStores: 1, IfArg: "external"})
	sc.When(`^I create a KMS key in the key store$`, w.createKeyInStore, stepdef.Creates{Keys: 1})
	sc.Then(`^the key store (?:still exists and )?is `+stateExpr+`$`, w.thenStoreIs)
	sc.Then(`^the key store becomes `+stateExpr+`$`, w.thenStoreBecomes)
	sc.Then(`^the new key store can be connected$`, w.thenNewStoreConnects)

	// Keys and imported key material.
	sc.Given(`^a symmetric KMS key for imported key material$`, w.givenImportKey, stepdef.Creates{Keys: 1})
	sc.Given(`^the key material has been imported$`, w.givenImported)
	sc.Given(`^the key is scheduled for deletion$`, w.givenScheduled)
	sc.GivenChecks(`^the key is `+keyState+`$`, w.givenKeyState)
	sc.Given(`^a KMS key whose origin is (AWS_KMS|AWS_CLOUDHSM|EXTERNAL_KEY_STORE)$`, w.givenKeyWithOrigin, stepdef.Creates{Keys: 1}, stepdef.Creates{CloudHSMStores: 1, IfArg: "AWS_CLOUDHSM"}, stepdef.Creates{ExternalStores: 1, IfArg: "EXTERNAL_KEY_STORE"})
	sc.When(`^I describe the key$`, w.describeTheKey)
	sc.When(`^I encrypt a message with the key$`, w.encrypt)
	sc.When(`^I delete the key's imported key material$`, w.deleteMaterial)
	sc.When(`^I delete the key's imported key material naming the key by its (key ID|key ARN)$`, w.deleteMaterialBy)
	sc.When(`^I delete the key's imported key material naming key material it does not have$`, w.deleteOtherMaterial)
	sc.When(`^I delete the imported key material of a key that does not exist$`, w.deleteMaterialOfMissingKey)
	sc.When(`^I delete imported key material naming the key by a malformed ARN$`, w.deleteMaterialMalformedARN)
	sc.When(`^the second account deletes the key's imported key material by its key ARN$`, w.secondDeletesMaterial, stepdef.Creates{SecondAccount: true})
	sc.Then(`^the key is `+keyState+`$`, w.thenKeyIs)
	sc.Then(`^the key is Enabled with the same key material$`, w.thenKeyUnchanged)
	sc.Then(`^the deleted key material is the key's current material$`, w.thenDeletedCurrent)
	sc.Then(`^the response names the key by its ARN and the deleted key material by its ID$`, w.thenResponseNames)

	// Outcomes and conditions the API cannot produce.
	sc.Then(`^the request fails with ([A-Za-z]+)$`, w.thenFailsWith)
	sc.Then(`^the request fails with a client error$`, w.thenClientError)
	sc.Then(`^the request succeeds$`, w.thenSucceeds)
	sc.Then(`^the request succeeds with an empty response$`, w.thenEmptyResponse)
	sc.Given(`^`+untestablePrefix+`(.+)$`, w.givenUntestable)

	w.registerConnect(sc)
	w.registerCreateStore(sc)
	w.registerUpdateStore(sc)
	w.registerImport(sc)
	w.registerImportKinds(sc)
	w.registerLifecycle(sc)
	w.registerCreateKey(sc)
	w.registerValidation(sc)
}

func (w *world) givenKeyInStore(ctx context.Context) error {
	s, err := w.needStore()
	if err != nil {
		return err
	}
	return w.keyInStore(ctx, s)
}

func (w *world) givenDisconnected(ctx context.Context) error {
	s, err := w.needStore()
	if err != nil {
		return err
	}
	if err := w.disconnect(ctx, s); err != nil {
		return err
	}
	return w.waitState(ctx, s, types.ConnectionStateTypeDisconnected, w.env.Timeouts.Disconnect)
}

func (w *world) givenDeleted(ctx context.Context) error {
	s, err := w.needStore()
	if err != nil {
		return err
	}
	if _, err := setup(ctx, w, "DeleteCustomKeyStore", func(ctx context.Context) (*kms.DeleteCustomKeyStoreOutput, error) {
		return w.client.DeleteCustomKeyStore(ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.id)})
	}); err != nil {
		return err
	}
	s.deleted = true
	return nil
}

func (w *world) deleteStoreAs(ctx context.Context, c *kms.Client, id string) error {
	return act(ctx, w, "DeleteCustomKeyStore", func(ctx context.Context) (*kms.DeleteCustomKeyStoreOutput, error) {
		return c.DeleteCustomKeyStore(ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
	})
}

func (w *world) disconnectStoreAs(ctx context.Context, c *kms.Client, id string) error {
	return act(ctx, w, "DisconnectCustomKeyStore", func(ctx context.Context) (*kms.DisconnectCustomKeyStoreOutput, error) {
		return c.DisconnectCustomKeyStore(ctx, &kms.DisconnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
	})
}

func (w *world) deleteMissingStore(ctx context.Context) error {
	return w.deleteStoreAs(ctx, w.client, w.env.madeUp(missingStoreID()))
}

func (w *world) deleteStore(ctx context.Context) error {
	s, err := w.needStore()
	if err != nil {
		return err
	}
	if err := w.deleteStoreAs(ctx, w.client, s.id); err != nil {
		return err
	}
	if w.last.err == nil {
		s.deleted = true
	}
	return nil
}

// secondClient is a client acting as the run's second account.
func (w *world) secondClient() (*kms.Client, error) {
	if w.env.Second == nil {
		return nil, w.skip("%s", w.env.SecondMissing)
	}
	if w.second == nil {
		w.second = w.env.newClient(w.env.Second, HeaderValue(w.id), &w.rec)
	}
	return w.second, nil
}

func (w *world) secondDeletesStore(ctx context.Context) error {
	return w.secondOnStore(ctx, w.deleteStoreAs)
}

func (w *world) disconnectMissingStore(ctx context.Context) error {
	return w.disconnectStoreAs(ctx, w.client, w.env.madeUp(missingStoreID()))
}

func (w *world) disconnectStore(ctx context.Context) error {
	return w.onStore(ctx, w.disconnectStoreAs)
}

func (w *world) secondDisconnectsStore(ctx context.Context) error {
	return w.secondOnStore(ctx, w.disconnectStoreAs)
}

func (w *world) lookUpStore(ctx context.Context) error {
	s, err := w.needStore()
	if err != nil {
		return err
	}
	return w.describeStoresAs(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(s.id)})
}

func (w *world) createStoreOnSameBacking(ctx context.Context, kind string) error {
	if err := w.lease(ctx, kind); err != nil {
		return err
	}
	in := w.createStoreInput(kind)
	out, err := w.actCreateStore(ctx, w.client, in)
	if err != nil || out == nil {
		return err
	}
	s, err := w.track(kind, aws.ToString(out.CustomKeyStoreId), aws.ToString(in.CustomKeyStoreName))
	if err != nil {
		return err
	}
	w.newStore = s
	return nil
}

func (w *world) createKeyInStore(ctx context.Context) error {
	s, err := w.needStore()
	if err != nil {
		return err
	}
	k, _, err := w.actCreateKey(ctx, w.labelKey(w.storeKeyInput(s)))
	if k != nil {
		s.keys++
	}
	return err
}

func (w *world) thenStoreIs(ctx context.Context, state string) error {
	s, err := w.needStore()
	if err != nil {
		return err
	}
	return w.expectState(ctx, s, types.ConnectionStateType(state))
}

// thenStoreBecomes waits for an asynchronous transition.
func (w *world) thenStoreBecomes(ctx context.Context, state string) error {
	s, err := w.needStore()
	if err != nil {
		return err
	}
	return w.settleInto(ctx, s, types.ConnectionStateType(state))
}

func (w *world) thenNewStoreConnects(ctx context.Context) error {
	if w.newStore == nil {
		return fmt.Errorf("no new key store was created")
	}
	return w.connectAndWait(ctx, w.newStore)
}

func (w *world) givenImportKey(ctx context.Context) error {
	if w.untestable != "" {
		return w.skip("untestable: %s", w.untestable)
	}
	_, err := w.createImportKey(ctx)
	return err
}

func (w *world) givenImported(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	return w.importMaterial(ctx, k)
}

func (w *world) givenScheduled(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	if _, err := setup(ctx, w, "ScheduleKeyDeletion", func(ctx context.Context) (*kms.ScheduleKeyDeletionOutput, error) {
		return w.client.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(k.id), PendingWindowInDays: aws.Int32(minimumWaitingPeriod)})
	}); err != nil {
		return err
	}
	k.scheduled = true
	return nil
}

// givenKeyState brings the scenario's key into state.
func (w *world) givenKeyState(ctx context.Context, state string) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	switch types.KeyState(state) {
	case types.KeyStateEnabled:
	case types.KeyStateDisabled:
		if _, err := setup(ctx, w, "DisableKey", func(ctx context.Context) (*kms.DisableKeyOutput, error) {
			return w.client.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(k.id)})
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
	return w.expectKeyState(ctx, k, types.KeyState(state))
}

func (w *world) givenKeyWithOrigin(ctx context.Context, origin string) error {
	switch types.OriginType(origin) {
	case types.OriginTypeAwsKms:
		_, err := w.createKey(ctx, &kms.CreateKeyInput{})
		return err
	case types.OriginTypeAwsCloudhsm:
		return w.connectedStoreKey(ctx, kindCloudHSM)
	default:
		return w.connectedStoreKey(ctx, kindExternal)
	}
}

func (w *world) connectedStoreKey(ctx context.Context, kind string) error {
	if err := w.storeIn(ctx, kind, string(types.ConnectionStateTypeConnected)); err != nil {
		return err
	}
	return w.keyInStore(ctx, w.store)
}

func (w *world) describeTheKey(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	return w.describeAs(ctx, w.client, k.id)
}

func (w *world) encrypt(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	return act(ctx, w, "Encrypt", func(ctx context.Context) (*kms.EncryptOutput, error) {
		return w.client.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(k.id), Plaintext: w.env.plaintext()})
	})
}

func (w *world) deleteMaterialAs(ctx context.Context, c *kms.Client, keyID, materialID string) error {
	in := &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(keyID)}
	if materialID != "" {
		in.KeyMaterialId = aws.String(materialID)
	}
	return act(ctx, w, "DeleteImportedKeyMaterial", func(ctx context.Context) (*kms.DeleteImportedKeyMaterialOutput, error) {
		return c.DeleteImportedKeyMaterial(ctx, in)
	})
}

func (w *world) deleteMaterial(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	return w.deleteMaterialAs(ctx, w.client, k.id, "")
}

func (w *world) deleteMaterialBy(ctx context.Context, form string) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	id := k.id
	if form == "key ARN" {
		if k.arn == "" {
			return fmt.Errorf("CreateKey returned no key ARN")
		}
		id = k.arn
	}
	return w.deleteMaterialAs(ctx, w.client, id, "")
}

func (w *world) deleteOtherMaterial(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	return w.deleteMaterialAs(ctx, w.client, k.id, missingMaterialID())
}

func (w *world) deleteMaterialOfMissingKey(ctx context.Context) error {
	return w.deleteMaterialAs(ctx, w.client, w.env.madeUp(missingKeyID()), "")
}

func (w *world) deleteMaterialMalformedARN(ctx context.Context) error {
	return w.deleteMaterialAs(ctx, w.client, malformedKeyARN(w.env.Region), "")
}

func (w *world) secondDeletesMaterial(ctx context.Context) error {
	k, c, err := w.keyForSecondAccount()
	if err != nil {
		return err
	}
	return w.deleteMaterialAs(ctx, c, k.arn, "")
}

func (w *world) thenKeyIs(ctx context.Context, state string) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	return w.expectKeyState(ctx, k, types.KeyState(state))
}

func (w *world) thenKeyUnchanged(ctx context.Context) error {
	k, md, err := w.describeScenarioKey(ctx)
	if err != nil {
		return err
	}
	if md.KeyState != types.KeyStateEnabled {
		return fmt.Errorf("key %s is %s, want Enabled", k.id, md.KeyState)
	}
	if got := aws.ToString(md.CurrentKeyMaterialId); got != k.material {
		return fmt.Errorf("key %s's current key material is %q, want %q", k.id, got, k.material)
	}
	return nil
}

func (w *world) deleteOutput() (*kms.DeleteImportedKeyMaterialOutput, error) {
	return outputUnderTest[*kms.DeleteImportedKeyMaterialOutput](w, "DeleteImportedKeyMaterial")
}

func (w *world) thenDeletedCurrent() error {
	out, err := w.deleteOutput()
	if err != nil {
		return err
	}
	if w.key.material == "" {
		return fmt.Errorf("the endpoint never named the imported key material (no KeyMaterialId from ImportKeyMaterial or DescribeKey)")
	}
	if got := aws.ToString(out.KeyMaterialId); got != w.key.material {
		return fmt.Errorf("deleted KeyMaterialId = %q, want the current material %q", got, w.key.material)
	}
	return nil
}

func (w *world) thenResponseNames() error {
	out, err := w.deleteOutput()
	if err != nil {
		return err
	}
	var problems []string
	if got := aws.ToString(out.KeyId); got != w.key.arn {
		problems = append(problems, fmt.Sprintf("KeyId = %q, want the key ARN %q", got, w.key.arn))
	}
	if got := aws.ToString(out.KeyMaterialId); got == "" || got != w.key.material {
		problems = append(problems, fmt.Sprintf("KeyMaterialId = %q, want the imported material %q", got, w.key.material))
	}
	return problemsError(problems, "the response is wrong")
}

func (w *world) needOutcome() (outcome, error) {
	if !w.tested {
		return outcome{}, fmt.Errorf("no request was made")
	}
	if w.unsupported != "" {
		return w.last, &explained{msg: w.unsupported, err: w.last.err}
	}
	return w.last, nil
}

func (w *world) thenFailsWith(code string) error {
	o, err := w.needOutcome()
	if err != nil {
		return err
	}
	switch {
	case o.err == nil:
		return fmt.Errorf("%s succeeded (HTTP %d), want %s", o.op, o.status, code)
	case o.status == 0:
		return fmt.Errorf("want %s: %w", code, o.failure())
	case o.code != code:
		return fmt.Errorf("want %s (HTTP %d): %w", code, kmserrors.Status(code), o.failure())
	}
	failure, finding := kmserrors.Verdict(code, o.status)
	if failure != "" {
		return errors.New(failure)
	}
	if finding != "" {
		w.finding("%s; a client cannot tell the difference", finding)
	}
	return nil
}

// thenClientError checks a call the documentation forbids without naming the
// error: it must fail as a client error. The code is recorded as Observed.
// Throttling (which includes LimitExceededException, as the SDKs count it)
// is no such answer: it says the endpoint did not judge the request at all,
// and the docs give it for no condition this step checks.
func (w *world) thenClientError() error {
	o, err := w.needOutcome()
	if err != nil {
		return err
	}
	return clientErrorProblem(o)
}

// clientErrorProblem says why o is not a client error that refuses the request.
func clientErrorProblem(o outcome) error {
	_, throttling := retry.DefaultThrottleErrorCodes[o.code]
	switch {
	case o.err == nil:
		return fmt.Errorf("%s succeeded (HTTP %d), want a client error", o.op, o.status)
	case o.status < 400 || o.status > 499:
		return fmt.Errorf("want a client error (HTTP 4xx): %w", o.failure())
	case throttling || o.status == http.StatusTooManyRequests:
		return fmt.Errorf("want a client error that refuses the request, not throttling: %w", o.failure())
	}
	return nil
}

// problemsError is nil when a check found nothing wrong, and otherwise says
// what was checked and everything found wrong with it.
func problemsError(problems []string, what string) error {
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", what, strings.Join(problems, "; "))
}

func (w *world) thenSucceeds() error {
	o, err := w.needOutcome()
	if err != nil {
		return err
	}
	if o.err != nil {
		return fmt.Errorf("want success: %w", o.failure())
	}
	return nil
}

// thenEmptyResponse checks the answer of an operation whose response the
// API model gives no members: a JSON object, {}. A member the model does not
// list is a finding, not a failure: real KMS adds response members over time
// (DeleteImportedKeyMaterial gained KeyId and KeyMaterialId), and SDKs ignore
// members they do not know.
func (w *world) thenEmptyResponse() error {
	if err := w.thenSucceeds(); err != nil {
		return err
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimSpace(w.last.body), &v); err != nil || v == nil {
		return fmt.Errorf("%s answered %s, want a JSON object, {}", w.last.op, excerpt(string(w.last.body), 200))
	}
	listed := outputMembers(w.last.op)
	var extra []string
	for name := range v {
		if !listed[name] {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		w.finding("%s's response holds %s, which the API model does not list for it; SDKs ignore members they do not know",
			w.last.op, strings.Join(extra, ", "))
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

func (w *world) givenUntestable(reason string) error {
	return w.skip("untestable: %s", reason)
}

// unvalidated lets a request with a missing required member leave the SDK,
// whose client-side check would otherwise stop it: the point is what the
// endpoint answers.
func unvalidated(o *kms.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	})
}

// Definitions lists every step the feature files can use, as registered:
// the tests derive from it which steps check an outcome.
func Definitions() []stepdef.Def {
	var defs []stepdef.Def
	(&world{env: &Env{}}).register(stepdef.Record(&defs, stepdef.NewPatterns()))
	return defs
}
