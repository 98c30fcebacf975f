package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"

	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/scenario"
)

// The embedded reference's test credentials: two access keys, two accounts.
const (
	embeddedAccessKey       = "AKIAKMSCONFORMTEST01"
	embeddedSecondAccessKey = "AKIAKMSCONFORMTEST02"
	embeddedSecret          = "kmsconform-embedded-test-secret"
	defaultRegion           = "us-east-1"
	embeddedStoreQuota      = 10000
	// embeddedWait bounds waits on the embedded reference, whose connects take milliseconds.
	embeddedWait = 30 * time.Second
	embeddedPoll = 20 * time.Millisecond
	// loopbackWait and loopbackPoll are the default waits for an endpoint on
	// loopback: an emulator or a standalone reference, whose key stores
	// connect in a second or two (the reference's take about 1.5 s), not the
	// minutes real KMS may take. A config file's timeouts still override them.
	loopbackWait = 15 * time.Second
	loopbackPoll = 200 * time.Millisecond
)

// target is the endpoint under test and everything the scenarios need to use it.
type target struct {
	url      string
	region   string
	name     string
	label    string // for the progress header
	embedded bool

	primary       aws.CredentialsProvider
	second        aws.CredentialsProvider
	secondMissing string

	// secondRegion is the Region multi-Region scenarios replicate into,
	// served at secondEndpoint ("" means url); empty with the reason in
	// secondRegionMissing when the target has none.
	secondRegion, secondEndpoint, secondRegionMissing string
	// thirdRegion is a third Region, for the few scenarios that replicate
	// a key whose primary moved to the second; as secondRegion otherwise.
	thirdRegion, thirdEndpoint, thirdRegionMissing string

	timeouts    scenario.Timeouts
	maxAttempts int
	// caBundle holds extra PEM roots for an https target (AWS_CA_BUNDLE).
	caBundle []byte
	backing  scenario.Backing
	states   scenario.StateControl
	ctl      scenario.Control

	server *http.Server
}

func (t *target) close() {
	if t.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = t.server.Shutdown(ctx)
	}
}

func openTarget(ctx context.Context, opts Options, cfg *Config) (*target, error) {
	endpoint := opts.endpoint()
	if endpoint != "" {
		if err := checkURL(endpoint); err != nil {
			return nil, usagef("endpoint %q: %v", endpoint, err)
		}
	}
	t := &target{timeouts: scenario.DefaultTimeouts()}
	if endpoint != "" && isLoopback(endpoint) {
		t.timeouts.Connect, t.timeouts.Disconnect, t.timeouts.Poll = loopbackWait, loopbackWait, loopbackPoll
	}
	if cfg != nil {
		t.name = cfg.Name
		t.timeouts = mergeTimeouts(t.timeouts, cfg.Timeouts)
		t.maxAttempts = cfg.MaxAttempts
	}
	if opts.Name != "" {
		t.name = opts.Name
	}
	var err error
	if endpoint == "" {
		err = t.startEmbedded(opts)
	} else {
		err = t.useEndpoint(ctx, endpoint, opts, cfg)
	}
	if err != nil {
		t.close()
		return nil, err
	}
	return t, nil
}

// endpoint is the endpoint to check: --endpoint, else AWS_ENDPOINT_URL_KMS,
// else AWS_ENDPOINT_URL; empty means the embedded reference.
func (o *Options) endpoint() string {
	for _, e := range []string{o.Endpoint, o.Getenv("AWS_ENDPOINT_URL_KMS"), o.Getenv("AWS_ENDPOINT_URL")} {
		if e != "" {
			return e
		}
	}
	return ""
}

func mergeTimeouts(t scenario.Timeouts, c ConfigTimeouts) scenario.Timeouts {
	for _, o := range []struct {
		dst *time.Duration
		src Duration
	}{{&t.Call, c.Call}, {&t.Connect, c.Connect}, {&t.Disconnect, c.Disconnect}, {&t.Poll, c.Poll}} {
		if o.src > 0 {
			*o.dst = time.Duration(o.src)
		}
	}
	return t
}

