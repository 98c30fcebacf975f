package reference

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func writeFixtures(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fixtures.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const goodFixtures = `
accounts:
  AKIAKMSCONFORMTEST01: "111122223333"
  AKIACUSTOMACCOUNT999: "999988887777"
timing:
  connectLatency: 1ms
  disconnectLatency: 2ms
customKeyStoreQuota: 3
clusters:
  - id: cluster-fixturecluster
    kmsuserPassword: fixture-password
  - id: cluster-brokencluster
    hsms:
      - availabilityZone: us-west-2a
      - availabilityZone: us-west-2a
        active: false
    securityGroupValid: false
  - id: cluster-relatedcluster
    backupHistoryId: cluster-fixturecluster
xksProxies:
  - id: proxy-one
    uriEndpoint: https://proxy-one.example.test
    externalKeys:
      - id: key-1
      - id: key-2
        enabled: false
        usages: [ENCRYPT]
  - id: proxy-vpc
    uriEndpoint: https://proxy-vpc.example.test
    connectivity: VPC_ENDPOINT_SERVICE
    vpcEndpointServiceName: com.amazonaws.vpce.us-east-1.vpce-svc-0fixture0
    reachable: false
`

func TestLoadFixtures(t *testing.T) {
	fx, err := LoadFixtures(writeFixtures(t, goodFixtures))
	if err != nil {
		t.Fatalf("LoadFixtures: %v", err)
	}
	if fx.Accounts[otherAccessKey] != otherTestAccountID || fx.Accounts["AKIACUSTOMACCOUNT999"] != "999988887777" {
		t.Errorf("accounts = %v, want the file's added to the test accounts", fx.Accounts)
	}
	if len(fx.Clusters) != 3 || len(fx.XksProxies) != 2 || fx.CustomKeyStoreQuota != 3 || fx.Timing.ConnectLatency != Duration(time.Millisecond) {
		t.Fatalf("fixtures = %+v", fx)
	}
	good, broken := fx.Clusters[0], fx.Clusters[1]
	if !good.Active || len(good.HSMs) != 2 || !good.SecurityGroupValid || good.KmsuserPassword != "fixture-password" {
		t.Errorf("members left out should be healthy: %+v", good)
	}
	if broken.SecurityGroupValid || !broken.HSMs[0].Active || broken.HSMs[1].Active {
		t.Errorf("members given should be kept: %+v", broken)
	}
	one := fx.XksProxies[0]
	if !one.Reachable || one.URIPath != DefaultXksPath || one.Connectivity != connectivityPublic ||
		!one.ExternalKeys[0].Enabled || one.ExternalKeys[0].Spec != externalKeySpecAES256 || one.ExternalKeys[1].Enabled {
		t.Errorf("proxy defaults: %+v", one)
	}
	if fx.XksProxies[1].Reachable {
		t.Error("reachable: false was lost")
	}

	// The fixtures drive a Service: the mapped access key is its account, and
	// the clusters and proxies are there, generated members filled in.
	svc, url := startReference(t, Options{Fixtures: fx})
	ctl := &ControlClient{BaseURL: url}
	e := newStoreEnvWith(t, fx)
	c, err := ctl.Cluster(e.ctx, "cluster-fixturecluster")
	if err != nil || c.TrustAnchorCertificate == "" {
		t.Fatalf("fixture cluster: %+v, %v", c, err)
	}
	related, err := ctl.Cluster(e.ctx, "cluster-relatedcluster")
	if err != nil || related.TrustAnchorCertificate != c.TrustAnchorCertificate {
		t.Errorf("a related cluster should share the trust anchor: %v", err)
	}
	custom := kmsClient(t, url, "AKIACUSTOMACCOUNT999")
	out, err := custom.CreateCustomKeyStore(e.ctx, cloudHSMInput(c))
	wantCode(t, err, "")
	svc.mu.Lock()
	_, inMappedAccount := svc.accounts[accountRegion{"999988887777", testRegion}].stores[*out.CustomKeyStoreId]
	svc.mu.Unlock()
	if !inMappedAccount {
		t.Error("the store was not created in the account the fixtures map the access key to")
	}
	_, err = custom.ConnectCustomKeyStore(e.ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: out.CustomKeyStoreId})
	wantCode(t, err, "")
	if ts, err := ctl.Timing(e.ctx); err != nil || ts.ConnectLatency != Duration(time.Millisecond) {
		t.Errorf("timing from fixtures: %+v, %v", ts, err)
	}
	_, err = custom.CreateCustomKeyStore(e.ctx, cloudHSMInput(Cluster{ID: "cluster-brokencluster", TrustAnchorCertificate: c.TrustAnchorCertificate, KmsuserPassword: "whatever"}))
	wantCode(t, err, "CloudHsmClusterInvalidConfigurationException")

	vpcIn := xksInput(fx.XksProxies[1])
	vpcIn.XksProxyAuthenticationCredential = &types.XksProxyAuthenticationCredentialType{AccessKeyId: aws.String("ABCDEFGHIJKLMNOPQRSTUV"), RawSecretAccessKey: aws.String(randomSecret())}
	_, err = custom.CreateCustomKeyStore(e.ctx, vpcIn)
	wantCode(t, err, "")
}

func TestLoadFixturesErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // fragments of the error, besides the file name
	}{
		{"unknown top-level field", "clusters: []\nclustres: []\n", []string{"line 2", "clustres"}},
		{"unknown cluster field", "clusters:\n  - id: cluster-fixturecluster\n    hsm_count: 2\n", []string{"line 3", `unknown field "hsm_count"`, "hsms"}},
		{"unknown external key field", "xksProxies:\n  - externalKeys:\n      - id: k\n        aes: true\n", []string{"line 4", `"aes"`}},
		{"wrong type", "clusters:\n  - id: cluster-fixturecluster\n    active: maybe\n", []string{"line 3", "maybe"}},
		{"syntax error", "clusters:\n  - id: [unclosed\n", []string{"line"}},
		{"bad cluster id", "clusters:\n  - kmsuserPassword: x\n  - id: cluster-BAD1\n", []string{"line 3", "clusters[1]", "cluster-BAD1", "cluster-[2-7a-zA-Z]{11,16}"}},
		{"duplicate cluster", "clusters:\n  - id: cluster-fixturecluster\n  - id: cluster-fixturecluster\n", []string{"line 3", "already exists"}},
		{"bad trust anchor", "clusters:\n  - trustAnchorCertificate: hello\n", []string{"line 2", "trustAnchorCertificate"}},
		{"bad owner", "clusters:\n  - owner: me\n", []string{"line 2", "owner"}},
		{"bad account", "accounts:\n  AKIAX: \"12\"\n", []string{"AKIAX", "12-digit"}},
		{"bad endpoint", "xksProxies:\n  - uriEndpoint: https://host:8443\n", []string{"line 2", "xksProxies[0]", "uriEndpoint"}},
		{"bad path", "xksProxies:\n  - uriPath: /xks\n", []string{"line 2", "uriPath"}},
		{"VPC without service", "xksProxies:\n  - connectivity: VPC_ENDPOINT_SERVICE\n", []string{"line 2", "vpcEndpointServiceName"}},
		{"bad connectivity", "xksProxies:\n  - connectivity: PRIVATE\n", []string{"line 2", "PRIVATE"}},
		{"short secret", "xksProxies:\n  - credential:\n      rawSecretAccessKey: short\n", []string{"line 2", "rawSecretAccessKey"}},
		{"same endpoint twice", "xksProxies:\n  - uriEndpoint: https://same.example.test\n  - uriEndpoint: https://same.example.test\n", []string{"line 3", "already the endpoint"}},
		{"external key twice", "xksProxies:\n  - externalKeys:\n      - id: k\n      - id: k\n", []string{"line 2", "listed twice"}},
		{"bad duration", "timing:\n  connectLatency: fast\n", []string{"line 2", "fast"}},
		{"negative quota", "customKeyStoreQuota: -1\n", []string{"customKeyStoreQuota"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFixtures(t, tc.text)
			_, err := LoadFixtures(path)
			if err == nil {
				t.Fatal("LoadFixtures succeeded")
			}
			for _, f := range append([]string{path}, tc.want...) {
				if !strings.Contains(err.Error(), f) {
					t.Errorf("error %q does not mention %q", err, f)
				}
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := LoadFixtures(filepath.Join(t.TempDir(), "absent.yaml"))
		if err == nil || !strings.Contains(err.Error(), "absent.yaml") {
			t.Errorf("err = %v", err)
		}
	})
}

// TestFixturesStayPerService checks that a Service works on its own copy of
// the fixtures: changes through one Service's control API reach neither the
// caller's Fixtures nor another Service.
func TestFixturesStayPerService(t *testing.T) {
	fx := DefaultFixtures()
	a := newStoreEnvWith(t, fx)
	b := newStoreEnvWith(t, fx)
	if _, err := a.control.UpdateCluster(a.ctx, DefaultClusterID, ClusterPatch{Active: aws.Bool(false), HSMs: &[]HSM{}}); err != nil {
		t.Fatal(err)
	}
	if c, err := b.control.Cluster(b.ctx, DefaultClusterID); err != nil || !c.Active || len(c.HSMs) != 2 {
		t.Errorf("another Service's cluster changed: %+v, %v", c, err)
	}
	if !fx.Clusters[0].Active || len(fx.Clusters[0].HSMs) != 2 {
		t.Errorf("the caller's fixtures changed: %+v", fx.Clusters[0])
	}
}

// TestDefaultFixturesUsable checks the default cluster and proxy back stores
// that connect, with the published constants.
func TestDefaultFixturesUsable(t *testing.T) {
	e := newStoreEnv(t)
	c, err := e.control.Cluster(e.ctx, DefaultClusterID)
	if err != nil || c.KmsuserPassword != DefaultClusterPassword {
		t.Fatalf("default cluster: %+v, %v", c, err)
	}
	hsm := e.create(cloudHSMInput(c))
	p, err := e.control.XksProxy(e.ctx, DefaultXksProxyID)
	if err != nil || p.URIEndpoint != DefaultXksEndpoint || p.Credential.AccessKeyID != DefaultXksAccessKeyID || p.Credential.RawSecretAccessKey != DefaultXksSecret {
		t.Fatalf("default proxy: %+v, %v", p, err)
	}
	xks := e.create(xksInput(p))
	for _, id := range []string{hsm, xks} {
		e.connected(id)
	}
	e.keyInStore(xks, DefaultExternalKeyID)
}
