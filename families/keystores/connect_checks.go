package keystores

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
)

// thenStillConnecting checks that the connection had not finished when the
// call answered. A store that is already CONNECTED, on a target that could
// not hold the connection, proves nothing either way: the scenario is skipped.
func (w *connector) thenStillConnecting(ctx context.Context) error {
	s, e, err := w.Stores.DescribeScenarioStore(ctx)
	if err != nil {
		return err
	}
	switch {
	case e.ConnectionState == types.ConnectionStateTypeConnecting:
		return nil
	case !s.Held && e.ConnectionState == types.ConnectionStateTypeConnected:
		return w.Skip("key store %s connected before CONNECTING could be observed, and this target has no control API to hold it there", s.ID)
	}
	return fmt.Errorf("key store %s is %s right after ConnectCustomKeyStore answered, want CONNECTING", s.ID, e.ConnectionState)
}

func (w *connector) thenEndsFailed(ctx context.Context, code string) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	if err := w.Stores.ReleaseHolds(ctx); err != nil {
		return err
	}
	e, err := w.awaitConnectSettled(ctx, s)
	if err != nil {
		return err
	}
	if e.ConnectionState != types.ConnectionStateTypeFailed || string(e.ConnectionErrorCode) != code {
		return fmt.Errorf("key store %s is %s with ConnectionErrorCode %q, want FAILED with %s", s.ID, e.ConnectionState, e.ConnectionErrorCode, code)
	}
	return nil
}

// storesOutput is the successful DescribeCustomKeyStores response under test.
func (w *connector) storesOutput() (*kms.DescribeCustomKeyStoresOutput, error) {
	return scenario.OutputUnderTest[*kms.DescribeCustomKeyStoresOutput](w.Scenario, "DescribeCustomKeyStores")
}

// describedEntry finds the scenario's store in the response under test.
func (w *connector) describedEntry() (*scenario.Store, *types.CustomKeyStoresListEntry, error) {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return nil, nil, err
	}
	out, err := w.storesOutput()
	if err != nil {
		return nil, nil, err
	}
	for i := range out.CustomKeyStores {
		if aws.ToString(out.CustomKeyStores[i].CustomKeyStoreId) == s.ID {
			return s, &out.CustomKeyStores[i], nil
		}
	}
	return nil, nil, fmt.Errorf("the response does not list key store %s (%d entries)", s.ID, len(out.CustomKeyStores))
}

// listedStoreIDs counts how often each store ID appears across the listed pages.
func (w *connector) listedStoreIDs() (map[string]int, error) {
	if err := w.ThenSucceeds(); err != nil {
		return nil, err
	}
	if len(w.connecting.pages) == 0 {
		return nil, fmt.Errorf("the listing returned no page")
	}
	n := map[string]int{}
	for _, p := range w.connecting.pages {
		for _, e := range p.CustomKeyStores {
			n[aws.ToString(e.CustomKeyStoreId)]++
		}
	}
	return n, nil
}

func (w *connector) thenListIncludesStore() error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	n, err := w.listedStoreIDs()
	if err != nil {
		return err
	}
	if n[s.ID] == 0 {
		return fmt.Errorf("the %d page(s) of DescribeCustomKeyStores do not list key store %s", len(w.connecting.pages), s.ID)
	}
	return nil
}

// thenEntryShowsConfiguration compares the entry with what the store was
// created with. The XKS access key ID is compared but never printed.
func (w *connector) thenEntryShowsConfiguration() error {
	s, e, err := w.describedEntry()
	if err != nil {
		return err
	}
	var problems []string
	if name := aws.ToString(e.CustomKeyStoreName); name != s.Name {
		problems = append(problems, fmt.Sprintf("CustomKeyStoreName is %q, want %q, the name the key store was created with", name, s.Name))
	}
	if !w.storeCreatedRecently(e.CreationDate) {
		problems = append(problems, fmt.Sprintf("CreationDate %v is not the time the key store was created", e.CreationDate))
	}
	if s.Kind == scenario.KindCloudHSM {
		problems = append(problems, w.cloudHSMEntryProblems(e)...)
	} else {
		problems = append(problems, w.xksEntryProblems(e)...)
	}
	return scenario.ProblemsError(problems, "the entry of key store "+s.ID+" is wrong")
}

