package steps

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsconform/kmsconform/keywrap"
	"github.com/kmsconform/kmsconform/stepdef"
)

// importState is a scenario's state for the steps of GetParametersForImport and ImportKeyMaterial
type importState struct {
	params  *importParams // the latest parameters fetched for the scenario's key
	earlier *importParams // the parameters fetched for it before those
	other   *importParams // parameters fetched for another key than the scenario's
	// materials holds, per key ID, the key material imported into the key.
	// It is secret: it never appears in step text, errors or reports.
	materials  map[string][]byte
	ciphertext []byte                      // a message encrypted under the scenario's key
	lastImport *kms.ImportKeyMaterialInput // the ImportKeyMaterial request under test
}

// importParams are the answer of one GetParametersForImport call and what it asked for.
type importParams struct {
	keyID     string
	spec      types.WrappingKeySpec
	algorithm types.AlgorithmSpec
	out       *kms.GetParametersForImportOutput
	sent      time.Time // when the request left
	answered  time.Time // when the answer came
	used      bool      // an import has used them
}

// endpointNow is the endpoint's clock at the time of the call, as the
// parameters tell it: they are documented to last 24 hours.
func (p *importParams) endpointNow() time.Time {
	return aws.ToTime(p.out.ParametersValidTo).Add(-importParamsLifetime)
}

const (
	// importParamsLifetime is how long KMS documents a public key and import token to last.
	importParamsLifetime = 24 * time.Hour
	// clockTolerance allows for the difference between the runner's clock and the endpoint's.
	clockTolerance = 5 * time.Minute
	// symmetricMaterialSize is the size of SYMMETRIC_DEFAULT key material: 256 bits.
	symmetricMaterialSize = 32

	defaultWrappingSpec      = types.WrappingKeySpecRsa2048
	defaultWrappingAlgorithm = types.AlgorithmSpecRsaesOaepSha256

	wrappingSpecExpr      = `(RSA_2048|RSA_3072|RSA_4096)`
	wrappingAlgorithmExpr = `(RSAES_PKCS1_V1_5|RSAES_OAEP_SHA_1|RSAES_OAEP_SHA_256|RSA_AES_KEY_WRAP_SHA_1|RSA_AES_KEY_WRAP_SHA_256)`
)

// wrappingKeyBits is the modulus size of each RSA wrapping key spec.
var wrappingKeyBits = map[types.WrappingKeySpec]int{
	types.WrappingKeySpecRsa2048: 2048,
	types.WrappingKeySpecRsa3072: 3072,
	types.WrappingKeySpecRsa4096: 4096,
}

// registerImport binds the steps of GetParametersForImport and ImportKeyMaterial.
func (w *world) registerImport(sc stepdef.Context) {
	// Setup.
	sc.Given(`^this import scenario runs in an account of its own, with its own clock$`, w.givenImportAccount)
	sc.Given(`^parameters for import of the key have been fetched(?: with `+wrappingSpecExpr+` and `+wrappingAlgorithmExpr+`)?$`, w.givenParams)
	sc.Given(`^parameters for import of the key have been fetched again$`, w.givenParamsAgain)
	sc.Given(`^another key for imported key material has had parameters for import fetched$`, w.givenOtherKeyParams)
	sc.Given(`^the key material has been imported to expire in an hour$`, w.givenImportedExpiring)
	sc.Given(`^a message has been encrypted under the imported key material$`, w.givenEncrypted)
	sc.GivenChecks(`^the imported key material has been deleted$`, w.givenMaterialDeleted)
	sc.Step(`^(\d+) hours pass in the scenario's own account$`, w.hoursPass)

	// GetParametersForImport.
	sc.When(`^I get parameters for import of the key(?: with `+wrappingSpecExpr+` and `+wrappingAlgorithmExpr+`)?$`, w.getParams)
	sc.When(`^I get parameters for import of a key that does not exist$`, w.getParamsMissingKey)
	sc.When(`^I get parameters for import naming the key by a malformed ARN$`, w.getParamsMalformedARN)
	sc.When(`^the second account gets parameters for import of the key by its key ARN$`, w.secondGetsParams, stepdef.Creates{SecondAccount: true})
	sc.Then(`^the response holds an? `+wrappingSpecExpr+` public key and an import token for the key$`, w.thenParamsHold)
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
	sc.When(`^I import the key material giving (.+)$`, w.importGiving)
	sc.When(`^I import the key material wrapped with `+wrappingAlgorithmExpr+` instead$`, w.importWrappedWith)
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

// --- key material and its wrapping ---

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("reading %d random bytes: %w", n, err)
	}
	return b, nil
}

