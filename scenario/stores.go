package scenario

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
	KindCloudHSM = "CloudHSM"
	KindExternal = "external"
)

// needStore is the key store the scenario talks about: a step that needs one
// before any Given step made it is a mistake in the feature file.
func (w *Stores) NeedStore() (*Store, error) {
	if w.Store == nil {
		return nil, fmt.Errorf("the scenario has no key store yet")
	}
	return w.Store, nil
}

// onStore makes call, a call under test on a key store, on the scenario's
// store as the run's own account.
func (w *Stores) OnStore(ctx context.Context, call func(ctx context.Context, c *kms.Client, storeID string) error) error {
	s, err := w.NeedStore()
	if err != nil {
		return err
	}
	return call(ctx, w.Client, s.ID)
}

// secondOnStore makes call on the scenario's store as the run's second
// account, which does not own it.
func (w *Stores) SecondOnStore(ctx context.Context, call func(ctx context.Context, c *kms.Client, storeID string) error) error {
	s, err := w.NeedStore()
	if err != nil {
		return err
	}
	c, err := w.SecondClient()
	if err != nil {
		return err
	}
	return call(ctx, c, s.ID)
}

// lease takes the backing fixture a store of this kind needs, once per
// scenario. It waits for a fixture another scenario holds, but not forever.
func (w *Stores) Lease(ctx context.Context, kind string) error {
	if w.Env.Backing == nil {
		return w.Skip("needs a %s key store backing, and this run has none", kind)
	}
	ctx, cancel := context.WithTimeout(ctx, w.LeaseWait())
	defer cancel()
	switch kind {
	case KindCloudHSM:
		if w.HSM != nil {
			return nil
		}
		l, err := w.Env.Backing.CloudHSM(ctx)
		if err != nil {
			return w.FixtureErr(kind, err)
		}
		w.HSM = &l
	case KindExternal:
		if w.XKS != nil {
			return nil
		}
		l, err := w.Env.Backing.XKS(ctx)
		if err != nil {
			return w.FixtureErr(kind, err)
		}
		w.XKS = &l
	default:
		return fmt.Errorf("unknown key store type %q (want CloudHSM or external)", kind)
	}
	return nil
}

// leaseWait bounds the wait for a backing another scenario holds: long enough
// for that scenario to connect, disconnect and clean up its stores.
func (w *Stores) LeaseWait() time.Duration {
	t := w.Env.Timeouts
	return 2*(t.Connect+t.Disconnect) + 10*t.Call
}

func (w *Stores) FixtureErr(kind string, err error) error {
	if errors.Is(err, ErrNoFixture) {
		return w.Skip("needs a %s key store backing: %s", kind, strings.TrimPrefix(err.Error(), ErrNoFixture.Error()+": "))
	}
	return fmt.Errorf("getting a %s key store backing: %w", kind, err)
}

// vpcProxyNeed is what a scenario that makes its own VPC proxy needs the
// control API for.
const VpcProxyNeed = "an XKS proxy behind a VPC endpoint service"

