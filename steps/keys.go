package steps

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// importMaterial imports fresh 256-bit key material into k, wrapped
// client-side with RSAES-OAEP SHA-256 under the public key KMS hands out.
func (w *world) importMaterial(ctx context.Context, k *key) error {
	params, err := setup(ctx, w, "GetParametersForImport", func(ctx context.Context) (*kms.GetParametersForImportOutput, error) {
		return w.client.GetParametersForImport(ctx, &kms.GetParametersForImportInput{
			KeyId:             aws.String(k.id),
			WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256,
			WrappingKeySpec:   types.WrappingKeySpecRsa2048,
		})
	})
	if err != nil {
		return err
	}
	wrapped, err := wrapMaterial(params.PublicKey)
	if err != nil {
		return fmt.Errorf("GetParametersForImport: %w", err)
	}
	out, err := setup(ctx, w, "ImportKeyMaterial", func(ctx context.Context) (*kms.ImportKeyMaterialOutput, error) {
		return w.client.ImportKeyMaterial(ctx, &kms.ImportKeyMaterialInput{
			KeyId:                aws.String(k.id),
			ImportToken:          params.ImportToken,
			EncryptedKeyMaterial: wrapped,
			ExpirationModel:      types.ExpirationModelTypeKeyMaterialDoesNotExpire,
		})
	})
	if err != nil {
		return err
	}
	k.material = aws.ToString(out.KeyMaterialId)
	if k.material == "" {
		md, err := w.describeKey(ctx, k.id)
		if err != nil {
			return err
		}
		k.material = aws.ToString(md.CurrentKeyMaterialId)
	}
	return nil
}

// wrapMaterial generates 32 bytes of key material and encrypts them to the
// DER-encoded RSA public key, as AWS's import instructions describe.
func wrapMaterial(publicKeyDER []byte) ([]byte, error) {
	pub, err := x509.ParsePKIXPublicKey(publicKeyDER)
	if err != nil {
		return nil, fmt.Errorf("public key is not a DER-encoded X.509 public key: %w", err)
	}
	rsaPub, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key is a %T, want RSA", pub)
	}
	material := make([]byte, 32)
	if _, err := rand.Read(material); err != nil {
		return nil, err
	}
	wrapped, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, rsaPub, material, nil)
	clear(material)
	if err != nil {
		return nil, fmt.Errorf("wrapping key material: %w", err)
	}
	return wrapped, nil
}

// missingKeyID is a well-formed key ID that no endpoint has issued.
func missingKeyID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// missingMaterialID is a well-formed key material ID (64 hex digits) that no key has.
func missingMaterialID() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