// --- calls ---

// paramsInput is a GetParametersForImport request.
func paramsInput(keyID string, spec types.WrappingKeySpec, algorithm types.AlgorithmSpec) *kms.GetParametersForImportInput {
	return &kms.GetParametersForImportInput{
		KeyId:             aws.String(keyID),
		WrappingKeySpec:   spec,
		WrappingAlgorithm: algorithm,
	}
}

// fetchParams gets import parameters for k to prepare the scenario.
func (w *world) fetchParams(ctx context.Context, k *key, spec types.WrappingKeySpec, algorithm types.AlgorithmSpec) (*importParams, error) {
	p := &importParams{keyID: k.id, spec: spec, algorithm: algorithm, sent: time.Now()}
	out, err := setup(ctx, w, "GetParametersForImport", func(ctx context.Context) (*kms.GetParametersForImportOutput, error) {
		return w.client.GetParametersForImport(ctx, paramsInput(k.id, spec, algorithm))
	})
	if err != nil {
		return nil, err
	}
	p.out, p.answered = out, time.Now()
	if out.ParametersValidTo == nil || len(out.ImportToken) == 0 || len(out.PublicKey) == 0 {
		return nil, fmt.Errorf("GetParametersForImport answered without ParametersValidTo, ImportToken or PublicKey")
	}
	return p, nil
}

// remember makes p the latest parameters of the scenario's key.
func (st *importState) remember(p *importParams) {
	st.earlier, st.params = st.params, p
}

// paramsFor returns unused parameters for k, fetching default ones when the
// scenario has none.
func (w *world) paramsFor(ctx context.Context, k *key) (*importParams, error) {
	if p := w.importing.params; p != nil && p.keyID == k.id && !p.used {
		return p, nil
	}
	p, err := w.fetchParams(ctx, k, defaultWrappingSpec, defaultWrappingAlgorithm)
	if err != nil {
		return nil, err
	}
	w.importing.remember(p)
	return p, nil
}

// importInput is an ImportKeyMaterial request for material that does not expire.
func importInput(keyID string, p *importParams, wrapped []byte) *kms.ImportKeyMaterialInput {
	return &kms.ImportKeyMaterialInput{
		KeyId:                aws.String(keyID),
		ImportToken:          p.out.ImportToken,
		EncryptedKeyMaterial: wrapped,
		ExpirationModel:      types.ExpirationModelTypeKeyMaterialDoesNotExpire,
	}
}

// importRequest wraps material for p (with algorithm, or p's own when empty)
// and returns the request that imports it into the key keyID.
func importRequest(keyID string, p *importParams, algorithm types.AlgorithmSpec, material []byte) (*kms.ImportKeyMaterialInput, error) {
	if algorithm == "" {
		algorithm = p.algorithm
	}
	wrapped, err := keywrap.ForImport(p.out.PublicKey, string(algorithm), material)
	if err != nil {
		return nil, err
	}
	p.used = true
	return importInput(keyID, p, wrapped), nil
}

// freshImport makes fresh key material and returns it with the request that
// imports it, wrapped for p, into the key keyID.
func freshImport(keyID string, spec types.KeySpec, p *importParams, algorithm types.AlgorithmSpec) (*kms.ImportKeyMaterialInput, []byte, error) {
	material, err := keyMaterialFor(spec)
	if err != nil {
		return nil, nil, err
	}
	in, err := importRequest(keyID, p, algorithm, material)
	if err != nil {
		return nil, nil, err
	}
	return in, material, nil
}

