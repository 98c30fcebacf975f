package faults

import (
	"context"
	"fmt"
)

// slow limits the bandwidth at which the response body is written.
type slow struct {
	bytesPerSecond int
}

func newSlow(s Spec) (Fault, error) {
	if s.BytesPerSecond <= 0 {
		return nil, invalid("bytesPerSecond must be positive")
	}
	return &slow{bytesPerSecond: s.BytesPerSecond}, nil
}

func (s *slow) Apply(ctx context.Context, x *Exchange) error {
	if err := x.ensureResponse(ctx); err != nil {
		return err
	}
	x.BytesPerSecond = s.bytesPerSecond
	return nil
}

func (s *slow) String() string { return fmt.Sprintf("slow(%d B/s)", s.bytesPerSecond) }