// newVPCProxy makes, through the control API, an XKS proxy that KMS reaches
// through a VPC endpoint service; a run without one skips the scenario, which
// needs the proxy for what.
func (w *Stores) NewVPCProxy(ctx context.Context, what string) (XKSFixture, error) {
	c, err := w.Control(what)
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
func (w *Stores) AdoptProxy(f XKSFixture) {
	w.XKS = &Lease[XKSFixture]{Fixture: f, Release: func(bool) {}}
}

// createStoreInput builds the CreateCustomKeyStore request for the leased backing.
func (w *Stores) CreateStoreInput(kind string) *kms.CreateCustomKeyStoreInput {
	if kind == KindCloudHSM {
		return HsmStoreInput(w.Env.NextName(), w.HSM.Fixture)
	}
	return XksStoreInput(w.Env.NextName(), w.XKS.Fixture)
}

// hsmStoreInput is a valid request for a CloudHSM key store on cluster f.
func HsmStoreInput(name string, f CloudHSMFixture) *kms.CreateCustomKeyStoreInput {
	return &kms.CreateCustomKeyStoreInput{
		CustomKeyStoreName:     aws.String(name),
		CustomKeyStoreType:     types.CustomKeyStoreTypeAwsCloudhsm,
		CloudHsmClusterId:      aws.String(f.ClusterID),
		TrustAnchorCertificate: aws.String(f.TrustAnchorPEM),
		KeyStorePassword:       aws.String(f.Password),
	}
}

// xksStoreInput is a valid request for an external key store on proxy f.
func XksStoreInput(name string, f XKSFixture) *kms.CreateCustomKeyStoreInput {
	in := &kms.CreateCustomKeyStoreInput{
		CustomKeyStoreName:               aws.String(name),
		CustomKeyStoreType:               types.CustomKeyStoreTypeExternalKeyStore,
		XksProxyUriEndpoint:              aws.String(f.URIEndpoint),
		XksProxyUriPath:                  aws.String(f.URIPath),
		XksProxyConnectivity:             types.XksProxyConnectivityType(f.Connectivity),
		XksProxyAuthenticationCredential: CredentialOf(f),
	}
	if f.VpcEndpointServiceName != "" {
		in.XksProxyVpcEndpointServiceName = aws.String(f.VpcEndpointServiceName)
	}
	return in
}

// xksShownAsAsked says what the XksProxyConfiguration of a store's entry
// gets wrong about the request that created the store. Credential values
// never go into what it says.
func XksShownAsAsked(c *types.XksProxyConfigurationType, in *kms.CreateCustomKeyStoreInput) []string {
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
func CredentialOf(f XKSFixture) *types.XksProxyAuthenticationCredentialType {
	return &types.XksProxyAuthenticationCredentialType{
		AccessKeyId:        aws.String(f.AccessKeyID),
		RawSecretAccessKey: aws.String(f.SecretAccessKey),
	}
}

// createStore creates a DISCONNECTED store of the given kind on a leased backing.
func (w *Stores) CreateStore(ctx context.Context, kind string) (*Store, error) {
	if err := w.Lease(ctx, kind); err != nil {
		return nil, err
	}
	return w.CreateStoreFrom(ctx, kind, w.CreateStoreInput(kind))
}

// createStoreFrom creates a store from in as a precondition and tracks it.
func (w *Stores) CreateStoreFrom(ctx context.Context, kind string, in *kms.CreateCustomKeyStoreInput) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("CreateCustomKeyStore: %w", err)
	}
	out, err := Setup(uninterrupted(ctx), w.Scenario, "CreateCustomKeyStore", func(ctx context.Context) (*kms.CreateCustomKeyStoreOutput, error) {
		return w.Client.CreateCustomKeyStore(ctx, in)
	})
	if err != nil {
		return nil, err
	}
	return w.Track(kind, aws.ToString(out.CustomKeyStoreId), aws.ToString(in.CustomKeyStoreName))
}

// actCreateStore makes the CreateCustomKeyStore call under test as client c,
// and returns its answer when it created a store (nil when it did not), for
// the caller to track: a store created wrongly must be removed all the same.
func (w *Stores) ActCreateStore(ctx context.Context, c *kms.Client, in *kms.CreateCustomKeyStoreInput) (*kms.CreateCustomKeyStoreOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("CreateCustomKeyStore: %w", err)
	}
	if err := Act(uninterrupted(ctx), w.Scenario, "CreateCustomKeyStore", func(ctx context.Context) (*kms.CreateCustomKeyStoreOutput, error) {
		return c.CreateCustomKeyStore(ctx, in)
	}); err != nil {
		return nil, err
	}
	if out, ok := w.Output.(*kms.CreateCustomKeyStoreOutput); ok && w.Last.Err == nil {
		return out, nil
	}
	return nil, nil
}

func (w *Stores) Track(kind, id, name string) (*Store, error) {
	if id == "" {
		return nil, fmt.Errorf("CreateCustomKeyStore returned no CustomKeyStoreId")
	}
	s := &Store{ID: id, Kind: kind, Name: name}
	w.CreatedStores = append(w.CreatedStores, s)
	return s, nil
}

func (w *Stores) Connect(ctx context.Context, s *Store) error {
	_, err := Setup(ctx, w.Scenario, "ConnectCustomKeyStore", func(ctx context.Context) (*kms.ConnectCustomKeyStoreOutput, error) {
		return w.Client.ConnectCustomKeyStore(ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.ID)})
	})
	return err
}

