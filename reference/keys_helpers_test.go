package reference

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/kmsconform/kmsconform/kmserrors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
)

// keysEnv is a reference KMS with a client for each of the two test accounts.
type keysEnv struct {
	svc   *Service
	url   string
	kms   *kms.Client // account 111122223333
	other *kms.Client // account 444455556666
}

func newKeysEnv(t testing.TB) *keysEnv {
	t.Helper()
	svc, url := startReference(t, Options{})
	return &keysEnv{svc: svc, url: url, kms: kmsClient(t, url, testAccessKey), other: kmsClient(t, url, otherAccessKey)}
}

// wantError fails the test unless err carries code and its message contains msg.
func wantError(t testing.TB, err error, code, msg string) {
	t.Helper()
	wantCode(t, err, code)
	var apiErr smithy.APIError
	if msg == "" || !errors.As(err, &apiErr) {
		return
	}
	if !strings.Contains(apiErr.ErrorMessage(), msg) {
		t.Fatalf("%s message = %q, want it to contain %q", code, apiErr.ErrorMessage(), msg)
	}
}

func (e *keysEnv) createKey(t testing.TB, in *kms.CreateKeyInput) *types.KeyMetadata {
	t.Helper()
	if in == nil {
		in = &kms.CreateKeyInput{}
	}
	out, err := e.kms.CreateKey(testCtx(t), in)
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	return out.KeyMetadata
}

func (e *keysEnv) describe(t testing.TB, keyID string) *types.KeyMetadata {
	t.Helper()
	out, err := e.kms.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		t.Fatalf("DescribeKey %s: %v", keyID, err)
	}
	return out.KeyMetadata
}

func (e *keysEnv) state(t testing.TB, keyID string) types.KeyState {
	t.Helper()
	return e.describe(t, keyID).KeyState
}

func (e *keysEnv) wantState(t testing.TB, keyID string, want types.KeyState) {
	t.Helper()
	if got := e.state(t, keyID); got != want {
		t.Fatalf("KeyState of %s = %s, want %s", keyID, got, want)
	}
}

func (e *keysEnv) disable(t testing.TB, keyID string) {
	t.Helper()
	if _, err := e.kms.DisableKey(testCtx(t), &kms.DisableKeyInput{KeyId: aws.String(keyID)}); err != nil {
		t.Fatalf("DisableKey: %v", err)
	}
}

func (e *keysEnv) scheduleDeletion(t testing.TB, keyID string) {
	t.Helper()
	if _, err := e.kms.ScheduleKeyDeletion(testCtx(t), &kms.ScheduleKeyDeletionInput{KeyId: aws.String(keyID), PendingWindowInDays: aws.Int32(7)}); err != nil {
		t.Fatalf("ScheduleKeyDeletion: %v", err)
	}
}

// keyKind names a key setup a state table can start from.
type keyKind string

const (
	kindEnabled                 keyKind = "Enabled"
	kindDisabled                keyKind = "Disabled"
	kindPendingDeletion         keyKind = "PendingDeletion"
	kindPendingImport           keyKind = "PendingImport"
	kindUnavailable             keyKind = "Unavailable"
	kindUnavailableDisabled     keyKind = "Unavailable(Disabled)"
	kindExternalEnabled         keyKind = "EXTERNAL Enabled"
	kindExternalDisabled        keyKind = "EXTERNAL Disabled"
	kindExternalPendingDeletion keyKind = "EXTERNAL PendingDeletion"
)

// makeKey creates a key of kind and returns its metadata as created.
func (e *keysEnv) makeKey(t testing.TB, kind keyKind) *types.KeyMetadata {
	t.Helper()
	switch kind {
	case kindEnabled:
		return e.createKey(t, nil)
	case kindDisabled:
		m := e.createKey(t, nil)
		e.disable(t, *m.KeyId)
		return m
	case kindPendingDeletion:
		m := e.createKey(t, nil)
		e.scheduleDeletion(t, *m.KeyId)
		return m
	case kindPendingImport:
		return e.createKey(t, &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
	case kindUnavailable, kindUnavailableDisabled:
		m := e.createKey(t, nil)
		if kind == kindUnavailableDisabled {
			e.disable(t, *m.KeyId)
		}
		e.moveToDisconnectedStore(t, *m.KeyId)
		return m
	case kindExternalEnabled, kindExternalDisabled, kindExternalPendingDeletion:
		m := e.createKey(t, &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
		e.importMaterial(t, *m.KeyId, randomBytes(32))
		switch kind {
		case kindExternalDisabled:
			e.disable(t, *m.KeyId)
		case kindExternalPendingDeletion:
			e.scheduleDeletion(t, *m.KeyId)
		}
		return m
	}
	t.Fatalf("unknown key kind %q", kind)
	return nil
}

// moveToDisconnectedStore places an existing key in a DISCONNECTED CloudHSM
// key store of the test account, as if it had been created there, so that it
// is Unavailable. Creating real stores is the key-store operations' business
// and tested with them; here only the key state matters.
func (e *keysEnv) moveToDisconnectedStore(t testing.TB, keyID string) {
	t.Helper()
	e.svc.mu.Lock()
	defer e.svc.mu.Unlock()
	acct := e.svc.accountLocked(testAccountID, testRegion)
	const storeID = "cks-0123456789abcdef0"
	if _, ok := acct.stores[storeID]; !ok {
		acct.stores[storeID] = &KeyStore{ID: storeID, Name: "keys-test", Account: testAccountID, Type: StoreTypeCloudHSM, State: Disconnected, ClusterID: "cluster-abcdefghijk"}
	}
	k := acct.keys[keyID]
	k.Origin = OriginCloudHSM
	k.CustomKeyStoreID = storeID
	k.CloudHsmClusterID = "cluster-abcdefghijk"
}

// connectTestStore connects the store of moveToDisconnectedStore.
func (e *keysEnv) connectTestStore(t testing.TB) {
	t.Helper()
	e.svc.mu.Lock()
	defer e.svc.mu.Unlock()
	for _, st := range e.svc.accountLocked(testAccountID, testRegion).stores {
		st.State = Connected
	}
}

// rawCall sends one KMS request without an SDK, so that members the SDK
// would refuse to send (missing required members, wrong types) reach the
// server. The reference reads the access key from the Authorization header's
// credential scope and does not check the signature.
func rawCall(t testing.TB, url, op, body string) (status int, errType, message string, raw []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "TrentService."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAccessKey+"/20260101/"+testRegion+"/kms/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	defer resp.Body.Close()
	raw, err = io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if resp.StatusCode != http.StatusOK {
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("%s: error body is not JSON: %q", op, raw)
		}
	}
	return resp.StatusCode, e.Type, e.Message, raw
}

// wantRaw sends a raw request and checks the error code and message fragment.
func wantRaw(t testing.TB, url, op, body, code, msg string) {
	t.Helper()
	status, typ, message, raw := rawCall(t, url, op, body)
	if typ != code {
		t.Fatalf("%s %s: __type = %q (status %d, body %s), want %s", op, body, typ, status, raw, code)
	}
	if status != kmserrors.Status(code) {
		t.Fatalf("%s: status = %d, want %d", op, status, kmserrors.Status(code))
	}
	if !strings.Contains(message, msg) {
		t.Fatalf("%s %s: message = %q, want it to contain %q", op, body, message, msg)
	}
}

// testCtx is a context for one test's SDK calls.
func testCtx(t testing.TB) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}
