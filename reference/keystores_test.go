package reference

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

const vpcServiceName = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"

func vpcProxyPatch(service string) XksProxyPatch {
	return XksProxyPatch{Connectivity: aws.String(connectivityVPC), VpcEndpointServiceName: aws.String(service)}
}

func TestCreateCustomKeyStore(t *testing.T) {
	type setup func(e *storeEnv) *kms.CreateCustomKeyStoreInput
	hsm := func(patch ClusterPatch) setup {
		return func(e *storeEnv) *kms.CreateCustomKeyStoreInput { return cloudHSMInput(e.newCluster(patch)) }
	}
	xks := func(patch XksProxyPatch) setup {
		return func(e *storeEnv) *kms.CreateCustomKeyStoreInput { return xksInput(e.newProxy(patch)) }
	}
	sameZone := []HSM{{AvailabilityZone: "us-east-1a", Active: true}, {AvailabilityZone: "us-east-1a", Active: true}}
	oneZone := []Subnet{{AvailabilityZone: "us-east-1a"}, {AvailabilityZone: "us-east-1a"}}
	tests := []struct {
		cond  string
		setup setup
		want  string
	}{
		{"CreateCustomKeyStore.36 CloudHSM", hsm(ClusterPatch{}), ""},
		{"CreateCustomKeyStore.36 external", xks(XksProxyPatch{}), ""},
		{"CreateCustomKeyStore.01", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			first := cloudHSMInput(e.newCluster(ClusterPatch{}))
			e.create(first)
			in := xksInput(e.newProxy(XksProxyPatch{}))
			in.CustomKeyStoreName = first.CustomKeyStoreName
			return in
		}, "CustomKeyStoreNameInUseException"},
		{"CreateCustomKeyStore.05", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := cloudHSMInput(e.newCluster(ClusterPatch{}))
			in.CloudHsmClusterId = nil
			return in
		}, "ValidationException"},
		{"CreateCustomKeyStore.06", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := cloudHSMInput(e.newCluster(ClusterPatch{}))
			in.TrustAnchorCertificate = nil
			return in
		}, "ValidationException"},
		{"CreateCustomKeyStore.07", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := cloudHSMInput(e.newCluster(ClusterPatch{}))
			in.KeyStorePassword = nil
			return in
		}, "ValidationException"},
		{"CreateCustomKeyStore.08", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := cloudHSMInput(e.newCluster(ClusterPatch{}))
			in.CloudHsmClusterId = aws.String("cluster-doesnotexist")
			return in
		}, "CloudHsmClusterNotFoundException"},
		{"CreateCustomKeyStore.08 another account's cluster", hsm(ClusterPatch{Owner: aws.String(otherTestAccountID)}), "CloudHsmClusterNotFoundException"},
		{"CreateCustomKeyStore.37 cluster backing another account's store", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			c := e.newCluster(ClusterPatch{})
			if _, err := e.other.CreateCustomKeyStore(e.ctx, cloudHSMInput(c)); err != nil {
				e.t.Fatalf("CreateCustomKeyStore (other account): %v", err)
			}
			return cloudHSMInput(c)
		}, "CloudHsmClusterNotFoundException"},
		{"CreateCustomKeyStore.09", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			c := e.newCluster(ClusterPatch{})
			e.create(cloudHSMInput(c))
			return cloudHSMInput(c)
		}, "CloudHsmClusterInUseException"},
		{"CreateCustomKeyStore.10", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			c := e.newCluster(ClusterPatch{})
			e.create(cloudHSMInput(c))
			return cloudHSMInput(e.newCluster(ClusterPatch{BackupHistoryID: aws.String(c.BackupHistoryID)}))
		}, "CloudHsmClusterInUseException"},
		{"CreateCustomKeyStore.11", hsm(ClusterPatch{Active: aws.Bool(false)}), "CloudHsmClusterNotActiveException"},
		{"CreateCustomKeyStore.12 one Availability Zone", hsm(ClusterPatch{HSMs: &sameZone}), "CloudHsmClusterInvalidConfigurationException"},
		{"CreateCustomKeyStore.12 one active HSM", hsm(ClusterPatch{HSMs: &[]HSM{{AvailabilityZone: "us-east-1a", Active: true}, {AvailabilityZone: "us-east-1b"}}}), "CloudHsmClusterInvalidConfigurationException"},
		{"CreateCustomKeyStore.13", hsm(ClusterPatch{Subnets: &oneZone}), "CloudHsmClusterInvalidConfigurationException"},
		{"CreateCustomKeyStore.14", hsm(ClusterPatch{SecurityGroupValid: aws.Bool(false)}), "CloudHsmClusterInvalidConfigurationException"},
		{"CreateCustomKeyStore.15", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := cloudHSMInput(e.newCluster(ClusterPatch{}))
			in.TrustAnchorCertificate = aws.String(e.newCluster(ClusterPatch{}).TrustAnchorCertificate)
			return in
		}, "IncorrectTrustAnchorException"},
		{"CreateCustomKeyStore.15 not a certificate", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := cloudHSMInput(e.newCluster(ClusterPatch{}))
			in.TrustAnchorCertificate = aws.String("not a certificate")
			return in
		}, "IncorrectTrustAnchorException"},
		{"CloudHSM store with an XKS member", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := cloudHSMInput(e.newCluster(ClusterPatch{}))
			in.XksProxyUriPath = aws.String("/kms/xks/v1")
			return in
		}, "ValidationException"},
		{"CreateCustomKeyStore.17", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := xksInput(e.newProxy(XksProxyPatch{}))
			in.XksProxyConnectivity = ""
			return in
		}, "ValidationException"},
		{"CreateCustomKeyStore.18", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := xksInput(e.newProxy(XksProxyPatch{}))
			in.XksProxyAuthenticationCredential = nil
			return in
		}, "ValidationException"},
		{"CreateCustomKeyStore.19", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := xksInput(e.newProxy(XksProxyPatch{}))
			in.XksProxyUriEndpoint = nil
			return in
		}, "ValidationException"},
		{"CreateCustomKeyStore.20", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := xksInput(e.newProxy(XksProxyPatch{}))
			in.XksProxyUriPath = nil
			return in
		}, "ValidationException"},
		{"CreateCustomKeyStore.21", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := xksInput(e.newProxy(vpcProxyPatch(vpcServiceName)))
			in.XksProxyVpcEndpointServiceName = nil
			return in
		}, "ValidationException"},
		{"external store with a CloudHSM member", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := xksInput(e.newProxy(XksProxyPatch{}))
			in.KeyStorePassword = aws.String("kmsuser-password")
			return in
		}, "ValidationException"},
		{"CreateCustomKeyStore.24", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			p := e.newProxy(XksProxyPatch{})
			e.create(xksInput(p))
			return xksInput(p)
		}, "XksProxyUriInUseException"},
		{"CreateCustomKeyStore.25", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			p := e.newProxy(vpcProxyPatch(vpcServiceName))
			vpc := xksInput(p)
			if _, err := e.other.CreateCustomKeyStore(e.ctx, vpc); err != nil { // another account, same Region
				e.t.Fatalf("CreateCustomKeyStore (VPC, other account): %v", err)
			}
			in := xksInput(e.newProxy(XksProxyPatch{}))
			in.XksProxyUriEndpoint = aws.String(p.URIEndpoint)
			return in
		}, "XksProxyUriEndpointInUseException"},
		{"CreateCustomKeyStore.26", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			p := e.newProxy(vpcProxyPatch(vpcServiceName))
			e.create(xksInput(p))
			in := xksInput(e.newProxy(vpcProxyPatch("com.amazonaws.vpce.us-east-1.vpce-svc-0000000000000000b")))
			in.XksProxyUriEndpoint = aws.String(p.URIEndpoint)
			in.XksProxyUriPath = aws.String("/other/kms/xks/v1")
			return in
		}, "XksProxyUriEndpointInUseException"},
		{"CreateCustomKeyStore.27", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			p := e.newProxy(vpcProxyPatch(vpcServiceName))
			if _, err := e.other.CreateCustomKeyStore(e.ctx, xksInput(p)); err != nil {
				e.t.Fatalf("CreateCustomKeyStore (other account): %v", err)
			}
			in := xksInput(p)
			in.XksProxyUriEndpoint = aws.String("https://another-name.kmsconform.test")
			return in
		}, "XksProxyVpcEndpointServiceInUseException"},
		{"CreateCustomKeyStore.28 no such service", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := xksInput(e.newProxy(vpcProxyPatch(vpcServiceName)))
			in.XksProxyVpcEndpointServiceName = aws.String("com.amazonaws.vpce.us-east-1.vpce-svc-00000000000000999")
			return in
		}, "XksProxyVpcEndpointServiceNotFoundException"},
		{"CreateCustomKeyStore.28 other owner", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			p := vpcProxyPatch(vpcServiceName)
			p.VpcEndpointServiceOwner = aws.String(otherTestAccountID)
			return xksInput(e.newProxy(p))
		}, "XksProxyVpcEndpointServiceNotFoundException"},
		{"CreateCustomKeyStore.29", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			p := vpcProxyPatch(vpcServiceName)
			p.VpcEndpointServiceValid = aws.Bool(false)
			return xksInput(e.newProxy(p))
		}, "XksProxyVpcEndpointServiceInvalidConfigurationException"},
		{"CreateCustomKeyStore.30 unreachable", xks(XksProxyPatch{Reachable: aws.Bool(false)}), "XksProxyUriUnreachableException"},
		{"CreateCustomKeyStore.30 no proxy at the endpoint", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := xksInput(e.newProxy(XksProxyPatch{}))
			in.XksProxyUriEndpoint = aws.String("https://nothing-here.kmsconform.test")
			return in
		}, "XksProxyUriUnreachableException"},
		{"CreateCustomKeyStore.30 wrong path", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := xksInput(e.newProxy(XksProxyPatch{}))
			in.XksProxyUriPath = aws.String("/wrong/kms/xks/v1")
			return in
		}, "XksProxyUriUnreachableException"},
		{"CreateCustomKeyStore.31", xks(XksProxyPatch{EKMAvailable: aws.Bool(false)}), "XksProxyUriUnreachableException"},
		{"CreateCustomKeyStore.32", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			in := xksInput(e.newProxy(XksProxyPatch{}))
			in.XksProxyAuthenticationCredential.RawSecretAccessKey = aws.String(randomSecret())
			return in
		}, "XksProxyIncorrectAuthenticationCredentialException"},
		{"CreateCustomKeyStore.33", xks(XksProxyPatch{AnswersValidly: aws.Bool(false)}), "XksProxyInvalidResponseException"},
		{"CreateCustomKeyStore.34", xks(XksProxyPatch{ConfigurationValid: aws.Bool(false)}), "XksProxyInvalidConfigurationException"},
		{"CreateCustomKeyStore.35 VPC proxy not contacted at create", func(e *storeEnv) *kms.CreateCustomKeyStoreInput {
			p := vpcProxyPatch(vpcServiceName)
			p.Reachable = aws.Bool(false)
			return xksInput(e.newProxy(p))
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.cond, func(t *testing.T) {
			e := newStoreEnv(t)
			out, err := e.kms.CreateCustomKeyStore(e.ctx, tc.setup(e))
			wantCode(t, err, tc.want)
			if tc.want != "" {
				return
			}
			entry := e.describe(*out.CustomKeyStoreId)
			if entry.ConnectionState != types.ConnectionStateTypeDisconnected { // .36
				t.Errorf("new store is %s, want DISCONNECTED", entry.ConnectionState)
			}
			if !strings.HasPrefix(*out.CustomKeyStoreId, "cks-") || len(*out.CustomKeyStoreId) != 21 || !isHex((*out.CustomKeyStoreId)[4:]) {
				t.Errorf("store ID %q is not cks- and 17 hex digits", *out.CustomKeyStoreId)
			}
		})
	}
}

