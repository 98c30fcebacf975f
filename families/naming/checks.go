package naming

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

func (f *naming) registerChecks(sc stepdef.Context) {
	sc.Then(`^the alias names the (key|other key)$`, f.thenAliasNames)
	sc.Then(`^the alias names no key$`, f.thenAliasGone)
	sc.Then(`^the list shows the key's aliases and no others$`, f.thenKeysAliases)
	sc.Then(`^the list shows the alias with its ARN and dates, and the AWS aliases by their services$`, f.thenAllAliases)
	sc.Then(`^paging through `+listExpr+` one entry at first lists (the scenario's keys|the key's aliases|the key's tags) once each$`, f.thenPaging)
	sc.Then(`^the key's tags are (.+)$`, f.thenTags)
	sc.Then(`^the key's description is "(.*)"$`, f.thenDescription)
	sc.Then(`^the list holds none of my (keys|aliases)$`, f.thenNoneOfMine)
}

// aliasEntry walks the aliases of key k and returns the entry of name, if listed.
func (f *naming) aliasEntry(ctx context.Context, k *scenario.Key, name string) (*entry, error) {
	all, _, err := f.walk(ctx, request{op: "ListAliases", keyID: k.ID, limit: 100}, 100)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].name == name {
			return &all[i], nil
		}
	}
	return nil, nil
}

// thenAliasNames checks that the scenario's alias names the key (or the
// other key) in DescribeKey, and that ListAliases of that key shows it
// with its ARN, the key and its dates.
func (f *naming) thenAliasNames(ctx context.Context, which string) error {
	k, err := f.which(which)
	if err != nil {
		return err
	}
	if f.alias == "" {
		return fmt.Errorf("the scenario has no alias")
	}
	md, err := f.Keys.DescribeKey(ctx, f.alias)
	if err != nil {
		return fmt.Errorf("DescribeKey by the alias %s: %w", f.alias, err)
	}
	if got := aws.ToString(md.KeyId); got != k.ID {
		return fmt.Errorf("the alias %s names key %s, want the %s %s", f.alias, got, which, k.ID)
	}
	e, err := f.aliasEntry(ctx, k, f.alias)
	if err != nil {
		return err
	}
	wantARN, err := scenario.ARNIn(k.ARN, f.alias)
	if err != nil {
		return err
	}
	switch {
	case e == nil:
		return fmt.Errorf("ListAliases of the %s does not list the alias %s", which, f.alias)
	case e.target != k.ID:
		return fmt.Errorf("ListAliases lists the alias %s with TargetKeyId %q, want %s", f.alias, e.target, k.ID)
	case e.arn != wantARN:
		return fmt.Errorf("ListAliases lists the alias %s with AliasArn %q, want %s", f.alias, e.arn, wantARN)
	case e.created == nil || e.updated == nil:
		return fmt.Errorf("ListAliases lists the alias %s without its CreationDate or LastUpdatedDate", f.alias)
	case e.updated.Before(*e.created):
		return fmt.Errorf("the alias %s was last updated (%v) before it was created (%v)", f.alias, *e.updated, *e.created)
	}
	return nil
}

// thenAliasGone checks that the scenario's alias names nothing any more:
// DescribeKey by it fails with NotFoundException, and its key lists it no more.
func (f *naming) thenAliasGone(ctx context.Context) error {
	k := f.targets[f.alias]
	if k == nil {
		k = f.deletedFrom
	}
	if f.alias == "" || k == nil {
		return fmt.Errorf("the scenario has no alias of a key of its own")
	}
	_, o := scenario.Do(ctx, f.Scenario, "DescribeKey", func(ctx context.Context) (*kms.DescribeKeyOutput, error) {
		return f.Client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(f.alias)})
	})
	if o.Code != "NotFoundException" {
		return fmt.Errorf("DescribeKey by the deleted alias %s: want NotFoundException, got %v", f.alias, o.Failure())
	}
	e, err := f.aliasEntry(ctx, k, f.alias)
	if err != nil {
		return err
	}
	if e != nil {
		return fmt.Errorf("ListAliases still lists the deleted alias %s", f.alias)
	}
	return nil
}

