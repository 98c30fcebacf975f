package runner_test

import (
	"net/http"
	"sync"
)

// aliasWrongCases are the endpoints that get aliases, tags, descriptions
// or listings wrong, each with the scenarios that show it up.
func aliasWrongCases() []wrongCase {
	fixed := func(c change) func(*wrongKMS) change { return func(*wrongKMS) change { return c } }
	return []wrongCase{
		{
			name: "UpdateAlias does nothing: the alias keeps naming its old key", tags: "@op:UpdateAlias",
			change: fixed(ignored("UpdateAlias", nil)),
		},
		{
			name: "DeleteAlias does nothing: the deleted alias still names its key", tags: "@op:DeleteAlias",
			change: fixed(ignored("DeleteAlias", nil)),
		},
		{
			name:   "ListKeys and ListAliases and ListResourceTags drop their last page",
			tags:   "@cond:ListKeys.01,@cond:ListKeys.03,@cond:ListAliases.12,@cond:ListResourceTags.07,@cond:CreateAlias.15",
			change: fixed(droppedLastPage),
		},
		{
			name: "ListAliases ignores its KeyId", tags: "@cond:ListAliases.02",
			change: fixed(only("ListAliases", func(x *exchange) answer {
				delete(x.in, "KeyId")
				return x.forward()
			})),
		},
		{
			name: "ListAliases gives the key ARN for the alias ARN and no LastUpdatedDate", tags: "@cond:ListAliases.01,@cond:CreateAlias.16",
			change: fixed(rewritten("ListAliases", func(x *exchange, out map[string]any) {
				for _, e := range listed(out, "Aliases") {
					// The slip of the AliasListEntry doc (conflicts part E.21 of the spec) made real.
					e["AliasArn"] = "arn:aws:kms:us-east-1:111122223333:key/" + str(e, "TargetKeyId")
					delete(e, "LastUpdatedDate")
				}
			})),
		},
		{
			name: "ListKeys and ListAliases of one account show the other's keys and aliases",
			tags: "@cond:ListKeys.02,@cond:ListAliases.07", change: func(*wrongKMS) change { return sharedLists() },
		},
		{
			name:   "TagResource and UntagResource and UpdateKeyDescription do nothing",
			tags:   "@cond:TagResource.07,@cond:TagResource.08,@cond:UntagResource.06,@cond:UpdateKeyDescription.05",
			change: fixed(combined(ignored("TagResource", nil), ignored("UntagResource", nil), ignored("UpdateKeyDescription", nil))),
		},
		{
			name: "TagResource refuses an empty tag value", tags: "@cond:TagResource.09",
			change: fixed(only("TagResource", func(x *exchange) answer {
				for _, t := range listed(x.in, "Tags") {
					if str(t, "TagValue") == "" {
						return failure("ValidationException", http.StatusBadRequest)
					}
				}
				return x.forward()
			})),
		},
		{
			name: "DisableKey does nothing: keys said to be Disabled are Enabled", tags: "@cond:TagResource.15,@cond:DeleteAlias.04",
			change: fixed(ignored("DisableKey", nil)),
		},
		{
			name: "tagging or describing a key enables it", tags: "@cond:TagResource.15,@cond:UntagResource.10,@cond:UpdateKeyDescription.08",
			change: fixed(func(x *exchange) answer {
				a := x.forward()
				switch x.op {
				case "TagResource", "UntagResource", "UpdateKeyDescription":
					if a.ok() {
						x.call("EnableKey", map[string]any{"KeyId": x.in["KeyId"]})
					}
				}
				return a
			}),
		},
	}
}

// listed are the objects of the list member name of m.
func listed(m map[string]any, name string) []map[string]any {
	items, _ := m[name].([]any)
	var out []map[string]any
	for _, it := range items {
		if o, ok := it.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

// listMembers are the member each listing lists its items in.
var listMembers = map[string]string{"ListKeys": "Keys", "ListAliases": "Aliases", "ListResourceTags": "Tags"}

// droppedLastPage answers the last page of a list asked for with a Marker
// as an empty one: whatever the first pages left over is lost.
func droppedLastPage(x *exchange) answer {
	a := x.forward()
	member, isList := listMembers[x.op]
	if isList && a.ok() && x.in["Marker"] != nil && a.body["Truncated"] != true {
		a.body[member] = []any{}
	}
	return a
}

// sharedLists lists, to either account, the keys and aliases both
// accounts created.
func sharedLists() change {
	var (
		mu      sync.Mutex
		keys    []any
		aliases []any
	)
	return func(x *exchange) answer {
		a := x.forward()
		if !a.ok() {
			return a
		}
		mu.Lock()
		defer mu.Unlock()
		switch x.op {
		case "CreateKey":
			if md := member(a.body, "KeyMetadata"); md != nil {
				keys = append(keys, map[string]any{"KeyId": md["KeyId"], "KeyArn": md["Arn"]})
			}
		case "CreateAlias":
			aliases = append(aliases, map[string]any{"AliasName": x.in["AliasName"], "TargetKeyId": x.in["TargetKeyId"]})
		case "ListKeys":
			a.body["Keys"] = append(a.body["Keys"].([]any), keys...)
		case "ListAliases":
			if x.in["KeyId"] == nil {
				a.body["Aliases"] = append(a.body["Aliases"].([]any), aliases...)
			}
		}
		return a
	}
}
