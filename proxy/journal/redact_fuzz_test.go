package journal

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Placeholders in FuzzRedactBody's templates.
const (
	memberSlot  = "SECRETMEMBER"
	valueSlot   = "SECRETVALUE"
	secretValue = "Zq9-s3cr3t-value-Xv"
)

// FuzzRedactBody mutates a body template in which SECRETMEMBER becomes one of
// the members the journal redacts (in any case, possibly \u-escaped) and
// SECRETVALUE a known secret. Whatever the body, RedactBody must not panic,
// a cut must only shorten the full redaction, gzip must not change the
// result, and the secret must not survive when it was the value (at any
// depth) of a redacted member: in a JSON body that member is replaced, and a
// body that is not JSON but names a secret member is withheld whole.
func FuzzRedactBody(f *testing.F) {
	for _, s := range []string{
		`{"SECRETMEMBER":"SECRETVALUE"}`,
		`{"KeyId":"k","SECRETMEMBER":"SECRETVALUE","EncryptionContext":{"a":"b"}}`,
		`{"a":[{"b":{"SECRETMEMBER":"SECRETVALUE"}}]}`,
		`[{"SECRETMEMBER":{"AccessKeyId":"SECRETVALUE","Nested":["SECRETVALUE"]}}]`,
		`{"SECRETMEMBER":"SECRETVALUE"`,
		`{"KeyId":"k","SECRETMEMBER":"SECRETVALUE"} trailing`,
		`{"a":1}]{"SECRETMEMBER":"SECRETVALUE"}`,
		`{"a":1}}{"SECRETMEMBER":"SECRETVALUE"}`,
		`{"SECRETMEMBER":"SECRETVALUE","SECRETMEMBER":"x"}`,
		`{"Description":"SECRETMEMBER is a word"}`,
		`<html>503 SECRETVALUE</html>`,
		`{"KeyId":1e999,"SECRETMEMBER":"SECRETVALUE"}`,
		``, `null`, `"SECRETVALUE"`, `[[[[[[[[[[]]]]]]]]]]`,
	} {
		f.Add([]byte(s), uint8(0), uint8(0), int16(0))
		f.Add([]byte(s), uint8(3), uint8(5), int16(9))
	}
	f.Fuzz(func(t *testing.T, template []byte, member, variant uint8, max int16) {
		name := memberName(secretMembers[int(member)%len(secretMembers)], variant)
		body := bytes.ReplaceAll(template, []byte(memberSlot), []byte(name))
		body = bytes.ReplaceAll(body, []byte(valueSlot), []byte(secretValue))
		namesSecret := bytes.Contains(template, []byte(memberSlot))

		full, fullCut := RedactBody(body, 0)
		if fullCut {
			t.Fatalf("cut without a cap")
		}
		if cut, isCut := RedactBody(body, int(max)); !strings.HasPrefix(full, cut) || (isCut && len(cut) != int(max)) {
			t.Fatalf("capped at %d: %q is not a prefix of %q", max, cut, full)
		}
		var zipped bytes.Buffer
		zw := gzip.NewWriter(&zipped)
		zw.Write(body)
		zw.Close()
		if got, _ := RedactEncodedBody("gzip", zipped.Bytes(), 0); got != full {
			t.Fatalf("gzip changed the result:\n%q\n%q", got, full)
		}

		// A JSON body reads back as the tree of the body with every secret
		// member's value replaced (the way the journal once redacted).
		if want, ok := redactTree(body); ok {
			got, err := decodeNumbers([]byte(full))
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("body %q redacted as %q (%v), want the tree %#v", body, full, err, want)
			}
		}

		if !strings.Contains(full, secretValue) {
			return
		}
		var v any
		if json.Unmarshal(body, &v) == nil {
			if secretOnlyUnderRedactedMembers(v, false) {
				t.Fatalf("body %q: a redacted member's secret survived: %q", body, full)
			}
			return
		}
		if namesSecret {
			t.Fatalf("body %q is not JSON and names %s, yet was kept: %q", body, name, full)
		}
	})
}

// redactTree decodes a body that is one JSON value and replaces the value of
// every secret member in the tree.
func redactTree(body []byte) (any, bool) {
	v, err := decodeNumbers(body)
	if err != nil {
		return nil, false
	}
	var redact func(any)
	redact = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if slices.Contains(secretMembers, strings.ToLower(k)) {
					t[k] = Redacted
				} else {
					redact(e)
				}
			}
		case []any:
			for _, e := range t {
				redact(e)
			}
		}
	}
	redact(v)
	return v, true
}

// decodeNumbers decodes one JSON value, keeping numbers as written.
func decodeNumbers(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("more after the value")
	}
	return v, nil
}

// memberName spells name as a client might: any case, with its first
// letter \u-escaped.
func memberName(name string, variant uint8) string {
	switch variant % 3 {
	case 1:
		name = strings.ToUpper(name)
	case 2:
		name = strings.ToUpper(name[:1]) + name[1:]
	}
	if variant&4 != 0 {
		name = fmt.Sprintf(`\u%04x`, name[0]) + name[1:]
	}
	return name
}

// secretOnlyUnderRedactedMembers reports whether secretValue appears in v
// only inside values of redacted members (and so must not survive). It is
// false when the secret also appears anywhere else, where it may legitimately
// be kept.
func secretOnlyUnderRedactedMembers(v any, underSecret bool) bool {
	found, elsewhere := scanSecret(v, underSecret)
	return found && !elsewhere
}

func scanSecret(v any, underSecret bool) (found, elsewhere bool) {
	merge := func(f, e bool) { found, elsewhere = found || f, elsewhere || e }
	switch t := v.(type) {
	case string:
		if strings.Contains(t, secretValue) {
			return true, !underSecret
		}
	case []any:
		for _, e := range t {
			merge(scanSecret(e, underSecret))
		}
	case map[string]any:
		for k, e := range t {
			if strings.Contains(k, secretValue) {
				merge(true, true)
			}
			merge(scanSecret(e, underSecret || slices.Contains(secretMembers, strings.ToLower(k))))
		}
	}
	return found, elsewhere
}
