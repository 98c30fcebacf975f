package reference

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Model patterns of the custom key store members.
var (
	clusterIDPattern      = MustPattern(`cluster-[2-7a-zA-Z]{11,16}`)
	xksEndpointPattern    = MustPattern(`^https://[a-zA-Z0-9.-]+$`)
	xksPathPattern        = MustPattern(`^(/[a-zA-Z0-9\/_-]+/kms/xks/v\d{1,2})$|^(/kms/xks/v\d{1,2})$`)
	vpcServiceNamePattern = MustPattern(`^(com|eu)\.amazonaws\.vpce\.([a-z]+-){2,3}\d+\.vpce-svc-[0-9a-z]+$`)
	accountIDPattern      = MustPattern(`[0-9]{12}`)
	xksAccessKeyPattern   = MustPattern(`^[A-Z2-7]+$`)
	xksSecretPattern      = MustPattern(`^[a-zA-Z0-9\/+=]+$`)
	externalKeyIDPattern  = MustPattern(`^[a-zA-Z0-9-_.]+$`)
	storeMarkerPattern    = MustPattern(`[\u0020-\u00FF]*`)
)

// connectionErrorCodes are the ConnectionErrorCode values KMS documents.
var connectionErrorCodes = []string{
	"INVALID_CREDENTIALS", "CLUSTER_NOT_FOUND", "NETWORK_ERRORS", "INTERNAL_ERROR",
	"INSUFFICIENT_CLOUDHSM_HSMS", "USER_LOCKED_OUT", "USER_NOT_FOUND", "USER_LOGGED_IN",
	"SUBNET_NOT_FOUND", "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET", "XKS_PROXY_ACCESS_DENIED",
	"XKS_PROXY_NOT_REACHABLE", "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND", "XKS_PROXY_INVALID_RESPONSE",
	"XKS_PROXY_INVALID_CONFIGURATION", "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
	"XKS_PROXY_TIMED_OUT", "XKS_PROXY_INVALID_TLS_CONFIGURATION",
}

// defaultDescribeLimit is how many stores DescribeCustomKeyStores returns when
// Limit is not given.
const defaultDescribeLimit = 100

func keyStoreOperations() map[string]operation {
	return map[string]operation{
		"CreateCustomKeyStore":     createCustomKeyStore,
		"DescribeCustomKeyStores":  describeCustomKeyStores,
		"ConnectCustomKeyStore":    connectCustomKeyStore,
		"DisconnectCustomKeyStore": disconnectCustomKeyStore,
		"UpdateCustomKeyStore":     updateCustomKeyStore,
		"DeleteCustomKeyStore":     deleteCustomKeyStore,
	}
}

// xksCredentialInput is XksProxyAuthenticationCredential on the wire.
type xksCredentialInput struct {
	AccessKeyId        *string
	RawSecretAccessKey *string
}

// validateCredential checks a credential's members; both are required and
// both are secret, so neither value is ever echoed.
func validateCredential(v *validator, c *xksCredentialInput) {
	if c == nil {
		return
	}
	const f = "xksProxyAuthenticationCredential."
	v.Required(f+"accessKeyId", c.AccessKeyId != nil)
	v.Length(f+"accessKeyId", c.AccessKeyId, 20, 30, true)
	v.Pattern(f+"accessKeyId", c.AccessKeyId, xksAccessKeyPattern, true)
	v.Required(f+"rawSecretAccessKey", c.RawSecretAccessKey != nil)
	v.Length(f+"rawSecretAccessKey", c.RawSecretAccessKey, 43, 64, true)
	v.Pattern(f+"rawSecretAccessKey", c.RawSecretAccessKey, xksSecretPattern, true)
}

// xksSettings are the members shared by CreateCustomKeyStore and UpdateCustomKeyStore.
type xksSettings struct {
	XksProxyUriEndpoint              *string
	XksProxyUriPath                  *string
	XksProxyVpcEndpointServiceName   *string
	XksProxyVpcEndpointServiceOwner  *string
	XksProxyAuthenticationCredential *xksCredentialInput
	XksProxyConnectivity             *string
}

func (x *xksSettings) validate(v *validator) {
	v.Length("xksProxyUriEndpoint", x.XksProxyUriEndpoint, 10, 128, false)
	v.Pattern("xksProxyUriEndpoint", x.XksProxyUriEndpoint, xksEndpointPattern, false)
	v.Length("xksProxyUriPath", x.XksProxyUriPath, 10, 128, false)
	v.Pattern("xksProxyUriPath", x.XksProxyUriPath, xksPathPattern, false)
	v.Length("xksProxyVpcEndpointServiceName", x.XksProxyVpcEndpointServiceName, 20, 64, false)
	v.Pattern("xksProxyVpcEndpointServiceName", x.XksProxyVpcEndpointServiceName, vpcServiceNamePattern, false)
	v.Length("xksProxyVpcEndpointServiceOwner", x.XksProxyVpcEndpointServiceOwner, 12, 12, false)
	v.Pattern("xksProxyVpcEndpointServiceOwner", x.XksProxyVpcEndpointServiceOwner, accountIDPattern, false)
	validateCredential(v, x.XksProxyAuthenticationCredential)
	v.Enum("xksProxyConnectivity", x.XksProxyConnectivity, connectivityPublic, connectivityVPC)
}

// given reports whether any XKS member was given.
func (x *xksSettings) given() bool {
	return x.XksProxyUriEndpoint != nil || x.XksProxyUriPath != nil || x.XksProxyVpcEndpointServiceName != nil ||
		x.XksProxyVpcEndpointServiceOwner != nil || x.XksProxyAuthenticationCredential != nil || x.XksProxyConnectivity != nil
}

// --- CreateCustomKeyStore ---

type createCustomKeyStoreInput struct {
	CustomKeyStoreName     *string
	CloudHsmClusterId      *string
	TrustAnchorCertificate *string
	KeyStorePassword       *string
	CustomKeyStoreType     *string
	xksSettings
}

