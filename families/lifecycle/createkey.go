package lifecycle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// createKeyState is a scenario's state for the steps of CreateKey, DescribeKey and GenerateRandom
type createKeyState struct {
	// before lists the account's keys just before the CreateKey under test:
	// a key listed afterwards that is not in it, and that no create of the
	// run was told it made, was created although the endpoint said not.
	// description is the description that request gave its key.
	before      map[string]bool
	description string
	policy      string             // the key policy the CreateKey under test gave, if any
	created     *types.KeyMetadata // what CreateKey answered for the scenario's key
	externalKey string             // an external key the scenario added to the key manager
	alias       string             // an alias the scenario created for its key
	managedKey  string             // the AWS managed key a DescribeKey of its alias returned
	accountID   string             // the scenario's account, once it was needed
	inStore     *scenario.Store    // the key store the CreateKey under test named
}

// registerCreateKey binds the steps of CreateKey, DescribeKey and GenerateRandom.
func (w *keyCreator) registerCreateKey(sc stepdef.Context) {
	// Preconditions.
	sc.Given(`^an account of my own whose KMS key quota is (\d+)$`, w.givenKeyQuota)
	sc.Given(`^an account of my own with no KMS keys$`, w.givenOwnAccount)
	sc.Given(`^my account already holds (\d+) KMS keys?$`, w.givenKeysInAccount)
	sc.Given(`^the run's Region is outside China$`, w.givenRegionOutsideChina)
	sc.Given(`^the key store's cluster is down to one active HSM$`, w.givenOneActiveHSM)
	sc.Given(`^another usable external key in the key manager$`, w.givenUsableExternalKey)
	sc.Given(`^an external key in the key manager that (is not a 256-bit AES key|is disabled|cannot encrypt and decrypt)$`, w.givenBrokenExternalKey)
	sc.Given(`^a KMS key created with (.+)$`, w.givenKeyCreatedWith, stepdef.Creates{Keys: 1})
	sc.Given(`^the key has been disabled, tagged and enabled again$`, w.givenKeyChurned)
	sc.Given(`^a KMS key with an alias$`, w.givenKeyWithAlias, stepdef.Creates{Keys: 1})
	sc.Given(`^a KMS key whose key policy lets every account describe it$`, w.givenKeyDescribableByAll, stepdef.Creates{Keys: 1})

	// CreateKey.
	sc.When(`^I request a new KMS key with (.+)$`, w.requestKey, stepdef.Creates{Keys: 1})
	sc.When(`^I request a new KMS key in the key store with (.+)$`, w.requestKeyInStore, stepdef.Creates{Keys: 1})
	sc.Then(`^the new key is a single-Region symmetric encryption key with key material from KMS$`, w.thenDefaultKey)
	sc.Then(`^the new key has the default key policy$`, w.thenDefaultPolicy)
	sc.Then(`^the new key's policy is the one I gave$`, w.thenPolicyAsGiven)
	sc.Then(`^the new key has Origin EXTERNAL and is PendingImport$`, w.thenAwaitsImport)
	sc.Then(`^the new key has KeySpec ([A-Z0-9_]+) and KeyUsage ([A-Z_]+)$`, w.thenSpecAndUsage)
	sc.Then(`^the new key is in the key store, backed by that external key$`, w.thenBackedByExternalKey)
	sc.Then(`^no KMS key was created$`, w.thenNoKeyCreated)
	sc.Then(`^my account still holds (\d+) KMS keys?$`, w.thenKeysInAccount)
	sc.Then(`^the key still has the KeySpec, KeyUsage, Origin and MultiRegion it was created with$`, w.thenKeyUnaltered)

	// DescribeKey.
	sc.When(`^I describe the key by its (key ID|key ARN|alias name|alias ARN)$`, w.describeKeyBy)
	sc.When(`^I describe a key that does not exist by its (key ID|key ARN)$`, w.describeMissingKey)
	sc.When(`^I describe a key by an alias that does not exist, giving its (alias name|alias ARN)$`, w.describeMissingAlias)
	sc.When(`^I describe a key by a malformed (key ARN|alias ARN)$`, w.describeMalformedARN)
	sc.When(`^the second account describes the key by its (key ID|key ARN)$`, w.secondDescribesKey, stepdef.Creates{SecondAccount: true})
	sc.When(`^I describe the key by the alias (alias/aws/[a-z0-9-]+)$`, w.describePredefinedAlias)
	sc.Then(`^the response describes the key$`, w.thenDescribesKey)
	sc.Then(`^the response describes an Enabled symmetric encryption key that AWS manages$`, w.thenDescribesManagedKey)
	sc.Then(`^describing (alias/aws/[a-z0-9-]+) again gives the same key$`, w.thenSameManagedKey)
	sc.Then(`^the metadata shows the key PendingDeletion with its deletion date (\d+) days ahead$`, w.thenShowsDeletionDate)
	sc.Then(`^the metadata shows the key Enabled with Origin EXTERNAL and key material that does not expire$`, w.thenShowsImported)
	sc.Then(`^the metadata shows the key in the key store and its CloudHSM cluster$`, w.thenShowsCloudHSMStore)
	sc.Then(`^the metadata shows the key in the key store with its external key$`, w.thenShowsExternalStore)
	sc.Then(`^the response holds only the key's metadata, without its aliases, tags, policy, rotation status or grants$`, w.thenOnlyMetadata)

	// GenerateRandom.
	sc.When(`^I ask for random bytes without saying how many$`, w.askRandomUnsized)
	sc.When(`^I ask for (\d+) random bytes$`, w.askRandom)
	sc.When(`^I ask for (\d+) random bytes from the key store$`, w.askRandomFromStore)
	sc.When(`^I ask for (\d+) random bytes from a custom key store that does not exist$`, w.askRandomFromMissingStore)
	sc.Then(`^the answer holds (\d+) bytes$`, w.thenRandomLength)
	sc.Then(`^the answer holds (\d+) bytes with no visible pattern$`, w.thenRandomLooksRandom)
	sc.Then(`^a second request for (\d+) random bytes answers different bytes$`, w.thenRandomDiffers)
}

