// Package lifecycle holds the steps of a KMS key's life: CreateKey,
// ScheduleKeyDeletion, CancelKeyDeletion, EnableKey, DisableKey and the
// key-state matrix.
package lifecycle

import (
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// lifecycle is one scenario's state for the key lifecycle steps.
type lifecycle struct {
	*scenario.Scenario

	lifecycle lifecycleState
	keyCreate createKeyState

	create *keyCreator
}

// keyCreator holds the steps of CreateKey.
type keyCreator struct{ *lifecycle }

// Register binds the key lifecycle steps of scenario s.
func Register(s *scenario.Scenario, sc stepdef.Context) {
	f := &lifecycle{Scenario: s}
	f.create = &keyCreator{f}
	f.registerLifecycle(sc)
	f.create.registerCreateKey(sc)
}
