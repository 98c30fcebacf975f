// Package evidence turns what the proxy recorded into the evidence a
// scenario's result carries.
package evidence

import (
	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/reports"
)

// Exchanges converts journal entries, already redacted by the proxy, into
// report exchanges, in the order given.
func Exchanges(entries []journal.Entry) []reports.Exchange {
	out := make([]reports.Exchange, 0, len(entries))
	for _, en := range entries {
		out = append(out, reports.Exchange{
			Seq:             int64(en.Seq),
			InvocationID:    en.InvocationID,
			Attempt:         en.Attempt,
			Operation:       en.Operation,
			Received:        en.Received,
			UpstreamLatency: en.UpstreamLatency,
			InjectedDelay:   en.InjectedDelay,
			Total:           en.Total,
			Status:          en.Status,
			ErrorCode:       en.ErrorCode,
			Rule:            en.Rule,
			Faults:          en.Faults,
			Request:         reports.Message{Headers: en.Request.Headers, Body: en.Request.Body},
			Response:        reports.Message{Headers: en.Response.Headers, Body: en.Response.Body},
		})
	}
	return out
}