func TestCreateCustomKeyStoreDefaults(t *testing.T) {
	e := newStoreEnv(t)
	hsmID, c := e.hsmStore()
	entry := e.describe(hsmID)
	if entry.CustomKeyStoreType != types.CustomKeyStoreTypeAwsCloudhsm { // CreateCustomKeyStore.03
		t.Errorf("type = %q, want AWS_CLOUDHSM when omitted", entry.CustomKeyStoreType)
	}
	if aws.ToString(entry.CloudHsmClusterId) != c.ID || aws.ToString(entry.TrustAnchorCertificate) != c.TrustAnchorCertificate {
		t.Errorf("cluster %q / trust anchor not as created", aws.ToString(entry.CloudHsmClusterId))
	}
	if entry.XksProxyConfiguration != nil || entry.CreationDate == nil {
		t.Errorf("CloudHSM entry: XksProxyConfiguration %v, CreationDate %v", entry.XksProxyConfiguration, entry.CreationDate)
	}

	p := e.newProxy(vpcProxyPatch(vpcServiceName))
	xksID := e.create(xksInput(p))
	cfg := e.describe(xksID).XksProxyConfiguration
	if cfg == nil || aws.ToString(cfg.VpcEndpointServiceOwner) != testAccountID { // CreateCustomKeyStore.22
		t.Fatalf("XksProxyConfiguration = %+v, want the caller's account as VpcEndpointServiceOwner", cfg)
	}
	if aws.ToString(cfg.AccessKeyId) != p.Credential.AccessKeyID || aws.ToString(cfg.UriEndpoint) != p.URIEndpoint ||
		aws.ToString(cfg.UriPath) != p.URIPath || cfg.Connectivity != types.XksProxyConnectivityTypeVpcEndpointService {
		t.Errorf("XksProxyConfiguration = %+v, want the proxy's settings", cfg)
	}
}

