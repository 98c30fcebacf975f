package stepdef

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cucumber/godog"
)

func TestResolve(t *testing.T) {
	var defs []Def
	c := Record(&defs, NewPatterns())
	c.Given(`^a key that is (Enabled|Disabled)$`, func(context.Context, string) error { return nil }, Creates{Keys: 1})
	c.When(`^I import key material of (\d+) bytes$`, func(int) error { return nil })
	c.When(`^I wait (\S+) seconds$`, func(context.Context, float64) error { return nil })
	c.Then(`^the request fails with (\w+)$`, func(string) {})
	c.Then(`^the request (fails|succeeds)\b.*$`, func(string) error { return nil })
	c.Given(`^these keys:$`, func(*godog.Table) error { return nil })
	c.Given(`^two ([a-z]+) things$`, func(string, string) error { return nil })
	c.Given(`^a broken step$`, 42)
	c.Given(`^(\w+) returns two values$`, func(string) (int, int) { return 0, 0 })
	c.Then(`^a key that is (Enabled|Disabled)$`, func(string) error { return nil })
	c.When(`^I create a key with (.+)$`, func(string) error { return nil }, Creates{Keys: 1}, Check(func(args []string) error {
		if args[0] != "KeySpec RSA_2048" {
			return fmt.Errorf("unknown clause %q", args[0])
		}
		return nil
	}))
	for _, tc := range []struct {
		kind, text string
		hasArg     bool
		err        string // "" when it resolves
	}{
		{"Given", "a key that is Enabled", false, ""},
		{"Then", "a key that is Enabled", false, ""}, // the Then definition of the same pattern
		{"When", "a key that is Enabled", false, "no When step definition matches"},
		{"", "a key that is Enabled", false, "2 step definitions match"},
		{"When", "I import key material of 16 bytes", false, ""},
		{"When", "I import key material of sixteen bytes", false, "no When step definition matches"},
		{"When", "I wait 0.5 seconds", false, ""},
		{"When", "I wait soon seconds", false, "not a float64"},
		{"Then", "the request fails with NotFoundException", false, "2 step definitions match"},
		{"Given", "these keys:", true, ""},
		{"Given", "these keys:", false, "captures 0 argument(s), its function takes 1"},
		{"Given", "a key that is Enabled", true, "carries a doc string or table"},
		{"Given", "two red things", false, "captures 1 argument(s), its function takes 2"},
		{"Given", "a broken step", false, "not a function"},
		{"Given", "it returns two values", false, "not error"},
		{"Given", "a key that is Unavailable", false, "no Given step definition matches"},
		{"When", "I create a key with KeySpec RSA_2048", false, ""},
		{"When", "I create a key with KeySpce RSA_2048", false, `unknown clause "KeySpce RSA_2048"`},
	} {
		d, err := Resolve(defs, tc.kind, tc.text, tc.hasArg)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("Resolve(%q): %v", tc.text, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Resolve(%q) = %v, want an error saying %q", tc.text, err, tc.err)
		case tc.kind == "Given" && tc.text == "a key that is Enabled" && err == nil && d.Footprint(tc.text).Keys != 1:
			t.Errorf("Resolve(%q) lost the step's declaration: %+v", tc.text, d.Creates)
		}
	}
}

func TestCreatesAdd(t *testing.T) {
	got := Creates{Keys: 1, CloudHSMStores: 1}.Add(Creates{Keys: 2, ExternalStores: 1, SecondAccount: true})
	if want := (Creates{Keys: 3, CloudHSMStores: 1, ExternalStores: 1, SecondAccount: true}); got != want {
		t.Errorf("Add = %+v, want %+v", got, want)
	}
}

// A declaration with IfArg counts only for uses of the step with that argument.
func TestFootprint(t *testing.T) {
	var defs []Def
	Record(&defs, NewPatterns()).Given(`^a KMS key whose origin is (AWS_KMS|AWS_CLOUDHSM|EXTERNAL_KEY_STORE)$`, func(string) error { return nil },
		Creates{Keys: 1}, Creates{CloudHSMStores: 1, IfArg: "AWS_CLOUDHSM"}, Creates{ExternalStores: 1, IfArg: "EXTERNAL_KEY_STORE"})
	for text, want := range map[string]Creates{
		"a KMS key whose origin is AWS_KMS":            {Keys: 1},
		"a KMS key whose origin is AWS_CLOUDHSM":       {Keys: 1, CloudHSMStores: 1},
		"a KMS key whose origin is EXTERNAL_KEY_STORE": {Keys: 1, ExternalStores: 1},
	} {
		if got := defs[0].Footprint(text); got != want {
			t.Errorf("Footprint(%q) = %+v, want %+v", text, got, want)
		}
	}
}
