package policies

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// actionsExpr is a list of KMS actions as the feature files write them:
// operation names, or a prefix and *.
const actionsExpr = `([A-Za-z*]+(?:(?:, | and )[A-Za-z*]+)*)`

// lockedOutActions let my own account use and delete the key, but not
// change its policy: a policy of them fails the lockout check, and a run
// that bypasses the check can still clean the key up.
var lockedOutActions = []string{"kms:Describe*", "kms:List*", "kms:Get*", "kms:Encrypt", "kms:Decrypt",
	"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:EnableKey", "kms:DisableKey"}

func (f *policies) registerCalls(sc stepdef.Context) {
	second := stepdef.Creates{SecondAccount: true}
	sc.Given(`^the key policy lets the second account call `+actionsExpr+`$`, f.givenAllows, second)
	sc.Given(`^the key policy lets the second account call `+actionsExpr+` but denies it `+actionsExpr+`$`, f.givenAllowsAndDenies, second)
	sc.Given(`^the key policy lets every account call `+actionsExpr+`$`, f.givenAllowsEveryone)

	sc.When(`^I call (GetKeyPolicy|PutKeyPolicy|ListKeyPolicies) (.+)$`, f.callPolicyOp, stepdef.Check(func(args []string) error {
		if _, ok := variant(args[0], args[1]); !ok {
			return fmt.Errorf("unknown %s variant %q", args[0], args[1])
		}
		return nil
	}))
	sc.When(`^the second account calls (GetKeyPolicy|PutKeyPolicy|ListKeyPolicies) naming the key by its key ARN$`, f.secondCallsPolicyOp, second)
}

func (f *policies) givenAllows(ctx context.Context, actions string) error {
	return f.givenAllowsAndDenies(ctx, actions, "")
}

func (f *policies) givenAllowsAndDenies(ctx context.Context, allowed, denied string) error {
	p, err := f.Keys.SecondPrincipal(ctx)
	if err != nil {
		return err
	}
	own, err := f.Keys.OwnRoot()
	if err != nil {
		return err
	}
	st := []statement{keepAccess(own),
		{Sid: "LetTheSecondAccountUseIt", Effect: "Allow", Principal: map[string]any{"AWS": p}, Action: kmsActions(allowed), Resource: "*"}}
	if denied != "" {
		st = append(st, statement{Sid: "DenyTheSecondAccount", Effect: "Deny", Principal: map[string]any{"AWS": p}, Action: kmsActions(denied), Resource: "*"})
	}
	return f.putPolicy(ctx, document(st...))
}

func (f *policies) givenAllowsEveryone(ctx context.Context, actions string) error {
	own, err := f.Keys.OwnRoot()
	if err != nil {
		return err
	}
	return f.putPolicy(ctx, document(keepAccess(own),
		statement{Sid: "LetEveryAccountUseIt", Effect: "Allow", Principal: map[string]any{"AWS": "*"}, Action: kmsActions(actions), Resource: "*"}))
}

// policyCall is one call of a key policy operation: the KeyId, and for
// PutKeyPolicy the policy and the bypass flag.
type policyCall struct {
	keyID, name, policy string
	bypass              bool
	limit               *int32
	marker              *string
}

