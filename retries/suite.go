package retries

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kmsconform/kmsconform/clients"
	"github.com/kmsconform/kmsconform/proxy/rules"
	"github.com/kmsconform/kmsconform/reports"
	core "github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// Env is what the retry scenarios need from a run besides the core's
// scenario.Env, which makes their setup calls and holds their results.
type Env struct {
	// Endpoint is the KMS under test. Each scenario puts a proxy of its own in
	// front of it.
	Endpoint string
	Region   string
	// Credentials sign every call of the clients under test, the drivers'
	// included (as AWS_* variables).
	Credentials aws.CredentialsProvider
	// UpstreamTLS is how the scenarios' proxies verify an https Endpoint;
	// nil means the system roots.
	UpstreamTLS *tls.Config
	// Root is the repository root, where clients/ holds the drivers; "" is ".".
	Root string
	// RequireClients fails the scenarios of a client that is not installed
	// (CI) instead of skipping them.
	RequireClients bool
}

// Suite runs the retry scenarios of one run and keeps their evidence.
type Suite struct {
	env       Env
	endpoint  *url.URL
	evidence  recordSet
	versions  sync.Map // client name -> version of the clients that ran
	installed map[string]func() (clients.Installed, error)

	// policy and rule are what the scenarios compare with and inject; tests
	// replace them to show that a wrong table or a wrong proxy fails.
	policy func(client string, new2026 bool) (Policy, error)
	rule   func(f Fault, operation string) rules.Rule
	// deviations are the known differences of the pinned clients.
	deviations []Deviation
	// allowance is what a client's wait may exceed its documented bound by
	// (loadedAllowance); tests remove it to show that a wrong backoff table fails.
	allowance func(client string) Allowance
}

// New returns a Suite for env. It fails when env cannot work at all.
func New(env Env) (*Suite, error) {
	u, err := url.Parse(env.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("retries: endpoint %q: want an absolute http:// or https:// URL", env.Endpoint)
	}
	if env.Credentials == nil {
		return nil, errors.New("retries: no credentials")
	}
	if env.Root == "" {
		env.Root = "."
	}
	s := &Suite{env: env, endpoint: u, policy: PolicyFor, rule: Fault.Rule, deviations: knownDeviations(), allowance: loadedAllowance}
	find := func(fn func(ctx context.Context) (clients.Installed, error)) func() (clients.Installed, error) {
		return sync.OnceValues(func() (clients.Installed, error) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			return fn(ctx)
		})
	}
	s.installed = map[string]func() (clients.Installed, error){
		GoSDK:  find(func(ctx context.Context) (clients.Installed, error) { return clients.GoDriver(ctx, env.Root) }),
		Boto3:  find(func(ctx context.Context) (clients.Installed, error) { return clients.Boto3(ctx, env.Root) }),
		CLIv1:  find(func(ctx context.Context) (clients.Installed, error) { return clients.AWSCLI(ctx, env.Root, 1) }),
		CLIv2:  find(func(ctx context.Context) (clients.Installed, error) { return clients.AWSCLI(ctx, env.Root, 2) }),
		JSv3:   find(func(ctx context.Context) (clients.Installed, error) { return clients.JavaScript(ctx, env.Root) }),
		JavaV2: find(func(ctx context.Context) (clients.Installed, error) { return clients.Java(ctx, env.Root) }),
	}
	return s, nil
}

// Register binds the retry steps to sc, one scenario's steps, on sc's core
// scenario c, as a family registers its own.
func (s *Suite) Register(c *core.Scenario, sc stepdef.Context) {
	(&scenario{suite: s, core: c}).register(sc)
}

// Definitions lists the retry steps as registered, for the tests that
// resolve the features' steps and derive which steps check an outcome, and
// for the real-account guard.
func Definitions() []stepdef.Def {
	var defs []stepdef.Def
	(&scenario{core: core.New(&core.Env{})}).register(stepdef.Record(&defs, stepdef.NewPatterns()))
	return defs
}

func (st *scenario) register(steps stepdef.Context) {
	steps.Given(`^the client under test is (\S+) with its default retry settings$`, st.givenClient)
	steps.Given(`^the client under test is (\S+) with AWS_NEW_RETRIES_2026=true$`, st.givenClient2026)
	steps.Given(`^a KMS key for the retry test$`, st.givenKey, stepdef.Creates{Keys: 1})
	steps.GivenChecks(`^a KMS key with imported key material for the retry test$`, st.givenImportedKey, stepdef.Creates{Keys: 1})
	steps.Given(`^a disconnected external key store for the retry test$`, st.givenStore, stepdef.Creates{ExternalStores: 1})
	steps.Given(`^the call under test names only resources that do not exist$`, st.givenNothingExists)
	steps.Given(`^the proxy injects (\S+) into (\w+) calls$`, st.givenFault)
	steps.When(`^the client under test calls (\w+)$`, st.call)
	steps.When(`^the client under test calls (\w+) as often as the wait check needs$`, st.callRepeated)
	steps.Then(`^the proxy saw the documented number of attempts$`, st.thenAttempts)
	steps.Then(`^every wait between attempts is within the documented backoff bounds$`, st.thenWaits)
	steps.Then(`^the client under test reports the documented outcome$`, st.thenOutcome)
	steps.Then(`^the client under test reports ([A-Z]\w+Exception) from its retry although the first attempt succeeded$`, st.thenHazardError)
	steps.Then(`^the client under test reports success from its retry although the first attempt succeeded$`, st.thenHazardSuccess)
	steps.Then(`^the KMS key for the retry test is (\w+)$`, st.thenKeyState)
	steps.Then(`^the external key store for the retry test no longer exists$`, st.thenStoreGone)
	steps.When(`^one aws-sdk-go-v2 client makes (\d+) concurrent DescribeKey calls that all meet (\S+)$`, st.quotaCalls)
	steps.Then(`^the retry quota stops the retries where the documentation says$`, st.thenQuota)
}

// ClientVersions names the version of each client that ran a retry
// scenario, for the run's SDK list (reports.Run.SDKs) and the matrix.
func (s *Suite) ClientVersions() map[string]string {
	out := map[string]string{}
	s.versions.Range(func(k, v any) bool {
		out[k.(string)] = v.(string)
		return true
	})
	return out
}

// Attach adds a retry scenario's own evidence to its result, which the core
// assembled: the attempts its own proxy saw and the outcome the client
// reported (as Observed). Other scenarios are left as they are.
func (s *Suite) Attach(res *reports.Scenario) {
	rec, ok := s.evidence.get(res.ID)
	if !ok {
		return
	}
	res.Exchanges = append(res.Exchanges, rec.Exchanges...)
	if rec.Called {
		res.Observed = rec.Code
	}
}
