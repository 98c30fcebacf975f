package reference

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func TestCreateKeyDefaults(t *testing.T) {
	e := newKeysEnv(t)
	before := e.svc.Clock().Now().Truncate(time.Second)
	m := e.createKey(t, nil)
	switch {
	case m.KeySpec != types.KeySpecSymmetricDefault, m.KeyUsage != types.KeyUsageTypeEncryptDecrypt,
		m.Origin != types.OriginTypeAwsKms, m.KeyState != types.KeyStateEnabled, !m.Enabled,
		m.KeyManager != types.KeyManagerTypeCustomer, aws.ToBool(m.MultiRegion),
		aws.ToString(m.AWSAccountId) != testAccountID, aws.ToString(m.Description) != "":
		t.Fatalf("CreateKey with no parameters (CreateKey.01) gave %+v", m)
	}
	if want := "arn:aws:kms:us-east-1:111122223333:key/" + *m.KeyId; aws.ToString(m.Arn) != want {
		t.Fatalf("Arn = %s, want %s", aws.ToString(m.Arn), want)
	}
	if !looksLikeKeyID(*m.KeyId) || strings.HasPrefix(*m.KeyId, "mrk-") {
		t.Fatalf("KeyId %q is not a single-Region key ID", *m.KeyId)
	}
	if m.CreationDate == nil || m.CreationDate.Before(before) {
		t.Fatalf("CreationDate = %v, want at or after %v", m.CreationDate, before)
	}
	if !slices.Equal(m.EncryptionAlgorithms, []types.EncryptionAlgorithmSpec{types.EncryptionAlgorithmSpecSymmetricDefault}) {
		t.Fatalf("EncryptionAlgorithms = %v", m.EncryptionAlgorithms)
	}
	if len(aws.ToString(m.CurrentKeyMaterialId)) != 64 {
		t.Fatalf("CurrentKeyMaterialId = %q, want 64 hex characters", aws.ToString(m.CurrentKeyMaterialId))
	}
	if got := e.describe(t, *m.KeyId); got.KeyState != types.KeyStateEnabled || aws.ToString(got.Arn) != aws.ToString(m.Arn) {
		t.Fatalf("DescribeKey after CreateKey = %+v", got)
	}
}

