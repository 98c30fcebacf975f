package grants

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

func (f *grants) registerChecks(sc stepdef.Context) {
	sc.Then(`^the response holds a grant ID and a grant token$`, f.thenGrantOutput)
	sc.Then(`^ListGrants lists the grant for the second account with every member$`, f.thenListedFully)
	sc.Then(`^ListGrants no longer lists the grant$`, f.thenNotListed)
	sc.Then(`^ListGrants still lists the grant$`, f.thenStillListed)
	sc.Then(`^the grant ID is the one the first CreateGrant returned, and the key has 1 grant$`, f.thenSameGrant)
	sc.Then(`^the grant ID is a new one, and the key has 2 grants$`, f.thenNewGrant)
	sc.Then(`^the listing holds only the grant$`, f.thenOnlyTheGrant)
	sc.Then(`^the listing holds the grant$`, f.thenHoldsTheGrant)
	sc.Then(`^the page holds 2 grants and its NextMarker leads through the other (\d+), each once$`, f.thenPaged)
	sc.Then(`^the listing holds at most (\d+) grants?$`, f.thenAtMost)
	sc.Then(`^the grant is listed with its grantee service principal (\S+)$`, f.thenServiceListed)
	sc.Then(`^the key has (\d+) grants?$`, f.keyGrants)
}

// listing is the answer of the ListGrants or ListRetirableGrants under test.
func (f *grants) listing() ([]types.GrantListEntry, bool, *string, error) {
	if err := f.ThenSucceeds(); err != nil {
		return nil, false, nil, err
	}
	switch out := f.Output.(type) {
	case *kms.ListGrantsOutput:
		return out.Grants, out.Truncated, out.NextMarker, nil
	case *kms.ListRetirableGrantsOutput:
		return out.Grants, out.Truncated, out.NextMarker, nil
	}
	return nil, false, nil, fmt.Errorf("the call under test was %s, not a grant listing", f.Last.Op)
}

func (f *grants) thenGrantOutput() error {
	out, err := scenario.OutputUnderTest[*kms.CreateGrantOutput](f.Scenario, "CreateGrant")
	if err != nil {
		return err
	}
	var problems []string
	if id := aws.ToString(out.GrantId); id == "" {
		problems = append(problems, "no GrantId")
	}
	if aws.ToString(out.GrantToken) == "" {
		problems = append(problems, "no GrantToken")
	}
	return scenario.ProblemsError(problems, "the CreateGrant answer")
}

// listedGrant is the scenario's grant as ListGrants of the key shows it, or nil.
func (f *grants) listedGrant(ctx context.Context) (*types.GrantListEntry, error) {
	g, err := f.needGrant()
	if err != nil {
		return nil, err
	}
	all, err := f.listAll(ctx, kms.ListGrantsInput{})
	if err != nil {
		return nil, err
	}
	for i := range all {
		if aws.ToString(all[i].GrantId) == aws.ToString(g.GrantId) {
			return &all[i], nil
		}
	}
	return nil, nil
}

func (f *grants) thenListedFully(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	e, err := f.listedGrant(ctx)
	switch {
	case err != nil:
		return err
	case e == nil:
		return fmt.Errorf("ListGrants of key %s does not list grant %s", k.ID, aws.ToString(f.grant.GrantId))
	}
	var problems []string
	if got := aws.ToString(e.KeyId); got != k.ARN {
		problems = append(problems, fmt.Sprintf("KeyId %q, want the key ARN %q", got, k.ARN))
	}
	second, err := f.Keys.SecondPrincipal(ctx) // learned when the grant was made
	if err != nil {
		return err
	}
	if got := aws.ToString(e.GranteePrincipal); got != second {
		problems = append(problems, fmt.Sprintf("GranteePrincipal %q, want %q", got, second))
	}
	if e.CreationDate == nil {
		problems = append(problems, "no CreationDate")
	}
	if aws.ToString(e.IssuingAccount) == "" {
		problems = append(problems, "no IssuingAccount")
	}
	if e.Name != nil {
		problems = append(problems, fmt.Sprintf("Name %q for a grant made without one", *e.Name))
	}
	if !slices.Equal(e.Operations, []types.GrantOperation{types.GrantOperationEncrypt}) {
		problems = append(problems, fmt.Sprintf("Operations %v, want [Encrypt]", e.Operations))
	}
	return scenario.ProblemsError(problems, "the grant ListGrants lists")
}

