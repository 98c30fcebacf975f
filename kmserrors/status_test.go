package kmserrors

import "testing"

// TestStatus pins the HTTP status of every error code the reference can answer
// with, or that the proxy injects on its behalf: real KMS's recorded 400 for
// NotFoundException, KMSInvalidStateException, DisabledException and
// DryRunOperationException, and the
// API model's httpError trait for the rest.
func TestStatus(t *testing.T) {
	want := map[string]int{
		"KMSInternalException": 500, "KeyUnavailableException": 500, "DependencyTimeoutException": 503,
		"NotFoundException": 400, "KMSInvalidStateException": 400, "DisabledException": 400,
		"AlreadyExistsException": 409, "ConflictException": 409, "DryRunOperationException": 400,
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

func TestModelStatusKeepsTheTrait(t *testing.T) {
	for code, want := range map[string]int{"NotFoundException": 404, "KMSInvalidStateException": 409, "DisabledException": 409} {
		if got := ModelStatus(code); got != want {
			t.Errorf("ModelStatus(%s) = %d, want %d", code, got, want)
		}
	}
}

// TestVerdict: a status of another class fails (SDKs retry 5xx, not 4xx); a
// status of the same class but another number is a finding.
func TestVerdict(t *testing.T) {
	for _, tc := range []struct {
		code             string
		got              int
		failure, finding bool
	}{
		{"NotFoundException", 400, false, false},
		{"NotFoundException", 404, false, true},
		{"KMSInvalidStateException", 409, false, true},
		{"DisabledException", 500, true, false},
		{"ValidationException", 400, false, false},
		{"ValidationException", 503, true, false},
		{"KMSInternalException", 400, true, false},
		{"DependencyTimeoutException", 500, false, true},
		{"AlreadyExistsException", 200, true, false},
	} {
		failure, finding := Verdict(tc.code, tc.got)
		if (failure != "") != tc.failure || (finding != "") != tc.finding {
			t.Errorf("Verdict(%s, %d) = failure %q, finding %q; want failure %v, finding %v",
				tc.code, tc.got, failure, finding, tc.failure, tc.finding)
		}
	}
}
