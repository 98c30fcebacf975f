package keystores

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// connectState is a scenario's state for the steps of ConnectCustomKeyStore
// and DescribeCustomKeyStores, and the ConnectionState matrix.
type connectState struct {
	// pages are the responses of the listing under test, in order.
	pages []*kms.DescribeCustomKeyStoresOutput
	// newName is the name the matrix's rename sent.
	newName string
	// update is the matrix's update of another property, as sent.
	update *kms.UpdateCustomKeyStoreInput
}

// Operations of the ConnectionState matrix, as its Examples name them.
const (
	opConnect       = "ConnectCustomKeyStore"
	opDisconnect    = "DisconnectCustomKeyStore"
	opDelete        = "DeleteCustomKeyStore"
	opRename        = "UpdateCustomKeyStore with a new name"
	opUpdateOther   = "UpdateCustomKeyStore with another property"
	opCreateKey     = "CreateKey"
	opRandom        = "GenerateRandom"
	opDescribe      = "DescribeCustomKeyStores"
	matrixOpsExpr   = `(ConnectCustomKeyStore|DisconnectCustomKeyStore|DeleteCustomKeyStore|UpdateCustomKeyStore with a new name|UpdateCustomKeyStore with another property|CreateKey|GenerateRandom|DescribeCustomKeyStores)`
	randomByteCount = 32
	// maxListPages stops a listing whose endpoint never ends it.
	maxListPages = 1000
)

// registerConnect binds the steps of ConnectCustomKeyStore and
// DescribeCustomKeyStores, and the ConnectionState matrix.
func (w *connector) registerConnect(sc stepdef.Context) {
	sc.Given(`^a CloudHSM key store and an external key store$`, w.givenStoresOfBothKinds, stepdef.Creates{CloudHSMStores: 1}, stepdef.Creates{ExternalStores: 1})
	sc.Given(`^an external key store that KMS reaches through a VPC endpoint service$`, w.givenVPCStore, stepdef.Creates{ExternalStores: 1})
	sc.Given(`^KMS takes its time to connect the key store$`, w.givenSlowConnect)
	sc.Given(`^the key store's backing has a defect: (.+)$`, w.givenBackingDefect)
	sc.Given(`^the key store has been asked to connect$`, w.givenConnectStarted)
	sc.When(`^the key store's backing gets a defect meanwhile: (.+)$`, w.givenBackingDefect)

	sc.When(`^I connect a custom key store that does not exist$`, w.connectMissingStore)
	sc.When(`^I connect the key store$`, w.connectStore)
	sc.When(`^the second account connects the key store by its ID$`, w.secondConnectsStore, stepdef.Creates{SecondAccount: true})
	sc.When(`^I look up the key store by its name$`, w.lookUpStoreByName)
	sc.When(`^I look up the key store by both its ID and its name$`, w.lookUpStoreByIDAndName)
	sc.When(`^I look up the key store by its ID once it has settled$`, w.lookUpSettledStore)
	sc.When(`^I look up a custom key store by an ID that names none$`, w.lookUpMissingID)
	sc.When(`^I look up a custom key store by a name that names none$`, w.lookUpMissingName)
	sc.When(`^I list the custom key stores without naming one$`, w.listAllStores)
	sc.When(`^I list the custom key stores (\d+) at a time$`, w.listStoresPaged)
	sc.When(`^I list the custom key stores from a marker no response gave$`, w.listFromForeignMarker)
	sc.When(`^I call `+matrixOpsExpr+` on the key store$`, w.callOnStore)

	sc.Then(`^the key store is still connecting$`, w.thenStillConnecting)
	sc.Then(`^the key store ends up FAILED with ConnectionErrorCode ([A-Z0-9_]+)$`, w.thenEndsFailed)
	sc.Then(`^the list includes the key store$`, w.thenListIncludesStore)
	sc.Then(`^the entry shows the key store's name, type, backing and creation date$`, w.thenEntryShowsConfiguration)
	sc.Then(`^the response does not reveal the key store's secret$`, w.thenNoSecret)
	sc.Then(`^the response lists the key store and nothing else$`, w.thenOnlyTheStore)
	sc.Then(`^the entry shows the key store as `+scenario.StateExpr+` (with|without) a ConnectionErrorCode$`, w.thenEntryState)
	sc.Then(`^no page has more than (\d+) key stores?$`, w.thenPagesWithinLimit)
	sc.Then(`^every page but the last is truncated and gives the marker of the next$`, w.thenPagesChained)
	sc.Then(`^the pages list each of the two key stores exactly once$`, w.thenPagesListEachStoreOnce)
	sc.Then(`^the ciphertext names the key$`, w.thenCiphertextNamesKey)
	sc.Then(`^the effect of `+matrixOpsExpr+` shows on the key store that was `+scenario.StateExpr+`$`, w.thenMatrixEffect)
}