func (w *keyCreator) givenKeyQuota(ctx context.Context, n int) error {
	return w.Isolate(ctx, fmt.Sprintf("an account whose KMS key quota is %d", n), scenario.Quotas{Keys: n})
}

func (w *keyCreator) givenOwnAccount(ctx context.Context) error {
	return w.Isolate(ctx, "an account of the scenario's own", scenario.Quotas{})
}

func (w *keyCreator) givenKeysInAccount(ctx context.Context, n int) error {
	for range n {
		if _, err := w.Keys.CreateKey(ctx, &kms.CreateKeyInput{}); err != nil {
			return err
		}
	}
	return nil
}

func (w *keyCreator) givenRegionOutsideChina() error {
	if partitionOf(w.Env.Region) == "aws-cn" {
		return w.Skip("the run's Region %s is a China Region, where SM2 keys exist", w.Env.Region)
	}
	return nil
}

func (w *keyCreator) givenOneActiveHSM(ctx context.Context) error {
	if w.HSM == nil {
		return fmt.Errorf("the scenario has no CloudHSM key store yet")
	}
	c, err := w.Control("taking the HSMs of a cluster out of service")
	if err != nil {
		return err
	}
	if err := c.BreakCloudHSM(ctx, w.HSM.Fixture.ClusterID, scenario.ClusterOneActiveHSM); err != nil {
		return fmt.Errorf("leaving cluster %s one active HSM through the control API: %w", w.HSM.Fixture.ClusterID, err)
	}
	return nil
}

// newExternalKey adds an external key to the key manager behind the
// scenario's external key store, leaving the leased fixture's own key as it is.
func (w *keyCreator) newExternalKey(ctx context.Context, what string) (string, error) {
	if w.XKS == nil {
		return "", fmt.Errorf("the scenario has no external key store yet")
	}
	c, err := w.Control(what)
	if err != nil {
		return "", err
	}
	id, err := c.NewExternalKey(ctx, w.XKS.Fixture)
	if err != nil {
		return "", fmt.Errorf("adding an external key through the control API: %w", err)
	}
	w.keyCreate.externalKey = id
	return id, nil
}

func (w *keyCreator) givenUsableExternalKey(ctx context.Context) error {
	_, err := w.newExternalKey(ctx, "adding an external key to the key manager")
	return err
}

