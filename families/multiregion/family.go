// Package multiregion holds the steps of multi-Region keys: ReplicateKey and
// UpdatePrimaryRegion, and the Creating, Updating and PendingReplicaDeletion
// states they lead to, which the other families' steps then exercise on the
// replica (see scenario.ActInSecondRegion). A replica's key material is
// checked the only way a client can: what one Region encrypts or signs, the
// other decrypts or verifies.
package multiregion

import (
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// multiRegion is one scenario's state for the multi-Region steps.
type multiRegion struct {
	*scenario.Scenario
	// primary and replica are the scenario's multi-Region key in the run's
	// own Region and in the second Region.
	primary, replica *scenario.Key
	// replicated is the answer of the ReplicateKey that made the replica.
	replicated *kms.ReplicateKeyOutput
}

// Register binds the multi-Region steps of scenario s.
func Register(s *scenario.Scenario, sc stepdef.Context) {
	f := &multiRegion{Scenario: s}
	f.registerGivens(sc)
	f.registerCalls(sc)
	f.registerChecks(sc)
}
