package reference

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Multi-Region keys. A primary and its replicas share a key ID and key
// material and live in the same account, one key per Region; each is a Key
// in its Region's account, and all of them point to one mrGroup that says
// which Region holds the primary. ReplicateKey leaves the new replica
// Creating and UpdatePrimaryRegion leaves both keys Updating for
// transitionLatency of virtual time, or until the control API releases a
// hold on the key ID (POST /keys/{id}/hold, /release), so that scenarios can
// observe those states.

// transitionLatency is how long a replica stays Creating and a key Updating
// when nothing holds it. Real KMS takes seconds; callers poll either way.
const transitionLatency = 100 * time.Millisecond

// regionPattern is the model's RegionType pattern (ReplicaRegion, PrimaryRegion).
var regionPattern = MustPattern(`^([a-z]+-){2,3}\d+$`)

// mrGroup is one multi-Region key: its keys by Region and which is primary.
type mrGroup struct {
	primary string          // the primary key's Region
	order   []string        // Regions in the order their keys were made
	keys    map[string]*Key // by Region
}

func newMRGroup(k *Key) *mrGroup {
	return &mrGroup{primary: k.Region, order: []string{k.Region}, keys: map[string]*Key{k.Region: k}}
}

func (g *mrGroup) add(k *Key) {
	g.order = append(g.order, k.Region)
	g.keys[k.Region] = k
}

func (g *mrGroup) remove(k *Key) {
	delete(g.keys, k.Region)
	g.order = slices.DeleteFunc(g.order, func(r string) bool { return r == k.Region })
}

// configuration is DescribeKey's MultiRegionConfiguration for k, one of the group's keys.
func (g *mrGroup) configuration(k *Key) *multiRegionConfiguration {
	cfg := &multiRegionConfiguration{MultiRegionKeyType: "REPLICA", ReplicaKeys: []multiRegionKey{}}
	if k.Region == g.primary {
		cfg.MultiRegionKeyType = "PRIMARY"
	}
	if p, ok := g.keys[g.primary]; ok {
		cfg.PrimaryKey = multiRegionKey{Arn: p.ARN, Region: g.primary}
	}
	for _, r := range g.order {
		if r != g.primary {
			cfg.ReplicaKeys = append(cfg.ReplicaKeys, multiRegionKey{Arn: g.keys[r].ARN, Region: r})
		}
	}
	return cfg
}

// waitsForReplicas reports whether k is a primary key that still has
// replicas: its deletion waits for theirs (ScheduleKeyDeletion.13).
func (k *Key) waitsForReplicas() bool {
	return k.mr != nil && k.mr.primary == k.Region && len(k.mr.keys) > 1
}

// keyTransition is a Creating or Updating under way: the key goes from
// `from` to `to` at `at` (virtual time), or, with a zero at, when released.
type keyTransition struct {
	from, to KeyState
	at       time.Time
}

// startTransition puts k, held in account a, into state during until
// transitionLatency has passed or, if its key ID is held, until released.
func (s *Service) startTransition(a *account, k *Key, during, to KeyState, now time.Time) {
	k.State = during
	k.transition = &keyTransition{from: during, to: to}
	if !s.keyHolds[k.ID] {
		k.transition.at = now.Add(transitionLatency)
		a.deadlines.add(k, k.transition.at)
	}
}

// settleTransition ends k's transition when it is due, unless something else
// (a scheduled deletion of a Creating replica) changed its state meanwhile.
func settleTransition(k *Key, now time.Time) {
	t := k.transition
	if t == nil || t.at.IsZero() || now.Before(t.at) {
		return
	}
	if k.State == t.from {
		k.State = t.to
	}
	k.transition = nil
}

