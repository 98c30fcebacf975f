// Package grants holds the steps of the grant operations: CreateGrant,
// ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant. Grants are
// made for the run's second account, which then shows what a grant allows
// and what it does not: the operations it lists, under its encryption
// context constraints, until it is retired or revoked.
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

// grants is one scenario's state for the grant steps.
type grants struct {
	*scenario.Scenario
	// grant is the grant the scenario talks about: the latest one a Given
	// made, or the one the CreateGrant under test made.
	grant *kms.CreateGrantOutput
	// first is the ID of the grant made before the CreateGrant under test
	// that repeats it (CreateGrant.18, .19).
	first string
	// repeat is the CreateGrant request of that first grant.
	repeat *kms.CreateGrantInput
}

// Register binds the grant steps of scenario s.
func Register(s *scenario.Scenario, sc stepdef.Context) {
	f := &grants{Scenario: s}
	f.registerCalls(sc)
	f.registerChecks(sc)
}

// operationList reads "Encrypt", "Encrypt and Decrypt" or "Encrypt,
// Decrypt and RetireGrant" as grant operations.
func operationList(s string) []types.GrantOperation {
	var ops []types.GrantOperation
	for _, part := range strings.Split(strings.ReplaceAll(s, " and ", ", "), ", ") {
		ops = append(ops, types.GrantOperation(strings.TrimSpace(part)))
	}
	return ops
}

// contextPairs reads "purpose=test" or "purpose=test,team=a" as an
// encryption context.
func contextPairs(s string) (map[string]string, error) {
	m := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not an encryption context of key=value pairs", s)
		}
		m[k] = v
	}
	return m, nil
}

// makeGrant creates a grant on the scenario's key as a setup call and
// makes it the scenario's grant.
func (f *grants) makeGrant(ctx context.Context, in *kms.CreateGrantInput) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	in.KeyId = aws.String(k.ID)
	out, err := scenario.Setup(ctx, f.Scenario, "CreateGrant", func(ctx context.Context) (*kms.CreateGrantOutput, error) {
		return f.Client.CreateGrant(ctx, in)
	})
	if err != nil {
		return err
	}
	f.grant = out
	return nil
}

// needGrant is the scenario's grant.
func (f *grants) needGrant() (*kms.CreateGrantOutput, error) {
	if f.grant == nil || f.grant.GrantId == nil {
		return nil, fmt.Errorf("the scenario has made no grant")
	}
	return f.grant, nil
}

// listAll pages through ListGrants of the scenario's key, as setup calls.
func (f *grants) listAll(ctx context.Context, in kms.ListGrantsInput) ([]types.GrantListEntry, error) {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return nil, err
	}
	in.KeyId = aws.String(k.ID)
	var all []types.GrantListEntry
	for range 1000 {
		out, err := scenario.Setup(ctx, f.Scenario, "ListGrants", func(ctx context.Context) (*kms.ListGrantsOutput, error) {
			return f.Client.ListGrants(ctx, &in)
		})
		if err != nil {
			return nil, err
		}
		all = append(all, out.Grants...)
		if !out.Truncated {
			return all, nil
		}
		if aws.ToString(out.NextMarker) == "" {
			return nil, fmt.Errorf("ListGrants answered Truncated true without a NextMarker")
		}
		in.Marker = out.NextMarker
	}
	return nil, fmt.Errorf("ListGrants kept answering Truncated after 1000 pages")
}
