package runner

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/kmsconform/kmsconform/scenario"
)

// pool lends fixtures to one scenario at a time: KMS lets a CloudHSM cluster
// back one key store per account, and an XKS proxy endpoint and path one
// store. A fixture whose store could not be deleted is not lent again.
type pool[T any] struct {
	what  string
	avail chan T
	size  int
	live  atomic.Int64 // fixtures not retired
}

func newPool[T any](what string, items []T) *pool[T] {
	p := &pool[T]{what: what, avail: make(chan T, len(items)), size: len(items)}
	for _, it := range items {
		p.avail <- it
	}
	p.live.Store(int64(len(items)))
	return p
}

// take waits for a free fixture; it gives up when every fixture is retired.
func (p *pool[T]) take(ctx context.Context) (scenario.Lease[T], error) {
	if p.size == 0 {
		return scenario.Lease[T]{}, fmt.Errorf("%w: the config file lists no %s", scenario.ErrNoFixture, p.what)
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if p.live.Load() == 0 {
			return scenario.Lease[T]{}, fmt.Errorf("%w: every configured %s still backs a key store whose keys are pending deletion", scenario.ErrNoFixture, p.what)
		}
		select {
		case it := <-p.avail:
			return scenario.Lease[T]{Fixture: it, Release: func(reusable bool) {
				if reusable {
					p.avail <- it
				} else {
					p.live.Add(-1)
				}
			}}, nil
		case <-ctx.Done():
			return scenario.Lease[T]{}, fmt.Errorf("waiting for a free %s: %w", p.what, ctx.Err())
		case <-tick.C:
		}
	}
}

// configBacking lends the fixtures a config file lists.
type configBacking struct {
	hsm *pool[scenario.CloudHSMFixture]
	xks *pool[scenario.XKSFixture]
}

func newConfigBacking(c *Config) *configBacking {
	var hsm []scenario.CloudHSMFixture
	var xks []scenario.XKSFixture
	if c != nil {
		for _, f := range c.CloudHSM {
			hsm = append(hsm, scenario.CloudHSMFixture{ClusterID: f.ClusterID, TrustAnchorPEM: f.trustAnchorPEM, Password: f.KmsuserPassword})
		}
		for _, f := range c.XKS {
			xks = append(xks, scenario.XKSFixture{
				URIEndpoint: f.URIEndpoint, URIPath: f.URIPath, Connectivity: f.Connectivity,
				VpcEndpointServiceName: f.VpcEndpointServiceName,
				AccessKeyID:            f.AccessKeyID, SecretAccessKey: f.SecretAccessKey, ExternalKeyID: f.ExternalKeyID,
			})
		}
	}
	return &configBacking{
		hsm: newPool("CloudHSM cluster (cloudhsm in --config)", hsm),
		xks: newPool("XKS proxy (xks in --config)", xks),
	}
}

func (b *configBacking) CloudHSM(ctx context.Context) (scenario.Lease[scenario.CloudHSMFixture], error) {
	return b.hsm.take(ctx)
}

func (b *configBacking) XKS(ctx context.Context) (scenario.Lease[scenario.XKSFixture], error) {
	return b.xks.take(ctx)
}
