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

// endpointNow is the endpoint's clock at the time of the call, as the
// parameters tell it: they are documented to last 24 hours.
func endpointNow(p *scenario.ImportParams) time.Time {
	return aws.ToTime(p.Out.ParametersValidTo).Add(-importParamsLifetime)
}

const (
	// importParamsLifetime is how long KMS documents a public key and import token to last.
	importParamsLifetime = 24 * time.Hour
	// clockTolerance allows for the difference between the runner's clock and the endpoint's.
	clockTolerance = 5 * time.Minute
)

// wrappingKeyBits is the modulus size of each RSA wrapping key spec.
var wrappingKeyBits = map[types.WrappingKeySpec]int{
	types.WrappingKeySpecRsa2048: 2048,
	types.WrappingKeySpecRsa3072: 3072,
	types.WrappingKeySpecRsa4096: 4096,
}

// registerImport binds the steps of GetParametersForImport and ImportKeyMaterial.
func (w *importing) registerImport(sc stepdef.Context) {
	// Setup.
	sc.Given(`^this import scenario runs in an account of its own, with its own clock$`, w.givenImportAccount)
	sc.Given(`^parameters for import of the key have been fetched(?: with `+scenario.WrappingSpecExpr+` and `+scenario.WrappingAlgorithmExpr+`)?$`, w.givenParams)
	sc.Given(`^parameters for import of the key have been fetched again$`, w.givenParamsAgain)
	sc.Given(`^another key for imported key material has had parameters for import fetched$`, w.givenOtherKeyParams)
	sc.Given(`^the key material has been imported to expire in an hour$`, w.givenImportedExpiring)
	sc.Given(`^a message has been encrypted under the imported key material$`, w.givenEncrypted)
	sc.GivenChecks(`^the imported key material has been deleted$`, w.givenMaterialDeleted)
	sc.Step(`^(\d+) hours pass in the scenario's own account$`, w.hoursPass)

	// GetParametersForImport.
	sc.When(`^I get parameters for import of the key(?: with `+scenario.WrappingSpecExpr+` and `+scenario.WrappingAlgorithmExpr+`)?$`, w.getParams)
	sc.When(`^I get parameters for import of a key that does not exist$`, w.getParamsMissingKey)
	sc.When(`^I get parameters for import naming the key by a malformed ARN$`, w.getParamsMalformedARN)
	sc.When(`^the second account gets parameters for import of the key by its key ARN$`, w.secondGetsParams, stepdef.Creates{SecondAccount: true})
	sc.Then(`^the response holds an? `+scenario.WrappingSpecExpr+` public key and an import token for the key$`, w.thenParamsHold)
	sc.Then(`^the parameters expire 24 hours after the request$`, w.thenParamsExpireInADay)
	sc.Then(`^the new parameters differ from the earlier ones$`, w.thenParamsDiffer)
	sc.Then(`^key material wrapped for those parameters can be imported$`, w.thenWrappedMaterialImports)

	// ImportKeyMaterial.
	sc.When(`^I import the key material$`, w.importFresh)
	sc.When(`^I import key material of (\d+) bytes$`, w.importOfSize)
	sc.When(`^I import new key material as (NEW_KEY_MATERIAL|EXISTING_KEY_MATERIAL)$`, w.importFreshAs)
	sc.When(`^I import the same key material again$`, w.reimport)
	sc.When(`^I import the same key material again as (NEW_KEY_MATERIAL|EXISTING_KEY_MATERIAL)$`, w.reimportAs)
	sc.When(`^I import different key material$`, w.importDifferent)
	sc.When(`^I import the same key material again naming (its own|another) KeyMaterialId(?: with ImportType (NEW_KEY_MATERIAL))?$`, w.reimportNaming)
	sc.When(`^I import the key material giving (.+)$`, w.importGiving, stepdef.Check(func(args []string) error {
		if _, ok := expirationSettings[args[0]]; !ok {
			return fmt.Errorf("the scenario cannot import key material giving %q", args[0])
		}
		return nil
	}))
	sc.When(`^I import the key material wrapped with `+scenario.WrappingAlgorithmExpr+` instead$`, w.importWrappedWith)
	sc.When(`^I import the key material with the earlier import token but the new public key$`, w.importMixedParams)
	sc.When(`^I import the key material with the other key's import parameters$`, w.importOtherKeysParams)
	sc.When(`^I import the key material with an import token that is not a token$`, w.importBogusToken)
	sc.When(`^I import key material into that key with the parameters fetched for the first key$`, w.importIntoThatKey)
	sc.When(`^I import key material into a key that does not exist$`, w.importMissingKey)
	sc.When(`^I import key material naming the key by a malformed ARN$`, w.importMalformedARN)
	sc.When(`^the second account imports the key material by the key's ARN$`, w.secondImports, stepdef.Creates{SecondAccount: true})
	sc.Then(`^the response names the key by its ARN and the imported key material by its ID$`, w.thenImportResponseNames)
	sc.Then(`^the key reports (KEY_MATERIAL_EXPIRES with the ValidTo given|KEY_MATERIAL_DOES_NOT_EXPIRE without a ValidTo)$`, w.thenExpirationReported)
	sc.Then(`^the key decrypts the message encrypted before$`, w.thenDecryptsEarlierMessage)
}

