package reference

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// KeyState is a KMS key state (KeyMetadata.KeyState).
type KeyState string

// Key states, as the KMS Developer Guide's key-state table names them.
const (
	KeyEnabled                KeyState = "Enabled"
	KeyDisabled               KeyState = "Disabled"
	KeyPendingDeletion        KeyState = "PendingDeletion"
	KeyPendingReplicaDeletion KeyState = "PendingReplicaDeletion"
	KeyPendingImport          KeyState = "PendingImport"
	KeyUnavailable            KeyState = "Unavailable"
	KeyCreating               KeyState = "Creating"
	KeyUpdating               KeyState = "Updating"
)

// ConnectionState is a custom key store's ConnectionState.
type ConnectionState string

// Connection states of a custom key store.
const (
	Connected     ConnectionState = "CONNECTED"
	Connecting    ConnectionState = "CONNECTING"
	Failed        ConnectionState = "FAILED"
	Disconnected  ConnectionState = "DISCONNECTED"
	Disconnecting ConnectionState = "DISCONNECTING"
)

// Key origins and custom key store types.
const (
	OriginAWSKMS           = "AWS_KMS"
	OriginExternal         = "EXTERNAL"
	OriginCloudHSM         = "AWS_CLOUDHSM"
	OriginExternalKeyStore = "EXTERNAL_KEY_STORE"

	StoreTypeCloudHSM = "AWS_CLOUDHSM"
	StoreTypeExternal = "EXTERNAL_KEY_STORE"
)

// Key is one KMS key. Its State field holds the key's own lifecycle state; the
// state a caller sees also depends on its custom key store (see effectiveState).
type Key struct {
	ID          string
	ARN         string
	Account     string
	Region      string // the Region that holds it
	Created     time.Time
	Description string
	KeySpec     string
	KeyUsage    string
	Origin      string
	MultiRegion bool
	Policy      string
	Tags        []Tag
	// Grants are the key's grants, oldest first (see grants.go).
	Grants []*Grant

	State               KeyState
	DeletionDate        time.Time
	PendingWindowInDays int32

	CustomKeyStoreID  string
	CloudHsmClusterID string
	XksKeyID          string

	// Materials are the key's key materials, oldest first (see material.go).
	// EXTERNAL keys and AWS_KMS asymmetric and HMAC keys keep them here;
	// symmetric AWS_KMS keys and keys in custom key stores have a single
	// material, held only in Material and MaterialID.
	Materials []*KeyMaterial
	// Material is the bytes of the current key material, nil while the key
	// cannot use it (PendingImport: some material is not in KMS). For
	// SYMMETRIC_DEFAULT it is the 256-bit AES key. Secret: never logged.
	Material []byte
	// MaterialID is the current material's KeyMaterialId; it outlives the
	// deletion of imported material.
	MaterialID string
	// Import holds what the imported-key-material rules need; nil unless Origin is EXTERNAL.
	Import *ImportState
	// sealers are the AES-GCMs of its symmetric materials, built on first
	// use (see sealer.go); syncMaterial drops them.
	sealers []*sealer

	// Rotation is the key's automatic rotation schedule (rotation_schedule.go).
	Rotation RotationSchedule
	// LastUsage is the key's last successful cryptographic use, nil while it
	// has none (keyusage.go).
	LastUsage *KeyUsage
	// mr relates a multi-Region key to its primary and replicas, shared by
	// all of them; nil for single-Region keys. transition is the
	// Creating or Updating it is going through (multiregion.go).
	mr         *mrGroup
	transition *keyTransition
}

// ImportState is an EXTERNAL key's import bookkeeping.
type ImportState struct {
	// ExpirationModel and ValidTo are the current material's, copied by
	// syncMaterial for DescribeKey and for the expiry in settleLocked.
	ExpirationModel string
	ValidTo         time.Time
	// Tokens are the outstanding GetParametersForImport results, by token ID.
	Tokens map[string]*ImportToken
}

// ImportToken is one GetParametersForImport result: the wrapping key pair and its expiry.
type ImportToken struct {
	ID                string
	KeyID             string
	WrappingAlgorithm string
	WrappingKeySpec   string
	PrivateKey        any // *rsa.PrivateKey; secret
	ValidTo           time.Time
}