func (w *keyCreator) givenBrokenExternalKey(ctx context.Context, defect string) error {
	d := map[string]scenario.Defect{
		"is not a 256-bit AES key":   scenario.ExternalKeyNotAES256,
		"is disabled":                scenario.ExternalKeyDisabled,
		"cannot encrypt and decrypt": scenario.ExternalKeyNoEncryption,
	}[defect]
	id, err := w.newExternalKey(ctx, "an external key that "+defect)
	if err != nil {
		return err
	}
	f := w.XKS.Fixture
	f.ExternalKeyID = id
	if err := w.Env.Control.BreakXKS(ctx, f, d); err != nil {
		return fmt.Errorf("making external key %s one that %s through the control API: %w", id, defect, err)
	}
	return nil
}

func (w *keyCreator) givenKeyCreatedWith(ctx context.Context, clauses string) error {
	in := &kms.CreateKeyInput{}
	if _, err := w.applyClauses(ctx, in, clauses); err != nil {
		return err
	}
	k, err := w.Keys.CreateKey(ctx, in)
	if err != nil {
		return err
	}
	md, err := w.Keys.DescribeKey(ctx, k.ID)
	if err != nil {
		return err
	}
	w.keyCreate.created = md
	return nil
}

func (w *keyCreator) givenKeyChurned(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	id := aws.String(k.ID)
	if _, err := scenario.Setup(ctx, w.Scenario, "DisableKey", func(ctx context.Context) (*kms.DisableKeyOutput, error) {
		return w.Client.DisableKey(ctx, &kms.DisableKeyInput{KeyId: id})
	}); err != nil {
		return err
	}
	if _, err := scenario.Setup(ctx, w.Scenario, "TagResource", func(ctx context.Context) (*kms.TagResourceOutput, error) {
		return w.Client.TagResource(ctx, &kms.TagResourceInput{KeyId: id, Tags: []types.Tag{{TagKey: aws.String("kmsconform:churned"), TagValue: aws.String("yes")}}})
	}); err != nil {
		return err
	}
	_, err = scenario.Setup(ctx, w.Scenario, "EnableKey", func(ctx context.Context) (*kms.EnableKeyOutput, error) {
		return w.Client.EnableKey(ctx, &kms.EnableKeyInput{KeyId: id})
	})
	return err
}

// givenKeyWithAlias creates a key and an alias for it; the alias is deleted
// at cleanup, before the key is scheduled for deletion.
func (w *keyCreator) givenKeyWithAlias(ctx context.Context) error {
	k, err := w.Keys.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		return err
	}
	alias := "alias/" + w.Env.NextName()
	if _, err := scenario.Setup(ctx, w.Scenario, "CreateAlias", func(ctx context.Context) (*kms.CreateAliasOutput, error) {
		return w.Client.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: aws.String(k.ID)})
	}); err != nil {
		return err
	}
	w.keyCreate.alias = alias
	w.Cleanup = append(w.Cleanup, func(ctx context.Context) error {
		if _, o := scenario.Do(ctx, w.Scenario, "DeleteAlias", func(ctx context.Context) (*kms.DeleteAliasOutput, error) {
			return w.Client.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String(alias)})
		}); o.Err != nil && o.Code != "NotFoundException" {
			return fmt.Errorf("cleanup: alias %s not deleted: %w", alias, o.Failure())
		}
		return nil
	})
	return nil
}

func (w *keyCreator) givenKeyDescribableByAll(ctx context.Context) error {
	acct, err := w.accountID(ctx)
	if err != nil {
		return err
	}
	policy := policyDocument(adminStatement(w.Env.Region, acct), statement{
		Sid: "AnyAccountMayDescribe", Effect: "Allow", Principal: map[string]any{"AWS": "*"},
		Action: "kms:DescribeKey", Resource: "*",
	})
	_, err = w.Keys.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(policy)})
	return err
}

