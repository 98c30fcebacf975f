package scenario

import (
	"strings"
)

// accessBody is a valid request of a grant or key policy operation on k
// that includes the parts member belongs to, or false when op is not one.
// Principals are the root of k's account; the grant ID names no grant,
// which the model cannot tell: the input constraint steps check only the
// model.
func accessBody(op, member string, k *Key) (map[string]any, bool) {
	parts := strings.SplitN(k.ARN, ":", 6)
	if len(parts) < 6 {
		parts = []string{"arn", "aws", "kms", "us-east-1", "111122223333", ""}
	}
	root := "arn:" + parts[1] + ":iam::" + parts[4] + ":root"
	body := map[string]any{"KeyId": k.ID}
	switch op {
	case "CreateGrant":
		body["Operations"] = []any{"Encrypt"}
		switch {
		case strings.HasPrefix(member, "GranteeServicePrincipal"), strings.HasPrefix(member, "RetiringServicePrincipal"):
			// A grant for a service needs a SourceArn and a retiring principal.
			body["GranteeServicePrincipal"] = "s3.amazonaws.com"
			body["RetiringServicePrincipal"] = "s3.amazonaws.com"
			body["Constraints"] = map[string]any{"SourceArn": "arn:" + parts[1] + ":s3:" + parts[3] + ":" + parts[4] + ":kmsconform"}
		default:
			body["GranteePrincipal"] = root
			body["RetiringPrincipal"] = root
		}
		if strings.HasPrefix(member, "Constraints.") {
			body["Constraints"] = map[string]any{"SourceArn": "arn:" + parts[1] + ":s3:" + parts[3] + ":" + parts[4] + ":kmsconform"}
		}
		if strings.HasPrefix(member, "Name") {
			body["Name"] = "kmsconform-grant"
		}
	case "ListGrants", "ListKeyPolicies":
	case "ListRetirableGrants":
		delete(body, "KeyId")
		if !strings.HasPrefix(member, "RetiringServicePrincipal") {
			body["RetiringPrincipal"] = root
		}
	case "RetireGrant":
		body = map[string]any{"KeyId": k.ARN, "GrantId": strings.Repeat("0", 64)}
		if strings.HasPrefix(member, "GrantToken") {
			body = map[string]any{"GrantToken": "kmsconform-grant-token"}
		}
	case "RevokeGrant":
		body["GrantId"] = strings.Repeat("0", 64)
	case "GetKeyPolicy":
		body["PolicyName"] = "default"
	case "PutKeyPolicy":
		body["PolicyName"] = "default"
		body["Policy"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + root + `"},"Action":"kms:*","Resource":"*"}]}`
	default:
		return nil, false
	}
	if strings.HasPrefix(member, "GrantTokens") {
		body["GrantTokens"] = []any{"kmsconform-grant-token"}
	}
	return body, true
}
