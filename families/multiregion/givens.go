package multiregion

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

const (
	specExpr  = `(SYMMETRIC_DEFAULT|ECC_NIST_P256|HMAC_256)`
	usageExpr = `(ENCRYPT_DECRYPT|SIGN_VERIFY|GENERATE_VERIFY_MAC|KEY_AGREEMENT)`
)

func (f *multiRegion) registerGivens(sc stepdef.Context) {
	sc.Given(`^a multi-Region KMS key$`, f.givenPrimary, stepdef.Creates{Keys: 1})
	sc.Given(`^the run has a third Region$`, func() error { _, err := f.ThirdRegion(); return err })
	sc.Given(`^a multi-Region `+specExpr+` KMS key for `+usageExpr+`$`, f.givenPrimaryOf, stepdef.Creates{Keys: 1})
	sc.Given(`^a multi-Region KMS key with imported key material$`, f.givenImportedPrimary, stepdef.Creates{Keys: 1})
	sc.Given(`^a single-Region KMS key$`, f.givenSingleRegion, stepdef.Creates{Keys: 1})
	sc.Given(`^a multi-Region KMS key waiting for imported key material$`, f.givenWaitingPrimary, stepdef.Creates{Keys: 1})
	sc.Given(`^a multi-Region KMS key in an account of my own that may hold one KMS key per Region$`, f.givenQuotaPrimary, stepdef.Creates{Keys: 1})
	sc.Given(`^the second Region already holds a KMS key of my account$`, f.givenKeyInSecond, stepdef.Creates{Keys: 1})
	sc.Given(`^a multi-Region KMS key of origin (AWS_KMS|EXTERNAL) that is (Creating|Updating|PendingReplicaDeletion)$`, f.givenKeyInState, stepdef.Creates{Keys: 2})
	sc.Given(`^the primary's key material has been imported into the replica$`, f.givenReplicaImported)
	sc.Given(`^a multi-Region KMS key in an account of my own$`, f.givenIsolatedPrimary, stepdef.Creates{Keys: 1})
	sc.Given(`^the replica's deletion is scheduled and its waiting period has passed$`, f.givenReplicaDeleted)
	sc.Given(`^the key has a replica in the second Region$`, f.givenReplica, stepdef.Creates{Keys: 1})
	sc.Given(`^the key has a replica in the second Region that is Creating$`, f.givenCreatingReplica, stepdef.Creates{Keys: 1})
	sc.Given(`^the scenario acts on the (?:replica|new primary key) in the second Region$`, f.givenActOnReplica)
	sc.Given(`^the key's primary Region has moved to the second Region, and both keys are Updating$`, f.givenUpdating)
	sc.Given(`^the key is scheduled for deletion while it has a replica$`, f.givenPendingReplicaDeletion)
}

func (f *multiRegion) givenPrimary(ctx context.Context) error {
	return f.createPrimary(ctx, &kms.CreateKeyInput{})
}

func (f *multiRegion) givenPrimaryOf(ctx context.Context, spec, usage string) error {
	return f.createPrimary(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpec(spec), KeyUsage: types.KeyUsageType(usage)})
}

func (f *multiRegion) givenImportedPrimary(ctx context.Context) error {
	if err := f.createPrimary(ctx, &kms.CreateKeyInput{Origin: types.OriginTypeExternal}); err != nil {
		return err
	}
	return f.Keys.ImportMaterial(ctx, f.primary)
}