// keyWithParams is the scenario's key and unused import parameters for it.
func (w *world) keyWithParams(ctx context.Context) (*key, *importParams, error) {
	k, err := w.needKey()
	if err != nil {
		return nil, nil, err
	}
	p, err := w.paramsFor(ctx, k)
	if err != nil {
		return nil, nil, err
	}
	return k, p, nil
}

// deleteMaterialFirst deletes k's imported key material to prepare the
// scenario. k keeps the name of the material it had, for the Then steps to
// compare a later import with.
func (w *world) deleteMaterialFirst(ctx context.Context, k *key) error {
	_, err := setup(ctx, w, "DeleteImportedKeyMaterial", func(ctx context.Context) (*kms.DeleteImportedKeyMaterialOutput, error) {
		return w.client.DeleteImportedKeyMaterial(ctx, &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(k.id)})
	})
	return err
}

// setupImport imports material into k to prepare the scenario, and
// remembers the material and its ID.
func (w *world) setupImport(ctx context.Context, k *key, in *kms.ImportKeyMaterialInput, material []byte) error {
	out, err := setup(ctx, w, "ImportKeyMaterial", func(ctx context.Context) (*kms.ImportKeyMaterialOutput, error) {
		return w.client.ImportKeyMaterial(ctx, in)
	})
	if err != nil {
		return err
	}
	w.rememberMaterial(k, material)
	k.material = aws.ToString(out.KeyMaterialId)
	if k.material == "" {
		md, err := w.describeKey(ctx, k.id)
		if err != nil {
			return err
		}
		k.material = aws.ToString(md.CurrentKeyMaterialId)
	}
	return nil
}

func (w *world) rememberMaterial(k *key, material []byte) {
	if w.importing.materials == nil {
		w.importing.materials = map[string][]byte{}
	}
	w.importing.materials[k.id] = material
}

// importAs makes the ImportKeyMaterial call under test with c.
func (w *world) importAs(ctx context.Context, c *kms.Client, in *kms.ImportKeyMaterialInput) error {
	w.importing.lastImport = in
	return act(ctx, w, "ImportKeyMaterial", func(ctx context.Context) (*kms.ImportKeyMaterialOutput, error) {
		return c.ImportKeyMaterial(ctx, in)
	})
}

// importMaterialUnderTest wraps material for the scenario's key with its
// parameters, lets adjust change the request, and imports it as the call
// under test.
func (w *world) importMaterialUnderTest(ctx context.Context, material []byte, adjust func(*kms.ImportKeyMaterialInput)) error {
	k, p, err := w.keyWithParams(ctx)
	if err != nil {
		return err
	}
	in, err := importRequest(k.id, p, "", material)
	if err != nil {
		return err
	}
	if adjust != nil {
		adjust(in)
	}
	if err := w.importAs(ctx, w.client, in); err != nil {
		return err
	}
	// A first import names the key's material. A reimport keeps the name it
	// had, so that the Then steps can tell whether the material changed.
	if out, ok := w.output.(*kms.ImportKeyMaterialOutput); ok && w.last.err == nil && k.material == "" {
		w.rememberMaterial(k, material)
		k.material = aws.ToString(out.KeyMaterialId)
	}
	return nil
}

// keyWithImportedMaterial is the scenario's key and the material the
// scenario imported into it.
func (w *world) keyWithImportedMaterial() (*key, []byte, error) {
	k, err := w.needKey()
	if err != nil {
		return nil, nil, err
	}
	m, ok := w.importing.materials[k.id]
	if !ok {
		return nil, nil, fmt.Errorf("the scenario has imported no key material into key %s", k.id)
	}
	return k, m, nil
}

// --- Given steps ---

func (w *world) givenImportAccount(ctx context.Context) error {
	return w.isolate(ctx, "letting an import token or imported key material expire", Quotas{})
}

