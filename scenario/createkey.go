package scenario

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

func (w *Keys) DescribeAs(ctx context.Context, c *kms.Client, keyID string) error {
	return Act(ctx, w.Scenario, "DescribeKey", func(ctx context.Context) (*kms.DescribeKeyOutput, error) {
		return c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)})
	})
}

func (w *Keys) GenerateRandom(ctx context.Context, in *kms.GenerateRandomInput) error {
	return Act(ctx, w.Scenario, "GenerateRandom", func(ctx context.Context) (*kms.GenerateRandomOutput, error) {
		return w.Client.GenerateRandom(ctx, in)
	})
}

// randomOutput checks that the GenerateRandom under test succeeded with n
// bytes and returns them. The bytes never appear in a message.
func (w *Keys) RandomOutput(n int) ([]byte, error) {
	out, err := OutputUnderTest[*kms.GenerateRandomOutput](w.Scenario, "GenerateRandom")
	if err != nil {
		return nil, err
	}
	if len(out.Plaintext) != n {
		return nil, fmt.Errorf("GenerateRandom answered %d bytes, want %d", len(out.Plaintext), n)
	}
	return out.Plaintext, nil
}
