package scenario

import (
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/keymaterial"
)

// importSpecExpr names the key specs whose material a scenario can make and
// import: real KMS imports into asymmetric and HMAC keys as well as symmetric
// ones (recorded; the Origin member's doc says symmetric only, CreateKey.33).
const ImportSpecExpr = `(RSA_2048|RSA_3072|RSA_4096|ECC_NIST_P256|ECC_NIST_P384|ECC_NIST_P521|ECC_SECG_P256K1|HMAC_224|HMAC_256|HMAC_384|HMAC_512)`

// usageFor is the KeyUsage a scenario gives a key of spec: the one usage every
// such key allows.
func usageFor(spec types.KeySpec) types.KeyUsageType {
	switch spec {
	case types.KeySpecSymmetricDefault:
		return types.KeyUsageTypeEncryptDecrypt
	case types.KeySpecHmac224, types.KeySpecHmac256, types.KeySpecHmac384, types.KeySpecHmac512:
		return types.KeyUsageTypeGenerateVerifyMac
	default:
		return types.KeyUsageTypeSignVerify
	}
}

// keyMaterialFor makes fresh key material of the kind ImportKeyMaterial takes
// for a key of spec. It is secret.
func KeyMaterialFor(spec types.KeySpec) ([]byte, error) { return keymaterial.New(string(spec)) }
