package faults

import (
	"context"
	"fmt"
)

// lost forwards the request, so the operation takes effect upstream, then
// fails towards the client: by default it resets the connection; with an
// error preset, code or status it answers with that error instead. Clients
// that retry see a second, non-idempotent attempt.
type lost struct {
	answer *errorFault // nil: reset
}

func newLost(s Spec) (Fault, error) {
	l := &lost{}
	if s.Preset != "" || s.Code != "" || s.Status != 0 || s.Body != "" {
		f, err := newErrorFault(s)
		if err != nil {
			return nil, err
		}
		l.answer = f
	}
	return l, nil
}

func (l *lost) Apply(ctx context.Context, x *Exchange) error {
	if err := x.Forward(ctx); err != nil {
		return err
	}
	if l.answer == nil {
		x.Reset = true
		return nil
	}
	return l.answer.Apply(ctx, x)
}

func (l *lost) String() string {
	if l.answer == nil {
		return "lost(reset)"
	}
	return fmt.Sprintf("lost(%s)", l.answer)
}