func (f *multiRegion) givenWaitingPrimary(ctx context.Context) error {
	return f.createPrimary(ctx, &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
}

// givenQuotaPrimary moves the scenario into an account of its own whose
// quota is one key per Region, and makes the primary there.
func (f *multiRegion) givenQuotaPrimary(ctx context.Context) error {
	if _, err := f.SecondRegion(); err != nil {
		return err
	}
	if err := f.Isolate(ctx, "a key quota of one", scenario.Quotas{Keys: 1}); err != nil {
		return err
	}
	return f.givenPrimary(ctx)
}

// givenIsolatedPrimary makes the primary in an account of the scenario's
// own, whose clock the scenario may move.
func (f *multiRegion) givenIsolatedPrimary(ctx context.Context) error {
	if _, err := f.SecondRegion(); err != nil {
		return err
	}
	if err := f.Isolate(ctx, "letting a replica's waiting period pass", scenario.Quotas{}); err != nil {
		return err
	}
	return f.givenPrimary(ctx)
}

// givenReplicaDeleted schedules the replica's deletion with the shortest
// waiting period and lets it pass in the scenario's own account.
func (f *multiRegion) givenReplicaDeleted(ctx context.Context) error {
	r, err := f.needReplicaKey()
	if err != nil {
		return err
	}
	c, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	if _, err := scenario.Setup(ctx, f.Scenario, "ScheduleKeyDeletion", func(ctx context.Context) (*kms.ScheduleKeyDeletionOutput, error) {
		return c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(r.ID), PendingWindowInDays: aws.Int32(scenario.MinimumWaitingPeriod)})
	}); err != nil {
		return err
	}
	r.Scheduled = true
	return f.AdvanceClock(ctx, (scenario.MinimumWaitingPeriod+1)*24*time.Hour)
}

func (f *multiRegion) givenKeyInSecond(ctx context.Context) error {
	c, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	in := f.Keys.LabelKey(&kms.CreateKeyInput{})
	out, err := scenario.Setup(ctx, f.Scenario, "CreateKey", func(ctx context.Context) (*kms.CreateKeyOutput, error) {
		return c.CreateKey(ctx, in)
	})
	if err != nil {
		return err
	}
	f.Keys.TrackReplica(out.KeyMetadata, "")
	return nil
}

// givenKeyInState makes a multi-Region key and brings the key the scenario
// acts on into state: a replica held in Creating (in the second Region),
// a former primary held in Updating, or a primary waiting for its replica.
func (f *multiRegion) givenKeyInState(ctx context.Context, origin, state string) error {
	create := f.givenPrimary
	if origin == string(types.OriginTypeExternal) {
		create = f.givenImportedPrimary
	}
	if err := create(ctx); err != nil {
		return err
	}
	switch types.KeyState(state) {
	case types.KeyStateCreating:
		return f.givenCreatingReplica(ctx)
	case types.KeyStateUpdating:
		if origin == string(types.OriginTypeExternal) {
			// Parameters while the key still gives them: Updating refuses
			// GetParametersForImport, not ImportKeyMaterial.
			p, err := f.Keys.FetchParams(ctx, f.primary, scenario.DefaultWrappingSpec, scenario.DefaultWrappingAlgorithm)
			if err != nil {
				return err
			}
			f.Keys.Importing.Remember(p)
		}
		return f.givenUpdating(ctx)
	default:
		return f.givenPendingReplicaDeletion(ctx)
	}
}

// givenReplicaImported imports the primary's material into the replica, in
// the second Region, which the scenario acts in from then on.
func (f *multiRegion) givenReplicaImported(ctx context.Context) error {
	r, err := f.needReplicaKey()
	if err != nil {
		return err
	}
	material, ok := f.Keys.Importing.Materials[r.ID]
	if !ok {
		return fmt.Errorf("the scenario imported no key material into the primary")
	}
	if err := f.ActInSecondRegion(r); err != nil {
		return err
	}
	p, err := f.Keys.ParamsFor(ctx, r)
	if err != nil {
		return err
	}
	in, err := scenario.ImportRequest(r.ID, p, "", material)
	if err != nil {
		return err
	}
	return f.Keys.SetupImport(ctx, r, in, material)
}

func (f *multiRegion) needReplicaKey() (*scenario.Key, error) {
	if f.replica == nil {
		return nil, fmt.Errorf("the key has no replica yet")
	}
	return f.replica, nil
}

func (f *multiRegion) givenSingleRegion(ctx context.Context) error {
	_, err := f.Keys.CreateKey(ctx, &kms.CreateKeyInput{})
	return err
}

