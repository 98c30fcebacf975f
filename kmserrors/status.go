// Package kmserrors holds what is known about KMS error codes on the wire,
// shared by the reference KMS (which answers with them), the proxy (which
// injects them) and the steps (which check them).
//
// Real KMS is the specification: where its HTTP status for a code is on record,
// that status is the expectation, and the API model's httpError trait is only
// the evidence where nothing is recorded.
package kmserrors

import (
	"fmt"
	"net/http"
)

// recordedStatus is the HTTP status real KMS was recorded answering with,
// where it differs from the model's httpError trait. The recordings are the
// parity snapshots LocalStack validates against AWS (the corpus of package
// realkms): DescribeKey, Encrypt, GenerateMac, RotateKeyOnDemand
// and others answer these codes with 400, not the model's 404, 409 and 412
// (GenerateDataKeyPair's DryRun for the last).
var recordedStatus = map[string]int{
	"NotFoundException":        http.StatusBadRequest,
	"KMSInvalidStateException": http.StatusBadRequest,
	"DisabledException":        http.StatusBadRequest,
	"DryRunOperationException": http.StatusBadRequest,
}

// Status is the HTTP status real KMS answers an error code with: the recorded
// status where there is one, else the model's.
func Status(code string) int {
	if s, ok := recordedStatus[code]; ok {
		return s
	}
	return ModelStatus(code)
}

// Recorded says whether Status(code) comes from a recording of real KMS
// rather than from the API model.
func Recorded(code string) bool {
	_, ok := recordedStatus[code]
	return ok
}

// ModelStatus is the HTTP status the API model's httpError trait gives a code:
// server faults are 5xx, NotFoundException is 404, state conflicts are 409, a
// dry run is 412, and every other client fault is 400.
func ModelStatus(code string) int {
	switch code {
	case "KMSInternalException", "KeyUnavailableException":
		return http.StatusInternalServerError
	case "DependencyTimeoutException":
		return http.StatusServiceUnavailable
	case "NotFoundException":
		return http.StatusNotFound
	case "KMSInvalidStateException", "DisabledException", "AlreadyExistsException", "ConflictException":
		return http.StatusConflict
	case "DryRunOperationException":
		return http.StatusPreconditionFailed
	default:
		return http.StatusBadRequest
	}
}

// Class is what a client makes of a status: "client error" (4xx, which SDKs do
// not retry, throttling codes aside), "server fault" (5xx, which they do), or
// "not an error".
func Class(status int) string {
	switch {
	case status >= 400 && status <= 499:
		return "client error"
	case status >= 500 && status <= 599:
		return "server fault"
	default:
		return "not an error"
	}
}

// Verdict compares the status an endpoint answered code with against the one
// real KMS sends. A status of another class is wrong, since SDKs retry server
// faults and not client errors; a status of the same class but another number
// (404 where real KMS sends 400) cannot mislead a client, so it is only a
// finding. Both results are empty when the status is the expected one.
func Verdict(code string, got int) (failure, finding string) {
	want := Status(code)
	switch {
	case got == want:
		return "", ""
	case Class(got) != Class(want):
		return describe(code, got, want), ""
	default:
		return "", describe(code, got, want)
	}
}

func describe(code string, got, want int) string {
	source := "the API model"
	if Recorded(code) {
		source = "recorded real KMS answers"
	}
	return fmt.Sprintf("%s came with HTTP %d (%s); real KMS sends HTTP %d (%s, from %s)",
		code, got, Class(got), want, Class(want), source)
}
