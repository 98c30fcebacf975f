package importing

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// registerMaterialSteps binds the steps of DeleteImportedKeyMaterial.
func (w *importing) registerMaterialSteps(sc stepdef.Context) {
	sc.When(`^I delete the key's imported key material$`, w.Keys.DeleteMaterial)
	sc.When(`^I delete the key's imported key material naming the key by its (key ID|key ARN)$`, w.deleteMaterialBy)
	sc.When(`^I delete the key's imported key material naming key material it does not have$`, w.deleteOtherMaterial)
	sc.When(`^I delete the imported key material of a key that does not exist$`, w.deleteMaterialOfMissingKey)
	sc.When(`^I delete imported key material naming the key by a malformed ARN$`, w.deleteMaterialMalformedARN)
	sc.When(`^the second account deletes the key's imported key material by its key ARN$`, w.secondDeletesMaterial, stepdef.Creates{SecondAccount: true})
	sc.Then(`^the deleted key material is the key's current material$`, w.thenDeletedCurrent)
	sc.Then(`^the response names the key by its ARN and the deleted key material by its ID$`, w.thenResponseNames)
}

func (w *importing) deleteMaterialBy(ctx context.Context, form string) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	id := k.ID
	if form == "key ARN" {
		if k.ARN == "" {
			return fmt.Errorf("CreateKey returned no key ARN")
		}
		id = k.ARN
	}
	return w.Keys.DeleteMaterialAs(ctx, w.Client, id, "")
}

func (w *importing) deleteOtherMaterial(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	return w.Keys.DeleteMaterialAs(ctx, w.Client, k.ID, scenario.MissingMaterialID())
}

func (w *importing) deleteMaterialOfMissingKey(ctx context.Context) error {
	return w.Keys.DeleteMaterialAs(ctx, w.Client, w.Env.MadeUp(scenario.MissingKeyID()), "")
}

func (w *importing) deleteMaterialMalformedARN(ctx context.Context) error {
	return w.Keys.DeleteMaterialAs(ctx, w.Client, scenario.MalformedKeyARN(w.Env.Region), "")
}

func (w *importing) secondDeletesMaterial(ctx context.Context) error {
	k, c, err := w.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	return w.Keys.DeleteMaterialAs(ctx, c, k.ARN, "")
}

func (w *importing) deleteOutput() (*kms.DeleteImportedKeyMaterialOutput, error) {
	return scenario.OutputUnderTest[*kms.DeleteImportedKeyMaterialOutput](w.Scenario, "DeleteImportedKeyMaterial")
}

func (w *importing) thenDeletedCurrent() error {
	out, err := w.deleteOutput()
	if err != nil {
		return err
	}
	if w.Key.Material == "" {
		return fmt.Errorf("the endpoint never named the imported key material (no KeyMaterialId from ImportKeyMaterial or DescribeKey)")
	}
	if got := aws.ToString(out.KeyMaterialId); got != w.Key.Material {
		return fmt.Errorf("deleted KeyMaterialId = %q, want the current material %q", got, w.Key.Material)
	}
	return nil
}

func (w *importing) thenResponseNames() error {
	out, err := w.deleteOutput()
	if err != nil {
		return err
	}
	var problems []string
	if got := aws.ToString(out.KeyId); got != w.Key.ARN {
		problems = append(problems, fmt.Sprintf("KeyId = %q, want the key ARN %q", got, w.Key.ARN))
	}
	if got := aws.ToString(out.KeyMaterialId); got == "" || got != w.Key.Material {
		problems = append(problems, fmt.Sprintf("KeyMaterialId = %q, want the imported material %q", got, w.Key.Material))
	}
	return scenario.ProblemsError(problems, "the response is wrong")
}
