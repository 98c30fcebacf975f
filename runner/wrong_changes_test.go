package runner_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/kmsconform/kmsconform/reference"
)

// The wrong behaviours the wrong endpoints are made of. Each changes one
// thing a KMS does, the way a buggy emulator might.

const (
	primaryAccessKey = "AKIAKMSCONFORMTEST01"
	secondAccessKey  = "AKIAKMSCONFORMTEST02"
)

// accessKeyOf is the access key a request is signed with.
func accessKeyOf(r *http.Request) string {
	_, cred, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	key, _, _ := strings.Cut(cred, "/")
	return key
}

// accountOf is the reference account a request acts in.
func accountOf(r *http.Request) string {
	key := accessKeyOf(r)
	if id, ok := reference.DefaultFixtures().Accounts[key]; ok {
		return id
	}
	return reference.AccountForAccessKey(key)
}

// as is x sent by another access key, that is, by another account.
func (x *exchange) as(accessKey string) *exchange {
	r := x.r.Clone(x.r.Context())
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "Credential="+accessKeyOf(x.r), "Credential="+accessKey, 1))
	return &exchange{k: x.k, op: x.op, in: x.in, r: r, next: x.next}
}

// refused reports whether the reference refused a request as a client error.
func refused(a answer) bool { return a.status >= 400 && a.status < 500 }

// str is a string member of a JSON object.
func str(m map[string]any, name string) string {
	s, _ := m[name].(string)
	return s
}

// shiftDate moves an epoch-seconds date member by seconds.
func shiftDate(m map[string]any, name string, seconds float64) {
	n, ok := m[name].(json.Number)
	if !ok {
		return
	}
	f, err := n.Float64()
	if err != nil {
		return
	}
	m[name] = json.Number(strconv.FormatFloat(f+seconds, 'f', -1, 64))
}

// keyIDOf is the key ID at the end of a key ARN.
func keyIDOf(arn string) string {
	if _, id, ok := strings.Cut(arn, ":key/"); ok {
		return id
	}
	return arn
}

func randomHexString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// entries are the CustomKeyStores of a DescribeCustomKeyStores answer.
func entries(out map[string]any) []map[string]any {
	list, _ := out["CustomKeyStores"].([]any)
	var es []map[string]any
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			es = append(es, m)
		}
	}
	return es
}

func setEntries(out map[string]any, es []map[string]any) {
	list := make([]any, len(es))
	for i, e := range es {
		list[i] = e
	}
	out["CustomKeyStores"] = list
}

// describedKey is what DescribeKey says of the key a request names.
func (x *exchange) describedKey() map[string]any {
	a := x.call("DescribeKey", map[string]any{"KeyId": x.in["KeyId"]})
	return member(a.body, "KeyMetadata")
}

// --- custom key stores ---

// leakSecrets shows each key store's secret (kmsuser password or XKS secret
// access key) in what DescribeCustomKeyStores says of it.
func leakSecrets() change {
	var mu sync.Mutex
	secrets := map[string]string{}
	secretOf := func(in map[string]any) string {
		if p := str(in, "KeyStorePassword"); p != "" {
			return p
		}
		return str(member(in, "XksProxyAuthenticationCredential"), "RawSecretAccessKey")
	}
	return func(x *exchange) answer {
		a := x.forward()
		if !a.ok() {
			return a
		}
		mu.Lock()
		defer mu.Unlock()
		switch x.op {
		case "CreateCustomKeyStore":
			secrets[str(a.body, "CustomKeyStoreId")] = secretOf(x.in)
		case "UpdateCustomKeyStore":
			if s := secretOf(x.in); s != "" {
				secrets[str(x.in, "CustomKeyStoreId")] = s
			}
		case "DescribeCustomKeyStores":
			for _, e := range entries(a.body) {
				secret := secrets[str(e, "CustomKeyStoreId")]
				if c := member(e, "XksProxyConfiguration"); c != nil {
					c["RawSecretAccessKey"] = secret
				} else {
					e["KeyStorePassword"] = secret
				}
			}
		}
		return a
	}
}

