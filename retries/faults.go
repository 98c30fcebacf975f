package retries

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/kmsconform/kmsconform/proxy/faults"
	"github.com/kmsconform/kmsconform/proxy/rules"
)

// Fault kinds, as a client experiences them.
const (
	KindError   = "error"   // an HTTP answer with an error status
	KindReset   = "reset"   // the connection closes before any answer
	KindTimeout = "timeout" // no answer before the client's own timeout
	KindLost    = "lost"    // the upstream acts, then the connection resets
)

// ClientTimeout is the request timeout (the driver contract's timeoutMs) the
// call under the timeout fault gives its client; the fault holds each attempt
// well beyond it. Whole seconds, as the AWS CLI takes them.
const ClientTimeout = time.Second

// timeoutHold is how long the timeout fault holds a request.
const timeoutHold = 4 * ClientTimeout

// Fault is one injected failure, as the feature files name it.
type Fault struct {
	Name   string
	Kind   string
	Status int    // HTTP status the client receives; 0 when it receives none
	Code   string // KMS error code in the answer; "" for none
	// Once: only the first attempt is hit; later attempts pass through.
	Once bool
	// What the feature files say the proxy does.
	Doing string
}

// Faults lists every fault the retry features inject, by name.
func Faults() map[string]Fault {
	list := []Fault{
		{Name: "KMSInternalException", Kind: KindError, Status: 500, Code: "KMSInternalException",
			Doing: "answers every attempt with KMSInternalException (HTTP 500)"},
		{Name: "DependencyTimeoutException", Kind: KindError, Status: 503, Code: "DependencyTimeoutException",
			Doing: "answers every attempt with DependencyTimeoutException (HTTP 503)"},
		{Name: "KeyUnavailableException", Kind: KindError, Status: 500, Code: "KeyUnavailableException",
			Doing: "answers every attempt with KeyUnavailableException (HTTP 500)"},
		{Name: "ThrottlingException", Kind: KindError, Status: 400, Code: "ThrottlingException",
			Doing: "answers every attempt with ThrottlingException (HTTP 400)"},
		{Name: "HTTP429", Kind: KindError, Status: 429,
			Doing: "answers every attempt with a bare HTTP 429 and no error code"},
		{Name: "HTTP503", Kind: KindError, Status: 503,
			Doing: "answers every attempt with an HTML HTTP 503 page, as a load balancer does"},
		{Name: "ConnectionReset", Kind: KindReset,
			Doing: "resets the connection on every attempt"},
		{Name: "Timeout", Kind: KindTimeout,
			Doing: fmt.Sprintf("holds every attempt for %v, beyond the client's %v timeout", timeoutHold, ClientTimeout)},
		{Name: "LostResponse", Kind: KindLost, Once: true,
			Doing: "forwards the first attempt, then resets the connection instead of answering"},
		{Name: "KMSInternalExceptionOnce", Kind: KindError, Status: 500, Code: "KMSInternalException", Once: true,
			Doing: "answers the first attempt with KMSInternalException (HTTP 500)"},
		{Name: "LimitExceededException", Kind: KindError, Status: 400, Code: "LimitExceededException",
			Doing: "answers every attempt with LimitExceededException (HTTP 400), a KMS resource quota"},
		{Name: "CustomKeyStoreInvalidStateException", Kind: KindError, Status: 400, Code: "CustomKeyStoreInvalidStateException",
			Doing: "answers every attempt with CustomKeyStoreInvalidStateException (HTTP 400)"},
	}
	out := make(map[string]Fault, len(list))
	for _, f := range list {
		out[f.Name] = f
	}
	return out
}

// FaultNames lists the faults in report order.
func FaultNames() []string {
	return []string{"KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException",
		"ThrottlingException", "HTTP429", "HTTP503", "ConnectionReset", "Timeout", "LostResponse",
		"KMSInternalExceptionOnce", "LimitExceededException", "CustomKeyStoreInvalidStateException"}
}

// lookupFault finds a fault by name.
func lookupFault(name string) (Fault, error) {
	f, ok := Faults()[name]
	if !ok {
		names := FaultNames()
		sort.Strings(names)
		return Fault{}, fmt.Errorf("no fault named %q (known: %s)", name, strings.Join(names, ", "))
	}
	return f, nil
}

// Rule is the proxy rule that injects f into operation. The scenario's proxy
// carries nothing else, so the rule needs no scenario scope.
func (f Fault) Rule(operation string) rules.Rule {
	r := rules.Rule{ID: "retries-" + strings.ToLower(f.Name), Description: "kmsconform retries: " + f.Doing, Operation: operation}
	if f.Once {
		r.Times = 1
	}
	switch f.Kind {
	case KindReset:
		r.Faults = []faults.Spec{{Kind: faults.KindReset}}
	case KindLost:
		r.Faults = []faults.Spec{{Kind: faults.KindLost}}
	case KindTimeout:
		r.Faults = []faults.Spec{{Kind: faults.KindDelay, Delay: faults.Duration(timeoutHold)}}
	default:
		spec := faults.Spec{Kind: faults.KindError, Status: f.Status, Code: f.Code}
		switch {
		case f.Code == "" && f.Status == http.StatusTooManyRequests:
			spec = faults.Preset("HTTP429")
		case f.Code == "" && f.Status == http.StatusServiceUnavailable:
			spec = faults.Preset("HTTP503")
		case f.Code == "CustomKeyStoreInvalidStateException":
			spec.Message = "The request was rejected because of the ConnectionState of the custom key store."
		default:
			spec = faults.Preset(f.Code)
		}
		r.Faults = []faults.Spec{spec}
	}
	return r
}
