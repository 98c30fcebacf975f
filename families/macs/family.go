// Package macs holds the steps of the HMAC and key agreement operations:
// GenerateMac, VerifyMac and DeriveSharedSecret. Where the scenario knows
// the key material (it imported it), every MAC and shared secret the
// endpoint returns is checked against one computed with Go's own
// crypto/hmac and crypto/ecdh.
package macs

import (
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// macs is one scenario's state for the MAC and key agreement steps.
type macs struct {
	*scenario.Scenario
	// message and mac are the message of the MAC made before the call under
	// test (a Given), and that MAC; message is also what the call under test
	// MACed or verified.
	message, mac []byte
	// algorithm is the MacAlgorithm of the call under test.
	algorithm string
	// peer is the PKCS #8 private key of the local peer whose public key the
	// DeriveSharedSecret under test was given.
	peer []byte
}

// Register binds the MAC and key agreement steps of scenario s.
func Register(s *scenario.Scenario, sc stepdef.Context) {
	f := &macs{Scenario: s}
	f.registerCalls(sc)
	f.registerChecks(sc)
}
