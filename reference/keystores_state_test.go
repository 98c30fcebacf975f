package reference

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// storeOp is one operation of the part B table, applied to a store.
type storeOp struct {
	name string
	// run calls the operation on store id; p is the store's proxy (zero for
	// a CloudHSM store).
	run func(e *storeEnv, id string, p XksProxy) error
	// hsmOnly and xksOnly restrict the row to one store type.
	hsmOnly, xksOnly bool
}

func storeOps() []storeOp {
	return []storeOp{
		{name: "ConnectCustomKeyStore", run: func(e *storeEnv, id string, _ XksProxy) error {
			_, err := e.kms.ConnectCustomKeyStore(e.ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
			return err
		}},
		{name: "DisconnectCustomKeyStore", run: func(e *storeEnv, id string, _ XksProxy) error {
			_, err := e.kms.DisconnectCustomKeyStore(e.ctx, &kms.DisconnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
			return err
		}},
		{name: "DeleteCustomKeyStore", run: func(e *storeEnv, id string, _ XksProxy) error {
			_, err := e.kms.DeleteCustomKeyStore(e.ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
			return err
		}},
		{name: "UpdateCustomKeyStore name", run: func(e *storeEnv, id string, _ XksProxy) error {
			_, err := e.kms.UpdateCustomKeyStore(e.ctx, &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), NewCustomKeyStoreName: aws.String(uniqueName("renamed"))})
			return err
		}},
		{name: "UpdateCustomKeyStore KeyStorePassword", hsmOnly: true, run: func(e *storeEnv, id string, _ XksProxy) error {
			_, err := e.kms.UpdateCustomKeyStore(e.ctx, &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), KeyStorePassword: aws.String("new-password")})
			return err
		}},
		{name: "UpdateCustomKeyStore XksProxyAuthenticationCredential", xksOnly: true, run: func(e *storeEnv, id string, p XksProxy) error {
			_, err := e.kms.UpdateCustomKeyStore(e.ctx, &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id),
				XksProxyAuthenticationCredential: &types.XksProxyAuthenticationCredentialType{AccessKeyId: aws.String(p.Credential.AccessKeyID), RawSecretAccessKey: aws.String(p.Credential.RawSecretAccessKey)}})
			return err
		}},
		{name: "UpdateCustomKeyStore XksProxyUriPath", xksOnly: true, run: func(e *storeEnv, id string, p XksProxy) error {
			_, err := e.kms.UpdateCustomKeyStore(e.ctx, &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyUriPath: aws.String(p.URIPath)})
			return err
		}},
		{name: "UpdateCustomKeyStore XksProxyConnectivity", xksOnly: true, run: func(e *storeEnv, id string, _ XksProxy) error {
			_, err := e.kms.UpdateCustomKeyStore(e.ctx, &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyConnectivity: types.XksProxyConnectivityTypePublicEndpoint})
			return err
		}},
		{name: "CreateKey", run: func(e *storeEnv, id string, p XksProxy) error {
			in := &kms.CreateKeyInput{CustomKeyStoreId: aws.String(id), Origin: types.OriginTypeAwsCloudhsm}
			if p.ID != "" {
				in.Origin, in.XksKeyId = types.OriginTypeExternalKeyStore, aws.String(p.ExternalKeys[0].ID)
			}
			_, err := e.kms.CreateKey(e.ctx, in)
			return err
		}},
		{name: "GenerateRandom", hsmOnly: true, run: func(e *storeEnv, id string, _ XksProxy) error {
			_, err := e.kms.GenerateRandom(e.ctx, &kms.GenerateRandomInput{CustomKeyStoreId: aws.String(id), NumberOfBytes: aws.Int32(16)})
			return err
		}},
		{name: "DescribeCustomKeyStores", run: func(e *storeEnv, id string, _ XksProxy) error {
			_, err := e.kms.DescribeCustomKeyStores(e.ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(id)})
			return err
		}},
	}
}

