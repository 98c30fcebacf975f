package scenario

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/stepdef"
)

// validationState is a scenario's state for the steps of input constraints
// (ValidationException), sent as raw signed requests.
type validationState struct {
	// newStoreKind is the kind of key store a CreateCustomKeyStore request
	// under test creates, once its backing is leased.
	newStoreKind string
}

// registerValidation binds the steps of input constraints (ValidationException), sent as raw signed requests.
func (w *Scenario) registerValidation(sc stepdef.Context) {
	sc.Given(`^a backing for a new `+KindExpr+` key store$`, w.givenNewStoreBacking, stepdef.Creates{CloudHSMStores: 1, IfArg: "CloudHSM"}, stepdef.Creates{ExternalStores: 1, IfArg: "external"})
	sc.When(`^I send an? ([A-Za-z]+) request whose ([A-Za-z.\[\]]+) (.+)$`, w.sendViolation, stepdef.Creates{Keys: 1, IfArg: "CreateKey"},
		stepdef.Check(func(args []string) error {
			_, _, err := violatingValue(args[1], args[2])
			return err
		}))
}

// undocumentedValue is no operation's enum value.
const undocumentedValue = "KMSCONFORM_UNDOCUMENTED_VALUE"

func (w *Scenario) givenNewStoreBacking(ctx context.Context, kind string) error {
	if err := w.Stores.Lease(ctx, kind); err != nil {
		return err
	}
	w.validation.newStoreKind = kind
	return nil
}

// sendViolation sends a request for op that is valid except for member,
// which has the described problem: the endpoint has nothing else to object to.
func (w *Scenario) sendViolation(ctx context.Context, op, member, problem string) error {
	body, err := w.validBody(ctx, op, member)
	if err != nil {
		return err
	}
	value, omit, err := violatingValue(member, problem)
	if err != nil {
		return err
	}
	if err := setMember(body, member, value, omit); err != nil {
		return fmt.Errorf("%s request: %w", op, err)
	}
	return w.sendRaw(ctx, op, body)
}

// validBody is a request for op that satisfies every constraint of the
// model, naming the scenario's own key or key store. It includes the parts
// of the request that member belongs to (its structure or list), so that
// replacing member leaves everything around it valid.
func (w *Scenario) validBody(ctx context.Context, op, member string) (map[string]any, error) {
	if b, ok, err := w.namingBody(op, member); ok {
		return b, err
	}
	switch op {
	case "DeleteCustomKeyStore", "DisconnectCustomKeyStore", "ConnectCustomKeyStore":
		return map[string]any{"CustomKeyStoreId": w.storeIDToName()}, nil
	case "CreateCustomKeyStore":
		return w.validCreateStoreBody(member)
	case "DescribeCustomKeyStores":
		return map[string]any{}, nil
	case "UpdateCustomKeyStore":
		return w.validUpdateStoreBody(member)
	case "CreateKey":
		return w.validCreateKeyBody(member)
	case "GenerateRandom":
		body := map[string]any{"NumberOfBytes": 32}
		if strings.HasPrefix(member, "Recipient.") {
			// Only an enclave can produce a genuine attestation document; a
			// placeholder satisfies the model, which is all that is checked here.
			body["Recipient"] = map[string]any{"KeyEncryptionAlgorithm": "RSAES_OAEP_SHA_256", "AttestationDocument": blob(64)}
		}
		return body, nil
	}
	k, err := w.Keys.NeedKey()
	if err != nil {
		return nil, fmt.Errorf("a %s request needs the scenario's KMS key: %w", op, err)
	}
	switch op {
	case "Encrypt", "Decrypt", "ReEncrypt":
		return w.validCryptoBody(ctx, op, member, k)
	}
	body := map[string]any{"KeyId": k.ID}
	switch op {
	case "GetParametersForImport":
		body["WrappingAlgorithm"] = string(types.AlgorithmSpecRsaesOaepSha256)
		body["WrappingKeySpec"] = string(types.WrappingKeySpecRsa2048)
	case "ImportKeyMaterial":
		return w.validImportBody(ctx, k)
	case "ScheduleKeyDeletion":
		body["PendingWindowInDays"] = MinimumWaitingPeriod
	case "DescribeKey":
		if strings.HasPrefix(member, "GrantTokens") {
			body["GrantTokens"] = []any{"kmsconform-grant-token"}
		}
	case "DeleteImportedKeyMaterial", "CancelKeyDeletion", "EnableKey", "DisableKey":
	default:
		if b, ok := dataKeyBody(op, member, k.ID); ok {
			return b, nil
		}
		if b, ok := signingBody(op, member, k.ID); ok {
			return b, nil
		}
		if b, ok, err := macBody(op, member, k); ok {
			return b, err
		}
		if b, ok := accessBody(op, member, k); ok {
			return b, nil
		}
		if b, ok := rotationBody(op, member, k.ID); ok {
			return b, nil
		}
		if b, ok, err := w.multiRegionBody(op, member, k.ID); ok {
			return b, err
		}
		return nil, fmt.Errorf("no valid %s request is known to the input constraint steps", op)
	}
	return body, nil
}

