package faults

import "context"

// reset closes the client connection without answering. The request is not
// forwarded, so the operation does not take effect (see lost for the other case).
type reset struct{}

func newReset(Spec) (Fault, error) { return reset{}, nil }

func (reset) Apply(_ context.Context, x *Exchange) error {
	x.Reset = true
	return nil
}

func (reset) String() string { return "reset" }
