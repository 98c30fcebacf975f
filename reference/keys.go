package reference

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

// keyOperations are the key lifecycle, alias and tag operations.
func keyOperations() map[string]operation {
	return map[string]operation{
		"CreateKey":           createKey,
		"DescribeKey":         describeKey,
		"ListKeys":            listKeys,
		"EnableKey":           enableKey,
		"DisableKey":          disableKey,
		"ScheduleKeyDeletion": scheduleKeyDeletion,
		"CancelKeyDeletion":   cancelKeyDeletion,
		"CreateAlias":         createAlias,
		"DeleteAlias":         deleteAlias,
		"ListAliases":         listAliases,
		"TagResource":         tagResource,
		"UntagResource":       untagResource,
		"ListResourceTags":    listResourceTags,
		"GetKeyPolicy":        getKeyPolicy,
	}
}

// Model enums the key operations validate against.
var (
	keySpecs = []string{"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
		"ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2",
		"ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"}
	customerMasterKeySpecs = []string{"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384",
		"ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2"}
	keyUsages = []string{"SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT", "ENCAPSULATE_DECAPSULATE"}
	origins   = []string{OriginAWSKMS, OriginExternal, OriginCloudHSM, OriginExternalKeyStore}
)

// Model patterns.
var (
	policyPattern     = MustPattern(`[\u0009\u000A\u000D\u0020-\u00FF]+`)
	xksKeyIDPattern   = MustPattern(`^[a-zA-Z0-9-_.]+$`)
	markerPattern     = MustPattern(`[\u0020-\u00FF]*`)
	aliasNamePattern  = MustPattern(`^[a-zA-Z0-9:/_-]+$`)
	policyNamePattern = MustPattern(`[\w]+`)
)

const (
	symmetricDefault = "SYMMETRIC_DEFAULT"
	encryptDecrypt   = "ENCRYPT_DECRYPT"
	// maxTagsPerKey is KMS's documented quota of tags on one key.
	maxTagsPerKey = 50
	// maxKeyPolicyBytes is KMS's key policy document size quota (32 KiB).
	maxKeyPolicyBytes = 32 * 1024
	// awsAliasPrefix starts the predefined aliases of AWS managed keys.
	awsAliasPrefix = "alias/aws/"
)

// usagesFor lists the KeyUsage values each KeySpec allows (CreateKey.14).
func usagesFor(spec string) []string {
	switch {
	case spec == symmetricDefault:
		return []string{encryptDecrypt}
	case strings.HasPrefix(spec, "HMAC_"):
		return []string{"GENERATE_VERIFY_MAC"}
	case strings.HasPrefix(spec, "RSA_"):
		return []string{encryptDecrypt, "SIGN_VERIFY"}
	case strings.HasPrefix(spec, "ECC_NIST_P"):
		return []string{"SIGN_VERIFY", "KEY_AGREEMENT"}
	case spec == "SM2":
		return []string{encryptDecrypt, "SIGN_VERIFY", "KEY_AGREEMENT"}
	case strings.HasPrefix(spec, "ML_KEM_"):
		return []string{"ENCAPSULATE_DECAPSULATE"}
	default: // ECC_SECG_P256K1, ECC_NIST_EDWARDS25519, ML_DSA_*
		return []string{"SIGN_VERIFY"}
	}
}

// tagInput is a tag as a request carries it; pointers tell absent from empty.
type tagInput struct {
	TagKey   *string `json:"TagKey"`
	TagValue *string `json:"TagValue"`
}

type createKeyInput struct {
	Policy                *string `json:"Policy"`
	Description           *string `json:"Description"`
	KeyUsage              *string `json:"KeyUsage"`
	CustomerMasterKeySpec *string `json:"CustomerMasterKeySpec"`
	KeySpec               *string `json:"KeySpec"`
	Origin                *string `json:"Origin"`
	CustomKeyStoreID      *string `json:"CustomKeyStoreId"`
	// BypassPolicyLockoutSafetyCheck true skips the lockout check (CreateKey.04).
	BypassPolicyLockoutSafetyCheck *bool      `json:"BypassPolicyLockoutSafetyCheck"`
	Tags                           []tagInput `json:"Tags"`
	MultiRegion                    *bool      `json:"MultiRegion"`
	XksKeyID                       *string    `json:"XksKeyId"`
}