// keyWithParams is the scenario's key and unused import parameters for it.
func (w *importing) keyWithParams(ctx context.Context) (*scenario.Key, *scenario.ImportParams, error) {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return nil, nil, err
	}
	p, err := w.Keys.ParamsFor(ctx, k)
	if err != nil {
		return nil, nil, err
	}
	return k, p, nil
}

// importMaterialUnderTest wraps material for the scenario's key with its
// parameters, lets adjust change the request, and imports it as the call
// under test.
func (w *importing) importMaterialUnderTest(ctx context.Context, material []byte, adjust func(*kms.ImportKeyMaterialInput)) error {
	k, p, err := w.keyWithParams(ctx)
	if err != nil {
		return err
	}
	in, err := scenario.ImportRequest(k.ID, p, "", material)
	if err != nil {
		return err
	}
	if adjust != nil {
		adjust(in)
	}
	if err := w.Keys.ImportAs(ctx, w.Client, in); err != nil {
		return err
	}
	// A first import names the key's material. A reimport keeps the name it
	// had, so that the Then steps can tell whether the material changed.
	if out, ok := w.Output.(*kms.ImportKeyMaterialOutput); ok && w.Last.Err == nil && k.Material == "" {
		w.Keys.RememberMaterial(k, material)
		k.Material = aws.ToString(out.KeyMaterialId)
	}
	return nil
}

// keyWithImportedMaterial is the scenario's key and the material the
// scenario imported into it.
func (w *importing) keyWithImportedMaterial() (*scenario.Key, []byte, error) {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return nil, nil, err
	}
	m, ok := w.Importing.Materials[k.ID]
	if !ok {
		return nil, nil, fmt.Errorf("the scenario has imported no key material into key %s", k.ID)
	}
	return k, m, nil
}

func (w *importing) givenImportAccount(ctx context.Context) error {
	return w.Isolate(ctx, "letting an import token or imported key material expire", scenario.Quotas{})
}

func (w *importing) givenParams(ctx context.Context, spec, algorithm string) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	s, a := types.WrappingKeySpec(spec), types.AlgorithmSpec(algorithm)
	if spec == "" {
		s, a = scenario.DefaultWrappingSpec, scenario.DefaultWrappingAlgorithm
	}
	p, err := w.Keys.FetchParams(ctx, k, s, a)
	if err != nil {
		return err
	}
	w.Importing.Remember(p)
	return nil
}

