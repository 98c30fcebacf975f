package mldsamu_test

import (
	"crypto/rand"
	"crypto/sha3"
	"fmt"
	"testing"

	"github.com/cloudflare/circl/sign"
	"github.com/cloudflare/circl/sign/mldsa/mldsa44"
	"github.com/cloudflare/circl/sign/mldsa/mldsa65"
	"github.com/cloudflare/circl/sign/mldsa/mldsa87"

	"github.com/kmsconform/kmsconform/reference/internal/mldsamu"
)

// sets are the parameter sets with circl's implementation of each, the
// independent ML-DSA the tests hold this package to.
var sets = []struct {
	set    mldsamu.Set
	scheme sign.Scheme
	// signTo is circl's SignTo, deterministic or hedged, with an empty context.
	signTo func(sk sign.PrivateKey, msg []byte, randomized bool) []byte
}{
	{mldsamu.MLDSA44, mldsa44.Scheme(), func(sk sign.PrivateKey, msg []byte, randomized bool) []byte {
		sig := make([]byte, mldsa44.SignatureSize)
		must(mldsa44.SignTo(sk.(*mldsa44.PrivateKey), msg, nil, randomized, sig))
		return sig
	}},
	{mldsamu.MLDSA65, mldsa65.Scheme(), func(sk sign.PrivateKey, msg []byte, randomized bool) []byte {
		sig := make([]byte, mldsa65.SignatureSize)
		must(mldsa65.SignTo(sk.(*mldsa65.PrivateKey), msg, nil, randomized, sig))
		return sig
	}},
	{mldsamu.MLDSA87, mldsa87.Scheme(), func(sk sign.PrivateKey, msg []byte, randomized bool) []byte {
		sig := make([]byte, mldsa87.SignatureSize)
		must(mldsa87.SignTo(sk.(*mldsa87.PrivateKey), msg, nil, randomized, sig))
		return sig
	}},
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// key is a circl key pair with both halves encoded as FIPS 204 encodes them.
type key struct {
	priv   sign.PrivateKey
	pub    sign.PublicKey
	sk, pk []byte
}

func newKey(t *testing.T, scheme sign.Scheme) key {
	t.Helper()
	pub, priv, err := scheme.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	sk, err := priv.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	pk, err := pub.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return key{priv, pub, sk, pk}
}

// mu is the external mu of msg with an empty context, as FIPS 204
// (Algorithm 2 and 7) and RFC 9881 make it.
func mu(pk, msg []byte) []byte {
	tr := sha3.SumSHAKE256(pk, 64)
	h := sha3.NewSHAKE256()
	h.Write(tr)
	h.Write([]byte{0, 0}) // pure ML-DSA, a context of length 0
	h.Write(msg)
	out := make([]byte, mldsamu.MuSize)
	h.Read(out)
	return out
}

func random(t *testing.T, size int) []byte {
	t.Helper()
	b := make([]byte, size)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// messages are what each key signs: empty, short, and longer than a block.
var messageSizes = []int{0, 1, 64, 4096}

// TestDeterministicSignatureIsCircls: a deterministic signature of mu is
// bit for bit circl's deterministic signature of the message.
func TestDeterministicSignatureIsCircls(t *testing.T) {
	for _, s := range sets {
		for i := range 3 {
			t.Run(fmt.Sprintf("%s/key%d", s.scheme.Name(), i), func(t *testing.T) {
				k := newKey(t, s.scheme)
				for _, size := range messageSizes {
					msg := random(t, size)
					got, err := mldsamu.Sign(s.set, k.sk, mu(k.pk, msg), [32]byte{})
					if err != nil {
						t.Fatal(err)
					}
					if want := s.signTo(k.priv, msg, false); string(got) != string(want) {
						t.Fatalf("the signature of the mu of a %d-byte message differs from circl's", size)
					}
				}
			})
		}
	}
}

// TestVerifyTakesCirclsSignatures: Verify accepts circl's hedged signatures
// and refuses them once a bit of the signature or of mu changes, or under
// another key.
func TestVerifyTakesCirclsSignatures(t *testing.T) {
	for _, s := range sets {
		k, other := newKey(t, s.scheme), newKey(t, s.scheme)
		msg := random(t, 100)
		sig := s.signTo(k.priv, msg, true)
		m := mu(k.pk, msg)
		flip := func(b []byte, bit int) []byte {
			c := append([]byte(nil), b...)
			c[bit/8] ^= 1 << (bit % 8)
			return c
		}
		cases := []struct {
			name        string
			pk, mu, sig []byte
			want        bool
		}{
			{"circl's signature", k.pk, m, sig, true},
			{"the first bit of c̃ flipped", k.pk, m, flip(sig, 0), false},
			{"a bit of z flipped", k.pk, m, flip(sig, 8*len(sig)/2), false},
			{"a bit of the hint flipped", k.pk, m, flip(sig, 8*len(sig)-1), false},
			{"the signature cut short", k.pk, m, sig[:len(sig)-1], false},
			{"a bit of mu flipped", k.pk, flip(m, 77), sig, false},
			{"the mu of another message", k.pk, mu(k.pk, append(msg, 0)), sig, false},
			{"another key", other.pk, mu(other.pk, msg), sig, false},
		}
		for _, c := range cases {
			t.Run(s.scheme.Name()+"/"+c.name, func(t *testing.T) {
				if got := mldsamu.Verify(s.set, c.pk, c.mu, c.sig); got != c.want {
					t.Fatalf("Verify = %v, want %v", got, c.want)
				}
			})
		}
	}
}

// TestCirclTakesHedgedSignatures: circl accepts the hedged signatures of mu
// as signatures of the message, and so does Verify; they differ each time.
func TestCirclTakesHedgedSignatures(t *testing.T) {
	for _, s := range sets {
		t.Run(s.scheme.Name(), func(t *testing.T) {
			k := newKey(t, s.scheme)
			seen := map[string]bool{}
			for _, size := range messageSizes {
				msg := random(t, size)
				var rnd [32]byte
				copy(rnd[:], random(t, 32))
				sig, err := mldsamu.Sign(s.set, k.sk, mu(k.pk, msg), rnd)
				if err != nil {
					t.Fatal(err)
				}
				if !s.scheme.Verify(k.pub, msg, sig, nil) {
					t.Fatalf("circl refuses the hedged signature of the mu of a %d-byte message", size)
				}
				if !mldsamu.Verify(s.set, k.pk, mu(k.pk, msg), sig) {
					t.Fatalf("Verify refuses its own signature of the mu of a %d-byte message", size)
				}
				if seen[string(sig)] {
					t.Fatal("two hedged signatures are the same")
				}
				seen[string(sig)] = true
			}
		})
	}
}

// TestRefusesMalformedInput: wrong sizes and unknown sets fail instead of
// signing or verifying.
func TestRefusesMalformedInput(t *testing.T) {
	k := newKey(t, mldsa44.Scheme())
	m := mu(k.pk, []byte("message"))
	cases := []struct {
		name   string
		set    mldsamu.Set
		sk, mu []byte
	}{
		{"mu of 63 bytes", mldsamu.MLDSA44, k.sk, m[:63]},
		{"mu of 65 bytes", mldsamu.MLDSA44, k.sk, append(m, 0)},
		{"a private key of another set", mldsamu.MLDSA65, k.sk, m},
		{"no such set", mldsamu.Set(42), k.sk, m},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := mldsamu.Sign(c.set, c.sk, c.mu, [32]byte{}); err == nil {
				t.Fatal("Sign succeeded")
			}
			sig, _ := mldsamu.Sign(mldsamu.MLDSA44, k.sk, m, [32]byte{})
			if mldsamu.Verify(c.set, k.pk, c.mu, sig) {
				t.Fatal("Verify succeeded")
			}
		})
	}
}
