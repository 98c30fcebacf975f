package runner_test

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"sync"
)

// dataKeyOps are the four data key operations.
var dataKeyOps = []string{"GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"}

// dataKeyWrongCases are endpoints that get data keys and data key pairs wrong.
func dataKeyWrongCases() []wrongCase {
	fixed := func(c change) func(*wrongKMS) change { return func(*wrongKMS) change { return c } }
	return []wrongCase{
		{
			name: "GenerateDataKey answers a Plaintext its CiphertextBlob does not decrypt to",
			tags: "@cond:GenerateDataKey.13,@cond:GenerateDataKey.03", change: fixed(rewritten("GenerateDataKey", func(_ *exchange, out map[string]any) {
				if b, err := base64.StdEncoding.DecodeString(str(out, "Plaintext")); err == nil {
					out["Plaintext"] = base64.StdEncoding.EncodeToString(randomOf(len(b)))
				}
			})),
		},
		{
			name: "data key pairs hold the private key of another pair than their public key",
			tags: "@cond:GenerateDataKeyPair.02,@cond:GenerateDataKeyPairWithoutPlaintext.03", change: fixed(otherPublicKey),
		},
		{
			name: "data key pairs are of ECC_NIST_P256 whatever spec is asked",
			tags: "@cond:GenerateDataKeyPair.02,@cond:GenerateDataKeyPairWithoutPlaintext.03", change: fixed(pairsOfOneSpec),
		},
		{
			name: "data keys are 32 bytes long whatever size is asked",
			tags: "@cond:GenerateDataKey.03,@cond:GenerateDataKey.04,@cond:GenerateDataKeyWithoutPlaintext.03", change: fixed(dataKeysOfOneSize),
		},
		{
			name:   "data key operations bind their ciphertext to no encryption context",
			tags:   "@cond:GenerateDataKey.13,@cond:GenerateDataKeyWithoutPlaintext.12,@cond:GenerateDataKeyPair.14,@cond:GenerateDataKeyPairWithoutPlaintext.12",
			change: fixed(contextIgnored),
		},
		{
			name:   "data key answers name the key by its ID, and the WithoutPlaintext operations answer the plaintext too",
			tags:   "@cond:GenerateDataKey.14,@cond:GenerateDataKeyWithoutPlaintext.13,@cond:GenerateDataKey.06,@cond:GenerateDataKeyPair.01,@cond:GenerateDataKeyPairWithoutPlaintext.01",
			change: fixed(dataKeysMisnamed),
		},
		{
			name: "data key operations answer the same key and key pair every time",
			tags: "@cond:GenerateDataKey.15,@cond:GenerateDataKeyPair.05", change: func(*wrongKMS) change { return sameKeys() },
		},
		{
			name: "a data key operation refused for a Disabled key enables it",
			tags: "@cond:GenerateDataKey.18,@cond:GenerateDataKeyWithoutPlaintext.16", change: fixed(refusalsEnable),
		},
		{
			name: "DescribeKey shows Disabled keys as Enabled", tags: "@cond:GenerateDataKey.18",
			change: fixed(rewritten("DescribeKey", func(_ *exchange, out map[string]any) {
				if md := member(out, "KeyMetadata"); md != nil && str(md, "KeyState") == "Disabled" {
					md["KeyState"], md["Enabled"] = "Enabled", true
				}
			})),
		},
		{
			name:   "data key operations fail with KMSInternalException",
			tags:   "@cond:GenerateDataKey.01,@cond:GenerateDataKeyWithoutPlaintext.17,@cond:GenerateDataKey.23",
			change: fixed(internalErrors(dataKeyOps...)),
		},
	}
}

func randomOf(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// otherPublicKey answers a key pair whose public key comes from a second pair of the same spec.
func otherPublicKey(x *exchange) answer {
	a := x.forward()
	if (x.op == "GenerateDataKeyPair" || x.op == "GenerateDataKeyPairWithoutPlaintext") && a.ok() {
		if b := x.call(x.op, x.in); b.ok() {
			a.body["PublicKey"] = b.body["PublicKey"]
		}
	}
	return a
}

// pairsOfOneSpec generates ECC_NIST_P256 pairs and says they are of the spec asked.
func pairsOfOneSpec(x *exchange) answer {
	if x.op != "GenerateDataKeyPair" && x.op != "GenerateDataKeyPairWithoutPlaintext" {
		return x.forward()
	}
	asked := x.in["KeyPairSpec"]
	in := map[string]any{}
	for k, v := range x.in {
		in[k] = v
	}
	in["KeyPairSpec"] = "ECC_NIST_P256"
	a := x.call(x.op, in)
	if a.ok() {
		a.body["KeyPairSpec"] = asked
	}
	return a
}

// dataKeysOfOneSize generates 32-byte data keys whatever KeySpec or NumberOfBytes asks.
func dataKeysOfOneSize(x *exchange) answer {
	if x.op != "GenerateDataKey" && x.op != "GenerateDataKeyWithoutPlaintext" {
		return x.forward()
	}
	if _, ok := x.in["NumberOfBytes"]; ok && x.in["KeySpec"] == nil {
		delete(x.in, "NumberOfBytes")
		x.in["KeySpec"] = "AES_256"
	} else if x.in["KeySpec"] != nil && x.in["NumberOfBytes"] == nil {
		x.in["KeySpec"] = "AES_256"
	}
	return x.forward()
}

// dataKeysMisnamed names the key by its bare ID, and answers the
// WithoutPlaintext operations as their plaintext twins.
func dataKeysMisnamed(x *exchange) answer {
	var a answer
	switch x.op {
	case "GenerateDataKeyWithoutPlaintext":
		a = x.call("GenerateDataKey", x.in)
	case "GenerateDataKeyPairWithoutPlaintext":
		a = x.call("GenerateDataKeyPair", x.in)
	case "GenerateDataKey", "GenerateDataKeyPair":
		a = x.forward()
	default:
		return x.forward()
	}
	if a.ok() {
		a.body["KeyId"] = keyIDOf(str(a.body, "KeyId"))
	}
	return a
}

// sameKeys answers each key's first data key again, and each key's first
// public key of a spec, in every later answer.
func sameKeys() change {
	var mu sync.Mutex
	first := map[string]map[string]any{}
	return func(x *exchange) answer {
		a := x.forward()
		var id string
		switch x.op {
		case "GenerateDataKey":
			id = fmt.Sprint("data key ", x.in["KeyId"])
		case "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext":
			id = fmt.Sprint("pair ", x.in["KeyId"], x.in["KeyPairSpec"])
		default:
			return a
		}
		if !a.ok() {
			return a
		}
		mu.Lock()
		defer mu.Unlock()
		if f, ok := first[id]; ok {
			for _, m := range []string{"Plaintext", "CiphertextBlob", "PublicKey"} {
				if v, ok := f[m]; ok {
					a.body[m] = v
				}
			}
			return a
		}
		first[id] = a.body
		return a
	}
}

// refusalsEnable enables the key of every data key call it refuses as Disabled.
func refusalsEnable(x *exchange) answer {
	a := x.forward()
	if a.code() == "DisabledException" && a.status < http.StatusInternalServerError {
		x.call("EnableKey", map[string]any{"KeyId": x.in["KeyId"]})
	}
	return a
}
