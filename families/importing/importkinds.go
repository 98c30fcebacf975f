package importing

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// registerImportKinds binds the steps for what real KMS imports beyond one
// symmetric material: asymmetric and HMAC keys, and new material that waits
// for on-demand rotation (ImportType NEW_KEY_MATERIAL).
func (w *importing) registerImportKinds(sc stepdef.Context) {
	sc.Given(`^an? `+scenario.ImportSpecExpr+` KMS key for imported key material$`, w.givenImportKeyOf, stepdef.Creates{Keys: 1})
	sc.Given(`^new key material has been imported as NEW_KEY_MATERIAL$`, w.givenNewMaterial)
	sc.When(`^I import the key material with (ImportType NEW_KEY_MATERIAL|a KeyMaterialDescription|a KeyMaterialId)$`, w.importWith)
	sc.Then(`^the response names new key material, not the key's current material$`, w.thenNewMaterialNamed)
}

func (w *importing) givenImportKeyOf(ctx context.Context, spec string) error {
	if w.Untestable != "" {
		return w.Skip("untestable: %s", w.Untestable)
	}
	_, err := w.Keys.CreateImportKeyOf(ctx, types.KeySpec(spec))
	return err
}

// givenNewMaterial imports fresh material into the scenario's key as
// NEW_KEY_MATERIAL, which then waits for rotation; the key's current material
// stays what it was.
func (w *importing) givenNewMaterial(ctx context.Context) error {
	k, p, err := w.keyWithParams(ctx)
	if err != nil {
		return err
	}
	in, _, err := scenario.FreshImport(k.ID, k.Spec, p, "")
	if err != nil {
		return err
	}
	in.ImportType = types.ImportTypeNewKeyMaterial
	_, err = scenario.Setup(ctx, w.Scenario, "ImportKeyMaterial", func(ctx context.Context) (*kms.ImportKeyMaterialOutput, error) {
		return w.Client.ImportKeyMaterial(ctx, in)
	})
	return err
}

// importWith imports fresh material for the scenario's key with one member
// that only some keys take.
func (w *importing) importWith(ctx context.Context, member string) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	material, err := scenario.KeyMaterialFor(k.Spec)
	if err != nil {
		return err
	}
	return w.importMaterialUnderTest(ctx, material, func(in *kms.ImportKeyMaterialInput) {
		switch member {
		case "ImportType NEW_KEY_MATERIAL":
			in.ImportType = types.ImportTypeNewKeyMaterial
		case "a KeyMaterialDescription":
			in.KeyMaterialDescription = aws.String("kmsconform " + w.Env.RunID)
		case "a KeyMaterialId":
			in.KeyMaterialId = aws.String(scenario.MissingMaterialID())
		}
	})
}

// thenNewMaterialNamed checks that an import of new material named material
// of its own, while DescribeKey still names the earlier one as current.
func (w *importing) thenNewMaterialNamed() error {
	out, err := scenario.OutputUnderTest[*kms.ImportKeyMaterialOutput](w.Scenario, "ImportKeyMaterial")
	if err != nil {
		return err
	}
	k := w.Key
	if k.Material == "" {
		return fmt.Errorf("the endpoint never named the key's first material (no KeyMaterialId from ImportKeyMaterial or DescribeKey)")
	}
	switch id := aws.ToString(out.KeyMaterialId); id {
	case "":
		return fmt.Errorf("ImportKeyMaterial of new material answered without a KeyMaterialId")
	case k.Material:
		return fmt.Errorf("ImportKeyMaterial of new material named the key's current material %s", id)
	}
	return nil
}