// TestConnectionStateTable checks conditions part B: which operation is
// valid in which ConnectionState, for both store types.
func TestConnectionStateTable(t *testing.T) {
	const bad = "CustomKeyStoreInvalidStateException"
	states := []ConnectionState{Connected, Connecting, Failed, Disconnected, Disconnecting}
	// want[op][state]; "" is success. The UpdateCustomKeyStore rows with XKS
	// credential and path follow the operation doc (see checkUpdateState).
	want := map[string]map[ConnectionState]string{
		"ConnectCustomKeyStore":                                 {Connected: "", Connecting: "", Failed: bad, Disconnected: "", Disconnecting: bad},
		"DisconnectCustomKeyStore":                              {Connected: "", Connecting: "", Failed: "", Disconnected: bad, Disconnecting: bad},
		"DeleteCustomKeyStore":                                  {Connected: bad, Connecting: bad, Failed: bad, Disconnected: "", Disconnecting: bad},
		"UpdateCustomKeyStore name":                             {Connected: "", Connecting: bad, Failed: bad, Disconnected: "", Disconnecting: bad},
		"UpdateCustomKeyStore XksProxyAuthenticationCredential": {Connected: "", Connecting: bad, Failed: bad, Disconnected: "", Disconnecting: bad},
		"UpdateCustomKeyStore XksProxyUriPath":                  {Connected: "", Connecting: bad, Failed: bad, Disconnected: "", Disconnecting: bad},
		"UpdateCustomKeyStore KeyStorePassword":                 {Connected: bad, Connecting: bad, Failed: bad, Disconnected: "", Disconnecting: bad},
		"UpdateCustomKeyStore XksProxyConnectivity":             {Connected: bad, Connecting: bad, Failed: bad, Disconnected: "", Disconnecting: bad},
		"CreateKey":               {Connected: "", Connecting: bad, Failed: bad, Disconnected: bad, Disconnecting: bad},
		"GenerateRandom":          {Connected: "", Connecting: bad, Failed: bad, Disconnected: bad, Disconnecting: bad},
		"DescribeCustomKeyStores": {Connected: "", Connecting: "", Failed: "", Disconnected: "", Disconnecting: ""},
	}
	e := newStoreEnv(t)
	for _, storeType := range []string{StoreTypeCloudHSM, StoreTypeExternal} {
		for _, op := range storeOps() {
			if (op.hsmOnly && storeType != StoreTypeCloudHSM) || (op.xksOnly && storeType != StoreTypeExternal) {
				continue
			}
			for _, state := range states {
				t.Run(storeType+"/"+op.name+"/"+string(state), func(t *testing.T) {
					e := *e
					e.t = t
					var id string
					var p XksProxy
					if storeType == StoreTypeCloudHSM {
						id, _ = e.hsmStore()
					} else {
						id, p = e.xksStore()
					}
					e.toState(id, state)
					wantCode(t, op.run(&e, id, p), want[op.name][state])
				})
			}
		}
	}
}

// TestConnectLifecycle follows a store through DISCONNECTED -> CONNECTING ->
// CONNECTED -> DISCONNECTING -> DISCONNECTED, observing the transitional
// states through holds, and checks keys in it are Unavailable while it is
// not connected.
func TestConnectLifecycle(t *testing.T) {
	e := newStoreEnv(t)
	for _, storeType := range []string{StoreTypeCloudHSM, StoreTypeExternal} {
		t.Run(storeType, func(t *testing.T) {
			e := *e
			e.t = t
			var id, xksKey string
			if storeType == StoreTypeCloudHSM {
				id, _ = e.hsmStore()
			} else {
				var p XksProxy
				id, p = e.xksStore()
				xksKey = p.ExternalKeys[0].ID
			}
			e.hold(id)
			e.connect(id) // ConnectCustomKeyStore.05: 200 at once, connects asynchronously
			e.waitState(id, types.ConnectionStateTypeConnecting)
			if _, err := e.control.ReleaseCustomKeyStore(e.ctx, testAccountID, id); err != nil {
				t.Fatal(err)
			}
			e.waitState(id, types.ConnectionStateTypeConnected)

			key := e.keyInStore(id, xksKey)
			if aws.ToString(key.CustomKeyStoreId) != id || key.KeyState != types.KeyStateEnabled {
				t.Fatalf("key in store: CustomKeyStoreId %q, state %s", aws.ToString(key.CustomKeyStoreId), key.KeyState)
			}
			if storeType == StoreTypeCloudHSM && key.CloudHsmClusterId == nil {
				t.Error("key in a CloudHSM store has no CloudHsmClusterId")
			}
			if storeType == StoreTypeExternal && (key.XksKeyConfiguration == nil || aws.ToString(key.XksKeyConfiguration.Id) != xksKey) {
				t.Errorf("key in an external store: XksKeyConfiguration %+v", key.XksKeyConfiguration)
			}

			e.hold(id)
			e.disconnect(id)
			e.waitState(id, types.ConnectionStateTypeDisconnecting)
			if got := keyState(t, &e, *key.KeyId); got != types.KeyStateUnavailable { // DisconnectCustomKeyStore.08
				t.Errorf("key state while DISCONNECTING = %s, want Unavailable", got)
			}
			if _, err := e.control.ReleaseCustomKeyStore(e.ctx, testAccountID, id); err != nil {
				t.Fatal(err)
			}
			e.waitState(id, types.ConnectionStateTypeDisconnected)
			if got := keyState(t, &e, *key.KeyId); got != types.KeyStateUnavailable {
				t.Errorf("key state while DISCONNECTED = %s, want Unavailable", got)
			}
			e.connected(id)
			if got := keyState(t, &e, *key.KeyId); got != types.KeyStateEnabled {
				t.Errorf("key state after reconnecting = %s, want Enabled", got)
			}
		})
	}
}

