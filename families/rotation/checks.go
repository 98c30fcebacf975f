package rotation

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/kmsconform/kmsconform/scenario"
	"github.com/kmsconform/kmsconform/stepdef"
)

// dateSlack is how far a date the endpoint computes may stray from the one
// the scenario expects: the clock differences between runner and endpoint
// and the time the calls take. The docs give periods in days.
const dateSlack = time.Hour

func (f *rotation) registerChecks(sc stepdef.Context) {
	u, l := &usage{f}, &listings{f}
	sc.Then(`^the rotation status shows rotation off$`, f.thenRotationOff)
	sc.Then(`^GetKeyRotationStatus then shows rotation (?:off|on every (\d+) days)$`, f.thenStatusNow)
	sc.Then(`^the rotation status shows rotation on every (\d+) days$`, f.thenRotationOn)
	sc.Then(`^the rotation status shows rotation on every (\d+) days, next due (\d+) days from now$`, f.thenRotationDueIn)
	sc.Then(`^the rotation status shows rotation on every (\d+) days, next due within (\d+) days$`, f.thenRotationDueWithin)
	sc.Then(`^the rotation status shows no rotation on demand under way, at the latest after a while$`, f.thenNoRotationUnderWay)
	sc.Then(`^the next automatic rotation is still due when it was$`, f.thenScheduleKept)
	sc.Then(`^the answer names the key by its key ARN$`, f.thenNamesARN)
	sc.Then(`^the key has completed (\d+) (AUTOMATIC|ON_DEMAND) rotations?$`, f.thenRotations)
	sc.Then(`^the key's current key material is (the same as before|new), at the latest after a while$`, f.thenCurrentMaterial)
	sc.Then(`^the message encrypted before still decrypts, naming the key material that encrypted it$`, f.thenOldMessageDecrypts)
	sc.Then(`^the replica's current key material is the primary's, at the latest after a while$`, f.thenReplicaMaterial)

	sc.Then(`^the listing holds (\d+) entr(?:y|ies)$`, l.thenListingHolds)
	sc.Then(`^the listing shows the first key material NON_CURRENT, without a rotation date or type, and the rotated one CURRENT with both$`, l.thenFirstAndRotated)
	sc.Then(`^the listing shows the rotated key material CURRENT, with its rotation date and type ON_DEMAND$`, l.thenOnlyRotated)
	sc.Then(`^the listing shows the imported key material waiting as PENDING_ROTATION, without a rotation date or type$`, l.thenPendingRotation)
	sc.Then(`^every entry names the key and its key material$`, l.thenEntriesNameKey)
	sc.Then(`^every entry carries ImportState and ExpirationModel$`, l.thenImportMembers)
	sc.Then(`^no entry carries ImportState, ExpirationModel or KeyMaterialDescription$`, l.thenNoImportMembers)
	sc.Then(`^the pages hold every rotation once, in order, with NextMarker exactly on the truncated ones$`, l.thenPagesComplete)

	sc.Then(`^the last usage is empty, and the key was created on or after tracking began$`, u.thenNeverUsed)
	sc.Then(`^the last usage names `+usageExpr+` with its time, CloudTrail event ID and request ID$`, u.thenLastUsage)
	sc.Then(`^the last usage names ReEncrypt with its time, CloudTrail event ID and request ID$`, func() error { return u.thenLastUsage("ReEncrypt") })
	sc.Then(`^the last usage of the key itself names ReEncrypt as well$`, u.thenKeyItselfReEncrypt)
	sc.Then(`^tracking began when the key was created$`, u.thenTrackingFromCreation)
	sc.Then(`^the last usage of the primary key in the run's own Region still names `+usageExpr+`$`, u.thenPrimaryUsed)
}

func (f *rotation) statusUnderTest() (*kms.GetKeyRotationStatusOutput, error) {
	return scenario.OutputUnderTest[*kms.GetKeyRotationStatusOutput](f.Scenario, "GetKeyRotationStatus")
}

