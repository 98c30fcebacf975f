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
			tags: "@cond:ReplicateKey.12,@cond:ReplicateKey.13,@cond:RotateKeyOnDemand.16,@cond:ImportKeyMaterial.31",
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
			tags: "@op:ReplicateKey,@op:UpdatePrimaryRegion,@cond:ScheduleKeyDeletion.13,@cond:DescribeKey.01,@cond:ScheduleKeyDeletion.08,@cond:ReplicateKey.11,@cond:DisableKey.09,@cond:CreateGrant.26,@cond:EnableKeyRotation.18,@cond:EnableKeyRotation.19",
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
			name:   "a replica takes rotation requests of its own and shows them, and keeps its key material when its primary rotates",
			tags:   "@cond:EnableKeyRotation.13,@cond:DisableKeyRotation.11,@cond:RotateKeyOnDemand.16,@cond:ImportKeyMaterial.31",
			change: func(*wrongKMS) change { return replicasRotateApart() },
		},
		{
			name: "GetKeyLastUsage of a multi-Region key answers its last use in the second Region", tags: "@cond:GetKeyLastUsage.12",
			change: fixed(func(x *exchange) answer {
				a := x.forward()
				if x.op != "GetKeyLastUsage" || !a.ok() || regionOf(x.r) == reference.DefaultSecondRegion || !strings.HasPrefix(str(x.in, "KeyId"), "mrk-") {
					return a
				}
				if b := x.callIn(reference.DefaultSecondRegion, x.op, x.in); b.ok() && str(member(b.body, "KeyLastUsage"), "Operation") != "" {
					a.body["KeyLastUsage"] = b.body["KeyLastUsage"]
				}
				return a
			}),
		},
		{
			name: "DescribeKey of a multi-Region key names its newest key material current, even before a rotation made it so",
			tags: "@cond:RotateKeyOnDemand.17",
			change: fixed(rewritten("DescribeKey", func(x *exchange, out map[string]any) {
				md := member(out, "KeyMetadata")
				if md == nil || md["MultiRegion"] != true || md["CurrentKeyMaterialId"] == nil {
					return
				}
				l := x.call("ListKeyRotations", map[string]any{"KeyId": md["KeyId"], "IncludeKeyMaterial": "ALL_KEY_MATERIAL"})
				if rs, _ := l.body["Rotations"].([]any); len(rs) > 0 {
					if last, ok := rs[len(rs)-1].(map[string]any); ok {
						md["CurrentKeyMaterialId"] = last["KeyMaterialId"]
					}
				}
			})),
		},
		{
			name: "ListKeyRotations in the second Region shows every imported key material IMPORTED",
			tags: "@cond:DeleteImportedKeyMaterial.15",
			change: fixed(rewritten("ListKeyRotations", func(x *exchange, out map[string]any) {
				if regionOf(x.r) != reference.DefaultSecondRegion {
					return
				}
				rs, _ := out["Rotations"].([]any)
				for _, r := range rs {
					if e, ok := r.(map[string]any); ok && e["ImportState"] != nil {
						e["ImportState"] = "IMPORTED"
					}
				}
			})),
		},
		{
			// No replica is made: the answer is the new primary's own metadata.
			name: "ReplicateKey of a new primary key that is Updating answers success", tags: "@cond:ReplicateKey.28",
			change: fixed(only("ReplicateKey", func(x *exchange) answer {
				a := x.forward()
				if a.ok() || a.code() != "KMSInvalidStateException" {
					return a
				}
				d := x.call("DescribeKey", map[string]any{"KeyId": x.in["KeyId"]})
				if md := member(d.body, "KeyMetadata"); md != nil && str(md, "KeyState") == "Updating" {
					return success(map[string]any{"ReplicaKeyMetadata": md, "ReplicaPolicy": "{}"})
				}
				return a
			})),
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

// replicasRotateApart is an endpoint where a replica takes
// EnableKeyRotation, DisableKeyRotation and RotateKeyOnDemand as if it
// were a primary, and GetKeyRotationStatus shows what it took, while
// DescribeKey in the second Region keeps showing a key's first key material.
func replicasRotateApart() change {
	var mu sync.Mutex
	enabled := map[string]bool{} // key IDs whose replica "enabled" rotation
	first := map[string]any{}    // key ID -> the first CurrentKeyMaterialId seen in the second Region
	return func(x *exchange) answer {
		if regionOf(x.r) != reference.DefaultSecondRegion {
			return x.forward()
		}
		id := str(x.in, "KeyId")
		switch x.op {
		case "EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand":
			d := x.call("DescribeKey", map[string]any{"KeyId": id})
			md := member(d.body, "KeyMetadata")
			if str(member(md, "MultiRegionConfiguration"), "MultiRegionKeyType") != "REPLICA" || str(md, "KeyState") != "Enabled" {
				return x.forward()
			}
			mu.Lock()
			defer mu.Unlock()
			enabled[str(md, "KeyId")] = x.op == "EnableKeyRotation" || (x.op != "DisableKeyRotation" && enabled[str(md, "KeyId")])
			if x.op == "RotateKeyOnDemand" {
				return success(map[string]any{"KeyId": md["Arn"]})
			}
			return success(nil)
		case "GetKeyRotationStatus":
			a := x.forward()
			mu.Lock()
			defer mu.Unlock()
			if a.ok() && enabled[strings.TrimPrefix(id[strings.LastIndex(id, "/")+1:], "key/")] {
				a.body["KeyRotationEnabled"], a.body["RotationPeriodInDays"] = true, 365
			}
			return a
		case "DescribeKey":
			a := x.forward()
			md := member(a.body, "KeyMetadata")
			if md == nil || md["CurrentKeyMaterialId"] == nil {
				return a
			}
			mu.Lock()
			defer mu.Unlock()
			kid := str(md, "KeyId")
			if _, ok := first[kid]; !ok {
				first[kid] = md["CurrentKeyMaterialId"]
			}
			md["CurrentKeyMaterialId"] = first[kid]
			return a
		}
		return x.forward()
	}
}
