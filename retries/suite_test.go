package retries

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/kmsconform/kmsconform/clients"
	"github.com/kmsconform/kmsconform/features"
	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/reports"
	core "github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

const (
	testRegion    = "us-east-1"
	testAccessKey = "AKIAKMSCONFORMTEST01"
	testSecret    = "kmsconform-retries-test-secret"
)

// newTestSuite serves a fresh reference KMS on loopback and returns a Suite
// pointed at it.
func newTestSuite(t *testing.T) *Suite { return newWrongSuite(t, nil) }

// newWrongSuite is newTestSuite with the reference behind wrong, a handler
// that gets something wrong (nil: nothing).
func newWrongSuite(t *testing.T, wrong func(http.Handler) http.Handler) *Suite {
	t.Helper()
	svc, err := reference.New(reference.Options{Region: testRegion})
	if err != nil {
		t.Fatalf("reference KMS: %v", err)
	}
	var h http.Handler = svc
	if wrong != nil {
		h = wrong(svc)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Env{
		Endpoint:       srv.URL,
		Region:         testRegion,
		Credentials:    credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, ""),
		Root:           root,
		RequireClients: os.Getenv("CI") == "true",
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// stepKeywords name the pickle step types as the feature files do.
var stepKeywords = map[messages.PickleStepType]string{
	messages.PickleStepType_CONTEXT: "Given", messages.PickleStepType_ACTION: "When", messages.PickleStepType_OUTCOME: "Then",
}

// controlBacking makes a fresh XKS proxy per scenario through the test
// reference's control API, as the runner's does for the embedded reference.
type controlBacking struct{ cc *reference.ControlClient }

func (controlBacking) CloudHSM(context.Context) (core.Lease[core.CloudHSMFixture], error) {
	return core.Lease[core.CloudHSMFixture]{}, fmt.Errorf("%w: the retry scenarios use none", core.ErrNoFixture)
}

func (b controlBacking) XKS(ctx context.Context) (core.Lease[core.XKSFixture], error) {
	p, err := b.cc.CreateXksProxy(ctx, reference.XksProxyPatch{})
	if err != nil {
		return core.Lease[core.XKSFixture]{}, err
	}
	return core.Lease[core.XKSFixture]{Fixture: core.XKSFixture{
		URIEndpoint: p.URIEndpoint, URIPath: p.URIPath, Connectivity: p.Connectivity,
		AccessKeyID: p.Credential.AccessKeyID, SecretAccessKey: p.Credential.RawSecretAccessKey,
		ProxyID: p.ID,
	}, Release: func(bool) {}}, nil
}

// coreEnv is the core's run environment for s's endpoint, without a
// recording proxy; report receives each scenario's result.
func coreEnv(s *Suite, report func(*reports.Scenario)) *core.Env {
	return &core.Env{
		Endpoint:   s.env.Endpoint,
		Region:     s.env.Region,
		Primary:    s.env.Credentials,
		HTTPClient: &http.Client{Timeout: time.Minute, Transport: &http.Transport{Proxy: nil}},
		RunID:      "retriestest",
		Timeouts:   core.DefaultTimeouts(),
		Backing:    controlBacking{&reference.ControlClient{BaseURL: s.env.Endpoint}},
		Report:     report,
	}
}

// runFeatures runs the selected scenarios as the runner does, on the core
// with the retry steps registered beside its own, and returns their results
// with the suite's evidence attached.
func runFeatures(t *testing.T, s *Suite, fsys fs.FS, tags string, concurrency int) []reports.Scenario {
	t.Helper()
	var (
		mu      sync.Mutex
		results []reports.Scenario
	)
	env := coreEnv(s, func(res *reports.Scenario) {
		s.Attach(res)
		mu.Lock()
		defer mu.Unlock()
		results = append(results, *res)
	})
	patterns := stepdef.NewPatterns()
	suite := godog.TestSuite{
		Name: "retries",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			c := core.New(env)
			c.Hook(sc)
			steps := stepdef.Bind(sc, patterns)
			c.Register(steps)
			s.Register(c, steps)
		},
		Options: &godog.Options{
			Format:      "progress",
			Output:      io.Discard,
			NoColors:    true,
			Strict:      true,
			Concurrency: concurrency,
			Tags:        tags,
			FS:          fsys,
			Paths:       []string{"."},
		},
	}
	suite.Run()
	slices.SortFunc(results, func(a, b reports.Scenario) int { return strings.Compare(a.ID, b.ID) })
	return results
}

// TestRetryFeatures runs every retry scenario with every installed client
// against the reference KMS: they all pass (or are @untestable), and each
// tested one carries its attempts as evidence.
func TestRetryFeatures(t *testing.T) {
	t.Parallel()
	s := newTestSuite(t)
	tags := "@retries"
	if testing.Short() {
		tags = "@retries && @client:aws-sdk-go-v2"
	}
	start := time.Now()
	results := runFeatures(t, s, features.FS, tags, 16)
	t.Logf("%d retry scenarios in %v", len(results), time.Since(start).Round(time.Second))
	if len(results) < 10 {
		t.Fatalf("ran %d retry scenarios", len(results))
	}
	for _, r := range results {
		switch r.Status {
		case reports.StatusFailed:
			t.Errorf("%s failed: %s", r.ID, r.Reason)
		case reports.StatusSkipped:
			if !slices.Contains(r.Tags, "@untestable") {
				t.Errorf("%s skipped without @untestable: %s", r.ID, r.Reason)
			}
		case reports.StatusPassed:
			if len(r.Exchanges) == 0 {
				t.Errorf("%s passed without recorded attempts", r.ID)
			}
		}
		t.Logf("%v %s", r.Duration.Round(100*time.Millisecond), r.ID)
		for _, f := range r.Findings {
			t.Logf("finding %s: %s", r.ID, f)
		}
	}
	t.Logf("retry matrix:\n%s", Matrix(results, s.ClientVersions()).Markdown())
	// The evidence is redacted: no signature, no secret key.
	b, err := json.Marshal(results)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{testSecret, "AWS4-HMAC-SHA256 Credential", "RawSecretAccessKey\":\"", "KeyStorePassword\":\""} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the retry evidence contains %q", secret)
		}
	}
}

