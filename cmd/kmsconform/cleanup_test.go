package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/runner"
	"github.com/kmsconform/kmsconform/scenario"
)

const testAccessKey = "AKIAKMSCONFORMTEST01"

// startReference serves a fresh reference KMS on loopback.
func startReference(t *testing.T) (*httptest.Server, *kms.Client, *reference.ControlClient) {
	t.Helper()
	fx := reference.DefaultFixtures()
	fx.CustomKeyStoreQuota = 1000
	svc, err := reference.New(reference.Options{Fixtures: fx})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	c := kms.New(kms.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, "x", "")})
	return srv, c, &reference.ControlClient{BaseURL: srv.URL}
}

// awsEnv gives the command the reference's test credentials through the
// standard chain, and no shared config files of the developer's.
func awsEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", testAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_KMS", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
}

func runTags(run string) []types.Tag {
	return []types.Tag{{TagKey: aws.String(scenario.RunTag), TagValue: aws.String(run)}}
}

func newXKSStore(t *testing.T, c *kms.Client, cc *reference.ControlClient, name string) (storeID, externalKey string) {
	t.Helper()
	ctx := context.Background()
	p, err := cc.CreateXksProxy(ctx, reference.XksProxyPatch{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.CreateCustomKeyStore(ctx, &kms.CreateCustomKeyStoreInput{
		CustomKeyStoreName: aws.String(name), CustomKeyStoreType: types.CustomKeyStoreTypeExternalKeyStore,
		XksProxyUriEndpoint: aws.String(p.URIEndpoint), XksProxyUriPath: aws.String(p.URIPath),
		XksProxyConnectivity: types.XksProxyConnectivityType(p.Connectivity),
		XksProxyAuthenticationCredential: &types.XksProxyAuthenticationCredentialType{
			AccessKeyId: aws.String(p.Credential.AccessKeyID), RawSecretAccessKey: aws.String(p.Credential.RawSecretAccessKey)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.CustomKeyStoreId), p.ExternalKeys[0].ID
}

func connectStore(t *testing.T, c *kms.Client, id string) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.ConnectCustomKeyStore(ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: &id}); err != nil {
		t.Fatal(err)
	}
	for range 500 {
		if storeState(t, c, id) == types.ConnectionStateTypeConnected {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("key store %s never connected", id)
}

// storeState is the store's connection state, or "" when it does not exist.
func storeState(t *testing.T, c *kms.Client, id string) types.ConnectionStateType {
	t.Helper()
	out, err := c.DescribeCustomKeyStores(context.Background(), &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: &id})
	if err != nil {
		if strings.Contains(err.Error(), "CustomKeyStoreNotFoundException") {
			return ""
		}
		t.Fatal(err)
	}
	return out.CustomKeyStores[0].ConnectionState
}

// keyState is the key's state, or "" when it no longer exists.
func keyState(t *testing.T, c *kms.Client, id string) types.KeyState {
	t.Helper()
	out, err := c.DescribeKey(context.Background(), &kms.DescribeKeyInput{KeyId: &id})
	if err != nil {
		if strings.Contains(err.Error(), "NotFoundException") {
			return ""
		}
		t.Fatal(err)
	}
	return out.KeyMetadata.KeyState
}

func cleanup(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runCleanup(context.Background(), args, &stdout, &stderr)
	return code, stdout.String() + stderr.String()
}

// Leftovers made directly with the SDK, tagged and named as a run would:
// cleanup removes exactly those, and nothing of another run or of anybody
// else; --dry-run changes nothing.
func TestCleanupRemovesARunsLeftovers(t *testing.T) {
	awsEnv(t)
	srv, c, cc := startReference(t)
	ctx := context.Background()
	const run, otherRun = "20260102t150405-ab12", "20260102t150405-cd34"

	newKey := func(in *kms.CreateKeyInput) string {
		out, err := c.CreateKey(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.KeyMetadata.KeyId)
	}
	enabled := newKey(&kms.CreateKeyInput{Tags: runTags(run)})
	disabled := newKey(&kms.CreateKeyInput{Tags: runTags(run)})
	if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: &disabled}); err != nil {
		t.Fatal(err)
	}
	pending := newKey(&kms.CreateKeyInput{Tags: runTags(run)})
	if _, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: &pending, PendingWindowInDays: aws.Int32(30)}); err != nil {
		t.Fatal(err)
	}
	otherRuns := newKey(&kms.CreateKeyInput{Tags: runTags(otherRun)})
	untagged := newKey(&kms.CreateKeyInput{})

	empty, _ := newXKSStore(t, c, cc, scenario.StoreNamePrefix(run)+"1")
	connectStore(t, c, empty)
	holding, xksKey := newXKSStore(t, c, cc, scenario.StoreNamePrefix(run)+"2")
	connectStore(t, c, holding)
	inStore := newKey(&kms.CreateKeyInput{Tags: runTags(run), CustomKeyStoreId: &holding,
		Origin: types.OriginTypeExternalKeyStore, XksKeyId: &xksKey})
	theirs, _ := newXKSStore(t, c, cc, "kmsconform-"+otherRun+"-1")
	connectStore(t, c, theirs)

	mine := []string{enabled, disabled, inStore}
	untouched := map[string]types.KeyState{otherRuns: types.KeyStateEnabled, untagged: types.KeyStateEnabled, pending: types.KeyStatePendingDeletion}

	code, out := cleanup(t, "--run", run, "--endpoint", srv.URL, "--dry-run")
	if code != exitOK || !strings.Contains(out, "3 keys to schedule for deletion (dry run), 1 already pending deletion") {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	for _, k := range mine {
		if s := keyState(t, c, k); s == types.KeyStatePendingDeletion {
			t.Errorf("the dry run scheduled key %s for deletion", k)
		}
	}
	if s := storeState(t, c, empty); s != types.ConnectionStateTypeConnected {
		t.Errorf("the dry run changed key store %s: %s", empty, s)
	}

	code, out = cleanup(t, "--run", run, "--endpoint", srv.URL)
	if code != exitOK {
		t.Fatalf("cleanup: exit %d\n%s", code, out)
	}
	for _, k := range mine {
		if s := keyState(t, c, k); s != types.KeyStatePendingDeletion {
			t.Errorf("key %s of the run is %s after cleanup, want PendingDeletion", k, s)
		}
	}
	for k, want := range untouched {
		if s := keyState(t, c, k); s != want {
			t.Errorf("key %s, not the run's, is %s after cleanup, want %s", k, s, want)
		}
	}
	if s := storeState(t, c, empty); s != "" {
		t.Errorf("the run's empty key store %s is %s after cleanup, want deleted", empty, s)
	}
	if s := storeState(t, c, holding); s != types.ConnectionStateTypeDisconnected {
		t.Errorf("the run's key store %s, holding a key pending deletion, is %q, want DISCONNECTED", holding, s)
	}
	if s := storeState(t, c, theirs); s != types.ConnectionStateTypeConnected {
		t.Errorf("another run's key store %s is %q after cleanup, want CONNECTED", theirs, s)
	}
	if !strings.Contains(out, "1 waiting for their keys' deletion") {
		t.Errorf("cleanup does not report the store waiting for its keys:\n%s", out)
	}

	// Once the waiting period is over, a second cleanup deletes the store.
	if _, err := cc.AdvanceClock(ctx, 8*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if code, out := cleanup(t, "--run", run, "--endpoint", srv.URL); code != exitOK {
		t.Fatalf("second cleanup: exit %d\n%s", code, out)
	}
	if s := storeState(t, c, holding); s != "" {
		t.Errorf("key store %s is %s after the waiting period and a second cleanup, want deleted", holding, s)
	}
}

func TestCleanupUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"--run", "*"}, {"--run", "20260102t150405"}, {"--run", "20260102t150405-ab12", "extra"}} {
		code, out := cleanup(t, args...)
		if code != exitUsage || !strings.Contains(out, "--run") && !strings.Contains(out, "unexpected argument") {
			t.Errorf("cleanup %q: exit %d, want %d with a message naming the problem:\n%s", args, code, exitUsage, out)
		}
	}
}

