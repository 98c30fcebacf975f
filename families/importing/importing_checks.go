package importing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/keywrap"
	"github.com/kmsconform/kmsconform/scenario"
)

func (w *importing) thenParamsHold(spec string) error {
	p, err := w.paramsUnderTest()
	if err != nil {
		return err
	}
	var problems []string
	if got := aws.ToString(p.Out.KeyId); got != w.Key.ARN {
		problems = append(problems, fmt.Sprintf("KeyId = %q, want the key ARN %q", got, w.Key.ARN))
	}
	if len(p.Out.ImportToken) == 0 {
		problems = append(problems, "there is no ImportToken")
	}
	pub, err := keywrap.RSAPublicKey(p.Out.PublicKey)
	switch {
	case err != nil:
		problems = append(problems, err.Error())
	case pub.N.BitLen() != wrappingKeyBits[types.WrappingKeySpec(spec)]:
		problems = append(problems, fmt.Sprintf("the public key is a %d-bit RSA key, want %s", pub.N.BitLen(), spec))
	}
	return scenario.ProblemsError(problems, "the parameters are wrong")
}

func (w *importing) thenParamsExpireInADay() error {
	p, err := w.paramsUnderTest()
	if err != nil {
		return err
	}
	if p.Out.ParametersValidTo == nil {
		return fmt.Errorf("the response has no ParametersValidTo")
	}
	got := *p.Out.ParametersValidTo
	earliest := p.Sent.Add(importParamsLifetime - clockTolerance)
	latest := p.Answered.Add(importParamsLifetime + clockTolerance)
	if got.Before(earliest) || got.After(latest) {
		return fmt.Errorf("ParametersValidTo is %s, want 24 hours after the request (%s, give or take %v)",
			got.UTC().Format(time.RFC3339), p.Sent.Add(importParamsLifetime).UTC().Format(time.RFC3339), clockTolerance)
	}
	return nil
}

func (w *importing) thenParamsDiffer() error {
	p, err := w.paramsUnderTest()
	if err != nil {
		return err
	}
	e := w.Importing.Earlier
	if e == nil || e.Out == nil {
		return fmt.Errorf("the scenario fetched no parameters before")
	}
	var same []string
	if bytes.Equal(p.Out.PublicKey, e.Out.PublicKey) {
		same = append(same, "public key")
	}
	if bytes.Equal(p.Out.ImportToken, e.Out.ImportToken) {
		same = append(same, "import token")
	}
	if len(same) > 0 {
		return fmt.Errorf("the new parameters repeat the earlier %s", strings.Join(same, " and "))
	}
	return nil
}

// thenWrappedMaterialImports shows that the public key serves the requested
// algorithm: material wrapped with it imports and the key becomes Enabled.
func (w *importing) thenWrappedMaterialImports(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	p := w.Importing.Params
	if p == nil || p.Out == nil || p.KeyID != k.ID {
		return fmt.Errorf("the scenario has no parameters for import of key %s", k.ID)
	}
	in, material, err := scenario.FreshImport(k.ID, k.Spec, p, "")
	if err != nil {
		return err
	}
	if err := w.Keys.SetupImport(ctx, k, in, material); err != nil {
		return fmt.Errorf("importing key material wrapped with %s under the %s public key: %w", p.Algorithm, p.Spec, err)
	}
	return w.Keys.ExpectKeyState(ctx, k, types.KeyStateEnabled)
}

func (w *importing) importFresh(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	material, err := scenario.KeyMaterialFor(k.Spec)
	if err != nil {
		return err
	}
	return w.importMaterialUnderTest(ctx, material, nil)
}

func (w *importing) importOfSize(ctx context.Context, size int) error {
	material, err := scenario.RandomBytes(size)
	if err != nil {
		return err
	}
	return w.importMaterialUnderTest(ctx, material, nil)
}

