package journal_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/kmsconform/kmsconform/proxy/journal"
)

func TestRingKeepsTheNewest(t *testing.T) {
	j := journal.New(journal.Options{Capacity: 3})
	for _, op := range []string{"a", "b", "c", "d", "e"} {
		j.Record(journal.Entry{Operation: op})
	}
	var got []string
	for _, e := range j.Entries() {
		got = append(got, e.Operation)
	}
	if strings.Join(got, "") != "cde" || j.Entries()[0].Seq != 3 {
		t.Errorf("entries = %v (first seq %d), want c d e from seq 3", got, j.Entries()[0].Seq)
	}
	if f := j.Filter(func(e journal.Entry) bool { return e.Operation == "d" }); len(f) != 1 || f[0].Seq != 4 {
		t.Errorf("filter = %+v", f)
	}
	j.Clear()
	if n := len(j.Entries()); n != 0 {
		t.Errorf("%d entries after Clear", n)
	}
	if e := j.Record(journal.Entry{}); e.Seq != 6 {
		t.Errorf("seq after clear = %d, want 6", e.Seq)
	}
}

// lockedBuffer is a sink the test can read while the writer may still write.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestSinkWritesJSONLines(t *testing.T) {
	var sink lockedBuffer
	j := journal.New(journal.Options{Capacity: 2, Sink: &sink})
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j.Record(journal.Entry{Operation: "Encrypt", ProxyAttempt: i})
		}()
	}
	wg.Wait()
	if err := j.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	j.Record(journal.Entry{Operation: "after-close"}) // memory only, no panic
	sc := bufio.NewScanner(strings.NewReader(sink.String()))
	n := 0
	for sc.Scan() {
		var e journal.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Operation != "Encrypt" {
			t.Fatalf("line %d: %q: %v", n, sc.Text(), err)
		}
		n++
	}
	if uint64(n)+j.Dropped() != 50 {
		t.Errorf("sink has %d lines, %d dropped; want 50 in all", n, j.Dropped())
	}
}

func TestMaxBytesKeepsTheNewest(t *testing.T) {
	body := strings.Repeat("x", 4000)
	j := journal.New(journal.Options{Capacity: 1000, MaxBytes: 10_000})
	for i := range 50 {
		j.Record(journal.Entry{Operation: fmt.Sprint(i), Request: journal.Message{Body: body}})
	}
	got := j.Entries()
	if len(got) != 2 || got[0].Operation != "48" || got[1].Operation != "49" {
		t.Fatalf("kept %d entries (first %+v), want the newest two, 48 and 49", len(got), got[0].Operation)
	}
	// An entry larger than the bound alone is still kept: the newest always is.
	j.Record(journal.Entry{Operation: "big", Request: journal.Message{Body: strings.Repeat("y", 20_000)}})
	if got := j.Entries(); len(got) != 1 || got[0].Operation != "big" {
		t.Fatalf("after a large entry: %d entries", len(got))
	}
	// Without MaxBytes only Capacity bounds memory.
	j = journal.New(journal.Options{Capacity: 5})
	for range 50 {
		j.Record(journal.Entry{Request: journal.Message{Body: body}})
	}
	if got := j.Entries(); len(got) != 5 || got[4].Seq != 50 {
		t.Fatalf("capacity only: %d entries, last seq %d", len(got), got[len(got)-1].Seq)
	}
}

