package reference

import (
	"slices"
	"strings"
	"time"
)

// keyIDForms says which KeyId forms an operation accepts. Operations whose
// KeyId member documents only key ID and key ARN reject alias forms.
type keyIDForms int

const (
	keyOrARN keyIDForms = iota
	keyARNOrAlias
)

// resolveKey finds the key a KeyId names in the caller's account and Region.
//   - A malformed KMS ARN is InvalidArnException.
//   - A key or alias ARN of another Region is NotFoundException "Invalid arn
//     <its Region>" (recorded: realkms DescribeKey.key-in-other-region.by-key-arn).
//   - An ARN of another partition, or a key that does not exist, is NotFoundException.
//   - An ARN for another account is AccessDeniedException, unless the
//     operation may be used across accounts and the key's policy or one of
//     its grants allows the caller's account the operation (DescribeKey.06,
//     see sharedKey).
func (c *call) resolveKey(keyID string, forms keyIDForms) (*Key, error) {
	if strings.HasPrefix(keyID, "arn:") {
		arn, ok := parseKMSARN(keyID)
		if !ok {
			return nil, errorf("InvalidArnException", "ARN %s is not a valid KMS key or alias ARN.", keyID)
		}
		if strings.HasPrefix(arn.Resource, "alias/") && forms != keyARNOrAlias {
			return nil, errorf("NotFoundException", "Invalid keyId '%s'", keyID)
		}
		if arn.Region != c.region {
			return nil, errorf("NotFoundException", "Invalid arn %s", arn.Region)
		}
		if arn.Partition != partitionFor(c.region) {
			return nil, c.notFound(keyID)
		}
		if arn.Account != c.acct.id {
			return c.sharedKey(arn, keyID)
		}
		if alias, ok := strings.CutPrefix(arn.Resource, "alias/"); ok {
			return c.resolveAlias("alias/"+alias, keyID)
		}
		return c.lookupKey(strings.TrimPrefix(arn.Resource, "key/"), keyID)
	}
	if strings.HasPrefix(keyID, "alias/") {
		if forms != keyARNOrAlias {
			return nil, errorf("NotFoundException", "Invalid keyId '%s'", keyID)
		}
		return c.resolveAlias(keyID, keyID)
	}
	return c.lookupKey(keyID, keyID)
}

// crossAccountOps are the reference's operations that KMS lets a caller use
// on a key in another account, when the key policy or a grant allows it.
var crossAccountOps = []string{"DescribeKey", "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
	"GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
	"Sign", "Verify", "GetPublicKey", "GenerateMac", "VerifyMac", "DeriveSharedSecret",
	"CreateGrant", "ListGrants", "RevokeGrant", "GetKeyRotationStatus"}

// sharedKey returns the key of another account that a key ARN names, if the
// operation may cross accounts and either the key's policy allows the
// caller's account the operation (policyDecides) or, with no explicit Deny,
// one of the key's grants does (grantAllows). Otherwise it returns the
// AccessDeniedException, worded as KMS words it.
func (c *call) sharedKey(arn kmsARN, keyID string) (*Key, error) {
	denied := errorf("AccessDeniedException", "User: arn:%s:iam::%s:root is not authorized to perform: kms:%s on resource: %s because no resource-based policy allows the kms:%s action", arn.Partition, c.acct.id, c.op, keyID, c.op)
	owner, ok := c.svc.accounts[accountRegion{arn.Account, c.region}]
	if !ok || !slices.Contains(crossAccountOps, c.op) {
		return nil, denied
	}
	id, ok := strings.CutPrefix(arn.Resource, "key/")
	if !ok {
		return nil, denied
	}
	k, ok := owner.keys[id]
	if !ok {
		return nil, denied
	}
	switch policyDecides(k.Policy, arn.Partition, c.acct.id, "kms:"+c.op) {
	case policyAllow:
		return k, nil
	case policyDeny:
		return nil, errorf("AccessDeniedException", "User: arn:%s:iam::%s:root is not authorized to perform: kms:%s on resource: %s with an explicit deny in a resource-based policy", arn.Partition, c.acct.id, c.op, keyID)
	}
	if c.grantAllows(k, keyID) {
		return k, nil
	}
	return nil, denied
}

