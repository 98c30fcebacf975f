package reference

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// sendRaw sends one request to the KMS endpoint with any method, target and
// body, signed (in form only) for the test account, and returns the response
// with its body read.
func sendRaw(t *testing.T, method, url, target, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAccessKey+"/20260101/"+testRegion+"/kms/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestWireProtocolErrors checks the awsJson1_1 framing of requests the
// reference cannot route or parse: an unknown or missing X-Amz-Target, another
// method or path, a body that is not JSON, and a body of the wrong shape.
// Every answer is a 400 with an AWS-style JSON error, the awsJson1_1 content
// type and an x-amzn-RequestId.
func TestWireProtocolErrors(t *testing.T) {
	_, url := startReference(t, Options{})
	tests := []struct {
		name, method, path, target, body, code string
	}{
		{"unknown operation", http.MethodPost, "/", "TrentService.NoSuchOperation", `{}`, "UnknownOperationException"},
		{"another service's prefix", http.MethodPost, "/", "DynamoDB_20120810.ListTables", `{}`, "UnknownOperationException"},
		{"no target", http.MethodPost, "/", "", `{}`, "UnknownOperationException"},
		{"GET", http.MethodGet, "/", "TrentService.ListKeys", ``, "UnknownOperationException"},
		{"another path", http.MethodPost, "/keys", "TrentService.ListKeys", `{}`, "UnknownOperationException"},
		{"body is not JSON", http.MethodPost, "/", "TrentService.DescribeKey", `{"KeyId":`, "SerializationException"},
		{"body is plain text", http.MethodPost, "/", "TrentService.ListKeys", `hello`, "SerializationException"},
		{"body is a JSON array", http.MethodPost, "/", "TrentService.DescribeKey", `[]`, "SerializationException"},
		{"member of the wrong type", http.MethodPost, "/", "TrentService.DescribeKey", `{"KeyId":["x"]}`, "SerializationException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := sendRaw(t, tc.method, url+tc.path, tc.target, tc.body)
			var got errorBody
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("body %q is not JSON: %v", body, err)
			}
			if resp.StatusCode != http.StatusBadRequest || got.Type != tc.code {
				t.Fatalf("got %d %s (%q), want 400 %s", resp.StatusCode, got.Type, got.Message, tc.code)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
				t.Errorf("Content-Type = %q", ct)
			}
			if id := resp.Header.Get("x-amzn-RequestId"); !requestIDPattern.MatchString(id) {
				t.Errorf("x-amzn-RequestId = %q, want a UUID", id)
			}
		})
	}
}

// TestWireRequestIDAndStatus checks, through the SDK, that every response,
// success or error, carries a fresh x-amzn-RequestId, and that each error
// comes with the HTTP status real KMS sends: 400 for NotFoundException,
// KMSInvalidStateException and DisabledException (recorded; the model says 404
// and 409) and DryRunOperationException (the model says 412), and 400 for
// the other client faults.
func TestWireRequestIDAndStatus(t *testing.T) {
	e := newKeysEnv(t)
	out, err := e.kms.CreateKey(testCtx(t), &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if !requestIDPattern.MatchString(id) {
		t.Fatalf("CreateKey request ID = %q, want a UUID", id)
	}
	seen[id] = true
	disabled := e.makeKey(t, kindDisabled)
	doomed := e.makeKey(t, kindPendingDeletion)
	tests := []struct {
		name   string
		call   func() error
		code   string
		status int
	}{
		{"NotFoundException", func() error {
			_, err := e.kms.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: aws.String("11111111-2222-3333-4444-555555555555")})
			return err
		}, "NotFoundException", http.StatusBadRequest},
		{"KMSInvalidStateException", func() error {
			_, err := e.kms.EnableKey(testCtx(t), &kms.EnableKeyInput{KeyId: doomed.KeyId})
			return err
		}, "KMSInvalidStateException", http.StatusBadRequest},
		{"DisabledException", func() error {
			_, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: disabled.KeyId, Plaintext: []byte("x")})
			return err
		}, "DisabledException", http.StatusBadRequest},
		{"DryRunOperationException", func() error {
			_, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: out.KeyMetadata.KeyId, Plaintext: []byte("x"), DryRun: aws.Bool(true)})
			return err
		}, "DryRunOperationException", http.StatusBadRequest},
		{"ValidationException", func() error {
			_, err := e.kms.GenerateRandom(testCtx(t), &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(0)})
			return err
		}, "ValidationException", http.StatusBadRequest},
		{"CustomKeyStoreNotFoundException", func() error {
			_, err := e.kms.ConnectCustomKeyStore(testCtx(t), &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: aws.String("cks-0123456789abcdef0")})
			return err
		}, "CustomKeyStoreNotFoundException", http.StatusBadRequest},
		{"UnsupportedOperationException", func() error {
			_, err := e.kms.GetParametersForImport(testCtx(t), &kms.GetParametersForImportInput{KeyId: out.KeyMetadata.KeyId,
				WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256, WrappingKeySpec: types.WrappingKeySpecRsa2048})
			return err
		}, "UnsupportedOperationException", http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			wantCode(t, err, tc.code)
			var re *awshttp.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("%v is not an HTTP response error", err)
			}
			if re.HTTPStatusCode() != tc.status {
				t.Errorf("status = %d, want %d", re.HTTPStatusCode(), tc.status)
			}
			if id := re.ServiceRequestID(); !requestIDPattern.MatchString(id) || seen[id] {
				t.Errorf("request ID %q is not a fresh UUID", id)
			} else {
				seen[id] = true
			}
		})
	}
}

