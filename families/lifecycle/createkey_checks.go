package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
)

func (w *keyCreator) thenDefaultKey(ctx context.Context) error {
	return w.checkNewKey(ctx, func(md *types.KeyMetadata) []string {
		var p []string
		field(&p, "KeySpec", md.KeySpec, types.KeySpecSymmetricDefault)
		field(&p, "KeyUsage", md.KeyUsage, types.KeyUsageTypeEncryptDecrypt)
		field(&p, "Origin", md.Origin, types.OriginTypeAwsKms)
		field(&p, "MultiRegion", aws.ToBool(md.MultiRegion), false)
		field(&p, "KeyState", md.KeyState, types.KeyStateEnabled)
		field(&p, "Enabled", md.Enabled, true)
		field(&p, "KeyManager", md.KeyManager, types.KeyManagerTypeCustomer)
		field(&p, "Description", aws.ToString(md.Description), "")
		field(&p, "CustomKeyStoreId", aws.ToString(md.CustomKeyStoreId), "")
		field(&p, "KeyId", aws.ToString(md.KeyId), w.Key.ID)
		return p
	})
}

// keyPolicy returns the key's default key policy document, parsed.
func (w *keyCreator) keyPolicy(ctx context.Context, keyID string) (map[string]any, error) {
	out, err := scenario.Setup(ctx, w.Scenario, "GetKeyPolicy", func(ctx context.Context) (*kms.GetKeyPolicyOutput, error) {
		return w.Client.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default")})
	})
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(out.Policy)), &doc); err != nil {
		return nil, fmt.Errorf("GetKeyPolicy answered a policy that is not a JSON object: %w", err)
	}
	return doc, nil
}

// thenDefaultPolicy checks for the statement that makes the default key
// policy: the account (its root principal) may do everything with the key,
// which lets IAM policies of the account grant access to it.
func (w *keyCreator) thenDefaultPolicy(ctx context.Context) error {
	k, md, err := w.Keys.DescribeScenarioKey(ctx)
	if err != nil {
		return err
	}
	acct := aws.ToString(md.AWSAccountId)
	doc, err := w.keyPolicy(ctx, k.ID)
	if err != nil {
		return err
	}
	root := fmt.Sprintf("arn:%s:iam::%s:root", partitionOf(w.Env.Region), acct)
	statements, _ := doc["Statement"].([]any)
	for _, s := range statements {
		st, _ := s.(map[string]any)
		principal, _ := st["Principal"].(map[string]any)
		if st["Effect"] == "Allow" && oneOrMany(principal["AWS"], root) && oneOrMany(st["Action"], "kms:*") && oneOrMany(st["Resource"], "*") {
			return nil
		}
	}
	return fmt.Errorf("the key policy has no statement that allows %s kms:* on the key: %d statement(s)", root, len(statements))
}

// oneOrMany reports whether a policy element (a string or a list of strings) holds want.
func oneOrMany(v any, want string) bool {
	switch v := v.(type) {
	case string:
		return v == want
	case []any:
		for _, e := range v {
			if e == want {
				return true
			}
		}
	}
	return false
}

func (w *keyCreator) thenPolicyAsGiven(ctx context.Context) error {
	if _, _, err := w.newKeyMetadata(ctx); err != nil {
		return err
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(w.keyCreate.policy), &want); err != nil {
		return fmt.Errorf("the scenario's own policy is not JSON: %w", err)
	}
	got, err := w.keyPolicy(ctx, w.Key.ID)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("the key policy is not the one the request gave: %d statement(s), want %d", len(asList(got["Statement"])), len(asList(want["Statement"])))
	}
	return nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func (w *keyCreator) thenAwaitsImport(ctx context.Context) error {
	return w.checkNewKey(ctx, func(md *types.KeyMetadata) []string {
		var p []string
		field(&p, "Origin", md.Origin, types.OriginTypeExternal)
		field(&p, "KeyState", md.KeyState, types.KeyStatePendingImport)
		field(&p, "Enabled", md.Enabled, false)
		field(&p, "CurrentKeyMaterialId", aws.ToString(md.CurrentKeyMaterialId), "")
		return p
	})
}

func (w *keyCreator) thenSpecAndUsage(ctx context.Context, spec, usage string) error {
	return w.checkNewKey(ctx, func(md *types.KeyMetadata) []string {
		var p []string
		field(&p, "KeySpec", md.KeySpec, types.KeySpec(spec))
		field(&p, "KeyUsage", md.KeyUsage, types.KeyUsageType(usage))
		field(&p, "KeyState", md.KeyState, types.KeyStateEnabled)
		return p
	})
}

