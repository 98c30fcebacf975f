package reference

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// storeEnv is a reference served over loopback with SDK clients for both test
// accounts and a control client.
type storeEnv struct {
	t       *testing.T
	ctx     context.Context
	svc     *Service
	url     string
	kms     *kms.Client // account 111122223333
	other   *kms.Client // account 444455556666
	control *ControlClient
}

// newStoreEnv starts a reference whose accounts may hold many stores, so
// that table tests can use a fresh store per row.
func newStoreEnv(t *testing.T) *storeEnv {
	t.Helper()
	fx := DefaultFixtures()
	fx.CustomKeyStoreQuota = 1000
	return newStoreEnvWith(t, fx)
}

func newStoreEnvWith(t *testing.T, fx *Fixtures) *storeEnv {
	t.Helper()
	svc, url := startReference(t, Options{Fixtures: fx})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return &storeEnv{
		t: t, ctx: ctx, svc: svc, url: url,
		kms:     kmsClient(t, url, testAccessKey),
		other:   kmsClient(t, url, otherAccessKey),
		control: &ControlClient{BaseURL: url},
	}
}

// newCluster adds a healthy cluster, changed by patch.
func (e *storeEnv) newCluster(patch ClusterPatch) Cluster {
	e.t.Helper()
	c, err := e.control.CreateCluster(e.ctx, patch)
	if err != nil {
		e.t.Fatalf("CreateCluster: %v", err)
	}
	return c
}

// newProxy adds a healthy proxy with one usable external key, changed by patch.
func (e *storeEnv) newProxy(patch XksProxyPatch) XksProxy {
	e.t.Helper()
	p, err := e.control.CreateXksProxy(e.ctx, patch)
	if err != nil {
		e.t.Fatalf("CreateXksProxy: %v", err)
	}
	return p
}

// uniqueName returns a fresh store name.
func uniqueName(prefix string) string { return prefix + "-" + randomHex(12) }

// cloudHSMInput is a valid CreateCustomKeyStore input for cluster c.
func cloudHSMInput(c Cluster) *kms.CreateCustomKeyStoreInput {
	return &kms.CreateCustomKeyStoreInput{
		CustomKeyStoreName:     aws.String(uniqueName("hsm")),
		CloudHsmClusterId:      aws.String(c.ID),
		TrustAnchorCertificate: aws.String(c.TrustAnchorCertificate),
		KeyStorePassword:       aws.String(c.KmsuserPassword),
	}
}

// xksInput is a valid CreateCustomKeyStore input for public proxy p.
func xksInput(p XksProxy) *kms.CreateCustomKeyStoreInput {
	in := &kms.CreateCustomKeyStoreInput{
		CustomKeyStoreName:   aws.String(uniqueName("xks")),
		CustomKeyStoreType:   types.CustomKeyStoreTypeExternalKeyStore,
		XksProxyConnectivity: types.XksProxyConnectivityType(p.Connectivity),
		XksProxyUriEndpoint:  aws.String(p.URIEndpoint),
		XksProxyUriPath:      aws.String(p.URIPath),
		XksProxyAuthenticationCredential: &types.XksProxyAuthenticationCredentialType{
			AccessKeyId:        aws.String(p.Credential.AccessKeyID),
			RawSecretAccessKey: aws.String(p.Credential.RawSecretAccessKey),
		},
	}
	if p.Connectivity == connectivityVPC {
		in.XksProxyVpcEndpointServiceName = aws.String(p.VpcEndpointServiceName)
	}
	return in
}

func (e *storeEnv) create(in *kms.CreateCustomKeyStoreInput) string {
	e.t.Helper()
	out, err := e.kms.CreateCustomKeyStore(e.ctx, in)
	if err != nil {
		e.t.Fatalf("CreateCustomKeyStore: %v", err)
	}
	return *out.CustomKeyStoreId
}

// hsmStore creates a CloudHSM key store on a fresh cluster.
func (e *storeEnv) hsmStore() (string, Cluster) {
	e.t.Helper()
	c := e.newCluster(ClusterPatch{})
	return e.create(cloudHSMInput(c)), c
}