func (f *grants) thenNotListed(ctx context.Context) error {
	e, err := f.listedGrant(ctx)
	if err == nil && e != nil {
		return fmt.Errorf("ListGrants still lists grant %s", aws.ToString(e.GrantId))
	}
	return err
}

func (f *grants) thenStillListed(ctx context.Context) error {
	e, err := f.listedGrant(ctx)
	if err == nil && e == nil {
		return fmt.Errorf("ListGrants no longer lists grant %s", aws.ToString(f.grant.GrantId))
	}
	return err
}

func (f *grants) keyGrants(ctx context.Context, want int) error {
	all, err := f.listAll(ctx, kms.ListGrantsInput{})
	if err != nil {
		return err
	}
	if len(all) != want {
		return fmt.Errorf("the key has %d grants (%v), want %d", len(all), grantIDs(all), want)
	}
	return nil
}

func (f *grants) thenSameGrant(ctx context.Context) error {
	if err := f.thenGrantOutput(); err != nil {
		return err
	}
	if got := aws.ToString(f.grant.GrantId); got != f.first {
		return fmt.Errorf("CreateGrant returned grant %s, want the first grant %s", got, f.first)
	}
	return f.keyGrants(ctx, 1)
}

func (f *grants) thenNewGrant(ctx context.Context) error {
	if err := f.thenGrantOutput(); err != nil {
		return err
	}
	if got := aws.ToString(f.grant.GrantId); got == f.first {
		return fmt.Errorf("CreateGrant without a name returned the first grant's ID %s again", got)
	}
	return f.keyGrants(ctx, 2)
}

func (f *grants) thenOnlyTheGrant() error {
	entries, _, _, err := f.listing()
	if err != nil {
		return err
	}
	g, err := f.needGrant()
	if err != nil {
		return err
	}
	if ids := grantIDs(entries); !slices.Equal(ids, []string{aws.ToString(g.GrantId)}) {
		return fmt.Errorf("the listing holds %v, want only grant %s", ids, aws.ToString(g.GrantId))
	}
	return nil
}

func (f *grants) thenHoldsTheGrant() error {
	entries, _, _, err := f.listing()
	if err != nil {
		return err
	}
	g, err := f.needGrant()
	if err != nil {
		return err
	}
	if !slices.Contains(grantIDs(entries), aws.ToString(g.GrantId)) {
		return fmt.Errorf("the listing holds %v, not grant %s", grantIDs(entries), aws.ToString(g.GrantId))
	}
	return nil
}

func (f *grants) thenAtMost(n int) error {
	entries, _, _, err := f.listing()
	if err != nil {
		return err
	}
	if len(entries) > n {
		return fmt.Errorf("the listing holds %d grants, want at most %d", len(entries), n)
	}
	return nil
}

// thenPaged follows the NextMarker of the ListGrants under test (which
// asked for Limit 2) to the end: every grant of the key comes once.
func (f *grants) thenPaged(ctx context.Context, rest int) error {
	entries, truncated, next, err := f.listing()
	if err != nil {
		return err
	}
	if len(entries) != 2 || !truncated || aws.ToString(next) == "" {
		return fmt.Errorf("the first page holds %d grants, Truncated %v, NextMarker %q; want 2, true and a marker", len(entries), truncated, aws.ToString(next))
	}
	more, err := f.listAll(ctx, kms.ListGrantsInput{Limit: aws.Int32(2), Marker: next})
	if err != nil {
		return err
	}
	ids := grantIDs(append(entries, more...))
	if len(more) != rest || len(slices.Compact(slices.Clone(ids))) != len(ids) {
		return fmt.Errorf("the pages after the first hold %d grants (all: %v), want the other %d, each once", len(more), ids, rest)
	}
	return nil
}

func (f *grants) thenServiceListed(ctx context.Context, service string) error {
	e, err := f.listedGrant(ctx)
	switch {
	case err != nil:
		return err
	case e == nil:
		return fmt.Errorf("ListGrants does not list grant %s", aws.ToString(f.grant.GrantId))
	case aws.ToString(e.GranteeServicePrincipal) != service:
		return fmt.Errorf("the grant is listed with GranteeServicePrincipal %q, want %q", aws.ToString(e.GranteeServicePrincipal), service)
	}
	return nil
}
