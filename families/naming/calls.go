package naming

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

const (
	// opExpr names the operations on a key or its alias.
	opExpr = `(CreateAlias|DeleteAlias|UpdateAlias|ListAliases|TagResource|UntagResource|ListResourceTags|UpdateKeyDescription)`
	// keyOpExpr are those that take a KeyId (UpdateAlias, CreateAlias: TargetKeyId).
	keyOpExpr = `(CreateAlias|UpdateAlias|ListAliases|TagResource|UntagResource|ListResourceTags|UpdateKeyDescription)`
	// listExpr are the listings.
	listExpr = `(ListKeys|ListAliases|ListResourceTags)`
	// purposeTag is the tag the calls on a key add and remove; never the run's own tag.
	purposeTag = "Purpose"
)

// request is one call of the operations, with what it names.
type request struct {
	op          string
	keyID       string // KeyId, or TargetKeyId
	alias       string // AliasName
	tags        []types.Tag
	tagKeys     []string
	description *string
	limit       int32
	marker      string
}

func (f *naming) registerCalls(sc stepdef.Context) {
	sc.When(`^I call `+opExpr+` on the key$`, f.callOnKey)
	sc.When(`^I call `+keyOpExpr+` naming the key by its (key ID|key ARN|alias name)$`, f.callNaming)
	sc.When(`^I call `+keyOpExpr+` naming (a key that does not exist|a key by a malformed key ARN|the key by its ARN in another Region|the AWS managed key)$`, f.callNamingOther)
	sc.When(`^the second account calls `+opExpr+` on the key by its key ARN$`, f.secondCalls, stepdef.Creates{SecondAccount: true})
	sc.When(`^the second account calls (ListKeys|ListAliases)$`, f.secondLists, stepdef.Creates{SecondAccount: true})

	sc.When(`^I create an alias for the key (with a new name|whose name lacks the alias/ prefix|whose name starts with alias/aws/|whose name holds a colon|with the name of its alias)$`, f.createAliasNamed)
	sc.When(`^I point the alias at the other key(?: by its (key ID|key ARN))?$`, f.pointAtOther)
	sc.When(`^I point an alias (that does not exist|whose name lacks the alias/ prefix) at the key$`, f.pointMissing)
	sc.When(`^I delete the alias$`, f.deleteAlias)
	sc.When(`^I delete an alias (that does not exist|whose name lacks the alias/ prefix)$`, f.deleteMissing)
	sc.When(`^I list the aliases$`, f.listAliases)
	sc.When(`^I list the keys$`, f.listKeys)
	sc.When(`^I call `+listExpr+` with (a made-up marker|the NextMarker of a `+listExpr+` call)$`, f.callWithMarker)
	sc.When(`^I tag the key with (.+)$`, f.tagKey)
	sc.When(`^I untag the key removing (.+)$`, f.untagKey)
	sc.When(`^I set the key's description to "(.*)"$`, f.describeKeyAs)
}

// newRequest is a valid request of op naming the key id: a new alias for
// CreateAlias, the scenario's alias for UpdateAlias and DeleteAlias, the
// purpose tag for the tag operations.
func (f *naming) newRequest(op, id string) request {
	r := request{op: op, keyID: id, alias: f.alias}
	switch op {
	case "CreateAlias":
		r.alias = f.Keys.NewAliasName()
	case "TagResource":
		r.tags = []types.Tag{{TagKey: aws.String(purposeTag), TagValue: aws.String("kmsconform")}}
	case "UntagResource":
		r.tagKeys = []string{purposeTag}
	case "UpdateKeyDescription":
		r.description = aws.String("kmsconform " + f.Env.RunID + ": described anew")
	}
	return r
}

