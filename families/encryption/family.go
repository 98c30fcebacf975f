// Package encryption holds the steps of Encrypt, Decrypt and ReEncrypt: the
// keys and messages a scenario starts from, the calls under test with the
// clauses the feature files give them, and the checks of what came back,
// made with independent cryptography where the scenario holds a private key.
package encryption

import (
	"crypto/rsa"

	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// family is one scenario's state for the encryption steps.
type family struct {
	*scenario.Scenario

	// other is the scenario's second key ("the other key"); the scenario's
	// own Key is "the key".
	other *scenario.Key
	// alias is an alias name of the scenario's key, once it has one.
	alias string
	// private holds, by key ID, the RSA private keys the scenario imported
	// as key material. Secret: never in step text, errors or reports.
	private map[string]*rsa.PrivateKey
	// message is what the scenario encrypted before the call under test.
	message *message
	// want is what the call under test should have produced.
	want *expectation
}

// message is a plaintext and its ciphertext, with what made it.
type message struct {
	plaintext  []byte // secret
	ciphertext []byte
	key        *scenario.Key
	algorithm  string
	context    map[string]string
}

// expectation is what a successful call under test must answer: a
// ciphertext of plaintext under key with algorithm and context, or (for
// Decrypt) plaintext itself.
type expectation struct {
	op        string
	plaintext []byte // secret
	key       *scenario.Key
	source    *scenario.Key // ReEncrypt's source key
	algorithm string
	context   map[string]string
	sourceAlg string
}

// Register binds the encryption steps of scenario s.
func Register(s *scenario.Scenario, sc stepdef.Context) {
	f := &family{Scenario: s}
	f.registerKeys(sc)
	f.registerCalls(sc)
	f.registerChecks(sc)
}
