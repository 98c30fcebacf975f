package reports

import (
	"fmt"
	"time"
)

// The runs in these tests are crafted by hand to look like what the runner
// produces: the operations and condition IDs are real ones from the KMS
// documentation, with every kind of outcome and retry evidence.

var testStart = time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)

type scenarioSpec struct {
	file, name, cond, errorCode, status, reason, observed string
	unsupported                                           bool
	tags                                                  []string
}

func newScenario(sp scenarioSpec) Scenario {
	op, _ := SplitCondition(sp.cond)
	s := Scenario{
		ID:         sp.file + ":" + sp.name,
		Name:       sp.name,
		Feature:    op,
		URI:        sp.file,
		Operation:  op,
		Error:      sp.errorCode,
		Tags:       append([]string{"@cond:" + sp.cond, "@error:" + sp.errorCode}, sp.tags...),
		Status:     sp.status,
		Reason:     sp.reason,
		Observed:   sp.observed,
		Duration:   42 * time.Millisecond,
		Conditions: []string{sp.cond},
	}
	if sp.cond == "" {
		s.Conditions, s.Tags = nil, sp.tags
	}
	s.Unsupported = sp.unsupported
	stepStatus := []string{StatusPassed, StatusPassed, StatusPassed}
	switch sp.status {
	case StatusFailed:
		stepStatus = []string{StatusPassed, StatusFailed, StatusSkipped}
	case StatusSkipped:
		stepStatus = []string{StatusSkipped, StatusSkipped, StatusSkipped}
	}
	texts := []struct{ kw, text string }{
		{"Given", "a custom key store in the CONNECTED state"},
		{"When", "I call " + op},
		{"Then", "the call fails with " + sp.errorCode},
	}
	for i, t := range texts {
		st := Step{Keyword: t.kw, Text: t.text, Status: stepStatus[i], Duration: time.Duration(i+3) * time.Millisecond}
		if st.Status == StatusFailed {
			st.Error = sp.reason
		}
		s.Steps = append(s.Steps, st)
	}
	if op != "" && sp.status != StatusSkipped {
		code, status := sp.observed, 400
		if code == "" {
			status = 200
		}
		s.Exchanges = []Exchange{{
			Seq: 17, InvocationID: "5e1d3c2a-0f4b-4c8e-9a77-" + fmt.Sprintf("%012d", len(sp.name)), Attempt: 1, Operation: op,
			Received: testStart.Add(3 * time.Second), UpstreamLatency: 4 * time.Millisecond, Total: 5 * time.Millisecond,
			Status: status, ErrorCode: code,
			Request: Message{Headers: map[string]string{
				"Content-Type":     "application/x-amz-json-1.1",
				"X-Amz-Target":     "TrentService." + op,
				"Amz-Sdk-Request":  "attempt=1; max=3",
				"Authorization":    "AWS4-HMAC-SHA256 Credential=AKIAKMSCONFORMTEST01/20261124/us-east-1/kms/aws4_request, Signature=deadbeefSECRET",
				"X-Amz-Date":       "20261124T020003Z",
				"X-Kmsconform-Scn": sp.name,
			}, Body: `{"CustomKeyStoreId":"cks-1234567890abcdef0"}`},
			Response: Message{Headers: map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amzn-Requestid": "0d3c3a1e-1111-2222-3333-444455556666"},
				Body: responseBody(code)},
		}}
	}
	return s
}

func responseBody(code string) string {
	if code == "" {
		return `{}`
	}
	return fmt.Sprintf(`{"__type":"%s","message":"The request was rejected because of %s."}`, code, code)
}

const (
	cksFile = "features/custom-key-stores/delete_custom_key_store.feature"
	dcsFile = "features/custom-key-stores/disconnect_custom_key_store.feature"
	dikFile = "features/imported-key-material/delete_imported_key_material.feature"
	retFile = "features/retries/throttling.feature"
)