func createCustomKeyStore(c *call) (any, error) {
	var in createCustomKeyStoreInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	v := &validator{}
	v.Required("customKeyStoreName", in.CustomKeyStoreName != nil)
	v.Length("customKeyStoreName", in.CustomKeyStoreName, 1, 256, false)
	v.Length("cloudHsmClusterId", in.CloudHsmClusterId, 19, 24, false)
	v.Pattern("cloudHsmClusterId", in.CloudHsmClusterId, clusterIDPattern, false)
	v.Length("trustAnchorCertificate", in.TrustAnchorCertificate, 1, 5000, false)
	v.Length("keyStorePassword", in.KeyStorePassword, 7, 32, true)
	v.Enum("customKeyStoreType", in.CustomKeyStoreType, StoreTypeCloudHSM, StoreTypeExternal)
	in.xksSettings.validate(v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	storeType := strValue(in.CustomKeyStoreType)
	if storeType == "" {
		storeType = StoreTypeCloudHSM // CreateCustomKeyStore.03
	}
	if err := checkCreateMembers(storeType, &in); err != nil {
		return nil, err
	}
	name := *in.CustomKeyStoreName
	if c.storeNamed(name) != nil { // CreateCustomKeyStore.01
		return nil, errorf("CustomKeyStoreNameInUseException", "A custom key store with name '%s' already exists in this account and Region.", name)
	}
	if len(c.acct.stores) >= c.svc.storeQuotaOf(c.acct) {
		return nil, errorf("LimitExceededException", "Account %s already has %d custom key stores in %s, the most it may have.", c.acct.id, len(c.acct.stores), c.region)
	}
	st := &KeyStore{
		ID:      c.svc.newStoreID(),
		Name:    name,
		Account: c.acct.id,
		Type:    storeType,
		Created: c.now,
		State:   Disconnected,
	}
	if storeType == StoreTypeCloudHSM {
		cluster, err := c.checkClusterForStore(*in.CloudHsmClusterId, nil)
		if err != nil {
			return nil, err
		}
		if !sameCertificate(*in.TrustAnchorCertificate, cluster.TrustAnchorCertificate) {
			return nil, errorf("IncorrectTrustAnchorException", "The trust anchor certificate does not match the trust anchor certificate of cluster %s.", cluster.ID)
		}
		st.ClusterID = cluster.ID
		st.TrustAnchor = *in.TrustAnchorCertificate
		st.Password = *in.KeyStorePassword
	} else {
		cfg := xksConfig{
			endpoint:     *in.XksProxyUriEndpoint,
			path:         *in.XksProxyUriPath,
			connectivity: *in.XksProxyConnectivity,
			accessKeyID:  *in.XksProxyAuthenticationCredential.AccessKeyId,
			secret:       *in.XksProxyAuthenticationCredential.RawSecretAccessKey,
		}
		if cfg.connectivity == connectivityVPC {
			cfg.vpcServiceName = *in.XksProxyVpcEndpointServiceName
			cfg.vpcServiceOwner = cmp.Or(strValue(in.XksProxyVpcEndpointServiceOwner), c.acct.id) // CreateCustomKeyStore.22
		}
		if err := c.checkXksConfig(cfg, "", false); err != nil {
			return nil, err
		}
		cfg.applyTo(st)
	}
	c.acct.stores[st.ID] = st
	return map[string]string{"CustomKeyStoreId": st.ID}, nil
}

// checkCreateMembers enforces the members each store type needs and refuses
// those of the other type. The docs forbid these combinations without naming
// an error (CreateCustomKeyStore.05-07, .17-.21): the reference answers with a
// ValidationException, KMS's error for a request that is malformed as a whole.
func checkCreateMembers(storeType string, in *createCustomKeyStoreInput) error {
	var missing, extra []string
	need := func(name string, present bool) {
		if !present {
			missing = append(missing, name)
		}
	}
	refuse := func(name string, present bool) {
		if present {
			extra = append(extra, name)
		}
	}
	if storeType == StoreTypeCloudHSM {
		need("CloudHsmClusterId", in.CloudHsmClusterId != nil)
		need("TrustAnchorCertificate", in.TrustAnchorCertificate != nil)
		need("KeyStorePassword", in.KeyStorePassword != nil)
		refuse("XksProxyUriEndpoint", in.XksProxyUriEndpoint != nil)
		refuse("XksProxyUriPath", in.XksProxyUriPath != nil)
		refuse("XksProxyVpcEndpointServiceName", in.XksProxyVpcEndpointServiceName != nil)
		refuse("XksProxyVpcEndpointServiceOwner", in.XksProxyVpcEndpointServiceOwner != nil)
		refuse("XksProxyAuthenticationCredential", in.XksProxyAuthenticationCredential != nil)
		refuse("XksProxyConnectivity", in.XksProxyConnectivity != nil)
	} else {
		need("XksProxyConnectivity", in.XksProxyConnectivity != nil)
		need("XksProxyUriEndpoint", in.XksProxyUriEndpoint != nil)
		need("XksProxyUriPath", in.XksProxyUriPath != nil)
		need("XksProxyAuthenticationCredential", in.XksProxyAuthenticationCredential != nil)
		vpc := strValue(in.XksProxyConnectivity) == connectivityVPC
		if vpc {
			need("XksProxyVpcEndpointServiceName", in.XksProxyVpcEndpointServiceName != nil)
		} else {
			refuse("XksProxyVpcEndpointServiceName", in.XksProxyVpcEndpointServiceName != nil)
			refuse("XksProxyVpcEndpointServiceOwner", in.XksProxyVpcEndpointServiceOwner != nil)
		}
		refuse("CloudHsmClusterId", in.CloudHsmClusterId != nil)
		refuse("TrustAnchorCertificate", in.TrustAnchorCertificate != nil)
		refuse("KeyStorePassword", in.KeyStorePassword != nil)
	}
	switch {
	case len(missing) > 0:
		return errorf("ValidationException", "A custom key store of type %s requires %s.", storeTypeDetail(storeType, in.XksProxyConnectivity), strings.Join(missing, ", "))
	case len(extra) > 0:
		return errorf("ValidationException", "%s is not valid for a custom key store of type %s.", strings.Join(extra, ", "), storeTypeDetail(storeType, in.XksProxyConnectivity))
	}
	return nil
}

func storeTypeDetail(storeType string, connectivity *string) string {
	if storeType == StoreTypeExternal && connectivity != nil {
		return storeType + " with " + *connectivity + " connectivity"
	}
	return storeType
}

// --- DescribeCustomKeyStores ---

type describeCustomKeyStoresInput struct {
	CustomKeyStoreId   *string
	CustomKeyStoreName *string
	Limit              *int64
	Marker             *string
}

type customKeyStoresListEntry struct {
	CustomKeyStoreId       string
	CustomKeyStoreName     string
	CustomKeyStoreType     string
	ConnectionState        ConnectionState
	ConnectionErrorCode    string                 `json:",omitempty"`
	CreationDate           *Timestamp             `json:",omitempty"`
	CloudHsmClusterId      string                 `json:",omitempty"`
	TrustAnchorCertificate string                 `json:",omitempty"`
	XksProxyConfiguration  *xksProxyConfiguration `json:",omitempty"`
}

// xksProxyConfiguration is what KMS shows of an external store's proxy
// settings: the credential's access key ID, never its secret.
type xksProxyConfiguration struct {
	AccessKeyId             string
	Connectivity            string
	UriEndpoint             string
	UriPath                 string
	VpcEndpointServiceName  string `json:",omitempty"`
	VpcEndpointServiceOwner string `json:",omitempty"`
}

type describeCustomKeyStoresOutput struct {
	CustomKeyStores []customKeyStoresListEntry
	NextMarker      string `json:",omitempty"`
	Truncated       bool
}

func describeCustomKeyStores(c *call) (any, error) {
	var in describeCustomKeyStoresInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	v := &validator{}
	v.Length("customKeyStoreId", in.CustomKeyStoreId, 1, 64, false)
	v.Length("customKeyStoreName", in.CustomKeyStoreName, 1, 256, false)
	v.Range("limit", in.Limit, 1, 1000)
	v.Length("marker", in.Marker, 1, 1024, false)
	v.Pattern("marker", in.Marker, storeMarkerPattern, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	// DescribeCustomKeyStores.04: "either ... but not both", error unnamed.
	if in.CustomKeyStoreId != nil && in.CustomKeyStoreName != nil {
		return nil, errorf("ValidationException", "Specify either CustomKeyStoreId or CustomKeyStoreName, but not both.")
	}
	var stores []*KeyStore
	switch {
	case in.CustomKeyStoreId != nil:
		st, err := c.findStore(*in.CustomKeyStoreId)
		if err != nil {
			return nil, err
		}
		stores = []*KeyStore{st}
	case in.CustomKeyStoreName != nil:
		st := c.storeNamed(*in.CustomKeyStoreName)
		if st == nil {
			return nil, errorf("CustomKeyStoreNotFoundException", "No custom key store named '%s' exists in this account and Region.", *in.CustomKeyStoreName)
		}
		stores = []*KeyStore{st}
	default:
		for _, st := range c.acct.stores {
			stores = append(stores, st)
		}
		slices.SortFunc(stores, compareStores)
	}
	if in.Marker != nil {
		after, ok := parseMarker(*in.Marker)
		if !ok {
			return nil, errorf("InvalidMarkerException", "The Marker is not a NextMarker from a previous DescribeCustomKeyStores response.")
		}
		i, _ := slices.BinarySearchFunc(stores, after, func(st *KeyStore, m storeMarker) int {
			return cmp.Or(st.Created.Compare(m.created), cmp.Compare(st.ID, m.id))
		})
		// The marker names the last store returned; continue after it.
		if i < len(stores) && stores[i].ID == after.id {
			i++
		}
		stores = stores[i:]
	}
	limit := defaultDescribeLimit
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	out := describeCustomKeyStoresOutput{CustomKeyStores: []customKeyStoresListEntry{}}
	if len(stores) > limit {
		out.Truncated = true
		out.NextMarker = formatMarker(stores[limit-1])
		stores = stores[:limit]
	}
	for _, st := range stores {
		out.CustomKeyStores = append(out.CustomKeyStores, listEntry(st))
	}
	return out, nil
}

func compareStores(a, b *KeyStore) int {
	return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
}

// storeMarker is the position a NextMarker stands for: the last store
// returned, so that paging survives stores being deleted in between.
type storeMarker struct {
	created time.Time
	id      string
}

const markerPrefix = "kmsconform-cks-v1:"

func formatMarker(st *KeyStore) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s%d:%s", markerPrefix, st.Created.UnixNano(), st.ID))
}

func parseMarker(s string) (storeMarker, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return storeMarker{}, false
	}
	rest, ok := strings.CutPrefix(string(raw), markerPrefix)
	if !ok {
		return storeMarker{}, false
	}
	nanos, id, ok := strings.Cut(rest, ":")
	var n int64
	if _, err := fmt.Sscan(nanos, &n); !ok || err != nil || !strings.HasPrefix(id, "cks-") {
		return storeMarker{}, false
	}
	return storeMarker{created: time.Unix(0, n).UTC(), id: id}, true
}

