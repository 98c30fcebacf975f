package scenario

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/reports"
)

// ScenarioHeader carries a scenario's ID on every request it makes. It is
// added after signing, so it is not part of the signature and a proxy can
// attribute exchanges without touching what was signed.
const ScenarioHeader = "X-Kmsconform-Scenario"

// CallHeader marks each request of a call under test (a When step's call)
// with that call's number within its scenario, so that the journal, and the
// evidence in the reports, show which exchange the verdict rests on. Like
// ScenarioHeader, it is added after signing.
const CallHeader = "X-Kmsconform-Call"

// Env is what every scenario of a run shares. Fill it before the run; it is
// read-only afterwards except for its own counters.
type Env struct {
	// Endpoint is the target's URL. HTTPClient decides the route there (the
	// runner's goes through the recording proxy) and bounds every request.
	Endpoint string
	Region   string
	// Primary is the account the scenarios act as. Second, a different account,
	// is needed by cross-account scenarios; when nil they are skipped with SecondMissing as the reason.
	Primary       aws.CredentialsProvider
	Second        aws.CredentialsProvider
	SecondMissing string
	HTTPClient    *http.Client
	// SecondRegion is a second Region of the target, for the multi-Region
	// scenarios, served at SecondEndpoint (empty: at Endpoint). When it is
	// empty those scenarios are skipped with SecondRegionMissing as the reason.
	SecondRegion        string
	SecondEndpoint      string
	SecondRegionMissing string
	// ThirdRegion is a third Region of the target, served at ThirdEndpoint
	// (empty: at Endpoint), for the scenarios that replicate a key whose
	// primary moved to the second Region; when empty they are skipped with
	// ThirdRegionMissing as the reason.
	ThirdRegion        string
	ThirdEndpoint      string
	ThirdRegionMissing string
	// MaxAttempts is the SDK's attempt budget per call; 1 (retries off) when zero.
	MaxAttempts int
	// RunID names and tags every resource the run creates.
	RunID string
	// Plaintext is the message the Encrypt scenarios encrypt; empty means a
	// fixed one. Like every plaintext, it never appears in the run's output.
	Plaintext []byte
	Timeouts  Timeouts
	// Waits remembers the store transitions the target did not complete in
	// time, so that they cost one timeout per run; nil remembers nothing.
	Waits *Waits

	// Backing provides CloudHSM clusters and XKS proxies for new key stores.
	Backing Backing
	// States forces connection states the public API cannot hold; nil when the target has no control API.
	States StateControl
	// Control breaks backings, makes accounts of a scenario's own and lets
	// time pass; nil when the target has no control API.
	Control Control

	// Journal returns what the recording proxy saw of one scenario's
	// requests (those whose ScenarioHeader carries the given value),
	// redacted. They are the scenario's evidence, and a scenario passes for
	// the endpoint only when they show that the endpoint itself answered its
	// call under test (see world.judgeCalls). nil, without a recording
	// proxy, lets no scenario that makes a call under test pass.
	Journal func(scenarioHeader string) []journal.Entry

	// Report receives each scenario's result once its cleanup is done.
	Report func(*reports.Scenario)
	// Warn receives what a scenario's cleanup could not remove, and why.
	Warn func(scenarioID, problem string)

	names atomic.Int64
	Owned Ownership // what the run created, and the IDs it made up
}

// Timeouts bound every wait of a run.
type Timeouts struct {
	Call       time.Duration // one KMS request
	Connect    time.Duration // a custom key store reaching CONNECTED or FAILED
	Disconnect time.Duration // a custom key store reaching DISCONNECTED
	Poll       time.Duration // interval between Describe calls while waiting
}

// DefaultTimeouts suit an endpoint whose connects take a minute or two at
// most, polled gently enough not to meet KMS's request quotas.
func DefaultTimeouts() Timeouts {
	return Timeouts{Call: 30 * time.Second, Connect: 2 * time.Minute, Disconnect: 2 * time.Minute, Poll: time.Second}
}

// Ownership is what the run created, and the IDs it made up: clients of the
// run that the steps package does not make (those of the retry scenarios)
// guard their mutating calls with it too.
func (e *Env) Ownership() *Ownership { return &e.Owned }

// nextName returns a resource name unique within the run.
func (e *Env) NextName() string {
	return fmt.Sprintf("%s%d", StoreNamePrefix(e.RunID), e.names.Add(1))
}

// Message is the plaintext a scenario encrypts.
func (e *Env) Message() []byte {
	if len(e.Plaintext) == 0 {
		return []byte("kmsconform")
	}
	return e.Plaintext
}

// CloudHSMFixture is what creating a CloudHSM key store needs.
type CloudHSMFixture struct {
	ClusterID      string
	TrustAnchorPEM string
	Password       string // the kmsuser password; secret
}

// XKSFixture is what creating an external key store needs, plus one external
// key for a KMS key in it.
type XKSFixture struct {
	URIEndpoint            string
	URIPath                string
	Connectivity           string // PUBLIC_ENDPOINT or VPC_ENDPOINT_SERVICE
	VpcEndpointServiceName string
	AccessKeyID            string // secret
	SecretAccessKey        string // secret
	ExternalKeyID          string
	// ProxyID names the proxy to a control API; empty for a configured proxy.
	ProxyID string
}

// Lease is a backing fixture held by one scenario. Release hands it back;
// reusable is false when a key store still uses it (for instance because its
// keys are pending deletion), so that no later scenario trips over it.
type Lease[T any] struct {
	Fixture T
	Release func(reusable bool)
}

// Backing hands out backing fixtures for new key stores. An error wrapping
// ErrNoFixture means the target has none: the scenario is skipped.
type Backing interface {
	CloudHSM(ctx context.Context) (Lease[CloudHSMFixture], error)
	XKS(ctx context.Context) (Lease[XKSFixture], error)
}

// ErrNoFixture reports that a scenario's backing fixture is not available.
var ErrNoFixture = errors.New("no backing fixture available")

// StateControl forces custom key store states that the public API cannot
// hold, for the stores of the primary account.
type StateControl interface {
	// Hold keeps the store in the transitional state it enters next (or is in),
	// CONNECTING or DISCONNECTING, until Release.
	Hold(ctx context.Context, storeID string) error
	Release(ctx context.Context, storeID string) error
	// Fail puts the store in FAILED with the given ConnectionErrorCode.
	Fail(ctx context.Context, storeID, errorCode string) error
}
