package scenario

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go/middleware"
)

// Ownership is the set of resources a run may act on: those its clients
// created, and the IDs it made up to name resources that do not exist. Every
// mutating call of the run's clients is checked against it, so that a run
// against a real account never disables, deletes or reconnects anybody
// else's key or key store, whatever a scenario asks. The zero value is an
// empty set, ready to use.
type Ownership struct {
	mu  sync.Mutex
	ids map[string]bool
	// creates are the creates sent whose answers are not recorded yet, by
	// sequence number; sent numbers them.
	creates map[int64]bool
	sent    int64
}

func (o *Ownership) Add(ids ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ids == nil {
		o.ids = map[string]bool{}
	}
	for _, id := range ids {
		if id != "" {
			o.ids[id] = true
		}
	}
}

func (o *Ownership) Owns(id string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.ids[id]
}

// createSent notes a create about to be sent and returns its number.
func (o *Ownership) createSent() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.creates == nil {
		o.creates = map[int64]bool{}
	}
	o.sent++
	o.creates[o.sent] = true
	return o.sent
}

// createDone notes that create n is answered, and its result recorded.
func (o *Ownership) createDone(n int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.creates, n)
}

// createsSoFar is the number of the latest create sent.
func (o *Ownership) CreatesSoFar() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.sent
}

