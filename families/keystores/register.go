package keystores

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// registerStoreSteps binds the steps of DeleteCustomKeyStore, DisconnectCustomKeyStore and DescribeCustomKeyStores.
func (w *keystores) registerStoreSteps(sc stepdef.Context) {
	sc.When(`^I disconnect the key store$`, w.disconnectStore)
	sc.When(`^I delete the key store$`, w.deleteStore)
	sc.Given(`^the key store has been deleted$`, w.givenDeleted)
	sc.When(`^I delete a custom key store that does not exist$`, w.deleteMissingStore)
	sc.When(`^the second account deletes the key store by its ID$`, w.secondDeletesStore, stepdef.Creates{SecondAccount: true})
	sc.When(`^I disconnect a custom key store that does not exist$`, w.disconnectMissingStore)
	sc.When(`^the second account disconnects the key store by its ID$`, w.secondDisconnectsStore, stepdef.Creates{SecondAccount: true})
	sc.When(`^I look up the key store by its ID$`, w.lookUpStore)
	sc.When(`^I create a new `+scenario.KindExpr+` key store on the same backing$`, w.createStoreOnSameBacking, stepdef.Creates{CloudHSMStores: 1, IfArg: "CloudHSM"}, stepdef.Creates{ExternalStores: 1, IfArg: "external"})
	sc.When(`^I create a KMS key in the key store$`, w.createKeyInStore, stepdef.Creates{Keys: 1})
	sc.Then(`^the new key store can be connected$`, w.thenNewStoreConnects)
}

func (w *keystores) givenDeleted(ctx context.Context) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	if _, err := scenario.Setup(ctx, w.Scenario, "DeleteCustomKeyStore", func(ctx context.Context) (*kms.DeleteCustomKeyStoreOutput, error) {
		return w.Client.DeleteCustomKeyStore(ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(s.ID)})
	}); err != nil {
		return err
	}
	s.Deleted = true
	return nil
}

func (w *keystores) deleteStoreAs(ctx context.Context, c *kms.Client, id string) error {
	return scenario.Act(ctx, w.Scenario, "DeleteCustomKeyStore", func(ctx context.Context) (*kms.DeleteCustomKeyStoreOutput, error) {
		return c.DeleteCustomKeyStore(ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
	})
}

func (w *keystores) disconnectStoreAs(ctx context.Context, c *kms.Client, id string) error {
	return scenario.Act(ctx, w.Scenario, "DisconnectCustomKeyStore", func(ctx context.Context) (*kms.DisconnectCustomKeyStoreOutput, error) {
		return c.DisconnectCustomKeyStore(ctx, &kms.DisconnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
	})
}

func (w *keystores) deleteMissingStore(ctx context.Context) error {
	return w.deleteStoreAs(ctx, w.Client, w.Env.MadeUp(scenario.MissingStoreID()))
}

func (w *keystores) deleteStore(ctx context.Context) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	if err := w.deleteStoreAs(ctx, w.Client, s.ID); err != nil {
		return err
	}
	if w.Last.Err == nil {
		s.Deleted = true
	}
	return nil
}

func (w *keystores) secondDeletesStore(ctx context.Context) error {
	return w.Stores.SecondOnStore(ctx, w.deleteStoreAs)
}

func (w *keystores) disconnectMissingStore(ctx context.Context) error {
	return w.disconnectStoreAs(ctx, w.Client, w.Env.MadeUp(scenario.MissingStoreID()))
}

func (w *keystores) disconnectStore(ctx context.Context) error {
	return w.Stores.OnStore(ctx, w.disconnectStoreAs)
}

func (w *keystores) secondDisconnectsStore(ctx context.Context) error {
	return w.Stores.SecondOnStore(ctx, w.disconnectStoreAs)
}

func (w *keystores) lookUpStore(ctx context.Context) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	return w.Stores.DescribeStoresAs(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(s.ID)})
}

func (w *keystores) createStoreOnSameBacking(ctx context.Context, kind string) error {
	if err := w.Stores.Lease(ctx, kind); err != nil {
		return err
	}
	in := w.Stores.CreateStoreInput(kind)
	out, err := w.Stores.ActCreateStore(ctx, w.Client, in)
	if err != nil || out == nil {
		return err
	}
	s, err := w.Stores.Track(kind, aws.ToString(out.CustomKeyStoreId), aws.ToString(in.CustomKeyStoreName))
	if err != nil {
		return err
	}
	w.newStore = s
	return nil
}

func (w *keystores) createKeyInStore(ctx context.Context) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	k, _, err := w.Keys.ActCreateKey(ctx, w.Keys.LabelKey(w.Stores.StoreKeyInput(s)))
	if k != nil {
		s.KeysIn++
	}
	return err
}

func (w *keystores) thenNewStoreConnects(ctx context.Context) error {
	if w.newStore == nil {
		return fmt.Errorf("no new key store was created")
	}
	return w.Stores.ConnectAndWait(ctx, w.newStore)
}
