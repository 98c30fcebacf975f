package rules_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kmsconform/kmsconform/proxy/faults"
	"github.com/kmsconform/kmsconform/proxy/rules"
)

func req(mod func(*rules.Request)) rules.Request {
	r := rules.Request{Operation: "Encrypt", Host: "kms.us-east-1.amazonaws.com:443", Region: "us-east-1",
		Attempt: 1, ProxyAttempt: 1, Header: http.Header{"X-Kmsconform-Scenario": {"s1"}}}
	if mod != nil {
		mod(&r)
	}
	return r
}

func TestMatchKinds(t *testing.T) {
	tests := []struct {
		name string
		rule rules.Rule
		hit  rules.Request
		miss rules.Request
	}{
		{"operation", rules.Rule{Operation: "Encrypt"}, req(nil), req(func(r *rules.Request) { r.Operation = "Decrypt" })},
		{"operation with target prefix", rules.Rule{Operation: "TrentService.Encrypt"}, req(nil), req(func(r *rules.Request) { r.Operation = "Decrypt" })},
		{"host without port", rules.Rule{Host: "KMS.us-east-1.amazonaws.com"}, req(nil), req(func(r *rules.Request) { r.Host = "kms.eu-west-1.amazonaws.com:443" })},
		{"host with port", rules.Rule{Host: "kms.us-east-1.amazonaws.com:443"}, req(nil), req(func(r *rules.Request) { r.Host = "kms.us-east-1.amazonaws.com:8443" })},
		{"region", rules.Rule{Region: "us-east-1"}, req(nil), req(func(r *rules.Request) { r.Region = "eu-west-1" })},
		{"sdk attempt", rules.Rule{Attempt: 2}, req(func(r *rules.Request) { r.Attempt = 2 }), req(nil)},
		{"attempt falls back to the proxy's count", rules.Rule{Attempt: 2},
			req(func(r *rules.Request) { r.Attempt, r.ProxyAttempt = 0, 2 }), req(func(r *rules.Request) { r.Attempt, r.ProxyAttempt = 0, 1 })},
		{"max attempt", rules.Rule{MaxAttempt: 2}, req(func(r *rules.Request) { r.Attempt = 2 }), req(func(r *rules.Request) { r.Attempt = 3 })},
		{"proxy attempt", rules.Rule{ProxyAttempt: 3}, req(func(r *rules.Request) { r.ProxyAttempt = 3 }), req(nil)},
		{"header", rules.Rule{Header: map[string]string{"x-kmsconform-scenario": "s1"}}, req(nil),
			req(func(r *rules.Request) { r.Header = http.Header{"X-Kmsconform-Scenario": {"s2"}} })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := rules.NewSet(tc.rule)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := s.Match(tc.miss); ok {
				t.Errorf("matched %+v", tc.miss)
			}
			if _, ok := s.Match(tc.hit); !ok {
				t.Errorf("did not match %+v", tc.hit)
			}
		})
	}
}

// fires runs n identical requests through a one-rule set and returns which fired.
func fires(t *testing.T, r rules.Rule, n int) string {
	t.Helper()
	s, err := rules.NewSet(r)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for range n {
		if _, ok := s.Match(req(nil)); ok {
			b.WriteByte('F')
		} else {
			b.WriteByte('.')
		}
	}
	return b.String()
}

func TestCounters(t *testing.T) {
	tests := []struct {
		name string
		rule rules.Rule
		want string
	}{
		{"always", rules.Rule{}, "FFFFF"},
		{"nth", rules.Rule{Nth: 3}, "..F.."},
		{"times", rules.Rule{Times: 2}, "FF..."},
		{"nth counts only requests meeting the criteria", rules.Rule{Operation: "Encrypt", Nth: 2}, ".F..."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fires(t, tc.rule, 5); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestSeededProbabilityRepeats(t *testing.T) {
	r := rules.Rule{Probability: 0.3, Seed: 99}
	a, b := fires(t, r, 200), fires(t, r, 200)
	if a != b {
		t.Fatalf("same seed, different sequences:\n%s\n%s", a, b)
	}
	n := strings.Count(a, "F")
	if n < 30 || n > 90 {
		t.Errorf("fired %d of 200 at p=0.3", n)
	}
	r.Seed = 100
	if c := fires(t, r, 200); c == a {
		t.Error("a different seed gave the same sequence")
	}
	// ResetCounters restarts the sequence.
	s, _ := rules.NewSet(rules.Rule{Probability: 0.3, Seed: 99, Times: 0})
	var first, again strings.Builder
	for range 50 {
		_, ok := s.Match(req(nil))
		first.WriteString(map[bool]string{true: "F", false: "."}[ok])
	}
	s.ResetCounters()
	for range 50 {
		_, ok := s.Match(req(nil))
		again.WriteString(map[bool]string{true: "F", false: "."}[ok])
	}
	if first.String() != again.String() || first.String() != a[:50] {
		t.Errorf("after reset:\n%s\n%s\nwant %s", first.String(), again.String(), a[:50])
	}
}

func TestFirstMatchingRuleWins(t *testing.T) {
	s, err := rules.NewSet(
		rules.Rule{ID: "decrypt", Operation: "Decrypt", Faults: []faults.Spec{{Kind: "reset"}}},
		rules.Rule{ID: "once", Times: 1, Faults: []faults.Spec{faults.Preset("HTTP503")}},
		rules.Rule{ID: "rest", Faults: []faults.Spec{{Kind: "hang"}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, op := range []string{"Encrypt", "Decrypt", "Encrypt"} {
		m, ok := s.Match(req(func(r *rules.Request) { r.Operation = op }))
		if !ok || len(m.Faults) != 1 {
			t.Fatalf("no match for %s", op)
		}
		got = append(got, m.Rule.ID+":"+m.Faults[0].String())
	}
	if want := "once:error(503) decrypt:reset rest:hang"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func TestSetEditing(t *testing.T) {
	var s rules.Set
	id, err := s.Add(rules.Rule{Operation: "Encrypt"})
	if err != nil || id == "" {
		t.Fatalf("Add: %q %v", id, err)
	}
	if _, err := s.Add(rules.Rule{ID: id}); err == nil {
		t.Error("duplicate id accepted")
	}
	for _, bad := range []rules.Rule{
		{Probability: 1.5}, {Nth: -1}, {Times: -2}, {ID: "has space"},
		{Faults: []faults.Spec{{Kind: "nope"}}}, {Faults: []faults.Spec{faults.Preset("NoSuchPreset")}},
		{Faults: []faults.Spec{{Kind: "slow"}}},
	} {
		if _, err := s.Add(bad); err == nil {
			t.Errorf("Add(%+v) accepted", bad)
		}
	}
	if err := s.Update(id, rules.Rule{Operation: "Decrypt", Times: 1}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(id); got.Operation != "Decrypt" || got.ID != id {
		t.Errorf("after update: %+v", got)
	}
	if err := s.Update("missing", rules.Rule{}); err == nil {
		t.Error("update of a missing rule accepted")
	}
	if err := s.Replace([]rules.Rule{{ID: "x"}, {ID: "x"}}); err == nil {
		t.Error("replace with duplicate ids accepted")
	}
	if len(s.List()) != 1 {
		t.Error("a failed replace changed the set")
	}
	if !s.Delete(id) || s.Delete(id) || len(s.List()) != 0 {
		t.Error("delete")
	}
}
