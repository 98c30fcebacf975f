package reference

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// benchKey starts a reference and creates one key for a benchmark.
func benchKey(b *testing.B) (*kms.Client, *string) {
	b.Helper()
	_, url := startReference(b, Options{})
	client := kmsClient(b, url, testAccessKey)
	out, err := client.CreateKey(context.Background(), &kms.CreateKeyInput{})
	if err != nil {
		b.Fatal(err)
	}
	return client, out.KeyMetadata.KeyId
}

// BenchmarkDescribeKey measures one DescribeKey through the SDK over loopback.
func BenchmarkDescribeKey(b *testing.B) {
	client, keyID := benchKey(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: keyID}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncrypt measures one 1 KiB Encrypt through the SDK over loopback.
func BenchmarkEncrypt(b *testing.B) {
	client, keyID := benchKey(b)
	ctx := context.Background()
	plaintext := make([]byte, 1024)
	encCtx := map[string]string{"bench": "encrypt"}
	b.SetBytes(int64(len(plaintext)))
	for b.Loop() {
		if _, err := client.Encrypt(ctx, &kms.EncryptInput{KeyId: keyID, Plaintext: plaintext, EncryptionContext: encCtx}); err != nil {
			b.Fatal(err)
		}
	}
}
