package scenario

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// validCryptoBody is a valid Encrypt, Decrypt or ReEncrypt request on k, a
// symmetric encryption key: Decrypt and ReEncrypt carry a ciphertext k made
// for the occasion. The structure or list member belongs to is included:
// grant tokens, a Recipient with a placeholder attestation document (only an
// enclave makes a genuine one; the model's limits are all that is checked),
// or a dry run's modifiers.
func (w *Scenario) validCryptoBody(ctx context.Context, op, member string, k *Key) (map[string]any, error) {
	body := map[string]any{}
	switch op {
	case "Encrypt":
		body["KeyId"] = k.ID
		body["Plaintext"] = base64.StdEncoding.EncodeToString(w.Env.Message())
	case "Decrypt", "ReEncrypt":
		out, err := Setup(ctx, w, "Encrypt", func(ctx context.Context) (*kms.EncryptOutput, error) {
			return w.Client.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(k.ID), Plaintext: w.Env.Message()})
		})
		if err != nil {
			return nil, err
		}
		body["CiphertextBlob"] = base64.StdEncoding.EncodeToString(out.CiphertextBlob)
		if op == "Decrypt" {
			body["KeyId"] = k.ID
		} else {
			body["SourceKeyId"] = k.ID
			body["DestinationKeyId"] = k.ID
		}
	default:
		return nil, fmt.Errorf("%s is not an encryption operation", op)
	}
	switch {
	case strings.HasPrefix(member, "GrantTokens"):
		body["GrantTokens"] = []any{"kmsconform-grant-token"}
	case strings.HasPrefix(member, "Recipient."):
		body["Recipient"] = map[string]any{"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": blob(64)}
	case strings.HasPrefix(member, "DryRunModifiers"):
		body["DryRun"] = true
		body["DryRunModifiers"] = []any{"IGNORE_CIPHERTEXT"}
	}
	return body, nil
}
