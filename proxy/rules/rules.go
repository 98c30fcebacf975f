// Package rules decides which faults the kmsconform proxy injects into a
// request. A Rule matches on what a KMS request says about itself (operation,
// host, Region, attempt, headers) and on counters (the nth match, the first N
// matches, a seeded probability); the first rule that matches wins and its
// faults run in order.
package rules

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/kmsconform/kmsconform/proxy/faults"
)

// Rule is one fault-injection rule. Zero-valued criteria match everything.
type Rule struct {
	ID          string `json:"id,omitempty" yaml:"id,omitempty"` // assigned by Add when empty
	Description string `json:"description,omitempty" yaml:"description,omitempty"`

	// Operation is a KMS operation name ("Encrypt"; "TrentService.Encrypt" also works).
	Operation string `json:"operation,omitempty" yaml:"operation,omitempty"`
	// Host matches the request's host, with or without its port, ignoring case.
	Host string `json:"host,omitempty" yaml:"host,omitempty"`
	// Region matches the SigV4 credential scope's Region (or the host's).
	Region string `json:"region,omitempty" yaml:"region,omitempty"`
	// Attempt matches the SDK's attempt number (amz-sdk-request: attempt=N),
	// or the proxy's own count when the SDK sends none. MaxAttempt matches
	// every attempt up to N ("fail the first N attempts").
	Attempt    int `json:"attempt,omitempty" yaml:"attempt,omitempty"`
	MaxAttempt int `json:"maxAttempt,omitempty" yaml:"maxAttempt,omitempty"`
	// ProxyAttempt matches the proxy's own count of requests per
	// amz-sdk-invocation-id (per connection when that header is missing).
	ProxyAttempt int `json:"proxyAttempt,omitempty" yaml:"proxyAttempt,omitempty"`
	// Header requires each named request header to have exactly this value.
	Header map[string]string `json:"header,omitempty" yaml:"header,omitempty"`

	// Nth fires only on the nth request that meets the criteria above (1-based).
	Nth int `json:"nth,omitempty" yaml:"nth,omitempty"`
	// Times caps how often the rule fires (0: no cap), so Times 2 is "the first two".
	Times int `json:"times,omitempty" yaml:"times,omitempty"`
	// Probability (0 or 1: always) fires the rule at random; Seed makes the
	// sequence of decisions repeat exactly from run to run.
	Probability float64 `json:"probability,omitempty" yaml:"probability,omitempty"`
	Seed        uint64  `json:"seed,omitempty" yaml:"seed,omitempty"`

	// Faults run in order when the rule fires. No faults: pass the request through.
	Faults []faults.Spec `json:"faults" yaml:"faults"`
}

// Request is what a rule can see of a request.
type Request struct {
	Operation    string
	Host         string
	Region       string
	Attempt      int // the SDK's attempt number; 0 when it sent none
	ProxyAttempt int
	Header       http.Header
}

// Match is a rule that fired, with its faults ready to run.
type Match struct {
	Rule   Rule
	Faults []faults.Fault
}

// State is a rule with its counters, as the control API lists it.
type State struct {
	Rule
	Matched int `json:"matched"` // requests that met the criteria
	Fired   int `json:"fired"`
}

// Set is an ordered, concurrency-safe list of rules.
type Set struct {
	mu     sync.Mutex
	rules  []*compiled
	nextID int
}

type compiled struct {
	rule    Rule
	faults  []faults.Fault
	rng     *rand.Rand
	matched int
	fired   int
}

// NewSet returns a set holding rules, in order.
func NewSet(rules ...Rule) (*Set, error) {
	s := &Set{}
	if err := s.Replace(rules); err != nil {
		return nil, err
	}
	return s, nil
}

var validID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Validate reports what is wrong with r, without adding it anywhere.
func Validate(r Rule) error {
	_, err := compile(r)
	return err
}