// storeIDToName is the scenario's key store, or a well-formed ID of none.
func (w *Scenario) storeIDToName() string {
	if w.Store != nil {
		return w.Store.ID
	}
	return w.Env.MadeUp(MissingStoreID())
}

// validCreateStoreBody is a request for a new store on the leased backing.
// A VPC endpoint service member under test is only valid for a proxy
// reached through one, so the request asks for such connectivity.
func (w *Scenario) validCreateStoreBody(member string) (map[string]any, error) {
	body := map[string]any{"CustomKeyStoreName": w.Env.NextName()}
	switch w.validation.newStoreKind {
	case KindCloudHSM:
		f := w.HSM.Fixture
		body["CustomKeyStoreType"] = string(types.CustomKeyStoreTypeAwsCloudhsm)
		body["CloudHsmClusterId"] = f.ClusterID
		body["TrustAnchorCertificate"] = f.TrustAnchorPEM
		body["KeyStorePassword"] = f.Password
	case KindExternal:
		f := w.XKS.Fixture
		body["CustomKeyStoreType"] = string(types.CustomKeyStoreTypeExternalKeyStore)
		body["XksProxyUriEndpoint"] = f.URIEndpoint
		body["XksProxyUriPath"] = f.URIPath
		body["XksProxyConnectivity"] = f.Connectivity
		if f.VpcEndpointServiceName != "" {
			body["XksProxyVpcEndpointServiceName"] = f.VpcEndpointServiceName
		}
		body["XksProxyAuthenticationCredential"] = xksCredential(f)
		if isVPCMember(member) {
			body["XksProxyConnectivity"] = connectivityVPC
			body["XksProxyVpcEndpointServiceName"] = w.vpcServiceName(f)
		}
	default:
		return nil, fmt.Errorf("a CreateCustomKeyStore request needs a backing for a new key store first")
	}
	return body, nil
}

func (w *Scenario) validUpdateStoreBody(member string) (map[string]any, error) {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return nil, err
	}
	body := map[string]any{"CustomKeyStoreId": s.ID}
	external := strings.HasPrefix(member, "XksProxyAuthenticationCredential.") || isVPCMember(member) || member == "XksProxyConnectivity"
	if !external {
		return body, nil
	}
	if w.XKS == nil {
		return nil, fmt.Errorf("updating %s needs an external key store", member)
	}
	f := w.XKS.Fixture
	switch {
	case strings.HasPrefix(member, "XksProxyAuthenticationCredential."):
		body["XksProxyAuthenticationCredential"] = xksCredential(f)
	default:
		// A change of connectivity, or a VPC endpoint service, comes with
		// everything a switch to VPC_ENDPOINT_SERVICE connectivity needs.
		body["XksProxyConnectivity"] = connectivityVPC
		body["XksProxyUriEndpoint"] = f.URIEndpoint
		body["XksProxyVpcEndpointServiceName"] = w.vpcServiceName(f)
	}
	return body, nil
}

const connectivityVPC = string(types.XksProxyConnectivityTypeVpcEndpointService)

func isVPCMember(member string) bool {
	return strings.HasPrefix(member, "XksProxyVpcEndpointService")
}

