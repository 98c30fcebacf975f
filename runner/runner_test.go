package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsconform/kmsconform/catalog"
	"github.com/kmsconform/kmsconform/features"
	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/runner"
)

// conformance selects the endpoint-conformance scenarios, leaving out the
// retry scenarios (package retries), which check clients, not endpoints.
const conformance = "~@retries"

// noEnv keeps a developer's AWS_ENDPOINT_URL from redirecting a test run.
func noEnv(string) string { return "" }

// account signs as one of the reference's test accounts, without reading
// the environment, so that tests can run in parallel.
func account(accessKey string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(accessKey, "kmsconform-test-secret", "")
}

func runSuite(t *testing.T, opts runner.Options) *reports.Run {
	t.Helper()
	opts.Out = t.TempDir()
	opts.Root = ".." // the repository root, for the retry scenarios' client drivers
	if opts.Getenv == nil {
		opts.Getenv = noEnv
	}
	var progress bytes.Buffer
	opts.Progress = &progress
	res, err := runner.Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("Run: %v\nprogress:\n%s", err, progress.String())
	}
	for _, name := range []string{"results.json", "cucumber.json", "junit.xml"} {
		if fi, err := os.Stat(filepath.Join(opts.Out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s missing or empty: %v", name, err)
		}
	}
	return res.Run
}

func hasTag(s reports.Scenario, tag string) bool { return slices.Contains(s.Tags, tag) }

// documentedConditions are the catalog's conditions and input constraints
// that the endpoint scenarios must check in a scenario (or say, with an
// @untestable one, why no endpoint can show it): all of them but the server
// faults, which no endpoint produces on demand and which client scenarios
// check through injected faults (see catalog.Injected).
func documentedConditions(t *testing.T) []string {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	cov, err := catalog.Coverage(cat, features.FS)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range append(cov.Conditions, cov.Constraints...) {
		if c.Status != catalog.Injected {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) < 300 {
		t.Fatalf("only %d conditions and constraints need an endpoint scenario", len(ids))
	}
	return ids
}

func TestReferencePassesEveryTestableScenario(t *testing.T) {
	t.Parallel()
	// Package retries tests its own scenarios (they run real clients and time
	// their backoff); this test is about the endpoint-conformance scenarios.
	run := runSuite(t, runner.Options{Tags: conformance})
	if !run.Target.Embedded {
		t.Fatalf("target %+v is not the embedded reference", run.Target)
	}
	covered := map[string]bool{}
	ids := map[string]bool{}
	for _, s := range run.Scenarios {
		if ids[s.ID] {
			t.Errorf("scenario ID %q is not unique", s.ID)
		}
		ids[s.ID] = true
		for _, c := range s.Conditions {
			covered[c] = true
		}
		switch s.Status {
		case reports.StatusPassed:
			if len(s.Exchanges) == 0 {
				t.Errorf("%s passed without recorded exchanges", s.ID)
			}
		case reports.StatusFailed:
			t.Errorf("%s failed: %s", s.ID, s.Reason)
		case reports.StatusSkipped:
			if s.Reason == "" || !hasTag(s, "@untestable") {
				t.Errorf("%s skipped on the reference (reason %q); only @untestable scenarios may be", s.ID, s.Reason)
			}
		}
		if s.Operation == "" || len(s.Conditions) == 0 {
			t.Errorf("%s lacks @op or @cond tags: %v", s.ID, s.Tags)
		}
	}
	for _, c := range documentedConditions(t) {
		if !covered[c] {
			t.Errorf("condition %s has no scenario", c)
		}
	}
	if t.Failed() {
		return
	}
	// The evidence is redacted: no credentials and no key material.
	b, err := json.Marshal(run)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"AWS4-HMAC-SHA256 Credential", "kmsconform-embedded-test-secret", "EncryptedKeyMaterial\":\"", "KeyStorePassword\":\""} {
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("results contain %q", secret)
		}
	}
}