// policyClauses are the key policies a request can carry, by the words the
// feature files use; each is built for the caller's account.
var policyClauses = map[string]func(region, acct string) string{
	"a key policy that is not JSON": func(string, string) string {
		return "this is not a key policy"
	},
	"a key policy that does not let me change it later": func(region, acct string) string {
		return policyDocument(statement{Sid: "DescribeOnly", Effect: "Allow", Principal: rootPrincipal(region, acct), Action: "kms:DescribeKey", Resource: "*"})
	},
	"a key policy statement that names no principal": func(region, acct string) string {
		return policyDocument(adminStatement(region, acct), statement{Sid: "NoPrincipal", Effect: "Allow", Action: "kms:DescribeKey", Resource: "*"})
	},
	"a key policy that has a statement without Resource and one without Action": func(region, acct string) string {
		return policyDocument(adminStatement(region, acct),
			statement{Sid: "NoResource", Effect: "Allow", Principal: rootPrincipal(region, acct), Action: "kms:DescribeKey"},
			statement{Sid: "NoAction", Effect: "Allow", Principal: rootPrincipal(region, acct), Resource: "*"})
	},
	"a key policy larger than 32 KiB": func(region, acct string) string {
		sts := []statement{adminStatement(region, acct)}
		for i := 0; len(policyDocument(sts...)) <= 32*1024; i++ {
			sts = append(sts, statement{Sid: fmt.Sprintf("Padding%d", i), Effect: "Allow", Principal: rootPrincipal(region, acct), Action: "kms:DescribeKey", Resource: "*"})
		}
		return policyDocument(sts...)
	},
	"a key policy that names a principal by a malformed ARN": func(region, acct string) string {
		return policyDocument(adminStatement(region, acct), statement{Sid: "MalformedPrincipal", Effect: "Allow", Principal: map[string]any{"AWS": "arn:" + partitionOf(region) + ":iam::"}, Action: "kms:DescribeKey", Resource: "*"})
	},
}

// tagClauses are the extra tags a request can carry.
var tagClauses = map[string][]types.Tag{
	"a tag whose key starts with aws:": {{TagKey: aws.String("aws:kmsconform"), TagValue: aws.String("reserved")}},
	"two tags that share a tag key": {
		{TagKey: aws.String("kmsconform:twice"), TagValue: aws.String("first")},
		{TagKey: aws.String("kmsconform:twice"), TagValue: aws.String("second")},
	},
}

// applyClauses sets the members of a CreateKey request that the words of a
// step name, such as "KeySpec RSA_2048 and no KeyUsage". It reports whether
// the request must carry only the run's tag, without the usual description.
func (w *keyCreator) applyClauses(ctx context.Context, in *kms.CreateKeyInput, text string) (tagOnly bool, err error) {
	if build, ok := policyClauses[text]; ok {
		acct, err := w.accountID(ctx)
		if err != nil {
			return false, err
		}
		in.Policy = aws.String(build(w.Env.Region, acct))
		return false, nil
	}
	if tags, ok := tagClauses[text]; ok {
		in.Tags = append(in.Tags, tags...)
		return false, nil
	}
	for _, clause := range strings.Split(text, " and ") {
		name, value, _ := strings.Cut(clause, " ")
		switch {
		case clause == "the run's tag only":
			tagOnly = true
		case clause == "default settings", clause == "the same external key":
		case name == "Origin":
			in.Origin = types.OriginType(value)
		case name == "KeySpec":
			in.KeySpec = types.KeySpec(value)
		case name == "CustomerMasterKeySpec":
			in.CustomerMasterKeySpec = types.CustomerMasterKeySpec(value)
		case name == "KeyUsage":
			in.KeyUsage = types.KeyUsageType(value)
		case clause == "no KeyUsage":
			in.KeyUsage = ""
		case clause == "MultiRegion true":
			in.MultiRegion = aws.Bool(true)
		case clause == "no CustomKeyStoreId":
			in.CustomKeyStoreId = nil
		case clause == "no XksKeyId":
			in.XksKeyId = nil
		case clause == "an XksKeyId", clause == "an XksKeyId the key manager does not have":
			in.XksKeyId = aws.String(missingExternalKeyID())
		case clause == "a CustomKeyStoreId that names no key store":
			in.CustomKeyStoreId = aws.String(w.Env.MadeUp(scenario.MissingStoreID()))
		case clause == "that external key":
			if w.keyCreate.externalKey == "" {
				return false, fmt.Errorf("the scenario added no external key to the key manager")
			}
			in.XksKeyId = aws.String(w.keyCreate.externalKey)
		default:
			return false, fmt.Errorf("unknown CreateKey request clause %q", clause)
		}
	}
	return tagOnly, nil
}

