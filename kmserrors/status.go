// Package kmserrors holds what the KMS API model says about error codes on
// the wire, shared by the reference KMS (which answers with them), the proxy
// (which injects them) and the steps (which check them).
package kmserrors

import "net/http"

// Status is the HTTP status KMS answers an error code with, as the API model's
// httpError traits give it: server faults are 5xx, NotFoundException is 404,
// state conflicts are 409, a dry run is 412, and every other client fault is 400.
func Status(code string) int {
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
