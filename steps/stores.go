package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// Store kinds as the feature files name them.
const (
	kindCloudHSM = "CloudHSM"
	kindExternal = "external"
)

// needStore is the key store the scenario talks about: a step that needs one
// before any Given step made it is a mistake in the feature file.
func (w *world) needStore() (*store, error) {
	if w.store == nil {
		return nil, fmt.Errorf("the scenario has no key store yet")
	}
	return w.store, nil
}

// onStore makes call, a call under test on a key store, on the scenario's
// store as the run's own account.
func (w *world) onStore(ctx context.Context, call func(ctx context.Context, c *kms.Client, storeID string) error) error {
	s, err := w.needStore()
	if err != nil {
		return err
	}
	return call(ctx, w.client, s.id)
}

// secondOnStore makes call on the scenario's store as the run's second
// account, which does not own it.
func (w *world) secondOnStore(ctx context.Context, call func(ctx context.Context, c *kms.Client, storeID string) error) error {
	s, err := w.needStore()
	if err != nil {
		return err
	}
	c, err := w.secondClient()
	if err != nil {
		return err
	}
	return call(ctx, c, s.id)
}

// lease takes the backing fixture a store of this kind needs, once per
// scenario. It waits for a fixture another scenario holds, but not forever.
func (w *world) lease(ctx context.Context, kind string) error {
	if w.env.Backing == nil {
		return w.skip("needs a %s key store backing, and this run has none", kind)
	}
	ctx, cancel := context.WithTimeout(ctx, w.leaseWait())
	defer cancel()
	switch kind {
	case kindCloudHSM:
		if w.hsm != nil {
			return nil
		}
		l, err := w.env.Backing.CloudHSM(ctx)
		if err != nil {
			return w.fixtureErr(kind, err)
		}
		w.hsm = &l
	case kindExternal:
		if w.xks != nil {
			return nil
		}
		l, err := w.env.Backing.XKS(ctx)
		if err != nil {
			return w.fixtureErr(kind, err)
		}
		w.xks = &l
	default:
		return fmt.Errorf("unknown key store type %q (want CloudHSM or external)", kind)
	}
	return nil
}

// leaseWait bounds the wait for a backing another scenario holds: long enough
// for that scenario to connect, disconnect and clean up its stores.
func (w *world) leaseWait() time.Duration {
	t := w.env.Timeouts
	return 2*(t.Connect+t.Disconnect) + 10*t.Call
}

func (w *world) fixtureErr(kind string, err error) error {
	if errors.Is(err, ErrNoFixture) {
		return w.skip("needs a %s key store backing: %s", kind, strings.TrimPrefix(err.Error(), ErrNoFixture.Error()+": "))
	}
	return fmt.Errorf("getting a %s key store backing: %w", kind, err)
}

// vpcProxyNeed is what a scenario that makes its own VPC proxy needs the
// control API for.
const vpcProxyNeed = "an XKS proxy behind a VPC endpoint service"

// newVPCProxy makes, through the control API, an XKS proxy that KMS reaches
// through a VPC endpoint service; a run without one skips the scenario, which
// needs the proxy for what.
func (w *world) newVPCProxy(ctx context.Context, what string) (XKSFixture, error) {
	c, err := w.control(what)
	if err != nil {
		return XKSFixture{}, err
	}
	f, err := c.VPCXKS(ctx)
	if err != nil {
		return XKSFixture{}, fmt.Errorf("making an XKS proxy behind a VPC endpoint service through the control API: %w", err)
	}
	return f, nil
}

// adoptProxy makes f, a proxy the control API made for the scenario, its XKS
// proxy. Such a proxy backs no other store, so there is nothing to hand back.
func (w *world) adoptProxy(f XKSFixture) {
	w.xks = &Lease[XKSFixture]{Fixture: f, Release: func(bool) {}}
}

// createStoreInput builds the CreateCustomKeyStore request for the leased backing.
func (w *world) createStoreInput(kind string) *kms.CreateCustomKeyStoreInput {
	if kind == kindCloudHSM {
		return hsmStoreInput(w.env.nextName(), w.hsm.Fixture)
	}
	return xksStoreInput(w.env.nextName(), w.xks.Fixture)
}

