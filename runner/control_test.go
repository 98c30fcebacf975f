package runner

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/scenario"
)

func startControlled(t *testing.T) (referenceControl, controlBacking, string) {
	t.Helper()
	fx := reference.DefaultFixtures()
	fx.CustomKeyStoreQuota = 1000
	svc, err := reference.New(reference.Options{Region: "us-east-1", Fixtures: fx})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	cc := &reference.ControlClient{BaseURL: srv.URL, HTTP: srv.Client()}
	return referenceControl{cc: cc, region: "us-east-1"}, controlBacking{cc}, srv.URL
}

func kmsAs(url string, creds aws.CredentialsProvider) *kms.Client {
	return kms.New(kms.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: creds, RetryMaxAttempts: 1})
}

// connectStore connects the store and waits for the connect to settle; it
// returns the error the connect was refused with, or the ConnectionErrorCode
// it failed with ("" when connected).
func connectStore(t *testing.T, c *kms.Client, id string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := c.ConnectCustomKeyStore(ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: &id}); err != nil {
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("ConnectCustomKeyStore: %v", err)
		}
		return apiErr.ErrorCode()
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		d, err := c.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: &id})
		if err != nil {
			t.Fatal(err)
		}
		switch e := d.CustomKeyStores[0]; e.ConnectionState {
		case types.ConnectionStateTypeConnected:
			return ""
		case types.ConnectionStateTypeFailed:
			return string(e.ConnectionErrorCode)
		}
	}
	t.Fatal("the connect did not settle")
	return ""
}