// startEmbedded serves a fresh reference KMS on loopback, in process.
func (t *target) startEmbedded(opts Options) error {
	t.region = opts.Region
	if t.region == "" {
		t.region = defaultRegion
	}
	fx := reference.DefaultFixtures()
	// Keys pending deletion keep their key store for the 7-day waiting
	// period, so a run leaves more stores behind than KMS's default quota of
	// 10. The quota is adjustable in KMS too; the embedded run raises it.
	fx.CustomKeyStoreQuota = embeddedStoreQuota
	svc, err := reference.New(reference.Options{Region: t.region, Fixtures: fx})
	if err != nil {
		return fmt.Errorf("starting the reference KMS: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("starting the reference KMS: %w", err)
	}
	t.server = &http.Server{Handler: svc, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = t.server.Serve(ln) }()
	t.url = "http://" + ln.Addr().String()
	t.embedded = true
	t.timeouts.Connect = min(t.timeouts.Connect, embeddedWait)
	t.timeouts.Disconnect = min(t.timeouts.Disconnect, embeddedWait)
	t.timeouts.Poll = min(t.timeouts.Poll, embeddedPoll)
	if t.name == "" {
		t.name = "kmsconform reference KMS"
	}
	t.label = "embedded reference KMS"
	t.secondRegion = svc.Regions()[1]
	if rs := svc.Regions(); len(rs) > 2 {
		t.thirdRegion = rs[2]
	} else {
		t.thirdRegionMissing = "this scenario needs a third Region, and the embedded reference serves two"
	}
	t.primary = credentials.NewStaticCredentialsProvider(embeddedAccessKey, embeddedSecret, "")
	t.second = credentials.NewStaticCredentialsProvider(embeddedSecondAccessKey, embeddedSecret, "")
	t.useControl(t.url)
	return nil
}

// useEndpoint checks a user-given endpoint with credentials from the standard AWS chain.
func (t *target) useEndpoint(ctx context.Context, endpoint string, opts Options, cfg *Config) error {
	t.url = endpoint
	t.label = "endpoint"
	if path := opts.Getenv("AWS_CA_BUNDLE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return usagef("AWS_CA_BUNDLE: %v", err)
		}
		t.caBundle = b
	}
	if err := reachable(ctx, endpoint); err != nil {
		return err
	}
	if err := t.credentials(ctx, opts); err != nil {
		return err
	}
	t.secondMissing = "cross-account scenarios need a second account: set secondAccount in the --config file"
	if cfg != nil && cfg.SecondAccount != nil {
		second, err := secondAccount(ctx, cfg.SecondAccount, t.region)
		if err != nil {
			return err
		}
		t.second = second
	}
	if err := t.useSecondRegion(cfg); err != nil {
		return err
	}
	if opts.Control != "" {
		t.useControl(opts.Control)
		t.label = "endpoint with reference control API"
		if t.secondRegion == "" {
			t.regionsFromControl(ctx, opts.Control)
		}
		return nil
	}
	t.backing = newConfigBacking(cfg)
	return nil
}

// useSecondRegion takes the second Region from the config file; without
// one the multi-Region scenarios are skipped, saying how to name one.
func (t *target) useSecondRegion(cfg *Config) error {
	if cfg == nil || cfg.ThirdRegion == nil {
		t.thirdRegionMissing = "this scenario needs a third Region: set thirdRegion in the --config file"
	} else {
		r := cfg.ThirdRegion
		if r.Region == t.region || (cfg.SecondRegion != nil && r.Region == cfg.SecondRegion.Region) {
			return usagef("thirdRegion %s is the run's own Region or its second; name another Region", r.Region)
		}
		t.thirdRegion, t.thirdEndpoint = r.Region, r.Endpoint
		if t.thirdEndpoint == "" {
			t.thirdEndpoint = regionalEndpoint(t.url, t.region, r.Region)
		}
	}
	if cfg == nil || cfg.SecondRegion == nil {
		t.secondRegionMissing = "multi-Region scenarios need a second Region: set secondRegion in the --config file"
		return nil
	}
	r := cfg.SecondRegion
	if r.Region == t.region {
		return usagef("secondRegion %s is the run's own Region; name another Region", r.Region)
	}
	t.secondRegion, t.secondEndpoint = r.Region, r.Endpoint
	if t.secondEndpoint == "" {
		t.secondEndpoint = regionalEndpoint(t.url, t.region, r.Region)
	}
	return nil
}