func (w *world) givenParams(ctx context.Context, spec, algorithm string) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	s, a := types.WrappingKeySpec(spec), types.AlgorithmSpec(algorithm)
	if spec == "" {
		s, a = defaultWrappingSpec, defaultWrappingAlgorithm
	}
	p, err := w.fetchParams(ctx, k, s, a)
	if err != nil {
		return err
	}
	w.importing.remember(p)
	return nil
}

func (w *world) givenParamsAgain(ctx context.Context) error {
	if w.importing.params == nil {
		return fmt.Errorf("the scenario fetched no parameters for import before")
	}
	return w.givenParams(ctx, string(w.importing.params.spec), string(w.importing.params.algorithm))
}

// givenOtherKeyParams creates a second EXTERNAL key and fetches import
// parameters for it; the scenario's key stays the one it talks about.
func (w *world) givenOtherKeyParams(ctx context.Context) error {
	mine, err := w.needKey()
	if err != nil {
		return err
	}
	other, err := w.createImportKey(ctx)
	w.key = mine
	if err != nil {
		return err
	}
	p, err := w.fetchParams(ctx, other, defaultWrappingSpec, defaultWrappingAlgorithm)
	if err != nil {
		return err
	}
	w.importing.other = p
	return nil
}

// givenImportedExpiring imports material whose ValidTo is an hour after the
// endpoint's own clock (read from the parameters' ParametersValidTo).
func (w *world) givenImportedExpiring(ctx context.Context) error {
	k, p, err := w.keyWithParams(ctx)
	if err != nil {
		return err
	}
	in, material, err := freshImport(k.id, k.spec, p, "")
	if err != nil {
		return err
	}
	in.ExpirationModel = types.ExpirationModelTypeKeyMaterialExpires
	in.ValidTo = aws.Time(p.endpointNow().Add(time.Hour).Truncate(time.Second))
	return w.setupImport(ctx, k, in, material)
}

func (w *world) givenEncrypted(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	out, err := setup(ctx, w, "Encrypt", func(ctx context.Context) (*kms.EncryptOutput, error) {
		return w.client.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(k.id), Plaintext: w.env.plaintext()})
	})
	if err != nil {
		return err
	}
	if len(out.CiphertextBlob) == 0 {
		return fmt.Errorf("Encrypt answered without a CiphertextBlob")
	}
	w.importing.ciphertext = out.CiphertextBlob
	return nil
}

func (w *world) givenMaterialDeleted(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	if err := w.deleteMaterialFirst(ctx, k); err != nil {
		return err
	}
	return w.expectKeyState(ctx, k, types.KeyStatePendingImport)
}

func (w *world) hoursPass(ctx context.Context, hours int) error {
	return w.advanceClock(ctx, time.Duration(hours)*time.Hour)
}

// --- GetParametersForImport ---

func (w *world) getParamsAs(ctx context.Context, c *kms.Client, keyID string, spec types.WrappingKeySpec, algorithm types.AlgorithmSpec) error {
	p := &importParams{keyID: keyID, spec: spec, algorithm: algorithm, sent: time.Now()}
	if err := act(ctx, w, "GetParametersForImport", func(ctx context.Context) (*kms.GetParametersForImportOutput, error) {
		return c.GetParametersForImport(ctx, paramsInput(keyID, spec, algorithm))
	}); err != nil {
		return err
	}
	if out, ok := w.output.(*kms.GetParametersForImportOutput); ok && w.last.err == nil {
		p.out, p.answered = out, time.Now()
		w.importing.remember(p)
	}
	return nil
}

func (w *world) getParams(ctx context.Context, spec, algorithm string) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	if spec == "" {
		spec, algorithm = string(defaultWrappingSpec), string(defaultWrappingAlgorithm)
	}
	return w.getParamsAs(ctx, w.client, k.id, types.WrappingKeySpec(spec), types.AlgorithmSpec(algorithm))
}

func (w *world) getParamsMissingKey(ctx context.Context) error {
	return w.getParamsAs(ctx, w.client, w.env.madeUp(missingKeyID()), defaultWrappingSpec, defaultWrappingAlgorithm)
}

