package keystores

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// viaVPC is how the UpdateCustomKeyStore steps name an XKS proxy that KMS
// reaches through a VPC endpoint service (the other way is "public").
const viaVPC = "VPC"

// updateStoreState is a scenario's state for the steps of UpdateCustomKeyStore
type updateStoreState struct {
	// before is the store as DescribeCustomKeyStores showed it just before
	// the update, to show that a refused update changed nothing.
	before *types.CustomKeyStoresListEntry
	// newName is the name the scenario gave the store.
	newName string
	// cluster is the ID of the other CloudHSM cluster the scenario made.
	cluster string
	// proxy is the other XKS proxy the scenario made.
	proxy *scenario.XKSFixture
	// other is the other key store the scenario created.
	other *scenario.Store
}

// registerUpdateStore binds the steps of UpdateCustomKeyStore.
func (w *updater) registerUpdateStore(sc stepdef.Context) {
	sc.GivenChecks(`^an external key store with (public|VPC) connectivity that is (CONNECTED|DISCONNECTED)$`, w.givenStoreWithConnectivity, stepdef.Creates{ExternalStores: 1})
	sc.Given(`^another (CloudHSM|external) key store$`, w.givenOtherStore)
	sc.Given(`^another external key store with (public|VPC) connectivity$`, w.givenOtherStoreWithConnectivity)
	sc.Given(`^another (public|VPC) XKS proxy$`, w.givenOtherProxy)
	sc.Given(`^another (public|VPC) XKS proxy, where (.+)$`, w.givenBrokenOtherProxy, stepdef.Check(checkProxyDefect))
	sc.Given(`^a CloudHSM cluster related to the key store's cluster$`, w.givenRelatedCluster)
	sc.Given(`^a CloudHSM cluster related to the key store's cluster, where (.+)$`, w.givenBrokenRelatedCluster, stepdef.Check(checkClusterDefect))
	sc.Given(`^an unrelated CloudHSM cluster$`, w.givenUnrelatedCluster)

	sc.When(`^I update a custom key store that does not exist$`, w.updateMissingStore)
	sc.When(`^I rename the key store$`, w.renameStore)
	sc.When(`^the second account renames the key store by its ID$`, w.secondRenamesStore, stepdef.Creates{SecondAccount: true})
	sc.When(`^I rename the key store to the other key store's name$`, w.renameToOtherName)
	sc.When(`^I give the key store its kmsuser password$`, w.updatePassword)
	sc.When(`^I move the key store to the other CloudHSM cluster$`, w.moveToOtherCluster)
	sc.When(`^I move the key store to a CloudHSM cluster that does not exist$`, w.moveToMissingCluster)
	sc.When(`^I point the key store at the other XKS proxy$`, w.pointAtOtherProxy)
	sc.When(`^I give the key store the other key store's endpoint with a different URI path$`, w.takeOtherEndpoint)
	sc.When(`^I give the key store the other proxy's VPC endpoint service$`, w.takeOtherService)
	sc.When(`^I give the key store a VPC endpoint service that does not exist$`, w.giveMissingService)
	sc.When(`^I give the key store another VPC endpoint service owner$`, w.giveOtherServiceOwner)
	sc.When(`^I give the key store the credential its proxy accepts$`, w.giveProxyCredential)
	sc.When(`^I give the key store the URI path its proxy answers at$`, w.giveProxyPath)
	sc.When(`^I give the key store a credential its proxy does not accept$`, w.giveWrongCredential)
	sc.When(`^I change the key store's credential giving only its AccessKeyId$`, w.giveHalfCredential)
	sc.When(`^I update the key store giving only (?:a|an) (KeyStorePassword|CloudHsmClusterId|XksProxyUriPath|XksProxyVpcEndpointServiceName)$`, w.giveOnly)
	sc.When(`^I switch the key store to VPC_ENDPOINT_SERVICE connectivity (without a new endpoint or endpoint service|with an endpoint service but no new endpoint)$`, w.switchToVPC)
	sc.When(`^I switch the key store to PUBLIC_ENDPOINT connectivity without a new endpoint$`, w.switchToPublicInPlace)
	sc.When(`^I switch the key store to the other public XKS proxy, keeping its VPC endpoint service$`, w.switchToPublicKeepingService)

	sc.Then(`^the key store is unchanged$`, w.thenStoreUnchanged)
	sc.Then(`^the key store has its new name$`, w.thenNewName)
	sc.Then(`^the key store uses the other CloudHSM cluster$`, w.thenOtherCluster)
	sc.Then(`^the key store uses the other XKS proxy, whose credential secret it never shows$`, w.thenOtherProxy)
	sc.Then(`^the key store shows its credential's access key ID but never its secret$`, w.thenCredentialHidden)
	sc.Then(`^the key store connects with the password it was given$`, w.thenConnectsWithPassword)
}