func TestRedactBody(t *testing.T) {
	tests := []struct {
		name, body  string
		keep, leave []string
	}{
		{"top level", `{"Plaintext":"cGxhaW4=","KeyId":"k1"}`, []string{`"KeyId":"k1"`, journal.Redacted}, []string{"cGxhaW4="}},
		{"nested and case", `{"a":[{"b":{"keystorepassword":"pw1"}}],"XksProxyAuthenticationCredential":{"AccessKeyId":"AK1","RawSecretAccessKey":"S1"}}`,
			[]string{journal.Redacted}, []string{"pw1", "AK1", "S1"}},
		{"key material", `{"ImportToken":"dG9r","EncryptedKeyMaterial":"bWF0","CiphertextBlob":"Y2lw"}`, []string{"Y2lw"}, []string{"dG9r", "bWF0"}},
		{"truncated JSON naming a secret", `{"KeyId":"k","Plaintext":"cGxh`, []string{journal.Redacted}, []string{"cGxh"}},
		// GenerateDataKeyPair's answer: the private key in the clear goes, the
		// public key and the encrypted private key stay.
		{"data key pair", `{"KeyId":"k","KeyPairSpec":"ECC_NIST_P256","PrivateKeyCiphertextBlob":"Y2lw","PrivateKeyPlaintext":"cHJpdg==","PublicKey":"cHVi"}`,
			[]string{`"PrivateKeyPlaintext":"[REDACTED]"`, `"PublicKey":"cHVi"`, `"PrivateKeyCiphertextBlob":"Y2lw"`}, []string{"cHJpdg=="}},
		{"decrypted plaintext", `{"EncryptionAlgorithm":"RSAES_OAEP_SHA_256","KeyId":"k","Plaintext":"c2VjcmV0"}`,
			[]string{`"Plaintext":"[REDACTED]"`, `"EncryptionAlgorithm":"RSAES_OAEP_SHA_256"`}, []string{"c2VjcmV0"}},
		{"HTML page", `<html>503</html>`, []string{"<html>503</html>"}, nil},
		// Found by FuzzRedactBody: both were once kept as they came.
		{"JSON then more after a stray bracket", `{"KeyId":"k"}]{"Plaintext":"cGxh"}`, []string{journal.Redacted}, []string{"cGxh"}},
		{"cut body with an escaped member name", `{"KeyId":"k","Pl\u0061intext":"cGxh"`, []string{journal.Redacted}, []string{"cGxh"}},
		{"JSON with an escaped member name", `{"Pl\u0061intext":"cGxh"}`, []string{journal.Redacted}, []string{"cGxh"}},
		{"duplicate members, spacing kept", `{ "Plaintext" : "cGxh", "Plaintext":"c2Vj" }`, []string{`{ "Plaintext" : "[REDACTED]", "Plaintext":"[REDACTED]" }`}, []string{"cGxh", "c2Vj"}},
		{"object value with brackets and quotes in strings", `{"XksProxyAuthenticationCredential":{"AccessKeyId":"a}]\"","RawSecretAccessKey":["S1"]},"KeyId":"k"}`,
			[]string{`{"XksProxyAuthenticationCredential":"[REDACTED]","KeyId":"k"}`}, []string{"S1"}},
		{"secret name as a value only", `{"Description":"Plaintext","KeyId":"k"}`, []string{`{"Description":"Plaintext","KeyId":"k"}`}, nil},
		{"number value", `{"Plaintext":-1.5e3,"KeyId":"k"}`, []string{`{"Plaintext":"[REDACTED]","KeyId":"k"}`}, []string{"1.5e3"}},
		{"Kelvin sign folds to k", "{\"\u212AeyMaterial\":\"bWF0\"}", []string{journal.Redacted}, []string{"bWF0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := journal.RedactBody([]byte(tc.body), 0)
			for _, s := range tc.keep {
				if !strings.Contains(got, s) {
					t.Errorf("%s lost %q", got, s)
				}
			}
			for _, s := range tc.leave {
				if strings.Contains(got, s) {
					t.Errorf("%s still has %q", got, s)
				}
			}
		})
	}
	if got, cut := journal.RedactBody([]byte(`{"KeyId":"0123456789"}`), 8); !cut || len(got) != 8 {
		t.Errorf("cap: %q %v", got, cut)
	}
}