func (w *connector) givenStoresOfBothKinds(ctx context.Context) error {
	for _, kind := range []string{scenario.KindCloudHSM, scenario.KindExternal} {
		if err := w.Stores.StoreIn(ctx, kind, string(types.ConnectionStateTypeDisconnected)); err != nil {
			return err
		}
	}
	return nil
}

// givenVPCStore creates a DISCONNECTED external key store on a proxy that the
// control API puts behind a VPC endpoint service.
func (w *connector) givenVPCStore(ctx context.Context) error {
	if w.XKS != nil {
		return fmt.Errorf("the scenario already holds an XKS proxy")
	}
	f, err := w.Stores.NewVPCProxy(ctx, "an external key store behind a VPC endpoint service")
	if err != nil {
		return err
	}
	w.Stores.AdoptProxy(f)
	s, err := w.Stores.CreateStore(ctx, scenario.KindExternal)
	if err != nil {
		return err
	}
	w.Store = s
	return nil
}

// givenSlowConnect makes the store's next connection stay CONNECTING until
// a Then step waits for its end. Real KMS takes minutes to connect, so a
// target without a control API needs no help.
func (w *connector) givenSlowConnect(ctx context.Context) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	if w.Env.States == nil {
		return nil
	}
	if err := w.Env.States.Hold(ctx, s.ID); err != nil {
		return fmt.Errorf("holding the connection of key store %s through the control API: %w", s.ID, err)
	}
	s.Held = true
	return nil
}

// givenBackingDefect breaks the backing (cluster or proxy) of the scenario's
// store through the control API.
func (w *connector) givenBackingDefect(ctx context.Context, defect string) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	c, err := w.Control("giving a key store's backing a defect")
	if err != nil {
		return err
	}
	d := scenario.Defect(defect)
	if s.Kind == scenario.KindCloudHSM {
		err = c.BreakCloudHSM(ctx, w.HSM.Fixture.ClusterID, d)
	} else {
		err = c.BreakXKS(ctx, w.XKS.Fixture, d)
	}
	if err != nil {
		return fmt.Errorf("giving the backing of key store %s the defect %q through the control API: %w", s.ID, defect, err)
	}
	return nil
}

func (w *connector) givenConnectStarted(ctx context.Context) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	return w.Stores.Connect(ctx, s)
}