// act makes r the call under test, as client c. An alias it creates is the
// run's, to delete at cleanup, and the one the scenario talks about.
func (f *naming) act(ctx context.Context, c *kms.Client, r request) error {
	id, alias := aws.String(r.keyID), aws.String(r.alias)
	var limit *int32
	if r.limit > 0 {
		limit = aws.Int32(r.limit)
	}
	var marker *string
	if r.marker != "" {
		marker = aws.String(r.marker)
	}
	var err error
	switch r.op {
	case "CreateAlias":
		err = scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.CreateAliasOutput, error) {
			return c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: alias, TargetKeyId: id})
		})
		if err == nil && f.Last.Err == nil {
			f.Keys.AdoptAlias(r.alias)
			f.alias = r.alias
		}
	case "UpdateAlias":
		err = scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.UpdateAliasOutput, error) {
			return c.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: alias, TargetKeyId: id})
		})
	case "DeleteAlias":
		err = scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.DeleteAliasOutput, error) {
			return c.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: alias})
		})
		if err == nil && f.Last.Err == nil && f.targets[r.alias] != nil {
			f.deletedFrom = f.targets[r.alias]
			delete(f.targets, r.alias)
		}
	case "ListAliases":
		if r.keyID == "" {
			id = nil
		}
		err = scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.ListAliasesOutput, error) {
			return c.ListAliases(ctx, &kms.ListAliasesInput{KeyId: id, Limit: limit, Marker: marker})
		})
	case "ListKeys":
		err = scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.ListKeysOutput, error) {
			return c.ListKeys(ctx, &kms.ListKeysInput{Limit: limit, Marker: marker})
		})
	case "TagResource":
		err = scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.TagResourceOutput, error) {
			return c.TagResource(ctx, &kms.TagResourceInput{KeyId: id, Tags: r.tags})
		})
	case "UntagResource":
		err = scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.UntagResourceOutput, error) {
			return c.UntagResource(ctx, &kms.UntagResourceInput{KeyId: id, TagKeys: r.tagKeys})
		})
	case "ListResourceTags":
		err = scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.ListResourceTagsOutput, error) {
			return c.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: id, Limit: limit, Marker: marker})
		})
	case "UpdateKeyDescription":
		err = scenario.Act(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.UpdateKeyDescriptionOutput, error) {
			return c.UpdateKeyDescription(ctx, &kms.UpdateKeyDescriptionInput{KeyId: id, Description: r.description})
		})
	default:
		return fmt.Errorf("%s is not an alias, tag or listing operation", r.op)
	}
	return err
}

func (f *naming) callOnKey(ctx context.Context, op string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	if (op == "UpdateAlias" || op == "DeleteAlias") && f.alias == "" {
		return fmt.Errorf("%s needs an alias of the scenario's", op)
	}
	return f.act(ctx, f.Client, f.newRequest(op, k.ID))
}

// callNaming names the key in one of its forms; for the alias name it
// first gives the key an alias.
func (f *naming) callNaming(ctx context.Context, op, form string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	id := k.ID
	switch form {
	case "key ARN":
		id = k.ARN
	case "alias name":
		if id, err = f.Keys.NewAlias(ctx, k); err != nil {
			return err
		}
		f.targets[id] = k
	}
	return f.act(ctx, f.Client, f.newRequest(op, id))
}

// callNamingOther names something other than the scenario's key: nothing,
// a malformed ARN, the key's ARN in another Region, or an AWS managed key.
func (f *naming) callNamingOther(ctx context.Context, op, what string) error {
	var id string
	switch what {
	case "a key that does not exist":
		id = f.Env.MadeUp(scenario.MissingKeyID())
	case "a key by a malformed key ARN":
		id = scenario.MalformedKeyARN(f.Env.Region)
	case "the key by its ARN in another Region":
		k, err := f.Keys.NeedKey()
		if err != nil {
			return err
		}
		if id, err = inAnotherRegion(k.ARN); err != nil {
			return err
		}
		f.Env.MadeUp(id)
	case "the AWS managed key":
		if f.managed == "" {
			return fmt.Errorf("the scenario has no AWS managed key")
		}
		id = f.managed
		// The call must be refused; should it not be, it changes a key
		// KMS made for the account, which the run may name only here.
		f.Env.MadeUp(id)
	}
	return f.act(ctx, f.Client, f.newRequest(op, id))
}

// inAnotherRegion is keyARN with another Region in it: the ARN of no key.
func inAnotherRegion(keyARN string) (string, error) {
	parts := strings.SplitN(keyARN, ":", 6)
	if len(parts) != 6 {
		return "", fmt.Errorf("CreateKey returned no usable key ARN (%q)", keyARN)
	}
	parts[3] = map[bool]string{true: "eu-west-1", false: "us-west-2"}[parts[3] == "us-west-2"]
	return strings.Join(parts, ":"), nil
}

func (f *naming) secondCalls(ctx context.Context, op string) error {
	k, c, err := f.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	return f.act(ctx, c, f.newRequest(op, k.ARN))
}

