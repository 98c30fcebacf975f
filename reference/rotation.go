package reference

import (
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// rotationOperations are the key rotation operations.
func rotationOperations() map[string]operation {
	return map[string]operation{
		"RotateKeyOnDemand":    rotateKeyOnDemand,
		"EnableKeyRotation":    enableKeyRotation,
		"DisableKeyRotation":   disableKeyRotation,
		"GetKeyRotationStatus": getKeyRotationStatus,
		"ListKeyRotations":     listKeyRotations,
		"GetKeyLastUsage":      getKeyLastUsage,
	}
}

// onDemandRotationLimit is how many on-demand rotations a key may have.
// Real KMS refused the 11th when recorded (realkms
// RotateKeyOnDemand.limit-reached, April 2025); the 2026 documentation says
// 25 (RotateKeyOnDemand.08). The recording is the expectation.
const onDemandRotationLimit = 10

// rotateKeyOnDemand implements RotateKeyOnDemand. Rotation completes at
// once: the new material is current before the answer, so Encrypt uses it
// right away, while the former material stays with the key, NON_CURRENT,
// and decrypts what it encrypted.
//
// The checks, in the order real KMS makes them where recorded:
//   - the key exists (.01) and is the caller's: the operation is not
//     cross-account (.04);
//   - its state: Disabled is DisabledException (.18), even for a key that
//     could not be rotated at all (recorded: realkms RotateKeyOnDemand.disabled);
//     any other state but Enabled is KMSInvalidStateException (.19), e.g.
//     "is pending import." for an EXTERNAL key without material;
//   - it can be rotated: asymmetric and HMAC keys (.10, .11) and AWS managed
//     keys (.13) are UnsupportedOperationException without a message, as
//     recorded for an RSA key; a key in a custom key store (.12) is refused
//     with the message KMS used for EXTERNAL keys before it rotated them;
//   - no automatic rotation due within conflictWindow (.09);
//   - at most onDemandRotationLimit on-demand rotations (.08);
//   - a key with imported material rotates to its PENDING_ROTATION material
//     (.15) and needs one (.14; recorded message).
//
// The rotation leaves the automatic schedule alone (.07).
func rotateKeyOnDemand(c *call) (any, error) {
	k, err := c.keyFromKeyIDInput(keyOrARN)
	if err != nil {
		return nil, err
	}
	switch st := c.effectiveState(k); st {
	case KeyEnabled:
	case KeyDisabled:
		return nil, errorf("DisabledException", "%s is disabled.", k.ARN)
	default:
		return nil, stateError(k, st)
	}
	if err := notReplica(k, "rotate its primary key on demand"); err != nil { // .16
		return nil, err
	}
	switch {
	case k.KeySpec != symmetricDefault || c.keyManager(k) == "AWS":
		return nil, errorf("UnsupportedOperationException", "")
	case k.Origin != OriginAWSKMS && k.Origin != OriginExternal:
		return nil, errorf("UnsupportedOperationException", "%s origin is %s which is not valid for this operation.", k.ARN, k.Origin)
	case k.Rotation.Enabled && !k.Rotation.Next.IsZero() && k.Rotation.Next.Sub(c.now) < conflictWindow:
		return nil, errorf("ConflictException", "An automatic rotation of %s is in progress or due within 20 minutes; try again after it.", k.ARN)
	case k.onDemandRotations() >= onDemandRotationLimit:
		return nil, errorf("LimitExceededException", "The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: %s", k.ARN)
	}
	next, err := nextMaterial(k)
	if err != nil {
		return nil, err
	}
	if lacking := k.replicasLacking(next); len(lacking) > 0 { // ImportKeyMaterial.31, RotateKeyOnDemand.17
		return nil, errorf("KMSInvalidStateException", "Key material %s pending rotation of %s has not been imported into its replicas in %s.", next.ID, k.ARN, strings.Join(lacking, ", "))
	}
	k.rotateTo(next, rotationOnDemand, c.now)
	return struct {
		KeyID string `json:"KeyId"`
	}{k.ARN}, nil
}

// nextMaterial is the material a rotation of k makes current: the imported
// material pending rotation of an EXTERNAL key, or fresh material for a key
// whose material KMS generates.
func nextMaterial(k *Key) (*KeyMaterial, error) {
	if k.Origin == OriginExternal {
		m := k.pendingRotation()
		if m == nil {
			return nil, errorf("KMSInvalidStateException", "No available key material pending rotation for the key: %s.", k.ARN)
		}
		return m, nil
	}
	if len(k.Materials) == 0 {
		// Generated symmetric material is held on the key alone until its
		// first rotation, which needs it listed to keep it as NON_CURRENT.
		k.Materials = []*KeyMaterial{{ID: k.MaterialID, Bytes: k.Material, State: MaterialCurrent}}
	}
	m := &KeyMaterial{ID: hex.EncodeToString(randomBytes(materialLen)), Bytes: randomBytes(32), State: MaterialPendingRotation}
	k.Materials = append(k.Materials, m)
	return m, nil
}

// rotateTo makes next, one of k's materials, current; the current material
// becomes NON_CURRENT and still decrypts what it encrypted.
func (k *Key) rotateTo(next *KeyMaterial, rotationType string, now time.Time) {
	if cur := k.currentMaterial(); cur != nil {
		cur.State = MaterialNonCurrent
	}
	next.State = MaterialCurrent
	next.RotationType, next.RotationDate = rotationType, now
	k.syncMaterial()
	if k.mr != nil && k.mr.primary == k.Region {
		k.rotateReplicas(next, rotationType, now)
	}
}

// rotateReplicas rotates the replicas of primary k with it: a multi-Region
// key's keys share every key material. A replica takes a copy of generated
// material; imported material it must have imported already
// (ImportKeyMaterial.31), which RotateKeyOnDemand checks first.
func (k *Key) rotateReplicas(next *KeyMaterial, rotationType string, now time.Time) {
	for region, r := range k.mr.keys {
		if region == k.Region {
			continue
		}
		m := r.findMaterial(next.ID)
		if m == nil {
			if k.Origin == OriginExternal {
				continue
			}
			if len(r.Materials) == 0 {
				r.Materials = []*KeyMaterial{{ID: r.MaterialID, Bytes: r.Material, State: MaterialCurrent}}
			}
			cp := *next
			cp.Bytes = slices.Clone(next.Bytes)
			m = &cp
			r.Materials = append(r.Materials, m)
		}
		r.rotateTo(m, rotationType, now)
	}
}

// materialPendingMultiRegion is ListKeyRotations' KeyMaterialState of
// imported material pending rotation of a multi-Region primary key that
// some replica has not imported yet.
const materialPendingMultiRegion = "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"

// replicasLacking are the Regions of the replicas of k, a multi-Region
// primary key with imported material, that have not imported m: the
// primary cannot rotate to it before every replica has (ImportKeyMaterial.31).
func (k *Key) replicasLacking(m *KeyMaterial) []string {
	if k.mr == nil || k.mr.primary != k.Region || k.Origin != OriginExternal {
		return nil
	}
	var out []string
	for _, region := range k.mr.order {
		if r := k.mr.keys[region]; region != k.Region {
			if rm := r.findMaterial(m.ID); rm == nil || rm.Bytes == nil {
				out = append(out, region)
			}
		}
	}
	return out
}

// notReplica refuses an operation on a multi-Region replica that only its
// primary key takes: rotation is the primary's (EnableKeyRotation.13,
// DisableKeyRotation.11, RotateKeyOnDemand.16; no error named). The
// reference answers UnsupportedOperationException, as real KMS was recorded
// answering ReplicateKey for a replica.
func notReplica(k *Key, instead string) error {
	if k.mr == nil || k.mr.primary == k.Region {
		return nil
	}
	return errorf("UnsupportedOperationException", "%s is a multi-region replica key; %s instead.", k.ARN, instead)
}

// onDemandRotations counts the on-demand rotations k has had.
func (k *Key) onDemandRotations() int {
	n := 0
	for _, m := range k.Materials {
		if m.RotationType == rotationOnDemand {
			n++
		}
	}
	return n
}
