package reference

import "strings"

// ListKeyRotations' IncludeKeyMaterial values.
const (
	allKeyMaterial = "ALL_KEY_MATERIAL"
	rotationsOnly  = "ROTATIONS_ONLY"
)

type rotationsListEntry struct {
	KeyID                  string     `json:"KeyId"`
	KeyMaterialID          string     `json:"KeyMaterialId"`
	KeyMaterialState       string     `json:"KeyMaterialState"`
	RotationDate           *Timestamp `json:"RotationDate,omitempty"`
	RotationType           string     `json:"RotationType,omitempty"`
	ImportState            string     `json:"ImportState,omitempty"`
	ExpirationModel        string     `json:"ExpirationModel,omitempty"`
	KeyMaterialDescription string     `json:"KeyMaterialDescription,omitempty"`
	ValidTo                *Timestamp `json:"ValidTo,omitempty"`
}

// listKeyRotations implements ListKeyRotations: the key's materials, oldest
// first. ROTATIONS_ONLY (the default) lists those that completed rotations
// made current (.05); ALL_KEY_MATERIAL adds the first material and imported
// material pending rotation (.06). It answers in every key state; a key that
// neither rotates automatically nor on demand (asymmetric, HMAC, custom key
// store) is UnsupportedOperationException (.07, .11).
//
// A marker is "after:" and the KeyMaterialId of the last entry of the page;
// one that names no material of the key is InvalidMarkerException (.14).
func listKeyRotations(c *call) (any, error) {
	var in struct {
		KeyID              *string `json:"KeyId"`
		IncludeKeyMaterial *string `json:"IncludeKeyMaterial"`
		pageRequest
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Enum("includeKeyMaterial", in.IncludeKeyMaterial, allKeyMaterial, rotationsOnly)
	in.validate(&v, 1000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	switch {
	case k.Origin != OriginAWSKMS && k.Origin != OriginExternal:
		return nil, errorf("UnsupportedOperationException", "%s origin is %s which is not valid for this operation.", k.ARN, k.Origin)
	case k.KeySpec != symmetricDefault:
		return nil, errorf("UnsupportedOperationException", "")
	}
	all := in.IncludeKeyMaterial != nil && *in.IncludeKeyMaterial == allKeyMaterial
	var entries []rotationsListEntry
	for _, m := range k.listedMaterials() {
		if !all && m.RotationType == "" {
			continue
		}
		entries = append(entries, rotationEntry(k, m))
	}
	start := 0
	if in.Marker != nil {
		after, ok := strings.CutPrefix(*in.Marker, "after:")
		i := -1
		for j, e := range entries {
			if e.KeyMaterialID == after {
				i = j
			}
		}
		if !ok || i < 0 {
			return nil, errorf("InvalidMarkerException", "Invalid marker: %s", *in.Marker)
		}
		start = i + 1
	}
	limit := 100
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	end := min(start+limit, len(entries))
	out := struct {
		Rotations  []rotationsListEntry
		NextMarker string `json:",omitempty"`
		Truncated  bool
	}{Rotations: append([]rotationsListEntry{}, entries[start:end]...)}
	if end < len(entries) {
		out.NextMarker, out.Truncated = "after:"+entries[end-1].KeyMaterialID, true
	}
	return out, nil
}

// listedMaterials are k's materials, oldest first. A symmetric AWS_KMS key
// that never rotated holds its one material outside Materials.
func (k *Key) listedMaterials() []*KeyMaterial {
	if len(k.Materials) == 0 && k.MaterialID != "" {
		return []*KeyMaterial{{ID: k.MaterialID, State: MaterialCurrent}}
	}
	return k.Materials
}

// rotationEntry is m as ListKeyRotations lists it: RotationDate and
// RotationType only for material a rotation made current (.08), the import
// members only for EXTERNAL keys (.10).
func rotationEntry(k *Key, m *KeyMaterial) rotationsListEntry {
	e := rotationsListEntry{KeyID: k.ID, KeyMaterialID: m.ID, KeyMaterialState: string(m.State)}
	if m.State == MaterialPendingRotation && len(k.replicasLacking(m)) > 0 {
		e.KeyMaterialState = materialPendingMultiRegion
	}
	if m.RotationType != "" {
		e.RotationType, e.RotationDate = m.RotationType, TimestampOf(m.RotationDate)
	}
	if k.Origin == OriginExternal {
		e.ImportState = string(m.ImportState)
		if e.ImportState == "" {
			e.ImportState = string(MaterialImported)
		}
		e.ExpirationModel, e.KeyMaterialDescription = m.ExpirationModel, m.Description
		if m.ExpirationModel == expiresModel {
			e.ValidTo = TimestampOf(m.ValidTo)
		}
	}
	return e
}
