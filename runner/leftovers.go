package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
	"github.com/kmsconform/kmsconform/scenario"
)

// CleanupOptions say whose leftovers to remove, and where.
type CleanupOptions struct {
	// RunID is the run whose keys (tag kmsconform:run=RunID) and key stores
	// (named kmsconform-RunID-…) are removed. Nothing else is touched.
	RunID string
	// Endpoint is the KMS endpoint; empty: AWS_ENDPOINT_URL_KMS, then
	// AWS_ENDPOINT_URL, then AWS's own endpoint for the Region.
	Endpoint string
	Region   string
	// Credentials sign the calls; nil takes them from the standard AWS chain.
	Credentials aws.CredentialsProvider
	// DryRun lists what would be removed, and changes nothing.
	DryRun bool
	// Disconnect bounds the wait for each key store to disconnect (default 10m);
	// Poll is the interval between checks (default 1s).
	Disconnect, Poll time.Duration
	// Progress hears one line per resource; nil discards them.
	Progress io.Writer
	// Getenv reads the environment; nil uses os.Getenv.
	Getenv     func(string) string
	HTTPClient *http.Client
}

// Leftovers is what a cleanup found and did.
type Leftovers struct {
	Scheduled []string // keys now scheduled for deletion (or that would be, on a dry run)
	Pending   []string // keys that were pending deletion already
	Deleted   []string // key stores deleted (or that would be)
	// Waiting are key stores left disconnected because they still hold keys
	// pending deletion: run cleanup again once the waiting period is over.
	Waiting  []string
	Problems []string
}

// runIDForm is what newRunID makes; cleanup takes nothing looser, so that a
// typo can never match another run's (or anybody's) resources by prefix.
var runIDForm = regexp.MustCompile(`^[0-9]{8}t[0-9]{6}-[0-9a-f]{4}$`)

// Cleanup removes what the run RunID left behind: it schedules the deletion
// of its keys (7 days, the shortest waiting period) and disconnects and
// deletes its key stores. It acts only on keys tagged with the run ID and
// on stores whose names carry it.
func Cleanup(ctx context.Context, opts CleanupOptions) (*Leftovers, error) {
	if !runIDForm.MatchString(opts.RunID) {
		return nil, usagef("--run %q: want a run ID as a run prints it, such as 20260102t150405-ab12", opts.RunID)
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Disconnect <= 0 {
		opts.Disconnect = 10 * time.Minute
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	c, err := cleanupClient(ctx, opts)
	if err != nil {
		return nil, err
	}
	sw := &sweeper{c: c, opts: opts, out: &Leftovers{}}
	if err := sw.keys(ctx); err != nil {
		return sw.out, err
	}
	if err := sw.stores(ctx); err != nil {
		return sw.out, err
	}
	return sw.out, nil
}

func cleanupClient(ctx context.Context, opts CleanupOptions) (*kms.Client, error) {
	o := Options{Endpoint: opts.Endpoint, Getenv: opts.Getenv}
	endpoint := o.endpoint()
	if endpoint != "" {
		if err := checkURL(endpoint); err != nil {
			return nil, usagef("endpoint %q: %v", endpoint, err)
		}
	}
	var loadOpts []func(*awsconfig.LoadOptions) error
	if opts.Region != "" {
		loadOpts = append(loadOpts, awsconfig.WithRegion(opts.Region))
	}
	if opts.Credentials != nil {
		loadOpts = append(loadOpts, awsconfig.WithCredentialsProvider(opts.Credentials))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, usagef("loading AWS configuration: %v", err)
	}
	if cfg.Region == "" {
		cfg.Region = defaultRegion
	}
	if opts.HTTPClient != nil {
		cfg.HTTPClient = opts.HTTPClient
	}
	return kms.NewFromConfig(cfg, func(o *kms.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	}), nil
}

type sweeper struct {
	c    *kms.Client
	opts CleanupOptions
	out  *Leftovers
}

func (s *sweeper) problem(format string, args ...any) {
	p := fmt.Sprintf(format, args...)
	s.out.Problems = append(s.out.Problems, p)
	fmt.Fprintln(s.opts.Progress, "problem: "+p)
}

// keys schedules the deletion of every key tagged with the run ID.
func (s *sweeper) keys(ctx context.Context) error {
	pages := kms.NewListKeysPaginator(s.c, &kms.ListKeysInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing keys: %w", err)
		}
		for _, k := range page.Keys {
			id := aws.ToString(k.KeyId)
			ours, err := s.tagged(ctx, id)
			if err != nil {
				s.problem("key %s: reading its tags: %v", id, err)
				continue
			}
			if ours {
				s.retire(ctx, id)
			}
		}
	}
	return nil
}

// tagged reports whether the key carries the run's tag.
func (s *sweeper) tagged(ctx context.Context, id string) (bool, error) {
	pages := kms.NewListResourceTagsPaginator(s.c, &kms.ListResourceTagsInput{KeyId: aws.String(id)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			if code(err) == "NotFoundException" {
				return false, nil // deleted meanwhile
			}
			return false, err
		}
		for _, t := range page.Tags {
			if aws.ToString(t.TagKey) == scenario.RunTag && aws.ToString(t.TagValue) == s.opts.RunID {
				return true, nil
			}
		}
	}
	return false, nil
}

func (s *sweeper) retire(ctx context.Context, id string) {
	d, err := s.c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if err != nil {
		s.problem("key %s: %v", id, err)
		return
	}
	if d.KeyMetadata.KeyState == types.KeyStatePendingDeletion {
		s.out.Pending = append(s.out.Pending, id)
		fmt.Fprintf(s.opts.Progress, "key %s: already pending deletion\n", id)
		return
	}
	if !s.opts.DryRun {
		if _, err := s.c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(id), PendingWindowInDays: aws.Int32(7)}); err != nil {
			s.problem("key %s (%s): scheduling its deletion: %v", id, d.KeyMetadata.KeyState, err)
			return
		}
	}
	s.out.Scheduled = append(s.out.Scheduled, id)
	fmt.Fprintf(s.opts.Progress, "key %s (%s): %s\n", id, d.KeyMetadata.KeyState, s.verb("scheduled for deletion in 7 days"))
}