func TestRedactHeaders(t *testing.T) {
	h := http.Header{"Authorization": {"AWS4-HMAC-SHA256 Signature=abc"}, "X-Amz-Security-Token": {"tok"},
		"Cookie": {"c=1"}, "Set-Cookie": {"d=2"}, "X-Amz-Target": {"TrentService.Encrypt"}}
	got := journal.RedactHeaders(h)
	for _, k := range []string{"Authorization", "X-Amz-Security-Token", "Cookie", "Set-Cookie"} {
		if got[k] != journal.Redacted {
			t.Errorf("%s = %q", k, got[k])
		}
	}
	if got["X-Amz-Target"] != "TrentService.Encrypt" {
		t.Errorf("X-Amz-Target = %q", got["X-Amz-Target"])
	}
}

func TestErrorCode(t *testing.T) {
	tests := []struct {
		status int
		header string
		body   string
		want   string
	}{
		{400, "", `{"__type":"ThrottlingException","message":"m"}`, "ThrottlingException"},
		{500, "", `{"__type":"com.amazonaws.kms#KMSInternalException"}`, "KMSInternalException"},
		{500, "KeyUnavailableException:http://internal.amazon.com/coral/com.amazon.coral.availability/", `{}`, "KeyUnavailableException"},
		{400, "", `{"code":"ValidationException"}`, "ValidationException"},
		{503, "", `<html>503</html>`, ""},
		{200, "", `{"__type":"NotAnError"}`, ""},
	}
	for _, tc := range tests {
		h := http.Header{}
		if tc.header != "" {
			h.Set("x-amzn-ErrorType", tc.header)
		}
		if got := journal.ErrorCode(tc.status, h, []byte(tc.body)); got != tc.want {
			t.Errorf("ErrorCode(%d, %q, %s) = %q, want %q", tc.status, tc.header, tc.body, got, tc.want)
		}
	}
}

func TestRedactEncodedBody(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte(`{"Plaintext":"c2VjcmV0","KeyId":"k1"}`))
	zw.Close()
	got, _ := journal.RedactEncodedBody("gzip", zipped.Bytes(), 0)
	if strings.Contains(got, "c2VjcmV0") || !strings.Contains(got, `"KeyId":"k1"`) {
		t.Errorf("gzip body recorded as %q", got)
	}
	if got, _ := journal.RedactEncodedBody("br", []byte("whatever"), 0); !strings.HasPrefix(got, journal.Redacted) {
		t.Errorf("br body recorded as %q", got)
	}
	if got, _ := journal.RedactEncodedBody("gzip", []byte("not gzip"), 0); !strings.HasPrefix(got, journal.Redacted) {
		t.Errorf("broken gzip body recorded as %q", got)
	}
}

// stuckWriter blocks every write until released, like a hung disk.
type stuckWriter struct {
	release chan struct{}
	lines   lockedBuffer
}

func (s *stuckWriter) Write(p []byte) (int, error) {
	<-s.release
	return s.lines.Write(p)
}

func TestStuckSinkDoesNotHoldUpRecording(t *testing.T) {
	w := &stuckWriter{release: make(chan struct{})}
	j := journal.New(journal.Options{Capacity: 10, Sink: w})
	const total = 3000 // well past the sink's queue
	for range total {
		j.Record(journal.Entry{Operation: "Encrypt"})
	}
	if j.Dropped() == 0 {
		t.Fatal("nothing dropped although the sink never wrote")
	}
	close(w.release)
	if err := j.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(w.lines.String(), "\n"); uint64(n)+j.Dropped() != total {
		t.Errorf("%d written + %d dropped != %d", n, j.Dropped(), total)
	}
}

// BenchmarkRedactBody times the redaction every request and response body
// goes through, on bodies like the ones KMS clients exchange most.
func BenchmarkRedactBody(b *testing.B) {
	bodies := map[string]string{
		"encrypt-request":      `{"EncryptionAlgorithm":"SYMMETRIC_DEFAULT","KeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","Plaintext":"` + strings.Repeat("QUJD", 86) + `"}`,
		"describe-key-request": `{"KeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}`,
		"describe-key-response": `{"KeyMetadata":{"AWSAccountId":"111122223333","Arn":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",` +
			`"CreationDate":1.7e9,"CustomerMasterKeySpec":"SYMMETRIC_DEFAULT","Description":"","Enabled":true,"EncryptionAlgorithms":["SYMMETRIC_DEFAULT"],` +
			`"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","KeyManager":"CUSTOMER","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled","KeyUsage":"ENCRYPT_DECRYPT","MultiRegion":false,"Origin":"AWS_KMS"}}`,
	}
	for name, body := range bodies {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				journal.RedactBody([]byte(body), 64<<10)
			}
		})
	}
}

