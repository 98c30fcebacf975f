package ca_test

import (
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/kmsconform/kmsconform/proxy/ca"
)

func TestLoadOrCreatePersistsWithPrivateKeyMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	first, err := ca.LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, ca.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if mode := st.Mode().Perm(); mode != 0o600 {
		t.Errorf("key file mode %o, want 600", mode)
	}
	if first.CertFile != filepath.Join(dir, ca.CertFileName) || !first.Certificate.IsCA {
		t.Errorf("CA = %+v", first)
	}
	if _, ok := first.Certificate.PublicKey.(*ecdsa.PublicKey); !ok {
		t.Errorf("CA key is %T, want ECDSA", first.Certificate.PublicKey)
	}
	again, err := ca.LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Certificate.Equal(first.Certificate) {
		t.Error("reloading created a different CA")
	}
	other, _ := ca.New()
	if other.Certificate.Equal(first.Certificate) {
		t.Error("two new CAs are equal")
	}
}

func TestLoadOrCreateRefusesHalfADirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := ca.LoadOrCreate(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, ca.KeyFileName)); err != nil {
		t.Fatal(err)
	}
	if _, err := ca.LoadOrCreate(dir); err == nil {
		t.Error("a directory with a certificate but no key was accepted")
	}
	if _, err := os.Stat(filepath.Join(dir, ca.KeyFileName)); err == nil {
		t.Error("a key was written next to a foreign certificate")
	}
}

func TestLeafCacheSignsOncePerHost(t *testing.T) {
	authority, err := ca.New()
	if err != nil {
		t.Fatal(err)
	}
	cache := ca.NewLeafCache(0)
	signs := 0
	gen := func() (*tls.Certificate, error) {
		signs++
		return &authority.TLS, nil // any certificate will do for the cache
	}
	for _, host := range []string{"a.example", "a.example", "b.example", "a.example"} {
		if _, err := cache.Fetch(host, gen); err != nil {
			t.Fatal(err)
		}
	}
	if signs != 2 || cache.Signed() != 2 {
		t.Errorf("signed %d times (cache says %d), want 2", signs, cache.Signed())
	}
	if _, err := authority.Certificate.Verify(x509.VerifyOptions{Roots: authority.Pool()}); err != nil {
		t.Errorf("CA does not verify against its own pool: %v", err)
	}
}
