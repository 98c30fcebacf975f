package keystores

import (
	"context"
	"fmt"
	"reflect"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// createStoreState is a scenario's state for the steps of CreateCustomKeyStore.
type createStoreState struct {
	// attempt is the CreateCustomKeyStore request under test, and by whom it
	// was sent: the Then steps look for what it may have created.
	attempt     *kms.CreateCustomKeyStoreInput
	attemptBy   *kms.Client
	attemptKind string
	// created is the store the request under test created, if it did.
	created *scenario.Store
}

// registerCreateStore binds the steps of CreateCustomKeyStore.
func (w *creator) registerCreateStore(sc stepdef.Context) {
	sc.Given(`^an account of my own(?: that may hold only (\d+) custom key stores?)?$`, w.givenStoreAccount)
	sc.Given(`^a CloudHSM cluster, where (.+)$`, w.givenBrokenCluster, stepdef.Check(checkClusterDefect))
	sc.Given(`^a (public|VPC) XKS proxy, where (.+)$`, w.givenBrokenProxy, stepdef.Check(checkProxyDefect))
	sc.Given(`^a CloudHSM key store created with a kmsuser password that is not the cluster's$`, w.givenStoreWithWrongPassword, stepdef.Creates{CloudHSMStores: 1})

	sc.When(`^I create an? `+scenario.KindExpr+` key store$`, w.createValidStore, stepdef.Creates{CloudHSMStores: 1, IfArg: "CloudHSM"}, stepdef.Creates{ExternalStores: 1, IfArg: "external"})
	sc.When(`^I create a CloudHSM key store without (CustomKeyStoreType|CloudHsmClusterId|TrustAnchorCertificate|KeyStorePassword)$`, w.createCloudHSMStoreWithout, stepdef.Creates{CloudHSMStores: 1})
	sc.When(`^I create an external key store without (XksProxyConnectivity|XksProxyAuthenticationCredential|XksProxyUriEndpoint|XksProxyUriPath)$`, w.createExternalStoreWithout, stepdef.Creates{ExternalStores: 1})
	sc.When(`^I create an external key store with VPC_ENDPOINT_SERVICE connectivity(?:, leaving out XksProxyVpcEndpointServiceOwner)?$`, w.createVPCStore, stepdef.Creates{ExternalStores: 1})
	sc.When(`^I create an external key store with VPC_ENDPOINT_SERVICE connectivity but without XksProxyVpcEndpointServiceName$`, w.createVPCStoreWithoutService, stepdef.Creates{ExternalStores: 1})
	sc.When(`^I create an? `+scenario.KindExpr+` key store with the existing key store's name$`, w.createStoreWithTakenName, stepdef.Creates{CloudHSMStores: 1, IfArg: "CloudHSM"}, stepdef.Creates{ExternalStores: 1, IfArg: "external"})
	sc.When(`^I create a CloudHSM key store on a cluster that does not exist$`, w.createStoreOnMissingCluster, stepdef.Creates{CloudHSMStores: 1})
	sc.When(`^I create a CloudHSM key store on a cluster related to the key store's cluster$`, w.createStoreOnRelatedCluster, stepdef.Creates{CloudHSMStores: 1})
	sc.When(`^I create a CloudHSM key store with a trust anchor certificate that is not the cluster's$`, w.createStoreWithWrongTrustAnchor, stepdef.Creates{CloudHSMStores: 1})
	sc.When(`^I create an external key store with an authentication credential the proxy does not accept$`, w.createStoreWithWrongCredential, stepdef.Creates{ExternalStores: 1})
	sc.When(`^I create an external key store whose XksProxyUriEndpoint (has a port|has a path)$`, w.createStoreWithEndpointExtra, stepdef.Creates{ExternalStores: 1})
	sc.When(`^I create an external key store with PUBLIC_ENDPOINT connectivity at the key store's XksProxyUriEndpoint$`, w.createPublicStoreAtVPCEndpoint, stepdef.Creates{ExternalStores: 1})
	sc.When(`^I create an external key store on another VPC endpoint service at the key store's XksProxyUriEndpoint$`, w.createVPCStoreAtTakenEndpoint, stepdef.Creates{ExternalStores: 1})
	sc.When(`^I create an external key store on a VPC endpoint service that does not exist$`, w.createStoreOnMissingService, stepdef.Creates{ExternalStores: 1})
	sc.When(`^the second account creates an external key store on the key store's VPC endpoint service$`, w.secondCreatesOnSameService, stepdef.Creates{SecondAccount: true})
	sc.When(`^the second account creates a CloudHSM key store on the key store's cluster$`, w.secondCreatesOnSameCluster, stepdef.Creates{SecondAccount: true})
	sc.When(`^I try to give the key store the settings of an? `+scenario.KindExpr+` key store$`, w.changeStoreType)

	sc.Then(`^no key store was created$`, w.thenNoStoreCreated)
	sc.Then(`^the new key store is DISCONNECTED and shows the name, type and backing it was created with$`, w.thenCreatedAsAsked)
	sc.Then(`^the new key store's type is (AWS_CLOUDHSM|EXTERNAL_KEY_STORE)$`, w.thenCreatedType)
	sc.Then(`^DescribeCustomKeyStores never shows the new key store's secret$`, w.thenSecretHidden)
	sc.Then(`^the new key store's VPC endpoint service owner is my account$`, w.thenVPCOwnerIsCaller)
	sc.Then(`^the new key store fails to connect with (XKS_[A-Z_]+)$`, w.thenCreatedFailsToConnect)
	sc.Then(`^the existing key store still has its name$`, w.thenNameStillTaken)
	sc.Then(`^the key store's type is still (AWS_CLOUDHSM|EXTERNAL_KEY_STORE)$`, w.thenStoreTypeUnchanged)
}

// givenStoreAccount moves the scenario into an account of its own: one whose
// ID it knows, and, when limit is given, whose custom key store quota it can reach.
func (w *creator) givenStoreAccount(ctx context.Context, limit string) error {
	if limit == "" {
		return w.Isolate(ctx, "an account whose ID the scenario knows", scenario.Quotas{})
	}
	n, err := strconv.Atoi(limit)
	if err != nil {
		return fmt.Errorf("custom key store quota %q: %w", limit, err)
	}
	return w.Isolate(ctx, "reaching the custom key store quota", scenario.Quotas{CustomKeyStores: n})
}

func (w *creator) givenBrokenCluster(ctx context.Context, defect string) error {
	d, err := clusterDefectNamed(defect)
	if err != nil {
		return err
	}
	c, err := w.Control(fmt.Sprintf("a CloudHSM cluster where %s", defect))
	if err != nil {
		return err
	}
	if err := w.Stores.Lease(ctx, scenario.KindCloudHSM); err != nil {
		return err
	}
	if err := c.BreakCloudHSM(ctx, w.HSM.Fixture.ClusterID, d); err != nil {
		return fmt.Errorf("making %s through the control API: %w", defect, err)
	}
	return nil
}

func (w *creator) givenBrokenProxy(ctx context.Context, connectivity, defect string) error {
	return w.breakProxy(ctx, defect, func(ctx context.Context) (scenario.XKSFixture, error) {
		var err error
		if connectivity == viaVPC {
			err = w.useVPCProxy(ctx)
		} else {
			err = w.Stores.Lease(ctx, scenario.KindExternal)
		}
		if err != nil {
			return scenario.XKSFixture{}, err
		}
		return w.XKS.Fixture, nil
	})
}

// breakProxy readies an XKS proxy with ready and gives it the defect a step
// names, through the control API. The defect and the control API are checked
// first, so that a scenario that cannot run takes no proxy.
func (w *creator) breakProxy(ctx context.Context, defect string, ready func(context.Context) (scenario.XKSFixture, error)) error {
	d, err := proxyDefectNamed(defect)
	if err != nil {
		return err
	}
	c, err := w.Control(fmt.Sprintf("an XKS proxy where %s", defect))
	if err != nil {
		return err
	}
	f, err := ready(ctx)
	if err != nil {
		return err
	}
	if err := c.BreakXKS(ctx, f, d); err != nil {
		return fmt.Errorf("making %s through the control API: %w", defect, err)
	}
	return nil
}

// useVPCProxy makes the scenario's XKS proxy one that KMS reaches through a
// VPC endpoint service, made through the control API.
func (w *creator) useVPCProxy(ctx context.Context) error {
	if w.XKS != nil {
		if w.XKS.Fixture.Connectivity != string(types.XksProxyConnectivityTypeVpcEndpointService) {
			return fmt.Errorf("the scenario's XKS proxy is reached through a public endpoint, not a VPC endpoint service")
		}
		return nil
	}
	f, err := w.Stores.NewVPCProxy(ctx, scenario.VpcProxyNeed)
	if err != nil {
		return err
	}
	w.Stores.AdoptProxy(f)
	return nil
}

// needVPCStore returns the scenario's external key store, which must be
// reached through a VPC endpoint service.
func (w *creator) needVPCStore() (scenario.XKSFixture, error) {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return scenario.XKSFixture{}, err
	}
	if s.Kind != scenario.KindExternal || w.XKS == nil || w.XKS.Fixture.Connectivity != string(types.XksProxyConnectivityTypeVpcEndpointService) {
		return scenario.XKSFixture{}, fmt.Errorf("the scenario's key store is not an external key store with VPC_ENDPOINT_SERVICE connectivity")
	}
	return w.XKS.Fixture, nil
}