func (w *connector) connectStoreAs(ctx context.Context, c *kms.Client, id string) error {
	return scenario.Act(ctx, w.Scenario, "ConnectCustomKeyStore", func(ctx context.Context) (*kms.ConnectCustomKeyStoreOutput, error) {
		return c.ConnectCustomKeyStore(ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
	})
}

func (w *connector) connectMissingStore(ctx context.Context) error {
	return w.connectStoreAs(ctx, w.Client, w.Env.MadeUp(scenario.MissingStoreID()))
}

func (w *connector) connectStore(ctx context.Context) error {
	return w.Stores.OnStore(ctx, w.connectStoreAs)
}

func (w *connector) secondConnectsStore(ctx context.Context) error {
	return w.Stores.SecondOnStore(ctx, w.connectStoreAs)
}

// lookUpStoreName reads the scenario's store's name from the endpoint.
func (w *connector) lookUpStoreName(ctx context.Context) (*scenario.Store, string, error) {
	s, e, err := w.Stores.DescribeScenarioStore(ctx)
	if err != nil {
		return nil, "", err
	}
	name := aws.ToString(e.CustomKeyStoreName)
	if name == "" {
		return nil, "", fmt.Errorf("DescribeCustomKeyStores shows no CustomKeyStoreName for key store %s", s.ID)
	}
	return s, name, nil
}

func (w *connector) lookUpStoreByName(ctx context.Context) error {
	_, name, err := w.lookUpStoreName(ctx)
	if err != nil {
		return err
	}
	return w.Stores.DescribeStoresAs(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreName: aws.String(name)})
}

func (w *connector) lookUpStoreByIDAndName(ctx context.Context) error {
	s, name, err := w.lookUpStoreName(ctx)
	if err != nil {
		return err
	}
	return w.Stores.DescribeStoresAs(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(s.ID), CustomKeyStoreName: aws.String(name)})
}

func (w *connector) lookUpSettledStore(ctx context.Context) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	if _, err := w.awaitConnectSettled(ctx, s); err != nil {
		return err
	}
	return w.lookUpStore(ctx)
}

func (w *connector) lookUpMissingID(ctx context.Context) error {
	return w.Stores.DescribeStoresAs(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(scenario.MissingStoreID())})
}

// lookUpMissingName looks for a name in the run's own name space that the
// run never gives a store.
func (w *connector) lookUpMissingName(ctx context.Context) error {
	name := scenario.StoreNamePrefix(w.Env.RunID) + "never-" + scenario.RandomHex(8)
	return w.Stores.DescribeStoresAs(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreName: aws.String(name)})
}

func (w *connector) listAllStores(ctx context.Context) error {
	return w.listPages(ctx, nil)
}

func (w *connector) listStoresPaged(ctx context.Context, limit int) error {
	if limit < 1 || limit > 1000 {
		return fmt.Errorf("a page limit of %d is outside 1..1000", limit)
	}
	return w.listPages(ctx, aws.Int32(int32(limit)))
}

// listPages lists the account's stores page by page, following NextMarker
// while the endpoint says the list is truncated. It stops at the first
// failure, or at a marker that is missing or comes round again; the Then
// steps judge what it collected.
func (w *connector) listPages(ctx context.Context, limit *int32) error {
	w.connecting.pages = nil
	seen := map[string]bool{}
	var marker *string
	for len(w.connecting.pages) < maxListPages {
		in := &kms.DescribeCustomKeyStoresInput{Limit: limit, Marker: marker}
		if err := w.Stores.DescribeStoresAs(ctx, in); err != nil {
			return err
		}
		out, ok := w.Output.(*kms.DescribeCustomKeyStoresOutput)
		if w.Last.Err != nil || !ok {
			return nil
		}
		w.connecting.pages = append(w.connecting.pages, out)
		next := aws.ToString(out.NextMarker)
		if !out.Truncated || next == "" || seen[next] {
			return nil
		}
		seen[next] = true
		marker = aws.String(next)
	}
	return nil
}

// listFromForeignMarker sends a marker of the right shape that no endpoint
// handed out.
func (w *connector) listFromForeignMarker(ctx context.Context) error {
	return w.Stores.DescribeStoresAs(ctx, &kms.DescribeCustomKeyStoresInput{Marker: aws.String("kmsconform-marker-no-response-gave")})
}

