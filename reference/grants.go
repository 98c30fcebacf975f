package reference

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// grantOperations are the grant operations: CreateGrant, ListGrants,
// ListRetirableGrants, RetireGrant and RevokeGrant.
//
// A grant lets its grantee principal's account use a key of another account
// for the operations it lists, under its constraints (see grantAllows). The
// reference's callers are accounts (the root of the account an access key
// maps to), so a grant to any principal of an account is a grant to that
// account. Grants are consistent at once: what CreateGrant made, ListGrants
// shows and calls may use straight away, with or without its grant token.
func grantOperations() map[string]operation {
	return map[string]operation{
		"CreateGrant":         createGrant,
		"ListGrants":          listGrants,
		"ListRetirableGrants": listRetirableGrants,
		"RetireGrant":         retireGrant,
		"RevokeGrant":         revokeGrant,
	}
}

// Grant is one grant on a key.
type Grant struct {
	ID                string
	Name              string
	Created           time.Time
	GranteePrincipal  string
	RetiringPrincipal string
	// ServicePrincipal members: stored and listed, never a caller here.
	GranteeServicePrincipal  string
	RetiringServicePrincipal string
	IssuingAccount           string
	Operations               []string
	Constraints              *grantConstraints
	// tokens are the nonces of the grant tokens issued for it.
	tokens []string
}

type grantConstraints struct {
	EncryptionContextSubset map[string]string `json:"EncryptionContextSubset,omitempty"`
	EncryptionContextEquals map[string]string `json:"EncryptionContextEquals,omitempty"`
	SourceArn               *string           `json:"SourceArn,omitempty"`
}

// KMS's grant quotas: grants per key, and grants per key for one grantee.
const (
	maxGrantsPerKey       = 50000
	maxGrantsPerPrincipal = 500
	// maxConstraintPairs and maxConstraintValue bound an encryption-context
	// constraint (CreateGrant.13).
	maxConstraintPairs = 8
	maxConstraintValue = 384
)

// Model enums and patterns of the grant operations.
var (
	grantOps = []string{"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom",
		"ReEncryptTo", "Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey",
		"GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "DeriveSharedSecret"}
	principalPattern        = MustPattern(`^[\w+=,.@:/-]+$`)
	servicePrincipalPattern = MustPattern(`^([A-Za-z0-9\-]+)\.([A-Za-z0-9\-]+)(\.[A-Za-z0-9\-]+)+$`)
	grantNamePattern        = MustPattern(`^[a-zA-Z0-9:/_-]+$`)
	sourceArnPattern        = MustPattern(`^arn:aws[a-z0-9-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:.+$`)
	grantIDForm             = regexp.MustCompile(`^[0-9a-f]{64}$`)
	principalARNForm        = regexp.MustCompile(`^arn:aws[a-z-]*:(iam|sts)::([0-9]{12}):[A-Za-z0-9+=,.@_/-]+$`)
)

// keyGrantOps are the grant operations each kind of key supports, besides
// CreateGrant, RetireGrant and DescribeKey, which every key does (CreateGrant.11).
func keyGrantOps(k *Key) []string {
	common := []string{"CreateGrant", "RetireGrant", "DescribeKey"}
	switch {
	case k.KeySpec == symmetricDefault:
		return append(common, "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
			"ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext")
	case k.KeyUsage == "GENERATE_VERIFY_MAC":
		return append(common, "GenerateMac", "VerifyMac")
	case k.KeyUsage == "SIGN_VERIFY":
		return append(common, "Sign", "Verify", "GetPublicKey")
	case k.KeyUsage == "KEY_AGREEMENT":
		return append(common, "DeriveSharedSecret", "GetPublicKey")
	default: // asymmetric ENCRYPT_DECRYPT
		return append(common, "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey")
	}
}

// principalAccount is the account of a principal ARN, or false when s is
// not an IAM or STS principal ARN.
func principalAccount(s string) (string, bool) {
	m := principalARNForm.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	return m[2], true
}

// Grant tokens name their grant: base64url of a fixed prefix, the key ARN,
// the grant ID and a nonce. Anything else is not a grant token.
const grantTokenPrefix = "kmsconform-grant-token"

func newGrantToken(k *Key, g *Grant) string {
	nonce := hex.EncodeToString(randomBytes(32))
	g.tokens = append(g.tokens, nonce)
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join([]string{grantTokenPrefix, k.ARN, g.ID, nonce}, "\x00")))
}

