package rotation

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
)

// listings holds the steps of ListKeyRotations: the entries a listing holds
// and its pages.
type listings struct{ *rotation }

func (f *listings) listIncluding(ctx context.Context, include string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	return f.act(ctx, f.Client, request{op: "ListKeyRotations", keyID: k.ID, include: types.IncludeKeyMaterial(include)})
}

func (f *listings) listBogusMarker(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	return f.act(ctx, f.Client, request{op: "ListKeyRotations", keyID: k.ID, marker: aws.String(notAMarker)})
}

// listPaged lists the key's rotations n at a time, following NextMarker
// until an answer is not truncated; the last call is the call under test
// and every page is kept. A listing that does not end within a page per
// rotation, and one more, is cut short: the checks then find it incomplete.
func (f *listings) listPaged(ctx context.Context, n int) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	all, err := f.listAll(ctx, k.ID)
	if err != nil {
		return err
	}
	f.pages = nil
	var marker *string
	for range len(all) + 2 {
		if err := f.act(ctx, f.Client, request{op: "ListKeyRotations", keyID: k.ID, limit: aws.Int32(int32(n)), marker: marker}); err != nil {
			return err
		}
		out, ok := f.Output.(*kms.ListKeyRotationsOutput)
		if !ok {
			return nil // the call failed: the Then steps say how
		}
		f.pages = append(f.pages, out.Rotations)
		if !out.Truncated {
			return nil
		}
		marker = out.NextMarker
	}
	return nil
}

func (f *listings) listingUnderTest() ([]types.RotationsListEntry, error) {
	out, err := scenario.OutputUnderTest[*kms.ListKeyRotationsOutput](f.Scenario, "ListKeyRotations")
	if err != nil {
		return nil, err
	}
	return out.Rotations, nil
}

func (f *listings) thenListingHolds(n int) error {
	got, err := f.listingUnderTest()
	if err != nil {
		return err
	}
	if len(got) != n {
		return fmt.Errorf("ListKeyRotations listed %d entries, want %d: %s", len(got), n, describeEntries(got))
	}
	return nil
}

func (f *listings) thenFirstAndRotated() error {
	es, err := f.listingUnderTest()
	if err != nil {
		return err
	}
	if len(es) != 2 {
		return fmt.Errorf("ListKeyRotations listed %s, want the first and the rotated key material", describeEntries(es))
	}
	first, err := rotated(es[0])
	if err != nil {
		return err
	}
	second, err := rotated(es[1])
	if err != nil {
		return err
	}
	var p []string
	if first || es[0].KeyMaterialState != types.KeyMaterialStateNonCurrent {
		p = append(p, fmt.Sprintf("the first entry is %s with RotationType %q, want NON_CURRENT without one", es[0].KeyMaterialState, es[0].RotationType))
	}
	if !second || es[1].KeyMaterialState != types.KeyMaterialStateCurrent {
		p = append(p, fmt.Sprintf("the second entry is %s with RotationType %q, want CURRENT with one", es[1].KeyMaterialState, es[1].RotationType))
	}
	if f.sealed != nil && aws.ToString(es[0].KeyMaterialId) != f.sealed.material {
		p = append(p, fmt.Sprintf("the first entry is key material %s, want %s, current before the rotation", aws.ToString(es[0].KeyMaterialId), f.sealed.material))
	}
	return scenario.ProblemsError(p, "ListKeyRotations")
}

func (f *listings) thenOnlyRotated() error {
	es, err := f.listingUnderTest()
	if err != nil {
		return err
	}
	if len(es) != 1 {
		return fmt.Errorf("ListKeyRotations listed %s, want the rotated key material only", describeEntries(es))
	}
	ok, err := rotated(es[0])
	if err != nil {
		return err
	}
	if !ok || es[0].RotationType != types.RotationTypeOnDemand || es[0].KeyMaterialState != types.KeyMaterialStateCurrent {
		return fmt.Errorf("ListKeyRotations listed %s, want CURRENT with RotationType ON_DEMAND", describeEntries(es))
	}
	return nil
}

func (f *listings) thenPendingRotation() error {
	es, err := f.listingUnderTest()
	if err != nil {
		return err
	}
	i := slices.IndexFunc(es, func(e types.RotationsListEntry) bool {
		return e.KeyMaterialState == types.KeyMaterialStatePendingRotation
	})
	if i < 0 {
		return fmt.Errorf("ListKeyRotations listed %s, with no PENDING_ROTATION entry", describeEntries(es))
	}
	if ok, err := rotated(es[i]); err != nil || ok {
		return fmt.Errorf("the PENDING_ROTATION entry carries a rotation date or type (%v)", err)
	}
	return nil
}

func (f *listings) thenEntriesNameKey() error {
	es, err := f.listingUnderTest()
	if err != nil {
		return err
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	var p []string
	for _, e := range es {
		if id := aws.ToString(e.KeyId); id != k.ID && id != k.ARN {
			p = append(p, fmt.Sprintf("an entry names key %q", id))
		}
		if aws.ToString(e.KeyMaterialId) == "" || e.KeyMaterialState == "" {
			p = append(p, "an entry lacks KeyMaterialId or KeyMaterialState")
		}
		if _, err := rotated(e); err != nil {
			p = append(p, err.Error())
		}
	}
	return scenario.ProblemsError(p, "ListKeyRotations")
}

func (f *listings) thenImportMembers() error {
	es, err := f.listingUnderTest()
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.ImportState == "" || e.ExpirationModel == "" {
			return fmt.Errorf("entry %s of a key with imported key material has ImportState %q and ExpirationModel %q", aws.ToString(e.KeyMaterialId), e.ImportState, e.ExpirationModel)
		}
	}
	return nil
}

func (f *listings) thenNoImportMembers() error {
	es, err := f.listingUnderTest()
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.ImportState != "" || e.ExpirationModel != "" || e.KeyMaterialDescription != nil {
			return fmt.Errorf("entry %s of a key whose material KMS generated carries import members", aws.ToString(e.KeyMaterialId))
		}
	}
	return nil
}

// thenPagesComplete compares the pages with one listing of everything
// (ROTATIONS_ONLY, the pages' default): the same entries, in order, each
// once; every page but the last truncated.
func (f *listings) thenPagesComplete(ctx context.Context) error {
	if err := f.ThenSucceeds(); err != nil {
		return err
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	all, err := f.listAll(ctx, k.ID)
	if err != nil {
		return err
	}
	var want, got []string
	for _, e := range all {
		if e.RotationType != "" {
			want = append(want, aws.ToString(e.KeyMaterialId))
		}
	}
	for _, page := range f.pages {
		for _, e := range page {
			got = append(got, aws.ToString(e.KeyMaterialId))
		}
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("the %d pages list %v, want %v", len(f.pages), got, want)
	}
	if out, ok := f.Output.(*kms.ListKeyRotationsOutput); !ok || out.Truncated || out.NextMarker != nil {
		return fmt.Errorf("the last page is truncated or carries a NextMarker")
	}
	return nil
}
