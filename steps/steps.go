// Package steps wires the scenario core and the operation families for the
// runner: one scenario.Scenario per godog scenario, with every family's steps
// registered on it.
package steps

import (
	"github.com/cucumber/godog"

	"github.com/kmsconform/kmsconform/families/datakeys"
	"github.com/kmsconform/kmsconform/families/encryption"
	"github.com/kmsconform/kmsconform/families/grants"
	"github.com/kmsconform/kmsconform/families/importing"
	"github.com/kmsconform/kmsconform/families/keystores"
	"github.com/kmsconform/kmsconform/families/lifecycle"
	"github.com/kmsconform/kmsconform/families/macs"
	"github.com/kmsconform/kmsconform/families/multiregion"
	"github.com/kmsconform/kmsconform/families/naming"
	"github.com/kmsconform/kmsconform/families/policies"
	"github.com/kmsconform/kmsconform/families/rotation"
	"github.com/kmsconform/kmsconform/families/signing"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// register binds every step of the feature files to s: the core's shared
// steps, then each operation family's.
func register(s *scenario.Scenario, sc stepdef.Context) {
	s.Register(sc)
	keystores.Register(s, sc)
	importing.Register(s, sc)
	lifecycle.Register(s, sc)
	encryption.Register(s, sc)
	datakeys.Register(s, sc)
	signing.Register(s, sc)
	macs.Register(s, sc)
	naming.Register(s, sc)
	grants.Register(s, sc)
	policies.Register(s, sc)
	rotation.Register(s, sc)
	multiregion.Register(s, sc)
}

// Room registers the steps of a package outside families/ on a scenario, as
// a family does: the client retry scenarios' (retries.Suite.Register).
type Room func(*scenario.Scenario, stepdef.Context)

// Initializer returns the godog scenario initializer for a run in env: the
// core, the families and rooms, all on one scenario.Scenario.
func Initializer(env *scenario.Env, rooms ...Room) func(*godog.ScenarioContext) {
	patterns := stepdef.NewPatterns()
	return func(sc *godog.ScenarioContext) {
		s := scenario.New(env)
		s.Hook(sc)
		steps := stepdef.Bind(sc, patterns)
		register(s, steps)
		for _, room := range rooms {
			room(s, steps)
		}
	}
}

// Definitions lists every step the feature files can use, as registered:
// the tests derive from it which steps check an outcome.
func Definitions() []stepdef.Def {
	var defs []stepdef.Def
	register(scenario.New(&scenario.Env{}), stepdef.Record(&defs, stepdef.NewPatterns()))
	return defs
}
