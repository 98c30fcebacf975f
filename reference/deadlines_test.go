package reference

import (
	"bytes"
	"encoding/hex"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// TestMovedDeadlines: settling visits only keys with a deadline due, and
// re-reads the key then. A deletion cancelled and scheduled again for later
// happens at the later date, not the first; material reimported with a later
// ValidTo expires at the later one; and a key with nothing due is untouched.
func TestMovedDeadlines(t *testing.T) {
	e := newKeysEnv(t)
	ctx := testCtx(t)
	schedule := func(keyID string, days int32) {
		t.Helper()
		if _, err := e.kms.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(keyID), PendingWindowInDays: aws.Int32(days)}); err != nil {
			t.Fatal(err)
		}
	}
	bystander := e.createKey(t, nil)
	rescheduled := e.createKey(t, nil)
	schedule(*rescheduled.KeyId, 7)
	if _, err := e.kms.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: rescheduled.KeyId}); err != nil {
		t.Fatal(err)
	}
	schedule(*rescheduled.KeyId, 10)

	external := e.makeKey(t, kindPendingImport)
	material := randomBytes(32)
	importUntil := func(validTo time.Time) {
		t.Helper()
		r := e.validRequest(t, *external.KeyId, material)
		if _, err := e.kms.ImportKeyMaterial(ctx, &kms.ImportKeyMaterialInput{KeyId: external.KeyId, ImportToken: r.token, EncryptedKeyMaterial: r.wrapped,
			ExpirationModel: types.ExpirationModelTypeKeyMaterialExpires, ValidTo: aws.Time(validTo)}); err != nil {
			t.Fatal(err)
		}
	}
	now := e.svc.Clock().Now()
	importUntil(now.Add(2 * time.Hour))
	importUntil(now.Add(48 * time.Hour)) // same material, later ValidTo

	e.svc.Clock().Advance(3 * time.Hour) // the first ValidTo has passed
	e.wantState(t, *external.KeyId, types.KeyStateEnabled)
	e.svc.Clock().Advance(46 * time.Hour) // the second too
	e.wantState(t, *external.KeyId, types.KeyStatePendingImport)

	e.svc.Clock().Advance(6 * 24 * time.Hour) // 8 days in: past the cancelled date
	e.wantState(t, *rescheduled.KeyId, types.KeyStatePendingDeletion)
	e.svc.Clock().Advance(3 * 24 * time.Hour) // 11 days in: past the later one
	_, err := e.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: rescheduled.KeyId})
	wantError(t, err, "NotFoundException", "does not exist")
	e.wantState(t, *bystander.KeyId, types.KeyStateEnabled)

	e.svc.mu.Lock()
	left := e.svc.accounts[accountRegion{testAccountID, testRegion}].deadlines.Len()
	e.svc.mu.Unlock()
	if left != 0 {
		t.Errorf("%d deadlines left after every one came due", left)
	}
}

// TestSealerFollowsMaterial: a key's cached AES-GCM belongs to the material
// it was built from. Material replaced under the key (a custom key store's
// key reconnected with other material) seals with the new material, and a
// blob sealed with the old one no longer opens.
func TestSealerFollowsMaterial(t *testing.T) {
	k := &Key{ID: "k", ARN: keyARN(testRegion, testAccountID, "k"), Material: randomBytes(32)}
	blob, err := sealBlob(k, []byte("first"), nil)
	if err != nil {
		t.Fatal(err)
	}
	open := func(blob []byte) ([]byte, error) {
		h, nonce, sealed, ok := parseBlob(blob)
		if !ok {
			t.Fatal("not a blob")
		}
		return openBlob(k, h, nonce, sealed, nil)
	}
	if got, err := open(blob); err != nil || !bytes.Equal(got, []byte("first")) {
		t.Fatalf("open = %q, %v", got, err)
	}
	k.Material = randomBytes(32)
	if _, err := open(blob); err == nil {
		t.Fatal("a blob of the replaced material opened: the sealer of the old material was used")
	}
	again, err := sealBlob(k, []byte("second"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if h, _, _, _ := parseBlob(again); hex.EncodeToString(h.materialID) != materialID(k) {
		t.Fatal("the new blob names the old material")
	}
	if got, err := open(again); err != nil || !bytes.Equal(got, []byte("second")) {
		t.Fatalf("open = %q, %v", got, err)
	}
}
