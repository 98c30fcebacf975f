package keystores

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
)

// thenNoStoreCreated lists every key store of the account that sent the
// request, page by page, and looks for the requested name: an error from a
// lookup by name could be anything (throttling, a refused parameter), but a
// complete list that lacks the name shows the store does not exist.
func (w *creator) thenNoStoreCreated(ctx context.Context) error {
	in, err := w.needAttempt()
	if err != nil {
		return err
	}
	name := aws.ToString(in.CustomKeyStoreName)
	entries, err := w.allStores(ctx, w.creating.attemptBy)
	if err != nil {
		return fmt.Errorf("listing the key stores to show none is named %s: %w", name, err)
	}
	for _, e := range entries {
		if aws.ToString(e.CustomKeyStoreName) == name {
			id := aws.ToString(e.CustomKeyStoreId)
			if err := w.adoptStore(id, name); err != nil {
				return err
			}
			return fmt.Errorf("%s answered %s, yet key store %s named %s exists", w.Last.Op, scenario.DescribeAnswer(w.Last), id, name)
		}
	}
	return nil
}

// adoptStore makes the cleanup remove a store the request under test created
// although its answer said otherwise. The store carries a name this run made
// up for that request, so it is the run's own: the ownership guard lets its
// removal through.
func (w *creator) adoptStore(id, name string) error {
	if w.creating.created != nil && w.creating.created.ID == id {
		return nil // tracked already
	}
	w.Env.Owned.Add(id)
	c := w.creating.attemptBy
	if c != w.Client {
		w.Cleanup = append(w.Cleanup, func(ctx context.Context) error { return w.deleteOthersStore(ctx, c, id) })
		return nil
	}
	s, err := w.Stores.Track(w.creating.attemptKind, id, name)
	w.creating.created = s
	return err
}

// allStores lists every key store c's account has, following the markers
// to the last page.
func (w *creator) allStores(ctx context.Context, c *kms.Client) ([]types.CustomKeyStoresListEntry, error) {
	var entries []types.CustomKeyStoresListEntry
	seen := map[string]bool{}
	var marker *string
	for range maxListPages {
		out, o := scenario.Do(ctx, w.Scenario, "DescribeCustomKeyStores", func(ctx context.Context) (*kms.DescribeCustomKeyStoresOutput, error) {
			return c.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{Marker: marker})
		})
		if o.Err != nil {
			return nil, o.Failure()
		}
		entries = append(entries, out.CustomKeyStores...)
		next := aws.ToString(out.NextMarker)
		switch {
		case !out.Truncated:
			return entries, nil
		case next == "" || seen[next]:
			return nil, fmt.Errorf("DescribeCustomKeyStores says page %d is truncated but gives no new NextMarker", len(seen)+1)
		}
		seen[next] = true
		marker = aws.String(next)
	}
	return nil, fmt.Errorf("DescribeCustomKeyStores did not end its list after %d pages", maxListPages)
}

// createdEntry returns how DescribeCustomKeyStores lists the new store, with
// the raw answer for the checks that no secret is shown.
func (w *creator) createdEntry(ctx context.Context) (*types.CustomKeyStoresListEntry, []byte, error) {
	s, err := w.needCreated()
	if err != nil {
		return nil, nil, err
	}
	out, o := scenario.Do(ctx, w.Scenario, "DescribeCustomKeyStores", func(ctx context.Context) (*kms.DescribeCustomKeyStoresOutput, error) {
		return w.Client.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(s.ID)})
	})
	if o.Err != nil {
		return nil, nil, fmt.Errorf("describing the new key store: %w", o.Failure())
	}
	for i := range out.CustomKeyStores {
		if aws.ToString(out.CustomKeyStores[i].CustomKeyStoreId) == s.ID {
			return &out.CustomKeyStores[i], o.Body, nil
		}
	}
	return nil, nil, fmt.Errorf("DescribeCustomKeyStores does not list the new key store %s", s.ID)
}

