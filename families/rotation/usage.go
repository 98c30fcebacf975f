package rotation

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
)

// usage holds the steps of GetKeyLastUsage: which cryptographic use of a
// key its last usage names, and since when the endpoint tracks it.
type usage struct{ *rotation }

// givenUsed makes one successful call of op with the key; Decrypt, Verify
// and VerifyMac first make what they check with it.
func (f *usage) givenUsed(ctx context.Context, op string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	id := aws.String(k.ID)
	msg := []byte("kmsconform key usage " + scenario.RandomHex(8))
	var setupErr error
	switch op {
	case "Encrypt", "Decrypt":
		out, err := scenario.Setup(ctx, f.Scenario, "Encrypt", func(ctx context.Context) (*kms.EncryptOutput, error) {
			return f.Client.Encrypt(ctx, &kms.EncryptInput{KeyId: id, Plaintext: f.Env.Message()})
		})
		if err != nil || op == "Encrypt" {
			return err
		}
		_, setupErr = scenario.Setup(ctx, f.Scenario, op, func(ctx context.Context) (*kms.DecryptOutput, error) {
			return f.Client.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: out.CiphertextBlob})
		})
	case "GenerateDataKey":
		_, setupErr = scenario.Setup(ctx, f.Scenario, op, func(ctx context.Context) (*kms.GenerateDataKeyOutput, error) {
			return f.Client.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: id, KeySpec: types.DataKeySpecAes256})
		})
	case "GenerateDataKeyWithoutPlaintext":
		_, setupErr = scenario.Setup(ctx, f.Scenario, op, func(ctx context.Context) (*kms.GenerateDataKeyWithoutPlaintextOutput, error) {
			return f.Client.GenerateDataKeyWithoutPlaintext(ctx, &kms.GenerateDataKeyWithoutPlaintextInput{KeyId: id, KeySpec: types.DataKeySpecAes256})
		})
	case "Sign", "Verify":
		out, err := scenario.Setup(ctx, f.Scenario, "Sign", func(ctx context.Context) (*kms.SignOutput, error) {
			return f.Client.Sign(ctx, &kms.SignInput{KeyId: id, Message: msg, SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256})
		})
		if err != nil || op == "Sign" {
			return err
		}
		_, setupErr = scenario.Setup(ctx, f.Scenario, op, func(ctx context.Context) (*kms.VerifyOutput, error) {
			return f.Client.Verify(ctx, &kms.VerifyInput{KeyId: id, Message: msg, Signature: out.Signature, SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256})
		})
	case "GenerateMac", "VerifyMac":
		out, err := scenario.Setup(ctx, f.Scenario, "GenerateMac", func(ctx context.Context) (*kms.GenerateMacOutput, error) {
			return f.Client.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: id, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha256})
		})
		if err != nil || op == "GenerateMac" {
			return err
		}
		_, setupErr = scenario.Setup(ctx, f.Scenario, op, func(ctx context.Context) (*kms.VerifyMacOutput, error) {
			return f.Client.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: id, Message: msg, Mac: out.Mac, MacAlgorithm: types.MacAlgorithmSpecHmacSha256})
		})
	default:
		return fmt.Errorf("the scenario cannot use a key for %s", op)
	}
	return setupErr
}

func (f *usage) usageUnderTest() (*kms.GetKeyLastUsageOutput, error) {
	return scenario.OutputUnderTest[*kms.GetKeyLastUsageOutput](f.Scenario, "GetKeyLastUsage")
}

func (f *usage) thenNeverUsed() error {
	out, err := f.usageUnderTest()
	if err != nil {
		return err
	}
	var p []string
	if u := out.KeyLastUsage; u != nil && (u.Operation != "" || u.Timestamp != nil || u.KmsRequestId != nil || u.CloudTrailEventId != nil) {
		p = append(p, fmt.Sprintf("KeyLastUsage names %s", u.Operation))
	}
	created, start := aws.ToTime(out.KeyCreationDate), aws.ToTime(out.TrackingStartDate)
	if out.KeyCreationDate == nil || out.TrackingStartDate == nil || created.Before(start) {
		p = append(p, fmt.Sprintf("KeyCreationDate %v is not on or after TrackingStartDate %v", out.KeyCreationDate, out.TrackingStartDate))
	}
	return scenario.ProblemsError(p, "a key never used")
}

func (f *usage) thenLastUsage(op string) error {
	out, err := f.usageUnderTest()
	if err != nil {
		return err
	}
	return lastUsageIs(out, op)
}

func (f *usage) thenKeyItselfReEncrypt(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	out, err := scenario.Setup(ctx, f.Scenario, "GetKeyLastUsage", func(ctx context.Context) (*kms.GetKeyLastUsageOutput, error) {
		return f.Client.GetKeyLastUsage(ctx, &kms.GetKeyLastUsageInput{KeyId: aws.String(k.ID)})
	})
	if err != nil {
		return err
	}
	return lastUsageIs(out, "ReEncrypt")
}

// thenPrimaryUsed reads the last usage of the multi-Region key in the run's
// own Region, while the scenario acts on its replica in the second.
func (f *usage) thenPrimaryUsed(ctx context.Context, op string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	out, err := scenario.Setup(ctx, f.Scenario, "GetKeyLastUsage", func(ctx context.Context) (*kms.GetKeyLastUsageOutput, error) {
		return f.HomeClient().GetKeyLastUsage(ctx, &kms.GetKeyLastUsageInput{KeyId: aws.String(k.ID)})
	})
	if err != nil {
		return err
	}
	if err := lastUsageIs(out, op); err != nil {
		return fmt.Errorf("the primary key in the run's own Region: %w", err)
	}
	return nil
}

func (f *usage) thenTrackingFromCreation() error {
	out, err := f.usageUnderTest()
	if err != nil {
		return err
	}
	created, start := aws.ToTime(out.KeyCreationDate), aws.ToTime(out.TrackingStartDate)
	if out.KeyCreationDate == nil || out.TrackingStartDate == nil || start.Sub(created).Abs() > time.Second {
		return fmt.Errorf("TrackingStartDate %v is not the key's creation %v", out.TrackingStartDate, out.KeyCreationDate)
	}
	return nil
}
