package steps

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// TestWrapKWP checks AES key wrap with padding on the examples of RFC 5649, section 6.
func TestWrapKWP(t *testing.T) {
	kek := unhex(t, "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8")
	for _, tc := range []struct{ name, key, wrapped string }{
		{"20 octets", "c37b7e6492584340bed12207808941155068f738", "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"},
		{"7 octets", "466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := wrapKWP(kek, unhex(t, tc.key))
			if err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, tc.wrapped); !bytes.Equal(got, want) {
				t.Errorf("wrapKWP = %x, want %x", got, want)
			}
		})
	}
	if _, err := wrapKWP(kek, nil); err == nil {
		t.Error("wrapKWP of nothing succeeded, want an error")
	}
}

// TestWrapKeyMaterial checks the layout of each wrapping: the RSA-OAEP part
// decrypts with the wrapping private key, and the AES key wrap follows it.
func TestWrapKeyMaterial(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	material := bytes.Repeat([]byte{7}, symmetricMaterialSize)

	wrapped, err := wrapKeyMaterial(der, types.AlgorithmSpecRsaesOaepSha256, material)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rsa.DecryptOAEP(sha256.New(), nil, priv, wrapped, nil); err != nil || !bytes.Equal(got, material) {
		t.Errorf("RSAES_OAEP_SHA_256: the material does not decrypt (%v)", err)
	}

	wrapped, err = wrapKeyMaterial(der, types.AlgorithmSpecRsaAesKeyWrapSha256, material)
	if err != nil {
		t.Fatal(err)
	}
	if want := priv.Size() + symmetricMaterialSize + 8; len(wrapped) != want {
		t.Fatalf("RSA_AES_KEY_WRAP_SHA_256: %d bytes, want %d", len(wrapped), want)
	}
	aesKey, err := rsa.DecryptOAEP(sha256.New(), nil, priv, wrapped[:priv.Size()], nil)
	if err != nil {
		t.Fatalf("RSA_AES_KEY_WRAP_SHA_256: the AES key does not decrypt: %v", err)
	}
	again, err := wrapKWP(aesKey, material)
	if err != nil || !bytes.Equal(again, wrapped[priv.Size():]) {
		t.Errorf("RSA_AES_KEY_WRAP_SHA_256: the wrapped material is not the AES key wrap of the material (%v)", err)
	}

	if _, err := wrapKeyMaterial(der, types.AlgorithmSpecRsaesPkcs1V15, material); err == nil {
		t.Error("RSAES_PKCS1_V1_5 wrapping succeeded, want an error")
	}
	if _, err := wrapKeyMaterial([]byte("not a key"), types.AlgorithmSpecRsaesOaepSha256, material); err == nil {
		t.Error("wrapping for a public key that is not DER succeeded, want an error")
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
