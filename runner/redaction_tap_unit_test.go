package runner_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The tap keeps what it should and finds it again, plain or base64; it
// ignores short values and operations that answer no secret.
func TestSecretTapFindsLeaks(t *testing.T) {
	key := bytes.Repeat([]byte{0xa7, 0x01}, 16)
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

	// A Sign request's Message is kept, and the request reaches the endpoint whole.
	message := base64.StdEncoding.EncodeToString([]byte("a message of the customer's, 41 bytes long"))
	sign := `{"KeyId":"k","Message":"` + message + `"}`
	var got []byte
	tap.next = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got, _ = io.ReadAll(r.Body) })
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(sign))
	r.Header.Set("X-Amz-Target", "TrentService.Sign")
	tap.ServeHTTP(httptest.NewRecorder(), r)
	if string(got) != sign || tap.count("Sign Message") != 1 || len(tap.leaks([]byte(message))) == 0 {
		t.Errorf("the endpoint got %q; the tap kept %v", got, tap.found)
	}
	// The input validation scenarios' filler, one byte repeated, is no message.
	r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"Message":"`+base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("k"), 32))+`"}`))
	r.Header.Set("X-Amz-Target", "TrentService.Verify")
	tap.ServeHTTP(httptest.NewRecorder(), r)
	if tap.count("Verify Message") != 0 {
		t.Errorf("the tap kept a filler: %v", tap.found)
	}
}
