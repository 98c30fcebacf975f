package steps

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// importMaterial imports 256 bits of fresh key material into k that do not
// expire, wrapped client-side for parameters the endpoint hands out.
func (w *world) importMaterial(ctx context.Context, k *key) error {
	p, err := w.paramsFor(ctx, k)
	if err != nil {
		return err
	}
	material, err := newMaterial()
	if err != nil {
		return err
	}
	in, err := importRequest(k.id, p, "", material)
	if err != nil {
		return fmt.Errorf("GetParametersForImport: %w", err)
	}
	return w.setupImport(ctx, k, in, material)
}

// wrapMaterial makes 256 bits of fresh key material and wraps them with
// RSAES-OAEP SHA-256 for the DER-encoded RSA public key.
func wrapMaterial(publicKeyDER []byte) ([]byte, error) {
	material, err := randomBytes(symmetricMaterialSize)
	if err != nil {
		return nil, err
	}
	defer clear(material)
	return wrapKeyMaterial(publicKeyDER, types.AlgorithmSpecRsaesOaepSha256, material)
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
