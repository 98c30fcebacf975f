// Package mldsamu signs and verifies ML-DSA (FIPS 204) signatures from an
// external mu, the 64-byte message representative a KMS Sign or Verify
// request with MessageType EXTERNAL_MU carries: ML-DSA.Sign_internal
// (Algorithm 7) and ML-DSA.Verify_internal (Algorithm 8) with mu given
// instead of computed from the message, for ML-DSA-44, -65 and -87.
//
// It exists because none of the libraries the project may use exports
// either: circl signs and verifies only whole messages, Go 1.26 keeps its
// ML-DSA internal, and Go 1.27's crypto/mldsa signs from mu but does not
// verify from it. It is written for clarity, not speed: a signature takes a
// few milliseconds, and nothing in it is constant-time.
package mldsamu

import (
	"crypto/sha3"
	"errors"
	"fmt"
)

// MuSize is the size of mu: SHAKE256(SHAKE256(pk, 64) || M', 64).
const MuSize = 64

// Set is an ML-DSA parameter set.
type Set int

// The parameter sets of FIPS 204, Table 1.
const (
	MLDSA44 Set = 44
	MLDSA65 Set = 65
	MLDSA87 Set = 87
)

const (
	n = 256     // coefficients of a polynomial
	q = 8380417 // the modulus
	d = 13      // bits dropped from t
)

// params are the values FIPS 204 Table 1 gives a parameter set.
type params struct {
	k, l   int // A is k×l
	eta    int // the bound of the secret vectors' coefficients
	tau    int // the number of ±1 in the challenge
	beta   int // tau·eta
	gamma1 int // the range of the mask y
	gamma2 int // the low-order rounding range
	omega  int // the most 1s a hint may hold
	lambda int // the collision strength; c̃ is lambda/4 bytes
}

func (s Set) params() (params, error) {
	switch s {
	case MLDSA44:
		return params{k: 4, l: 4, eta: 2, tau: 39, beta: 78, gamma1: 1 << 17, gamma2: (q - 1) / 88, omega: 80, lambda: 128}, nil
	case MLDSA65:
		return params{k: 6, l: 5, eta: 4, tau: 49, beta: 196, gamma1: 1 << 19, gamma2: (q - 1) / 32, omega: 55, lambda: 192}, nil
	case MLDSA87:
		return params{k: 8, l: 7, eta: 2, tau: 60, beta: 120, gamma1: 1 << 19, gamma2: (q - 1) / 32, omega: 75, lambda: 256}, nil
	}
	return params{}, fmt.Errorf("ML-DSA-%d is no ML-DSA parameter set", int(s))
}

// Sizes of the encodings (FIPS 204 Table 2) and their parts.
func (p params) etaBits() int    { return bitlen(2 * p.eta) }
func (p params) zBits() int      { return 1 + bitlen(p.gamma1-1) }
func (p params) w1Bits() int     { return bitlen((q-1)/(2*p.gamma2) - 1) }
func (p params) cTildeSize() int { return p.lambda / 4 }
func (p params) publicKeySize() int {
	return 32 + 32*p.k*(bitlen(q-1)-d)
}
func (p params) privateKeySize() int {
	return 128 + 32*(p.l+p.k)*p.etaBits() + 32*p.k*d
}
func (p params) signatureSize() int {
	return p.cTildeSize() + 32*p.l*p.zBits() + p.omega + p.k
}

