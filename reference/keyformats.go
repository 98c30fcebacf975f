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
	"strings"

	"github.com/kmsconform/kmsconform/keymaterial"
)

// The formats of key material, per key spec, for import (canonicalMaterial)
// and for keys KMS generates (generateMaterial). Symmetric and HMAC material
// is raw bytes; asymmetric material is a DER PKCS #8 private key, as the KMS
// import docs ask for, and the same form serves generated key pairs, so
// that later operations read one format whatever the key's origin.

// Object identifiers of the PKCS #8 algorithms and named curves.
var (
	oidRSA       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidECKey     = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidEd25519   = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidP256      = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidP384      = asn1.ObjectIdentifier{1, 3, 132, 0, 34}
	oidP521      = asn1.ObjectIdentifier{1, 3, 132, 0, 35}
	oidSecp256k1 = asn1.ObjectIdentifier{1, 3, 132, 0, 10}
	oidSM2       = asn1.ObjectIdentifier{1, 2, 156, 10197, 1, 301}
)

// rsaBits is the modulus size of each RSA key spec.
var rsaBits = map[string]int{"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}

// nistCurves are the EC key specs Go's crypto implements, and curveOIDs
// their named curves.
var (
	nistCurves = map[string]elliptic.Curve{"ECC_NIST_P256": elliptic.P256(), "ECC_NIST_P384": elliptic.P384(), "ECC_NIST_P521": elliptic.P521()}
	curveOIDs  = map[string]asn1.ObjectIdentifier{"ECC_NIST_P256": oidP256, "ECC_NIST_P384": oidP384, "ECC_NIST_P521": oidP521}
)

// otherCurve is an EC key spec outside Go's crypto: only the private scalar
// is checked and kept.
type otherCurve struct {
	oid   asn1.ObjectIdentifier
	order *big.Int
}

var otherCurves = map[string]otherCurve{
	"ECC_SECG_P256K1": {oidSecp256k1, mustHex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")},
	"SM2":             {oidSM2, mustHex("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123")},
}

// latticeKey is an ML-DSA or ML-KEM key spec: its PKCS #8 algorithm and the
// sizes of the private key's seed and expanded forms (FIPS 204 and 203; the
// PKCS #8 private key is a CHOICE of seed [0], expandedKey, or both, as
// RFC 9881 and the ML-KEM certificate profile define it).
type latticeKey struct {
	oid                  asn1.ObjectIdentifier
	seedSize, expandSize int
}

var latticeKeys = map[string]latticeKey{
	"ML_DSA_44":   {asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 3, 17}, 32, 2560},
	"ML_DSA_65":   {asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 3, 18}, 32, 4032},
	"ML_DSA_87":   {asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 3, 19}, 32, 4896},
	"ML_KEM_512":  {asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 4, 1}, 64, 1632},
	"ML_KEM_768":  {asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 4, 2}, 64, 2400},
	"ML_KEM_1024": {asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 4, 3}, 64, 3168},
}

// hmacKeySizes is the range of HMAC key lengths, in bytes, each HMAC key spec
// takes on import: from the digest size to the hash's block size.
var hmacKeySizes = map[string][2]int{"HMAC_224": {28, 64}, "HMAC_256": {32, 64}, "HMAC_384": {48, 128}, "HMAC_512": {64, 128}}

// importableSpec reports whether KMS imports key material for keys of spec
// (CreateKey.33): symmetric encryption, HMAC, and asymmetric encryption,
// signing and key agreement keys. ML-KEM keys are none of those.
func importableSpec(spec string) bool {
	return !strings.HasPrefix(spec, "ML_KEM_")
}

// oneAsymmetricKey is a PKCS #8 (RFC 5958) private key.
type oneAsymmetricKey struct {
	Version    int
	Algorithm  pkix.AlgorithmIdentifier
	PrivateKey []byte
	Attributes asn1.RawValue  `asn1:"optional,tag:0"`
	PublicKey  asn1.BitString `asn1:"optional,tag:1"`
}

