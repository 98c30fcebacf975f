package scenario

import "strings"

// multiRegionBody is a valid ReplicateKey or UpdatePrimaryRegion request on
// keyID, a multi-Region primary key, naming the run's second Region, that
// includes the parts member belongs to, or false when op is not one. A tag
// under test is a second tag beside the run's own.
func (w *Scenario) multiRegionBody(op, member, keyID string) (map[string]any, bool, error) {
	body := map[string]any{"KeyId": keyID}
	region, err := w.SecondRegion()
	switch op {
	case "ReplicateKey":
		body["ReplicaRegion"] = region
		tags := []any{map[string]any{"TagKey": RunTag, "TagValue": w.Env.RunID}}
		if strings.HasPrefix(member, "Tags[].") {
			tags = append(tags, map[string]any{"TagKey": "kmsconform:check", "TagValue": "input-validation"})
		}
		body["Tags"] = tags
	case "UpdatePrimaryRegion":
		body["PrimaryRegion"] = region
	default:
		return nil, false, nil
	}
	return body, true, err
}
