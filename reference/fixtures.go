package reference

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Fixtures declare what the reference simulates behind custom key stores, and
// how access keys map to accounts. Members left out of a cluster, HSM, XKS
// proxy or external key take the values of a healthy one, so a fixture only
// states what is wrong with it.
type Fixtures struct {
	Accounts   map[string]string `yaml:"accounts" json:"accounts"` // access key ID -> 12-digit account ID
	Clusters   []Cluster         `yaml:"clusters" json:"clusters"`
	XksProxies []XksProxy        `yaml:"xksProxies" json:"xksProxies"`
	Timing     Timing            `yaml:"timing" json:"timing"`
	// CustomKeyStoreQuota is how many custom key stores one account may have
	// (KMS's quota is 10); 0 means the default.
	CustomKeyStoreQuota int `yaml:"customKeyStoreQuota" json:"customKeyStoreQuota"`
	// KeyQuota is how many KMS keys one account may have (KMS's quota is
	// 100000); 0 means the default. A low quota lets a scenario reach
	// CreateKey's LimitExceededException without creating 100000 keys.
	KeyQuota int `yaml:"keyQuota" json:"keyQuota"`
}

// Cluster is a simulated CloudHSM cluster.
type Cluster struct {
	ID string `yaml:"id" json:"id"`
	// Owner is the account the cluster belongs to; other accounts cannot see
	// it. Empty means every account can use it.
	Owner string `yaml:"owner,omitempty" json:"owner,omitempty"`
	// TrustAnchorCertificate is the PEM of the cluster's customerCA.crt. The
	// reference generates a real self-signed certificate when none is given
	// (or copies it from a related cluster: one with the same backup history).
	TrustAnchorCertificate string `yaml:"trustAnchorCertificate" json:"trustAnchorCertificate"`
	// KmsuserPassword is the kmsuser crypto user's current password. Secret:
	// shown only through the control API, which is a fixture channel.
	KmsuserPassword    string   `yaml:"kmsuserPassword" json:"kmsuserPassword"`
	Active             bool     `yaml:"active" json:"active"`
	HSMs               []HSM    `yaml:"hsms" json:"hsms"`
	Subnets            []Subnet `yaml:"subnets" json:"subnets"`
	SecurityGroupValid bool     `yaml:"securityGroupValid" json:"securityGroupValid"`
	// BackupHistoryID names the cluster certificate lineage: clusters with the
	// same value are related (created from each other's backups). Default: the
	// cluster's ID.
	BackupHistoryID  string `yaml:"backupHistoryId" json:"backupHistoryId"`
	KmsuserMissing   bool   `yaml:"kmsuserMissing" json:"kmsuserMissing"`
	KmsuserLockedOut bool   `yaml:"kmsuserLockedOut" json:"kmsuserLockedOut"`
	KmsuserLoggedIn  bool   `yaml:"kmsuserLoggedIn" json:"kmsuserLoggedIn"`

	line int // where the cluster was declared in a fixtures file, for errors
}

// HSM is one HSM of a simulated cluster.
type HSM struct {
	ID               string `yaml:"id" json:"id"`
	AvailabilityZone string `yaml:"availabilityZone" json:"availabilityZone"`
	Active           bool   `yaml:"active" json:"active"`
}

// Subnet is one private subnet of a simulated cluster.
type Subnet struct {
	ID               string `yaml:"id" json:"id"`
	AvailabilityZone string `yaml:"availabilityZone" json:"availabilityZone"`
	NoFreeAddresses  bool   `yaml:"noFreeAddresses" json:"noFreeAddresses"`
	Deleted          bool   `yaml:"deleted" json:"deleted"`
}

