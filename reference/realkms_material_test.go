package reference

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"sync"

	"github.com/kmsconform/kmsconform/keymaterial"
)

// materials makes key material to import, as an importer would for each key
// spec (package keymaterial). RSA keys are slow to make, so one per size is
// made and reused; every other material is new.
type materials struct {
	mu  sync.Mutex
	rsa map[int]*rsa.PrivateKey
}

func (m *materials) forSpec(spec string) ([]byte, error) {
	if bits, ok := map[string]int{"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}[spec]; ok {
		k, err := m.rsaKey(bits)
		if err != nil {
			return nil, err
		}
		return x509.MarshalPKCS8PrivateKey(k)
	}
	return keymaterial.New(spec)
}

func (m *materials) rsaKey(bits int) (*rsa.PrivateKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k, ok := m.rsa[bits]; ok {
		return k, nil
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, err
	}
	if m.rsa == nil {
		m.rsa = map[int]*rsa.PrivateKey{}
	}
	m.rsa[bits] = k
	return k, nil
}