// ecPrivateKey is an RFC 5915 EC private key.
type ecPrivateKey struct {
	Version       int
	PrivateKey    []byte
	NamedCurveOID asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	PublicKey     asn1.BitString        `asn1:"optional,explicit,tag:1"`
}

// incorrectMaterial is the IncorrectKeyMaterialException for material that
// does not fit the key (ImportKeyMaterial.18).
func incorrectMaterial(format string, args ...any) error {
	return errorf("IncorrectKeyMaterialException", format, args...)
}

// canonicalMaterial checks that imported key material fits a key of spec and
// returns it in one canonical form, so that the same key imported in two
// encodings is recognised as the same material. The error is an
// IncorrectKeyMaterialException that says what is wrong without revealing
// the material.
func canonicalMaterial(spec string, material []byte) ([]byte, error) {
	switch {
	case spec == symmetricDefault:
		if len(material) != 32 {
			return nil, incorrectMaterial("The key material must be 256 bits (32 bytes) for a SYMMETRIC_DEFAULT key, not %d bytes.", len(material))
		}
		return material, nil
	case strings.HasPrefix(spec, "HMAC_"):
		size := hmacKeySizes[spec]
		if len(material) < size[0] || len(material) > size[1] {
			return nil, incorrectMaterial("The key material for a %s key must be %d to %d bytes, not %d bytes.", spec, size[0], size[1], len(material))
		}
		return material, nil
	}
	var p8 oneAsymmetricKey
	rest, err := asn1.Unmarshal(material, &p8)
	if err != nil || len(rest) > 0 || (p8.Version != 0 && p8.Version != 1) {
		return nil, incorrectMaterial("The key material for a %s key must be a DER-encoded PKCS #8 private key.", spec)
	}
	algorithm := p8.Algorithm.Algorithm
	if bits, ok := rsaBits[spec]; ok {
		return canonicalRSA(spec, bits, algorithm, material)
	}
	if _, ok := nistCurves[spec]; ok {
		return canonicalNIST(spec, p8, material)
	}
	if c, ok := otherCurves[spec]; ok {
		return canonicalOtherCurve(spec, c, p8)
	}
	if lk, ok := latticeKeys[spec]; ok && importableSpec(spec) {
		return canonicalLattice(spec, lk, p8)
	}
	if spec == "ECC_NIST_EDWARDS25519" {
		if !algorithm.Equal(oidEd25519) {
			return nil, incorrectMaterial("The key material is a %s private key; a %s key needs an Ed25519 private key.", algorithmName(algorithm), spec)
		}
		key, err := x509.ParsePKCS8PrivateKey(material)
		if err != nil {
			return nil, incorrectMaterial("The key material is not a valid Ed25519 private key.")
		}
		return x509.MarshalPKCS8PrivateKey(key)
	}
	return nil, incorrectMaterial("Key material cannot be imported into a %s key.", spec)
}

func canonicalRSA(spec string, bits int, algorithm asn1.ObjectIdentifier, material []byte) ([]byte, error) {
	if !algorithm.Equal(oidRSA) {
		return nil, incorrectMaterial("The key material is a %s private key; a %s key needs an RSA private key.", algorithmName(algorithm), spec)
	}
	key, err := x509.ParsePKCS8PrivateKey(material)
	priv, ok := key.(*rsa.PrivateKey)
	if err != nil || !ok {
		return nil, incorrectMaterial("The key material is not a valid RSA private key.")
	}
	if got := priv.N.BitLen(); got != bits {
		return nil, incorrectMaterial("The key material is a %d-bit RSA private key; a %s key needs a %d-bit one.", got, spec, bits)
	}
	return x509.MarshalPKCS8PrivateKey(priv)
}

