package scenario

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/reference"
)

// The run's clients refuse to change an existing key or key store the run
// did not create, before anything is sent; they may change what they
// created, and call with IDs the run made up or values that name nothing.
func TestOwnershipGuard(t *testing.T) {
	ctx := context.Background()
	svc, err := reference.New(reference.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	defer srv.Close()
	creds := credentials.NewStaticCredentialsProvider("AKIAKMSCONFORMTEST01", "x", "")

	// Somebody else's key and store, made outside the run.
	other := kms.New(kms.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds})
	theirs, err := other.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	theirKey := aws.ToString(theirs.KeyMetadata.KeyId)
	cc := &reference.ControlClient{BaseURL: srv.URL}
	p, err := cc.CreateXksProxy(ctx, reference.XksProxyPatch{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := other.CreateCustomKeyStore(ctx, &kms.CreateCustomKeyStoreInput{
		CustomKeyStoreName: aws.String("not-kmsconform"), CustomKeyStoreType: types.CustomKeyStoreTypeExternalKeyStore,
		XksProxyUriEndpoint: aws.String(p.URIEndpoint), XksProxyUriPath: aws.String(p.URIPath),
		XksProxyConnectivity: types.XksProxyConnectivityType(p.Connectivity),
		XksProxyAuthenticationCredential: &types.XksProxyAuthenticationCredentialType{
			AccessKeyId: aws.String(p.Credential.AccessKeyID), RawSecretAccessKey: aws.String(p.Credential.RawSecretAccessKey)},
	})
	if err != nil {
		t.Fatal(err)
	}
	theirStore := aws.ToString(st.CustomKeyStoreId)

	var sent int
	counting := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent++
		return http.DefaultTransport.RoundTrip(r)
	})}
	env := &Env{Endpoint: srv.URL, Region: "us-east-1", HTTPClient: counting, RunID: "test-run", Timeouts: Timeouts{Call: 10 * time.Second}}
	c := env.newClient(creds, "ownership test", &recorder{})
	ours, err := c.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	ourKey, ourARN := aws.ToString(ours.KeyMetadata.KeyId), aws.ToString(ours.KeyMetadata.Arn)
	theirARN := aws.ToString(theirs.KeyMetadata.Arn)

	refused := []struct {
		name string
		call func() error
	}{
		{"DisableKey", func() error { _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: &theirKey}); return err }},
		{"ScheduleKeyDeletion by ARN", func() error {
			_, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: &theirARN, PendingWindowInDays: aws.Int32(7)})
			return err
		}},
		{"DeleteImportedKeyMaterial", func() error {
			_, err := c.DeleteImportedKeyMaterial(ctx, &kms.DeleteImportedKeyMaterialInput{KeyId: &theirKey})
			return err
		}},
		{"DisableKey by alias", func() error {
			_, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String("alias/theirs")})
			return err
		}},
		{"ConnectCustomKeyStore", func() error {
			_, err := c.ConnectCustomKeyStore(ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: &theirStore})
			return err
		}},
		{"DeleteCustomKeyStore", func() error {
			_, err := c.DeleteCustomKeyStore(ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: &theirStore})
			return err
		}},
		{"CreateKey in their store", func() error {
			_, err := c.CreateKey(ctx, &kms.CreateKeyInput{CustomKeyStoreId: &theirStore, Origin: types.OriginTypeExternalKeyStore, XksKeyId: aws.String("x")})
			return err
		}},
	}
	before := sent
	for _, tc := range refused {
		err := tc.call()
		if err == nil || !strings.Contains(err.Error(), "did not create it") {
			t.Errorf("%s on a resource the run did not create: err = %v, want a refusal", tc.name, err)
		}
	}
	if sent != before {
		t.Errorf("%d refused requests reached the endpoint", sent-before)
	}
	d, err := other.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &theirKey})
	if err != nil || d.KeyMetadata.KeyState != types.KeyStateEnabled {
		t.Errorf("their key after the refusals: %v, %v; want Enabled", d, err)
	}

	allowed := []struct {
		name string
		call func() error
		code string // the endpoint's answer; "" for success
	}{
		{"DisableKey on the run's key", func() error { _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: &ourKey}); return err }, ""},
		{"ScheduleKeyDeletion by the run's key ARN", func() error {
			_, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: &ourARN, PendingWindowInDays: aws.Int32(7)})
			return err
		}, ""},
		{"a made-up key ID", func() error {
			_, err := c.DeleteImportedKeyMaterial(ctx, &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(env.MadeUp(MissingKeyID()))})
			return err
		}, "NotFoundException"},
		{"a made-up store ID", func() error {
			_, err := c.DeleteCustomKeyStore(ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(env.MadeUp(MissingStoreID()))})
			return err
		}, "CustomKeyStoreNotFoundException"},
		{"a malformed key ARN", func() error {
			_, err := c.DeleteImportedKeyMaterial(ctx, &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String("arn:aws:kms:us-east-1:111122223333:key")})
			return err
		}, "InvalidArnException"},
	}
	for _, tc := range allowed {
		o := newOutcome(tc.name, tc.call(), answer{})
		if o.Code != tc.code || (tc.code == "" && o.Err != nil) {
			t.Errorf("%s: %v, want %q", tc.name, o.Err, tc.code)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