func (w *world) getParamsMalformedARN(ctx context.Context) error {
	return w.getParamsAs(ctx, w.client, malformedKeyARN(w.env.Region), defaultWrappingSpec, defaultWrappingAlgorithm)
}

func (w *world) secondGetsParams(ctx context.Context) error {
	k, c, err := w.keyForSecondAccount()
	if err != nil {
		return err
	}
	return w.getParamsAs(ctx, c, k.arn, defaultWrappingSpec, defaultWrappingAlgorithm)
}

// paramsUnderTest are the parameters the call under test returned.
func (w *world) paramsUnderTest() (*importParams, error) {
	if _, err := outputUnderTest[*kms.GetParametersForImportOutput](w, "GetParametersForImport"); err != nil {
		return nil, err
	}
	return w.importing.params, nil
}

func (w *world) thenParamsHold(spec string) error {
	p, err := w.paramsUnderTest()
	if err != nil {
		return err
	}
	var problems []string
	if got := aws.ToString(p.out.KeyId); got != w.key.arn {
		problems = append(problems, fmt.Sprintf("KeyId = %q, want the key ARN %q", got, w.key.arn))
	}
	if len(p.out.ImportToken) == 0 {
		problems = append(problems, "there is no ImportToken")
	}
	pub, err := keywrap.RSAPublicKey(p.out.PublicKey)
	switch {
	case err != nil:
		problems = append(problems, err.Error())
	case pub.N.BitLen() != wrappingKeyBits[types.WrappingKeySpec(spec)]:
		problems = append(problems, fmt.Sprintf("the public key is a %d-bit RSA key, want %s", pub.N.BitLen(), spec))
	}
	return problemsError(problems, "the parameters are wrong")
}

func (w *world) thenParamsExpireInADay() error {
	p, err := w.paramsUnderTest()
	if err != nil {
		return err
	}
	if p.out.ParametersValidTo == nil {
		return fmt.Errorf("the response has no ParametersValidTo")
	}
	got := *p.out.ParametersValidTo
	earliest := p.sent.Add(importParamsLifetime - clockTolerance)
	latest := p.answered.Add(importParamsLifetime + clockTolerance)
	if got.Before(earliest) || got.After(latest) {
		return fmt.Errorf("ParametersValidTo is %s, want 24 hours after the request (%s, give or take %v)",
			got.UTC().Format(time.RFC3339), p.sent.Add(importParamsLifetime).UTC().Format(time.RFC3339), clockTolerance)
	}
	return nil
}

func (w *world) thenParamsDiffer() error {
	p, err := w.paramsUnderTest()
	if err != nil {
		return err
	}
	e := w.importing.earlier
	if e == nil || e.out == nil {
		return fmt.Errorf("the scenario fetched no parameters before")
	}
	var same []string
	if bytes.Equal(p.out.PublicKey, e.out.PublicKey) {
		same = append(same, "public key")
	}
	if bytes.Equal(p.out.ImportToken, e.out.ImportToken) {
		same = append(same, "import token")
	}
	if len(same) > 0 {
		return fmt.Errorf("the new parameters repeat the earlier %s", strings.Join(same, " and "))
	}
	return nil
}

// thenWrappedMaterialImports shows that the public key serves the requested
// algorithm: material wrapped with it imports and the key becomes Enabled.
func (w *world) thenWrappedMaterialImports(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	p := w.importing.params
	if p == nil || p.out == nil || p.keyID != k.id {
		return fmt.Errorf("the scenario has no parameters for import of key %s", k.id)
	}
	in, material, err := freshImport(k.id, k.spec, p, "")
	if err != nil {
		return err
	}
	if err := w.setupImport(ctx, k, in, material); err != nil {
		return fmt.Errorf("importing key material wrapped with %s under the %s public key: %w", p.algorithm, p.spec, err)
	}
	return w.expectKeyState(ctx, k, types.KeyStateEnabled)
}

// --- ImportKeyMaterial ---

func (w *world) importFresh(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	material, err := keyMaterialFor(k.spec)
	if err != nil {
		return err
	}
	return w.importMaterialUnderTest(ctx, material, nil)
}

