package policies

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

func (f *policies) registerChecks(sc stepdef.Context) {
	sc.Then(`^the response holds a JSON policy named default$`, f.thenPolicyOutput)
	sc.Then(`^GetKeyPolicy returns the policy I put$`, f.thenPolicyIsSent)
	sc.Then(`^the key policy is unchanged$`, f.thenPolicyUnchanged)
	sc.Then(`^PolicyNames is default alone and the list is complete$`, f.thenPolicyNames)
}

func (f *policies) thenPolicyOutput() error {
	out, err := scenario.OutputUnderTest[*kms.GetKeyPolicyOutput](f.Scenario, "GetKeyPolicy")
	if err != nil {
		return err
	}
	if got := aws.ToString(out.PolicyName); got != "default" {
		return fmt.Errorf("PolicyName %q, want default", got)
	}
	doc := aws.ToString(out.Policy)
	if _, err := samePolicy(doc, doc); err != nil {
		return err
	}
	return nil
}

func (f *policies) comparePolicy(ctx context.Context, want, what string) error {
	got, err := f.currentPolicy(ctx)
	if err != nil {
		return err
	}
	same, err := samePolicy(got, want)
	if err != nil {
		return err
	}
	if !same {
		return fmt.Errorf("GetKeyPolicy returns %s, want %s", scenario.Excerpt(got, 300), what)
	}
	return nil
}

func (f *policies) thenPolicyIsSent(ctx context.Context) error {
	if f.sent == "" {
		return fmt.Errorf("no PutKeyPolicy was made")
	}
	return f.comparePolicy(ctx, f.sent, "the policy PutKeyPolicy sent")
}

func (f *policies) thenPolicyUnchanged(ctx context.Context) error {
	if f.before == "" {
		return fmt.Errorf("no PutKeyPolicy was made")
	}
	return f.comparePolicy(ctx, f.before, "the policy the key had before")
}

func (f *policies) thenPolicyNames() error {
	out, err := scenario.OutputUnderTest[*kms.ListKeyPoliciesOutput](f.Scenario, "ListKeyPolicies")
	if err != nil {
		return err
	}
	if !slices.Equal(out.PolicyNames, []string{"default"}) || out.Truncated || out.NextMarker != nil {
		return fmt.Errorf("PolicyNames %v, Truncated %v, NextMarker %q; want [default], false and none", out.PolicyNames, out.Truncated, aws.ToString(out.NextMarker))
	}
	return nil
}
