package reference

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
)

// policyOperations are the key policy operations: GetKeyPolicy,
// PutKeyPolicy and ListKeyPolicies. A key has one policy, named "default"
// (GetKeyPolicy.05, PutKeyPolicy.13, ListKeyPolicies.05); none of the three
// may be used across accounts.
func policyOperations() map[string]operation {
	return map[string]operation{
		"GetKeyPolicy":    getKeyPolicy,
		"PutKeyPolicy":    putKeyPolicy,
		"ListKeyPolicies": listKeyPolicies,
	}
}

// checkPolicy is the reference's key policy check: the document must fit the
// key policy size quota and be JSON with the shape of an IAM policy, and
// every statement must name a principal (CreateKey.05). Whether a principal
// exists is not checked: the reference has no IAM to check it against.
func checkPolicy(doc string) error {
	// CreateKey.07: the model allows 131072 characters, but a key policy
	// document is limited to 32 KiB; a document between the two is a quota
	// violation, which KMS reports as LimitExceededException.
	if len(doc) > maxKeyPolicyBytes {
		return errorf("LimitExceededException", "The key policy is %d bytes; a key policy can be at most %d bytes.", len(doc), maxKeyPolicyBytes)
	}
	var policy struct {
		Version   *string         `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &policy); err != nil {
		return errorf("MalformedPolicyDocumentException", "The key policy is not valid JSON.")
	}
	if policy.Version != nil && *policy.Version != "2012-10-17" && *policy.Version != "2008-10-17" {
		return errorf("MalformedPolicyDocumentException", "The policy Version %q is not supported.", *policy.Version)
	}
	var statements []map[string]any
	if err := json.Unmarshal(policy.Statement, &statements); err != nil {
		var one map[string]any
		if err := json.Unmarshal(policy.Statement, &one); err != nil || one == nil {
			return errorf("MalformedPolicyDocumentException", "The key policy must contain a Statement.")
		}
		statements = []map[string]any{one}
	}
	if len(statements) == 0 {
		return errorf("MalformedPolicyDocumentException", "The key policy must contain at least one statement.")
	}
	for i, st := range statements {
		if effect, _ := st["Effect"].(string); effect != "Allow" && effect != "Deny" {
			return errorf("MalformedPolicyDocumentException", "Statement %d of the key policy has no valid Effect (Allow or Deny).", i+1)
		}
		if st["Principal"] == nil && st["NotPrincipal"] == nil {
			return errorf("MalformedPolicyDocumentException", "Statement %d of the key policy names no principal.", i+1)
		}
		for _, member := range []string{"Principal", "NotPrincipal"} {
			for _, arn := range principalARNs(st[member]) {
				if !wellFormedARN(arn) { // CreateKey.09
					return errorf("InvalidArnException", "Statement %d of the key policy names the principal %s, which is not a valid ARN.", i+1, arn)
				}
			}
		}
	}
	return nil
}

// policyEffect is what a key policy says about one call.
type policyEffect int

const (
	policySilent policyEffect = iota // no statement applies
	policyAllow
	policyDeny // an explicit Deny, which wins over every Allow and grant
)

// policyDecides is the reference's reading of a key policy, for the lockout
// check (CreateKey.04, PutKeyPolicy.07) and for calls from another account
// (DescribeKey.06 and the other operations in crossAccountOps). A statement
// applies when its Principal names the account (as "*", {"AWS": "*"}, the
// account ID or its root ARN "arn:<partition>:iam::<account>:root") and its
// Action covers action ("kms:*", "*", "kms:Encrypt", or a pattern with * and
// ?, compared case-insensitively). A Deny that applies wins; otherwise an
// Allow that applies allows.
//
// It is a small subset of IAM policy evaluation, on purpose: a statement
// with a Condition, NotPrincipal, NotAction or NotResource is skipped
// (neither allows nor denies), Resource is not read (in a key policy it
// means the key itself), principals that are IAM users or roles do not name
// their account (the reference's callers are account roots), and there are
// no IAM policies to combine it with.
func policyDecides(doc, partition, accountID, action string) policyEffect {
	var policy struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &policy); err != nil {
		return policySilent
	}
	var statements []map[string]any
	if err := json.Unmarshal(policy.Statement, &statements); err != nil {
		var one map[string]any
		if json.Unmarshal(policy.Statement, &one) != nil {
			return policySilent
		}
		statements = []map[string]any{one}
	}
	root := "arn:" + partition + ":iam::" + accountID + ":root"
	effect := policySilent
	for _, st := range statements {
		if st["Condition"] != nil || st["NotPrincipal"] != nil || st["NotAction"] != nil || st["NotResource"] != nil {
			continue
		}
		principals := []string{}
		if p, ok := st["Principal"].(string); ok {
			principals = append(principals, p)
		}
		if m, ok := st["Principal"].(map[string]any); ok {
			principals = append(principals, policyStrings(m["AWS"])...)
		}
		named := slices.ContainsFunc(principals, func(p string) bool { return p == "*" || p == accountID || p == root })
		covered := slices.ContainsFunc(policyStrings(st["Action"]), func(a string) bool {
			ok, err := path.Match(strings.ToLower(a), strings.ToLower(action))
			return err == nil && ok
		})
		if !named || !covered {
			continue
		}
		switch st["Effect"] {
		case "Deny":
			return policyDeny
		case "Allow":
			effect = policyAllow
		}
	}
	return effect
}

// policyAllows reports whether the policy allows accountID the action.
func policyAllows(doc, partition, accountID, action string) bool {
	return policyDecides(doc, partition, accountID, action) == policyAllow
}

// policyStrings reads a policy element that is a string or a list of strings.
func policyStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// principalARNs returns the AWS principals of a statement's Principal member
// that are written as ARNs ("*" and bare account IDs are not ARNs).
func principalARNs(principal any) []string {
	m, ok := principal.(map[string]any)
	if !ok {
		return nil
	}
	var values []any
	switch v := m["AWS"].(type) {
	case string:
		values = []any{v}
	case []any:
		values = v
	}
	var arns []string
	for _, v := range values {
		if s, ok := v.(string); ok && strings.HasPrefix(s, "arn:") {
			arns = append(arns, s)
		}
	}
	return arns
}

// wellFormedARN reports whether s has the six parts of an ARN,
// arn:partition:service:region:account:resource, with a partition, a service
// and a resource (IAM ARNs leave the region empty).
func wellFormedARN(s string) bool {
	parts := strings.SplitN(s, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] != "" && parts[5] != ""
}

func defaultKeyPolicy(accountID string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"kms:*","Resource":"*"}]}`, accountID)
}

