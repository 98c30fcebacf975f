// Package features holds kmsconform's Gherkin scenarios, one feature file per
// KMS operation, grouped by family. They are embedded in the binary so that a
// run needs nothing but the kmsconform executable.
package features

import "embed"

// FS holds every feature file, at paths like
// "custom-key-stores/delete_custom_key_store.feature".
//
//go:embed */*.feature
var FS embed.FS