// callOnStore makes the matrix's call under test on the scenario's store.
func (w *connector) callOnStore(ctx context.Context, op string) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	switch op {
	case opConnect:
		return w.connectStore(ctx)
	case opDisconnect:
		return w.disconnectStore(ctx)
	case opDelete:
		return w.deleteStore(ctx)
	case opRename:
		w.connecting.newName = w.Env.NextName()
		return w.update.updateStoreAs(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.ID), NewCustomKeyStoreName: aws.String(w.connecting.newName)})
	case opUpdateOther:
		in, err := w.otherPropertyUpdate(ctx, s)
		if err != nil {
			return err
		}
		w.connecting.update = in
		return w.update.updateStoreAs(ctx, w.Client, in)
	case opCreateKey:
		return w.createKeyInStore(ctx)
	case opRandom:
		return w.Keys.GenerateRandom(ctx, &kms.GenerateRandomInput{CustomKeyStoreId: aws.String(s.ID), NumberOfBytes: aws.Int32(randomByteCount)})
	case opDescribe:
		return w.lookUpStore(ctx)
	}
	return fmt.Errorf("the ConnectionState matrix has no operation %q", op)
}

// otherPropertyUpdate changes a property other than the name, one that only
// a DISCONNECTED store may change, to a value the store does not have, so
// that the effect shows: a CloudHSM store gets a kmsuser password that is
// not kmsuser's, an external store the endpoint, path and credential of a
// second XKS proxy. (Changing only the XKS credential or URI path would not
// do: the docs disagree on whether they may change while CONNECTED,
// conditions part E.1.)
func (w *connector) otherPropertyUpdate(ctx context.Context, s *scenario.Store) (*kms.UpdateCustomKeyStoreInput, error) {
	in := &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.ID)}
	if s.Kind == scenario.KindCloudHSM {
		in.KeyStorePassword = aws.String(otherPassword(w.HSM.Fixture.Password))
		return in, nil
	}
	b, err := w.update.secondLease(ctx, scenario.KindExternal)
	if err != nil {
		return nil, err
	}
	cur, p := w.XKS.Fixture, b.xks
	in.XksProxyUriEndpoint, in.XksProxyUriPath = aws.String(p.URIEndpoint), aws.String(p.URIPath)
	in.XksProxyAuthenticationCredential = scenario.CredentialOf(p)
	if p.Connectivity != cur.Connectivity {
		in.XksProxyConnectivity = types.XksProxyConnectivityType(p.Connectivity)
	}
	if p.VpcEndpointServiceName != "" {
		in.XksProxyVpcEndpointServiceName = aws.String(p.VpcEndpointServiceName)
	}
	return in, nil
}

// awaitConnectSettled polls the store until it is no longer CONNECTING and
// returns its entry.
func (w *connector) awaitConnectSettled(ctx context.Context, s *scenario.Store) (*types.CustomKeyStoresListEntry, error) {
	return w.Stores.PollStore(ctx, s, w.Env.Timeouts.Connect, "done connecting", func(e *types.CustomKeyStoresListEntry) (bool, error) {
		return e.ConnectionState != types.ConnectionStateTypeConnecting, nil
	})
}

// thenStillConnecting checks that the connection had not finished when the
// call answered. A store that is already CONNECTED, on a target that could
// not hold the connection, proves nothing either way: the scenario is skipped.
func (w *connector) thenStillConnecting(ctx context.Context) error {
	s, e, err := w.Stores.DescribeScenarioStore(ctx)
	if err != nil {
		return err
	}
	switch {
	case e.ConnectionState == types.ConnectionStateTypeConnecting:
		return nil
	case !s.Held && e.ConnectionState == types.ConnectionStateTypeConnected:
		return w.Skip("key store %s connected before CONNECTING could be observed, and this target has no control API to hold it there", s.ID)
	}
	return fmt.Errorf("key store %s is %s right after ConnectCustomKeyStore answered, want CONNECTING", s.ID, e.ConnectionState)
}

