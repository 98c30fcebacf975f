package reference

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// materials makes key material to import, as an importer would for each key
// spec: random bytes for symmetric and HMAC keys, a PKCS #8 private key for
// asymmetric ones. RSA keys are slow to make, so one per size is made and
// reused; each ECC key is new.
type materials struct {
	mu  sync.Mutex
	rsa map[int]*rsa.PrivateKey
}

func (m *materials) forSpec(spec string) ([]byte, error) {
	switch {
	case spec == symmetricDefault:
		return randomBytes(32), nil
	case strings.HasPrefix(spec, "HMAC_"):
		bits, err := strconv.Atoi(strings.TrimPrefix(spec, "HMAC_"))
		if err != nil {
			return nil, fmt.Errorf("key spec %s: %w", spec, err)
		}
		return randomBytes(bits / 8), nil
	case spec == "ECC_NIST_P256", spec == "ECC_NIST_P384", spec == "ECC_NIST_P521":
		curve := map[string]elliptic.Curve{"ECC_NIST_P256": elliptic.P256(), "ECC_NIST_P384": elliptic.P384(), "ECC_NIST_P521": elliptic.P521()}[spec]
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			return nil, err
		}
		return x509.MarshalPKCS8PrivateKey(k)
	case spec == "ECC_SECG_P256K1":
		return secp256k1PKCS8(randomScalar(secp256k1.n))
	case strings.HasPrefix(spec, "RSA_"):
		bits, err := strconv.Atoi(strings.TrimPrefix(spec, "RSA_"))
		if err != nil {
			return nil, fmt.Errorf("key spec %s: %w", spec, err)
		}
		k, err := m.rsaKey(bits)
		if err != nil {
			return nil, err
		}
		return x509.MarshalPKCS8PrivateKey(k)
	}
	return nil, fmt.Errorf("no key material is known for key spec %q", spec)
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

// secp256k1 is the curve of ECC_SECG_P256K1 (SEC 2, section 2.4.1), which
// crypto/elliptic does not offer: y² = x³ + 7 over the prime field p.
var secp256k1 = struct {
	p, n, gx, gy *big.Int
	oid          asn1.ObjectIdentifier
}{
	p:   hexInt("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F"),
	n:   hexInt("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141"),
	gx:  hexInt("79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798"),
	gy:  hexInt("483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8"),
	oid: asn1.ObjectIdentifier{1, 3, 132, 0, 10},
}

func hexInt(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("bad constant " + s)
	}
	return n
}

// randomScalar is a private key: uniform in [1, n-1].
func randomScalar(n *big.Int) *big.Int {
	k, err := rand.Int(rand.Reader, new(big.Int).Sub(n, big.NewInt(1)))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return k.Add(k, big.NewInt(1))
}

// secp256k1Mul is k·G in affine coordinates, by double-and-add. It is not
// constant-time: it makes test material only.
func secp256k1Mul(k *big.Int) (x, y *big.Int) {
	p := secp256k1.p
	var rx, ry *big.Int // the point at infinity while nil
	add := func(x1, y1, x2, y2 *big.Int) (*big.Int, *big.Int) {
		if x1 == nil {
			return x2, y2
		}
		var l *big.Int
		if x1.Cmp(x2) == 0 {
			if new(big.Int).Add(y1, y2).Mod(new(big.Int).Add(y1, y2), p).Sign() == 0 {
				return nil, nil
			}
			// λ = 3x² / 2y
			num := new(big.Int).Mul(x1, x1)
			num.Mul(num, big.NewInt(3))
			den := new(big.Int).Lsh(y1, 1)
			l = num.Mul(num, den.ModInverse(den.Mod(den, p), p))
		} else {
			// λ = (y2 - y1) / (x2 - x1)
			num := new(big.Int).Sub(y2, y1)
			den := new(big.Int).Sub(x2, x1)
			l = num.Mul(num, den.ModInverse(den.Mod(den, p), p))
		}
		l.Mod(l, p)
		x3 := new(big.Int).Mul(l, l)
		x3.Sub(x3, x1).Sub(x3, x2).Mod(x3, p)
		y3 := new(big.Int).Sub(x1, x3)
		y3.Mul(y3, l).Sub(y3, y1).Mod(y3, p)
		return x3, y3
	}
	gx, gy := secp256k1.gx, secp256k1.gy
	for i := k.BitLen() - 1; i >= 0; i-- {
		if rx != nil {
			rx, ry = add(rx, ry, rx, ry)
		}
		if k.Bit(i) == 1 {
			rx, ry = add(rx, ry, gx, gy)
		}
	}
	return rx, ry
}