func (c *call) lookupKey(id, asGiven string) (*Key, error) {
	if k, ok := c.acct.keys[id]; ok {
		return k, nil
	}
	if !looksLikeKeyID(id) {
		return nil, errorf("NotFoundException", "Invalid keyId '%s'", asGiven)
	}
	return nil, c.notFound(asGiven)
}

func (c *call) resolveAlias(name, asGiven string) (*Key, error) {
	id, ok := c.acct.aliases[name]
	if !ok {
		return nil, errorf("NotFoundException", "Alias %s is not found.", aliasARN(c.region, c.acct.id, name))
	}
	return c.lookupKey(id, asGiven)
}

func (c *call) notFound(keyID string) error {
	if strings.HasPrefix(keyID, "arn:") {
		return errorf("NotFoundException", "Key '%s' does not exist", keyID)
	}
	return errorf("NotFoundException", "Key '%s' does not exist", keyARN(c.region, c.acct.id, keyID))
}

// looksLikeKeyID reports whether s has the form of a KMS key ID (a UUID, or a
// multi-Region key ID "mrk-" followed by 32 hex digits).
func looksLikeKeyID(s string) bool {
	if rest, ok := strings.CutPrefix(s, "mrk-"); ok {
		return len(rest) == 32 && isHex(rest)
	}
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !isHex(string(r)) {
				return false
			}
		}
	}
	return true
}

func isHex(s string) bool {
	return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}

// effectiveState is the KeyState callers see. A key in a custom key store that
// is not CONNECTED is Unavailable, unless it is pending deletion, which stays
// visible as PendingDeletion so it can still be cancelled.
func (c *call) effectiveState(k *Key) KeyState {
	if owner, ok := c.svc.ownerOf(k); ok { // a shared key's store is its owner's
		return effectiveState(owner, k)
	}
	return effectiveState(c.acct, k)
}

func effectiveState(a *account, k *Key) KeyState {
	if k.CustomKeyStoreID == "" {
		return k.State
	}
	if st, ok := a.stores[k.CustomKeyStoreID]; ok && st.State == Connected {
		return k.State
	}
	if k.State == KeyEnabled || k.State == KeyDisabled {
		return KeyUnavailable
	}
	return k.State
}

// settleLocked applies every time-driven change that is due at now: keys whose
// waiting period has ended are deleted, imported material past its ValidTo is
// deleted, and asynchronous connects and disconnects complete. It visits only
// the keys with a change due (a.deadlines), not every key of the account.
func (s *Service) settleLocked(a *account, now time.Time) {
	for _, id := range a.deadlines.due(now) {
		if k, ok := a.keys[id]; ok {
			settleKey(a, k, now)
			if _, kept := a.keys[id]; !kept && k.mr != nil {
				s.keyGoneLocked(k, now)
			}
		}
	}
	for _, st := range a.stores {
		if st.pending != nil && !now.Before(st.pending.at) {
			st.State = st.pending.to
			st.ErrorCode = st.pending.errorCode
			st.pending = nil
		}
	}
}

// settleKey applies to k what is due at now: its deletion when its waiting
// period has ended, otherwise the expiry of its imported material
// (settleMaterials) and its automatic rotations (settleRotation). It reads the key as it is, so a deadline that no longer
// applies changes nothing.
func settleKey(a *account, k *Key, now time.Time) {
	settleTransition(k, now)
	if k.State == KeyPendingDeletion && !k.DeletionDate.IsZero() && !now.Before(k.DeletionDate) {
		delete(a.keys, k.ID)
		dropAliasesOf(a, k.ID)
		return
	}
	if k.Import != nil && k.Material != nil && k.Import.ExpirationModel == "KEY_MATERIAL_EXPIRES" &&
		!k.Import.ValidTo.IsZero() && !now.Before(k.Import.ValidTo) {
		k.Material = nil
		if k.State != KeyPendingDeletion {
			k.State = KeyPendingImport
		}
	}
	settleMaterials(k, now)
	settleRotation(a, k, now)
}