// createPrimary creates the scenario's multi-Region primary key. A target
// without a second Region skips the scenario before anything is created.
func (f *multiRegion) createPrimary(ctx context.Context, in *kms.CreateKeyInput) error {
	if _, err := f.SecondRegion(); err != nil {
		return err
	}
	in.MultiRegion = aws.Bool(true)
	k, err := f.Keys.CreateKey(ctx, in)
	if err != nil {
		return err
	}
	f.primary = k
	return nil
}

func (f *multiRegion) needPrimary() (*scenario.Key, error) {
	if f.primary == nil {
		return nil, fmt.Errorf("the scenario has no multi-Region key yet")
	}
	return f.primary, nil
}

// replicate replicates the primary into the second Region; settled waits
// until the replica has left Creating.
func (f *multiRegion) replicate(ctx context.Context, settled bool) error {
	p, err := f.needPrimary()
	if err != nil {
		return err
	}
	r, out, err := f.Keys.Replicate(ctx, p)
	if err != nil {
		return err
	}
	f.replica, f.replicated = r, out
	if !settled {
		return nil
	}
	return f.waitSettled(ctx, r)
}

// waitSettled waits until replica r is Enabled, or PendingImport when its
// primary holds imported material (ReplicateKey.10).
func (f *multiRegion) waitSettled(ctx context.Context, r *scenario.Key) error {
	c, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	want := types.KeyStateEnabled
	if md, err := f.Keys.DescribeKeyWith(ctx, f.HomeClient(), f.primary.ID); err == nil && md.Origin == types.OriginTypeExternal {
		want = types.KeyStatePendingImport
	}
	return f.Keys.WaitKeyState(ctx, c, r.ID, want)
}

func (f *multiRegion) givenReplica(ctx context.Context) error { return f.replicate(ctx, true) }

// givenCreatingReplica holds the replica in Creating through the control
// API and makes it the key the scenario acts on, in the second Region.
func (f *multiRegion) givenCreatingReplica(ctx context.Context) error {
	p, err := f.needPrimary()
	if err != nil {
		return err
	}
	if _, err := f.SecondRegion(); err != nil {
		return err
	}
	if err := f.HoldKey(ctx, p, "holding a replica in Creating"); err != nil {
		return err
	}
	if err := f.replicate(ctx, false); err != nil {
		return err
	}
	return f.ActInSecondRegion(f.replica)
}

func (f *multiRegion) givenActOnReplica(context.Context) error {
	if f.replica == nil {
		return fmt.Errorf("the key has no replica yet")
	}
	return f.ActInSecondRegion(f.replica)
}

// givenUpdating moves the primary Region to the replica's and holds both
// keys in Updating; the scenario keeps acting on its key in its own Region.
func (f *multiRegion) givenUpdating(ctx context.Context) error {
	p, err := f.needPrimary()
	if err != nil {
		return err
	}
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	if f.replica == nil {
		if err := f.replicate(ctx, true); err != nil {
			return err
		}
	}
	if err := f.HoldKey(ctx, p, "holding a key in Updating"); err != nil {
		return err
	}
	_, err = scenario.Setup(ctx, f.Scenario, "UpdatePrimaryRegion", func(ctx context.Context) (*kms.UpdatePrimaryRegionOutput, error) {
		return f.HomeClient().UpdatePrimaryRegion(ctx, &kms.UpdatePrimaryRegionInput{KeyId: aws.String(p.ID), PrimaryRegion: aws.String(region)})
	})
	return err
}

// givenPendingReplicaDeletion replicates the primary and schedules its
// deletion, which then waits for the replica's (ScheduleKeyDeletion.13).
func (f *multiRegion) givenPendingReplicaDeletion(ctx context.Context) error {
	p, err := f.needPrimary()
	if err != nil {
		return err
	}
	if f.replica == nil {
		if err := f.replicate(ctx, true); err != nil {
			return err
		}
	}
	if _, err := scenario.Setup(ctx, f.Scenario, "ScheduleKeyDeletion", func(ctx context.Context) (*kms.ScheduleKeyDeletionOutput, error) {
		return f.HomeClient().ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(p.ID), PendingWindowInDays: aws.Int32(scenario.MinimumWaitingPeriod)})
	}); err != nil {
		return err
	}
	p.Scheduled = true
	return nil
}