// vpcServiceName is the fixture's VPC endpoint service, or a well-formed
// name of one in the run's Region.
func (w *Scenario) vpcServiceName(f XKSFixture) string {
	if f.VpcEndpointServiceName != "" {
		return f.VpcEndpointServiceName
	}
	return "com.amazonaws.vpce." + w.Env.Region + ".vpce-svc-" + strings.TrimPrefix(MissingStoreID(), "cks-")
}

func xksCredential(f XKSFixture) map[string]any {
	return map[string]any{"AccessKeyId": f.AccessKeyID, "RawSecretAccessKey": f.SecretAccessKey}
}

// validCreateKeyBody labels the key like every key the run creates. A tag
// under test is a second tag, so the run's own tag stays intact; a key store
// ID under test comes with a key store origin; an XksKeyId under test
// belongs to a key in the scenario's external key store.
func (w *Scenario) validCreateKeyBody(member string) (map[string]any, error) {
	in := w.Keys.LabelKey(&kms.CreateKeyInput{})
	tags := []any{}
	for _, t := range in.Tags {
		tags = append(tags, map[string]any{"TagKey": aws.ToString(t.TagKey), "TagValue": aws.ToString(t.TagValue)})
	}
	if strings.HasPrefix(member, "Tags[].") {
		tags = append(tags, map[string]any{"TagKey": "kmsconform:check", "TagValue": "input-validation"})
	}
	body := map[string]any{"Description": aws.ToString(in.Description), "Tags": tags}
	switch member {
	case "CustomKeyStoreId":
		body["Origin"] = string(types.OriginTypeAwsCloudhsm) // the origin a key store ID goes with
	case "XksKeyId":
		s, err := w.Stores.NeedStore()
		if err != nil || s.Kind != KindExternal || w.XKS == nil {
			return nil, fmt.Errorf("a key with an XksKeyId needs a connected external key store first")
		}
		body["Origin"] = string(types.OriginTypeExternalKeyStore)
		body["CustomKeyStoreId"] = s.ID
		body["XksKeyId"] = w.XKS.Fixture.ExternalKeyID
	}
	return body, nil
}

// validImportBody fetches import parameters for k and wraps fresh
// symmetric key material with them, as a genuine import would.
func (w *Scenario) validImportBody(ctx context.Context, k *Key) (map[string]any, error) {
	p, err := w.Keys.FetchParams(ctx, k, DefaultWrappingSpec, DefaultWrappingAlgorithm)
	if err != nil {
		return nil, err
	}
	in, material, err := FreshImport(k.ID, k.Spec, p, "")
	if err != nil {
		return nil, fmt.Errorf("wrapping key material for key %s: %w", k.ID, err)
	}
	clear(material)
	return map[string]any{
		"KeyId":                k.ID,
		"ImportToken":          base64.StdEncoding.EncodeToString(in.ImportToken),
		"EncryptedKeyMaterial": base64.StdEncoding.EncodeToString(in.EncryptedKeyMaterial),
		"ExpirationModel":      string(in.ExpirationModel),
	}, nil
}

// blob is an awsJson1_1 blob member of n bytes.
func blob(n int) string {
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x6b}, n))
}

// The problems a feature file can give a member, each a readable phrase.
var (
	charsLong        = regexp.MustCompile(`^is (\d+) characters long$`)
	bytesLong        = regexp.MustCompile(`^is (\d+) bytes long$`)
	isNumber         = regexp.MustCompile(`^is (-?\d+)$`)
	hasItems         = regexp.MustCompile(`^has (\d+) items$`)
	isLiteral        = regexp.MustCompile(`^is "(.*)"$`)
	notLowercaseHex  = regexp.MustCompile(`^has (\d+) characters that are not lowercase hex$`)
	lowercaseLetters = regexp.MustCompile(`^has (\d+) lowercase letters$`)
	including        = regexp.MustCompile(`^has (\d+) characters including "(.+)"$`)
)

