package reference

import "time"

// Automatic rotation periods (EnableKeyRotation's RotationPeriodInDays).
const (
	defaultRotationDays = 365
	minRotationDays     = 90
	maxRotationDays     = 2560
	// staleMaterial is how old a re-enabled key's material may be before
	// the overdue rotation happens at once (GetKeyRotationStatus.17).
	staleMaterial = 365 * 24 * time.Hour
	// conflictWindow: RotateKeyOnDemand is refused while an automatic
	// rotation is due this soon (RotateKeyOnDemand.09).
	conflictWindow = 20 * time.Minute
)

// Rotation types (ListKeyRotations' RotationType).
const (
	rotationAutomatic = "AUTOMATIC"
	rotationOnDemand  = "ON_DEMAND"
)

// RotationSchedule is a key's automatic rotation. Next is when the next
// rotation is due on the virtual clock; every change of Next adds a
// deadline (call.addDeadline), so that settleRotation runs when it comes.
type RotationSchedule struct {
	Enabled    bool
	PeriodDays int
	Next       time.Time
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// enableKeyRotation implements EnableKeyRotation: the first rotation is a
// period after the call (EnableKeyRotation.06); on a key whose rotation is
// on already it sets the new period, counted from now (.07).
func enableKeyRotation(c *call) (any, error) {
	var in struct {
		KeyID                *string `json:"KeyId"`
		RotationPeriodInDays *int64  `json:"RotationPeriodInDays"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Range("rotationPeriodInDays", in.RotationPeriodInDays, minRotationDays, maxRotationDays)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if err := c.configurableRotation(k); err != nil {
		return nil, err
	}
	period := defaultRotationDays
	if in.RotationPeriodInDays != nil {
		period = int(*in.RotationPeriodInDays)
	}
	k.Rotation = RotationSchedule{Enabled: true, PeriodDays: period, Next: c.now.Add(days(period))}
	c.addDeadline(k, k.Rotation.Next)
	return nil, nil
}

// disableKeyRotation implements DisableKeyRotation.
func disableKeyRotation(c *call) (any, error) {
	k, err := c.keyFromKeyIDInput(keyOrARN)
	if err != nil {
		return nil, err
	}
	if err := c.configurableRotation(k); err != nil {
		return nil, err
	}
	k.Rotation = RotationSchedule{}
	return nil, nil
}

// configurableRotation checks that k's automatic rotation may be switched
// now, in the order of the key-state table's rows for EnableKeyRotation and
// DisableKeyRotation: a key with imported material or in a custom key store
// is UnsupportedOperationException in every state (footnotes 6 and 7), with
// the message KMS gave for EXTERNAL keys (recorded: realkms
// RotateKeyOnDemand.imported-material.2025-03); then Disabled is
// DisabledException and PendingDeletion, PendingReplicaDeletion and
// Creating are KMSInvalidStateException; then keys that have no automatic
// rotation to configure (asymmetric, HMAC, AWS managed: the docs name no
// error) are UnsupportedOperationException without a message, as real KMS
// answers RotateKeyOnDemand for an RSA key.
func (c *call) configurableRotation(k *Key) error {
	if k.Origin != OriginAWSKMS {
		return errorf("UnsupportedOperationException", "%s origin is %s which is not valid for this operation.", k.ARN, k.Origin)
	}
	switch st := c.effectiveState(k); st {
	case KeyEnabled, KeyUpdating:
	case KeyDisabled:
		return errorf("DisabledException", "%s is disabled.", k.ARN)
	default:
		return stateError(k, st)
	}
	if err := notReplica(k, "set the automatic rotation of its primary key"); err != nil {
		return err
	}
	if k.KeySpec != symmetricDefault || c.keyManager(k) == "AWS" {
		return errorf("UnsupportedOperationException", "")
	}
	return nil
}

// getKeyRotationStatus implements GetKeyRotationStatus. It answers in every
// key state (key-state table) for symmetric AWS_KMS keys; keys with imported
// material or in a custom key store are UnsupportedOperationException in
// every state (footnotes 6, 7; see catalog conflict E40), and so are keys
// without automatic rotation (asymmetric, HMAC). A key pending deletion
// shows rotation off, and cancelling the deletion restores what it showed
// (.09): the schedule itself is kept. An AWS managed key always rotates,
// yearly (.07). A rotation on demand completes before its call answers, so
// OnDemandRotationStartDate never shows.
func getKeyRotationStatus(c *call) (any, error) {
	k, err := c.keyFromKeyIDInput(keyOrARN)
	if err != nil {
		return nil, err
	}
	if k.Origin != OriginAWSKMS {
		return nil, errorf("UnsupportedOperationException", "%s origin is %s which is not valid for this operation.", k.ARN, k.Origin)
	}
	if k.KeySpec != symmetricDefault {
		return nil, errorf("UnsupportedOperationException", "")
	}
	if c.keyManager(k) == "AWS" && !k.Rotation.Enabled {
		k.Rotation = RotationSchedule{Enabled: true, PeriodDays: defaultRotationDays, Next: k.Created.Add(days(defaultRotationDays))}
		c.addDeadline(k, k.Rotation.Next)
	}
	out := struct {
		KeyID                string     `json:"KeyId"`
		KeyRotationEnabled   bool       `json:"KeyRotationEnabled"`
		RotationPeriodInDays int        `json:"RotationPeriodInDays,omitempty"`
		NextRotationDate     *Timestamp `json:"NextRotationDate,omitempty"`
	}{KeyID: k.ARN}
	switch st := c.effectiveState(k); {
	case st == KeyPendingDeletion || st == KeyPendingReplicaDeletion:
	case k.Rotation.Enabled:
		out.KeyRotationEnabled = true
		out.RotationPeriodInDays = k.Rotation.PeriodDays
		out.NextRotationDate = TimestampOf(k.Rotation.Next)
	}
	return out, nil
}

// settleRotation makes the automatic rotations of k that are due at now,
// each dated when it was due, and schedules the next. A key that is not
// Enabled when a rotation comes due is not rotated (GetKeyRotationStatus.08);
// resumeRotation decides when it is enabled again.
func settleRotation(a *account, k *Key, now time.Time) {
	r := &k.Rotation
	if !r.Enabled || r.Next.IsZero() || now.Before(r.Next) || effectiveState(a, k) != KeyEnabled {
		return
	}
	for !now.Before(r.Next) {
		rotateAutomatically(k, r.Next)
		r.Next = r.Next.Add(days(r.PeriodDays))
	}
	a.deadlines.add(k, r.Next)
}

// resumeRotation is called when k becomes Enabled again: a rotation that
// came due meanwhile happens at once if the current material is more than
// a year old, otherwise the earlier schedule resumes (GetKeyRotationStatus.17).
func (c *call) resumeRotation(k *Key) {
	r := &k.Rotation
	if !r.Enabled || r.Next.IsZero() || c.now.Before(r.Next) {
		return
	}
	if c.now.Sub(k.materialSince()) > staleMaterial {
		rotateAutomatically(k, c.now)
		r.Next = c.now.Add(days(r.PeriodDays))
	}
	for !c.now.Before(r.Next) {
		r.Next = r.Next.Add(days(r.PeriodDays))
	}
	c.addDeadline(k, r.Next)
}

// materialSince is when k's current material became current.
func (k *Key) materialSince() time.Time {
	if cur := k.currentMaterial(); cur != nil && !cur.RotationDate.IsZero() {
		return cur.RotationDate
	}
	return k.Created
}

// rotateAutomatically makes fresh material current in k, an AWS_KMS
// symmetric key, as an automatic rotation dated at.
func rotateAutomatically(k *Key, at time.Time) {
	next, err := nextMaterial(k)
	if err != nil {
		return // only EXTERNAL keys lack material to rotate to, and they have no schedule
	}
	k.rotateTo(next, rotationAutomatic, at)
}
