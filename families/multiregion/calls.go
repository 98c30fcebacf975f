package multiregion

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

func (f *multiRegion) registerCalls(sc stepdef.Context) {
	sc.When(`^I replicate the key to the second Region$`, f.replicateToSecond, stepdef.Creates{Keys: 1})
	sc.When(`^I replicate the key to its own Region$`, f.replicateToOwn)
	sc.When(`^I replicate the new primary key in the second Region to the third Region$`, f.replicateNewPrimaryToThird)
	sc.When(`^I replicate the replica to the run's own Region$`, f.replicateReplica)
	sc.When(`^I replicate the key to the second Region with `+policyExpr+`$`, f.replicateWithPolicy)
	sc.When(`^I replicate the key to the second Region with `+tagExpr+`$`, f.replicateWithTags)
	sc.When(`^I replicate the key to the second Region naming it by its key ARN$`, f.replicateByARN, stepdef.Creates{Keys: 1})
	sc.When(`^I replicate the key named by a malformed key ARN to the second Region$`, f.replicateMalformedARN)
	sc.When(`^I replicate the key to a Region that does not exist$`, f.replicateToNowhere)
	sc.When(`^the second account tries to replicate the key by its key ARN to the second Region$`, f.secondAccountReplicates, stepdef.Creates{SecondAccount: true})
	sc.When(`^I update the primary Region of the key to the second Region naming it by its key ARN$`, f.updateByARN)
	sc.When(`^I update the primary Region of the key named by a malformed key ARN$`, f.updateMalformedARN)
	sc.When(`^the second account tries to update the primary Region of the key by its key ARN$`, f.secondAccountUpdates, stepdef.Creates{SecondAccount: true})
	sc.When(`^I replicate a key that does not exist to the second Region$`, f.replicateMissing)
	sc.When(`^I update the primary Region of the key to the second Region$`, f.updateToSecond)
	sc.When(`^I update the primary Region of the key to its own Region$`, f.updateToOwn)
	sc.When(`^I update the primary Region of the replica to the run's own Region$`, f.updateReplica)
	sc.When(`^I update the primary Region of a key that does not exist$`, f.updateMissing)
	sc.When(`^I import new key material into the replica as NEW_KEY_MATERIAL$`, f.importNewIntoReplica)
	sc.When(`^I import the key's key material again$`, f.importAgain)
}

// keyInHome is the scenario's key in the run's own Region: the primary, or
// a single-Region key.
func (f *multiRegion) keyInHome() (*scenario.Key, error) {
	if k := f.Key; k != nil && k.Region == "" {
		return k, nil
	}
	if f.primary != nil {
		return f.primary, nil
	}
	return f.Keys.NeedKey()
}

func (f *multiRegion) replicateAs(ctx context.Context, c *kms.Client, in *kms.ReplicateKeyInput) error {
	if err := scenario.Act(ctx, f.Scenario, "ReplicateKey", func(ctx context.Context) (*kms.ReplicateKeyOutput, error) {
		return c.ReplicateKey(ctx, in)
	}); err != nil {
		return err
	}
	// A replica made, rightly or wrongly, is the scenario's to remove.
	if out, ok := f.Output.(*kms.ReplicateKeyOutput); ok && out.ReplicaKeyMetadata != nil {
		if _, err := f.SecondRegionClient(); err == nil {
			f.replica = f.Keys.TrackReplica(out.ReplicaKeyMetadata, "")
			f.replicated = out
		}
	}
	return nil
}

func (f *multiRegion) replicateTo(ctx context.Context, region string, policy *string) error {
	k, err := f.keyInHome()
	if err != nil {
		return err
	}
	return f.replicateAs(ctx, f.HomeClient(), &kms.ReplicateKeyInput{KeyId: aws.String(k.ID), ReplicaRegion: aws.String(region), Policy: policy})
}

func (f *multiRegion) replicateToSecond(ctx context.Context) error {
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	return f.replicateTo(ctx, region, nil)
}

// replicateNewPrimaryToThird replicates the key from the second Region,
// where its primary moved, into the third. A replica made wrongly there is
// scheduled for deletion when the scenario ends.
func (f *multiRegion) replicateNewPrimaryToThird(ctx context.Context) error {
	p, err := f.needPrimary()
	if err != nil {
		return err
	}
	third, err := f.ThirdRegion()
	if err != nil {
		return err
	}
	second, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	err = scenario.Act(ctx, f.Scenario, "ReplicateKey", func(ctx context.Context) (*kms.ReplicateKeyOutput, error) {
		return second.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(p.ID), ReplicaRegion: aws.String(third)})
	})
	if out, ok := f.Output.(*kms.ReplicateKeyOutput); ok && out.ReplicaKeyMetadata != nil {
		f.Cleanup = append(f.Cleanup, func(ctx context.Context) error {
			c, err := f.ThirdRegionClient()
			if err != nil {
				return err
			}
			if _, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(p.ID), PendingWindowInDays: aws.Int32(scenario.MinimumWaitingPeriod)}); err != nil {
				return fmt.Errorf("cleanup: scheduling the deletion of the replica in %s: %w", third, err)
			}
			return nil
		})
	}
	return err
}

func (f *multiRegion) replicateToOwn(ctx context.Context) error {
	return f.replicateTo(ctx, f.Env.Region, nil)
}

func (f *multiRegion) replicateWithPolicy(ctx context.Context, clause string) error {
	k, err := f.keyInHome()
	if err != nil {
		return err
	}
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	acct, err := accountOf(k.ARN)
	if err != nil {
		return err
	}
	return f.replicateTo(ctx, region, aws.String(policyClauses[clause](acct)))
}