// misreportStores shows every key store under another name, with the other
// type, and with a VPC endpoint service owner that is no caller's.
func misreportStores() change {
	return rewritten("DescribeCustomKeyStores", func(_ *exchange, out map[string]any) {
		for _, e := range entries(out) {
			e["CustomKeyStoreName"] = str(e, "CustomKeyStoreName") + "-misreported"
			if str(e, "CustomKeyStoreType") == "EXTERNAL_KEY_STORE" {
				e["CustomKeyStoreType"] = "AWS_CLOUDHSM"
			} else {
				e["CustomKeyStoreType"] = "EXTERNAL_KEY_STORE"
			}
			if c := member(e, "XksProxyConfiguration"); c != nil && c["VpcEndpointServiceOwner"] != nil {
				c["VpcEndpointServiceOwner"] = "000000000000"
			}
		}
	})
}

// createStoreDespiteRefusing carries out a CreateCustomKeyStore it refuses:
// it creates a store of the requested name on a cluster of its own, or,
// refusing a name in use, renames the store that has it.
func createStoreDespiteRefusing(k *wrongKMS) change {
	return only("CreateCustomKeyStore", func(x *exchange) answer {
		a := x.forward()
		if !refused(a) {
			return a
		}
		name := str(x.in, "CustomKeyStoreName")
		if a.code() == "CustomKeyStoreNameInUseException" {
			found := x.call("DescribeCustomKeyStores", map[string]any{"CustomKeyStoreName": name})
			for _, e := range entries(found.body) {
				x.call("UpdateCustomKeyStore", map[string]any{"CustomKeyStoreId": e["CustomKeyStoreId"], "NewCustomKeyStoreName": name + "-moved"})
			}
			return a
		}
		c, err := k.control.CreateCluster(x.r.Context(), reference.ClusterPatch{})
		if err != nil {
			return a
		}
		x.call("CreateCustomKeyStore", map[string]any{
			"CustomKeyStoreName": name, "CloudHsmClusterId": c.ID,
			"TrustAnchorCertificate": c.TrustAnchorCertificate, "KeyStorePassword": c.KmsuserPassword,
		})
		return a
	})
}

// --- keys ---

// createKeyDespiteRefusing creates a key for a CreateKey it refuses, without
// the refused request's description or tags, past the account's quota if
// need be.
func createKeyDespiteRefusing(k *wrongKMS) change {
	return only("CreateKey", func(x *exchange) answer {
		a := x.forward()
		if !refused(a) {
			return a
		}
		if a.code() == "LimitExceededException" {
			if _, err := k.control.SetAccountQuotas(x.r.Context(), accountOf(x.r), reference.AccountQuotas{Keys: 1000}); err != nil {
				return a
			}
		}
		x.call("CreateKey", map[string]any{})
		return a
	})
}

// crossAccountActs carries out the mutating calls it refuses another
// account, on the owner's resource: it acts as the run's primary account.
func crossAccountActs(x *exchange) answer {
	a := x.forward()
	mutating := map[string]bool{
		"ConnectCustomKeyStore": true, "DisconnectCustomKeyStore": true, "DeleteCustomKeyStore": true, "UpdateCustomKeyStore": true,
		"DisableKey": true, "EnableKey": true, "ScheduleKeyDeletion": true, "CancelKeyDeletion": true,
		"DeleteImportedKeyMaterial": true, "ImportKeyMaterial": true,
	}
	if refused(a) && mutating[x.op] && accessKeyOf(x.r) == secondAccessKey {
		x.as(primaryAccessKey).forward()
	}
	return a
}

// arnsAsKeyIDs names the key by its bare key ID where the answer should give
// its ARN, and names other key material than it deleted.
func arnsAsKeyIDs(x *exchange) answer {
	a := x.forward()
	if !a.ok() {
		return a
	}
	switch x.op {
	case "CancelKeyDeletion", "ScheduleKeyDeletion", "ImportKeyMaterial", "Encrypt":
		a.body["KeyId"] = keyIDOf(str(a.body, "KeyId"))
	case "DeleteImportedKeyMaterial":
		a.body["KeyId"] = keyIDOf(str(a.body, "KeyId"))
		a.body["KeyMaterialId"] = randomHexString(32)
	}
	return a
}

// otherOf returns the other of two values, or v when it is neither.
func otherOf(v, a, b string) string {
	switch v {
	case a:
		return b
	case b:
		return a
	}
	return v
}

