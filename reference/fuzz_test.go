package reference

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// FuzzServeKMS sends random bodies to random real operations. Whatever the
// body, the Service must not panic, must not answer a malformed request with
// a server fault, and must answer every failure with an AWS-style JSON error.
func FuzzServeKMS(f *testing.F) {
	svc, err := New(Options{Region: testRegion})
	if err != nil {
		f.Fatal(err)
	}
	ops := svc.Operations()
	slices.Sort(ops)
	seeds := []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"KeyId":null}`, `{"KeyId":""}`, `{"KeyId":7}`,
		`{"KeyId":"alias/x","Plaintext":"AAAA"}`, `{"CiphertextBlob":"S0MBAAA="}`,
		`{"KeyId":"arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555"}`,
		`{"Origin":"EXTERNAL","Tags":[{"TagKey":"a","TagValue":"b"}]}`, `{"Tags":[{}]}`,
		`{"NumberOfBytes":1e400}`, `{"NumberOfBytes":-1}`, `{"PendingWindowInDays":7.5}`,
		`{"ValidTo":"tomorrow"}`, `{"ValidTo":1e300}`, `{"Limit":1,"Marker":"after:"}`,
		`{"KeyId":"x","WrappingAlgorithm":"RSAES_OAEP_SHA_256","WrappingKeySpec":"RSA_2048"}`,
		`{"ImportToken":"!!","EncryptedKeyMaterial":"AA=="}`, "{\"KeyId\":\"\xff\xfe\"}",
	}
	for i, s := range seeds {
		f.Add(uint16(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, op uint16, body []byte) {
		target := ops[int(op)%len(ops)]
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "TrentService."+target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAccessKey+"/20260101/"+testRegion+"/kms/aws4_request, SignedHeaders=host, Signature=00")
		rec := httptest.NewRecorder()
		svc.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d, body %s", target, body, rec.Code, rec.Body.Bytes())
		}
		if rec.Code == http.StatusOK {
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s %q: 200 with a body that is not JSON: %q", target, body, rec.Body.Bytes())
			}
			return
		}
		var e struct {
			Type    *string `json:"__type"`
			Message *string `json:"message"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Type == nil || *e.Type == "" {
			t.Fatalf("%s %q: status %d with an error body that is not AWS-style JSON: %q", target, body, rec.Code, rec.Body.Bytes())
		}
		if got := rec.Header().Get("Content-Type"); got != "application/x-amz-json-1.1" {
			t.Fatalf("%s: Content-Type %q", target, got)
		}
	})
}
