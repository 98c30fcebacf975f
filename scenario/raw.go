package scenario

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"
)

// KMS speaks awsJson1_1: every operation is a POST to "/" naming the
// operation in X-Amz-Target.
const (
	rawTargetPrefix = "TrentService."
	rawContentType  = "application/x-amz-json-1.1"
	signingService  = "kms"
	// maxRawAnswer bounds the answer kept from a raw request. It is larger
	// than maxCapturedBody because an endpoint may quote a long invalid
	// value back in its error message, and a cut-off error body could not be
	// read as a KMS error at all.
	maxRawAnswer = 1 << 20
)

// rawRequest is one KMS call sent without an SDK: the body goes out exactly
// as built, so the endpoint, not a client-side validator, judges it.
type rawRequest struct {
	op    string
	body  []byte
	creds aws.CredentialsProvider
	// scenario is the value of ScenarioHeader, added after signing; call,
	// if set, the value of CallHeader.
	scenario, call string
}

// rawCall sends r to the run's endpoint through the run's HTTP client (and so
// through the recording proxy), bounded by the run's call timeout.
func (e *Env) rawCall(ctx context.Context, r rawRequest) outcome {
	ctx, cancel := context.WithTimeout(ctx, e.Timeouts.Call)
	defer cancel()
	req, err := e.signedRequest(ctx, r)
	if err != nil {
		return outcome{Op: r.op, Err: err}
	}
	client := e.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return outcome{Op: r.op, Err: fmt.Errorf("%s: %w", r.op, err)}
	}
	defer resp.Body.Close()
	return rawOutcome(r.op, resp)
}

// signedRequest builds the HTTP request for r and signs it with SigV4 for
// KMS in the run's Region. The scenario header is set after signing, as the
// SDK clients do, so that it is not part of the signature.
func (e *Env) signedRequest(ctx context.Context, r rawRequest) (*http.Request, error) {
	endpoint, err := url.Parse(e.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("%s: endpoint %q: %w", r.op, e.Endpoint, err)
	}
	if endpoint.Path == "" {
		endpoint.Path = "/"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint.String(), bytes.NewReader(r.body))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.op, err)
	}
	req.Header.Set("Content-Type", rawContentType)
	req.Header.Set("X-Amz-Target", rawTargetPrefix+r.op)
	creds, err := r.creds.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: retrieving credentials: %w", r.op, err)
	}
	sum := sha256.Sum256(r.body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), signingService, e.Region, time.Now().UTC()); err != nil {
		return nil, fmt.Errorf("%s: signing: %w", r.op, err)
	}
	if r.scenario != "" {
		req.Header.Set(ScenarioHeader, r.scenario)
	}
	if r.call != "" {
		req.Header.Set(CallHeader, r.call)
	}
	return req, nil
}

// rawOutcome reads an answer the way the SDK's awsJson1_1 deserializer does:
// the error code comes from X-Amzn-ErrorType, else from the body's "code" or
// "__type", without a namespace ("…#Code") or a suffix ("Code:…").
func rawOutcome(op string, resp *http.Response) outcome {
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxRawAnswer))
	o := outcome{Op: op, Status: resp.StatusCode, Body: body}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if readErr != nil {
			o.Err = fmt.Errorf("%s: reading the answer: %w", op, readErr)
		}
		return o
	}
	var wire struct {
		Code         string `json:"code"`
		Type         string `json:"__type"`
		Message      string `json:"message"`
		MessageUpper string `json:"Message"`
	}
	_ = json.Unmarshal(body, &wire) // a body that is not JSON leaves the code to the header, or unknown
	code := resp.Header.Get("X-Amzn-ErrorType")
	for _, c := range []string{wire.Code, wire.Type} {
		if code == "" {
			code = c
		}
	}
	o.Code = sanitizeErrorCode(code)
	if o.Code == "" {
		o.Code = "UnknownError" // what the SDK reports for an error it cannot name
	}
	msg := wire.Message
	if msg == "" {
		msg = wire.MessageUpper
	}
	o.Err = &smithy.GenericAPIError{Code: o.Code, Message: msg}
	return o
}