func (w *creator) thenCreatedAsAsked(ctx context.Context) error {
	e, _, err := w.createdEntry(ctx)
	if err != nil {
		return err
	}
	in := w.creating.attempt
	var problems []string
	differs := func(member, got, want string) {
		if got != want {
			problems = append(problems, fmt.Sprintf("%s is %q, want %q", member, got, want))
		}
	}
	differs("CustomKeyStoreName", aws.ToString(e.CustomKeyStoreName), aws.ToString(in.CustomKeyStoreName))
	differs("ConnectionState", string(e.ConnectionState), string(types.ConnectionStateTypeDisconnected))
	if w.creating.created.Kind == scenario.KindCloudHSM {
		differs("CustomKeyStoreType", string(e.CustomKeyStoreType), string(types.CustomKeyStoreTypeAwsCloudhsm))
		differs("CloudHsmClusterId", aws.ToString(e.CloudHsmClusterId), aws.ToString(in.CloudHsmClusterId))
		if !samePEM(aws.ToString(e.TrustAnchorCertificate), aws.ToString(in.TrustAnchorCertificate)) {
			problems = append(problems, "TrustAnchorCertificate is not the certificate given")
		}
	} else {
		differs("CustomKeyStoreType", string(e.CustomKeyStoreType), string(types.CustomKeyStoreTypeExternalKeyStore))
		problems = append(problems, scenario.XksShownAsAsked(e.XksProxyConfiguration, in)...)
	}
	if len(problems) > 0 {
		return fmt.Errorf("DescribeCustomKeyStores shows the new key store wrongly: %s", redactSecrets(strings.Join(problems, "; "), in))
	}
	return nil
}

// redactSecrets blanks out the request's secrets wherever an endpoint may
// have echoed them into text that goes into a report.
func redactSecrets(text string, in *kms.CreateCustomKeyStoreInput) string {
	secrets := []string{aws.ToString(in.KeyStorePassword)}
	if c := in.XksProxyAuthenticationCredential; c != nil {
		secrets = append(secrets, aws.ToString(c.AccessKeyId), aws.ToString(c.RawSecretAccessKey))
	}
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, "[secret]")
		}
	}
	return text
}

// samePEM compares two PEM texts, ignoring line breaks and other spacing.
func samePEM(a, b string) bool {
	return strings.Join(strings.Fields(a), "") == strings.Join(strings.Fields(b), "")
}

func (w *creator) thenCreatedType(ctx context.Context, want string) error {
	e, _, err := w.createdEntry(ctx)
	if err != nil {
		return err
	}
	if string(e.CustomKeyStoreType) != want {
		return fmt.Errorf("the new key store's CustomKeyStoreType is %q, want %s", e.CustomKeyStoreType, want)
	}
	return nil
}

// thenSecretHidden checks the raw answer, so that no member the SDK does not
// know can carry the secret either. The secret itself never goes into the error.
func (w *creator) thenSecretHidden(ctx context.Context) error {
	_, raw, err := w.createdEntry(ctx)
	if err != nil {
		return err
	}
	in := w.creating.attempt
	secret, what := aws.ToString(in.KeyStorePassword), "the kmsuser password"
	if c := in.XksProxyAuthenticationCredential; c != nil {
		secret, what = aws.ToString(c.RawSecretAccessKey), "the proxy's secret access key"
	}
	if secret == "" {
		return fmt.Errorf("the request under test carried no secret to look for")
	}
	if strings.Contains(string(raw), secret) {
		return fmt.Errorf("DescribeCustomKeyStores shows %s of key store %s", what, w.creating.created.ID)
	}
	return nil
}

func (w *creator) thenVPCOwnerIsCaller(ctx context.Context) error {
	if w.Account == nil {
		return fmt.Errorf("the scenario needs an account of its own, whose ID it knows")
	}
	e, _, err := w.createdEntry(ctx)
	if err != nil {
		return err
	}
	if e.XksProxyConfiguration == nil {
		return fmt.Errorf("DescribeCustomKeyStores shows no XksProxyConfiguration for the new key store")
	}
	if got := aws.ToString(e.XksProxyConfiguration.VpcEndpointServiceOwner); got != w.Account.ID {
		return fmt.Errorf("XksProxyConfiguration.VpcEndpointServiceOwner is %q, want the caller's account %s", got, w.Account.ID)
	}
	return nil
}

