package faults

import (
	"fmt"
	"slices"
	"strings"
)

// Builder turns a Spec of one kind into a Fault, validating its parameters.
type Builder func(Spec) (Fault, error)

// Registry maps fault kinds to their builders.
type Registry struct {
	builders map[string]Builder
}

// NewRegistry returns a registry holding every built-in fault kind.
func NewRegistry() *Registry {
	return &Registry{builders: map[string]Builder{
		KindDelay:    newDelay,
		KindError:    newError,
		KindReset:    newReset,
		KindHang:     newHang,
		KindLost:     newLost,
		KindTruncate: newTruncate,
		KindSlow:     newSlow,
	}}
}

// Kinds lists the registered kinds in order.
func (r *Registry) Kinds() []string {
	ks := make([]string, 0, len(r.builders))
	for k := range r.builders {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Build turns s into a Fault.
func (r *Registry) Build(s Spec) (Fault, error) {
	k := s.kind()
	if k == "" {
		return nil, invalid("kind is missing (one of %s)", strings.Join(r.Kinds(), ", "))
	}
	b, ok := r.builders[k]
	if !ok {
		return nil, invalid("unknown kind %q (one of %s)", k, strings.Join(r.Kinds(), ", "))
	}
	f, err := b(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k, err)
	}
	return f, nil
}

// Build turns s into a Fault using the built-in kinds.
func Build(s Spec) (Fault, error) { return NewRegistry().Build(s) }