func TestCreateKeyVariants(t *testing.T) {
	e := newKeysEnv(t)
	tests := []struct {
		name  string
		in    kms.CreateKeyInput
		check func(t *testing.T, m *types.KeyMetadata)
	}{
		{"EXTERNAL is PendingImport (CreateKey.02)", kms.CreateKeyInput{Origin: types.OriginTypeExternal}, func(t *testing.T, m *types.KeyMetadata) {
			if m.KeyState != types.KeyStatePendingImport || m.Enabled || m.Origin != types.OriginTypeExternal || m.CurrentKeyMaterialId != nil {
				t.Fatalf("got %+v", m)
			}
		}},
		{"description and policy", kms.CreateKeyInput{Description: aws.String("for tests"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}]}`)}, func(t *testing.T, m *types.KeyMetadata) {
			if aws.ToString(m.Description) != "for tests" {
				t.Fatalf("Description = %q", aws.ToString(m.Description))
			}
		}},
		{"policy statement without Resource still succeeds (CreateKey.06)", kms.CreateKeyInput{Policy: aws.String(`{"Statement":{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt"}}`), BypassPolicyLockoutSafetyCheck: true}, func(t *testing.T, m *types.KeyMetadata) {}},
		{"RSA signing key", kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeSignVerify}, func(t *testing.T, m *types.KeyMetadata) {
			if m.KeySpec != types.KeySpecRsa2048 || !slices.Contains(m.SigningAlgorithms, types.SigningAlgorithmSpecRsassaPssSha256) || m.EncryptionAlgorithms != nil {
				t.Fatalf("got %+v", m)
			}
		}},
		{"HMAC key", kms.CreateKeyInput{KeySpec: types.KeySpecHmac384, KeyUsage: types.KeyUsageTypeGenerateVerifyMac}, func(t *testing.T, m *types.KeyMetadata) {
			if !slices.Equal(m.MacAlgorithms, []types.MacAlgorithmSpec{types.MacAlgorithmSpecHmacSha384}) {
				t.Fatalf("MacAlgorithms = %v", m.MacAlgorithms)
			}
		}},
		{"ECC key agreement", kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP384, KeyUsage: types.KeyUsageTypeKeyAgreement}, func(t *testing.T, m *types.KeyMetadata) {
			if !slices.Equal(m.KeyAgreementAlgorithms, []types.KeyAgreementAlgorithmSpec{types.KeyAgreementAlgorithmSpecEcdh}) {
				t.Fatalf("KeyAgreementAlgorithms = %v", m.KeyAgreementAlgorithms)
			}
		}},
		{"CustomerMasterKeySpec is a synonym of KeySpec (CreateKey.16)", kms.CreateKeyInput{CustomerMasterKeySpec: types.CustomerMasterKeySpecEccNistP256, KeyUsage: types.KeyUsageTypeSignVerify}, func(t *testing.T, m *types.KeyMetadata) {
			if m.KeySpec != types.KeySpecEccNistP256 || m.CustomerMasterKeySpec != types.CustomerMasterKeySpecEccNistP256 {
				t.Fatalf("got %+v", m)
			}
		}},
		{"multi-Region primary", kms.CreateKeyInput{MultiRegion: aws.Bool(true)}, func(t *testing.T, m *types.KeyMetadata) {
			if !strings.HasPrefix(*m.KeyId, "mrk-") || !aws.ToBool(m.MultiRegion) || m.MultiRegionConfiguration == nil ||
				m.MultiRegionConfiguration.MultiRegionKeyType != types.MultiRegionKeyTypePrimary {
				t.Fatalf("got %+v", m)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := e.createKey(t, &tc.in)
			tc.check(t, m)
			tc.check(t, e.describe(t, *m.KeyId))
		})
	}
}

func TestCreateKeyErrors(t *testing.T) {
	e := newKeysEnv(t)
	tooManyTags := make([]types.Tag, 51)
	for i := range tooManyTags {
		tooManyTags[i] = types.Tag{TagKey: aws.String(fmt.Sprint("k", i)), TagValue: aws.String("v")}
	}
	tests := []struct {
		name     string
		in       kms.CreateKeyInput
		code     string
		msg      string
		wantNone bool
	}{
		{"policy not JSON (CreateKey.03)", kms.CreateKeyInput{Policy: aws.String("{not json")}, "MalformedPolicyDocumentException", "", true},
		{"policy without statements", kms.CreateKeyInput{Policy: aws.String(`{"Version":"2012-10-17"}`)}, "MalformedPolicyDocumentException", "Statement", true},
		{"policy statement without Effect", kms.CreateKeyInput{Policy: aws.String(`{"Statement":[{"Action":"kms:*"}]}`)}, "MalformedPolicyDocumentException", "Effect", true},
		{"policy too long (V82)", kms.CreateKeyInput{Policy: aws.String(`{"Statement":[]` + strings.Repeat(" ", 131072) + "}")}, "ValidationException", "at 'policy' failed to satisfy constraint: Member must have length less than or equal to 131072", true},
		{"policy outside the pattern (V83)", kms.CreateKeyInput{Policy: aws.String(`{"Sid":"é✓"}`)}, "ValidationException", "at 'policy' failed to satisfy constraint: Member must satisfy regular expression pattern", true},
		{"description too long (V84)", kms.CreateKeyInput{Description: aws.String(strings.Repeat("d", 8193))}, "ValidationException", "at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192", true},
		{"KeyUsage not in the enum (V85)", kms.CreateKeyInput{KeyUsage: "NOPE"}, "ValidationException", "Value 'NOPE' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set", true},
		{"KeySpec not in the enum (V87)", kms.CreateKeyInput{KeySpec: "AES_256"}, "ValidationException", "at 'keySpec'", true},
		{"Origin not in the enum (V88)", kms.CreateKeyInput{Origin: "IMPORTED"}, "ValidationException", "at 'origin'", true},
		{"two violations are both reported", kms.CreateKeyInput{Origin: "X", KeySpec: "Y"}, "ValidationException", "2 validation errors detected", true},
		{"KeySpec and CustomerMasterKeySpec", kms.CreateKeyInput{KeySpec: types.KeySpecSymmetricDefault, CustomerMasterKeySpec: types.CustomerMasterKeySpecSymmetricDefault}, "ValidationException", "KeySpec", true},
		{"KeyUsage omitted for an asymmetric key (CreateKey.13)", kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048}, "ValidationException", "You must specify a KeyUsage value", true},
		{"KeyUsage not valid for the KeySpec (CreateKey.14)", kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeEncryptDecrypt}, "ValidationException", "not compatible", true},
		{"SYMMETRIC_DEFAULT for signing (CreateKey.14)", kms.CreateKeyInput{KeyUsage: types.KeyUsageTypeSignVerify}, "ValidationException", "not compatible", true},
		{"SM2 outside China (CreateKey.15)", kms.CreateKeyInput{KeySpec: types.KeySpecSm2, KeyUsage: types.KeyUsageTypeSignVerify}, "UnsupportedOperationException", "China", true},
		{"AWS_CLOUDHSM without CustomKeyStoreId (CreateKey.17)", kms.CreateKeyInput{Origin: types.OriginTypeAwsCloudhsm}, "ValidationException", "CustomKeyStoreId is required", true},
		{"EXTERNAL_KEY_STORE without CustomKeyStoreId (CreateKey.18)", kms.CreateKeyInput{Origin: types.OriginTypeExternalKeyStore, XksKeyId: aws.String("k1")}, "ValidationException", "CustomKeyStoreId is required", true},
		{"EXTERNAL_KEY_STORE without XksKeyId (CreateKey.19)", kms.CreateKeyInput{Origin: types.OriginTypeExternalKeyStore, CustomKeyStoreId: aws.String("cks-1234567890abcdef0")}, "ValidationException", "XksKeyId is required", true},
		{"XksKeyId with another Origin (CreateKey.20)", kms.CreateKeyInput{XksKeyId: aws.String("k1")}, "ValidationException", "XksKeyId is valid only", true},
		{"CustomKeyStoreId with Origin AWS_KMS", kms.CreateKeyInput{CustomKeyStoreId: aws.String("cks-1234567890abcdef0")}, "ValidationException", "CustomKeyStoreId is valid only", true},
		{"custom key store and asymmetric KeySpec (CreateKey.21)", kms.CreateKeyInput{Origin: types.OriginTypeAwsCloudhsm, CustomKeyStoreId: aws.String("cks-1234567890abcdef0"), KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeSignVerify}, "UnsupportedOperationException", "SYMMETRIC_DEFAULT", true},
		{"custom key store and MultiRegion (CreateKey.22)", kms.CreateKeyInput{Origin: types.OriginTypeAwsCloudhsm, CustomKeyStoreId: aws.String("cks-1234567890abcdef0"), MultiRegion: aws.Bool(true)}, "UnsupportedOperationException", "Multi-Region", true},
		{"custom key store that does not exist (CreateKey.23)", kms.CreateKeyInput{Origin: types.OriginTypeAwsCloudhsm, CustomKeyStoreId: aws.String("cks-1234567890abcdef0")}, "CustomKeyStoreNotFoundException", "", true},
		{"EXTERNAL with an ML-KEM KeySpec (CreateKey.33)", kms.CreateKeyInput{Origin: types.OriginTypeExternal, KeySpec: types.KeySpecMlKem768, KeyUsage: types.KeyUsageTypeEncapsulateDecapsulate}, "UnsupportedOperationException", "KeySpec ML_KEM_768", true},
		{"CustomKeyStoreId too long (V89)", kms.CreateKeyInput{Origin: types.OriginTypeAwsCloudhsm, CustomKeyStoreId: aws.String(strings.Repeat("c", 65))}, "ValidationException", "at 'customKeyStoreId'", true},
		{"XksKeyId outside the pattern (V95)", kms.CreateKeyInput{Origin: types.OriginTypeExternalKeyStore, CustomKeyStoreId: aws.String("cks-1"), XksKeyId: aws.String("bad key")}, "ValidationException", "at 'xksKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern", true},
		{"duplicate tag keys (CreateKey.11)", kms.CreateKeyInput{Tags: []types.Tag{{TagKey: aws.String("a"), TagValue: aws.String("1")}, {TagKey: aws.String("a"), TagValue: aws.String("2")}}}, "TagException", "Duplicate tag keys", true},
		{"reserved tag prefix (CreateKey.10)", kms.CreateKeyInput{Tags: []types.Tag{{TagKey: aws.String("aws:owner"), TagValue: aws.String("x")}}}, "TagException", "Tags beginning with aws: are reserved", true},
		{"tag key too long (V91)", kms.CreateKeyInput{Tags: []types.Tag{{TagKey: aws.String(strings.Repeat("k", 129)), TagValue: aws.String("x")}}}, "ValidationException", "at 'tags.1.member.tagKey'", true},
		{"tag value too long (V93)", kms.CreateKeyInput{Tags: []types.Tag{{TagKey: aws.String("k"), TagValue: aws.String(strings.Repeat("v", 257))}}}, "ValidationException", "at 'tags.1.member.tagValue'", true},
		{"more than 50 tags (CreateKey.10)", kms.CreateKeyInput{Tags: tooManyTags}, "TagException", "Too many tags", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.kms.CreateKey(testCtx(t), &tc.in)
			wantError(t, err, tc.code, tc.msg)
		})
	}
	out, err := e.kms.ListKeys(testCtx(t), &kms.ListKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Keys) != 0 {
		t.Fatalf("failed CreateKey calls left %d keys behind", len(out.Keys))
	}
}