// hsmStoreInput is a valid request for a CloudHSM key store on cluster f.
func hsmStoreInput(name string, f CloudHSMFixture) *kms.CreateCustomKeyStoreInput {
	return &kms.CreateCustomKeyStoreInput{
		CustomKeyStoreName:     aws.String(name),
		CustomKeyStoreType:     types.CustomKeyStoreTypeAwsCloudhsm,
		CloudHsmClusterId:      aws.String(f.ClusterID),
		TrustAnchorCertificate: aws.String(f.TrustAnchorPEM),
		KeyStorePassword:       aws.String(f.Password),
	}
}

// xksStoreInput is a valid request for an external key store on proxy f.
func xksStoreInput(name string, f XKSFixture) *kms.CreateCustomKeyStoreInput {
	in := &kms.CreateCustomKeyStoreInput{
		CustomKeyStoreName:               aws.String(name),
		CustomKeyStoreType:               types.CustomKeyStoreTypeExternalKeyStore,
		XksProxyUriEndpoint:              aws.String(f.URIEndpoint),
		XksProxyUriPath:                  aws.String(f.URIPath),
		XksProxyConnectivity:             types.XksProxyConnectivityType(f.Connectivity),
		XksProxyAuthenticationCredential: credentialOf(f),
	}
	if f.VpcEndpointServiceName != "" {
		in.XksProxyVpcEndpointServiceName = aws.String(f.VpcEndpointServiceName)
	}
	return in
}

// xksShownAsAsked says what the XksProxyConfiguration of a store's entry
// gets wrong about the request that created the store. Credential values
// never go into what it says.
func xksShownAsAsked(c *types.XksProxyConfigurationType, in *kms.CreateCustomKeyStoreInput) []string {
	if c == nil {
		return []string{"XksProxyConfiguration is missing"}
	}
	var problems []string
	differs := func(member, got, want string) {
		if got != want {
			problems = append(problems, fmt.Sprintf("XksProxyConfiguration.%s is %q, want %q", member, got, want))
		}
	}
	differs("UriEndpoint", aws.ToString(c.UriEndpoint), aws.ToString(in.XksProxyUriEndpoint))
	differs("UriPath", aws.ToString(c.UriPath), aws.ToString(in.XksProxyUriPath))
	differs("Connectivity", string(c.Connectivity), string(in.XksProxyConnectivity))
	if aws.ToString(c.AccessKeyId) != aws.ToString(in.XksProxyAuthenticationCredential.AccessKeyId) {
		// Credential values stay out of reports, whatever the endpoint put where.
		problems = append(problems, "XksProxyConfiguration.AccessKeyId is not the access key ID given")
	}
	if in.XksProxyVpcEndpointServiceName != nil {
		differs("VpcEndpointServiceName", aws.ToString(c.VpcEndpointServiceName), aws.ToString(in.XksProxyVpcEndpointServiceName))
	}
	return problems
}

// credentialOf is the credential KMS authenticates to proxy f with.
func credentialOf(f XKSFixture) *types.XksProxyAuthenticationCredentialType {
	return &types.XksProxyAuthenticationCredentialType{
		AccessKeyId:        aws.String(f.AccessKeyID),
		RawSecretAccessKey: aws.String(f.SecretAccessKey),
	}
}

// createStore creates a DISCONNECTED store of the given kind on a leased backing.
func (w *world) createStore(ctx context.Context, kind string) (*store, error) {
	if err := w.lease(ctx, kind); err != nil {
		return nil, err
	}
	return w.createStoreFrom(ctx, kind, w.createStoreInput(kind))
}

// createStoreFrom creates a store from in as a precondition and tracks it.
func (w *world) createStoreFrom(ctx context.Context, kind string, in *kms.CreateCustomKeyStoreInput) (*store, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("CreateCustomKeyStore: %w", err)
	}
	out, err := setup(uninterrupted(ctx), w, "CreateCustomKeyStore", func(ctx context.Context) (*kms.CreateCustomKeyStoreOutput, error) {
		return w.client.CreateCustomKeyStore(ctx, in)
	})
	if err != nil {
		return nil, err
	}
	return w.track(kind, aws.ToString(out.CustomKeyStoreId), aws.ToString(in.CustomKeyStoreName))
}

// actCreateStore makes the CreateCustomKeyStore call under test as client c,
// and returns its answer when it created a store (nil when it did not), for
// the caller to track: a store created wrongly must be removed all the same.
func (w *world) actCreateStore(ctx context.Context, c *kms.Client, in *kms.CreateCustomKeyStoreInput) (*kms.CreateCustomKeyStoreOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("CreateCustomKeyStore: %w", err)
	}
	if err := act(uninterrupted(ctx), w, "CreateCustomKeyStore", func(ctx context.Context) (*kms.CreateCustomKeyStoreOutput, error) {
		return c.CreateCustomKeyStore(ctx, in)
	}); err != nil {
		return nil, err
	}
	if out, ok := w.output.(*kms.CreateCustomKeyStoreOutput); ok && w.last.err == nil {
		return out, nil
	}
	return nil, nil
}

