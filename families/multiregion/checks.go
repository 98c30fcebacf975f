package multiregion

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

func (f *multiRegion) registerChecks(sc stepdef.Context) {
	sc.Then(`^the answer shows the replica Creating, listing its primary and itself as a replica$`, f.thenReplicaAnswer)
	sc.Then(`^the replica becomes (Enabled|PendingImport)$`, f.thenReplicaBecomes)
	sc.Then(`^the replica has the key spec, key usage and origin of the primary, and a description of its own$`, f.thenReplicaShares)
	sc.Then(`^what either Region encrypts, the other decrypts$`, f.thenCiphertextsCross)
	sc.Then(`^what the replica signs, the primary verifies$`, f.thenSignaturesCross)
	sc.Then(`^the primary lists the replica$`, f.thenPrimaryListsReplica)
	sc.Then(`^the key in the second Region is the primary, in both Regions$`, f.thenSecondIsPrimary)
	sc.Then(`^the key is (Creating|Updating|PendingReplicaDeletion)$`, f.thenKeyIs)
	sc.Then(`^the key has no deletion date$`, f.thenNoDeletionDate)
	sc.Then(`^both keys become Enabled once the update is released$`, f.thenBothSettle)
	sc.Then(`^the primary is still Enabled$`, f.thenPrimaryEnabled)
}

// thenReplicaAnswer checks ReplicateKey's answer (ReplicateKey.09).
func (f *multiRegion) thenReplicaAnswer() error {
	out, err := scenario.OutputUnderTest[*kms.ReplicateKeyOutput](f.Scenario, "ReplicateKey")
	if err != nil {
		return err
	}
	md := out.ReplicaKeyMetadata
	p, err := f.needPrimary()
	if err != nil {
		return err
	}
	switch {
	case md == nil:
		return fmt.Errorf("ReplicateKey answered no ReplicaKeyMetadata")
	case aws.ToString(md.KeyId) != p.ID:
		return fmt.Errorf("the replica's KeyId is %q, want its primary's %s", aws.ToString(md.KeyId), p.ID)
	case md.KeyState != types.KeyStateCreating || md.Enabled:
		return fmt.Errorf("the replica is %s (Enabled %v), want Creating", md.KeyState, md.Enabled)
	case !aws.ToBool(md.MultiRegion) || md.MultiRegionConfiguration == nil:
		return fmt.Errorf("the replica is not shown as a multi-Region key")
	case aws.ToString(out.ReplicaPolicy) == "":
		return fmt.Errorf("ReplicateKey answered no ReplicaPolicy")
	}
	return checkConfiguration(md.MultiRegionConfiguration, types.MultiRegionKeyTypeReplica, f.Env.Region, f.Env.SecondRegion)
}

// checkConfiguration checks a MultiRegionConfiguration names the key's
// type, the primary's Region and the replica Region.
func checkConfiguration(cfg *types.MultiRegionConfiguration, typ types.MultiRegionKeyType, primary, replica string) error {
	if cfg.MultiRegionKeyType != typ {
		return fmt.Errorf("MultiRegionKeyType is %s, want %s", cfg.MultiRegionKeyType, typ)
	}
	if cfg.PrimaryKey == nil || aws.ToString(cfg.PrimaryKey.Region) != primary {
		return fmt.Errorf("PrimaryKey is %+v, want the key in %s", cfg.PrimaryKey, primary)
	}
	if !slices.ContainsFunc(cfg.ReplicaKeys, func(r types.MultiRegionKey) bool { return aws.ToString(r.Region) == replica }) {
		return fmt.Errorf("ReplicaKeys do not list a replica in %s", replica)
	}
	if slices.ContainsFunc(cfg.ReplicaKeys, func(r types.MultiRegionKey) bool { return aws.ToString(r.Region) == primary }) {
		return fmt.Errorf("ReplicaKeys list the primary's Region %s", primary)
	}
	return nil
}

func (f *multiRegion) needReplica() (*scenario.Key, error) {
	if f.replica == nil {
		return nil, fmt.Errorf("the scenario has no replica")
	}
	return f.replica, nil
}

func (f *multiRegion) thenReplicaBecomes(ctx context.Context, state string) error {
	r, err := f.needReplica()
	if err != nil {
		return err
	}
	c, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	return f.Keys.WaitKeyState(ctx, c, r.ID, types.KeyState(state))
}

// thenReplicaShares checks what a replica shares with its primary and what
// is its own (ReplicateKey.12, .19).
func (f *multiRegion) thenReplicaShares(ctx context.Context) error {
	r, err := f.needReplica()
	if err != nil {
		return err
	}
	c, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	rm, err := f.Keys.DescribeKeyWith(ctx, c, r.ID)
	if err != nil {
		return err
	}
	pm, err := f.Keys.DescribeKeyWith(ctx, f.HomeClient(), f.primary.ID)
	if err != nil {
		return err
	}
	switch {
	case rm.KeySpec != pm.KeySpec || rm.KeyUsage != pm.KeyUsage || rm.Origin != pm.Origin:
		return fmt.Errorf("the replica is %s/%s/%s, its primary %s/%s/%s", rm.KeySpec, rm.KeyUsage, rm.Origin, pm.KeySpec, pm.KeyUsage, pm.Origin)
	case aws.ToString(rm.Description) == aws.ToString(pm.Description):
		return fmt.Errorf("the replica took its primary's description %q; it was given none", aws.ToString(pm.Description))
	}
	return nil
}