func (w *connector) thenEndsFailed(ctx context.Context, code string) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	if err := w.Stores.ReleaseHolds(ctx); err != nil {
		return err
	}
	e, err := w.awaitConnectSettled(ctx, s)
	if err != nil {
		return err
	}
	if e.ConnectionState != types.ConnectionStateTypeFailed || string(e.ConnectionErrorCode) != code {
		return fmt.Errorf("key store %s is %s with ConnectionErrorCode %q, want FAILED with %s", s.ID, e.ConnectionState, e.ConnectionErrorCode, code)
	}
	return nil
}

// storesOutput is the successful DescribeCustomKeyStores response under test.
func (w *connector) storesOutput() (*kms.DescribeCustomKeyStoresOutput, error) {
	return scenario.OutputUnderTest[*kms.DescribeCustomKeyStoresOutput](w.Scenario, "DescribeCustomKeyStores")
}

// describedEntry finds the scenario's store in the response under test.
func (w *connector) describedEntry() (*scenario.Store, *types.CustomKeyStoresListEntry, error) {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return nil, nil, err
	}
	out, err := w.storesOutput()
	if err != nil {
		return nil, nil, err
	}
	for i := range out.CustomKeyStores {
		if aws.ToString(out.CustomKeyStores[i].CustomKeyStoreId) == s.ID {
			return s, &out.CustomKeyStores[i], nil
		}
	}
	return nil, nil, fmt.Errorf("the response does not list key store %s (%d entries)", s.ID, len(out.CustomKeyStores))
}

// listedStoreIDs counts how often each store ID appears across the listed pages.
func (w *connector) listedStoreIDs() (map[string]int, error) {
	if err := w.ThenSucceeds(); err != nil {
		return nil, err
	}
	if len(w.connecting.pages) == 0 {
		return nil, fmt.Errorf("the listing returned no page")
	}
	n := map[string]int{}
	for _, p := range w.connecting.pages {
		for _, e := range p.CustomKeyStores {
			n[aws.ToString(e.CustomKeyStoreId)]++
		}
	}
	return n, nil
}

func (w *connector) thenListIncludesStore() error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	n, err := w.listedStoreIDs()
	if err != nil {
		return err
	}
	if n[s.ID] == 0 {
		return fmt.Errorf("the %d page(s) of DescribeCustomKeyStores do not list key store %s", len(w.connecting.pages), s.ID)
	}
	return nil
}

// thenEntryShowsConfiguration compares the entry with what the store was
// created with. The XKS access key ID is compared but never printed.
func (w *connector) thenEntryShowsConfiguration() error {
	s, e, err := w.describedEntry()
	if err != nil {
		return err
	}
	var problems []string
	if name := aws.ToString(e.CustomKeyStoreName); name != s.Name {
		problems = append(problems, fmt.Sprintf("CustomKeyStoreName is %q, want %q, the name the key store was created with", name, s.Name))
	}
	if !w.storeCreatedRecently(e.CreationDate) {
		problems = append(problems, fmt.Sprintf("CreationDate %v is not the time the key store was created", e.CreationDate))
	}
	if s.Kind == scenario.KindCloudHSM {
		problems = append(problems, w.cloudHSMEntryProblems(e)...)
	} else {
		problems = append(problems, w.xksEntryProblems(e)...)
	}
	return scenario.ProblemsError(problems, "the entry of key store "+s.ID+" is wrong")
}

// storeCreatedRecently accepts a creation date within the scenario, give or take
// clock skew between the runner and the endpoint.
func (w *connector) storeCreatedRecently(t *time.Time) bool {
	const skew = 5 * time.Minute
	return t != nil && !t.Before(w.Started.Add(-skew)) && !t.After(time.Now().Add(skew))
}