// thenKeysAliases checks the ListAliases under test, made for the
// scenario's key: exactly the aliases the scenario gave it.
func (f *naming) thenKeysAliases() error {
	out, err := scenario.OutputUnderTest[*kms.ListAliasesOutput](f.Scenario, "ListAliases")
	if err != nil {
		return err
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	var want, got []string
	for name, target := range f.targets {
		if target == k {
			want = append(want, name)
		}
	}
	for _, e := range aliasPage(out).entries {
		if e.target != k.ID {
			return fmt.Errorf("ListAliases of key %s lists the alias %s of key %q", k.ID, e.name, e.target)
		}
		got = append(got, e.name)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		return fmt.Errorf("ListAliases of key %s lists %v, want %v", k.ID, got, want)
	}
	return nil
}

// awsAlias is the name of an alias AWS makes: alias/aws/<service>.
var awsAlias = regexp.MustCompile(`^alias/aws/[A-Za-z0-9_-]+$`)

// thenAllAliases walks every alias of the account: the scenario's alias is
// there with its ARN, key and dates; those AWS made are named after their
// service, and only they may lack a TargetKeyId.
func (f *naming) thenAllAliases(ctx context.Context) error {
	if err := f.ThenSucceeds(); err != nil {
		return err
	}
	all, _, err := f.walk(ctx, request{op: "ListAliases", limit: 100}, 100)
	if err != nil {
		return err
	}
	found := false
	for _, e := range all {
		switch {
		case strings.HasPrefix(e.name, "alias/aws/") && !awsAlias.MatchString(e.name):
			return fmt.Errorf("ListAliases lists %q, which is not alias/aws/ followed by a service's name", e.name)
		case !strings.HasPrefix(e.name, "alias/"):
			return fmt.Errorf("ListAliases lists %q, which does not start with alias/", e.name)
		case !strings.HasPrefix(e.name, "alias/aws/") && e.target == "":
			return fmt.Errorf("ListAliases lists the customer alias %s without a TargetKeyId", e.name)
		case e.name == f.alias:
			found = true
		}
	}
	if !found {
		return fmt.Errorf("ListAliases does not list the alias %s", f.alias)
	}
	if k := f.targets[f.alias]; k != nil {
		return f.thenAliasNames(ctx, map[bool]string{true: "other key", false: "key"}[k == f.other])
	}
	return nil
}

// thenPaging walks a listing from a first page of one entry, then pages of
// the listing's largest Limit, and checks that it holds what the scenario
// made: its keys, the key's aliases or the key's tags. A list of two
// entries or more thus takes two pages or more (walk checks each Limit).
func (f *naming) thenPaging(ctx context.Context, op, what string) error {
	r, err := f.listRequest(op)
	if err != nil {
		return err
	}
	r.limit = 1
	limit := map[string]int32{"ListKeys": 1000, "ListAliases": 100, "ListResourceTags": 50}[op]
	all, pages, err := f.walk(ctx, r, limit)
	if err != nil {
		return err
	}
	var want []string
	switch what {
	case "the scenario's keys":
		for _, k := range f.CreatedKeys {
			want = append(want, k.ID)
		}
	case "the key's aliases":
		for name, k := range f.targets {
			if k == f.Key {
				want = append(want, name)
			}
		}
	case "the key's tags":
		tags, err := f.tagsOf(ctx)
		if err != nil {
			return err
		}
		for key := range tags {
			want = append(want, key)
		}
	}
	for _, w := range want {
		if !slices.ContainsFunc(all, func(e entry) bool { return e.name == w }) {
			return fmt.Errorf("paging through %s (%d pages, %d entries) never lists %s", op, pages, len(all), w)
		}
	}
	return nil
}

// tagsOf is the tags of the scenario's key, by key, as one ListResourceTags
// call with the largest Limit shows them.
func (f *naming) tagsOf(ctx context.Context) (map[string]string, error) {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return nil, err
	}
	p, err := f.page(ctx, request{op: "ListResourceTags", keyID: k.ID, limit: 50})
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, e := range p.entries {
		tags[e.name] = e.target
	}
	return tags, nil
}

// thenTags checks the key's tags: the run's own, and the phrase's besides.
func (f *naming) thenTags(ctx context.Context, phrase string) error {
	want, err := parseTags(phrase)
	if err != nil {
		return err
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	all, _, err := f.walk(ctx, request{op: "ListResourceTags", keyID: k.ID, limit: 50}, 50)
	if err != nil {
		return err
	}
	got := map[string]string{}
	for _, e := range all {
		got[e.name] = e.target
	}
	// CreateKey gave every key of the run its tag, which nothing takes off.
	if run := got[scenario.RunTag]; run != f.Env.RunID {
		return fmt.Errorf("the key's tag %s is %q, want the run ID %s", scenario.RunTag, run, f.Env.RunID)
	}
	delete(got, scenario.RunTag)
	wanted := map[string]string{}
	for _, t := range want {
		wanted[aws.ToString(t.TagKey)] = aws.ToString(t.TagValue)
	}
	if fmt.Sprint(got) != fmt.Sprint(wanted) {
		return fmt.Errorf("the key's tags (besides %s) are %v, want %v", scenario.RunTag, got, wanted)
	}
	return nil
}

func (f *naming) thenDescription(ctx context.Context, want string) error {
	_, md, err := f.Keys.DescribeScenarioKey(ctx)
	if err != nil {
		return err
	}
	if got := aws.ToString(md.Description); got != want {
		return fmt.Errorf("the key's description is %q, want %q", got, want)
	}
	return nil
}

// thenNoneOfMine checks a list the second account made: it holds none of
// the keys or aliases of the scenario's own account.
func (f *naming) thenNoneOfMine(what string) error {
	var p page
	switch what {
	case "keys":
		out, err := scenario.OutputUnderTest[*kms.ListKeysOutput](f.Scenario, "ListKeys")
		if err != nil {
			return err
		}
		for _, k := range out.Keys {
			p.entries = append(p.entries, entry{name: aws.ToString(k.KeyId)})
		}
	default:
		out, err := scenario.OutputUnderTest[*kms.ListAliasesOutput](f.Scenario, "ListAliases")
		if err != nil {
			return err
		}
		p = aliasPage(out)
	}
	for _, e := range p.entries {
		if slices.ContainsFunc(f.CreatedKeys, func(k *scenario.Key) bool { return k.ID == e.name }) || f.targets[e.name] != nil {
			return fmt.Errorf("the second account's %s lists %s, which is my account's", what, e.name)
		}
	}
	return nil
}