// The server-fault scenarios call every focus operation naming resources
// that do not exist, so that a fault that fails to apply changes nothing:
// without the fault, the endpoint refuses each call (GenerateRandom, which
// changes nothing anyway, excepted) and the account holds no key and no store.
// The signing, MAC and key agreement calls are refused with
// NotFoundException for naming no key (not for their form) where the
// reference implements them, and as unknown operations where it does not yet.
func TestMadeUpCallsChangeNothing(t *testing.T) {
	t.Parallel()
	s := newTestSuite(t)
	implemented := referenceOperations(t)
	st := &scenario{suite: s, core: core.New(coreEnv(s, nil))}
	if err := st.givenNothingExists(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, op := range []string{"CreateKey", "DescribeKey", "EnableKey", "DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion",
		"GenerateRandom", "GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial", "CreateCustomKeyStore",
		"DescribeCustomKeyStores", "UpdateCustomKeyStore", "ConnectCustomKeyStore", "DisconnectCustomKeyStore", "DeleteCustomKeyStore",
		"Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
		"GenerateDataKeyPairWithoutPlaintext", "Sign", "Verify", "GetPublicKey", "GenerateMac", "VerifyMac", "DeriveSharedSecret",
		"EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus", "RotateKeyOnDemand", "ListKeyRotations", "GetKeyLastUsage",
		"ReplicateKey", "UpdatePrimaryRegion",
		"CreateAlias", "DeleteAlias", "ListAliases", "UpdateAlias", "TagResource", "UntagResource", "ListResourceTags",
		"UpdateKeyDescription", "ListKeys", "CreateGrant", "ListGrants", "ListRetirableGrants", "RetireGrant", "RevokeGrant",
		"GetKeyPolicy", "PutKeyPolicy", "ListKeyPolicies"} {
		in, err := st.input(op)
		if err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		out, err := clients.GoSDK{Credentials: s.env.Credentials}.Call(ctx, clients.Request{Operation: op, Input: in, Endpoint: s.env.Endpoint, Region: testRegion,
			Retry: &clients.Retry{MaxAttempts: 1}})
		switch {
		case err != nil:
			t.Errorf("%s: %v", op, err)
		case op == "GenerateRandom" || op == "ListKeys" || op == "ListRetirableGrants":
			if !out.OK {
				t.Errorf("%s: %s", op, describe(out))
			}
		case keyOnly(op):
			if err := refusedForNoKey(out, implemented[op]); err != nil {
				t.Errorf("%s with made-up resources: %v", op, err)
			}
		case out.OK || out.Error == nil || out.Error.HTTPStatus != 400:
			t.Errorf("%s with made-up resources: %s, want a client error", op, describe(out))
		}
	}
	c := kms.New(kms.Options{Region: testRegion, BaseEndpoint: aws.String(s.env.Endpoint), Credentials: s.env.Credentials})
	keys, err := c.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	stores, err := c.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys.Keys) != 0 || len(stores.CustomKeyStores) != 0 {
		t.Errorf("the calls left %d keys and %d key stores", len(keys.Keys), len(stores.CustomKeyStores))
	}
}

