package scenario

// rotationBody is a valid request of a rotation or key usage operation on
// keyID that includes the member under test, or false when op is not one.
// ListKeyRotations gets a Marker only where the Marker is under test: an
// endpoint would refuse one it did not give with InvalidMarkerException,
// but the model's limits are checked before it is read.
func rotationBody(op, member, keyID string) (map[string]any, bool) {
	body := map[string]any{"KeyId": keyID}
	switch op {
	case "DisableKeyRotation", "GetKeyRotationStatus", "RotateKeyOnDemand", "GetKeyLastUsage":
	case "EnableKeyRotation":
		body["RotationPeriodInDays"] = 365
	case "ListKeyRotations":
		body["IncludeKeyMaterial"] = "ALL_KEY_MATERIAL"
		body["Limit"] = 100
		if member == "Marker" {
			body["Marker"] = "kmsconform-marker"
		}
	default:
		return nil, false
	}
	return body, true
}
