package proxy

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var (
	regionShape = regexp.MustCompile(`^[a-z0-9-]+$`)
	// credentialScope is the grammar scopeRegion implements by hand.
	credentialScope = regexp.MustCompile(`Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/`)
)

// FuzzRequestFacts feeds the header parsers arbitrary X-Amz-Target,
// amz-sdk-request, Authorization and Host values. They must never panic, must
// only report what the headers can hold (an operation without a dot, counts
// that are not negative, a Region of [a-z0-9-]), and must read back what a
// well-formed header carries.
func FuzzRequestFacts(f *testing.F) {
	f.Add("TrentService.Encrypt", "attempt=2; max=3", "AWS4-HMAC-SHA256 Credential=AKIAKMSCONFORMTEST01/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00", "kms.eu-west-1.amazonaws.com", "us-west-2", uint16(2), uint16(3))
	f.Add("", "", "", "", "", uint16(0), uint16(0))
	f.Add("...", "attempt=; max", "Credential=//", "kms..amazonaws.com:", "cn-north-1", uint16(65535), uint16(1))
	f.Add("Encrypt", "ttl=20260101T000000Z; attempt=-1; max=99999999999999999999", "Credential=a/1234567/x/kms/", "KMS-FIPS.US-GOV-WEST-1.AMAZONAWS.COM:443", "US-EAST-1", uint16(1), uint16(0))
	f.Add("X", "", "Credential=a b/20260101/x/ Credential=AK/20260101/eu-west-1/kms/", "", "", uint16(0), uint16(0))
	f.Add("TrentService.", "attempt=1;attempt=2", "Credential=\xff/20260101/\x00/kms/aws4_request", "[::1]:443", "a b", uint16(7), uint16(7))
	f.Fuzz(func(t *testing.T, target, sdkRequest, authorization, host, region string, attempt, maxAttempts uint16) {
		p := &Proxy{attempts: newAttemptCounter()}
		r := &http.Request{Host: host, Header: http.Header{}, RemoteAddr: "127.0.0.1:1"}
		r.Header.Set("X-Amz-Target", target)
		r.Header.Set("Amz-Sdk-Request", sdkRequest)
		r.Header.Set("Authorization", authorization)
		got := p.requestFacts(r)
		if strings.Contains(got.operation, ".") || !strings.HasSuffix(target, got.operation) {
			t.Fatalf("operation %q from %q", got.operation, target)
		}
		if got.attempt < 0 || got.maxAttempts < 0 || got.proxyAttempt != 1 {
			t.Fatalf("attempt %d, max %d, proxy attempt %d from %q", got.attempt, got.maxAttempts, got.proxyAttempt, sdkRequest)
		}
		var want string
		if m := credentialScope.FindStringSubmatch(authorization); m != nil {
			want = m[1]
		}
		if got, _ := scopeRegion(authorization); got != want {
			t.Fatalf("credential scope of %q read as Region %q, want %q", authorization, got, want)
		}
		if got.region != "" && !regionShape.MatchString(got.region) {
			t.Fatalf("region %q from %q / %q", got.region, authorization, host)
		}

		// Well-formed headers read back exactly.
		if a, m := parseSDKRequest(fmt.Sprintf("attempt=%d; max=%d", attempt, maxAttempts)); a != int(attempt) || m != int(maxAttempts) {
			t.Fatalf("amz-sdk-request attempt=%d; max=%d read as %d, %d", attempt, maxAttempts, a, m)
		}
		if regionShape.MatchString(region) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAKMSCONFORMTEST01/20260101/"+region+"/kms/aws4_request, SignedHeaders=host, Signature=00")
			if gotRegion := regionOf(r); gotRegion != region {
				t.Fatalf("credential scope Region %q read as %q", region, gotRegion)
			}
			r.Header.Del("Authorization")
			r.Host = "kms." + region + ".amazonaws.com:443"
			if gotRegion := regionOf(r); gotRegion != region {
				t.Fatalf("host %q read as Region %q", r.Host, gotRegion)
			}
		}
		if op := operationOf("TrentService." + got.operation); op != got.operation {
			t.Fatalf("operation %q read back as %q", got.operation, op)
		}
	})
}

func TestAttemptCounterForgetsOnlyTheOldest(t *testing.T) {
	a := newAttemptCounter()
	a.next(attemptKey{id: "first"})
	for i := range attemptGeneration - 1 {
		a.next(attemptKey{id: fmt.Sprint("other-", i)})
	}
	// The first generation is full; the next new key starts a second one,
	// and "first" is still remembered from the first.
	a.next(attemptKey{id: "new"})
	if n := a.next(attemptKey{id: "first"}); n != 2 {
		t.Errorf("first's second attempt counted %d", n)
	}
	for i := range 2 * attemptGeneration {
		a.next(attemptKey{id: fmt.Sprint("later-", i)})
	}
	if n := a.next(attemptKey{id: "new"}); n != 1 {
		t.Errorf("a key two generations old counted %d, want a fresh start", n)
	}
	if total := len(a.cur) + len(a.prev); total > 2*attemptGeneration {
		t.Errorf("remembers %d keys, want at most %d", total, 2*attemptGeneration)
	}
	a.reset()
	if n := a.next(attemptKey{id: "first"}); n != 1 {
		t.Errorf("after reset: %d", n)
	}
}