func (w *keyCreator) requestKey(ctx context.Context, clauses string) error {
	return w.requestKeyFrom(ctx, &kms.CreateKeyInput{}, clauses, nil)
}

func (w *keyCreator) requestKeyInStore(ctx context.Context, clauses string) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	return w.requestKeyFrom(ctx, w.Stores.StoreKeyInput(s), clauses, s)
}

// requestKeyFrom makes the CreateKey under test. It notes the account's keys
// first, so that a Then step can tell whether a refused request created a
// key anyway; any key the endpoint created is tracked for cleanup.
func (w *keyCreator) requestKeyFrom(ctx context.Context, in *kms.CreateKeyInput, clauses string, s *scenario.Store) error {
	tagOnly, err := w.applyClauses(ctx, in, clauses)
	if err != nil {
		return err
	}
	if tagOnly {
		in.Tags = append(in.Tags, types.Tag{TagKey: aws.String(scenario.RunTag), TagValue: aws.String(w.Env.RunID)})
	} else {
		w.Keys.LabelKey(in)
	}
	before, err := w.keyIDs(ctx)
	if err != nil {
		return err
	}
	w.keyCreate.before, w.keyCreate.description, w.keyCreate.inStore = before, aws.ToString(in.Description), s
	w.keyCreate.policy = aws.ToString(in.Policy)
	k, md, err := w.Keys.ActCreateKey(ctx, in)
	if err != nil || k == nil {
		return err
	}
	w.Key = k
	w.keyCreate.created = md
	if s != nil {
		s.KeysIn++
	}
	return nil
}

// newKeyMetadata checks that the CreateKey under test succeeded and returns
// the metadata it answered and the metadata DescribeKey gives afterwards.
func (w *keyCreator) newKeyMetadata(ctx context.Context) (created, described *types.KeyMetadata, err error) {
	out, err := scenario.OutputUnderTest[*kms.CreateKeyOutput](w.Scenario, "CreateKey")
	if err != nil {
		return nil, nil, err
	}
	if out.KeyMetadata == nil || w.Key == nil {
		return nil, nil, fmt.Errorf("CreateKey answered no KeyMetadata with a KeyId")
	}
	described, err = w.Keys.DescribeKey(ctx, w.Key.ID)
	if err != nil {
		return nil, nil, err
	}
	return out.KeyMetadata, described, nil
}

// checkNewKey applies check to what the CreateKey under test answered and
// to what DescribeKey says afterwards: the key must be created as it was
// reported.
func (w *keyCreator) checkNewKey(ctx context.Context, check func(*types.KeyMetadata) []string) error {
	created, described, err := w.newKeyMetadata(ctx)
	if err != nil {
		return err
	}
	var problems []string
	for _, p := range check(created) {
		problems = append(problems, "CreateKey: "+p)
	}
	for _, p := range check(described) {
		problems = append(problems, "DescribeKey: "+p)
	}
	return scenario.ProblemsError(problems, "the new key is not as documented")
}

// externalKeyID is the ID of the external key behind a key in an external
// key store, or "" for any other key.
func externalKeyID(md *types.KeyMetadata) string {
	if md.XksKeyConfiguration == nil {
		return ""
	}
	return aws.ToString(md.XksKeyConfiguration.Id)
}

// field compares one metadata member with its documented value.
func field[T comparable](problems *[]string, name string, got, want T) {
	if got != want {
		*problems = append(*problems, fmt.Sprintf("%s = %v, want %v", name, got, want))
	}
}

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
		id = aliasARNOf(k.ARN, w.keyCreate.alias)
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

func (w *keyCreator) describePredefinedAlias(ctx context.Context, alias string) error {
	if w.Account == nil {
		// Describing it would create an AWS managed key in an account the
		// run does not own, which no cleanup can remove.
		return fmt.Errorf("a predefined alias may be described only in an account of the scenario's own")
	}
	return w.Keys.DescribeAs(ctx, w.Client, alias)
}

