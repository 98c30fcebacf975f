package runner

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/scenario"
)

// referenceControl gives the scenarios what only a reference KMS's control
// API can: broken backings, accounts of their own, and time.
type referenceControl struct {
	cc     *reference.ControlClient
	region string
}

var _ scenario.Control = referenceControl{}

// clusterPatch is the change that gives cluster c the defect d.
func clusterPatch(d scenario.Defect, c reference.Cluster) (reference.ClusterPatch, bool) {
	hsms, subnets := slices.Clone(c.HSMs), slices.Clone(c.Subnets)
	switch d {
	case scenario.ClusterInactive:
		return reference.ClusterPatch{Active: ptr(false)}, true
	case scenario.ClusterNoActiveHSM, scenario.ClusterOneActiveHSM:
		for i := range hsms {
			hsms[i].Active = d == scenario.ClusterOneActiveHSM && i == 0
		}
		return reference.ClusterPatch{HSMs: &hsms}, true
	case scenario.ClusterOneZone:
		for i := range subnets {
			subnets[i].AvailabilityZone = subnets[0].AvailabilityZone
		}
		return reference.ClusterPatch{Subnets: &subnets}, len(subnets) > 0
	case scenario.ClusterSubnetDeleted, scenario.ClusterSubnetFull:
		if len(subnets) == 0 {
			return reference.ClusterPatch{}, false
		}
		subnets[0].Deleted = d == scenario.ClusterSubnetDeleted
		subnets[0].NoFreeAddresses = d == scenario.ClusterSubnetFull
		return reference.ClusterPatch{Subnets: &subnets}, true
	case scenario.ClusterSecurityGroup:
		return reference.ClusterPatch{SecurityGroupValid: ptr(false)}, true
	case scenario.KmsuserMissing:
		return reference.ClusterPatch{KmsuserMissing: ptr(true)}, true
	case scenario.KmsuserLockedOut:
		return reference.ClusterPatch{KmsuserLockedOut: ptr(true)}, true
	case scenario.KmsuserLoggedIn:
		return reference.ClusterPatch{KmsuserLoggedIn: ptr(true)}, true
	case scenario.KmsuserPasswordChanged:
		return reference.ClusterPatch{KmsuserPassword: ptr(c.KmsuserPassword + "-changed")}, true
	}
	return reference.ClusterPatch{}, false
}

// proxyPatch is the change that gives an XKS proxy the defect d.
func proxyPatch(d scenario.Defect) (reference.XksProxyPatch, bool) {
	switch d {
	case scenario.ProxyUnreachable:
		return reference.XksProxyPatch{Reachable: ptr(false)}, true
	case scenario.ProxyBadTLS:
		return reference.XksProxyPatch{TLSValid: ptr(false)}, true
	case scenario.ProxyTimesOut:
		return reference.XksProxyPatch{TimesOut: ptr(true)}, true
	case scenario.ProxyMisconfigured:
		return reference.XksProxyPatch{ConfigurationValid: ptr(false)}, true
	case scenario.ProxyDeniesKMS:
		return reference.XksProxyPatch{DeniesKMS: ptr(true)}, true
	case scenario.ProxyInvalidResponses:
		return reference.XksProxyPatch{AnswersValidly: ptr(false)}, true
	case scenario.ProxyNoKeyManager:
		return reference.XksProxyPatch{EKMAvailable: ptr(false)}, true
	case scenario.ProxyCredentialRotated:
		// Empty members make the reference generate a fresh credential.
		return reference.XksProxyPatch{Credential: &reference.XksCredential{}}, true
	case scenario.VPCServiceInvalid:
		return reference.XksProxyPatch{VpcEndpointServiceValid: ptr(false)}, true
	}
	return reference.XksProxyPatch{}, false
}

// externalKeyChange gives the external key k the defect d.
func externalKeyChange(d scenario.Defect, k *reference.ExternalKey) bool {
	switch d {
	case scenario.ExternalKeyDisabled:
		k.Enabled = false
	case scenario.ExternalKeyNotAES256:
		k.Spec = "RSA_2048"
	case scenario.ExternalKeyNoEncryption:
		k.Usages = []string{"SIGN", "VERIFY"}
	default:
		return false
	}
	return true
}

func ptr[T any](v T) *T { return &v }

func (c referenceControl) BreakCloudHSM(ctx context.Context, clusterID string, d scenario.Defect) error {
	if d == scenario.ClusterDeleted {
		return c.cc.DeleteCluster(ctx, clusterID)
	}
	cl, err := c.cc.Cluster(ctx, clusterID)
	if err != nil {
		return err
	}
	patch, ok := clusterPatch(d, cl)
	if !ok {
		return fmt.Errorf("cannot give CloudHSM cluster %s the defect %q", clusterID, d)
	}
	_, err = c.cc.UpdateCluster(ctx, clusterID, patch)
	return err
}

