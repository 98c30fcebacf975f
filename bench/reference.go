package bench

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"time"

	"github.com/kmsconform/kmsconform/reference"
)

// referenceKMS is the reference KMS served on loopback twice: over plain
// HTTP and over HTTPS, so that every proxy mode has a direct path to compare
// with that carries the same protocol.
type referenceKMS struct {
	plain, secure *http.Server
	plainAddr     string // host:port
	secureAddr    string
	roots         *x509.CertPool // trusts the HTTPS listener's certificate
}

func startReference() (*referenceKMS, error) {
	svc, err := reference.New(reference.Options{})
	if err != nil {
		return nil, fmt.Errorf("reference KMS: %w", err)
	}
	cert, roots, err := loopbackCertificate()
	if err != nil {
		return nil, err
	}
	plainL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("reference KMS: listen: %w", err)
	}
	secureL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		plainL.Close()
		return nil, fmt.Errorf("reference KMS: listen: %w", err)
	}
	r := &referenceKMS{
		plain:      &http.Server{Handler: svc, ReadHeaderTimeout: 10 * time.Second},
		secure:     &http.Server{Handler: svc, ReadHeaderTimeout: 10 * time.Second, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}}},
		plainAddr:  plainL.Addr().String(),
		secureAddr: secureL.Addr().String(),
		roots:      roots,
	}
	// Serve returns only when closed; a server that stopped early would
	// show up as failing requests, which the benchmark reports.
	go func() { _ = r.plain.Serve(plainL) }()
	go func() { _ = r.secure.ServeTLS(secureL, "", "") }()
	return r, nil
}

func (r *referenceKMS) plainURL() string  { return "http://" + r.plainAddr }
func (r *referenceKMS) secureURL() string { return "https://" + r.secureAddr }

func (r *referenceKMS) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = r.plain.Shutdown(ctx)
	_ = r.secure.Shutdown(ctx)
}

// loopbackCertificate makes a self-signed certificate for 127.0.0.1 and
// localhost, and a pool that trusts it.
func loopbackCertificate() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("loopback certificate: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "kmsconform bench reference KMS"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("loopback certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("loopback certificate: %w", err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots, nil
}
