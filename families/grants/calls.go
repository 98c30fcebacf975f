package grants

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// opsExpr is a list of grant operations as the feature files write it.
const opsExpr = `([A-Za-z]+(?:(?:, | and )[A-Za-z]+)*)`

// bogusGrantToken has the look of a grant token but no grant issued it.
const bogusGrantToken = "AQpAM2RhZTk1MGMyNTk2ZmZmMzEyYWVhOWViN2I1MWM4Mzc0MWFiYjc0ZDE1ODkyNGFlNTIzODZhMzgyZjBlNGY3NiKIAQEBAgB4Pa6VDCWW__kmsconform"

// grantIDOfNone is a well-formed grant ID that names no grant.
var grantIDOfNone = strings.Repeat("0", 64)

func (f *grants) registerCalls(sc stepdef.Context) {
	second := stepdef.Creates{SecondAccount: true}
	sc.Given(`^a grant on the key lets the second account call `+opsExpr+`$`, f.givenGrant, second)
	sc.Given(`^a grant on the key lets the second account call `+opsExpr+` when the encryption context (includes|equals) (\S+)$`, f.givenConstrainedGrant, second)
	sc.Given(`^a grant on the key lets the second account call `+opsExpr+` only on behalf of an S3 bucket$`, f.givenSourceArnGrant, second)
	sc.Given(`^a grant on the key that the second account may retire$`, f.givenRetirableGrant, second)
	sc.Given(`^a grant on the key for my own account$`, f.givenOwnGrant)
	sc.Given(`^a grant on the key for the service principal (\S+)$`, f.givenServiceGrant)
	sc.Given(`^the key has (\d+) grants for my own account$`, f.givenOwnGrants)
	sc.Given(`^the second account already holds (\d+) grants on the key$`, f.givenGrantsForSecond, second)
	sc.Given(`^the grant has been (revoked|retired)$`, f.givenGrantEnded)
	sc.Given(`^a grant named (\S+) lets the second account call Encrypt$`, f.givenNamedGrant, second)

	sc.When(`^I call CreateGrant (.+)$`, f.callCreateGrant, second, checkVariant(createGrantVariants))
	sc.When(`^the second account calls CreateGrant naming the key by its (key ID|key ARN)(| without an encryption context constraint)$`, f.secondCreatesGrant, second)
	sc.When(`^I call ListGrants (.+)$`, f.callListGrants, second, checkVariant(listGrantsVariants))
	sc.When(`^the second account calls ListGrants naming the key by its (key ID|key ARN)$`, f.secondListsGrants, second)
	sc.When(`^(I|the second account) (?:call|calls) ListRetirableGrants (.+)$`, f.callListRetirable, second, checkVariantAt(1, retirableVariants))
	sc.When(`^(I|the second account) (?:call|calls) RetireGrant (.+)$`, f.callRetireGrant, second, checkVariantAt(1, retireVariants))
	sc.When(`^(I|the second account) (?:call|calls) RevokeGrant (.+)$`, f.callRevokeGrant, second, checkVariantAt(1, revokeVariants))
	sc.When(`^the second account encrypts a message with the key by its key ARN(?: with the encryption context (\S+))?( and the grant token)?$`, f.secondEncrypts, second)
}

// checkVariant refuses a step whose argument is no variant the table knows.
func checkVariant[T any](table map[string]T) stepdef.Option { return checkVariantAt(0, table) }

func checkVariantAt[T any](i int, table map[string]T) stepdef.Option {
	return stepdef.Check(func(args []string) error {
		if i >= len(args) {
			return fmt.Errorf("the step has no argument %d", i+1)
		}
		if _, ok := table[args[i]]; !ok {
			return fmt.Errorf("unknown variant %q", args[i])
		}
		return nil
	})
}

func (f *grants) givenGrant(ctx context.Context, ops string) error {
	p, err := f.Keys.SecondPrincipal(ctx)
	if err != nil {
		return err
	}
	return f.makeGrant(ctx, &kms.CreateGrantInput{GranteePrincipal: aws.String(p), Operations: operationList(ops)})
}

func (f *grants) givenConstrainedGrant(ctx context.Context, ops, how, pairs string) error {
	p, err := f.Keys.SecondPrincipal(ctx)
	if err != nil {
		return err
	}
	m, err := contextPairs(pairs)
	if err != nil {
		return err
	}
	c := &types.GrantConstraints{EncryptionContextSubset: m}
	if how == "equals" {
		c = &types.GrantConstraints{EncryptionContextEquals: m}
	}
	return f.makeGrant(ctx, &kms.CreateGrantInput{GranteePrincipal: aws.String(p), Operations: operationList(ops), Constraints: c})
}