// Each defect breaks a backing the way its name says: connecting a store on it
// ends in the ConnectionErrorCode KMS documents for that cause.
func TestDefectsBreakConnects(t *testing.T) {
	t.Parallel()
	ctl, backing, url := startControlled(t)
	ctx := context.Background()
	c := kmsAs(url, credentials.NewStaticCredentialsProvider("AKIAKMSCONFORMTEST01", "x", ""))
	for _, tc := range []struct {
		defect scenario.Defect
		want   string
	}{
		{scenario.ClusterInactive, "CloudHsmClusterNotActiveException"},
		{scenario.ClusterNoActiveHSM, "CloudHsmClusterInvalidConfigurationException"},
		{scenario.ClusterOneZone, "CloudHsmClusterInvalidConfigurationException"},
		{scenario.ClusterSecurityGroup, "CloudHsmClusterInvalidConfigurationException"},
		{scenario.ClusterSubnetDeleted, "SUBNET_NOT_FOUND"},
		{scenario.ClusterSubnetFull, "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET"},
		{scenario.ClusterDeleted, "CLUSTER_NOT_FOUND"},
		{scenario.KmsuserMissing, "USER_NOT_FOUND"},
		{scenario.KmsuserLockedOut, "USER_LOCKED_OUT"},
		{scenario.KmsuserLoggedIn, "USER_LOGGED_IN"},
		{scenario.KmsuserPasswordChanged, "INVALID_CREDENTIALS"},
		{scenario.ProxyUnreachable, "XKS_PROXY_NOT_REACHABLE"},
		{scenario.ProxyBadTLS, "XKS_PROXY_INVALID_TLS_CONFIGURATION"},
		{scenario.ProxyTimesOut, "XKS_PROXY_TIMED_OUT"},
		{scenario.ProxyMisconfigured, "XKS_PROXY_INVALID_CONFIGURATION"},
		{scenario.ProxyDeniesKMS, "XKS_PROXY_ACCESS_DENIED"},
		{scenario.ProxyInvalidResponses, "XKS_PROXY_INVALID_RESPONSE"},
		{scenario.ProxyNoKeyManager, "XKS_PROXY_NOT_REACHABLE"},
		{scenario.ProxyCredentialRotated, "INVALID_CREDENTIALS"},
		{scenario.ProxyDeleted, "XKS_PROXY_NOT_REACHABLE"},
	} {
		t.Run(string(tc.defect), func(t *testing.T) {
			in := &kms.CreateCustomKeyStoreInput{CustomKeyStoreName: aws.String("defect-" + randomLower(10))}
			if _, isCluster := clusterPatch(tc.defect, reference.Cluster{Subnets: make([]reference.Subnet, 1)}); isCluster || tc.defect == scenario.ClusterDeleted {
				l, err := backing.CloudHSM(ctx)
				if err != nil {
					t.Fatal(err)
				}
				f := l.Fixture
				in.CustomKeyStoreType = types.CustomKeyStoreTypeAwsCloudhsm
				in.CloudHsmClusterId, in.TrustAnchorCertificate, in.KeyStorePassword = &f.ClusterID, &f.TrustAnchorPEM, &f.Password
				out, err := c.CreateCustomKeyStore(ctx, in)
				if err != nil {
					t.Fatal(err)
				}
				if err := ctl.BreakCloudHSM(ctx, f.ClusterID, tc.defect); err != nil {
					t.Fatal(err)
				}
				if got := connectStore(t, c, aws.ToString(out.CustomKeyStoreId)); got != tc.want {
					t.Errorf("ConnectionErrorCode = %q, want %q", got, tc.want)
				}
				return
			}
			l, err := backing.XKS(ctx)
			if err != nil {
				t.Fatal(err)
			}
			f := l.Fixture
			in.CustomKeyStoreType = types.CustomKeyStoreTypeExternalKeyStore
			in.XksProxyUriEndpoint, in.XksProxyUriPath = &f.URIEndpoint, &f.URIPath
			in.XksProxyConnectivity = types.XksProxyConnectivityType(f.Connectivity)
			in.XksProxyAuthenticationCredential = &types.XksProxyAuthenticationCredentialType{AccessKeyId: &f.AccessKeyID, RawSecretAccessKey: &f.SecretAccessKey}
			out, err := c.CreateCustomKeyStore(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if err := ctl.BreakXKS(ctx, f, tc.defect); err != nil {
				t.Fatal(err)
			}
			if got := connectStore(t, c, aws.ToString(out.CustomKeyStoreId)); got != tc.want {
				t.Errorf("ConnectionErrorCode = %q, want %q", got, tc.want)
			}
		})
	}
}

func xksStoreInput(f scenario.XKSFixture) *kms.CreateCustomKeyStoreInput {
	in := &kms.CreateCustomKeyStoreInput{
		CustomKeyStoreName:   aws.String("xks-" + randomLower(10)),
		CustomKeyStoreType:   types.CustomKeyStoreTypeExternalKeyStore,
		XksProxyUriEndpoint:  &f.URIEndpoint,
		XksProxyUriPath:      &f.URIPath,
		XksProxyConnectivity: types.XksProxyConnectivityType(f.Connectivity),
		XksProxyAuthenticationCredential: &types.XksProxyAuthenticationCredentialType{
			AccessKeyId: &f.AccessKeyID, RawSecretAccessKey: &f.SecretAccessKey,
		},
	}
	if f.VpcEndpointServiceName != "" {
		in.XksProxyVpcEndpointServiceName = &f.VpcEndpointServiceName
	}
	return in
}

// The fixtures the control makes are what their names say, seen through the
// public KMS API.
func TestControlFixtures(t *testing.T) {
	t.Parallel()
	ctl, backing, url := startControlled(t)
	ctx := context.Background()
	c := kmsAs(url, credentials.NewStaticCredentialsProvider("AKIAKMSCONFORMTEST01", "x", ""))

	t.Run("VPC proxy", func(t *testing.T) {
		f, err := ctl.VPCXKS(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.CreateCustomKeyStore(ctx, xksStoreInput(f))
		if err != nil {
			t.Fatal(err)
		}
		if got := connectStore(t, c, aws.ToString(out.CustomKeyStoreId)); got != "" {
			t.Errorf("connecting through the VPC endpoint service: %s", got)
		}
	})

	t.Run("related cluster", func(t *testing.T) {
		l, err := backing.CloudHSM(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f := l.Fixture
		out, err := c.CreateCustomKeyStore(ctx, &kms.CreateCustomKeyStoreInput{
			CustomKeyStoreName: aws.String("hsm-" + randomLower(10)), CloudHsmClusterId: &f.ClusterID,
			TrustAnchorCertificate: &f.TrustAnchorPEM, KeyStorePassword: &f.Password,
		})
		if err != nil {
			t.Fatal(err)
		}
		related, err := ctl.RelatedCloudHSM(ctx, f.ClusterID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.UpdateCustomKeyStore(ctx, &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: out.CustomKeyStoreId, CloudHsmClusterId: &related.ClusterID}); err != nil {
			t.Errorf("moving the store to a related cluster: %v", err)
		}
		unrelated, err := backing.CloudHSM(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.UpdateCustomKeyStore(ctx, &kms.UpdateCustomKeyStoreInput{CustomKeyStoreId: out.CustomKeyStoreId, CloudHsmClusterId: &unrelated.Fixture.ClusterID})
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "CloudHsmClusterNotRelatedException" {
			t.Errorf("moving the store to an unrelated cluster: %v", err)
		}
	})

	t.Run("external keys", func(t *testing.T) {
		l, err := backing.XKS(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f := l.Fixture
		out, err := c.CreateCustomKeyStore(ctx, xksStoreInput(f))
		if err != nil {
			t.Fatal(err)
		}
		store := out.CustomKeyStoreId
		if got := connectStore(t, c, aws.ToString(store)); got != "" {
			t.Fatal(got)
		}
		second, err := ctl.NewExternalKey(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			defect scenario.Defect
			want   string
		}{
			{scenario.ExternalKeyDisabled, "XksKeyInvalidConfigurationException"},
			{scenario.ExternalKeyNotAES256, "XksKeyInvalidConfigurationException"},
			{scenario.ExternalKeyNoEncryption, "XksKeyInvalidConfigurationException"},
			{scenario.ExternalKeyDeleted, "XksKeyNotFoundException"},
		} {
			id, err := ctl.NewExternalKey(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			g := f
			g.ExternalKeyID = id
			if err := ctl.BreakXKS(ctx, g, tc.defect); err != nil {
				t.Fatal(err)
			}
			_, err = c.CreateKey(ctx, &kms.CreateKeyInput{Origin: types.OriginTypeExternalKeyStore, CustomKeyStoreId: store, XksKeyId: &id})
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tc.want {
				t.Errorf("%s: CreateKey = %v, want %s", tc.defect, err, tc.want)
			}
		}
		if _, err := c.CreateKey(ctx, &kms.CreateKeyInput{Origin: types.OriginTypeExternalKeyStore, CustomKeyStoreId: store, XksKeyId: &second}); err != nil {
			t.Errorf("CreateKey on a new usable external key: %v", err)
		}
	})

	t.Run("account of its own", func(t *testing.T) {
		a, err := ctl.NewAccount(ctx, scenario.Quotas{Keys: 1})
		if err != nil {
			t.Fatal(err)
		}
		own := kmsAs(url, a.Credentials)
		if _, err := own.CreateKey(ctx, &kms.CreateKeyInput{}); err != nil {
			t.Fatal(err)
		}
		_, err = own.CreateKey(ctx, &kms.CreateKeyInput{})
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "LimitExceededException" {
			t.Errorf("second key in an account whose quota is 1: %v", err)
		}
		if err := ctl.AdvanceClock(ctx, a.ID, time.Hour); err != nil {
			t.Error(err)
		}
	})
}
