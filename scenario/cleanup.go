package scenario

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// minimumWaitingPeriod is the shortest deletion waiting period KMS documents.
const MinimumWaitingPeriod = 7

// removeAll removes, as far as KMS allows, everything the scenario created:
// holds and injected faults first, then keys (scheduled for deletion with the
// shortest waiting period), then key stores (disconnected, then deleted).
// A store that still holds keys pending deletion cannot be deleted yet: it is
// left disconnected and its backing is not handed to another scenario.
// It returns what it could not remove, and why.
func (w *Scenario) removeAll(ctx context.Context) []string {
	var problems []string
	if err := w.Stores.ReleaseHolds(ctx); err != nil {
		problems = append(problems, "cleanup: "+err.Error())
	}
	for i := len(w.Cleanup) - 1; i >= 0; i-- {
		if err := w.Cleanup[i](ctx); err != nil {
			problems = append(problems, err.Error())
		}
	}
	for _, k := range w.CreatedKeys {
		if err := w.retireKey(ctx, k); err != nil {
			problems = append(problems, err.Error())
		}
	}
	reusable, errs := w.RemoveStores(ctx)
	for _, err := range errs {
		problems = append(problems, err.Error())
	}
	if w.HSM != nil {
		w.HSM.Release(reusable)
	}
	if w.XKS != nil {
		w.XKS.Release(reusable)
	}
	return problems
}

// removeStores removes the scenario's key stores that are left, and says
// whether all of them are gone: only then may their backing serve another
// scenario.
func (w *Scenario) RemoveStores(ctx context.Context) (allGone bool, errs []error) {
	allGone = true
	for _, s := range w.CreatedStores {
		if s.Deleted {
			continue
		}
		if err := w.removeStore(ctx, s); err != nil {
			errs = append(errs, err)
		}
		allGone = allGone && s.Deleted
	}
	return allGone, errs
}

func (w *Scenario) retireKey(ctx context.Context, k *Key) error {
	if k.Scheduled {
		return nil
	}
	c := w.ClientFor(k)
	schedule := func() outcome {
		_, o := Do(ctx, w, "ScheduleKeyDeletion", func(ctx context.Context) (*kms.ScheduleKeyDeletionOutput, error) {
			return c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(k.ID), PendingWindowInDays: aws.Int32(MinimumWaitingPeriod)})
		})
		return o
	}
	o := schedule()
	if o.Code == "KMSInvalidStateException" && w.settleUpdating(ctx, c, k) {
		o = schedule() // an Updating key cannot be scheduled until it settles
	}
	switch {
	case o.Err == nil:
		k.Scheduled = true
		return nil
	case o.Code == "NotFoundException":
		return nil
	case o.Code == "KMSInvalidStateException":
		if md, err := w.Keys.DescribeKeyWith(ctx, c, k.ID); err == nil && (md.KeyState == types.KeyStatePendingDeletion || md.KeyState == types.KeyStatePendingReplicaDeletion) {
			k.Scheduled = true
			return nil
		}
	}
	return fmt.Errorf("cleanup: key %s not scheduled for deletion: %w", k.ID, o.Failure())
}

func (w *Scenario) removeStore(ctx context.Context, s *Store) error {
	out, o := Do(ctx, w, "DescribeCustomKeyStores", func(ctx context.Context) (*kms.DescribeCustomKeyStoresOutput, error) {
		return w.Client.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(s.ID)})
	})
	switch {
	case o.Code == "CustomKeyStoreNotFoundException":
		s.Deleted = true // gone already, whatever the scenario's call answered
		return nil
	case o.Err != nil:
		return fmt.Errorf("cleanup: key store %s: %w", s.ID, o.Failure())
	case len(out.CustomKeyStores) != 1:
		return fmt.Errorf("cleanup: DescribeCustomKeyStores lists %d key stores for %s", len(out.CustomKeyStores), s.ID)
	}
	e := out.CustomKeyStores[0]
	if e.ConnectionState != types.ConnectionStateTypeDisconnected {
		if e.ConnectionState != types.ConnectionStateTypeDisconnecting {
			if _, o := Do(ctx, w, "DisconnectCustomKeyStore", func(ctx context.Context) (*kms.DisconnectCustomKeyStoreOutput, error) {
				return w.Client.DisconnectCustomKeyStore(ctx, &kms.DisconnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.ID)})
			}); o.Err != nil {
				return fmt.Errorf("cleanup: key store %s not disconnected: %w", s.ID, o.Failure())
			}
		}
		if err := w.Stores.waitState(ctx, s, types.ConnectionStateTypeDisconnected, w.Env.Timeouts.Disconnect); err != nil {
			return fmt.Errorf("cleanup: %w", err)
		}
	}
	if s.KeysIn > 0 {
		// Its keys are pending deletion: KMS refuses to delete the store until they are gone.
		return nil
	}
	if _, o := Do(ctx, w, "DeleteCustomKeyStore", func(ctx context.Context) (*kms.DeleteCustomKeyStoreOutput, error) {
		return w.Client.DeleteCustomKeyStore(ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.ID)})
	}); o.Err != nil {
		return fmt.Errorf("cleanup: key store %s not deleted: %w", s.ID, o.Failure())
	}
	s.Deleted = true
	return nil
}
