package keywrap

import (
	"bytes"
	"crypto/aes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestKWPVectors checks AES Key Wrap with Padding against RFC 5649 section 6.
func TestKWPVectors(t *testing.T) {
	kek := mustHex(t, "5840df6e29b02af1 ab493b705bf16ea1 ae8338f4dcc176a8")
	tests := []struct{ key, wrapped string }{
		{"c37b7e6492584340 bed1220780894115 5068f738", "138bdeaa9b8fa7fc 61f97742e72248ee 5ae6ae5360d1ae6a 5f54f373fa543b6a"},
		{"466f7250617369", "afbeb0f07dfbf541 9200f2ccb50bb24f"},
	}
	for _, tc := range tests {
		key, wrapped := mustHex(t, tc.key), mustHex(t, tc.wrapped)
		got, err := Wrap(kek, key)
		if err != nil || !bytes.Equal(got, wrapped) {
			t.Fatalf("Wrap(%x) = %x, %v; want %x", key, got, err, wrapped)
		}
		plain, err := Unwrap(kek, wrapped)
		if err != nil || !bytes.Equal(plain, key) {
			t.Fatalf("Unwrap(%x) = %x, %v; want %x", wrapped, plain, err, key)
		}
		for i := range wrapped { // every single-bit change is detected
			bad := bytes.Clone(wrapped)
			bad[i] ^= 0x01
			if _, err := Unwrap(kek, bad); err == nil {
				t.Fatalf("Unwrap accepted %x with byte %d changed", bad, i)
			}
		}
		wrongKEK := bytes.Clone(kek)
		wrongKEK[0] ^= 0x80
		if _, err := Unwrap(wrongKEK, wrapped); err == nil {
			t.Fatal("Unwrap accepted the wrong key-encryption key")
		}
	}
	if _, err := Wrap(kek, nil); err == nil {
		t.Error("Wrap of nothing succeeded, want an error")
	}
	kek256 := randomBytes(t, 32)
	for n := 1; n <= 72; n++ {
		key := randomBytes(t, n)
		wrapped, err := Wrap(kek256, key)
		if err != nil {
			t.Fatal(err)
		}
		if len(wrapped) != (n+7)/8*8+8 {
			t.Fatalf("wrapped %d bytes into %d", n, len(wrapped))
		}
		plain, err := Unwrap(kek256, wrapped)
		if err != nil || !bytes.Equal(plain, key) {
			t.Fatalf("round trip of %d bytes: %x, %v", n, plain, err)
		}
	}
	// Well-formed single-block wrappings whose length indicator or padding
	// break RFC 5649's rules must be refused too.
	block, err := aes.NewCipher(kek256)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mli     uint32
		payload string
	}{{7, "466f725061736901"}, {0, "0000000000000000"}, {9, "466f725061736900"}} {
		in := append([]byte{0xA6, 0x59, 0x59, 0xA6}, binary.BigEndian.AppendUint32(nil, tc.mli)...)
		in = append(in, mustHex(t, tc.payload)...)
		wrapped := make([]byte, 16)
		block.Encrypt(wrapped, in)
		if _, err := Unwrap(kek256, wrapped); err == nil {
			t.Fatalf("Unwrap accepted length %d with payload %s", tc.mli, tc.payload)
		}
	}
	for _, bad := range [][]byte{nil, make([]byte, 8), make([]byte, 17), make([]byte, 24)} {
		if _, err := Unwrap(kek256, bad); err == nil {
			t.Fatalf("Unwrap accepted %d bytes of zeros", len(bad))
		}
	}
}

// TestForImport checks the layout of each wrapping: the RSA-OAEP part
// decrypts with the wrapping private key, the AES key wrap follows it, and
// FromImport gives the material back.
func TestForImport(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	material := bytes.Repeat([]byte{7}, 32)

	wrapped, err := ForImport(der, "RSAES_OAEP_SHA_256", material)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rsa.DecryptOAEP(sha256.New(), nil, priv, wrapped, nil); err != nil || !bytes.Equal(got, material) {
		t.Errorf("RSAES_OAEP_SHA_256: the material does not decrypt (%v)", err)
	}

	wrapped, err = ForImport(der, "RSA_AES_KEY_WRAP_SHA_256", material)
	if err != nil {
		t.Fatal(err)
	}
	if want := priv.Size() + len(material) + 8; len(wrapped) != want {
		t.Fatalf("RSA_AES_KEY_WRAP_SHA_256: %d bytes, want %d", len(wrapped), want)
	}
	aesKey, err := rsa.DecryptOAEP(sha256.New(), nil, priv, wrapped[:priv.Size()], nil)
	if err != nil {
		t.Fatalf("RSA_AES_KEY_WRAP_SHA_256: the AES key does not decrypt: %v", err)
	}
	again, err := Wrap(aesKey, material)
	if err != nil || !bytes.Equal(again, wrapped[priv.Size():]) {
		t.Errorf("RSA_AES_KEY_WRAP_SHA_256: the wrapped material is not the AES key wrap of the material (%v)", err)
	}

	for _, algorithm := range []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"} {
		wrapped, err := ForImport(der, algorithm, material)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := FromImport(priv, algorithm, wrapped); err != nil || !bytes.Equal(got, material) {
			t.Errorf("%s: FromImport = %x, %v; want the material", algorithm, got, err)
		}
	}

	if _, err := ForImport(der, "RSAES_PKCS1_V1_5", material); err == nil {
		t.Error("RSAES_PKCS1_V1_5 wrapping succeeded, want an error")
	}
	if _, err := ForImport([]byte("not a key"), "RSAES_OAEP_SHA_256", material); err == nil {
		t.Error("wrapping for a public key that is not DER succeeded, want an error")
	}
}