func TestCreateKeyMissingTagMembers(t *testing.T) {
	e := newKeysEnv(t)
	wantRaw(t, e.url, "CreateKey", `{"Tags":[{"TagKey":"a"}]}`, "ValidationException",
		"1 validation error detected: Value null at 'tags.1.member.tagValue' failed to satisfy constraint: Member must not be null")
	wantRaw(t, e.url, "CreateKey", `{"Tags":[{"TagValue":"a"}]}`, "ValidationException", "Value null at 'tags.1.member.tagKey'")
	wantRaw(t, e.url, "CreateKey", `{"MultiRegion":"yes"}`, "SerializationException", "MultiRegion")
}

func TestDescribeKeyForms(t *testing.T) {
	e := newKeysEnv(t)
	m := e.createKey(t, nil)
	if _, err := e.kms.CreateAlias(testCtx(t), &kms.CreateAliasInput{AliasName: aws.String("alias/describe-me"), TargetKeyId: m.KeyId}); err != nil {
		t.Fatal(err)
	}
	missing := "11111111-2222-3333-4444-555555555555"
	tests := []struct {
		name   string
		client *kms.Client
		keyID  string
		code   string
		msg    string
	}{
		{"key ID (DescribeKey.02)", e.kms, *m.KeyId, "", ""},
		{"key ARN", e.kms, *m.Arn, "", ""},
		{"alias name", e.kms, "alias/describe-me", "", ""},
		{"alias ARN", e.kms, "arn:aws:kms:us-east-1:111122223333:alias/describe-me", "", ""},
		{"unknown key ID (DescribeKey.03)", e.kms, missing, "NotFoundException", "Key 'arn:aws:kms:us-east-1:111122223333:key/" + missing + "' does not exist"},
		{"unknown key ARN", e.kms, "arn:aws:kms:us-east-1:111122223333:key/" + missing, "NotFoundException", "does not exist"},
		{"not a key ID", e.kms, "fake-key-id", "NotFoundException", "Invalid keyId 'fake-key-id'"},
		{"unknown alias (DescribeKey.04)", e.kms, "alias/nope", "NotFoundException", "alias/nope"},
		{"unknown alias ARN", e.kms, "arn:aws:kms:us-east-1:111122223333:alias/nope", "NotFoundException", ""},
		{"malformed ARN (DescribeKey.05)", e.kms, "arn:aws:kms:us-east-1:1111:key/x", "InvalidArnException", ""},
		{"ARN of another Region", e.kms, "arn:aws:kms:eu-west-1:111122223333:key/" + *m.KeyId, "NotFoundException", "Invalid arn eu-west-1"},
		{"alias ARN of another Region", e.kms, "arn:aws:kms:eu-west-1:111122223333:alias/describe-me", "NotFoundException", "Invalid arn eu-west-1"},
		{"ARN of another partition", e.kms, "arn:aws-cn:kms:us-east-1:111122223333:key/" + *m.KeyId, "NotFoundException", "does not exist"},
		{"other account by key ID", e.other, *m.KeyId, "NotFoundException", ""},
		{"other account by key ARN (DescribeKey.06)", e.other, *m.Arn, "AccessDeniedException", ""},
		{"empty KeyId (V97)", e.kms, "", "ValidationException", "Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"KeyId too long (V97)", e.kms, strings.Repeat("k", 2049), "ValidationException", "Member must have length less than or equal to 2048"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.client.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: aws.String(tc.keyID)})
			wantError(t, err, tc.code, tc.msg)
			if err == nil && aws.ToString(out.KeyMetadata.KeyId) != *m.KeyId {
				t.Fatalf("DescribeKey(%s) described %s, want %s", tc.keyID, aws.ToString(out.KeyMetadata.KeyId), *m.KeyId)
			}
		})
	}
	wantRaw(t, e.url, "DescribeKey", `{}`, "ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null")
	wantRaw(t, e.url, "DescribeKey", `{"KeyId":7}`, "SerializationException", "")
	_, err := e.kms.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: m.KeyId, GrantTokens: slices.Repeat([]string{"g"}, 11)})
	wantError(t, err, "ValidationException", "at 'grantTokens'")
}