func TestKeptMessagesAreRedactedBeforeTheyLeave(t *testing.T) {
	header := http.Header{"Authorization": {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/secret"}, "X-Amz-Target": {"TrentService.Encrypt"}}
	small := []byte(`{"KeyId":"k","Plaintext":"c2VjcmV0LXBsYWludGV4dA=="}`)
	large := []byte(`{"KeyId":"k","Plaintext":"` + strings.Repeat("A", 20<<10) + `"}`) // redacted at once
	cases := []struct {
		name string
		sink bool
		body []byte
		read func(*journal.Journal) []journal.Entry
	}{
		{"entries", false, small, (*journal.Journal).Entries},
		{"filter", false, small, func(j *journal.Journal) []journal.Entry {
			var seen []journal.Entry
			j.Filter(func(e journal.Entry) bool { seen = append(seen, e); return false })
			return seen
		}},
		{"large body", false, large, (*journal.Journal).Entries},
		{"sink", true, small, (*journal.Journal).Entries},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var sink lockedBuffer
			opts := journal.Options{}
			if tc.sink {
				opts.Sink = &sink
			}
			j := journal.New(opts)
			e := journal.Entry{Operation: "Encrypt"}
			e.KeepRequest(header, tc.body, 64<<10)
			e.KeepResponse(http.Header{"Content-Type": {"application/x-amz-json-1.1"}}, []byte(`{"Plaintext":"AAAA","KeyId":"k"}`), 64<<10)
			j.Record(e)
			if err := j.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := tc.read(j)
			if len(got) != 1 {
				t.Fatalf("read %d entries, want 1", len(got))
			}
			out, _ := json.Marshal(got[0])
			text := string(out) + sink.String()
			for _, secret := range []string{"c2VjcmV0", "AKIDEXAMPLE", "AAAAAAAA", `"AAAA"`} {
				if strings.Contains(text, secret) {
					t.Errorf("%q leaked: %s", secret, text)
				}
			}
			r := got[0].Request
			if r.Headers["Authorization"] != journal.Redacted || r.Headers["X-Amz-Target"] != "TrentService.Encrypt" ||
				r.BodyBytes != len(tc.body) || !strings.Contains(r.Body, `"KeyId":"k"`) {
				t.Errorf("request = %+v", r)
			}
			if !strings.Contains(got[0].Response.Body, `"KeyId":"k"`) || got[0].Response.Headers["Content-Type"] == "" {
				t.Errorf("response = %+v", got[0].Response)
			}
			if tc.sink && !strings.Contains(sink.String(), journal.Redacted) {
				t.Errorf("sink = %s", sink.String())
			}
		})
	}
}

func TestRedactingOnReadKeepsTheByteBound(t *testing.T) {
	j := journal.New(journal.Options{MaxBytes: 20 << 10})
	body := []byte(`{"Plaintext":"` + strings.Repeat("x", 4<<10) + `"}`)
	for i := range 50 {
		e := journal.Entry{Operation: fmt.Sprint(i)}
		e.KeepRequest(http.Header{}, body, 64<<10)
		j.Record(e)
		if i%7 == 0 {
			j.Entries() // redacts what is kept, shrinking it
		}
	}
	got := j.Entries()
	if len(got) == 0 || len(got) > 5 || got[len(got)-1].Operation != "49" {
		t.Errorf("kept %d entries ending %q, want the newest few (4 KiB bodies under a 20 KiB bound)", len(got), got[len(got)-1].Operation)
	}
}