func keyState(t *testing.T, e *storeEnv, keyID string) types.KeyState {
	t.Helper()
	out, err := e.kms.DescribeKey(e.ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		t.Fatalf("DescribeKey: %v", err)
	}
	return out.KeyMetadata.KeyState
}

// TestConnectFailures checks how a connect attempt ends for each fault of the
// backing cluster or proxy: FAILED with a ConnectionErrorCode (part C), or a
// synchronous error of ConnectCustomKeyStore.
func TestConnectFailures(t *testing.T) {
	type fault func(e *storeEnv, id string, c Cluster, p XksProxy)
	patchCluster := func(patch ClusterPatch) fault {
		return func(e *storeEnv, _ string, c Cluster, _ XksProxy) {
			if _, err := e.control.UpdateCluster(e.ctx, c.ID, patch); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	patchProxy := func(patch XksProxyPatch) fault {
		return func(e *storeEnv, _ string, _ Cluster, p XksProxy) {
			if _, err := e.control.UpdateXksProxy(e.ctx, p.ID, patch); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name      string
		storeType string
		vpc       bool
		fault     fault
		syncError string // error of ConnectCustomKeyStore itself
		code      types.ConnectionErrorCodeType
	}{
		{"wrong kmsuser password", StoreTypeCloudHSM, false, patchCluster(ClusterPatch{KmsuserPassword: aws.String("changed-in-the-cluster")}), "", types.ConnectionErrorCodeTypeInvalidCredentials},
		{"cluster deleted", StoreTypeCloudHSM, false, func(e *storeEnv, _ string, c Cluster, _ XksProxy) {
			if err := e.control.DeleteCluster(e.ctx, c.ID); err != nil {
				e.t.Fatal(err)
			}
		}, "", types.ConnectionErrorCodeTypeClusterNotFound},
		{"subnet deleted", StoreTypeCloudHSM, false, patchCluster(ClusterPatch{Subnets: &[]Subnet{{AvailabilityZone: "us-east-1a"}, {AvailabilityZone: "us-east-1b"}, {AvailabilityZone: "us-east-1c", Deleted: true}}}), "", types.ConnectionErrorCodeTypeSubnetNotFound},
		{"subnet deleted from a cluster with two subnets", StoreTypeCloudHSM, false, patchCluster(ClusterPatch{Subnets: &[]Subnet{{AvailabilityZone: "us-east-1a", Deleted: true}, {AvailabilityZone: "us-east-1b"}}}), "", types.ConnectionErrorCodeTypeSubnetNotFound},
		{"subnet full", StoreTypeCloudHSM, false, patchCluster(ClusterPatch{Subnets: &[]Subnet{{AvailabilityZone: "us-east-1a", NoFreeAddresses: true}, {AvailabilityZone: "us-east-1b"}}}), "", types.ConnectionErrorCodeTypeInsufficientFreeAddressesInSubnet},
		{"kmsuser missing", StoreTypeCloudHSM, false, patchCluster(ClusterPatch{KmsuserMissing: aws.Bool(true)}), "", types.ConnectionErrorCodeTypeUserNotFound},
		{"kmsuser locked out", StoreTypeCloudHSM, false, patchCluster(ClusterPatch{KmsuserLockedOut: aws.Bool(true)}), "", types.ConnectionErrorCodeTypeUserLockedOut},
		{"ConnectCustomKeyStore.14 kmsuser logged in", StoreTypeCloudHSM, false, patchCluster(ClusterPatch{KmsuserLoggedIn: aws.Bool(true)}), "", types.ConnectionErrorCodeTypeUserLoggedIn},
		{"ConnectCustomKeyStore.10 cluster not active", StoreTypeCloudHSM, false, patchCluster(ClusterPatch{Active: aws.Bool(false)}), "CloudHsmClusterNotActiveException", ""},
		{"ConnectCustomKeyStore.11 no active HSM", StoreTypeCloudHSM, false, patchCluster(ClusterPatch{HSMs: &[]HSM{}}), "CloudHsmClusterInvalidConfigurationException", ""},
		{"ConnectCustomKeyStore.12 subnets in one AZ", StoreTypeCloudHSM, false, patchCluster(ClusterPatch{Subnets: &[]Subnet{{AvailabilityZone: "us-east-1a"}}}), "CloudHsmClusterInvalidConfigurationException", ""},
		{"ConnectCustomKeyStore.13 security group", StoreTypeCloudHSM, false, patchCluster(ClusterPatch{SecurityGroupValid: aws.Bool(false)}), "CloudHsmClusterInvalidConfigurationException", ""},
		{"one active HSM is enough to connect", StoreTypeCloudHSM, false, patchCluster(ClusterPatch{HSMs: &[]HSM{{AvailabilityZone: "us-east-1a", Active: true}}}), "", ""},
		{"proxy unreachable", StoreTypeExternal, false, patchProxy(XksProxyPatch{Reachable: aws.Bool(false)}), "", types.ConnectionErrorCodeTypeXksProxyNotReachable},
		{"proxy deleted", StoreTypeExternal, false, func(e *storeEnv, _ string, _ Cluster, p XksProxy) {
			if err := e.control.DeleteXksProxy(e.ctx, p.ID); err != nil {
				e.t.Fatal(err)
			}
		}, "", types.ConnectionErrorCodeTypeXksProxyNotReachable},
		{"all EKM instances unavailable", StoreTypeExternal, false, patchProxy(XksProxyPatch{EKMAvailable: aws.Bool(false)}), "", types.ConnectionErrorCodeTypeXksProxyNotReachable},
		{"credential rotated on the proxy", StoreTypeExternal, false, patchProxy(XksProxyPatch{Credential: &XksCredential{AccessKeyID: "ROTATEDACCESSKEYID234", RawSecretAccessKey: randomSecret()}}), "", types.ConnectionErrorCodeTypeInvalidCredentials},
		{"proxy denies KMS", StoreTypeExternal, false, patchProxy(XksProxyPatch{DeniesKMS: aws.Bool(true)}), "", types.ConnectionErrorCodeTypeXksProxyAccessDenied},
		{"invalid answers", StoreTypeExternal, false, patchProxy(XksProxyPatch{AnswersValidly: aws.Bool(false)}), "", types.ConnectionErrorCodeTypeXksProxyInvalidResponse},
		{"proxy path moved", StoreTypeExternal, false, patchProxy(XksProxyPatch{URIPath: aws.String("/moved/kms/xks/v1")}), "", types.ConnectionErrorCodeTypeXksProxyInvalidConfiguration},
		{"proxy misconfigured", StoreTypeExternal, false, patchProxy(XksProxyPatch{ConfigurationValid: aws.Bool(false)}), "", types.ConnectionErrorCodeTypeXksProxyInvalidConfiguration},
		{"proxy times out", StoreTypeExternal, false, patchProxy(XksProxyPatch{TimesOut: aws.Bool(true)}), "", types.ConnectionErrorCodeTypeXksProxyTimedOut},
		{"bad TLS", StoreTypeExternal, false, patchProxy(XksProxyPatch{TLSValid: aws.Bool(false)}), "", types.ConnectionErrorCodeTypeXksProxyInvalidTlsConfiguration},
		{"VPC endpoint service gone", StoreTypeExternal, true, func(e *storeEnv, _ string, _ Cluster, p XksProxy) {
			if err := e.control.DeleteXksProxy(e.ctx, p.ID); err != nil {
				e.t.Fatal(err)
			}
		}, "", types.ConnectionErrorCodeTypeXksVpcEndpointServiceNotFound},
		{"VPC endpoint service misconfigured", StoreTypeExternal, true, patchProxy(XksProxyPatch{VpcEndpointServiceValid: aws.Bool(false)}), "", types.ConnectionErrorCodeTypeXksVpcEndpointServiceInvalidConfiguration},
		{"VPC proxy unreachable", StoreTypeExternal, true, patchProxy(XksProxyPatch{Reachable: aws.Bool(false)}), "", types.ConnectionErrorCodeTypeXksProxyNotReachable},
		{"healthy VPC proxy", StoreTypeExternal, true, func(*storeEnv, string, Cluster, XksProxy) {}, "", ""},
	}
	e := newStoreEnv(t)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := *e
			e.t = t
			var id string
			var c Cluster
			var p XksProxy
			switch {
			case tc.storeType == StoreTypeCloudHSM:
				id, c = e.hsmStore()
			case tc.vpc:
				p = e.newProxy(vpcProxyPatch("com.amazonaws.vpce.us-east-1.vpce-svc-" + randomHex(10) + string(rune('a'+i%26))))
				id = e.create(xksInput(p))
			default:
				id, p = e.xksStore()
			}
			tc.fault(&e, id, c, p)
			_, err := e.kms.ConnectCustomKeyStore(e.ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
			wantCode(t, err, tc.syncError)
			if tc.syncError != "" {
				if got := e.describe(id).ConnectionState; got != types.ConnectionStateTypeDisconnected {
					t.Errorf("after a refused connect the store is %s, want DISCONNECTED", got)
				}
				return
			}
			if tc.code == "" {
				e.waitState(id, types.ConnectionStateTypeConnected)
				return
			}
			if got := e.waitState(id, types.ConnectionStateTypeFailed).ConnectionErrorCode; got != tc.code {
				t.Errorf("ConnectionErrorCode = %s, want %s", got, tc.code)
			}
		})
	}
}

// TestFailedStoreRecovery follows the documented recovery of a FAILED store:
// connect is refused, disconnect, fix, connect (ConnectCustomKeyStore.03,
// DisconnectCustomKeyStore.07).
func TestFailedStoreRecovery(t *testing.T) {
	e := newStoreEnv(t)
	c := e.newCluster(ClusterPatch{})
	in := cloudHSMInput(c)
	in.KeyStorePassword = aws.String("stale-password")
	id := e.create(in)
	e.connect(id)
	e.waitState(id, types.ConnectionStateTypeFailed)
	_, err := e.kms.ConnectCustomKeyStore(e.ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
	wantCode(t, err, "CustomKeyStoreInvalidStateException")
	e.disconnect(id)
	e.waitState(id, types.ConnectionStateTypeDisconnected)
	_, err = e.kms.UpdateCustomKeyStore(e.ctx, &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), KeyStorePassword: aws.String(c.KmsuserPassword)})
	wantCode(t, err, "")
	e.connected(id)
}