func TestListKeysPaging(t *testing.T) {
	e := newKeysEnv(t)
	var want []string
	for range 5 {
		want = append(want, *e.createKey(t, nil).KeyId)
	}
	e.scheduleDeletion(t, want[0]) // pending deletion keys are still listed
	slices.Sort(want)
	var got []string
	var marker *string
	for pages := 0; ; pages++ {
		out, err := e.kms.ListKeys(testCtx(t), &kms.ListKeysInput{Limit: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range out.Keys {
			if aws.ToString(k.KeyArn) != keyARN(testRegion, testAccountID, *k.KeyId) {
				t.Fatalf("KeyArn = %s for %s", aws.ToString(k.KeyArn), *k.KeyId)
			}
			got = append(got, *k.KeyId)
		}
		if out.Truncated != (out.NextMarker != nil) {
			t.Fatalf("Truncated = %v with NextMarker %v", out.Truncated, out.NextMarker)
		}
		if !out.Truncated {
			break
		}
		if pages > 5 {
			t.Fatal("ListKeys never stops")
		}
		marker = out.NextMarker
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ListKeys pages = %v, want %v", got, want)
	}
	other, err := e.other.ListKeys(testCtx(t), &kms.ListKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(other.Keys) != 0 {
		t.Fatalf("the other account sees %d keys", len(other.Keys))
	}
	_, err = e.kms.ListKeys(testCtx(t), &kms.ListKeysInput{Marker: aws.String("garbage")})
	wantError(t, err, "InvalidMarkerException", "")
	_, err = e.kms.ListKeys(testCtx(t), &kms.ListKeysInput{Limit: aws.Int32(0)})
	wantError(t, err, "ValidationException", "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = e.kms.ListKeys(testCtx(t), &kms.ListKeysInput{Limit: aws.Int32(1001)})
	wantError(t, err, "ValidationException", "less than or equal to 1000")
}

// TestKeyLifecycleStates drives EnableKey, DisableKey, ScheduleKeyDeletion,
// CancelKeyDeletion, DescribeKey and TagResource through every reachable key
// state and checks each result against the key-state table, then checks the
// state afterwards through DescribeKey. Creating and Updating cannot occur in
// the reference (no multi-Region replicas).
func TestKeyLifecycleStates(t *testing.T) {
	e := newKeysEnv(t)
	type call func(keyID string) error
	ops := map[string]call{
		"EnableKey": func(id string) error {
			_, err := e.kms.EnableKey(testCtx(t), &kms.EnableKeyInput{KeyId: aws.String(id)})
			return err
		},
		"DisableKey": func(id string) error {
			_, err := e.kms.DisableKey(testCtx(t), &kms.DisableKeyInput{KeyId: aws.String(id)})
			return err
		},
		"ScheduleKeyDeletion": func(id string) error {
			_, err := e.kms.ScheduleKeyDeletion(testCtx(t), &kms.ScheduleKeyDeletionInput{KeyId: aws.String(id)})
			return err
		},
		"CancelKeyDeletion": func(id string) error {
			_, err := e.kms.CancelKeyDeletion(testCtx(t), &kms.CancelKeyDeletionInput{KeyId: aws.String(id)})
			return err
		},
		"DescribeKey": func(id string) error {
			_, err := e.kms.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: aws.String(id)})
			return err
		},
		"TagResource": func(id string) error {
			_, err := e.kms.TagResource(testCtx(t), &kms.TagResourceInput{KeyId: aws.String(id), Tags: []types.Tag{{TagKey: aws.String("a"), TagValue: aws.String("b")}}})
			return err
		},
	}
	tests := []struct {
		op    string
		kind  keyKind
		code  string
		msg   string
		after types.KeyState
	}{
		{"EnableKey", kindEnabled, "", "", types.KeyStateEnabled},                                                                       // EnableKey.05
		{"EnableKey", kindDisabled, "", "", types.KeyStateEnabled},                                                                      // EnableKey.04
		{"EnableKey", kindPendingDeletion, "KMSInvalidStateException", "is pending deletion.", types.KeyStatePendingDeletion},           // EnableKey.06
		{"EnableKey", kindPendingImport, "KMSInvalidStateException", "is pending import.", types.KeyStatePendingImport},                 // EnableKey.07
		{"EnableKey", kindUnavailableDisabled, "", "", types.KeyStateUnavailable},                                                       // EnableKey.08
		{"DisableKey", kindEnabled, "", "", types.KeyStateDisabled},                                                                     // DisableKey.04
		{"DisableKey", kindDisabled, "", "", types.KeyStateDisabled},                                                                    // DisableKey.05
		{"DisableKey", kindPendingDeletion, "KMSInvalidStateException", "is pending deletion.", types.KeyStatePendingDeletion},          // DisableKey.06
		{"DisableKey", kindPendingImport, "KMSInvalidStateException", "is pending import.", types.KeyStatePendingImport},                // DisableKey.07
		{"DisableKey", kindUnavailable, "", "", types.KeyStateUnavailable},                                                              // DisableKey.08
		{"ScheduleKeyDeletion", kindEnabled, "", "", types.KeyStatePendingDeletion},                                                     // ScheduleKeyDeletion.04
		{"ScheduleKeyDeletion", kindDisabled, "", "", types.KeyStatePendingDeletion},                                                    // .05
		{"ScheduleKeyDeletion", kindPendingImport, "", "", types.KeyStatePendingDeletion},                                               // .06
		{"ScheduleKeyDeletion", kindUnavailable, "", "", types.KeyStatePendingDeletion},                                                 // .07
		{"ScheduleKeyDeletion", kindPendingDeletion, "KMSInvalidStateException", "is pending deletion.", types.KeyStatePendingDeletion}, // .09
		{"CancelKeyDeletion", kindPendingDeletion, "", "", types.KeyStateDisabled},                                                      // CancelKeyDeletion.04
		{"CancelKeyDeletion", kindEnabled, "KMSInvalidStateException", "is not pending deletion.", types.KeyStateEnabled},               // .06
		{"CancelKeyDeletion", kindDisabled, "KMSInvalidStateException", "is not pending deletion.", types.KeyStateDisabled},             // .07
		{"CancelKeyDeletion", kindPendingImport, "KMSInvalidStateException", "is not pending deletion.", types.KeyStatePendingImport},   // .08
		{"CancelKeyDeletion", kindUnavailable, "KMSInvalidStateException", "is not pending deletion.", types.KeyStateUnavailable},       // .09
		{"DescribeKey", kindEnabled, "", "", types.KeyStateEnabled},                                                                     // DescribeKey.01
		{"DescribeKey", kindDisabled, "", "", types.KeyStateDisabled},                                                                   // DescribeKey.01
		{"DescribeKey", kindPendingDeletion, "", "", types.KeyStatePendingDeletion},                                                     // DescribeKey.01
		{"DescribeKey", kindPendingImport, "", "", types.KeyStatePendingImport},                                                         // DescribeKey.01
		{"DescribeKey", kindUnavailable, "", "", types.KeyStateUnavailable},                                                             // DescribeKey.01
		{"TagResource", kindEnabled, "", "", types.KeyStateEnabled},
		{"TagResource", kindPendingImport, "", "", types.KeyStatePendingImport},
		{"TagResource", kindUnavailable, "", "", types.KeyStateUnavailable},
		{"TagResource", kindPendingDeletion, "KMSInvalidStateException", "is pending deletion.", types.KeyStatePendingDeletion},
	}
	for _, tc := range tests {
		t.Run(tc.op+"/"+string(tc.kind), func(t *testing.T) {
			m := e.makeKey(t, tc.kind)
			err := ops[tc.op](*m.KeyId)
			wantError(t, err, tc.code, tc.msg)
			if tc.code != "" {
				wantError(t, err, tc.code, *m.Arn) // messages name the key ARN
			}
			e.wantState(t, *m.KeyId, tc.after)
		})
	}
}

// TestEnableDisableUnavailable checks footnote 12: on an Unavailable key the
// call succeeds and takes effect when the key store is connected again.
func TestEnableDisableUnavailable(t *testing.T) {
	e := newKeysEnv(t)
	disabled := e.makeKey(t, kindUnavailableDisabled)
	enabled := e.makeKey(t, kindUnavailable)
	if _, err := e.kms.EnableKey(testCtx(t), &kms.EnableKeyInput{KeyId: disabled.KeyId}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.kms.DisableKey(testCtx(t), &kms.DisableKeyInput{KeyId: enabled.KeyId}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*types.KeyMetadata{disabled, enabled} {
		d := e.describe(t, *m.KeyId)
		if d.KeyState != types.KeyStateUnavailable || d.Enabled || aws.ToString(d.CustomKeyStoreId) == "" || aws.ToString(d.CloudHsmClusterId) == "" { // DescribeKey.08
			t.Fatalf("DescribeKey of a key in a disconnected store = %+v", d)
		}
	}
	e.connectTestStore(t)
	e.wantState(t, *disabled.KeyId, types.KeyStateEnabled)
	e.wantState(t, *enabled.KeyId, types.KeyStateDisabled)
}

func TestScheduleKeyDeletionWindow(t *testing.T) {
	e := newKeysEnv(t)
	tests := []struct {
		window *int32
		code   string
		msg    string
		days   int32
	}{
		{nil, "", "", 30}, // ScheduleKeyDeletion.11
		{aws.Int32(7), "", "", 7},
		{aws.Int32(30), "", "", 30},
		{aws.Int32(19), "", "", 19},
		{aws.Int32(6), "ValidationException", "Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7", 0}, // ScheduleKeyDeletion.12
		{aws.Int32(1), "ValidationException", "greater than or equal to 7", 0},
		{aws.Int32(31), "ValidationException", "Value '31' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 30", 0},
		{aws.Int32(365), "ValidationException", "less than or equal to 30", 0},
		{aws.Int32(0), "ValidationException", "greater than or equal to 7", 0}, // V79
		{aws.Int32(366), "ValidationException", "less than or equal to 30", 0},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(aws.ToInt32(tc.window)), func(t *testing.T) {
			m := e.createKey(t, nil)
			now := e.svc.Clock().Now()
			out, err := e.kms.ScheduleKeyDeletion(testCtx(t), &kms.ScheduleKeyDeletionInput{KeyId: m.KeyId, PendingWindowInDays: tc.window})
			wantError(t, err, tc.code, tc.msg)
			if err != nil {
				e.wantState(t, *m.KeyId, types.KeyStateEnabled)
				return
			}
			want := now.Add(time.Duration(tc.days) * 24 * time.Hour)
			if aws.ToString(out.KeyId) != *m.Arn || out.KeyState != types.KeyStatePendingDeletion ||
				aws.ToInt32(out.PendingWindowInDays) != tc.days || out.DeletionDate.Sub(want).Abs() > 5*time.Second {
				t.Fatalf("ScheduleKeyDeletion = KeyId %s, KeyState %s, window %d, DeletionDate %v; want %s, PendingDeletion, %d, %v",
					aws.ToString(out.KeyId), out.KeyState, aws.ToInt32(out.PendingWindowInDays), out.DeletionDate, *m.Arn, tc.days, want)
			}
			d := e.describe(t, *m.KeyId)
			if d.KeyState != types.KeyStatePendingDeletion || d.Enabled || !d.DeletionDate.Equal(*out.DeletionDate) || d.PendingDeletionWindowInDays != nil {
				t.Fatalf("DescribeKey after ScheduleKeyDeletion = %+v", d)
			}
		})
	}
	wantRaw(t, e.url, "ScheduleKeyDeletion", `{"PendingWindowInDays":7}`, "ValidationException", "Value null at 'keyId'")
}

func TestKeyDeletedAfterWaitingPeriod(t *testing.T) {
	e := newKeysEnv(t)
	m := e.createKey(t, nil)
	if _, err := e.kms.CreateAlias(testCtx(t), &kms.CreateAliasInput{AliasName: aws.String("alias/doomed"), TargetKeyId: m.KeyId}); err != nil {
		t.Fatal(err)
	}
	e.scheduleDeletion(t, *m.KeyId)
	e.svc.Clock().Advance(7*24*time.Hour - time.Minute)
	e.wantState(t, *m.KeyId, types.KeyStatePendingDeletion)
	e.svc.Clock().Advance(2 * time.Minute)
	_, err := e.kms.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: m.KeyId})
	wantError(t, err, "NotFoundException", "does not exist")
	aliases, err := e.kms.ListAliases(testCtx(t), &kms.ListAliasesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(aliases.Aliases) != 0 {
		t.Fatalf("aliases of a deleted key remain: %+v", aliases.Aliases)
	}
}

func TestCancelKeyDeletionResponse(t *testing.T) {
	e := newKeysEnv(t)
	m := e.makeKey(t, kindPendingDeletion)
	out, err := e.kms.CancelKeyDeletion(testCtx(t), &kms.CancelKeyDeletionInput{KeyId: m.Arn})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.KeyId) != *m.Arn {
		t.Fatalf("CancelKeyDeletion KeyId = %s, want the key ARN %s", aws.ToString(out.KeyId), *m.Arn)
	}
	d := e.describe(t, *m.KeyId)
	if d.KeyState != types.KeyStateDisabled || d.DeletionDate != nil || d.PendingDeletionWindowInDays != nil {
		t.Fatalf("DescribeKey after CancelKeyDeletion = %+v", d)
	}
	// The cancelled key is no longer deleted when the old date passes.
	e.svc.Clock().Advance(8 * 24 * time.Hour)
	e.wantState(t, *m.KeyId, types.KeyStateDisabled)
}

// TestKeyOperationsCommonErrors checks the errors every KeyId operation shares:
// missing and malformed KeyId, unknown keys, alias forms where only key IDs and
// ARNs are documented, and calls from another account ("Cross-account use: No").
func TestKeyOperationsCommonErrors(t *testing.T) {
	e := newKeysEnv(t)
	m := e.createKey(t, nil)
	if _, err := e.kms.CreateAlias(testCtx(t), &kms.CreateAliasInput{AliasName: aws.String("alias/common"), TargetKeyId: m.KeyId}); err != nil {
		t.Fatal(err)
	}
	missing := "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555"
	for _, op := range []string{"EnableKey", "DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion", "GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial", "TagResource", "UntagResource", "ListResourceTags"} {
		t.Run(op, func(t *testing.T) {
			extra := map[string]string{
				"GetParametersForImport": `,"WrappingAlgorithm":"RSAES_OAEP_SHA_256","WrappingKeySpec":"RSA_2048"`,
				"ImportKeyMaterial":      `,"ImportToken":"AAAA","EncryptedKeyMaterial":"AAAA","ExpirationModel":"KEY_MATERIAL_DOES_NOT_EXPIRE"`,
				"TagResource":            `,"Tags":[{"TagKey":"a","TagValue":"b"}]`,
				"UntagResource":          `,"TagKeys":["a"]`,
			}[op]
			body := func(keyID string) string { return `{"KeyId":"` + keyID + `"` + extra + `}` }
			wantRaw(t, e.url, op, "{"+strings.TrimPrefix(extra, ",")+"}", "ValidationException", "Value null at 'keyId' failed to satisfy constraint: Member must not be null")
			wantRaw(t, e.url, op, body(""), "ValidationException", "Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1")
			wantRaw(t, e.url, op, body(missing), "NotFoundException", "Key '"+missing+"' does not exist")
			wantRaw(t, e.url, op, body("arn:aws:kms:us-east-1:111122223333:key"), "InvalidArnException", "")
			wantRaw(t, e.url, op, body("alias/common"), "NotFoundException", "")
		})
	}
	// Another account cannot use the key by key ID (it names a key in its own
	// account) nor by key ARN (the default key policy trusts only the owner).
	_, err := e.other.DisableKey(testCtx(t), &kms.DisableKeyInput{KeyId: m.KeyId})
	wantError(t, err, "NotFoundException", otherTestAccountID)
	_, err = e.other.DisableKey(testCtx(t), &kms.DisableKeyInput{KeyId: m.Arn})
	wantError(t, err, "AccessDeniedException", "")
	_, err = e.other.ScheduleKeyDeletion(testCtx(t), &kms.ScheduleKeyDeletionInput{KeyId: m.Arn})
	wantError(t, err, "AccessDeniedException", "")
	e.wantState(t, *m.KeyId, types.KeyStateEnabled)
}

func TestAliases(t *testing.T) {
	e := newKeysEnv(t)
	a, b := e.createKey(t, nil), e.createKey(t, nil)
	for _, alias := range []struct{ name, target string }{{"alias/one", *a.KeyId}, {"alias/two", *a.Arn}, {"alias/three", *b.KeyId}} {
		if _, err := e.kms.CreateAlias(testCtx(t), &kms.CreateAliasInput{AliasName: aws.String(alias.name), TargetKeyId: aws.String(alias.target)}); err != nil {
			t.Fatalf("CreateAlias %s: %v", alias.name, err)
		}
	}
	doomed := e.makeKey(t, kindPendingDeletion)
	tests := []struct {
		name, alias, target, code, msg string
	}{
		{"existing name", "alias/one", *b.KeyId, "AlreadyExistsException", "arn:aws:kms:us-east-1:111122223333:alias/one"},
		{"no alias/ prefix", "one", *b.KeyId, "ValidationException", "Alias must start with the prefix \"alias/\"."},
		{"reserved prefix", "alias/aws/s3", *b.KeyId, "InvalidAliasNameException", "reserved"},
		{"outside the pattern", "alias/with space", *b.KeyId, "ValidationException", "at 'aliasName'"},
		{"target pending deletion", "alias/late", *doomed.KeyId, "KMSInvalidStateException", "is pending deletion."},
		{"target is an alias", "alias/chain", "alias/one", "NotFoundException", ""},
		{"target does not exist", "alias/none", "11111111-2222-3333-4444-555555555555", "NotFoundException", "does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.kms.CreateAlias(testCtx(t), &kms.CreateAliasInput{AliasName: aws.String(tc.alias), TargetKeyId: aws.String(tc.target)})
			wantError(t, err, tc.code, tc.msg)
		})
	}
	list := func(keyID *string, limit *int32, marker *string) *kms.ListAliasesOutput {
		t.Helper()
		out, err := e.kms.ListAliases(testCtx(t), &kms.ListAliasesInput{KeyId: keyID, Limit: limit, Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	names := func(out *kms.ListAliasesOutput) (s []string) {
		for _, a := range out.Aliases {
			s = append(s, *a.AliasName)
		}
		return s
	}
	if got := names(list(a.KeyId, nil, nil)); !slices.Equal(got, []string{"alias/one", "alias/two"}) {
		t.Fatalf("aliases of key a = %v", got)
	}
	first := list(nil, aws.Int32(2), nil)
	if !first.Truncated || !slices.Equal(names(first), []string{"alias/one", "alias/three"}) {
		t.Fatalf("first page = %v (truncated %v)", names(first), first.Truncated)
	}
	second := list(nil, aws.Int32(2), first.NextMarker)
	if second.Truncated || !slices.Equal(names(second), []string{"alias/two"}) {
		t.Fatalf("second page = %v (truncated %v)", names(second), second.Truncated)
	}
	if e := first.Aliases[0]; aws.ToString(e.AliasArn) != "arn:aws:kms:us-east-1:111122223333:alias/one" || aws.ToString(e.TargetKeyId) != *a.KeyId {
		t.Fatalf("alias entry = %+v", e)
	}
	if _, err := e.kms.DeleteAlias(testCtx(t), &kms.DeleteAliasInput{AliasName: aws.String("alias/one")}); err != nil {
		t.Fatal(err)
	}
	_, err := e.kms.DeleteAlias(testCtx(t), &kms.DeleteAliasInput{AliasName: aws.String("alias/one")})
	wantError(t, err, "NotFoundException", "alias/one")
	_, err = e.kms.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: aws.String("alias/one")})
	wantError(t, err, "NotFoundException", "")
	if got := names(list(a.KeyId, nil, nil)); !slices.Equal(got, []string{"alias/two"}) {
		t.Fatalf("aliases of key a after DeleteAlias = %v", got)
	}
	_, err = e.kms.ListAliases(testCtx(t), &kms.ListAliasesInput{Marker: aws.String("nope")})
	wantError(t, err, "InvalidMarkerException", "")
	if other, err := e.other.ListAliases(testCtx(t), &kms.ListAliasesInput{}); err != nil || len(other.Aliases) != 0 {
		t.Fatalf("the other account lists %v, %v", other, err)
	}
}

func TestTags(t *testing.T) {
	e := newKeysEnv(t)
	m := e.createKey(t, &kms.CreateKeyInput{Tags: []types.Tag{{TagKey: aws.String("run"), TagValue: aws.String("r1")}}})
	tag := func(kv ...string) []types.Tag {
		var tags []types.Tag
		for i := 0; i < len(kv); i += 2 {
			tags = append(tags, types.Tag{TagKey: aws.String(kv[i]), TagValue: aws.String(kv[i+1])})
		}
		return tags
	}
	listTags := func() map[string]string {
		t.Helper()
		got := map[string]string{}
		var marker *string
		for {
			out, err := e.kms.ListResourceTags(testCtx(t), &kms.ListResourceTagsInput{KeyId: m.KeyId, Limit: aws.Int32(1), Marker: marker})
			if err != nil {
				t.Fatal(err)
			}
			for _, tg := range out.Tags {
				got[*tg.TagKey] = *tg.TagValue
			}
			if !out.Truncated {
				return got
			}
			marker = out.NextMarker
		}
	}
	if _, err := e.kms.TagResource(testCtx(t), &kms.TagResourceInput{KeyId: m.Arn, Tags: tag("team", "kms", "run", "r2")}); err != nil {
		t.Fatal(err)
	}
	if got := listTags(); len(got) != 2 || got["run"] != "r2" || got["team"] != "kms" {
		t.Fatalf("tags = %v", got)
	}
	if _, err := e.kms.UntagResource(testCtx(t), &kms.UntagResourceInput{KeyId: m.KeyId, TagKeys: []string{"team", "absent"}}); err != nil {
		t.Fatal(err)
	}
	if got := listTags(); len(got) != 1 || got["run"] != "r2" {
		t.Fatalf("tags after UntagResource = %v", got)
	}
	many := make([]string, 0, 100)
	for i := range 50 {
		many = append(many, fmt.Sprint("k", i), "v")
	}
	tests := []struct {
		name string
		tags []types.Tag
		code string
		msg  string
	}{
		{"reserved prefix", tag("AWS:x", "y"), "TagException", "Tags beginning with aws: are reserved"},
		{"duplicate keys", tag("a", "1", "a", "2"), "TagException", "Duplicate tag keys"},
		{"more than 50 tags in the request", tag(append(many, "k50", "v")...), "TagException", "Too many tags"},
		{"over the quota with the key's tags", tag(many...), "LimitExceededException", "50"},
		{"key too long", tag(strings.Repeat("k", 129), "v"), "ValidationException", "at 'tags.1.member.tagKey'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.kms.TagResource(testCtx(t), &kms.TagResourceInput{KeyId: m.KeyId, Tags: tc.tags})
			wantError(t, err, tc.code, tc.msg)
			if got := listTags(); len(got) != 1 {
				t.Fatalf("a failed TagResource changed the tags: %v", got)
			}
		})
	}
	wantRaw(t, e.url, "TagResource", `{"KeyId":"`+*m.KeyId+`"}`, "ValidationException", "Value null at 'tags'")
	wantRaw(t, e.url, "UntagResource", `{"KeyId":"`+*m.KeyId+`"}`, "ValidationException", "Value null at 'tagKeys'")
	_, err := e.kms.ListResourceTags(testCtx(t), &kms.ListResourceTagsInput{KeyId: m.KeyId, Limit: aws.Int32(51)})
	wantError(t, err, "ValidationException", "less than or equal to 50")
	_, err = e.other.TagResource(testCtx(t), &kms.TagResourceInput{KeyId: m.Arn, Tags: tag("x", "y")})
	wantError(t, err, "AccessDeniedException", "")
	e.scheduleDeletion(t, *m.KeyId)
	_, err = e.kms.UntagResource(testCtx(t), &kms.UntagResourceInput{KeyId: m.KeyId, TagKeys: []string{"run"}})
	wantError(t, err, "KMSInvalidStateException", "is pending deletion.")
	if got := listTags(); got["run"] != "r2" { // ListResourceTags works in every state
		t.Fatalf("tags of a key pending deletion = %v", got)
	}
}