func (w *Stores) disconnect(ctx context.Context, s *Store) error {
	_, err := Setup(ctx, w.Scenario, "DisconnectCustomKeyStore", func(ctx context.Context) (*kms.DisconnectCustomKeyStoreOutput, error) {
		return w.Client.DisconnectCustomKeyStore(ctx, &kms.DisconnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.ID)})
	})
	return err
}

// connectAndWait connects s and waits until it is CONNECTED.
func (w *Stores) ConnectAndWait(ctx context.Context, s *Store) error {
	if err := w.Connect(ctx, s); err != nil {
		return err
	}
	return w.waitState(ctx, s, types.ConnectionStateTypeConnected, w.Env.Timeouts.Connect)
}

// settleInto lets s finish an asynchronous transition into want: a transition
// held to observe a state (see observeTransition) is released first, or the
// wait could never end.
func (w *Stores) SettleInto(ctx context.Context, s *Store, want types.ConnectionStateType) error {
	if err := w.ReleaseHolds(ctx); err != nil {
		return err
	}
	limit := w.Env.Timeouts.Connect
	if want == types.ConnectionStateTypeDisconnected {
		limit = w.Env.Timeouts.Disconnect
	}
	return w.waitState(ctx, s, want, limit)
}

// waitState polls the store until it is in state want. A store that settles
// in FAILED while waiting for CONNECTED ends the wait early.
func (w *Stores) waitState(ctx context.Context, s *Store, want types.ConnectionStateType, limit time.Duration) error {
	_, err := w.PollStore(ctx, s, limit, string(want), func(e *types.CustomKeyStoresListEntry) (bool, error) {
		if e.ConnectionState == types.ConnectionStateTypeFailed && want == types.ConnectionStateTypeConnected {
			return false, fmt.Errorf("key store %s failed to connect: ConnectionErrorCode %s", s.ID, e.ConnectionErrorCode)
		}
		return e.ConnectionState == want, nil
	})
	return err
}