// policyVariants change the baseline call of each operation: it names the
// scenario's key by key ID, and PutKeyPolicy sends a policy that keeps my
// account in control.
var policyVariants = map[string]map[string]func(f *policies, c *policyCall, k *scenario.Key, own string){
	"GetKeyPolicy": {
		"on the key":                   func(*policies, *policyCall, *scenario.Key, string) {},
		"with the policy name default": func(_ *policies, c *policyCall, _ *scenario.Key, _ string) { c.name = "default" },
		"with the policy name other":   func(_ *policies, c *policyCall, _ *scenario.Key, _ string) { c.name = "other" },
	},
	"PutKeyPolicy": {
		"with a policy that keeps my account in control": func(*policies, *policyCall, *scenario.Key, string) {},
		"with the policy name default":                   func(_ *policies, c *policyCall, _ *scenario.Key, _ string) { c.name = "default" },
		"with the policy name other":                     func(_ *policies, c *policyCall, _ *scenario.Key, _ string) { c.name = "other" },
		"with a policy whose principal is a malformed ARN": func(_ *policies, c *policyCall, _ *scenario.Key, own string) {
			c.policy = document(keepAccess(own), statement{Effect: "Allow", Principal: map[string]any{"AWS": "arn:aws:iam::111122223333"}, Action: "kms:Encrypt", Resource: "*"})
		},
		"with a policy that is not JSON": func(_ *policies, c *policyCall, _ *scenario.Key, _ string) { c.policy = "kmsconform: not a policy" },
		"with a policy that would lock me out": func(_ *policies, c *policyCall, _ *scenario.Key, own string) {
			c.policy = document(statement{Effect: "Allow", Principal: map[string]any{"AWS": own}, Action: lockedOutActions, Resource: "*"})
		},
		"with a policy that would lock me out and BypassPolicyLockoutSafetyCheck": func(_ *policies, c *policyCall, _ *scenario.Key, own string) {
			c.policy = document(statement{Effect: "Allow", Principal: map[string]any{"AWS": own}, Action: lockedOutActions, Resource: "*"})
			c.bypass = true
		},
		"with a policy one of whose statements names no principal": func(_ *policies, c *policyCall, _ *scenario.Key, own string) {
			c.policy = document(keepAccess(own), statement{Effect: "Allow", Action: "kms:Encrypt", Resource: "*"})
		},
		"with a policy one of whose statements has no Action": func(_ *policies, c *policyCall, _ *scenario.Key, own string) {
			c.policy = document(keepAccess(own), statement{Sid: "NoAction", Effect: "Allow", Principal: map[string]any{"AWS": own}, Resource: "*"})
		},
		"with a policy of 33000 characters": func(_ *policies, c *policyCall, _ *scenario.Key, own string) {
			st := keepAccess(own)
			st.Sid = strings.Repeat("x", 33000-len(document(keepAccess(own)))+len(st.Sid))
			c.policy = document(st)
		},
	},
	"ListKeyPolicies": {
		"on the key":   func(*policies, *policyCall, *scenario.Key, string) {},
		"with Limit 1": func(_ *policies, c *policyCall, _ *scenario.Key, _ string) { c.limit = aws.Int32(1) },
		"with a marker it never returned": func(_ *policies, c *policyCall, _ *scenario.Key, _ string) {
			c.marker = aws.String("kmsconform-marker-" + scenario.RandomHex(8))
		},
	},
}

// namingVariants are the variants every operation has: how the key is named.
var namingVariants = map[string]func(f *policies, c *policyCall, k *scenario.Key, own string){
	"naming the key by its key ARN": func(_ *policies, c *policyCall, k *scenario.Key, _ string) { c.keyID = k.ARN },
	"naming a key that does not exist": func(f *policies, c *policyCall, _ *scenario.Key, _ string) {
		c.keyID = f.Env.MadeUp(scenario.MissingKeyID())
	},
	"naming the key by a malformed key ARN": func(f *policies, c *policyCall, _ *scenario.Key, _ string) {
		c.keyID = scenario.MalformedKeyARN(f.Env.Region)
	},
}

// variant is the change variant makes to a call of op, or false.
func variant(op, name string) (func(f *policies, c *policyCall, k *scenario.Key, own string), bool) {
	if fn, ok := policyVariants[op][name]; ok {
		return fn, true
	}
	fn, ok := namingVariants[name]
	return fn, ok
}

func (f *policies) callPolicyOp(ctx context.Context, op, name string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	own, err := scenario.AccountRoot(k.ARN)
	if err != nil {
		return err
	}
	c := &policyCall{keyID: k.ID, policy: document(keepAccess(own), statement{Sid: "Marker" + scenario.RandomHex(4), Effect: "Allow",
		Principal: map[string]any{"AWS": own}, Action: "kms:Describe*", Resource: "*"})}
	change, _ := variant(op, name)
	change(f, c, k, own)
	if op == "PutKeyPolicy" {
		if f.before, err = f.currentPolicy(ctx); err != nil {
			return err
		}
		f.sent = c.policy
	}
	return f.act(ctx, f.Client, op, c)
}

func (f *policies) secondCallsPolicyOp(ctx context.Context, op string) error {
	k, client, err := f.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	own, err := scenario.AccountRoot(k.ARN)
	if err != nil {
		return err
	}
	return f.act(ctx, client, op, &policyCall{keyID: k.ARN, policy: document(keepAccess(own))})
}

func (f *policies) act(ctx context.Context, client *kms.Client, op string, c *policyCall) error {
	var name *string
	if c.name != "" {
		name = aws.String(c.name)
	}
	switch op {
	case "GetKeyPolicy":
		return scenario.Act(ctx, f.Scenario, op, func(ctx context.Context) (*kms.GetKeyPolicyOutput, error) {
			return client.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(c.keyID), PolicyName: name})
		})
	case "PutKeyPolicy":
		return scenario.Act(ctx, f.Scenario, op, func(ctx context.Context) (*kms.PutKeyPolicyOutput, error) {
			return client.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(c.keyID), PolicyName: name, Policy: aws.String(c.policy),
				BypassPolicyLockoutSafetyCheck: c.bypass})
		})
	}
	return scenario.Act(ctx, f.Scenario, op, func(ctx context.Context) (*kms.ListKeyPoliciesOutput, error) {
		return client.ListKeyPolicies(ctx, &kms.ListKeyPoliciesInput{KeyId: aws.String(c.keyID), Limit: c.limit, Marker: c.marker})
	})
}
