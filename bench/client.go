package bench

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// The reference KMS's static test credentials (account 111122223333).
const (
	accessKeyID = "AKIAKMSCONFORMTEST01"
	secretKey   = "kmsconform-bench-secret"
	region      = "us-east-1"
)

// Endpoint is how a client reaches the KMS.
type Endpoint struct {
	URL     string         // the SDK's base endpoint
	Proxy   *url.URL       // forward proxy to send requests through, or nil
	RootCAs *x509.CertPool // extra roots for HTTPS (the reference's and the proxy CA's), or nil
}

// client is a real aws-sdk-go-v2 KMS client with its own keep-alive
// connection pool, retries off so that each call is exactly one request.
type client struct {
	kms       *kms.Client
	transport *http.Transport
}

// newClient builds a client able to keep conns connections alive. header,
// when set, is added to every request after signing, as the runner adds its
// scenario header.
func newClient(ep Endpoint, conns int, header http.Header) *client {
	tr := &http.Transport{
		Proxy:               http.ProxyURL(ep.Proxy),
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		// HTTP/1.1 everywhere: what a MITM proxy speaks, so direct and
		// proxied figures compare like with like.
		TLSClientConfig: &tls.Config{RootCAs: ep.RootCAs, MinVersion: tls.VersionTLS12},
	}
	var rt http.RoundTripper = tr
	if len(header) > 0 {
		rt = headerAdder{next: tr, header: header}
	}
	return &client{
		transport: tr,
		kms: kms.New(kms.Options{
			Region:           region,
			BaseEndpoint:     aws.String(ep.URL),
			Credentials:      credentials.NewStaticCredentialsProvider(accessKeyID, secretKey, ""),
			RetryMaxAttempts: 1,
			HTTPClient:       &http.Client{Transport: rt},
		}),
	}
}

func (c *client) close() { c.transport.CloseIdleConnections() }

// headerAdder adds unsigned headers to each request, after signing.
type headerAdder struct {
	next   http.RoundTripper
	header http.Header
}

func (h headerAdder) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for name, v := range h.header {
		r.Header[name] = v
	}
	return h.next.RoundTrip(r)
}

// workload is the request mix: DescribeKey and Encrypt, alternating, on one key.
type workload struct {
	keyID     string
	plaintext []byte
}

// newWorkload creates the key every request uses.
func newWorkload(ctx context.Context, c *client) (workload, error) {
	out, err := c.kms.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("kmsconform bench")})
	if err != nil {
		return workload{}, fmt.Errorf("create the benchmark key: %w", err)
	}
	return workload{keyID: aws.ToString(out.KeyMetadata.KeyId), plaintext: make([]byte, 256)}, nil
}

// call issues request number i: even numbers DescribeKey, odd numbers Encrypt.
func (w workload) call(ctx context.Context, c *client, i int) error {
	if i%2 == 0 {
		if _, err := c.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &w.keyID}); err != nil {
			return fmt.Errorf("DescribeKey: %w", err)
		}
		return nil
	}
	if _, err := c.kms.Encrypt(ctx, &kms.EncryptInput{KeyId: &w.keyID, Plaintext: w.plaintext}); err != nil {
		return fmt.Errorf("Encrypt: %w", err)
	}
	return nil
}