// storeCreatedRecently accepts a creation date within the scenario, give or take
// clock skew between the runner and the endpoint.
func (w *connector) storeCreatedRecently(t *time.Time) bool {
	const skew = 5 * time.Minute
	return t != nil && !t.Before(w.Started.Add(-skew)) && !t.After(time.Now().Add(skew))
}

func (w *connector) cloudHSMEntryProblems(e *types.CustomKeyStoresListEntry) []string {
	f := w.HSM.Fixture
	var problems []string
	if e.CustomKeyStoreType != types.CustomKeyStoreTypeAwsCloudhsm {
		problems = append(problems, fmt.Sprintf("CustomKeyStoreType is %q, want AWS_CLOUDHSM", e.CustomKeyStoreType))
	}
	if got := aws.ToString(e.CloudHsmClusterId); got != f.ClusterID {
		problems = append(problems, fmt.Sprintf("CloudHsmClusterId is %q, want %q", got, f.ClusterID))
	}
	if strings.TrimSpace(aws.ToString(e.TrustAnchorCertificate)) != strings.TrimSpace(f.TrustAnchorPEM) {
		problems = append(problems, "TrustAnchorCertificate is not the certificate the key store was created with")
	}
	if e.XksProxyConfiguration != nil {
		problems = append(problems, "a CloudHSM key store shows an XksProxyConfiguration")
	}
	return problems
}

func (w *connector) xksEntryProblems(e *types.CustomKeyStoresListEntry) []string {
	var problems []string
	if e.CustomKeyStoreType != types.CustomKeyStoreTypeExternalKeyStore {
		problems = append(problems, fmt.Sprintf("CustomKeyStoreType is %q, want EXTERNAL_KEY_STORE", e.CustomKeyStoreType))
	}
	if e.CloudHsmClusterId != nil {
		problems = append(problems, "an external key store shows a CloudHsmClusterId")
	}
	// The store was created from the leased proxy, so the entry must show
	// what that request gave.
	return append(problems, scenario.XksShownAsAsked(e.XksProxyConfiguration, scenario.XksStoreInput("", w.XKS.Fixture))...)
}

// thenNoSecret checks the raw response for the store's secret and for any
// member that would carry one. The secret itself never appears in an error.
func (w *connector) thenNoSecret() error {
	s, _, err := w.describedEntry()
	if err != nil {
		return err
	}
	var secret, what string
	if s.Kind == scenario.KindCloudHSM {
		secret, what = w.HSM.Fixture.Password, "its kmsuser password"
	} else {
		secret, what = w.XKS.Fixture.SecretAccessKey, "its XKS proxy secret access key"
	}
	body := w.Last.Body
	if secret != "" && bytes.Contains(body, []byte(secret)) {
		return fmt.Errorf("the response for key store %s reveals %s", s.ID, what)
	}
	for _, member := range []string{"KeyStorePassword", "RawSecretAccessKey", "SecretAccessKey"} {
		if bytes.Contains(body, []byte(`"`+member+`"`)) {
			return fmt.Errorf("the response for key store %s has a %s member", s.ID, member)
		}
	}
	return nil
}

func (w *connector) thenOnlyTheStore() error {
	s, _, err := w.describedEntry()
	if err != nil {
		return err
	}
	out, _ := w.Output.(*kms.DescribeCustomKeyStoresOutput)
	if n := len(out.CustomKeyStores); n != 1 {
		return fmt.Errorf("the response lists %d key stores, want key store %s alone", n, s.ID)
	}
	return nil
}

func (w *connector) thenEntryState(state, withCode string) error {
	s, e, err := w.describedEntry()
	if err != nil {
		return err
	}
	return entryStateProblem(s, e, types.ConnectionStateType(state), withCode == "with")
}

