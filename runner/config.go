package runner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the run's configuration file: what a target outside the embedded
// reference needs for scenarios the public API alone cannot set up.
//
//	name: real KMS, eu-west-1           # label for reports
//	allowRealAccount: true               # a non-loopback endpoint may be a real account
//	maxAttempts: 1                       # SDK attempts per call (1: retries off)
//	timeouts:                            # every field optional
//	  call: 30s                          # one KMS request
//	  connect: 20m                       # a key store reaching CONNECTED
//	  disconnect: 10m
//	  poll: 5s
//	cloudhsm:                            # one entry per cluster a store may use
//	  - clusterId: cluster-1a23b4cdefg
//	    trustAnchor: customerCA.crt      # PEM file, relative to this file
//	    kmsuserPassword: ...
//	xks:
//	  - uriEndpoint: https://xks.example.com
//	    uriPath: /kms/xks/v1
//	    connectivity: PUBLIC_ENDPOINT
//	    accessKeyId: ...
//	    secretAccessKey: ...
//	    externalKeyId: ...
//	secondAccount:                       # for cross-account scenarios
//	  profile: other-account             # or accessKeyId + secretAccessKey
//	secondRegion:                        # for multi-Region scenarios
//	  region: us-west-2
//	  endpoint: https://kms.us-west-2.amazonaws.com  # optional, see SecondRegion
//	thirdRegion:                         # for the few scenarios that need a third
//	  region: eu-central-1
type Config struct {
	Name string `yaml:"name"`
	// AllowRealAccount lets runs with this file reach a non-loopback endpoint.
	AllowRealAccount bool           `yaml:"allowRealAccount"`
	MaxAttempts      int            `yaml:"maxAttempts"`
	Timeouts         ConfigTimeouts `yaml:"timeouts"`
	CloudHSM         []HSMFixture   `yaml:"cloudhsm"`
	XKS              []XKSFixture   `yaml:"xks"`
	SecondAccount    *Account       `yaml:"secondAccount"`
	SecondRegion     *SecondRegion  `yaml:"secondRegion"`
	// ThirdRegion, like SecondRegion, for the scenarios that replicate a key
	// whose primary moved to the second Region.
	ThirdRegion *SecondRegion `yaml:"thirdRegion"`
}

// SecondRegion is the Region the multi-Region scenarios replicate keys into.
// Endpoint defaults to the run's endpoint with its Region in the host name
// replaced (kms.eu-west-1.amazonaws.com becomes kms.us-west-2.amazonaws.com),
// or the run's endpoint itself when its host names no Region (an emulator
// serving several Regions on one port).
type SecondRegion struct {
	Region   string `yaml:"region"`
	Endpoint string `yaml:"endpoint"`

	line int
}

// UnmarshalYAML remembers where the entry is, for error messages.
func (r *SecondRegion) UnmarshalYAML(n *yaml.Node) error {
	type plain SecondRegion
	if err := n.Decode((*plain)(r)); err != nil {
		return err
	}
	r.line = n.Line
	return nil
}

// regionName is the model's RegionType pattern.
var regionName = regexp.MustCompile(`^([a-z]+-){2,3}\d+$`)

// ConfigTimeouts override the run's default waits; zero keeps the default.
type ConfigTimeouts struct {
	Call       Duration `yaml:"call"`
	Connect    Duration `yaml:"connect"`
	Disconnect Duration `yaml:"disconnect"`
	Poll       Duration `yaml:"poll"`
}

// HSMFixture is a CloudHSM cluster that key stores may use, one at a time.
type HSMFixture struct {
	ClusterID       string `yaml:"clusterId"`
	TrustAnchor     string `yaml:"trustAnchor"` // path to the PEM file
	KmsuserPassword string `yaml:"kmsuserPassword"`

	trustAnchorPEM string
	line           int
}

// XKSFixture is an external key store proxy that key stores may use, one at a time.
type XKSFixture struct {
	URIEndpoint            string `yaml:"uriEndpoint"`
	URIPath                string `yaml:"uriPath"`
	Connectivity           string `yaml:"connectivity"`
	VpcEndpointServiceName string `yaml:"vpcEndpointServiceName"`
	AccessKeyID            string `yaml:"accessKeyId"`
	SecretAccessKey        string `yaml:"secretAccessKey"`
	ExternalKeyID          string `yaml:"externalKeyId"`

	line int
}

// Account is a second AWS account's credentials: a shared-config profile, or static keys.
type Account struct {
	Profile         string `yaml:"profile"`
	AccessKeyID     string `yaml:"accessKeyId"`
	SecretAccessKey string `yaml:"secretAccessKey"`
	SessionToken    string `yaml:"sessionToken"`

	line int
}

// Duration is a YAML duration such as "90s" or "20m".
type Duration time.Duration

// UnmarshalYAML reads a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return &lineError{line: n.Line, msg: fmt.Sprintf("%q is not a duration (use e.g. 30s, 20m)", n.Value)}
	}
	*d = Duration(v)
	return nil
}

type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// UnmarshalYAML remembers where the fixture is, for error messages.
func (f *HSMFixture) UnmarshalYAML(n *yaml.Node) error {
	type plain HSMFixture
	if err := n.Decode((*plain)(f)); err != nil {
		return err
	}
	f.line = n.Line
	return nil
}