func (w *connector) cloudHSMEntryProblems(e *types.CustomKeyStoresListEntry) []string {
	f := w.HSM.Fixture
	var problems []string
	if e.CustomKeyStoreType != types.CustomKeyStoreTypeAwsCloudhsm {
		problems = append(problems, fmt.Sprintf("CustomKeyStoreType is %q, want AWS_CLOUDHSM", e.CustomKeyStoreType))
	}
	if got := aws.ToString(e.CloudHsmClusterId); got != f.ClusterID {
		problems = append(problems, fmt.Sprintf("CloudHsmClusterId is %q, want %q", got, f.ClusterID))
	}
	if strings.TrimSpace(aws.ToString(e.TrustAnchorCertificate)) != strings.TrimSpace(f.TrustAnchorPEM) {
		problems = append(problems, "TrustAnchorCertificate is not the certificate the key store was created with")
	}
	if e.XksProxyConfiguration != nil {
		problems = append(problems, "a CloudHSM key store shows an XksProxyConfiguration")
	}
	return problems
}

func (w *connector) xksEntryProblems(e *types.CustomKeyStoresListEntry) []string {
	var problems []string
	if e.CustomKeyStoreType != types.CustomKeyStoreTypeExternalKeyStore {
		problems = append(problems, fmt.Sprintf("CustomKeyStoreType is %q, want EXTERNAL_KEY_STORE", e.CustomKeyStoreType))
	}
	if e.CloudHsmClusterId != nil {
		problems = append(problems, "an external key store shows a CloudHsmClusterId")
	}
	// The store was created from the leased proxy, so the entry must show
	// what that request gave.
	return append(problems, scenario.XksShownAsAsked(e.XksProxyConfiguration, scenario.XksStoreInput("", w.XKS.Fixture))...)
}

// thenNoSecret checks the raw response for the store's secret and for any
// member that would carry one. The secret itself never appears in an error.
func (w *connector) thenNoSecret() error {
	s, _, err := w.describedEntry()
	if err != nil {
		return err
	}
	var secret, what string
	if s.Kind == scenario.KindCloudHSM {
		secret, what = w.HSM.Fixture.Password, "its kmsuser password"
	} else {
		secret, what = w.XKS.Fixture.SecretAccessKey, "its XKS proxy secret access key"
	}
	body := w.Last.Body
	if secret != "" && bytes.Contains(body, []byte(secret)) {
		return fmt.Errorf("the response for key store %s reveals %s", s.ID, what)
	}
	for _, member := range []string{"KeyStorePassword", "RawSecretAccessKey", "SecretAccessKey"} {
		if bytes.Contains(body, []byte(`"`+member+`"`)) {
			return fmt.Errorf("the response for key store %s has a %s member", s.ID, member)
		}
	}
	return nil
}

func (w *connector) thenOnlyTheStore() error {
	s, _, err := w.describedEntry()
	if err != nil {
		return err
	}
	out, _ := w.Output.(*kms.DescribeCustomKeyStoresOutput)
	if n := len(out.CustomKeyStores); n != 1 {
		return fmt.Errorf("the response lists %d key stores, want key store %s alone", n, s.ID)
	}
	return nil
}

func (w *connector) thenEntryState(state, withCode string) error {
	s, e, err := w.describedEntry()
	if err != nil {
		return err
	}
	return entryStateProblem(s, e, types.ConnectionStateType(state), withCode == "with")
}

// entryStateProblem checks an entry's ConnectionState, and that it shows a
// documented ConnectionErrorCode exactly when wantCode says.
func entryStateProblem(s *scenario.Store, e *types.CustomKeyStoresListEntry, want types.ConnectionStateType, wantCode bool) error {
	if e.ConnectionState != want {
		return fmt.Errorf("key store %s is %s, want %s", s.ID, e.ConnectionState, want)
	}
	code := e.ConnectionErrorCode
	switch {
	case wantCode && code == "":
		return fmt.Errorf("key store %s is %s without a ConnectionErrorCode", s.ID, want)
	case wantCode && !slices.Contains(code.Values(), code):
		return fmt.Errorf("key store %s shows ConnectionErrorCode %q, which is not a documented code", s.ID, code)
	case !wantCode && code != "":
		return fmt.Errorf("key store %s is %s yet shows ConnectionErrorCode %s", s.ID, want, code)
	}
	return nil
}