func (w *keyCreator) thenDescribesKey() error {
	md, err := w.describeOutput()
	if err != nil {
		return err
	}
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	var p []string
	field(&p, "KeyId", aws.ToString(md.KeyId), k.ID)
	field(&p, "Arn", aws.ToString(md.Arn), k.ARN)
	field(&p, "KeyState", md.KeyState, types.KeyStateEnabled)
	return scenario.ProblemsError(p, "DescribeKey described another key")
}

func (w *keyCreator) thenDescribesManagedKey() error {
	md, err := w.describeOutput()
	if err != nil {
		return err
	}
	var p []string
	field(&p, "KeyManager", md.KeyManager, types.KeyManagerTypeAws)
	field(&p, "KeyState", md.KeyState, types.KeyStateEnabled)
	field(&p, "KeySpec", md.KeySpec, types.KeySpecSymmetricDefault)
	field(&p, "KeyUsage", md.KeyUsage, types.KeyUsageTypeEncryptDecrypt)
	if aws.ToString(md.KeyId) == "" {
		p = append(p, "KeyId is empty")
	}
	if len(p) > 0 {
		return fmt.Errorf("the key behind the predefined alias is not an AWS managed key: %s", strings.Join(p, "; "))
	}
	w.keyCreate.managedKey = aws.ToString(md.KeyId)
	return nil
}

func (w *keyCreator) thenSameManagedKey(ctx context.Context, alias string) error {
	if w.keyCreate.managedKey == "" {
		return fmt.Errorf("no AWS managed key was described yet")
	}
	md, err := w.Keys.DescribeKey(ctx, alias)
	if err != nil {
		return err
	}
	if got := aws.ToString(md.KeyId); got != w.keyCreate.managedKey {
		return fmt.Errorf("%s now names key %s, first it named %s", alias, got, w.keyCreate.managedKey)
	}
	return nil
}

func (w *keyCreator) thenShowsDeletionDate(days int) error {
	md, err := w.describeOutput()
	if err != nil {
		return err
	}
	var p []string
	field(&p, "KeyState", md.KeyState, types.KeyStatePendingDeletion)
	switch {
	case md.DeletionDate == nil:
		p = append(p, "DeletionDate is missing")
	case md.CreationDate == nil:
		p = append(p, "CreationDate is missing")
	default:
		// Both dates come from the endpoint's clock; the key was scheduled
		// for deletion moments after it was created.
		ahead := md.DeletionDate.Sub(*md.CreationDate)
		want := time.Duration(days) * 24 * time.Hour
		if ahead < want-time.Hour || ahead > want+24*time.Hour {
			p = append(p, fmt.Sprintf("DeletionDate is %v after CreationDate, want about %v", ahead, want))
		}
	}
	return scenario.ProblemsError(p, "the metadata is wrong")
}

func (w *keyCreator) thenShowsImported() error {
	md, err := w.describeOutput()
	if err != nil {
		return err
	}
	var p []string
	field(&p, "KeyState", md.KeyState, types.KeyStateEnabled)
	field(&p, "Origin", md.Origin, types.OriginTypeExternal)
	field(&p, "ExpirationModel", md.ExpirationModel, types.ExpirationModelTypeKeyMaterialDoesNotExpire)
	if md.ValidTo != nil {
		p = append(p, fmt.Sprintf("ValidTo = %v, want none for material that does not expire", *md.ValidTo))
	}
	return scenario.ProblemsError(p, "the metadata is wrong")
}

func (w *keyCreator) thenShowsCloudHSMStore() error {
	md, p, err := w.storeKeyProblems(types.OriginTypeAwsCloudhsm)
	if err != nil {
		return err
	}
	field(&p, "CloudHsmClusterId", aws.ToString(md.CloudHsmClusterId), w.HSM.Fixture.ClusterID)
	return scenario.ProblemsError(p, "the metadata is wrong")
}

func (w *keyCreator) thenShowsExternalStore() error {
	md, p, err := w.storeKeyProblems(types.OriginTypeExternalKeyStore)
	if err != nil {
		return err
	}
	field(&p, "XksKeyConfiguration.Id", externalKeyID(md), w.XKS.Fixture.ExternalKeyID)
	return scenario.ProblemsError(p, "the metadata is wrong")
}

