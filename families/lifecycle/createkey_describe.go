package lifecycle

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
)

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