// entryStateProblem checks an entry's ConnectionState, and that it shows a
// documented ConnectionErrorCode exactly when wantCode says.
func entryStateProblem(s *scenario.Store, e *types.CustomKeyStoresListEntry, want types.ConnectionStateType, wantCode bool) error {
	if e.ConnectionState != want {
		return fmt.Errorf("key store %s is %s, want %s", s.ID, e.ConnectionState, want)
	}
	code := e.ConnectionErrorCode
	switch {
	case wantCode && code == "":
		return fmt.Errorf("key store %s is %s without a ConnectionErrorCode", s.ID, want)
	case wantCode && !slices.Contains(code.Values(), code):
		return fmt.Errorf("key store %s shows ConnectionErrorCode %q, which is not a documented code", s.ID, code)
	case !wantCode && code != "":
		return fmt.Errorf("key store %s is %s yet shows ConnectionErrorCode %s", s.ID, want, code)
	}
	return nil
}

func (w *connector) thenPagesWithinLimit(limit int) error {
	if _, err := w.listedStoreIDs(); err != nil {
		return err
	}
	for i, p := range w.connecting.pages {
		if n := len(p.CustomKeyStores); n > limit {
			return fmt.Errorf("page %d lists %d key stores, more than the limit of %d", i+1, n, limit)
		}
	}
	return nil
}

func (w *connector) thenPagesChained() error {
	if _, err := w.listedStoreIDs(); err != nil {
		return err
	}
	pages := w.connecting.pages
	for i, p := range pages[:len(pages)-1] {
		if !p.Truncated || aws.ToString(p.NextMarker) == "" {
			return fmt.Errorf("page %d is followed by another but is not marked truncated with a NextMarker", i+1)
		}
	}
	last := pages[len(pages)-1]
	switch {
	case len(pages) == maxListPages:
		return fmt.Errorf("the listing did not end after %d pages", maxListPages)
	case last.Truncated && aws.ToString(last.NextMarker) == "":
		return fmt.Errorf("page %d is marked truncated but gives no NextMarker", len(pages))
	case last.Truncated:
		return fmt.Errorf("page %d gives a NextMarker an earlier page gave already", len(pages))
	}
	return nil
}

func (w *connector) thenPagesListEachStoreOnce() error {
	n, err := w.listedStoreIDs()
	if err != nil {
		return err
	}
	if len(w.CreatedStores) != 2 {
		return fmt.Errorf("the scenario has %d key stores, want two", len(w.CreatedStores))
	}
	for _, s := range w.CreatedStores {
		if n[s.ID] != 1 {
			return fmt.Errorf("the %d page(s) list key store %s %d times, want once", len(w.connecting.pages), s.ID, n[s.ID])
		}
	}
	return nil
}

func (w *connector) thenCiphertextNamesKey() error {
	out, err := scenario.OutputUnderTest[*kms.EncryptOutput](w.Scenario, "Encrypt")
	if err != nil {
		return err
	}
	k, err := w.Keys.NeedKey()
	if err != nil {
		return err
	}
	if len(out.CiphertextBlob) == 0 {
		return fmt.Errorf("Encrypt returned no CiphertextBlob")
	}
	if got := aws.ToString(out.KeyId); got != k.ARN {
		return fmt.Errorf("Encrypt names the key %q, want its ARN %q", got, k.ARN)
	}
	return nil
}

// thenMatrixEffect checks, through the public API, that the matrix's
// accepted call did what it is documented to do.
func (w *connector) thenMatrixEffect(ctx context.Context, op, state string) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	switch op {
	case opConnect:
		return w.Stores.SettleInto(ctx, s, types.ConnectionStateTypeConnected)
	case opDisconnect:
		return w.Stores.SettleInto(ctx, s, types.ConnectionStateTypeDisconnected)
	case opDelete:
		return w.matrixExpectGone(ctx, s)
	case opRename:
		return w.matrixExpectNamed(ctx, s, w.connecting.newName)
	case opUpdateOther:
		return w.matrixExpectOtherProperty(ctx, s)
	case opCreateKey:
		return w.matrixExpectKeyIn(s)
	case opRandom:
		_, err := w.Keys.RandomOutput(randomByteCount)
		return err
	case opDescribe:
		_, e, err := w.describedEntry()
		if err != nil {
			return err
		}
		st := types.ConnectionStateType(state)
		return entryStateProblem(s, e, st, st == types.ConnectionStateTypeFailed)
	}
	return fmt.Errorf("the ConnectionState matrix has no operation %q", op)
}

