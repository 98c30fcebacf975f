package steps

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsconform/kmsconform/stepdef"
)

// registerImportKinds binds the steps for what real KMS imports beyond one
// symmetric material: asymmetric and HMAC keys, and new material that waits
// for on-demand rotation (ImportType NEW_KEY_MATERIAL).
func (w *world) registerImportKinds(sc stepdef.Context) {
	sc.Given(`^an? `+importSpecExpr+` KMS key for imported key material$`, w.givenImportKeyOf, stepdef.Creates{Keys: 1})
	sc.Given(`^new key material has been imported as NEW_KEY_MATERIAL$`, w.givenNewMaterial)
	sc.When(`^I import the key material with (ImportType NEW_KEY_MATERIAL|a KeyMaterialDescription|a KeyMaterialId)$`, w.importWith)
	sc.Then(`^the response names new key material, not the key's current material$`, w.thenNewMaterialNamed)
}

func (w *world) givenImportKeyOf(ctx context.Context, spec string) error {
	if w.untestable != "" {
		return w.skip("untestable: %s", w.untestable)
	}
	_, err := w.createImportKeyOf(ctx, types.KeySpec(spec))
	return err
}

// givenNewMaterial imports fresh material into the scenario's key as
// NEW_KEY_MATERIAL, which then waits for rotation; the key's current material
// stays what it was.
func (w *world) givenNewMaterial(ctx context.Context) error {
	k, p, err := w.keyWithParams(ctx)
	if err != nil {
		return err
	}
	in, _, err := freshImport(k.id, k.spec, p, "")
	if err != nil {
		return err
	}
	in.ImportType = types.ImportTypeNewKeyMaterial
	_, err = setup(ctx, w, "ImportKeyMaterial", func(ctx context.Context) (*kms.ImportKeyMaterialOutput, error) {
		return w.client.ImportKeyMaterial(ctx, in)
	})
	return err
}

// importWith imports fresh material for the scenario's key with one member
// that only some keys take.
func (w *world) importWith(ctx context.Context, member string) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	material, err := keyMaterialFor(k.spec)
	if err != nil {
		return err
	}
	return w.importMaterialUnderTest(ctx, material, func(in *kms.ImportKeyMaterialInput) {
		switch member {
		case "ImportType NEW_KEY_MATERIAL":
			in.ImportType = types.ImportTypeNewKeyMaterial
		case "a KeyMaterialDescription":
			in.KeyMaterialDescription = aws.String("kmsconform " + w.env.RunID)
		case "a KeyMaterialId":
			in.KeyMaterialId = aws.String(missingMaterialID())
		}
	})
}

// thenNewMaterialNamed checks that an import of new material named material
// of its own, while DescribeKey still names the earlier one as current.
func (w *world) thenNewMaterialNamed() error {
	out, err := outputUnderTest[*kms.ImportKeyMaterialOutput](w, "ImportKeyMaterial")
	if err != nil {
		return err
	}
	k := w.key
	if k.material == "" {
		return fmt.Errorf("the endpoint never named the key's first material (no KeyMaterialId from ImportKeyMaterial or DescribeKey)")
	}
	switch id := aws.ToString(out.KeyMaterialId); id {
	case "":
		return fmt.Errorf("ImportKeyMaterial of new material answered without a KeyMaterialId")
	case k.material:
		return fmt.Errorf("ImportKeyMaterial of new material named the key's current material %s", id)
	}
	return nil
}