// givenStoreWithConnectivity creates the scenario's external key store on a
// proxy reached the given way: a VPC one the control API makes, where there
// is one, or else the proxy the run lends.
func (w *updater) givenStoreWithConnectivity(ctx context.Context, connectivity, state string) error {
	if connectivity == viaVPC && w.Env.Control != nil {
		f, err := w.Stores.NewVPCProxy(ctx, scenario.VpcProxyNeed)
		if err != nil {
			return err
		}
		w.Stores.AdoptProxy(f)
	} else if err := w.Stores.Lease(ctx, scenario.KindExternal); err != nil {
		return err
	}
	if err := w.needConnectivity(w.XKS.Fixture, connectivity); err != nil {
		return err
	}
	return w.Stores.StoreIn(ctx, scenario.KindExternal, state)
}

// needConnectivity skips the scenario when the proxy the run lent is not
// reached the way the scenario needs.
func (w *updater) needConnectivity(f scenario.XKSFixture, connectivity string) error {
	want := types.XksProxyConnectivityTypePublicEndpoint
	if connectivity == viaVPC {
		want = types.XksProxyConnectivityTypeVpcEndpointService
	}
	if f.Connectivity != string(want) {
		return w.Skip("needs an XKS proxy with %s connectivity, and the one this run lent has %s: list one under xks in --config, or use a target with a control API (--control)", want, f.Connectivity)
	}
	return nil
}

// otherProxy makes or leases a second XKS proxy, reached the given way.
func (w *updater) otherProxy(ctx context.Context, connectivity string) (scenario.XKSFixture, error) {
	if connectivity == viaVPC && w.Env.Control != nil {
		return w.Stores.NewVPCProxy(ctx, scenario.VpcProxyNeed)
	}
	l, err := w.secondLease(ctx, scenario.KindExternal)
	if err != nil {
		return scenario.XKSFixture{}, err
	}
	return l.xks, w.needConnectivity(l.xks, connectivity)
}

// secondBacking is a backing fixture beyond the scenario's main one.
type secondBacking struct {
	hsm scenario.CloudHSMFixture
	xks scenario.XKSFixture
}

// storeInput is a valid request for a key store of the kind, named name, on b.
func (b secondBacking) storeInput(kind, name string) *kms.CreateCustomKeyStoreInput {
	if kind == scenario.KindCloudHSM {
		return scenario.HsmStoreInput(name, b.hsm)
	}
	return scenario.XksStoreInput(name, b.xks)
}

// secondLease takes a second backing fixture of the kind. It is handed back
// once the scenario's key stores are gone, so that no other scenario gets a
// cluster or proxy a store of this one still uses.
func (w *updater) secondLease(ctx context.Context, kind string) (secondBacking, error) {
	if w.Env.Backing == nil {
		return secondBacking{}, w.Skip("needs a second %s key store backing, and this run has none", kind)
	}
	wait := w.Stores.LeaseWait()
	lctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var (
		b       secondBacking
		release func(bool)
		err     error
	)
	switch kind {
	case scenario.KindCloudHSM:
		var l scenario.Lease[scenario.CloudHSMFixture]
		l, err = w.Env.Backing.CloudHSM(lctx)
		b.hsm, release = l.Fixture, l.Release
	default:
		var l scenario.Lease[scenario.XKSFixture]
		l, err = w.Env.Backing.XKS(lctx)
		b.xks, release = l.Fixture, l.Release
	}
	switch {
	case err == nil:
	case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		// With one backing listed, or all of them held by scenarios that
		// each wait for a second one, none comes free: skip, do not hang.
		return b, w.Skip("needs two %s key store backings at once, and no second one came free within %v", kind, wait)
	default:
		return b, w.Stores.FixtureErr(kind, err)
	}
	w.Cleanup = append(w.Cleanup, func(ctx context.Context) error { return w.releaseAfterStores(ctx, release) })
	return b, nil
}

