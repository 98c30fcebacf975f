package reference

import (
	"strings"
	"time"
)

// aliasOperations are the operations on aliases, the names of keys.
func aliasOperations() map[string]operation {
	return map[string]operation{
		"CreateAlias": createAlias,
		"DeleteAlias": deleteAlias,
		"ListAliases": listAliases,
		"UpdateAlias": updateAlias,
	}
}

// maxAliasesPerKey is KMS's quota of aliases on one key; the aliases AWS
// creates do not count (CreateAlias.14).
const maxAliasesPerKey = 50

// aliasDates are when an alias was created and last pointed at a key.
type aliasDates struct {
	created, updated time.Time
}

// noAliasPrefix is real KMS's answer to an alias name without "alias/", as
// recorded (realkms CreateAlias.name-without-prefix); the docs name
// InvalidAliasNameException (conflict E24).
var noAliasPrefix = errorf("ValidationException", "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html")

func validateAliasName(v *validator, name *string) {
	v.Required("aliasName", name != nil)
	v.Length("aliasName", name, 1, 256, false)
	v.Pattern("aliasName", name, aliasNamePattern, false)
}

// aliasInput is the input of CreateAlias and UpdateAlias.
type aliasInput struct {
	AliasName   *string `json:"AliasName"`
	TargetKeyID *string `json:"TargetKeyId"`
}

func (c *call) decodeAliasInput() (aliasInput, error) {
	var in aliasInput
	if err := c.decode(&in); err != nil {
		return in, err
	}
	var v validator
	validateAliasName(&v, in.AliasName)
	v.Required("targetKeyId", in.TargetKeyID != nil)
	v.Length("targetKeyId", in.TargetKeyID, 1, 2048, false)
	return in, v.Err()
}