// A run interrupted while its scenarios wait for slow key store connects
// leaves no key of the run enabled or disabled, and only disconnected stores
// that hold keys pending deletion; after the waiting period, kmsconform
// cleanup removes those too.
func TestInterruptedRunLeavesNothing(t *testing.T) {
	awsEnv(t)
	srv, c, cc := startReference(t)
	ctx := context.Background()
	slow := reference.Duration(3 * time.Second)
	if _, err := cc.SetTiming(ctx, reference.TimingUpdate{ConnectLatency: &slow}); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "kmsconform.yaml")
	if err := os.WriteFile(cfg, []byte("timeouts: {call: 10s, connect: 20s, disconnect: 20s, poll: 20ms}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Interrupt once the run has keys and a store is connecting: scenarios
	// are then creating keys and stores, or waiting for connects.
	go func() {
		defer cancel()
		for runCtx.Err() == nil {
			keys, err := c.ListKeys(runCtx, &kms.ListKeysInput{})
			if err != nil {
				return
			}
			stores, err := c.DescribeCustomKeyStores(runCtx, &kms.DescribeCustomKeyStoresInput{})
			if err != nil {
				return
			}
			connecting := 0
			for _, s := range stores.CustomKeyStores {
				if s.ConnectionState == types.ConnectionStateTypeConnecting {
					connecting++
				}
			}
			if len(keys.Keys) >= 4 && connecting >= 2 {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	progress := &lockedBuffer{}
	res, err := runner.Run(runCtx, runner.Options{
		Endpoint: srv.URL, Control: srv.URL, Config: cfg, Out: t.TempDir(), Root: "../..",
		Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, "x", ""),
		Tags:        "@cloudhsm,@xks,@op:DeleteImportedKeyMaterial && ~@retries", Concurrency: 8, Progress: progress,
		Getenv: func(string) string { return "" },
	})
	if err == nil || res == nil {
		t.Fatalf("Run = %v, %v; want an interrupted run with its results", res, err)
	}
	cut := 0
	for _, s := range res.Run.Scenarios {
		if strings.Contains(s.Reason, "context canceled") {
			cut++
		}
	}
	if cut == 0 {
		t.Fatalf("no scenario was cut short by the interruption; progress:\n%s", progress.String())
	}

	keys, stores := runResources(t, c, res.RunID)
	if len(keys) == 0 || len(stores) == 0 {
		all, _ := c.ListKeys(ctx, &kms.ListKeysInput{})
		allStores, _ := c.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{})
		for _, s := range allStores.CustomKeyStores {
			t.Logf("store %s %s", aws.ToString(s.CustomKeyStoreName), s.ConnectionState)
		}
		t.Fatalf("the run created %d keys and %d stores before the interruption (of %d, %d); the test needs both; progress:\n%s", len(keys), len(stores), len(all.Keys), len(allStores.CustomKeyStores), progress.String())
	}
	holding := map[string]bool{}
	for id, md := range keys {
		if md.KeyState != types.KeyStatePendingDeletion {
			t.Errorf("key %s of the interrupted run is %s, want PendingDeletion", id, md.KeyState)
		}
		holding[aws.ToString(md.CustomKeyStoreId)] = true
	}
	for id, state := range stores {
		if state != types.ConnectionStateTypeDisconnected || !holding[id] {
			t.Errorf("key store %s of the interrupted run is left %s (holds keys pending deletion: %v)", id, state, holding[id])
		}
	}

	if _, err := cc.AdvanceClock(ctx, 8*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if code, out := cleanup(t, "--run", res.RunID, "--endpoint", srv.URL); code != exitOK {
		t.Fatalf("cleanup: exit %d\n%s", code, out)
	}
	if keys, stores := runResources(t, c, res.RunID); len(keys)+len(stores) > 0 {
		t.Errorf("after the waiting period and cleanup, the run still has keys %v and stores %v", keys, stores)
	}
}

// runResources lists the run's keys (by tag) and key stores (by name).
func runResources(t *testing.T, c *kms.Client, run string) (map[string]*types.KeyMetadata, map[string]types.ConnectionStateType) {
	t.Helper()
	ctx := context.Background()
	keys := map[string]*types.KeyMetadata{}
	list, err := c.ListKeys(ctx, &kms.ListKeysInput{Limit: aws.Int32(1000)})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range list.Keys {
		tags, err := c.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: k.KeyId})
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range tags.Tags {
			if aws.ToString(tag.TagKey) == scenario.RunTag && aws.ToString(tag.TagValue) == run {
				d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
				if err != nil {
					t.Fatal(err)
				}
				keys[aws.ToString(k.KeyId)] = d.KeyMetadata
			}
		}
	}
	stores := map[string]types.ConnectionStateType{}
	out, err := c.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{Limit: aws.Int32(1000)})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range out.CustomKeyStores {
		if strings.HasPrefix(aws.ToString(s.CustomKeyStoreName), scenario.StoreNamePrefix(run)) {
			stores[aws.ToString(s.CustomKeyStoreId)] = s.ConnectionState
		}
	}
	return keys, stores
}

