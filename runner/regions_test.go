package runner

import "testing"

func TestRegionalEndpoint(t *testing.T) {
	for _, tc := range []struct{ endpoint, want string }{
		{"https://kms.eu-west-1.amazonaws.com", "https://kms.us-west-2.amazonaws.com"},
		{"https://kms-fips.eu-west-1.amazonaws.com:443/", "https://kms-fips.us-west-2.amazonaws.com:443/"},
		{"http://127.0.0.1:4566", "http://127.0.0.1:4566"},
		{"https://eu-west-1x.example.com", "https://eu-west-1x.example.com"},
	} {
		if got := regionalEndpoint(tc.endpoint, "eu-west-1", "us-west-2"); got != tc.want {
			t.Errorf("regionalEndpoint(%s) = %s, want %s", tc.endpoint, got, tc.want)
		}
	}
}