func (s *sweeper) verb(done string) string {
	if s.opts.DryRun {
		return "would be " + done
	}
	return done
}

// stores disconnects and deletes every key store named for the run.
func (s *sweeper) stores(ctx context.Context) error {
	prefix := scenario.StoreNamePrefix(s.opts.RunID)
	pages := kms.NewDescribeCustomKeyStoresPaginator(s.c, &kms.DescribeCustomKeyStoresInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing custom key stores: %w", err)
		}
		for _, e := range page.CustomKeyStores {
			if strings.HasPrefix(aws.ToString(e.CustomKeyStoreName), prefix) {
				s.removeStore(ctx, e)
			}
		}
	}
	return nil
}

func (s *sweeper) removeStore(ctx context.Context, e types.CustomKeyStoresListEntry) {
	id := aws.ToString(e.CustomKeyStoreId)
	if s.opts.DryRun {
		s.out.Deleted = append(s.out.Deleted, id)
		fmt.Fprintf(s.opts.Progress, "key store %s (%s): %s\n", id, e.ConnectionState, s.verb("disconnected and deleted once it holds no keys"))
		return
	}
	if err := s.disconnect(ctx, id, e.ConnectionState); err != nil {
		s.problem("key store %s: %v", id, err)
		return
	}
	_, err := s.c.DeleteCustomKeyStore(ctx, &kms.DeleteCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)})
	switch code(err) {
	case "":
		s.out.Deleted = append(s.out.Deleted, id)
		fmt.Fprintf(s.opts.Progress, "key store %s: deleted\n", id)
	case "CustomKeyStoreHasCMKsException":
		s.out.Waiting = append(s.out.Waiting, id)
		fmt.Fprintf(s.opts.Progress, "key store %s: disconnected; it can be deleted once its keys' deletion is done (run cleanup again then)\n", id)
	default:
		s.problem("key store %s: deleting it: %v", id, err)
	}
}

func (s *sweeper) disconnect(ctx context.Context, id string, state types.ConnectionStateType) error {
	if state == types.ConnectionStateTypeDisconnected {
		return nil
	}
	if state != types.ConnectionStateTypeDisconnecting {
		if _, err := s.c.DisconnectCustomKeyStore(ctx, &kms.DisconnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(id)}); err != nil {
			return fmt.Errorf("disconnecting it: %w", err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Disconnect)
	defer cancel()
	for {
		out, err := s.c.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(id)})
		if err != nil {
			return fmt.Errorf("waiting for it to disconnect: %w", err)
		}
		if len(out.CustomKeyStores) == 1 && out.CustomKeyStores[0].ConnectionState == types.ConnectionStateTypeDisconnected {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("still not DISCONNECTED after %v", s.opts.Disconnect)
		case <-time.After(s.opts.Poll):
		}
	}
}

func code(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	if err != nil {
		return "error"
	}
	return ""
}