func (w *creator) givenStoreWithWrongPassword(ctx context.Context) error {
	if err := w.Stores.Lease(ctx, scenario.KindCloudHSM); err != nil {
		return err
	}
	in := w.Stores.CreateStoreInput(scenario.KindCloudHSM)
	in.KeyStorePassword = aws.String(otherPassword(w.HSM.Fixture.Password))
	s, err := w.Stores.CreateStoreFrom(ctx, scenario.KindCloudHSM, in)
	if err != nil {
		return err
	}
	w.Store = s
	return nil
}

// attemptCreate sends the CreateCustomKeyStore request under test as client
// c. A store it creates, rightly or wrongly, is removed at cleanup.
func (w *creator) attemptCreate(ctx context.Context, c *kms.Client, kind string, in *kms.CreateCustomKeyStoreInput) error {
	w.creating.attempt, w.creating.attemptBy, w.creating.attemptKind = in, c, kind
	out, err := w.Stores.ActCreateStore(ctx, c, in)
	if err != nil || out == nil || aws.ToString(out.CustomKeyStoreId) == "" {
		return err
	}
	id := aws.ToString(out.CustomKeyStoreId)
	if c != w.Client {
		// A store of another account: only that account can remove it.
		w.Cleanup = append(w.Cleanup, func(ctx context.Context) error { return w.deleteOthersStore(ctx, c, id) })
		return nil
	}
	s, err := w.Stores.Track(kind, id, aws.ToString(in.CustomKeyStoreName))
	if err != nil {
		return err
	}
	w.creating.created = s
	return nil
}

