// Package importing holds the steps of imported key material:
// GetParametersForImport, ImportKeyMaterial and DeleteImportedKeyMaterial.
package importing

import (
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// importing is one scenario's state for the imported key material steps;
// the material itself the core keeps (scenario.Scenario.Importing), since
// other families import too.
type importing struct {
	*scenario.Scenario
}

// Register binds the imported key material steps of scenario s.
func Register(s *scenario.Scenario, sc stepdef.Context) {
	f := &importing{Scenario: s}
	f.registerMaterialSteps(sc)
	f.registerImport(sc)
	f.registerImportKinds(sc)
	registerReplicaImports(s, sc)
}