// aliasTarget resolves the key an alias is to name: a customer managed key
// of the caller's in this Region (CreateAlias.07, .09-.11) that is not
// pending deletion (CreateAlias.13, UpdateAlias.10), with room for one more
// alias (CreateAlias.14, UpdateAlias.13).
func (c *call) aliasTarget(keyID string) (*Key, error) {
	k, err := c.resolveKey(keyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if c.keyManager(k) != "CUSTOMER" {
		return nil, errorf("ValidationException", "%s is an AWS managed key; an alias can name only a customer managed key.", k.ARN)
	}
	if st := c.effectiveState(k); st == KeyPendingDeletion || st == KeyPendingReplicaDeletion {
		return nil, stateError(k, st)
	}
	if len(c.customerAliasesOf(k.ID)) >= maxAliasesPerKey {
		return nil, errorf("LimitExceededException", "%s already has %d aliases, the most a KMS key can have.", k.ARN, maxAliasesPerKey)
	}
	return k, nil
}

// customerAliasesOf lists the aliases of key id that the account created.
func (c *call) customerAliasesOf(id string) []string {
	var names []string
	for name, target := range c.acct.aliases {
		if target == id && !strings.HasPrefix(name, awsAliasPrefix) {
			names = append(names, name)
		}
	}
	return names
}

// setAlias points name at k and dates the change.
func (c *call) setAlias(name string, k *Key) {
	if c.acct.aliasDates == nil {
		c.acct.aliasDates = map[string]aliasDates{}
	}
	d, ok := c.acct.aliasDates[name]
	if _, exists := c.acct.aliases[name]; !exists || !ok {
		d.created = c.now
	}
	d.updated = c.now
	c.acct.aliases[name] = k.ID
	c.acct.aliasDates[name] = d
}

func createAlias(c *call) (any, error) {
	in, err := c.decodeAliasInput()
	if err != nil {
		return nil, err
	}
	name := *in.AliasName
	rest, ok := strings.CutPrefix(name, "alias/")
	switch {
	case !ok:
		return nil, noAliasPrefix
	case rest == "":
		return nil, errorf("InvalidAliasNameException", "Alias must start with the prefix \"alias/\" followed by a name.")
	case strings.HasPrefix(name, awsAliasPrefix): // CreateAlias.02
		return nil, errorf("InvalidAliasNameException", "Alias names beginning with \"alias/aws/\" are reserved for AWS managed keys.")
	case strings.Contains(name, ":"): // CreateAlias.03: the model's pattern admits ':', the member doc does not (conflict E23)
		return nil, errorf("InvalidAliasNameException", "Alias name must contain only letters, digits, '/', '_' and '-'.")
	}
	k, err := c.aliasTarget(*in.TargetKeyID)
	if err != nil {
		return nil, err
	}
	if _, exists := c.acct.aliases[name]; exists { // CreateAlias.04
		return nil, errorf("AlreadyExistsException", "An alias with the name %s already exists", aliasARN(c.region, c.acct.id, name))
	}
	c.setAlias(name, k)
	return nil, nil
}

// updateAlias implements UpdateAlias: it points an existing alias of the
// caller's at another key of the same type and KeyUsage (UpdateAlias.06,
// .07). The key it named before may be in any state (UpdateAlias.11).
func updateAlias(c *call) (any, error) {
	in, err := c.decodeAliasInput()
	if err != nil {
		return nil, err
	}
	name := *in.AliasName
	switch {
	case !strings.HasPrefix(name, "alias/"): // UpdateAlias.05
		return nil, noAliasPrefix
	case strings.HasPrefix(name, awsAliasPrefix):
		return nil, errorf("ValidationException", "Aliases beginning with \"alias/aws/\" are reserved for AWS managed keys and cannot be updated.")
	}
	currentID, ok := c.acct.aliases[name]
	if !ok { // UpdateAlias.01
		return nil, errorf("NotFoundException", "Alias %s is not found.", aliasARN(c.region, c.acct.id, name))
	}
	k, err := c.resolveKey(*in.TargetKeyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if current, ok := c.acct.keys[currentID]; ok && k.ID != currentID {
		if keyType(current) != keyType(k) || current.KeyUsage != k.KeyUsage {
			return nil, errorf("ValidationException", "%s names a %s key for %s; it cannot name %s, a %s key for %s.",
				name, keyType(current), current.KeyUsage, k.ARN, keyType(k), k.KeyUsage)
		}
	}
	if k.ID != currentID {
		if k, err = c.aliasTarget(*in.TargetKeyID); err != nil {
			return nil, err
		}
	} else if st := c.effectiveState(k); st == KeyPendingDeletion || st == KeyPendingReplicaDeletion {
		return nil, stateError(k, st)
	}
	c.setAlias(name, k)
	return nil, nil
}

// keyType is the kind of key UpdateAlias keeps an alias to.
func keyType(k *Key) string {
	switch {
	case k.KeySpec == symmetricDefault:
		return "symmetric"
	case strings.HasPrefix(k.KeySpec, "HMAC_"):
		return "HMAC"
	default:
		return "asymmetric"
	}
}

// deleteAlias implements DeleteAlias, whatever the state of the alias's key
// (DeleteAlias.04). The predefined aliases of AWS managed keys stay.
func deleteAlias(c *call) (any, error) {
	var in struct {
		AliasName *string `json:"AliasName"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateAliasName(&v, in.AliasName)
	if err := v.Err(); err != nil {
		return nil, err
	}
	name := *in.AliasName
	if _, ok := c.acct.aliases[name]; !ok || !strings.HasPrefix(name, "alias/") {
		return nil, errorf("NotFoundException", "Alias %s is not found.", aliasARN(c.region, c.acct.id, name))
	}
	if strings.HasPrefix(name, awsAliasPrefix) {
		return nil, errorf("ValidationException", "Aliases beginning with \"alias/aws/\" are reserved for AWS managed keys and cannot be deleted.")
	}
	delete(c.acct.aliases, name)
	delete(c.acct.aliasDates, name)
	return nil, nil
}

type aliasListEntry struct {
	AliasName       string     `json:"AliasName"`
	AliasArn        string     `json:"AliasArn"`
	TargetKeyID     string     `json:"TargetKeyId,omitempty"`
	CreationDate    *Timestamp `json:"CreationDate,omitempty"`
	LastUpdatedDate *Timestamp `json:"LastUpdatedDate,omitempty"`
}

// listAliases implements ListAliases: the caller's aliases, or those of one
// key (ListAliases.02), whatever the key's state (ListAliases.11), in name
// order, at most 100 a page.
func listAliases(c *call) (any, error) {
	var in struct {
		pageRequest
		KeyID *string `json:"KeyId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	v.Length("keyId", in.KeyID, 1, 2048, false)
	in.validate(&v, 100)
	if err := v.Err(); err != nil {
		return nil, err
	}
	target := ""
	if in.KeyID != nil {
		k, err := c.resolveKey(*in.KeyID, keyOrARN)
		if err != nil {
			return nil, err
		}
		target = k.ID
	}
	var names []string
	for name, id := range c.acct.aliases {
		if target == "" || id == target {
			names = append(names, name)
		}
	}
	page, next, err := paginate(names, in.pageRequest, 50, listing{op: "ListAliases", account: c.acct.id, scope: target})
	if err != nil {
		return nil, err
	}
	out := struct {
		Aliases    []aliasListEntry
		NextMarker string `json:",omitempty"`
		Truncated  bool
	}{Aliases: []aliasListEntry{}, NextMarker: next, Truncated: next != ""}
	for _, name := range page {
		e := aliasListEntry{AliasName: name, AliasArn: aliasARN(c.region, c.acct.id, name), TargetKeyID: c.acct.aliases[name]}
		if d, ok := c.acct.aliasDates[name]; ok {
			e.CreationDate, e.LastUpdatedDate = TimestampOf(d.created), TimestampOf(d.updated)
		}
		out.Aliases = append(out.Aliases, e)
	}
	return out, nil
}

// dropAliasesOf removes the aliases of a key that no longer exists.
func dropAliasesOf(a *account, id string) {
	for name, target := range a.aliases {
		if target == id {
			delete(a.aliases, name)
			delete(a.aliasDates, name)
		}
	}
}
