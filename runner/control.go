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
	"github.com/kmsconform/kmsconform/steps"
)

// referenceControl gives the scenarios what only a reference KMS's control
// API can: broken backings, accounts of their own, and time.
type referenceControl struct {
	cc     *reference.ControlClient
	region string
}

var _ steps.Control = referenceControl{}

// clusterPatch is the change that gives cluster c the defect d.
func clusterPatch(d steps.Defect, c reference.Cluster) (reference.ClusterPatch, bool) {
	hsms, subnets := slices.Clone(c.HSMs), slices.Clone(c.Subnets)
	switch d {
	case steps.ClusterInactive:
		return reference.ClusterPatch{Active: ptr(false)}, true
	case steps.ClusterNoActiveHSM, steps.ClusterOneActiveHSM:
		for i := range hsms {
			hsms[i].Active = d == steps.ClusterOneActiveHSM && i == 0
		}
		return reference.ClusterPatch{HSMs: &hsms}, true
	case steps.ClusterOneZone:
		for i := range subnets {
			subnets[i].AvailabilityZone = subnets[0].AvailabilityZone
		}
		return reference.ClusterPatch{Subnets: &subnets}, len(subnets) > 0
	case steps.ClusterSubnetDeleted, steps.ClusterSubnetFull:
		if len(subnets) == 0 {
			return reference.ClusterPatch{}, false
		}
		subnets[0].Deleted = d == steps.ClusterSubnetDeleted
		subnets[0].NoFreeAddresses = d == steps.ClusterSubnetFull
		return reference.ClusterPatch{Subnets: &subnets}, true
	case steps.ClusterSecurityGroup:
		return reference.ClusterPatch{SecurityGroupValid: ptr(false)}, true
	case steps.KmsuserMissing:
		return reference.ClusterPatch{KmsuserMissing: ptr(true)}, true
	case steps.KmsuserLockedOut:
		return reference.ClusterPatch{KmsuserLockedOut: ptr(true)}, true
	case steps.KmsuserLoggedIn:
		return reference.ClusterPatch{KmsuserLoggedIn: ptr(true)}, true
	case steps.KmsuserPasswordChanged:
		return reference.ClusterPatch{KmsuserPassword: ptr(c.KmsuserPassword + "-changed")}, true
	}
	return reference.ClusterPatch{}, false
}

// proxyPatch is the change that gives an XKS proxy the defect d.
func proxyPatch(d steps.Defect) (reference.XksProxyPatch, bool) {
	switch d {
	case steps.ProxyUnreachable:
		return reference.XksProxyPatch{Reachable: ptr(false)}, true
	case steps.ProxyBadTLS:
		return reference.XksProxyPatch{TLSValid: ptr(false)}, true
	case steps.ProxyTimesOut:
		return reference.XksProxyPatch{TimesOut: ptr(true)}, true
	case steps.ProxyMisconfigured:
		return reference.XksProxyPatch{ConfigurationValid: ptr(false)}, true
	case steps.ProxyDeniesKMS:
		return reference.XksProxyPatch{DeniesKMS: ptr(true)}, true
	case steps.ProxyInvalidResponses:
		return reference.XksProxyPatch{AnswersValidly: ptr(false)}, true
	case steps.ProxyNoKeyManager:
		return reference.XksProxyPatch{EKMAvailable: ptr(false)}, true
	case steps.ProxyCredentialRotated:
		// Empty members make the reference generate a fresh credential.
		return reference.XksProxyPatch{Credential: &reference.XksCredential{}}, true
	case steps.VPCServiceInvalid:
		return reference.XksProxyPatch{VpcEndpointServiceValid: ptr(false)}, true
	}
	return reference.XksProxyPatch{}, false
}

// externalKeyChange gives the external key k the defect d.
func externalKeyChange(d steps.Defect, k *reference.ExternalKey) bool {
	switch d {
	case steps.ExternalKeyDisabled:
		k.Enabled = false
	case steps.ExternalKeyNotAES256:
		k.Spec = "RSA_2048"
	case steps.ExternalKeyNoEncryption:
		k.Usages = []string{"SIGN", "VERIFY"}
	default:
		return false
	}
	return true
}

func ptr[T any](v T) *T { return &v }

func (c referenceControl) BreakCloudHSM(ctx context.Context, clusterID string, d steps.Defect) error {
	if d == steps.ClusterDeleted {
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

func (c referenceControl) BreakXKS(ctx context.Context, f steps.XKSFixture, d steps.Defect) error {
	if f.ProxyID == "" {
		return fmt.Errorf("the XKS proxy at %s is not one the control API made", f.URIEndpoint)
	}
	if d == steps.ProxyDeleted {
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
	case d == steps.ExternalKeyDeleted:
		keys = slices.Delete(keys, i, i+1)
	default:
		return fmt.Errorf("%q is not an XKS proxy or external key defect", d)
	}
	_, err = c.cc.UpdateXksProxy(ctx, f.ProxyID, reference.XksProxyPatch{ExternalKeys: &keys})
	return err
}

func (c referenceControl) RelatedCloudHSM(ctx context.Context, clusterID string) (steps.CloudHSMFixture, error) {
	cl, err := c.cc.Cluster(ctx, clusterID)
	if err != nil {
		return steps.CloudHSMFixture{}, err
	}
	history := cl.BackupHistoryID
	if history == "" {
		history = cl.ID
	}
	related, err := c.cc.CreateCluster(ctx, reference.ClusterPatch{BackupHistoryID: &history, KmsuserPassword: &cl.KmsuserPassword})
	if err != nil {
		return steps.CloudHSMFixture{}, err
	}
	return cloudHSMFixture(related), nil
}

func (c referenceControl) VPCXKS(ctx context.Context) (steps.XKSFixture, error) {
	service := fmt.Sprintf("com.amazonaws.vpce.%s.vpce-svc-%s", c.region, randomLower(17))
	p, err := c.cc.CreateXksProxy(ctx, reference.XksProxyPatch{
		Connectivity:           ptr("VPC_ENDPOINT_SERVICE"),
		VpcEndpointServiceName: &service,
	})
	if err != nil {
		return steps.XKSFixture{}, err
	}
	return xksFixture(p)
}

func (c referenceControl) NewExternalKey(ctx context.Context, f steps.XKSFixture) (string, error) {
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
func (c referenceControl) NewAccount(ctx context.Context, q steps.Quotas) (steps.Account, error) {
	accessKey := "AKIAKMSCONFORM" + randomUpper(6)
	id := reference.AccountForAccessKey(accessKey)
	if _, err := c.cc.SetAccountQuotas(ctx, id, reference.AccountQuotas{CustomKeyStores: q.CustomKeyStores, Keys: q.Keys}); err != nil {
		return steps.Account{}, err
	}
	return steps.Account{ID: id, Credentials: credentials.NewStaticCredentialsProvider(accessKey, embeddedSecret, "")}, nil
}

func (c referenceControl) AdvanceClock(ctx context.Context, accountID string, d time.Duration) error {
	_, err := c.cc.AdvanceAccountClock(ctx, accountID, d)
	return err
}

func cloudHSMFixture(c reference.Cluster) steps.CloudHSMFixture {
	return steps.CloudHSMFixture{ClusterID: c.ID, TrustAnchorPEM: c.TrustAnchorCertificate, Password: c.KmsuserPassword}
}

func xksFixture(p reference.XksProxy) (steps.XKSFixture, error) {
	if len(p.ExternalKeys) == 0 {
		return steps.XKSFixture{}, fmt.Errorf("the control API made XKS proxy %s without an external key", p.ID)
	}
	return steps.XKSFixture{
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