// XksProxy is a simulated external key store proxy and the external key
// manager behind it.
type XksProxy struct {
	ID           string `yaml:"id" json:"id"`
	URIEndpoint  string `yaml:"uriEndpoint" json:"uriEndpoint"` // https://host, no port
	URIPath      string `yaml:"uriPath" json:"uriPath"`         // e.g. /kms/xks/v1
	Connectivity string `yaml:"connectivity" json:"connectivity"`
	// VPC endpoint service through which a VPC_ENDPOINT_SERVICE proxy is reached.
	VpcEndpointServiceName  string `yaml:"vpcEndpointServiceName,omitempty" json:"vpcEndpointServiceName,omitempty"`
	VpcEndpointServiceOwner string `yaml:"vpcEndpointServiceOwner,omitempty" json:"vpcEndpointServiceOwner,omitempty"` // empty: any account
	// VpcEndpointServiceValid says the endpoint service meets KMS's
	// requirements (NLB in two AZs, KMS allowed, private DNS verified, ...).
	VpcEndpointServiceValid bool `yaml:"vpcEndpointServiceValid" json:"vpcEndpointServiceValid"`
	Reachable               bool `yaml:"reachable" json:"reachable"`
	TLSValid                bool `yaml:"tlsValid" json:"tlsValid"`
	TimesOut                bool `yaml:"timesOut" json:"timesOut"`
	ConfigurationValid      bool `yaml:"configurationValid" json:"configurationValid"`
	// DeniesKMS: the proxy's authorization rules refuse KMS even with a valid credential.
	DeniesKMS      bool          `yaml:"deniesKMS" json:"deniesKMS"`
	Credential     XksCredential `yaml:"credential" json:"credential"`
	AnswersValidly bool          `yaml:"answersValidly" json:"answersValidly"`
	// EKMAvailable false: GetHealthStatus reports every external key manager instance unavailable.
	EKMAvailable bool          `yaml:"ekmAvailable" json:"ekmAvailable"`
	ExternalKeys []ExternalKey `yaml:"externalKeys" json:"externalKeys"`

	line int
}

// XksCredential is the SigV4 credential an XKS proxy accepts from KMS. Secret.
type XksCredential struct {
	AccessKeyID        string `yaml:"accessKeyId" json:"accessKeyId"`
	RawSecretAccessKey string `yaml:"rawSecretAccessKey" json:"rawSecretAccessKey"`
}

// ExternalKey is a key in the external key manager behind an XKS proxy.
type ExternalKey struct {
	ID      string   `yaml:"id" json:"id"`
	Spec    string   `yaml:"spec" json:"spec"` // AES_256 is the only spec KMS accepts
	Enabled bool     `yaml:"enabled" json:"enabled"`
	Usages  []string `yaml:"usages" json:"usages"` // KMS needs ENCRYPT and DECRYPT

	material []byte // the key's 256-bit material; secret, never serialized
}

// Timing sets how long asynchronous connects and disconnects take.
type Timing struct {
	ConnectLatency    Duration `yaml:"connectLatency" json:"connectLatency"`
	DisconnectLatency Duration `yaml:"disconnectLatency" json:"disconnectLatency"`
}

// Duration is a time.Duration written as Go duration text ("50ms", "720h").
type Duration time.Duration

// MarshalText writes the duration as Go duration text.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText parses Go duration text.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q: want Go duration text such as 50ms or 720h", b)
	}
	if v < 0 {
		return fmt.Errorf("invalid duration %q: must not be negative", b)
	}
	*d = Duration(v)
	return nil
}

// Defaults for a Service's simulated backing.
const (
	defaultConnectLatency      = 50 * time.Millisecond
	defaultDisconnectLatency   = 20 * time.Millisecond
	defaultCustomKeyStoreQuota = 10
	defaultKeyQuota            = 100_000 // KMS keys per account and Region
	externalKeySpecAES256      = "AES_256"
	connectivityPublic         = "PUBLIC_ENDPOINT"
	connectivityVPC            = "VPC_ENDPOINT_SERVICE"
)

// Stable IDs of the clusters and XKS proxy in DefaultFixtures, so that
// scenarios and users can name them.
const (
	DefaultClusterID       = "cluster-kmsconformdflt"
	DefaultClusterPassword = "kmsuser-Passw0rd"
	DefaultXksProxyID      = "xks-default"
	DefaultXksEndpoint     = "https://xks-default.kmsconform.test"
	DefaultXksPath         = "/kms/xks/v1"
	DefaultXksAccessKeyID  = "KMSCONFORMXKSACCESSKEY"
	DefaultXksSecret       = "kmsconformXksSecretAccessKeyForTestsOnly0000"
	DefaultExternalKeyID   = "kmsconform-external-key-1"
	defaultZonePrefix      = "us-east-1"
)