func (w *world) importOfSize(ctx context.Context, size int) error {
	material, err := randomBytes(size)
	if err != nil {
		return err
	}
	return w.importMaterialUnderTest(ctx, material, nil)
}

func (w *world) importFreshAs(ctx context.Context, importType string) error {
	material, err := keyMaterialFor(types.KeySpecSymmetricDefault)
	if err != nil {
		return err
	}
	return w.importMaterialUnderTest(ctx, material, func(in *kms.ImportKeyMaterialInput) {
		in.ImportType = types.ImportType(importType)
	})
}

func (w *world) reimportAs(ctx context.Context, importType string) error {
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

func (w *world) reimport(ctx context.Context) error { return w.reimportAs(ctx, "") }

func (w *world) importDifferent(ctx context.Context) error {
	if _, _, err := w.keyWithImportedMaterial(); err != nil {
		return err
	}
	return w.importFresh(ctx)
}

// reimportNaming reimports the key's material naming a KeyMaterialId: the
// key's own, or a well-formed one it does not have.
func (w *world) reimportNaming(ctx context.Context, whose, importType string) error {
	k, material, err := w.keyWithImportedMaterial()
	if err != nil {
		return err
	}
	id := missingMaterialID()
	if whose == "its own" {
		if k.material == "" {
			return fmt.Errorf("the endpoint never named the imported key material (no KeyMaterialId from ImportKeyMaterial or DescribeKey)")
		}
		id = k.material
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
func (w *world) importGiving(ctx context.Context, setting string) error {
	set, ok := expirationSettings[setting]
	if !ok {
		return fmt.Errorf("the scenario cannot import key material giving %q", setting)
	}
	_, p, err := w.keyWithParams(ctx)
	if err != nil {
		return err
	}
	material, err := keyMaterialFor(types.KeySpecSymmetricDefault)
	if err != nil {
		return err
	}
	now := p.endpointNow()
	return w.importMaterialUnderTest(ctx, material, func(in *kms.ImportKeyMaterialInput) { set(in, now) })
}

func (w *world) importWrappedWith(ctx context.Context, algorithm string) error {
	k, p, err := w.keyWithParams(ctx)
	if err != nil {
		return err
	}
	if types.AlgorithmSpec(algorithm) == p.algorithm {
		return fmt.Errorf("the parameters were fetched for %s already: the scenario must wrap with another algorithm", algorithm)
	}
	in, _, err := freshImport(k.id, k.spec, p, types.AlgorithmSpec(algorithm))
	if err != nil {
		return err
	}
	return w.importAs(ctx, w.client, in)
}

// importMixedParams sends the earlier call's import token with material
// wrapped under the later call's public key.
func (w *world) importMixedParams(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	earlier, later := w.importing.earlier, w.importing.params
	if earlier == nil || later == nil || earlier.keyID != k.id || later.keyID != k.id {
		return fmt.Errorf("the scenario needs two sets of parameters for import of key %s", k.id)
	}
	in, _, err := freshImport(k.id, k.spec, later, "")
	if err != nil {
		return err
	}
	in.ImportToken = earlier.out.ImportToken
	return w.importAs(ctx, w.client, in)
}

// importOtherKeysParams imports into the scenario's key material wrapped
// under another key's public key, with that key's import token.
func (w *world) importOtherKeysParams(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	if w.importing.other == nil {
		return fmt.Errorf("the scenario fetched no parameters for another key")
	}
	in, _, err := freshImport(k.id, k.spec, w.importing.other, "")
	if err != nil {
		return err
	}
	return w.importAs(ctx, w.client, in)
}

func (w *world) importBogusToken(ctx context.Context) error {
	token, err := randomBytes(256)
	if err != nil {
		return err
	}
	material, err := keyMaterialFor(types.KeySpecSymmetricDefault)
	if err != nil {
		return err
	}
	return w.importMaterialUnderTest(ctx, material, func(in *kms.ImportKeyMaterialInput) { in.ImportToken = token })
}

// importIntoThatKey imports into the scenario's current key (one that takes
// no imported material) with parameters fetched for its first, EXTERNAL key.
func (w *world) importIntoThatKey(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	p := w.importing.params
	if p == nil || p.keyID == k.id {
		return fmt.Errorf("the scenario fetched no parameters for another key before this one")
	}
	in, _, err := freshImport(k.id, k.spec, p, "")
	if err != nil {
		return err
	}
	return w.importAs(ctx, w.client, in)
}

// importByKeyID imports into keyID with c, using parameters fetched for the
// scenario's own key: the KeyId is what the scenario gets wrong.
func (w *world) importByKeyID(ctx context.Context, c *kms.Client, keyID string) error {
	_, p, err := w.keyWithParams(ctx)
	if err != nil {
		return err
	}
	in, _, err := freshImport(keyID, types.KeySpecSymmetricDefault, p, "")
	if err != nil {
		return err
	}
	return w.importAs(ctx, c, in)
}

func (w *world) importMissingKey(ctx context.Context) error {
	return w.importByKeyID(ctx, w.client, w.env.madeUp(missingKeyID()))
}

func (w *world) importMalformedARN(ctx context.Context) error {
	return w.importByKeyID(ctx, w.client, malformedKeyARN(w.env.Region))
}

func (w *world) secondImports(ctx context.Context) error {
	k, c, err := w.keyForSecondAccount()
	if err != nil {
		return err
	}
	return w.importByKeyID(ctx, c, k.arn)
}

// materialIDPattern is the form of a KeyMaterialId: 64 lowercase hex digits.
var materialIDPattern = regexp.MustCompile(`^[a-f0-9]{64}$`)

func (w *world) thenImportResponseNames(ctx context.Context) error {
	out, err := outputUnderTest[*kms.ImportKeyMaterialOutput](w, "ImportKeyMaterial")
	if err != nil {
		return err
	}
	var problems []string
	if got := aws.ToString(out.KeyId); got != w.key.arn {
		problems = append(problems, fmt.Sprintf("KeyId = %q, want the key ARN %q", got, w.key.arn))
	}
	id := aws.ToString(out.KeyMaterialId)
	if !materialIDPattern.MatchString(id) {
		problems = append(problems, fmt.Sprintf("KeyMaterialId = %q, want 64 lowercase hex digits", id))
	}
	md, err := w.describeKey(ctx, w.key.id)
	if err != nil {
		return err
	}
	if current := aws.ToString(md.CurrentKeyMaterialId); current != id {
		problems = append(problems, fmt.Sprintf("KeyMaterialId = %q but DescribeKey says the current key material is %q", id, current))
	}
	return problemsError(problems, "the response is wrong")
}

// thenExpirationReported checks what DescribeKey says of the material's
// expiration against what the import under test asked for.
func (w *world) thenExpirationReported(ctx context.Context, what string) error {
	if err := w.thenSucceeds(); err != nil {
		return err
	}
	in := w.importing.lastImport
	if in == nil {
		return fmt.Errorf("the call under test was %s, not ImportKeyMaterial", w.last.op)
	}
	md, err := w.describeKey(ctx, aws.ToString(in.KeyId))
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

func (w *world) thenDecryptsEarlierMessage(ctx context.Context) error {
	k, err := w.needKey()
	if err != nil {
		return err
	}
	if len(w.importing.ciphertext) == 0 {
		return fmt.Errorf("the scenario encrypted no message before")
	}
	out, o := do(ctx, w, "Decrypt", func(ctx context.Context) (*kms.DecryptOutput, error) {
		return w.client.Decrypt(ctx, &kms.DecryptInput{KeyId: aws.String(k.id), CiphertextBlob: w.importing.ciphertext})
	})
	if o.err != nil {
		return fmt.Errorf("the message encrypted before does not decrypt: %w", o.failure())
	}
	if !bytes.Equal(out.Plaintext, w.env.plaintext()) {
		return errors.New("the message encrypted before decrypts to something else")
	}
	return nil
}
