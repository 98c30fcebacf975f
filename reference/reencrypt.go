package reference

// reEncrypt implements ReEncrypt: Decrypt with the source key, then Encrypt
// with the destination key, in one request. The destination key is found
// first (NotFoundException), the ciphertext is opened next (so that a wrong
// SourceKeyId is an IncorrectKeyException whatever the destination: recorded
// ReEncrypt.source-key-of-another-key) and the destination checked last.
func reEncrypt(c *call) (any, error) {
	var in struct {
		CiphertextBlob                 []byte            `json:"CiphertextBlob"`
		SourceEncryptionContext        map[string]string `json:"SourceEncryptionContext"`
		SourceKeyID                    *string           `json:"SourceKeyId"`
		DestinationKeyID               *string           `json:"DestinationKeyId"`
		DestinationEncryptionContext   map[string]string `json:"DestinationEncryptionContext"`
		SourceEncryptionAlgorithm      *string           `json:"SourceEncryptionAlgorithm"`
		DestinationEncryptionAlgorithm *string           `json:"DestinationEncryptionAlgorithm"`
		GrantTokens                    []string          `json:"GrantTokens"`
		DryRun                         *bool             `json:"DryRun"`
		DryRunModifiers                []string          `json:"DryRunModifiers"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	ignore := dryRunModifiers(&v, in.DryRunModifiers, in.DryRun)
	v.Required("ciphertextBlob", in.CiphertextBlob != nil || ignore)
	v.Size("ciphertextBlob", in.CiphertextBlob, in.CiphertextBlob != nil, 1, 6144)
	v.Length("sourceKeyId", in.SourceKeyID, 1, 2048, false)
	v.Required("destinationKeyId", in.DestinationKeyID != nil)
	v.Length("destinationKeyId", in.DestinationKeyID, 1, 2048, false)
	v.Enum("sourceEncryptionAlgorithm", in.SourceEncryptionAlgorithm, encryptionAlgorithms...)
	v.Enum("destinationEncryptionAlgorithm", in.DestinationEncryptionAlgorithm, encryptionAlgorithms...)
	validateGrantTokens(&v, in.GrantTokens)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := c.checkGrantTokens(in.GrantTokens); err != nil {
		return nil, err
	}
	dest, err := c.resolveKey(*in.DestinationKeyID, keyARNOrAlias)
	if err != nil {
		return nil, err
	}
	if ignore {
		if err := c.encryptionKey(dest); err != nil {
			return nil, err
		}
		return nil, c.dryRunIgnoringCiphertext(in.SourceKeyID, "SourceKeyId")
	}
	src, err := c.openCiphertext(in.CiphertextBlob, in.SourceKeyID, in.SourceEncryptionContext, in.SourceEncryptionAlgorithm)
	if err != nil {
		return nil, err
	}
	defer clear(src.plaintext)
	algorithm, err := c.checkEncrypt(dest, in.DestinationEncryptionAlgorithm, in.DestinationEncryptionContext, len(src.plaintext))
	if err != nil {
		return nil, err
	}
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	blob, err := seal(dest, algorithm, src.plaintext, in.DestinationEncryptionContext)
	if err != nil {
		return nil, err
	}
	out := struct {
		CiphertextBlob                 []byte
		SourceKeyID                    string `json:"SourceKeyId"`
		KeyID                          string `json:"KeyId"`
		SourceEncryptionAlgorithm      string
		DestinationEncryptionAlgorithm string
		SourceKeyMaterialID            string `json:"SourceKeyMaterialId,omitempty"`
		DestinationKeyMaterialID       string `json:"DestinationKeyMaterialId,omitempty"`
	}{blob, src.key.ARN, dest.ARN, src.algorithm, algorithm, src.materialID, ""}
	if algorithm == symmetricDefault {
		out.DestinationKeyMaterialID = materialID(dest)
	}
	return out, nil
}
