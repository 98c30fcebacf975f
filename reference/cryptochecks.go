package reference

import (
	"fmt"
	"slices"
)

// externalKeyRefuses is the answer of a key in an external key store whose
// external key can no longer serve it: its proxy reports the external key
// disabled, missing or unfit for encryption. KMS reports such failures of a
// custom key store as KMSInvalidStateException with the cause in the
// message (Encrypt.30, Decrypt.29, ReEncrypt.29).
func (c *call) externalKeyRefuses(k *Key) error {
	if k.XksKeyID == "" {
		return nil
	}
	owner := c.acct
	if a, ok := c.svc.ownerOf(k); ok {
		owner = a
	}
	st, ok := owner.stores[k.CustomKeyStoreID]
	if !ok {
		return nil
	}
	var ext *ExternalKey
	if p := c.svc.backing.proxyFor(xksConfigOf(st)); p != nil {
		ext = p.externalKey(k.XksKeyID)
	}
	var cause string
	switch {
	case ext == nil:
		cause = "cannot find the external key"
	case !ext.Enabled:
		cause = "reports that the external key is disabled"
	case !slices.Contains(ext.Usages, "ENCRYPT") || !slices.Contains(ext.Usages, "DECRYPT"):
		cause = "reports that the external key cannot encrypt and decrypt"
	default:
		return nil
	}
	return errorf("KMSInvalidStateException", "The external key store proxy %s (external key %s) for KMS key %s.", cause, k.XksKeyID, k.ARN)
}

// dryRunModifiers validates the DryRunModifiers of Decrypt and ReEncrypt
// and reports whether they ask to ignore the ciphertext. They count only
// with DryRun set (Decrypt.34).
func dryRunModifiers(v *validator, modifiers []string, dryRun *bool) bool {
	ignore := false
	for i := range modifiers {
		v.Enum(fmt.Sprintf("dryRunModifiers.%d.member", i+1), &modifiers[i], "IGNORE_CIPHERTEXT")
		ignore = ignore || modifiers[i] == "IGNORE_CIPHERTEXT"
	}
	return ignore && dryRun != nil && *dryRun
}

// recipient is the Recipient of Decrypt, GenerateRandom and the data key
// operations: a Nitro enclave's attestation document and the algorithm to
// encrypt for it.
type recipient struct {
	KeyEncryptionAlgorithm *string `json:"KeyEncryptionAlgorithm"`
	AttestationDocument    []byte  `json:"AttestationDocument"`
}

// validate checks the model's limits of r, which may be nil.
func (r *recipient) validate(v *validator) {
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

// dryRunIgnoringCiphertext answers a dry run with IGNORE_CIPHERTEXT: only
// the named key is checked, and it must be named (Decrypt.32, Decrypt.33,
// ReEncrypt.32); member is the request's name for it.
func (c *call) dryRunIgnoringCiphertext(keyID *string, member string) error {
	if keyID == nil {
		return errorf("ValidationException", "%s is required for a dry run with the IGNORE_CIPHERTEXT modifier.", member)
	}
	k, err := c.resolveKey(*keyID, keyARNOrAlias)
	if err != nil {
		return err
	}
	if err := c.encryptionKey(k); err != nil {
		return err
	}
	t := true
	return dryRun(&t)
}

// keyFor checks that k can serve a cryptographic operation of usage now:
// Disabled is DisabledException, Enabled and Updating serve (key-state
// table), any other state is KMSInvalidStateException; then its KeyUsage.
func (c *call) keyFor(k *Key, usage string) error {
	switch st := c.effectiveState(k); st {
	case KeyEnabled, KeyUpdating:
	case KeyDisabled:
		return errorf("DisabledException", "%s is disabled.", k.ARN)
	default:
		return stateError(k, st)
	}
	if k.KeyUsage != usage {
		return errorf("InvalidKeyUsageException", "%s key usage is %s which is not valid for %s.", k.ARN, k.KeyUsage, c.op)
	}
	c.useKey(k)
	return nil
}