// TestMissingRequiredMembers sends each focus operation a request without
// one of its required members, which the SDK would refuse to send, and
// checks KMS's ValidationException wording for a missing member.
func TestMissingRequiredMembers(t *testing.T) {
	_, url := startReference(t, Options{})
	const key = `"KeyId":"11111111-2222-3333-4444-555555555555"`
	tests := []struct {
		cond, op, body, field string
	}{
		{"V1", "DeleteCustomKeyStore", `{}`, "customKeyStoreId"},
		{"V3", "DisconnectCustomKeyStore", `{}`, "customKeyStoreId"},
		{"V5", "DeleteImportedKeyMaterial", `{}`, "keyId"},
		{"V9", "ConnectCustomKeyStore", `{}`, "customKeyStoreId"},
		{"V11", "CreateCustomKeyStore", `{}`, "customKeyStoreName"},
		{"V38", "UpdateCustomKeyStore", `{"NewCustomKeyStoreName":"n"}`, "customKeyStoreId"},
		{"V59", "GetParametersForImport", `{"WrappingAlgorithm":"RSAES_OAEP_SHA_256","WrappingKeySpec":"RSA_2048"}`, "keyId"},
		{"V61", "GetParametersForImport", `{` + key + `,"WrappingKeySpec":"RSA_2048"}`, "wrappingAlgorithm"},
		{"V63", "GetParametersForImport", `{` + key + `,"WrappingAlgorithm":"RSAES_OAEP_SHA_256"}`, "wrappingKeySpec"},
		{"V65", "ImportKeyMaterial", `{"ImportToken":"AA==","EncryptedKeyMaterial":"AA=="}`, "keyId"},
		{"V67", "ImportKeyMaterial", `{` + key + `,"EncryptedKeyMaterial":"AA=="}`, "importToken"},
		{"V69", "ImportKeyMaterial", `{` + key + `,"ImportToken":"AA=="}`, "encryptedKeyMaterial"},
		{"V77", "ScheduleKeyDeletion", `{"PendingWindowInDays":7}`, "keyId"},
		{"V80", "CancelKeyDeletion", `{}`, "keyId"},
		{"V96", "DescribeKey", `{}`, "keyId"},
		{"V104", "EnableKey", `{}`, "keyId"},
		{"V106", "DisableKey", `{}`, "keyId"},
	}
	for _, tc := range tests {
		t.Run(tc.cond+" "+tc.op, func(t *testing.T) {
			resp, body := sendRaw(t, http.MethodPost, url+"/", "TrentService."+tc.op, tc.body)
			var got errorBody
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("body %q: %v", body, err)
			}
			want := "1 validation error detected: Value null at '" + tc.field + "' failed to satisfy constraint: Member must not be null"
			if resp.StatusCode != http.StatusBadRequest || got.Type != "ValidationException" || got.Message != want {
				t.Fatalf("got %d %s %q, want 400 ValidationException %q", resp.StatusCode, got.Type, got.Message, want)
			}
			if id := resp.Header.Get("x-amzn-RequestId"); !requestIDPattern.MatchString(id) {
				t.Errorf("x-amzn-RequestId = %q", id)
			}
		})
	}
}