// getKeyPolicy implements GetKeyPolicy. It works in every key state (GetKeyPolicy.08).
func getKeyPolicy(c *call) (any, error) {
	var in struct {
		KeyID      *string `json:"KeyId"`
		PolicyName *string `json:"PolicyName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Length("policyName", in.PolicyName, 1, 128, false)
	v.Pattern("policyName", in.PolicyName, policyNamePattern, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if name := deref(in.PolicyName); name != "" && name != "default" {
		return nil, errorf("NotFoundException", "No such policy exists")
	}
	return struct {
		Policy     string
		PolicyName string
	}{k.Policy, "default"}, nil
}

// putKeyPolicy implements PutKeyPolicy: the policy is checked as CreateKey
// checks one (checkPolicy), and unless BypassPolicyLockoutSafetyCheck is
// set it must let the caller's account call PutKeyPolicy again
// (PutKeyPolicy.07, .08). It works in every key state (.16).
func putKeyPolicy(c *call) (any, error) {
	var in struct {
		KeyID                          *string `json:"KeyId"`
		PolicyName                     *string `json:"PolicyName"`
		Policy                         *string `json:"Policy"`
		BypassPolicyLockoutSafetyCheck *bool   `json:"BypassPolicyLockoutSafetyCheck"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Length("policyName", in.PolicyName, 1, 128, false)
	v.Pattern("policyName", in.PolicyName, policyNamePattern, false)
	v.Required("policy", in.Policy != nil)
	v.Length("policy", in.Policy, 1, 131072, false)
	v.Pattern("policy", in.Policy, policyPattern, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if name := deref(in.PolicyName); name != "" && name != "default" { // PutKeyPolicy.14
		return nil, errorf("NotFoundException", "No such policy exists")
	}
	if err := checkPolicy(*in.Policy); err != nil { // .03, .06, .11
		return nil, err
	}
	bypass := in.BypassPolicyLockoutSafetyCheck != nil && *in.BypassPolicyLockoutSafetyCheck
	if !bypass && !policyAllows(*in.Policy, partitionFor(c.region), c.acct.id, "kms:PutKeyPolicy") {
		return nil, errorf("MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future.")
	}
	k.Policy = *in.Policy
	return nil, nil
}

// listKeyPolicies implements ListKeyPolicies: always the one name
// "default", never truncated. No marker is ever handed out, so any marker
// is refused (ListKeyPolicies.09).
func listKeyPolicies(c *call) (any, error) {
	k, req, err := c.keyListing(1000)
	if err != nil {
		return nil, err
	}
	page, next, err := paginate([]string{"default"}, req, 100, listing{op: "ListKeyPolicies", account: c.acct.id, scope: k.ID})
	if err != nil {
		return nil, err
	}
	return struct {
		PolicyNames []string
		NextMarker  string `json:",omitempty"`
		Truncated   bool
	}{page, next, next != ""}, nil
}