func TestCreateCustomKeyStoreQuota(t *testing.T) {
	fx := DefaultFixtures()
	fx.CustomKeyStoreQuota = 1
	e := newStoreEnvWith(t, fx)
	e.hsmStore()
	_, err := e.kms.CreateCustomKeyStore(e.ctx, xksInput(e.newProxy(XksProxyPatch{}))) // CreateCustomKeyStore.02
	wantCode(t, err, "LimitExceededException")
	_, err = e.other.CreateCustomKeyStore(e.ctx, xksInput(e.newProxy(XksProxyPatch{}))) // the quota is per account
	wantCode(t, err, "")
}

// TestKeyStoreValidation checks the model constraints (conditions part D) and
// that secret members are never echoed in the message.
func TestKeyStoreValidation(t *testing.T) {
	e := newStoreEnv(t)
	secret := "Sup3r$ecret!"
	long := strings.Repeat("a", 257)
	cred := func(ak, sk string) string {
		return `,"XksProxyAuthenticationCredential":{"AccessKeyId":"` + ak + `","RawSecretAccessKey":"` + sk + `"}`
	}
	goodSecret := "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"
	tests := []struct {
		name, op, body string
		wantInMessage  string
		secret         string // must not appear in the message
	}{
		{"V1", "DeleteCustomKeyStore", `{}`, "Value null at 'customKeyStoreId' failed to satisfy constraint: Member must not be null", ""},
		{"V2", "DeleteCustomKeyStore", `{"CustomKeyStoreId":""}`, "Member must have length greater than or equal to 1", ""},
		{"V3", "DisconnectCustomKeyStore", `{}`, "'customKeyStoreId'", ""},
		{"V4", "DisconnectCustomKeyStore", `{"CustomKeyStoreId":"` + strings.Repeat("c", 65) + `"}`, "Member must have length less than or equal to 64", ""},
		{"V9", "ConnectCustomKeyStore", `{}`, "'customKeyStoreId'", ""},
		{"V10", "ConnectCustomKeyStore", `{"CustomKeyStoreId":""}`, "'customKeyStoreId'", ""},
		{"V11", "CreateCustomKeyStore", `{}`, "Value null at 'customKeyStoreName'", ""},
		{"V12", "CreateCustomKeyStore", `{"CustomKeyStoreName":"` + long + `"}`, "at 'customKeyStoreName' failed to satisfy constraint: Member must have length less than or equal to 256", ""},
		{"V13", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","CloudHsmClusterId":"cluster-a"}`, "at 'cloudHsmClusterId' failed to satisfy constraint: Member must have length greater than or equal to 19", ""},
		{"V14", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","CloudHsmClusterId":"cluster-1111111111111"}`, "Member must satisfy regular expression pattern: cluster-[2-7a-zA-Z]{11,16}", ""},
		{"V15", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","TrustAnchorCertificate":""}`, "'trustAnchorCertificate'", ""},
		{"V16", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","KeyStorePassword":"` + secret[:5] + `"}`, "Value '*** Sensitive Data Redacted ***' at 'keyStorePassword'", secret[:5]},
		{"V17", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","CustomKeyStoreType":"HSM"}`, "Member must satisfy enum value set: [AWS_CLOUDHSM, EXTERNAL_KEY_STORE]", ""},
		{"V18", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","XksProxyUriEndpoint":"https://"}`, "'xksProxyUriEndpoint' failed to satisfy constraint: Member must have length greater than or equal to 10", ""},
		{"V19", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","XksProxyUriEndpoint":"https://proxy.example.com:443"}`, "'xksProxyUriEndpoint' failed to satisfy constraint: Member must satisfy regular expression pattern", ""},
		{"V20", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","XksProxyUriPath":"/kms/xks"}`, "'xksProxyUriPath'", ""},
		{"V21", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","XksProxyUriPath":"/kms/xks/v123"}`, "'xksProxyUriPath' failed to satisfy constraint: Member must satisfy regular expression pattern", ""},
		{"V22", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","XksProxyVpcEndpointServiceName":"com.amazonaws"}`, "'xksProxyVpcEndpointServiceName'", ""},
		{"V23", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","XksProxyVpcEndpointServiceName":"org.amazonaws.vpce.us-east-1.vpce-svc-1"}`, "'xksProxyVpcEndpointServiceName' failed to satisfy constraint: Member must satisfy regular expression pattern", ""},
		{"V24", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","XksProxyVpcEndpointServiceOwner":"1234"}`, "'xksProxyVpcEndpointServiceOwner'", ""},
		{"V25", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","XksProxyVpcEndpointServiceOwner":"12345678901x"}`, "'xksProxyVpcEndpointServiceOwner' failed to satisfy constraint: Member must satisfy regular expression pattern", ""},
		{"V26", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","XksProxyAuthenticationCredential":{"RawSecretAccessKey":"` + goodSecret + `"}}`, "Value null at 'xksProxyAuthenticationCredential.accessKeyId'", goodSecret},
		{"V27", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n"` + cred("ABCDEFG", goodSecret) + `}`, "Value '*** Sensitive Data Redacted ***' at 'xksProxyAuthenticationCredential.accessKeyId'", "ABCDEFG"},
		{"V28", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n"` + cred("abcdefghijklmnopqrstuvwxyz", goodSecret) + `}`, "accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[A-Z2-7]+$", "abcdefghijklmnopqrstuvwxyz"},
		{"V29", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","XksProxyAuthenticationCredential":{"AccessKeyId":"ABCDEFGHIJKLMNOPQRSTUVWXYZ"}}`, "Value null at 'xksProxyAuthenticationCredential.rawSecretAccessKey'", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		{"V30", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n"` + cred("ABCDEFGHIJKLMNOPQRSTUVWXYZ", secret) + `}`, "'*** Sensitive Data Redacted ***' at 'xksProxyAuthenticationCredential.rawSecretAccessKey' failed to satisfy constraint: Member must have length greater than or equal to 43", secret},
		{"V31", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n"` + cred("ABCDEFGHIJKLMNOPQRSTUVWXYZ", strings.Repeat("!", 44)) + `}`, "rawSecretAccessKey' failed to satisfy constraint: Member must satisfy regular expression pattern", strings.Repeat("!", 44)},
		{"V32", "CreateCustomKeyStore", `{"CustomKeyStoreName":"n","XksProxyConnectivity":"PRIVATE"}`, "[PUBLIC_ENDPOINT, VPC_ENDPOINT_SERVICE]", ""},
		{"V33", "DescribeCustomKeyStores", `{"CustomKeyStoreId":""}`, "'customKeyStoreId'", ""},
		{"V34", "DescribeCustomKeyStores", `{"CustomKeyStoreName":"` + long + `"}`, "'customKeyStoreName'", ""},
		{"V35", "DescribeCustomKeyStores", `{"Limit":1001}`, "Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000", ""},
		{"V35 zero", "DescribeCustomKeyStores", `{"Limit":0}`, "Member must have value greater than or equal to 1", ""},
		{"V36", "DescribeCustomKeyStores", `{"Marker":""}`, "'marker'", ""},
		{"V37", "DescribeCustomKeyStores", `{"Marker":"\u0100"}`, `Member must satisfy regular expression pattern: [\u0020-\u00FF]*`, ""},
		{"V38", "UpdateCustomKeyStore", `{}`, "Value null at 'customKeyStoreId'", ""},
		{"V40", "UpdateCustomKeyStore", `{"CustomKeyStoreId":"cks-1","NewCustomKeyStoreName":""}`, "'newCustomKeyStoreName'", ""},
		{"V41", "UpdateCustomKeyStore", `{"CustomKeyStoreId":"cks-1","KeyStorePassword":"` + strings.Repeat(secret, 3) + `"}`, "'*** Sensitive Data Redacted ***' at 'keyStorePassword' failed to satisfy constraint: Member must have length less than or equal to 32", secret},
		{"V43", "UpdateCustomKeyStore", `{"CustomKeyStoreId":"cks-1","CloudHsmClusterId":"cluster-0000000000000"}`, "'cloudHsmClusterId'", ""},
		{"V45", "UpdateCustomKeyStore", `{"CustomKeyStoreId":"cks-1","XksProxyUriEndpoint":"http://proxy.example.com"}`, "'xksProxyUriEndpoint'", ""},
		{"V56", "UpdateCustomKeyStore", `{"CustomKeyStoreId":"cks-1"` + cred("ABCDEFGHIJKLMNOPQRSTUVWXYZ", strings.Repeat("k", 65)) + `}`, "'xksProxyAuthenticationCredential.rawSecretAccessKey' failed to satisfy constraint: Member must have length less than or equal to 64", strings.Repeat("k", 65)},
		{"V58", "UpdateCustomKeyStore", `{"CustomKeyStoreId":"cks-1","XksProxyConnectivity":"public"}`, "'xksProxyConnectivity'", ""},
		{"two violations", "CreateCustomKeyStore", `{"CustomKeyStoreName":"","CustomKeyStoreType":"X"}`, "2 validation errors detected: ", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name+" "+tc.op, func(t *testing.T) {
			status, body := rawKMS(t, e.url, tc.op, tc.body)
			var got errorBody
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("body %q: %v", body, err)
			}
			if status != 400 || got.Type != "ValidationException" {
				t.Fatalf("got %d %s (%s), want 400 ValidationException", status, got.Type, got.Message)
			}
			if !strings.Contains(got.Message, tc.wantInMessage) {
				t.Errorf("message %q does not contain %q", got.Message, tc.wantInMessage)
			}
			if tc.secret != "" && strings.Contains(body, tc.secret) {
				t.Errorf("the response echoes a secret: %s", body)
			}
		})
	}
}

func TestDescribeCustomKeyStores(t *testing.T) {
	e := newStoreEnv(t)
	var ids []string
	for range 3 {
		id, _ := e.hsmStore()
		ids = append(ids, id)
	}
	xksID, proxy := e.xksStore()
	ids = append(ids, xksID)
	otherOut, err := e.other.CreateCustomKeyStore(e.ctx, xksInput(e.newProxy(XksProxyPatch{})))
	wantCode(t, err, "")

	t.Run("DescribeCustomKeyStores.01 all of the account's stores", func(t *testing.T) {
		out, err := e.kms.DescribeCustomKeyStores(e.ctx, &kms.DescribeCustomKeyStoresInput{})
		wantCode(t, err, "")
		var got []string
		for _, s := range out.CustomKeyStores {
			got = append(got, *s.CustomKeyStoreId)
		}
		if strings.Join(got, ",") != strings.Join(ids, ",") || out.Truncated {
			t.Errorf("stores = %v (truncated %v), want %v in creation order", got, out.Truncated, ids)
		}
	})
	t.Run("by name", func(t *testing.T) {
		name := aws.ToString(e.describe(ids[1]).CustomKeyStoreName)
		out, err := e.kms.DescribeCustomKeyStores(e.ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreName: aws.String(name)})
		wantCode(t, err, "")
		if len(out.CustomKeyStores) != 1 || *out.CustomKeyStores[0].CustomKeyStoreId != ids[1] {
			t.Errorf("by name %s: %+v", name, out.CustomKeyStores)
		}
	})
	errorCases := []struct {
		cond string
		in   *kms.DescribeCustomKeyStoresInput
		cli  *kms.Client
		want string
	}{
		{"DescribeCustomKeyStores.02", &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String("cks-0123456789abcdef0")}, e.kms, "CustomKeyStoreNotFoundException"},
		{"DescribeCustomKeyStores.02 another account's store", &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: otherOut.CustomKeyStoreId}, e.kms, "CustomKeyStoreNotFoundException"},
		{"DescribeCustomKeyStores.03", &kms.DescribeCustomKeyStoresInput{CustomKeyStoreName: aws.String("no-such-store")}, e.kms, "CustomKeyStoreNotFoundException"},
		{"DescribeCustomKeyStores.04", &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(ids[0]), CustomKeyStoreName: aws.String("x")}, e.kms, "ValidationException"},
		{"DescribeCustomKeyStores.05", &kms.DescribeCustomKeyStoresInput{Marker: aws.String("not-a-marker")}, e.kms, "InvalidMarkerException"},
		{"DescribeCustomKeyStores.05 forged", &kms.DescribeCustomKeyStoresInput{Marker: aws.String("a2Ntc2NvbmZvcm0tY2tzLXYxOnh4eDpja3MteA")}, e.kms, "InvalidMarkerException"},
	}
	for _, tc := range errorCases {
		t.Run(tc.cond, func(t *testing.T) {
			_, err := tc.cli.DescribeCustomKeyStores(e.ctx, tc.in)
			wantCode(t, err, tc.want)
		})
	}
	t.Run("DescribeCustomKeyStores.06 paging", func(t *testing.T) {
		var got []string
		var marker *string
		for page := 0; ; page++ {
			out, err := e.kms.DescribeCustomKeyStores(e.ctx, &kms.DescribeCustomKeyStoresInput{Limit: aws.Int32(3), Marker: marker})
			wantCode(t, err, "")
			if len(out.CustomKeyStores) > 3 {
				t.Fatalf("page %d has %d stores, more than Limit", page, len(out.CustomKeyStores))
			}
			for _, s := range out.CustomKeyStores {
				got = append(got, *s.CustomKeyStoreId)
			}
			if !out.Truncated {
				if out.NextMarker != nil {
					t.Errorf("last page has NextMarker %q", *out.NextMarker)
				}
				break
			}
			if out.NextMarker == nil {
				t.Fatal("Truncated without NextMarker")
			}
			marker = out.NextMarker
		}
		if strings.Join(got, ",") != strings.Join(ids, ",") {
			t.Errorf("paged stores = %v, want %v", got, ids)
		}
	})
	t.Run("paging survives deletion of the marker's store", func(t *testing.T) {
		out, err := e.kms.DescribeCustomKeyStores(e.ctx, &kms.DescribeCustomKeyStoresInput{Limit: aws.Int32(1)})
		wantCode(t, err, "")
		extra, _ := e.hsmStore()
		_, err = e.kms.DeleteCustomKeyStore(e.ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(ids[0])})
		wantCode(t, err, "")
		next, err := e.kms.DescribeCustomKeyStores(e.ctx, &kms.DescribeCustomKeyStoresInput{Marker: out.NextMarker})
		wantCode(t, err, "")
		if len(next.CustomKeyStores) != len(ids) || *next.CustomKeyStores[0].CustomKeyStoreId != ids[1] || *next.CustomKeyStores[len(ids)-1].CustomKeyStoreId != extra {
			t.Errorf("after the marker: %d stores, first %s", len(next.CustomKeyStores), *next.CustomKeyStores[0].CustomKeyStoreId)
		}
	})
	t.Run("the XKS secret is never shown", func(t *testing.T) {
		_, body := rawKMS(t, e.url, "DescribeCustomKeyStores", `{"CustomKeyStoreId":"`+xksID+`"}`)
		if strings.Contains(body, proxy.Credential.RawSecretAccessKey) || strings.Contains(body, "RawSecretAccessKey") {
			t.Errorf("DescribeCustomKeyStores shows the XKS secret: %s", body)
		}
		if !strings.Contains(body, proxy.Credential.AccessKeyID) {
			t.Errorf("DescribeCustomKeyStores does not show the AccessKeyId: %s", body)
		}
	})
}

// TestConnectionErrorCodeOnlyWhenFailed checks DescribeCustomKeyStores.07 and .08.
func TestConnectionErrorCodeOnlyWhenFailed(t *testing.T) {
	e := newStoreEnv(t)
	c := e.newCluster(ClusterPatch{})
	in := cloudHSMInput(c)
	in.KeyStorePassword = aws.String("not-the-password")
	id := e.create(in)
	e.connect(id)
	failed := e.waitState(id, types.ConnectionStateTypeFailed)
	if failed.ConnectionErrorCode != types.ConnectionErrorCodeTypeInvalidCredentials {
		t.Fatalf("ConnectionErrorCode = %q, want INVALID_CREDENTIALS", failed.ConnectionErrorCode)
	}
	_, body := rawKMS(t, e.url, "DescribeCustomKeyStores", `{"CustomKeyStoreId":"`+id+`"}`)
	if strings.Contains(body, "not-the-password") || strings.Contains(body, c.KmsuserPassword) {
		t.Errorf("DescribeCustomKeyStores shows a password: %s", body)
	}
	e.hold(id)
	e.disconnect(id)
	for _, state := range []types.ConnectionStateType{types.ConnectionStateTypeDisconnecting, types.ConnectionStateTypeDisconnected} {
		if state == types.ConnectionStateTypeDisconnected {
			if _, err := e.control.ReleaseCustomKeyStore(e.ctx, testAccountID, id); err != nil {
				t.Fatal(err)
			}
		}
		e.waitState(id, state)
		if _, body := rawKMS(t, e.url, "DescribeCustomKeyStores", `{"CustomKeyStoreId":"`+id+`"}`); strings.Contains(body, "ConnectionErrorCode") {
			t.Errorf("ConnectionErrorCode present while %s: %s", state, body)
		}
	}
	if _, err := e.kms.UpdateCustomKeyStore(e.ctx, &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), KeyStorePassword: aws.String(c.KmsuserPassword)}); err != nil {
		t.Fatal(err)
	}
	e.connected(id)
	if entry := e.describe(id); entry.ConnectionErrorCode != "" {
		t.Errorf("CONNECTED store shows ConnectionErrorCode %q", entry.ConnectionErrorCode)
	}
}
