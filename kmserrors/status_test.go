package kmserrors

import "testing"

// TestStatus pins the HTTP status of every error code the reference can
// answer with, or that the proxy injects on its behalf, to the API model's
// httpError trait: server faults 500 (KMSInternalException,
// KeyUnavailableException) and 503 (DependencyTimeoutException), and client
// faults 404, 409, 412 or 400.
func TestStatus(t *testing.T) {
	want := map[string]int{
		"KMSInternalException": 500, "KeyUnavailableException": 500, "DependencyTimeoutException": 503,
		"NotFoundException": 404, "KMSInvalidStateException": 409, "DisabledException": 409,
		"AlreadyExistsException": 409, "ConflictException": 409, "DryRunOperationException": 412,
	}
	for _, code := range []string{"ValidationException", "SerializationException", "UnknownOperationException",
		"AccessDeniedException", "InvalidArnException", "UnsupportedOperationException", "LimitExceededException",
		"CustomKeyStoreInvalidStateException", "CustomKeyStoreNotFoundException", "CustomKeyStoreHasCMKsException",
		"CustomKeyStoreNameInUseException", "CloudHsmClusterInUseException", "CloudHsmClusterInvalidConfigurationException",
		"CloudHsmClusterNotActiveException", "CloudHsmClusterNotFoundException", "CloudHsmClusterNotRelatedException",
		"IncorrectTrustAnchorException", "InvalidMarkerException", "ExpiredImportTokenException", "InvalidImportTokenException",
		"IncorrectKeyMaterialException", "InvalidCiphertextException", "MalformedPolicyDocumentException", "TagException",
		"XksKeyAlreadyInUseException", "XksKeyInvalidConfigurationException", "XksKeyNotFoundException",
		"XksProxyIncorrectAuthenticationCredentialException", "XksProxyInvalidConfigurationException",
		"XksProxyInvalidResponseException", "XksProxyUriEndpointInUseException", "XksProxyUriInUseException",
		"XksProxyUriUnreachableException", "XksProxyVpcEndpointServiceInUseException",
		"XksProxyVpcEndpointServiceInvalidConfigurationException", "XksProxyVpcEndpointServiceNotFoundException"} {
		want[code] = 400
	}
	for code, status := range want {
		if got := Status(code); got != status {
			t.Errorf("Status(%s) = %d, want %d", code, got, status)
		}
	}
}