// storeKeyProblems reads the DescribeKey answer under test for a key in the
// scenario's store: it returns the metadata and what is wrong with its
// origin and store, for the caller to add what is wrong with the backing.
func (w *keyCreator) storeKeyProblems(origin types.OriginType) (*types.KeyMetadata, []string, error) {
	md, err := w.describeOutput()
	if err != nil {
		return nil, nil, err
	}
	s, err := w.Stores.NeedStore()
	if err != nil {
		return nil, nil, err
	}
	var p []string
	field(&p, "Origin", md.Origin, origin)
	field(&p, "CustomKeyStoreId", aws.ToString(md.CustomKeyStoreId), s.ID)
	return md, p, nil
}

// metadataOmits are members that would carry what DescribeKey leaves out.
var metadataOmits = []string{"Aliases", "AliasName", "AliasArn", "Tags", "TagKey", "TagValue", "Policy", "KeyPolicy",
	"KeyRotationEnabled", "KeyRotationStatus", "RotationPeriodInDays", "NextRotationDate", "Grants", "GrantId", "GrantTokens"}

// thenOnlyMetadata reads the raw answer: it must hold KeyMetadata alone, and
// nothing in it may carry the key's alias, its run tag or its policy.
func (w *keyCreator) thenOnlyMetadata() error {
	if _, err := w.describeOutput(); err != nil {
		return err
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(w.Last.Body, &body); err != nil {
		return fmt.Errorf("DescribeKey answered a body that is not a JSON object: %w", err)
	}
	var problems []string
	for name := range body {
		if name != "KeyMetadata" {
			problems = append(problems, "the answer has a member "+name)
		}
	}
	var md map[string]json.RawMessage
	if err := json.Unmarshal(body["KeyMetadata"], &md); err != nil {
		return fmt.Errorf("KeyMetadata is not a JSON object: %w", err)
	}
	for _, name := range metadataOmits {
		if _, ok := md[name]; ok {
			problems = append(problems, "KeyMetadata has a member "+name)
		}
	}
	for _, leak := range []struct{ what, text string }{
		{"the key's alias", w.keyCreate.alias},
		{"the key's tag key", scenario.RunTag},
		{"a policy statement", `"Statement"`},
	} {
		if leak.text != "" && bytes.Contains(w.Last.Body, []byte(leak.text)) {
			problems = append(problems, "the answer contains "+leak.what)
		}
	}
	return scenario.ProblemsError(problems, "DescribeKey returned more than the key's metadata")
}

func (w *keyCreator) askRandomUnsized(ctx context.Context) error {
	return w.Keys.GenerateRandom(ctx, &kms.GenerateRandomInput{})
}

func (w *keyCreator) askRandom(ctx context.Context, n int) error {
	return w.Keys.GenerateRandom(ctx, &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(int32(n))})
}

func (w *keyCreator) askRandomFromStore(ctx context.Context, n int) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	return w.Keys.GenerateRandom(ctx, &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(int32(n)), CustomKeyStoreId: aws.String(s.ID)})
}

func (w *keyCreator) askRandomFromMissingStore(ctx context.Context, n int) error {
	id := w.Env.MadeUp(scenario.MissingStoreID())
	return w.Keys.GenerateRandom(ctx, &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(int32(n)), CustomKeyStoreId: aws.String(id)})
}

// randomForSetup asks GenerateRandom for n bytes outside the call under test.
func (w *keyCreator) randomForSetup(ctx context.Context, n int) ([]byte, error) {
	out, err := scenario.Setup(ctx, w.Scenario, "GenerateRandom", func(ctx context.Context) (*kms.GenerateRandomOutput, error) {
		return w.Client.GenerateRandom(ctx, &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(int32(n))})
	})
	if err != nil {
		return nil, err
	}
	return out.Plaintext, nil
}

func (w *keyCreator) thenRandomLength(n int) error {
	_, err := w.Keys.RandomOutput(n)
	return err
}

func (w *keyCreator) thenRandomLooksRandom(n int) error {
	b, err := w.Keys.RandomOutput(n)
	if err != nil {
		return err
	}
	if why := patterned(b); why != "" {
		return fmt.Errorf("the %d bytes GenerateRandom answered are not random: %s", n, why)
	}
	return nil
}

