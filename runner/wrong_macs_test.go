package runner_test

import (
	"encoding/base64"
	"net/http"
	"sync"
)

// macWrongCases are the endpoints that get GenerateMac, VerifyMac or
// DeriveSharedSecret wrong, each with the scenarios that show it up.
func macWrongCases() []wrongCase {
	fixed := func(c change) func(*wrongKMS) change { return func(*wrongKMS) change { return c } }
	return []wrongCase{
		{
			name: "VerifyMac accepts a MAC of another message, another key or with a bit flipped",
			tags: "@cond:VerifyMac.05,@cond:VerifyMac.06,@cond:VerifyMac.07,@cond:VerifyMac.10,@cond:GenerateMac.05,@cond:GenerateMac.06",
			change: fixed(only("VerifyMac", func(x *exchange) answer {
				a := x.forward()
				if a.code() == "KMSInvalidMacException" {
					return success(map[string]any{"KeyId": str(x.in, "KeyId"), "MacValid": true, "MacAlgorithm": str(x.in, "MacAlgorithm")})
				}
				return a
			})),
		},
		{
			name: "GenerateMac answers a MAC one bit off", tags: "@cond:GenerateMac.05",
			change: fixed(rewritten("GenerateMac", func(_ *exchange, out map[string]any) {
				if m, err := base64.StdEncoding.DecodeString(str(out, "Mac")); err == nil && len(m) > 0 {
					m[0] ^= 1
					out["Mac"] = base64.StdEncoding.EncodeToString(m)
				}
			})),
		},
		{
			name: "DeriveSharedSecret derives the secret with another key of the same spec",
			tags: "@cond:DeriveSharedSecret.12", change: fixed(only("DeriveSharedSecret", derivedWithAnotherKey)),
		},
		{
			name: "DeriveSharedSecret derives every secret of a key with the first peer's public key",
			tags: "@cond:DeriveSharedSecret.06", change: fixed(onePeer()),
		},
		{
			name: "MAC and key agreement answers name keys by their key IDs",
			tags: "@cond:GenerateMac.01,@cond:GenerateMac.05,@cond:VerifyMac.01,@cond:VerifyMac.08,@cond:DeriveSharedSecret.01,@cond:DeriveSharedSecret.11",
			change: fixed(func(x *exchange) answer {
				a := x.forward()
				if a.ok() && (x.op == "GenerateMac" || x.op == "VerifyMac" || x.op == "DeriveSharedSecret") {
					a.body["KeyId"] = keyIDOf(str(a.body, "KeyId"))
				}
				return a
			}),
		},
	}
}

// derivedWithAnotherKey answers DeriveSharedSecret with the secret of a new
// key of the named key's spec, in the name of the named key.
func derivedWithAnotherKey(x *exchange) answer {
	d := x.call("DescribeKey", map[string]any{"KeyId": x.in["KeyId"]})
	md := member(d.body, "KeyMetadata")
	if !d.ok() || md == nil {
		return x.forward()
	}
	k := x.call("CreateKey", map[string]any{"KeySpec": md["KeySpec"], "KeyUsage": "KEY_AGREEMENT"})
	other := member(k.body, "KeyMetadata")
	if !k.ok() || other == nil {
		return failure("KMSInternalException", http.StatusInternalServerError)
	}
	in := map[string]any{}
	for name, v := range x.in {
		in[name] = v
	}
	in["KeyId"] = other["Arn"]
	a := x.call("DeriveSharedSecret", in)
	if a.ok() {
		a.body["KeyId"], a.body["KeyOrigin"] = md["Arn"], md["Origin"]
	}
	return a
}

// onePeer derives every secret of a key with the public key of the first
// peer the key met, whatever public key the request gives.
func onePeer() change {
	var mu sync.Mutex
	first := map[string]any{}
	return only("DeriveSharedSecret", func(x *exchange) answer {
		id := keyIDOf(str(x.in, "KeyId"))
		mu.Lock()
		if _, ok := first[id]; !ok {
			first[id] = x.in["PublicKey"]
		}
		x.in["PublicKey"] = first[id]
		mu.Unlock()
		return x.forward()
	})
}
