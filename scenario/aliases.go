package scenario

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// NewAlias gives k a new alias of the run's and returns its name. The alias
// is deleted at cleanup, which runs before the key is scheduled for
// deletion; an alias already gone is no failure.
func (w *Keys) NewAlias(ctx context.Context, k *Key) (string, error) {
	alias := w.NewAliasName()
	if _, err := Setup(ctx, w.Scenario, "CreateAlias", func(ctx context.Context) (*kms.CreateAliasOutput, error) {
		return w.Client.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: aws.String(k.ID)})
	}); err != nil {
		return "", err
	}
	w.AdoptAlias(alias)
	return alias, nil
}

// NewAliasName is an alias name of the run's that no alias has yet.
func (w *Keys) NewAliasName() string { return "alias/" + w.Env.NextName() }

// AdoptAlias makes the alias called name the run's and deletes it at
// cleanup: an alias a call under test created, rightly or wrongly.
func (w *Keys) AdoptAlias(name string) {
	w.Env.Owned.Add(name)
	w.Cleanup = append(w.Cleanup, func(ctx context.Context) error {
		if _, o := Do(ctx, w.Scenario, "DeleteAlias", func(ctx context.Context) (*kms.DeleteAliasOutput, error) {
			return w.Client.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String(name)})
		}); o.Err != nil && o.Code != "NotFoundException" {
			return fmt.Errorf("cleanup: alias %s not deleted: %w", name, o.Failure())
		}
		return nil
	})
}
