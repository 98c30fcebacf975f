package reference

// recipient is the Recipient member of the data key operations: a Nitro
// Enclaves attestation document and the algorithm to encrypt for it.
type recipient struct {
	KeyEncryptionAlgorithm *string `json:"KeyEncryptionAlgorithm"`
	AttestationDocument    []byte  `json:"AttestationDocument"`
}

// validateRecipient checks r against the model's constraints.
func validateRecipient(v *validator, r *recipient) {
	if r == nil {
		return
	}
	v.Enum("recipient.keyEncryptionAlgorithm", r.KeyEncryptionAlgorithm, "RSAES_OAEP_SHA_256")
	v.Size("recipient.attestationDocument", r.AttestationDocument, r.AttestationDocument != nil, 1, 262144)
}

// errRecipient refuses a valid Recipient: the reference cannot verify an
// attestation document, so it cannot encrypt for an enclave.
func errRecipient() error {
	return errorf("UnsupportedOperationException", "Recipient is not supported: the reference cannot verify attestation documents.")
}

// checkGrantTokens refuses every grant token: the reference issues no
// grants (it has no CreateGrant), so no token names one. Real KMS answers a
// token it did not issue with InvalidGrantTokenException.
func checkGrantTokens(tokens []string) error {
	if len(tokens) > 0 {
		return errorf("InvalidGrantTokenException", "Invalid grant token.")
	}
	return nil
}