// A run against an endpoint that is not on loopback (0.0.0.0 reaches this
// machine, but is not a loopback address, so it stands in for a real
// account) refuses with what the run would create and cost, before any
// connection; --allow-real-account lets the same run go ahead.
func TestRealAccountGuard(t *testing.T) {
	awsEnv(t)
	svc, err := reference.New(reference.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(svc)
	var mu sync.Mutex
	conns := 0
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	srv.Start()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	endpoint := "http://0.0.0.0:" + port
	connections := func() int { mu.Lock(); defer mu.Unlock(); return conns }

	out := filepath.Join(t.TempDir(), "out")
	args := []string{"--endpoint", endpoint, "--out", out, "--tags", "@op:DeleteImportedKeyMaterial && ~@retries && ~@untestable"}
	var stdout, stderr bytes.Buffer
	code := runRun(context.Background(), args, &stdout, &stderr)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitUsage, stdout.String(), stderr.String())
	}
	for _, want := range []string{"not a loopback address", "KMS keys", "KMS keys are billed per month, prorated hourly; check current pricing",
		"7-day minimum waiting period", "--allow-real-account", "allowRealAccount: true", "kmsconform cleanup --run"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the refusal does not say %q:\n%s", want, stderr.String())
		}
	}
	if n := connections(); n != 0 {
		t.Errorf("the refused run made %d connections to the endpoint", n)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the refused run created its output directory: %v", err)
	}

	stdout.Reset()
	stderr.Reset()
	code = runRun(context.Background(), append(args, "--allow-real-account"), &stdout, &stderr)
	if code != exitOK || connections() == 0 {
		t.Fatalf("allowed run: exit %d, %d connections\n%s%s", code, connections(), stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "prorated hourly") {
		t.Errorf("the allowed run did not say what it would create and cost:\n%s", stdout.String())
	}
}

func TestFootprintCountsKeysAndStores(t *testing.T) {
	var stderr bytes.Buffer
	code := runRun(context.Background(), []string{"--endpoint", "https://kms.eu-west-1.amazonaws.com", "--tags", "@cloudhsm && ~@xks && ~@retries"}, io.Discard, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "CloudHSM key stores") || strings.Contains(stderr.String(), "external key stores") ||
		!strings.Contains(stderr.String(), "CloudHSM cluster") {
		t.Errorf("exit %d; the notice for CloudHSM scenarios does not name (only) CloudHSM stores and their cluster:\n%s", code, stderr.String())
	}
}
