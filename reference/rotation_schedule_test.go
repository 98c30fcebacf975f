package reference

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// rotationStatus calls GetKeyRotationStatus and fails t on an error.
func (e *keysEnv) rotationStatus(t testing.TB, keyID string) *kms.GetKeyRotationStatusOutput {
	t.Helper()
	out, err := e.kms.GetKeyRotationStatus(testCtx(t), &kms.GetKeyRotationStatusInput{KeyId: aws.String(keyID)})
	if err != nil {
		t.Fatalf("GetKeyRotationStatus: %v", err)
	}
	return out
}

// rotations lists every rotation entry of keyID, ALL_KEY_MATERIAL when all.
func (e *keysEnv) rotations(t testing.TB, keyID string, all bool) []types.RotationsListEntry {
	t.Helper()
	in := &kms.ListKeyRotationsInput{KeyId: aws.String(keyID)}
	if all {
		in.IncludeKeyMaterial = types.IncludeKeyMaterialAllKeyMaterial
	}
	out, err := e.kms.ListKeyRotations(testCtx(t), in)
	if err != nil {
		t.Fatalf("ListKeyRotations: %v", err)
	}
	return out.Rotations
}

// TestRotationKeyStates: the key-state and key-kind rules of the rotation
// operations and GetKeyLastUsage, each in a fresh key.
func TestRotationKeyStates(t *testing.T) {
	e := newKeysEnv(t)
	rsa := func(t *testing.T) string {
		return *e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeSignVerify}).KeyId
	}
	hmacKey := func(t *testing.T) string {
		return *e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeGenerateVerifyMac}).KeyId
	}
	kind := func(k keyKind) func(t *testing.T) string {
		return func(t *testing.T) string { return *e.makeKey(t, k).KeyId }
	}
	calls := map[string]func(id string) error{
		"EnableKeyRotation": func(id string) error {
			_, err := e.kms.EnableKeyRotation(testCtx(t), &kms.EnableKeyRotationInput{KeyId: aws.String(id)})
			return err
		},
		"DisableKeyRotation": func(id string) error {
			_, err := e.kms.DisableKeyRotation(testCtx(t), &kms.DisableKeyRotationInput{KeyId: aws.String(id)})
			return err
		},
		"GetKeyRotationStatus": func(id string) error {
			_, err := e.kms.GetKeyRotationStatus(testCtx(t), &kms.GetKeyRotationStatusInput{KeyId: aws.String(id)})
			return err
		},
		"ListKeyRotations": func(id string) error {
			_, err := e.kms.ListKeyRotations(testCtx(t), &kms.ListKeyRotationsInput{KeyId: aws.String(id)})
			return err
		},
		"GetKeyLastUsage": func(id string) error {
			_, err := e.kms.GetKeyLastUsage(testCtx(t), &kms.GetKeyLastUsageInput{KeyId: aws.String(id)})
			return err
		},
	}
	cases := []struct {
		key  string
		make func(t *testing.T) string
		// want is the error code per operation; "" succeeds.
		want map[string]string
	}{
		{"Enabled", kind(kindEnabled), map[string]string{}},
		{"Disabled", kind(kindDisabled), map[string]string{"EnableKeyRotation": "DisabledException", "DisableKeyRotation": "DisabledException"}},
		{"PendingDeletion", kind(kindPendingDeletion), map[string]string{"EnableKeyRotation": "KMSInvalidStateException", "DisableKeyRotation": "KMSInvalidStateException"}},
		{"PendingImport", kind(kindPendingImport), map[string]string{"EnableKeyRotation": "UnsupportedOperationException",
			"DisableKeyRotation": "UnsupportedOperationException", "GetKeyRotationStatus": "UnsupportedOperationException"}},
		{"EXTERNAL Disabled", kind(kindExternalDisabled), map[string]string{"EnableKeyRotation": "UnsupportedOperationException",
			"DisableKeyRotation": "UnsupportedOperationException", "GetKeyRotationStatus": "UnsupportedOperationException"}},
		{"Unavailable", kind(kindUnavailable), map[string]string{"EnableKeyRotation": "UnsupportedOperationException",
			"DisableKeyRotation": "UnsupportedOperationException", "GetKeyRotationStatus": "UnsupportedOperationException",
			"ListKeyRotations": "UnsupportedOperationException"}},
		{"ECC signing", rsa, map[string]string{"EnableKeyRotation": "UnsupportedOperationException",
			"DisableKeyRotation": "UnsupportedOperationException", "GetKeyRotationStatus": "UnsupportedOperationException",
			"ListKeyRotations": "UnsupportedOperationException"}},
		{"HMAC", hmacKey, map[string]string{"EnableKeyRotation": "UnsupportedOperationException",
			"DisableKeyRotation": "UnsupportedOperationException", "GetKeyRotationStatus": "UnsupportedOperationException",
			"ListKeyRotations": "UnsupportedOperationException"}},
	}
	for _, tc := range cases {
		for op, call := range calls {
			t.Run(tc.key+"/"+op, func(t *testing.T) {
				err := call(tc.make(t))
				if want := tc.want[op]; want == "" {
					if err != nil {
						t.Fatalf("%s: %v, want success", op, err)
					}
				} else {
					wantCode(t, err, want)
				}
			})
		}
	}
}