// TestDescribeKeyPredefinedAlias checks DescribeKey.07: a predefined AWS
// alias with no key yet gets its AWS managed key on first use.
func TestDescribeKeyPredefinedAlias(t *testing.T) {
	e := newKeysEnv(t)
	first, err := e.kms.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: aws.String("alias/aws/s3")})
	if err != nil {
		t.Fatal(err)
	}
	m := first.KeyMetadata
	if m.KeyManager != types.KeyManagerTypeAws || m.KeyState != types.KeyStateEnabled || m.KeySpec != types.KeySpecSymmetricDefault {
		t.Fatalf("AWS managed key = %+v", m)
	}
	again, err := e.kms.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: aws.String("arn:aws:kms:us-east-1:111122223333:alias/aws/s3")})
	if err != nil || aws.ToString(again.KeyMetadata.KeyId) != *m.KeyId {
		t.Fatalf("second DescribeKey = %v, %v; want the same key %s", again, err, *m.KeyId)
	}
	if e.describe(t, *e.createKey(t, nil).KeyId).KeyManager != types.KeyManagerTypeCustomer {
		t.Fatal("a customer managed key is not CUSTOMER")
	}
	for _, keyID := range []string{"alias/aws/", "alias/aws/a/b", "arn:aws:kms:us-east-1:444455556666:alias/aws/ebs"} {
		_, err := e.kms.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: aws.String(keyID)})
		if code := errorCode(t, err); code != "NotFoundException" && code != "AccessDeniedException" {
			t.Fatalf("DescribeKey(%s) error = %v", keyID, err)
		}
	}
}