// thenCiphertextsCross encrypts in each Region and decrypts in the other:
// only keys that share key material can (ReplicateKey.12).
func (f *multiRegion) thenCiphertextsCross(ctx context.Context) error {
	second, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	for _, dir := range []struct {
		name     string
		enc, dec *kms.Client
	}{{"the primary", f.HomeClient(), second}, {"the replica", second, f.HomeClient()}} {
		enc, err := scenario.Setup(ctx, f.Scenario, "Encrypt", func(ctx context.Context) (*kms.EncryptOutput, error) {
			return dir.enc.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(f.primary.ID), Plaintext: f.Env.Message()})
		})
		if err != nil {
			return err
		}
		dec, o := scenario.Do(ctx, f.Scenario, "Decrypt", func(ctx context.Context) (*kms.DecryptOutput, error) {
			return dir.dec.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
		})
		if o.Err != nil {
			return fmt.Errorf("what %s encrypted does not decrypt in the other Region: %w", dir.name, o.Failure())
		}
		if !bytes.Equal(dec.Plaintext, f.Env.Message()) {
			return fmt.Errorf("what %s encrypted decrypts to something else in the other Region", dir.name)
		}
	}
	return nil
}

func (f *multiRegion) thenSignaturesCross(ctx context.Context) error {
	second, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	msg := []byte("kmsconform multi-Region")
	sig, err := scenario.Setup(ctx, f.Scenario, "Sign", func(ctx context.Context) (*kms.SignOutput, error) {
		return second.Sign(ctx, &kms.SignInput{KeyId: aws.String(f.primary.ID), Message: msg, SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256})
	})
	if err != nil {
		return err
	}
	v, o := scenario.Do(ctx, f.Scenario, "Verify", func(ctx context.Context) (*kms.VerifyOutput, error) {
		return f.HomeClient().Verify(ctx, &kms.VerifyInput{KeyId: aws.String(f.primary.ID), Message: msg, Signature: sig.Signature, SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256})
	})
	if o.Err != nil || !v.SignatureValid {
		return fmt.Errorf("the primary does not verify its replica's signature: %v", o.Failure())
	}
	return nil
}

func (f *multiRegion) thenPrimaryListsReplica(ctx context.Context) error {
	p, err := f.needPrimary()
	if err != nil {
		return err
	}
	md, err := f.Keys.DescribeKeyWith(ctx, f.HomeClient(), p.ID)
	if err != nil {
		return err
	}
	if md.MultiRegionConfiguration == nil {
		return fmt.Errorf("the primary has no MultiRegionConfiguration")
	}
	return checkConfiguration(md.MultiRegionConfiguration, types.MultiRegionKeyTypePrimary, f.Env.Region, f.Env.SecondRegion)
}

// thenSecondIsPrimary checks DescribeKey in both Regions after
// UpdatePrimaryRegion (.07, .08), once both keys have left Updating.
func (f *multiRegion) thenSecondIsPrimary(ctx context.Context) error {
	second, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	for _, side := range []struct {
		c   *kms.Client
		typ types.MultiRegionKeyType
	}{{f.HomeClient(), types.MultiRegionKeyTypeReplica}, {second, types.MultiRegionKeyTypePrimary}} {
		if err := f.Keys.WaitKeyState(ctx, side.c, f.primary.ID, types.KeyStateEnabled); err != nil {
			return err
		}
		md, err := f.Keys.DescribeKeyWith(ctx, side.c, f.primary.ID)
		if err != nil {
			return err
		}
		if md.MultiRegionConfiguration == nil {
			return fmt.Errorf("no MultiRegionConfiguration")
		}
		if err := checkConfiguration(md.MultiRegionConfiguration, side.typ, f.Env.SecondRegion, f.Env.Region); err != nil {
			return err
		}
	}
	return nil
}

func (f *multiRegion) thenKeyIs(ctx context.Context, state string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	return f.Keys.ExpectKeyState(ctx, k, types.KeyState(state))
}

func (f *multiRegion) thenNoDeletionDate(ctx context.Context) error {
	k, md, err := f.Keys.DescribeScenarioKey(ctx)
	if err != nil {
		return err
	}
	if md.DeletionDate != nil {
		return fmt.Errorf("key %s shows a DeletionDate while it waits for its replicas", k.ID)
	}
	return nil
}

func (f *multiRegion) thenBothSettle(ctx context.Context) error {
	p, err := f.needPrimary()
	if err != nil {
		return err
	}
	c, err := f.Control("releasing a held update")
	if err != nil {
		return err
	}
	if err := c.ReleaseKey(ctx, p.ID); err != nil {
		return fmt.Errorf("releasing key %s: %w", p.ID, err)
	}
	second, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	for _, cl := range []*kms.Client{f.HomeClient(), second} {
		if err := f.Keys.WaitKeyState(ctx, cl, p.ID, types.KeyStateEnabled); err != nil {
			return err
		}
	}
	return nil
}

func (f *multiRegion) thenPrimaryEnabled(ctx context.Context) error {
	p, err := f.needPrimary()
	if err != nil {
		return err
	}
	md, err := f.Keys.DescribeKeyWith(ctx, f.HomeClient(), p.ID)
	if err != nil {
		return err
	}
	if md.KeyState != types.KeyStateEnabled {
		return fmt.Errorf("the primary is %s, want Enabled", md.KeyState)
	}
	return nil
}