func (w *keyCreator) thenBackedByExternalKey(ctx context.Context) error {
	s := w.keyCreate.inStore
	if s == nil {
		return fmt.Errorf("the CreateKey under test named no key store")
	}
	return w.checkNewKey(ctx, func(md *types.KeyMetadata) []string {
		var p []string
		field(&p, "Origin", md.Origin, types.OriginTypeExternalKeyStore)
		field(&p, "CustomKeyStoreId", aws.ToString(md.CustomKeyStoreId), s.ID)
		field(&p, "KeyState", md.KeyState, types.KeyStateEnabled)
		field(&p, "XksKeyConfiguration.Id", externalKeyID(md), w.keyCreate.externalKey)
		return p
	})
}

// keyIDs lists every key of the scenario's account.
func (w *keyCreator) keyIDs(ctx context.Context) (map[string]bool, error) {
	ids := map[string]bool{}
	var marker *string
	for {
		out, err := scenario.Setup(ctx, w.Scenario, "ListKeys", func(ctx context.Context) (*kms.ListKeysOutput, error) {
			return w.Client.ListKeys(ctx, &kms.ListKeysInput{Marker: marker})
		})
		if err != nil {
			return nil, err
		}
		for _, k := range out.Keys {
			ids[aws.ToString(k.KeyId)] = true
		}
		if !out.Truncated || aws.ToString(out.NextMarker) == "" {
			return ids, nil
		}
		marker = out.NextMarker
	}
}

// thenNoKeyCreated compares the account's keys with the list taken before
// the CreateKey under test. A key that appeared since, and that no create of
// this run was answered with, was created by that request although the
// endpoint said it was not. (Other scenarios' creates are waited for: each
// is the run's once its answer is recorded. A key another kmsconform run
// tagged as its own is left out.)
func (w *keyCreator) thenNoKeyCreated(ctx context.Context) error {
	if w.keyCreate.before == nil {
		return fmt.Errorf("the scenario listed no keys before a CreateKey request to check")
	}
	if w.Tested && w.Last.Err == nil {
		return fmt.Errorf("%s succeeded (HTTP %d), so a key may have been created", w.Last.Op, w.Last.Status)
	}
	after, err := w.keyIDs(ctx)
	if err != nil {
		return err
	}
	sent := w.Env.Owned.CreatesSoFar()
	for _, k := range w.CreatedKeys {
		if !after[k.ID] {
			return fmt.Errorf("ListKeys does not list key %s, which the scenario created, so it cannot show which keys exist", k.ID)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, w.Env.Timeouts.Call)
	defer cancel()
	if err := w.Env.Owned.AwaitCreates(wctx, sent); err != nil {
		return err
	}
	var appeared []string
	for id := range after {
		if !w.keyCreate.before[id] && !w.Env.Owned.Owns(id) {
			appeared = append(appeared, id)
		}
	}
	slices.Sort(appeared)
	var unexplained, left []string
	for _, id := range appeared {
		switch w.classifyNewcomer(ctx, id) {
		case newcomerAdopted:
			unexplained = append(unexplained, id)
		case newcomerUnknown:
			unexplained, left = append(unexplained, id), append(left, id)
		}
	}
	if len(unexplained) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%s answered %s, yet key(s) %s appeared in the account, and no request of this run was answered with them",
		w.Last.Op, scenario.DescribeAnswer(w.Last), strings.Join(unexplained, ", "))
	if len(left) > 0 {
		msg += fmt.Sprintf(" (%s carry neither this scenario's description nor the run's tag, so cleanup leaves them alone)", strings.Join(left, ", "))
	}
	return errors.New(msg)
}

// newcomer is what a key that appeared in the account during a scenario
// turns out to be.
type newcomer int

const (
	newcomerUnknown   newcomer = iota // nothing shows whose it is
	newcomerAdopted                   // the run's: the scenario's cleanup now removes it
	newcomerElsewhere                 // another kmsconform run's (its run tag says so), or deleted since
)

// classifyNewcomer tells what key id is, which appeared in the account
// without any create of the run being answered with it. A key with the
// scenario's description or the run's tag is the run's: the cleanup removes
// it. A key tagged by another kmsconform run, or deleted since, is no
// concern of the scenario's.
func (w *keyCreator) classifyNewcomer(ctx context.Context, id string) newcomer {
	md, o := scenario.Do(ctx, w.Scenario, "DescribeKey", func(ctx context.Context) (*kms.DescribeKeyOutput, error) {
		return w.Client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	})
	switch {
	case o.Code == "NotFoundException":
		return newcomerElsewhere
	case o.Err != nil || md.KeyMetadata == nil:
		return newcomerUnknown
	}
	ours := w.keyCreate.description != "" && aws.ToString(md.KeyMetadata.Description) == w.keyCreate.description
	if !ours {
		tags, o := scenario.Do(ctx, w.Scenario, "ListResourceTags", func(ctx context.Context) (*kms.ListResourceTagsOutput, error) {
			return w.Client.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: aws.String(id)})
		})
		if o.Err != nil {
			return newcomerUnknown
		}
		for _, t := range tags.Tags {
			if aws.ToString(t.TagKey) != scenario.RunTag {
				continue
			}
			if aws.ToString(t.TagValue) != w.Env.RunID {
				return newcomerElsewhere
			}
			ours = true
		}
	}
	if !ours {
		return newcomerUnknown
	}
	arn := aws.ToString(md.KeyMetadata.Arn)
	w.Env.Owned.Add(id, arn)
	w.CreatedKeys = append(w.CreatedKeys, &scenario.Key{ID: id, ARN: arn})
	if s := w.keyCreate.inStore; s != nil && aws.ToString(md.KeyMetadata.CustomKeyStoreId) == s.ID {
		s.KeysIn++
	}
	return newcomerAdopted
}

