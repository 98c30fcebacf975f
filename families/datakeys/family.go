// Package datakeys holds the steps of the data key operations:
// GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateDataKeyPair and
// GenerateDataKeyPairWithoutPlaintext. Every check of what they return uses
// crypto of its own (Go's crypto/*, and secp256k1 by hand): a data key
// encrypts locally and its ciphertext decrypts through KMS to the same key;
// a key pair's private key belongs to its public key.
package datakeys

import (
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// dataKeys is one scenario's state for the data key steps.
type dataKeys struct {
	*scenario.Scenario
	// alias is the alias name of the scenario's key, once it has one.
	alias string
	// context is the encryption context the call under test gave, if any.
	context map[string]string
	// earlier is what a data key operation returned before the call under
	// test: a data key's Plaintext, or a key pair's PublicKey.
	earlier []byte
}

// Register binds the data key steps of scenario s.
func Register(s *scenario.Scenario, sc stepdef.Context) {
	f := &dataKeys{Scenario: s}
	f.registerCalls(sc)
	f.registerChecks(sc)
}