// xksStore creates an external key store on a fresh public proxy.
func (e *storeEnv) xksStore() (string, XksProxy) {
	e.t.Helper()
	p := e.newProxy(XksProxyPatch{})
	return e.create(xksInput(p)), p
}

func (e *storeEnv) describe(id string) types.CustomKeyStoresListEntry {
	e.t.Helper()
	out, err := e.kms.DescribeCustomKeyStores(e.ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(id)})
	if err != nil {
		e.t.Fatalf("DescribeCustomKeyStores(%s): %v", id, err)
	}
	if len(out.CustomKeyStores) != 1 {
		e.t.Fatalf("DescribeCustomKeyStores(%s) returned %d stores", id, len(out.CustomKeyStores))
	}
	return out.CustomKeyStores[0]
}

// waitState polls DescribeCustomKeyStores until the store reaches want, or
// fails when the test's context deadline passes.
func (e *storeEnv) waitState(id string, want types.ConnectionStateType) types.CustomKeyStoresListEntry {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		entry := e.describe(id)
		if entry.ConnectionState == want {
			return entry
		}
		select {
		case <-ctx.Done():
			e.t.Fatalf("store %s is %s (error code %q), want %s", id, entry.ConnectionState, entry.ConnectionErrorCode, want)
		case <-tick.C:
		}
	}
}

func (e *storeEnv) connect(id string) {
	e.t.Helper()
	if _, err := e.kms.ConnectCustomKeyStore(e.ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)}); err != nil {
		e.t.Fatalf("ConnectCustomKeyStore(%s): %v", id, err)
	}
}

func (e *storeEnv) disconnect(id string) {
	e.t.Helper()
	if _, err := e.kms.DisconnectCustomKeyStore(e.ctx, &kms.DisconnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)}); err != nil {
		e.t.Fatalf("DisconnectCustomKeyStore(%s): %v", id, err)
	}
}

func (e *storeEnv) connected(id string) {
	e.t.Helper()
	e.connect(id)
	e.waitState(id, types.ConnectionStateTypeConnected)
}

func (e *storeEnv) hold(id string) {
	e.t.Helper()
	if _, err := e.control.HoldCustomKeyStore(e.ctx, testAccountID, id); err != nil {
		e.t.Fatalf("HoldCustomKeyStore: %v", err)
	}
}

// toState brings a fresh (DISCONNECTED) store into state. CONNECTING and
// DISCONNECTING are held there; FAILED is forced through the control API.
func (e *storeEnv) toState(id string, state ConnectionState) {
	e.t.Helper()
	switch state {
	case Disconnected:
	case Connected:
		e.connected(id)
	case Connecting:
		e.hold(id)
		e.connect(id)
	case Disconnecting:
		e.connected(id)
		e.hold(id)
		e.disconnect(id)
	case Failed:
		if _, err := e.control.FailCustomKeyStore(e.ctx, testAccountID, id, "NETWORK_ERRORS"); err != nil {
			e.t.Fatalf("FailCustomKeyStore: %v", err)
		}
	default:
		e.t.Fatalf("unknown state %s", state)
	}
	if got := e.describe(id).ConnectionState; string(got) != string(state) {
		e.t.Fatalf("store %s is %s, want %s", id, got, state)
	}
}

// keyInStore creates a KMS key in a CONNECTED store through CreateKey.
func (e *storeEnv) keyInStore(storeID, xksKeyID string) *types.KeyMetadata {
	e.t.Helper()
	in := &kms.CreateKeyInput{CustomKeyStoreId: aws.String(storeID), Origin: types.OriginTypeAwsCloudhsm}
	if xksKeyID != "" {
		in.Origin, in.XksKeyId = types.OriginTypeExternalKeyStore, aws.String(xksKeyID)
	}
	out, err := e.kms.CreateKey(e.ctx, in)
	if err != nil {
		e.t.Fatalf("CreateKey in %s: %v", storeID, err)
	}
	return out.KeyMetadata
}

// rawKMS sends a KMS request body as-is (the SDK refuses to send requests
// missing required members) and returns the status and body.
func rawKMS(t *testing.T, url, op, body string) (int, string) {
	t.Helper()
	status, _, _, raw := rawCall(t, url, op, body)
	return status, string(raw)
}
