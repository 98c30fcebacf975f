package importing

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

// newMaterial is the new key material a multi-Region scenario imports into
// its primary key, to be imported into the replica before the primary may
// rotate to it (ImportKeyMaterial.31). bytes is secret.
type newMaterial struct {
	bytes []byte
	id    string
}

// replicaImports holds the steps of imported key material in a multi-Region
// key: its primary in the run's own Region and its replica in the second,
// which share the key ID.
type replicaImports struct {
	*scenario.Scenario
	// mrNew is the new material of the scenario's primary key.
	mrNew *newMaterial
}

func registerReplicaImports(s *scenario.Scenario, sc stepdef.Context) {
	w := &replicaImports{Scenario: s}
	sc.Given(`^new key material has been imported into the primary key as NEW_KEY_MATERIAL$`, w.givenNewIntoPrimary)
	sc.Given(`^the new key material has been imported into the replica as EXISTING_KEY_MATERIAL$`, w.givenNewIntoReplica)
	sc.When(`^I delete the new key material from the primary key$`, w.deleteNewFromPrimary)
	sc.Then(`^the primary's current key material is (still the first|the new key material)$`, w.thenPrimaryCurrent)
	sc.Then(`^the replica lists the new key material PENDING_IMPORT$`, w.thenReplicaLacksNew)
}

func (w *replicaImports) givenNewIntoPrimary(ctx context.Context) error {
	material, err := scenario.KeyMaterialFor(types.KeySpecSymmetricDefault)
	if err != nil {
		return err
	}
	id, err := w.importInto(ctx, w.HomeClient(), types.ImportTypeNewKeyMaterial, material)
	if err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("ImportKeyMaterial of new material into the primary key answered without a KeyMaterialId")
	}
	w.mrNew = &newMaterial{bytes: material, id: id}
	return nil
}

func (w *replicaImports) givenNewIntoReplica(ctx context.Context) error {
	if w.mrNew == nil {
		return fmt.Errorf("no new key material was imported into the primary key")
	}
	c, err := w.SecondRegionClient()
	if err != nil {
		return err
	}
	id, err := w.importInto(ctx, c, types.ImportTypeExistingKeyMaterial, w.mrNew.bytes)
	if err != nil {
		return err
	}
	if id != "" && id != w.mrNew.id {
		return fmt.Errorf("the replica names the primary's new key material %s, the primary named it %s", id, w.mrNew.id)
	}
	return nil
}

// importInto fetches import parameters through c, in c's Region, and imports
// material into the scenario's multi-Region key there; it returns the
// KeyMaterialId the endpoint answered.
func (w *replicaImports) importInto(ctx context.Context, c *kms.Client, importType types.ImportType, material []byte) (string, error) {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return "", err
	}
	p := &scenario.ImportParams{KeyID: k.ID, Spec: scenario.DefaultWrappingSpec, Algorithm: scenario.DefaultWrappingAlgorithm, Sent: time.Now()}
	out, err := scenario.Setup(ctx, w.Scenario, "GetParametersForImport", func(ctx context.Context) (*kms.GetParametersForImportOutput, error) {
		return c.GetParametersForImport(ctx, &kms.GetParametersForImportInput{KeyId: aws.String(k.ID), WrappingKeySpec: p.Spec, WrappingAlgorithm: p.Algorithm})
	})
	if err != nil {
		return "", err
	}
	p.Out, p.Answered = out, time.Now()
	in, err := scenario.ImportRequest(k.ID, p, "", material)
	if err != nil {
		return "", err
	}
	in.ImportType = importType
	imported, err := scenario.Setup(ctx, w.Scenario, "ImportKeyMaterial", func(ctx context.Context) (*kms.ImportKeyMaterialOutput, error) {
		return c.ImportKeyMaterial(ctx, in)
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(imported.KeyMaterialId), nil
}

func (w *replicaImports) deleteNewFromPrimary(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	if w.mrNew == nil {
		return fmt.Errorf("no new key material was imported into the primary key")
	}
	return w.Keys.DeleteMaterialAs(ctx, w.HomeClient(), k.ID, w.mrNew.id)
}

// thenPrimaryCurrent compares the primary key's CurrentKeyMaterialId with
// the new material's ID.
func (w *replicaImports) thenPrimaryCurrent(ctx context.Context, which string) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	if w.mrNew == nil {
		return fmt.Errorf("no new key material was imported into the primary key")
	}
	md, err := w.Keys.DescribeKeyWith(ctx, w.HomeClient(), k.ID)
	if err != nil {
		return err
	}
	cur := aws.ToString(md.CurrentKeyMaterialId)
	switch isNew := cur == w.mrNew.id; {
	case cur == "":
		return fmt.Errorf("DescribeKey names no CurrentKeyMaterialId for the primary key %s", k.ID)
	case isNew != (which == "the new key material"):
		return fmt.Errorf("the primary key's current key material is %s, want %s (the new material is %s)", cur, which, w.mrNew.id)
	}
	return nil
}

// thenReplicaLacksNew lists the replica's key materials: the new material
// deleted from the primary is no longer in KMS there either.
func (w *replicaImports) thenReplicaLacksNew(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	if w.mrNew == nil {
		return fmt.Errorf("no new key material was imported into the primary key")
	}
	c, err := w.SecondRegionClient()
	if err != nil {
		return err
	}
	out, err := scenario.Setup(ctx, w.Scenario, "ListKeyRotations", func(ctx context.Context) (*kms.ListKeyRotationsOutput, error) {
		return c.ListKeyRotations(ctx, &kms.ListKeyRotationsInput{KeyId: aws.String(k.ID), IncludeKeyMaterial: types.IncludeKeyMaterialAllKeyMaterial})
	})
	if err != nil {
		return err
	}
	for _, e := range out.Rotations {
		if aws.ToString(e.KeyMaterialId) != w.mrNew.id {
			continue
		}
		if e.ImportState != types.ImportStatePendingImport {
			return fmt.Errorf("the replica lists the new key material with ImportState %q, want PENDING_IMPORT", e.ImportState)
		}
		return nil
	}
	return fmt.Errorf("the replica's ListKeyRotations (ALL_KEY_MATERIAL, first page) does not list the new key material %s", w.mrNew.id)
}