// bucketARN is an S3 bucket ARN in the key's account and Region, for a
// SourceArn constraint that no direct call can meet.
func (f *grants) bucketARN() (string, error) {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return "", err
	}
	parts := strings.SplitN(k.ARN, ":", 6)
	if len(parts) < 6 {
		return "", fmt.Errorf("%q is not a key ARN", k.ARN)
	}
	return "arn:" + parts[1] + ":s3:" + parts[3] + ":" + parts[4] + ":kmsconform-" + scenario.RandomHex(8), nil
}

func (f *grants) givenSourceArnGrant(ctx context.Context, ops string) error {
	p, err := f.Keys.SecondPrincipal(ctx)
	if err != nil {
		return err
	}
	arn, err := f.bucketARN()
	if err != nil {
		return err
	}
	return f.makeGrant(ctx, &kms.CreateGrantInput{GranteePrincipal: aws.String(p), Operations: operationList(ops),
		Constraints: &types.GrantConstraints{SourceArn: aws.String(arn)}})
}

func (f *grants) givenRetirableGrant(ctx context.Context) error {
	p, err := f.Keys.SecondPrincipal(ctx)
	if err != nil {
		return err
	}
	own, err := f.Keys.OwnRoot()
	if err != nil {
		return err
	}
	return f.makeGrant(ctx, &kms.CreateGrantInput{GranteePrincipal: aws.String(own), RetiringPrincipal: aws.String(p),
		Operations: []types.GrantOperation{types.GrantOperationEncrypt}})
}

func (f *grants) givenOwnGrant(ctx context.Context) error {
	own, err := f.Keys.OwnRoot()
	if err != nil {
		return err
	}
	return f.makeGrant(ctx, &kms.CreateGrantInput{GranteePrincipal: aws.String(own), RetiringPrincipal: aws.String(own),
		Operations: []types.GrantOperation{types.GrantOperationEncrypt, types.GrantOperationDecrypt}})
}

func (f *grants) givenServiceGrant(ctx context.Context, service string) error {
	arn, err := f.bucketARN()
	if err != nil {
		return err
	}
	return f.makeGrant(ctx, &kms.CreateGrantInput{GranteeServicePrincipal: aws.String(service), RetiringServicePrincipal: aws.String(service),
		Operations: []types.GrantOperation{types.GrantOperationEncrypt}, Constraints: &types.GrantConstraints{SourceArn: aws.String(arn)}})
}