// pollStore describes s every poll interval until done says the store has
// reached goal, and returns the entry that shows it; done may also end the
// wait with an error. A store short of goal after limit is an error, and
// ends at once every other wait of the run for a store of its kind to reach
// goal (see Waits).
func (w *Stores) PollStore(ctx context.Context, s *Store, limit time.Duration, goal string, done func(*types.CustomKeyStoresListEntry) (bool, error)) (*types.CustomKeyStoresListEntry, error) {
	deadline := time.Now().Add(limit)
	for {
		if f := w.Env.Waits.failedBefore(s.Kind, goal); f != nil {
			return nil, fmt.Errorf("key store %s: %w", s.ID, f)
		}
		e, err := w.DescribeStore(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		if ok, err := done(e); ok || err != nil {
			return e, err
		}
		if time.Now().After(deadline) {
			err := fmt.Errorf("key store %s is still %s after %v, want %s", s.ID, e.ConnectionState, limit, goal)
			if first := w.Env.Waits.timedOut(s.Kind, goal, w.ID(), err); first.Err != err {
				return nil, fmt.Errorf("key store %s: %w", s.ID, first)
			}
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for key store %s to be %s: %w", s.ID, goal, ctx.Err())
		case <-time.After(w.Env.Timeouts.Poll):
		}
	}
}

// storeIn creates a store of the given kind and brings it to state
// (step "a <kind> key store that is <state>").
func (w *Stores) StoreIn(ctx context.Context, kind, state string) error {
	s, err := w.CreateStore(ctx, kind)
	if err != nil {
		return err
	}
	w.Store = s
	switch types.ConnectionStateType(state) {
	case types.ConnectionStateTypeDisconnected:
		return nil
	case types.ConnectionStateTypeConnected:
		return w.ConnectAndWait(ctx, s)
	case types.ConnectionStateTypeConnecting:
		return w.observeTransition(ctx, s, types.ConnectionStateTypeConnecting, w.Connect)
	case types.ConnectionStateTypeDisconnecting:
		if err := w.ConnectAndWait(ctx, s); err != nil {
			return err
		}
		return w.observeTransition(ctx, s, types.ConnectionStateTypeDisconnecting, w.disconnect)
	case types.ConnectionStateTypeFailed:
		if w.Env.States == nil {
			return w.Skip("putting a key store in FAILED needs a reference KMS control API (--control), which this target lacks")
		}
		if err := w.Env.States.Fail(ctx, s.ID, "NETWORK_ERRORS"); err != nil {
			return fmt.Errorf("forcing key store %s into FAILED through the control API: %w", s.ID, err)
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
func (w *Stores) observeTransition(ctx context.Context, s *Store, want types.ConnectionStateType, start func(context.Context, *Store) error) error {
	if w.Env.States != nil {
		if err := w.Env.States.Hold(ctx, s.ID); err != nil {
			return fmt.Errorf("holding key store %s in %s through the control API: %w", s.ID, want, err)
		}
		s.Held = true
	}
	if err := start(ctx, s); err != nil {
		return err
	}
	e, err := w.DescribeStore(ctx, s.ID)
	if err != nil {
		return err
	}
	switch {
	case e.ConnectionState == want:
		return nil
	case w.Env.States != nil:
		return fmt.Errorf("key store %s is %s, want %s while held by the control API", s.ID, e.ConnectionState, want)
	case e.ConnectionState == settledAfter[want]:
		return w.Skip("key store %s went to %s before %s could be observed, and this target has no control API to hold it there", s.ID, e.ConnectionState, want)
	}
	return fmt.Errorf("key store %s is %s right after the call that starts %s, want %s (or %s, had it passed through %s too fast to see)",
		s.ID, e.ConnectionState, want, want, settledAfter[want], want)
}

// settledAfter is the state a store reaches when a transition it is in
// completes: seeing it means the transition did happen, unseen.
var settledAfter = map[types.ConnectionStateType]types.ConnectionStateType{
	types.ConnectionStateTypeConnecting:    types.ConnectionStateTypeConnected,
	types.ConnectionStateTypeDisconnecting: types.ConnectionStateTypeDisconnected,
}

func (w *Stores) expectState(ctx context.Context, s *Store, want types.ConnectionStateType) error {
	e, err := w.DescribeStore(ctx, s.ID)
	if err != nil {
		return err
	}
	if e.ConnectionState != want {
		return fmt.Errorf("key store %s is %s, want %s", s.ID, e.ConnectionState, want)
	}
	return nil
}

// releaseHolds lets every held transition of the scenario's stores complete.
func (w *Stores) ReleaseHolds(ctx context.Context) error {
	for _, s := range w.CreatedStores {
		if !s.Held {
			continue
		}
		if err := w.Env.States.Release(ctx, s.ID); err != nil {
			return fmt.Errorf("releasing key store %s through the control API: %w", s.ID, err)
		}
		s.Held = false
	}
	return nil
}

// storeKeyInput is the CreateKey request for a key in store s.
func (w *Stores) StoreKeyInput(s *Store) *kms.CreateKeyInput {
	in := &kms.CreateKeyInput{CustomKeyStoreId: aws.String(s.ID)}
	if s.Kind == KindCloudHSM {
		in.Origin = types.OriginTypeAwsCloudhsm
	} else {
		in.Origin = types.OriginTypeExternalKeyStore
		in.XksKeyId = aws.String(w.XKS.Fixture.ExternalKeyID)
	}
	return in
}

// keyInStore creates a KMS key in store s, which must be connected.
func (w *Stores) keyInStore(ctx context.Context, s *Store) error {
	if _, err := w.Keys.CreateKey(ctx, w.StoreKeyInput(s)); err != nil {
		return err
	}
	s.KeysIn++
	return nil
}

// describeScenarioStore is the scenario's store and its entry as
// DescribeCustomKeyStores shows it now.
func (w *Stores) DescribeScenarioStore(ctx context.Context) (*Store, *types.CustomKeyStoresListEntry, error) {
	s, err := w.NeedStore()
	if err != nil {
		return nil, nil, err
	}
	e, err := w.DescribeStore(ctx, s.ID)
	if err != nil {
		return nil, nil, err
	}
	return s, e, nil
}

// missingStoreID is a well-formed custom key store ID that no endpoint has issued.
func MissingStoreID() string {
	return "cks-" + RandomHex(9)[:17]
}