// thenCreatedFailsToConnect connects the new store and waits for the
// connection to settle: it must end in FAILED with the given code.
func (w *creator) thenCreatedFailsToConnect(ctx context.Context, code string) error {
	s, err := w.needCreated()
	if err != nil {
		return err
	}
	if err := w.Stores.Connect(ctx, s); err != nil {
		return err
	}
	deadline := time.Now().Add(w.Env.Timeouts.Connect)
	for {
		e, err := w.DescribeStore(ctx, s.ID)
		if err != nil {
			return err
		}
		switch e.ConnectionState {
		case types.ConnectionStateTypeFailed:
			if e.ConnectionErrorCode != types.ConnectionErrorCodeType(code) {
				return fmt.Errorf("key store %s failed to connect with ConnectionErrorCode %q, want %s", s.ID, e.ConnectionErrorCode, code)
			}
			return nil
		case types.ConnectionStateTypeConnected:
			return fmt.Errorf("key store %s connected, want FAILED with %s", s.ID, code)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("key store %s is still %s after %v, want FAILED with %s", s.ID, e.ConnectionState, w.Env.Timeouts.Connect, code)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for key store %s to fail to connect: %w", s.ID, ctx.Err())
		case <-time.After(w.Env.Timeouts.Poll):
		}
	}
}

func (w *creator) thenNameStillTaken(ctx context.Context) error {
	in, err := w.needAttempt()
	if err != nil {
		return err
	}
	s, e, err := w.Stores.DescribeScenarioStore(ctx)
	if err != nil {
		return err
	}
	if got, want := aws.ToString(e.CustomKeyStoreName), aws.ToString(in.CustomKeyStoreName); got != want {
		return fmt.Errorf("key store %s is now named %q, want %q", s.ID, got, want)
	}
	return w.thenOnlyStoreNamed(ctx, s.ID, aws.ToString(in.CustomKeyStoreName))
}

// thenOnlyStoreNamed checks that looking the name up finds store id alone.
func (w *creator) thenOnlyStoreNamed(ctx context.Context, id, name string) error {
	out, o := scenario.Do(ctx, w.Scenario, "DescribeCustomKeyStores", func(ctx context.Context) (*kms.DescribeCustomKeyStoresOutput, error) {
		return w.Client.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreName: aws.String(name)})
	})
	if o.Err != nil {
		return fmt.Errorf("looking the name up: %w", o.Failure())
	}
	if len(out.CustomKeyStores) != 1 || aws.ToString(out.CustomKeyStores[0].CustomKeyStoreId) != id {
		var ids []string
		for _, e := range out.CustomKeyStores {
			ids = append(ids, aws.ToString(e.CustomKeyStoreId))
		}
		return fmt.Errorf("the name %s belongs to key stores %v, want only %s", name, ids, id)
	}
	return nil
}

func (w *creator) thenStoreTypeUnchanged(ctx context.Context, want string) error {
	s, e, err := w.Stores.DescribeScenarioStore(ctx)
	if err != nil {
		return err
	}
	if string(e.CustomKeyStoreType) != want {
		return fmt.Errorf("key store %s is now of type %q, want %s", s.ID, e.CustomKeyStoreType, want)
	}
	if want == string(types.CustomKeyStoreTypeAwsCloudhsm) && e.XksProxyConfiguration != nil {
		return fmt.Errorf("CloudHSM key store %s now shows an XksProxyConfiguration", s.ID)
	}
	if want == string(types.CustomKeyStoreTypeExternalKeyStore) && aws.ToString(e.CloudHsmClusterId) != "" {
		return fmt.Errorf("external key store %s now shows CloudHsmClusterId %s", s.ID, aws.ToString(e.CloudHsmClusterId))
	}
	return nil
}

// otherURIPath is a valid proxy path that differs from path.
func otherURIPath(path string) string {
	return "/kmsconform" + strings.TrimSuffix(path, "/")
}

// otherPassword is a valid kmsuser password (7 to 32 characters) that is not current.
func otherPassword(current string) string {
	p := "kmsconform-" + strings.ToLower(randomAccessKeyChars(12))
	if p == current {
		return p + "x"
	}
	return p
}

// selfSignedCA is a real CA certificate, in PEM, that is no cluster's trust anchor.
func selfSignedCA() (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", fmt.Errorf("making a trust anchor key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return "", fmt.Errorf("making a trust anchor serial number: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "kmsconform unrelated CA", Organization: []string{"kmsconform"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", fmt.Errorf("signing a trust anchor certificate: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
}