func (w *connector) matrixExpectGone(ctx context.Context, s *scenario.Store) error {
	_, o := scenario.Do(ctx, w.Scenario, "DescribeCustomKeyStores", func(ctx context.Context) (*kms.DescribeCustomKeyStoresOutput, error) {
		return w.Client.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(s.ID)})
	})
	if o.Code != "CustomKeyStoreNotFoundException" {
		return fmt.Errorf("after DeleteCustomKeyStore, looking up key store %s: %w, want CustomKeyStoreNotFoundException", s.ID, o.Failure())
	}
	return nil
}

func (w *connector) matrixExpectNamed(ctx context.Context, s *scenario.Store, name string) error {
	e, err := w.DescribeStore(ctx, s.ID)
	if err != nil {
		return err
	}
	if got := aws.ToString(e.CustomKeyStoreName); got != name {
		return fmt.Errorf("key store %s is named %q, want its new name %q", s.ID, got, name)
	}
	return nil
}

// matrixExpectOtherProperty checks that the matrix's update of another
// property took effect: a CloudHSM store now tries kmsuser's password it was
// given, and fails to connect with INVALID_CREDENTIALS; an external store
// shows the other proxy. Either store is still DISCONNECTED.
func (w *connector) matrixExpectOtherProperty(ctx context.Context, s *scenario.Store) error {
	in := w.connecting.update
	if in == nil {
		return fmt.Errorf("the scenario sent no update of another property")
	}
	e, err := w.DescribeStore(ctx, s.ID)
	if err != nil {
		return err
	}
	if err := entryStateProblem(s, e, types.ConnectionStateTypeDisconnected, false); err != nil {
		return err
	}
	if s.Kind == scenario.KindCloudHSM {
		return w.expectConnectFailure(ctx, s, types.ConnectionErrorCodeTypeInvalidCredentials,
			"a CloudHSM key store given a kmsuser password that is not kmsuser's")
	}
	got := proxyConfiguration(e)
	var wrong []string
	for _, c := range []struct{ what, got, want string }{
		{"UriEndpoint", aws.ToString(got.UriEndpoint), aws.ToString(in.XksProxyUriEndpoint)},
		{"UriPath", aws.ToString(got.UriPath), aws.ToString(in.XksProxyUriPath)},
		{"AccessKeyId", aws.ToString(got.AccessKeyId), aws.ToString(in.XksProxyAuthenticationCredential.AccessKeyId)},
	} {
		if c.got != c.want {
			wrong = append(wrong, fmt.Sprintf("%s is %q, want %q", c.what, c.got, c.want))
		}
	}
	return scenario.ProblemsError(wrong, "key store "+s.ID+" does not show the XKS proxy it was given")
}

// expectConnectFailure connects s and waits for the attempt to settle: it
// must end in FAILED with code, as what would make it fail (why) says.
func (w *connector) expectConnectFailure(ctx context.Context, s *scenario.Store, code types.ConnectionErrorCodeType, why string) error {
	if err := w.Stores.Connect(ctx, s); err != nil {
		return err
	}
	e, err := w.awaitConnectSettled(ctx, s)
	if err != nil {
		return err
	}
	if e.ConnectionState != types.ConnectionStateTypeFailed || e.ConnectionErrorCode != code {
		return fmt.Errorf("key store %s is %s with ConnectionErrorCode %q after a connect, want FAILED with %s: %s fails to connect",
			s.ID, e.ConnectionState, e.ConnectionErrorCode, code, why)
	}
	return nil
}

func (w *connector) matrixExpectKeyIn(s *scenario.Store) error {
	out, ok := w.Output.(*kms.CreateKeyOutput)
	if !ok || out.KeyMetadata == nil {
		return fmt.Errorf("the call under test was %s and returned no KeyMetadata", w.Last.Op)
	}
	md := out.KeyMetadata
	want := types.OriginTypeExternalKeyStore
	if s.Kind == scenario.KindCloudHSM {
		want = types.OriginTypeAwsCloudhsm
	}
	if got := aws.ToString(md.CustomKeyStoreId); got != s.ID || md.Origin != want {
		return fmt.Errorf("the new key is in key store %q with origin %s, want key store %s with origin %s", got, md.Origin, s.ID, want)
	}
	return nil
}