// The Message of a Sign, Verify, GenerateMac or VerifyMac request is the
// customer's data: the journal redacts it there, at the top level of the
// request only, and keeps the "message" of error answers and the members of
// other requests.
func TestRequestMessagesAreRedacted(t *testing.T) {
	const msg = "bWVzc2FnZS1jYW5hcnk="
	gzipped := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(s))
		zw.Close()
		return b.Bytes()
	}
	large := `{"KeyId":"k","Message":"` + msg + strings.Repeat("A", 20<<10) + `"}` // redacted at once
	cases := []struct {
		name, op, encoding string
		body               []byte
		response           bool
		keep, leave        []string
	}{
		{"Sign", "Sign", "", []byte(`{"KeyId":"k","Message":"` + msg + `","MessageType":"EXTERNAL_MU","SigningAlgorithm":"ML_DSA_SHAKE_256"}`), false,
			[]string{`{"KeyId":"k","Message":"[REDACTED]","MessageType":"EXTERNAL_MU","SigningAlgorithm":"ML_DSA_SHAKE_256"}`}, []string{msg}},
		{"Verify keeps the signature", "Verify", "", []byte(`{ "Signature" : "c2ln" , "Message" : "` + msg + `" }`), false,
			[]string{`{ "Signature" : "c2ln" , "Message" : "[REDACTED]" }`}, []string{msg}},
		{"GenerateMac", "GenerateMac", "", []byte(`{"Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256"}`), false, []string{`"MacAlgorithm":"HMAC_SHA_256"`}, []string{msg}},
		{"VerifyMac", "VerifyMac", "", []byte(`{"Mac":"bWFj","Message":"` + msg + `"}`), false, []string{`"Mac":"bWFj"`}, []string{msg}},
		{"any case, escaped", "Sign", "", []byte(`{"mESS\u0061GE":"` + msg + `"}`), false, []string{journal.Redacted}, []string{msg}},
		{"gzip", "Sign", "gzip", gzipped(`{"Message":"` + msg + `"}`), false, []string{journal.Redacted}, []string{msg}},
		{"large", "Sign", "", []byte(large), false, []string{`{"KeyId":"k","Message":"[REDACTED]"}`}, []string{msg}},
		{"not JSON", "Sign", "", []byte(`{"Message":"` + msg), false, []string{journal.Redacted}, []string{msg}},
		{"nested members stay", "Sign", "", []byte(`{"Message":"` + msg + `","Other":{"Message":"bmVzdGVk"}}`), false,
			[]string{`{"Message":"[REDACTED]","Other":{"Message":"bmVzdGVk"}}`}, []string{msg}},
		{"other operations", "Encrypt", "", []byte(`{"KeyId":"k","Message":"` + msg + `"}`), false, []string{msg}, nil},
		{"error answer", "Sign", "", []byte(`{"__type":"ValidationException","message":"Digest is invalid length","Message":"It is"}`), true,
			[]string{`"message":"Digest is invalid length","Message":"It is"`}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{"X-Amz-Target": {"TrentService." + tc.op}}
			if tc.encoding != "" {
				h.Set("Content-Encoding", tc.encoding)
			}
			e := journal.Entry{Operation: tc.op}
			e.KeepRequest(h, tc.body, 64<<10)
			if tc.response {
				e.KeepResponse(http.Header{"X-Amz-Target": {"TrentService." + tc.op}}, tc.body, 64<<10)
			}
			j := journal.New(journal.Options{})
			j.Record(e)
			got := j.Entries()[0].Request.Body
			if tc.response {
				got = j.Entries()[0].Response.Body
			}
			for _, s := range tc.keep {
				if !strings.Contains(got, s) {
					t.Errorf("%s lost %q", got, s)
				}
			}
			for _, s := range tc.leave {
				if strings.Contains(got, s) {
					t.Errorf("%s still has %q", got, s)
				}
			}
		})
	}
}
