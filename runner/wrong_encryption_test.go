package runner_test

import (
	"encoding/base64"
	"net/http"
)

// encryptionWrongCases are the endpoints that get Encrypt, Decrypt or
// ReEncrypt wrong, each with the scenarios that show it up.
func encryptionWrongCases() []wrongCase {
	fixed := func(c change) func(*wrongKMS) change { return func(*wrongKMS) change { return c } }
	return []wrongCase{
		{
			name: "encryption ignores the encryption context",
			tags: "@cond:Encrypt.20,@cond:Decrypt.09,@cond:ReEncrypt.08,@cond:ReEncrypt.14", change: fixed(contextIgnored),
		},
		{
			name: "Decrypt and ReEncrypt decrypt with the ciphertext's key whatever key the request names, and answer the named one",
			tags: "@cond:Decrypt.04,@cond:ReEncrypt.05", change: fixed(namedKeyIgnored),
		},
		{
			name: "Decrypt answers a plaintext one byte off",
			tags: "@cond:Decrypt.02,@cond:Decrypt.11,@cond:Encrypt.22,@cond:Encrypt.20,@cond:ReEncrypt.02,@cond:ReEncrypt.14",
			change: fixed(rewritten("Decrypt", func(_ *exchange, out map[string]any) {
				if p, err := base64.StdEncoding.DecodeString(str(out, "Plaintext")); err == nil && len(p) > 0 {
					p[0] ^= 1
					out["Plaintext"] = base64.StdEncoding.EncodeToString(p)
				}
			})),
		},
		{
			name: "RSA encryption with SHA-1 uses SHA-256", tags: "@cond:Encrypt.21,@cond:ReEncrypt.21",
			change: fixed(oaepHashSwapped),
		},
		{
			name: "encryption answers name keys by their key IDs", tags: "@cond:Encrypt.22,@cond:Decrypt.19,@cond:ReEncrypt.21",
			change: fixed(func(x *exchange) answer {
				a := x.forward()
				if a.ok() && (x.op == "Encrypt" || x.op == "Decrypt" || x.op == "ReEncrypt") {
					for _, m := range []string{"KeyId", "SourceKeyId"} {
						if arn := str(a.body, m); arn != "" {
							a.body[m] = keyIDOf(arn)
						}
					}
				}
				return a
			}),
		},
		{
			name: "encryption answers ThrottlingException for every refusal",
			tags: "@cond:Encrypt.08,@cond:Encrypt.19,@cond:Encrypt.25,@cond:Decrypt.05,@cond:Decrypt.24,@cond:ReEncrypt.12,@cond:ReEncrypt.24",
			change: fixed(func(x *exchange) answer {
				if x.op == "Encrypt" || x.op == "Decrypt" || x.op == "ReEncrypt" {
					return throttleRefusals(x)
				}
				return x.forward()
			}),
		},
		{
			name: "DisableKey does nothing, before encryption", change: fixed(ignored("DisableKey", nil)),
			tags: "@cond:Encrypt.24,@cond:Decrypt.23",
		},
		{
			name: "ConnectCustomKeyStore does nothing, before encryption", change: fixed(ignored("ConnectCustomKeyStore", nil)),
			tags: "@cond:Encrypt.30",
		},
	}
}

// contextIgnored drops every encryption context from the requests of
// Encrypt, Decrypt, ReEncrypt and the data key operations: a ciphertext
// decrypts with any context.
func contextIgnored(x *exchange) answer {
	switch x.op {
	case "Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext":
		delete(x.in, "EncryptionContext")
	case "ReEncrypt":
		delete(x.in, "SourceEncryptionContext")
		delete(x.in, "DestinationEncryptionContext")
	}
	return x.forward()
}

// namedKeyIgnored decrypts a symmetric ciphertext with the key that made
// it, and answers as if the named key had.
func namedKeyIgnored(x *exchange) answer {
	member := map[string]string{"Decrypt": "KeyId", "ReEncrypt": "SourceKeyId"}[x.op]
	named := str(x.in, member)
	if member == "" || named == "" {
		return x.forward()
	}
	delete(x.in, member)
	a := x.forward()
	if !a.ok() {
		x.in[member] = named
		return x.forward()
	}
	a.body[member] = named
	return a
}

// oaepHashSwapped encrypts with RSAES_OAEP_SHA_256 when asked for
// RSAES_OAEP_SHA_1, and says it used SHA-1.
func oaepHashSwapped(x *exchange) answer {
	member := map[string]string{"Encrypt": "EncryptionAlgorithm", "ReEncrypt": "DestinationEncryptionAlgorithm"}[x.op]
	if member == "" || str(x.in, member) != "RSAES_OAEP_SHA_1" {
		return x.forward()
	}
	x.in[member] = "RSAES_OAEP_SHA_256"
	a := x.forward()
	if a.status == http.StatusOK {
		a.body[member] = "RSAES_OAEP_SHA_1"
		if x.op == "Encrypt" {
			a.body["EncryptionAlgorithm"] = "RSAES_OAEP_SHA_1"
		}
	}
	return a
}