func (w *world) track(kind, id, name string) (*store, error) {
	if id == "" {
		return nil, fmt.Errorf("CreateCustomKeyStore returned no CustomKeyStoreId")
	}
	s := &store{id: id, kind: kind, name: name}
	w.stores = append(w.stores, s)
	return s, nil
}

func (w *world) connect(ctx context.Context, s *store) error {
	_, err := setup(ctx, w, "ConnectCustomKeyStore", func(ctx context.Context) (*kms.ConnectCustomKeyStoreOutput, error) {
		return w.client.ConnectCustomKeyStore(ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.id)})
	})
	return err
}

func (w *world) disconnect(ctx context.Context, s *store) error {
	_, err := setup(ctx, w, "DisconnectCustomKeyStore", func(ctx context.Context) (*kms.DisconnectCustomKeyStoreOutput, error) {
		return w.client.DisconnectCustomKeyStore(ctx, &kms.DisconnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.id)})
	})
	return err
}

// connectAndWait connects s and waits until it is CONNECTED.
func (w *world) connectAndWait(ctx context.Context, s *store) error {
	if err := w.connect(ctx, s); err != nil {
		return err
	}
	return w.waitState(ctx, s, types.ConnectionStateTypeConnected, w.env.Timeouts.Connect)
}

// settleInto lets s finish an asynchronous transition into want: a transition
// held to observe a state (see observeTransition) is released first, or the
// wait could never end.
func (w *world) settleInto(ctx context.Context, s *store, want types.ConnectionStateType) error {
	if err := w.releaseHolds(ctx); err != nil {
		return err
	}
	limit := w.env.Timeouts.Connect
	if want == types.ConnectionStateTypeDisconnected {
		limit = w.env.Timeouts.Disconnect
	}
	return w.waitState(ctx, s, want, limit)
}

// waitState polls the store until it is in state want. A store that settles
// in FAILED while waiting for CONNECTED ends the wait early.
func (w *world) waitState(ctx context.Context, s *store, want types.ConnectionStateType, limit time.Duration) error {
	_, err := w.pollStore(ctx, s, limit, string(want), func(e *types.CustomKeyStoresListEntry) (bool, error) {
		if e.ConnectionState == types.ConnectionStateTypeFailed && want == types.ConnectionStateTypeConnected {
			return false, fmt.Errorf("key store %s failed to connect: ConnectionErrorCode %s", s.id, e.ConnectionErrorCode)
		}
		return e.ConnectionState == want, nil
	})
	return err
}

// pollStore describes s every poll interval until done says the store has
// reached goal, and returns the entry that shows it; done may also end the
// wait with an error. A store short of goal after limit is an error.
func (w *world) pollStore(ctx context.Context, s *store, limit time.Duration, goal string, done func(*types.CustomKeyStoresListEntry) (bool, error)) (*types.CustomKeyStoresListEntry, error) {
	deadline := time.Now().Add(limit)
	for {
		e, err := w.describeStore(ctx, s.id)
		if err != nil {
			return nil, err
		}
		if ok, err := done(e); ok || err != nil {
			return e, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("key store %s is still %s after %v, want %s", s.id, e.ConnectionState, limit, goal)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for key store %s to be %s: %w", s.id, goal, ctx.Err())
		case <-time.After(w.env.Timeouts.Poll):
		}
	}
}

// storeIn creates a store of the given kind and brings it to state
// (step "a <kind> key store that is <state>").
func (w *world) storeIn(ctx context.Context, kind, state string) error {
	s, err := w.createStore(ctx, kind)
	if err != nil {
		return err
	}
	w.store = s
	switch types.ConnectionStateType(state) {
	case types.ConnectionStateTypeDisconnected:
		return nil
	case types.ConnectionStateTypeConnected:
		return w.connectAndWait(ctx, s)
	case types.ConnectionStateTypeConnecting:
		return w.observeTransition(ctx, s, types.ConnectionStateTypeConnecting, w.connect)
	case types.ConnectionStateTypeDisconnecting:
		if err := w.connectAndWait(ctx, s); err != nil {
			return err
		}
		return w.observeTransition(ctx, s, types.ConnectionStateTypeDisconnecting, w.disconnect)
	case types.ConnectionStateTypeFailed:
		if w.env.States == nil {
			return w.skip("putting a key store in FAILED needs a reference KMS control API (--control), which this target lacks")
		}
		if err := w.env.States.Fail(ctx, s.id, "NETWORK_ERRORS"); err != nil {
			return fmt.Errorf("forcing key store %s into FAILED through the control API: %w", s.id, err)
		}
		return w.expectState(ctx, s, types.ConnectionStateTypeFailed)
	default:
		return fmt.Errorf("unknown connection state %q", state)
	}
}

