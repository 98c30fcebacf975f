package runner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	messages "github.com/cucumber/messages/go/v34"

	"github.com/kmsconform/kmsconform/retries"
	"github.com/kmsconform/kmsconform/steps"
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

// The footprint sums what the steps' definitions declare they create, so a
// new step that creates something is counted once its definition says so.
func TestFootprint(t *testing.T) {
	defs := append(steps.Definitions(), retries.Definitions()...)
	given, when := messages.PickleStepType_CONTEXT, messages.PickleStepType_ACTION
	type step struct {
		kind messages.PickleStepType
		text string
	}
	pickle := func(steps ...step) *messages.Pickle {
		p := &messages.Pickle{Uri: "test.feature", Name: "test"}
		for _, s := range steps {
			p.Steps = append(p.Steps, &messages.PickleStep{Type: s.kind, Text: s.text})
		}
		return p
	}
	var f footprint
	for _, p := range []*messages.Pickle{
		pickle(step{given, "a CloudHSM key store that is CONNECTED"}, step{given, "a KMS key in the key store"}, step{when, "I delete the key store"}),
		pickle(step{given, "a KMS key whose origin is EXTERNAL_KEY_STORE"}, step{when, "I delete the key's imported key material"}),
		pickle(step{given, "a symmetric KMS key for imported key material"}, step{when, "the second account deletes the key's imported key material by its key ARN"}),
		pickle(step{given, "an external key store that is DISCONNECTED"}, step{when, "I create a new external key store on the same backing"}),
		pickle(step{given, "a KMS key with origin AWS_CLOUDHSM in state Unavailable"}, step{when, "I cancel the deletion of the key"}),
		pickle(step{given, "a CloudHSM key store and an external key store"}, step{when, "I request a new KMS key with Origin EXTERNAL"}),
		pickle(step{given, "an ECC_NIST_P256 KMS key for imported key material"}),
		pickle(step{when, "I send a CreateKey request whose Policy is empty"}),
		pickle(step{when, "I send a DescribeKey request whose KeyId is empty"}),
	} {
		if _, err := f.add(p, defs); err != nil {
			t.Fatal(err)
		}
	}
	want := footprint{scenarios: 9, keys: 7, cloudHSM: 3, external: 4, usesSecond: true}
	if f != want {
		t.Errorf("footprint = %+v, want %+v", f, want)
	}
	if _, err := f.add(pickle(step{given, "a KMS kee"}), defs); err == nil || !strings.Contains(err.Error(), "test.feature") {
		t.Errorf("an undefined step: %v, want an error naming the scenario", err)
	}
}

// With no credentials anywhere, a run against an emulator on loopback says
// how to give it some, and never asks the EC2 instance metadata service
// (an address off this machine) for any.
func TestLoopbackRunWithoutCredentialsAsksNoMetadataService(t *testing.T) {
	for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_EC2_METADATA_DISABLED", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		t.Setenv(name, "")
	}
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	metadataAsked := false
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		metadataAsked = true
		http.Error(w, "no", http.StatusNotFound)
	}))
	defer imds.Close()
	// Were the metadata client enabled, it would ask this server.
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)

	tg := &target{url: "http://127.0.0.1:4566"}
	err := tg.credentials(context.Background(), Options{})
	if err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID=test") {
		t.Fatalf("credentials() = %v, want a usage error that says how to give an emulator credentials", err)
	}
	if metadataAsked {
		t.Error("the EC2 instance metadata service was asked for credentials of a loopback run")
	}
}