// Sign is ML-DSA.Sign_internal of FIPS 204 (Algorithm 7) from mu: the
// signature of mu under sk, the private key in the encoding of FIPS 204
// (skEncode, as circl's MarshalBinary gives it). rnd is the randomness of
// hedged signing; all zeros makes the deterministic variant, whose signature
// of mu equals the deterministic signature of the message mu stands for.
func Sign(set Set, sk, mu []byte, rnd [32]byte) ([]byte, error) {
	p, err := set.params()
	if err != nil {
		return nil, err
	}
	if len(mu) != MuSize {
		return nil, fmt.Errorf("mu is %d bytes, not %d", len(mu), MuSize)
	}
	key, err := p.decodePrivateKey(sk)
	if err != nil {
		return nil, err
	}
	s1, s2, t0 := nttVec(key.s1), nttVec(key.s2), nttVec(key.t0)
	a := p.expandA(key.rho)
	rhoPrime := shake256(64, key.k[:], rnd[:], mu)
	for kappa := 0; ; kappa += p.l {
		y := p.expandMask(rhoPrime, kappa)
		w := mulMatrix(a, nttVec(y))
		w1 := make([]poly, p.k)
		for i := range w {
			w1[i] = p.highBits(w[i])
		}
		cTilde := shake256(p.cTildeSize(), mu, p.encodeW1(w1))
		c := ntt(p.sampleInBall(cTilde))
		z := addVec(y, mulScalar(c, s1))
		r := subVec(w, mulScalar(c, s2)) // w - cs2
		if vecNorm(z) >= p.gamma1-p.beta || p.lowNorm(r) >= p.gamma2-p.beta {
			continue
		}
		ct0 := mulScalar(c, t0)
		if vecNorm(ct0) >= p.gamma2 {
			continue
		}
		// MakeHint(-ct0, w - cs2 + ct0): where adding ct0 moves the high bits.
		h, ones := make([]poly, p.k), 0
		for i := range r {
			withT0 := add(r[i], ct0[i])
			for j := range n {
				if p.highBit(withT0[j]) != p.highBit(r[i][j]) {
					h[i][j] = 1
					ones++
				}
			}
		}
		if ones > p.omega {
			continue
		}
		return p.encodeSignature(cTilde, z, h), nil
	}
}

// Verify is ML-DSA.Verify_internal of FIPS 204 (Algorithm 8) from mu:
// whether sig is a signature of mu under pk, the public key in the encoding
// of FIPS 204 (pkEncode, as circl's MarshalBinary gives it).
func Verify(set Set, pk, mu, sig []byte) bool {
	p, err := set.params()
	if err != nil || len(mu) != MuSize {
		return false
	}
	rho, t1, err := p.decodePublicKey(pk)
	if err != nil {
		return false
	}
	cTilde, z, h, ok := p.decodeSignature(sig)
	if !ok || vecNorm(z) >= p.gamma1-p.beta {
		return false
	}
	a := p.expandA(rho)
	c := ntt(p.sampleInBall(cTilde))
	az := mulMatrix(a, nttVec(z)) // back in the normal domain
	w1 := make([]poly, p.k)
	for i := range t1 {
		var scaled poly
		for j := range n {
			scaled[j] = reduce(int64(t1[i][j]) << d)
		}
		ct1 := invNTT(mul(c, ntt(scaled)))
		approx := sub(az[i], ct1)
		for j := range n {
			w1[i][j] = p.useHint(h[i][j], approx[j])
		}
	}
	want := shake256(p.cTildeSize(), mu, p.encodeW1(w1))
	return string(want) == string(cTilde)
}

// --- sampling (FIPS 204 section 7.3) ---

// expandA is ExpandA (Algorithm 32): the matrix A, in the NTT domain, from rho.
func (p params) expandA(rho []byte) [][]poly {
	a := make([][]poly, p.k)
	for r := range a {
		a[r] = make([]poly, p.l)
		for s := range a[r] {
			xof := sha3.NewSHAKE128()
			xof.Write(rho)
			xof.Write([]byte{byte(s), byte(r)})
			a[r][s] = rejNTTPoly(xof)
		}
	}
	return a
}

// rejNTTPoly is RejNTTPoly (Algorithm 30): coefficients of 23 bits below q.
func rejNTTPoly(xof *sha3.SHAKE) poly {
	var a poly
	var b [3]byte
	for j := 0; j < n; {
		xof.Read(b[:])
		if v := int32(b[0]) | int32(b[1])<<8 | int32(b[2]&0x7f)<<16; v < q {
			a[j] = v
			j++
		}
	}
	return a
}