// misreportKind gets wrong, in a key's metadata, what kind of key it is:
// its KeySpec, KeyUsage, Origin and MultiRegion.
func misreportKind(md map[string]any) {
	spec, usage := "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"
	if str(md, "KeySpec") == spec {
		spec = "HMAC_256"
	}
	if str(md, "KeyUsage") == usage {
		usage = "GENERATE_VERIFY_MAC"
	}
	md["KeySpec"], md["KeyUsage"] = spec, usage
	md["Origin"] = otherOf(str(md, "Origin"), "AWS_KMS", "EXTERNAL")
	mr, _ := md["MultiRegion"].(bool)
	md["MultiRegion"] = !mr
}

// enablingChangesKind has DescribeKey get wrong what kind of key a key is
// once EnableKey has been called on it.
func enablingChangesKind() change {
	var mu sync.Mutex
	enabled := map[string]bool{}
	return func(x *exchange) answer {
		a := x.forward()
		mu.Lock()
		defer mu.Unlock()
		switch md := member(a.body, "KeyMetadata"); {
		case x.op == "EnableKey" && a.ok():
			enabled[keyIDOf(str(x.in, "KeyId"))] = true
		case x.op == "DescribeKey" && md != nil && enabled[str(md, "KeyId")]:
			misreportKind(md)
		}
		return a
	}
}

// misreportKeys has DescribeKey get every member of a key's metadata wrong,
// except its state.
func misreportKeys() change {
	return rewritten("DescribeKey", func(_ *exchange, out map[string]any) {
		md := member(out, "KeyMetadata")
		if md == nil {
			return
		}
		md["Arn"] = str(md, "Arn") + "-misreported"
		misreportKind(md)
		md["KeyManager"] = otherOf(str(md, "KeyManager"), "CUSTOMER", "AWS")
		md["ExpirationModel"] = otherOf(str(md, "ExpirationModel"), "KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE")
		enabled, _ := md["Enabled"].(bool)
		md["Enabled"] = !enabled
		shiftDate(md, "DeletionDate", 10*24*3600)
		delete(md, "CloudHsmClusterId")
		delete(md, "XksKeyConfiguration")
		out["Tags"] = []any{map[string]any{"TagKey": "misreported", "TagValue": "yes"}}
	})
}

// misreportMaterial has DescribeKey name other current key material, and
// give material that expires a later ValidTo and material that does not one.
func misreportMaterial() change {
	return rewritten("DescribeKey", func(_ *exchange, out map[string]any) {
		md := member(out, "KeyMetadata")
		if md == nil || str(md, "Origin") != "EXTERNAL" {
			return
		}
		if str(md, "CurrentKeyMaterialId") != "" {
			md["CurrentKeyMaterialId"] = randomHexString(32)
		}
		if _, ok := md["ValidTo"]; ok {
			shiftDate(md, "ValidTo", 3600)
		} else {
			md["ValidTo"] = md["CreationDate"]
		}
	})
}

// managedKeyAnew names another key each time DescribeKey is asked for an
// AWS managed key's alias.
func managedKeyAnew() change {
	return rewritten("DescribeKey", func(x *exchange, out map[string]any) {
		if md := member(out, "KeyMetadata"); md != nil && strings.HasPrefix(str(x.in, "KeyId"), "alias/aws/") {
			md["KeyId"] = randomHexString(8) + "-0000-4000-8000-" + randomHexString(6)
		}
	})
}

// staleDeletionDates has DescribeKey show the DeletionDate a key once had
// after its deletion is cancelled.
func staleDeletionDates() change {
	var mu sync.Mutex
	dates := map[string]any{}
	return rewritten("DescribeKey", func(_ *exchange, out map[string]any) {
		md := member(out, "KeyMetadata")
		if md == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		id := str(md, "KeyId")
		if d, ok := md["DeletionDate"]; ok {
			dates[id] = d
		} else if d, ok := dates[id]; ok {
			md["DeletionDate"] = d
		}
	})
}

