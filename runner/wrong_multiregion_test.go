package runner_test

import (
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/kmsconform/kmsconform/reference"
)

// multiRegionWrongCases are the endpoints that get multi-Region keys wrong,
// each with the scenarios that show it up.
func multiRegionWrongCases() []wrongCase {
	fixed := func(c change) func(*wrongKMS) change { return func(*wrongKMS) change { return c } }
	return []wrongCase{
		{
			// What a client sees of a replica whose key material is not its
			// primary's: the other Region's ciphertexts do not decrypt, and
			// its signatures are another key's.
			name: "a replica with different key material",
			tags: "@cond:ReplicateKey.12,@cond:ReplicateKey.13",
			change: fixed(func(x *exchange) answer {
				if regionOf(x.r) != reference.DefaultSecondRegion {
					return x.forward()
				}
				switch x.op {
				case "Decrypt":
					return failure("InvalidCiphertextException", http.StatusBadRequest)
				case "Sign":
					return signedWithAnotherKey(x)
				}
				return x.forward()
			}),
		},
		{
			name: "ReplicateKey answers the replica Enabled, and DescribeKey never shows a key Creating, Updating or PendingReplicaDeletion",
			tags: "@op:ReplicateKey,@op:UpdatePrimaryRegion,@cond:ScheduleKeyDeletion.13,@cond:DescribeKey.01,@cond:ScheduleKeyDeletion.08,@cond:ReplicateKey.11,@cond:DisableKey.09",
			change: fixed(func(x *exchange) answer {
				a := x.forward()
				if !a.ok() {
					return a
				}
				for _, md := range []map[string]any{member(a.body, "ReplicaKeyMetadata"), member(a.body, "KeyMetadata")} {
					if md == nil {
						continue
					}
					switch str(md, "KeyState") {
					case "Creating", "Updating":
						md["KeyState"], md["Enabled"] = "Enabled", true
					case "PendingReplicaDeletion":
						md["KeyState"] = "PendingDeletion"
						md["DeletionDate"] = 4102444800 // 2100-01-01
					}
				}
				return a
			}),
		},
		{
			name: "UpdatePrimaryRegion does nothing, and DescribeKey lists no replicas",
			tags: "@op:UpdatePrimaryRegion,@cond:ReplicateKey.10",
			change: fixed(combined(ignored("UpdatePrimaryRegion", nil), rewritten("DescribeKey", func(_ *exchange, out map[string]any) {
				if cfg := member(out, "KeyMetadata", "MultiRegionConfiguration"); cfg != nil {
					cfg["ReplicaKeys"] = []any{}
				}
			}))),
		},
		{
			name: "a replica takes its primary's description, and deleting a replica's key material deletes the primary's",
			tags: "@cond:ReplicateKey.19,@cond:DeleteImportedKeyMaterial.16",
			change: fixed(func(x *exchange) answer {
				switch {
				case x.op == "ReplicateKey" && x.in["Description"] == nil:
					d := x.call("DescribeKey", map[string]any{"KeyId": x.in["KeyId"]})
					x.in["Description"] = str(member(d.body, "KeyMetadata"), "Description")
				case x.op == "DeleteImportedKeyMaterial" && regionOf(x.r) == reference.DefaultSecondRegion:
					a := x.forward()
					x.callIn(reference.DefaultRegion, "DeleteImportedKeyMaterial", map[string]any{"KeyId": x.in["KeyId"]})
					return a
				}
				return x.forward()
			}),
		},
		{
			name: "DisableKey does nothing to a multi-Region key", change: fixed(ignored("DisableKey", nil)),
			tags: "@cond:ReplicateKey.24,@cond:UpdatePrimaryRegion.12",
		},
		{
			name: "CancelKeyDeletion does nothing, and DescribeKey shows a DeletionDate while a primary waits for its replicas",
			tags: "@cond:CancelKeyDeletion.05,@cond:ScheduleKeyDeletion.13",
			change: fixed(combined(ignored("CancelKeyDeletion", nil), rewritten("DescribeKey", func(_ *exchange, out map[string]any) {
				if md := member(out, "KeyMetadata"); md != nil && str(md, "KeyState") == "PendingReplicaDeletion" {
					md["DeletionDate"] = 4102444800 // 2100-01-01
				}
			}))),
		},
		{
			name: "replicas never leave Creating", tags: "@cond:ReplicateKey.10",
			change: func(*wrongKMS) change { return stuckAfter("ReplicateKey") },
		},
		{
			name: "keys never leave Updating", tags: "@cond:UpdatePrimaryRegion.09",
			change: func(*wrongKMS) change { return stuckAfter("UpdatePrimaryRegion") },
		},
		{
			name: "ReplicateKey and UpdatePrimaryRegion refuse a key ARN, and UpdatePrimaryRegion answers a body",
			tags: "@cond:ReplicateKey.03,@cond:UpdatePrimaryRegion.03,@cond:UpdatePrimaryRegion.07",
			change: fixed(func(x *exchange) answer {
				if x.op != "ReplicateKey" && x.op != "UpdatePrimaryRegion" {
					return x.forward()
				}
				if strings.HasPrefix(str(x.in, "KeyId"), "arn:") {
					return failure("NotFoundException", http.StatusBadRequest)
				}
				a := x.forward()
				if a.ok() && x.op == "UpdatePrimaryRegion" {
					a.body["KeyId"] = x.in["KeyId"]
				}
				return a
			}),
		},
	}
}