// keyOnly tells the focus operations whose made-up call must be refused for
// naming no key: a refusal for the form of the message, signature, MAC or
// peer public key would mean the input, not the key, stopped the call.
func keyOnly(op string) bool {
	switch op {
	case "Sign", "Verify", "GetPublicKey", "GenerateMac", "VerifyMac", "DeriveSharedSecret",
		"EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus", "RotateKeyOnDemand", "ListKeyRotations", "GetKeyLastUsage",
		"ReplicateKey", "UpdatePrimaryRegion",
		"CreateAlias", "DeleteAlias", "ListAliases", "UpdateAlias", "TagResource", "UntagResource", "ListResourceTags",
		"UpdateKeyDescription", "CreateGrant", "ListGrants", "RetireGrant", "RevokeGrant", "GetKeyPolicy", "PutKeyPolicy", "ListKeyPolicies":
		return true
	}
	return false
}

// refusedForNoKey checks a made-up call's refusal: NotFoundException where
// the reference implements the operation, UnknownOperationException where it
// does not yet; a client error (4xx) either way.
func refusedForNoKey(out clients.Outcome, implemented bool) error {
	want := "UnknownOperationException"
	if implemented {
		want = "NotFoundException"
	}
	if out.OK || out.Error == nil || out.Error.HTTPStatus/100 != 4 || out.Error.Code != want {
		return fmt.Errorf("%s, want the client error %s", describe(out), want)
	}
	return nil
}

// A refusal for anything but the missing key fails the check.
func TestRefusedForNoKey(t *testing.T) {
	refused := func(code string, status int) clients.Outcome {
		return clients.Outcome{Error: &clients.Error{Code: code, HTTPStatus: status}}
	}
	for _, tc := range []struct {
		name        string
		out         clients.Outcome
		implemented bool
		ok          bool
	}{
		{"not found", refused("NotFoundException", 400), true, true},
		{"not found, model status", refused("NotFoundException", 404), true, true},
		{"not implemented yet", refused("UnknownOperationException", 400), false, true},
		{"refused for its form", refused("ValidationException", 400), true, false},
		{"refused for the signature", refused("KMSInvalidSignatureException", 400), true, false},
		{"unknown though implemented", refused("UnknownOperationException", 400), true, false},
		{"not found as a server error", refused("NotFoundException", 500), true, false},
		{"accepted", clients.Outcome{OK: true}, true, false},
	} {
		if err := refusedForNoKey(tc.out, tc.implemented); (err == nil) != tc.ok {
			t.Errorf("%s: refusedForNoKey = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

// referenceOperations is the set of operations the reference implements.
func referenceOperations(t *testing.T) map[string]bool {
	t.Helper()
	svc, err := reference.New(reference.Options{Region: testRegion})
	if err != nil {
		t.Fatalf("reference KMS: %v", err)
	}
	ops := map[string]bool{}
	for _, op := range svc.Operations() {
		ops[op] = true
	}
	return ops
}

// A made-up cluster ID must pass the model's pattern, or CreateCustomKeyStore
// is refused for its form (ValidationException) rather than for naming no
// cluster.
func TestMadeUpClusterIDsAreWellFormed(t *testing.T) {
	pattern := regexp.MustCompile(`^cluster-[2-7a-zA-Z]{11,16}$`)
	for range 200 {
		if id := madeUpClusterID(); !pattern.MatchString(id) {
			t.Fatalf("madeUpClusterID() = %q, not of the form cluster-[2-7a-zA-Z]{11,16}", id)
		}
	}
}
