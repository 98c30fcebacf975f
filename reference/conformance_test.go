package reference

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// The tests in this file close the gaps that docs/reference-conformance.md
// lists: conditions whose error the reference produced but that no test
// showed through the aws-sdk-go-v2 client.

// keyIDOps calls each KeyId operation of the focus family through the SDK
// with keyID, filling the other required members with harmless values.
func keyIDOps(c *kms.Client) map[string]func(t *testing.T, keyID string) error {
	return map[string]func(t *testing.T, keyID string) error{
		"DeleteImportedKeyMaterial": func(t *testing.T, keyID string) error {
			_, err := c.DeleteImportedKeyMaterial(testCtx(t), &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(keyID)})
			return err
		},
		"GetParametersForImport": func(t *testing.T, keyID string) error {
			_, err := c.GetParametersForImport(testCtx(t), &kms.GetParametersForImportInput{KeyId: aws.String(keyID),
				WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256, WrappingKeySpec: types.WrappingKeySpecRsa2048})
			return err
		},
		"ImportKeyMaterial": func(t *testing.T, keyID string) error {
			_, err := c.ImportKeyMaterial(testCtx(t), &kms.ImportKeyMaterialInput{KeyId: aws.String(keyID),
				ImportToken: []byte("token"), EncryptedKeyMaterial: []byte("material"), ExpirationModel: types.ExpirationModelTypeKeyMaterialDoesNotExpire})
			return err
		},
		"ScheduleKeyDeletion": func(t *testing.T, keyID string) error {
			_, err := c.ScheduleKeyDeletion(testCtx(t), &kms.ScheduleKeyDeletionInput{KeyId: aws.String(keyID), PendingWindowInDays: aws.Int32(7)})
			return err
		},
		"CancelKeyDeletion": func(t *testing.T, keyID string) error {
			_, err := c.CancelKeyDeletion(testCtx(t), &kms.CancelKeyDeletionInput{KeyId: aws.String(keyID)})
			return err
		},
		"EnableKey": func(t *testing.T, keyID string) error {
			_, err := c.EnableKey(testCtx(t), &kms.EnableKeyInput{KeyId: aws.String(keyID)})
			return err
		},
		"DisableKey": func(t *testing.T, keyID string) error {
			_, err := c.DisableKey(testCtx(t), &kms.DisableKeyInput{KeyId: aws.String(keyID)})
			return err
		},
		"DescribeKey": func(t *testing.T, keyID string) error {
			_, err := c.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: aws.String(keyID)})
			return err
		},
	}
}

// TestKeyIDErrorsThroughSDK shows, through the SDK, the KeyId errors every
// key operation of the focus family shares: NotFoundException for a key that
// does not exist (<Op>.01), InvalidArnException for a malformed key ARN
// (<Op>.02), and the answer to a call from another account by key ARN
// (<Op>.03, "Cross-account use: No", error unnamed: AccessDeniedException),
// which leaves the key as it was.
func TestKeyIDErrorsThroughSDK(t *testing.T) {
	e := newKeysEnv(t)
	target := e.describe(t, *e.makeKey(t, kindExternalEnabled).KeyId) // accepted by every operation's origin check
	missing := keyARN(testRegion, testAccountID, "11111111-2222-3333-4444-555555555555")
	tests := []struct {
		name   string
		client *kms.Client
		keyID  string
		code   string
		msg    string
	}{
		{"unknown key ARN (.01)", e.kms, missing, "NotFoundException", "Key '" + missing + "' does not exist"},
		{"unknown key ID (.01)", e.kms, "11111111-2222-3333-4444-555555555555", "NotFoundException", "does not exist"},
		{"malformed key ARN (.02)", e.kms, "arn:aws:kms:us-east-1:111122223333:key", "InvalidArnException", ""},
		{"ARN with a short account (.02)", e.kms, "arn:aws:kms:us-east-1:1111:key/11111111-2222-3333-4444-555555555555", "InvalidArnException", ""},
		{"another account by key ARN (.03)", e.other, *target.Arn, "AccessDeniedException", "is not authorized"},
	}
	for op, call := range keyIDOps(e.kms) {
		otherCall := keyIDOps(e.other)[op]
		for _, tc := range tests {
			if op == "DescribeKey" && tc.client == e.other {
				continue // DescribeKey has no .03 line: cross-account use is allowed by key policy (DescribeKey.06)
			}
			t.Run(op+"/"+tc.name, func(t *testing.T) {
				run := call
				if tc.client == e.other {
					run = otherCall
				}
				wantError(t, run(t, tc.keyID), tc.code, tc.msg)
				d := e.describe(t, *target.KeyId)
				if d.KeyState != types.KeyStateEnabled || aws.ToString(d.CurrentKeyMaterialId) != aws.ToString(target.CurrentKeyMaterialId) {
					t.Fatalf("a refused %s changed the key: %s, material %s", op, d.KeyState, aws.ToString(d.CurrentKeyMaterialId))
				}
			})
		}
	}
}

