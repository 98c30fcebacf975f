package naming

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// otherKindExpr are the kinds of second key a scenario can have.
const otherKindExpr = `(symmetric encryption|HMAC_256|ECC_NIST_P256 SIGN_VERIFY|ECC_NIST_P256 KEY_AGREEMENT|imported symmetric)`

func (f *naming) registerGivens(sc stepdef.Context) {
	sc.Given(`^the key has been given an alias$`, f.givenAliases1)
	sc.Given(`^the (key|other key) has (\d+) aliases$`, f.givenAliases)
	sc.Given(`^another `+otherKindExpr+` KMS key$`, f.givenOther, stepdef.Creates{Keys: 1})
	sc.Given(`^an alias of another `+otherKindExpr+` KMS key$`, f.givenAliasOfOther, stepdef.Creates{Keys: 1})
	sc.Given(`^the other key is (Disabled|PendingDeletion)$`, f.givenOtherState)
	sc.Given(`^the key has the tags (.+)$`, f.givenTags)
	sc.Given(`^an AWS managed key$`, f.givenManaged)
}

func (f *naming) givenAliases1(ctx context.Context) error { return f.givenAliases(ctx, "key", 1) }

// givenAliases gives the key, or the other key, n aliases of the run's.
func (f *naming) givenAliases(ctx context.Context, which string, n int) error {
	k, err := f.which(which)
	if err != nil {
		return err
	}
	for range n {
		name, err := f.Keys.NewAlias(ctx, k)
		if err != nil {
			return err
		}
		f.alias, f.targets[name] = name, k
	}
	return nil
}

// which is the key or the other key.
func (f *naming) which(which string) (*scenario.Key, error) {
	if which == "other key" {
		if f.other == nil {
			return nil, fmt.Errorf("the scenario has no other KMS key yet")
		}
		return f.other, nil
	}
	return f.Keys.NeedKey()
}

// givenOther creates the scenario's second key; the key the scenario talks
// about stays the first, when there is one.
func (f *naming) givenOther(ctx context.Context, kind string) error {
	first := f.Key
	in := &kms.CreateKeyInput{}
	switch kind {
	case "HMAC_256":
		in.KeySpec, in.KeyUsage = types.KeySpecHmac256, types.KeyUsageTypeGenerateVerifyMac
	case "ECC_NIST_P256 SIGN_VERIFY":
		in.KeySpec, in.KeyUsage = types.KeySpecEccNistP256, types.KeyUsageTypeSignVerify
	case "ECC_NIST_P256 KEY_AGREEMENT":
		in.KeySpec, in.KeyUsage = types.KeySpecEccNistP256, types.KeyUsageTypeKeyAgreement
	case "imported symmetric":
		in.Origin = types.OriginTypeExternal
	}
	k, err := f.Keys.CreateKey(ctx, in)
	if err != nil {
		return err
	}
	f.other = k
	if first != nil {
		f.Key = first
	}
	return nil
}

func (f *naming) givenAliasOfOther(ctx context.Context, kind string) error {
	if err := f.givenOther(ctx, kind); err != nil {
		return err
	}
	return f.givenAliases(ctx, "other key", 1)
}

// givenOtherState brings the other key into state; the key the scenario
// talks about stays the first.
func (f *naming) givenOtherState(ctx context.Context, state string) error {
	if f.other == nil {
		return fmt.Errorf("the scenario has no other KMS key yet")
	}
	first := f.Key
	f.Key = f.other
	defer func() { f.Key = first }()
	return f.Keys.GivenKeyState(ctx, state)
}

func (f *naming) givenTags(ctx context.Context, phrase string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	tags, err := parseTags(phrase)
	if err != nil {
		return err
	}
	_, err = scenario.Setup(ctx, f.Scenario, "TagResource", func(ctx context.Context) (*kms.TagResourceOutput, error) {
		return f.Client.TagResource(ctx, &kms.TagResourceInput{KeyId: aws.String(k.ID), Tags: tags})
	})
	return err
}

// givenManaged finds the AWS managed key of Amazon EBS, which DescribeKey
// makes when first asked about its alias.
func (f *naming) givenManaged(ctx context.Context) error {
	md, err := f.Keys.DescribeKey(ctx, "alias/aws/ebs")
	if err != nil {
		return err
	}
	if md.KeyManager != types.KeyManagerTypeAws {
		return fmt.Errorf("alias/aws/ebs names a key that KeyManager %q manages, not AWS", md.KeyManager)
	}
	f.managed = aws.ToString(md.KeyId)
	return nil
}

// parseTags reads a tag phrase: "only the run's tag" (no tags besides it),
// "N new tags", or tags written Key=Value and separated by ", " (a value
// may be empty: "Key=").
func parseTags(phrase string) ([]types.Tag, error) {
	if phrase == "only the run's tag" {
		return nil, nil
	}
	if n, ok := strings.CutSuffix(phrase, " new tags"); ok {
		count, err := strconv.Atoi(n)
		if err != nil {
			return nil, fmt.Errorf("tag phrase %q: %w", phrase, err)
		}
		tags := make([]types.Tag, count)
		for i := range tags {
			tags[i] = types.Tag{TagKey: aws.String(fmt.Sprintf("kmsconform-%02d", i+1)), TagValue: aws.String("v")}
		}
		return tags, nil
	}
	var tags []types.Tag
	for _, t := range strings.Split(phrase, ", ") {
		k, v, ok := strings.Cut(t, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("tag phrase %q: %q is not Key=Value", phrase, t)
		}
		tags = append(tags, types.Tag{TagKey: aws.String(k), TagValue: aws.String(v)})
	}
	return tags, nil
}