func (f *naming) secondLists(ctx context.Context, op string) error {
	c, err := f.SecondClient()
	if err != nil {
		return err
	}
	return f.act(ctx, c, request{op: op})
}

func (f *naming) createAliasNamed(ctx context.Context, how string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	r := f.newRequest("CreateAlias", k.ID)
	switch how {
	case "whose name lacks the alias/ prefix":
		r.alias = strings.TrimPrefix(r.alias, "alias/")
	case "whose name starts with alias/aws/":
		r.alias = "alias/aws/" + strings.TrimPrefix(r.alias, "alias/")
	case "whose name holds a colon":
		r.alias += ":colon"
	case "with the name of its alias":
		if f.alias == "" {
			return fmt.Errorf("the key has no alias yet")
		}
		r.alias = f.alias
	}
	f.targets[r.alias] = k
	return f.act(ctx, f.Client, r)
}

func (f *naming) pointAtOther(ctx context.Context, form string) error {
	if f.other == nil || f.alias == "" {
		return fmt.Errorf("pointing the alias elsewhere needs an alias and another key")
	}
	id := f.other.ID
	if form == "key ARN" {
		id = f.other.ARN
	}
	return f.act(ctx, f.Client, f.newRequest("UpdateAlias", id))
}

// missingAlias is an alias name of the run's that names nothing, with or
// without its alias/ prefix.
func (f *naming) missingAlias(how string) string {
	name := f.Env.MadeUp(f.Keys.NewAliasName())
	if how == "whose name lacks the alias/ prefix" {
		name = strings.TrimPrefix(name, "alias/")
	}
	return name
}

func (f *naming) pointMissing(ctx context.Context, how string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	r := f.newRequest("UpdateAlias", k.ID)
	r.alias = f.missingAlias(how)
	return f.act(ctx, f.Client, r)
}

func (f *naming) deleteAlias(ctx context.Context) error {
	if f.alias == "" {
		return fmt.Errorf("the scenario has no alias")
	}
	return f.act(ctx, f.Client, request{op: "DeleteAlias", alias: f.alias})
}

func (f *naming) deleteMissing(ctx context.Context, how string) error {
	return f.act(ctx, f.Client, request{op: "DeleteAlias", alias: f.missingAlias(how)})
}

func (f *naming) listAliases(ctx context.Context) error {
	return f.act(ctx, f.Client, request{op: "ListAliases"})
}

func (f *naming) listKeys(ctx context.Context) error {
	return f.act(ctx, f.Client, request{op: "ListKeys"})
}

// listRequest is a request of a listing: ListResourceTags and ListAliases
// of the scenario's key, ListKeys of the account.
func (f *naming) listRequest(op string) (request, error) {
	r := request{op: op}
	if op != "ListKeys" {
		k, err := f.Keys.NeedKey()
		if err != nil {
			return r, err
		}
		r.keyID = k.ID
	}
	return r, nil
}

// callWithMarker lists with a marker the listing did not hand out: one
// made up, or another listing's NextMarker (its first page of one entry).
func (f *naming) callWithMarker(ctx context.Context, op, which, source string) error {
	r, err := f.listRequest(op)
	if err != nil {
		return err
	}
	r.marker = base64.StdEncoding.EncodeToString([]byte("kmsconform made-up marker " + scenario.RandomHex(8)))
	if source != "" {
		first, err := f.listRequest(source)
		if err != nil {
			return err
		}
		first.limit = 1
		p, err := f.page(ctx, first)
		if err != nil {
			return err
		}
		if p.next == "" {
			return fmt.Errorf("%s with Limit 1 handed out no NextMarker; the scenario needs a longer list", source)
		}
		r.marker = p.next
	}
	return f.act(ctx, f.Client, r)
}

func (f *naming) tagKey(ctx context.Context, phrase string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	tags, err := parseTags(phrase)
	if err != nil {
		return err
	}
	r := f.newRequest("TagResource", k.ID)
	r.tags = tags
	return f.act(ctx, f.Client, r)
}

func (f *naming) untagKey(ctx context.Context, keys string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	r := f.newRequest("UntagResource", k.ID)
	r.tagKeys = strings.Split(keys, ", ")
	return f.act(ctx, f.Client, r)
}

func (f *naming) describeKeyAs(ctx context.Context, description string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	r := f.newRequest("UpdateKeyDescription", k.ID)
	r.description = aws.String(description)
	return f.act(ctx, f.Client, r)
}
