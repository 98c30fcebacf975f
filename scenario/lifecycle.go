package scenario

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// reachKeyState brings k into the states the basic key step cannot:
// PendingImport (an EXTERNAL key loses its material, or never had any) and
// Unavailable (the custom key store holding the key is disconnected).
func (w *Keys) reachKeyState(ctx context.Context, k *Key, state types.KeyState) error {
	switch state {
	case types.KeyStatePendingImport:
		if k.Material == "" {
			return nil // an EXTERNAL key without material is PendingImport already
		}
		if err := w.DeleteMaterialFirst(ctx, k); err != nil {
			return err
		}
		k.Material = ""
		return nil
	case types.KeyStateUnavailable:
		if w.Store == nil {
			return fmt.Errorf("only a key in a custom key store can be Unavailable, and the scenario has no key store")
		}
		return w.Stores.givenDisconnected(ctx)
	}
	return fmt.Errorf("the scenario cannot put a key in state %s", state)
}