func (w *importing) givenParamsAgain(ctx context.Context) error {
	if w.Importing.Params == nil {
		return fmt.Errorf("the scenario fetched no parameters for import before")
	}
	return w.givenParams(ctx, string(w.Importing.Params.Spec), string(w.Importing.Params.Algorithm))
}

// givenOtherKeyParams creates a second EXTERNAL key and fetches import
// parameters for it; the scenario's key stays the one it talks about.
func (w *importing) givenOtherKeyParams(ctx context.Context) error {
	mine, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	other, err := w.Keys.CreateImportKey(ctx)
	w.Key = mine
	if err != nil {
		return err
	}
	p, err := w.Keys.FetchParams(ctx, other, scenario.DefaultWrappingSpec, scenario.DefaultWrappingAlgorithm)
	if err != nil {
		return err
	}
	w.Importing.Other = p
	return nil
}

// givenImportedExpiring imports material whose ValidTo is an hour after the
// endpoint's own clock (read from the parameters' ParametersValidTo).
func (w *importing) givenImportedExpiring(ctx context.Context) error {
	k, p, err := w.keyWithParams(ctx)
	if err != nil {
		return err
	}
	in, material, err := scenario.FreshImport(k.ID, k.Spec, p, "")
	if err != nil {
		return err
	}
	in.ExpirationModel = types.ExpirationModelTypeKeyMaterialExpires
	in.ValidTo = aws.Time(endpointNow(p).Add(time.Hour).Truncate(time.Second))
	return w.Keys.SetupImport(ctx, k, in, material)
}

func (w *importing) givenEncrypted(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	out, err := scenario.Setup(ctx, w.Scenario, "Encrypt", func(ctx context.Context) (*kms.EncryptOutput, error) {
		return w.Client.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(k.ID), Plaintext: w.Env.Message()})
	})
	if err != nil {
		return err
	}
	if len(out.CiphertextBlob) == 0 {
		return fmt.Errorf("Encrypt answered without a CiphertextBlob")
	}
	w.Importing.Ciphertext = out.CiphertextBlob
	return nil
}

func (w *importing) givenMaterialDeleted(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	if err := w.Keys.DeleteMaterialFirst(ctx, k); err != nil {
		return err
	}
	return w.Keys.ExpectKeyState(ctx, k, types.KeyStatePendingImport)
}

func (w *importing) hoursPass(ctx context.Context, hours int) error {
	return w.AdvanceClock(ctx, time.Duration(hours)*time.Hour)
}

func (w *importing) getParams(ctx context.Context, spec, algorithm string) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	if spec == "" {
		spec, algorithm = string(scenario.DefaultWrappingSpec), string(scenario.DefaultWrappingAlgorithm)
	}
	return w.Keys.GetParamsAs(ctx, w.Client, k.ID, types.WrappingKeySpec(spec), types.AlgorithmSpec(algorithm))
}

func (w *importing) getParamsMissingKey(ctx context.Context) error {
	return w.Keys.GetParamsAs(ctx, w.Client, w.Env.MadeUp(scenario.MissingKeyID()), scenario.DefaultWrappingSpec, scenario.DefaultWrappingAlgorithm)
}

func (w *importing) getParamsMalformedARN(ctx context.Context) error {
	return w.Keys.GetParamsAs(ctx, w.Client, scenario.MalformedKeyARN(w.Env.Region), scenario.DefaultWrappingSpec, scenario.DefaultWrappingAlgorithm)
}

func (w *importing) secondGetsParams(ctx context.Context) error {
	k, c, err := w.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	return w.Keys.GetParamsAs(ctx, c, k.ARN, scenario.DefaultWrappingSpec, scenario.DefaultWrappingAlgorithm)
}

// paramsUnderTest are the parameters the call under test returned.
func (w *importing) paramsUnderTest() (*scenario.ImportParams, error) {
	if _, err := scenario.OutputUnderTest[*kms.GetParametersForImportOutput](w.Scenario, "GetParametersForImport"); err != nil {
		return nil, err
	}
	return w.Importing.Params, nil
}