// createKey implements CreateKey. The parameter-combination rules the docs
// state without naming an error (CreateKey.13-22) are answered in two ways:
// a request whose members contradict each other (a missing companion member,
// a member that the chosen Origin does not take, a KeyUsage the KeySpec does
// not allow) is a ValidationException, as KMS answers malformed input; a
// well-formed request for something KMS does not offer (SM2 outside China,
// a non-symmetric or multi-Region key in a custom key store) is an
// UnsupportedOperationException, which CreateKey models for exactly that.
func createKey(c *call) (any, error) {
	var in createKeyInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	v.Length("policy", in.Policy, 1, 131072, false)
	v.Pattern("policy", in.Policy, policyPattern, false)
	v.Length("description", in.Description, 0, 8192, false)
	v.Enum("keyUsage", in.KeyUsage, keyUsages...)
	v.Enum("customerMasterKeySpec", in.CustomerMasterKeySpec, customerMasterKeySpecs...)
	v.Enum("keySpec", in.KeySpec, keySpecs...)
	v.Enum("origin", in.Origin, origins...)
	v.Length("customKeyStoreId", in.CustomKeyStoreID, 1, 64, false)
	validateTags(&v, "tags", in.Tags)
	v.Length("xksKeyId", in.XksKeyID, 1, 128, false)
	v.Pattern("xksKeyId", in.XksKeyID, xksKeyIDPattern, false)
	if err := v.Err(); err != nil {
		return nil, err
	}

	spec, usage, err := in.specAndUsage()
	if err != nil {
		return nil, err
	}
	origin, err := in.origin(c.region, spec, usage)
	if err != nil {
		return nil, err
	}
	multiRegion := in.MultiRegion != nil && *in.MultiRegion
	storeID, xksKeyID := deref(in.CustomKeyStoreID), deref(in.XksKeyID)

	policy := ""
	if in.Policy != nil {
		if err := checkPolicy(*in.Policy); err != nil {
			return nil, err
		}
		bypass := in.BypassPolicyLockoutSafetyCheck != nil && *in.BypassPolicyLockoutSafetyCheck
		if !bypass && !policyAllows(*in.Policy, partitionFor(c.region), c.acct.id, "kms:PutKeyPolicy") { // CreateKey.04
			return nil, errorf("MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future.")
		}
		policy = *in.Policy
	}
	tags, err := checkTags(in.Tags, nil)
	if err != nil {
		return nil, err
	}
	if quota := c.svc.keyQuotaOf(c.acct); len(c.acct.keys) >= quota { // CreateKey.08
		return nil, errorf("LimitExceededException", "The account has reached its quota of %d KMS keys in %s.", quota, c.region)
	}

	id := newKeyID()
	if multiRegion {
		id = "mrk-" + strings.ReplaceAll(id, "-", "")
	}
	k := &Key{
		ID:          id,
		ARN:         keyARN(c.region, c.acct.id, id),
		Account:     c.acct.id,
		Region:      c.region,
		Created:     c.now,
		Description: deref(in.Description),
		KeySpec:     spec,
		KeyUsage:    usage,
		Origin:      origin,
		MultiRegion: multiRegion,
		Tags:        tags,
		State:       KeyEnabled,
	}
	if policy == "" {
		policy = defaultKeyPolicy(c.acct.id)
	}
	k.Policy = policy
	if multiRegion {
		k.mr = newMRGroup(k)
	}
	switch origin {
	case OriginAWSKMS:
		if spec == symmetricDefault {
			k.Material = randomBytes(32)
			k.MaterialID = hex.EncodeToString(randomBytes(32))
		}
	case OriginExternal:
		k.State = KeyPendingImport
		k.Import = &ImportState{Tokens: map[string]*ImportToken{}}
	default:
		if err := c.placeKeyInStore(k, storeID, xksKeyID); err != nil {
			return nil, err
		}
	}
	c.acct.keys[k.ID] = k
	return struct {
		KeyMetadata keyMetadata
	}{c.metadata(k)}, nil
}

// specAndUsage settles KeySpec and KeyUsage (CreateKey.13, .14, .16).
func (in *createKeyInput) specAndUsage() (spec, usage string, err error) {
	spec = symmetricDefault
	switch {
	case in.KeySpec != nil && in.CustomerMasterKeySpec != nil:
		return "", "", errorf("ValidationException", "KeySpec and CustomerMasterKeySpec cannot both be specified; use KeySpec.")
	case in.KeySpec != nil:
		spec = *in.KeySpec
	case in.CustomerMasterKeySpec != nil:
		spec = *in.CustomerMasterKeySpec
	}
	switch {
	case in.KeyUsage != nil:
		usage = *in.KeyUsage
	case spec == symmetricDefault:
		usage = encryptDecrypt
	default: // recorded: realkms CreateKey.key-usage-missing
		return "", "", errorf("ValidationException", "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.")
	}
	if !slices.Contains(usagesFor(spec), usage) { // recorded, without a full stop: realkms CreateKey.key-usage-not-for-key-spec
		return "", "", errorf("ValidationException", "KeyUsage %s is not compatible with KeySpec %s", usage, spec)
	}
	return spec, usage, nil
}

