package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func mustLoad(t *testing.T) *Catalog {
	t.Helper()
	cat, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cat
}

func TestCatalogCounts(t *testing.T) {
	cat := mustLoad(t)
	if got := len(cat.Operations); got != 54 {
		t.Errorf("operations = %d, want 54", got)
	}
	if got := len(cat.Conditions()); got != 1091 { // 1090 documented, 1 recorded only
		t.Errorf("conditions = %d, want 1091", got)
	}
	if got := len(cat.Pairs()); got != 391 {
		t.Errorf("(operation, error) pairs = %d, want 391", got)
	}
	if got := len(cat.Constraints()); got != 344 {
		t.Errorf("constraints = %d, want 344", got)
	}
	if got := len(cat.OtherConstraints); got != 0 { // ListKeys.V.ResourceOwners.enum went with ListKeys
		t.Errorf("other operations' constraints = %d, want 0", got)
	}
	kinds := make(map[Kind]int)
	for _, c := range cat.Conditions() {
		kinds[c.Kind]++
	}
	wantKinds := map[Kind]int{KindError: 505, KindUnspecified: 209, KindOK: 151, KindRule: 226}
	for k, want := range wantKinds {
		if kinds[k] != want {
			t.Errorf("conditions of kind %s = %d, want %d", k, kinds[k], want)
		}
	}
}

func TestCatalogPerOperation(t *testing.T) {
	cat := mustLoad(t)
	tests := []struct {
		op                 string
		conditions, errors int
	}{
		{"DeleteCustomKeyStore", 12, 4},
		{"DisconnectCustomKeyStore", 9, 3},
		{"DeleteImportedKeyMaterial", 18, 6},
		{"ConnectCustomKeyStore", 18, 5},
		{"CreateCustomKeyStore", 38, 17},
		{"DescribeCustomKeyStores", 10, 3},
		{"UpdateCustomKeyStore", 37, 17},
		{"GetParametersForImport", 18, 6},
		{"ImportKeyMaterial", 37, 10},
		{"ScheduleKeyDeletion", 16, 5},
		{"CancelKeyDeletion", 14, 5},
		{"CreateKey", 35, 13},
		{"DescribeKey", 11, 4},
		{"GenerateRandom", 10, 5},
		{"EnableKey", 13, 6},
		{"DisableKey", 13, 5},
		{"Encrypt", 35, 9},
		{"Decrypt", 37, 11},
		{"ReEncrypt", 35, 11},
		{"GenerateDataKey", 29, 9},
		{"GenerateDataKeyWithoutPlaintext", 27, 9},
		{"GenerateDataKeyPair", 27, 10},
		{"GenerateDataKeyPairWithoutPlaintext", 24, 10},
		{"GenerateMac", 17, 8},
		{"VerifyMac", 20, 9},
		{"DeriveSharedSecret", 24, 9},
		{"CreateAlias", 18, 7},
		{"DeleteAlias", 10, 4},
		{"ListAliases", 17, 5},
		{"UpdateAlias", 16, 5},
		{"TagResource", 18, 6},
		{"UntagResource", 11, 5},
		{"ListResourceTags", 12, 4},
		{"UpdateKeyDescription", 10, 5},
		{"ListKeys", 8, 3},
		{"CreateGrant", 32, 9},
		{"ListGrants", 20, 7},
		{"ListRetirableGrants", 16, 5},
		{"RetireGrant", 21, 8},
		{"RevokeGrant", 14, 7},
		{"GetKeyPolicy", 11, 5},
		{"PutKeyPolicy", 20, 8},
		{"ListKeyPolicies", 12, 5},
		{"EnableKeyRotation", 21, 7},
		{"DisableKeyRotation", 19, 7},
		{"GetKeyRotationStatus", 19, 6},
		{"RotateKeyOnDemand", 22, 9},
		{"ListKeyRotations", 16, 6},
		{"GetKeyLastUsage", 14, 4},
		{"ReplicateKey", 32, 10},
		{"UpdatePrimaryRegion", 19, 6},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			op, ok := cat.Operation(tt.op)
			if !ok {
				t.Fatalf("operation %s missing", tt.op)
			}
			if len(op.Conditions) != tt.conditions {
				t.Errorf("conditions = %d, want %d", len(op.Conditions), tt.conditions)
			}
			if len(op.Errors) != tt.errors {
				t.Errorf("errors = %d, want %d", len(op.Errors), tt.errors)
			}
		})
	}
}

// Every documented pair is explained by at least one error condition, so
// covering conditions and covering pairs are two views of the same catalog.
func TestEveryPairHasACondition(t *testing.T) {
	cat := mustLoad(t)
	explained := make(map[[2]string]bool)
	for _, c := range cat.Conditions() {
		if c.Kind == KindError {
			explained[[2]string{c.Operation, c.Error}] = true
		}
	}
	for _, p := range cat.Pairs() {
		if !explained[[2]string{p.Operation, p.Code}] {
			t.Errorf("pair %s/%s has no error condition", p.Operation, p.Code)
		}
		if p.HTTPStatus < 400 || p.HTTPStatus > 599 {
			t.Errorf("pair %s/%s has HTTP status %d", p.Operation, p.Code, p.HTTPStatus)
		}
		if (p.Fault == FaultServer) != (p.HTTPStatus >= 500) {
			t.Errorf("pair %s/%s: fault %s with HTTP %d", p.Operation, p.Code, p.Fault, p.HTTPStatus)
		}
	}
}

