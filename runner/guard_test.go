package runner

import (
	"testing"

	messages "github.com/cucumber/messages/go/v34"
)

func TestIsLoopback(t *testing.T) {
	for endpoint, want := range map[string]bool{
		"http://127.0.0.1:4599":                    true,
		"http://127.8.9.10":                        true,
		"http://[::1]:4599":                        true,
		"http://localhost:4566":                    true,
		"https://LOCALHOST.":                       true,
		"https://kms.eu-west-1.amazonaws.com":      false,
		"http://127.0.0.1.nip.io":                  false,
		"http://localhost.example.com":             false,
		"http://dev.localhost":                     false, // DNS decides where that goes
		"http://0.0.0.0:4599":                      false,
		"http://10.0.0.5":                          false,
		"https://kms-fips.us-east-1.amazonaws.com": false,
	} {
		if got := isLoopback(endpoint); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", endpoint, got, want)
		}
	}
}

func TestFootprint(t *testing.T) {
	pickle := func(steps ...string) *messages.Pickle {
		p := &messages.Pickle{}
		for _, s := range steps {
			p.Steps = append(p.Steps, &messages.PickleStep{Text: s})
		}
		return p
	}
	var f footprint
	f.add(pickle("a CloudHSM key store that is CONNECTED", "a KMS key in the key store", "I delete the key store"))
	f.add(pickle("a KMS key whose origin is EXTERNAL_KEY_STORE", "I delete the key's imported key material"))
	f.add(pickle("a symmetric KMS key for imported key material", "the second account deletes the key's imported key material by its key ARN"))
	f.add(pickle("a external key store that is DISCONNECTED", "I create a new external key store on the same backing"))
	f.add(pickle("a KMS key with origin AWS_CLOUDHSM in state Unavailable", "I call CancelKeyDeletion on the key"))
	f.add(pickle("a CloudHSM key store and an external key store", "I request a new KMS key with Origin EXTERNAL"))
	want := footprint{scenarios: 6, keys: 5, cloudHSM: 3, external: 4, usesSecond: true}
	if f != want {
		t.Errorf("footprint = %+v, want %+v", f, want)
	}
}
