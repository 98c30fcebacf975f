package grants

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
)

// The calls that use or end a grant: ListRetirableGrants, RetireGrant,
// RevokeGrant, and the second account's Encrypt under a grant.

// caller is the client the step names: mine, or the second account's.
func (f *grants) caller(who string) (*kms.Client, error) {
	if who == "I" {
		return f.Client, nil
	}
	return f.SecondClient()
}

var retirableVariants = map[string]func(ctx context.Context, f *grants, in *kms.ListRetirableGrantsInput) error{
	"for its own principal": func(ctx context.Context, f *grants, in *kms.ListRetirableGrantsInput) error {
		p, err := f.Keys.SecondPrincipal(ctx)
		in.RetiringPrincipal = aws.String(p)
		return err
	},
	"for my own account": func(_ context.Context, f *grants, in *kms.ListRetirableGrantsInput) error { return f.retiringOwn(in) },
	"for my own account with Limit 1": func(ctx context.Context, f *grants, in *kms.ListRetirableGrantsInput) error {
		in.Limit = aws.Int32(1)
		return f.retiringOwn(in)
	},
	"for my own account with Limit 1000": func(ctx context.Context, f *grants, in *kms.ListRetirableGrantsInput) error {
		in.Limit = aws.Int32(1000)
		return f.retiringOwn(in)
	},
	"for my own account with a marker it never returned": func(ctx context.Context, f *grants, in *kms.ListRetirableGrantsInput) error {
		in.Marker = aws.String("kmsconform-marker-" + scenario.RandomHex(8))
		return f.retiringOwn(in)
	},
	"without a retiring principal": func(context.Context, *grants, *kms.ListRetirableGrantsInput) error { return nil },
	"with both a retiring principal and a retiring service principal": func(ctx context.Context, f *grants, in *kms.ListRetirableGrantsInput) error {
		in.RetiringServicePrincipal = aws.String("s3.amazonaws.com")
		return f.retiringOwn(in)
	},
	"for a retiring service principal": func(_ context.Context, _ *grants, in *kms.ListRetirableGrantsInput) error {
		in.RetiringServicePrincipal = aws.String("s3.amazonaws.com")
		return nil
	},
	"for the second account's principal": func(ctx context.Context, f *grants, in *kms.ListRetirableGrantsInput) error {
		p, err := f.Keys.SecondPrincipal(ctx)
		in.RetiringPrincipal = aws.String(p)
		return err
	},
	"for a principal that is not an ARN": func(_ context.Context, _ *grants, in *kms.ListRetirableGrantsInput) error {
		in.RetiringPrincipal = aws.String("kmsconform-not-an-arn")
		return nil
	},
}

// retiringOwn asks for the grants the root of my own account may retire.
func (f *grants) retiringOwn(in *kms.ListRetirableGrantsInput) error {
	own, err := f.Keys.OwnRoot()
	in.RetiringPrincipal = aws.String(own)
	return err
}

func (f *grants) callListRetirable(ctx context.Context, who, variant string) error {
	c, err := f.caller(who)
	if err != nil {
		return err
	}
	in := &kms.ListRetirableGrantsInput{}
	if err := retirableVariants[variant](ctx, f, in); err != nil {
		return err
	}
	return scenario.Act(ctx, f.Scenario, "ListRetirableGrants", func(ctx context.Context) (*kms.ListRetirableGrantsOutput, error) {
		return c.ListRetirableGrants(ctx, in)
	})
}

var retireVariants = map[string]func(f *grants, in *kms.RetireGrantInput, k *scenario.Key, g *kms.CreateGrantOutput){
	"with the grant token": func(_ *grants, in *kms.RetireGrantInput, _ *scenario.Key, g *kms.CreateGrantOutput) {
		in.GrantToken = g.GrantToken
	},
	"with the grant token and DryRun": func(_ *grants, in *kms.RetireGrantInput, _ *scenario.Key, g *kms.CreateGrantOutput) {
		in.GrantToken, in.DryRun = g.GrantToken, aws.Bool(true)
	},
	"with the key ARN and the grant ID": func(_ *grants, in *kms.RetireGrantInput, k *scenario.Key, g *kms.CreateGrantOutput) {
		in.KeyId, in.GrantId = aws.String(k.ARN), g.GrantId
	},
	"with nothing": func(*grants, *kms.RetireGrantInput, *scenario.Key, *kms.CreateGrantOutput) {},
	"with only the grant ID": func(_ *grants, in *kms.RetireGrantInput, _ *scenario.Key, g *kms.CreateGrantOutput) {
		in.GrantId = g.GrantId
	},
	"with a grant token that no grant issued": func(_ *grants, in *kms.RetireGrantInput, _ *scenario.Key, _ *kms.CreateGrantOutput) {
		in.GrantToken = aws.String(bogusGrantToken)
	},
	"with a grant token that no grant issued and DryRun": func(_ *grants, in *kms.RetireGrantInput, _ *scenario.Key, _ *kms.CreateGrantOutput) {
		in.GrantToken, in.DryRun = aws.String(bogusGrantToken), aws.Bool(true)
	},
	"with the key ARN and a malformed grant ID": func(_ *grants, in *kms.RetireGrantInput, k *scenario.Key, _ *kms.CreateGrantOutput) {
		in.KeyId, in.GrantId = aws.String(k.ARN), aws.String("kmsconform-not-a-grant-id")
	},
	"with the key ARN and the ID of no grant": func(_ *grants, in *kms.RetireGrantInput, k *scenario.Key, _ *kms.CreateGrantOutput) {
		in.KeyId, in.GrantId = aws.String(k.ARN), aws.String(grantIDOfNone)
	},
	"with a malformed key ARN and the grant ID": func(f *grants, in *kms.RetireGrantInput, _ *scenario.Key, g *kms.CreateGrantOutput) {
		in.KeyId, in.GrantId = aws.String(scenario.MalformedKeyARN(f.Env.Region)), g.GrantId
	},
}