// observeTransition starts a transition (connect or disconnect) and makes sure
// the store is seen in its transitional state. With a control API the store is
// held there until cleanup; without one, the scenario can only go on if the
// target is slow enough for the state to be observed. It is skipped when the
// store went through the state too fast to be seen; a store that did not
// move at all, or moved elsewhere, fails it.
func (w *world) observeTransition(ctx context.Context, s *store, want types.ConnectionStateType, start func(context.Context, *store) error) error {
	if w.env.States != nil {
		if err := w.env.States.Hold(ctx, s.id); err != nil {
			return fmt.Errorf("holding key store %s in %s through the control API: %w", s.id, want, err)
		}
		s.held = true
	}
	if err := start(ctx, s); err != nil {
		return err
	}
	e, err := w.describeStore(ctx, s.id)
	if err != nil {
		return err
	}
	switch {
	case e.ConnectionState == want:
		return nil
	case w.env.States != nil:
		return fmt.Errorf("key store %s is %s, want %s while held by the control API", s.id, e.ConnectionState, want)
	case e.ConnectionState == settledAfter[want]:
		return w.skip("key store %s went to %s before %s could be observed, and this target has no control API to hold it there", s.id, e.ConnectionState, want)
	}
	return fmt.Errorf("key store %s is %s right after the call that starts %s, want %s (or %s, had it passed through %s too fast to see)",
		s.id, e.ConnectionState, want, want, settledAfter[want], want)
}

// settledAfter is the state a store reaches when a transition it is in
// completes: seeing it means the transition did happen, unseen.
var settledAfter = map[types.ConnectionStateType]types.ConnectionStateType{
	types.ConnectionStateTypeConnecting:    types.ConnectionStateTypeConnected,
	types.ConnectionStateTypeDisconnecting: types.ConnectionStateTypeDisconnected,
}

func (w *world) expectState(ctx context.Context, s *store, want types.ConnectionStateType) error {
	e, err := w.describeStore(ctx, s.id)
	if err != nil {
		return err
	}
	if e.ConnectionState != want {
		return fmt.Errorf("key store %s is %s, want %s", s.id, e.ConnectionState, want)
	}
	return nil
}

// releaseHolds lets every held transition of the scenario's stores complete.
func (w *world) releaseHolds(ctx context.Context) error {
	for _, s := range w.stores {
		if !s.held {
			continue
		}
		if err := w.env.States.Release(ctx, s.id); err != nil {
			return fmt.Errorf("releasing key store %s through the control API: %w", s.id, err)
		}
		s.held = false
	}
	return nil
}

// storeKeyInput is the CreateKey request for a key in store s.
func (w *world) storeKeyInput(s *store) *kms.CreateKeyInput {
	in := &kms.CreateKeyInput{CustomKeyStoreId: aws.String(s.id)}
	if s.kind == kindCloudHSM {
		in.Origin = types.OriginTypeAwsCloudhsm
	} else {
		in.Origin = types.OriginTypeExternalKeyStore
		in.XksKeyId = aws.String(w.xks.Fixture.ExternalKeyID)
	}
	return in
}

// keyInStore creates a KMS key in store s, which must be connected.
func (w *world) keyInStore(ctx context.Context, s *store) error {
	if _, err := w.createKey(ctx, w.storeKeyInput(s)); err != nil {
		return err
	}
	s.keys++
	return nil
}

// describeScenarioStore is the scenario's store and its entry as
// DescribeCustomKeyStores shows it now.
func (w *world) describeScenarioStore(ctx context.Context) (*store, *types.CustomKeyStoresListEntry, error) {
	s, err := w.needStore()
	if err != nil {
		return nil, nil, err
	}
	e, err := w.describeStore(ctx, s.id)
	if err != nil {
		return nil, nil, err
	}
	return s, e, nil
}

// missingStoreID is a well-formed custom key store ID that no endpoint has issued.
func missingStoreID() string {
	return "cks-" + randomHex(9)[:17]
}
