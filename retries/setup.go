package retries

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/kmsconform/kmsconform/keywrap"
	"github.com/kmsconform/kmsconform/reference"
	core "github.com/kmsconform/kmsconform/scenario"
)

// kms returns a Go client that reaches the endpoint directly, for setup and
// checks: nothing it does shows up in the scenario's proxy. Its mutating
// calls pass the run's ownership guard, as every other client's do.
func (st *scenario) kms() *kms.Client {
	env := st.suite.env
	return kms.New(kms.Options{
		Region:       env.Region,
		Credentials:  env.Credentials,
		HTTPClient:   env.HTTPClient,
		BaseEndpoint: aws.String(env.Endpoint),
		APIOptions:   []func(*middleware.Stack) error{env.Ownership.Guard()},
	})
}

func (st *scenario) createKey(ctx context.Context, in *kms.CreateKeyInput) error {
	in.Description = aws.String("kmsconform retries: " + st.id)
	if run := st.suite.env.RunID; run != "" {
		in.Tags = append(in.Tags, types.Tag{TagKey: aws.String(core.RunTag), TagValue: aws.String(run)})
	}
	out, err := st.kms().CreateKey(ctx, in)
	if err != nil {
		return fmt.Errorf("setup: CreateKey: %w", err)
	}
	st.keyID = aws.ToString(out.KeyMetadata.KeyId)
	id := st.keyID
	st.cleanups = append(st.cleanups, func(ctx context.Context) error {
		_, err := st.kms().ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(id), PendingWindowInDays: aws.Int32(7)})
		var invalid *types.KMSInvalidStateException
		if err != nil && !errors.As(err, &invalid) { // already pending deletion: done
			return fmt.Errorf("scheduling the deletion of key %s: %w", id, err)
		}
		return nil
	})
	return nil
}

func (st *scenario) givenKey(ctx context.Context) error {
	return st.createKey(ctx, &kms.CreateKeyInput{})
}

func (st *scenario) givenImportedKey(ctx context.Context) error {
	if err := st.createKey(ctx, &kms.CreateKeyInput{Origin: types.OriginTypeExternal}); err != nil {
		return err
	}
	c := st.kms()
	params, err := c.GetParametersForImport(ctx, &kms.GetParametersForImportInput{
		KeyId:             aws.String(st.keyID),
		WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256,
		WrappingKeySpec:   types.WrappingKeySpecRsa2048,
	})
	if err != nil {
		return fmt.Errorf("setup: GetParametersForImport: %w", err)
	}
	material := make([]byte, 32)
	if _, err := rand.Read(material); err != nil {
		return err
	}
	wrapped, err := keywrap.ForImport(params.PublicKey, string(types.AlgorithmSpecRsaesOaepSha256), material)
	clear(material)
	if err != nil {
		return fmt.Errorf("setup: wrapping the key material: %w", err)
	}
	if _, err := c.ImportKeyMaterial(ctx, &kms.ImportKeyMaterialInput{
		KeyId:                aws.String(st.keyID),
		ImportToken:          params.ImportToken,
		EncryptedKeyMaterial: wrapped,
		ExpirationModel:      types.ExpirationModelTypeKeyMaterialDoesNotExpire,
	}); err != nil {
		return fmt.Errorf("setup: ImportKeyMaterial: %w", err)
	}
	return st.expectKeyState(ctx, types.KeyStateEnabled)
}

func (st *scenario) givenStore(ctx context.Context) error {
	cc := st.suite.env.Control
	if cc == nil {
		return st.skip("an external key store needs an XKS proxy from a reference KMS's control API, which this target lacks")
	}
	p, err := cc.CreateXksProxy(ctx, reference.XksProxyPatch{})
	if err != nil {
		return fmt.Errorf("setup: creating an XKS proxy through the control API: %w", err)
	}
	st.cleanups = append(st.cleanups, func(ctx context.Context) error { return cc.DeleteXksProxy(ctx, p.ID) })
	in := &kms.CreateCustomKeyStoreInput{
		CustomKeyStoreName:   aws.String(core.StoreNamePrefix(st.suite.env.RunID) + "retries-" + p.ID),
		CustomKeyStoreType:   types.CustomKeyStoreTypeExternalKeyStore,
		XksProxyUriEndpoint:  aws.String(p.URIEndpoint),
		XksProxyUriPath:      aws.String(p.URIPath),
		XksProxyConnectivity: types.XksProxyConnectivityType(p.Connectivity),
		XksProxyAuthenticationCredential: &types.XksProxyAuthenticationCredentialType{
			AccessKeyId:        aws.String(p.Credential.AccessKeyID),
			RawSecretAccessKey: aws.String(p.Credential.RawSecretAccessKey),
		},
	}
	if p.VpcEndpointServiceName != "" {
		in.XksProxyVpcEndpointServiceName = aws.String(p.VpcEndpointServiceName)
	}
	out, err := st.kms().CreateCustomKeyStore(ctx, in)
	if err != nil {
		return fmt.Errorf("setup: CreateCustomKeyStore: %w", err)
	}
	st.storeID = aws.ToString(out.CustomKeyStoreId)
	id := st.storeID
	st.cleanups = append(st.cleanups, func(ctx context.Context) error {
		_, err := st.kms().DeleteCustomKeyStore(ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
		var gone *types.CustomKeyStoreNotFoundException
		if err != nil && !errors.As(err, &gone) {
			return fmt.Errorf("deleting key store %s: %w", id, err)
		}
		return nil
	})
	return nil
}

func (st *scenario) expectKeyState(ctx context.Context, want types.KeyState) error {
	out, err := st.kms().DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(st.keyID)})
	if err != nil {
		return fmt.Errorf("DescribeKey %s: %w", st.keyID, err)
	}
	if got := out.KeyMetadata.KeyState; got != want {
		return fmt.Errorf("key %s is %s, want %s", st.keyID, got, want)
	}
	return nil
}

func (st *scenario) thenKeyState(ctx context.Context, state string) error {
	if st.keyID == "" {
		return errors.New("the scenario has no KMS key")
	}
	return st.expectKeyState(ctx, types.KeyState(state))
}

func (st *scenario) thenStoreGone(ctx context.Context) error {
	if st.storeID == "" {
		return errors.New("the scenario has no custom key store")
	}
	out, err := st.kms().DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(st.storeID)})
	var apiErr smithy.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.ErrorCode() == "CustomKeyStoreNotFoundException":
		return nil
	case err != nil:
		return fmt.Errorf("DescribeCustomKeyStores %s: %w", st.storeID, err)
	}
	return fmt.Errorf("key store %s still exists (%d described)", st.storeID, len(out.CustomKeyStores))
}

// madeUpKeyID is a well-formed key ID (a version 4 UUID) that names no key.
func madeUpKeyID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// madeUpStoreID is a well-formed custom key store ID that names no store.
func madeUpStoreID() string { return "cks-" + randomHex(9)[:17] }

// madeUpClusterID is a well-formed CloudHSM cluster ID that names no cluster.
func madeUpClusterID() string { return "cluster-" + randomHex(6)[:11] }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