func (w *connector) thenPagesWithinLimit(limit int) error {
	if _, err := w.listedStoreIDs(); err != nil {
		return err
	}
	for i, p := range w.connecting.pages {
		if n := len(p.CustomKeyStores); n > limit {
			return fmt.Errorf("page %d lists %d key stores, more than the limit of %d", i+1, n, limit)
		}
	}
	return nil
}

func (w *connector) thenPagesChained() error {
	if _, err := w.listedStoreIDs(); err != nil {
		return err
	}
	pages := w.connecting.pages
	for i, p := range pages[:len(pages)-1] {
		if !p.Truncated || aws.ToString(p.NextMarker) == "" {
			return fmt.Errorf("page %d is followed by another but is not marked truncated with a NextMarker", i+1)
		}
	}
	last := pages[len(pages)-1]
	switch {
	case len(pages) == maxListPages:
		return fmt.Errorf("the listing did not end after %d pages", maxListPages)
	case last.Truncated && aws.ToString(last.NextMarker) == "":
		return fmt.Errorf("page %d is marked truncated but gives no NextMarker", len(pages))
	case last.Truncated:
		return fmt.Errorf("page %d gives a NextMarker an earlier page gave already", len(pages))
	}
	return nil
}

func (w *connector) thenPagesListEachStoreOnce() error {
	n, err := w.listedStoreIDs()
	if err != nil {
		return err
	}
	if len(w.CreatedStores) != 2 {
		return fmt.Errorf("the scenario has %d key stores, want two", len(w.CreatedStores))
	}
	for _, s := range w.CreatedStores {
		if n[s.ID] != 1 {
			return fmt.Errorf("the %d page(s) list key store %s %d times, want once", len(w.connecting.pages), s.ID, n[s.ID])
		}
	}
	return nil
}

func (w *connector) thenCiphertextNamesKey() error {
	out, err := scenario.OutputUnderTest[*kms.EncryptOutput](w.Scenario, "Encrypt")
	if err != nil {
		return err
	}
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	if len(out.CiphertextBlob) == 0 {
		return fmt.Errorf("Encrypt returned no CiphertextBlob")
	}
	if got := aws.ToString(out.KeyId); got != k.ARN {
		return fmt.Errorf("Encrypt names the key %q, want its ARN %q", got, k.ARN)
	}
	return nil
}

// thenMatrixEffect checks, through the public API, that the matrix's
// accepted call did what it is documented to do.
func (w *connector) thenMatrixEffect(ctx context.Context, op, state string) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	switch op {
	case opConnect:
		return w.Stores.SettleInto(ctx, s, types.ConnectionStateTypeConnected)
	case opDisconnect:
		return w.Stores.SettleInto(ctx, s, types.ConnectionStateTypeDisconnected)
	case opDelete:
		return w.matrixExpectGone(ctx, s)
	case opRename:
		return w.matrixExpectNamed(ctx, s, w.connecting.newName)
	case opUpdateOther:
		return w.matrixExpectOtherProperty(ctx, s)
	case opCreateKey:
		return w.matrixExpectKeyIn(s)
	case opRandom:
		_, err := w.Keys.RandomOutput(randomByteCount)
		return err
	case opDescribe:
		_, e, err := w.describedEntry()
		if err != nil {
			return err
		}
		st := types.ConnectionStateType(state)
		return entryStateProblem(s, e, st, st == types.ConnectionStateTypeFailed)
	}
	return fmt.Errorf("the ConnectionState matrix has no operation %q", op)
}

func (w *connector) matrixExpectGone(ctx context.Context, s *scenario.Store) error {
	_, o := scenario.Do(ctx, w.Scenario, "DescribeCustomKeyStores", func(ctx context.Context) (*kms.DescribeCustomKeyStoresOutput, error) {
		return w.Client.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(s.ID)})
	})
	if o.Code != "CustomKeyStoreNotFoundException" {
		return fmt.Errorf("after DeleteCustomKeyStore, looking up key store %s: %w, want CustomKeyStoreNotFoundException", s.ID, o.Failure())
	}
	return nil
}

