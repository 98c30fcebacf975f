package journal

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// Redacted replaces every secret the journal must never hold.
const Redacted = "[REDACTED]"

// secretHeaders are request and response headers whose values are credentials.
var secretHeaders = []string{"Authorization", "X-Amz-Security-Token", "Cookie", "Set-Cookie", "Proxy-Authorization"}

// secretMembers are JSON members (lower-cased) holding secrets: plaintext,
// key store passwords, external key store credentials (the whole object, and
// the access key ID that DescribeCustomKeyStores echoes back),
// shared secrets, and imported key material with its import token.
var secretMembers = []string{"plaintext", "privatekeyplaintext", "keystorepassword",
	"xksproxyauthenticationcredential", "rawsecretaccesskey", "accesskeyid", "encryptedkeymaterial", "importtoken",
	"sharedsecret", "keymaterial"}

// requestMembers are top-level request members (lower-cased), by operation,
// that hold the customer's data under a name too common to redact at any
// depth: the Message of Sign and Verify (a message, its digest or an ML-DSA
// mu) and of GenerateMac and VerifyMac. An error answer's "message" is its
// text, evidence the journal keeps.
var requestMembers = map[string][]string{
	"Sign": {"message"}, "Verify": {"message"}, "GenerateMac": {"message"}, "VerifyMac": {"message"},
}

// requestSecrets are the top-level members to redact in a request with the
// X-Amz-Target of h ("TrentService.Sign").
func requestSecrets(h http.Header) []string {
	target := h.Get("X-Amz-Target")
	return requestMembers[target[strings.LastIndexByte(target, '.')+1:]]
}

// RedactHeaders flattens h into one value per name (joined with ", "), with
// secret headers replaced by Redacted.
func RedactHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		v := ""
		if len(vs) == 1 {
			v = vs[0]
		} else if len(vs) > 1 {
			v = strings.Join(vs, ", ")
		}
		out[http.CanonicalHeaderKey(k)] = v
	}
	for _, k := range secretHeaders {
		if _, ok := out[k]; ok {
			out[k] = Redacted
		}
	}
	return out
}

// RedactBody returns body with secret JSON members replaced by Redacted at
// any depth, cut to at most max bytes (max <= 0: no cut). A body that is not
// one JSON value but may name a secret member is withheld whole, since it
// cannot be redacted member by member (a truncated JSON body, for instance).
//
// It runs on every request and response, so it never builds a tree: a body
// that cannot name a secret member (most of them) is kept as it came, and
// one that may is validated, then rewritten in one pass over its bytes.
func RedactBody(body []byte, max int) (text string, truncated bool) {
	return redactBody(body, max, nil)
}

// redactBody is RedactBody that also redacts the top-level members topLevel
// (lower-cased) names: a body that must lose one is never kept unchecked.
func redactBody(body []byte, max int, topLevel []string) (text string, truncated bool) {
	if len(body) == 0 {
		return "", false
	}
	out := body
	if len(topLevel) > 0 || mayNameSecret(body) {
		if !json.Valid(body) {
			return fmt.Sprintf("%s (body of %d bytes that is not JSON but may name a secret member)", Redacted, len(body)), false
		}
		out = redactMembers(body)
		if len(topLevel) > 0 {
			out = redactTopLevel(out, topLevel)
		}
	}
	if max > 0 && len(out) > max {
		return string(out[:max]), true
	}
	return string(out), false
}

// redactedValue replaces the value of a secret member.
const redactedValue = `"` + Redacted + `"`

// redactMembers replaces the value of every secret member of body, which
// must be valid JSON, and returns body itself when there is none. In valid
// JSON a string followed by a colon is a member name, and a quote outside a
// string always opens one, so a scan that skips strings finds every name.
func redactMembers(body []byte) []byte {
	var out []byte // nil until the first secret member
	copied := 0    // body[:copied] is in out already
	for i := 0; i < len(body); {
		if body[i] != '"' {
			i++
			continue
		}
		end := stringEnd(body, i)
		colon := skipSpace(body, end)
		if colon >= len(body) || body[colon] != ':' || !isNamed(body[i:end], secretMembers) {
			i = end
			continue
		}
		value := skipSpace(body, colon+1)
		out = append(out, body[copied:value]...)
		out = append(out, redactedValue...)
		copied = valueEnd(body, value)
		i = copied
	}
	if out == nil {
		return body
	}
	return append(out, body[copied:]...)
}

