package runner_test

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The tap keeps what it should and finds it again, plain or base64; it
// ignores short values and operations that answer no secret.
func TestSecretTapFindsLeaks(t *testing.T) {
	key := bytes.Repeat([]byte{0xa7}, 32)
	short := []byte{1, 2, 3}
	answers := map[string]string{
		"GenerateDataKey": `{"Plaintext":"` + base64.StdEncoding.EncodeToString(key) + `"}`,
		"Decrypt":         `{"Plaintext":"` + base64.StdEncoding.EncodeToString(short) + `"}`,
		"DescribeKey":     `{"Plaintext":"` + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32)) + `"}`,
	}
	tap := &secretTap{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(answers[strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")]))
	})}
	for op := range answers {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set("X-Amz-Target", "TrentService."+op)
		rec := httptest.NewRecorder()
		tap.ServeHTTP(rec, r)
		if rec.Body.String() != answers[op] {
			t.Errorf("%s: the tap changed the answer to %q", op, rec.Body.String())
		}
	}
	if tap.count("GenerateDataKey Plaintext") != 1 || tap.count("Decrypt Plaintext") != 0 || len(tap.found) != 1 {
		t.Errorf("kept %v, want the one data key", tap.found)
	}
	for name, b := range map[string][]byte{
		"plain": append([]byte("x"), key...), "base64": []byte(`"Plaintext":"` + base64.StdEncoding.EncodeToString(key) + `"`),
		"unpadded base64": []byte(base64.RawStdEncoding.EncodeToString(key)),
	} {
		if len(tap.leaks(b)) == 0 {
			t.Errorf("a %s data key is not found", name)
		}
	}
	if l := tap.leaks([]byte(`{"Plaintext":"<redacted>"}`)); len(l) != 0 {
		t.Errorf("a redacted answer leaks %v", l)
	}
}
