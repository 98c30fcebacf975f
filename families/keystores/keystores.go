// Package keystores holds the steps of custom key stores: CreateCustomKeyStore,
// ConnectCustomKeyStore, DisconnectCustomKeyStore, DescribeCustomKeyStores,
// UpdateCustomKeyStore and DeleteCustomKeyStore, and the ConnectionState matrix.
package keystores

import (
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// keystores is one scenario's state for the custom key store steps.
type keystores struct {
	*scenario.Scenario

	connecting connectState
	creating   createStoreState
	updating   updateStoreState
	newStore   *scenario.Store // a second store created on the same backing

	conn   *connector
	create *creator
	update *updater
}

// connector holds the steps of connecting, disconnecting and listing stores.
type connector struct{ *keystores }

// creator holds the steps of CreateCustomKeyStore.
type creator struct{ *keystores }

// updater holds the steps of UpdateCustomKeyStore.
type updater struct{ *keystores }

// Register binds the custom key store steps of scenario s.
func Register(s *scenario.Scenario, sc stepdef.Context) {
	f := &keystores{Scenario: s}
	f.conn = &connector{f}
	f.create = &creator{f}
	f.update = &updater{f}
	f.registerStoreSteps(sc)
	f.conn.registerConnect(sc)
	f.create.registerCreateStore(sc)
	f.update.registerUpdateStore(sc)
}