// TestImportSameMaterialAsNew checks ImportKeyMaterial.17: importing, as new
// key material, the material the key already has is IncorrectKeyMaterialException.
func TestImportSameMaterialAsNew(t *testing.T) {
	e := newKeysEnv(t)
	m := e.makeKey(t, kindPendingImport)
	material := randomBytes(32)
	first := e.importMaterial(t, *m.KeyId, material)
	r := e.validRequest(t, *m.KeyId, material)
	_, err := e.kms.ImportKeyMaterial(testCtx(t), &kms.ImportKeyMaterialInput{KeyId: m.KeyId, ImportToken: r.token,
		EncryptedKeyMaterial: r.wrapped, ExpirationModel: r.model, ImportType: types.ImportTypeNewKeyMaterial})
	wantError(t, err, "IncorrectKeyMaterialException", "already associated")
	d := e.describe(t, *m.KeyId)
	if d.KeyState != types.KeyStateEnabled || aws.ToString(d.CurrentKeyMaterialId) != aws.ToString(first.KeyMaterialId) {
		t.Fatalf("a refused import changed the key: %s, material %s", d.KeyState, aws.ToString(d.CurrentKeyMaterialId))
	}
}

// TestCreateKeyPolicyLimits checks CreateKey.07 (a policy over the 32 KiB
// key policy quota, though within the model's 131072 characters, is
// LimitExceededException) and CreateKey.09 (a principal ARN that is not a
// valid ARN is InvalidArnException).
func TestCreateKeyPolicyLimits(t *testing.T) {
	e := newKeysEnv(t)
	// padded returns a valid policy of exactly n bytes.
	padded := func(n int) string {
		const head, tail = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]`, `}`
		return head + strings.Repeat(" ", n-len(head)-len(tail)) + tail
	}
	principal := func(p string) string {
		return `{"Statement":[{"Effect":"Allow","Principal":` + p + `,"Action":"kms:*","Resource":"*"}]}`
	}
	tests := []struct {
		name, policy, code, msg string
	}{
		{"policy of exactly 32 KiB", padded(32768), "", ""},
		{"policy one byte over 32 KiB (CreateKey.07)", padded(32769), "LimitExceededException", "32768"},
		{"policy of 131072 bytes (CreateKey.07)", padded(131072), "LimitExceededException", "32768"},
		{"principal ARN with too few parts (CreateKey.09)", principal(`{"AWS":"arn:aws:iam:111122223333"}`), "InvalidArnException", "arn:aws:iam:111122223333"},
		{"malformed ARN in a principal list (CreateKey.09)", principal(`{"AWS":["111122223333","arn::iam::111122223333:root"]}`), "InvalidArnException", "arn::iam::111122223333:root"},
		{"malformed NotPrincipal ARN (CreateKey.09)", `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:"},"Action":"kms:*","Resource":"*"}]}`, "InvalidArnException", ""},
		{"well-formed principal ARNs", principal(`{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::444455556666:role/app","111122223333","*"]}`), "", ""},
		{"service principal", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"logs.us-east-1.amazonaws.com"},"Action":"kms:Encrypt","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}]}`, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.kms.CreateKey(testCtx(t), &kms.CreateKeyInput{Policy: aws.String(tc.policy)})
			wantError(t, err, tc.code, tc.msg)
		})
	}
}

