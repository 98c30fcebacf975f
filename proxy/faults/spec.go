package faults

import (
	"encoding/json"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Spec describes a fault in data, as rules files and the control API carry it.
// Kind selects the fault; the other fields are that kind's parameters. A Spec
// with a Preset and no Kind is an error fault.
type Spec struct {
	Kind   string `json:"kind,omitempty" yaml:"kind,omitempty"`
	Preset string `json:"preset,omitempty" yaml:"preset,omitempty"`

	// delay
	Delay  Duration `json:"delay,omitempty" yaml:"delay,omitempty"`
	Jitter Duration `json:"jitter,omitempty" yaml:"jitter,omitempty"`
	When   string   `json:"when,omitempty" yaml:"when,omitempty"` // "request" (default) or "response"

	// error, and lost when it answers with an error instead of a reset
	Status  int               `json:"status,omitempty" yaml:"status,omitempty"`
	Code    string            `json:"code,omitempty" yaml:"code,omitempty"`       // __type
	Message string            `json:"message,omitempty" yaml:"message,omitempty"` // omitted from the body when empty
	Headers map[string]string `json:"headers,omitempty" yaml:"headers,omitempty"`
	Body    string            `json:"body,omitempty" yaml:"body,omitempty"`   // raw body, replaces the generated one
	Style   string            `json:"style,omitempty" yaml:"style,omitempty"` // "", "namespaced" or "header"

	// truncate: body bytes sent before the connection closes (default: half)
	Bytes *int `json:"bytes,omitempty" yaml:"bytes,omitempty"`
	// slow: body bandwidth
	BytesPerSecond int `json:"bytesPerSecond,omitempty" yaml:"bytesPerSecond,omitempty"`
}

// Kind names.
const (
	KindDelay    = "delay"
	KindError    = "error"
	KindReset    = "reset"
	KindHang     = "hang"
	KindLost     = "lost"
	KindTruncate = "truncate"
	KindSlow     = "slow"
)

// Preset returns an error fault answering as the named preset does, for
// example Preset("ThrottlingException") or Preset("HTTP503"). Unknown names
// are reported when the Spec is built (by rules.Set.Add).
func Preset(name string) Spec { return Spec{Kind: KindError, Preset: name} }

// kind resolves the default kind.
func (s Spec) kind() string {
	if s.Kind == "" && s.Preset != "" {
		return KindError
	}
	return s.Kind
}

// Duration is a time.Duration written as a Go duration string ("250ms").
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"250ms\": %w", err)
	}
	return d.parse(s)
}

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// UnmarshalYAML reads a duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: duration must be a string such as \"250ms\"", n.Line)
	}
	if err := d.parse(n.Value); err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	return nil
}

func (d *Duration) parse(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: want a Go duration such as \"250ms\" or \"2s\"", s)
	}
	if v < 0 {
		return fmt.Errorf("duration %q is negative", s)
	}
	*d = Duration(v)
	return nil
}