// origin settles Origin and checks the members that go with it (CreateKey.15,
// .17-.22, .33).
func (in *createKeyInput) origin(region, spec, usage string) (string, error) {
	origin := OriginAWSKMS
	if in.Origin != nil {
		origin = *in.Origin
	}
	inStore := origin == OriginCloudHSM || origin == OriginExternalKeyStore
	switch {
	case inStore && in.CustomKeyStoreID == nil:
		return "", errorf("ValidationException", "CustomKeyStoreId is required when Origin is %s.", origin)
	case !inStore && in.CustomKeyStoreID != nil:
		return "", errorf("ValidationException", "CustomKeyStoreId is valid only when Origin is AWS_CLOUDHSM or EXTERNAL_KEY_STORE.")
	case origin == OriginExternalKeyStore && in.XksKeyID == nil:
		return "", errorf("ValidationException", "XksKeyId is required when Origin is EXTERNAL_KEY_STORE.")
	case origin != OriginExternalKeyStore && in.XksKeyID != nil:
		return "", errorf("ValidationException", "XksKeyId is valid only when Origin is EXTERNAL_KEY_STORE.")
	case spec == "SM2" && partitionFor(region) != "aws-cn":
		return "", errorf("UnsupportedOperationException", "KeySpec SM2 is supported only in China Regions.")
	case inStore && (spec != symmetricDefault || usage != encryptDecrypt):
		return "", errorf("UnsupportedOperationException", "KMS keys in a custom key store must have KeySpec SYMMETRIC_DEFAULT and KeyUsage ENCRYPT_DECRYPT.")
	case inStore && in.MultiRegion != nil && *in.MultiRegion:
		return "", errorf("UnsupportedOperationException", "Multi-Region keys cannot be created in a custom key store.")
	case origin == OriginExternal && !importableSpec(spec):
		// CreateKey.33: the Origin member says EXTERNAL is valid only for
		// symmetric keys, but the operation docs import into symmetric, HMAC
		// and asymmetric keys, as real KMS does; ML-KEM keys are none of those.
		return "", errorf("UnsupportedOperationException", "Origin EXTERNAL is not valid for KMS keys with KeySpec %s.", spec)
	}
	return origin, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return b
}

// checkPolicy is the reference's key policy check: the document must fit the
// key policy size quota and be JSON with the shape of an IAM policy, and
// every statement must name a principal (CreateKey.05). Whether a principal
// exists is not checked: the reference has no IAM to check it against.
func checkPolicy(doc string) error {
	// CreateKey.07: the model allows 131072 characters, but a key policy
	// document is limited to 32 KiB; a document between the two is a quota
	// violation, which KMS reports as LimitExceededException.
	if len(doc) > maxKeyPolicyBytes {
		return errorf("LimitExceededException", "The key policy is %d bytes; a key policy can be at most %d bytes.", len(doc), maxKeyPolicyBytes)
	}
	var policy struct {
		Version   *string         `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &policy); err != nil {
		return errorf("MalformedPolicyDocumentException", "The key policy is not valid JSON.")
	}
	if policy.Version != nil && *policy.Version != "2012-10-17" && *policy.Version != "2008-10-17" {
		return errorf("MalformedPolicyDocumentException", "The policy Version %q is not supported.", *policy.Version)
	}
	var statements []map[string]any
	if err := json.Unmarshal(policy.Statement, &statements); err != nil {
		var one map[string]any
		if err := json.Unmarshal(policy.Statement, &one); err != nil || one == nil {
			return errorf("MalformedPolicyDocumentException", "The key policy must contain a Statement.")
		}
		statements = []map[string]any{one}
	}
	if len(statements) == 0 {
		return errorf("MalformedPolicyDocumentException", "The key policy must contain at least one statement.")
	}
	for i, st := range statements {
		if effect, _ := st["Effect"].(string); effect != "Allow" && effect != "Deny" {
			return errorf("MalformedPolicyDocumentException", "Statement %d of the key policy has no valid Effect (Allow or Deny).", i+1)
		}
		if st["Principal"] == nil && st["NotPrincipal"] == nil {
			return errorf("MalformedPolicyDocumentException", "Statement %d of the key policy names no principal.", i+1)
		}
		for _, member := range []string{"Principal", "NotPrincipal"} {
			for _, arn := range principalARNs(st[member]) {
				if !wellFormedARN(arn) { // CreateKey.09
					return errorf("InvalidArnException", "Statement %d of the key policy names the principal %s, which is not a valid ARN.", i+1, arn)
				}
			}
		}
	}
	return nil
}

// policyAllows is the reference's narrow reading of a key policy, for the
// lockout check (CreateKey.04) and for cross-account use (DescribeKey.06):
// some Allow statement names the account (its root ARN, its ID, or "*") as a
// principal and has an Action that covers action. It ignores Deny
// statements, NotAction and conditions, and never sees IAM policies.
func policyAllows(doc, partition, accountID, action string) bool {
	var policy struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &policy); err != nil {
		return false
	}
	var statements []map[string]any
	if err := json.Unmarshal(policy.Statement, &statements); err != nil {
		var one map[string]any
		if json.Unmarshal(policy.Statement, &one) != nil {
			return false
		}
		statements = []map[string]any{one}
	}
	root := "arn:" + partition + ":iam::" + accountID + ":root"
	for _, st := range statements {
		if st["Effect"] != "Allow" {
			continue
		}
		principals := []string{}
		if p, ok := st["Principal"].(string); ok {
			principals = append(principals, p)
		}
		if m, ok := st["Principal"].(map[string]any); ok {
			principals = append(principals, policyStrings(m["AWS"])...)
		}
		named := slices.ContainsFunc(principals, func(p string) bool { return p == "*" || p == accountID || p == root })
		covered := slices.ContainsFunc(policyStrings(st["Action"]), func(a string) bool {
			ok, err := path.Match(strings.ToLower(a), strings.ToLower(action))
			return err == nil && ok
		})
		if named && covered {
			return true
		}
	}
	return false
}

// policyStrings reads a policy element that is a string or a list of strings.
func policyStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// principalARNs returns the AWS principals of a statement's Principal member
// that are written as ARNs ("*" and bare account IDs are not ARNs).
func principalARNs(principal any) []string {
	m, ok := principal.(map[string]any)
	if !ok {
		return nil
	}
	var values []any
	switch v := m["AWS"].(type) {
	case string:
		values = []any{v}
	case []any:
		values = v
	}
	var arns []string
	for _, v := range values {
		if s, ok := v.(string); ok && strings.HasPrefix(s, "arn:") {
			arns = append(arns, s)
		}
	}
	return arns
}

// wellFormedARN reports whether s has the six parts of an ARN,
// arn:partition:service:region:account:resource, with a partition, a service
// and a resource (IAM ARNs leave the region empty).
func wellFormedARN(s string) bool {
	parts := strings.SplitN(s, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] != "" && parts[5] != ""
}

func defaultKeyPolicy(accountID string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"kms:*","Resource":"*"}]}`, accountID)
}