// keyGoneLocked takes a deleted multi-Region key out of its group. When the
// last replica of a primary that is PendingReplicaDeletion goes, the
// primary's own waiting period starts (ScheduleKeyDeletion.13).
func (s *Service) keyGoneLocked(k *Key, now time.Time) {
	g := k.mr
	g.remove(k)
	p, ok := g.keys[g.primary]
	if !ok || p.State != KeyPendingReplicaDeletion || len(g.keys) > 1 {
		return
	}
	p.State = KeyPendingDeletion
	p.DeletionDate = now.Add(time.Duration(p.PendingWindowInDays) * 24 * time.Hour)
	if owner, ok := s.ownerOf(p); ok {
		owner.deadlines.add(p, p.DeletionDate)
	}
}

// relatedKeyARN is the key ARN a ciphertext carries, moved to the caller's
// Region when it names a multi-Region key of the caller's account whose
// related key is here: a replica decrypts what its primary encrypted
// (ReplicateKey.12).
func (c *call) relatedKeyARN(s string) string {
	arn, ok := parseKMSARN(s)
	if !ok || arn.Region == c.region || arn.Account != c.acct.id {
		return s
	}
	if k, ok := c.acct.keys[strings.TrimPrefix(arn.Resource, "key/")]; ok && k.mr != nil {
		return k.ARN
	}
	return s
}

// newMaterialIntoReplica refuses new key material imported straight into a
// replica: new material goes into the primary, and a replica takes only its
// primary's (ImportKeyMaterial.30, error not named; the reference answers
// UnsupportedOperationException, which the operation models for a request
// its key cannot serve).
func newMaterialIntoReplica(k *Key, importType *string) error {
	if k.mr == nil || k.mr.primary == k.Region || importType == nil || *importType != "NEW_KEY_MATERIAL" {
		return nil
	}
	return errorf("UnsupportedOperationException", "%s is a multi-region replica key; import new key material into its primary key.", k.ARN)
}

func multiRegionOperations() map[string]operation {
	return map[string]operation{"ReplicateKey": replicateKey, "UpdatePrimaryRegion": updatePrimaryRegion}
}

// primaryKey checks that k is a multi-Region primary key. Real KMS was
// recorded answering UnsupportedOperationException for a replica
// (realkms ReplicateKey.replica-key); the reference answers a single-Region
// key the same way.
func primaryKey(k *Key) error {
	if k.mr == nil {
		return errorf("UnsupportedOperationException", "%s is not a multi-region key.", k.ARN)
	}
	if k.mr.primary != k.Region {
		return errorf("UnsupportedOperationException", "%s is not a multi-region primary key.", k.ARN)
	}
	return nil
}

// primaryState checks the primary's key state for ReplicateKey and
// UpdatePrimaryRegion: Disabled is DisabledException, every other state
// but Enabled (and, for UpdatePrimaryRegion, Updating) KMSInvalidStateException.
func (c *call) primaryState(k *Key, allowed ...KeyState) error {
	st := c.effectiveState(k)
	switch {
	case st == KeyEnabled || slices.Contains(allowed, st):
		return nil
	case st == KeyDisabled:
		return errorf("DisabledException", "%s is disabled.", k.ARN)
	default:
		return stateError(k, st)
	}
}

func validateRegion(v *validator, field string, region *string) {
	v.Required(field, region != nil)
	v.Length(field, region, 1, 32, false)
	v.Pattern(field, region, regionPattern, false)
}

