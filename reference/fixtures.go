package reference

// STUB (owned by the key-store helper): replace with the real fixtures.

// Fixtures declare what the reference simulates behind custom key stores, and
// how access keys map to accounts.
type Fixtures struct {
	Accounts map[string]string `yaml:"accounts" json:"accounts"` // access key ID -> 12-digit account ID
}

// DefaultFixtures are the fixtures an embedded reference starts with.
func DefaultFixtures() *Fixtures { return &Fixtures{} }

// backing is the live, mutable state of the simulated CloudHSM clusters and XKS proxies.
type backing struct {
	accounts map[string]string
}

func newBacking(fx *Fixtures) (*backing, error) {
	return &backing{accounts: fx.Accounts}, nil
}

func (b *backing) accountFor(accessKeyID string) string {
	if id, ok := b.accounts[accessKeyID]; ok {
		return id
	}
	return AccountForAccessKey(accessKeyID)
}
