package scenario

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"
)

// deniedPrincipal finds the caller in an AccessDeniedException message:
// "User: <principal ARN> is not authorized to perform: ...".
var deniedPrincipal = regexp.MustCompile(`User: (arn:[^ ]+) is not authorized`)

// SecondPrincipal is the principal ARN the run's second account calls KMS
// as, for the grants and key policies that name it. KMS has no operation
// that tells a caller who it is, but its AccessDeniedException names the
// caller: the second account describes the scenario's key, which must not
// let it, and the answer is read. An IAM user or role shows as itself, the
// account's root as arn:<partition>:iam::<account>:root.
func (w *Keys) SecondPrincipal(ctx context.Context) (string, error) {
	if w.secondPrincipal != "" {
		return w.secondPrincipal, nil
	}
	k, _, err := w.KeyForSecondAccount()
	if err != nil {
		return "", err
	}
	c, err := w.SecondAccountClientFor(k) // the key may be a replica in the second Region
	if err != nil {
		return "", err
	}
	_, o := Do(ctx, w.Scenario, "DescribeKey", func(ctx context.Context) (*kms.DescribeKeyOutput, error) {
		return c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(k.ARN)})
	})
	var apiErr smithy.APIError
	switch {
	case o.Err == nil:
		return "", fmt.Errorf("the second account may already describe key %s, so its principal cannot be learned from a refusal", k.ARN)
	case !errors.As(o.Err, &apiErr) || o.Code != "AccessDeniedException":
		return "", fmt.Errorf("learning the second account's principal: %w", o.Failure())
	}
	m := deniedPrincipal.FindStringSubmatch(apiErr.ErrorMessage())
	if m == nil {
		return "", fmt.Errorf("learning the second account's principal: the AccessDeniedException message %q names no principal", apiErr.ErrorMessage())
	}
	w.secondPrincipal = m[1]
	return m[1], nil
}

// OwnRoot is the root principal of the account that owns the scenario's key.
func (w *Keys) OwnRoot() (string, error) {
	k, err := w.NeedKey()
	if err != nil {
		return "", err
	}
	return AccountRoot(k.ARN)
}

// AccountRoot is the root principal of the account that owns the key with
// ARN keyARN: arn:<partition>:iam::<account>:root.
func AccountRoot(keyARN string) (string, error) {
	parts := strings.SplitN(keyARN, ":", 6)
	if len(parts) < 6 || parts[1] == "" || parts[4] == "" {
		return "", fmt.Errorf("%q is not a key ARN that names its account", keyARN)
	}
	return "arn:" + parts[1] + ":iam::" + parts[4] + ":root", nil
}