// expandMask is ExpandMask (Algorithm 34): the mask y for counter kappa.
func (p params) expandMask(rho []byte, kappa int) []poly {
	y := make([]poly, p.l)
	for r := range y {
		v := shake256(32*p.zBits(), rho, []byte{byte(kappa + r), byte((kappa + r) >> 8)})
		y[r] = unpackCentered(v, p.zBits(), p.gamma1)
	}
	return y
}

// sampleInBall is SampleInBall (Algorithm 29): the challenge c, tau
// coefficients ±1 and the rest 0, from c̃.
func (p params) sampleInBall(cTilde []byte) poly {
	xof := sha3.NewSHAKE256()
	xof.Write(cTilde)
	var signs [8]byte
	xof.Read(signs[:])
	var bits uint64
	for i, b := range signs {
		bits |= uint64(b) << (8 * i)
	}
	var c poly
	var j [1]byte
	for i := n - p.tau; i < n; i++ {
		for {
			xof.Read(j[:])
			if int(j[0]) <= i {
				break
			}
		}
		c[i] = c[j[0]]
		c[j[0]] = 1
		if bits&1 == 1 {
			c[j[0]] = q - 1
		}
		bits >>= 1
	}
	return c
}

func shake256(size int, parts ...[]byte) []byte {
	h := sha3.NewSHAKE256()
	for _, b := range parts {
		h.Write(b)
	}
	out := make([]byte, size)
	h.Read(out)
	return out
}

// --- rounding (FIPS 204 section 7.4) ---

// decompose is Decompose (Algorithm 36): r = r1·2γ2 + r0 with r0 centered.
func (p params) decompose(r int32) (r1, r0 int32) {
	alpha := int32(2 * p.gamma2)
	r0 = r % alpha
	if r0 > alpha/2 {
		r0 -= alpha
	}
	if r-r0 == q-1 {
		return 0, r0 - 1
	}
	return (r - r0) / alpha, r0
}

func (p params) highBit(r int32) int32 { r1, _ := p.decompose(r); return r1 }

func (p params) highBits(a poly) poly {
	var h poly
	for j := range n {
		h[j] = p.highBit(a[j])
	}
	return h
}

// lowNorm is the largest |LowBits| of v's coefficients.
func (p params) lowNorm(v []poly) int {
	m := 0
	for i := range v {
		for _, c := range v[i] {
			_, r0 := p.decompose(c)
			m = max(m, int(abs(r0)))
		}
	}
	return m
}

// useHint is UseHint (Algorithm 40).
func (p params) useHint(h, r int32) int32 {
	m := int32((q - 1) / (2 * p.gamma2))
	r1, r0 := p.decompose(r)
	switch {
	case h == 1 && r0 > 0:
		return (r1 + 1) % m
	case h == 1:
		return (r1 - 1 + m) % m
	}
	return r1
}

// --- encodings (FIPS 204 section 7.2) ---

type privateKey struct {
	rho, k     []byte
	s1, s2, t0 []poly
}

// decodePrivateKey is skDecode (Algorithm 25). tr, which only makes mu,
// goes unused.
func (p params) decodePrivateKey(sk []byte) (privateKey, error) {
	if len(sk) != p.privateKeySize() {
		return privateKey{}, fmt.Errorf("an ML-DSA private key of this set is %d bytes, not %d", p.privateKeySize(), len(sk))
	}
	key := privateKey{rho: sk[:32], k: sk[32:64]}
	rest := sk[128:]
	next := func(count, bits int, bound int) []poly {
		v := make([]poly, count)
		for i := range v {
			v[i] = unpackCentered(rest[:32*bits], bits, bound)
			rest = rest[32*bits:]
		}
		return v
	}
	key.s1 = next(p.l, p.etaBits(), p.eta)
	key.s2 = next(p.k, p.etaBits(), p.eta)
	key.t0 = next(p.k, d, 1<<(d-1))
	return key, nil
}

