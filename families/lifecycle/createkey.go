package lifecycle

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
	sc.Given(`^a KMS key created with (.+)$`, w.givenKeyCreatedWith, stepdef.Creates{Keys: 1}, stepdef.Check(checkClauses))
	sc.Given(`^the key has been disabled, tagged and enabled again$`, w.givenKeyChurned)
	sc.Given(`^a KMS key with an alias$`, w.givenKeyWithAlias, stepdef.Creates{Keys: 1})
	sc.Given(`^a KMS key whose key policy lets every account describe it$`, w.givenKeyDescribableByAll, stepdef.Creates{Keys: 1})

	// CreateKey.
	sc.When(`^I request a new KMS key with (.+)$`, w.requestKey, stepdef.Creates{Keys: 1}, stepdef.Check(checkClauses))
	sc.When(`^I request a new KMS key in the key store with (.+)$`, w.requestKeyInStore, stepdef.Creates{Keys: 1}, stepdef.Check(checkClauses))
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
	alias, err := w.Keys.NewAlias(ctx, k)
	if err != nil {
		return err
	}
	w.keyCreate.alias = alias
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
	setters, tagOnly, err := parseClauses(text)
	if err != nil {
		return false, err
	}
	for _, set := range setters {
		if err := set(ctx, w, in); err != nil {
			return false, err
		}
	}
	return tagOnly, nil
}

// clauseSetter sets what one clause of a step names in a CreateKey request.
type clauseSetter func(ctx context.Context, w *keyCreator, in *kms.CreateKeyInput) error

// parseClauses reads the clauses of a step without a scenario, so that the
// step resolves (stepdef.Check) only if every clause is one it knows.
func parseClauses(text string) (setters []clauseSetter, tagOnly bool, err error) {
	if build, ok := policyClauses[text]; ok {
		return []clauseSetter{func(ctx context.Context, w *keyCreator, in *kms.CreateKeyInput) error {
			acct, err := w.accountID(ctx)
			if err != nil {
				return err
			}
			in.Policy = aws.String(build(w.Env.Region, acct))
			return nil
		}}, false, nil
	}
	if tags, ok := tagClauses[text]; ok {
		return []clauseSetter{func(_ context.Context, _ *keyCreator, in *kms.CreateKeyInput) error {
			in.Tags = append(in.Tags, tags...)
			return nil
		}}, false, nil
	}
	set := func(f func(in *kms.CreateKeyInput)) clauseSetter {
		return func(_ context.Context, _ *keyCreator, in *kms.CreateKeyInput) error {
			f(in)
			return nil
		}
	}
	for _, clause := range strings.Split(text, " and ") {
		name, value, _ := strings.Cut(clause, " ")
		var s clauseSetter
		switch {
		case clause == "the run's tag only":
			tagOnly = true
			continue
		case clause == "default settings", clause == "the same external key":
			continue
		case name == "Origin":
			s = set(func(in *kms.CreateKeyInput) { in.Origin = types.OriginType(value) })
		case name == "KeySpec":
			s = set(func(in *kms.CreateKeyInput) { in.KeySpec = types.KeySpec(value) })
		case name == "CustomerMasterKeySpec":
			s = set(func(in *kms.CreateKeyInput) { in.CustomerMasterKeySpec = types.CustomerMasterKeySpec(value) })
		case name == "KeyUsage":
			s = set(func(in *kms.CreateKeyInput) { in.KeyUsage = types.KeyUsageType(value) })
		case clause == "no KeyUsage":
			s = set(func(in *kms.CreateKeyInput) { in.KeyUsage = "" })
		case clause == "MultiRegion true":
			s = set(func(in *kms.CreateKeyInput) { in.MultiRegion = aws.Bool(true) })
		case clause == "no CustomKeyStoreId":
			s = set(func(in *kms.CreateKeyInput) { in.CustomKeyStoreId = nil })
		case clause == "no XksKeyId":
			s = set(func(in *kms.CreateKeyInput) { in.XksKeyId = nil })
		case clause == "an XksKeyId", clause == "an XksKeyId the key manager does not have":
			s = set(func(in *kms.CreateKeyInput) { in.XksKeyId = aws.String(missingExternalKeyID()) })
		case clause == "a CustomKeyStoreId that names no key store":
			s = func(_ context.Context, w *keyCreator, in *kms.CreateKeyInput) error {
				in.CustomKeyStoreId = aws.String(w.Env.MadeUp(scenario.MissingStoreID()))
				return nil
			}
		case clause == "that external key":
			s = func(_ context.Context, w *keyCreator, in *kms.CreateKeyInput) error {
				if w.keyCreate.externalKey == "" {
					return fmt.Errorf("the scenario added no external key to the key manager")
				}
				in.XksKeyId = aws.String(w.keyCreate.externalKey)
				return nil
			}
		default:
			return nil, false, fmt.Errorf("unknown CreateKey request clause %q", clause)
		}
		setters = append(setters, s)
	}
	return setters, tagOnly, nil
}

// checkClauses is the stepdef.Check of the steps that take CreateKey clauses.
func checkClauses(args []string) error {
	_, _, err := parseClauses(args[len(args)-1])
	return err
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