func sanitizeErrorCode(code string) string {
	code, _, _ = strings.Cut(code, ":")
	if _, after, found := strings.Cut(code, "#"); found {
		code = after
	}
	return strings.TrimSpace(code)
}

// sendRaw makes the call under test as a raw signed request, as the scenario's
// primary account. Like every mutating call of the run, it is refused before
// it is sent when it names a resource the run did not create; and a resource
// the endpoint creates anyway is adopted for cleanup.
func (w *Scenario) sendRaw(ctx context.Context, op string, body map[string]any) error {
	if err := w.Env.Owned.checkTarget(rawMutationTarget(op, body)); err != nil {
		return err
	}
	encoded, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("%s: encoding the request: %w", op, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	callCtx := ctx
	if creates(op) {
		callCtx = uninterrupted(ctx) // a create cut short may still have happened
		defer w.Env.Owned.createDone(w.Env.Owned.createSent())
	}
	o := w.Env.rawCall(callCtx, rawRequest{op: op, body: encoded, creds: w.Env.Primary, scenario: HeaderValue(w.id), call: w.newCall(op)})
	w.Last, w.Tested, w.Output = o, true, nil
	if o.Err == nil {
		if err := w.adopt(op, body, o.Body); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if o.unsupported() {
		w.markUnsupported(o)
	}
	return nil
}

func creates(op string) bool { return op == "CreateKey" || op == "CreateCustomKeyStore" }

// rawMutationTarget is what a raw request would change: the key or key store
// its body names. Reads and creates outside a key store change nothing that exists.
func rawMutationTarget(op string, body map[string]any) target {
	name := func(member string) string {
		s, _ := body[member].(string)
		return s
	}
	switch op {
	case "DisableKey", "EnableKey", "ScheduleKeyDeletion", "CancelKeyDeletion",
		"DeleteImportedKeyMaterial", "ImportKeyMaterial", "GetParametersForImport",
		"TagResource", "UntagResource", "UpdateKeyDescription":
		return target{"key", name("KeyId")}
	case "UpdateAlias", "DeleteAlias":
		return target{"alias", name("AliasName")}
	case "DeleteCustomKeyStore", "DisconnectCustomKeyStore", "ConnectCustomKeyStore", "UpdateCustomKeyStore":
		return target{"key store", name("CustomKeyStoreId")}
	case "CreateKey":
		if _, inStore := body["CustomKeyStoreId"]; inStore {
			return target{"key store", name("CustomKeyStoreId")}
		}
	}
	return target{}
}

// adopt records what a create the endpoint should have refused created
// anyway, so that the scenario's cleanup removes it.
func (w *Scenario) adopt(op string, sent map[string]any, answer []byte) error {
	switch op {
	case "CreateKey":
		var out struct{ KeyMetadata struct{ KeyId, Arn string } }
		if json.Unmarshal(answer, &out) != nil || out.KeyMetadata.KeyId == "" {
			return nil
		}
		w.Env.Owned.Add(out.KeyMetadata.KeyId, out.KeyMetadata.Arn)
		w.CreatedKeys = append(w.CreatedKeys, &Key{ID: out.KeyMetadata.KeyId, ARN: out.KeyMetadata.Arn})
	case "CreateAlias":
		if name, _ := sent["AliasName"].(string); name != "" {
			w.Keys.AdoptAlias(name)
		}
	case "CreateCustomKeyStore":
		var out struct{ CustomKeyStoreId string }
		if json.Unmarshal(answer, &out) != nil || out.CustomKeyStoreId == "" {
			return nil
		}
		w.Env.Owned.Add(out.CustomKeyStoreId)
		kind := KindCloudHSM
		if sent["CustomKeyStoreType"] == "EXTERNAL_KEY_STORE" {
			kind = KindExternal
		}
		name, _ := sent["CustomKeyStoreName"].(string)
		if _, err := w.Stores.Track(kind, out.CustomKeyStoreId, name); err != nil {
			return err
		}
	}
	return nil
}
