// Package naming holds the steps of the operations by which people name,
// label and find KMS keys: aliases (CreateAlias, DeleteAlias, UpdateAlias,
// ListAliases), tags and descriptions (TagResource, UntagResource,
// ListResourceTags, UpdateKeyDescription) and ListKeys. Every list is
// checked by paging through it, past its first page.
package naming

import (
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// naming is one scenario's state for the alias, tag and listing steps.
type naming struct {
	*scenario.Scenario
	// alias is the alias the scenario talks about: the latest one a Given
	// made, or the one the call under test created or repointed.
	alias string
	// targets are the keys the scenario's aliases were made for, by name.
	targets map[string]*scenario.Key
	// deletedFrom is the key of the alias the call under test deleted.
	deletedFrom *scenario.Key
	// other is the scenario's second key, beside scenario.Key.
	other *scenario.Key
	// managed is the key ID of an AWS managed key.
	managed string
}

// Register binds the alias, tag and listing steps of scenario s.
func Register(s *scenario.Scenario, sc stepdef.Context) {
	f := &naming{Scenario: s, targets: map[string]*scenario.Key{}}
	f.registerGivens(sc)
	f.registerCalls(sc)
	f.registerChecks(sc)
}
