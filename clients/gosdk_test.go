package clients

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func TestToWire(t *testing.T) {
	created := time.Date(2026, 11, 25, 17, 0, 0, 830_000_000, time.UTC)
	out := &kms.DescribeKeyOutput{KeyMetadata: &types.KeyMetadata{
		KeyId:                strPtr("1234abcd-12ab-34cd-56ef-1234567890ab"),
		CreationDate:         &created,
		Enabled:              true,
		KeyState:             types.KeyStateEnabled,
		EncryptionAlgorithms: []types.EncryptionAlgorithmSpec{types.EncryptionAlgorithmSpecSymmetricDefault},
	}}
	got := toWire(reflect.ValueOf(out))
	want := map[string]any{"KeyMetadata": map[string]any{
		"KeyId":                "1234abcd-12ab-34cd-56ef-1234567890ab",
		"CreationDate":         float64(created.Unix()) + 0.83,
		"Enabled":              true,
		"KeyState":             "Enabled",
		"EncryptionAlgorithms": []any{"SYMMETRIC_DEFAULT"},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("toWire = %#v\nwant %#v", got, want)
	}
	blob := toWire(reflect.ValueOf(&kms.GenerateRandomOutput{Plaintext: []byte("hi")}))
	if want := map[string]any{"Plaintext": "aGk="}; !reflect.DeepEqual(blob, want) {
		t.Errorf("toWire(blob) = %#v, want %#v", blob, want)
	}
}

func TestGoInput(t *testing.T) {
	method, ok := reflect.TypeFor[*kms.Client]().MethodByName("ImportKeyMaterial")
	if !ok {
		t.Fatal("no ImportKeyMaterial")
	}
	validTo := time.Date(2026, 12, 1, 0, 0, 0, 500_000_000, time.UTC)
	in, err := goInput(method.Type.In(2), map[string]any{
		"KeyId": "k", "ImportToken": "aGk=", "EncryptedKeyMaterial": "AAE=", "ValidTo": float64(validTo.UnixMilli()) / 1000,
		"ExpirationModel": "KEY_MATERIAL_EXPIRES",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := in.Interface().(*kms.ImportKeyMaterialInput)
	if string(got.ImportToken) != "hi" || !reflect.DeepEqual(got.EncryptedKeyMaterial, []byte{0, 1}) ||
		got.ExpirationModel != types.ExpirationModelTypeKeyMaterialExpires ||
		!got.ValidTo.Equal(validTo) {
		t.Errorf("goInput = %+v", got)
	}
	if _, err := goInput(method.Type.In(2), map[string]any{"KeyID": "k"}); err == nil {
		t.Error("goInput accepted a member the operation does not have (KeyID for KeyId)")
	}
}

func strPtr(s string) *string { return &s }