// sampleRun is a plausible nightly run against an emulator.
func sampleRun() *Run {
	specs := []scenarioSpec{
		{file: cksFile, name: "Deleting a store that still has KMS keys is refused", cond: "DeleteCustomKeyStore.01", errorCode: "CustomKeyStoreHasCMKsException", status: StatusPassed, observed: "CustomKeyStoreHasCMKsException"},
		{file: cksFile, name: "Deleting a connected store is refused", cond: "DeleteCustomKeyStore.02", errorCode: "CustomKeyStoreInvalidStateException", status: StatusFailed, observed: "ValidationException",
			reason: "expected CustomKeyStoreInvalidStateException, got ValidationException: 1 validation error detected"},
		{file: cksFile, name: "Deleting a store that does not exist", cond: "DeleteCustomKeyStore.03", errorCode: "CustomKeyStoreNotFoundException", status: StatusPassed, observed: "CustomKeyStoreNotFoundException"},
		{file: cksFile, name: "Deleting a store while KMS is busy", cond: "DeleteCustomKeyStore.05", errorCode: "KMSInternalException", status: StatusSkipped,
			reason: "needs the reference control API to force an internal error; the target has none"},
		{file: dcsFile, name: "Disconnecting a store that does not exist", cond: "DisconnectCustomKeyStore.01", errorCode: "CustomKeyStoreNotFoundException", status: StatusPassed, observed: "CustomKeyStoreNotFoundException"},
		{file: dcsFile, name: "Disconnecting a store that is being created", cond: "DisconnectCustomKeyStore.02", errorCode: "CustomKeyStoreInvalidStateException", status: StatusFailed, unsupported: true, observed: "UnknownOperationException",
			reason: "the target does not implement DisconnectCustomKeyStore (UnknownOperationException)"},
		{file: dcsFile, name: "Disconnecting an already disconnected store", cond: "DisconnectCustomKeyStore.04", errorCode: "CustomKeyStoreInvalidStateException", status: StatusPassed, observed: "CustomKeyStoreInvalidStateException"},
		{file: dikFile, name: "Deleting key material of a key with AWS_KMS origin", cond: "DeleteImportedKeyMaterial.01", errorCode: "UnsupportedOperationException", status: StatusPassed, observed: "UnsupportedOperationException"},
		{file: dikFile, name: "Deleting key material of a pending-deletion key", cond: "DeleteImportedKeyMaterial.02", errorCode: "KMSInvalidStateException", status: StatusFailed, observed: "",
			reason: "expected KMSInvalidStateException, but DeleteImportedKeyMaterial succeeded"},
		{file: dikFile, name: "Deleting key material of a key that does not exist", cond: "DeleteImportedKeyMaterial.04", errorCode: "NotFoundException", status: StatusPassed, observed: "NotFoundException"},
	}
	run := &Run{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "kmsconform", Version: "v0.3.0", Commit: "50949d1"},
		Target:        Target{Name: "local-kms 3.12", Endpoint: "http://127.0.0.1:8080", Region: "us-east-1"},
		CatalogHash:   "sha256:9f2c4b1e0d7a",
		SDKs:          map[string]string{"github.com/aws/aws-sdk-go-v2/service/kms": "v1.62.4", "boto3": "1.43.11"},
		Started:       testStart,
		Finished:      testStart.Add(93 * time.Second),
	}
	for _, sp := range specs {
		run.Scenarios = append(run.Scenarios, newScenario(sp))
	}
	run.Scenarios = append(run.Scenarios, retryScenario())
	run.Totals = run.Tally()
	return run
}

// retryScenario: the proxy throttles, then fails, then delays a call; the
// SDK retries twice after waiting.
func retryScenario() Scenario {
	s := newScenario(scenarioSpec{file: retFile, name: "The SDK retries a throttled DeleteImportedKeyMaterial until it succeeds",
		cond: "", status: StatusPassed, tags: []string{"@retries"}})
	s.Operation = "DeleteImportedKeyMaterial"
	s.Steps = []Step{
		{Keyword: "Given", Text: "the proxy throttles the first attempt and fails the second with KMSInternalException", Status: StatusPassed, Duration: 2 * time.Millisecond},
		{Keyword: "When", Text: "I call DeleteImportedKeyMaterial", Status: StatusPassed, Duration: 712 * time.Millisecond},
		{Keyword: "Then", Text: "the call succeeds after 3 attempts", Status: StatusPassed, Duration: time.Millisecond},
	}
	inv := "8c1f6a0e-2b7d-4e5f-a1c3-9d8e7f6a5b4c"
	at := testStart.Add(10 * time.Second)
	attempt := func(n int, offset, total, delay time.Duration, status int, code string, faults ...string) Exchange {
		return Exchange{
			Seq: int64(40 + n), InvocationID: inv, Attempt: n, Operation: "DeleteImportedKeyMaterial",
			Received: at.Add(offset), UpstreamLatency: total - delay, InjectedDelay: delay, Total: total,
			Status: status, ErrorCode: code, Rule: "r-throttle-then-fail", Faults: faults,
			Request: Message{Headers: map[string]string{
				"X-Amz-Target": "TrentService.DeleteImportedKeyMaterial", "Amz-Sdk-Invocation-Id": inv,
				"Amz-Sdk-Request": fmt.Sprintf("attempt=%d; max=3", n), "X-Amz-Security-Token": "FQoGZXIvYXdzEXAMPLETOKEN",
			}, Body: `{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab"}`},
			Response: Message{Headers: map[string]string{"Content-Type": "application/x-amz-json-1.1"}, Body: responseBody(code)},
		}
	}
	s.Exchanges = []Exchange{
		attempt(1, 0, 6*time.Millisecond, 0, 400, "ThrottlingException", "kms-error:ThrottlingException"),
		attempt(2, 131*time.Millisecond, 9*time.Millisecond, 0, 500, "KMSInternalException", "kms-error:KMSInternalException"),
		attempt(3, 402*time.Millisecond, 310*time.Millisecond, 300*time.Millisecond, 200, "", "delay:300ms"),
	}
	return s
}