// validateTags applies the model constraints of a Tags list.
func validateTags(v *validator, field string, tags []tagInput) {
	for i, t := range tags {
		prefix := fmt.Sprintf("%s.%d.member.", field, i+1)
		v.Required(prefix+"tagKey", t.TagKey != nil)
		v.Length(prefix+"tagKey", t.TagKey, 1, 128, false)
		v.Required(prefix+"tagValue", t.TagValue != nil)
		v.Length(prefix+"tagValue", t.TagValue, 0, 256, false)
	}
}

// checkTags merges tags into existing ones: a repeated key replaces the value.
// KMS answers tags that are not valid with TagException, as recorded (realkms
// CreateKey.too-many-tags, CreateKey.reserved-tag-prefix, TagResource.duplicate-tag-keys):
// more than maxTagsPerKey tags in one request, a tag key used twice in one
// request (CreateKey.11, TagResource.11), and the reserved "aws:" prefix in
// any case. The order of these checks is not on record. Tags that fit one
// request but would take the key over maxTagsPerKey are
// LimitExceededException, the error TagResource documents for a tag quota.
func checkTags(tags []tagInput, existing []Tag) ([]Tag, error) {
	if len(tags) > maxTagsPerKey {
		return nil, errorf("TagException", "Too many tags")
	}
	seen := map[string]bool{}
	out := slices.Clone(existing)
	for _, t := range tags {
		key, value := *t.TagKey, *t.TagValue
		if seen[key] {
			return nil, errorf("TagException", "Duplicate tag keys")
		}
		seen[key] = true
		if strings.HasPrefix(strings.ToLower(key), "aws:") {
			return nil, errorf("TagException", "Tags beginning with aws: are reserved")
		}
		if i := slices.IndexFunc(out, func(e Tag) bool { return e.TagKey == key }); i >= 0 {
			out[i].TagValue = value
		} else {
			out = append(out, Tag{TagKey: key, TagValue: value})
		}
	}
	if len(out) > maxTagsPerKey {
		return nil, errorf("LimitExceededException", "A KMS key can have at most %d tags.", maxTagsPerKey)
	}
	return out, nil
}

// keyMetadata is KeyMetadata on the wire.
type keyMetadata struct {
	AWSAccountID                string                    `json:"AWSAccountId"`
	KeyID                       string                    `json:"KeyId"`
	Arn                         string                    `json:"Arn"`
	CreationDate                *Timestamp                `json:"CreationDate,omitempty"`
	Enabled                     bool                      `json:"Enabled"`
	Description                 string                    `json:"Description"`
	KeyUsage                    string                    `json:"KeyUsage"`
	KeyState                    KeyState                  `json:"KeyState"`
	DeletionDate                *Timestamp                `json:"DeletionDate,omitempty"`
	ValidTo                     *Timestamp                `json:"ValidTo,omitempty"`
	Origin                      string                    `json:"Origin"`
	CustomKeyStoreID            string                    `json:"CustomKeyStoreId,omitempty"`
	CloudHsmClusterID           string                    `json:"CloudHsmClusterId,omitempty"`
	ExpirationModel             string                    `json:"ExpirationModel,omitempty"`
	KeyManager                  string                    `json:"KeyManager"`
	CustomerMasterKeySpec       string                    `json:"CustomerMasterKeySpec,omitempty"`
	KeySpec                     string                    `json:"KeySpec"`
	EncryptionAlgorithms        []string                  `json:"EncryptionAlgorithms,omitempty"`
	SigningAlgorithms           []string                  `json:"SigningAlgorithms,omitempty"`
	MacAlgorithms               []string                  `json:"MacAlgorithms,omitempty"`
	KeyAgreementAlgorithms      []string                  `json:"KeyAgreementAlgorithms,omitempty"`
	EncapsulationAlgorithms     []string                  `json:"EncapsulationAlgorithms,omitempty"`
	MultiRegion                 bool                      `json:"MultiRegion"`
	MultiRegionConfiguration    *multiRegionConfiguration `json:"MultiRegionConfiguration,omitempty"`
	PendingDeletionWindowInDays int32                     `json:"PendingDeletionWindowInDays,omitempty"`
	XksKeyConfiguration         *xksKeyConfiguration      `json:"XksKeyConfiguration,omitempty"`
	CurrentKeyMaterialID        string                    `json:"CurrentKeyMaterialId,omitempty"`
}

type multiRegionConfiguration struct {
	MultiRegionKeyType string           `json:"MultiRegionKeyType"`
	PrimaryKey         multiRegionKey   `json:"PrimaryKey"`
	ReplicaKeys        []multiRegionKey `json:"ReplicaKeys"`
}

