package realkms_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kmsconform/kmsconform/catalog"
	"github.com/kmsconform/kmsconform/realkms"
)

const (
	snapshotPath = "tests/aws/services/kms/test_kms.snapshot.json"
	testPath     = "tests/aws/services/kms/test_kms.py"
)

func load(t *testing.T) []realkms.Entry {
	t.Helper()
	entries, err := realkms.Load()
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// The snapshot file records 94 Error objects; every one is in the corpus,
// once. Counting them guards against an entry lost in an edit.
func TestEverySnapshotErrorIsRecorded(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range load(t) {
		if e.Source.Path != snapshotPath && e.Source.Path != testPath {
			t.Errorf("%s: source path %q", e.ID, e.Source.Path)
		}
		if e.Source.Path == testPath && e.Source.Key != "" {
			t.Errorf("%s: a fact asserted in test code has no snapshot key", e.ID)
		}
		if e.Source.Path != snapshotPath || e.Want.OK {
			continue
		}
		where := e.Source.Test + " " + e.Source.Key
		if seen[where] {
			t.Errorf("%s: snapshot error %s recorded twice", e.ID, where)
		}
		seen[where] = true
		if e.Want.Status == 0 || e.Want.Message == nil {
			t.Errorf("%s: a snapshotted error has its status and message on record", e.ID)
		}
	}
	if len(seen) != 94 {
		t.Errorf("%d snapshot errors in the corpus, want the snapshot's 94", len(seen))
	}
}

// Condition IDs of the catalog's operations name conditions or constraints
// the catalog has, and every error code is one the catalog knows.
func TestCondsAndCodesAreKnown(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range load(t) {
		for _, id := range e.Conds {
			op, _, _ := strings.Cut(id, ".")
			if _, ok := cat.Operation(op); !ok {
				continue // an operation outside the catalog's focus set
			}
			_, cond := cat.Condition(id)
			_, constraint := cat.Constraint(id)
			if !cond && !constraint {
				t.Errorf("%s: condition %s is not in the catalog", e.ID, id)
			}
		}
		if e.Want.Code != "" {
			if _, ok := cat.ErrorCode(e.Want.Code); !ok {
				t.Errorf("%s: error code %s is unknown to the catalog", e.ID, e.Want.Code)
			}
		}
	}
}

func TestOperations(t *testing.T) {
	entries := load(t)
	byID := map[string]realkms.Entry{}
	for _, e := range entries {
		byID[e.ID] = e
	}
	for id, want := range map[string][]string{
		"DescribeKey.no-such-key.by-key-id":                      {"DescribeKey"},
		"Encrypt.pending-import-after-material-deleted":          {"Encrypt", "CreateKey", "GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial"},
		"ImportKeyMaterial.expiring-without-valid-to":            {"ImportKeyMaterial", "CreateKey", "GetParametersForImport"},
		"Decrypt.encryption-context-missing.GenerateDataKeyPair": {"Decrypt", "CreateKey", "GenerateDataKeyPair"},
		"DeriveSharedSecret.key-usage-sign-verify":               {"DeriveSharedSecret", "CreateKey", "GetPublicKey"},
	} {
		e, ok := byID[id]
		if !ok {
			t.Errorf("no entry %s", id)
			continue
		}
		if got := e.Operations(); !slices.Equal(got, want) {
			t.Errorf("%s: Operations() = %v, want %v", id, got, want)
		}
	}
}

const goodEntry = `
- id: DescribeKey.x
  operation: DescribeKey
  setup:
    keys:
      - name: key
        material: {imports: 1}
  request: {KeyId: "${key.id}"}
  want: {code: NotFoundException, status: 400, message: "Key '${key.arn}' (${key.material.1}) does not exist"}
  source: {repository: r/r, commit: 8b9a79f05846835cf4dff63ab7eefdde9df83783, path: p, test: "T::t", validated: "2025-01-02T03:04:05+00:00"}
`

// A corpus that a replayer could not act on is refused, and the error names
// the file, the line and what is wrong.
func TestLoadRejects(t *testing.T) {
	for _, tc := range []struct {
		name, file, text string
		want             []string
	}{
		{"unknown field", "DescribeKey.yaml", strings.Replace(goodEntry, "  operation:", "  colour: red\n  operation:", 1),
			[]string{"DescribeKey.yaml", "line 3", "colour"}},
		{"unknown field in setup", "DescribeKey.yaml", strings.Replace(goodEntry, "material: {imports: 1}", "material: {imports: 1, kind: x}", 1),
			[]string{"DescribeKey.yaml", "line 7", "kind"}},
		{"operation of another file", "Encrypt.yaml", goodEntry, []string{"Encrypt.yaml:2", "operation \"DescribeKey\""}},
		{"duplicate id", "DescribeKey.yaml", goodEntry + goodEntry, []string{"DescribeKey.yaml:12: DescribeKey.x: duplicate id"}},
		{"unknown name", "DescribeKey.yaml", strings.Replace(goodEntry, "${key.id}", "${other.id}", 1), []string{"names no setup key"}},
		{"unknown name in a setup key", "DescribeKey.yaml", strings.Replace(goodEntry, "material: {imports: 1}", "material: {imports: 1}\n        create: {Description: \"${nothing.id}\"}", 1), []string{"key key: ${nothing.id}: names no setup key"}},
		{"unknown attribute", "DescribeKey.yaml", strings.Replace(goodEntry, "${key.id}", "${key.colour}", 1), []string{"a key has"}},
		{"random bytes in a message", "DescribeKey.yaml", strings.Replace(goodEntry, "does not exist", "${bytes:3}", 1), []string{"cannot be matched"}},
		{"pattern in a request", "DescribeKey.yaml", strings.Replace(goodEntry, "${key.id}", "${hex64}", 1), []string{"cannot be sent"}},
		{"request-only value in a message", "DescribeKey.yaml", strings.Replace(goodEntry, "${key.arn}", "${key.importToken}", 1), []string{"only requests"}},
		{"material never imported", "DescribeKey.yaml", strings.Replace(goodEntry, "material.1", "material.2", 1), []string{"fewer than 2 setup imports"}},
		{"ok and a code", "DescribeKey.yaml", strings.Replace(goodEntry, "want: {", "want: {ok: true, ", 1), []string{"both ok and an error code"}},
		{"neither ok nor a code", "DescribeKey.yaml", strings.Replace(goodEntry, "code: NotFoundException, status: 400, ", "", 1), []string{"neither ok nor"}},
		{"bad condition ID", "DescribeKey.yaml", goodEntry + "  conds: [DescribeKey.3]\n", []string{"condition ID \"DescribeKey.3\""}},
		{"unknown lifecycle operation", "DescribeKey.yaml", strings.Replace(goodEntry, "material: {imports: 1}", "material: {imports: 1}\n        lifecycle: [Explode]", 1), []string{"lifecycle operation \"Explode\""}},
		{"superseded by nothing", "DescribeKey.yaml", goodEntry + "  superseded: DescribeKey.y\n", []string{"superseded names \"DescribeKey.y\""}},
		{"short commit", "DescribeKey.yaml", strings.Replace(goodEntry, "8b9a79f05846835cf4dff63ab7eefdde9df83783", "8b9a79f", 1), []string{"commit \"8b9a79f\""}},
		{"id of another operation", "DescribeKey.yaml", strings.Replace(goodEntry, "id: DescribeKey.x", "id: Encrypt.x", 1), []string{"is not DescribeKey.<name>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := realkms.LoadFS(fstest.MapFS{tc.file: {Data: []byte(tc.text)}})
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	if _, err := realkms.LoadFS(fstest.MapFS{"DescribeKey.yaml": {Data: []byte(goodEntry)}}); err != nil {
		t.Errorf("the good entry is refused: %v", err)
	}
}

// resolver resolves the names of a made-up replay.
func resolver(r realkms.Ref) (string, error) {
	switch r.String() {
	case "${region}":
		return "us-east-1", nil
	case "${account}":
		return "111122223333", nil
	case "${key.id}":
		return "1234abcd-12ab-34cd-56ef-1234567890ab", nil
	case "${key.arn}":
		return "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", nil
	case "${key.material.1}":
		return strings.Repeat("ab", 32), nil
	}
	return "", errors.New("unknown")
}

func TestExpandRequest(t *testing.T) {
	body, err := realkms.ExpandRequest(map[string]any{
		"KeyId":     "${key.arn}",
		"Plaintext": "${bytes:215}",
		"Tags":      []any{map[string]any{"TagKey": "${repeat:a:3}", "TagValue": "in ${region}"}},
		"N":         1,
	}, resolver)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		KeyId     string
		Plaintext []byte
		Tags      []struct{ TagKey, TagValue string }
		N         int
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	if got.KeyId != "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" || len(got.Plaintext) != 215 ||
		got.Tags[0].TagKey != "aaa" || got.Tags[0].TagValue != "in us-east-1" || got.N != 1 {
		t.Errorf("expanded to %s", body)
	}
	if _, err := realkms.ExpandRequest(map[string]any{"KeyId": "${nothing.id}"}, resolver); err == nil {
		t.Error("a reference the replay cannot resolve was expanded")
	}
	if _, err := realkms.ExpandRequest(map[string]any{"KeyId": "${hex64}"}, resolver); err == nil {
		t.Error("a pattern was sent")
	}
}

func TestMatch(t *testing.T) {
	hex := strings.Repeat("0f", 32)
	for _, tc := range []struct {
		pattern, got string
		ok           bool
	}{
		{"Key '${key.arn}' does not exist", "Key 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist", true},
		{"Key '${key.arn}' does not exist", "Key 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist", false},
		{"Key '${key.arn}' does not exist", "Key '${key.arn}' does not exist", false},
		{"", "", true},
		{"", "something", false},
		{"x.", "xx", false}, // literal text is not a regular expression
		{"id: ${hex64}.", "id: " + hex + ".", true},
		{"id: ${hex64}.", "id: " + hex[2:] + ".", false},
		{"id: ${hex64}.", "id: " + strings.ToUpper(hex) + ".", false},
		{"${repeat:ab:3}!", "ababab!", true},
		{"${repeat:ab:3}!", "abab!", false},
		{"value ${any}", "value 1.5", true},
		{"value ${any}", "value ", false},
		{"[${enum:A,B}]", "[C, B, A]", true},
		{"[${enum:A,B}]", "[A, C]", false},
		{"[${enum:A,B}]", "[A,B]", false},
		{"(id: ${key.material.1})", "(id: " + strings.Repeat("ab", 32) + ")", true},
	} {
		err := realkms.Match(tc.pattern, tc.got, resolver)
		if (err == nil) != tc.ok {
			t.Errorf("Match(%q, %q) = %v, want ok=%v", tc.pattern, tc.got, err, tc.ok)
		}
	}
}

// Every part of a recorded answer is checked: a wrong code, status,
// message or member fails.
func TestWantCheck(t *testing.T) {
	msg := "Key '${key.arn}' does not exist"
	empty := ""
	notFound := realkms.Want{Code: "NotFoundException", Status: 400, Message: &msg}
	arn := "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	right := realkms.Answer{Status: 400, Code: "NotFoundException", Message: "Key '" + arn + "' does not exist"}
	ok := realkms.Want{OK: true,
		Members: map[string]any{"KeyMetadata.KeyState": "Enabled", "KeyMetadata.Enabled": true, "KeyMetadata.N": 3, "KeyMetadata.Arn": "${key.arn}"},
		Unlike:  map[string]any{"KeyMaterialId": "${key.material.1}"},
		Absent:  []string{"KeyMetadata.DeletionDate"}}
	good := func() map[string]any {
		return map[string]any{"KeyMetadata": map[string]any{"KeyState": "Enabled", "Enabled": true, "N": 3.0, "Arn": arn}, "KeyMaterialId": strings.Repeat("cd", 32)}
	}
	with := func(path string, v any) map[string]any {
		b := good()
		parent, name := b, path
		if p, n, found := strings.Cut(path, "."); found {
			parent, name = b[p].(map[string]any), n
		}
		if v == nil {
			delete(parent, name)
		} else {
			parent[name] = v
		}
		return b
	}
	for _, tc := range []struct {
		name string
		want realkms.Want
		got  realkms.Answer
		ok   bool
	}{
		{"the recorded error", notFound, right, true},
		{"another code", notFound, realkms.Answer{Status: 400, Code: "InvalidArnException", Message: right.Message}, false},
		{"another status", notFound, realkms.Answer{Status: 404, Code: "NotFoundException", Message: right.Message}, false},
		{"another message", notFound, realkms.Answer{Status: 400, Code: "NotFoundException", Message: "Key not found"}, false},
		{"a success", notFound, realkms.Answer{Status: 200, Body: map[string]any{}}, false},
		{"no message where none was sent", realkms.Want{Code: "InvalidCiphertextException", Status: 400, Message: &empty},
			realkms.Answer{Status: 400, Code: "InvalidCiphertextException"}, true},
		{"a message where none was sent", realkms.Want{Code: "InvalidCiphertextException", Status: 400, Message: &empty},
			realkms.Answer{Status: 400, Code: "InvalidCiphertextException", Message: "bad"}, false},
		{"status and message not on record", realkms.Want{Code: "DisabledException"},
			realkms.Answer{Status: 409, Code: "DisabledException", Message: "anything"}, true},
		{"the recorded success", ok, realkms.Answer{Status: 200, Body: good()}, true},
		{"an error for a success", ok, right, false},
		{"a member missing", ok, realkms.Answer{Status: 200, Body: with("KeyMetadata.KeyState", nil)}, false},
		{"a member with another value", ok, realkms.Answer{Status: 200, Body: with("KeyMetadata.KeyState", "Disabled")}, false},
		{"a boolean member with another value", ok, realkms.Answer{Status: 200, Body: with("KeyMetadata.Enabled", false)}, false},
		{"a number member with another value", ok, realkms.Answer{Status: 200, Body: with("KeyMetadata.N", 4.0)}, false},
		{"a text member that is a number", ok, realkms.Answer{Status: 200, Body: with("KeyMetadata.Arn", 1.0)}, false},
		{"an unlike member with that value", ok, realkms.Answer{Status: 200, Body: with("KeyMaterialId", strings.Repeat("ab", 32))}, false},
		{"an absent member present", ok, realkms.Answer{Status: 200, Body: with("KeyMetadata.DeletionDate", 1.0)}, false},
	} {
		err := tc.want.Check(tc.got, resolver)
		if (err == nil) != tc.ok {
			t.Errorf("%s: Check = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

// The corpus's request templates expand with any resolver that knows the
// setup's names: a replayer never meets a placeholder it cannot fill.
func TestRequestsExpand(t *testing.T) {
	any64 := base64.StdEncoding.EncodeToString([]byte("value"))
	r := func(ref realkms.Ref) (string, error) { return any64, nil }
	for _, e := range load(t) {
		if _, err := realkms.ExpandRequest(e.Request, r); err != nil {
			t.Errorf("%s: %v", e.ID, err)
		}
		for _, b := range e.Setup.Blobs {
			if _, err := realkms.ExpandRequest(b.Request, r); err != nil {
				t.Errorf("%s: blob %s: %v", e.ID, b.Name, err)
			}
		}
	}
}