// awaitCreates waits until every create up to number n is answered and
// recorded, so that what they created counts as the run's. Creates sent
// later do not hold it up.
func (o *Ownership) AwaitCreates(ctx context.Context, n int64) error {
	for {
		o.mu.Lock()
		pending := false
		for m := range o.creates {
			pending = pending || m <= n
		}
		o.mu.Unlock()
		if !pending {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the run's creates in flight to be answered: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Well-formed names of existing resources. A value that matches none of them
// (empty, too long, a malformed ARN) names nothing, so sending it is safe.
var (
	keyIDForm  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	keyARNForm = regexp.MustCompile(`^arn:[^:]+:kms:[^:]*:[^:]*:key/(.+)$`)
	mrkIDForm  = regexp.MustCompile(`^mrk-[0-9a-f]{32}$`)
	aliasForm  = regexp.MustCompile(`^(?:alias/|arn:[^:]+:kms:[^:]*:[^:]*:alias/)`)
	// aliasNameForm is an AliasName an alias can have (the model: at most 256 characters).
	aliasNameForm = regexp.MustCompile(`^alias/[a-zA-Z0-9:/_-]{1,250}$`)
	storeIDForm   = regexp.MustCompile(`^cks-[0-9a-z]{1,61}$`)
)

// keyRef reduces a KeyId parameter to the key ID it names, and says whether
// it could name an existing key at all.
func keyRef(v string) (id string, existing bool) {
	if m := keyARNForm.FindStringSubmatch(v); m != nil {
		v = m[1]
	}
	switch {
	case aliasForm.MatchString(v):
		return v, true // an alias may point at anybody's key
	case keyIDForm.MatchString(v), mrkIDForm.MatchString(v):
		return v, true
	}
	return v, false
}

// target is what a mutating request acts on: a key, an alias or a key store.
type target struct{ kind, ref string }

// mutationTarget returns what a request would change, or false for requests
// that change nothing that exists (reads, and creating a key outside any store).
func mutationTarget(params any) (target, bool) {
	key := func(p *string) (target, bool) { return target{"key", aws.ToString(p)}, true }
	store := func(p *string) (target, bool) { return target{"key store", aws.ToString(p)}, true }
	switch in := params.(type) {
	case *kms.DisableKeyInput:
		return key(in.KeyId)
	case *kms.EnableKeyInput:
		return key(in.KeyId)
	case *kms.ScheduleKeyDeletionInput:
		return key(in.KeyId)
	case *kms.CancelKeyDeletionInput:
		return key(in.KeyId)
	case *kms.DeleteImportedKeyMaterialInput:
		return key(in.KeyId)
	case *kms.ImportKeyMaterialInput:
		return key(in.KeyId)
	case *kms.GetParametersForImportInput:
		return key(in.KeyId)
	case *kms.TagResourceInput:
		return key(in.KeyId)
	case *kms.UntagResourceInput:
		return key(in.KeyId)
	case *kms.UpdateKeyDescriptionInput:
		return key(in.KeyId)
	case *kms.PutKeyPolicyInput:
		return key(in.KeyId)
	case *kms.EnableKeyRotationInput:
		return key(in.KeyId)
	case *kms.DisableKeyRotationInput:
		return key(in.KeyId)
	case *kms.RotateKeyOnDemandInput:
		return key(in.KeyId)
	case *kms.CreateGrantInput:
		return key(in.KeyId)
	case *kms.RevokeGrantInput:
		return key(in.KeyId)
	case *kms.RetireGrantInput:
		if in.KeyId != nil { // a grant token names a grant of the run's own making
			return key(in.KeyId)
		}
	case *kms.ReplicateKeyInput:
		return key(in.KeyId)
	case *kms.UpdatePrimaryRegionInput:
		return key(in.KeyId)
	case *kms.UpdateAliasInput:
		return target{"alias", aws.ToString(in.AliasName)}, true
	case *kms.DeleteAliasInput:
		return target{"alias", aws.ToString(in.AliasName)}, true
	case *kms.DeleteCustomKeyStoreInput:
		return store(in.CustomKeyStoreId)
	case *kms.DisconnectCustomKeyStoreInput:
		return store(in.CustomKeyStoreId)
	case *kms.ConnectCustomKeyStoreInput:
		return store(in.CustomKeyStoreId)
	case *kms.UpdateCustomKeyStoreInput:
		return store(in.CustomKeyStoreId)
	case *kms.CreateKeyInput:
		if in.CustomKeyStoreId != nil {
			return store(in.CustomKeyStoreId) // a key in somebody else's store changes that store
		}
	}
	return target{}, false
}

// check refuses a request that would change an existing resource the run
// did not create.
func (o *Ownership) check(params any) error {
	t, mutates := mutationTarget(params)
	if !mutates {
		return nil
	}
	return o.checkTarget(t)
}

// checkTarget refuses a change to t unless t names nothing that could exist
// or names what the run created. The zero target changes nothing.
func (o *Ownership) checkTarget(t target) error {
	if t.kind == "" {
		return nil
	}
	ref, existing := t.ref, storeIDForm.MatchString(t.ref)
	switch t.kind {
	case "key":
		ref, existing = keyRef(t.ref)
	case "alias":
		existing = aliasNameForm.MatchString(t.ref)
	}
	if !existing || o.Owns(ref) {
		return nil
	}
	return fmt.Errorf("kmsconform refuses to change %s %q: this run did not create it", t.kind, t.ref)
}

// record adds what a successful create returned to the run's resources.
func (o *Ownership) record(result any) {
	switch out := result.(type) {
	case *kms.CreateKeyOutput:
		if md := out.KeyMetadata; md != nil {
			o.Add(aws.ToString(md.KeyId), aws.ToString(md.Arn))
		}
	case *kms.CreateCustomKeyStoreOutput:
		o.Add(aws.ToString(out.CustomKeyStoreId))
	case *kms.ReplicateKeyOutput: // a replica shares its primary's key ID, not its ARN
		if md := out.ReplicaKeyMetadata; md != nil {
			o.Add(aws.ToString(md.KeyId), aws.ToString(md.Arn))
		}
	}
}

// Guard is the middleware that puts a KMS client's requests under o, as
// every client of the run's is: add it to the client's APIOptions.
func (o *Ownership) Guard() func(*middleware.Stack) error { return guardOwnership(o) }

// guardOwnership is the one place every request of the run's clients passes:
// it refuses mutations of resources the run does not own before anything is
// sent, and records what the run creates.
func guardOwnership(o *Ownership) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("kmsconformOwnership",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if err := o.check(in.Parameters); err != nil {
					return middleware.InitializeOutput{}, middleware.Metadata{}, err
				}
				switch in.Parameters.(type) {
				case *kms.CreateKeyInput, *kms.CreateCustomKeyStoreInput, *kms.ReplicateKeyInput:
					defer o.createDone(o.createSent())
				}
				out, md, err := next.HandleInitialize(ctx, in)
				if err == nil {
					o.record(out.Result)
					if a, ok := in.Parameters.(*kms.CreateAliasInput); ok {
						o.Add(aws.ToString(a.AliasName)) // an alias the run made is the run's to repoint and delete
					}
				}
				return out, md, err
			}), middleware.Before)
	}
}

// madeUp registers an ID the run invented to name a resource that does not
// exist, so that the ownership guard lets calls on it through.
func (e *Env) MadeUp(id string) string {
	e.Owned.Add(id)
	return id
}