type multiRegionKey struct {
	Arn    string `json:"Arn"`
	Region string `json:"Region"`
}

type xksKeyConfiguration struct {
	ID string `json:"Id"`
}

// metadata describes k as the caller sees it (DescribeKey.08).
func (c *call) metadata(k *Key) keyMetadata {
	state := c.effectiveState(k)
	m := keyMetadata{
		AWSAccountID:      k.Account,
		KeyID:             k.ID,
		Arn:               k.ARN,
		CreationDate:      TimestampOf(k.Created),
		Enabled:           state == KeyEnabled,
		Description:       k.Description,
		KeyUsage:          k.KeyUsage,
		KeyState:          state,
		Origin:            k.Origin,
		CustomKeyStoreID:  k.CustomKeyStoreID,
		CloudHsmClusterID: k.CloudHsmClusterID,
		KeyManager:        c.keyManager(k),
		KeySpec:           k.KeySpec,
		MultiRegion:       k.MultiRegion,
	}
	if slices.Contains(customerMasterKeySpecs, k.KeySpec) { // the deprecated member knows only the older specs
		m.CustomerMasterKeySpec = k.KeySpec
	}
	if k.KeySpec == symmetricDefault && (k.MaterialID != "" || k.Material != nil) { // the member doc: symmetric encryption keys only
		m.CurrentKeyMaterialID = materialID(k)
	}
	if (state == KeyPendingDeletion || state == KeyPendingReplicaDeletion) && !k.DeletionDate.IsZero() {
		m.DeletionDate = TimestampOf(k.DeletionDate) // none while a primary waits for its replicas
	}
	if state == KeyPendingReplicaDeletion { // the member doc: present only in this state
		m.PendingDeletionWindowInDays = k.PendingWindowInDays
	}
	if k.Import != nil && k.Material != nil {
		m.ExpirationModel = k.Import.ExpirationModel
		if k.Import.ExpirationModel == expiresModel {
			m.ValidTo = TimestampOf(k.Import.ValidTo)
		}
	}
	if k.XksKeyID != "" {
		m.XksKeyConfiguration = &xksKeyConfiguration{ID: k.XksKeyID}
	}
	if k.mr != nil {
		m.MultiRegionConfiguration = k.mr.configuration(k)
	}
	switch usage := k.KeyUsage; {
	case usage == encryptDecrypt && k.KeySpec == symmetricDefault:
		m.EncryptionAlgorithms = []string{symmetricDefault}
	case usage == encryptDecrypt && k.KeySpec == "SM2":
		m.EncryptionAlgorithms = []string{"SM2PKE"}
	case usage == encryptDecrypt:
		m.EncryptionAlgorithms = []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}
	case usage == "GENERATE_VERIFY_MAC":
		m.MacAlgorithms = []string{"HMAC_SHA_" + strings.TrimPrefix(k.KeySpec, "HMAC_")}
	case usage == "KEY_AGREEMENT":
		m.KeyAgreementAlgorithms = []string{"ECDH"}
	case usage == "ENCAPSULATE_DECAPSULATE":
		m.EncapsulationAlgorithms = []string{"ML_KEM"}
	case usage == "SIGN_VERIFY":
		m.SigningAlgorithms = signingAlgorithms(k.KeySpec)
	}
	return m
}

func signingAlgorithms(spec string) []string {
	switch {
	case strings.HasPrefix(spec, "RSA_"):
		return []string{"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
			"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"}
	case spec == "ECC_NIST_P384":
		return []string{"ECDSA_SHA_384"}
	case spec == "ECC_NIST_P521":
		return []string{"ECDSA_SHA_512"}
	case spec == "ECC_NIST_EDWARDS25519":
		return []string{"ED25519_SHA_512", "ED25519_PH_SHA_512"}
	case strings.HasPrefix(spec, "ML_DSA_"):
		return []string{"ML_DSA_SHAKE_256"}
	case spec == "SM2":
		return []string{"SM2DSA"}
	default: // ECC_NIST_P256, ECC_SECG_P256K1
		return []string{"ECDSA_SHA_256"}
	}
}

// stateError is the KMSInvalidStateException for a key whose state does not
// allow the operation, worded as the key-state table's footnotes word it.
func stateError(k *Key, state KeyState) error {
	switch state {
	case KeyPendingDeletion:
		return errorf("KMSInvalidStateException", "%s is pending deletion.", k.ARN)
	case KeyPendingReplicaDeletion:
		return errorf("KMSInvalidStateException", "%s is pending replica deletion.", k.ARN)
	case KeyPendingImport:
		return errorf("KMSInvalidStateException", "%s is pending import.", k.ARN)
	case KeyUnavailable:
		return errorf("KMSInvalidStateException", "%s is unavailable.", k.ARN)
	case KeyCreating:
		return errorf("KMSInvalidStateException", "%s is creating.", k.ARN)
	case KeyUpdating:
		return errorf("KMSInvalidStateException", "%s is updating.", k.ARN)
	case KeyDisabled:
		return errorf("KMSInvalidStateException", "%s is disabled.", k.ARN)
	default:
		return errorf("KMSInvalidStateException", "%s is %s.", k.ARN, state)
	}
}