// UnmarshalYAML remembers where the fixture is, for error messages.
func (f *XKSFixture) UnmarshalYAML(n *yaml.Node) error {
	type plain XKSFixture
	if err := n.Decode((*plain)(f)); err != nil {
		return err
	}
	f.line = n.Line
	return nil
}

// UnmarshalYAML remembers where the account is, for error messages.
func (a *Account) UnmarshalYAML(n *yaml.Node) error {
	type plain Account
	if err := n.Decode((*plain)(a)); err != nil {
		return err
	}
	a.line = n.Line
	return nil
}

var yamlLine = regexp.MustCompile(`(?m)^\s*(?:yaml: )?line (\d+): `)

// LoadConfig reads and checks a configuration file. Its errors name the file
// and line, as in "kmsconform.yaml:7: ...".
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		var le *lineError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("%s:%d: %s", path, le.line, le.msg)
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n")
		var lines []string
		for _, l := range strings.Split(msg, "\n") {
			l = strings.TrimSpace(l)
			if l == "" {
				continue
			}
			lines = append(lines, yamlLine.ReplaceAllString(l, path+":$1: "))
		}
		return nil, errors.New(strings.Join(lines, "\n"))
	}
	if err := c.check(path); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Config) check(path string) error {
	dir := filepath.Dir(path)
	if c.MaxAttempts < 0 || c.MaxAttempts > 10 {
		return fmt.Errorf("%s: maxAttempts %d: want 1 to 10 (0 keeps the default, 1)", path, c.MaxAttempts)
	}
	for i := range c.CloudHSM {
		f := &c.CloudHSM[i]
		where := fmt.Sprintf("%s:%d", path, f.line)
		switch {
		case f.ClusterID == "":
			return fmt.Errorf("%s: cloudhsm entry needs clusterId", where)
		case f.TrustAnchor == "":
			return fmt.Errorf("%s: cloudhsm entry %s needs trustAnchor (path to the cluster's trust anchor PEM)", where, f.ClusterID)
		case f.KmsuserPassword == "":
			return fmt.Errorf("%s: cloudhsm entry %s needs kmsuserPassword", where, f.ClusterID)
		}
		p := f.TrustAnchor
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		pem, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("%s: trustAnchor: %w", where, err)
		}
		f.trustAnchorPEM = string(pem)
	}
	for i := range c.XKS {
		f := &c.XKS[i]
		where := fmt.Sprintf("%s:%d", path, f.line)
		if f.Connectivity == "" {
			f.Connectivity = "PUBLIC_ENDPOINT"
		}
		switch {
		case f.URIEndpoint == "" || f.URIPath == "":
			return fmt.Errorf("%s: xks entry needs uriEndpoint and uriPath", where)
		case f.AccessKeyID == "" || f.SecretAccessKey == "":
			return fmt.Errorf("%s: xks entry %s needs accessKeyId and secretAccessKey", where, f.URIEndpoint)
		case f.ExternalKeyID == "":
			return fmt.Errorf("%s: xks entry %s needs externalKeyId (an unused external key)", where, f.URIEndpoint)
		case f.Connectivity != "PUBLIC_ENDPOINT" && f.Connectivity != "VPC_ENDPOINT_SERVICE":
			return fmt.Errorf("%s: xks connectivity %q must be PUBLIC_ENDPOINT or VPC_ENDPOINT_SERVICE", where, f.Connectivity)
		case f.Connectivity == "VPC_ENDPOINT_SERVICE" && f.VpcEndpointServiceName == "":
			return fmt.Errorf("%s: xks entry %s uses VPC_ENDPOINT_SERVICE and needs vpcEndpointServiceName", where, f.URIEndpoint)
		}
	}
	for _, e := range []struct {
		name string
		r    *SecondRegion
	}{{"secondRegion", c.SecondRegion}, {"thirdRegion", c.ThirdRegion}} {
		r := e.r
		if r == nil {
			continue
		}
		where := fmt.Sprintf("%s:%d", path, r.line)
		switch {
		case r.Region == "":
			return fmt.Errorf("%s: %s needs region, a Region name such as us-west-2", where, e.name)
		case !regionName.MatchString(r.Region):
			return fmt.Errorf("%s: %s region %q is not a Region name such as us-west-2", where, e.name, r.Region)
		case r.Endpoint != "":
			if err := checkURL(r.Endpoint); err != nil {
				return fmt.Errorf("%s: %s endpoint %q: %v", where, e.name, r.Endpoint, err)
			}
		}
	}
	if a := c.SecondAccount; a != nil {
		where := fmt.Sprintf("%s:%d", path, a.line)
		static := a.AccessKeyID != "" || a.SecretAccessKey != ""
		switch {
		case a.Profile != "" && static:
			return fmt.Errorf("%s: secondAccount takes a profile or accessKeyId/secretAccessKey, not both", where)
		case a.Profile == "" && (a.AccessKeyID == "" || a.SecretAccessKey == ""):
			return fmt.Errorf("%s: secondAccount needs a profile, or both accessKeyId and secretAccessKey", where)
		}
	}
	return nil
}