// DefaultFixtures are the fixtures an embedded reference starts with: the two
// test accounts, one healthy CloudHSM cluster and one healthy XKS proxy with
// one usable external key.
func DefaultFixtures() *Fixtures {
	cluster := healthyCluster()
	cluster.ID = DefaultClusterID
	cluster.KmsuserPassword = DefaultClusterPassword
	proxy := healthyXksProxy()
	proxy.ID = DefaultXksProxyID
	proxy.URIEndpoint = DefaultXksEndpoint
	proxy.Credential = XksCredential{AccessKeyID: DefaultXksAccessKeyID, RawSecretAccessKey: DefaultXksSecret}
	proxy.ExternalKeys = []ExternalKey{UsableExternalKey(DefaultExternalKeyID)}
	return &Fixtures{
		Accounts: map[string]string{
			"AKIAKMSCONFORMTEST01": "111122223333",
			"AKIAKMSCONFORMTEST02": "444455556666",
		},
		Clusters:   []Cluster{cluster},
		XksProxies: []XksProxy{proxy},
	}
}

// healthyCluster is a cluster KMS can create a store on and connect to. Its ID,
// password and trust anchor are filled in by normalize.
func healthyCluster() Cluster {
	return Cluster{
		Active: true,
		HSMs: []HSM{
			{AvailabilityZone: defaultZonePrefix + "a", Active: true},
			{AvailabilityZone: defaultZonePrefix + "b", Active: true},
		},
		Subnets: []Subnet{
			{AvailabilityZone: defaultZonePrefix + "a"},
			{AvailabilityZone: defaultZonePrefix + "b"},
		},
		SecurityGroupValid: true,
	}
}

func healthyHSM() HSM { return HSM{Active: true} }

// healthyXksProxy is a public proxy that answers KMS correctly. Its ID,
// endpoint and credential are filled in by normalize.
func healthyXksProxy() XksProxy {
	return XksProxy{
		URIPath:                 DefaultXksPath,
		Connectivity:            connectivityPublic,
		VpcEndpointServiceValid: true,
		Reachable:               true,
		TLSValid:                true,
		ConfigurationValid:      true,
		AnswersValidly:          true,
		EKMAvailable:            true,
	}
}

// UsableExternalKey is an external key KMS accepts: enabled, AES-256, for
// encryption and decryption. A literal ExternalKey{ID: id} is not: its zero
// members say disabled, no spec, no usages.
func UsableExternalKey(id string) ExternalKey {
	return ExternalKey{ID: id, Spec: externalKeySpecAES256, Enabled: true, Usages: []string{"ENCRYPT", "DECRYPT"}}
}

// The fixture types decode onto a healthy value (members left out stay
// healthy) and reject unknown members. The *Fields types are the same structs
// without the methods, so that decoding them does not recurse.
type (
	clusterFields     Cluster
	hsmFields         HSM
	xksProxyFields    XksProxy
	externalKeyFields ExternalKey
)

// UnmarshalJSON decodes a cluster onto a healthy one.
func (c *Cluster) UnmarshalJSON(b []byte) error {
	v := clusterFields(healthyCluster())
	if err := decodeJSONStrict(b, &v); err != nil {
		return err
	}
	*c = Cluster(v)
	return nil
}

// UnmarshalYAML decodes a cluster onto a healthy one.
func (c *Cluster) UnmarshalYAML(n *yaml.Node) error {
	v := clusterFields(healthyCluster())
	if err := decodeYAMLStrict(n, &v); err != nil {
		return err
	}
	v.line = n.Line
	*c = Cluster(v)
	return nil
}

// UnmarshalJSON decodes an HSM onto an active one.
func (h *HSM) UnmarshalJSON(b []byte) error {
	v := hsmFields(healthyHSM())
	if err := decodeJSONStrict(b, &v); err != nil {
		return err
	}
	*h = HSM(v)
	return nil
}

// UnmarshalYAML decodes an HSM onto an active one.
func (h *HSM) UnmarshalYAML(n *yaml.Node) error {
	v := hsmFields(healthyHSM())
	if err := decodeYAMLStrict(n, &v); err != nil {
		return err
	}
	*h = HSM(v)
	return nil
}

// UnmarshalJSON decodes a proxy onto a healthy one.
func (p *XksProxy) UnmarshalJSON(b []byte) error {
	v := xksProxyFields(healthyXksProxy())
	if err := decodeJSONStrict(b, &v); err != nil {
		return err
	}
	*p = XksProxy(v)
	return nil
}

