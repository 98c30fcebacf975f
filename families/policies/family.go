// Package policies holds the steps of the key policy operations:
// GetKeyPolicy, PutKeyPolicy and ListKeyPolicies, and the key policies that
// let the run's second account use a key, or deny it.
package policies

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// policies is one scenario's state for the key policy steps.
type policies struct {
	*scenario.Scenario
	// sent is the Policy of the PutKeyPolicy under test; before is the key's
	// policy before it.
	sent, before string
}

// Register binds the key policy steps of scenario s.
func Register(s *scenario.Scenario, sc stepdef.Context) {
	f := &policies{Scenario: s}
	f.registerCalls(sc)
	f.registerChecks(sc)
}

// statement is one statement of a key policy.
type statement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    any            `json:"Action,omitempty"`
	Resource  string         `json:"Resource,omitempty"`
}

// document is a key policy of statements.
func document(statements ...statement) string {
	b, _ := json.Marshal(struct {
		Version   string
		Statement []statement
	}{"2012-10-17", statements})
	return string(b)
}

// keepAccess is the statement that leaves my own account in control of the key.
func keepAccess(root string) statement {
	return statement{Sid: "KeepMyAccountInControl", Effect: "Allow", Principal: map[string]any{"AWS": root}, Action: "kms:*", Resource: "*"}
}

// kmsActions reads "DescribeKey", "DescribeKey and Encrypt" or "Describe*"
// as policy actions.
func kmsActions(s string) []string {
	var out []string
	for _, part := range strings.Split(strings.ReplaceAll(s, " and ", ", "), ", ") {
		out = append(out, "kms:"+strings.TrimSpace(part))
	}
	return out
}

// putPolicy gives the scenario's key doc as a setup call.
func (f *policies) putPolicy(ctx context.Context, doc string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	_, err = scenario.Setup(ctx, f.Scenario, "PutKeyPolicy", func(ctx context.Context) (*kms.PutKeyPolicyOutput, error) {
		return f.Client.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(k.ID), Policy: aws.String(doc)})
	})
	return err
}

// currentPolicy is the key's policy, read with a setup call.
func (f *policies) currentPolicy(ctx context.Context) (string, error) {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return "", err
	}
	out, err := scenario.Setup(ctx, f.Scenario, "GetKeyPolicy", func(ctx context.Context) (*kms.GetKeyPolicyOutput, error) {
		return f.Client.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(k.ID)})
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Policy), nil
}

// samePolicy compares two policy documents as JSON: KMS may lay a stored
// policy out differently (real KMS adds line breaks).
func samePolicy(a, b string) (bool, error) {
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		return false, fmt.Errorf("policy %s is not JSON: %w", scenario.Excerpt(a, 80), err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		return false, fmt.Errorf("policy %s is not JSON: %w", scenario.Excerpt(b, 80), err)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya), nil
}