func (w *keyCreator) thenKeysInAccount(ctx context.Context, n int) error {
	ids, err := w.keyIDs(ctx)
	if err != nil {
		return err
	}
	if len(ids) != n {
		return fmt.Errorf("the account holds %d KMS keys, want %d", len(ids), n)
	}
	return nil
}

func (w *keyCreator) thenKeyUnaltered() error {
	md, err := w.describeOutput()
	if err != nil {
		return err
	}
	was := w.keyCreate.created
	if was == nil {
		return fmt.Errorf("the scenario did not record its key's metadata at creation")
	}
	var p []string
	field(&p, "KeySpec", md.KeySpec, was.KeySpec)
	field(&p, "KeyUsage", md.KeyUsage, was.KeyUsage)
	field(&p, "Origin", md.Origin, was.Origin)
	field(&p, "MultiRegion", aws.ToBool(md.MultiRegion), aws.ToBool(was.MultiRegion))
	field(&p, "KeyState", md.KeyState, types.KeyStateEnabled)
	return scenario.ProblemsError(p, "the key changed")
}

// describeOutput checks that the DescribeKey under test succeeded and returns its metadata.
func (w *keyCreator) describeOutput() (*types.KeyMetadata, error) {
	out, err := scenario.OutputUnderTest[*kms.DescribeKeyOutput](w.Scenario, "DescribeKey")
	if err != nil {
		return nil, err
	}
	if out.KeyMetadata == nil {
		return nil, fmt.Errorf("DescribeKey answered no KeyMetadata")
	}
	return out.KeyMetadata, nil
}

func (w *keyCreator) describeKeyBy(ctx context.Context, form string) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	var id string
	switch form {
	case "key ID":
		id = k.ID
	case "key ARN":
		id = k.ARN
	case "alias name":
		id = w.keyCreate.alias
	case "alias ARN":
		if w.keyCreate.alias != "" {
			id, _ = scenario.ARNIn(k.ARN, w.keyCreate.alias) // no usable ARN: no id, refused below
		}
	}
	if id == "" {
		return fmt.Errorf("the scenario's key has no %s", form)
	}
	return w.Keys.DescribeAs(ctx, w.Client, id)
}

func (w *keyCreator) describeMissingKey(ctx context.Context, form string) error {
	id := scenario.MissingKeyID()
	if form == "key ARN" {
		return w.describeInOwnAccount(ctx, "key/"+id)
	}
	return w.Keys.DescribeAs(ctx, w.Client, id)
}

func (w *keyCreator) describeMissingAlias(ctx context.Context, form string) error {
	name := "alias/kmsconform-missing-" + scenario.RandomHex(8)
	if form == "alias ARN" {
		return w.describeInOwnAccount(ctx, name)
	}
	return w.Keys.DescribeAs(ctx, w.Client, name)
}

// describeInOwnAccount describes the KMS resource of the caller's account
// that the ARN ending in resource (such as "key/<id>") names.
func (w *keyCreator) describeInOwnAccount(ctx context.Context, resource string) error {
	acct, err := w.accountID(ctx)
	if err != nil {
		return err
	}
	return w.Keys.DescribeAs(ctx, w.Client, fmt.Sprintf("arn:%s:kms:%s:%s:%s", partitionOf(w.Env.Region), w.Env.Region, acct, resource))
}

func (w *keyCreator) describeMalformedARN(ctx context.Context, form string) error {
	// An ARN whose resource part stops at "key" or "alias" names no key or alias.
	resource := "key"
	if form == "alias ARN" {
		resource = "alias"
	}
	return w.Keys.DescribeAs(ctx, w.Client, fmt.Sprintf("arn:%s:kms:%s:111122223333:%s", partitionOf(w.Env.Region), w.Env.Region, resource))
}

func (w *keyCreator) secondDescribesKey(ctx context.Context, form string) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	c, err := w.SecondClient()
	if err != nil {
		return err
	}
	id := k.ARN
	if form == "key ID" {
		id = k.ID
	}
	return w.Keys.DescribeAs(ctx, c, id)
}
