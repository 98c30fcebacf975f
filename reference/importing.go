package reference

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kmsconform/kmsconform/keywrap"
)

// importOperations are the imported-key-material operations. Each Service gets
// its own pool of pre-generated RSA wrapping keys.
func importOperations() map[string]operation {
	// RSA_2048, the default, is nearly every call; a larger key is made when
	// asked for (RSA_4096 takes about half a second of CPU), never in advance,
	// since keys made ahead and never asked for were a tenth of a run's CPU.
	pool := newWrappingKeyPool(map[int]int{2048: 2})
	return map[string]operation{
		"GetParametersForImport":    func(c *call) (any, error) { return getParametersForImport(c, pool) },
		"ImportKeyMaterial":         importKeyMaterial,
		"DeleteImportedKeyMaterial": deleteImportedKeyMaterial,
	}
}

const (
	expiresModel      = "KEY_MATERIAL_EXPIRES"
	doesNotExpire     = "KEY_MATERIAL_DOES_NOT_EXPIRE"
	importTokenPrefix = "KCIT\x01"
	// importTokenLifetime is how long a public key and import token stay valid.
	importTokenLifetime = 24 * time.Hour
	// maxImportTokens bounds the outstanding tokens kept per key; the oldest go first.
	maxImportTokens = 64
)