// fieldError is a validation error about one field of a rule (or one of its
// faults), so a rules file can point at the right line.
type fieldError struct {
	field string // YAML/JSON name, or "faults"
	fault int    // 1-based index into faults when field is "faults"
	err   error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

func compile(r Rule) (*compiled, error) {
	r.Operation = strings.TrimPrefix(r.Operation, "TrentService.")
	bad := func(field, format string, args ...any) error {
		return &fieldError{field: field, err: fmt.Errorf(format, args...)}
	}
	switch {
	case r.ID != "" && !validID.MatchString(r.ID):
		return nil, bad("id", "id %q: use 1-64 letters, digits, '.', '_' or '-'", r.ID)
	case r.Attempt < 0:
		return nil, bad("attempt", "attempt %d must not be negative", r.Attempt)
	case r.MaxAttempt < 0:
		return nil, bad("maxAttempt", "maxAttempt %d must not be negative", r.MaxAttempt)
	case r.ProxyAttempt < 0:
		return nil, bad("proxyAttempt", "proxyAttempt %d must not be negative", r.ProxyAttempt)
	case r.Nth < 0:
		return nil, bad("nth", "nth %d must not be negative", r.Nth)
	case r.Times < 0:
		return nil, bad("times", "times %d must not be negative", r.Times)
	case r.Probability < 0 || r.Probability > 1:
		return nil, bad("probability", "probability %v is outside [0, 1]", r.Probability)
	}
	reg := faults.NewRegistry()
	fs := make([]faults.Fault, 0, len(r.Faults))
	for i, spec := range r.Faults {
		f, err := reg.Build(spec)
		if err != nil {
			return nil, &fieldError{field: "faults", fault: i + 1, err: fmt.Errorf("fault %d: %w", i+1, err)}
		}
		fs = append(fs, f)
	}
	return &compiled{rule: r, faults: fs, rng: rand.New(rand.NewPCG(r.Seed, r.Seed))}, nil
}

// Add appends r and returns its ID.
func (s *Set) Add(r Rule) (string, error) {
	c, err := compile(r)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.assignID(c, s.rules); err != nil {
		return "", err
	}
	s.rules = append(s.rules, c)
	return c.rule.ID, nil
}

// assignID gives c a fresh ID, or checks that its own is not taken in others.
func (s *Set) assignID(c *compiled, others []*compiled) error {
	taken := func(id string) bool {
		for _, o := range others {
			if o.rule.ID == id {
				return true
			}
		}
		return false
	}
	if c.rule.ID != "" {
		if taken(c.rule.ID) {
			return fmt.Errorf("rule id %q already exists", c.rule.ID)
		}
		return nil
	}
	for {
		s.nextID++
		if id := fmt.Sprintf("r%d", s.nextID); !taken(id) {
			c.rule.ID = id
			return nil
		}
	}
}

// Update replaces the rule with the given ID in place, resetting its counters.
func (s *Set) Update(id string, r Rule) error {
	r.ID = id
	c, err := compile(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, o := range s.rules {
		if o.rule.ID == id {
			s.rules[i] = c
			return nil
		}
	}
	return fmt.Errorf("no rule with id %q", id)
}

// Delete removes the rule with the given ID and reports whether it existed.
func (s *Set) Delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, o := range s.rules {
		if o.rule.ID == id {
			s.rules = append(s.rules[:i:i], s.rules[i+1:]...)
			return true
		}
	}
	return false
}

// Get returns the rule with the given ID.
func (s *Set) Get(id string) (State, bool) {
	for _, st := range s.States() {
		if st.ID == id {
			return st, true
		}
	}
	return State{}, false
}

// List returns the rules in order.
func (s *Set) List() []Rule {
	states := s.States()
	out := make([]Rule, len(states))
	for i, st := range states {
		out[i] = st.Rule
	}
	return out
}

// States returns the rules in order with their counters.
func (s *Set) States() []State {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]State, len(s.rules))
	for i, c := range s.rules {
		out[i] = State{Rule: c.rule, Matched: c.matched, Fired: c.fired}
	}
	return out
}

// Replace swaps in a whole new list of rules, or changes nothing on error.
func (s *Set) Replace(rules []Rule) error {
	cs := make([]*compiled, 0, len(rules))
	for i, r := range rules {
		c, err := compile(r)
		if err != nil {
			return fmt.Errorf("rule %d: %w", i+1, err)
		}
		cs = append(cs, c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, c := range cs {
		if err := s.assignID(c, cs[:i]); err != nil {
			return fmt.Errorf("rule %d: %w", i+1, err)
		}
	}
	// Auto-assigned IDs could collide with explicit ones later in the list.
	for i, c := range cs {
		for _, o := range cs[i+1:] {
			if o.rule.ID == c.rule.ID {
				return fmt.Errorf("rule id %q appears twice", c.rule.ID)
			}
		}
	}
	s.rules = cs
	return nil
}

// ResetCounters restarts every rule's nth, times and probability sequence.
func (s *Set) ResetCounters() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.rules {
		c.matched, c.fired = 0, 0
		c.rng = rand.New(rand.NewPCG(c.rule.Seed, c.rule.Seed))
	}
}

// Match returns the first rule that fires for req. Rules before it that met
// their criteria still advance their counters.
func (s *Set) Match(req Request) (Match, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.rules {
		if c.fire(req) {
			return Match{Rule: c.rule, Faults: c.faults}, true
		}
	}
	return Match{}, false
}

func (c *compiled) fire(req Request) bool {
	r := &c.rule
	attempt := req.Attempt
	if attempt == 0 {
		attempt = req.ProxyAttempt
	}
	switch {
	case r.Operation != "" && r.Operation != req.Operation,
		r.Host != "" && !hostMatches(r.Host, req.Host),
		r.Region != "" && r.Region != req.Region,
		r.Attempt != 0 && r.Attempt != attempt,
		r.MaxAttempt != 0 && attempt > r.MaxAttempt,
		r.ProxyAttempt != 0 && r.ProxyAttempt != req.ProxyAttempt:
		return false
	}
	for k, v := range r.Header {
		if req.Header.Get(k) != v {
			return false
		}
	}
	c.matched++
	if r.Nth != 0 && c.matched != r.Nth {
		return false
	}
	if r.Probability > 0 && r.Probability < 1 && c.rng.Float64() >= r.Probability {
		return false
	}
	if r.Times != 0 && c.fired >= r.Times {
		return false
	}
	c.fired++
	return true
}

func hostMatches(pattern, host string) bool {
	if strings.EqualFold(pattern, host) {
		return true
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		return strings.EqualFold(pattern, h)
	}
	return false
}
