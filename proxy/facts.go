package proxy

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// facts are what a request says about itself.
type facts struct {
	operation    string
	region       string
	scenario     string
	invocationID string
	attempt      int // from amz-sdk-request; 0 when absent
	maxAttempts  int
	proxyAttempt int
}

func (p *Proxy) requestFacts(r *http.Request) facts {
	f := facts{
		operation:    operationOf(r.Header.Get("X-Amz-Target")),
		region:       regionOf(r),
		scenario:     r.Header.Get(ScenarioHeader),
		invocationID: r.Header.Get("Amz-Sdk-Invocation-Id"),
	}
	f.attempt, f.maxAttempts = parseSDKRequest(r.Header.Get("Amz-Sdk-Request"))
	key := attemptKey{id: f.invocationID}
	if f.invocationID == "" {
		key = attemptKey{id: r.RemoteAddr, connection: true}
	}
	f.proxyAttempt = p.attempts.next(key)
	return f
}

// operationOf takes the operation from "TrentService.Encrypt".
func operationOf(target string) string {
	if i := strings.LastIndexByte(target, '.'); i >= 0 {
		return target[i+1:]
	}
	return target
}

var regionalHost = regexp.MustCompile(`^kms(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?(?::\d+)?$`)

// regionOf reads the Region from the SigV4 credential scope, else from a
// regional KMS host name.
func regionOf(r *http.Request) string {
	if region, ok := scopeRegion(r.Header.Get("Authorization")); ok {
		return region
	}
	if m := regionalHost.FindStringSubmatch(strings.ToLower(r.Host)); m != nil {
		return m[1]
	}
	return ""
}

// scopeRegion finds the Region in the first well-formed credential scope of
// a SigV4 Authorization header, "Credential=AKID/20260101/us-east-1/kms/...".
// It runs on every request, hence no regular expression.
func scopeRegion(auth string) (string, bool) {
	const prefix = "Credential="
	for {
		i := strings.Index(auth, prefix)
		if i < 0 {
			return "", false
		}
		auth = auth[i+len(prefix):]
		akid, rest, _ := strings.Cut(auth, "/")
		date, rest, _ := strings.Cut(rest, "/")
		region, _, found := strings.Cut(rest, "/")
		if found && akid != "" && !strings.ContainsAny(akid, ", \t\r\n\f") && len(date) == 8 && allIn(date, "0123456789") &&
			region != "" && allIn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") {
			return region, true
		}
	}
}

func allIn(s, chars string) bool {
	for i := range len(s) {
		if strings.IndexByte(chars, s[i]) < 0 {
			return false
		}
	}
	return true
}

// parseSDKRequest reads "attempt=2; max=3" (in any order, ttl= ignored).
func parseSDKRequest(v string) (attempt, max int) {
	for v != "" {
		var part string
		part, v, _ = strings.Cut(v, ";")
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || n < 0 {
			continue
		}
		switch strings.TrimSpace(k) {
		case "attempt":
			attempt = n
		case "max":
			max = n
		}
	}
	return attempt, max
}

// attemptCounter is the proxy's own count of requests per invocation ID (or
// per connection when a client sends no invocation ID). Its memory is bounded
// by two generations of keys: when the current one fills up it becomes the
// previous one, so the most recent keys are always remembered and the oldest
// are forgotten in bulk.
type attemptCounter struct {
	mu        sync.Mutex
	cur, prev map[attemptKey]int
}

// attemptKey is an invocation ID, or a client's address when connection is set.
type attemptKey struct {
	id         string
	connection bool
}

// attemptGeneration is how many keys one generation holds: the counter
// remembers between attemptGeneration and twice as many recent invocations.
const attemptGeneration = 1 << 13

func newAttemptCounter() *attemptCounter { return &attemptCounter{cur: map[attemptKey]int{}} }

func (a *attemptCounter) next(key attemptKey) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n, ok := a.cur[key]
	if !ok {
		n = a.prev[key]
		if len(a.cur) >= attemptGeneration {
			a.prev, a.cur = a.cur, make(map[attemptKey]int, attemptGeneration)
		}
	}
	a.cur[key] = n + 1
	return n + 1
}

func (a *attemptCounter) reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cur, a.prev = map[attemptKey]int{}, nil
}