var (
	wrappingAlgorithms = []string{"RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256",
		"RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256", "SM2PKE"}
	wrappingKeySpecs     = []string{"RSA_2048", "RSA_3072", "RSA_4096", "SM2"}
	materialIDPattern    = MustPattern(`^[a-f0-9]+$`)
	materialDescrPattern = MustPattern(`^[a-zA-Z0-9:/_\s.-]+$`)
	wrappingKeyBits      = map[string]int{"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}
)

// notImportable is the UnsupportedOperationException for a key whose origin
// cannot have imported key material (AWS_KMS, or a key in a custom key store).
func notImportable(k *Key) error {
	return errorf("UnsupportedOperationException", "%s origin is %s which is not valid for this operation.", k.ARN, k.Origin)
}

// importableKey resolves the KeyId of an import operation and checks that the
// key takes imported material and is not pending deletion, Creating or
// Updating (unless allowed: ImportKeyMaterial.11 lets an Updating key import).
func (c *call) importableKey(keyID string, allowed ...KeyState) (*Key, error) {
	k, err := c.resolveKey(keyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if k.Origin != OriginExternal || k.Import == nil {
		return nil, notImportable(k)
	}
	switch st := c.effectiveState(k); st {
	case KeyPendingDeletion, KeyPendingReplicaDeletion, KeyCreating, KeyUpdating:
		if !slices.Contains(allowed, st) {
			return nil, stateError(k, st)
		}
	}
	return k, nil
}

// getParametersForImport implements GetParametersForImport.
//
// RSAES_PKCS1_V1_5 is still in the model's enum, so it passes validation, but
// KMS stopped supporting it on 2023-10-10 (GetParametersForImport.14, whose
// error the docs do not name). The reference answers
// UnsupportedOperationException, the error this operation models for "a
// specified parameter is not supported". SM2 wrapping (China Regions only) is
// refused the same way: the reference does not implement SM2. So are the
// pairings the WrappingAlgorithm and WrappingKeySpec member docs rule out for
// the key's material (GetParametersForImport.15, .16): an RSAES_OAEP_*
// algorithm for an RSA key, whose private key needs an RSA_AES_KEY_WRAP_*
// algorithm, and an RSA_2048 wrapping key with RSAES_OAEP_* for an
// ECC_NIST_P521 key.
func getParametersForImport(c *call, pool *wrappingKeyPool) (any, error) {
	var in struct {
		KeyID             *string `json:"KeyId"`
		WrappingAlgorithm *string `json:"WrappingAlgorithm"`
		WrappingKeySpec   *string `json:"WrappingKeySpec"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Required("wrappingAlgorithm", in.WrappingAlgorithm != nil)
	v.Enum("wrappingAlgorithm", in.WrappingAlgorithm, wrappingAlgorithms...)
	v.Required("wrappingKeySpec", in.WrappingKeySpec != nil)
	v.Enum("wrappingKeySpec", in.WrappingKeySpec, wrappingKeySpecs...)
	if err := v.Err(); err != nil {
		return nil, err
	}
	algorithm, spec := *in.WrappingAlgorithm, *in.WrappingKeySpec
	check := func() (*Key, error) {
		k, err := c.importableKey(*in.KeyID)
		if err != nil {
			return nil, err
		}
		switch {
		case algorithm == "RSAES_PKCS1_V1_5":
			return nil, errorf("UnsupportedOperationException", "The wrapping algorithm RSAES_PKCS1_V1_5 is no longer supported; use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.")
		case algorithm == "SM2PKE" || spec == "SM2":
			return nil, errorf("UnsupportedOperationException", "SM2 wrapping is not supported by this endpoint.")
		case strings.HasPrefix(k.KeySpec, "RSA_") && strings.HasPrefix(algorithm, "RSAES_OAEP_"):
			return nil, errorf("UnsupportedOperationException", "%s cannot wrap %s key material; an RSA private key must be wrapped with RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256.", algorithm, k.KeySpec)
		case k.KeySpec == "ECC_NIST_P521" && spec == "RSA_2048" && strings.HasPrefix(algorithm, "RSAES_OAEP_"):
			return nil, errorf("UnsupportedOperationException", "An RSA_2048 wrapping key with %s cannot wrap ECC_NIST_P521 key material; use an RSA_AES_KEY_WRAP algorithm or a larger wrapping key.", algorithm)
		}
		return k, nil
	}
	k, err := check()
	if err != nil {
		return nil, err
	}
	bits := wrappingKeyBits[spec]
	priv, ok := pool.tryTake(bits)
	if !ok {
		// Generating a large RSA key takes seconds: wait for it without
		// holding the Service lock, then look at the key again, since
		// another request may have changed it meanwhile.
		c.svc.mu.Unlock()
		priv, err = pool.wait(c.ctx, bits)
		c.svc.mu.Lock()
		if err != nil {
			return nil, err
		}
		if k, err = check(); err != nil {
			return nil, err
		}
	}
	public, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("marshal wrapping public key: %w", err)
	}
	token := append([]byte(importTokenPrefix), randomBytes(32)...)
	tok := &ImportToken{
		ID:                hex.EncodeToString(token),
		KeyID:             k.ID,
		WrappingAlgorithm: algorithm,
		WrappingKeySpec:   spec,
		PrivateKey:        priv,
		ValidTo:           c.now.Add(importTokenLifetime),
	}
	addImportToken(k.Import, tok, c.now)
	return struct {
		KeyID             string `json:"KeyId"`
		ImportToken       []byte
		PublicKey         []byte
		ParametersValidTo Timestamp
	}{k.ARN, token, public, Timestamp{tok.ValidTo}}, nil
}

// addImportToken records tok, forgetting tokens that expired more than a
// lifetime ago (an expired token is still recognised for a while, so that it
// is reported as expired rather than invalid) and the oldest beyond maxImportTokens.
func addImportToken(st *ImportState, tok *ImportToken, now time.Time) {
	if st.Tokens == nil {
		st.Tokens = map[string]*ImportToken{}
	}
	var oldest *ImportToken
	for id, t := range st.Tokens {
		if now.Sub(t.ValidTo) > importTokenLifetime {
			delete(st.Tokens, id)
			continue
		}
		if oldest == nil || t.ValidTo.Before(oldest.ValidTo) {
			oldest = t
		}
	}
	if len(st.Tokens) >= maxImportTokens && oldest != nil {
		delete(st.Tokens, oldest.ID)
	}
	st.Tokens[tok.ID] = tok
}

type importKeyMaterialInput struct {
	KeyID                  *string    `json:"KeyId"`
	ImportToken            []byte     `json:"ImportToken"`
	EncryptedKeyMaterial   []byte     `json:"EncryptedKeyMaterial"`
	ValidTo                *Timestamp `json:"ValidTo"`
	ExpirationModel        *string    `json:"ExpirationModel"`
	ImportType             *string    `json:"ImportType"`
	KeyMaterialDescription *string    `json:"KeyMaterialDescription"`
	KeyMaterialID          *string    `json:"KeyMaterialId"`
}

// validate applies the model constraints and the request-only rules of
// ImportKeyMaterial.20-23 and .27, which the docs state without an error
// name; like the known KMS answer to .20, they are ValidationExceptions.
func (in *importKeyMaterialInput) validate(now time.Time) (expirationModel string, err error) {
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Required("importToken", in.ImportToken != nil)
	v.Size("importToken", in.ImportToken, in.ImportToken != nil, 1, 6144)
	v.Required("encryptedKeyMaterial", in.EncryptedKeyMaterial != nil)
	v.Size("encryptedKeyMaterial", in.EncryptedKeyMaterial, in.EncryptedKeyMaterial != nil, 1, 6144)
	v.Enum("expirationModel", in.ExpirationModel, expiresModel, doesNotExpire)
	v.Enum("importType", in.ImportType, "NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL")
	v.Length("keyMaterialDescription", in.KeyMaterialDescription, 0, 256, false)
	v.Pattern("keyMaterialDescription", in.KeyMaterialDescription, materialDescrPattern, false)
	v.Length("keyMaterialId", in.KeyMaterialID, 64, 64, false)
	v.Pattern("keyMaterialId", in.KeyMaterialID, materialIDPattern, false)
	if err := v.Err(); err != nil {
		return "", err
	}
	model := expiresModel
	if in.ExpirationModel != nil {
		model = *in.ExpirationModel
	}
	switch {
	case model == expiresModel && in.ValidTo == nil:
		return "", errorf("ValidationException", "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
	case model == doesNotExpire && in.ValidTo != nil:
		return "", errorf("ValidationException", "A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE")
	case in.ValidTo != nil && !in.ValidTo.After(now):
		return "", errorf("ValidationException", "The validTo date must be in the future.")
	case in.ValidTo != nil && in.ValidTo.After(now.AddDate(0, 0, 365)):
		return "", errorf("ValidationException", "The validTo date must be no more than 365 days in the future.")
	case in.KeyMaterialID != nil && in.ImportType != nil && *in.ImportType == "NEW_KEY_MATERIAL":
		return "", errorf("ValidationException", "KeyMaterialId cannot be specified when ImportType is NEW_KEY_MATERIAL.")
	}
	return model, nil
}

// importKeyMaterial implements ImportKeyMaterial.
//
// On a Disabled key the docs disagree (conditions part E.3): the key-state
// table (2022) allows it, while the current operation doc says the key must be
// PendingImport or Enabled and the KeyId member doc says PendingImport. The
// reference follows the current operation doc, the newer and normative text,
// and answers KMSInvalidStateException "<arn> is disabled.".
//
// The material must fit the key spec (canonicalMaterial), else
// IncorrectKeyMaterialException (ImportKeyMaterial.18). A symmetric key can
// hold several key materials (importSymmetric); an asymmetric or HMAC key has
// one, which never changes after its first import (importSingle).
func importKeyMaterial(c *call) (any, error) {
	var in importKeyMaterialInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	model, err := in.validate(c.now)
	if err != nil {
		return nil, err
	}
	k, err := c.importableKey(*in.KeyID, KeyUpdating)
	if err != nil {
		return nil, err
	}
	if err := newMaterialIntoReplica(k, in.ImportType); err != nil {
		return nil, err
	}
	symmetric := k.KeySpec == symmetricDefault
	if !symmetric {
		if err := in.checkNonSymmetric(k); err != nil {
			return nil, err
		}
	}
	if st := c.effectiveState(k); st != KeyPendingImport && st != KeyEnabled && st != KeyUpdating {
		return nil, stateError(k, st)
	}
	tok, ok := k.Import.Tokens[hex.EncodeToString(in.ImportToken)]
	if !ok {
		return nil, errorf("InvalidImportTokenException", "The import token is not valid for %s.", k.ARN)
	}
	if !c.now.Before(tok.ValidTo) {
		return nil, errorf("ExpiredImportTokenException", "The import token expired at %s.", tok.ValidTo.Format(time.RFC3339))
	}
	priv, _ := tok.PrivateKey.(*rsa.PrivateKey)
	if priv == nil {
		return nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	unwrapped, err := keywrap.FromImport(priv, tok.WrappingAlgorithm, in.EncryptedKeyMaterial)
	if err != nil {
		return nil, errorf("InvalidCiphertextException", "The encrypted key material could not be unwrapped with the wrapping key and algorithm (%s) of this import token.", tok.WrappingAlgorithm)
	}
	material, err := canonicalMaterial(k.KeySpec, unwrapped)
	if err != nil {
		return nil, err
	}
	id := importedMaterialID(k, material)
	var m *KeyMaterial
	if symmetric {
		m, err = importSymmetric(k, &in, id)
	} else {
		m, err = importSingle(k, id)
	}
	if err != nil {
		return nil, err
	}
	m.Bytes = material
	m.ImportState = MaterialImported
	m.ExpirationModel = model
	m.ValidTo = time.Time{}
	if in.ValidTo != nil {
		m.ValidTo = in.ValidTo.Time
		c.addDeadline(k, m.ValidTo)
	}
	if in.KeyMaterialDescription != nil { // otherwise the last import's description stays
		m.Description = *in.KeyMaterialDescription
	}
	k.syncMaterial()
	if k.State == KeyPendingImport && k.allMaterialInKMS() {
		k.State = KeyEnabled
	}
	out := struct {
		KeyID         string `json:"KeyId"`
		KeyMaterialID string `json:"KeyMaterialId,omitempty"`
	}{KeyID: k.ARN}
	if symmetric { // KMS identifies the key materials of symmetric keys only
		out.KeyMaterialID = id
	}
	return out, nil
}

// checkNonSymmetric refuses the members the docs make "only usable with
// symmetric encryption keys" (ImportKeyMaterial.24-.26, no error named):
// like the other contradictions between members, ValidationException.
func (in *importKeyMaterialInput) checkNonSymmetric(k *Key) error {
	for _, member := range []struct {
		name  string
		given bool
	}{{"ImportType", in.ImportType != nil}, {"KeyMaterialDescription", in.KeyMaterialDescription != nil}, {"KeyMaterialId", in.KeyMaterialID != nil}} {
		if member.given {
			return errorf("ValidationException", "%s is valid only for symmetric encryption KMS keys; %s has KeySpec %s.", member.name, k.ARN, k.KeySpec)
		}
	}
	return nil
}

// importSymmetric picks the key material of a symmetric key that an import
// of the material identified by id fills, adding it when it is new.
//
// ImportType defaults to NEW_KEY_MATERIAL before the key's first import and
// to EXISTING_KEY_MATERIAL after it (ImportKeyMaterial.29). Existing material
// must be a material of the key (.16) and match KeyMaterialId when given
// (.28). New material must not be one the key has (.17); it becomes the
// current material of a key that has none, and otherwise waits as
// PENDING_ROTATION for RotateKeyOnDemand, which leaves room for one pending
// material only: real KMS refuses a second with KMSInvalidStateException,
// naming both materials and the key's ARN.
func importSymmetric(k *Key, in *importKeyMaterialInput, id string) (*KeyMaterial, error) {
	importType := "NEW_KEY_MATERIAL"
	if len(k.Materials) > 0 {
		importType = "EXISTING_KEY_MATERIAL"
	}
	if in.ImportType != nil {
		importType = *in.ImportType
	}
	m := k.findMaterial(id)
	if m == nil && importType == "EXISTING_KEY_MATERIAL" {
		if m = k.primarysPendingMaterial(id); m != nil {
			k.Materials = append(k.Materials, m)
		}
	}
	switch {
	case importType == "EXISTING_KEY_MATERIAL" && len(k.Materials) == 0:
		return nil, incorrectMaterial("%s has no key material to reimport; use ImportType NEW_KEY_MATERIAL.", k.ARN)
	case importType == "EXISTING_KEY_MATERIAL" && m == nil:
		return nil, incorrectMaterial("The key material is not the key material previously imported into %s.", k.ARN)
	case importType == "NEW_KEY_MATERIAL" && m != nil:
		return nil, incorrectMaterial("The key material is already associated with %s.", k.ARN)
	case in.KeyMaterialID != nil && *in.KeyMaterialID != id:
		return nil, incorrectMaterial("KeyMaterialId %s does not identify this key material.", *in.KeyMaterialID)
	case m != nil:
		return m, nil
	}
	if p := k.pendingRotation(); p != nil {
		return nil, errorf("KMSInvalidStateException", "New key material (id: %s) cannot be imported into KMS key %s, because another key material (id: %s) is pending rotation.", id, k.ARN, p.ID)
	}
	m = &KeyMaterial{ID: id, State: MaterialCurrent}
	if k.currentMaterial() != nil {
		m.State = MaterialPendingRotation
	}
	k.Materials = append(k.Materials, m)
	return m, nil
}

// primarysPendingMaterial is, for a replica k, a new entry for the material
// with ID id that its primary holds pending rotation: the replica imports
// it as EXISTING_KEY_MATERIAL before the primary may rotate to it
// (ImportKeyMaterial.31). Nil for any other key or material.
func (k *Key) primarysPendingMaterial(id string) *KeyMaterial {
	if k.mr == nil || k.mr.primary == k.Region {
		return nil
	}
	p, ok := k.mr.keys[k.mr.primary]
	if !ok {
		return nil
	}
	if pm := p.pendingRotation(); pm != nil && pm.ID == id {
		return &KeyMaterial{ID: id, State: MaterialPendingRotation}
	}
	return nil
}

// importSingle picks the one key material of an asymmetric or HMAC key: the
// first import sets it, and every later import must bring the same material
// (ImportKeyMaterial.19, error not named; IncorrectKeyMaterialException, as
// for a symmetric key's reimport of different material, .16).
func importSingle(k *Key, id string) (*KeyMaterial, error) {
	m := k.currentMaterial()
	switch {
	case m == nil:
		m = &KeyMaterial{ID: id, State: MaterialCurrent}
		k.Materials = append(k.Materials, m)
	case m.ID != id:
		return nil, incorrectMaterial("The key material is not the key material previously imported into %s; the key material of a %s key cannot change.", k.ARN, k.KeySpec)
	}
	return m, nil
}

// materialScope is what an imported material's ID is derived from besides
// the material: the key ARN, or for a multi-Region key the key ID its primary
// and replicas share, so that the same material has the same ID in each.
func materialScope(k *Key) string {
	if k.MultiRegion {
		return k.ID
	}
	return k.ARN
}

// importedMaterialID identifies imported material: the same material imported
// into the same key always gets the same identifier.
func importedMaterialID(k *Key, material []byte) string {
	h := sha256.New()
	h.Write([]byte("kmsconform imported key material\x00"))
	h.Write([]byte(materialScope(k)))
	h.Write([]byte{0})
	h.Write(material)
	return hex.EncodeToString(h.Sum(nil))
}

// deleteImportedKeyMaterial implements DeleteImportedKeyMaterial. It deletes
// the material KeyMaterialId names, or the current one
// (DeleteImportedKeyMaterial.12); the material stays associated with the key,
// PENDING_IMPORT, until it is imported again. Deleting any of a key's
// materials, current or pending rotation, makes an Enabled or Disabled key
// PendingImport (.06, .07: the operation doc names no exception) and leaves a
// key pending deletion as it is (.08). A KeyMaterialId that does not identify
// one of this key's materials (.13, error not named in the docs) is
// NotFoundException, the error this operation models for a resource that
// does not exist; nothing is deleted.
func deleteImportedKeyMaterial(c *call) (any, error) {
	var in struct {
		KeyID         *string `json:"KeyId"`
		KeyMaterialID *string `json:"KeyMaterialId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Length("keyMaterialId", in.KeyMaterialID, 64, 64, false)
	v.Pattern("keyMaterialId", in.KeyMaterialID, materialIDPattern, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if k.Origin != OriginExternal || k.Import == nil {
		return nil, notImportable(k)
	}
	switch st := c.effectiveState(k); st {
	case KeyCreating, KeyUpdating:
		return nil, stateError(k, st)
	}
	m := k.currentMaterial()
	if in.KeyMaterialID != nil {
		if m = k.findMaterial(*in.KeyMaterialID); m == nil {
			return nil, errorf("NotFoundException", "Key material %s is not associated with %s.", *in.KeyMaterialID, k.ARN)
		}
	}
	if m != nil && m.Bytes != nil {
		if m.State == MaterialPendingRotation {
			k.deleteFromReplicas(m.ID)
		}
		m.deleteBytes()
		k.syncMaterial()
		if k.State == KeyEnabled || k.State == KeyDisabled {
			k.State = KeyPendingImport
		}
	}
	out := struct {
		KeyID         string `json:"KeyId"`
		KeyMaterialID string `json:"KeyMaterialId,omitempty"`
	}{KeyID: k.ARN}
	if m != nil && k.KeySpec == symmetricDefault {
		out.KeyMaterialID = m.ID
	}
	return out, nil
}

// deleteFromReplicas deletes, when k is a multi-Region primary key, the
// material with ID id from its replicas as well: material pending rotation
// is deleted from every key of the set (DeleteImportedKeyMaterial.15).
func (k *Key) deleteFromReplicas(id string) {
	if k.mr == nil || k.mr.primary != k.Region {
		return
	}
	for region, r := range k.mr.keys {
		rm := r.findMaterial(id)
		if region == k.Region || rm == nil || rm.Bytes == nil {
			continue
		}
		rm.deleteBytes()
		r.syncMaterial()
		if r.State == KeyEnabled || r.State == KeyDisabled {
			r.State = KeyPendingImport
		}
	}
}

// wrappingKeyPool keeps a few pre-generated RSA wrapping keys of the sizes it
// is told to, so that GetParametersForImport rarely waits for RSA key
// generation. A key is handed out once; taking one starts a background refill.
type wrappingKeyPool struct {
	target map[int]int // keys kept ready, by size in bits

	mu      sync.Mutex
	ready   map[int][]*rsa.PrivateKey
	filling map[int]bool
}

func newWrappingKeyPool(target map[int]int) *wrappingKeyPool {
	return &wrappingKeyPool{target: target, ready: map[int][]*rsa.PrivateKey{}, filling: map[int]bool{}}
}

// tryTake returns a ready key of bits, if there is one.
func (p *wrappingKeyPool) tryTake(bits int) (*rsa.PrivateKey, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	keys := p.ready[bits]
	if len(keys) == 0 {
		return nil, false
	}
	k := keys[len(keys)-1]
	p.ready[bits] = keys[:len(keys)-1]
	p.refillLocked(bits)
	return k, true
}

// wait generates a key of bits for the caller, then refills the pool. If ctx
// ends first, the key still being generated goes to the pool.
func (p *wrappingKeyPool) wait(ctx context.Context, bits int) (*rsa.PrivateKey, error) {
	done := make(chan *rsa.PrivateKey, 1)
	go func() {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			k = nil
		}
		done <- k
	}()
	select {
	case k := <-done:
		if k == nil {
			return nil, errors.New("generate RSA wrapping key failed")
		}
		p.mu.Lock()
		p.refillLocked(bits)
		p.mu.Unlock()
		return k, nil
	case <-ctx.Done():
		go func() {
			if k := <-done; k != nil {
				p.put(bits, k)
			}
		}()
		return nil, ctx.Err()
	}
}

func (p *wrappingKeyPool) put(bits int, k *rsa.PrivateKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.ready[bits]) < p.target[bits] {
		p.ready[bits] = append(p.ready[bits], k)
	}
}

// refillLocked starts one background generator for bits unless one is running
// or the pool is full. The generator stops once the pool holds target keys.
func (p *wrappingKeyPool) refillLocked(bits int) {
	if p.filling[bits] || len(p.ready[bits]) >= p.target[bits] {
		return
	}
	p.filling[bits] = true
	go func() {
		for {
			k, err := rsa.GenerateKey(rand.Reader, bits)
			p.mu.Lock()
			if err == nil {
				p.ready[bits] = append(p.ready[bits], k)
			}
			if err != nil || len(p.ready[bits]) >= p.target[bits] {
				p.filling[bits] = false
				p.mu.Unlock()
				return
			}
			p.mu.Unlock()
		}
	}()
}
