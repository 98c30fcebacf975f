// Package reports turns a conformance run into the files people and CI read:
// results.json (the stable, documented record of a run), report.html,
// summary.md, and comparisons between runs.
package reports

import "time"

// SchemaVersion is the version of the results.json format described by Run.
const SchemaVersion = 1

// Scenario statuses.
const (
	StatusPassed  = "passed"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// Run is one conformance run: exactly what results.json holds.
type Run struct {
	SchemaVersion int               `json:"schemaVersion"`
	Tool          Tool              `json:"tool"`
	Target        Target            `json:"target"`
	CatalogHash   string            `json:"catalogHash,omitempty"`  // SHA-256 of the documented-conditions catalog (kmsconform coverage prints the same)
	FeaturesHash  string            `json:"featuresHash,omitempty"` // SHA-256 over the feature files that ran
	SDKs          map[string]string `json:"sdks,omitempty"`         // module or client -> version
	Started       time.Time         `json:"started"`
	Finished      time.Time         `json:"finished"`
	Totals        Totals            `json:"totals"`
	Scenarios     []Scenario        `json:"scenarios"`
	// RetryMatrix is the client retry scenarios as one grid (client × fault ×
	// rule generation), nil when none ran.
	RetryMatrix *Table `json:"retryMatrix,omitempty"`
	// Digest is the SHA-256 (hex) of the run with Digest empty, so that an
	// edited certification report can be detected.
	Digest string `json:"digest,omitempty"`
}

// Tool identifies the kmsconform build that produced the run.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
}

// Target is the endpoint the run checked.
type Target struct {
	Name     string `json:"name,omitempty"` // user label, e.g. "moto 5.2.1"
	Endpoint string `json:"endpoint"`
	Region   string `json:"region"`
	Embedded bool   `json:"embedded"` // the in-process reference KMS
}

// Totals count scenarios by status.
type Totals struct {
	Scenarios int `json:"scenarios"`
	Passed    int `json:"passed"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
	// Unsupported counts the failed scenarios whose target lacks an operation
	// they need; they are included in Failed too.
	Unsupported int `json:"unsupported"`
}

// Scenario is one executed scenario (one row of a Scenario Outline counts as one).
type Scenario struct {
	// ID is stable across runs: feature file path, scenario name and, for an
	// outline, its example values.
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Feature    string   `json:"feature"`
	URI        string   `json:"uri"`
	Operation  string   `json:"operation,omitempty"`
	Conditions []string `json:"conditions,omitempty"` // @cond IDs
	Error      string   `json:"error,omitempty"`      // the documented error code (@error tag)
	Tags       []string `json:"tags,omitempty"`
	Status     string   `json:"status"`
	// Reason says why a scenario failed or was skipped.
	Reason string `json:"reason,omitempty"`
	// Unsupported is set when the target does not implement an operation the
	// scenario needs (the scenario then fails, naming the operation).
	Unsupported bool `json:"unsupported,omitempty"`
	// KnownFailure is the reason the run's expectations file gives for this
	// failure (run --expectations), "" for a new one or when the run had no
	// such file. It never changes the status: the exit code is the check's.
	KnownFailure string `json:"knownFailure,omitempty"`
	// Observed is the error code the endpoint returned to the call under test
	// ("" for success), so runs can be compared code by code.
	Observed  string        `json:"observed,omitempty"`
	Duration  time.Duration `json:"durationNs"`
	Steps     []Step        `json:"steps,omitempty"`
	Exchanges []Exchange    `json:"exchanges,omitempty"`
	// Findings are notes a scenario attaches to its result: what a client did
	// differently from its documentation without failing the scenario (see
	// docs/retries.md), in plain words.
	Findings []string `json:"findings,omitempty"`
}

// Step is one executed Gherkin step.
type Step struct {
	Keyword  string        `json:"keyword"`
	Text     string        `json:"text"`
	Status   string        `json:"status"` // passed, failed, skipped, undefined, pending
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"durationNs"`
}

// Exchange is one redacted request/response pair the proxy recorded for a scenario.
type Exchange struct {
	Seq             int64         `json:"seq"`
	InvocationID    string        `json:"invocationId,omitempty"`
	Attempt         int           `json:"attempt,omitempty"`
	Operation       string        `json:"operation,omitempty"`
	Received        time.Time     `json:"received"`
	UpstreamLatency time.Duration `json:"upstreamLatencyNs"`
	InjectedDelay   time.Duration `json:"injectedDelayNs,omitempty"`
	Total           time.Duration `json:"totalNs"`
	Status          int           `json:"status"`
	ErrorCode       string        `json:"errorCode,omitempty"`
	Rule            string        `json:"rule,omitempty"`
	Faults          []string      `json:"faults,omitempty"`
	Request         Message       `json:"request"`
	Response        Message       `json:"response"`
}

// Message is a redacted HTTP message: headers and body.
type Message struct {
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
}
