package retries

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/cucumber/godog"

	"github.com/kmsconform/kmsconform/clients"
	"github.com/kmsconform/kmsconform/proxy/rules"
	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/reports"
	core "github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// Env is what the retry scenarios need from a run.
type Env struct {
	// Endpoint is the KMS under test. Each scenario puts a proxy of its own in
	// front of it; setup calls go to it directly.
	Endpoint string
	Region   string
	// Credentials sign every call, the drivers' included (as AWS_* variables).
	Credentials aws.CredentialsProvider
	// HTTPClient makes the setup calls; nil means a client that uses no proxy.
	HTTPClient *http.Client
	// UpstreamTLS is how the scenarios' proxies verify an https Endpoint;
	// nil means the system roots.
	UpstreamTLS *tls.Config
	// Control is a reference KMS's control API; nil skips the scenarios that
	// need a fresh XKS proxy to build a key store on.
	Control *reference.ControlClient
	// Root is the repository root, where clients/ holds the drivers; "" is ".".
	Root string
	// RequireClients fails the scenarios of a client that is not installed
	// (CI) instead of skipping them.
	RequireClients bool
	// RunID tags the keys and names the key stores the scenarios create (as
	// the steps package does), so that kmsconform cleanup finds leftovers.
	RunID string
	// Ownership guards the setup client's mutating calls, as the steps
	// package's clients are guarded: share the run's (core.Env.Ownership).
	// Nil means a set of the suite's own.
	Ownership *core.Ownership
}

// Suite runs the retry scenarios of one run and keeps their evidence.
type Suite struct {
	env       Env
	endpoint  *url.URL
	evidence  recordSet
	installed map[string]func() (clients.Installed, error)
	patterns  *stepdef.Patterns

	// policy and rule are what the scenarios compare with and inject; tests
	// replace them to show that a wrong table or a wrong proxy fails.
	policy func(client string, new2026 bool) (Policy, error)
	rule   func(f Fault, operation string) rules.Rule
	// deviations are the known differences of the pinned clients.
	deviations []Deviation
	// slack is what a wait may exceed its documented bound by (waitSlack);
	// tests remove it to show that a wrong backoff table fails.
	slack func(bound time.Duration) time.Duration
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
	if env.Ownership == nil {
		env.Ownership = &core.Ownership{}
	}
	if env.HTTPClient == nil {
		env.HTTPClient = &http.Client{Timeout: time.Minute, Transport: &http.Transport{Proxy: nil}}
	}
	s := &Suite{env: env, endpoint: u, patterns: stepdef.NewPatterns(), policy: PolicyFor, rule: Fault.Rule, deviations: knownDeviations(), slack: waitSlack}
	find := func(fn func(ctx context.Context) (clients.Installed, error)) func() (clients.Installed, error) {
		return sync.OnceValues(func() (clients.Installed, error) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			return fn(ctx)
		})
	}
	s.installed = map[string]func() (clients.Installed, error){
		Boto3: find(func(ctx context.Context) (clients.Installed, error) { return clients.Boto3(ctx, env.Root) }),
		CLIv1: find(func(ctx context.Context) (clients.Installed, error) { return clients.AWSCLI(ctx, env.Root, 1) }),
		CLIv2: find(func(ctx context.Context) (clients.Installed, error) { return clients.AWSCLI(ctx, env.Root, 2) }),
		JSv3:  find(func(ctx context.Context) (clients.Installed, error) { return clients.JavaScript(ctx, env.Root) }),
	}
	return s, nil
}

// Register binds the retry steps to one scenario. Call it from the run's
// scenario initializer, next to the other steps.
func (s *Suite) Register(sc *godog.ScenarioContext) {
	st := &scenario{suite: s}
	sc.Before(st.before)
	sc.After(st.after)
	st.register(stepdef.Bind(sc, s.patterns))
}

// Definitions lists the retry steps as registered, for the tests that
// resolve the features' steps and derive which steps check an outcome, and
// for the real-account guard.
func Definitions() []stepdef.Def {
	var defs []stepdef.Def
	(&scenario{}).register(stepdef.Record(&defs, stepdef.NewPatterns()))
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

// Attach adds a retry scenario's evidence to its result: the attempts its own
// proxy saw, its findings, the outcome the client reported (as Observed) and,
// for a skipped scenario, why. Other scenarios are left as they are.
func (s *Suite) Attach(res *reports.Scenario) {
	rec, ok := s.evidence.get(res.ID)
	if !ok {
		return
	}
	res.Exchanges = append(res.Exchanges, rec.Exchanges...)
	res.Findings = append(res.Findings, rec.Findings...)
	if rec.Called {
		res.Observed = rec.Code
	}
	if rec.SkipReason != "" && res.Status == reports.StatusSkipped {
		res.Reason = rec.SkipReason
	}
}

// Records returns the evidence of every retry scenario so far, by scenario ID.
func (s *Suite) Records() []Record { return s.evidence.all() }

// scenarioID is the runner's stable scenario ID: feature file and name.
func scenarioID(sc *godog.Scenario) string { return sc.Uri + ": " + sc.Name }