// keyIDInput is the input of the operations that take only a KeyId.
type keyIDInput struct {
	KeyID *string `json:"KeyId"`
}

// validateKeyID checks the KeyId member every key operation has (required, 1..2048).
func validateKeyID(v *validator, keyID *string) {
	v.Required("keyId", keyID != nil)
	v.Length("keyId", keyID, 1, 2048, false)
}

// keyFromKeyIDInput decodes and validates a KeyId-only request and resolves its key.
func (c *call) keyFromKeyIDInput(forms keyIDForms) (*Key, error) {
	var in keyIDInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return c.resolveKey(*in.KeyID, forms)
}

func validateGrantTokens(v *validator, tokens []string) {
	if len(tokens) > 10 {
		v.add("'["+strings.Join(tokens, ", ")+"]'", "grantTokens", "Member must have length less than or equal to 10")
	}
	for i := range tokens {
		v.Length(fmt.Sprintf("grantTokens.%d.member", i+1), &tokens[i], 1, 8192, false)
	}
}

func describeKey(c *call) (any, error) {
	var in struct {
		KeyID       *string  `json:"KeyId"`
		GrantTokens []string `json:"GrantTokens"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	validateGrantTokens(&v, in.GrantTokens)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyARNOrAlias)
	if err != nil {
		name, ok := c.predefinedAlias(*in.KeyID)
		if !ok {
			return nil, err
		}
		k = c.createAWSManagedKey(name)
	}
	return struct {
		KeyMetadata keyMetadata
	}{c.metadata(k)}, nil
}

// getKeyPolicy implements GetKeyPolicy, which the scenarios use to see the
// policy CreateKey gave a key. A key has one policy, named "default".
func getKeyPolicy(c *call) (any, error) {
	var in struct {
		KeyID      *string `json:"KeyId"`
		PolicyName *string `json:"PolicyName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Length("policyName", in.PolicyName, 1, 128, false)
	v.Pattern("policyName", in.PolicyName, policyNamePattern, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if name := deref(in.PolicyName); name != "" && name != "default" {
		return nil, errorf("NotFoundException", "No such policy exists")
	}
	return struct {
		Policy     string
		PolicyName string
	}{k.Policy, "default"}, nil
}

// predefinedAlias reports whether keyID names a predefined AWS alias
// (alias/aws/<service>) of the caller's account that has no key yet.
func (c *call) predefinedAlias(keyID string) (string, bool) {
	name := keyID
	if arn, ok := parseKMSARN(keyID); ok {
		if arn.Region != c.region || arn.Account != c.acct.id {
			return "", false
		}
		name = arn.Resource
	}
	service, ok := strings.CutPrefix(name, awsAliasPrefix)
	if !ok || service == "" || strings.Contains(service, "/") {
		return "", false
	}
	if _, exists := c.acct.aliases[name]; exists {
		return "", false
	}
	return name, true
}

// createAWSManagedKey creates the AWS managed key behind a predefined alias,
// as DescribeKey does when it is first asked about one (DescribeKey.07).
func (c *call) createAWSManagedKey(alias string) *Key {
	id := newKeyID()
	service := strings.TrimPrefix(alias, awsAliasPrefix)
	k := &Key{
		ID:          id,
		ARN:         keyARN(c.region, c.acct.id, id),
		Account:     c.acct.id,
		Region:      c.region,
		Created:     c.now,
		Description: fmt.Sprintf("Default key that protects my %s data when no other key is defined", service),
		KeySpec:     symmetricDefault,
		KeyUsage:    encryptDecrypt,
		Origin:      OriginAWSKMS,
		Policy:      defaultKeyPolicy(c.acct.id),
		State:       KeyEnabled,
		Material:    randomBytes(32),
		MaterialID:  hex.EncodeToString(randomBytes(32)),
	}
	c.acct.keys[id] = k
	c.acct.aliases[alias] = id
	return k
}

// keyManager is "AWS" for the keys behind predefined aliases, else "CUSTOMER".
func (c *call) keyManager(k *Key) string {
	for name, id := range c.acct.aliases {
		if id == k.ID && strings.HasPrefix(name, awsAliasPrefix) {
			return "AWS"
		}
	}
	return "CUSTOMER"
}

// pageRequest is the Limit and Marker of a listing. A marker is "after:"
// followed by the last item of the previous page, so that paging survives
// items being added or removed between calls.
type pageRequest struct {
	Limit  *int64  `json:"Limit"`
	Marker *string `json:"Marker"`
}

func (p pageRequest) validate(v *validator, maxLimit int64) {
	v.Range("limit", p.Limit, 1, maxLimit)
	v.Length("marker", p.Marker, 1, 1024, false)
	v.Pattern("marker", p.Marker, markerPattern, false)
}

// paginate returns the page of sorted names after the request's marker and the
// marker of the next page ("" when this page is the last). A marker this
// reference did not hand out is InvalidMarkerException.
func paginate(names []string, p pageRequest, defaultLimit int, validMarker func(string) bool) ([]string, string, error) {
	slices.Sort(names)
	start := 0
	if p.Marker != nil {
		after, ok := strings.CutPrefix(*p.Marker, "after:")
		if !ok || !validMarker(after) {
			return nil, "", errorf("InvalidMarkerException", "Invalid marker: %s", *p.Marker)
		}
		start, _ = slices.BinarySearch(names, after)
		if start < len(names) && names[start] == after {
			start++
		}
	}
	limit := defaultLimit
	if p.Limit != nil {
		limit = int(*p.Limit)
	}
	end := min(start+limit, len(names))
	next := ""
	if end < len(names) {
		next = "after:" + names[end-1]
	}
	return names[start:end], next, nil
}

type keyListEntry struct {
	KeyID  string `json:"KeyId"`
	KeyArn string `json:"KeyArn"`
}

func listKeys(c *call) (any, error) {
	var in pageRequest
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	in.validate(&v, 1000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(c.acct.keys))
	for id := range c.acct.keys {
		ids = append(ids, id)
	}
	page, next, err := paginate(ids, in, 100, looksLikeKeyID)
	if err != nil {
		return nil, err
	}
	out := struct {
		Keys       []keyListEntry
		NextMarker string `json:",omitempty"`
		Truncated  bool
	}{Keys: []keyListEntry{}, NextMarker: next, Truncated: next != ""}
	for _, id := range page {
		out.Keys = append(out.Keys, keyListEntry{KeyID: id, KeyArn: c.acct.keys[id].ARN})
	}
	return out, nil
}

// setEnabled implements EnableKey and DisableKey. On an Unavailable key the
// call succeeds and the new state shows once the key store is connected again
// (key-state table, footnote 12): k.State is the state beneath Unavailable.
func setEnabled(c *call, to KeyState) (any, error) {
	k, err := c.keyFromKeyIDInput(keyOrARN)
	if err != nil {
		return nil, err
	}
	switch st := c.effectiveState(k); st {
	case KeyEnabled, KeyDisabled, KeyUnavailable:
		k.State = to
		return nil, nil
	default:
		return nil, stateError(k, st)
	}
}

func enableKey(c *call) (any, error)  { return setEnabled(c, KeyEnabled) }
func disableKey(c *call) (any, error) { return setEnabled(c, KeyDisabled) }

// scheduleKeyDeletion implements ScheduleKeyDeletion. The model allows
// PendingWindowInDays 1..365, but the operation documents 7..30 (conditions
// part E.5); the reference enforces the documented range with the same
// ValidationException text the model range would produce, so that 1..6 and
// 31..365 fail exactly like 0 and 366 do.
func scheduleKeyDeletion(c *call) (any, error) {
	var in struct {
		KeyID               *string `json:"KeyId"`
		PendingWindowInDays *int64  `json:"PendingWindowInDays"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Range("pendingWindowInDays", in.PendingWindowInDays, 7, 30)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	switch st := c.effectiveState(k); st {
	case KeyEnabled, KeyDisabled, KeyPendingImport, KeyUnavailable, KeyCreating:
	default:
		return nil, stateError(k, st)
	}
	days := int64(30)
	if in.PendingWindowInDays != nil {
		days = *in.PendingWindowInDays
	}
	k.PendingWindowInDays = int32(days)
	out := struct {
		KeyID               string     `json:"KeyId"`
		DeletionDate        *Timestamp `json:"DeletionDate,omitempty"`
		KeyState            KeyState   `json:"KeyState"`
		PendingWindowInDays int32      `json:"PendingWindowInDays"`
	}{KeyID: k.ARN, PendingWindowInDays: k.PendingWindowInDays}
	if k.waitsForReplicas() { // ScheduleKeyDeletion.13: the waiting period starts with the last replica's deletion
		k.State = KeyPendingReplicaDeletion
	} else {
		k.State = KeyPendingDeletion
		k.DeletionDate = c.now.Add(time.Duration(days) * 24 * time.Hour)
		c.addDeadline(k, k.DeletionDate)
		out.DeletionDate = &Timestamp{k.DeletionDate}
	}
	out.KeyState = k.State
	return out, nil
}

func cancelKeyDeletion(c *call) (any, error) {
	k, err := c.keyFromKeyIDInput(keyOrARN)
	if err != nil {
		return nil, err
	}
	if st := c.effectiveState(k); st != KeyPendingDeletion && st != KeyPendingReplicaDeletion {
		return nil, errorf("KMSInvalidStateException", "%s is not pending deletion.", k.ARN)
	}
	// A cancelled key is Disabled (CancelKeyDeletion.04), unless it has no key
	// material to use: an EXTERNAL key whose material was never imported, was
	// deleted or expired goes back to PendingImport.
	k.State = KeyDisabled
	if k.Import != nil && k.Material == nil {
		k.State = KeyPendingImport
	}
	k.DeletionDate = time.Time{}
	k.PendingWindowInDays = 0
	return struct {
		KeyID string `json:"KeyId"`
	}{k.ARN}, nil
}

func validateAliasName(v *validator, name *string) {
	v.Required("aliasName", name != nil)
	v.Length("aliasName", name, 1, 256, false)
	v.Pattern("aliasName", name, aliasNamePattern, false)
}

func createAlias(c *call) (any, error) {
	var in struct {
		AliasName   *string `json:"AliasName"`
		TargetKeyID *string `json:"TargetKeyId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateAliasName(&v, in.AliasName)
	v.Required("targetKeyId", in.TargetKeyID != nil)
	v.Length("targetKeyId", in.TargetKeyID, 1, 2048, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	name := *in.AliasName
	rest, ok := strings.CutPrefix(name, "alias/")
	switch {
	case !ok: // recorded: realkms CreateAlias.name-without-prefix; the docs say InvalidAliasNameException
		return nil, errorf("ValidationException", "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html")
	case rest == "":
		return nil, errorf("InvalidAliasNameException", "Alias must start with the prefix \"alias/\" followed by a name.")
	case strings.HasPrefix(name, awsAliasPrefix):
		return nil, errorf("InvalidAliasNameException", "Alias names beginning with \"alias/aws/\" are reserved for AWS managed keys.")
	}
	k, err := c.resolveKey(*in.TargetKeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if st := c.effectiveState(k); st == KeyPendingDeletion || st == KeyPendingReplicaDeletion {
		return nil, stateError(k, st)
	}
	if _, exists := c.acct.aliases[name]; exists {
		return nil, errorf("AlreadyExistsException", "An alias with the name %s already exists", aliasARN(c.region, c.acct.id, name))
	}
	c.acct.aliases[name] = k.ID
	return nil, nil
}

func deleteAlias(c *call) (any, error) {
	var in struct {
		AliasName *string `json:"AliasName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateAliasName(&v, in.AliasName)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if _, ok := c.acct.aliases[*in.AliasName]; !ok {
		return nil, errorf("NotFoundException", "Alias %s is not found.", aliasARN(c.region, c.acct.id, *in.AliasName))
	}
	delete(c.acct.aliases, *in.AliasName)
	return nil, nil
}

type aliasListEntry struct {
	AliasName   string `json:"AliasName"`
	AliasArn    string `json:"AliasArn"`
	TargetKeyID string `json:"TargetKeyId"`
}

func listAliases(c *call) (any, error) {
	var in struct {
		pageRequest
		KeyID *string `json:"KeyId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	v.Length("keyId", in.KeyID, 1, 2048, false)
	in.validate(&v, 100)
	if err := v.Err(); err != nil {
		return nil, err
	}
	target := ""
	if in.KeyID != nil {
		k, err := c.resolveKey(*in.KeyID, keyOrARN)
		if err != nil {
			return nil, err
		}
		target = k.ID
	}
	var names []string
	for name, id := range c.acct.aliases {
		if target == "" || id == target {
			names = append(names, name)
		}
	}
	page, next, err := paginate(names, in.pageRequest, 50, func(m string) bool { return strings.HasPrefix(m, "alias/") })
	if err != nil {
		return nil, err
	}
	out := struct {
		Aliases    []aliasListEntry
		NextMarker string `json:",omitempty"`
		Truncated  bool
	}{Aliases: []aliasListEntry{}, NextMarker: next, Truncated: next != ""}
	for _, name := range page {
		out.Aliases = append(out.Aliases, aliasListEntry{AliasName: name, AliasArn: aliasARN(c.region, c.acct.id, name), TargetKeyID: c.acct.aliases[name]})
	}
	return out, nil
}

// taggableKey resolves the key of a tag operation; tags cannot change while
// the key is pending deletion (key-state table, footnote 3).
func (c *call) taggableKey(keyID string) (*Key, error) {
	k, err := c.resolveKey(keyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if st := c.effectiveState(k); st == KeyPendingDeletion || st == KeyPendingReplicaDeletion {
		return nil, stateError(k, st)
	}
	return k, nil
}

func tagResource(c *call) (any, error) {
	var in struct {
		KeyID *string    `json:"KeyId"`
		Tags  []tagInput `json:"Tags"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Required("tags", in.Tags != nil)
	validateTags(&v, "tags", in.Tags)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.taggableKey(*in.KeyID)
	if err != nil {
		return nil, err
	}
	tags, err := checkTags(in.Tags, k.Tags)
	if err != nil {
		return nil, err
	}
	k.Tags = tags
	return nil, nil
}

func untagResource(c *call) (any, error) {
	var in struct {
		KeyID   *string  `json:"KeyId"`
		TagKeys []string `json:"TagKeys"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Required("tagKeys", in.TagKeys != nil)
	for i := range in.TagKeys {
		v.Length(fmt.Sprintf("tagKeys.%d.member", i+1), &in.TagKeys[i], 1, 128, false)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.taggableKey(*in.KeyID)
	if err != nil {
		return nil, err
	}
	k.Tags = slices.DeleteFunc(slices.Clone(k.Tags), func(t Tag) bool { return slices.Contains(in.TagKeys, t.TagKey) })
	return nil, nil
}

func listResourceTags(c *call) (any, error) {
	var in struct {
		pageRequest
		KeyID *string `json:"KeyId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	in.validate(&v, 50)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	values := map[string]string{}
	keys := make([]string, 0, len(k.Tags))
	for _, t := range k.Tags {
		values[t.TagKey] = t.TagValue
		keys = append(keys, t.TagKey)
	}
	page, next, err := paginate(keys, in.pageRequest, 50, func(string) bool { return true })
	if err != nil {
		return nil, err
	}
	out := struct {
		Tags       []Tag
		NextMarker string `json:",omitempty"`
		Truncated  bool
	}{Tags: []Tag{}, NextMarker: next, Truncated: next != ""}
	for _, key := range page {
		out.Tags = append(out.Tags, Tag{TagKey: key, TagValue: values[key]})
	}
	return out, nil
}
