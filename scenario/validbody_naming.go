package scenario

import "strings"

// namingBody is a valid request of an alias, tag, description or listing
// operation that includes the parts member belongs to, or false when op is
// not one. A key operation names the scenario's key; an alias that is to
// exist is a made-up one, which names nothing the run did not make.
func (w *Scenario) namingBody(op, member string) (map[string]any, bool, error) {
	switch op {
	case "ListKeys":
		if strings.HasPrefix(member, "ResourceOwners") {
			return map[string]any{"ResourceOwners": []any{"SELF"}}, true, nil
		}
		return map[string]any{}, true, nil
	case "DeleteAlias":
		return map[string]any{"AliasName": w.Env.MadeUp(w.Keys.NewAliasName())}, true, nil
	case "CreateAlias", "UpdateAlias", "ListAliases", "TagResource", "UntagResource", "ListResourceTags", "UpdateKeyDescription":
	default:
		return nil, false, nil
	}
	k, err := w.Keys.NeedKey()
	if err != nil {
		return nil, true, err
	}
	body := map[string]any{"KeyId": k.ID}
	switch op {
	case "CreateAlias", "UpdateAlias":
		body = map[string]any{"AliasName": w.Env.MadeUp(w.Keys.NewAliasName()), "TargetKeyId": k.ID}
	case "TagResource":
		body["Tags"] = []any{map[string]any{"TagKey": "kmsconform:check", "TagValue": "input-validation"}}
	case "UntagResource":
		body["TagKeys"] = []any{"kmsconform:check"}
	case "UpdateKeyDescription":
		body["Description"] = "kmsconform input constraint"
	}
	return body, true, nil
}