// TestCreateKeyQuota checks CreateKey.08 at KMS's quota of keys per account.
func TestCreateKeyQuota(t *testing.T) {
	e := newKeysEnv(t)
	e.createKey(t, nil)
	e.svc.mu.Lock()
	acct := e.svc.accountLocked(testAccountID, testRegion)
	for i := len(acct.keys); i < defaultKeyQuota; i++ {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		acct.keys[id] = &Key{ID: id, ARN: keyARN(testRegion, testAccountID, id), Account: testAccountID, State: KeyDisabled, KeySpec: symmetricDefault, KeyUsage: encryptDecrypt, Origin: OriginAWSKMS}
	}
	e.svc.mu.Unlock()
	_, err := e.kms.CreateKey(testCtx(t), &kms.CreateKeyInput{})
	wantError(t, err, "LimitExceededException", "quota of 100000")
	if _, err := e.other.CreateKey(testCtx(t), &kms.CreateKeyInput{}); err != nil {
		t.Fatalf("the quota of one account limits another: %v", err)
	}
}

// TestCreateKeyFixtureQuota checks that fixtures can lower the key quota, so
// that a scenario reaches CreateKey.08 with a few calls; keys of every state
// count, including keys pending deletion.
func TestCreateKeyFixtureQuota(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fixtures.yaml")
	if err := os.WriteFile(path, []byte("keyQuota: 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fx, err := LoadFixtures(path)
	if err != nil {
		t.Fatal(err)
	}
	_, url := startReference(t, Options{Fixtures: fx})
	e := &keysEnv{url: url, kms: kmsClient(t, url, testAccessKey), other: kmsClient(t, url, otherAccessKey)}
	e.createKey(t, nil)
	e.scheduleDeletion(t, *e.createKey(t, &kms.CreateKeyInput{Origin: types.OriginTypeExternal}).KeyId)
	_, err = e.kms.CreateKey(testCtx(t), &kms.CreateKeyInput{})
	wantError(t, err, "LimitExceededException", "quota of 2 KMS keys")
	if _, err := e.other.CreateKey(testCtx(t), &kms.CreateKeyInput{}); err != nil {
		t.Fatalf("the quota of one account limits another: %v", err)
	}
	if _, err := New(Options{Fixtures: &Fixtures{KeyQuota: -1}}); err == nil {
		t.Fatal("a negative keyQuota was accepted")
	}
}
