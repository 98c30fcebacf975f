package runner_test

import "maps"

// signingWrongCases are the endpoints that get Sign, Verify or GetPublicKey
// wrong, each with the scenarios that show it up.
func signingWrongCases() []wrongCase {
	fixed := func(c change) func(*wrongKMS) change { return func(*wrongKMS) change { return c } }
	return []wrongCase{
		{
			name: "Sign signs with a new key of the same spec, and names the key asked for",
			tags: "@cond:Sign.15,@cond:Sign.12", change: fixed(signsWithAnotherKey),
		},
		{
			name: "Verify accepts any signature", tags: "@cond:Verify.07,@cond:Verify.08,@cond:Verify.09",
			change: fixed(acceptsAnySignature),
		},
		{
			name: "an external mu is signed and verified as if it were the message", tags: "@cond:Sign.07,@cond:Verify.12",
			change: fixed(muAsMessage), check: failWith(map[string]string{
				"sign.feature: An ML_DSA_44 key signs the external mu of a message":                            "does not verify with the ML_DSA_44 public key",
				"sign.feature: An ML_DSA_65 key signs the external mu of a message":                            "does not verify with the ML_DSA_65 public key",
				"sign.feature: An ML_DSA_87 key signs the external mu of a message":                            "does not verify with the ML_DSA_87 public key",
				"verify.feature: A message signed as it is verifies when its external mu is given (ML_DSA_44)": "KMSInvalidSignatureException",
				"verify.feature: A message signed as it is verifies when its external mu is given (ML_DSA_65)": "KMSInvalidSignatureException",
				"verify.feature: A message signed as it is verifies when its external mu is given (ML_DSA_87)": "KMSInvalidSignatureException",
			}),
		},
		{
			name: "signing answers name keys by their key IDs", tags: "@cond:Sign.15,@cond:Verify.17,@cond:GetPublicKey.10",
			change: fixed(func(x *exchange) answer {
				a := x.forward()
				if a.ok() && (x.op == "Sign" || x.op == "Verify" || x.op == "GetPublicKey") {
					if arn := str(a.body, "KeyId"); arn != "" {
						a.body["KeyId"] = keyIDOf(arn)
					}
				}
				return a
			}),
		},
	}
}

// signsWithAnotherKey answers Sign with the signature of a key it creates
// for the occasion, of the spec of the key asked for.
func signsWithAnotherKey(x *exchange) answer {
	if x.op != "Sign" {
		return x.forward()
	}
	d := x.call("DescribeKey", map[string]any{"KeyId": x.in["KeyId"]})
	md, _ := d.body["KeyMetadata"].(map[string]any)
	if !d.ok() || md == nil || str(md, "KeyUsage") != "SIGN_VERIFY" {
		return x.forward()
	}
	other := x.call("CreateKey", map[string]any{"KeySpec": str(md, "KeySpec"), "KeyUsage": "SIGN_VERIFY"})
	omd, _ := other.body["KeyMetadata"].(map[string]any)
	if !other.ok() || omd == nil {
		return x.forward()
	}
	in := map[string]any{}
	for k, v := range x.in {
		in[k] = v
	}
	in["KeyId"] = str(omd, "Arn")
	a := x.call("Sign", in)
	if a.ok() {
		a.body["KeyId"] = str(md, "Arn")
	}
	return a
}

// acceptsAnySignature answers a Verify whose signature does not verify as
// if it did.
func acceptsAnySignature(x *exchange) answer {
	a := x.forward()
	if x.op != "Verify" || a.code() != "KMSInvalidSignatureException" {
		return a
	}
	d := x.call("DescribeKey", map[string]any{"KeyId": x.in["KeyId"]})
	md, _ := d.body["KeyMetadata"].(map[string]any)
	if !d.ok() || md == nil {
		return a
	}
	return success(map[string]any{"KeyId": str(md, "Arn"), "SignatureValid": true, "SigningAlgorithm": x.in["SigningAlgorithm"]})
}

// muAsMessage answers a Sign or Verify of an external mu as one of the 64
// mu bytes taken for the message itself (MessageType RAW).
func muAsMessage(x *exchange) answer {
	if (x.op != "Sign" && x.op != "Verify") || str(x.in, "MessageType") != "EXTERNAL_MU" {
		return x.forward()
	}
	in := maps.Clone(x.in)
	in["MessageType"] = "RAW"
	return x.call(x.op, in)
}
