package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// regionClients are a scenario's clients for multi-Region keys: one in the
// run's second Region, and, while the scenario acts in the second Region
// (ActInSecondRegion), its client in the run's own.
type regionClients struct {
	second, home *kms.Client
}

// SecondRegion is the run's second Region, or a skip that says why the
// target has none.
func (w *Scenario) SecondRegion() (string, error) {
	if w.Env.SecondRegion == "" {
		reason := w.Env.SecondRegionMissing
		if reason == "" {
			reason = "multi-Region scenarios need a second Region of the target, and it has none"
		}
		return "", w.Skip("%s", reason)
	}
	return w.Env.SecondRegion, nil
}

// ThirdRegion is the run's third Region, or a skip that says why the target
// has none.
func (w *Scenario) ThirdRegion() (string, error) {
	if w.Env.ThirdRegion == "" {
		reason := w.Env.ThirdRegionMissing
		if reason == "" {
			reason = "this scenario needs a third Region of the target, and it has none"
		}
		return "", w.Skip("%s", reason)
	}
	return w.Env.ThirdRegion, nil
}

// ThirdRegionClient is a client of the scenario's account in the run's
// third Region.
func (w *Scenario) ThirdRegionClient() (*kms.Client, error) {
	region, err := w.ThirdRegion()
	if err != nil {
		return nil, err
	}
	creds := w.Env.Primary
	if w.Account != nil {
		creds = w.Account.Credentials
	}
	endpoint := w.Env.ThirdEndpoint
	if endpoint == "" {
		endpoint = w.Env.Endpoint
	}
	return w.Env.newClientIn(region, endpoint, creds, HeaderValue(w.id), &w.rec), nil
}

// SecondRegionClient is a client of the scenario's account in the run's
// second Region.
func (w *Scenario) SecondRegionClient() (*kms.Client, error) {
	region, err := w.SecondRegion()
	if err != nil {
		return nil, err
	}
	if w.regions.second == nil {
		creds := w.Env.Primary
		if w.Account != nil {
			creds = w.Account.Credentials
		}
		endpoint := w.Env.SecondEndpoint
		if endpoint == "" {
			endpoint = w.Env.Endpoint
		}
		w.regions.second = w.Env.newClientIn(region, endpoint, creds, HeaderValue(w.id), &w.rec)
	}
	return w.regions.second, nil
}

// SecondAccountClientFor is a client of the run's second account in k's
// Region: its own client for a key in the run's own Region.
func (w *Scenario) SecondAccountClientFor(k *Key) (*kms.Client, error) {
	c, err := w.SecondClient()
	if err != nil || k.Region == "" {
		return c, err
	}
	endpoint := w.Env.SecondEndpoint
	if endpoint == "" {
		endpoint = w.Env.Endpoint
	}
	return w.Env.newClientIn(k.Region, endpoint, w.Env.Second, HeaderValue(w.id), &w.rec), nil
}

// HomeClient is the scenario's client in the run's own Region, also while
// it acts in the second Region.
func (w *Scenario) HomeClient() *kms.Client {
	if w.regions.home != nil {
		return w.regions.home
	}
	return w.Client
}

// ClientFor is the scenario's client in k's Region.
func (w *Scenario) ClientFor(k *Key) *kms.Client {
	if k.Region != "" && w.regions.second != nil {
		return w.regions.second
	}
	return w.HomeClient()
}

// ActInSecondRegion makes k, a key in the second Region, the scenario's key
// and the second Region's client its client: the steps every family shares
// then act on the replica there.
func (w *Scenario) ActInSecondRegion(k *Key) error {
	c, err := w.SecondRegionClient()
	if err != nil {
		return err
	}
	if w.regions.home == nil {
		w.regions.home = w.Client
	}
	w.Client, w.Key = c, k
	return nil
}

// Replicate replicates the multi-Region primary key k into the second Region
// and returns the replica, tracked for cleanup. It does not wait for the
// replica to leave Creating.
func (w *Keys) Replicate(ctx context.Context, k *Key) (*Key, *kms.ReplicateKeyOutput, error) {
	region, err := w.SecondRegion()
	if err != nil {
		return nil, nil, err
	}
	if _, err := w.SecondRegionClient(); err != nil {
		return nil, nil, err
	}
	in := &kms.ReplicateKeyInput{KeyId: aws.String(k.ID), ReplicaRegion: aws.String(region),
		Tags: []types.Tag{{TagKey: aws.String(RunTag), TagValue: aws.String(w.Env.RunID)}}}
	out, err := Setup(uninterrupted(ctx), w.Scenario, "ReplicateKey", func(ctx context.Context) (*kms.ReplicateKeyOutput, error) {
		return w.ClientFor(k).ReplicateKey(ctx, in)
	})
	if err != nil {
		return nil, nil, err
	}
	md := out.ReplicaKeyMetadata
	if md == nil || aws.ToString(md.KeyId) == "" {
		return nil, nil, fmt.Errorf("ReplicateKey returned no ReplicaKeyMetadata.KeyId")
	}
	r := w.TrackReplica(md, k.Spec)
	return r, out, nil
}

// TrackReplica records a replica the endpoint made, for cleanup.
func (w *Keys) TrackReplica(md *types.KeyMetadata, spec types.KeySpec) *Key {
	r := &Key{ID: aws.ToString(md.KeyId), ARN: aws.ToString(md.Arn), Spec: spec, Region: w.Env.SecondRegion}
	w.CreatedKeys = append(w.CreatedKeys, r)
	return r
}

// WaitKeyState polls DescribeKey through c until key id is in state want,
// for as long as a custom key store may take to connect.
func (w *Keys) WaitKeyState(ctx context.Context, c *kms.Client, id string, want types.KeyState) error {
	deadline := time.Now().Add(w.Env.Timeouts.Connect)
	for {
		md, err := w.DescribeKeyWith(ctx, c, id)
		if err != nil {
			return err
		}
		if md.KeyState == want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("key %s is still %s after %v, want %s", id, md.KeyState, w.Env.Timeouts.Connect, want)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for key %s to be %s: %w", id, want, ctx.Err())
		case <-time.After(w.Env.Timeouts.Poll):
		}
	}
}

// HoldKey holds the Creating and Updating of k's multi-Region key through
// the control API until the scenario ends (or ReleaseKey).
func (w *Scenario) HoldKey(ctx context.Context, k *Key, what string) error {
	c, err := w.Control(what)
	if err != nil {
		return err
	}
	if err := c.HoldKey(ctx, k.ID); err != nil {
		return fmt.Errorf("holding key %s through the control API: %w", k.ID, err)
	}
	w.Cleanup = append(w.Cleanup, func(ctx context.Context) error {
		if err := c.ReleaseKey(ctx, k.ID); err != nil {
			return fmt.Errorf("cleanup: releasing key %s: %w", k.ID, err)
		}
		return nil
	})
	return nil
}

// settleUpdating waits, in the scenario's cleanup, for an Updating key to
// settle; true when it did and may be scheduled for deletion now.
func (w *Scenario) settleUpdating(ctx context.Context, c *kms.Client, k *Key) bool {
	md, err := w.Keys.DescribeKeyWith(ctx, c, k.ID)
	if err != nil || md.KeyState != types.KeyStateUpdating {
		return false
	}
	deadline := time.Now().Add(w.Env.Timeouts.Connect)
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(w.Env.Timeouts.Poll):
		}
		md, err := w.Keys.DescribeKeyWith(ctx, c, k.ID)
		if err != nil {
			return false
		}
		if md.KeyState != types.KeyStateUpdating {
			return true
		}
	}
	return false
}
