package scenario

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// describeStoresAs makes the DescribeCustomKeyStores call under test.
func (w *Stores) DescribeStoresAs(ctx context.Context, in *kms.DescribeCustomKeyStoresInput) error {
	return Act(ctx, w.Scenario, "DescribeCustomKeyStores", func(ctx context.Context) (*kms.DescribeCustomKeyStoresOutput, error) {
		return w.Client.DescribeCustomKeyStores(ctx, in)
	})
}