// TestAutomaticRotation: a period after EnableKeyRotation the key rotates on
// the virtual clock, ListKeyRotations lists it as AUTOMATIC, the next date
// moves on by the period, and a ciphertext made before still decrypts.
func TestAutomaticRotation(t *testing.T) {
	e := newKeysEnv(t)
	id := *e.createKey(t, nil).KeyId
	if st := e.rotationStatus(t, id); st.KeyRotationEnabled || st.RotationPeriodInDays != nil || st.NextRotationDate != nil {
		t.Fatalf("a new key's rotation status = %+v, want off without period or date", st)
	}
	if _, err := e.kms.EnableKeyRotation(testCtx(t), &kms.EnableKeyRotationInput{KeyId: aws.String(id), RotationPeriodInDays: aws.Int32(90)}); err != nil {
		t.Fatal(err)
	}
	st := e.rotationStatus(t, id)
	next := aws.ToTime(st.NextRotationDate)
	if !st.KeyRotationEnabled || aws.ToInt32(st.RotationPeriodInDays) != 90 || next.Sub(e.svc.Clock().Now()) < 89*24*time.Hour {
		t.Fatalf("status after enabling = %+v, want on, 90 days, next in 90 days", st)
	}
	if got := e.rotations(t, id, false); len(got) != 0 {
		t.Fatalf("rotations before any = %+v", got)
	}
	before := aws.ToString(e.describe(t, id).CurrentKeyMaterialId)
	enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: aws.String(id), Plaintext: []byte("before")})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.Clock().Advance(91 * 24 * time.Hour)
	after := aws.ToString(e.describe(t, id).CurrentKeyMaterialId)
	if after == before {
		t.Fatal("the key did not rotate a period after enabling")
	}
	rot := e.rotations(t, id, false)
	if len(rot) != 1 || rot[0].RotationType != types.RotationTypeAutomatic || aws.ToString(rot[0].KeyMaterialId) != after ||
		!aws.ToTime(rot[0].RotationDate).Equal(next) || rot[0].KeyMaterialState != types.KeyMaterialStateCurrent {
		t.Fatalf("rotations = %+v, want one AUTOMATIC rotation to %s at %v", rot, after, next)
	}
	if all := e.rotations(t, id, true); len(all) != 2 || aws.ToString(all[0].KeyMaterialId) != before || all[0].KeyMaterialState != types.KeyMaterialStateNonCurrent || all[0].RotationType != "" {
		t.Fatalf("all key material = %+v, want the first material NON_CURRENT without a rotation type, then the new one", all)
	}
	if got := aws.ToTime(e.rotationStatus(t, id).NextRotationDate); !got.Equal(next.Add(90 * 24 * time.Hour)) {
		t.Fatalf("next rotation = %v, want %v", got, next.Add(90*24*time.Hour))
	}
	dec, err := e.kms.Decrypt(testCtx(t), &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	if err != nil || string(dec.Plaintext) != "before" {
		t.Fatalf("the ciphertext made before the rotation: %v", err)
	}
}

