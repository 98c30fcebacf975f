package reference

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// keyOperations are the key lifecycle operations.
func keyOperations() map[string]operation {
	return map[string]operation{
		"CreateKey":           createKey,
		"DescribeKey":         describeKey,
		"EnableKey":           enableKey,
		"DisableKey":          disableKey,
		"ScheduleKeyDeletion": scheduleKeyDeletion,
		"CancelKeyDeletion":   cancelKeyDeletion,
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
	c.setAlias(alias, k)
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
		was := k.State
		k.State = to
		if was != KeyEnabled && to == KeyEnabled {
			c.resumeRotation(k)
		}
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