// TestHeldConnectDecidedAtRelease shows the outcome of a held connect comes
// from the fixtures at release: INSUFFICIENT_CLOUDHSM_HSMS, which the
// synchronous checks would otherwise catch first.
func TestHeldConnectDecidedAtRelease(t *testing.T) {
	e := newStoreEnv(t)
	id, c := e.hsmStore()
	e.hold(id)
	e.connect(id)
	if _, err := e.control.UpdateCluster(e.ctx, c.ID, ClusterPatch{HSMs: &[]HSM{}}); err != nil {
		t.Fatal(err)
	}
	st, err := e.control.ReleaseCustomKeyStore(e.ctx, testAccountID, id)
	if err != nil {
		t.Fatal(err)
	}
	if st.ConnectionState != Failed || st.ConnectionErrorCode != "INSUFFICIENT_CLOUDHSM_HSMS" || st.Held {
		t.Errorf("after release: %+v, want FAILED INSUFFICIENT_CLOUDHSM_HSMS, not held", st)
	}
	if got := e.describe(id).ConnectionErrorCode; got != types.ConnectionErrorCodeTypeInsufficientCloudhsmHsms {
		t.Errorf("DescribeCustomKeyStores ConnectionErrorCode = %s", got)
	}
}

// TestDisconnectWhileConnecting checks DisconnectCustomKeyStore.06: a connect
// under way is abandoned.
func TestDisconnectWhileConnecting(t *testing.T) {
	e := newStoreEnv(t)
	id, _ := e.hsmStore()
	e.toState(id, Connecting)
	e.disconnect(id)
	if got := e.describe(id).ConnectionState; got != types.ConnectionStateTypeDisconnecting {
		t.Fatalf("state = %s, want DISCONNECTING", got)
	}
	if _, err := e.control.ReleaseCustomKeyStore(e.ctx, testAccountID, id); err != nil {
		t.Fatal(err)
	}
	e.waitState(id, types.ConnectionStateTypeDisconnected)
}