// thenStatusNow asks GetKeyRotationStatus after the call under test, which
// was another operation, and checks what it shows.
func (f *rotation) thenStatusNow(ctx context.Context, period string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	st, err := scenario.Setup(ctx, f.Scenario, "GetKeyRotationStatus", func(ctx context.Context) (*kms.GetKeyRotationStatusOutput, error) {
		return f.Client.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(k.ID)})
	})
	if err != nil {
		return err
	}
	var p []string
	switch {
	case period == "" && st.KeyRotationEnabled:
		p = append(p, "KeyRotationEnabled is true, want false")
	case period != "" && !st.KeyRotationEnabled:
		p = append(p, "KeyRotationEnabled is false, want true")
	case period != "" && fmt.Sprint(aws.ToInt32(st.RotationPeriodInDays)) != period:
		p = append(p, fmt.Sprintf("RotationPeriodInDays is %d, want %s", aws.ToInt32(st.RotationPeriodInDays), period))
	}
	return scenario.ProblemsError(p, "GetKeyRotationStatus of key "+k.ID)
}

func (f *rotation) thenRotationOff() error {
	st, err := f.statusUnderTest()
	if err != nil {
		return err
	}
	var p []string
	if st.KeyRotationEnabled {
		p = append(p, "KeyRotationEnabled is true")
	}
	if st.NextRotationDate != nil {
		p = append(p, fmt.Sprintf("NextRotationDate is %v", aws.ToTime(st.NextRotationDate)))
	}
	return scenario.ProblemsError(p, "the key's rotation is not off")
}

// rotationOn checks that the status under test shows rotation on with the
// period and returns the next rotation date.
func (f *rotation) rotationOn(period int) (time.Time, error) {
	st, err := f.statusUnderTest()
	if err != nil {
		return time.Time{}, err
	}
	var p []string
	if !st.KeyRotationEnabled {
		p = append(p, "KeyRotationEnabled is false")
	}
	if got := aws.ToInt32(st.RotationPeriodInDays); st.RotationPeriodInDays == nil || int(got) != period {
		p = append(p, fmt.Sprintf("RotationPeriodInDays is %v, want %d", describeInt(st.RotationPeriodInDays), period))
	}
	if st.NextRotationDate == nil {
		p = append(p, "NextRotationDate is missing")
	}
	return aws.ToTime(st.NextRotationDate), scenario.ProblemsError(p, "the key's automatic rotation is not as expected")
}

func describeInt(n *int32) string {
	if n == nil {
		return "missing"
	}
	return fmt.Sprint(*n)
}

// dueDate is rotationOn's date, with the key's creation noted for the
// comparisons with the endpoint's clock.
func (f *rotation) dueDate(ctx context.Context, period int) (time.Time, error) {
	next, err := f.rotationOn(period)
	if err != nil {
		return next, err
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return next, err
	}
	return next, f.noteCreation(ctx, k)
}

func (f *rotation) thenRotationOn(period int) error {
	_, err := f.rotationOn(period)
	return err
}

func (f *rotation) thenRotationDueIn(ctx context.Context, period, in int) error {
	next, err := f.dueDate(ctx, period)
	if err != nil {
		return err
	}
	// The call came after the key's creation plus the time let pass, and
	// before endpointNow.
	earliest := f.created.Add(f.advanced).Add(time.Duration(in) * day).Add(-dateSlack)
	latest := f.endpointNow().Add(time.Duration(in) * day).Add(dateSlack)
	if next.Before(earliest) || next.After(latest) {
		return fmt.Errorf("NextRotationDate is %v, want %d days after the call (between %v and %v)", next, in, earliest, latest)
	}
	return nil
}

func (f *rotation) thenRotationDueWithin(ctx context.Context, period, within int) error {
	next, err := f.dueDate(ctx, period)
	if err != nil {
		return err
	}
	now := f.created.Add(f.advanced)
	if !next.After(now) || next.After(f.endpointNow().Add(time.Duration(within)*day).Add(dateSlack)) {
		return fmt.Errorf("NextRotationDate is %v, want after %v and within %d days of it", next, now, within)
	}
	return nil
}

