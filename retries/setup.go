package retries

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	core "github.com/kmsconform/kmsconform/scenario"
)

// The setup goes through the core's preconditions: its keys and key stores
// are labelled, guarded and cleaned up as every other scenario's are, and
// its calls reach the endpoint directly, so nothing it does shows up in the
// scenario's own proxy.

func (st *scenario) givenKey(ctx context.Context) error {
	k, err := st.core.Keys.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		return err
	}
	st.keyID = k.ID
	return nil
}

func (st *scenario) givenImportedKey(ctx context.Context) error {
	keys := st.core.Keys
	k, err := keys.CreateImportKey(ctx)
	if err != nil {
		return err
	}
	st.keyID = k.ID
	if err := keys.ImportMaterial(ctx, k); err != nil {
		return err
	}
	return keys.ExpectKeyState(ctx, k, types.KeyStateEnabled)
}

func (st *scenario) givenStore(ctx context.Context) error {
	s, err := st.core.Stores.CreateStore(ctx, core.KindExternal)
	if err != nil {
		return err
	}
	st.core.Store = s
	st.storeID = s.ID
	return nil
}

func (st *scenario) thenKeyState(ctx context.Context, state string) error {
	k, err := st.core.Keys.NeedKey()
	if err != nil {
		return err
	}
	return st.core.Keys.ExpectKeyState(ctx, k, types.KeyState(state))
}

func (st *scenario) thenStoreGone(ctx context.Context) error {
	s, err := st.core.Stores.NeedStore()
	if err != nil {
		return err
	}
	out, o := core.Do(ctx, st.core, "DescribeCustomKeyStores", func(ctx context.Context) (*kms.DescribeCustomKeyStoresOutput, error) {
		return st.core.Client.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(s.ID)})
	})
	switch {
	case o.Code == "CustomKeyStoreNotFoundException":
		return nil
	case o.Err != nil:
		return fmt.Errorf("DescribeCustomKeyStores %s: %w", s.ID, o.Failure())
	}
	return fmt.Errorf("key store %s still exists (%d described)", s.ID, len(out.CustomKeyStores))
}

// madeUpClusterID is a well-formed CloudHSM cluster ID (cluster- and 11
// base32 characters, so no 0, 1, 8 or 9) that names no cluster.
func madeUpClusterID() string {
	const base32 = "abcdefghijklmnopqrstuvwxyz234567"
	id := make([]byte, 11)
	rand.Read(id) // never fails (crypto/rand)
	for i, b := range id {
		id[i] = base32[int(b)%len(base32)]
	}
	return "cluster-" + string(id)
}
