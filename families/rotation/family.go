// Package rotation holds the steps of key rotation and key usage:
// EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
// RotateKeyOnDemand, ListKeyRotations and GetKeyLastUsage.
//
// Automatic rotation comes due after days; the scenarios that wait for it run
// in an account of their own whose clock a reference KMS control API moves
// forward, and are skipped against an endpoint without one. Every rotation
// is checked by a round trip: a message encrypted before it still decrypts,
// and names the key material that encrypted it.
package rotation

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// rotation is one scenario's state for the rotation and key usage steps.
type rotation struct {
	*scenario.Scenario
	// sealed is the message encrypted under the key before the call under
	// test, and the key material that was current then.
	sealed *sealedMessage
	// created is the endpoint's clock when the key was created (its
	// CreationDate), and advanced how far the scenario moved its account's
	// clock since: together they tell the endpoint's time without asking.
	created  time.Time
	advanced time.Duration
	// next is the NextRotationDate the key had right after a Given enabled
	// its automatic rotation.
	next time.Time
	// pages are the pages of the paged listing under test, in order.
	pages [][]types.RotationsListEntry
	// other is the second key of a scenario (ReEncrypt's destination, the
	// key whose listing gave a foreign marker).
	other *scenario.Key
}

type sealedMessage struct {
	ciphertext, plaintext []byte
	material              string
}

// Register binds the rotation and key usage steps of scenario s.
func Register(s *scenario.Scenario, sc stepdef.Context) {
	f := &rotation{Scenario: s}
	f.registerCalls(sc)
	f.registerChecks(sc)
}