func TestLookups(t *testing.T) {
	cat := mustLoad(t)
	c, ok := cat.Condition("CreateKey.02")
	if !ok || c.Kind != KindOK || c.Operation != "CreateKey" || c.Text == "" {
		t.Errorf("Condition(CreateKey.02) = %+v, %v", c, ok)
	}
	c, ok = cat.Condition("DeleteCustomKeyStore.07")
	if !ok || c.Kind != KindError || c.Error != "CustomKeyStoreHasCMKsException" {
		t.Errorf("Condition(DeleteCustomKeyStore.07) = %+v, %v", c, ok)
	}
	if _, ok := cat.Condition("CreateKey.99"); ok {
		t.Error("Condition(CreateKey.99) found")
	}
	op, ok := cat.Operation("DescribeKey")
	if !ok || !op.Models("NotFoundException") || op.Models("KMSInvalidStateException") {
		t.Errorf("DescribeKey models the wrong errors: %+v", op.Errors)
	}
	con, ok := cat.Constraint("CreateCustomKeyStore.V.XksProxyUriPath.pattern")
	if !ok || con.Member != "XksProxyUriPath" || con.Kind != "pattern" {
		t.Errorf("Constraint(CreateCustomKeyStore.V.XksProxyUriPath.pattern) = %+v, %v", con, ok)
	}
	con, ok = cat.Constraint("GenerateRandom.V.NumberOfBytes.range")
	if !ok || con.Min == nil || con.Max == nil || *con.Min != 1 || *con.Max != 1024 {
		t.Errorf("Constraint(GenerateRandom.V.NumberOfBytes.range) = %+v, %v", con, ok)
	}
	// The member aws-sdk-go-v2/service/kms v1.63.0 added to ListKeys.
	con, ok = cat.Constraint("ListKeys.V.ResourceOwners.enum")
	if !ok || con.Operation != "ListKeys" || con.Member != "ResourceOwners[]" || con.Kind != "enum" ||
		strings.Join(con.Values, ",") != "SELF,OTHER_ACCOUNTS_VIA_RAM" {
		t.Errorf("Constraint(ListKeys.V.ResourceOwners.enum) = %+v, %v", con, ok)
	}
	if p, ok := cat.ErrorCode("DisabledException"); !ok || p.HTTPStatus != 409 {
		t.Errorf("ErrorCode(DisabledException) = %+v, %v", p, ok)
	}
	if p, ok := cat.ErrorCode("KMSInternalException"); !ok || p.HTTPStatus != 500 || p.Fault != FaultServer {
		t.Errorf("ErrorCode(KMSInternalException) = %+v, %v", p, ok)
	}
	if _, ok := cat.ErrorCode("NotFoundExeption"); ok {
		t.Error("a misspelt error code is known")
	}
	if !cat.IsCommonError("ValidationException") || cat.IsCommonError("NotFoundException") {
		t.Error("IsCommonError is wrong")
	}
	if !cat.KnowsOperation("Encrypt") || !cat.KnowsOperation("CreateKey") || cat.KnowsOperation("CreateKeys") {
		t.Error("KnowsOperation is wrong")
	}
	for _, f := range cat.Conflicts {
		if f.Note == "" || len(f.Refs) == 0 {
			t.Errorf("conflict %s lacks a note or refs", f.ID)
		}
	}
}

func TestConstraintPatterns(t *testing.T) {
	cat := mustLoad(t)
	for _, c := range cat.Constraints() {
		if c.Pattern == "" {
			continue
		}
		if _, err := c.Regexp(); err != nil {
			t.Errorf("%s: %v", c.ID, err)
		}
	}
	tests := []struct {
		id, value string
		match     bool
	}{
		{"CreateCustomKeyStore.V.XksProxyUriPath.pattern", "/kms/xks/v1", true},
		{"CreateCustomKeyStore.V.XksProxyUriPath.pattern", "/example/prefix/kms/xks/v12", true},
		{"CreateCustomKeyStore.V.XksProxyUriPath.pattern", "/kms/xks/v123", false},
		{"CreateCustomKeyStore.V.XksProxyUriPath.pattern", "/kms/xks", false},
		{"CreateCustomKeyStore.V.XksProxyUriEndpoint.pattern", "https://xks.example.com", true},
		{"CreateCustomKeyStore.V.XksProxyUriEndpoint.pattern", "https://xks.example.com:8443", false},
		{"DescribeCustomKeyStores.V.Marker.pattern", "plain marker", true},
		{"ImportKeyMaterial.V.KeyMaterialId.pattern", "0123abcdef", true},
		{"ImportKeyMaterial.V.KeyMaterialId.pattern", "0123ABCDEF", false},
	}
	for _, tt := range tests {
		con, ok := cat.Constraint(tt.id)
		if !ok {
			t.Fatalf("constraint %s missing", tt.id)
		}
		re, err := con.Regexp()
		if err != nil {
			t.Fatal(err)
		}
		if got := re.MatchString(tt.value); got != tt.match {
			t.Errorf("%s matches %q = %v, want %v", tt.id, tt.value, got, tt.match)
		}
	}
}