func listEntry(st *KeyStore) customKeyStoresListEntry {
	e := customKeyStoresListEntry{
		CustomKeyStoreId:   st.ID,
		CustomKeyStoreName: st.Name,
		CustomKeyStoreType: st.Type,
		ConnectionState:    st.State,
		CreationDate:       TimestampOf(st.Created),
	}
	if st.State == Failed { // DescribeCustomKeyStores.07
		e.ConnectionErrorCode = st.ErrorCode
	}
	if st.Type == StoreTypeCloudHSM {
		e.CloudHsmClusterId = st.ClusterID
		e.TrustAnchorCertificate = st.TrustAnchor
		return e
	}
	e.XksProxyConfiguration = &xksProxyConfiguration{
		AccessKeyId:  st.XksAccessKeyID,
		Connectivity: st.XksConnectivity,
		UriEndpoint:  st.XksURIEndpoint,
		UriPath:      st.XksURIPath,
	}
	if st.XksConnectivity == connectivityVPC {
		e.XksProxyConfiguration.VpcEndpointServiceName = st.XksVpcServiceName
		e.XksProxyConfiguration.VpcEndpointServiceOwner = st.XksVpcServiceOwner
	}
	return e
}

// --- ConnectCustomKeyStore / DisconnectCustomKeyStore ---

type storeIDInput struct {
	CustomKeyStoreId *string
}

