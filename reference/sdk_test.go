package reference

import (
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"
)

// Test credentials: two access keys act as two accounts (see DefaultFixtures).
const (
	testAccessKey      = "AKIAKMSCONFORMTEST01"
	otherAccessKey     = "AKIAKMSCONFORMTEST02"
	testSecretKey      = "kmsconform-test-secret"
	testRegion         = "us-east-1"
	testAccountID      = "111122223333"
	otherTestAccountID = "444455556666"
)

// startReference serves a fresh reference KMS over loopback HTTP for the test.
func startReference(t testing.TB, opts Options) (*Service, string) {
	t.Helper()
	if opts.Region == "" {
		opts.Region = testRegion
	}
	svc, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	return svc, srv.URL
}

// kmsClient is a real aws-sdk-go-v2 KMS client for url, acting as accessKey's
// account, with retries off so that each call is exactly one request.
func kmsClient(t testing.TB, url, accessKey string) *kms.Client {
	t.Helper()
	return kms.New(kms.Options{
		Region:           testRegion,
		BaseEndpoint:     aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider(accessKey, testSecretKey, ""),
		RetryMaxAttempts: 1,
	})
}

// errorCode is the KMS error code of err, or "" when err is nil.
func errorCode(t testing.TB, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("not an API error: %v", err)
	}
	return apiErr.ErrorCode()
}

// wantCode fails the test unless err carries the KMS error code want ("" means success).
func wantCode(t testing.TB, err error, want string) {
	t.Helper()
	if got := errorCode(t, err); got != want {
		t.Fatalf("error code = %q, want %q (err: %v)", got, want, err)
	}
}
