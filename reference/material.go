package reference

import (
	"encoding/hex"
	"errors"
	"time"
)

// MaterialState is where a key material stands in its key's rotation
// (ListKeyRotations' KeyMaterialState).
type MaterialState string

// Key material states. A key has one CURRENT material; a symmetric EXTERNAL
// key may also hold one PENDING_ROTATION material (imported as
// NEW_KEY_MATERIAL, made current by on-demand rotation) and NON_CURRENT ones
// (former current materials, still used to decrypt).
const (
	MaterialCurrent         MaterialState = "CURRENT"
	MaterialPendingRotation MaterialState = "PENDING_ROTATION"
	MaterialNonCurrent      MaterialState = "NON_CURRENT"
)

// MaterialImportState says whether an imported key material is in KMS
// (ListKeyRotations' ImportState). Generated material has none.
type MaterialImportState string

// Import states of imported key material.
const (
	MaterialImported      MaterialImportState = "IMPORTED"
	MaterialPendingImport MaterialImportState = "PENDING_IMPORT" // deleted or expired; reimport restores it
)

// KeyMaterial is one key material of a KMS key.
type KeyMaterial struct {
	// ID is the KeyMaterialId. For imported material it is derived from the
	// key and the material, so that a reimport can be recognised after the
	// bytes were deleted.
	ID string
	// Bytes is the material, nil while it is not in KMS (PENDING_IMPORT).
	// SYMMETRIC_DEFAULT: 32 bytes; HMAC_*: the raw HMAC key; asymmetric key
	// specs: a DER PKCS #8 private key in the form canonicalMaterial gives.
	// Secret: never logged.
	Bytes       []byte
	State       MaterialState
	ImportState MaterialImportState // "" for material KMS generated
	// ExpirationModel and ValidTo are those of the material's last import.
	ExpirationModel string
	ValidTo         time.Time
	Description     string
	// RotationType and RotationDate say how and when a rotation made the
	// material current (ListKeyRotations); "" for the key's first material.
	RotationType string
	RotationDate time.Time
}

// expired reports whether imported material has passed its ValidTo at now.
func (m *KeyMaterial) expired(now time.Time) bool {
	return m.Bytes != nil && m.ExpirationModel == expiresModel && !m.ValidTo.IsZero() && !now.Before(m.ValidTo)
}

// deleteBytes removes imported material from KMS; it stays associated with
// its key, PENDING_IMPORT, until the same material is imported again.
func (m *KeyMaterial) deleteBytes() {
	clear(m.Bytes)
	m.Bytes = nil
	m.ImportState = MaterialPendingImport
}

// currentMaterial is k's CURRENT material, nil before any material.
func (k *Key) currentMaterial() *KeyMaterial {
	return k.materialIn(MaterialCurrent)
}

// pendingRotation is k's PENDING_ROTATION material, if any.
func (k *Key) pendingRotation() *KeyMaterial {
	return k.materialIn(MaterialPendingRotation)
}

func (k *Key) materialIn(state MaterialState) *KeyMaterial {
	for _, m := range k.Materials {
		if m.State == state {
			return m
		}
	}
	return nil
}

// findMaterial is the material of k with KeyMaterialId id, if any.
func (k *Key) findMaterial(id string) *KeyMaterial {
	for _, m := range k.Materials {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// allMaterialInKMS reports whether every material of k is in KMS: a key
// with imported material is usable only then (ImportKeyMaterial.32).
func (k *Key) allMaterialInKMS() bool {
	for _, m := range k.Materials {
		if m.Bytes == nil {
			return false
		}
	}
	return len(k.Materials) > 0
}

// syncMaterial copies k's current material into the fields the rest of the
// reference reads: Material and MaterialID (encryption, DescribeKey) and,
// for EXTERNAL keys, Import.ExpirationModel and Import.ValidTo (expiry in
// settleLocked, DescribeKey). Material is nil unless every material of the
// key is in KMS, so that a key that lacks any of its material is unusable.
func (k *Key) syncMaterial() {
	cur := k.currentMaterial()
	k.Material, k.MaterialID = nil, ""
	k.sealers = nil
	if cur != nil {
		k.MaterialID = cur.ID
		if k.allMaterialInKMS() {
			k.Material = cur.Bytes
		}
	}
	if k.Import != nil {
		k.Import.ExpirationModel, k.Import.ValidTo = "", time.Time{}
		if cur != nil {
			k.Import.ExpirationModel, k.Import.ValidTo = cur.ExpirationModel, cur.ValidTo
		}
	}
}

// settleMaterials deletes every imported material of k whose ValidTo has
// passed at now (ImportKeyMaterial.33), pending rotation or current. A key
// that loses material this way becomes PendingImport unless it is pending
// deletion, as settleKey does for the current material.
func settleMaterials(k *Key, now time.Time) {
	if k.Import == nil || len(k.Materials) == 0 {
		return
	}
	lost := false
	for _, m := range k.Materials {
		if m.expired(now) {
			m.deleteBytes()
			lost = true
		}
	}
	if lost && k.State != KeyPendingDeletion {
		k.State = KeyPendingImport
	}
	k.syncMaterial()
}

// errNoMaterial: the key has no material KMS could generate (EXTERNAL or
// custom key store keys without their material).
var errNoMaterial = errors.New("the key has no key material")

// ensureMaterial returns the bytes of k's current material. An AWS_KMS key
// whose material was never needed gets it now: asymmetric and HMAC key pairs
// and keys are generated on first use rather than at CreateKey, since RSA
// generation is slow and most keys in a run are never used. Call it with the
// Service lock held.
func (k *Key) ensureMaterial() ([]byte, error) {
	if k.Material != nil {
		return k.Material, nil
	}
	if k.Origin != OriginAWSKMS || len(k.Materials) > 0 {
		return nil, errNoMaterial
	}
	material, err := generateMaterial(k.KeySpec)
	if err != nil {
		return nil, err
	}
	k.Materials = append(k.Materials, &KeyMaterial{ID: hex.EncodeToString(randomBytes(32)), Bytes: material, State: MaterialCurrent})
	k.syncMaterial()
	return k.Material, nil
}
