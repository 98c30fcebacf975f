package mldsamu

// poly is a polynomial of R_q: 256 coefficients in [0, q).
type poly [n]int32

func reduce(a int64) int32 {
	r := a % q
	if r < 0 {
		r += q
	}
	return int32(r)
}

// centered is a mod± q: the representative in [-(q-1)/2, (q-1)/2].
func centered(a int32) int32 {
	if a > (q-1)/2 {
		return a - q
	}
	return a
}

func abs(a int32) int32 {
	if a < 0 {
		return -a
	}
	return a
}

func add(a, b poly) poly {
	for j := range a {
		a[j] = reduce(int64(a[j]) + int64(b[j]))
	}
	return a
}

func sub(a, b poly) poly {
	for j := range a {
		a[j] = reduce(int64(a[j]) - int64(b[j]))
	}
	return a
}

// mul multiplies two polynomials in the NTT domain, coefficient by coefficient.
func mul(a, b poly) poly {
	for j := range a {
		a[j] = reduce(int64(a[j]) * int64(b[j]))
	}
	return a
}

// zetas are ζ^BitRev8(m) mod q for ζ = 1753, the 512th root of unity the
// NTT of FIPS 204 (Algorithms 41 and 42, Appendix B) uses.
func zetas() [n]int32 {
	var powers, z [n]int32
	powers[0] = 1
	for i := 1; i < n; i++ {
		powers[i] = reduce(int64(powers[i-1]) * 1753)
	}
	for m := range n {
		rev := 0
		for b := range 8 {
			rev |= (m >> b & 1) << (7 - b)
		}
		z[m] = powers[rev]
	}
	return z
}

// ntt is NTT (Algorithm 41).
func ntt(w poly) poly {
	z := zetas()
	m := 0
	for length := 128; length >= 1; length /= 2 {
		for start := 0; start < n; start += 2 * length {
			m++
			for j := start; j < start+length; j++ {
				t := reduce(int64(z[m]) * int64(w[j+length]))
				w[j+length] = reduce(int64(w[j]) - int64(t))
				w[j] = reduce(int64(w[j]) + int64(t))
			}
		}
	}
	return w
}

// invNTT is NTT⁻¹ (Algorithm 42).
func invNTT(w poly) poly {
	z := zetas()
	m := n
	for length := 1; length < n; length *= 2 {
		for start := 0; start < n; start += 2 * length {
			m--
			for j := start; j < start+length; j++ {
				t := w[j]
				w[j] = reduce(int64(t) + int64(w[j+length]))
				w[j+length] = reduce(-int64(z[m]) * (int64(t) - int64(w[j+length])))
			}
		}
	}
	const nInverse = 8347681 // 256⁻¹ mod q
	for j := range w {
		w[j] = reduce(int64(w[j]) * nInverse)
	}
	return w
}

func nttVec(v []poly) []poly {
	out := make([]poly, len(v))
	for i := range v {
		out[i] = ntt(v[i])
	}
	return out
}

// mulMatrix is A·v for A and v in the NTT domain, brought back to the
// normal domain.
func mulMatrix(a [][]poly, v []poly) []poly {
	out := make([]poly, len(a))
	for i := range a {
		var acc poly
		for j := range v {
			acc = add(acc, mul(a[i][j], v[j]))
		}
		out[i] = invNTT(acc)
	}
	return out
}

// mulScalar is c·v for c and v in the NTT domain, brought back to the
// normal domain.
func mulScalar(c poly, v []poly) []poly {
	out := make([]poly, len(v))
	for i := range v {
		out[i] = invNTT(mul(c, v[i]))
	}
	return out
}

func addVec(a, b []poly) []poly {
	out := make([]poly, len(a))
	for i := range a {
		out[i] = add(a[i], b[i])
	}
	return out
}

func subVec(a, b []poly) []poly {
	out := make([]poly, len(a))
	for i := range a {
		out[i] = sub(a[i], b[i])
	}
	return out
}

// vecNorm is ‖v‖∞ of the centered coefficients.
func vecNorm(v []poly) int {
	m := int32(0)
	for i := range v {
		for _, c := range v[i] {
			m = max(m, abs(centered(c)))
		}
	}
	return int(m)
}