func TestStoreNotFound(t *testing.T) {
	e := newStoreEnv(t)
	proxy := e.newProxy(XksProxyPatch{})
	otherID, err := e.other.CreateCustomKeyStore(e.ctx, xksInput(proxy))
	wantCode(t, err, "")
	for _, id := range []string{"cks-0123456789abcdef0", "not-a-store", *otherID.CustomKeyStoreId} {
		for _, op := range storeOps() {
			t.Run(op.name+"/"+id, func(t *testing.T) {
				// Another account's store is not found: stores are not shared
				// across accounts (.02 of each operation).
				e := *e
				e.t = t
				err := op.run(&e, id, proxy)
				wantCode(t, err, "CustomKeyStoreNotFoundException")
			})
		}
	}
}

func TestDeleteCustomKeyStore(t *testing.T) {
	e := newStoreEnv(t)
	del := func(id string) error {
		_, err := e.kms.DeleteCustomKeyStore(e.ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
		return err
	}
	id, c := e.hsmStore()
	e.connected(id)
	key := e.keyInStore(id, "")

	// Conditions part E.4: a CONNECTED store with keys is refused for its state.
	wantCode(t, del(id), "CustomKeyStoreInvalidStateException")

	e.disconnect(id)
	e.waitState(id, types.ConnectionStateTypeDisconnected)
	wantCode(t, del(id), "CustomKeyStoreHasCMKsException") // DeleteCustomKeyStore.07

	_, err := e.kms.ScheduleKeyDeletion(e.ctx, &kms.ScheduleKeyDeletionInput{KeyId: key.KeyId, PendingWindowInDays: aws.Int32(7)})
	wantCode(t, err, "")
	wantCode(t, del(id), "CustomKeyStoreHasCMKsException") // DeleteCustomKeyStore.08

	if _, err := e.control.AdvanceClock(e.ctx, 7*24*time.Hour+time.Second); err != nil { // the waiting period ends
		t.Fatal(err)
	}
	wantCode(t, del(id), "") // DeleteCustomKeyStore.09

	_, err = e.kms.DescribeCustomKeyStores(e.ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(id)})
	wantCode(t, err, "CustomKeyStoreNotFoundException") // DeleteCustomKeyStore.10

	// DeleteCustomKeyStore.11: the cluster is untouched and can back a new store.
	after, err := e.control.Cluster(context.Background(), c.ID)
	if err != nil || after.KmsuserPassword != c.KmsuserPassword || !after.Active {
		t.Fatalf("cluster after deletion: %+v, %v", after, err)
	}
	e.create(cloudHSMInput(after))
}

