package runner_test

import (
	"net/http"
	"sync"
)

// accessWrongCases are the endpoints that get grants or key policies wrong,
// each with the scenarios that show it up.
func accessWrongCases() []wrongCase {
	fixed := func(c change) func(*wrongKMS) change { return func(*wrongKMS) change { return c } }
	return []wrongCase{
		{
			name:   "RevokeGrant and RetireGrant answer success and the grant keeps working",
			tags:   "@cond:RevokeGrant.10,@cond:RetireGrant.01,@cond:RetireGrant.11",
			change: fixed(combined(ignored("RevokeGrant", nil), ignored("RetireGrant", nil))),
		},
		{
			name: "RevokeGrant and RetireGrant carry out the requests they refuse for DryRun",
			tags: "@cond:RevokeGrant.11,@cond:RetireGrant.18",
			change: fixed(func(x *exchange) answer {
				a := x.forward()
				if (x.op == "RevokeGrant" || x.op == "RetireGrant") && a.code() == "DryRunOperationException" {
					in := copyOf(x.in)
					delete(in, "DryRun")
					x.call(x.op, in)
				}
				return a
			}),
		},
		{
			name:   "PutKeyPolicy stores every policy it is sent, refused or not, and enforces none",
			tags:   "@cond:PutKeyPolicy.18,@cond:PutKeyPolicy.07,@cond:PutKeyPolicy.06,@cond:ListGrants.04,@cond:RevokeGrant.06",
			change: func(*wrongKMS) change { return unenforcedPolicies() },
			check: failWith(map[string]string{
				"policies_cross_account.feature: A key policy that lets the second account call DescribeKey lets it describe the key: succeeds": "AccessDeniedException",
				"policies_cross_account.feature: A policy for every account lets the second account in":                                         "AccessDeniedException",
				"grants_revoke_grant.feature: The second account revokes a grant when the key policy lets it":                                   "AccessDeniedException",
			}),
		},
		{
			name: "PutKeyPolicy does nothing", tags: "@cond:PutKeyPolicy.18,@cond:PutKeyPolicy.08",
			change: fixed(ignored("PutKeyPolicy", nil)),
		},
		{
			name: "GetKeyPolicy names the policy Default and ListKeyPolicies says the list goes on",
			tags: "@cond:GetKeyPolicy.07,@cond:ListKeyPolicies.05",
			change: fixed(combined(
				rewritten("GetKeyPolicy", func(_ *exchange, out map[string]any) { out["PolicyName"] = "Default" }),
				rewritten("ListKeyPolicies", func(_ *exchange, out map[string]any) { out["Truncated"] = true }))),
		},
		{
			name: "CreateGrant drops the grant's encryption context and SourceArn constraints",
			tags: "@cond:CreateGrant.12,@cond:CreateGrant.13,@cond:CreateGrant.14,@cond:CreateGrant.16,@cond:CreateGrant.17",
			change: fixed(only("CreateGrant", func(x *exchange) answer {
				delete(x.in, "Constraints")
				return x.forward()
			})),
		},
		{
			name: "CreateGrant answers no grant token, ignores names, and makes the grants it refuses for DryRun",
			tags: "@cond:CreateGrant.20,@cond:CreateGrant.04,@cond:CreateGrant.18,@cond:CreateGrant.29",
			change: fixed(only("CreateGrant", func(x *exchange) answer {
				delete(x.in, "Name")
				a := x.forward()
				if a.code() == "DryRunOperationException" {
					in := copyOf(x.in)
					delete(in, "DryRun")
					x.call("CreateGrant", in)
				}
				if a.ok() {
					delete(a.body, "GrantToken")
				}
				return a
			})),
		},
		{
			name: "CreateGrant without a name answers the grant the key already has",
			tags: "@cond:CreateGrant.19",
			change: fixed(only("CreateGrant", func(x *exchange) answer {
				if x.in["Name"] == nil {
					if l := x.call("ListGrants", map[string]any{"KeyId": x.in["KeyId"]}); l.ok() {
						if gs, _ := l.body["Grants"].([]any); len(gs) > 0 {
							if g, ok := gs[0].(map[string]any); ok {
								return success(map[string]any{"GrantId": g["GrantId"], "GrantToken": "kmsconform-wrong-token"})
							}
						}
					}
				}
				return x.forward()
			})),
		},
		{
			name: "CreateGrant enables a Disabled key it refuses, and grants on a key pending deletion",
			tags: "@cond:CreateGrant.23,@cond:CreateGrant.24",
			change: fixed(only("CreateGrant", func(x *exchange) answer {
				a := x.forward()
				switch a.code() {
				case "DisabledException":
					x.call("EnableKey", map[string]any{"KeyId": x.in["KeyId"]})
				case "KMSInvalidStateException":
					return success(map[string]any{"GrantId": randomHexString(32), "GrantToken": "kmsconform-wrong-token"})
				}
				return a
			})),
		},
		{
			name:   "DisableKey does nothing, so keys never become Disabled",
			tags:   "@cond:GetKeyPolicy.08,@cond:RetireGrant.14",
			change: fixed(ignored("DisableKey", nil)),
		},
		{
			name: "ListGrants ignores its filters and Limit, and lists grants without CreationDate or service principals",
			tags: "@cond:ListGrants.06,@cond:ListGrants.08,@cond:ListGrants.11,@cond:ListGrants.12,@cond:ListGrants.15,@cond:CreateGrant.20",
			change: fixed(only("ListGrants", func(x *exchange) answer {
				for _, m := range []string{"GrantId", "GranteePrincipal", "Limit"} {
					delete(x.in, m)
				}
				a := x.forward()
				for _, g := range listed(a.body, "Grants") {
					delete(g, "CreationDate")
					delete(g, "GranteeServicePrincipal")
				}
				return a
			})),
		},
		{
			name: "ListRetirableGrants lists nothing unless asked for a Limit, which it ignores",
			tags: "@cond:ListRetirableGrants.01,@cond:ListRetirableGrants.09,@cond:ListRetirableGrants.11",
			change: fixed(only("ListRetirableGrants", func(x *exchange) answer {
				limited := x.in["Limit"] != nil
				delete(x.in, "Limit")
				a := x.forward()
				if a.ok() && !limited {
					a.body["Grants"], a.body["Truncated"] = []any{}, false
				}
				return a
			})),
		},
		{
			name: "answers of RevokeGrant, RetireGrant and PutKeyPolicy that should be empty are null",
			tags: "@cond:RevokeGrant.05,@cond:RetireGrant.16,@cond:PutKeyPolicy.13",
			change: fixed(func(x *exchange) answer {
				a := x.forward()
				if a.ok() && (x.op == "RevokeGrant" || x.op == "RetireGrant" || x.op == "PutKeyPolicy") {
					return answer{status: http.StatusOK}
				}
				return a
			}),
		},
	}
}

// unenforcedPolicies keeps the policies PutKeyPolicy is sent, refused or
// not, and answers GetKeyPolicy with them, while the reference itself keeps
// the key's default policy: no call from another account is ever allowed.
func unenforcedPolicies() change {
	var mu sync.Mutex
	stored := map[string]any{} // by key ARN
	return func(x *exchange) answer {
		if x.op != "PutKeyPolicy" && x.op != "GetKeyPolicy" {
			return x.forward()
		}
		md := x.describedKey()
		arn := str(md, "Arn")
		if x.op == "GetKeyPolicy" {
			a := x.forward()
			mu.Lock()
			defer mu.Unlock()
			if p, ok := stored[arn]; ok && a.ok() {
				a.body["Policy"] = p
			}
			return a
		}
		a := x.forward()
		if md != nil {
			mu.Lock()
			stored[arn] = x.in["Policy"]
			mu.Unlock()
			x.call("PutKeyPolicy", map[string]any{"KeyId": arn, "Policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` +
				str(md, "AWSAccountId") + `:root"},"Action":"kms:*","Resource":"*"}]}`})
		}
		return a
	}
}

// copyOf is a shallow copy of a request.
func copyOf(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}