// stuckAfter keeps the keys that op (ReplicateKey or UpdatePrimaryRegion)
// puts in Creating or Updating there in DescribeKey's answers for good. It
// learns them from op's answers, so that no DescribeKey needs to catch a key
// in the transition.
func stuckAfter(op string) change {
	var mu sync.Mutex
	stuck := map[string]string{} // Region/key ID -> the state it stays in
	return func(x *exchange) answer {
		a := x.forward()
		if !a.ok() {
			return a
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case x.op == op && op == "ReplicateKey":
			stuck[str(x.in, "ReplicaRegion")+"/"+str(member(a.body, "ReplicaKeyMetadata"), "KeyId")] = "Creating"
		case x.op == op && op == "UpdatePrimaryRegion":
			id := str(x.in, "KeyId")
			if i := strings.LastIndex(id, "/"); i >= 0 {
				id = id[i+1:]
			}
			stuck[regionOf(x.r)+"/"+id] = "Updating"
			stuck[str(x.in, "PrimaryRegion")+"/"+id] = "Updating"
		case x.op == "DescribeKey":
			md := member(a.body, "KeyMetadata")
			if st := stuck[regionOf(x.r)+"/"+str(md, "KeyId")]; md != nil && st != "" {
				md["KeyState"], md["Enabled"] = st, false
			}
		}
		return a
	}
}

var scopeRegion = regexp.MustCompile(`Credential=[^/]+/[^/]+/([^/]+)/`)

// regionOf is the Region a request is signed for.
func regionOf(r *http.Request) string {
	m := scopeRegion.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return ""
	}
	return m[1]
}

// callIn asks the reference op with input in, as the account that sent x,
// in another Region: the reference reads the Region from the credential
// scope and does not check the signature.
func (x *exchange) callIn(region, op string, in map[string]any) answer {
	r := x.r.Clone(x.r.Context())
	from := regionOf(x.r)
	r.Header.Set("Authorization", strings.Replace(x.r.Header.Get("Authorization"), "/"+from+"/", "/"+region+"/", 1))
	y := &exchange{k: x.k, op: op, in: in, r: r}
	return y.call(op, in)
}

// signedWithAnotherKey answers Sign with the signature of a new key of the
// named key's spec, in the name of the named key.
func signedWithAnotherKey(x *exchange) answer {
	d := x.call("DescribeKey", map[string]any{"KeyId": x.in["KeyId"]})
	md := member(d.body, "KeyMetadata")
	if md == nil {
		return x.forward()
	}
	k := x.call("CreateKey", map[string]any{"KeySpec": md["KeySpec"], "KeyUsage": md["KeyUsage"]})
	other := member(k.body, "KeyMetadata")
	if other == nil {
		return x.forward()
	}
	in := map[string]any{}
	for name, v := range x.in {
		in[name] = v
	}
	in["KeyId"] = other["KeyId"]
	a := x.call("Sign", in)
	if a.ok() {
		a.body["KeyId"] = md["Arn"]
	}
	return a
}