func (w *importing) importFreshAs(ctx context.Context, importType string) error {
	material, err := scenario.KeyMaterialFor(types.KeySpecSymmetricDefault)
	if err != nil {
		return err
	}
	return w.importMaterialUnderTest(ctx, material, func(in *kms.ImportKeyMaterialInput) {
		in.ImportType = types.ImportType(importType)
	})
}

func (w *importing) reimportAs(ctx context.Context, importType string) error {
	_, material, err := w.keyWithImportedMaterial()
	if err != nil {
		return err
	}
	return w.importMaterialUnderTest(ctx, material, func(in *kms.ImportKeyMaterialInput) {
		if importType != "" {
			in.ImportType = types.ImportType(importType)
		}
	})
}

func (w *importing) reimport(ctx context.Context) error { return w.reimportAs(ctx, "") }

func (w *importing) importDifferent(ctx context.Context) error {
	if _, _, err := w.keyWithImportedMaterial(); err != nil {
		return err
	}
	return w.importFresh(ctx)
}

// reimportNaming reimports the key's material naming a KeyMaterialId: the
// key's own, or a well-formed one it does not have.
func (w *importing) reimportNaming(ctx context.Context, whose, importType string) error {
	k, material, err := w.keyWithImportedMaterial()
	if err != nil {
		return err
	}
	id := scenario.MissingMaterialID()
	if whose == "its own" {
		if k.Material == "" {
			return fmt.Errorf("the endpoint never named the imported key material (no KeyMaterialId from ImportKeyMaterial or DescribeKey)")
		}
		id = k.Material
	}
	return w.importMaterialUnderTest(ctx, material, func(in *kms.ImportKeyMaterialInput) {
		in.KeyMaterialId = aws.String(id)
		if importType != "" {
			in.ImportType = types.ImportType(importType)
		}
	})
}

// expirationSettings are the ways importGiving can set a request's
// expiration, relative to the endpoint's clock.
var expirationSettings = map[string]func(in *kms.ImportKeyMaterialInput, now time.Time){
	"ExpirationModel KEY_MATERIAL_EXPIRES and no ValidTo": func(in *kms.ImportKeyMaterialInput, _ time.Time) {
		in.ExpirationModel = types.ExpirationModelTypeKeyMaterialExpires
	},
	"no ExpirationModel and no ValidTo": func(in *kms.ImportKeyMaterialInput, _ time.Time) {
		in.ExpirationModel = ""
	},
	"ExpirationModel KEY_MATERIAL_DOES_NOT_EXPIRE and a ValidTo a day ahead": func(in *kms.ImportKeyMaterialInput, now time.Time) {
		in.ValidTo = aws.Time(now.Add(24 * time.Hour))
	},
	"a ValidTo an hour in the past": func(in *kms.ImportKeyMaterialInput, now time.Time) {
		in.ExpirationModel = types.ExpirationModelTypeKeyMaterialExpires
		in.ValidTo = aws.Time(now.Add(-time.Hour))
	},
	"a ValidTo 366 days ahead": func(in *kms.ImportKeyMaterialInput, now time.Time) {
		in.ExpirationModel = types.ExpirationModelTypeKeyMaterialExpires
		in.ValidTo = aws.Time(now.AddDate(0, 0, 366))
	},
	"a ValidTo an hour ahead": func(in *kms.ImportKeyMaterialInput, now time.Time) {
		in.ExpirationModel = types.ExpirationModelTypeKeyMaterialExpires
		in.ValidTo = aws.Time(now.Add(time.Hour).Truncate(time.Second))
	},
}

// importGiving imports fresh material into the scenario's key with the
// request members that setting names.
func (w *importing) importGiving(ctx context.Context, setting string) error {
	set, ok := expirationSettings[setting]
	if !ok {
		return fmt.Errorf("the scenario cannot import key material giving %q", setting)
	}
	_, p, err := w.keyWithParams(ctx)
	if err != nil {
		return err
	}
	material, err := scenario.KeyMaterialFor(types.KeySpecSymmetricDefault)
	if err != nil {
		return err
	}
	now := endpointNow(p)
	return w.importMaterialUnderTest(ctx, material, func(in *kms.ImportKeyMaterialInput) { set(in, now) })
}