// wrongPolicyAndTags answers GetKeyPolicy with an empty policy and
// ListResourceTags without the key's tags.
func wrongPolicyAndTags(x *exchange) answer {
	a := x.forward()
	if !a.ok() {
		return a
	}
	switch x.op {
	case "GetKeyPolicy":
		a.body["Policy"] = `{"Version":"2012-10-17","Statement":[]}`
	case "ListResourceTags":
		a.body["Tags"] = []any{}
	}
	return a
}

// --- imported key material ---

// ownWrappingKey is an RSA_2048 public key no reference key pair matches.
var ownWrappingKey = sync.OnceValue(func() string {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(der)
})

// staleParams answers GetParametersForImport with an RSA_2048 public key of
// its own whatever was asked, the same answer every time for a key, lasting
// 25 hours.
func staleParams() change {
	var mu sync.Mutex
	first := map[string]map[string]any{}
	return rewritten("GetParametersForImport", func(x *exchange, out map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		key := str(out, "KeyId")
		if earlier, ok := first[key]; ok {
			for k, v := range earlier {
				out[k] = v
			}
			return
		}
		out["PublicKey"] = ownWrappingKey()
		shiftDate(out, "ParametersValidTo", 3600)
		kept := map[string]any{}
		for k, v := range out {
			kept[k] = v
		}
		first[key] = kept
	})
}

// forgetfulMaterial answers DeleteImportedKeyMaterial as if it deleted the
// material, without deleting it, and refuses every Decrypt.
func forgetfulMaterial(x *exchange) answer {
	switch x.op {
	case "DeleteImportedKeyMaterial":
		md := x.describedKey()
		if md == nil {
			return x.forward()
		}
		return success(map[string]any{"KeyId": md["Arn"], "KeyMaterialId": md["CurrentKeyMaterialId"]})
	case "Decrypt":
		return failure("InvalidCiphertextException", http.StatusBadRequest)
	}
	return x.forward()
}

// --- GenerateRandom ---

// randomBytes changes what GenerateRandom answers with bytes(n).
func randomBytes(bytes func(n int) []byte) change {
	return rewritten("GenerateRandom", func(_ *exchange, out map[string]any) {
		p, err := base64.StdEncoding.DecodeString(str(out, "Plaintext"))
		if err != nil {
			return
		}
		out["Plaintext"] = base64.StdEncoding.EncodeToString(bytes(len(p)))
	})
}

// fixedRandom is the same random-looking bytes every time.
func fixedRandom(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*167 + i*i*31 + 89)
	}
	return b
}

// connectOnDemand connects a key store that GenerateRandom is refused for,
// as if to serve the next request.
func connectOnDemand(x *exchange) answer {
	a := x.forward()
	if x.op == "GenerateRandom" && refused(a) && str(x.in, "CustomKeyStoreId") != "" {
		x.call("ConnectCustomKeyStore", map[string]any{"CustomKeyStoreId": x.in["CustomKeyStoreId"]})
	}
	return a
}

// --- answers ---

// throttleRefusals answers ThrottlingException in place of every client error.
func throttleRefusals(x *exchange) answer {
	a := x.forward()
	if refused(a) {
		return failure("ThrottlingException", http.StatusBadRequest)
	}
	return a
}

// internalErrors answers each of ops with KMSInternalException, without
// carrying it out.
func internalErrors(ops ...string) change {
	return func(x *exchange) answer {
		for _, op := range ops {
			if x.op == op {
				return failure("KMSInternalException", http.StatusInternalServerError)
			}
		}
		return x.forward()
	}
}

// chattyEmptyAnswers adds a member to every answer that should be {}.
func chattyEmptyAnswers(x *exchange) answer {
	a := x.forward()
	if a.ok() && len(a.body) == 0 {
		a.body["Status"] = "done"
	}
	return a
}

// nullEmptyAnswers answers null, not an object, where the answer should be {}.
func nullEmptyAnswers(x *exchange) answer {
	a := x.forward()
	if a.ok() && len(a.body) == 0 {
		a.body = nil
	}
	return a
}

// combined applies the changes in turn: what each one forwards goes to the
// next one, and the last one's to the reference.
func combined(cs ...change) change {
	if len(cs) == 1 {
		return cs[0]
	}
	inner := combined(cs[1:]...)
	return func(x *exchange) answer {
		return cs[0](&exchange{k: x.k, op: x.op, in: x.in, r: x.r, next: inner})
	}
}
