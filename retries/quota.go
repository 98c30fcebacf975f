package retries

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/kmsconform/kmsconform/evidence"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/kmsconform/kmsconform/proxy/journal"
)

// quotaResult is what a run of failing calls on one client did.
type quotaResult struct {
	calls, attempts int
	// quotaStops counts calls that ended because the quota ran out.
	quotaStops int
	// firstStop is the number of attempts the proxy had seen when the first
	// call stopped for want of quota.
	firstStop int
}

// quotaCalls makes n concurrent DescribeKey calls on one aws-sdk-go-v2
// client, whose retry quota they share, while the proxy fails every attempt.
// Only the in-process client can: each driver call is a new process with a
// fresh quota.
func (st *scenario) quotaCalls(ctx context.Context, count, faultName string) error {
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 || n > 1000 {
		return fmt.Errorf("call count %q: want 1 to 1000", count)
	}
	if st.client != GoSDK {
		return fmt.Errorf("the quota steps need the client under test to be %s, not %q", GoSDK, st.client)
	}
	if err := st.givenFault(faultName, "DescribeKey"); err != nil {
		return err
	}
	hc := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.Proxy = nil
		tr.MaxIdleConnsPerHost = n
	})
	client := kms.New(kms.Options{
		Region: st.suite.env.Region, Credentials: st.suite.env.Credentials, HTTPClient: hc,
		BaseEndpoint: aws.String(st.proxyURL),
	})
	cctx, cancel := context.WithTimeout(ctx, callBudget)
	defer cancel()
	var (
		mu  sync.Mutex
		res = quotaResult{calls: n}
		wg  sync.WaitGroup
	)
	for i := range n {
		wg.Go(func() {
			_, err := client.DescribeKey(cctx, &kms.DescribeKeyInput{KeyId: aws.String(fmt.Sprintf("alias/kmsconform-retries-quota-%d", i))})
			var quota ratelimit.QuotaExceededError
			if errors.As(err, &quota) {
				seen := len(st.proxy.Journal().Entries())
				mu.Lock()
				res.quotaStops++
				if res.firstStop == 0 || seen < res.firstStop {
					res.firstStop = seen
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := cctx.Err(); err != nil {
		return fmt.Errorf("kmsconform could not observe the calls: %w", err)
	}
	st.entries = st.proxy.Journal().Filter(func(e journal.Entry) bool { return e.Operation == "DescribeKey" })
	res.attempts = len(st.entries)
	st.called = true
	st.record(func(r *Record) {
		r.Exchanges = evidence.Exchanges(st.entries)
		r.Called = true
		r.Code = fmt.Sprintf("%d calls, %d retries, %d stopped by the quota", n, res.attempts-n, res.quotaStops)
	})
	st.quota = &res
	return nil
}

func (st *scenario) thenQuota() error {
	res := st.quota
	if res == nil {
		return errors.New("no quota calls were made")
	}
	class := st.policy.classify(st.fault)
	granted := st.policy.QuotaRetries(class)
	wanted := res.calls * (st.policy.MaxAttempts - 1)
	retries := res.attempts - res.calls
	want := min(granted, wanted)
	if granted < 0 {
		want = wanted
	}
	st.finding("%d failing calls on one %s client: the proxy saw %d attempts (%d retries); the quota (%d tokens, %d per %s retry) documents %d retries; %d calls stopped with QuotaExceededError, the first after %d attempts",
		res.calls, st.client, res.attempts, retries, st.policy.Quota.Capacity, st.policy.Quota.TransientCost, class, granted, res.quotaStops, res.firstStop)
	if retries != want {
		return fmt.Errorf("%s retried %d times in all; with %d calls of %d attempts and a quota granting %d retries its documentation says %d",
			st.client, retries, res.calls, st.policy.MaxAttempts, granted, want)
	}
	if granted >= 0 && granted < wanted {
		// Each stopped call missed between one and all of its retries; which
		// calls got the tokens depends on timing.
		missing, perCall := wanted-granted, st.policy.MaxAttempts-1
		low, high := (missing+perCall-1)/perCall, min(missing, res.calls)
		if res.quotaStops < low || res.quotaStops > high {
			return fmt.Errorf("%d calls stopped with QuotaExceededError; with %d retries missing, %d to %d must", res.quotaStops, missing, low, high)
		}
	}
	return nil
}