// regionalEndpoint is endpoint with Region from replaced by to in its host
// name (kms.eu-west-1.amazonaws.com), or endpoint itself when its host
// names no Region.
func regionalEndpoint(endpoint, from, to string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return endpoint
	}
	labels := strings.Split(u.Hostname(), ".")
	for i, l := range labels {
		if l == from {
			labels[i] = to
			host := strings.Join(labels, ".")
			if p := u.Port(); p != "" {
				host = net.JoinHostPort(host, p)
			}
			u.Host = host
			return u.String()
		}
	}
	return endpoint
}

// regionsFromControl takes the second Region a standalone reference serves,
// as its control API's health answer lists them.
func (t *target) regionsFromControl(ctx context.Context, base string) {
	cc := &reference.ControlClient{BaseURL: base, HTTP: &http.Client{Timeout: 30 * time.Second}}
	h, err := cc.Health(ctx)
	if err != nil {
		t.secondRegionMissing = fmt.Sprintf("multi-Region scenarios need a second Region, and the control API did not list the reference's Regions: %v", err)
		return
	}
	if len(h.Regions) == 0 {
		// The answer names no Region at all, not even the run's: it says
		// nothing of multi-Region keys, so the run tries the second Region
		// a reference serves by default rather than skipping.
		t.secondRegion, t.secondRegionMissing = reference.SecondRegionFor(t.region), ""
		if third := reference.ThirdRegionFor(t.region); third != "" {
			t.thirdRegion, t.thirdRegionMissing = third, ""
		}
		return
	}
	var others []string
	for _, r := range h.Regions {
		if r != t.region {
			others = append(others, r)
		}
	}
	if len(others) == 0 {
		t.secondRegionMissing = fmt.Sprintf("multi-Region scenarios need a second Region, and the reference at %s serves only %s", base, t.region)
		return
	}
	t.secondRegion, t.secondRegionMissing = others[0], ""
	if len(others) > 1 {
		t.thirdRegion, t.thirdRegionMissing = others[1], ""
	} else if t.thirdRegion == "" {
		t.thirdRegionMissing = fmt.Sprintf("this scenario needs a third Region, and the reference at %s serves two", base)
	}
}

