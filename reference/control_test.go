package reference

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// wantControlError fails unless err is a ControlError with this status whose
// message mentions every fragment.
func wantControlError(t *testing.T, err error, status int, fragments ...string) {
	t.Helper()
	var ce *ControlError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ControlError with HTTP %d", err, status)
	}
	if ce.StatusCode != status {
		t.Errorf("HTTP %d (%s), want %d", ce.StatusCode, ce.Message, status)
	}
	for _, f := range fragments {
		if !strings.Contains(ce.Message, f) {
			t.Errorf("message %q does not mention %q", ce.Message, f)
		}
	}
}

func TestControlHealthAndClock(t *testing.T) {
	e := newStoreEnv(t)
	h, err := e.control.Health(e.ctx)
	if err != nil || h.Status != "ok" || h.Region != testRegion {
		t.Fatalf("Health = %+v, %v", h, err)
	}
	before, err := e.control.Clock(e.ctx)
	if err != nil || before.Offset != 0 {
		t.Fatalf("Clock = %+v, %v", before, err)
	}
	after, err := e.control.AdvanceClock(e.ctx, 720*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if after.Offset != Duration(720*time.Hour) || after.Now.Sub(before.Now) < 720*time.Hour {
		t.Errorf("after advancing 720h: %+v (before %+v)", after, before)
	}
	_, err = e.control.AdvanceClock(e.ctx, 0)
	wantControlError(t, err, http.StatusBadRequest, "duration must be positive")
}

func TestControlClusters(t *testing.T) {
	e := newStoreEnv(t)
	list, err := e.control.Clusters(e.ctx)
	if err != nil || len(list) != 1 || list[0].ID != DefaultClusterID {
		t.Fatalf("Clusters = %+v, %v; want the default cluster", list, err)
	}

	c := e.newCluster(ClusterPatch{})
	if !clusterIDPattern.MatchString(c.ID) || len(c.KmsuserPassword) < 7 || !c.Active || len(c.HSMs) != 2 || !c.SecurityGroupValid {
		t.Errorf("fresh cluster is not a healthy one: %+v", c)
	}
	der, ok := certificateDER(c.TrustAnchorCertificate)
	if !ok {
		t.Fatalf("trust anchor is not PEM: %q", c.TrustAnchorCertificate)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil || !cert.IsCA || cert.CheckSignatureFrom(cert) != nil {
		t.Errorf("trust anchor is not a self-signed CA certificate: %v", err)
	}

	got, err := e.control.Cluster(e.ctx, c.ID)
	if err != nil || got.TrustAnchorCertificate != c.TrustAnchorCertificate {
		t.Errorf("Cluster(%s) = %+v, %v", c.ID, got, err)
	}
	patched, err := e.control.UpdateCluster(e.ctx, c.ID, ClusterPatch{Active: aws.Bool(false)})
	if err != nil || patched.Active || patched.KmsuserPassword != c.KmsuserPassword || len(patched.HSMs) != 2 {
		t.Errorf("UpdateCluster changed more or less than active: %+v, %v", patched, err)
	}

	_, err = e.control.UpdateCluster(e.ctx, c.ID, ClusterPatch{ID: aws.String("cluster-anotherclusterid")})
	wantControlError(t, err, http.StatusBadRequest, "id cannot change")
	_, err = e.control.CreateCluster(e.ctx, ClusterPatch{ID: aws.String("cluster-1")})
	wantControlError(t, err, http.StatusBadRequest, "cluster-1", "cluster-[2-7a-zA-Z]{11,16}")
	_, err = e.control.CreateCluster(e.ctx, ClusterPatch{ID: aws.String(c.ID)})
	wantControlError(t, err, http.StatusConflict, c.ID)
	_, err = e.control.CreateCluster(e.ctx, ClusterPatch{TrustAnchorCertificate: aws.String("nope")})
	wantControlError(t, err, http.StatusBadRequest, "trustAnchorCertificate")

	if err := e.control.DeleteCluster(e.ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.control.Cluster(e.ctx, c.ID)
	wantControlError(t, err, http.StatusNotFound, c.ID)
	wantControlError(t, e.control.DeleteCluster(e.ctx, c.ID), http.StatusNotFound, c.ID)
}

func TestControlXksProxies(t *testing.T) {
	e := newStoreEnv(t)
	p := e.newProxy(XksProxyPatch{})
	if !strings.HasPrefix(p.URIEndpoint, "https://") || p.URIPath != DefaultXksPath || len(p.ExternalKeys) != 1 ||
		p.ExternalKeys[0].Spec != externalKeySpecAES256 || !p.ExternalKeys[0].Enabled || len(p.Credential.RawSecretAccessKey) < 43 {
		t.Errorf("fresh proxy is not a healthy one: %+v", p)
	}
	// The fresh proxy is usable as it comes: a store on it connects.
	id := e.create(xksInput(p))
	e.connected(id)

	keys := []ExternalKey{p.ExternalKeys[0], UsableExternalKey("second")}
	patched, err := e.control.UpdateXksProxy(e.ctx, p.ID, XksProxyPatch{ExternalKeys: &keys})
	if err != nil || len(patched.ExternalKeys) != 2 || !patched.ExternalKeys[1].Enabled || patched.URIEndpoint != p.URIEndpoint {
		t.Fatalf("UpdateXksProxy = %+v, %v", patched, err)
	}
	// A key kept across the patch keeps its material: KMS keys bound to it
	// still decrypt what they encrypted.
	e.svc.mu.Lock()
	before := e.svc.backing.proxies[p.ID].externalKey(p.ExternalKeys[0].ID).material
	e.svc.mu.Unlock()

	other := e.newProxy(XksProxyPatch{})
	_, err = e.control.UpdateXksProxy(e.ctx, p.ID, XksProxyPatch{URIEndpoint: aws.String(other.URIEndpoint)})
	wantControlError(t, err, http.StatusBadRequest, other.URIEndpoint, other.ID)
	_, err = e.control.UpdateXksProxy(e.ctx, p.ID, XksProxyPatch{Connectivity: aws.String(connectivityVPC)})
	wantControlError(t, err, http.StatusBadRequest, "vpcEndpointServiceName")
	_, err = e.control.CreateXksProxy(e.ctx, XksProxyPatch{URIEndpoint: aws.String("http://plain.example.com")})
	wantControlError(t, err, http.StatusBadRequest, "uriEndpoint")
	_, err = e.control.CreateXksProxy(e.ctx, XksProxyPatch{ExternalKeys: &[]ExternalKey{{ID: "a"}, {ID: "a"}}})
	wantControlError(t, err, http.StatusBadRequest, "listed twice")

	e.svc.mu.Lock()
	after := e.svc.backing.proxies[p.ID].externalKey(p.ExternalKeys[0].ID).material
	e.svc.mu.Unlock()
	if string(before) != string(after) || len(after) != 32 {
		t.Error("patching a proxy changed the material of a key it kept")
	}

	list, err := e.control.XksProxies(e.ctx)
	if err != nil || len(list) != 3 {
		t.Errorf("XksProxies = %d proxies, %v; want default + 2", len(list), err)
	}
	if err := e.control.DeleteXksProxy(e.ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.control.XksProxy(e.ctx, other.ID)
	wantControlError(t, err, http.StatusNotFound, other.ID)
}

func TestControlTiming(t *testing.T) {
	e := newStoreEnv(t)
	ts, err := e.control.Timing(e.ctx)
	if err != nil || ts.ConnectLatency != Duration(defaultConnectLatency) || ts.DisconnectLatency != Duration(defaultDisconnectLatency) {
		t.Fatalf("Timing = %+v, %v", ts, err)
	}
	id, _ := e.hsmStore()
	hour := Duration(time.Hour)
	ts, err = e.control.SetTiming(e.ctx, TimingUpdate{CustomKeyStoreID: id, ConnectLatency: &hour})
	if err != nil || ts.Stores[id].ConnectLatency != hour || ts.Stores[id].DisconnectLatency != Duration(defaultDisconnectLatency) || ts.ConnectLatency != Duration(defaultConnectLatency) {
		t.Fatalf("per-store SetTiming = %+v, %v", ts, err)
	}
	// A one-hour connect stays CONNECTING until the virtual clock passes it.
	e.connect(id)
	st, err := e.control.CustomKeyStore(e.ctx, testAccountID, id)
	if err != nil || st.ConnectionState != Connecting || st.PendingUntil.IsZero() {
		t.Fatalf("CustomKeyStore = %+v, %v", st, err)
	}
	if got := e.describe(id).ConnectionState; got != types.ConnectionStateTypeConnecting {
		t.Fatalf("state = %s, want CONNECTING", got)
	}
	if _, err := e.control.AdvanceClock(e.ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := e.describe(id).ConnectionState; got != types.ConnectionStateTypeConnected {
		t.Errorf("after the clock passed the latency: %s, want CONNECTED", got)
	}

	zero := Duration(0)
	if _, err := e.control.SetTiming(e.ctx, TimingUpdate{ConnectLatency: &zero, DisconnectLatency: &zero}); err != nil {
		t.Fatal(err)
	}
	id2, _ := e.hsmStore()
	e.connect(id2)
	if got := e.describe(id2).ConnectionState; got != types.ConnectionStateTypeConnected {
		t.Errorf("with zero latency the next call sees %s, want CONNECTED", got)
	}

	_, err = e.control.SetTiming(e.ctx, TimingUpdate{})
	wantControlError(t, err, http.StatusBadRequest, "connectLatency")
	_, err = e.control.SetTiming(e.ctx, TimingUpdate{CustomKeyStoreID: "cks-00000000000000000", ConnectLatency: &hour})
	wantControlError(t, err, http.StatusNotFound, "cks-00000000000000000")
}

func TestControlStores(t *testing.T) {
	e := newStoreEnv(t)
	id, _ := e.hsmStore()

	st, err := e.control.FailCustomKeyStore(e.ctx, testAccountID, id, "USER_LOCKED_OUT")
	if err != nil || st.ConnectionState != Failed || st.ConnectionErrorCode != "USER_LOCKED_OUT" {
		t.Fatalf("FailCustomKeyStore = %+v, %v", st, err)
	}
	if entry := e.describe(id); entry.ConnectionState != types.ConnectionStateTypeFailed || entry.ConnectionErrorCode != types.ConnectionErrorCodeTypeUserLockedOut {
		t.Errorf("DescribeCustomKeyStores after fail: %s %s", entry.ConnectionState, entry.ConnectionErrorCode)
	}
	_, err = e.control.FailCustomKeyStore(e.ctx, testAccountID, id, "BROKEN")
	wantControlError(t, err, http.StatusBadRequest, "BROKEN", "NETWORK_ERRORS")

	// Stores are looked up in the given account only.
	_, err = e.control.HoldCustomKeyStore(e.ctx, otherTestAccountID, id)
	wantControlError(t, err, http.StatusNotFound, id, otherTestAccountID)
	_, err = e.control.HoldCustomKeyStore(e.ctx, "12", id)
	wantControlError(t, err, http.StatusBadRequest, "12-digit")
	// Without an account, every account is searched.
	st, err = e.control.HoldCustomKeyStore(e.ctx, "", id)
	if err != nil || !st.Held || st.Account != testAccountID {
		t.Fatalf("HoldCustomKeyStore = %+v, %v", st, err)
	}
	e.disconnect(id)
	st, err = e.control.CustomKeyStore(e.ctx, testAccountID, id)
	if err != nil || st.ConnectionState != Disconnecting || !st.PendingUntil.IsZero() {
		t.Fatalf("held disconnect: %+v, %v", st, err)
	}
	if _, err := e.control.AdvanceClock(e.ctx, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := e.describe(id).ConnectionState; got != types.ConnectionStateTypeDisconnecting {
		t.Errorf("a held store moved with the clock: %s", got)
	}
	st, err = e.control.ReleaseCustomKeyStore(e.ctx, testAccountID, id)
	if err != nil || st.ConnectionState != Disconnected || st.Held {
		t.Errorf("ReleaseCustomKeyStore = %+v, %v", st, err)
	}
	_, err = e.control.CustomKeyStore(e.ctx, testAccountID, "cks-00000000000000000")
	wantControlError(t, err, http.StatusNotFound, "cks-00000000000000000")
}

// TestControlHTTPErrors checks the control API's answers to malformed calls
// at the HTTP level: JSON errors that say what was wrong.
func TestControlHTTPErrors(t *testing.T) {
	e := newStoreEnv(t)
	tests := []struct {
		method, path, body string
		status             int
		mention            string
	}{
		{"GET", "/_kmsconform/v1/nothing", "", http.StatusNotFound, "no control endpoint at /_kmsconform/v1/nothing"},
		{"DELETE", "/_kmsconform/v1/clock", "", http.StatusMethodNotAllowed, "GET"},
		{"POST", "/_kmsconform/v1/clusters", `{"colour":"red"}`, http.StatusBadRequest, `unknown field "colour"`},
		{"POST", "/_kmsconform/v1/clusters", `{"active":"yes"}`, http.StatusBadRequest, "active"},
		{"POST", "/_kmsconform/v1/clusters", `{"hsms":[{"zone":"a"}]}`, http.StatusBadRequest, `unknown field "zone"`},
		{"POST", "/_kmsconform/v1/xks-proxies", `{"externalKeys":[{"id":"k","size":256}]}`, http.StatusBadRequest, `unknown field "size"`},
		{"PUT", "/_kmsconform/v1/timing", `{"connectLatency":"soon"}`, http.StatusBadRequest, "soon"},
		{"PUT", "/_kmsconform/v1/timing", `{"connectLatency":"-1s"}`, http.StatusBadRequest, "negative"},
		{"POST", "/_kmsconform/v1/clock/advance", `{"duration":"1h"} extra`, http.StatusBadRequest, "after the JSON value"},
		{"POST", "/_kmsconform/v1/custom-key-stores/cks-1/fail", `{}`, http.StatusBadRequest, "ConnectionErrorCode"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path+" "+tc.body, func(t *testing.T) {
			req, err := http.NewRequestWithContext(e.ctx, tc.method, e.url+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			var ce controlError
			if err := json.Unmarshal(b, &ce); err != nil {
				t.Fatalf("answer is not JSON: %q", b)
			}
			if resp.StatusCode != tc.status || !strings.Contains(ce.Error, tc.mention) {
				t.Errorf("HTTP %d %q, want %d mentioning %q", resp.StatusCode, ce.Error, tc.status, tc.mention)
			}
		})
	}
	// The control API is never a KMS operation, and KMS never answers under it.
	_, err := kmsClient(t, e.url+"/_kmsconform/v1", testAccessKey).DescribeCustomKeyStores(e.ctx, &kms.DescribeCustomKeyStoresInput{})
	if err == nil {
		t.Error("a KMS call under the control prefix succeeded")
	}
}

// TestControlClientBaseURL checks the client accepts the root URL or the
// control URL as its base.
func TestControlClientBaseURL(t *testing.T) {
	e := newStoreEnv(t)
	for _, base := range []string{e.url, e.url + "/", e.url + "/_kmsconform", e.url + "/_kmsconform/v1/"} {
		c := &ControlClient{BaseURL: base}
		if _, err := c.Health(e.ctx); err != nil {
			t.Errorf("BaseURL %s: %v", base, err)
		}
	}
}

// An account's own quotas and clock leave every other account alone.
func TestControlAccountQuotasAndClock(t *testing.T) {
	e := newStoreEnv(t)
	const accessKey = "AKIAKMSCONFORMISOLATED"
	acct := AccountForAccessKey(accessKey)
	own := kmsClient(t, e.url, accessKey)

	st, err := e.control.SetAccountQuotas(e.ctx, acct, AccountQuotas{Keys: 1})
	if err != nil || st.Quotas.Keys != 1 || st.Quotas.CustomKeyStores != 1000 {
		t.Fatalf("SetAccountQuotas = %+v, %v", st, err)
	}
	created, err := own.CreateKey(e.ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = own.CreateKey(e.ctx, &kms.CreateKeyInput{})
	wantCode(t, err, "LimitExceededException")
	if _, err := e.kms.CreateKey(e.ctx, &kms.CreateKeyInput{}); err != nil {
		t.Errorf("another account hit the isolated account's quota: %v", err)
	}

	keyID := created.KeyMetadata.KeyId
	if _, err := own.ScheduleKeyDeletion(e.ctx, &kms.ScheduleKeyDeletionInput{KeyId: keyID, PendingWindowInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	other, err := e.kms.CreateKey(e.ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.kms.ScheduleKeyDeletion(e.ctx, &kms.ScheduleKeyDeletionInput{KeyId: other.KeyMetadata.KeyId, PendingWindowInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	st, err = e.control.AdvanceAccountClock(e.ctx, acct, 8*24*time.Hour)
	if err != nil || st.Ahead != Duration(8*24*time.Hour) || st.Keys != 0 {
		t.Fatalf("AdvanceAccountClock = %+v, %v; want the key deleted", st, err)
	}
	_, err = own.DescribeKey(e.ctx, &kms.DescribeKeyInput{KeyId: keyID})
	wantCode(t, err, "NotFoundException")
	if _, err := e.kms.DescribeKey(e.ctx, &kms.DescribeKeyInput{KeyId: other.KeyMetadata.KeyId}); err != nil {
		t.Errorf("advancing one account's clock deleted another account's key: %v", err)
	}

	_, err = e.control.SetAccountQuotas(e.ctx, "12", AccountQuotas{})
	wantControlError(t, err, http.StatusBadRequest, "12-digit")
	_, err = e.control.AdvanceAccountClock(e.ctx, acct, 0)
	wantControlError(t, err, http.StatusBadRequest, "duration must be positive")
}
