// Package signing holds the steps of Sign, Verify and GetPublicKey. Every
// signature a scenario accepts, from Sign or through Verify, is checked
// again with the public key GetPublicKey answers and crypto of its own
// (package keymaterial: Go's crypto, decred's secp256k1, circl's ML-DSA).
package signing

import (
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// family is one scenario's state for the signing steps.
type family struct {
	*scenario.Scenario

	// alias is an alias name of the scenario's key, once a call named it so.
	alias string
	// signed is the signature the scenario made before the call under test,
	// or the one the Sign under test should have made.
	signed *signature
	// verified is what the Verify under test was asked to accept.
	verified *signature
}

// signature is a message, what signed it and how.
type signature struct {
	key       *scenario.Key
	algorithm string
	message   []byte // as sent: the message, its digest, or an ML-DSA mu
	digest    bool   // message is a digest (MessageType DIGEST)
	muOf      []byte // the message an ML-DSA mu (MessageType EXTERNAL_MU) stands for; nil for others
	sig       []byte
}

// signed is what the signature signs, as independent crypto checks it: the
// message an external mu stands for, or the message as sent.
func (s *signature) signed() []byte {
	if s.muOf != nil {
		return s.muOf
	}
	return s.message
}

// Register binds the signing steps of scenario s.
func Register(s *scenario.Scenario, sc stepdef.Context) {
	f := &family{Scenario: s}
	f.registerCalls(sc)
	f.registerChecks(sc)
}