// credentials settles the primary account's credentials and the Region.
func (t *target) credentials(ctx context.Context, opts Options) error {
	t.region = opts.Region
	if opts.Credentials != nil {
		t.primary = opts.Credentials
		if t.region == "" {
			t.region = defaultRegion
		}
		return nil
	}
	var loadOpts []func(*awsconfig.LoadOptions) error
	if opts.Region != "" {
		loadOpts = append(loadOpts, awsconfig.WithRegion(opts.Region))
	}
	if isLoopback(t.url) {
		// An emulator on loopback takes any credentials; without this, a
		// machine with none would ask the EC2 instance metadata service,
		// an address off this machine, before saying so.
		loadOpts = append(loadOpts, awsconfig.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return usagef("loading AWS configuration: %v", err)
	}
	t.region = awsCfg.Region
	if t.region == "" {
		t.region = defaultRegion
	}
	if awsCfg.Credentials == nil {
		return usagef("no AWS credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE)")
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := awsCfg.Credentials.Retrieve(cctx); err != nil {
		if isLoopback(t.url) {
			return usagef("no AWS credentials for %s: an emulator takes any, e.g. AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test (%v)", t.url, err)
		}
		return usagef("no usable AWS credentials for %s: %v", t.url, err)
	}
	t.primary = awsCfg.Credentials
	return nil
}

func secondAccount(ctx context.Context, a *Account, region string) (aws.CredentialsProvider, error) {
	if a.Profile == "" {
		return credentials.NewStaticCredentialsProvider(a.AccessKeyID, a.SecretAccessKey, a.SessionToken), nil
	}
	c, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithSharedConfigProfile(a.Profile), awsconfig.WithRegion(region))
	if err != nil {
		return nil, usagef("secondAccount profile %q: %v", a.Profile, err)
	}
	return c.Credentials, nil
}

// useControl takes fixtures and forced states from a reference's control API.
func (t *target) useControl(base string) {
	hc := &http.Client{Timeout: 30 * time.Second}
	if len(t.caBundle) > 0 {
		roots, err := x509.SystemCertPool()
		if err != nil || roots == nil {
			roots = x509.NewCertPool()
		}
		roots.AppendCertsFromPEM(t.caBundle)
		hc.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	}
	cc := &reference.ControlClient{BaseURL: base, HTTP: hc}
	t.backing = controlBacking{cc}
	t.states = controlStates{cc}
	t.ctl = referenceControl{cc: cc, region: t.region}
}

// controlBacking creates a fresh cluster or XKS proxy per scenario: a
// cluster backs only one key store per account, so scenarios never share one.
type controlBacking struct{ cc *reference.ControlClient }

func (b controlBacking) CloudHSM(ctx context.Context) (scenario.Lease[scenario.CloudHSMFixture], error) {
	c, err := b.cc.CreateCluster(ctx, reference.ClusterPatch{})
	if err != nil {
		return scenario.Lease[scenario.CloudHSMFixture]{}, fmt.Errorf("creating a CloudHSM cluster through the control API: %w", err)
	}
	return scenario.Lease[scenario.CloudHSMFixture]{Fixture: cloudHSMFixture(c), Release: func(bool) {}}, nil
}

func (b controlBacking) XKS(ctx context.Context) (scenario.Lease[scenario.XKSFixture], error) {
	p, err := b.cc.CreateXksProxy(ctx, reference.XksProxyPatch{})
	if err != nil {
		return scenario.Lease[scenario.XKSFixture]{}, fmt.Errorf("creating an XKS proxy through the control API: %w", err)
	}
	f, err := xksFixture(p)
	if err != nil {
		return scenario.Lease[scenario.XKSFixture]{}, err
	}
	return scenario.Lease[scenario.XKSFixture]{Fixture: f, Release: func(bool) {}}, nil
}

// controlStates forces store states through the control API. Store IDs are
// unique across accounts, so no account needs naming.
type controlStates struct{ cc *reference.ControlClient }

func (s controlStates) Hold(ctx context.Context, id string) error {
	_, err := s.cc.HoldCustomKeyStore(ctx, "", id)
	return err
}

func (s controlStates) Release(ctx context.Context, id string) error {
	_, err := s.cc.ReleaseCustomKeyStore(ctx, "", id)
	return err
}

func (s controlStates) Fail(ctx context.Context, id, code string) error {
	_, err := s.cc.FailCustomKeyStore(ctx, "", id, code)
	return err
}

// reachable fails fast when nothing listens at the endpoint, rather than
// failing every scenario one by one.
func reachable(ctx context.Context, endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return usagef("endpoint %q: %v", endpoint, err)
	}
	host := u.Host
	if u.Port() == "" {
		port := "443"
		if u.Scheme == "http" {
			port = "80"
		}
		host = net.JoinHostPort(u.Hostname(), port)
	}
	d := net.Dialer{Timeout: 10 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return fmt.Errorf("endpoint %s is not reachable: %w", endpoint, err)
	}
	return conn.Close()
}
