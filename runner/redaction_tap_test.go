package runner_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// secretTap passes requests to a KMS endpoint and keeps the secrets its
// answers carry: data keys and private keys in the clear (GenerateDataKey,
// GenerateDataKeyPair), decrypted plaintexts (Decrypt) and ECDH shared
// secrets (DeriveSharedSecret), so that a test
// can show no output holds them. Values shorter than minSecret are left out:
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

func (t *secretTap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	members, ok := tappedMembers[op]
	if !ok {
		t.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	t.next.ServeHTTP(rec, r)
	var body map[string]any
	if json.Unmarshal(rec.Body.Bytes(), &body) == nil {
		for _, m := range members {
			s, _ := body[m].(string)
			if v, err := base64.StdEncoding.DecodeString(s); err == nil && len(v) >= minSecret {
				t.keep(op+" "+m, v)
			}
		}
	}
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

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