// Tag is a KMS resource tag.
type Tag struct {
	TagKey   string
	TagValue string
}

// KeyStore is one custom key store.
type KeyStore struct {
	ID      string
	Name    string
	Account string
	Type    string
	Created time.Time

	State     ConnectionState
	ErrorCode string
	// pending is the asynchronous transition under way (CONNECTING or
	// DISCONNECTING); it completes at pending.at on the virtual clock.
	pending *transition

	// AWS_CLOUDHSM
	ClusterID   string
	TrustAnchor string
	Password    string // secret

	// EXTERNAL_KEY_STORE
	XksURIEndpoint     string
	XksURIPath         string
	XksConnectivity    string
	XksVpcServiceName  string
	XksVpcServiceOwner string
	XksAccessKeyID     string // secret
	XksSecretAccessKey string // secret
}

type transition struct {
	to        ConnectionState
	errorCode string
	at        time.Time
}

// account is everything one AWS account owns in one Region.
type account struct {
	id      string
	region  string
	keys    map[string]*Key      // by key ID
	aliases map[string]string    // alias name ("alias/x") -> key ID
	stores  map[string]*KeyStore // by custom key store ID
	// deadlines are when keys' deletions and material expiries come due.
	deadlines deadlines
	// aliasDates are the aliases' dates, made when first needed (aliases.go).
	aliasDates map[string]aliasDates
	*accountSettings
}

// accountSettings are what an account's Regions share.
type accountSettings struct {
	// quotas override the Service's for this account (zero members: no override).
	quotas AccountQuotas
	// ahead is how far this account's clock runs ahead of the Service's, so
	// that a test can let time pass in one account without touching others.
	ahead time.Duration
}

func newAccount(id, region string, set *accountSettings) *account {
	return &account{id: id, region: region, keys: map[string]*Key{}, aliases: map[string]string{}, stores: map[string]*KeyStore{}, accountSettings: set}
}

// Clock is the reference's virtual clock: real time plus an offset that the
// control API can advance, so that waiting periods and expiries can be tested
// without waiting.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
	now    func() time.Time
}

// NewClock returns a clock that follows now (time.Now when nil).
func NewClock(now func() time.Time) *Clock {
	if now == nil {
		now = time.Now
	}
	return &Clock{now: now}
}

// Now is the virtual time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now().Add(c.offset).UTC()
}

// Advance moves the virtual time forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.offset += d
	}
}

// Offset is how far the virtual clock is ahead of real time.
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// AccountForAccessKey maps an access key ID to a 12-digit account ID. The
// mapping is deterministic so that two credentials act as two accounts across
// runs; fixtures may override it.
func AccountForAccessKey(accessKeyID string) string {
	sum := sha256.Sum256([]byte(accessKeyID))
	n := new(big.Int).SetBytes(sum[:])
	n.Mod(n, big.NewInt(1_000_000_000_000))
	return fmt.Sprintf("%012d", n)
}

// keyARN builds a key ARN in this partition and Region.
func keyARN(region, accountID, keyID string) string {
	return fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", partitionFor(region), region, accountID, keyID)
}

func aliasARN(region, accountID, alias string) string {
	return fmt.Sprintf("arn:%s:kms:%s:%s:%s", partitionFor(region), region, accountID, alias)
}

func partitionFor(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	default:
		return "aws"
	}
}

// kmsARN is a parsed KMS key or alias ARN.
type kmsARN struct {
	Partition, Region, Account string
	Resource                   string // "key/<id>" or "alias/<name>"
}

// parseKMSARN parses arn:partition:kms:region:account:key/id or .../alias/name.
// ok is false when s is not a well-formed KMS key or alias ARN.
func parseKMSARN(s string) (kmsARN, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "kms" || parts[1] == "" || parts[3] == "" {
		return kmsARN{}, false
	}
	if len(parts[4]) != 12 || strings.Trim(parts[4], "0123456789") != "" {
		return kmsARN{}, false
	}
	res := parts[5]
	switch {
	case strings.HasPrefix(res, "key/") && len(res) > len("key/"):
	case strings.HasPrefix(res, "alias/") && len(res) > len("alias/"):
	default:
		return kmsARN{}, false
	}
	return kmsARN{Partition: parts[1], Region: parts[3], Account: parts[4], Resource: res}, true
}
