// Package retries checks how real KMS clients retry: for each injected fault
// it runs one client call through a proxy of its own, counts the attempts the
// proxy saw, measures the waits between them, and compares what it saw, and
// what the client reported, with what the client's documentation promises.
//
// The promises are Go tables (see Policies): retry mode, max attempts,
// backoff base and cap, retryable codes and statuses, retry quota, per client
// and per rule set (pre-2026 or AWS_NEW_RETRIES_2026). Where the pinned client
// is known to behave otherwise (see knownDeviations), the scenario passes and
// records a finding; any other difference fails it. docs/retries.md states
// the policy.
package retries
