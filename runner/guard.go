package runner

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	messages "github.com/cucumber/messages/go/v34"

	"github.com/kmsconform/kmsconform/stepdef"
)

// isLoopback reports whether an endpoint URL points at this machine:
// localhost, 127.0.0.0/8 or ::1. Anything else may be a real AWS account.
func isLoopback(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// footprint is the most a set of scenarios creates in the target account.
type footprint struct {
	scenarios  int
	keys       int
	cloudHSM   int // CloudHSM key stores
	external   int // external key stores
	usesSecond bool
	retries    int // client retry scenarios (@retries), which run in phases of their own
	slow       int // of them, those tagged @slow
}

// add counts a scenario and what its steps create, as each step's definition
// declares it (stepdef.Creates), and returns what this scenario creates.
func (f *footprint) add(p *messages.Pickle, defs []stepdef.Def) (stepdef.Creates, error) {
	f.scenarios++
	retry, slow := false, false
	for _, t := range p.Tags {
		retry = retry || t.Name == retriesTag
		slow = slow || t.Name == slowTag
	}
	if retry {
		f.retries++
		if slow {
			f.slow++
		}
	}
	var own stepdef.Creates
	for _, st := range p.Steps {
		d, err := stepdef.Resolve(defs, stepKind(st.Type), st.Text, st.Argument != nil)
		if err != nil {
			return own, fmt.Errorf("%s: %s: %w", p.Uri, p.Name, err)
		}
		own = own.Add(d.Footprint(st.Text))
	}
	f.keys += own.Keys
	f.cloudHSM += own.CloudHSMStores
	f.external += own.ExternalStores
	f.usesSecond = f.usesSecond || own.SecondAccount
	return own, nil
}

// stepKind is the kind of a pickle step as godog matches definitions to it.
func stepKind(t messages.PickleStepType) string {
	switch t {
	case messages.PickleStepType_CONTEXT:
		return "Given"
	case messages.PickleStepType_ACTION:
		return "When"
	case messages.PickleStepType_OUTCOME:
		return "Then"
	}
	return ""
}

// realAccountNotice says what a run against endpoint will create and cost.
func (f footprint) notice(endpoint string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s is not a loopback address: it may be a real AWS account, where keys cost money and a deleted key is gone for good.\n", endpoint)
	fmt.Fprintf(&b, "The %d selected scenarios create, at most:\n", f.scenarios)
	fmt.Fprintf(&b, "  - %d KMS keys, each tagged %s=<run ID>; cleanup schedules their deletion with the\n", f.keys, "kmsconform:run")
	b.WriteString("    7-day minimum waiting period, and a key is billed until it is deleted.\n")
	b.WriteString("    KMS keys are billed per month, prorated hourly; check current pricing.\n")
	if f.cloudHSM > 0 {
		fmt.Fprintf(&b, "  - %d CloudHSM key stores (named kmsconform-<run ID>-N), one at a time per cluster: they need\n", f.cloudHSM)
		b.WriteString("    an active AWS CloudHSM cluster listed under cloudhsm in --config (CloudHSM bills its HSMs per hour).\n")
	}
	if f.external > 0 {
		fmt.Fprintf(&b, "  - %d external key stores (named kmsconform-<run ID>-N): they need an XKS proxy listed\n", f.external)
		b.WriteString("    under xks in --config.\n")
	}
	if f.usesSecond {
		b.WriteString("  - calls as a second account (secondAccount in --config), on the run's own resources only.\n")
	}
	b.WriteString("The run changes and deletes only what it created. Leftovers of an interrupted run:\n")
	b.WriteString("  kmsconform cleanup --run <run ID> --endpoint " + endpoint)
	return b.String()
}

// checkRealAccount lets a run reach a non-loopback endpoint only when the
// user said so; it runs before any request is made. progress, when not nil,
// hears what an allowed run will create.
func checkRealAccount(opts *Options, cfg *Config, fp footprint) error {
	endpoint := opts.endpoint()
	if endpoint == "" || isLoopback(endpoint) {
		return nil
	}
	if !opts.AllowRealAccount && (cfg == nil || !cfg.AllowRealAccount) {
		return &UsageError{msg: fp.notice(endpoint) +
			"\nTo go ahead, pass --allow-real-account (or set allowRealAccount: true in the --config file)."}
	}
	if opts.Progress != nil {
		fmt.Fprintln(opts.Progress, "kmsconform: "+fp.notice(endpoint))
	}
	return nil
}
