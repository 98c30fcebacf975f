package scenario

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/keywrap"
)

// importState is a scenario's state for the steps of GetParametersForImport and ImportKeyMaterial
type importState struct {
	Params  *ImportParams // the latest parameters fetched for the scenario's key
	Earlier *ImportParams // the parameters fetched for it before those
	Other   *ImportParams // parameters fetched for another key than the scenario's
	// materials holds, per key ID, the key material imported into the key.
	// It is secret: it never appears in step text, errors or reports.
	Materials  map[string][]byte
	Ciphertext []byte                      // a message encrypted under the scenario's key
	LastImport *kms.ImportKeyMaterialInput // the ImportKeyMaterial request under test
}

// importParams are the answer of one GetParametersForImport call and what it asked for.
type ImportParams struct {
	KeyID     string
	Spec      types.WrappingKeySpec
	Algorithm types.AlgorithmSpec
	Out       *kms.GetParametersForImportOutput
	Sent      time.Time // when the request left
	Answered  time.Time // when the answer came
	used      bool      // an import has used them
}

const (
	// symmetricMaterialSize is the size of SYMMETRIC_DEFAULT key material: 256 bits.
	symmetricMaterialSize = 32

	DefaultWrappingSpec      = types.WrappingKeySpecRsa2048
	DefaultWrappingAlgorithm = types.AlgorithmSpecRsaesOaepSha256

	WrappingSpecExpr      = `(RSA_2048|RSA_3072|RSA_4096)`
	WrappingAlgorithmExpr = `(RSAES_PKCS1_V1_5|RSAES_OAEP_SHA_1|RSAES_OAEP_SHA_256|RSA_AES_KEY_WRAP_SHA_1|RSA_AES_KEY_WRAP_SHA_256)`
)

func RandomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("reading %d random bytes: %w", n, err)
	}
	return b, nil
}

// paramsInput is a GetParametersForImport request.
func paramsInput(keyID string, spec types.WrappingKeySpec, algorithm types.AlgorithmSpec) *kms.GetParametersForImportInput {
	return &kms.GetParametersForImportInput{
		KeyId:             aws.String(keyID),
		WrappingKeySpec:   spec,
		WrappingAlgorithm: algorithm,
	}
}

// fetchParams gets import parameters for k to prepare the scenario.
func (w *Keys) FetchParams(ctx context.Context, k *Key, spec types.WrappingKeySpec, algorithm types.AlgorithmSpec) (*ImportParams, error) {
	p := &ImportParams{KeyID: k.ID, Spec: spec, Algorithm: algorithm, Sent: time.Now()}
	out, err := Setup(ctx, w.Scenario, "GetParametersForImport", func(ctx context.Context) (*kms.GetParametersForImportOutput, error) {
		return w.Client.GetParametersForImport(ctx, paramsInput(k.ID, spec, algorithm))
	})
	if err != nil {
		return nil, err
	}
	p.Out, p.Answered = out, time.Now()
	if out.ParametersValidTo == nil || len(out.ImportToken) == 0 || len(out.PublicKey) == 0 {
		return nil, fmt.Errorf("GetParametersForImport answered without ParametersValidTo, ImportToken or PublicKey")
	}
	return p, nil
}

// remember makes p the latest parameters of the scenario's key.
func (st *importState) Remember(p *ImportParams) {
	st.Earlier, st.Params = st.Params, p
}

// paramsFor returns unused parameters for k, fetching default ones when the
// scenario has none.
func (w *Keys) ParamsFor(ctx context.Context, k *Key) (*ImportParams, error) {
	if p := w.Importing.Params; p != nil && p.KeyID == k.ID && !p.used {
		return p, nil
	}
	p, err := w.FetchParams(ctx, k, DefaultWrappingSpec, DefaultWrappingAlgorithm)
	if err != nil {
		return nil, err
	}
	w.Importing.Remember(p)
	return p, nil
}

// importInput is an ImportKeyMaterial request for material that does not expire.
func importInput(keyID string, p *ImportParams, wrapped []byte) *kms.ImportKeyMaterialInput {
	return &kms.ImportKeyMaterialInput{
		KeyId:                aws.String(keyID),
		ImportToken:          p.Out.ImportToken,
		EncryptedKeyMaterial: wrapped,
		ExpirationModel:      types.ExpirationModelTypeKeyMaterialDoesNotExpire,
	}
}