// TestCreateKeyPolicyChecks checks CreateKey.04 (a policy that would keep
// the caller from changing it later is refused unless the lockout check is
// bypassed), CreateKey.05 (a statement without a principal is refused),
// GetKeyPolicy returning the policy as given, and DescribeKey.06 (another
// account may describe a key by its ARN once the key policy allows it).
func TestCreateKeyPolicyChecks(t *testing.T) {
	e := newKeysEnv(t)
	const admin = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}`
	tests := []struct {
		name, policy string
		bypass       bool
		code, msg    string
	}{
		{"only DescribeKey for the account (CreateKey.04)", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:DescribeKey","Resource":"*"}]}`, false, "MalformedPolicyDocumentException", "update the key policy"},
		{"lockout bypassed (CreateKey.04)", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:DescribeKey","Resource":"*"}]}`, true, "", ""},
		{"another account only (CreateKey.04)", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"kms:*","Resource":"*"}]}`, false, "MalformedPolicyDocumentException", "update the key policy"},
		{"PutKeyPolicy through a wildcard", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["kms:Describe*","kms:Put*"],"Resource":"*"}]}`, false, "", ""},
		{"statement without a principal (CreateKey.05)", `{"Statement":[` + admin + `,{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`, false, "MalformedPolicyDocumentException", "names no principal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.kms.CreateKey(testCtx(t), &kms.CreateKeyInput{Policy: aws.String(tc.policy), BypassPolicyLockoutSafetyCheck: tc.bypass})
			wantError(t, err, tc.code, tc.msg)
			if err != nil {
				return
			}
			got, err := e.kms.GetKeyPolicy(testCtx(t), &kms.GetKeyPolicyInput{KeyId: out.KeyMetadata.KeyId, PolicyName: aws.String("default")})
			if err != nil || aws.ToString(got.Policy) != tc.policy {
				t.Fatalf("GetKeyPolicy = %q, %v; want the policy given", aws.ToString(got.Policy), err)
			}
		})
	}

	shared, err := e.kms.CreateKey(testCtx(t), &kms.CreateKeyInput{Policy: aws.String(`{"Statement":[` + admin + `,{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:DescribeKey","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	md, err := e.other.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: shared.KeyMetadata.Arn})
	if err != nil || aws.ToString(md.KeyMetadata.KeyId) != aws.ToString(shared.KeyMetadata.KeyId) {
		t.Fatalf("DescribeKey by key ARN from the other account: %v", err)
	}
	_, err = e.other.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: shared.KeyMetadata.KeyId})
	wantError(t, err, "NotFoundException", "")
	_, err = e.other.DisableKey(testCtx(t), &kms.DisableKeyInput{KeyId: shared.KeyMetadata.Arn})
	wantError(t, err, "AccessDeniedException", "")
}

// TestUpdateCustomKeyStoreProxyChecks shows the external key store errors of
// UpdateCustomKeyStore that TestUpdateCustomKeyStore leaves out: the
// connectivity rules (.19), the Region-wide uniqueness rules (.26-.28), the
// VPC endpoint service checks (.29, .30) and the proxy's answers (.32, .34,
// .35). A refused update changes nothing.
func TestUpdateCustomKeyStoreProxyChecks(t *testing.T) {
	uniqueService := func() string { return "com.amazonaws.vpce.us-east-1.vpce-svc-" + randomHex(17) }
	credentialOf := func(p XksProxy) *types.XksProxyAuthenticationCredentialType {
		return &types.XksProxyAuthenticationCredentialType{AccessKeyId: aws.String(p.Credential.AccessKeyID), RawSecretAccessKey: aws.String(p.Credential.RawSecretAccessKey)}
	}
	// moveTo is an update of a public store to the proxy made by patch.
	moveTo := func(patch XksProxyPatch) func(e *storeEnv, id string) *kms.UpdateCustomKeyStoreInput {
		return func(e *storeEnv, id string) *kms.UpdateCustomKeyStoreInput {
			p := e.newProxy(patch)
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyUriEndpoint: aws.String(p.URIEndpoint), XksProxyAuthenticationCredential: credentialOf(p)}
		}
	}
	tests := []struct {
		cond   string
		vpc    bool // the store under test has VPC_ENDPOINT_SERVICE connectivity
		update func(e *storeEnv, id string) *kms.UpdateCustomKeyStoreInput
		want   string
	}{
		{"UpdateCustomKeyStore.19 to PUBLIC_ENDPOINT without a new endpoint", true, func(e *storeEnv, id string) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyConnectivity: types.XksProxyConnectivityTypePublicEndpoint}
		}, "ValidationException"},
		{"UpdateCustomKeyStore.19 to PUBLIC_ENDPOINT keeping the service name", true, func(e *storeEnv, id string) *kms.UpdateCustomKeyStoreInput {
			p := e.newProxy(XksProxyPatch{})
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyConnectivity: types.XksProxyConnectivityTypePublicEndpoint,
				XksProxyUriEndpoint: aws.String(p.URIEndpoint), XksProxyVpcEndpointServiceName: e.describe(id).XksProxyConfiguration.VpcEndpointServiceName}
		}, "ValidationException"},
		{"UpdateCustomKeyStore.26", false, func(e *storeEnv, id string) *kms.UpdateCustomKeyStoreInput {
			vp := e.newProxy(vpcProxyPatch(uniqueService()))
			if _, err := e.other.CreateCustomKeyStore(e.ctx, xksInput(vp)); err != nil { // a VPC store of another account, same Region
				e.t.Fatalf("CreateCustomKeyStore (VPC, other account): %v", err)
			}
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyUriEndpoint: aws.String(vp.URIEndpoint)}
		}, "XksProxyUriEndpointInUseException"},
		{"UpdateCustomKeyStore.27", true, func(e *storeEnv, id string) *kms.UpdateCustomKeyStoreInput {
			vp := e.newProxy(vpcProxyPatch(uniqueService()))
			e.create(xksInput(vp)) // another VPC store of this account
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyUriEndpoint: aws.String(vp.URIEndpoint), XksProxyUriPath: aws.String("/other/kms/xks/v1")}
		}, "XksProxyUriEndpointInUseException"},
		{"UpdateCustomKeyStore.28", true, func(e *storeEnv, id string) *kms.UpdateCustomKeyStoreInput {
			vp := e.newProxy(vpcProxyPatch(uniqueService()))
			if _, err := e.other.CreateCustomKeyStore(e.ctx, xksInput(vp)); err != nil {
				e.t.Fatalf("CreateCustomKeyStore (VPC, other account): %v", err)
			}
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyVpcEndpointServiceName: aws.String(vp.VpcEndpointServiceName)}
		}, "XksProxyVpcEndpointServiceInUseException"},
		{"UpdateCustomKeyStore.29", true, func(e *storeEnv, id string) *kms.UpdateCustomKeyStoreInput {
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyVpcEndpointServiceName: aws.String(uniqueService())}
		}, "XksProxyVpcEndpointServiceNotFoundException"},
		{"UpdateCustomKeyStore.30", true, func(e *storeEnv, id string) *kms.UpdateCustomKeyStoreInput {
			patch := vpcProxyPatch(uniqueService())
			patch.VpcEndpointServiceValid = aws.Bool(false)
			vp := e.newProxy(patch)
			return &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: aws.String(id), XksProxyVpcEndpointServiceName: aws.String(vp.VpcEndpointServiceName),
				XksProxyUriEndpoint: aws.String(vp.URIEndpoint), XksProxyAuthenticationCredential: credentialOf(vp)}
		}, "XksProxyVpcEndpointServiceInvalidConfigurationException"},
		{"UpdateCustomKeyStore.32", false, moveTo(XksProxyPatch{EKMAvailable: aws.Bool(false)}), "XksProxyUriUnreachableException"},
		{"UpdateCustomKeyStore.34", false, moveTo(XksProxyPatch{AnswersValidly: aws.Bool(false)}), "XksProxyInvalidResponseException"},
		{"UpdateCustomKeyStore.35", false, moveTo(XksProxyPatch{ConfigurationValid: aws.Bool(false)}), "XksProxyInvalidConfigurationException"},
		{"a healthy replacement proxy", false, moveTo(XksProxyPatch{}), ""},
	}
	e := newStoreEnv(t)
	for _, tc := range tests {
		t.Run(tc.cond, func(t *testing.T) {
			e := *e
			e.t = t
			var id string
			if tc.vpc {
				id = e.create(xksInput(e.newProxy(vpcProxyPatch(uniqueService()))))
			} else {
				id, _ = e.xksStore()
			}
			before := e.describe(id)
			_, err := e.kms.UpdateCustomKeyStore(e.ctx, tc.update(&e, id))
			wantCode(t, err, tc.want)
			after := e.describe(id)
			if tc.want == "" {
				if *after.XksProxyConfiguration.UriEndpoint == *before.XksProxyConfiguration.UriEndpoint {
					t.Error("the update did not change the endpoint")
				}
				return
			}
			if b, a := before.XksProxyConfiguration, after.XksProxyConfiguration; *a.UriEndpoint != *b.UriEndpoint || *a.UriPath != *b.UriPath ||
				a.Connectivity != b.Connectivity || aws.ToString(a.VpcEndpointServiceName) != aws.ToString(b.VpcEndpointServiceName) ||
				aws.ToString(a.AccessKeyId) != aws.ToString(b.AccessKeyId) {
				t.Errorf("a refused update changed the store: %+v -> %+v", b, a)
			}
		})
	}
}

// TestCreateKeyNewerEnumValues checks the part E.7 choice: KeySpec and
// KeyUsage values newer than the model snapshot are accepted, not refused as
// enum violations.
func TestCreateKeyNewerEnumValues(t *testing.T) {
	e := newKeysEnv(t)
	for _, spec := range []types.KeySpec{"ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"} {
		t.Run(string(spec), func(t *testing.T) {
			m := e.createKey(t, &kms.CreateKeyInput{KeySpec: spec, KeyUsage: "ENCAPSULATE_DECAPSULATE"})
			if d := e.describe(t, *m.KeyId); d.KeySpec != spec || d.KeyUsage != "ENCAPSULATE_DECAPSULATE" || d.KeyState != types.KeyStateEnabled {
				t.Fatalf("DescribeKey = %s / %s / %s", d.KeySpec, d.KeyUsage, d.KeyState)
			}
		})
	}
}