// decodeStoreID reads and validates a request whose only member is the
// required CustomKeyStoreId, and finds that store.
func (c *call) decodeStoreID() (*KeyStore, error) {
	var in storeIDInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	v := &validator{}
	v.Required("customKeyStoreId", in.CustomKeyStoreId != nil)
	v.Length("customKeyStoreId", in.CustomKeyStoreId, 1, 64, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return c.findStore(*in.CustomKeyStoreId)
}

func connectCustomKeyStore(c *call) (any, error) {
	st, err := c.decodeStoreID()
	if err != nil {
		return nil, err
	}
	switch st.State {
	case Connected, Connecting: // ConnectCustomKeyStore.06, .07: nothing to do
		return struct{}{}, nil
	case Failed, Disconnecting: // ConnectCustomKeyStore.03, .04
		return nil, invalidState("ConnectCustomKeyStore is not valid while the custom key store is %s; a FAILED store must be disconnected first.", st.State)
	}
	if st.Type == StoreTypeCloudHSM {
		// The cluster's own configuration is checked synchronously
		// (ConnectCustomKeyStore.10-.13); everything KMS only learns by
		// trying to log in fails the connection asynchronously.
		if cluster := c.svc.backing.clusterVisibleTo(st.ClusterID, c.acct.id); cluster != nil {
			if err := checkClusterUsable(cluster, 1); err != nil {
				return nil, err
			}
		}
	}
	c.svc.startTransitionLocked(st, Connecting, c.now)
	return struct{}{}, nil
}

func disconnectCustomKeyStore(c *call) (any, error) {
	st, err := c.decodeStoreID()
	if err != nil {
		return nil, err
	}
	if st.State == Disconnected || st.State == Disconnecting { // DisconnectCustomKeyStore.03, .04
		return nil, invalidState("DisconnectCustomKeyStore is not valid while the custom key store is %s.", st.State)
	}
	c.svc.startTransitionLocked(st, Disconnecting, c.now)
	return struct{}{}, nil
}

// startTransitionLocked puts st into CONNECTING or DISCONNECTING. The
// transition completes after the store's latency (settleLocked applies it);
// a held store waits for its release instead. A connect's outcome is decided
// from the backing fixtures when the connect starts, or, for a held store,
// when it is released, so that fixtures changed in between take effect.
func (s *Service) startTransitionLocked(st *KeyStore, to ConnectionState, now time.Time) {
	st.State = to
	st.ErrorCode = ""
	timing := s.backing.timingFor(st.ID)
	at := now.Add(time.Duration(timing.DisconnectLatency))
	if to == Connecting {
		at = now.Add(time.Duration(timing.ConnectLatency))
	}
	if s.backing.held[st.ID] {
		at = untilReleased()
	}
	st.pending = &transition{at: at}
	s.decideTransitionLocked(st)
}

// decideTransitionLocked sets where st's pending transition ends.
func (s *Service) decideTransitionLocked(st *KeyStore) {
	if st.State == Disconnecting {
		st.pending.to, st.pending.errorCode = Disconnected, ""
		return
	}
	if code := s.connectFailure(st); code != "" {
		st.pending.to, st.pending.errorCode = Failed, code
		return
	}
	st.pending.to, st.pending.errorCode = Connected, ""
}

// untilReleased is the completion time of a held transition: never, on any
// clock the control API can advance to.
func untilReleased() time.Time { return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC) }

// connectFailure is the ConnectionErrorCode a connect attempt of st ends
// with, or "" when it connects.
func (s *Service) connectFailure(st *KeyStore) string {
	if st.Type == StoreTypeCloudHSM {
		return clusterConnectFailure(s.backing.clusterVisibleTo(st.ClusterID, st.Account), st.Password)
	}
	return s.backing.xksConnectFailure(xksConfigOf(st))
}

func clusterConnectFailure(cl *Cluster, password string) string {
	if cl == nil {
		return "CLUSTER_NOT_FOUND"
	}
	for _, sn := range cl.Subnets {
		if sn.Deleted {
			return "SUBNET_NOT_FOUND"
		}
	}
	for _, sn := range cl.Subnets {
		if sn.NoFreeAddresses {
			return "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET"
		}
	}
	if _, hsms := cl.activeHSMZones(); hsms == 0 || !cl.Active {
		return "INSUFFICIENT_CLOUDHSM_HSMS"
	}
	if !cl.SecurityGroupValid {
		return "NETWORK_ERRORS"
	}
	switch {
	case cl.KmsuserMissing:
		return "USER_NOT_FOUND"
	case cl.KmsuserLockedOut:
		return "USER_LOCKED_OUT"
	case cl.KmsuserLoggedIn:
		return "USER_LOGGED_IN"
	case cl.KmsuserPassword != password:
		return "INVALID_CREDENTIALS"
	}
	// KMS rotates the kmsuser password when it connects (ConnectCustomKeyStore.15).
	// The reference does not: the rotation is invisible through the KMS API,
	// and a fixture password that changed behind the tests' back would break
	// the next store created on the cluster.
	return ""
}

// xksConnectFailure walks the path KMS takes to an external key store's
// proxy and reports the first thing that fails.
func (b *backing) xksConnectFailure(cfg xksConfig) string {
	p := b.proxyFor(cfg)
	if cfg.connectivity == connectivityVPC {
		if p == nil || (p.VpcEndpointServiceOwner != "" && p.VpcEndpointServiceOwner != cfg.vpcServiceOwner) {
			return "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND"
		}
		if !p.VpcEndpointServiceValid {
			return "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION"
		}
		if !strings.EqualFold(p.URIEndpoint, cfg.endpoint) { // the private DNS name does not lead to the proxy
			return "XKS_PROXY_NOT_REACHABLE"
		}
	}
	switch {
	case p == nil || !p.Reachable:
		return "XKS_PROXY_NOT_REACHABLE"
	case !p.TLSValid:
		return "XKS_PROXY_INVALID_TLS_CONFIGURATION"
	case p.TimesOut:
		return "XKS_PROXY_TIMED_OUT"
	case !p.ConfigurationValid || p.URIPath != cfg.path:
		return "XKS_PROXY_INVALID_CONFIGURATION"
	case p.DeniesKMS:
		return "XKS_PROXY_ACCESS_DENIED"
	case p.Credential.AccessKeyID != cfg.accessKeyID || p.Credential.RawSecretAccessKey != cfg.secret:
		return "INVALID_CREDENTIALS"
	case !p.AnswersValidly:
		return "XKS_PROXY_INVALID_RESPONSE"
	case !p.EKMAvailable:
		return "XKS_PROXY_NOT_REACHABLE"
	}
	return ""
}