func (w *creator) deleteOthersStore(ctx context.Context, c *kms.Client, id string) error {
	if _, o := scenario.Do(ctx, w.Scenario, "DeleteCustomKeyStore", func(ctx context.Context) (*kms.DeleteCustomKeyStoreOutput, error) {
		return c.DeleteCustomKeyStore(ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
	}); o.Err != nil && o.Code != "CustomKeyStoreNotFoundException" {
		return fmt.Errorf("cleanup: the second account's key store %s not deleted: %w", id, o.Failure())
	}
	return nil
}

// leasedInput leases a backing of the kind and returns a valid request for it.
func (w *creator) leasedInput(ctx context.Context, kind string) (*kms.CreateCustomKeyStoreInput, error) {
	if err := w.Stores.Lease(ctx, kind); err != nil {
		return nil, err
	}
	return w.Stores.CreateStoreInput(kind), nil
}

func (w *creator) createValidStore(ctx context.Context, kind string) error {
	in, err := w.leasedInput(ctx, kind)
	if err != nil {
		return err
	}
	return w.attemptCreate(ctx, w.Client, kind, in)
}

func (w *creator) createCloudHSMStoreWithout(ctx context.Context, member string) error {
	return w.createStoreWithout(ctx, scenario.KindCloudHSM, member)
}

func (w *creator) createExternalStoreWithout(ctx context.Context, member string) error {
	return w.createStoreWithout(ctx, scenario.KindExternal, member)
}

// createStoreWithout tries to create a store of the kind from a valid
// request that lacks the required member.
func (w *creator) createStoreWithout(ctx context.Context, kind, member string) error {
	in, err := w.leasedInput(ctx, kind)
	if err != nil {
		return err
	}
	if err := omitStoreMember(in, member); err != nil {
		return err
	}
	return w.attemptCreate(ctx, w.Client, kind, in)
}

// omitStoreMember leaves member out of a CreateCustomKeyStore request. The
// SDK names each field of the request as the API names the member.
func omitStoreMember(in *kms.CreateCustomKeyStoreInput, member string) error {
	f := reflect.ValueOf(in).Elem().FieldByName(member)
	if !f.IsValid() || !f.CanSet() {
		return fmt.Errorf("a CreateCustomKeyStore request has no member %s", member)
	}
	f.SetZero()
	return nil
}

func (w *creator) vpcStoreInput(ctx context.Context) (*kms.CreateCustomKeyStoreInput, error) {
	if err := w.useVPCProxy(ctx); err != nil {
		return nil, err
	}
	return w.Stores.CreateStoreInput(scenario.KindExternal), nil
}

func (w *creator) createVPCStore(ctx context.Context) error {
	in, err := w.vpcStoreInput(ctx)
	if err != nil {
		return err
	}
	return w.attemptCreate(ctx, w.Client, scenario.KindExternal, in)
}

func (w *creator) createVPCStoreWithoutService(ctx context.Context) error {
	in, err := w.vpcStoreInput(ctx)
	if err != nil {
		return err
	}
	in.XksProxyVpcEndpointServiceName = nil
	return w.attemptCreate(ctx, w.Client, scenario.KindExternal, in)
}

func (w *creator) createStoreWithTakenName(ctx context.Context, kind string) error {
	_, e, err := w.Stores.DescribeScenarioStore(ctx)
	if err != nil {
		return err
	}
	in, err := w.leasedInput(ctx, kind)
	if err != nil {
		return err
	}
	in.CustomKeyStoreName = e.CustomKeyStoreName
	return w.attemptCreate(ctx, w.Client, kind, in)
}

func (w *creator) createStoreOnMissingCluster(ctx context.Context) error {
	in, err := w.leasedInput(ctx, scenario.KindCloudHSM)
	if err != nil {
		return err
	}
	in.CloudHsmClusterId = aws.String(nonexistentClusterID())
	return w.attemptCreate(ctx, w.Client, scenario.KindCloudHSM, in)
}

func (w *creator) createStoreOnRelatedCluster(ctx context.Context) error {
	if err := w.needCloudHSMStore(); err != nil {
		return err
	}
	c, err := w.Control("a cluster related to the key store's cluster")
	if err != nil {
		return err
	}
	related, err := c.RelatedCloudHSM(ctx, w.HSM.Fixture.ClusterID)
	if err != nil {
		return fmt.Errorf("making a cluster related to %s through the control API: %w", w.HSM.Fixture.ClusterID, err)
	}
	in := w.Stores.CreateStoreInput(scenario.KindCloudHSM)
	in.CloudHsmClusterId = aws.String(related.ClusterID)
	in.TrustAnchorCertificate = aws.String(related.TrustAnchorPEM)
	in.KeyStorePassword = aws.String(related.Password)
	return w.attemptCreate(ctx, w.Client, scenario.KindCloudHSM, in)
}

func (w *creator) createStoreWithWrongTrustAnchor(ctx context.Context) error {
	in, err := w.leasedInput(ctx, scenario.KindCloudHSM)
	if err != nil {
		return err
	}
	anchor, err := selfSignedCA()
	if err != nil {
		return err
	}
	in.TrustAnchorCertificate = aws.String(anchor)
	return w.attemptCreate(ctx, w.Client, scenario.KindCloudHSM, in)
}

func (w *creator) createStoreWithWrongCredential(ctx context.Context) error {
	in, err := w.leasedInput(ctx, scenario.KindExternal)
	if err != nil {
		return err
	}
	in.XksProxyAuthenticationCredential = madeUpCredential()
	return w.attemptCreate(ctx, w.Client, scenario.KindExternal, in)
}

func (w *creator) createStoreWithEndpointExtra(ctx context.Context, extra string) error {
	in, err := w.leasedInput(ctx, scenario.KindExternal)
	if err != nil {
		return err
	}
	suffix := ":443"
	if extra == "has a path" {
		suffix = "/kms"
	}
	in.XksProxyUriEndpoint = aws.String(aws.ToString(in.XksProxyUriEndpoint) + suffix)
	return w.attemptCreate(ctx, w.Client, scenario.KindExternal, in)
}

// createPublicStoreAtVPCEndpoint asks for a PUBLIC_ENDPOINT store, on a
// public proxy of its own, at the VPC store's endpoint.
func (w *creator) createPublicStoreAtVPCEndpoint(ctx context.Context) error {
	vpc, err := w.needVPCStore()
	if err != nil {
		return err
	}
	public, err := w.update.secondLease(ctx, scenario.KindExternal)
	if err != nil {
		return err
	}
	return w.createAtEndpointOf(ctx, vpc, public.xks)
}

// createVPCStoreAtTakenEndpoint asks for a store on a second VPC endpoint
// service whose private DNS name is the VPC store's endpoint.
func (w *creator) createVPCStoreAtTakenEndpoint(ctx context.Context) error {
	first, err := w.needVPCStore()
	if err != nil {
		return err
	}
	second, err := w.Stores.NewVPCProxy(ctx, scenario.VpcProxyNeed)
	if err != nil {
		return err
	}
	return w.createAtEndpointOf(ctx, first, second)
}

// createAtEndpointOf asks for an external store on proxy f at the endpoint
// of taken's store. Its path differs, so that the endpoint is all the two
// share.
func (w *creator) createAtEndpointOf(ctx context.Context, taken, f scenario.XKSFixture) error {
	in := scenario.XksStoreInput(w.Env.NextName(), f)
	in.XksProxyUriEndpoint = aws.String(taken.URIEndpoint)
	in.XksProxyUriPath = aws.String(otherURIPath(taken.URIPath))
	return w.attemptCreate(ctx, w.Client, scenario.KindExternal, in)
}

func (w *creator) createStoreOnMissingService(ctx context.Context) error {
	in, err := w.vpcStoreInput(ctx)
	if err != nil {
		return err
	}
	in.XksProxyVpcEndpointServiceName = aws.String(w.update.nonexistentServiceName())
	return w.attemptCreate(ctx, w.Client, scenario.KindExternal, in)
}

func (w *creator) secondCreatesOnSameService(ctx context.Context) error {
	f, err := w.needVPCStore()
	if err != nil {
		return err
	}
	c, err := w.SecondClient()
	if err != nil {
		return err
	}
	return w.attemptCreate(ctx, c, scenario.KindExternal, scenario.XksStoreInput(w.Env.NextName(), f))
}

func (w *creator) secondCreatesOnSameCluster(ctx context.Context) error {
	if err := w.needCloudHSMStore(); err != nil {
		return err
	}
	c, err := w.SecondClient()
	if err != nil {
		return err
	}
	return w.attemptCreate(ctx, c, scenario.KindCloudHSM, w.Stores.CreateStoreInput(scenario.KindCloudHSM))
}

// changeStoreType sends UpdateCustomKeyStore with the settings of the other
// store type, which is the only way the API offers to ask for a new type.
func (w *creator) changeStoreType(ctx context.Context, kind string) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	if kind == s.Kind {
		return fmt.Errorf("the key store is %s already", kind)
	}
	if err := w.Stores.Lease(ctx, kind); err != nil {
		return err
	}
	in := &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.ID)}
	if kind == scenario.KindCloudHSM {
		in.CloudHsmClusterId = aws.String(w.HSM.Fixture.ClusterID)
		in.KeyStorePassword = aws.String(w.HSM.Fixture.Password)
	} else {
		x := scenario.XksStoreInput("", w.XKS.Fixture)
		in.XksProxyUriEndpoint, in.XksProxyUriPath = x.XksProxyUriEndpoint, x.XksProxyUriPath
		in.XksProxyConnectivity = x.XksProxyConnectivity
		in.XksProxyVpcEndpointServiceName = x.XksProxyVpcEndpointServiceName
		in.XksProxyAuthenticationCredential = x.XksProxyAuthenticationCredential
	}
	return w.update.updateStoreAs(ctx, w.Client, in)
}

// needCloudHSMStore checks that the scenario's store is a CloudHSM key store,
// whose cluster is the leased one.
func (w *creator) needCloudHSMStore() error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	if s.Kind != scenario.KindCloudHSM || w.HSM == nil {
		return fmt.Errorf("the scenario's key store is not a CloudHSM key store")
	}
	return nil
}

func (w *creator) needAttempt() (*kms.CreateCustomKeyStoreInput, error) {
	if w.creating.attempt == nil {
		return nil, fmt.Errorf("the scenario sent no CreateCustomKeyStore request")
	}
	return w.creating.attempt, nil
}

func (w *creator) needCreated() (*scenario.Store, error) {
	if err := w.ThenSucceeds(); err != nil {
		return nil, err
	}
	if w.creating.created == nil {
		return nil, fmt.Errorf("CreateCustomKeyStore returned no CustomKeyStoreId")
	}
	return w.creating.created, nil
}