func canonicalNIST(spec string, p8 oneAsymmetricKey, material []byte) ([]byte, error) {
	want := curveOIDs[spec]
	if err := checkECAlgorithm(spec, want, p8); err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(material) // on the curve just checked
	priv, ok := key.(*ecdsa.PrivateKey)
	if err != nil || !ok {
		return nil, incorrectMaterial("The key material is not a valid EC private key for a %s key.", spec)
	}
	return x509.MarshalPKCS8PrivateKey(priv)
}

// checkECAlgorithm checks that a PKCS #8 key is an EC key on the named curve want.
func checkECAlgorithm(spec string, want asn1.ObjectIdentifier, p8 oneAsymmetricKey) error {
	if !p8.Algorithm.Algorithm.Equal(oidECKey) {
		return incorrectMaterial("The key material is a %s private key; a %s key needs an EC private key on %s.", algorithmName(p8.Algorithm.Algorithm), spec, algorithmName(want))
	}
	var curve asn1.ObjectIdentifier
	if rest, err := asn1.Unmarshal(p8.Algorithm.Parameters.FullBytes, &curve); err != nil || len(rest) > 0 || !curve.Equal(want) {
		return incorrectMaterial("The key material is an EC private key on %s; a %s key needs one on %s.", algorithmName(curve), spec, algorithmName(want))
	}
	return nil
}

// canonicalOtherCurve checks an EC private key on a curve Go's crypto does
// not implement: the algorithm, the named curve and a private scalar in
// [1, n-1]. The canonical form keeps only the scalar; a public key in the
// input is not checked against it (Go's parser ignores it for the NIST
// curves too).
func canonicalOtherCurve(spec string, c otherCurve, p8 oneAsymmetricKey) ([]byte, error) {
	if err := checkECAlgorithm(spec, c.oid, p8); err != nil {
		return nil, err
	}
	var ec ecPrivateKey
	rest, err := asn1.Unmarshal(p8.PrivateKey, &ec)
	if err != nil || len(rest) > 0 || ec.Version != 1 || (len(ec.NamedCurveOID) > 0 && !ec.NamedCurveOID.Equal(c.oid)) {
		return nil, incorrectMaterial("The key material is not a valid EC private key for a %s key.", spec)
	}
	d := new(big.Int).SetBytes(ec.PrivateKey)
	size := (c.order.BitLen() + 7) / 8
	if len(ec.PrivateKey) > size || d.Sign() == 0 || d.Cmp(c.order) >= 0 {
		return nil, incorrectMaterial("The key material is not a valid EC private key for a %s key.", spec)
	}
	return marshalECScalar(c, d.FillBytes(make([]byte, size)))
}

func marshalECScalar(c otherCurve, scalar []byte) ([]byte, error) {
	inner, err := asn1.Marshal(ecPrivateKey{Version: 1, PrivateKey: scalar})
	if err != nil {
		return nil, err
	}
	params, err := asn1.Marshal(c.oid)
	if err != nil {
		return nil, err
	}
	return marshalPKCS8(pkix.AlgorithmIdentifier{Algorithm: oidECKey, Parameters: asn1.RawValue{FullBytes: params}}, inner)
}