// --- UpdateCustomKeyStore ---

type updateCustomKeyStoreInput struct {
	CustomKeyStoreId      *string
	NewCustomKeyStoreName *string
	KeyStorePassword      *string
	CloudHsmClusterId     *string
	xksSettings
}

func updateCustomKeyStore(c *call) (any, error) {
	var in updateCustomKeyStoreInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	v := &validator{}
	v.Required("customKeyStoreId", in.CustomKeyStoreId != nil)
	v.Length("customKeyStoreId", in.CustomKeyStoreId, 1, 64, false)
	v.Length("newCustomKeyStoreName", in.NewCustomKeyStoreName, 1, 256, false)
	v.Length("keyStorePassword", in.KeyStorePassword, 7, 32, true)
	v.Length("cloudHsmClusterId", in.CloudHsmClusterId, 19, 24, false)
	v.Pattern("cloudHsmClusterId", in.CloudHsmClusterId, clusterIDPattern, false)
	in.xksSettings.validate(v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	st, err := c.findStore(*in.CustomKeyStoreId)
	if err != nil {
		return nil, err
	}
	if err := checkUpdateMembers(st, &in); err != nil {
		return nil, err
	}
	if err := checkUpdateState(st, &in); err != nil {
		return nil, err
	}
	if in.NewCustomKeyStoreName != nil {
		if other := c.storeNamed(*in.NewCustomKeyStoreName); other != nil && other != st {
			return nil, errorf("CustomKeyStoreNameInUseException", "A custom key store with name '%s' already exists in this account and Region.", *in.NewCustomKeyStoreName)
		}
	}
	// Check everything before changing anything: a failed update changes nothing.
	var newCluster *Cluster
	var newXks *xksConfig
	if st.Type == StoreTypeCloudHSM && in.CloudHsmClusterId != nil {
		if newCluster, err = c.checkClusterForStore(*in.CloudHsmClusterId, st); err != nil {
			return nil, err
		}
	}
	if st.Type == StoreTypeExternal && in.xksSettings.given() {
		cfg, err := mergeXksUpdate(st, &in.xksSettings, c.acct.id)
		if err != nil {
			return nil, err
		}
		if err := c.checkXksConfig(cfg, st.ID, st.State == Connected); err != nil {
			return nil, err
		}
		newXks = &cfg
	}
	if in.NewCustomKeyStoreName != nil {
		st.Name = *in.NewCustomKeyStoreName
	}
	if in.KeyStorePassword != nil {
		st.Password = *in.KeyStorePassword // CreateCustomKeyStore.16: the cluster is not changed
	}
	if newCluster != nil {
		st.ClusterID = newCluster.ID
	}
	if newXks != nil {
		newXks.applyTo(st)
	}
	return struct{}{}, nil
}

// checkUpdateMembers refuses members of the other store type
// (UpdateCustomKeyStore.15, .16; error unnamed, ValidationException chosen).
func checkUpdateMembers(st *KeyStore, in *updateCustomKeyStoreInput) error {
	var wrong []string
	if st.Type == StoreTypeExternal {
		if in.KeyStorePassword != nil {
			wrong = append(wrong, "KeyStorePassword")
		}
		if in.CloudHsmClusterId != nil {
			wrong = append(wrong, "CloudHsmClusterId")
		}
	} else if in.xksSettings.given() {
		wrong = append(wrong, "XksProxy*")
	}
	if len(wrong) > 0 {
		return errorf("ValidationException", "%s: valid only for custom key stores of the other type; %s is of type %s.", strings.Join(wrong, ", "), st.ID, st.Type)
	}
	return nil
}

// checkUpdateState applies part B's UpdateCustomKeyStore rows.
//
// The docs disagree about what may change while CONNECTED (conditions part E.1):
// the CustomKeyStoreInvalidStateException doc allows only the name, the
// UpdateCustomKeyStore operation doc also allows an external key store's
// XksProxyAuthenticationCredential and XksProxyUriPath. The reference follows
// the operation doc: it is the more specific text, describes this operation
// member by member, and agrees with its member docs. Every other member needs
// DISCONNECTED; CONNECTING, FAILED and DISCONNECTING allow no update at all.
func checkUpdateState(st *KeyStore, in *updateCustomKeyStoreInput) error {
	switch st.State {
	case Disconnected:
		return nil
	case Connected:
		var needDisconnected []string
		add := func(name string, present bool) {
			if present {
				needDisconnected = append(needDisconnected, name)
			}
		}
		add("KeyStorePassword", in.KeyStorePassword != nil)
		add("CloudHsmClusterId", in.CloudHsmClusterId != nil)
		add("XksProxyUriEndpoint", in.XksProxyUriEndpoint != nil)
		add("XksProxyVpcEndpointServiceName", in.XksProxyVpcEndpointServiceName != nil)
		add("XksProxyVpcEndpointServiceOwner", in.XksProxyVpcEndpointServiceOwner != nil)
		add("XksProxyConnectivity", in.XksProxyConnectivity != nil)
		if len(needDisconnected) == 0 {
			return nil
		}
		return invalidState("%s can be changed only while the custom key store is DISCONNECTED; it is CONNECTED.", strings.Join(needDisconnected, ", "))
	default:
		return invalidState("UpdateCustomKeyStore is not valid while the custom key store is %s.", st.State)
	}
}

// mergeXksUpdate applies the XKS members of an update to st's configuration
// and checks that the result is coherent (UpdateCustomKeyStore.17-.19; error
// unnamed, ValidationException chosen).
func mergeXksUpdate(st *KeyStore, in *xksSettings, account string) (xksConfig, error) {
	cfg := xksConfigOf(st)
	if in.XksProxyUriEndpoint != nil {
		cfg.endpoint = *in.XksProxyUriEndpoint
	}
	if in.XksProxyUriPath != nil {
		cfg.path = *in.XksProxyUriPath
	}
	if in.XksProxyAuthenticationCredential != nil {
		cfg.accessKeyID = *in.XksProxyAuthenticationCredential.AccessKeyId
		cfg.secret = *in.XksProxyAuthenticationCredential.RawSecretAccessKey
	}
	switching := in.XksProxyConnectivity != nil && *in.XksProxyConnectivity != cfg.connectivity
	if in.XksProxyConnectivity != nil {
		cfg.connectivity = *in.XksProxyConnectivity
	}
	if cfg.connectivity == connectivityPublic {
		if in.XksProxyVpcEndpointServiceName != nil || in.XksProxyVpcEndpointServiceOwner != nil {
			return cfg, errorf("ValidationException", "XksProxyVpcEndpointServiceName and XksProxyVpcEndpointServiceOwner are not valid for an external key store with PUBLIC_ENDPOINT connectivity.")
		}
		if switching && in.XksProxyUriEndpoint == nil {
			return cfg, errorf("ValidationException", "Changing XksProxyConnectivity to PUBLIC_ENDPOINT requires a new XksProxyUriEndpoint.")
		}
		cfg.vpcServiceName, cfg.vpcServiceOwner = "", ""
		return cfg, nil
	}
	if switching && (in.XksProxyUriEndpoint == nil || in.XksProxyVpcEndpointServiceName == nil) {
		return cfg, errorf("ValidationException", "Changing XksProxyConnectivity to VPC_ENDPOINT_SERVICE requires a new XksProxyUriEndpoint and an XksProxyVpcEndpointServiceName.")
	}
	if in.XksProxyVpcEndpointServiceName != nil {
		cfg.vpcServiceName = *in.XksProxyVpcEndpointServiceName
	}
	if in.XksProxyVpcEndpointServiceOwner != nil {
		cfg.vpcServiceOwner = *in.XksProxyVpcEndpointServiceOwner
	}
	cfg.vpcServiceOwner = cmp.Or(cfg.vpcServiceOwner, account)
	return cfg, nil
}

// --- DeleteCustomKeyStore ---

func deleteCustomKeyStore(c *call) (any, error) {
	st, err := c.decodeStoreID()
	if err != nil {
		return nil, err
	}
	// Error precedence is undocumented (conditions part E.4). The reference
	// checks the store's state before its contents: a CONNECTED store with
	// keys is CustomKeyStoreInvalidStateException. The state is the
	// precondition the operation doc states first (disconnect, then delete),
	// and it is a property of the store itself rather than of its keys.
	if st.State != Disconnected { // DeleteCustomKeyStore.03-.06
		return nil, invalidState("DeleteCustomKeyStore is valid only while the custom key store is DISCONNECTED; it is %s.", st.State)
	}
	if n := c.keysInStore(st.ID); n > 0 { // DeleteCustomKeyStore.07, .08
		return nil, errorf("CustomKeyStoreHasCMKsException", "Custom key store %s still contains %d KMS key(s), including keys pending deletion; delete them first.", st.ID, n)
	}
	// DeleteCustomKeyStore.11: the backing cluster or proxy is left as it is.
	delete(c.acct.stores, st.ID)
	delete(c.svc.backing.storeTiming, st.ID)
	delete(c.svc.backing.held, st.ID)
	return struct{}{}, nil
}

func (c *call) keysInStore(storeID string) int {
	n := 0
	for _, k := range c.acct.keys {
		if k.CustomKeyStoreID == storeID {
			n++
		}
	}
	return n
}

// --- hooks for the key operations ---

// placeKeyInStore checks that a new key (Origin AWS_CLOUDHSM or
// EXTERNAL_KEY_STORE) can be created in custom key store storeID and records the
// placement on k (CustomKeyStoreID, CloudHsmClusterID, XksKeyID). It returns the
// documented CreateKey errors: CustomKeyStoreNotFoundException,
// CustomKeyStoreInvalidStateException, CloudHsmClusterInvalidConfigurationException,
// XksKeyNotFoundException, XksKeyAlreadyInUseException, XksKeyInvalidConfigurationException.
// It also gives k its material (generated in the cluster, or bound to the external key).
func (c *call) placeKeyInStore(k *Key, storeID string, xksKeyID string) error {
	st, err := c.findStore(storeID)
	if err != nil {
		return err
	}
	if want := storeOrigin(st.Type); k.Origin != "" && k.Origin != want {
		return errorf("UnsupportedOperationException", "Origin %s is not valid for custom key store %s, which is of type %s; use Origin %s.", k.Origin, st.ID, st.Type, want)
	}
	if st.State != Connected { // CreateKey.24
		return invalidState("KMS keys can be created in custom key store %s only while it is CONNECTED; it is %s.", st.ID, st.State)
	}
	if st.Type == StoreTypeCloudHSM {
		cl := c.svc.backing.clusterVisibleTo(st.ClusterID, c.acct.id)
		if cl == nil {
			return errorf("CloudHsmClusterInvalidConfigurationException", "The CloudHSM cluster %s associated with custom key store %s cannot be found.", st.ClusterID, st.ID)
		}
		if zones, _ := cl.activeHSMZones(); zones < 2 { // CreateKey.25
			return errorf("CloudHsmClusterInvalidConfigurationException", "CloudHSM cluster %s must contain at least two active HSMs, each in a different Availability Zone.", cl.ID)
		}
		k.CustomKeyStoreID, k.CloudHsmClusterID, k.XksKeyID = st.ID, cl.ID, ""
		k.Material = secureRandom(32) // generated "in the cluster"
		return nil
	}
	if xksKeyID == "" {
		return errorf("ValidationException", "XksKeyId is required to create a KMS key in an external key store.")
	}
	p := c.svc.backing.proxyFor(xksConfigOf(st))
	var ext *ExternalKey
	if p != nil {
		ext = p.externalKey(xksKeyID)
	}
	if ext == nil { // CreateKey.26
		return errorf("XksKeyNotFoundException", "The external key store proxy cannot find external key %s.", xksKeyID)
	}
	for _, other := range c.acct.keys {
		if other.CustomKeyStoreID == st.ID && other.XksKeyID == xksKeyID { // CreateKey.27
			return errorf("XksKeyAlreadyInUseException", "External key %s is already associated with KMS key %s in custom key store %s.", xksKeyID, other.ID, st.ID)
		}
	}
	switch {
	case ext.Spec != externalKeySpecAES256: // CreateKey.28
		return errorf("XksKeyInvalidConfigurationException", "External key %s is a %s key; it must be a 256-bit AES key.", xksKeyID, ext.Spec)
	case !ext.Enabled: // CreateKey.29
		return errorf("XksKeyInvalidConfigurationException", "External key %s is not enabled.", xksKeyID)
	case !slices.Contains(ext.Usages, "ENCRYPT") || !slices.Contains(ext.Usages, "DECRYPT"): // CreateKey.30
		return errorf("XksKeyInvalidConfigurationException", "External key %s must be usable for encryption and decryption.", xksKeyID)
	}
	k.CustomKeyStoreID, k.CloudHsmClusterID, k.XksKeyID = st.ID, "", xksKeyID
	k.Material = slices.Clone(ext.material)
	return nil
}

func storeOrigin(storeType string) string {
	if storeType == StoreTypeExternal {
		return OriginExternalKeyStore
	}
	return OriginCloudHSM
}

// checkRandomStore checks that GenerateRandom may use custom key store storeID:
// CustomKeyStoreNotFoundException, UnsupportedOperationException for an
// external key store, CustomKeyStoreInvalidStateException when not CONNECTED.
func (c *call) checkRandomStore(storeID string) error {
	st, err := c.findStore(storeID)
	if err != nil {
		return err
	}
	if st.Type == StoreTypeExternal { // GenerateRandom.04
		return errorf("UnsupportedOperationException", "GenerateRandom can use only CloudHSM key stores; %s is an external key store.", st.ID)
	}
	if st.State != Connected { // GenerateRandom.05
		return invalidState("GenerateRandom can use custom key store %s only while it is CONNECTED; it is %s.", st.ID, st.State)
	}
	return nil
}

// --- shared lookups and checks ---

// findStore finds a custom key store of the caller's account. Stores are not
// shared across accounts ("Cross-account use: No"): another account's store
// ID is simply not found.
func (c *call) findStore(id string) (*KeyStore, error) {
	if st, ok := c.acct.stores[id]; ok {
		return st, nil
	}
	return nil, errorf("CustomKeyStoreNotFoundException", "Custom key store '%s' does not exist in account %s in %s.", id, c.acct.id, c.region)
}

func (c *call) storeNamed(name string) *KeyStore {
	for _, st := range c.acct.stores {
		if st.Name == name {
			return st
		}
	}
	return nil
}

func invalidState(format string, args ...any) error {
	return errorf("CustomKeyStoreInvalidStateException", format, args...)
}

// newStoreID returns an unused custom key store ID: "cks-" and 17 hex digits.
func (s *Service) newStoreID() string {
	for {
		id := "cks-" + randomHex(17)
		if !s.storeIDTakenLocked(id) {
			return id
		}
	}
}

func (s *Service) storeIDTakenLocked(id string) bool {
	for _, a := range s.accounts {
		if _, ok := a.stores[id]; ok {
			return true
		}
	}
	return false
}

// checkClusterForStore checks that cluster id can back a CloudHSM key store
// of the caller's account: for a new store (replacing nil) or as the
// replacement cluster of store replacing.
func (c *call) checkClusterForStore(id string, replacing *KeyStore) (*Cluster, error) {
	cl := c.svc.backing.clusterVisibleTo(id, c.acct.id)
	if cl != nil && cl.Owner == "" && c.svc.clusterBacksOtherAccountLocked(cl.ID, c.acct.id) {
		cl = nil // CreateCustomKeyStore.37: the cluster is the other account's
	}
	if cl == nil { // CreateCustomKeyStore.08, UpdateCustomKeyStore.21
		return nil, errorf("CloudHsmClusterNotFoundException", "CloudHSM cluster %s does not exist in account %s.", id, c.acct.id)
	}
	if replacing == nil {
		for _, st := range c.acct.stores {
			if st.Type != StoreTypeCloudHSM {
				continue
			}
			if st.ClusterID == cl.ID { // CreateCustomKeyStore.09
				return nil, errorf("CloudHsmClusterInUseException", "CloudHSM cluster %s is already associated with custom key store %s.", cl.ID, st.ID)
			}
			if other := c.svc.backing.clusters[st.ClusterID]; other != nil && other.BackupHistoryID == cl.BackupHistoryID { // .10
				return nil, errorf("CloudHsmClusterInUseException", "CloudHSM cluster %s shares a backup history with cluster %s, which is associated with custom key store %s.", cl.ID, other.ID, st.ID)
			}
		}
	} else if cl.ID != replacing.ClusterID {
		orig := c.svc.backing.clusters[replacing.ClusterID]
		if orig == nil || orig.BackupHistoryID != cl.BackupHistoryID { // UpdateCustomKeyStore.22
			return nil, errorf("CloudHsmClusterNotRelatedException", "CloudHSM cluster %s does not share a backup history with cluster %s, the cluster of custom key store %s.", cl.ID, replacing.ClusterID, replacing.ID)
		}
	}
	if err := checkClusterUsable(cl, 2); err != nil {
		return nil, err
	}
	return cl, nil
}

// clusterBacksOtherAccountLocked reports whether a store of an account other
// than account uses the cluster. A cluster without an Owner is a fixture any
// account may take, but in AWS every cluster belongs to one account, so the
// first account whose store uses it owns it, and it is not lent to others.
func (s *Service) clusterBacksOtherAccountLocked(clusterID, account string) bool {
	for id, a := range s.accounts {
		if id.id == account {
			continue
		}
		for _, st := range a.stores {
			if st.Type == StoreTypeCloudHSM && st.ClusterID == clusterID {
				return true
			}
		}
	}
	return false
}

// checkClusterUsable checks a cluster is active and configured as KMS needs:
// minHSMs active HSMs (two, in different Availability Zones, to create or
// update a store; one to connect), subnets in two Availability Zones and a
// security group with the 2223-2225 rules.
func checkClusterUsable(cl *Cluster, minHSMs int) error {
	if !cl.Active {
		return errorf("CloudHsmClusterNotActiveException", "CloudHSM cluster %s is not active.", cl.ID)
	}
	zones, hsms := cl.activeHSMZones()
	switch {
	case minHSMs >= 2 && zones < 2:
		return errorf("CloudHsmClusterInvalidConfigurationException", "CloudHSM cluster %s must contain at least two active HSMs, each in a different Availability Zone.", cl.ID)
	case hsms < minHSMs:
		return errorf("CloudHsmClusterInvalidConfigurationException", "CloudHSM cluster %s contains no active HSM.", cl.ID)
	case cl.subnetZones() < 2:
		return errorf("CloudHsmClusterInvalidConfigurationException", "The private subnets of CloudHSM cluster %s must be in at least two Availability Zones.", cl.ID)
	case !cl.SecurityGroupValid:
		return errorf("CloudHsmClusterInvalidConfigurationException", "The security group of CloudHSM cluster %s must allow inbound and outbound TCP traffic on ports 2223-2225 within the group.", cl.ID)
	}
	return nil
}

// xksConfig is an external key store's proxy configuration.
type xksConfig struct {
	endpoint, path, connectivity    string
	vpcServiceName, vpcServiceOwner string
	accessKeyID, secret             string
}

func xksConfigOf(st *KeyStore) xksConfig {
	return xksConfig{
		endpoint: st.XksURIEndpoint, path: st.XksURIPath, connectivity: st.XksConnectivity,
		vpcServiceName: st.XksVpcServiceName, vpcServiceOwner: st.XksVpcServiceOwner,
		accessKeyID: st.XksAccessKeyID, secret: st.XksSecretAccessKey,
	}
}

func (x xksConfig) applyTo(st *KeyStore) {
	st.XksURIEndpoint, st.XksURIPath, st.XksConnectivity = x.endpoint, x.path, x.connectivity
	st.XksVpcServiceName, st.XksVpcServiceOwner = x.vpcServiceName, x.vpcServiceOwner
	st.XksAccessKeyID, st.XksSecretAccessKey = x.accessKeyID, x.secret
}

// proxyFor finds the simulated proxy a configuration leads to: through its
// VPC endpoint service, or at its public endpoint.
func (b *backing) proxyFor(cfg xksConfig) *XksProxy {
	for _, id := range b.proxyOrder {
		p := b.proxies[id]
		if cfg.connectivity == connectivityVPC {
			if p.Connectivity == connectivityVPC && p.VpcEndpointServiceName == cfg.vpcServiceName {
				return p
			}
			continue
		}
		if p.Connectivity == connectivityPublic && strings.EqualFold(p.URIEndpoint, cfg.endpoint) {
			return p
		}
	}
	return nil
}

// checkXksConfig checks an external key store configuration for store self
// ("" for a new store): first against the account's and Region's other
// stores, then against the simulated proxy. KMS contacts a PUBLIC_ENDPOINT
// proxy when the store is created or updated, a VPC_ENDPOINT_SERVICE proxy
// only when it connects (CreateCustomKeyStore.35), unless it is connected
// already.
func (c *call) checkXksConfig(cfg xksConfig, self string, connected bool) error {
	for _, st := range c.acct.stores {
		if st.ID == self || st.Type != StoreTypeExternal {
			continue
		}
		if strings.EqualFold(st.XksURIEndpoint, cfg.endpoint) && st.XksURIPath == cfg.path { // .24
			return errorf("XksProxyUriInUseException", "The XksProxyUriEndpoint and XksProxyUriPath %s%s are already used by custom key store %s.", cfg.endpoint, cfg.path, st.ID)
		}
		if cfg.connectivity == connectivityVPC && strings.EqualFold(st.XksURIEndpoint, cfg.endpoint) { // .26
			return errorf("XksProxyUriEndpointInUseException", "The XksProxyUriEndpoint %s is already the private DNS name of custom key store %s.", cfg.endpoint, st.ID)
		}
	}
	for _, a := range c.svc.accounts { // Region-wide rules
		for _, st := range a.stores {
			if st.ID == self || st.Type != StoreTypeExternal {
				continue
			}
			if cfg.connectivity == connectivityPublic && st.XksConnectivity == connectivityVPC && strings.EqualFold(st.XksURIEndpoint, cfg.endpoint) { // .25
				return errorf("XksProxyUriEndpointInUseException", "The XksProxyUriEndpoint %s is the endpoint of an external key store with VPC_ENDPOINT_SERVICE connectivity in this Region.", cfg.endpoint)
			}
			if cfg.connectivity == connectivityVPC && st.XksVpcServiceName == cfg.vpcServiceName { // .27
				return errorf("XksProxyVpcEndpointServiceInUseException", "The VPC endpoint service %s is already associated with an external key store in this Region.", cfg.vpcServiceName)
			}
		}
	}
	b := c.svc.backing
	if cfg.connectivity == connectivityVPC {
		switch code := b.xksConnectFailure(cfg); code {
		case "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND": // .28
			return errorf("XksProxyVpcEndpointServiceNotFoundException", "KMS cannot find VPC endpoint service %s, or the service does not allow the principal cks.kms.%s.amazonaws.com.", cfg.vpcServiceName, c.region)
		case "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION": // .29
			return errorf("XksProxyVpcEndpointServiceInvalidConfigurationException", "VPC endpoint service %s does not meet the requirements for an external key store.", cfg.vpcServiceName)
		}
		if !connected {
			return nil
		}
	}
	switch code := b.xksConnectFailure(cfg); code {
	case "":
		return nil
	case "XKS_PROXY_NOT_REACHABLE", "XKS_PROXY_TIMED_OUT", "XKS_PROXY_INVALID_TLS_CONFIGURATION": // .30, .31
		return errorf("XksProxyUriUnreachableException", "KMS cannot communicate with the external key store proxy at %s%s, or it reports that no external key manager instance is available.", cfg.endpoint, cfg.path)
	case "XKS_PROXY_INVALID_CONFIGURATION":
		if p := b.proxyFor(cfg); p != nil && p.ConfigurationValid { // the path leads nowhere: .30
			return errorf("XksProxyUriUnreachableException", "KMS cannot reach the external key store proxy at %s%s.", cfg.endpoint, cfg.path)
		}
		return errorf("XksProxyInvalidConfigurationException", "The external key store proxy at %s is not configured correctly.", cfg.endpoint) // .34
	case "INVALID_CREDENTIALS", "XKS_PROXY_ACCESS_DENIED": // .32
		return errorf("XksProxyIncorrectAuthenticationCredentialException", "The external key store proxy rejected the XksProxyAuthenticationCredential.")
	default: // XKS_PROXY_INVALID_RESPONSE: .33
		return errorf("XksProxyInvalidResponseException", "KMS cannot interpret the response from the external key store proxy at %s%s.", cfg.endpoint, cfg.path)
	}
}

func strValue(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
