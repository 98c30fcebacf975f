package reference

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// TestParallelClients drives one reference from many SDK clients at once, in
// both accounts, mixing key lifecycle, cryptography and custom key store
// transitions (whose completion the virtual clock settles lazily). Under -race
// it proves the shared state is guarded; the checks prove no call saw another
// account's or another goroutine's data.
func TestParallelClients(t *testing.T) {
	fx := DefaultFixtures()
	fx.CustomKeyStoreQuota = 100
	svc, url := startReference(t, Options{Fixtures: fx})
	control := &ControlClient{BaseURL: url}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	const workers = 8
	const rounds = 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		accessKey := testAccessKey
		if w%2 == 1 {
			accessKey = otherAccessKey
		}
		client := kmsClient(t, url, accessKey)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				if err := lifecycleRound(ctx, client, []byte(fmt.Sprintf("worker %d round %d", w, r))); err != nil {
					errs <- fmt.Errorf("worker %d round %d: %w", w, r, err)
					return
				}
			}
			if err := storeRound(ctx, client, control); err != nil {
				errs <- fmt.Errorf("worker %d store: %w", w, err)
			}
		}()
	}
	wg.Add(1)
	go func() { // the clock moves while everyone works
		defer wg.Done()
		for range 20 {
			svc.Clock().Advance(time.Millisecond)
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func lifecycleRound(ctx context.Context, c *kms.Client, plaintext []byte) error {
	created, err := c.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		return fmt.Errorf("CreateKey: %w", err)
	}
	id := created.KeyMetadata.KeyId
	enc, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: id, Plaintext: plaintext, EncryptionContext: map[string]string{"k": "v"}})
	if err != nil {
		return fmt.Errorf("Encrypt: %w", err)
	}
	dec, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: map[string]string{"k": "v"}})
	if err != nil {
		return fmt.Errorf("Decrypt: %w", err)
	}
	if !bytes.Equal(dec.Plaintext, plaintext) {
		return fmt.Errorf("Decrypt returned another plaintext")
	}
	if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: id}); err != nil {
		return fmt.Errorf("DisableKey: %w", err)
	}
	if _, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: id, PendingWindowInDays: aws.Int32(7)}); err != nil {
		return fmt.Errorf("ScheduleKeyDeletion: %w", err)
	}
	got, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: id})
	if err != nil {
		return fmt.Errorf("DescribeKey: %w", err)
	}
	if got.KeyMetadata.KeyState != types.KeyStatePendingDeletion {
		return fmt.Errorf("key state %s, want PendingDeletion", got.KeyMetadata.KeyState)
	}
	return nil
}

func storeRound(ctx context.Context, c *kms.Client, control *ControlClient) error {
	cluster, err := control.CreateCluster(ctx, ClusterPatch{})
	if err != nil {
		return fmt.Errorf("CreateCluster: %w", err)
	}
	store, err := c.CreateCustomKeyStore(ctx, &kms.CreateCustomKeyStoreInput{
		CustomKeyStoreName:     aws.String("parallel-" + cluster.ID),
		CloudHsmClusterId:      aws.String(cluster.ID),
		TrustAnchorCertificate: aws.String(cluster.TrustAnchorCertificate),
		KeyStorePassword:       aws.String(cluster.KmsuserPassword),
	})
	if err != nil {
		return fmt.Errorf("CreateCustomKeyStore: %w", err)
	}
	if _, err := c.ConnectCustomKeyStore(ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: store.CustomKeyStoreId}); err != nil {
		return fmt.Errorf("ConnectCustomKeyStore: %w", err)
	}
	for {
		out, err := c.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: store.CustomKeyStoreId})
		if err != nil {
			return fmt.Errorf("DescribeCustomKeyStores: %w", err)
		}
		if st := out.CustomKeyStores[0].ConnectionState; st == types.ConnectionStateTypeConnected {
			break
		} else if st != types.ConnectionStateTypeConnecting {
			return fmt.Errorf("store became %s, want CONNECTED", st)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	_, err = c.DisconnectCustomKeyStore(ctx, &kms.DisconnectCustomKeyStoreInput{CustomKeyStoreId: store.CustomKeyStoreId})
	return err
}
