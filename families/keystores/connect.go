package keystores

import (
	"context"
	"fmt"

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
	sc.Given(`^the key store's backing has a defect: (.+)$`, w.givenBackingDefect, stepdef.Check(checkDefect))
	sc.Given(`^the key store has been asked to connect$`, w.givenConnectStarted)
	sc.When(`^the key store's backing gets a defect meanwhile: (.+)$`, w.givenBackingDefect, stepdef.Check(checkDefect))

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
