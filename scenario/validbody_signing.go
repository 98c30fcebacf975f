package scenario

import "strings"

// signingBody is a valid Sign, Verify or GetPublicKey request on keyID, an
// ECC_NIST_P256 signing key, that includes the parts member belongs to, or
// false when op is not one. Verify's placeholder signature satisfies the
// model, which is all the input constraint steps check.
func signingBody(op, member, keyID string) (map[string]any, bool) {
	body := map[string]any{"KeyId": keyID}
	switch op {
	case "Sign", "Verify":
		body["Message"] = blob(32)
		body["SigningAlgorithm"] = "ECDSA_SHA_256"
		if op == "Verify" {
			body["Signature"] = blob(72)
		}
	case "GetPublicKey":
	default:
		return nil, false
	}
	if strings.HasPrefix(member, "GrantTokens") {
		body["GrantTokens"] = []any{"kmsconform-grant-token"}
	}
	return body, true
}