func (f *grants) callRetireGrant(ctx context.Context, who, variant string) error {
	c, err := f.caller(who)
	if err != nil {
		return err
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	g := f.grant
	if g == nil {
		g = &kms.CreateGrantOutput{GrantId: aws.String(grantIDOfNone), GrantToken: aws.String(bogusGrantToken)}
	}
	in := &kms.RetireGrantInput{}
	retireVariants[variant](f, in, k, g)
	return scenario.Act(ctx, f.Scenario, "RetireGrant", func(ctx context.Context) (*kms.RetireGrantOutput, error) {
		return c.RetireGrant(ctx, in)
	})
}

var revokeVariants = map[string]func(f *grants, in *kms.RevokeGrantInput, k *scenario.Key){
	"on the grant":                  func(*grants, *kms.RevokeGrantInput, *scenario.Key) {},
	"on the grant with DryRun":      func(_ *grants, in *kms.RevokeGrantInput, _ *scenario.Key) { in.DryRun = aws.Bool(true) },
	"naming the key by its key ARN": func(_ *grants, in *kms.RevokeGrantInput, k *scenario.Key) { in.KeyId = aws.String(k.ARN) },
	"naming a key that does not exist": func(f *grants, in *kms.RevokeGrantInput, _ *scenario.Key) {
		in.KeyId = aws.String(f.Env.MadeUp(scenario.MissingKeyID()))
	},
	"naming the key by a malformed key ARN": func(f *grants, in *kms.RevokeGrantInput, _ *scenario.Key) {
		in.KeyId = aws.String(scenario.MalformedKeyARN(f.Env.Region))
	},
	"with a malformed grant ID and DryRun": func(_ *grants, in *kms.RevokeGrantInput, _ *scenario.Key) {
		in.GrantId, in.DryRun = aws.String("kmsconform-not-a-grant-id"), aws.Bool(true)
	},
	"with a malformed grant ID": func(_ *grants, in *kms.RevokeGrantInput, _ *scenario.Key) {
		in.GrantId = aws.String("kmsconform-not-a-grant-id")
	},
	"with the ID of no grant": func(_ *grants, in *kms.RevokeGrantInput, _ *scenario.Key) { in.GrantId = aws.String(grantIDOfNone) },
}

func (f *grants) callRevokeGrant(ctx context.Context, who, variant string) error {
	c, err := f.caller(who)
	if err != nil {
		return err
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	in := &kms.RevokeGrantInput{KeyId: aws.String(k.ID), GrantId: aws.String(grantIDOfNone)}
	if f.grant != nil {
		in.GrantId = f.grant.GrantId
	}
	if who != "I" {
		in.KeyId = aws.String(k.ARN) // another account names the key by its ARN
	}
	revokeVariants[variant](f, in, k)
	return scenario.Act(ctx, f.Scenario, "RevokeGrant", func(ctx context.Context) (*kms.RevokeGrantOutput, error) {
		return c.RevokeGrant(ctx, in)
	})
}

// secondEncrypts encrypts as the second account, with an encryption
// context and the grant token when the step asks.
func (f *grants) secondEncrypts(ctx context.Context, pairs, token string) error {
	k, c, err := f.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	in := &kms.EncryptInput{KeyId: aws.String(k.ARN), Plaintext: f.Env.Message()}
	if pairs != "" {
		if in.EncryptionContext, err = contextPairs(pairs); err != nil {
			return err
		}
	}
	if token != "" {
		g, err := f.needGrant()
		if err != nil {
			return err
		}
		in.GrantTokens = []string{aws.ToString(g.GrantToken)}
	}
	return scenario.Act(ctx, f.Scenario, "Encrypt", func(ctx context.Context) (*kms.EncryptOutput, error) {
		return c.Encrypt(ctx, in)
	})
}

// grantIDs are the IDs of entries.
func grantIDs(entries []types.GrantListEntry) []string {
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		ids = append(ids, aws.ToString(e.GrantId))
	}
	slices.Sort(ids)
	return ids
}