// tokenGrant finds the grant a token names. A token that is not one the
// reference issued is InvalidGrantTokenException; a token of a grant that
// has been retired or revoked is valid, and returns no grant.
func (c *call) tokenGrant(token string) (*Key, *Grant, error) {
	invalid := errorf("InvalidGrantTokenException", "The grant token is not valid.")
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, nil, invalid
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 4 || parts[0] != grantTokenPrefix {
		return nil, nil, invalid
	}
	arn, ok := parseKMSARN(parts[1])
	if !ok || !grantIDForm.MatchString(parts[2]) {
		return nil, nil, invalid
	}
	owner, ok := c.svc.accounts[accountRegion{arn.Account, c.region}]
	if !ok {
		return nil, nil, invalid
	}
	k, ok := owner.keys[strings.TrimPrefix(arn.Resource, "key/")]
	if !ok {
		return nil, nil, nil
	}
	for _, g := range k.Grants {
		if g.ID == parts[2] {
			if !slices.Contains(g.tokens, parts[3]) {
				return nil, nil, invalid
			}
			return k, g, nil
		}
	}
	return nil, nil, nil
}

// checkGrantTokens refuses a request whose GrantTokens hold a token the
// reference never issued: InvalidGrantTokenException (Encrypt.23,
// CreateGrant.22, ...). Issued tokens pass: their grants apply at once
// anyway, so a token adds nothing to what grantAllows finds.
func (c *call) checkGrantTokens(tokens []string) error {
	for _, t := range tokens {
		if _, _, err := c.tokenGrant(t); err != nil {
			return err
		}
	}
	return nil
}

// grantAllows reports whether a grant on k lets the caller's account make
// the call being served: its grantee principal is in the caller's account,
// it lists the operation (ReEncrypt needs ReEncryptFrom on the source key
// and ReEncryptTo on the destination), and the request's encryption
// context satisfies its constraints (CreateGrant.15, .16). keyID is how the
// request named k. SourceArn constraints are never met: the reference's
// callers are never AWS services acting for a resource.
func (c *call) grantAllows(k *Key, keyID string) bool {
	op, context := c.grantedOperation(keyID)
	for _, g := range k.Grants {
		if acct, ok := principalAccount(g.GranteePrincipal); !ok || acct != c.acct.id || !slices.Contains(g.Operations, op) {
			continue
		}
		gc := g.Constraints
		if gc == nil {
			return true
		}
		if gc.SourceArn == nil && (!slices.Contains(contextOps, op) || contextMeets(context, gc)) {
			return true
		}
	}
	return false
}

// contextOps are the grant operations that take an encryption context, the
// only ones its constraints restrict (CreateGrant.15).
var contextOps = []string{"Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
	"GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"}

// grantedOperation names the grant operation the call needs on the key
// the request names as keyID, and the encryption context it carries for it.
func (c *call) grantedOperation(keyID string) (string, map[string]string) {
	var in struct {
		EncryptionContext            map[string]string `json:"EncryptionContext"`
		SourceEncryptionContext      map[string]string `json:"SourceEncryptionContext"`
		DestinationEncryptionContext map[string]string `json:"DestinationEncryptionContext"`
		DestinationKeyID             string            `json:"DestinationKeyId"`
	}
	_ = json.Unmarshal(c.body, &in) // decoded already by the operation
	if c.op != "ReEncrypt" {
		return c.op, in.EncryptionContext
	}
	if keyID == in.DestinationKeyID {
		return "ReEncryptTo", in.DestinationEncryptionContext
	}
	return "ReEncryptFrom", in.SourceEncryptionContext
}