func TestUpdateCustomKeyStore(t *testing.T) {
	type update func(e *storeEnv, id string, c Cluster, p XksProxy) *kms.UpdateCustomKeyStoreInput
	tests := []struct {
		cond      string
		storeType string
		state     ConnectionState
		update    update
		want      string
		check     func(e *storeEnv, id string, entry types.CustomKeyStoresListEntry)
	}{
		{"UpdateCustomKeyStore.03", StoreTypeCloudHSM, Disconnected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			otherID, _ := e.xksStore()
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), NewCustomKeyStoreName: e.describe(otherID).CustomKeyStoreName}
		}, "CustomKeyStoreNameInUseException", nil},
		{"UpdateCustomKeyStore.04 own name", StoreTypeCloudHSM, Connected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), NewCustomKeyStoreName: e.describe(id).CustomKeyStoreName}
		}, "", nil},
		{"UpdateCustomKeyStore.06", StoreTypeCloudHSM, Connected, func(e *storeEnv, id string, c Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), CloudHsmClusterId: aws.String(c.ID)}
		}, "CustomKeyStoreInvalidStateException", nil},
		{"UpdateCustomKeyStore.10", StoreTypeExternal, Connected, func(e *storeEnv, id string, _ Cluster, p XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyUriEndpoint: aws.String(p.URIEndpoint)}
		}, "CustomKeyStoreInvalidStateException", nil},
		{"UpdateCustomKeyStore.11", StoreTypeExternal, Connected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyVpcEndpointServiceName: aws.String(vpcServiceName)}
		}, "CustomKeyStoreInvalidStateException", nil},
		{"UpdateCustomKeyStore.12", StoreTypeExternal, Connected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyVpcEndpointServiceOwner: aws.String(testAccountID)}
		}, "CustomKeyStoreInvalidStateException", nil},
		{"UpdateCustomKeyStore.15", StoreTypeExternal, Disconnected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), KeyStorePassword: aws.String("kmsuser-password")}
		}, "ValidationException", nil},
		{"UpdateCustomKeyStore.16", StoreTypeCloudHSM, Disconnected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyUriPath: aws.String("/kms/xks/v1")}
		}, "ValidationException", nil},
		{"UpdateCustomKeyStore.17", StoreTypeExternal, Disconnected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyVpcEndpointServiceName: aws.String(vpcServiceName)}
		}, "ValidationException", nil},
		{"UpdateCustomKeyStore.18", StoreTypeExternal, Disconnected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyConnectivity: types.XksProxyConnectivityTypeVpcEndpointService, XksProxyVpcEndpointServiceName: aws.String(vpcServiceName)}
		}, "ValidationException", nil},
		{"UpdateCustomKeyStore.18 to VPC", StoreTypeExternal, Disconnected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			vp := e.newProxy(vpcProxyPatch(vpcServiceName))
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyConnectivity: types.XksProxyConnectivityTypeVpcEndpointService,
				XksProxyVpcEndpointServiceName: aws.String(vpcServiceName), XksProxyUriEndpoint: aws.String(vp.URIEndpoint),
				XksProxyAuthenticationCredential: &types.XksProxyAuthenticationCredentialType{AccessKeyId: aws.String(vp.Credential.AccessKeyID), RawSecretAccessKey: aws.String(vp.Credential.RawSecretAccessKey)}}
		}, "", func(e *storeEnv, id string, entry types.CustomKeyStoresListEntry) {
			if entry.XksProxyConfiguration.Connectivity != types.XksProxyConnectivityTypeVpcEndpointService || aws.ToString(entry.XksProxyConfiguration.VpcEndpointServiceOwner) != testAccountID {
				e.t.Errorf("after switching to VPC: %+v", entry.XksProxyConfiguration)
			}
			e.connected(id)
		}},
		{"UpdateCustomKeyStore.20 is the SDK's: both members required", StoreTypeExternal, Disconnected, func(e *storeEnv, id string, _ Cluster, p XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyAuthenticationCredential: &types.XksProxyAuthenticationCredentialType{AccessKeyId: aws.String(p.Credential.AccessKeyID), RawSecretAccessKey: aws.String(p.Credential.RawSecretAccessKey)}}
		}, "", nil},
		{"UpdateCustomKeyStore.21", StoreTypeCloudHSM, Disconnected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), CloudHsmClusterId: aws.String("cluster-doesnotexist")}
		}, "CloudHsmClusterNotFoundException", nil},
		{"UpdateCustomKeyStore.22", StoreTypeCloudHSM, Disconnected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), CloudHsmClusterId: aws.String(e.newCluster(ClusterPatch{}).ID)}
		}, "CloudHsmClusterNotRelatedException", nil},
		{"UpdateCustomKeyStore.22 related cluster", StoreTypeCloudHSM, Disconnected, func(e *storeEnv, id string, c Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			related := e.newCluster(ClusterPatch{BackupHistoryID: aws.String(c.BackupHistoryID), KmsuserPassword: aws.String(c.KmsuserPassword)})
			if related.TrustAnchorCertificate != c.TrustAnchorCertificate {
				e.t.Error("a related cluster should share its trust anchor")
			}
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), CloudHsmClusterId: aws.String(related.ID)}
		}, "", func(e *storeEnv, id string, entry types.CustomKeyStoresListEntry) {
			if aws.ToString(entry.CloudHsmClusterId) == "" {
				e.t.Error("no cluster after update")
			}
			e.connected(id)
		}},
		{"UpdateCustomKeyStore.23", StoreTypeCloudHSM, Disconnected, func(e *storeEnv, id string, c Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			related := e.newCluster(ClusterPatch{BackupHistoryID: aws.String(c.BackupHistoryID), Active: aws.Bool(false)})
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), CloudHsmClusterId: aws.String(related.ID)}
		}, "CloudHsmClusterNotActiveException", nil},
		{"UpdateCustomKeyStore.24", StoreTypeCloudHSM, Disconnected, func(e *storeEnv, id string, c Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			related := e.newCluster(ClusterPatch{BackupHistoryID: aws.String(c.BackupHistoryID), SecurityGroupValid: aws.Bool(false)})
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), CloudHsmClusterId: aws.String(related.ID)}
		}, "CloudHsmClusterInvalidConfigurationException", nil},
		{"UpdateCustomKeyStore.25", StoreTypeExternal, Disconnected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			_, p2 := e.xksStore()
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyUriEndpoint: aws.String(p2.URIEndpoint)}
		}, "XksProxyUriInUseException", nil},
		{"UpdateCustomKeyStore.31", StoreTypeExternal, Disconnected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyUriEndpoint: aws.String("https://nowhere.kmsconform.test")}
		}, "XksProxyUriUnreachableException", nil},
		{"UpdateCustomKeyStore.33 while CONNECTED", StoreTypeExternal, Connected, func(e *storeEnv, id string, _ Cluster, p XksProxy) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyAuthenticationCredential: &types.XksProxyAuthenticationCredentialType{AccessKeyId: aws.String(p.Credential.AccessKeyID), RawSecretAccessKey: aws.String(randomSecret())}}
		}, "XksProxyIncorrectAuthenticationCredentialException", nil},
		{"UpdateCustomKeyStore.36", StoreTypeExternal, Disconnected, func(e *storeEnv, id string, _ Cluster, _ XksProxy) *kms.UpdateCustomKeyStoreInput {
			p2 := e.newProxy(XksProxyPatch{})
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), NewCustomKeyStoreName: aws.String("renamed-store"), XksProxyUriEndpoint: aws.String(p2.URIEndpoint),
				XksProxyAuthenticationCredential: &types.XksProxyAuthenticationCredentialType{AccessKeyId: aws.String(p2.Credential.AccessKeyID), RawSecretAccessKey: aws.String(p2.Credential.RawSecretAccessKey)}}
		}, "", func(e *storeEnv, id string, entry types.CustomKeyStoresListEntry) {
			if aws.ToString(entry.CustomKeyStoreName) != "renamed-store" || !strings.HasPrefix(aws.ToString(entry.XksProxyConfiguration.UriEndpoint), "https://xks-") {
				e.t.Errorf("after update: %s %+v", aws.ToString(entry.CustomKeyStoreName), entry.XksProxyConfiguration)
			}
			e.connected(id)
		}},
	}
	e := newStoreEnv(t)
	for _, tc := range tests {
		t.Run(tc.cond, func(t *testing.T) {
			e := *e
			e.t = t
			var id string
			var c Cluster
			var p XksProxy
			if tc.storeType == StoreTypeCloudHSM {
				id, c = e.hsmStore()
			} else {
				id, p = e.xksStore()
			}
			e.toState(id, tc.state)
			before := e.describe(id)
			_, err := e.kms.UpdateCustomKeyStore(e.ctx, tc.update(&e, id, c, p))
			wantCode(t, err, tc.want)
			after := e.describe(id)
			if tc.want != "" {
				// A refused update changes nothing.
				if aws.ToString(after.CustomKeyStoreName) != aws.ToString(before.CustomKeyStoreName) ||
					aws.ToString(after.CloudHsmClusterId) != aws.ToString(before.CloudHsmClusterId) ||
					(before.XksProxyConfiguration != nil && *after.XksProxyConfiguration.UriEndpoint != *before.XksProxyConfiguration.UriEndpoint) ||
					after.ConnectionState != before.ConnectionState {
					t.Errorf("refused update changed the store: %+v -> %+v", before, after)
				}
				return
			}
			if tc.check != nil {
				tc.check(&e, id, after)
			}
		})
	}
}

