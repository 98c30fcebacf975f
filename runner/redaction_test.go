package runner_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/runner"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.b.Bytes()...)
}

// A run whose requests carry known secrets — a key store password, XKS
// proxy credentials, a plaintext, the caller's secret key and session token —
// writes none of them, plain or base64, to any output file, its progress,
// its summary, or the reference's log; nor any secret the endpoint answered:
// the data keys and private keys it generated, the plaintexts it decrypted;
// nor the messages the run signed, verified and MACed.
func TestOutputsCarryNoSecrets(t *testing.T) {
	t.Parallel()
	secrets := map[string]string{
		"key store password":    "Pw-canary-5b1e0c",
		"XKS access key ID":     "XKSCANARYACCESSKEYQQQQ",
		"XKS secret":            "XksSecretCanary8f1d2a7c9e4b6d3f0a5cAbCdEfGhIjKlMn",
		"plaintext":             "plaintext canary 3c9a71e2",
		"AWS secret access key": "aws-secret-canary-77d0e5",
		"session token":         "SessionTokenCanary-1a2b3c4d5e6f",
	}
	var logs syncBuffer
	fx := reference.DefaultFixtures()
	fx.CustomKeyStoreQuota = 1000
	svc, err := reference.New(reference.Options{Fixtures: fx, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	// The tap keeps the data keys, private keys and plaintexts the endpoint answers.
	tap := &secretTap{next: svc}
	srv := httptest.NewServer(tap)
	defer srv.Close()

	// Backings with the known secrets, listed in a config file as for real KMS.
	// A scenario whose key stays pending deletion in a store retires its
	// backing, and one that needs two waits for both: enough backings that
	// the scenarios of custom key stores never starve one another.
	const backings = 64
	ctx := context.Background()
	cc := &reference.ControlClient{BaseURL: srv.URL}
	dir := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString("timeouts: {connect: 10s, disconnect: 10s, poll: 20ms}\ncloudhsm:\n")
	for i := range backings {
		c, err := cc.CreateCluster(ctx, reference.ClusterPatch{KmsuserPassword: aws.String(secrets["key store password"])})
		if err != nil {
			t.Fatal(err)
		}
		pem := fmt.Sprintf("anchor%d.pem", i)
		if err := os.WriteFile(filepath.Join(dir, pem), []byte(c.TrustAnchorCertificate), 0o600); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&cfg, "  - {clusterId: %s, trustAnchor: %s, kmsuserPassword: %q}\n", c.ID, pem, secrets["key store password"])
	}
	cfg.WriteString("xks:\n")
	for range backings {
		p, err := cc.CreateXksProxy(ctx, reference.XksProxyPatch{Credential: &reference.XksCredential{
			AccessKeyID: secrets["XKS access key ID"], RawSecretAccessKey: secrets["XKS secret"]}})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&cfg, "  - {uriEndpoint: %s, uriPath: %s, connectivity: %s, accessKeyId: %s, secretAccessKey: %s, externalKeyId: %s}\n",
			p.URIEndpoint, p.URIPath, p.Connectivity, secrets["XKS access key ID"], secrets["XKS secret"], p.ExternalKeys[0].ID)
	}
	path := filepath.Join(dir, "kmsconform.yaml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	out := t.TempDir()
	var progress syncBuffer
	res, err := runner.Run(ctx, runner.Options{
		Endpoint: srv.URL, Config: path, Out: out, Root: "..", Getenv: noEnv, Progress: &progress,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAKMSCONFORMTEST01", secrets["AWS secret access key"], secrets["session token"]),
		Plaintext:   []byte(secrets["plaintext"]),
		Tags:        "~@retries && ~@untestable",
	})
	if err != nil {
		t.Fatal(err)
	}
	runner.WriteSummary(&progress, res.Run, res.Warnings, out)

	// The secrets were really sent: the scenarios that need them passed.
	passed := map[string]bool{}
	for _, s := range res.Run.Scenarios {
		if s.Status == reports.StatusPassed {
			for _, tag := range s.Tags {
				passed[tag] = true
			}
		}
	}
	for _, tag := range []string{"@cloudhsm", "@xks", "@op:DeleteImportedKeyMaterial"} {
		if !passed[tag] {
			t.Errorf("no %s scenario passed, so the run may never have sent its secrets", tag)
		}
	}
	sentPlaintext := false
	outputs := map[string][]byte{"progress and summary": progress.Bytes(), "reference log": logs.Bytes()}
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		outputs[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"results.json", "report.html", "summary.md", "cucumber.json", "junit.xml"} {
		if _, ok := outputs[filepath.Join(out, name)]; !ok {
			t.Errorf("the run wrote no %s to check", name)
		}
	}
	// report.html carries its evidence compressed: check it unpacked too.
	if evidence, err := reports.EmbeddedEvidence(outputs[filepath.Join(out, "report.html")]); err != nil {
		t.Error(err)
	} else {
		outputs["report.html's embedded evidence"] = evidence
	}
	for where, b := range outputs {
		if bytes.Contains(b, []byte(`"operation":"Encrypt"`)) {
			sentPlaintext = true
		}
		for _, what := range tap.leaks(b) {
			t.Errorf("%s: contains a %s that passed the tap", where, what)
		}
		for what, secret := range secrets {
			for _, form := range []string{secret, base64.StdEncoding.EncodeToString([]byte(secret)), base64.RawStdEncoding.EncodeToString([]byte(secret))} {
				if i := bytes.Index(b, []byte(form)); i >= 0 {
					t.Errorf("%s: contains the %s: …%s…", where, what, b[max(0, i-300):min(len(b), i+100)])
				}
			}
		}
	}
	for _, what := range []string{"GenerateDataKey Plaintext", "GenerateDataKeyPair PrivateKeyPlaintext", "Decrypt Plaintext", "DeriveSharedSecret SharedSecret",
		"Sign Message", "Verify Message", "GenerateMac Message", "VerifyMac Message"} {
		if tap.count(what) == 0 {
			t.Errorf("the endpoint answered no %s: the check of answered secrets proves nothing", what)
		}
	}
	if !sentPlaintext {
		for _, s := range res.Run.Scenarios {
			if strings.Contains(s.Name, "cryptography") {
				t.Logf("%s: %s %s, %d exchanges", s.ID, s.Status, s.Reason, len(s.Exchanges))
			}
		}
		t.Error("no output mentions an Encrypt call: the plaintext check proves nothing")
	}
}
