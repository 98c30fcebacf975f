package runner_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// secretTap passes requests to a KMS endpoint and keeps the secrets its
// answers carry: data keys and private keys in the clear (GenerateDataKey,
// GenerateDataKeyPair), decrypted plaintexts (Decrypt) and ECDH shared
// secrets (DeriveSharedSecret); and the customer data its requests carry in
// members too commonly named to redact everywhere (the Message of Sign,
// Verify, GenerateMac and VerifyMac), so that a test can show no output
// holds them. Values shorter than minSecret are left out:
// a key of a few bytes occurs in any file by chance.
type secretTap struct {
	next http.Handler
	mu   sync.Mutex
	// found are the secrets by what they are, such as "GenerateDataKey Plaintext".
	found map[string][][]byte
}

const minSecret = 16

// tappedMembers are the answer members the tap keeps, by operation.
var tappedMembers = map[string][]string{
	"GenerateDataKey":     {"Plaintext"},
	"GenerateDataKeyPair": {"PrivateKeyPlaintext"},
	"Decrypt":             {"Plaintext"},
	"DeriveSharedSecret":  {"SharedSecret"},
}

// tappedRequestMembers are the request members the tap keeps, by operation.
var tappedRequestMembers = map[string][]string{
	"Sign": {"Message"}, "Verify": {"Message"}, "GenerateMac": {"Message"}, "VerifyMac": {"Message"},
}

func (t *secretTap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	if members, ok := tappedRequestMembers[op]; ok && r.Body != nil {
		in, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(in))
		t.keepMembers(op, in, members)
	}
	members, ok := tappedMembers[op]
	if !ok {
		t.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	t.next.ServeHTTP(rec, r)
	t.keepMembers(op, rec.Body.Bytes(), members)
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// keepMembers keeps the base64 members of the JSON object body. A value of
// one byte repeated is left out: the input validation scenarios fill every
// blob member of their requests so (scenario's blob), the journal keeps it
// in the members that are no secret, and it is no customer's data. So is a
// value whose base64 text is one character repeated: the filler of the
// length constraints ("aaaa…"), which other members of the run carry too.
func (t *secretTap) keepMembers(op string, body []byte, members []string) {
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		return
	}
	for _, m := range members {
		s, _ := obj[m].(string)
		v, err := base64.StdEncoding.DecodeString(s)
		if err == nil && len(v) >= minSecret && bytes.Count(v, v[:1]) != len(v) && !oneCharRepeated(strings.TrimRight(s, "=")) {
			t.keep(op+" "+m, v)
		}
	}
}

func oneCharRepeated(s string) bool { return s != "" && strings.Count(s, s[:1]) == len(s) }

func (t *secretTap) keep(what string, v []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.found == nil {
		t.found = map[string][][]byte{}
	}
	t.found[what] = append(t.found[what], v)
}

// leaks names what of the tapped secrets b holds, in the clear or base64.
func (t *secretTap) leaks(b []byte) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for what, vs := range t.found {
		for _, v := range vs {
			for _, form := range [][]byte{v, []byte(base64.StdEncoding.EncodeToString(v)), []byte(base64.RawStdEncoding.EncodeToString(v))} {
				if bytes.Contains(b, form) {
					out = append(out, what)
				}
			}
		}
	}
	return out
}

// count is how many secrets of what the tap kept.
func (t *secretTap) count(what string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.found[what])
}