func TestCreateKeyInStore(t *testing.T) {
	e := newStoreEnv(t)
	hsmID, cluster := e.hsmStore()
	e.connected(hsmID)
	xksID, proxy := e.xksStore()
	e.connected(xksID)
	disconnectedID, _ := e.hsmStore()
	keys := []ExternalKey{
		UsableExternalKey("good-1"), UsableExternalKey("good-2"),
		{ID: "rsa", Spec: "RSA_2048", Enabled: true, Usages: []string{"ENCRYPT", "DECRYPT"}},
		{ID: "disabled", Spec: externalKeySpecAES256, Usages: []string{"ENCRYPT", "DECRYPT"}},
		{ID: "encrypt-only", Spec: externalKeySpecAES256, Enabled: true, Usages: []string{"ENCRYPT"}},
	}
	if _, err := e.control.UpdateXksProxy(e.ctx, proxy.ID, XksProxyPatch{ExternalKeys: &keys}); err != nil {
		t.Fatal(err)
	}
	first := e.keyInStore(xksID, "good-1")

	create := func(storeID, origin, xksKey string) error {
		in := &kms.CreateKeyInput{CustomKeyStoreId: aws.String(storeID), Origin: types.OriginType(origin)}
		if xksKey != "" {
			in.XksKeyId = aws.String(xksKey)
		}
		_, err := e.kms.CreateKey(e.ctx, in)
		return err
	}
	tests := []struct {
		cond                 string
		store, origin, xkKey string
		want                 string
	}{
		{"CreateKey.23", "cks-0123456789abcdef0", OriginCloudHSM, "", "CustomKeyStoreNotFoundException"},
		{"CreateKey.24", disconnectedID, OriginCloudHSM, "", "CustomKeyStoreInvalidStateException"},
		{"CreateKey.26", xksID, OriginExternalKeyStore, "no-such-key", "XksKeyNotFoundException"},
		{"CreateKey.27", xksID, OriginExternalKeyStore, "good-1", "XksKeyAlreadyInUseException"},
		{"CreateKey.28", xksID, OriginExternalKeyStore, "rsa", "XksKeyInvalidConfigurationException"},
		{"CreateKey.29", xksID, OriginExternalKeyStore, "disabled", "XksKeyInvalidConfigurationException"},
		{"CreateKey.30", xksID, OriginExternalKeyStore, "encrypt-only", "XksKeyInvalidConfigurationException"},
		{"CreateKey XKS ok", xksID, OriginExternalKeyStore, "good-2", ""},
		{"CreateKey CloudHSM ok", hsmID, OriginCloudHSM, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.cond, func(t *testing.T) {
			wantCode(t, create(tc.store, tc.origin, tc.xkKey), tc.want)
		})
	}
	t.Run("CreateKey.25", func(t *testing.T) {
		one := []HSM{{AvailabilityZone: "us-east-1a", Active: true}}
		if _, err := e.control.UpdateCluster(e.ctx, cluster.ID, ClusterPatch{HSMs: &one}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, create(hsmID, OriginCloudHSM, ""), "CloudHsmClusterInvalidConfigurationException")
	})
	t.Run("a key in an external store encrypts and decrypts", func(t *testing.T) {
		enc, err := e.kms.Encrypt(e.ctx, &kms.EncryptInput{KeyId: first.KeyId, Plaintext: []byte("kmsconform")})
		wantCode(t, err, "")
		dec, err := e.kms.Decrypt(e.ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
		wantCode(t, err, "")
		if string(dec.Plaintext) != "kmsconform" {
			t.Errorf("round trip gave %q", dec.Plaintext)
		}
	})
}

func TestGenerateRandomInStore(t *testing.T) {
	e := newStoreEnv(t)
	hsmID, _ := e.hsmStore()
	xksID, _ := e.xksStore()
	e.connected(xksID)
	gen := func(id string) error {
		_, err := e.kms.GenerateRandom(e.ctx, &kms.GenerateRandomInput{CustomKeyStoreId: aws.String(id), NumberOfBytes: aws.Int32(32)})
		return err
	}
	wantCode(t, gen("cks-0123456789abcdef0"), "CustomKeyStoreNotFoundException") // GenerateRandom.03
	wantCode(t, gen(xksID), "UnsupportedOperationException")                     // GenerateRandom.04
	wantCode(t, gen(hsmID), "CustomKeyStoreInvalidStateException")               // GenerateRandom.05
	e.connected(hsmID)
	out, err := e.kms.GenerateRandom(e.ctx, &kms.GenerateRandomInput{CustomKeyStoreId: aws.String(hsmID), NumberOfBytes: aws.Int32(32)})
	wantCode(t, err, "") // GenerateRandom.06
	if len(out.Plaintext) != 32 {
		t.Errorf("%d random bytes, want 32", len(out.Plaintext))
	}
}
