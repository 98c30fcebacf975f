package scenario

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// needKey is the KMS key the scenario talks about: a step that needs one
// before any Given step made it is a mistake in the feature file.
func (w *Keys) NeedKey() (*Key, error) {
	if w.Key == nil {
		return nil, fmt.Errorf("the scenario has no KMS key yet")
	}
	return w.Key, nil
}

// expectKeyState checks the state DescribeKey shows for k.
func (w *Keys) ExpectKeyState(ctx context.Context, k *Key, want types.KeyState) error {
	md, err := w.DescribeKey(ctx, k.ID)
	if err != nil {
		return err
	}
	if md.KeyState != want {
		return fmt.Errorf("key %s is %s, want %s", k.ID, md.KeyState, want)
	}
	return nil
}

// importMaterial imports 256 bits of fresh key material into k that do not
// expire, wrapped client-side for parameters the endpoint hands out.
func (w *Keys) ImportMaterial(ctx context.Context, k *Key) error {
	p, err := w.ParamsFor(ctx, k)
	if err != nil {
		return err
	}
	in, material, err := FreshImport(k.ID, k.Spec, p, "")
	if err != nil {
		return fmt.Errorf("wrapping key material for key %s: %w", k.ID, err)
	}
	return w.SetupImport(ctx, k, in, material)
}

// missingKeyID is a well-formed key ID that no endpoint has issued.
func MissingKeyID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// missingMaterialID is a well-formed key material ID (64 hex digits) that no key has.
func MissingMaterialID() string { return RandomHex(32) }

// randomHex is n random bytes in hex: a name no endpoint has handed out.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// createImportKey creates a symmetric encryption key without key material,
// for the scenario to import its own.
func (w *Keys) CreateImportKey(ctx context.Context) (*Key, error) {
	return w.CreateImportKeyOf(ctx, types.KeySpecSymmetricDefault)
}

// createImportKeyOf creates a key of spec with Origin EXTERNAL, waiting for
// its material.
func (w *Keys) CreateImportKeyOf(ctx context.Context, spec types.KeySpec) (*Key, error) {
	return w.CreateKey(ctx, &kms.CreateKeyInput{
		Origin:   types.OriginTypeExternal,
		KeySpec:  spec,
		KeyUsage: usageFor(spec),
	})
}

// describeScenarioKey is the scenario's key and what DescribeKey says of it now.
func (w *Keys) DescribeScenarioKey(ctx context.Context) (*Key, *types.KeyMetadata, error) {
	k, err := w.NeedKey()
	if err != nil {
		return nil, nil, err
	}
	md, err := w.DescribeKey(ctx, k.ID)
	if err != nil {
		return nil, nil, err
	}
	return k, md, nil
}

// malformedKeyARN is a key ARN with nothing after "key": not a valid ARN, so
// it names no key.
func MalformedKeyARN(region string) string {
	return fmt.Sprintf("arn:aws:kms:%s:111122223333:key", region)
}

// keyForSecondAccount is the scenario's key and a client of the run's second
// account, which can only name the key by its ARN: a bare key ID would name a
// key of its own.
func (w *Keys) KeyForSecondAccount() (*Key, *kms.Client, error) {
	k, err := w.NeedKey()
	if err != nil {
		return nil, nil, err
	}
	c, err := w.SecondClient()
	if err != nil {
		return nil, nil, err
	}
	if k.ARN == "" {
		return nil, nil, fmt.Errorf("CreateKey returned no key ARN")
	}
	return k, c, nil
}