// releaseAfterStores removes the scenario's key stores, then hands a lease
// back, reusable only if every store is gone. (Cleanup runs these before it
// removes the stores itself; the stores it finds deleted it leaves alone.)
func (w *updater) releaseAfterStores(ctx context.Context, release func(bool)) error {
	reusable, errs := w.RemoveStores(ctx)
	release(reusable)
	return errors.Join(errs...)
}

func (w *updater) givenOtherStore(ctx context.Context, kind string) error {
	b, err := w.secondLease(ctx, kind)
	if err != nil {
		return err
	}
	return w.createOtherStore(ctx, kind, b)
}

func (w *updater) givenOtherStoreWithConnectivity(ctx context.Context, connectivity string) error {
	f, err := w.otherProxy(ctx, connectivity)
	if err != nil {
		return err
	}
	w.updating.proxy = &f
	return w.createOtherStore(ctx, scenario.KindExternal, secondBacking{xks: f})
}

// createOtherStore creates a second, DISCONNECTED key store on backing b.
func (w *updater) createOtherStore(ctx context.Context, kind string, b secondBacking) error {
	s, err := w.Stores.CreateStoreFrom(ctx, kind, b.storeInput(kind, w.Env.NextName()))
	if err != nil {
		return err
	}
	w.updating.other = s
	return nil
}

func (w *updater) givenOtherProxy(ctx context.Context, connectivity string) error {
	f, err := w.otherProxy(ctx, connectivity)
	if err != nil {
		return err
	}
	w.updating.proxy = &f
	return nil
}

func (w *updater) givenBrokenOtherProxy(ctx context.Context, connectivity, defect string) error {
	return w.create.breakProxy(ctx, defect, func(ctx context.Context) (scenario.XKSFixture, error) {
		if err := w.givenOtherProxy(ctx, connectivity); err != nil {
			return scenario.XKSFixture{}, err
		}
		return *w.updating.proxy, nil
	})
}

func (w *updater) givenRelatedCluster(ctx context.Context) error {
	if w.HSM == nil {
		return fmt.Errorf("the scenario has no CloudHSM key store yet")
	}
	c, err := w.Control("a CloudHSM cluster related to another")
	if err != nil {
		return err
	}
	f, err := c.RelatedCloudHSM(ctx, w.HSM.Fixture.ClusterID)
	if err != nil {
		return fmt.Errorf("making a cluster related to %s through the control API: %w", w.HSM.Fixture.ClusterID, err)
	}
	w.updating.cluster = f.ClusterID
	return nil
}

func (w *updater) givenBrokenRelatedCluster(ctx context.Context, defect string) error {
	d, err := clusterDefectNamed(defect)
	if err != nil {
		return err
	}
	if err := w.givenRelatedCluster(ctx); err != nil {
		return err
	}
	if err := w.Env.Control.BreakCloudHSM(ctx, w.updating.cluster, d); err != nil {
		return fmt.Errorf("making %s through the control API: %w", defect, err)
	}
	return nil
}

func (w *updater) givenUnrelatedCluster(ctx context.Context) error {
	b, err := w.secondLease(ctx, scenario.KindCloudHSM)
	if err != nil {
		return err
	}
	w.updating.cluster = b.hsm.ClusterID
	return nil
}

