package reference

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"strings"
)

// macOperations are the HMAC operations.
func macOperations() map[string]operation {
	return map[string]operation{
		"GenerateMac": generateMac,
		"VerifyMac":   verifyMac,
	}
}

// macAlgorithms are the MacAlgorithm values of the API model; each fits
// exactly one HMAC key spec (HMAC_SHA_256 needs HMAC_256).
var macAlgorithms = []string{"HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"}

var macHashes = map[string]func() hash.Hash{
	"HMAC_SHA_224": sha256.New224, "HMAC_SHA_256": sha256.New,
	"HMAC_SHA_384": sha512.New384, "HMAC_SHA_512": sha512.New,
}

type macInput struct {
	KeyID        *string  `json:"KeyId"`
	Message      []byte   `json:"Message"`
	MacAlgorithm *string  `json:"MacAlgorithm"`
	Mac          []byte   `json:"Mac"`
	GrantTokens  []string `json:"GrantTokens"`
	DryRun       *bool    `json:"DryRun"`
}

// computeMac decodes and checks a GenerateMac or VerifyMac request (verify
// also requires Mac) and returns the key and the HMAC of its message;
// the caller answers a dry run.
func (c *call) computeMac(verify bool) (*Key, macInput, []byte, error) {
	var in macInput
	if err := c.decode(&in); err != nil {
		return nil, in, nil, err
	}
	var v validator
	v.Required("message", in.Message != nil)
	v.SensitiveSize("message", in.Message, in.Message != nil, 1, 4096)
	validateKeyID(&v, in.KeyID)
	v.Required("macAlgorithm", in.MacAlgorithm != nil)
	v.Enum("macAlgorithm", in.MacAlgorithm, macAlgorithms...)
	if verify {
		v.Required("mac", in.Mac != nil)
		v.SensitiveSize("mac", in.Mac, in.Mac != nil, 1, 6144)
	}
	validateGrantTokens(&v, in.GrantTokens)
	if err := v.Err(); err != nil {
		return nil, in, nil, err
	}
	if err := c.checkGrantTokens(in.GrantTokens); err != nil {
		return nil, in, nil, err
	}
	k, err := c.resolveKey(*in.KeyID, keyARNOrAlias)
	if err != nil {
		return nil, in, nil, err
	}
	if err := c.keyFor(k, "GENERATE_VERIFY_MAC"); err != nil {
		return nil, in, nil, err
	}
	// Recorded: "Algorithm HMAC_SHA_256 is incompatible with key spec
	// HMAC_224." (GenerateMac.04, VerifyMac.04).
	if "HMAC_"+strings.TrimPrefix(*in.MacAlgorithm, "HMAC_SHA_") != k.KeySpec {
		return nil, in, nil, errorf("InvalidKeyUsageException", "Algorithm %s is incompatible with key spec %s.", *in.MacAlgorithm, k.KeySpec)
	}
	material, err := k.ensureMaterial()
	if err != nil {
		return nil, in, nil, errorf("KMSInternalException", "An internal error occurred.")
	}
	m := hmac.New(macHashes[*in.MacAlgorithm], material)
	m.Write(in.Message)
	return k, in, m.Sum(nil), nil
}

func generateMac(c *call) (any, error) {
	k, in, mac, err := c.computeMac(false)
	if err != nil {
		return nil, err
	}
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	return struct {
		Mac          []byte
		MacAlgorithm string
		KeyID        string `json:"KeyId"`
	}{mac, *in.MacAlgorithm, k.ARN}, nil
}

// verifyMac never answers MacValid false: a MAC that does not match is
// KMSInvalidMacException, recorded with an empty message (VerifyMac.05-.09).
func verifyMac(c *call) (any, error) {
	k, in, mac, err := c.computeMac(true)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal(mac, in.Mac) {
		return nil, errorf("KMSInvalidMacException", "")
	}
	// A dry run answers the failure the request would have, a MAC that
	// does not match included (VerifyMac.19).
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	return struct {
		KeyID        string `json:"KeyId"`
		MacValid     bool
		MacAlgorithm string
	}{k.ARN, true, *in.MacAlgorithm}, nil
}