// contextMeets checks an encryption context against a grant's constraints:
// keys compare case-insensitively, values exactly (CreateGrant.16).
func contextMeets(context map[string]string, gc *grantConstraints) bool {
	lower := func(m map[string]string) map[string]string {
		out := make(map[string]string, len(m))
		for k, v := range m {
			out[strings.ToLower(k)] = v
		}
		return out
	}
	have := lower(context)
	if gc.EncryptionContextEquals != nil {
		want := lower(gc.EncryptionContextEquals)
		if len(want) != len(have) {
			return false
		}
		for k, v := range want {
			if got, ok := have[k]; !ok || got != v {
				return false
			}
		}
	}
	for k, v := range lower(gc.EncryptionContextSubset) {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

type createGrantInput struct {
	KeyID                    *string           `json:"KeyId"`
	GranteePrincipal         *string           `json:"GranteePrincipal"`
	RetiringPrincipal        *string           `json:"RetiringPrincipal"`
	GranteeServicePrincipal  *string           `json:"GranteeServicePrincipal"`
	RetiringServicePrincipal *string           `json:"RetiringServicePrincipal"`
	Operations               []string          `json:"Operations"`
	Constraints              *grantConstraints `json:"Constraints"`
	GrantTokens              []string          `json:"GrantTokens"`
	Name                     *string           `json:"Name"`
	DryRun                   *bool             `json:"DryRun"`
}

func (in *createGrantInput) validate() error {
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Length("granteePrincipal", in.GranteePrincipal, 1, 256, false)
	v.Pattern("granteePrincipal", in.GranteePrincipal, principalPattern, false)
	v.Length("retiringPrincipal", in.RetiringPrincipal, 1, 256, false)
	v.Pattern("retiringPrincipal", in.RetiringPrincipal, principalPattern, false)
	v.Required("operations", in.Operations != nil)
	for i := range in.Operations {
		v.Enum(fmt.Sprintf("operations.%d.member", i+1), &in.Operations[i], grantOps...)
	}
	if in.Constraints != nil && in.Constraints.SourceArn != nil {
		v.Length("constraints.sourceArn", in.Constraints.SourceArn, 20, 512, false)
		v.Pattern("constraints.sourceArn", in.Constraints.SourceArn, sourceArnPattern, false)
	}
	validateGrantTokens(&v, in.GrantTokens)
	v.Length("name", in.Name, 1, 256, false)
	v.Pattern("name", in.Name, grantNamePattern, false)
	for field, p := range map[string]*string{"granteeServicePrincipal": in.GranteeServicePrincipal, "retiringServicePrincipal": in.RetiringServicePrincipal} {
		v.Length(field, p, 1, 128, false)
		v.Pattern(field, p, servicePrincipalPattern, false)
	}
	if err := v.Err(); err != nil {
		return err
	}
	// Rules of the member docs that the model cannot state (CreateGrant.06-.10).
	switch {
	case (in.GranteePrincipal == nil) == (in.GranteeServicePrincipal == nil):
		return errorf("ValidationException", "Specify exactly one of GranteePrincipal and GranteeServicePrincipal.")
	case in.RetiringPrincipal != nil && in.RetiringServicePrincipal != nil:
		return errorf("ValidationException", "Specify at most one of RetiringPrincipal and RetiringServicePrincipal.")
	case in.GranteeServicePrincipal != nil && (in.Constraints == nil || in.Constraints.SourceArn == nil):
		return errorf("ValidationException", "A grant for a service principal requires a SourceArn grant constraint.")
	case in.GranteeServicePrincipal != nil && in.RetiringPrincipal == nil && in.RetiringServicePrincipal == nil:
		return errorf("ValidationException", "A grant for a service principal requires a retiring principal.")
	}
	for _, p := range []*string{in.GranteePrincipal, in.RetiringPrincipal} {
		if p != nil {
			if _, ok := principalAccount(*p); !ok { // CreateGrant.03
				return errorf("InvalidArnException", "%s is not a valid principal ARN.", *p)
			}
		}
	}
	return nil
}

// checkFor applies the rules that depend on the key: the operations it
// supports (CreateGrant.11) and the constraints it takes (.12, .13).
func (in *createGrantInput) checkFor(k *Key) error {
	supported := keyGrantOps(k)
	for _, op := range in.Operations {
		if !slices.Contains(supported, op) {
			return errorf("ValidationException", "Grant operation %s is not supported for this key (KeySpec %s, KeyUsage %s).", op, k.KeySpec, k.KeyUsage)
		}
	}
	gc := in.Constraints
	if gc == nil || (gc.EncryptionContextSubset == nil && gc.EncryptionContextEquals == nil) {
		return nil
	}
	if k.KeySpec != symmetricDefault {
		return errorf("ValidationException", "Encryption context grant constraints are supported only on symmetric encryption KMS keys.")
	}
	for _, m := range []map[string]string{gc.EncryptionContextSubset, gc.EncryptionContextEquals} {
		if len(m) > maxConstraintPairs {
			return errorf("ValidationException", "An encryption context grant constraint can have at most %d pairs.", maxConstraintPairs)
		}
		for _, val := range m {
			if len(val) > maxConstraintValue {
				return errorf("ValidationException", "An encryption context grant constraint value can be at most %d characters.", maxConstraintValue)
			}
		}
	}
	return nil
}

// checkDerivedGrant applies CreateGrant.14 to a caller of another account
// that may create grants only through a grant of its own: the new grant's
// encryption context constraint may be no looser than that grant's.
func (c *call) checkDerivedGrant(k *Key, in *createGrantInput) error {
	if k.Account == c.acct.id || policyAllows(k.Policy, partitionFor(c.region), c.acct.id, "kms:CreateGrant") {
		return nil
	}
	for _, g := range k.Grants {
		if acct, ok := principalAccount(g.GranteePrincipal); ok && acct == c.acct.id && slices.Contains(g.Operations, "CreateGrant") &&
			noLooser(in.Constraints, g.Constraints) {
			return nil
		}
	}
	return errorf("ValidationException", "The grant's encryption context constraint is looser than that of the grant that lets you create it.")
}

// noLooser reports whether constraints c are at least as strict as parent's.
func noLooser(c, parent *grantConstraints) bool {
	if parent == nil || (parent.EncryptionContextEquals == nil && parent.EncryptionContextSubset == nil) {
		return true
	}
	if c == nil {
		return false
	}
	if parent.EncryptionContextEquals != nil {
		return c.EncryptionContextEquals != nil && contextMeets(c.EncryptionContextEquals, &grantConstraints{EncryptionContextEquals: parent.EncryptionContextEquals})
	}
	for _, m := range []map[string]string{c.EncryptionContextEquals, c.EncryptionContextSubset} {
		if m != nil && contextMeets(m, &grantConstraints{EncryptionContextSubset: parent.EncryptionContextSubset}) {
			return true
		}
	}
	return false
}

// sameGrant reports whether g was made by a request with in's parameters
// (CreateGrant.18).
func (in *createGrantInput) sameGrant(g *Grant) bool {
	a, _ := json.Marshal(in.Constraints)
	b, _ := json.Marshal(g.Constraints)
	ops, gops := slices.Clone(in.Operations), slices.Clone(g.Operations)
	slices.Sort(ops)
	slices.Sort(gops)
	return g.Name == deref(in.Name) && g.GranteePrincipal == deref(in.GranteePrincipal) &&
		g.RetiringPrincipal == deref(in.RetiringPrincipal) && g.GranteeServicePrincipal == deref(in.GranteeServicePrincipal) &&
		g.RetiringServicePrincipal == deref(in.RetiringServicePrincipal) && slices.Equal(ops, gops) && string(a) == string(b)
}

// grantStateError is CreateGrant's key-state rule: Disabled is
// DisabledException, PendingDeletion, PendingImport and Creating are
// KMSInvalidStateException, Enabled, Unavailable and Updating work.
func grantStateError(k *Key, state KeyState) error {
	switch state {
	case KeyEnabled, KeyUnavailable, KeyUpdating:
		return nil
	case KeyDisabled:
		return errorf("DisabledException", "%s is disabled.", k.ARN)
	}
	return stateError(k, state)
}

func createGrant(c *call) (any, error) {
	var in createGrantInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := c.checkGrantTokens(in.GrantTokens); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if err := grantStateError(k, c.effectiveState(k)); err != nil {
		return nil, err
	}
	if err := in.checkFor(k); err != nil {
		return nil, err
	}
	if err := c.checkDerivedGrant(k, &in); err != nil {
		return nil, err
	}
	var same *Grant
	if in.Name != nil {
		if i := slices.IndexFunc(k.Grants, in.sameGrant); i >= 0 {
			same = k.Grants[i]
		}
	}
	if same == nil {
		mine := 0
		for _, g := range k.Grants {
			if g.GranteePrincipal != "" && g.GranteePrincipal == deref(in.GranteePrincipal) {
				mine++
			}
		}
		if len(k.Grants) >= maxGrantsPerKey || mine >= maxGrantsPerPrincipal { // CreateGrant.28
			return nil, errorf("LimitExceededException", "The request would exceed the quota of grants for %s.", k.ARN)
		}
	}
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	if same == nil {
		same = &Grant{
			ID: hex.EncodeToString(randomBytes(32)), Name: deref(in.Name), Created: c.now,
			GranteePrincipal: deref(in.GranteePrincipal), RetiringPrincipal: deref(in.RetiringPrincipal),
			GranteeServicePrincipal: deref(in.GranteeServicePrincipal), RetiringServicePrincipal: deref(in.RetiringServicePrincipal),
			IssuingAccount: "arn:" + partitionFor(c.region) + ":iam::" + c.acct.id + ":root",
			Operations:     slices.Clone(in.Operations), Constraints: in.Constraints,
		}
		k.Grants = append(k.Grants, same)
	}
	return struct {
		GrantId    string
		GrantToken string
	}{same.ID, newGrantToken(k, same)}, nil
}

// grantListEntry is one grant as ListGrants and ListRetirableGrants show it.
type grantListEntry struct {
	KeyID                    string            `json:"KeyId"`
	GrantID                  string            `json:"GrantId"`
	Name                     string            `json:"Name,omitempty"`
	CreationDate             *Timestamp        `json:"CreationDate,omitempty"`
	GranteePrincipal         string            `json:"GranteePrincipal,omitempty"`
	RetiringPrincipal        string            `json:"RetiringPrincipal,omitempty"`
	GranteeServicePrincipal  string            `json:"GranteeServicePrincipal,omitempty"`
	RetiringServicePrincipal string            `json:"RetiringServicePrincipal,omitempty"`
	IssuingAccount           string            `json:"IssuingAccount"`
	Operations               []string          `json:"Operations"`
	Constraints              *grantConstraints `json:"Constraints,omitempty"`
}

func grantEntry(k *Key, g *Grant) grantListEntry {
	return grantListEntry{KeyID: k.ARN, GrantID: g.ID, Name: g.Name, CreationDate: TimestampOf(g.Created),
		GranteePrincipal: g.GranteePrincipal, RetiringPrincipal: g.RetiringPrincipal,
		GranteeServicePrincipal: g.GranteeServicePrincipal, RetiringServicePrincipal: g.RetiringServicePrincipal,
		IssuingAccount: g.IssuingAccount, Operations: g.Operations, Constraints: g.Constraints}
}

type grantPage struct {
	Grants     []grantListEntry
	NextMarker string `json:",omitempty"`
	Truncated  bool
}

// documentedLimit refuses a Limit the model allows (up to 1000) but the
// member docs of the grant listings do not (over 100): the reference keeps
// to the docs (conflict E31).
func documentedLimit(limit *int64) error {
	if limit != nil && *limit > 100 {
		return errorf("ValidationException", "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100", *limit)
	}
	return nil
}

// pageOfGrants pages through entries by grant ID (default 50 a page), with
// markers bound to the list l.
func pageOfGrants(entries map[string]grantListEntry, p pageRequest, l listing) (grantPage, error) {
	ids := make([]string, 0, len(entries))
	for id := range entries {
		ids = append(ids, id)
	}
	page, next, err := paginate(ids, p, 50, l)
	if err != nil {
		return grantPage{}, err
	}
	out := grantPage{Grants: []grantListEntry{}, NextMarker: next, Truncated: next != ""}
	for _, id := range page {
		out.Grants = append(out.Grants, entries[id])
	}
	return out, nil
}

func listGrants(c *call) (any, error) {
	var in struct {
		pageRequest
		KeyID                   *string `json:"KeyId"`
		GrantID                 *string `json:"GrantId"`
		GranteePrincipal        *string `json:"GranteePrincipal"`
		GranteeServicePrincipal *string `json:"GranteeServicePrincipal"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	in.validate(&v, 1000)
	validateKeyID(&v, in.KeyID)
	v.Length("grantId", in.GrantID, 1, 128, false)
	v.Length("granteePrincipal", in.GranteePrincipal, 1, 256, false)
	v.Pattern("granteePrincipal", in.GranteePrincipal, principalPattern, false)
	v.Length("granteeServicePrincipal", in.GranteeServicePrincipal, 1, 128, false)
	v.Pattern("granteeServicePrincipal", in.GranteeServicePrincipal, servicePrincipalPattern, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := documentedLimit(in.Limit); err != nil { // ListGrants.16
		return nil, err
	}
	if in.GranteePrincipal != nil && in.GranteeServicePrincipal != nil { // ListGrants.09
		return nil, errorf("ValidationException", "Specify at most one of GranteePrincipal and GranteeServicePrincipal.")
	}
	if in.GranteeServicePrincipal != nil { // ListGrants.10: the reference's callers are never service principals
		return nil, errorf("AccessDeniedException", "Only a service principal may filter grants by GranteeServicePrincipal.")
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if in.GrantID != nil && !grantIDForm.MatchString(*in.GrantID) { // ListGrants.07
		return nil, errorf("InvalidGrantIdException", "Invalid grant ID: %s", *in.GrantID)
	}
	entries := map[string]grantListEntry{}
	for _, g := range k.Grants {
		if (in.GrantID == nil || g.ID == *in.GrantID) && (in.GranteePrincipal == nil || g.GranteePrincipal == *in.GranteePrincipal) {
			entries[g.ID] = grantEntry(k, g)
		}
	}
	return pageOfGrants(entries, in.pageRequest, listing{op: "ListGrants", account: c.acct.id, scope: k.ID})
}

func listRetirableGrants(c *call) (any, error) {
	var in struct {
		pageRequest
		RetiringPrincipal        *string `json:"RetiringPrincipal"`
		RetiringServicePrincipal *string `json:"RetiringServicePrincipal"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	in.validate(&v, 1000)
	v.Length("retiringPrincipal", in.RetiringPrincipal, 1, 256, false)
	v.Pattern("retiringPrincipal", in.RetiringPrincipal, principalPattern, false)
	v.Length("retiringServicePrincipal", in.RetiringServicePrincipal, 1, 128, false)
	v.Pattern("retiringServicePrincipal", in.RetiringServicePrincipal, servicePrincipalPattern, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := documentedLimit(in.Limit); err != nil { // ListRetirableGrants.12
		return nil, err
	}
	switch {
	case (in.RetiringPrincipal == nil) == (in.RetiringServicePrincipal == nil): // ListRetirableGrants.02, .03
		return nil, errorf("ValidationException", "Specify exactly one of RetiringPrincipal and RetiringServicePrincipal.")
	case in.RetiringServicePrincipal != nil: // .04
		return nil, errorf("AccessDeniedException", "Only a service principal may list the grants it can retire.")
	}
	acct, ok := principalAccount(*in.RetiringPrincipal)
	if !ok { // .06
		return nil, errorf("InvalidArnException", "%s is not a valid principal ARN.", *in.RetiringPrincipal)
	}
	if acct != c.acct.id { // .05
		return nil, errorf("AccessDeniedException", "User: arn:%s:iam::%s:root is not authorized to list the grants %s can retire.", partitionFor(c.region), c.acct.id, *in.RetiringPrincipal)
	}
	entries := map[string]grantListEntry{}
	for ar, a := range c.svc.accounts { // .01: grants on keys of every account, in this Region
		if ar.region != c.region {
			continue
		}
		for _, k := range a.keys {
			for _, g := range k.Grants {
				if g.RetiringPrincipal == *in.RetiringPrincipal {
					entries[g.ID] = grantEntry(k, g)
				}
			}
		}
	}
	return pageOfGrants(entries, in.pageRequest, listing{op: "ListRetirableGrants", account: c.acct.id, scope: *in.RetiringPrincipal})
}

// removeGrant ends grant g of key k.
func removeGrant(k *Key, g *Grant) {
	k.Grants = slices.DeleteFunc(k.Grants, func(x *Grant) bool { return x == g })
}

// grantByID finds grant id of k: a malformed ID is InvalidGrantIdException,
// an unknown one NotFoundException (RevokeGrant.04, RetireGrant.09).
func grantByID(k *Key, id string) (*Grant, error) {
	if !grantIDForm.MatchString(id) {
		return nil, errorf("InvalidGrantIdException", "Invalid grant ID: %s", id)
	}
	for _, g := range k.Grants {
		if g.ID == id {
			return g, nil
		}
	}
	return nil, errorf("NotFoundException", "Grant ID %s not found", id)
}

func retireGrant(c *call) (any, error) {
	var in struct {
		GrantToken *string `json:"GrantToken"`
		KeyID      *string `json:"KeyId"`
		GrantID    *string `json:"GrantId"`
		DryRun     *bool   `json:"DryRun"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	v.Length("grantToken", in.GrantToken, 1, 8192, false)
	v.Length("keyId", in.KeyID, 1, 2048, false)
	v.Length("grantId", in.GrantID, 1, 128, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var k *Key
	var g *Grant
	switch {
	case in.GrantToken != nil: // RetireGrant.01, .06, .07
		var err error
		if k, g, err = c.tokenGrant(*in.GrantToken); err != nil {
			return nil, err
		}
		if g == nil {
			return nil, errorf("NotFoundException", "The grant the token names no longer exists.")
		}
	case in.KeyID != nil && in.GrantID != nil: // .02
		var err error
		if k, err = c.retiringKey(*in.KeyID); err != nil {
			return nil, err
		}
		if g, err = grantByID(k, *in.GrantID); err != nil {
			return nil, err
		}
	default: // .03, .04
		return nil, errorf("ValidationException", "Specify a GrantToken, or a KeyId and a GrantId.")
	}
	if !c.mayRetire(k, g) { // .11, .12
		return nil, errorf("AccessDeniedException", "User: arn:%s:iam::%s:root is not authorized to retire grant %s.", partitionFor(c.region), c.acct.id, g.ID)
	}
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	removeGrant(k, g)
	return nil, nil
}

// retiringKey resolves RetireGrant's KeyId. Whether the caller may retire
// is the grant's to say (mayRetire), not the key policy's, so a key ARN of
// another account names that account's key as it is (RetireGrant.13).
func (c *call) retiringKey(keyID string) (*Key, error) {
	arn, ok := parseKMSARN(keyID)
	if !ok || arn.Account == c.acct.id || arn.Region != c.region || !strings.HasPrefix(arn.Resource, "key/") {
		return c.resolveKey(keyID, keyOrARN)
	}
	if owner, ok := c.svc.accounts[accountRegion{arn.Account, c.region}]; ok {
		if k, ok := owner.keys[strings.TrimPrefix(arn.Resource, "key/")]; ok {
			return k, nil
		}
	}
	return nil, errorf("NotFoundException", "Key '%s' does not exist", keyID)
}

// mayRetire: the account of the grant's retiring principal, the grantee's
// account when the grant lists RetireGrant, and the account that owns the
// key (where the grant was created) may retire it (RetireGrant.11).
func (c *call) mayRetire(k *Key, g *Grant) bool {
	if k.Account == c.acct.id {
		return true
	}
	if acct, ok := principalAccount(g.RetiringPrincipal); ok && acct == c.acct.id {
		return true
	}
	acct, ok := principalAccount(g.GranteePrincipal)
	return ok && acct == c.acct.id && slices.Contains(g.Operations, "RetireGrant")
}

func revokeGrant(c *call) (any, error) {
	var in struct {
		KeyID   *string `json:"KeyId"`
		GrantID *string `json:"GrantId"`
		DryRun  *bool   `json:"DryRun"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Required("grantId", in.GrantID != nil)
	v.Length("grantId", in.GrantID, 1, 128, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	g, err := grantByID(k, *in.GrantID)
	if err != nil {
		return nil, err
	}
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	removeGrant(k, g) // RevokeGrant.10: its permissions end at once
	return nil, nil
}
