package faults

import (
	"context"
	"math/rand/v2"
	"time"
)

// delay waits a fixed time plus uniform jitter in [0, jitter), either before
// the request is forwarded or, with When "response", after the answer is known
// and before it is sent.
type delay struct {
	fixed, jitter time.Duration
	afterForward  bool
}

func newDelay(s Spec) (Fault, error) {
	if s.Delay <= 0 && s.Jitter <= 0 {
		return nil, invalid("delay or jitter must be positive")
	}
	d := &delay{fixed: s.Delay.D(), jitter: s.Jitter.D()}
	switch s.When {
	case "", "request":
	case "response":
		d.afterForward = true
	default:
		return nil, invalid("when must be \"request\" or \"response\", not %q", s.When)
	}
	return d, nil
}

func (d *delay) Apply(ctx context.Context, x *Exchange) error {
	if d.afterForward {
		if err := x.ensureResponse(ctx); err != nil {
			return err
		}
	}
	wait := d.fixed
	if d.jitter > 0 {
		wait += rand.N(d.jitter)
	}
	return x.wait(ctx, wait)
}

func (d *delay) String() string {
	s := "delay(" + d.fixed.String()
	if d.jitter > 0 {
		s += "+jitter " + d.jitter.String()
	}
	if d.afterForward {
		s += ", before answering"
	}
	return s + ")"
}