// TestRotationPausesWhileDisabled: a key disabled when its rotation comes
// due is not rotated; enabled again more than a year after its material
// became current, it rotates at once; within the year the schedule resumes.
func TestRotationPausesWhileDisabled(t *testing.T) {
	for _, tc := range []struct {
		name        string
		disabledFor time.Duration
		wantRotated bool
	}{
		{"material older than a year", 400 * 24 * time.Hour, true},
		{"material younger than a year", 100 * 24 * time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newKeysEnv(t)
			id := *e.createKey(t, nil).KeyId
			if _, err := e.kms.EnableKeyRotation(testCtx(t), &kms.EnableKeyRotationInput{KeyId: aws.String(id), RotationPeriodInDays: aws.Int32(90)}); err != nil {
				t.Fatal(err)
			}
			e.disable(t, id)
			e.svc.Clock().Advance(tc.disabledFor)
			if got := e.rotations(t, id, false); len(got) != 0 {
				t.Fatalf("a Disabled key rotated: %+v", got)
			}
			if st := e.rotationStatus(t, id); !st.KeyRotationEnabled {
				t.Fatal("disabling the key switched its rotation off")
			}
			if _, err := e.kms.EnableKey(testCtx(t), &kms.EnableKeyInput{KeyId: aws.String(id)}); err != nil {
				t.Fatal(err)
			}
			if got := len(e.rotations(t, id, false)); (got == 1) != tc.wantRotated {
				t.Fatalf("after enabling: %d rotations, want rotated=%v", got, tc.wantRotated)
			}
			if next := aws.ToTime(e.rotationStatus(t, id).NextRotationDate); !next.After(e.svc.Clock().Now()) {
				t.Fatalf("next rotation %v is not in the future", next)
			}
		})
	}
}

