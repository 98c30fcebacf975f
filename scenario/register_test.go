package scenario

import (
	"strings"
	"testing"
)

// An answer of {} plus members the model does not list passes with a
// finding; an answer that is not a JSON object fails.
func TestEmptyResponse(t *testing.T) {
	tests := []struct {
		op, body string
		fails    bool
		finding  string // substring of the one finding expected; "" for none
	}{
		{"DisableKey", `{}`, false, ""},
		{"DisableKey", " {}\n", false, ""},
		{"DisableKey", `{"KeyId":"1234abcd","Note":{"a":1}}`, false, "DisableKey's response holds KeyId, Note, which the API model does not list"},
		{"DeleteImportedKeyMaterial", `{"KeyId":"arn","KeyMaterialId":"ab","Extra":true}`, false, "holds Extra, which"},
		{"DeleteImportedKeyMaterial", `{"KeyId":"arn","KeyMaterialId":"ab"}`, false, ""},
		{"EnableKey", `[]`, true, ""},
		{"EnableKey", `null`, true, ""},
		{"EnableKey", ``, true, ""},
		{"EnableKey", `<html>OK</html>`, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.op+" "+tc.body, func(t *testing.T) {
			w := &Scenario{Tested: true, Last: outcome{Op: tc.op, Status: 200, Body: []byte(tc.body)}}
			err := w.thenEmptyResponse()
			if (err != nil) != tc.fails {
				t.Fatalf("error %v, want failure %v", err, tc.fails)
			}
			switch f := w.result.Findings; {
			case tc.finding == "" && len(f) > 0:
				t.Errorf("findings %q, want none", f)
			case tc.finding != "" && (len(f) != 1 || !strings.Contains(f[0], tc.finding)):
				t.Errorf("findings %q, want one with %q", f, tc.finding)
			}
		})
	}
	if m := outputMembers("DeleteImportedKeyMaterial"); !m["KeyId"] || !m["KeyMaterialId"] || m["ResultMetadata"] {
		t.Errorf("DeleteImportedKeyMaterial's response members = %v", m)
	}
}
