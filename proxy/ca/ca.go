// Package ca is the kmsconform proxy's certificate authority: an ECDSA CA,
// created once and kept on disk so clients can trust it across runs, and a
// cache of the per-host leaf certificates signed with it for MITM.
package ca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// File names inside the CA directory.
const (
	CertFileName = "ca.pem"
	KeyFileName  = "ca-key.pem" // mode 0600
)

// CA is a certificate authority for MITM leaf certificates.
type CA struct {
	Certificate *x509.Certificate
	// TLS holds the certificate and its private key, as goproxy's signer takes them.
	TLS tls.Certificate
	// CertFile is the path of the PEM certificate clients should trust; empty
	// for a CA that lives in memory only.
	CertFile string
	certPEM  []byte
}

// New creates a CA that lives in memory only.
func New() (*CA, error) {
	certPEM, keyPEM, err := generate()
	if err != nil {
		return nil, err
	}
	return parse(certPEM, keyPEM)
}

// LoadOrCreate loads the CA kept in dir, creating dir and a new CA there when
// there is none. The key file is written with mode 0600. A directory holding
// only one of the two files is an error, never overwritten.
func LoadOrCreate(dir string) (*CA, error) {
	certPath, keyPath := filepath.Join(dir, CertFileName), filepath.Join(dir, KeyFileName)
	certPEM, certErr := os.ReadFile(certPath)
	keyPEM, keyErr := os.ReadFile(keyPath)
	switch {
	case certErr == nil && keyErr == nil:
		c, err := parse(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("ca: loading %s: %w", dir, err)
		}
		c.CertFile = certPath
		return c, nil
	case errors.Is(certErr, fs.ErrNotExist) && errors.Is(keyErr, fs.ErrNotExist):
	case certErr != nil && !errors.Is(certErr, fs.ErrNotExist):
		return nil, fmt.Errorf("ca: %w", certErr)
	case keyErr != nil && !errors.Is(keyErr, fs.ErrNotExist):
		return nil, fmt.Errorf("ca: %w", keyErr)
	default:
		return nil, fmt.Errorf("ca: %s holds only one of %s and %s; remove it or restore the other", dir, CertFileName, KeyFileName)
	}

	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	certPEM, keyPEM, err := generate()
	if err != nil {
		return nil, err
	}
	if err := writeNew(keyPath, keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := writeNew(certPath, certPEM, 0o644); err != nil {
		return nil, err
	}
	c, err := parse(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	c.CertFile = certPath
	return c, nil
}

// writeNew writes a file that must not exist yet, with the given mode.
func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("ca: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("ca: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("ca: writing %s: %w", path, err)
	}
	return nil
}

func generate() (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("ca: generating key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("ca: serial: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, nil, fmt.Errorf("ca: %w", err)
	}
	ski := sha1.Sum(pub) // subject key identifier, as RFC 5280 method 1 suggests
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "kmsconform proxy CA " + serial.Text(16)[:8], Organization: []string{"kmsconform"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		SubjectKeyId:          ski[:],
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("ca: creating certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("ca: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}

func parse(certPEM, keyPEM []byte) (*CA, error) {
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("certificate and key: %w", err)
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	if !cert.IsCA {
		return nil, errors.New("certificate is not a CA")
	}
	pair.Leaf = cert
	return &CA{Certificate: cert, TLS: pair, certPEM: certPEM}, nil
}

// CertPEM returns the CA certificate in PEM form, the bundle clients trust.
func (c *CA) CertPEM() []byte { return append([]byte(nil), c.certPEM...) }

// Pool returns a certificate pool holding only this CA.
func (c *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.Certificate)
	return p
}

// LeafCache keeps signed leaf certificates per host so a MITM handshake
// signs a certificate only the first time it sees a host. It implements
// goproxy's CertStorage.
type LeafCache struct {
	mu     sync.Mutex
	leaves map[string]*tls.Certificate
	max    int
	misses int
}

// NewLeafCache returns a cache holding at most max hosts (default 1024); when
// full it starts over.
func NewLeafCache(max int) *LeafCache {
	if max <= 0 {
		max = 1024
	}
	return &LeafCache{leaves: map[string]*tls.Certificate{}, max: max}
}

// Fetch returns the cached certificate for host, calling gen on a miss.
// Concurrent misses for one host may both sign; the last one is kept.
func (c *LeafCache) Fetch(host string, gen func() (*tls.Certificate, error)) (*tls.Certificate, error) {
	c.mu.Lock()
	if cert, ok := c.leaves[host]; ok && time.Now().Before(cert.Leaf.NotAfter) {
		c.mu.Unlock()
		return cert, nil
	}
	c.misses++
	c.mu.Unlock()

	cert, err := gen()
	if err != nil {
		return nil, err
	}
	if cert.Leaf == nil {
		if cert.Leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return nil, err
		}
	}
	c.mu.Lock()
	if len(c.leaves) >= c.max {
		clear(c.leaves)
	}
	c.leaves[host] = cert
	c.mu.Unlock()
	return cert, nil
}

// Signed counts the leaf certificates the cache had to sign.
func (c *LeafCache) Signed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.misses
}