// TestRotationStatusPendingDeletion: a key pending deletion reports rotation
// off; cancelling the deletion brings the earlier status back.
func TestRotationStatusPendingDeletion(t *testing.T) {
	e := newKeysEnv(t)
	id := *e.createKey(t, nil).KeyId
	if _, err := e.kms.EnableKeyRotation(testCtx(t), &kms.EnableKeyRotationInput{KeyId: aws.String(id), RotationPeriodInDays: aws.Int32(180)}); err != nil {
		t.Fatal(err)
	}
	e.scheduleDeletion(t, id)
	if st := e.rotationStatus(t, id); st.KeyRotationEnabled || st.NextRotationDate != nil {
		t.Fatalf("pending deletion: %+v, want rotation off", st)
	}
	if _, err := e.kms.CancelKeyDeletion(testCtx(t), &kms.CancelKeyDeletionInput{KeyId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	if st := e.rotationStatus(t, id); !st.KeyRotationEnabled || aws.ToInt32(st.RotationPeriodInDays) != 180 {
		t.Fatalf("after cancelling: %+v, want rotation on every 180 days", st)
	}
}

// TestRotateOnDemandConflict: RotateKeyOnDemand is refused within 20 minutes
// of an automatic rotation and leaves the schedule alone otherwise.
func TestRotateOnDemandConflict(t *testing.T) {
	e := newKeysEnv(t)
	id := *e.createKey(t, nil).KeyId
	if _, err := e.kms.EnableKeyRotation(testCtx(t), &kms.EnableKeyRotationInput{KeyId: aws.String(id), RotationPeriodInDays: aws.Int32(90)}); err != nil {
		t.Fatal(err)
	}
	next := aws.ToTime(e.rotationStatus(t, id).NextRotationDate)
	e.rotate(t, id)
	if got := aws.ToTime(e.rotationStatus(t, id).NextRotationDate); !got.Equal(next) {
		t.Fatalf("on-demand rotation moved the schedule from %v to %v", next, got)
	}
	e.svc.Clock().Advance(90*24*time.Hour - 10*time.Minute)
	_, err := e.kms.RotateKeyOnDemand(testCtx(t), &kms.RotateKeyOnDemandInput{KeyId: aws.String(id)})
	wantCode(t, err, "ConflictException")
}

// TestListKeyRotationsPages: Limit and Marker page through the rotations
// in order; a marker of another key is InvalidMarkerException.
func TestListKeyRotationsPages(t *testing.T) {
	e := newKeysEnv(t)
	id := *e.createKey(t, nil).KeyId
	other := *e.createKey(t, nil).KeyId
	for range 3 {
		e.rotate(t, id)
	}
	e.rotate(t, other)
	all := e.rotations(t, id, false)
	if len(all) != 3 {
		t.Fatalf("%d rotations, want 3", len(all))
	}
	var paged []string
	var marker *string
	for pages := 0; ; pages++ {
		out, err := e.kms.ListKeyRotations(testCtx(t), &kms.ListKeyRotationsInput{KeyId: aws.String(id), Limit: aws.Int32(2), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Rotations {
			paged = append(paged, aws.ToString(r.KeyMaterialId))
		}
		if out.Truncated != (out.NextMarker != nil) || pages > 3 {
			t.Fatalf("page %d: Truncated %v with NextMarker %v", pages, out.Truncated, out.NextMarker)
		}
		if !out.Truncated {
			break
		}
		marker = out.NextMarker
	}
	for i, r := range all {
		if i >= len(paged) || paged[i] != aws.ToString(r.KeyMaterialId) {
			t.Fatalf("paged %v, want %+v in order", paged, all)
		}
	}
	otherPage, err := e.kms.ListKeyRotations(testCtx(t), &kms.ListKeyRotationsInput{KeyId: aws.String(other), Limit: aws.Int32(1), IncludeKeyMaterial: types.IncludeKeyMaterialAllKeyMaterial})
	if err != nil || otherPage.NextMarker == nil {
		t.Fatalf("other key's first page: %+v, %v", otherPage, err)
	}
	_, err = e.kms.ListKeyRotations(testCtx(t), &kms.ListKeyRotationsInput{KeyId: aws.String(id), Marker: otherPage.NextMarker})
	wantCode(t, err, "InvalidMarkerException")
}

// TestGetKeyLastUsage: a new key has no usage; a successful Encrypt is its
// last use; a refused call and a dry run are not; ReEncrypt counts for both
// keys; DescribeKey does not count.
func TestGetKeyLastUsage(t *testing.T) {
	e := newKeysEnv(t)
	md := e.createKey(t, nil)
	id := *md.KeyId
	dest := *e.createKey(t, nil).KeyId
	last := func(keyID string) *types.KeyLastUsageData {
		t.Helper()
		out, err := e.kms.GetKeyLastUsage(testCtx(t), &kms.GetKeyLastUsageInput{KeyId: aws.String(keyID)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.KeyId) != keyID || !aws.ToTime(out.TrackingStartDate).Equal(aws.ToTime(out.KeyCreationDate)) {
			t.Fatalf("GetKeyLastUsage = %+v", out)
		}
		return out.KeyLastUsage
	}
	if u := last(id); u == nil || u.Operation != "" || u.Timestamp != nil {
		t.Fatalf("unused key: %+v, want an empty KeyLastUsage", u)
	}
	enc, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: aws.String(id), Plaintext: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	if u := last(id); u.Operation != "Encrypt" || aws.ToString(u.KmsRequestId) == "" || aws.ToString(u.CloudTrailEventId) == "" || u.Timestamp == nil {
		t.Fatalf("after Encrypt: %+v", u)
	}
	if _, err := e.kms.Encrypt(testCtx(t), &kms.EncryptInput{KeyId: aws.String(id), Plaintext: []byte("x"), DryRun: aws.Bool(true)}); err == nil {
		t.Fatal("dry run succeeded")
	}
	if _, err := e.kms.GenerateDataKey(testCtx(t), &kms.GenerateDataKeyInput{KeyId: aws.String(id), NumberOfBytes: aws.Int32(2000)}); err == nil {
		t.Fatal("an invalid GenerateDataKey succeeded")
	}
	e.describe(t, id)
	if u := last(id); u.Operation != "Encrypt" {
		t.Fatalf("a refused call or DescribeKey counted: %+v", u)
	}
	if _, err := e.kms.ReEncrypt(testCtx(t), &kms.ReEncryptInput{CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: aws.String(dest)}); err != nil {
		t.Fatal(err)
	}
	if a, b := last(id), last(dest); a.Operation != "ReEncrypt" || b.Operation != "ReEncrypt" {
		t.Fatalf("after ReEncrypt: source %s, destination %s", a.Operation, b.Operation)
	}
}
