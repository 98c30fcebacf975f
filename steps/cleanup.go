package steps

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// minimumWaitingPeriod is the shortest deletion waiting period KMS documents.
const minimumWaitingPeriod = 7

// removeAll removes, as far as KMS allows, everything the scenario created:
// holds and injected faults first, then keys (scheduled for deletion with the
// shortest waiting period), then key stores (disconnected, then deleted).
// A store that still holds keys pending deletion cannot be deleted yet: it is
// left disconnected and its backing is not handed to another scenario.
// It returns what it could not remove, and why.
func (w *world) removeAll(ctx context.Context) []string {
	var problems []string
	if err := w.releaseHolds(ctx); err != nil {
		problems = append(problems, "cleanup: "+err.Error())
	}
	for i := len(w.cleanup) - 1; i >= 0; i-- {
		if err := w.cleanup[i](ctx); err != nil {
			problems = append(problems, err.Error())
		}
	}
	for _, k := range w.keys {
		if err := w.retireKey(ctx, k); err != nil {
			problems = append(problems, err.Error())
		}
	}
	reusable, errs := w.removeStores(ctx)
	for _, err := range errs {
		problems = append(problems, err.Error())
	}
	if w.hsm != nil {
		w.hsm.Release(reusable)
	}
	if w.xks != nil {
		w.xks.Release(reusable)
	}
	return problems
}

// removeStores removes the scenario's key stores that are left, and says
// whether all of them are gone: only then may their backing serve another
// scenario.
func (w *world) removeStores(ctx context.Context) (allGone bool, errs []error) {
	allGone = true
	for _, s := range w.stores {
		if s.deleted {
			continue
		}
		if err := w.removeStore(ctx, s); err != nil {
			errs = append(errs, err)
		}
		allGone = allGone && s.deleted
	}
	return allGone, errs
}

func (w *world) retireKey(ctx context.Context, k *key) error {
	if k.scheduled {
		return nil
	}
	_, o := do(ctx, w, "ScheduleKeyDeletion", func(ctx context.Context) (*kms.ScheduleKeyDeletionOutput, error) {
		return w.client.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(k.id), PendingWindowInDays: aws.Int32(minimumWaitingPeriod)})
	})
	switch {
	case o.err == nil:
		k.scheduled = true
		return nil
	case o.code == "NotFoundException":
		return nil
	case o.code == "KMSInvalidStateException":
		if md, err := w.describeKey(ctx, k.id); err == nil && md.KeyState == types.KeyStatePendingDeletion {
			k.scheduled = true
			return nil
		}
	}
	return fmt.Errorf("cleanup: key %s not scheduled for deletion: %w", k.id, o.failure())
}

func (w *world) removeStore(ctx context.Context, s *store) error {
	out, o := do(ctx, w, "DescribeCustomKeyStores", func(ctx context.Context) (*kms.DescribeCustomKeyStoresOutput, error) {
		return w.client.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(s.id)})
	})
	switch {
	case o.code == "CustomKeyStoreNotFoundException":
		s.deleted = true // gone already, whatever the scenario's call answered
		return nil
	case o.err != nil:
		return fmt.Errorf("cleanup: key store %s: %w", s.id, o.failure())
	case len(out.CustomKeyStores) != 1:
		return fmt.Errorf("cleanup: DescribeCustomKeyStores lists %d key stores for %s", len(out.CustomKeyStores), s.id)
	}
	e := out.CustomKeyStores[0]
	if e.ConnectionState != types.ConnectionStateTypeDisconnected {
		if e.ConnectionState != types.ConnectionStateTypeDisconnecting {
			if _, o := do(ctx, w, "DisconnectCustomKeyStore", func(ctx context.Context) (*kms.DisconnectCustomKeyStoreOutput, error) {
				return w.client.DisconnectCustomKeyStore(ctx, &kms.DisconnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.id)})
			}); o.err != nil {
				return fmt.Errorf("cleanup: key store %s not disconnected: %w", s.id, o.failure())
			}
		}
		if err := w.waitState(ctx, s, types.ConnectionStateTypeDisconnected, w.env.Timeouts.Disconnect); err != nil {
			return fmt.Errorf("cleanup: %w", err)
		}
	}
	if s.keys > 0 {
		// Its keys are pending deletion: KMS refuses to delete the store until they are gone.
		return nil
	}
	if _, o := do(ctx, w, "DeleteCustomKeyStore", func(ctx context.Context) (*kms.DeleteCustomKeyStoreOutput, error) {
		return w.client.DeleteCustomKeyStore(ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.id)})
	}); o.err != nil {
		return fmt.Errorf("cleanup: key store %s not deleted: %w", s.id, o.failure())
	}
	s.deleted = true
	return nil
}
