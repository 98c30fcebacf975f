package runner_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kmsconform/kmsconform/reports"
)

// rotationWrongCases are the endpoints that get key rotation or key usage
// wrong, each with the scenarios that show it up.
func rotationWrongCases() []wrongCase {
	fixed := func(c change) func(*wrongKMS) change { return func(*wrongKMS) change { return c } }
	return []wrongCase{
		{
			name:   "a rotation breaks the ciphertexts of the key material before it",
			tags:   "@cond:RotateKeyOnDemand.05,@cond:RotateKeyOnDemand.15,@cond:ListKeyRotations.06,@cond:EnableKeyRotation.06",
			change: fixed(only("Decrypt", onlyCurrentMaterialDecrypts)),
			check: failWith(map[string]string{
				"rotate_key_on_demand.feature: The key rotates to new key material, and what it encrypted before still decrypts":           "does not decrypt",
				"automatic_rotation.feature: A period after rotation was enabled the key rotates, and the next rotation is a period later": "does not decrypt",
			}),
		},
		{
			name: "a rotation status that never changes, and EnableKeyRotation that does nothing",
			tags: "@op:EnableKeyRotation,@op:GetKeyRotationStatus,@cond:RotateKeyOnDemand.07,@cond:RotateKeyOnDemand.09",
			change: fixed(combined(ignored("EnableKeyRotation", nil), rewritten("GetKeyRotationStatus", func(_ *exchange, out map[string]any) {
				out["KeyRotationEnabled"] = false
				delete(out, "RotationPeriodInDays")
				delete(out, "NextRotationDate")
			}))),
			check: failWith(map[string]string{
				"get_key_rotation_status.feature: A Disabled key keeps its rotation status": "KeyRotationEnabled is false",
				"automatic_rotation.feature: Every period brings another rotation":          "lists 0 AUTOMATIC rotations",
			}),
		},
		{
			name: "GetKeyRotationStatus shows every key rotating yearly, its next rotation two days late and a rotation on demand forever under way",
			tags: "@cond:GetKeyRotationStatus.05,@cond:GetKeyRotationStatus.09,@cond:GetKeyRotationStatus.06,@cond:DisableKeyRotation.05,@cond:EnableKeyRotation.06,@cond:EnableKeyRotation.05",
			change: fixed(rewritten("GetKeyRotationStatus", func(_ *exchange, out map[string]any) {
				if out["KeyRotationEnabled"] != true {
					out["KeyRotationEnabled"], out["RotationPeriodInDays"] = true, json.Number("365")
					out["NextRotationDate"] = json.Number("4102444800") // 2100-01-01
				}
				shiftDate(out, "NextRotationDate", 2*24*3600)
				out["OnDemandRotationStartDate"] = json.Number("1767225600") // 2026-01-01
			})),
		},
		{
			name: "EnableKeyRotation and DisableKeyRotation refuse every request but one for a 365-day period",
			tags: "@cond:EnableKeyRotation.05,@cond:DisableKeyRotation.05",
			change: fixed(func(x *exchange) answer {
				if (x.op == "EnableKeyRotation" || x.op == "DisableKeyRotation") && x.in["RotationPeriodInDays"] != json.Number("365") {
					return failure("ValidationException", http.StatusBadRequest)
				}
				return x.forward()
			}),
		},
		{
			name: "an honest reference without a control API, where days cannot pass", change: fixed(honest), noControl: true,
			tags: "@cond:GetKeyRotationStatus.17,@cond:RotateKeyOnDemand.09,@cond:GetKeyRotationStatus.07", check: clockScenariosSkipped,
		},
		{
			name: "DisableKeyRotation does nothing", tags: "@cond:DisableKeyRotation.05",
			change: fixed(ignored("DisableKeyRotation", nil)),
		},
		{
			name: "DisableKey does nothing, and EnableKeyRotation cancels the deletion of the key it refuses",
			tags: "@cond:GetKeyRotationStatus.08,@cond:EnableKeyRotation.14,@cond:EnableKeyRotation.15",
			change: fixed(combined(ignored("DisableKey", nil), only("EnableKeyRotation", func(x *exchange) answer {
				a := x.forward()
				if a.code() == "KMSInvalidStateException" {
					x.call("CancelKeyDeletion", map[string]any{"KeyId": x.in["KeyId"]})
				}
				return a
			}))),
		},
		{
			name: "RotateKeyOnDemand does nothing", tags: "@cond:RotateKeyOnDemand.05,@cond:RotateKeyOnDemand.15,@cond:RotateKeyOnDemand.17,@cond:ImportKeyMaterial.31",
			change: fixed(ignored("RotateKeyOnDemand", func(x *exchange) answer {
				if md := x.describedKey(); md != nil {
					return success(map[string]any{"KeyId": md["Arn"]})
				}
				return failure("NotFoundException", http.StatusBadRequest)
			})),
		},
		{
			name:   "RotateKeyOnDemand resets the automatic schedule, and rotates even when it answers ConflictException",
			tags:   "@cond:RotateKeyOnDemand.07,@cond:RotateKeyOnDemand.09",
			change: fixed(only("RotateKeyOnDemand", rotateRegardless)),
		},
		{
			name: "GetKeyRotationStatus rotates the key first",
			tags: "@cond:EnableKeyRotation.05",
			change: fixed(only("GetKeyRotationStatus", func(x *exchange) answer {
				x.call("RotateKeyOnDemand", map[string]any{"KeyId": x.in["KeyId"]})
				return x.forward()
			})),
		},
		{
			name: "rotation answers name keys by their key IDs", tags: "@cond:RotateKeyOnDemand.05,@cond:GetKeyRotationStatus.05,@cond:GetKeyRotationStatus.04",
			change: fixed(func(x *exchange) answer {
				a := x.forward()
				if a.ok() && (x.op == "RotateKeyOnDemand" || x.op == "GetKeyRotationStatus") {
					a.body["KeyId"] = keyIDOf(str(a.body, "KeyId"))
				}
				return a
			}),
		},
		{
			name: "ListKeyRotations ignores IncludeKeyMaterial and Marker",
			tags: "@cond:ListKeyRotations.05,@cond:ListKeyRotations.13,@cond:ListKeyRotations.14",
			change: fixed(only("ListKeyRotations", func(x *exchange) answer {
				x.in["IncludeKeyMaterial"] = "ALL_KEY_MATERIAL"
				delete(x.in, "Marker")
				return x.forward()
			})),
		},
		{
			name: "ListKeyRotations calls every key material CURRENT and drops rotation dates", tags: "@op:ListKeyRotations",
			change: fixed(rotationEntries(func(e map[string]any) {
				e["KeyMaterialState"] = "CURRENT"
				delete(e, "RotationDate")
			})),
		},
		{
			name: "ListKeyRotations names another key", tags: "@op:ListKeyRotations",
			change: fixed(rotationEntries(func(e map[string]any) { e["KeyId"] = "1234abcd-12ab-34cd-56ef-1234567890ab" })),
		},
		{
			name: "ListKeyRotations gives import members to generated key material and drops them from imported material", tags: "@op:ListKeyRotations",
			change: fixed(rotationEntries(func(e map[string]any) {
				if _, imported := e["ImportState"]; imported {
					delete(e, "ImportState")
					delete(e, "ExpirationModel")
				} else {
					e["ImportState"], e["ExpirationModel"] = "IMPORTED", "KEY_MATERIAL_DOES_NOT_EXPIRE"
				}
			})),
		},
		{
			name: "GetKeyLastUsage never reports a use", tags: "@op:GetKeyLastUsage",
			change: fixed(rewritten("GetKeyLastUsage", func(_ *exchange, out map[string]any) { out["KeyLastUsage"] = map[string]any{} })),
		},
		{
			name: "GetKeyLastUsage reports a key never used as used for Encrypt when it was created", tags: "@cond:GetKeyLastUsage.07",
			change: fixed(rewritten("GetKeyLastUsage", func(_ *exchange, out map[string]any) {
				if u := member(out, "KeyLastUsage"); u == nil || u["Operation"] == nil {
					out["KeyLastUsage"] = map[string]any{"Operation": "Encrypt", "Timestamp": out["KeyCreationDate"],
						"CloudTrailEventId": "11111111-2222-3333-4444-555555555555", "KmsRequestId": "66666666-7777-8888-9999-000000000000"}
				}
			})),
		},
		{
			name: "GetKeyLastUsage dates tracking a year before the key was created", tags: "@cond:GetKeyLastUsage.09",
			change: fixed(rewritten("GetKeyLastUsage", func(_ *exchange, out map[string]any) {
				shiftDate(out, "TrackingStartDate", -365*24*3600)
			})),
		},
		{
			// An emulator that makes ReEncrypt of Decrypt and Encrypt, and records the parts.
			name: "ReEncrypt leaves its source key's last usage a Decrypt", tags: "@cond:GetKeyLastUsage.11",
			change: fixed(only("ReEncrypt", func(x *exchange) answer {
				a := x.forward()
				if a.ok() {
					x.call("Decrypt", map[string]any{"CiphertextBlob": x.in["CiphertextBlob"]})
				}
				return a
			})),
		},
	}
}