// thenNoRotationUnderWay reads the status until OnDemandRotationStartDate is
// gone, as it must once the rotation has completed (GetKeyRotationStatus.06).
func (f *rotation) thenNoRotationUnderWay(ctx context.Context) error {
	if err := f.ThenSucceeds(); err != nil {
		return err
	}
	deadline := time.Now().Add(f.Env.Timeouts.Connect)
	for {
		st, err := f.status(ctx)
		if err != nil {
			return err
		}
		if st.OnDemandRotationStartDate == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("OnDemandRotationStartDate %v still shows after %v", aws.ToTime(st.OnDemandRotationStartDate), f.Env.Timeouts.Connect)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(f.Env.Timeouts.Poll):
		}
	}
}

// thenScheduleKept compares the next rotation date with the one the key
// had right after its rotation was enabled: a rotation on demand must not
// move it (RotateKeyOnDemand.07).
func (f *rotation) thenScheduleKept(ctx context.Context) error {
	if err := f.ThenSucceeds(); err != nil {
		return err
	}
	if f.next.IsZero() {
		return fmt.Errorf("the scenario did not enable automatic rotation before")
	}
	st, err := f.status(ctx)
	if err != nil {
		return err
	}
	if got := aws.ToTime(st.NextRotationDate); !got.Equal(f.next) {
		return fmt.Errorf("NextRotationDate moved from %v to %v (%s)", f.next, got, describeStatus(st))
	}
	return nil
}

func describeStatus(st *kms.GetKeyRotationStatusOutput) string {
	return fmt.Sprintf("KeyRotationEnabled %v, RotationPeriodInDays %s, NextRotationDate %v", st.KeyRotationEnabled, describeInt(st.RotationPeriodInDays), st.NextRotationDate)
}

func (f *rotation) thenNamesARN() error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	if err := f.ThenSucceeds(); err != nil {
		return err
	}
	var got string
	switch out := f.Output.(type) {
	case *kms.RotateKeyOnDemandOutput:
		got = aws.ToString(out.KeyId)
	case *kms.GetKeyRotationStatusOutput:
		got = aws.ToString(out.KeyId)
	default:
		return fmt.Errorf("%s's answer names no key", f.Last.Op)
	}
	if got != k.ARN {
		return fmt.Errorf("%s answered KeyId %q, want the key's ARN %s", f.Last.Op, got, k.ARN)
	}
	return nil
}

func (f *rotation) thenRotations(ctx context.Context, n int, kind string) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	all, err := f.listAll(ctx, k.ID)
	if err != nil {
		return err
	}
	got := 0
	for _, e := range all {
		if string(e.RotationType) == kind {
			got++
		}
	}
	if got != n {
		return fmt.Errorf("ListKeyRotations lists %d %s rotations of key %s, want %d", got, kind, k.ID, n)
	}
	return nil
}

// thenCurrentMaterial compares DescribeKey's CurrentKeyMaterialId with the
// material of the message encrypted before; a new one may take a while,
// since real KMS rotates in the background.
func (f *rotation) thenCurrentMaterial(ctx context.Context, which string) error {
	if f.sealed == nil {
		return fmt.Errorf("no message was encrypted before")
	}
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	wantNew := which == "new"
	deadline := time.Now().Add(f.Env.Timeouts.Connect)
	for {
		md, err := f.Keys.DescribeKey(ctx, k.ID)
		if err != nil {
			return err
		}
		cur := aws.ToString(md.CurrentKeyMaterialId)
		switch {
		case cur == "":
			return fmt.Errorf("DescribeKey names no CurrentKeyMaterialId for key %s", k.ID)
		case (cur != f.sealed.material) == wantNew:
			return nil
		case !wantNew || time.Now().After(deadline):
			return fmt.Errorf("the key's current key material is %s, want %s (before: %s)", cur, which, f.sealed.material)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(f.Env.Timeouts.Poll):
		}
	}
}