func TestHashStable(t *testing.T) {
	a, b := mustLoad(t), mustLoad(t)
	if a.Hash() != b.Hash() {
		t.Fatalf("two loads hash differently: %s vs %s", a.Hash(), b.Hash())
	}
	sum := sha256.Sum256(embedded)
	if want := hex.EncodeToString(sum[:]); a.Hash() != want {
		t.Errorf("Hash = %s, want SHA-256 of the embedded file %s", a.Hash(), want)
	}
	edited, err := Parse(append([]byte("# an edit\n"), embedded...))
	if err != nil {
		t.Fatal(err)
	}
	if edited.Hash() == a.Hash() {
		t.Error("an edited catalog hashes the same")
	}
}

// The checks in Parse must reject a catalog that contradicts itself.
func TestParseRejectsBadCatalogs(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown kind", "kind: ok", "kind: fine", "unknown kind"},
		{"schema version", "schemaVersion: 1", "schemaVersion: 2", "schema version 2"},
		{"error not modeled", "error: NotFoundException", "error: DisabledException", "does not model"},
		{"duplicate ID", "id: EnableKey.02", "id: EnableKey.01", "listed twice"},
		{"ID of another operation", "id: DisableKey.01", "id: EnableKey.09", "not of the form"},
		{"unknown field", "sources: [operation-doc]", "sauces: [operation-doc]", "not found"},
		{"bad conflict ref", "refs: [EnableKey.01]", "refs: [EnableKey.42]", "unknown"},
		{"bad fault", "fault: server", "fault: nobody", "neither client nor server"},
		{"bad pattern", "pattern: '^[a-f0-9]+$'", "pattern: '^[a-f0-9+$'", "KeyMaterialId"},
		{"other constraint of a focus operation", "id: Encrypt.V.EncryptionAlgorithm.enum", "id: EnableKey.V.EncryptionAlgorithm.enum", "not named after an operation outside the focus set"},
		{"other constraint of no operation", "id: Encrypt.V.EncryptionAlgorithm.enum", "id: Encrypts.V.EncryptionAlgorithm.enum", "not named after an operation outside the focus set"},
		{"other constraint listed twice", "id: Encrypt.V.EncryptionAlgorithm.enum", "id: Encrypt.V.Plaintext.length", "listed twice"},
	}
	if _, err := Parse([]byte(tinyCatalog)); err != nil {
		t.Fatalf("the unedited test catalog must parse: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(tinyCatalog, tt.old, tt.new, 1)
			if doc == tinyCatalog {
				t.Fatalf("test edit %q not applied", tt.old)
			}
			_, err := Parse([]byte(doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// tinyCatalog is a small, valid catalog for coverage tests.
const tinyCatalog = `schemaVersion: 1
source: test
operations:
  - name: EnableKey
    errors:
      - {code: NotFoundException, http: 404, fault: client}
      - {code: KMSInternalException, http: 500, fault: server}
    conditions:
      - id: EnableKey.01
        kind: error
        error: NotFoundException
        text: 'no such key'
        sources: [error-doc]
      - id: EnableKey.02
        kind: ok
        text: 'a Disabled key becomes Enabled'
        sources: [operation-doc]
      - id: EnableKey.03
        kind: error
        error: KMSInternalException
        text: 'internal failure'
        sources: [error-doc]
    constraints:
      - {id: EnableKey.V.KeyId.required, member: KeyId, kind: required, shape: KeyIdType}
      - {id: EnableKey.V.KeyMaterialId.pattern, member: KeyMaterialId, kind: pattern, shape: BackingKeyIdType, pattern: '^[a-f0-9]+$'}
  - name: DisableKey
    errors:
      - {code: NotFoundException, http: 404, fault: client}
    conditions:
      - id: DisableKey.01
        kind: error
        error: NotFoundException
        text: 'no such key'
        sources: [error-doc]
    constraints: []
conflicts:
  - id: E1
    title: test
    note: a note
    refs: [EnableKey.01]
otherOperations: [Encrypt]
otherConstraints:
  - {id: Encrypt.V.EncryptionAlgorithm.enum, member: EncryptionAlgorithm, kind: enum, shape: EncryptionAlgorithmSpec, values: [SYMMETRIC_DEFAULT]}
  - {id: Encrypt.V.Plaintext.length, member: Plaintext, kind: length, shape: PlaintextType, min: 1, max: 4096, unit: bytes}
otherErrors:
  - {code: DisabledException, http: 409, fault: client}
commonErrors:
  - {code: ValidationException, http: 400, fault: client}
`
