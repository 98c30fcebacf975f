package referencetest

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/kmsconform/kmsconform/proxy"
	"github.com/kmsconform/kmsconform/proxy/faults"
	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/proxy/rules"
	"github.com/kmsconform/kmsconform/reference"
)

type noBackoff struct{}

func (noBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

// TestLostResponseThroughMITMAgainstReference: an unchanged SDK client that
// believes it talks to real KMS reaches the reference through the proxy's
// MITM; a lost response on CreateKey makes the SDK retry a non-idempotent
// call, and the reference ends up with two keys.
func TestLostResponseThroughMITMAgainstReference(t *testing.T) {
	svc, err := reference.New(reference.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref := httptest.NewServer(svc)
	defer ref.Close()
	refURL, _ := url.Parse(ref.URL)

	set, err := rules.NewSet(rules.Rule{ID: "lose-first-create", Operation: "CreateKey", Attempt: 1,
		Faults: []faults.Spec{{Kind: faults.KindLost}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := proxy.New(proxy.Config{
		Routes: map[string]*url.URL{"kms.us-east-1.amazonaws.com": refURL}, RoutesOnly: true, Rules: set,
	})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p)
	defer front.Close()
	defer p.Close()
	frontURL, _ := url.Parse(front.URL)

	tr := &http.Transport{Proxy: http.ProxyURL(frontURL), TLSClientConfig: &tls.Config{RootCAs: p.CA().Pool()}}
	defer tr.CloseIdleConnections()
	client := kms.New(kms.Options{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIAKMSCONFORMTEST01", "any-secret", ""),
		HTTPClient:  &http.Client{Transport: tr},
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 3
			o.Backoff = noBackoff{}
		}),
	})
	ctx := context.Background()
	created, err := client.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatalf("CreateKey should succeed on retry: %v", err)
	}
	keys, err := client.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys.Keys) != 2 {
		t.Errorf("reference holds %d keys, want 2 (the lost CreateKey took effect, then the retry)", len(keys.Keys))
	}

	secret := []byte("reference plaintext that must stay out of the journal")
	enc, err := client.Encrypt(ctx, &kms.EncryptInput{KeyId: created.KeyMetadata.KeyId, Plaintext: secret})
	if err != nil {
		t.Fatal(err)
	}
	dec, err := client.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	if err != nil || string(dec.Plaintext) != string(secret) {
		t.Fatalf("Decrypt = %q, %v", dec.Plaintext, err)
	}

	entries := p.Journal().Entries()
	creates := p.Journal().Filter(func(e journal.Entry) bool { return e.Operation == "CreateKey" })
	if len(creates) != 2 || creates[0].Outcome != "reset" || !creates[0].Forwarded || creates[1].Status != 200 {
		t.Errorf("CreateKey entries = %+v", creates)
	}
	text, _ := json.Marshal(entries)
	if strings.Contains(string(text), base64.StdEncoding.EncodeToString(secret)) {
		t.Error("journal holds the plaintext")
	}
}