func (w *importing) importWrappedWith(ctx context.Context, algorithm string) error {
	k, p, err := w.keyWithParams(ctx)
	if err != nil {
		return err
	}
	if types.AlgorithmSpec(algorithm) == p.Algorithm {
		return fmt.Errorf("the parameters were fetched for %s already: the scenario must wrap with another algorithm", algorithm)
	}
	in, _, err := scenario.FreshImport(k.ID, k.Spec, p, types.AlgorithmSpec(algorithm))
	if err != nil {
		return err
	}
	return w.Keys.ImportAs(ctx, w.Client, in)
}

// importMixedParams sends the earlier call's import token with material
// wrapped under the later call's public key.
func (w *importing) importMixedParams(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	earlier, later := w.Importing.Earlier, w.Importing.Params
	if earlier == nil || later == nil || earlier.KeyID != k.ID || later.KeyID != k.ID {
		return fmt.Errorf("the scenario needs two sets of parameters for import of key %s", k.ID)
	}
	in, _, err := scenario.FreshImport(k.ID, k.Spec, later, "")
	if err != nil {
		return err
	}
	in.ImportToken = earlier.Out.ImportToken
	return w.Keys.ImportAs(ctx, w.Client, in)
}

// importOtherKeysParams imports into the scenario's key material wrapped
// under another key's public key, with that key's import token.
func (w *importing) importOtherKeysParams(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	if w.Importing.Other == nil {
		return fmt.Errorf("the scenario fetched no parameters for another key")
	}
	in, _, err := scenario.FreshImport(k.ID, k.Spec, w.Importing.Other, "")
	if err != nil {
		return err
	}
	return w.Keys.ImportAs(ctx, w.Client, in)
}

func (w *importing) importBogusToken(ctx context.Context) error {
	token, err := scenario.RandomBytes(256)
	if err != nil {
		return err
	}
	material, err := scenario.KeyMaterialFor(types.KeySpecSymmetricDefault)
	if err != nil {
		return err
	}
	return w.importMaterialUnderTest(ctx, material, func(in *kms.ImportKeyMaterialInput) { in.ImportToken = token })
}

// importIntoThatKey imports into the scenario's current key (one that takes
// no imported material) with parameters fetched for its first, EXTERNAL key.
func (w *importing) importIntoThatKey(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	p := w.Importing.Params
	if p == nil || p.KeyID == k.ID {
		return fmt.Errorf("the scenario fetched no parameters for another key before this one")
	}
	in, _, err := scenario.FreshImport(k.ID, k.Spec, p, "")
	if err != nil {
		return err
	}
	return w.Keys.ImportAs(ctx, w.Client, in)
}

// importByKeyID imports into keyID with c, using parameters fetched for the
// scenario's own key: the KeyId is what the scenario gets wrong.
func (w *importing) importByKeyID(ctx context.Context, c *kms.Client, keyID string) error {
	_, p, err := w.keyWithParams(ctx)
	if err != nil {
		return err
	}
	in, _, err := scenario.FreshImport(keyID, types.KeySpecSymmetricDefault, p, "")
	if err != nil {
		return err
	}
	return w.Keys.ImportAs(ctx, c, in)
}

func (w *importing) importMissingKey(ctx context.Context) error {
	return w.importByKeyID(ctx, w.Client, w.Env.MadeUp(scenario.MissingKeyID()))
}

func (w *importing) importMalformedARN(ctx context.Context) error {
	return w.importByKeyID(ctx, w.Client, scenario.MalformedKeyARN(w.Env.Region))
}

func (w *importing) secondImports(ctx context.Context) error {
	k, c, err := w.Keys.KeyForSecondAccount()
	if err != nil {
		return err
	}
	return w.importByKeyID(ctx, c, k.ARN)
}