func (f *multiRegion) replicateWithTags(ctx context.Context, clause string) error {
	k, err := f.keyInHome()
	if err != nil {
		return err
	}
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	return f.replicateAs(ctx, f.HomeClient(), &kms.ReplicateKeyInput{KeyId: aws.String(k.ID), ReplicaRegion: aws.String(region), Tags: tagClauses[clause]})
}

func (f *multiRegion) replicateByARN(ctx context.Context) error {
	k, err := f.keyInHome()
	if err != nil {
		return err
	}
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	return f.replicateAs(ctx, f.HomeClient(), &kms.ReplicateKeyInput{KeyId: aws.String(k.ARN), ReplicaRegion: aws.String(region)})
}

func (f *multiRegion) replicateMalformedARN(ctx context.Context) error {
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	return f.replicateAs(ctx, f.HomeClient(), &kms.ReplicateKeyInput{KeyId: aws.String(scenario.MalformedKeyARN(f.Env.Region)), ReplicaRegion: aws.String(region)})
}

// nowhere is a well-formed Region name that names no Region of any partition.
const nowhere = "xx-nowhere-9"

func (f *multiRegion) replicateToNowhere(ctx context.Context) error {
	if _, err := f.SecondRegion(); err != nil {
		return err
	}
	return f.replicateTo(ctx, nowhere, nil)
}

func (f *multiRegion) secondAccountReplicates(ctx context.Context) error {
	k, c, err := f.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	return f.replicateAs(ctx, c, &kms.ReplicateKeyInput{KeyId: aws.String(k.ARN), ReplicaRegion: aws.String(region)})
}

func (f *multiRegion) updateByARN(ctx context.Context) error {
	k, err := f.keyInHome()
	if err != nil {
		return err
	}
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	return f.updateAs(ctx, f.HomeClient(), k.ARN, region)
}

func (f *multiRegion) updateMalformedARN(ctx context.Context) error {
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	return f.updateAs(ctx, f.HomeClient(), scenario.MalformedKeyARN(f.Env.Region), region)
}

func (f *multiRegion) secondAccountUpdates(ctx context.Context) error {
	k, c, err := f.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	return f.updateAs(ctx, c, k.ARN, region)
}

func (f *multiRegion) replicateReplica(ctx context.Context) error {
	if f.replica == nil {
		return fmt.Errorf("the key has no replica yet")
	}
	c, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	return f.replicateAs(ctx, c, &kms.ReplicateKeyInput{KeyId: aws.String(f.replica.ID), ReplicaRegion: aws.String(f.Env.Region)})
}

func (f *multiRegion) replicateMissing(ctx context.Context) error {
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	id := f.Env.MadeUp("mrk-" + scenario.RandomHex(16))
	return f.replicateAs(ctx, f.HomeClient(), &kms.ReplicateKeyInput{KeyId: aws.String(id), ReplicaRegion: aws.String(region)})
}

func (f *multiRegion) updateAs(ctx context.Context, c *kms.Client, keyID, region string) error {
	return scenario.Act(ctx, f.Scenario, "UpdatePrimaryRegion", func(ctx context.Context) (*kms.UpdatePrimaryRegionOutput, error) {
		return c.UpdatePrimaryRegion(ctx, &kms.UpdatePrimaryRegionInput{KeyId: aws.String(keyID), PrimaryRegion: aws.String(region)})
	})
}

func (f *multiRegion) updateToSecond(ctx context.Context) error {
	k, err := f.keyInHome()
	if err != nil {
		return err
	}
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	return f.updateAs(ctx, f.HomeClient(), k.ID, region)
}

func (f *multiRegion) updateToOwn(ctx context.Context) error {
	k, err := f.keyInHome()
	if err != nil {
		return err
	}
	return f.updateAs(ctx, f.HomeClient(), k.ID, f.Env.Region)
}

func (f *multiRegion) updateReplica(ctx context.Context) error {
	if f.replica == nil {
		return fmt.Errorf("the key has no replica yet")
	}
	c, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	return f.updateAs(ctx, c, f.replica.ID, f.Env.Region)
}

func (f *multiRegion) updateMissing(ctx context.Context) error {
	region, err := f.SecondRegion()
	if err != nil {
		return err
	}
	return f.updateAs(ctx, f.HomeClient(), f.Env.MadeUp("mrk-"+scenario.RandomHex(16)), region)
}

// importNewIntoReplica imports fresh material into the replica the scenario
// acts on, as new material (ImportKeyMaterial.30).
func (f *multiRegion) importNewIntoReplica(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	p, err := f.Keys.ParamsFor(ctx, k)
	if err != nil {
		return err
	}
	in, _, err := scenario.FreshImport(k.ID, k.Spec, p, "")
	if err != nil {
		return err
	}
	in.ImportType = types.ImportTypeNewKeyMaterial
	return f.Keys.ImportAs(ctx, f.Client, in)
}

// importAgain imports the key's material again with the parameters the
// scenario fetched before, through the scenario's client.
func (f *multiRegion) importAgain(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	p := f.Keys.Importing.Params
	material, ok := f.Keys.Importing.Materials[k.ID]
	if p == nil || p.KeyID != k.ID || !ok {
		return fmt.Errorf("the scenario has no import parameters and material for key %s", k.ID)
	}
	in, err := scenario.ImportRequest(k.ID, p, "", material)
	if err != nil {
		return err
	}
	return f.Keys.ImportAs(ctx, f.Client, in)
}