// violatingValue turns a problem phrase into the value to send for member;
// omit means the member is left out of the request.
func violatingValue(member, problem string) (value any, omit bool, err error) {
	switch problem {
	case "is missing":
		return nil, true, nil
	case "is empty":
		return "", false, nil
	case "is not one of the documented values":
		return undocumentedValue, false, nil
	case "consists of characters above U+00FF":
		return strings.Repeat("\u0100", 8), false, nil
	}
	if m := isLiteral.FindStringSubmatch(problem); m != nil {
		return m[1], false, nil
	}
	if m := isNumber.FindStringSubmatch(problem); m != nil {
		n, err := strconv.Atoi(m[1])
		return n, false, err
	}
	n, m := count(problem)
	switch {
	case m == nil:
		return nil, false, fmt.Errorf("unknown problem %q for %s", problem, member)
	case n < 1 || n > 1<<20:
		return nil, false, fmt.Errorf("cannot build a %s that %s", member, problem)
	}
	switch m.re {
	case charsLong:
		return filler(leaf(member), n), false, nil
	case bytesLong:
		return blob(n), false, nil
	case hasItems:
		return grantTokens(n), false, nil
	case notLowercaseHex:
		return strings.Repeat("G", n), false, nil
	case lowercaseLetters:
		return strings.Repeat("a", n), false, nil
	}
	c := m.groups[2] // including
	rest := n - len([]rune(c))
	if rest < 0 {
		return nil, false, fmt.Errorf("cannot build a %s that %s", member, problem)
	}
	return c + strings.Repeat("a", rest), false, nil
}

// counted is a problem phrase that starts with a count.
type counted struct {
	re     *regexp.Regexp
	groups []string
}

// count matches problem against the phrases that start with a count.
func count(problem string) (int, *counted) {
	for _, re := range []*regexp.Regexp{charsLong, bytesLong, hasItems, notLowercaseHex, lowercaseLetters, including} {
		if g := re.FindStringSubmatch(problem); g != nil {
			n, err := strconv.Atoi(g[1])
			if err != nil {
				return -1, &counted{re, g}
			}
			return n, &counted{re, g}
		}
	}
	return 0, nil
}

func grantTokens(n int) []any {
	tokens := make([]any, n)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("kmsconform-grant-token-%d", i+1)
	}
	return tokens
}

// leaf is the last name of a member path: "Tags[].TagKey" → "TagKey".
func leaf(member string) string {
	parts := strings.Split(member, ".")
	return strings.TrimSuffix(parts[len(parts)-1], "[]")
}

// filler is a value of n characters that keeps to the member's pattern
// where a value that long can, so that only its length is wrong.
func filler(member string, n int) string {
	prefix, suffix, pad := "", "", "a"
	switch member {
	case "XksProxyUriEndpoint":
		prefix = "https://"
	case "XksProxyUriPath":
		prefix, suffix = "/", "/kms/xks/v1"
	case "XksProxyVpcEndpointServiceName":
		prefix = "com.amazonaws.vpce.us-east-1.vpce-svc-"
	case "XksProxyVpcEndpointServiceOwner":
		pad = "1"
	case "AccessKeyId":
		pad = "A"
	case "CloudHsmClusterId":
		prefix = "cluster-"
	}
	if len(prefix)+len(suffix) >= n {
		return strings.Repeat(pad, n)
	}
	return prefix + strings.Repeat(pad, n-len(prefix)-len(suffix)) + suffix
}

// setMember sets the member at path in body, or removes it when omit is
// set. A name ending in "[]" stands for the last item of that list.
func setMember(body map[string]any, path string, value any, omit bool) error {
	names := strings.Split(path, ".")
	container := body
	for _, name := range names[:len(names)-1] {
		next, err := child(container, name)
		if err != nil {
			return fmt.Errorf("member %s: %w", path, err)
		}
		container = next
	}
	name, item := strings.CutSuffix(names[len(names)-1], "[]")
	if !item {
		if omit {
			delete(container, name)
		} else {
			container[name] = value
		}
		return nil
	}
	list, ok := container[name].([]any)
	if !ok || len(list) == 0 {
		return fmt.Errorf("member %s: the request has no %s items", path, name)
	}
	if omit {
		container[name] = list[:len(list)-1]
	} else {
		list[len(list)-1] = value
	}
	return nil
}

// child is the structure a path name leads to: a member, or the last item of a list.
func child(container map[string]any, name string) (map[string]any, error) {
	name, item := strings.CutSuffix(name, "[]")
	v := container[name]
	if item {
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return nil, fmt.Errorf("the request has no %s items", name)
		}
		v = list[len(list)-1]
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the request has no %s structure", name)
	}
	return m, nil
}