// materialIDPattern is the form of a KeyMaterialId: 64 lowercase hex digits.
var materialIDPattern = regexp.MustCompile(`^[a-f0-9]{64}$`)

func (w *importing) thenImportResponseNames(ctx context.Context) error {
	out, err := scenario.OutputUnderTest[*kms.ImportKeyMaterialOutput](w.Scenario, "ImportKeyMaterial")
	if err != nil {
		return err
	}
	var problems []string
	if got := aws.ToString(out.KeyId); got != w.Key.ARN {
		problems = append(problems, fmt.Sprintf("KeyId = %q, want the key ARN %q", got, w.Key.ARN))
	}
	id := aws.ToString(out.KeyMaterialId)
	if !materialIDPattern.MatchString(id) {
		problems = append(problems, fmt.Sprintf("KeyMaterialId = %q, want 64 lowercase hex digits", id))
	}
	md, err := w.Keys.DescribeKey(ctx, w.Key.ID)
	if err != nil {
		return err
	}
	if current := aws.ToString(md.CurrentKeyMaterialId); current != id {
		problems = append(problems, fmt.Sprintf("KeyMaterialId = %q but DescribeKey says the current key material is %q", id, current))
	}
	return scenario.ProblemsError(problems, "the response is wrong")
}

// thenExpirationReported checks what DescribeKey says of the material's
// expiration against what the import under test asked for.
func (w *importing) thenExpirationReported(ctx context.Context, what string) error {
	if err := w.ThenSucceeds(); err != nil {
		return err
	}
	in := w.Importing.LastImport
	if in == nil {
		return fmt.Errorf("the call under test was %s, not ImportKeyMaterial", w.Last.Op)
	}
	md, err := w.Keys.DescribeKey(ctx, aws.ToString(in.KeyId))
	if err != nil {
		return err
	}
	want := types.ExpirationModelTypeKeyMaterialDoesNotExpire
	if strings.HasPrefix(what, string(types.ExpirationModelTypeKeyMaterialExpires)) {
		want = types.ExpirationModelTypeKeyMaterialExpires
	}
	if md.ExpirationModel != want {
		return fmt.Errorf("DescribeKey says ExpirationModel %q, want %s", md.ExpirationModel, want)
	}
	switch {
	case want == types.ExpirationModelTypeKeyMaterialDoesNotExpire && md.ValidTo != nil:
		return fmt.Errorf("DescribeKey gives a ValidTo (%s) for material that does not expire", md.ValidTo.UTC().Format(time.RFC3339))
	case want == types.ExpirationModelTypeKeyMaterialExpires && md.ValidTo == nil:
		return fmt.Errorf("DescribeKey gives no ValidTo for material that expires")
	case want == types.ExpirationModelTypeKeyMaterialExpires && !md.ValidTo.Equal(aws.ToTime(in.ValidTo)):
		return fmt.Errorf("DescribeKey says ValidTo %s, want the %s given", md.ValidTo.UTC().Format(time.RFC3339), aws.ToTime(in.ValidTo).UTC().Format(time.RFC3339))
	}
	return nil
}

func (w *importing) thenDecryptsEarlierMessage(ctx context.Context) error {
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	if len(w.Importing.Ciphertext) == 0 {
		return fmt.Errorf("the scenario encrypted no message before")
	}
	out, o := scenario.Do(ctx, w.Scenario, "Decrypt", func(ctx context.Context) (*kms.DecryptOutput, error) {
		return w.Client.Decrypt(ctx, &kms.DecryptInput{KeyId: aws.String(k.ID), CiphertextBlob: w.Importing.Ciphertext})
	})
	if o.Err != nil {
		return fmt.Errorf("the message encrypted before does not decrypt: %w", o.Failure())
	}
	if !bytes.Equal(out.Plaintext, w.Env.Message()) {
		return errors.New("the message encrypted before decrypts to something else")
	}
	return nil
}