// canonicalLattice checks an ML-DSA private key: the algorithm of the spec
// and one of the three forms of RFC 9881 with the sizes FIPS 204 gives. The
// canonical form is the seed when the input has one, else the expanded key.
// When both are given their agreement is not checked: the reference has no
// ML-DSA implementation to expand the seed with.
func canonicalLattice(spec string, lk latticeKey, p8 oneAsymmetricKey) ([]byte, error) {
	if !p8.Algorithm.Algorithm.Equal(lk.oid) || len(p8.Algorithm.Parameters.FullBytes) > 0 {
		return nil, incorrectMaterial("The key material is a %s private key; a %s key needs a %s private key.", algorithmName(p8.Algorithm.Algorithm), spec, algorithmName(lk.oid))
	}
	bad := incorrectMaterial("The key material is not a valid %s private key: it must be a %d-byte seed, a %d-byte expanded key, or both.", algorithmName(lk.oid), lk.seedSize, lk.expandSize)
	var choice asn1.RawValue
	rest, err := asn1.Unmarshal(p8.PrivateKey, &choice)
	if err != nil || len(rest) > 0 {
		return nil, bad
	}
	var seed, expanded []byte
	switch {
	case choice.Class == asn1.ClassContextSpecific && choice.Tag == 0 && !choice.IsCompound:
		seed = choice.Bytes
	case choice.Class == asn1.ClassUniversal && choice.Tag == asn1.TagOctetString:
		expanded = choice.Bytes
	case choice.Class == asn1.ClassUniversal && choice.Tag == asn1.TagSequence:
		var both struct{ Seed, Expanded []byte }
		if rest, err := asn1.Unmarshal(choice.FullBytes, &both); err != nil || len(rest) > 0 {
			return nil, bad
		}
		seed, expanded = both.Seed, both.Expanded
	default:
		return nil, bad
	}
	if (seed != nil && len(seed) != lk.seedSize) || (expanded != nil && len(expanded) != lk.expandSize) {
		return nil, bad
	}
	if seed != nil {
		return marshalLatticeSeed(lk, seed)
	}
	inner, err := asn1.Marshal(expanded)
	if err != nil {
		return nil, err
	}
	return marshalPKCS8(pkix.AlgorithmIdentifier{Algorithm: lk.oid}, inner)
}

func marshalLatticeSeed(lk latticeKey, seed []byte) ([]byte, error) {
	inner, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, Bytes: seed})
	if err != nil {
		return nil, err
	}
	return marshalPKCS8(pkix.AlgorithmIdentifier{Algorithm: lk.oid}, inner)
}

func marshalPKCS8(algorithm pkix.AlgorithmIdentifier, privateKey []byte) ([]byte, error) {
	return asn1.Marshal(struct {
		Version    int
		Algorithm  pkix.AlgorithmIdentifier
		PrivateKey []byte
	}{0, algorithm, privateKey})
}

// generateMaterial makes new key material for a key of spec, in the form
// canonicalMaterial returns: as an importer would make it (package
// keymaterial), brought to that form; the curves Go lacks and ML-DSA from a
// random scalar or seed.
func generateMaterial(spec string) ([]byte, error) {
	if c, ok := otherCurves[spec]; ok {
		// A uniform scalar in [1, n-1].
		d, err := rand.Int(rand.Reader, new(big.Int).Sub(c.order, big.NewInt(1)))
		if err != nil {
			return nil, fmt.Errorf("generate %s key pair: %w", spec, err)
		}
		d.Add(d, big.NewInt(1))
		return marshalECScalar(c, d.FillBytes(make([]byte, (c.order.BitLen()+7)/8)))
	}
	if lk, ok := latticeKeys[spec]; ok {
		return marshalLatticeSeed(lk, randomBytes(lk.seedSize))
	}
	m, err := keymaterial.New(spec)
	if err != nil {
		return nil, fmt.Errorf("generate %s key material: %w", spec, err)
	}
	return canonicalMaterial(spec, m)
}

// algorithmName names a PKCS #8 algorithm or named curve in messages.
func algorithmName(oid asn1.ObjectIdentifier) string {
	switch {
	case oid.Equal(oidRSA):
		return "RSA"
	case oid.Equal(oidECKey):
		return "EC"
	case oid.Equal(oidEd25519):
		return "Ed25519"
	case oid.Equal(oidP256):
		return "P-256"
	case oid.Equal(oidP384):
		return "P-384"
	case oid.Equal(oidP521):
		return "P-521"
	case oid.Equal(oidSecp256k1):
		return "secp256k1"
	case oid.Equal(oidSM2):
		return "SM2"
	}
	for spec, lk := range latticeKeys {
		if oid.Equal(lk.oid) {
			return strings.ReplaceAll(spec, "_", "-")
		}
	}
	if len(oid) == 0 {
		return "unnamed"
	}
	return oid.String()
}

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("reference: bad hex constant " + s)
	}
	return n
}