// UnmarshalYAML decodes a proxy onto a healthy one.
func (p *XksProxy) UnmarshalYAML(n *yaml.Node) error {
	v := xksProxyFields(healthyXksProxy())
	if err := decodeYAMLStrict(n, &v); err != nil {
		return err
	}
	v.line = n.Line
	*p = XksProxy(v)
	return nil
}

// UnmarshalJSON decodes an external key onto a usable AES-256 key.
func (k *ExternalKey) UnmarshalJSON(b []byte) error {
	v := externalKeyFields(UsableExternalKey(""))
	if err := decodeJSONStrict(b, &v); err != nil {
		return err
	}
	*k = ExternalKey(v)
	return nil
}

// UnmarshalYAML decodes an external key onto a usable AES-256 key.
func (k *ExternalKey) UnmarshalYAML(n *yaml.Node) error {
	v := externalKeyFields(UsableExternalKey(""))
	if err := decodeYAMLStrict(n, &v); err != nil {
		return err
	}
	*k = ExternalKey(v)
	return nil
}

// decodeJSONStrict decodes one JSON value onto v, rejecting unknown members
// and trailing data.
func decodeJSONStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// decodeYAMLStrict decodes a mapping node onto v (a pointer to a struct),
// rejecting keys that name no member: yaml.v3 does not carry KnownFields into
// custom unmarshalers.
func decodeYAMLStrict(n *yaml.Node, v any) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: expected a mapping", n.Line)
	}
	known := yamlFieldNames(reflect.TypeOf(v).Elem())
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i]
		if !slices.Contains(known, key.Value) {
			return fmt.Errorf("line %d: unknown field %q (known: %s)", key.Line, key.Value, strings.Join(known, ", "))
		}
	}
	return n.Decode(v)
}

func yamlFieldNames(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.IsExported() && name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

// LoadFixtures reads fixtures from a YAML file. Errors name the file, the line
// and what is wrong. The result is checked the way New checks it. The file's
// accounts are added to the two test accounts of DefaultFixtures; its clusters
// and proxies are all there is.
func LoadFixtures(path string) (*Fixtures, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fixtures: %w", err)
	}
	// The test access keys stay mapped unless the file maps them otherwise.
	fx := &Fixtures{Accounts: DefaultFixtures().Accounts}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(fx); err != nil && err != io.EOF {
		return nil, fmt.Errorf("fixtures %s: %s", path, yamlErrorText(err))
	}
	if _, err := newBacking(fx); err != nil {
		return nil, fmt.Errorf("fixtures %s: %w", path, err)
	}
	return fx, nil
}