// replicateKey implements ReplicateKey. The docs name no error for a
// replica Region that is the primary's (ReplicateKey.06) or not served
// (.07); the reference answers ValidationException and
// UnsupportedOperationException.
func replicateKey(c *call) (any, error) {
	var in struct {
		KeyID                          *string    `json:"KeyId"`
		ReplicaRegion                  *string    `json:"ReplicaRegion"`
		Policy                         *string    `json:"Policy"`
		BypassPolicyLockoutSafetyCheck *bool      `json:"BypassPolicyLockoutSafetyCheck"`
		Description                    *string    `json:"Description"`
		Tags                           []tagInput `json:"Tags"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	validateRegion(&v, "replicaRegion", in.ReplicaRegion)
	v.Length("policy", in.Policy, 1, 131072, false)
	v.Pattern("policy", in.Policy, policyPattern, false)
	v.Length("description", in.Description, 0, 8192, false)
	validateTags(&v, "tags", in.Tags)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if err := primaryKey(k); err != nil {
		return nil, err
	}
	region := *in.ReplicaRegion
	switch {
	case region == k.Region:
		return nil, errorf("ValidationException", "ReplicaRegion %s is the Region of the primary key %s.", region, k.ARN)
	case !slices.Contains(c.svc.regions, region) || partitionFor(region) != partitionFor(k.Region):
		return nil, errorf("UnsupportedOperationException", "%s is not a Region this key can be replicated to.", region)
	}
	if err := c.primaryState(k); err != nil {
		return nil, err
	}
	if existing, ok := k.mr.keys[region]; ok { // ReplicateKey.08, also while it waits to be deleted
		return nil, errorf("AlreadyExistsException", "%s already exists.", existing.ARN)
	}
	policy := defaultKeyPolicy(c.acct.id)
	if in.Policy != nil {
		if err := checkPolicy(*in.Policy); err != nil {
			return nil, err
		}
		bypass := in.BypassPolicyLockoutSafetyCheck != nil && *in.BypassPolicyLockoutSafetyCheck
		if !bypass && !policyAllows(*in.Policy, partitionFor(region), c.acct.id, "kms:PutKeyPolicy") {
			return nil, errorf("MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future.")
		}
		policy = *in.Policy
	}
	tags, err := checkTags(in.Tags, nil)
	if err != nil {
		return nil, err
	}
	dest := c.svc.accountLocked(c.acct.id, region)
	if quota := c.svc.keyQuotaOf(dest); len(dest.keys) >= quota { // ReplicateKey.23
		return nil, errorf("LimitExceededException", "The account has reached its quota of %d KMS keys in %s.", quota, region)
	}
	if k.Origin == OriginAWSKMS {
		if _, err := k.ensureMaterial(); err != nil {
			return nil, errorf("KMSInternalException", "An internal error occurred.")
		}
	}
	r := &Key{
		ID:          k.ID,
		ARN:         keyARN(region, c.acct.id, k.ID),
		Account:     c.acct.id,
		Region:      region,
		Created:     c.now,
		Description: deref(in.Description),
		KeySpec:     k.KeySpec,
		KeyUsage:    k.KeyUsage,
		Origin:      k.Origin,
		MultiRegion: true,
		Policy:      policy,
		Tags:        tags,
		mr:          k.mr,
	}
	r.shareMaterial(k)
	to := KeyEnabled
	if r.Import != nil { // ReplicateKey.10, .13: imported material must be imported into the replica too
		to = KeyPendingImport
	}
	c.svc.startTransition(dest, r, KeyCreating, to, c.now)
	dest.keys[r.ID] = r
	k.mr.add(r)
	out := struct {
		ReplicaKeyMetadata keyMetadata
		ReplicaPolicy      string
		ReplicaTags        []Tag `json:",omitempty"`
	}{c.metadata(r), r.Policy, r.Tags}
	return out, nil
}

// shareMaterial gives replica r the key material of primary p: a copy of
// generated material, and for imported material only its identity, to be
// filled by importing the same material into r (ReplicateKey.12, .13).
func (r *Key) shareMaterial(p *Key) {
	r.Material = slices.Clone(p.Material)
	r.MaterialID = p.MaterialID
	for _, m := range p.Materials {
		cp := *m
		cp.Bytes = slices.Clone(m.Bytes)
		if p.Import != nil {
			cp.Bytes = nil
			cp.ImportState = MaterialPendingImport
		}
		r.Materials = append(r.Materials, &cp)
	}
	if p.Import != nil {
		r.Import = &ImportState{Tokens: map[string]*ImportToken{}}
	}
	if len(r.Materials) > 0 {
		r.syncMaterial()
	}
}

// updatePrimaryRegion implements UpdatePrimaryRegion. A PrimaryRegion that
// holds no replica of the key (UpdatePrimaryRegion.06, error not named) is
// NotFoundException, the error the operation models for a missing resource.
func updatePrimaryRegion(c *call) (any, error) {
	var in struct {
		KeyID         *string `json:"KeyId"`
		PrimaryRegion *string `json:"PrimaryRegion"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	validateRegion(&v, "primaryRegion", in.PrimaryRegion)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if err := primaryKey(k); err != nil {
		return nil, err
	}
	if err := c.primaryState(k, KeyUpdating); err != nil { // UpdatePrimaryRegion.12-.16
		return nil, err
	}
	region := *in.PrimaryRegion
	r, ok := k.mr.keys[region]
	if !ok || region == k.Region {
		return nil, errorf("NotFoundException", "%s has no replica in %s.", k.ARN, region)
	}
	switch st := c.effectiveState(r); st {
	case KeyCreating, KeyUpdating, KeyPendingDeletion, KeyPendingReplicaDeletion:
		return nil, stateError(r, st)
	}
	owner, _ := c.svc.ownerOf(k)
	rOwner, _ := c.svc.ownerOf(r)
	k.mr.primary = region
	c.svc.startTransition(owner, k, KeyUpdating, restingState(k), c.now)
	c.svc.startTransition(rOwner, r, KeyUpdating, restingState(r), c.now)
	return nil, nil
}

// restingState is the state k returns to after a transition: its state now,
// or the one its transition under way leads to.
func restingState(k *Key) KeyState {
	if k.transition != nil && k.State == k.transition.from {
		return k.transition.to
	}
	return k.State
}

// KeyHoldState is what the control API shows of a key ID's hold: whether
// its transitions are held, and the state of its key in each Region.
type KeyHoldState struct {
	KeyID  string              `json:"keyId"`
	Held   bool                `json:"held"`
	States map[string]KeyState `json:"states"` // by Region
}

// keysWithIDLocked are the keys, in any account and Region, with key ID id:
// a multi-Region key's primary and replicas.
func (s *Service) keysWithIDLocked(id string) []*Key {
	var out []*Key
	for _, a := range s.accounts {
		if k, ok := a.keys[id]; ok {
			out = append(out, k)
		}
	}
	return out
}

func (h *controlHandler) keyHoldState(id string) KeyHoldState {
	st := KeyHoldState{KeyID: id, Held: h.s.keyHolds[id], States: map[string]KeyState{}}
	for _, k := range h.s.keysWithIDLocked(id) {
		st.States[k.Region] = k.State
	}
	return st
}

// holdKey holds the Creating and Updating transitions of the keys with a
// key ID: those under way, and those started later (a ReplicateKey or
// UpdatePrimaryRegion after the hold), until releaseKey.
func (h *controlHandler) holdKey(r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	h.s.keyHolds[id] = true
	for _, k := range h.s.keysWithIDLocked(id) {
		if k.transition != nil {
			k.transition.at = time.Time{}
		}
	}
	return http.StatusOK, h.keyHoldState(id), nil
}

// releaseKey lets the held transitions of the keys with a key ID complete now.
func (h *controlHandler) releaseKey(r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	delete(h.s.keyHolds, id)
	for _, k := range h.s.keysWithIDLocked(id) {
		owner, ok := h.s.ownerOf(k)
		if !ok || k.transition == nil || !k.transition.at.IsZero() {
			continue
		}
		now := h.s.nowIn(owner)
		k.transition.at = now
		owner.deadlines.add(k, now)
		h.s.settleLocked(owner, now)
	}
	return http.StatusOK, h.keyHoldState(id), nil
}
