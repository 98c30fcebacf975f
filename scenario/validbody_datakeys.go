package scenario

import "strings"

// dataKeyBody is a valid request of a data key operation on keyID that
// includes the parts member belongs to, or false when op is not one.
func dataKeyBody(op, member, keyID string) (map[string]any, bool) {
	body := map[string]any{"KeyId": keyID}
	switch op {
	case "GenerateDataKey", "GenerateDataKeyWithoutPlaintext":
		// Exactly one of the two sizes: the member under test, if it is one.
		if member == "NumberOfBytes" {
			body["NumberOfBytes"] = 32
		} else {
			body["KeySpec"] = "AES_256"
		}
	case "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext":
		body["KeyPairSpec"] = "ECC_NIST_P256"
	default:
		return nil, false
	}
	if strings.HasPrefix(member, "GrantTokens") {
		body["GrantTokens"] = []any{"kmsconform-grant-token"}
	}
	if strings.HasPrefix(member, "Recipient.") {
		// A placeholder attestation document satisfies the model, which is all that is checked here.
		body["Recipient"] = map[string]any{"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": blob(64)}
	}
	return body, true
}
