package steps

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

// lease takes the backing fixture a store of this kind needs, once per
// scenario. It waits for a fixture another scenario holds, but not forever.
func (w *world) lease(ctx context.Context, kind string) error {
	if w.env.Backing == nil {
		return w.skip("needs a %s key store backing, and this run has none", kind)
	}
	t := w.env.Timeouts
	ctx, cancel := context.WithTimeout(ctx, 2*(t.Connect+t.Disconnect)+10*t.Call)
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

func (w *world) fixtureErr(kind string, err error) error {
	if errors.Is(err, ErrNoFixture) {
		return w.skip("needs a %s key store backing: %s", kind, strings.TrimPrefix(err.Error(), ErrNoFixture.Error()+": "))
	}
	return fmt.Errorf("getting a %s key store backing: %w", kind, err)
}

// createStoreInput builds the CreateCustomKeyStore request for the leased backing.
func (w *world) createStoreInput(kind string) *kms.CreateCustomKeyStoreInput {
	in := &kms.CreateCustomKeyStoreInput{CustomKeyStoreName: aws.String(w.env.nextName())}
	if kind == kindCloudHSM {
		f := w.hsm.Fixture
		in.CustomKeyStoreType = types.CustomKeyStoreTypeAwsCloudhsm
		in.CloudHsmClusterId = aws.String(f.ClusterID)
		in.TrustAnchorCertificate = aws.String(f.TrustAnchorPEM)
		in.KeyStorePassword = aws.String(f.Password)
		return in
	}
	f := w.xks.Fixture
	in.CustomKeyStoreType = types.CustomKeyStoreTypeExternalKeyStore
	in.XksProxyUriEndpoint = aws.String(f.URIEndpoint)
	in.XksProxyUriPath = aws.String(f.URIPath)
	in.XksProxyConnectivity = types.XksProxyConnectivityType(f.Connectivity)
	if f.VpcEndpointServiceName != "" {
		in.XksProxyVpcEndpointServiceName = aws.String(f.VpcEndpointServiceName)
	}
	in.XksProxyAuthenticationCredential = &types.XksProxyAuthenticationCredentialType{
		AccessKeyId:        aws.String(f.AccessKeyID),
		RawSecretAccessKey: aws.String(f.SecretAccessKey),
	}
	return in
}

// createStore creates a DISCONNECTED store of the given kind on a leased backing.
func (w *world) createStore(ctx context.Context, kind string) (*store, error) {
	if err := w.lease(ctx, kind); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("CreateCustomKeyStore: %w", err)
	}
	out, err := setup(uninterrupted(ctx), w, "CreateCustomKeyStore", func(ctx context.Context) (*kms.CreateCustomKeyStoreOutput, error) {
		return w.client.CreateCustomKeyStore(ctx, w.createStoreInput(kind))
	})
	if err != nil {
		return nil, err
	}
	return w.track(kind, aws.ToString(out.CustomKeyStoreId))
}

func (w *world) track(kind, id string) (*store, error) {
	if id == "" {
		return nil, fmt.Errorf("CreateCustomKeyStore returned no CustomKeyStoreId")
	}
	s := &store{id: id, kind: kind}
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

// waitState polls the store until it is in state want. A store that settles
// in FAILED while waiting for CONNECTED ends the wait early.
func (w *world) waitState(ctx context.Context, s *store, want types.ConnectionStateType, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		e, err := w.describeStore(ctx, s.id)
		if err != nil {
			return err
		}
		got := e.ConnectionState
		if got == want {
			return nil
		}
		if got == types.ConnectionStateTypeFailed && want == types.ConnectionStateTypeConnected {
			return fmt.Errorf("key store %s failed to connect: ConnectionErrorCode %s", s.id, e.ConnectionErrorCode)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("key store %s is still %s after %v, want %s", s.id, got, limit, want)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for key store %s to be %s: %w", s.id, want, ctx.Err())
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
		if err := w.connect(ctx, s); err != nil {
			return err
		}
		return w.waitState(ctx, s, types.ConnectionStateTypeConnected, w.env.Timeouts.Connect)
	case types.ConnectionStateTypeConnecting:
		return w.observeTransition(ctx, s, types.ConnectionStateTypeConnecting, w.connect)
	case types.ConnectionStateTypeDisconnecting:
		if err := w.connect(ctx, s); err != nil {
			return err
		}
		if err := w.waitState(ctx, s, types.ConnectionStateTypeConnected, w.env.Timeouts.Connect); err != nil {
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
// target is slow enough for the state to be observed, and is skipped otherwise.
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
	if e.ConnectionState != want {
		if w.env.States == nil {
			return w.skip("key store %s went to %s before %s could be observed, and this target has no control API to hold it there", s.id, e.ConnectionState, want)
		}
		return fmt.Errorf("key store %s is %s, want %s while held by the control API", s.id, e.ConnectionState, want)
	}
	return nil
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

// missingStoreID is a well-formed custom key store ID that no endpoint has issued.
func missingStoreID() string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return "cks-" + hex.EncodeToString(b[:])[:17]
}
