package runner_test

import (
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

// Against an endpoint whose DisconnectCustomKeyStore does nothing, the first
// scenario that needs a disconnected store of a kind waits its timeout; every
// other scenario needing that fails at once (or at its next poll, if it was
// already waiting) with the same reason, naming the scenario that waited.
func TestTimedOutTransitionFailsLaterScenariosAtOnce(t *testing.T) {
	const disconnect = 3 * time.Second
	fx := reference.DefaultFixtures()
	fx.CustomKeyStoreQuota = 1000
	svc, err := reference.New(reference.Options{Fixtures: fx})
	if err != nil {
		t.Fatal(err)
	}
	k := &wrongKMS{svc: svc, change: ignored("DisconnectCustomKeyStore", nil)}
	srv := httptest.NewServer(k)
	t.Cleanup(srv.Close)
	k.control = &reference.ControlClient{BaseURL: srv.URL}
	cfg := filepath.Join(t.TempDir(), "waits.yaml")
	if err := os.WriteFile(cfg, []byte("timeouts: {call: 10s, connect: 10s, disconnect: 3s, poll: 20ms}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Eight scenarios (four per store kind) that each need a store disconnected.
	tags := "(@cond:DisconnectCustomKeyStore.08 or @cond:DisableKey.08) and not @retries"
	start := time.Now()
	run := runSuite(t, runner.Options{Endpoint: srv.URL, Control: srv.URL, Credentials: account(primaryAccessKey),
		Tags: tags, Concurrency: 2, Config: cfg})
	took := time.Since(start)

	waited := map[string]string{} // store kind -> the scenario that waited
	for _, s := range run.Scenarios {
		if s.Status != reports.StatusFailed {
			t.Fatalf("%s %s; want every scenario to fail, the store never disconnecting", s.ID, s.Status)
		}
		if strings.Contains(s.Reason, "is still CONNECTED after "+disconnect.String()+", want DISCONNECTED") && !strings.Contains(s.Reason, "not waiting") {
			kind := storeKind(s)
			if waited[kind] != "" {
				t.Errorf("two scenarios waited for a %s key store: %s and %s", kind, waited[kind], s.ID)
			}
			waited[kind] = s.ID
		}
	}
	if len(waited) != 2 {
		t.Fatalf("want one scenario per store kind to wait out the timeout, got %v", waited)
	}
	for _, s := range run.Scenarios {
		kind := storeKind(s)
		if s.ID == waited[kind] {
			continue
		}
		want := "not waiting for " + map[string]string{"CloudHSM": "a CloudHSM", "external": "an external"}[kind] + " key store to reach DISCONNECTED: it did not happen in scenario \"" + waited[kind] + "\" on this target: key store "
		if !strings.Contains(s.Reason, want) || !strings.Contains(s.Reason, "is still CONNECTED after 3s") {
			t.Errorf("%s fails with %q\nwant the reason of the scenario that waited: %q…", s.ID, s.Reason, want)
		}
	}
	// Without it, eight scenarios two at a time would wait 4×3 s, and their
	// cleanups as much again.
	if took > 4*disconnect+5*time.Second {
		t.Errorf("the run took %v; the failed transition cost more than one wait per kind", took)
	}
}

// storeKind is the kind of key store a scenario of the test uses.
func storeKind(s reports.Scenario) string {
	if strings.Contains(s.ID, "(external)") || strings.Contains(s.ID, "EXTERNAL_KEY_STORE") {
		return "external"
	}
	return "CloudHSM"
}
