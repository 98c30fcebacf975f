package runner_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/runner"
)

// A target without a control API, with its backings listed in a config file
// (as for real KMS): CONNECTING is observed because the target connects
// slowly, the fixtures are lent one scenario at a time, and FAILED, which
// only a control API can force, is skipped with the reason.
func TestConfigFixturesWithoutControlAPI(t *testing.T) {
	t.Parallel()
	fx := reference.DefaultFixtures()
	fx.CustomKeyStoreQuota = 1000
	svc, err := reference.New(reference.Options{Fixtures: fx})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	defer srv.Close()

	// The test sets the reference up through its control API; the run does not get it.
	ctx := context.Background()
	cc := &reference.ControlClient{BaseURL: srv.URL}
	slow := reference.Duration(time.Minute) // connects outlast the scenarios
	if _, err := cc.SetTiming(ctx, reference.TimingUpdate{ConnectLatency: &slow}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString("timeouts: {connect: 10s, disconnect: 10s, poll: 20ms}\ncloudhsm:\n")
	for i := range 2 {
		c, err := cc.CreateCluster(ctx, reference.ClusterPatch{})
		if err != nil {
			t.Fatal(err)
		}
		pem := fmt.Sprintf("anchor%d.pem", i)
		if err := os.WriteFile(filepath.Join(dir, pem), []byte(c.TrustAnchorCertificate), 0o600); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&cfg, "  - {clusterId: %s, trustAnchor: %s, kmsuserPassword: %q}\n", c.ID, pem, c.KmsuserPassword)
	}
	cfg.WriteString("xks:\n")
	for range 2 {
		p, err := cc.CreateXksProxy(ctx, reference.XksProxyPatch{})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&cfg, "  - {uriEndpoint: %s, uriPath: %s, connectivity: %s, accessKeyId: %s, secretAccessKey: %s, externalKeyId: %s}\n",
			p.URIEndpoint, p.URIPath, p.Connectivity, p.Credential.AccessKeyID, p.Credential.RawSecretAccessKey, p.ExternalKeys[0].ID)
	}
	path := filepath.Join(dir, "kmsconform.yaml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	run := runSuite(t, runner.Options{Endpoint: srv.URL, Credentials: account("AKIAKMSCONFORMTEST01"), Config: path,
		Tags: "@cond:DeleteCustomKeyStore.04,@cond:DisconnectCustomKeyStore.06,@cond:DeleteCustomKeyStore.05,@cond:DeleteCustomKeyStore.09 && ~@retries && ~@connection-states"})
	want := map[string]string{
		"@cond:DeleteCustomKeyStore.04":     reports.StatusPassed,  // CONNECTING, observed on a slow connect
		"@cond:DisconnectCustomKeyStore.06": reports.StatusPassed,  // CONNECTING, observed on a slow connect
		"@cond:DeleteCustomKeyStore.09":     reports.StatusPassed,  // plain API, fixtures from the config
		"@cond:DeleteCustomKeyStore.05":     reports.StatusSkipped, // FAILED needs the control API
	}
	if len(run.Scenarios) != 2*len(want) {
		t.Fatalf("%d scenarios ran, want %d", len(run.Scenarios), 2*len(want))
	}
	for _, s := range run.Scenarios {
		for tag, status := range want {
			if !hasTag(s, tag) {
				continue
			}
			if s.Status != status {
				t.Errorf("%s: %s (%s), want %s", s.ID, s.Status, s.Reason, status)
			}
			if status == reports.StatusSkipped && !strings.Contains(s.Reason, "control API") {
				t.Errorf("%s: skip reason %q does not say what is missing", s.ID, s.Reason)
			}
		}
	}
}