// decodePublicKey is pkDecode (Algorithm 23).
func (p params) decodePublicKey(pk []byte) (rho []byte, t1 []poly, err error) {
	if len(pk) != p.publicKeySize() {
		return nil, nil, errors.New("the ML-DSA public key has the wrong size")
	}
	bits := bitlen(q-1) - d
	rest := pk[32:]
	t1 = make([]poly, p.k)
	for i := range t1 {
		t1[i] = unpackBits(rest[:32*bits], bits)
		rest = rest[32*bits:]
	}
	return pk[:32], t1, nil
}

// encodeSignature is sigEncode (Algorithm 26) with HintBitPack (Algorithm 20).
func (p params) encodeSignature(cTilde []byte, z, h []poly) []byte {
	sig := append(make([]byte, 0, p.signatureSize()), cTilde...)
	for i := range z {
		sig = packCentered(sig, z[i], p.zBits(), p.gamma1)
	}
	hints := make([]byte, p.omega+p.k)
	index := 0
	for i := range h {
		for j := range n {
			if h[i][j] != 0 {
				hints[index] = byte(j)
				index++
			}
		}
		hints[p.omega+i] = byte(index)
	}
	return append(sig, hints...)
}

// decodeSignature is sigDecode (Algorithm 27) with HintBitUnpack (Algorithm
// 21); ok is false for a signature of the wrong size or a malformed hint.
func (p params) decodeSignature(sig []byte) (cTilde []byte, z, h []poly, ok bool) {
	if len(sig) != p.signatureSize() {
		return nil, nil, nil, false
	}
	cTilde, rest := sig[:p.cTildeSize()], sig[p.cTildeSize():]
	z = make([]poly, p.l)
	for i := range z {
		size := 32 * p.zBits()
		z[i] = unpackCentered(rest[:size], p.zBits(), p.gamma1)
		rest = rest[size:]
	}
	h = make([]poly, p.k)
	index := 0
	for i := range h {
		end := int(rest[p.omega+i])
		if end < index || end > p.omega {
			return nil, nil, nil, false
		}
		for first := index; index < end; index++ {
			if index > first && rest[index-1] >= rest[index] {
				return nil, nil, nil, false // positions must rise
			}
			h[i][rest[index]] = 1
		}
	}
	for _, b := range rest[index:p.omega] {
		if b != 0 {
			return nil, nil, nil, false
		}
	}
	return cTilde, z, h, true
}

// encodeW1 is w1Encode (Algorithm 28).
func (p params) encodeW1(w1 []poly) []byte {
	var out []byte
	for i := range w1 {
		out = packBits(out, w1[i], p.w1Bits())
	}
	return out
}

// packBits is SimpleBitPack (Algorithm 16): each coefficient in bits bits,
// least significant bit first.
func packBits(dst []byte, a poly, bits int) []byte {
	var acc uint64
	held := 0
	for _, c := range a {
		acc |= uint64(c) << held
		for held += bits; held >= 8; held -= 8 {
			dst = append(dst, byte(acc))
			acc >>= 8
		}
	}
	return dst
}

// unpackBits is SimpleBitUnpack (Algorithm 18).
func unpackBits(src []byte, bits int) poly {
	var a poly
	var acc uint64
	held, next := 0, 0
	for j := range n {
		for held < bits {
			acc |= uint64(src[next]) << held
			next++
			held += 8
		}
		a[j] = int32(acc & (1<<bits - 1))
		acc >>= bits
		held -= bits
	}
	return a
}

// packCentered is BitPack (Algorithm 17) of coefficients in [-(bound-1), bound]
// (or [-bound, bound]): each stored as bound minus the coefficient.
func packCentered(dst []byte, a poly, bits, bound int) []byte {
	var v poly
	for j, c := range a {
		v[j] = int32(bound) - centered(c)
	}
	return packBits(dst, v, bits)
}

// unpackCentered is BitUnpack (Algorithm 19), the inverse of packCentered;
// the coefficients come back reduced mod q.
func unpackCentered(src []byte, bits, bound int) poly {
	a := unpackBits(src, bits)
	for j := range a {
		a[j] = reduce(int64(bound) - int64(a[j]))
	}
	return a
}

func bitlen(x int) int {
	b := 0
	for ; x > 0; x >>= 1 {
		b++
	}
	return b
}
