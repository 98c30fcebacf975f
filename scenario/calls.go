package scenario

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// RunTag is the tag key that marks every key a run creates, with the run ID
// as its value, so that a person (or kmsconform cleanup) can tell the run's
// keys from anybody else's.
const RunTag = "kmsconform:run"

// StoreNamePrefix starts the name of every custom key store a run creates.
func StoreNamePrefix(runID string) string { return "kmsconform-" + runID + "-" }

// do makes one KMS call with the run's call timeout and returns its outcome.
func Do[T any](ctx context.Context, w *Scenario, op string, fn func(context.Context) (T, error)) (T, outcome) {
	ctx, cancel := context.WithTimeout(ctx, w.Env.Timeouts.Call)
	defer cancel()
	w.rec.take()
	out, err := fn(ctx)
	return out, newOutcome(op, err, w.rec.take())
}

// act makes the call under test: its outcome, success or error, is what the
// Then steps check. Only an interrupted run fails the step itself.
func Act[T any](ctx context.Context, w *Scenario, op string, fn func(context.Context) (T, error)) error {
	id := w.newCall(op)
	out, o := Do(context.WithValue(ctx, callKey{}, id), w, op, fn)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	// A failed call has no output: an older one must not stand in for it.
	w.Last, w.Tested, w.Output = o, true, nil
	if o.Err == nil {
		w.Output = out
	}
	if o.unsupported() {
		w.markUnsupported(o)
	}
	return nil
}

// setup makes a call that prepares the scenario; its failure fails the step.
func Setup[T any](ctx context.Context, w *Scenario, op string, fn func(context.Context) (T, error)) (T, error) {
	out, o := Do(ctx, w, op, fn)
	if o.Err != nil {
		return out, w.setupFailed(o)
	}
	return out, nil
}

// outputUnderTest is the response of the call under test, which must be op
// and must have succeeded.
func OutputUnderTest[T any](w *Scenario, op string) (T, error) {
	var zero T
	if err := w.ThenSucceeds(); err != nil {
		return zero, err
	}
	out, ok := w.Output.(T)
	if !ok {
		return zero, fmt.Errorf("the call under test was %s, not %s", w.Last.Op, op)
	}
	return out, nil
}

func (w *Scenario) setupFailed(o outcome) error {
	if o.unsupported() {
		return w.markUnsupported(o)
	}
	return fmt.Errorf("setting up the scenario: %w", o.Failure())
}

func (w *Scenario) markUnsupported(o outcome) error {
	w.unsupported = fmt.Sprintf("the endpoint does not implement %s: it answered HTTP %d %s",
		o.Op, o.Status, Excerpt(string(o.Body), 100))
	return &explained{msg: w.unsupported, err: o.Err}
}

// describeStore returns the store's entry, or an outcome explaining why there is none.
func (w *Scenario) DescribeStore(ctx context.Context, id string) (*types.CustomKeyStoresListEntry, error) {
	out, o := Do(ctx, w, "DescribeCustomKeyStores", func(ctx context.Context) (*kms.DescribeCustomKeyStoresOutput, error) {
		return w.Client.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(id)})
	})
	if o.Err != nil {
		if o.unsupported() {
			return nil, w.markUnsupported(o)
		}
		return nil, o.Failure()
	}
	for i := range out.CustomKeyStores {
		if aws.ToString(out.CustomKeyStores[i].CustomKeyStoreId) == id {
			return &out.CustomKeyStores[i], nil
		}
	}
	return nil, fmt.Errorf("DescribeCustomKeyStores does not list key store %s", id)
}

// describeKey returns the key's metadata.
func (w *Keys) DescribeKey(ctx context.Context, id string) (*types.KeyMetadata, error) {
	return w.DescribeKeyWith(ctx, w.Client, id)
}

// DescribeKeyWith returns the key's metadata as client c sees it (in its Region).
func (w *Keys) DescribeKeyWith(ctx context.Context, c *kms.Client, id string) (*types.KeyMetadata, error) {
	out, o := Do(ctx, w.Scenario, "DescribeKey", func(ctx context.Context) (*kms.DescribeKeyOutput, error) {
		return c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	})
	if o.Err != nil {
		if o.unsupported() {
			return nil, w.markUnsupported(o)
		}
		return nil, o.Failure()
	}
	if out.KeyMetadata == nil {
		return nil, fmt.Errorf("DescribeKey returned no KeyMetadata for %s", id)
	}
	return out.KeyMetadata, nil
}

// labelKey tags a new key with the run ID and describes it with the scenario,
// so that anyone can tell the run's keys from others'.
func (w *Keys) LabelKey(in *kms.CreateKeyInput) *kms.CreateKeyInput {
	in.Tags = append(in.Tags, types.Tag{TagKey: aws.String(RunTag), TagValue: aws.String(w.Env.RunID)})
	in.Description = aws.String("kmsconform " + w.Env.RunID + ": " + w.id)
	return in
}

// uninterrupted lets a create finish even when the run is interrupted: a
// create cut short may still have happened at the endpoint, and a resource
// the scenario never heard of would escape its cleanup. The call timeout
// still bounds it. (A run interrupted before a create starts creates nothing:
// the create steps check first.)
func uninterrupted(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// actCreateKey makes the CreateKey call under test with in as it is. A key it
// creates, rightly or wrongly, is tracked for cleanup and returned with its
// metadata; k is nil when it created none.
func (w *Keys) ActCreateKey(ctx context.Context, in *kms.CreateKeyInput) (k *Key, md *types.KeyMetadata, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("CreateKey: %w", err)
	}
	if err := Act(uninterrupted(ctx), w.Scenario, "CreateKey", func(ctx context.Context) (*kms.CreateKeyOutput, error) {
		return w.Client.CreateKey(ctx, in)
	}); err != nil {
		return nil, nil, err
	}
	out, ok := w.Output.(*kms.CreateKeyOutput)
	if !ok || w.Last.Err != nil || out.KeyMetadata == nil || aws.ToString(out.KeyMetadata.KeyId) == "" {
		return nil, nil, nil
	}
	k = &Key{ID: aws.ToString(out.KeyMetadata.KeyId), ARN: aws.ToString(out.KeyMetadata.Arn)}
	w.CreatedKeys = append(w.CreatedKeys, k)
	return k, out.KeyMetadata, nil
}

// createKey creates a labelled KMS key and records it for cleanup.
func (w *Keys) CreateKey(ctx context.Context, in *kms.CreateKeyInput) (*Key, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("CreateKey: %w", err)
	}
	w.LabelKey(in)
	out, err := Setup(uninterrupted(ctx), w.Scenario, "CreateKey", func(ctx context.Context) (*kms.CreateKeyOutput, error) {
		return w.Client.CreateKey(ctx, in)
	})
	if err != nil {
		return nil, err
	}
	if out.KeyMetadata == nil || aws.ToString(out.KeyMetadata.KeyId) == "" {
		return nil, fmt.Errorf("CreateKey returned no KeyMetadata.KeyId")
	}
	k := &Key{ID: aws.ToString(out.KeyMetadata.KeyId), ARN: aws.ToString(out.KeyMetadata.Arn), Spec: in.KeySpec}
	w.CreatedKeys = append(w.CreatedKeys, k)
	w.Key = k
	return k, nil
}