// redactTopLevel replaces the values of the members of body's top-level
// object that names (lower-cased) lists; body must be valid JSON. Members of
// nested objects keep their values.
func redactTopLevel(body []byte, names []string) []byte {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return body
	}
	var out []byte // nil until the first member redacted
	copied := 0
	for i = skipSpace(body, i+1); i < len(body) && body[i] == '"'; {
		end := stringEnd(body, i)
		value := skipSpace(body, skipSpace(body, end)+1) // past the colon
		next := valueEnd(body, value)
		if isNamed(body[i:end], names) {
			out = append(out, body[copied:value]...)
			out = append(out, redactedValue...)
			copied = next
		}
		if i = skipSpace(body, next); i < len(body) && body[i] == ',' {
			i = skipSpace(body, i+1)
		}
	}
	if out == nil {
		return body
	}
	return append(out, body[copied:]...)
}

// stringEnd returns the index just past the string that opens at b[i].
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// valueEnd returns the index just past the JSON value that starts at b[i].
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = stringEnd(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i // a number, true, false or null
	for j < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[j])) {
		j++
	}
	return j
}

// isNamed reports whether the quoted JSON string raw is one of names,
// lower-cased member names, comparing as the decoded, lower-cased name.
func isNamed(raw []byte, names []string) bool {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && isASCII(inner) {
		for _, name := range names {
			if len(inner) == len(name) && hasPrefixFoldASCII(inner, name) {
				return true
			}
		}
		return false
	}
	var name string
	if json.Unmarshal(raw, &name) != nil {
		return true // cannot happen in valid JSON; err on the side of secrecy
	}
	return slices.Contains(names, strings.ToLower(name))
}

// mayNameSecret reports whether body names a secret member, in any case; a
// \u escape could spell one, so it counts too.
func mayNameSecret(body []byte) bool {
	if bytes.Contains(body, []byte(`\u`)) {
		return true
	}
	var small [4096]byte // most bodies: lower-cased on the stack
	lower := small[:0]
	if len(body) <= len(small) {
		for _, c := range body {
			if c >= utf8.RuneSelf {
				lower = nil
				break
			}
			lower = append(lower, lowerASCII(c))
		}
	}
	if len(lower) != len(body) { // Unicode case folding can spell ASCII letters (K, the Kelvin sign, is k)
		lower = bytes.ToLower(body)
	}
	for _, name := range secretMembers {
		if bytes.Contains(lower, []byte(name)) {
			return true
		}
	}
	return false
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixFoldASCII reports whether b starts with lower, an ASCII
// lower-case string, in any case.
func hasPrefixFoldASCII(b []byte, lower string) bool {
	if len(b) < len(lower) {
		return false
	}
	for i := range len(lower) {
		if lowerASCII(b[i]) != lower[i] {
			return false
		}
	}
	return true
}

// maxDecodedBody bounds how much of a compressed body is inflated for redaction.
const maxDecodedBody = 16 << 20

// RedactEncodedBody is RedactBody for a body sent with the given
// Content-Encoding: gzip bodies are inflated first, since their compressed
// bytes still carry the secrets; other encodings are withheld whole.
func RedactEncodedBody(contentEncoding string, body []byte, max int) (text string, truncated bool) {
	return redactEncodedBody(contentEncoding, body, max, nil)
}

// redactEncodedBody is RedactEncodedBody that also redacts the top-level
// members topLevel names (see redactBody).
func redactEncodedBody(contentEncoding string, body []byte, max int, topLevel []string) (text string, truncated bool) {
	switch enc := strings.ToLower(strings.TrimSpace(contentEncoding)); enc {
	case "", "identity":
		return redactBody(body, max, topLevel)
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			plain, rerr := io.ReadAll(io.LimitReader(zr, maxDecodedBody))
			if rerr == nil {
				return redactBody(plain, max, topLevel)
			}
		}
		return fmt.Sprintf("%s (gzip body of %d bytes that does not inflate)", Redacted, len(body)), false
	default:
		return fmt.Sprintf("%s (%s-encoded body of %d bytes)", Redacted, enc, len(body)), false
	}
}