// updateStore makes the UpdateCustomKeyStore call under test on the
// scenario's store, after noting how the store looked.
func (w *updater) updateStore(ctx context.Context, c *kms.Client, in *kms.UpdateCustomKeyStoreInput, opts ...func(*kms.Options)) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	before, err := w.DescribeStore(ctx, s.ID)
	if err != nil {
		return fmt.Errorf("looking at the key store before the update: %w", err)
	}
	w.updating.before = before
	in.CustomKeyStoreId = aws.String(s.ID)
	return w.updateStoreAs(ctx, c, in, opts...)
}

// updateStoreAs makes the UpdateCustomKeyStore call under test as client c.
func (w *updater) updateStoreAs(ctx context.Context, c *kms.Client, in *kms.UpdateCustomKeyStoreInput, opts ...func(*kms.Options)) error {
	return scenario.Act(ctx, w.Scenario, "UpdateCustomKeyStore", func(ctx context.Context) (*kms.UpdateCustomKeyStoreOutput, error) {
		return c.UpdateCustomKeyStore(ctx, in, opts...)
	})
}

func (w *updater) updateMissingStore(ctx context.Context) error {
	return w.updateStoreAs(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{
		CustomKeyStoreId:      aws.String(w.Env.MadeUp(scenario.MissingStoreID())),
		NewCustomKeyStoreName: aws.String(w.Env.NextName()),
	})
}

func (w *updater) renameStore(ctx context.Context) error {
	w.updating.newName = w.Env.NextName()
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{NewCustomKeyStoreName: aws.String(w.updating.newName)})
}

func (w *updater) secondRenamesStore(ctx context.Context) error {
	c, err := w.SecondClient()
	if err != nil {
		return err
	}
	return w.updateStore(ctx, c, &kms.UpdateCustomKeyStoreInput{NewCustomKeyStoreName: aws.String(w.Env.NextName())})
}

func (w *updater) renameToOtherName(ctx context.Context) error {
	if w.updating.other == nil {
		return fmt.Errorf("the scenario has no other key store")
	}
	other, err := w.DescribeStore(ctx, w.updating.other.ID)
	if err != nil {
		return err
	}
	name := aws.ToString(other.CustomKeyStoreName)
	if name == "" {
		return fmt.Errorf("DescribeCustomKeyStores shows no name for key store %s", w.updating.other.ID)
	}
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{NewCustomKeyStoreName: aws.String(name)})
}

func (w *updater) needCluster() (scenario.CloudHSMFixture, error) {
	if w.HSM == nil {
		return scenario.CloudHSMFixture{}, fmt.Errorf("the scenario has no CloudHSM key store")
	}
	return w.HSM.Fixture, nil
}

func (w *updater) needProxy() (scenario.XKSFixture, error) {
	if w.XKS == nil {
		return scenario.XKSFixture{}, fmt.Errorf("the scenario has no external key store")
	}
	return w.XKS.Fixture, nil
}

func (w *updater) needOtherProxy() (scenario.XKSFixture, error) {
	if w.updating.proxy == nil {
		return scenario.XKSFixture{}, fmt.Errorf("the scenario has no other XKS proxy")
	}
	return *w.updating.proxy, nil
}

// updatePassword sends the password kmsuser really has, so that only the
// store's state can stand in the way.
func (w *updater) updatePassword(ctx context.Context) error {
	f, err := w.needCluster()
	if err != nil {
		return err
	}
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{KeyStorePassword: aws.String(f.Password)})
}

func (w *updater) moveToOtherCluster(ctx context.Context) error {
	if w.updating.cluster == "" {
		return fmt.Errorf("the scenario has no other CloudHSM cluster")
	}
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{CloudHsmClusterId: aws.String(w.updating.cluster)})
}

func (w *updater) moveToMissingCluster(ctx context.Context) error {
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{CloudHsmClusterId: aws.String(nonexistentClusterID())})
}

