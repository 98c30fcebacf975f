package faults

import (
	"context"
	"fmt"
)

// truncate sends the response head, announcing the full Content-Length, and
// only the first bytes of the body, then closes the connection.
type truncate struct {
	bytes int // -1: half of the body
}

func newTruncate(s Spec) (Fault, error) {
	t := &truncate{bytes: -1}
	if s.Bytes != nil {
		if *s.Bytes < 0 {
			return nil, invalid("bytes must not be negative")
		}
		t.bytes = *s.Bytes
	}
	return t, nil
}

func (t *truncate) Apply(ctx context.Context, x *Exchange) error {
	if err := x.ensureResponse(ctx); err != nil {
		return err
	}
	n := t.bytes
	if n < 0 {
		n = len(x.Response.Body) / 2
	}
	x.Truncate = true
	x.TruncateAfter = min(n, len(x.Response.Body))
	return nil
}

func (t *truncate) String() string {
	if t.bytes < 0 {
		return "truncate(half)"
	}
	return fmt.Sprintf("truncate(%d bytes)", t.bytes)
}