// clockScenariosSkipped checks that the scenarios that let days pass, or
// need an account of their own, are skipped with the reason against a
// target without a control API.
func clockScenariosSkipped(t *testing.T, run *reports.Run) {
	if len(run.Scenarios) < 4 {
		t.Errorf("%d scenarios ran, want the clock and AWS managed key scenarios", len(run.Scenarios))
	}
	for _, s := range run.Scenarios {
		if s.Status != reports.StatusSkipped || !strings.Contains(s.Reason, "control API") {
			t.Errorf("%s: status %s (%s), want skipped for want of a control API", s.ID, s.Status, s.Reason)
		}
	}
}

// rotationEntries lets the reference answer ListKeyRotations and changes
// each entry of a successful answer with edit.
func rotationEntries(edit func(e map[string]any)) change {
	return rewritten("ListKeyRotations", func(_ *exchange, out map[string]any) {
		rotations, _ := out["Rotations"].([]any)
		for _, r := range rotations {
			if e, _ := r.(map[string]any); e != nil {
				edit(e)
			}
		}
	})
}

// onlyCurrentMaterialDecrypts answers Decrypt as the reference does, except
// that a ciphertext of key material that is no longer current is refused
// as if it were none of the key's: a rotation that breaks old ciphertexts.
func onlyCurrentMaterialDecrypts(x *exchange) answer {
	a := x.forward()
	if !a.ok() {
		return a
	}
	d := x.call("DescribeKey", map[string]any{"KeyId": a.body["KeyId"]})
	md := member(d.body, "KeyMetadata")
	if md != nil && str(md, "CurrentKeyMaterialId") != "" && str(a.body, "KeyMaterialId") != str(md, "CurrentKeyMaterialId") {
		return failure("InvalidCiphertextException", http.StatusBadRequest)
	}
	return a
}

// rotateRegardless answers RotateKeyOnDemand, but first switches the key's
// automatic rotation off and on again with the same period, which moves its
// schedule, so that the rotation also happens where an automatic one is due.
func rotateRegardless(x *exchange) answer {
	id := map[string]any{"KeyId": x.in["KeyId"]}
	st := x.call("GetKeyRotationStatus", id)
	period, on := st.body["RotationPeriodInDays"].(json.Number)
	if !st.ok() || st.body["KeyRotationEnabled"] != true || !on {
		return x.forward()
	}
	a := x.forward()
	x.call("DisableKeyRotation", id)
	if a.code() == "ConflictException" {
		x.call("RotateKeyOnDemand", id)
	}
	days, _ := strconv.Atoi(string(period))
	x.call("EnableKeyRotation", map[string]any{"KeyId": x.in["KeyId"], "RotationPeriodInDays": days})
	return a
}