// secp256k1PKCS8 encodes private key k as a PKCS #8 PrivateKeyInfo holding
// an RFC 5915 ECPrivateKey with its public key, the layout
// x509.MarshalPKCS8PrivateKey gives the NIST curves.
func secp256k1PKCS8(k *big.Int) ([]byte, error) {
	x, y := secp256k1Mul(k)
	public := make([]byte, 65)
	public[0] = 4
	x.FillBytes(public[1:33])
	y.FillBytes(public[33:])
	inner, err := asn1.Marshal(struct {
		Version    int
		PrivateKey []byte
		PublicKey  asn1.BitString `asn1:"optional,explicit,tag:1"`
	}{1, k.FillBytes(make([]byte, 32)), asn1.BitString{Bytes: public, BitLength: 8 * len(public)}})
	if err != nil {
		return nil, err
	}
	curve, err := asn1.Marshal(secp256k1.oid)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(struct {
		Version    int
		Algo       pkix.AlgorithmIdentifier
		PrivateKey []byte
	}{0, pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}, Parameters: asn1.RawValue{FullBytes: curve}}, inner})
}

// The materials are what they claim to be: NIST curve and RSA keys parse
// back as PKCS #8, the secp256k1 point arithmetic reproduces known
// multiples of G, and its public key lies on the curve.
func TestImportMaterials(t *testing.T) {
	var m materials
	for spec, size := range map[string]int{symmetricDefault: 32, "HMAC_224": 28, "HMAC_512": 64} {
		b, err := m.forSpec(spec)
		if err != nil || len(b) != size {
			t.Errorf("%s: %d bytes, %v; want %d", spec, len(b), err, size)
		}
	}
	for _, spec := range []string{"ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "RSA_2048"} {
		b, err := m.forSpec(spec)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if _, err := x509.ParsePKCS8PrivateKey(b); err != nil {
			t.Errorf("%s: %v", spec, err)
		}
	}
	if _, err := m.forSpec("SM2"); err == nil {
		t.Error("SM2 material was made")
	}

	// 2G and 3G of secp256k1, from the curve's published test vectors.
	for k, want := range map[int64][2]string{
		1: {"79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798", "483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8"},
		2: {"C6047F9441ED7D6D3045406E95C07CD85C778E4B8CEF3CA7ABAC09B95C709EE5", "1AE168FEA63DC339A3C58419466CEAEEF7F632653266D0E1236431A950CFE52A"},
		3: {"F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9", "388F7B0F632DE8140FE337E62A37F3566500A99934C2231B6CB9FD7584B8E672"},
	} {
		x, y := secp256k1Mul(big.NewInt(k))
		if x.Cmp(hexInt(want[0])) != 0 || y.Cmp(hexInt(want[1])) != 0 {
			t.Errorf("%d·G = (%X, %X), want (%s, %s)", k, x, y, want[0], want[1])
		}
	}
	if x, y := secp256k1Mul(new(big.Int).Sub(secp256k1.n, big.NewInt(1))); x.Cmp(secp256k1.gx) != 0 || y.Cmp(new(big.Int).Sub(secp256k1.p, secp256k1.gy)) != 0 {
		t.Errorf("(n-1)·G = (%X, %X), want -G", x, y)
	}
	b, err := m.forSpec("ECC_SECG_P256K1")
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Version    int
		Algo       pkix.AlgorithmIdentifier
		PrivateKey []byte
	}
	if _, err := asn1.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	var curve asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(info.Algo.Parameters.FullBytes, &curve); err != nil || !curve.Equal(secp256k1.oid) {
		t.Fatalf("curve %v, %v", curve, err)
	}
	var key struct {
		Version    int
		PrivateKey []byte
		PublicKey  asn1.BitString `asn1:"optional,explicit,tag:1"`
	}
	if _, err := asn1.Unmarshal(info.PrivateKey, &key); err != nil {
		t.Fatal(err)
	}
	px, py := new(big.Int).SetBytes(key.PublicKey.Bytes[1:33]), new(big.Int).SetBytes(key.PublicKey.Bytes[33:])
	lhs := new(big.Int).Mul(py, py)
	rhs := new(big.Int).Exp(px, big.NewInt(3), nil)
	rhs.Add(rhs, big.NewInt(7))
	if lhs.Sub(lhs, rhs).Mod(lhs, secp256k1.p).Sign() != 0 {
		t.Error("the secp256k1 public key is not on the curve")
	}
	if x, y := secp256k1Mul(new(big.Int).SetBytes(key.PrivateKey)); x.Cmp(px) != 0 || y.Cmp(py) != 0 {
		t.Error("the secp256k1 public key is not the private key's")
	}
}