// thenReplicaMaterial compares the CurrentKeyMaterialId of the multi-Region
// key in both Regions: related keys share their key materials, and their
// IDs, and a rotation of the primary reaches the replicas in the background.
func (f *rotation) thenReplicaMaterial(ctx context.Context) error {
	k, err := f.Keys.NeedKey()
	if err != nil {
		return err
	}
	second, err := f.SecondRegionClient()
	if err != nil {
		return err
	}
	deadline := time.Now().Add(f.Env.Timeouts.Connect)
	for {
		p, err := f.Keys.DescribeKeyWith(ctx, f.HomeClient(), k.ID)
		if err != nil {
			return err
		}
		r, err := f.Keys.DescribeKeyWith(ctx, second, k.ID)
		if err != nil {
			return err
		}
		want, got := aws.ToString(p.CurrentKeyMaterialId), aws.ToString(r.CurrentKeyMaterialId)
		switch {
		case want == "":
			return fmt.Errorf("DescribeKey names no CurrentKeyMaterialId for the primary key %s", k.ID)
		case got == want:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("the replica's current key material is %q, the primary's %s", got, want)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(f.Env.Timeouts.Poll):
		}
	}
}

// thenOldMessageDecrypts is the round trip across the rotation: the message
// encrypted before decrypts to its plaintext and names the material that
// encrypted it, which is no longer current.
func (f *rotation) thenOldMessageDecrypts(ctx context.Context) error {
	if f.sealed == nil {
		return fmt.Errorf("no message was encrypted before")
	}
	out, o := scenario.Do(ctx, f.Scenario, "Decrypt", func(ctx context.Context) (*kms.DecryptOutput, error) {
		return f.Client.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: f.sealed.ciphertext})
	})
	if o.Err != nil {
		return fmt.Errorf("the message encrypted before the rotation does not decrypt: %w", o.Failure())
	}
	if !bytes.Equal(out.Plaintext, f.sealed.plaintext) {
		return fmt.Errorf("the message encrypted before the rotation decrypts to other bytes")
	}
	switch got := aws.ToString(out.KeyMaterialId); {
	case got == "":
		f.Finding("Decrypt did not name the key material it used (KeyMaterialId)")
	case got != f.sealed.material:
		return fmt.Errorf("Decrypt names key material %s, want %s, which encrypted the message", got, f.sealed.material)
	}
	return nil
}

func describeEntries(es []types.RotationsListEntry) string {
	s := "["
	for i, e := range es {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %s %s", aws.ToString(e.KeyMaterialId), e.KeyMaterialState, e.RotationType)
	}
	return s + "]"
}

// rotated reports whether an entry carries what a completed rotation gives
// it: both RotationDate and RotationType, or neither (.08).
func rotated(e types.RotationsListEntry) (bool, error) {
	switch {
	case e.RotationType != "" && e.RotationDate != nil:
		return true, nil
	case e.RotationType == "" && e.RotationDate == nil:
		return false, nil
	}
	return false, fmt.Errorf("entry %s has RotationType %q and RotationDate %v: both or neither", aws.ToString(e.KeyMaterialId), e.RotationType, e.RotationDate)
}

// lastUsageIs checks a last usage: it names op, a time no earlier than the
// key's creation, a CloudTrail event and a request.
func lastUsageIs(out *kms.GetKeyLastUsageOutput, op string) error {
	u := out.KeyLastUsage
	if u == nil {
		return fmt.Errorf("GetKeyLastUsage has no KeyLastUsage, want %s", op)
	}
	var p []string
	if string(u.Operation) != op {
		p = append(p, fmt.Sprintf("Operation is %q, want %s", u.Operation, op))
	}
	if u.Timestamp == nil || aws.ToTime(u.Timestamp).Before(aws.ToTime(out.KeyCreationDate).Add(-time.Second)) {
		p = append(p, fmt.Sprintf("Timestamp %v is missing or before the key's creation", u.Timestamp))
	}
	if aws.ToString(u.CloudTrailEventId) == "" || aws.ToString(u.KmsRequestId) == "" {
		p = append(p, "CloudTrailEventId or KmsRequestId is missing")
	}
	return scenario.ProblemsError(p, "the key's last usage")
}