// yamlErrorText turns a yaml.v3 error into "line N: reason[; line M: reason]".
func yamlErrorText(err error) string {
	var typeErr *yaml.TypeError
	if errors.As(err, &typeErr) {
		return strings.Join(typeErr.Errors, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// UnmarshalYAML parses Go duration text, naming the line of a bad value.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a duration such as 50ms", n.Line)
	}
	if err := d.UnmarshalText([]byte(n.Value)); err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	return nil
}

// backing is the live, mutable state of the simulated CloudHSM clusters and
// XKS proxies, the timing of asynchronous transitions and the holds on them.
// It belongs to one Service and is guarded by Service.mu.
type backing struct {
	accounts     map[string]string
	clusters     map[string]*Cluster
	proxies      map[string]*XksProxy
	timing       Timing
	storeTiming  map[string]Timing // by custom key store ID
	held         map[string]bool   // custom key store IDs whose transitions wait for a release
	storeQuota   int
	keyQuota     int
	clusterOrder []string // creation order, for stable listings
	proxyOrder   []string
}

func newBacking(fx *Fixtures) (*backing, error) {
	b := &backing{
		accounts:    map[string]string{},
		clusters:    map[string]*Cluster{},
		proxies:     map[string]*XksProxy{},
		timing:      Timing{ConnectLatency: Duration(defaultConnectLatency), DisconnectLatency: Duration(defaultDisconnectLatency)},
		storeTiming: map[string]Timing{},
		held:        map[string]bool{},
		storeQuota:  defaultCustomKeyStoreQuota,
		keyQuota:    defaultKeyQuota,
	}
	for key, acct := range fx.Accounts {
		if !isAccountID(acct) {
			return nil, fmt.Errorf("accounts: %s maps to %q, which is not a 12-digit account ID", key, acct)
		}
		b.accounts[key] = acct
	}
	if fx.Timing.ConnectLatency != 0 || fx.Timing.DisconnectLatency != 0 {
		b.timing = fx.Timing
	}
	if fx.CustomKeyStoreQuota < 0 {
		return nil, fmt.Errorf("customKeyStoreQuota %d must not be negative", fx.CustomKeyStoreQuota)
	}
	if fx.CustomKeyStoreQuota > 0 {
		b.storeQuota = fx.CustomKeyStoreQuota
	}
	if fx.KeyQuota < 0 {
		return nil, fmt.Errorf("keyQuota %d must not be negative", fx.KeyQuota)
	}
	if fx.KeyQuota > 0 {
		b.keyQuota = fx.KeyQuota
	}
	for i := range fx.Clusters {
		c := fx.Clusters[i] // a copy: the caller's fixtures stay untouched
		c.HSMs = slices.Clone(c.HSMs)
		c.Subnets = slices.Clone(c.Subnets)
		if err := b.addCluster(&c); err != nil {
			return nil, fmt.Errorf("%sclusters[%d]: %w", lineOf(c.line), i, err)
		}
	}
	for i := range fx.XksProxies {
		p := fx.XksProxies[i]
		p.ExternalKeys = slices.Clone(p.ExternalKeys)
		if err := b.addProxy(&p); err != nil {
			return nil, fmt.Errorf("%sxksProxies[%d]: %w", lineOf(p.line), i, err)
		}
	}
	return b, nil
}

func lineOf(line int) string {
	if line == 0 {
		return ""
	}
	return fmt.Sprintf("line %d: ", line)
}

func (b *backing) accountFor(accessKeyID string) string {
	if id, ok := b.accounts[accessKeyID]; ok {
		return id
	}
	return AccountForAccessKey(accessKeyID)
}

// addCluster completes c's defaults, checks it and adds it.
func (b *backing) addCluster(c *Cluster) error {
	if c.ID == "" {
		c.ID = newClusterID()
	}
	if _, dup := b.clusters[c.ID]; dup {
		return fmt.Errorf("cluster %s already exists", c.ID)
	}
	if err := b.completeCluster(c); err != nil {
		return err
	}
	b.clusters[c.ID] = c
	b.clusterOrder = append(b.clusterOrder, c.ID)
	return nil
}

// completeCluster fills in generated defaults and checks c.
func (b *backing) completeCluster(c *Cluster) error {
	if !clusterIDPattern.MatchString(c.ID) {
		return fmt.Errorf("cluster id %q must match %s", c.ID, clusterIDPattern.model)
	}
	if c.Owner != "" && !isAccountID(c.Owner) {
		return fmt.Errorf("cluster %s: owner %q is not a 12-digit account ID", c.ID, c.Owner)
	}
	if c.KmsuserPassword == "" {
		c.KmsuserPassword = randomText(16)
	}
	if c.BackupHistoryID == "" {
		c.BackupHistoryID = c.ID
	}
	if c.TrustAnchorCertificate == "" {
		for _, other := range b.clusters {
			if other.ID != c.ID && other.BackupHistoryID == c.BackupHistoryID {
				c.TrustAnchorCertificate = other.TrustAnchorCertificate
				break
			}
		}
	}
	if c.TrustAnchorCertificate == "" {
		pemText, err := newTrustAnchor(c.ID)
		if err != nil {
			return fmt.Errorf("cluster %s: generating its trust anchor: %w", c.ID, err)
		}
		c.TrustAnchorCertificate = pemText
	}
	if _, ok := certificateDER(c.TrustAnchorCertificate); !ok {
		return fmt.Errorf("cluster %s: trustAnchorCertificate is not a PEM CERTIFICATE", c.ID)
	}
	for i := range c.HSMs {
		if c.HSMs[i].ID == "" {
			c.HSMs[i].ID = "hsm-" + randomLower(11)
		}
	}
	for i := range c.Subnets {
		if c.Subnets[i].ID == "" {
			c.Subnets[i].ID = "subnet-" + randomHex(17)
		}
	}
	return nil
}

// addProxy completes p's defaults, checks it and adds it.
func (b *backing) addProxy(p *XksProxy) error {
	if p.ID == "" {
		p.ID = "xks-" + randomHex(12)
	}
	if _, dup := b.proxies[p.ID]; dup {
		return fmt.Errorf("xks proxy %s already exists", p.ID)
	}
	if err := b.completeProxy(p, nil); err != nil {
		return err
	}
	b.proxies[p.ID] = p
	b.proxyOrder = append(b.proxyOrder, p.ID)
	return nil
}

// completeProxy fills in generated defaults and checks p. External keys that
// were already in old keep their material.
func (b *backing) completeProxy(p *XksProxy, old *XksProxy) error {
	if p.URIEndpoint == "" {
		p.URIEndpoint = "https://" + strings.ToLower(p.ID) + ".kmsconform.test"
	}
	if p.Credential.AccessKeyID == "" {
		p.Credential.AccessKeyID = "XKS" + randomUpperBase32(17)
	}
	if p.Credential.RawSecretAccessKey == "" {
		p.Credential.RawSecretAccessKey = randomSecret()
	}
	checks := []struct {
		ok   bool
		what string
	}{
		{xksEndpointPattern.MatchString(p.URIEndpoint) && len(p.URIEndpoint) >= 10 && len(p.URIEndpoint) <= 128, fmt.Sprintf("uriEndpoint %q must match %s (10..128 characters)", p.URIEndpoint, xksEndpointPattern.model)},
		{xksPathPattern.MatchString(p.URIPath) && len(p.URIPath) >= 10 && len(p.URIPath) <= 128, fmt.Sprintf("uriPath %q must match %s (10..128 characters)", p.URIPath, xksPathPattern.model)},
		{p.Connectivity == connectivityPublic || p.Connectivity == connectivityVPC, fmt.Sprintf("connectivity %q must be %s or %s", p.Connectivity, connectivityPublic, connectivityVPC)},
		{p.Connectivity != connectivityVPC || vpcServiceNamePattern.MatchString(p.VpcEndpointServiceName), fmt.Sprintf("a %s proxy needs a vpcEndpointServiceName matching %s", connectivityVPC, vpcServiceNamePattern.model)},
		{p.VpcEndpointServiceOwner == "" || isAccountID(p.VpcEndpointServiceOwner), fmt.Sprintf("vpcEndpointServiceOwner %q is not a 12-digit account ID", p.VpcEndpointServiceOwner)},
		{xksAccessKeyPattern.MatchString(p.Credential.AccessKeyID) && len(p.Credential.AccessKeyID) >= 20 && len(p.Credential.AccessKeyID) <= 30, "credential.accessKeyId must be 20..30 characters of [A-Z2-7]"},
		{xksSecretPattern.MatchString(p.Credential.RawSecretAccessKey) && len(p.Credential.RawSecretAccessKey) >= 43 && len(p.Credential.RawSecretAccessKey) <= 64, "credential.rawSecretAccessKey must be 43..64 characters of [a-zA-Z0-9/+=]"},
	}
	for _, c := range checks {
		if !c.ok {
			return fmt.Errorf("xks proxy %s: %s", p.ID, c.what)
		}
	}
	for id, other := range b.proxies {
		if id == p.ID {
			continue
		}
		if strings.EqualFold(other.URIEndpoint, p.URIEndpoint) {
			return fmt.Errorf("xks proxy %s: uriEndpoint %s is already the endpoint of proxy %s", p.ID, p.URIEndpoint, id)
		}
		if p.VpcEndpointServiceName != "" && other.VpcEndpointServiceName == p.VpcEndpointServiceName {
			return fmt.Errorf("xks proxy %s: vpcEndpointServiceName %s is already used by proxy %s", p.ID, p.VpcEndpointServiceName, id)
		}
	}
	seen := map[string]bool{}
	for i := range p.ExternalKeys {
		k := &p.ExternalKeys[i]
		if k.ID == "" || !externalKeyIDPattern.MatchString(k.ID) || len(k.ID) > 128 {
			return fmt.Errorf("xks proxy %s: externalKeys[%d]: id %q must be 1..128 characters matching %s", p.ID, i, k.ID, externalKeyIDPattern.model)
		}
		if seen[k.ID] {
			return fmt.Errorf("xks proxy %s: external key %s is listed twice", p.ID, k.ID)
		}
		seen[k.ID] = true
		if old != nil {
			if prev := old.externalKey(k.ID); prev != nil {
				k.material = prev.material
			}
		}
		if k.material == nil {
			k.material = secureRandom(32)
		}
	}
	return nil
}

func (p *XksProxy) externalKey(id string) *ExternalKey {
	for i := range p.ExternalKeys {
		if p.ExternalKeys[i].ID == id {
			return &p.ExternalKeys[i]
		}
	}
	return nil
}

// clusterVisibleTo returns the cluster with this ID if account may use it.
func (b *backing) clusterVisibleTo(id, account string) *Cluster {
	c, ok := b.clusters[id]
	if !ok || (c.Owner != "" && c.Owner != account) {
		return nil
	}
	return c
}

// timingFor is the latency of connects and disconnects of one store.
func (b *backing) timingFor(storeID string) Timing {
	if t, ok := b.storeTiming[storeID]; ok {
		return t
	}
	return b.timing
}

// activeHSMZones counts the distinct Availability Zones of c's active HSMs,
// and its active HSMs.
func (c *Cluster) activeHSMZones() (zones, hsms int) {
	seen := map[string]bool{}
	for _, h := range c.HSMs {
		if h.Active {
			hsms++
			seen[h.AvailabilityZone] = true
		}
	}
	return len(seen), hsms
}

// subnetZones counts the Availability Zones of the subnets in c's
// configuration. A deleted subnet still counts: the cluster configuration
// keeps naming it, and KMS only finds it missing when it tries to connect
// (ConnectionErrorCode SUBNET_NOT_FOUND), not in its configuration check.
func (c *Cluster) subnetZones() int {
	seen := map[string]bool{}
	for _, s := range c.Subnets {
		seen[s.AvailabilityZone] = true
	}
	return len(seen)
}

// newTrustAnchor makes a real self-signed CA certificate standing in for the
// cluster's customerCA.crt.
func newTrustAnchor(clusterID string) (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "kmsconform simulated CloudHSM customer CA " + clusterID, Organization: []string{"kmsconform"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(10, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
}

// certificateDER returns the DER of the first CERTIFICATE block of a PEM text.
func certificateDER(pemText string) ([]byte, bool) {
	rest := []byte(pemText)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, false
		}
		if block.Type == "CERTIFICATE" {
			return block.Bytes, true
		}
	}
}

// sameCertificate reports whether two PEM texts hold the same certificate.
func sameCertificate(a, b string) bool {
	da, okA := certificateDER(a)
	db, okB := certificateDER(b)
	return okA && okB && bytes.Equal(da, db)
}

func isAccountID(s string) bool {
	return len(s) == 12 && strings.Trim(s, "0123456789") == ""
}

// secureRandom returns n bytes from crypto/rand, which never fails.
func secureRandom(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func randomHex(n int) string { return hex.EncodeToString(secureRandom((n + 1) / 2))[:n] }

// randomLower returns n characters of [a-z2-7] (lower-case base32).
func randomLower(n int) string { return strings.ToLower(randomUpperBase32(n)) }

func randomUpperBase32(n int) string {
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secureRandom(n))[:n]
}

// randomText returns n characters of [A-Za-z0-9].
func randomText(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]byte, n)
	for i, r := range secureRandom(n) {
		out[i] = alphabet[int(r)%len(alphabet)]
	}
	return string(out)
}

// randomSecret is a fresh XKS secret access key: 44 characters of base64.
func randomSecret() string { return base64.StdEncoding.EncodeToString(secureRandom(33)) }

func newClusterID() string { return "cluster-" + randomLower(11) }

// storeQuotaOf is how many custom key stores account a may have.
func (s *Service) storeQuotaOf(a *account) int {
	if a.quotas.CustomKeyStores > 0 {
		return a.quotas.CustomKeyStores
	}
	return s.backing.storeQuota
}

// keyQuotaOf is how many KMS keys account a may have.
func (s *Service) keyQuotaOf(a *account) int {
	if a.quotas.Keys > 0 {
		return a.quotas.Keys
	}
	return s.backing.keyQuota
}