// pointAtOtherProxy sends everything that leads the store to the other
// proxy: endpoint, path and credential, and its connectivity and endpoint
// service where they differ from the store's.
func (w *updater) pointAtOtherProxy(ctx context.Context) error {
	cur, err := w.needProxy()
	if err != nil {
		return err
	}
	p, err := w.needOtherProxy()
	if err != nil {
		return err
	}
	in := &kms.UpdateCustomKeyStoreInput{
		XksProxyUriEndpoint:              aws.String(p.URIEndpoint),
		XksProxyUriPath:                  aws.String(p.URIPath),
		XksProxyAuthenticationCredential: scenario.CredentialOf(p),
	}
	if p.Connectivity != cur.Connectivity {
		in.XksProxyConnectivity = types.XksProxyConnectivityType(p.Connectivity)
	}
	if p.VpcEndpointServiceName != "" {
		in.XksProxyVpcEndpointServiceName = aws.String(p.VpcEndpointServiceName)
	}
	return w.updateStore(ctx, w.Client, in)
}

// takeOtherEndpoint sends the other store's endpoint with a path it does
// not use, so that the pair is free and only the endpoint clashes.
func (w *updater) takeOtherEndpoint(ctx context.Context) error {
	p, err := w.needOtherProxy()
	if err != nil {
		return err
	}
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{
		XksProxyUriEndpoint: aws.String(p.URIEndpoint),
		XksProxyUriPath:     aws.String("/kmsconform" + p.URIPath),
	})
}

func (w *updater) takeOtherService(ctx context.Context) error {
	p, err := w.needOtherProxy()
	if err != nil {
		return err
	}
	if p.VpcEndpointServiceName == "" {
		return fmt.Errorf("the other XKS proxy has no VPC endpoint service")
	}
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{XksProxyVpcEndpointServiceName: aws.String(p.VpcEndpointServiceName)})
}

func (w *updater) giveMissingService(ctx context.Context) error {
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{XksProxyVpcEndpointServiceName: aws.String(w.nonexistentServiceName())})
}

// giveOtherServiceOwner names an account that owns no endpoint service of the store.
func (w *updater) giveOtherServiceOwner(ctx context.Context) error {
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{XksProxyVpcEndpointServiceOwner: aws.String("111122223333")})
}

func (w *updater) giveProxyCredential(ctx context.Context) error {
	f, err := w.needProxy()
	if err != nil {
		return err
	}
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{XksProxyAuthenticationCredential: scenario.CredentialOf(f)})
}

func (w *updater) giveProxyPath(ctx context.Context) error {
	f, err := w.needProxy()
	if err != nil {
		return err
	}
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{XksProxyUriPath: aws.String(f.URIPath)})
}

func (w *updater) giveWrongCredential(ctx context.Context) error {
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{XksProxyAuthenticationCredential: madeUpCredential()})
}

// giveHalfCredential leaves RawSecretAccessKey out, past the SDK's own
// check, to see what the endpoint answers.
func (w *updater) giveHalfCredential(ctx context.Context) error {
	f, err := w.needProxy()
	if err != nil {
		return err
	}
	in := &kms.UpdateCustomKeyStoreInput{XksProxyAuthenticationCredential: &types.XksProxyAuthenticationCredentialType{AccessKeyId: aws.String(f.AccessKeyID)}}
	return w.updateStore(ctx, w.Client, in, scenario.Unvalidated)
}

// giveOnly sends one member on its own, with a well-formed value.
func (w *updater) giveOnly(ctx context.Context, member string) error {
	in := &kms.UpdateCustomKeyStoreInput{}
	switch member {
	case "KeyStorePassword":
		in.KeyStorePassword = aws.String(randomAccessKeyChars(16))
	case "CloudHsmClusterId":
		in.CloudHsmClusterId = aws.String(nonexistentClusterID())
	case "XksProxyUriPath":
		in.XksProxyUriPath = aws.String("/kms/xks/v1")
	case "XksProxyVpcEndpointServiceName":
		in.XksProxyVpcEndpointServiceName = aws.String(w.nonexistentServiceName())
	}
	return w.updateStore(ctx, w.Client, in)
}