// checkCleanedUp checks what the run left in the reference: every key is
// pending deletion, and the only key stores left are disconnected ones that
// still hold such keys (KMS deletes neither before the waiting period ends).
func checkCleanedUp(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	holding := map[string]bool{}
	// A whole run creates more keys than one page holds, in every Region of
	// the reference; a primary whose replicas wait to be deleted waits for them.
	var keys []types.KeyListEntry
	for _, region := range []string{reference.DefaultRegion, reference.DefaultSecondRegion, reference.DefaultThirdRegion} {
		c := kms.New(kms.Options{Region: region, BaseEndpoint: aws.String(url),
			Credentials: credentials.NewStaticCredentialsProvider("AKIAKMSCONFORMTEST01", "x", "")})
		for p := kms.NewListKeysPaginator(c, &kms.ListKeysInput{Limit: aws.Int32(1000)}); p.HasMorePages(); {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, page.Keys...)
			for _, k := range page.Keys {
				d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
				if err != nil {
					t.Fatal(err)
				}
				if st := d.KeyMetadata.KeyState; st != types.KeyStatePendingDeletion && st != types.KeyStatePendingReplicaDeletion {
					t.Errorf("key %s left %s in %s", aws.ToString(k.KeyId), st, region)
				}
				holding[aws.ToString(d.KeyMetadata.CustomKeyStoreId)] = true
			}
		}
	}
	c := kms.New(kms.Options{Region: reference.DefaultRegion, BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAKMSCONFORMTEST01", "x", "")})
	var stores []types.CustomKeyStoresListEntry
	for p := kms.NewDescribeCustomKeyStoresPaginator(c, &kms.DescribeCustomKeyStoresInput{Limit: aws.Int32(1000)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		stores = append(stores, page.CustomKeyStores...)
	}
	for _, s := range stores {
		id := aws.ToString(s.CustomKeyStoreId)
		if s.ConnectionState != types.ConnectionStateTypeDisconnected || !holding[id] {
			t.Errorf("key store %s left %s (holds keys: %v)", id, s.ConnectionState, holding[id])
		}
	}
	if len(keys) == 0 {
		t.Error("the run created no keys")
	}
}

// Without a control API, fixtures or a second account, the scenarios that
// need them are skipped with the reason, never passed or failed.
func TestMissingFixturesSkipWithReason(t *testing.T) {
	t.Parallel()
	svc, err := reference.New(reference.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	defer srv.Close()
	run := runSuite(t, runner.Options{Endpoint: srv.URL, Credentials: account("AKIAKMSCONFORMTEST01"), Tags: "@cloudhsm,@xks,@cross-account && ~@retries"})
	for _, s := range run.Scenarios {
		if s.Status != reports.StatusSkipped {
			t.Errorf("%s: %s (%s), want skipped", s.ID, s.Status, s.Reason)
			continue
		}
		if !strings.Contains(s.Reason, "--config") && !strings.Contains(s.Reason, "--control") && !hasTag(s, "@untestable") {
			t.Errorf("%s: skip reason %q does not say how to provide what is missing", s.ID, s.Reason)
		}
	}
	if len(run.Scenarios) < 30 {
		t.Errorf("only %d scenarios selected", len(run.Scenarios))
	}
}

// A reference of two Regions skips the scenario that needs a third, saying
// so, and still runs those that need two.
func TestTwoRegionsSkipThirdRegionScenarios(t *testing.T) {
	t.Parallel()
	svc, err := reference.New(reference.Options{Regions: []string{reference.DefaultSecondRegion}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	defer srv.Close()
	run := runSuite(t, runner.Options{Endpoint: srv.URL, Control: srv.URL, Credentials: account("AKIAKMSCONFORMTEST01"), Tags: "@cond:ReplicateKey.28,@cond:ReplicateKey.29"})
	var skipped, passed int
	for _, s := range run.Scenarios {
		switch {
		case s.Status == reports.StatusSkipped && strings.Contains(s.Reason, "third Region") && strings.Contains(s.Reason, "serves two"):
			skipped++
		case s.Status == reports.StatusPassed:
			passed++
		default:
			t.Errorf("%s: %s (%s)", s.ID, s.Status, s.Reason)
		}
	}
	if skipped != 1 || passed == 0 {
		t.Errorf("%d skipped for want of a third Region and %d passed, want 1 and some", skipped, passed)
	}
}

// An https target works through the proxy's interception: the clients sign
// for the target's own host name, and the proxy trusts the target's CA from
// AWS_CA_BUNDLE.
func TestHTTPSTarget(t *testing.T) {
	t.Parallel()
	fx := reference.DefaultFixtures()
	fx.CustomKeyStoreQuota = 1000
	svc, err := reference.New(reference.Options{Fixtures: fx})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(svc)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the reachability probe's bare TCP connect
	srv.StartTLS()
	defer srv.Close()
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	certPEM := pemEncode(srv.Certificate().Raw)
	if err := os.WriteFile(bundle, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == "AWS_CA_BUNDLE" {
			return bundle
		}
		return ""
	}
	run := runSuite(t, runner.Options{Endpoint: srv.URL, Control: srv.URL, Getenv: getenv, Credentials: account("AKIAKMSCONFORMTEST01"), Tags: "@op:DeleteImportedKeyMaterial && ~@untestable && ~@retries"})
	if run.Totals.Passed == 0 || run.Totals.Failed != 0 {
		for _, s := range run.Scenarios {
			if s.Status == reports.StatusFailed {
				t.Errorf("%s: %s", s.ID, s.Reason)
			}
		}
		t.Fatalf("totals %+v", run.Totals)
	}
}

func pemEncode(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