func (c referenceControl) BreakXKS(ctx context.Context, f scenario.XKSFixture, d scenario.Defect) error {
	if f.ProxyID == "" {
		return fmt.Errorf("the XKS proxy at %s is not one the control API made", f.URIEndpoint)
	}
	if d == scenario.ProxyDeleted {
		return c.cc.DeleteXksProxy(ctx, f.ProxyID)
	}
	p, err := c.cc.XksProxy(ctx, f.ProxyID)
	if err != nil {
		return err
	}
	if patch, ok := proxyPatch(d); ok {
		_, err = c.cc.UpdateXksProxy(ctx, f.ProxyID, patch)
		return err
	}
	keys := slices.Clone(p.ExternalKeys)
	i := slices.IndexFunc(keys, func(k reference.ExternalKey) bool { return k.ID == f.ExternalKeyID })
	if i < 0 {
		return fmt.Errorf("XKS proxy %s has no external key %s", f.ProxyID, f.ExternalKeyID)
	}
	switch {
	case externalKeyChange(d, &keys[i]):
	case d == scenario.ExternalKeyDeleted:
		keys = slices.Delete(keys, i, i+1)
	default:
		return fmt.Errorf("%q is not an XKS proxy or external key defect", d)
	}
	_, err = c.cc.UpdateXksProxy(ctx, f.ProxyID, reference.XksProxyPatch{ExternalKeys: &keys})
	return err
}

func (c referenceControl) RelatedCloudHSM(ctx context.Context, clusterID string) (scenario.CloudHSMFixture, error) {
	cl, err := c.cc.Cluster(ctx, clusterID)
	if err != nil {
		return scenario.CloudHSMFixture{}, err
	}
	history := cl.BackupHistoryID
	if history == "" {
		history = cl.ID
	}
	related, err := c.cc.CreateCluster(ctx, reference.ClusterPatch{BackupHistoryID: &history, KmsuserPassword: &cl.KmsuserPassword})
	if err != nil {
		return scenario.CloudHSMFixture{}, err
	}
	return cloudHSMFixture(related), nil
}

func (c referenceControl) VPCXKS(ctx context.Context) (scenario.XKSFixture, error) {
	service := fmt.Sprintf("com.amazonaws.vpce.%s.vpce-svc-%s", c.region, randomLower(17))
	p, err := c.cc.CreateXksProxy(ctx, reference.XksProxyPatch{
		Connectivity:           ptr("VPC_ENDPOINT_SERVICE"),
		VpcEndpointServiceName: &service,
	})
	if err != nil {
		return scenario.XKSFixture{}, err
	}
	return xksFixture(p)
}

func (c referenceControl) NewExternalKey(ctx context.Context, f scenario.XKSFixture) (string, error) {
	if f.ProxyID == "" {
		return "", fmt.Errorf("the XKS proxy at %s is not one the control API made", f.URIEndpoint)
	}
	p, err := c.cc.XksProxy(ctx, f.ProxyID)
	if err != nil {
		return "", err
	}
	id := "kmsconform-external-key-" + randomLower(12)
	keys := append(slices.Clone(p.ExternalKeys), reference.UsableExternalKey(id))
	if _, err := c.cc.UpdateXksProxy(ctx, f.ProxyID, reference.XksProxyPatch{ExternalKeys: &keys}); err != nil {
		return "", err
	}
	return id, nil
}

// NewAccount makes an access key no one has used: the reference derives an
// account from any access key it has not been told about.
func (c referenceControl) NewAccount(ctx context.Context, q scenario.Quotas) (scenario.Account, error) {
	accessKey := "AKIAKMSCONFORM" + randomUpper(6)
	id := reference.AccountForAccessKey(accessKey)
	if _, err := c.cc.SetAccountQuotas(ctx, id, reference.AccountQuotas{CustomKeyStores: q.CustomKeyStores, Keys: q.Keys}); err != nil {
		return scenario.Account{}, err
	}
	return scenario.Account{ID: id, Credentials: credentials.NewStaticCredentialsProvider(accessKey, embeddedSecret, "")}, nil
}

func (c referenceControl) AdvanceClock(ctx context.Context, accountID string, d time.Duration) error {
	_, err := c.cc.AdvanceAccountClock(ctx, accountID, d)
	return err
}

func cloudHSMFixture(c reference.Cluster) scenario.CloudHSMFixture {
	return scenario.CloudHSMFixture{ClusterID: c.ID, TrustAnchorPEM: c.TrustAnchorCertificate, Password: c.KmsuserPassword}
}

func xksFixture(p reference.XksProxy) (scenario.XKSFixture, error) {
	if len(p.ExternalKeys) == 0 {
		return scenario.XKSFixture{}, fmt.Errorf("the control API made XKS proxy %s without an external key", p.ID)
	}
	return scenario.XKSFixture{
		URIEndpoint: p.URIEndpoint, URIPath: p.URIPath, Connectivity: p.Connectivity,
		VpcEndpointServiceName: p.VpcEndpointServiceName,
		AccessKeyID:            p.Credential.AccessKeyID, SecretAccessKey: p.Credential.RawSecretAccessKey,
		ExternalKeyID: p.ExternalKeys[0].ID,
		ProxyID:       p.ID,
	}, nil
}

func randomLower(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:n]
}

func randomUpper(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:n]
}

func (c referenceControl) HoldKey(ctx context.Context, keyID string) error {
	_, err := c.cc.HoldKey(ctx, keyID)
	return err
}

func (c referenceControl) ReleaseKey(ctx context.Context, keyID string) error {
	_, err := c.cc.ReleaseKey(ctx, keyID)
	return err
}
