package runner_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmsconform/kmsconform/runner"
)

func TestLoadConfigErrorsNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	pem := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(pem, []byte("-----BEGIN CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown field", "name: x\nsecndAccount:\n  profile: p\n", ":2: field secndAccount not found"},
		{"bad duration", "timeouts:\n  connect: soon\n", `:2: "soon" is not a duration`},
		{"cluster without password", "cloudhsm:\n  - clusterId: cluster-abc\n    trustAnchor: ca.pem\n", ":2: cloudhsm entry cluster-abc needs kmsuserPassword"},
		{"missing trust anchor file", "cloudhsm:\n  - clusterId: c\n    trustAnchor: nope.pem\n    kmsuserPassword: p\n", ":2: trustAnchor: open"},
		{"bad connectivity", "xks:\n  - uriEndpoint: https://x\n    uriPath: /p\n    connectivity: CARRIER_PIGEON\n    accessKeyId: a\n    secretAccessKey: s\n    externalKeyId: k\n", `:2: xks connectivity "CARRIER_PIGEON"`},
		{"half a second account", "secondAccount:\n  accessKeyId: AKIA\n", ":2: secondAccount needs a profile"},
		{"second Region without a name", "secondRegion:\n  endpoint: https://kms.us-west-2.amazonaws.com\n", ":2: secondRegion needs region"},
		{"second Region not a Region", "secondRegion:\n  region: Oregon\n", `:2: secondRegion region "Oregon" is not a Region name`},
		{"second Region as a string", "secondRegion: us-west-2\n", ":1: cannot unmarshal"},
		{"second Region endpoint not a URL", "secondRegion:\n  region: us-west-2\n  endpoint: kms.us-west-2\n", `:2: secondRegion endpoint "kms.us-west-2"`},
		{"third Region not a Region", "thirdRegion:\n  region: Frankfurt\n", `:2: thirdRegion region "Frankfurt" is not a Region name`},
		{"not yaml", "name: [unclosed\n", "kmsconform.yaml:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "kmsconform.yaml")
			if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := runner.LoadConfig(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("LoadConfig error = %v, want one naming %s and containing %q", err, path, tc.want)
			}
		})
	}
}

func TestLoadConfigReadsFixtures(t *testing.T) {
	c, err := runner.LoadConfig(filepath.Join("testdata", "fake-fixtures.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.CloudHSM) != 4 || len(c.XKS) != 4 || c.SecondAccount == nil || c.Timeouts.Connect == 0 {
		t.Fatalf("config = %+v", c)
	}
}

func TestCheckTags(t *testing.T) {
	for expr, ok := range map[string]bool{
		"":                                  true,
		"@cloudhsm":                         true,
		"@op:DeleteCustomKeyStore && ~@xks": true,
		"@xks,@import":                      true,
		"~@fault":                           true,
		"cloudhsm":                          false,
		"@a &&":                             false,
		"@a,,@b":                            false,
		"@a and not @b":                     true,
		"(@a or @b) and not @c":             true,
		"@a or":                             false,
		"(@a or @b":                         false,
		"@a, @b or @c":                      false,
		"(@a || @b)":                        false,
	} {
		if err := runner.CheckTags(expr); (err == nil) != ok {
			t.Errorf("CheckTags(%q) = %v, want ok=%v", expr, err, ok)
		}
	}
}