// patterned says what makes b look made rather than random, or "" when
// nothing does. The tests are loose enough that uniformly random strings of
// 16 bytes or more fail them with negligible probability.
func patterned(b []byte) string {
	if len(b) < 16 {
		return ""
	}
	distinct := map[byte]bool{}
	for _, c := range b {
		distinct[c] = true
	}
	if len(distinct) < len(b)/4 {
		return fmt.Sprintf("only %d distinct byte values", len(distinct))
	}
	step := b[1] - b[0]
	arithmetic := true
	for i := 2; i < len(b) && arithmetic; i++ {
		arithmetic = b[i]-b[i-1] == step
	}
	if arithmetic {
		return "each byte is the previous one plus a constant"
	}
	if half := len(b) / 2; bytes.Equal(b[:half], b[half:2*half]) {
		return "the second half repeats the first"
	}
	return ""
}

func (w *keyCreator) thenRandomDiffers(ctx context.Context, n int) error {
	first, err := w.Keys.RandomOutput(n)
	if err != nil {
		return err
	}
	second, err := w.randomForSetup(ctx, n)
	if err != nil {
		return err
	}
	if bytes.Equal(first, second) {
		return fmt.Errorf("two GenerateRandom requests for %d bytes answered the same bytes", n)
	}
	return nil
}

// accountID is the ID of the account the scenario acts in. Without an account
// of its own, it is read from a key ARN: one of the scenario's keys, or any
// key ListKeys shows, or a key created for the purpose.
func (w *keyCreator) accountID(ctx context.Context) (string, error) {
	switch {
	case w.keyCreate.accountID != "":
		return w.keyCreate.accountID, nil
	case w.Account != nil:
		return w.Account.ID, nil
	}
	arn := ""
	for _, k := range w.CreatedKeys {
		arn = k.ARN
	}
	if arn == "" {
		out, err := scenario.Setup(ctx, w.Scenario, "ListKeys", func(ctx context.Context) (*kms.ListKeysOutput, error) {
			return w.Client.ListKeys(ctx, &kms.ListKeysInput{Limit: aws.Int32(1)})
		})
		if err != nil {
			return "", err
		}
		if len(out.Keys) > 0 {
			arn = aws.ToString(out.Keys[0].KeyArn)
		}
	}
	if arn == "" {
		scenarioKey := w.Key
		k, err := w.Keys.CreateKey(ctx, &kms.CreateKeyInput{})
		if err != nil {
			return "", err
		}
		w.Key, arn = scenarioKey, k.ARN
	}
	parts := strings.Split(arn, ":")
	if len(parts) < 6 || parts[4] == "" {
		return "", fmt.Errorf("cannot read an account ID from the key ARN %q", arn)
	}
	w.keyCreate.accountID = parts[4]
	return parts[4], nil
}

// partitionOf is the AWS partition of a Region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	default:
		return "aws"
	}
}

// aliasARNOf is the ARN of an alias in the account and Region of a key ARN.
func aliasARNOf(keyARN, alias string) string {
	prefix, _, ok := strings.Cut(keyARN, ":key/")
	if !ok || alias == "" {
		return ""
	}
	return prefix + ":" + alias
}

// statement is one key policy statement; empty members are left out.
type statement struct {
	Sid       string `json:"Sid,omitempty"`
	Effect    string `json:"Effect"`
	Principal any    `json:"Principal,omitempty"`
	Action    any    `json:"Action,omitempty"`
	Resource  any    `json:"Resource,omitempty"`
}

func rootPrincipal(region, acct string) map[string]any {
	return map[string]any{"AWS": fmt.Sprintf("arn:%s:iam::%s:root", partitionOf(region), acct)}
}

// adminStatement is the default key policy's statement: it keeps the account
// in control of the key, so that the scenario's policies pass KMS's lockout check.
func adminStatement(region, acct string) statement {
	return statement{Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: rootPrincipal(region, acct), Action: "kms:*", Resource: "*"}
}

func policyDocument(statements ...statement) string {
	b, err := json.Marshal(struct {
		Version   string
		Statement []statement
	}{"2012-10-17", statements})
	if err != nil {
		panic(fmt.Sprintf("marshalling a key policy: %v", err)) // only plain strings and maps go in
	}
	return string(b)
}

// missingExternalKeyID is a well-formed external key ID no key manager has.
func missingExternalKeyID() string { return "kmsconform-missing-" + scenario.RandomHex(8) }
