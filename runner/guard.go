package runner

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	messages "github.com/cucumber/messages/go/v34"
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

// What steps create, by their text (outline values already filled in).
var (
	createsKey      = regexp.MustCompile(`^(?:an? (?:[A-Z0-9_]+ |symmetric )?KMS key\b|I create a KMS key\b|I request a new KMS key\b|I send a CreateKey request\b)`)
	createsCloudHSM = regexp.MustCompile(`^(?:a CloudHSM key store\b|I create a (?:new )?CloudHSM key store\b|a backing for a new CloudHSM key store|a KMS key (?:whose origin is|with origin) AWS_CLOUDHSM\b)`)
	createsExternal = regexp.MustCompile(`^(?:an? (?:disconnected )?external key store\b|I create an? (?:new )?external key store\b|a backing for a new external key store|a KMS key (?:whose origin is|with origin) EXTERNAL_KEY_STORE\b|a CloudHSM key store and an external key store)`)
	usesSecond      = regexp.MustCompile(`^the second account\b`)
)

func (f *footprint) add(p *messages.Pickle) {
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
	for _, st := range p.Steps {
		// A step may create more than one thing: "a KMS key whose origin is
		// AWS_CLOUDHSM" makes a store and a key in it.
		if createsKey.MatchString(st.Text) {
			f.keys++
		}
		if createsCloudHSM.MatchString(st.Text) {
			f.cloudHSM++
		}
		if createsExternal.MatchString(st.Text) {
			f.external++
		}
		if usesSecond.MatchString(st.Text) {
			f.usesSecond = true
		}
	}
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