// importRequest wraps material for p (with algorithm, or p's own when empty)
// and returns the request that imports it into the key keyID.
func ImportRequest(keyID string, p *ImportParams, algorithm types.AlgorithmSpec, material []byte) (*kms.ImportKeyMaterialInput, error) {
	if algorithm == "" {
		algorithm = p.Algorithm
	}
	wrapped, err := keywrap.ForImport(p.Out.PublicKey, string(algorithm), material)
	if err != nil {
		return nil, err
	}
	p.used = true
	return importInput(keyID, p, wrapped), nil
}

// freshImport makes fresh key material and returns it with the request that
// imports it, wrapped for p, into the key keyID.
func FreshImport(keyID string, spec types.KeySpec, p *ImportParams, algorithm types.AlgorithmSpec) (*kms.ImportKeyMaterialInput, []byte, error) {
	material, err := KeyMaterialFor(spec)
	if err != nil {
		return nil, nil, err
	}
	in, err := ImportRequest(keyID, p, algorithm, material)
	if err != nil {
		return nil, nil, err
	}
	return in, material, nil
}

// deleteMaterialFirst deletes k's imported key material to prepare the
// scenario. k keeps the name of the material it had, for the Then steps to
// compare a later import with.
func (w *Keys) DeleteMaterialFirst(ctx context.Context, k *Key) error {
	_, err := Setup(ctx, w.Scenario, "DeleteImportedKeyMaterial", func(ctx context.Context) (*kms.DeleteImportedKeyMaterialOutput, error) {
		return w.Client.DeleteImportedKeyMaterial(ctx, &kms.DeleteImportedKeyMaterialInput{KeyId: aws.String(k.ID)})
	})
	return err
}

// setupImport imports material into k to prepare the scenario, and
// remembers the material and its ID.
func (w *Keys) SetupImport(ctx context.Context, k *Key, in *kms.ImportKeyMaterialInput, material []byte) error {
	out, err := Setup(ctx, w.Scenario, "ImportKeyMaterial", func(ctx context.Context) (*kms.ImportKeyMaterialOutput, error) {
		return w.Client.ImportKeyMaterial(ctx, in)
	})
	if err != nil {
		return err
	}
	w.RememberMaterial(k, material)
	k.Material = aws.ToString(out.KeyMaterialId)
	if k.Material == "" {
		md, err := w.DescribeKey(ctx, k.ID)
		if err != nil {
			return err
		}
		k.Material = aws.ToString(md.CurrentKeyMaterialId)
	}
	return nil
}

func (w *Keys) RememberMaterial(k *Key, material []byte) {
	if w.Importing.Materials == nil {
		w.Importing.Materials = map[string][]byte{}
	}
	w.Importing.Materials[k.ID] = material
}

// importAs makes the ImportKeyMaterial call under test with c.
func (w *Keys) ImportAs(ctx context.Context, c *kms.Client, in *kms.ImportKeyMaterialInput) error {
	w.Importing.LastImport = in
	return Act(ctx, w.Scenario, "ImportKeyMaterial", func(ctx context.Context) (*kms.ImportKeyMaterialOutput, error) {
		return c.ImportKeyMaterial(ctx, in)
	})
}

func (w *Keys) GetParamsAs(ctx context.Context, c *kms.Client, keyID string, spec types.WrappingKeySpec, algorithm types.AlgorithmSpec) error {
	p := &ImportParams{KeyID: keyID, Spec: spec, Algorithm: algorithm, Sent: time.Now()}
	if err := Act(ctx, w.Scenario, "GetParametersForImport", func(ctx context.Context) (*kms.GetParametersForImportOutput, error) {
		return c.GetParametersForImport(ctx, paramsInput(keyID, spec, algorithm))
	}); err != nil {
		return err
	}
	if out, ok := w.Output.(*kms.GetParametersForImportOutput); ok && w.Last.Err == nil {
		p.Out, p.Answered = out, time.Now()
		w.Importing.Remember(p)
	}
	return nil
}
