package reference

import (
	"crypto/cipher"
	"encoding/hex"
)

// sealer is the AES-GCM of one key material, built once: building it (key
// expansion, GCM tables) cost more than sealing a small plaintext. Keys keep
// theirs (Key.sealers) for as long as the material they were built from is
// the key's; crypto/cipher's GCM is safe for concurrent use.
type sealer struct {
	// material is the key's own slice, not a copy: the entry belongs to the
	// material that is the same slice (materials are replaced, never
	// changed in place, except cleared on deletion, when syncMaterial drops
	// every entry).
	material []byte
	aead     cipher.AEAD
	// givenID and headerID are the material ID a blob header carries, for
	// the key's MaterialID as it was when headerID was decoded.
	givenID  string
	headerID []byte
}

// maxSealers bounds a key's entries: the current material and a few former
// ones whose ciphertexts are still being decrypted.
const maxSealers = 4

// sealerFor returns the sealer of material, one of k's materials, building it
// on first use. Call it with the Service lock held.
func (k *Key) sealerFor(material []byte) (*sealer, error) {
	for _, s := range k.sealers {
		if sameBytes(s.material, material) {
			return s, nil
		}
	}
	aead, err := newGCM(material)
	if err != nil {
		return nil, err
	}
	s := &sealer{material: material, aead: aead}
	if len(k.sealers) >= maxSealers {
		k.sealers = k.sealers[1:]
	}
	k.sealers = append(k.sealers, s)
	return s, nil
}

// blobID is the 32-byte material ID a blob sealed with k's current material
// carries (materialID), decoded once per sealer; nil if it is malformed.
func (s *sealer) blobID(k *Key) []byte {
	if s.headerID == nil || s.givenID != k.MaterialID {
		// A derived ID (no MaterialID) depends only on the material,
		// which is this sealer's.
		id, err := hex.DecodeString(materialID(k))
		if err != nil || len(id) != materialLen {
			return nil
		}
		s.givenID, s.headerID = k.MaterialID, id
	}
	return s.headerID
}

// sameBytes reports whether a and b are the same slice of the same array.
func sameBytes(a, b []byte) bool {
	return len(a) > 0 && len(a) == len(b) && &a[0] == &b[0]
}