func (f *grants) givenOwnGrants(ctx context.Context, n int) error {
	for range n {
		if err := f.givenOwnGrant(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (f *grants) givenGrantsForSecond(ctx context.Context, n int) error {
	for range n {
		if err := f.givenGrant(ctx, "DescribeKey"); err != nil {
			return err
		}
	}
	return nil
}

func (f *grants) givenGrantEnded(ctx context.Context, how string) error {
	g, err := f.needGrant()
	if err != nil {
		return err
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	if how == "revoked" {
		_, err = scenario.Setup(ctx, f.Scenario, "RevokeGrant", func(ctx context.Context) (*kms.RevokeGrantOutput, error) {
			return f.Client.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: aws.String(k.ID), GrantId: g.GrantId})
		})
		return err
	}
	_, err = scenario.Setup(ctx, f.Scenario, "RetireGrant", func(ctx context.Context) (*kms.RetireGrantOutput, error) {
		return f.Client.RetireGrant(ctx, &kms.RetireGrantInput{KeyId: aws.String(k.ARN), GrantId: g.GrantId})
	})
	return err
}

func (f *grants) givenNamedGrant(ctx context.Context, name string) error {
	p, err := f.Keys.SecondPrincipal(ctx)
	if err != nil {
		return err
	}
	in := &kms.CreateGrantInput{GranteePrincipal: aws.String(p), Operations: []types.GrantOperation{types.GrantOperationEncrypt}, Name: aws.String(name)}
	if err := f.makeGrant(ctx, in); err != nil {
		return err
	}
	f.first, f.repeat = aws.ToString(f.grant.GrantId), in
	return nil
}

// createGrantVariants change the baseline CreateGrant request: a grant of
// Encrypt on the scenario's key, named by key ID, for the second account.
var createGrantVariants = map[string]func(f *grants, in *kms.CreateGrantInput, k *scenario.Key) error{
	"for the second account to call Encrypt": func(*grants, *kms.CreateGrantInput, *scenario.Key) error { return nil },
	"to call Encrypt":                        func(*grants, *kms.CreateGrantInput, *scenario.Key) error { return nil },
	"naming the key by its key ARN": func(_ *grants, in *kms.CreateGrantInput, k *scenario.Key) error {
		in.KeyId = aws.String(k.ARN)
		return nil
	},
	"naming a key that does not exist": func(f *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		in.KeyId = aws.String(f.Env.MadeUp(scenario.MissingKeyID()))
		return nil
	},
	"naming the key by a malformed key ARN": func(f *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		in.KeyId = aws.String(scenario.MalformedKeyARN(f.Env.Region))
		return nil
	},
	"whose grantee principal is not an ARN": func(_ *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		in.GranteePrincipal = aws.String("kmsconform-not-an-arn")
		return nil
	},
	"whose retiring principal is not an ARN": func(_ *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		in.RetiringPrincipal = aws.String("kmsconform-not-an-arn")
		return nil
	},
	"with a grant token that no grant issued": func(_ *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		in.GrantTokens = []string{bogusGrantToken}
		return nil
	},
	"with DryRun": func(_ *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		in.DryRun = aws.Bool(true)
		return nil
	},
	"without a grantee principal": func(_ *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		in.GranteePrincipal = nil
		return nil
	},
	"with both a grantee principal and a grantee service principal": func(f *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		arn, err := f.bucketARN()
		in.GranteeServicePrincipal = aws.String("s3.amazonaws.com")
		in.Constraints = &types.GrantConstraints{SourceArn: aws.String(arn)}
		return err
	},
	"for a service principal without a SourceArn constraint": func(_ *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		in.GranteePrincipal, in.GranteeServicePrincipal, in.RetiringServicePrincipal = nil, aws.String("s3.amazonaws.com"), aws.String("s3.amazonaws.com")
		return nil
	},
	"for a service principal without a retiring principal": func(f *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		arn, err := f.bucketARN()
		in.GranteePrincipal, in.GranteeServicePrincipal = nil, aws.String("s3.amazonaws.com")
		in.Constraints = &types.GrantConstraints{SourceArn: aws.String(arn)}
		return err
	},
	"with both a retiring principal and a retiring service principal": func(f *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		own, err := f.Keys.OwnRoot()
		in.RetiringPrincipal, in.RetiringServicePrincipal = aws.String(own), aws.String("s3.amazonaws.com")
		return err
	},
	"for Sign, which the key cannot do": func(_ *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		in.Operations = []types.GrantOperation{types.GrantOperationSign}
		return nil
	},
	"with an encryption context constraint": func(_ *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		in.Constraints = &types.GrantConstraints{EncryptionContextSubset: map[string]string{"purpose": "test"}}
		return nil
	},
	"with an encryption context constraint of 9 pairs": func(_ *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		m := map[string]string{}
		for i := range 9 {
			m[fmt.Sprintf("k%d", i)] = "v"
		}
		in.Constraints = &types.GrantConstraints{EncryptionContextSubset: m}
		return nil
	},
	"again with the same name and parameters": func(f *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		if f.repeat == nil {
			return fmt.Errorf("no named grant was made before")
		}
		*in = *f.repeat
		return nil
	},
	"again with the same parameters and no name": func(f *grants, in *kms.CreateGrantInput, _ *scenario.Key) error {
		if f.repeat == nil {
			return fmt.Errorf("no named grant was made before")
		}
		*in = *f.repeat
		in.Name = nil
		return nil
	},
}

func (f *grants) callCreateGrant(ctx context.Context, variant string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	p, err := f.grantee(ctx, variant == "for the second account to call Encrypt")
	if err != nil {
		return err
	}
	in := &kms.CreateGrantInput{KeyId: aws.String(k.ID), GranteePrincipal: aws.String(p), Operations: []types.GrantOperation{types.GrantOperationEncrypt}}
	if err := createGrantVariants[variant](f, in, k); err != nil {
		return err
	}
	return f.actCreateGrant(ctx, f.Client, in)
}

// grantee is the grantee principal of the CreateGrant under test: the
// second account's, or, where the scenario does not need it and the run has
// no second account, my own account's root, so that the scenario still runs.
func (f *grants) grantee(ctx context.Context, needSecond bool) (string, error) {
	if needSecond || f.Env.Second != nil {
		return f.Keys.SecondPrincipal(ctx)
	}
	return f.Keys.OwnRoot()
}

func (f *grants) actCreateGrant(ctx context.Context, c *kms.Client, in *kms.CreateGrantInput) error {
	err := scenario.Act(ctx, f.Scenario, "CreateGrant", func(ctx context.Context) (*kms.CreateGrantOutput, error) {
		return c.CreateGrant(ctx, in, scenario.Unvalidated)
	})
	if out, ok := f.Output.(*kms.CreateGrantOutput); ok {
		f.grant = out
	}
	return err
}

// secondCreatesGrant: the second account, through its own grant, grants
// Encrypt to itself; without a constraint, its grant is looser than the
// grant it holds when that one has a constraint (CreateGrant.14).
func (f *grants) secondCreatesGrant(ctx context.Context, form, loose string) error {
	k, c, err := f.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	p, err := f.Keys.SecondPrincipal(ctx)
	if err != nil {
		return err
	}
	id := k.ARN
	if form == "key ID" {
		id = k.ID
	}
	in := &kms.CreateGrantInput{KeyId: aws.String(id), GranteePrincipal: aws.String(p), Operations: []types.GrantOperation{types.GrantOperationEncrypt}}
	if loose == "" {
		in.Constraints = &types.GrantConstraints{EncryptionContextSubset: map[string]string{"purpose": "test"}}
	}
	return f.actCreateGrant(ctx, c, in)
}

var listGrantsVariants = map[string]func(f *grants, in *kms.ListGrantsInput, k *scenario.Key) error{
	"on the key": func(*grants, *kms.ListGrantsInput, *scenario.Key) error { return nil },
	"naming the key by its key ARN": func(_ *grants, in *kms.ListGrantsInput, k *scenario.Key) error {
		in.KeyId = aws.String(k.ARN)
		return nil
	},
	"naming a key that does not exist": func(f *grants, in *kms.ListGrantsInput, _ *scenario.Key) error {
		in.KeyId = aws.String(f.Env.MadeUp(scenario.MissingKeyID()))
		return nil
	},
	"naming the key by a malformed key ARN": func(f *grants, in *kms.ListGrantsInput, _ *scenario.Key) error {
		in.KeyId = aws.String(scenario.MalformedKeyARN(f.Env.Region))
		return nil
	},
	"for the grant's ID": func(f *grants, in *kms.ListGrantsInput, _ *scenario.Key) error {
		g, err := f.needGrant()
		if err == nil {
			in.GrantId = g.GrantId
		}
		return err
	},
	"for a malformed grant ID": func(_ *grants, in *kms.ListGrantsInput, _ *scenario.Key) error {
		in.GrantId = aws.String("kmsconform-not-a-grant-id")
		return nil
	},
	"for the second account's principal": func(f *grants, in *kms.ListGrantsInput, _ *scenario.Key) error {
		p, err := f.Keys.SecondPrincipal(context.Background())
		in.GranteePrincipal = aws.String(p)
		return err
	},
	"with both a grantee principal and a grantee service principal": func(f *grants, in *kms.ListGrantsInput, _ *scenario.Key) error {
		own, err := f.Keys.OwnRoot()
		in.GranteePrincipal, in.GranteeServicePrincipal = aws.String(own), aws.String("s3.amazonaws.com")
		return err
	},
	"for a grantee service principal": func(_ *grants, in *kms.ListGrantsInput, _ *scenario.Key) error {
		in.GranteeServicePrincipal = aws.String("s3.amazonaws.com")
		return nil
	},
	"with Limit 2": func(_ *grants, in *kms.ListGrantsInput, _ *scenario.Key) error { in.Limit = aws.Int32(2); return nil },
	"with Limit 1000": func(_ *grants, in *kms.ListGrantsInput, _ *scenario.Key) error {
		in.Limit = aws.Int32(1000)
		return nil
	},
	"with a marker ListGrants never returned": func(_ *grants, in *kms.ListGrantsInput, _ *scenario.Key) error {
		in.Marker = aws.String("kmsconform-marker-" + scenario.RandomHex(8))
		return nil
	},
}

func (f *grants) callListGrants(ctx context.Context, variant string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	in := &kms.ListGrantsInput{KeyId: aws.String(k.ID)}
	if err := listGrantsVariants[variant](f, in, k); err != nil {
		return err
	}
	return f.actListGrants(ctx, f.Client, in)
}

func (f *grants) actListGrants(ctx context.Context, c *kms.Client, in *kms.ListGrantsInput) error {
	return scenario.Act(ctx, f.Scenario, "ListGrants", func(ctx context.Context) (*kms.ListGrantsOutput, error) {
		return c.ListGrants(ctx, in)
	})
}

func (f *grants) secondListsGrants(ctx context.Context, form string) error {
	k, c, err := f.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	id := k.ARN
	if form == "key ID" {
		id = k.ID
	}
	return f.actListGrants(ctx, c, &kms.ListGrantsInput{KeyId: aws.String(id)})
}
