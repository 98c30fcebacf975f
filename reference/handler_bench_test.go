package reference

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// handlerRequest is a signed-looking KMS request for ServeHTTP alone: these
// benchmarks measure the reference's own request path, without sockets or
// the SDK (see bench/ for those).
func handlerRequest(op, body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "TrentService."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAccessKey+"/20260101/"+testRegion+"/kms/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=00")
	return req
}

func serveOnce(tb testing.TB, svc *Service, op, body string) []byte {
	rec := httptest.NewRecorder()
	svc.ServeHTTP(rec, handlerRequest(op, body))
	if rec.Code != http.StatusOK {
		tb.Fatalf("%s: %d %s", op, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// BenchmarkHandler measures ServeHTTP for the operations emulator users call
// most, on one symmetric key.
func BenchmarkHandler(b *testing.B) {
	svc, err := New(Options{Region: testRegion})
	if err != nil {
		b.Fatal(err)
	}
	var created struct{ KeyMetadata struct{ KeyId string } }
	if err := json.Unmarshal(serveOnce(b, svc, "CreateKey", "{}"), &created); err != nil {
		b.Fatal(err)
	}
	keyID := created.KeyMetadata.KeyId
	var enc struct{ CiphertextBlob []byte }
	encryptBody := `{"KeyId":"` + keyID + `","Plaintext":"` + strings.Repeat("QUFB", 10) + `"}`
	if err := json.Unmarshal(serveOnce(b, svc, "Encrypt", encryptBody), &enc); err != nil {
		b.Fatal(err)
	}
	blob, _ := json.Marshal(enc.CiphertextBlob)
	for _, bc := range []struct{ op, body string }{
		{"Encrypt", encryptBody},
		{"Decrypt", `{"CiphertextBlob":` + string(blob) + `}`},
		{"DescribeKey", `{"KeyId":"` + keyID + `"}`},
	} {
		b.Run(bc.op, func(b *testing.B) {
			body := []byte(bc.body)
			req := handlerRequest(bc.op, "")
			w := &discardWriter{header: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				r := *req
				r.Body = readCloser{bytes.NewReader(body)}
				clear(w.header)
				svc.ServeHTTP(w, &r)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
		})
	}
}

// BenchmarkHandlerKeys measures DescribeKey and Encrypt on one key of an
// account holding many (a suite run creates thousands, and schedules most
// for deletion as it cleans up): a request's cost must not grow with them.
func BenchmarkHandlerKeys(b *testing.B) {
	for _, n := range []int{10, 5000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			svc, err := New(Options{Region: testRegion})
			if err != nil {
				b.Fatal(err)
			}
			var keyID string
			for i := range n {
				var created struct{ KeyMetadata struct{ KeyId string } }
				if err := json.Unmarshal(serveOnce(b, svc, "CreateKey", "{}"), &created); err != nil {
					b.Fatal(err)
				}
				keyID = created.KeyMetadata.KeyId
				if i%2 == 0 { // half pending deletion, not yet due
					serveOnce(b, svc, "ScheduleKeyDeletion", `{"KeyId":"`+keyID+`","PendingWindowInDays":7}`)
				}
			}
			for _, bc := range []struct{ op, body string }{
				{"DescribeKey", `{"KeyId":"` + keyID + `"}`},
				{"Encrypt", `{"KeyId":"` + keyID + `","Plaintext":"` + strings.Repeat("QUFB", 10) + `"}`},
			} {
				b.Run(bc.op, func(b *testing.B) {
					body := []byte(bc.body)
					req := handlerRequest(bc.op, "")
					w := &discardWriter{header: http.Header{}}
					b.ReportAllocs()
					for b.Loop() {
						r := *req
						r.Body = readCloser{bytes.NewReader(body)}
						clear(w.header)
						svc.ServeHTTP(w, &r)
						if w.status != http.StatusOK {
							b.Fatalf("status %d", w.status)
						}
					}
				})
			}
		})
	}
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
