package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Defect is something wrong with the backing of a custom key store (its
// CloudHSM cluster or its XKS proxy and external key manager) that a KMS
// error or ConnectionErrorCode documents. Only a target with a control API
// (the reference KMS) can break a backing on purpose; elsewhere the scenarios
// that need a defect are skipped.
type Defect string

// CloudHSM cluster defects.
const (
	ClusterInactive        Defect = "the cluster is not active"
	ClusterNoActiveHSM     Defect = "the cluster has no active HSM"
	ClusterOneActiveHSM    Defect = "the cluster has only one active HSM"
	ClusterOneZone         Defect = "the cluster's subnets are all in one Availability Zone"
	ClusterSecurityGroup   Defect = "the cluster's security group blocks the HSM ports"
	ClusterSubnetDeleted   Defect = "a subnet of the cluster was deleted"
	ClusterSubnetFull      Defect = "a subnet of the cluster has no free addresses"
	ClusterDeleted         Defect = "the cluster was deleted"
	KmsuserMissing         Defect = "the cluster has no kmsuser"
	KmsuserLockedOut       Defect = "kmsuser is locked out"
	KmsuserLoggedIn        Defect = "kmsuser is logged in to the cluster"
	KmsuserPasswordChanged Defect = "kmsuser's password was changed"
)

// XKS proxy and external key manager defects.
const (
	ProxyUnreachable        Defect = "the proxy is unreachable"
	ProxyBadTLS             Defect = "the proxy's TLS certificate is not trusted"
	ProxyTimesOut           Defect = "the proxy does not answer in time"
	ProxyMisconfigured      Defect = "the proxy is misconfigured"
	ProxyDeniesKMS          Defect = "the proxy's authorization denies KMS"
	ProxyInvalidResponses   Defect = "the proxy answers with invalid responses"
	ProxyNoKeyManager       Defect = "no external key manager instance is available"
	ProxyCredentialRotated  Defect = "the proxy's authentication credential was rotated"
	ProxyDeleted            Defect = "the proxy was deleted"
	VPCServiceInvalid       Defect = "the VPC endpoint service does not meet KMS's requirements"
	ExternalKeyDisabled     Defect = "the external key is disabled"
	ExternalKeyNotAES256    Defect = "the external key is not a 256-bit AES key"
	ExternalKeyNoEncryption Defect = "the external key cannot encrypt and decrypt"
	ExternalKeyDeleted      Defect = "the external key was deleted"
)

// Quotas are an account's limits; zero members keep the target's default.
type Quotas struct {
	CustomKeyStores int // custom key stores per account and Region (KMS: 10)
	Keys            int // KMS keys per account and Region (KMS: 100000)
}

// Account is an account of the target, with credentials to act as it.
type Account struct {
	ID          string
	Credentials aws.CredentialsProvider
}

// Control reaches what the public KMS API cannot: broken backings, fresh
// accounts with small quotas, and time that passes faster. A reference KMS's
// control API provides it; Env.Control is nil for any other target.
type Control interface {
	// BreakCloudHSM gives an existing cluster a defect.
	BreakCloudHSM(ctx context.Context, clusterID string, d Defect) error
	// BreakXKS gives an existing XKS proxy (or the external key named by the
	// fixture, for the external key defects) a defect.
	BreakXKS(ctx context.Context, f XKSFixture, d Defect) error
	// RelatedCloudHSM makes a new cluster that shares the cluster's backup
	// history, which is what KMS calls a related cluster.
	RelatedCloudHSM(ctx context.Context, clusterID string) (CloudHSMFixture, error)
	// VPCXKS makes a new XKS proxy that KMS reaches through a VPC endpoint
	// service (XksProxyConnectivity VPC_ENDPOINT_SERVICE).
	VPCXKS(ctx context.Context) (XKSFixture, error)
	// NewExternalKey adds a usable external key to the fixture's proxy and
	// returns its ID.
	NewExternalKey(ctx context.Context, f XKSFixture) (string, error)
	// NewAccount makes a fresh, empty account with the given quotas and its
	// own clock, so that a scenario can exhaust a quota or let time pass
	// without disturbing any other scenario.
	NewAccount(ctx context.Context, q Quotas) (Account, error)
	// AdvanceClock lets d pass in the account (which NewAccount made).
	AdvanceClock(ctx context.Context, accountID string, d time.Duration) error
	// HoldKey keeps the keys with a key ID (a multi-Region key's, in every
	// Region) in the Creating or Updating they are in or enter next, until
	// ReleaseKey lets them complete.
	HoldKey(ctx context.Context, keyID string) error
	ReleaseKey(ctx context.Context, keyID string) error
}

// control returns the target's control API, or a skip that says the scenario
// needs one for what.
func (w *Scenario) Control(what string) (Control, error) {
	if w.Env.Control == nil {
		return nil, w.Skip("%s needs a reference KMS control API (--control), which this target lacks", what)
	}
	return w.Env.Control, nil
}

// isolate moves the scenario into a fresh account of its own, with the given
// quotas and its own clock. It must come before the scenario creates anything:
// the scenario's client, and its cleanup, act in the new account from then on.
func (w *Scenario) Isolate(ctx context.Context, what string, q Quotas) error {
	if len(w.CreatedKeys) > 0 || len(w.CreatedStores) > 0 {
		return fmt.Errorf("a scenario must move to an account of its own before it creates keys or key stores")
	}
	c, err := w.Control(what)
	if err != nil {
		return err
	}
	a, err := c.NewAccount(ctx, q)
	if err != nil {
		return fmt.Errorf("making an account of the scenario's own through the control API: %w", err)
	}
	w.Account = &a
	w.Client = w.Env.newClient(a.Credentials, HeaderValue(w.id), &w.rec)
	w.regions = regionClients{}
	return nil
}

// advanceClock lets d pass in the scenario's own account (see isolate).
func (w *Scenario) AdvanceClock(ctx context.Context, d time.Duration) error {
	if w.Account == nil {
		return fmt.Errorf("time can only pass in an account of the scenario's own: isolate the scenario first")
	}
	if err := w.Env.Control.AdvanceClock(ctx, w.Account.ID, d); err != nil {
		return fmt.Errorf("advancing the clock of account %s by %v through the control API: %w", w.Account.ID, d, err)
	}
	return nil
}
