package faults

import (
	"context"
	"fmt"
	"time"
)

// hang holds the request until the client gives up or the proxy stops; the
// client never gets an answer.
type hang struct{}

func newHang(Spec) (Fault, error) { return hang{}, nil }

func (hang) Apply(ctx context.Context, x *Exchange) error {
	start := time.Now()
	<-ctx.Done()
	x.InjectedDelay += time.Since(start)
	return fmt.Errorf("hung until: %w", context.Cause(ctx))
}

func (hang) String() string { return "hang" }
