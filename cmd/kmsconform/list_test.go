package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// run --list prints the scenarios a tag expression selects, with their tags
// and what they create, and sends nothing: not to a loopback endpoint, and not
// to one that may be a real account (which a run would refuse without
// --allow-real-account).
func TestRunListSendsNothing(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { requests.Add(1) }))
	defer srv.Close()
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"a loopback endpoint", []string{"--list", "--endpoint", srv.URL, "--tags", "@op:DeleteImportedKeyMaterial and @cross-account"}, []string{
			"imported-key-material/delete_imported_key_material.feature: Another account cannot delete a key's imported material\n" +
				"    @op:DeleteImportedKeyMaterial @import @cross-account @cond:DeleteImportedKeyMaterial.03\n" +
				"    creates 1 KMS key, calls as the second account\n",
			"1 scenario (0 client retry scenarios), creating at most 1 KMS key, calls as the second account.",
			"Nothing was sent",
		}},
		{"an endpoint that may be a real account", []string{"--list", "--endpoint", "https://kms.eu-west-1.amazonaws.com",
			"--tags", "@op:DeleteCustomKeyStore and @cloudhsm and not @retries"}, []string{"CloudHSM key store", "Nothing was sent"}},
		{"stores of both kinds", []string{"--list", "--tags", "@op:CreateCustomKeyStore and not @retries"},
			[]string{"external key stores", "CloudHSM key stores"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := runRun(context.Background(), tc.args, &stdout, &stderr); code != exitOK {
				t.Fatalf("exit %d (stderr: %s)", code, stderr.String())
			}
			for _, want := range tc.want {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("the plan lacks %q:\n%s", want, stdout.String())
				}
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("--list sent %d requests", n)
	}
	var stdout, stderr bytes.Buffer
	if code := runRun(context.Background(), []string{"--list", "--tags", "@op:DescribeKey and"}, &stdout, &stderr); code != exitUsage ||
		!strings.Contains(stderr.String(), `position 17: "and" has no operand after it`) {
		t.Errorf("a bad expression: exit %d, stderr %q", code, stderr.String())
	}
}