func (w *updater) switchToVPC(ctx context.Context, how string) error {
	in := &kms.UpdateCustomKeyStoreInput{XksProxyConnectivity: types.XksProxyConnectivityTypeVpcEndpointService}
	if how == "with an endpoint service but no new endpoint" {
		in.XksProxyVpcEndpointServiceName = aws.String(w.nonexistentServiceName())
	}
	return w.updateStore(ctx, w.Client, in)
}

func (w *updater) switchToPublicInPlace(ctx context.Context) error {
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{XksProxyConnectivity: types.XksProxyConnectivityTypePublicEndpoint})
}

func (w *updater) switchToPublicKeepingService(ctx context.Context) error {
	cur, err := w.needProxy()
	if err != nil {
		return err
	}
	p, err := w.needOtherProxy()
	if err != nil {
		return err
	}
	return w.updateStore(ctx, w.Client, &kms.UpdateCustomKeyStoreInput{
		XksProxyConnectivity:             types.XksProxyConnectivityTypePublicEndpoint,
		XksProxyUriEndpoint:              aws.String(p.URIEndpoint),
		XksProxyUriPath:                  aws.String(p.URIPath),
		XksProxyAuthenticationCredential: scenario.CredentialOf(p),
		XksProxyVpcEndpointServiceName:   aws.String(cur.VpcEndpointServiceName),
	})
}

// nonexistentClusterID is a well-formed CloudHSM cluster ID that names no cluster.
func nonexistentClusterID() string {
	return "cluster-" + strings.ToLower(randomAccessKeyChars(13))
}

// nonexistentServiceName is a well-formed VPC endpoint service name that names
// no endpoint service.
func (w *updater) nonexistentServiceName() string {
	return fmt.Sprintf("com.amazonaws.vpce.%s.vpce-svc-%s", w.Env.Region, strings.ToLower(randomAccessKeyChars(17)))
}

// madeUpCredential is a well-formed XKS proxy credential no proxy has.
func madeUpCredential() *types.XksProxyAuthenticationCredentialType {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	return &types.XksProxyAuthenticationCredentialType{
		AccessKeyId:        aws.String(randomAccessKeyChars(20)),
		RawSecretAccessKey: aws.String(base64.StdEncoding.EncodeToString(secret)),
	}
}

// randomAccessKeyChars is n random characters of [A-Z2-7].
func randomAccessKeyChars(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:n]
}

// proxyConfiguration is the entry's XksProxyConfiguration, empty when it has none.
func proxyConfiguration(e *types.CustomKeyStoresListEntry) *types.XksProxyConfigurationType {
	if e.XksProxyConfiguration == nil {
		return &types.XksProxyConfigurationType{}
	}
	return e.XksProxyConfiguration
}

// shownField is one member of a DescribeCustomKeyStores entry that an
// update could change.
type shownField struct{ name, value string }

// shownFields lists, in a fixed order, what DescribeCustomKeyStores shows
// of a store that an update could change.
func shownFields(e *types.CustomKeyStoresListEntry) []shownField {
	x := proxyConfiguration(e)
	return []shownField{
		{"CustomKeyStoreName", aws.ToString(e.CustomKeyStoreName)},
		{"ConnectionState", string(e.ConnectionState)},
		{"CloudHsmClusterId", aws.ToString(e.CloudHsmClusterId)},
		{"TrustAnchorCertificate", aws.ToString(e.TrustAnchorCertificate)},
		{"XksProxyConfiguration.UriEndpoint", aws.ToString(x.UriEndpoint)},
		{"XksProxyConfiguration.UriPath", aws.ToString(x.UriPath)},
		{"XksProxyConfiguration.Connectivity", string(x.Connectivity)},
		{"XksProxyConfiguration.AccessKeyId", aws.ToString(x.AccessKeyId)},
		{"XksProxyConfiguration.VpcEndpointServiceName", aws.ToString(x.VpcEndpointServiceName)},
		{"XksProxyConfiguration.VpcEndpointServiceOwner", aws.ToString(x.VpcEndpointServiceOwner)},
	}
}