func (w *connector) matrixExpectNamed(ctx context.Context, s *scenario.Store, name string) error {
	e, err := w.DescribeStore(ctx, s.ID)
	if err != nil {
		return err
	}
	if got := aws.ToString(e.CustomKeyStoreName); got != name {
		return fmt.Errorf("key store %s is named %q, want its new name %q", s.ID, got, name)
	}
	return nil
}

// matrixExpectOtherProperty checks that the matrix's update of another
// property took effect: a CloudHSM store now tries kmsuser's password it was
// given, and fails to connect with INVALID_CREDENTIALS; an external store
// shows the other proxy. Either store is still DISCONNECTED.
func (w *connector) matrixExpectOtherProperty(ctx context.Context, s *scenario.Store) error {
	in := w.connecting.update
	if in == nil {
		return fmt.Errorf("the scenario sent no update of another property")
	}
	e, err := w.DescribeStore(ctx, s.ID)
	if err != nil {
		return err
	}
	if err := entryStateProblem(s, e, types.ConnectionStateTypeDisconnected, false); err != nil {
		return err
	}
	if s.Kind == scenario.KindCloudHSM {
		return w.expectConnectFailure(ctx, s, types.ConnectionErrorCodeTypeInvalidCredentials,
			"a CloudHSM key store given a kmsuser password that is not kmsuser's")
	}
	got := proxyConfiguration(e)
	var wrong []string
	for _, c := range []struct{ what, got, want string }{
		{"UriEndpoint", aws.ToString(got.UriEndpoint), aws.ToString(in.XksProxyUriEndpoint)},
		{"UriPath", aws.ToString(got.UriPath), aws.ToString(in.XksProxyUriPath)},
		{"AccessKeyId", aws.ToString(got.AccessKeyId), aws.ToString(in.XksProxyAuthenticationCredential.AccessKeyId)},
	} {
		if c.got != c.want {
			wrong = append(wrong, fmt.Sprintf("%s is %q, want %q", c.what, c.got, c.want))
		}
	}
	return scenario.ProblemsError(wrong, "key store "+s.ID+" does not show the XKS proxy it was given")
}

// expectConnectFailure connects s and waits for the attempt to settle: it
// must end in FAILED with code, as what would make it fail (why) says.
func (w *connector) expectConnectFailure(ctx context.Context, s *scenario.Store, code types.ConnectionErrorCodeType, why string) error {
	if err := w.Stores.Connect(ctx, s); err != nil {
		return err
	}
	e, err := w.awaitConnectSettled(ctx, s)
	if err != nil {
		return err
	}
	if e.ConnectionState != types.ConnectionStateTypeFailed || e.ConnectionErrorCode != code {
		return fmt.Errorf("key store %s is %s with ConnectionErrorCode %q after a connect, want FAILED with %s: %s fails to connect",
			s.ID, e.ConnectionState, e.ConnectionErrorCode, code, why)
	}
	return nil
}

func (w *connector) matrixExpectKeyIn(s *scenario.Store) error {
	out, ok := w.Output.(*kms.CreateKeyOutput)
	if !ok || out.KeyMetadata == nil {
		return fmt.Errorf("the call under test was %s and returned no KeyMetadata", w.Last.Op)
	}
	md := out.KeyMetadata
	want := types.OriginTypeExternalKeyStore
	if s.Kind == scenario.KindCloudHSM {
		want = types.OriginTypeAwsCloudhsm
	}
	if got := aws.ToString(md.CustomKeyStoreId); got != s.ID || md.Origin != want {
		return fmt.Errorf("the new key is in key store %q with origin %s, want key store %s with origin %s", got, md.Origin, s.ID, want)
	}
	return nil
}
