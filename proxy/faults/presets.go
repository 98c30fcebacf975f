package faults

import "net/http"

// ThrottlingMessage is the message KMS sends with ThrottlingException, as the
// KMS developer guide quotes it.
const ThrottlingMessage = "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."

// presets are the named errors a Spec can start from. KMS errors carry the
// awsJson1_1 error shape; the HTTPnnn presets answer as a load balancer or
// front end does, without a KMS error body.
func presets() map[string]Spec {
	return map[string]Spec{
		"KMSInternalException": {Status: http.StatusInternalServerError, Code: "KMSInternalException",
			Message: "An internal error occurred. The request can be retried."},
		"DependencyTimeoutException": {Status: http.StatusServiceUnavailable, Code: "DependencyTimeoutException",
			Message: "The system timed out while trying to fulfill the request. The request can be retried."},
		"KeyUnavailableException": {Status: http.StatusInternalServerError, Code: "KeyUnavailableException",
			Message: "The request was rejected because the specified KMS key was not available. You can retry the request."},
		"ThrottlingException": {Status: http.StatusBadRequest, Code: "ThrottlingException", Message: ThrottlingMessage},
		"LimitExceededException": {Status: http.StatusBadRequest, Code: "LimitExceededException",
			Message: "The request was rejected because a quota was exceeded."},
		// A bare 429, with no KMS error code at all.
		"HTTP429": {Status: http.StatusTooManyRequests},
		"HTTP502": {Status: http.StatusBadGateway},
		"HTTP503": {Status: http.StatusServiceUnavailable},
		"HTTP504": {Status: http.StatusGatewayTimeout},
	}
}

// PresetNames lists the preset names, for help texts.
func PresetNames() []string {
	return []string{"KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException",
		"ThrottlingException", "LimitExceededException", "HTTP429", "HTTP502", "HTTP503", "HTTP504"}
}
