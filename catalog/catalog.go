// Package catalog is kmsconform's conformance catalog: every documented
// behaviour of the focus KMS operations, each with a stable ID that scenarios
// cite as @cond:<ID>, plus every (operation, error) pair the API model
// documents. It also measures how much of the catalog a set of feature files
// covers (see Coverage).
//
// The catalog is conditions.yaml, embedded at build time; the project never
// reads the AWS docs at run time.
package catalog

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed conditions.yaml
var embedded []byte

// schemaVersion is the layout of conditions.yaml this package reads.
const schemaVersion = 1

// Kind says what a condition expects of an endpoint.
type Kind string

const (
	// KindError: the call must fail with exactly Condition.Error.
	KindError Kind = "error"
	// KindOK: a documented success or state change.
	KindOK Kind = "ok"
	// KindRule: documented behaviour that is not an error.
	KindRule Kind = "rule"
	// KindUnspecified: the docs forbid it without naming the error.
	KindUnspecified Kind = "unspecified"
)

// Fault says which side an error blames.
type Fault string

const (
	FaultClient Fault = "client"
	FaultServer Fault = "server"
)

// ErrorPair is one error an operation can return, as the API model lists it.
// Operation is empty for errors that are not tied to an operation (common
// errors and errors of operations outside the focus set).
type ErrorPair struct {
	Operation  string `yaml:"-" json:"operation,omitempty"`
	Code       string `yaml:"code" json:"code"`
	HTTPStatus int    `yaml:"http" json:"httpStatus"`
	Fault      Fault  `yaml:"fault" json:"fault"`
}

// Condition is one documented behaviour of an operation.
type Condition struct {
	ID        string `yaml:"id" json:"id"`
	Operation string `yaml:"-" json:"operation"`
	Kind      Kind   `yaml:"kind" json:"kind"`
	// Error is the expected error code when Kind is KindError.
	Error string `yaml:"error,omitempty" json:"error,omitempty"`
	// Text says the condition in one line.
	Text string `yaml:"text" json:"text"`
	// Sources are the documents the condition comes from: error-doc,
	// operation-doc, member-doc, output-shape, key-state-table, model-constraint;
	// or real-kms-recording for a behaviour the docs omit and real KMS was
	// recorded showing (an ID with an R: Operation.R01).
	Sources []string `yaml:"sources" json:"sources"`
	// KeyStateNotes are the footnote numbers of the key-state table cited.
	KeyStateNotes []int `yaml:"keyStateNotes,omitempty" json:"keyStateNotes,omitempty"`
}

// Constraint is one input limit from the API model. An endpoint rejects a
// violation with ValidationException.
type Constraint struct {
	ID        string `yaml:"id" json:"id"`
	Operation string `yaml:"-" json:"operation"`
	// Member is the input member's path, e.g. "XksProxyAuthenticationCredential.AccessKeyId"
	// or "GrantTokens[]" for the items of a list.
	Member string `yaml:"member" json:"member"`
	// Kind is one of required, length, pattern, enum, range, size.
	Kind  string `yaml:"kind" json:"kind"`
	Shape string `yaml:"shape" json:"shape"`
	// Min and Max bound length, range and size constraints.
	Min *int `yaml:"min,omitempty" json:"min,omitempty"`
	Max *int `yaml:"max,omitempty" json:"max,omitempty"`
	// Unit is what Min and Max count: characters, bytes or items; empty for numeric ranges.
	Unit string `yaml:"unit,omitempty" json:"unit,omitempty"`
	// Pattern is the model's regular expression, in the model's syntax
	// (\uXXXX escapes); Regexp compiles it for Go.
	Pattern string   `yaml:"pattern,omitempty" json:"pattern,omitempty"`
	Values  []string `yaml:"values,omitempty" json:"values,omitempty"`
}

var unicodeEscape = regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`)

// Regexp compiles Pattern for Go. The model's patterns are unanchored unless
// they say otherwise, as in the model.
func (c Constraint) Regexp() (*regexp.Regexp, error) {
	if c.Pattern == "" {
		return nil, fmt.Errorf("constraint %s has no pattern", c.ID)
	}
	re, err := regexp.Compile(unicodeEscape.ReplaceAllString(c.Pattern, `\x{$1}`))
	if err != nil {
		return nil, fmt.Errorf("constraint %s: %w", c.ID, err)
	}
	return re, nil
}

// Operation is one focus operation with everything the catalog knows about it.
type Operation struct {
	Name        string       `yaml:"name" json:"name"`
	Errors      []ErrorPair  `yaml:"errors" json:"errors"`
	Conditions  []Condition  `yaml:"conditions" json:"conditions"`
	Constraints []Constraint `yaml:"constraints" json:"constraints"`
}

// Models reports whether the API model lists code as an error of the operation.
func (o *Operation) Models(code string) bool {
	for _, e := range o.Errors {
		if e.Code == code {
			return true
		}
	}
	return false
}

// Conflict is a place where AWS's documents disagree with each other.
type Conflict struct {
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	Note  string `yaml:"note" json:"note"`
	// Refs are the condition and constraint IDs the conflict affects.
	Refs []string `yaml:"refs" json:"refs"`
}

// Catalog is the parsed catalog. It is read-only after Load or Parse and safe
// for concurrent use.
type Catalog struct {
	SchemaVersion   int         `yaml:"schemaVersion"`
	Source          string      `yaml:"source"`
	Operations      []Operation `yaml:"operations"`
	Conflicts       []Conflict  `yaml:"conflicts"`
	OtherOperations []string    `yaml:"otherOperations"`
	// OtherConstraints are input constraints of operations outside the focus
	// set, listed only where a model newer than the catalog's adds a member;
	// each ID starts with its operation's name.
	OtherConstraints []Constraint `yaml:"otherConstraints"`
	OtherErrors      []ErrorPair  `yaml:"otherErrors"`
	CommonErrors     []ErrorPair  `yaml:"commonErrors"`

	hash        string
	ops         map[string]*Operation
	conditions  map[string]*Condition
	constraints map[string]*Constraint
	codes       map[string]ErrorPair // every known error code
	others      map[string]bool
}

// Load parses the embedded catalog.
func Load() (*Catalog, error) {
	return Parse(embedded)
}

// Parse parses and checks a catalog document. Load is what callers want;
// Parse exists so tests can build small catalogs.
func Parse(data []byte) (*Catalog, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("parse catalog: %w", err)
	}
	if c.SchemaVersion != schemaVersion {
		return nil, fmt.Errorf("catalog schema version %d, want %d", c.SchemaVersion, schemaVersion)
	}
	sum := sha256.Sum256(data)
	c.hash = hex.EncodeToString(sum[:])
	if err := c.index(); err != nil {
		return nil, fmt.Errorf("check catalog: %w", err)
	}
	return &c, nil
}

// index fills the lookup maps and rejects a catalog that contradicts itself,
// so a bad edit to conditions.yaml fails every test rather than skewing coverage.
func (c *Catalog) index() error {
	c.ops = make(map[string]*Operation)
	c.conditions = make(map[string]*Condition)
	c.constraints = make(map[string]*Constraint)
	c.codes = make(map[string]ErrorPair)
	c.others = make(map[string]bool)
	for _, p := range append(append([]ErrorPair{}, c.OtherErrors...), c.CommonErrors...) {
		c.codes[p.Code] = p
	}
	for _, name := range c.OtherOperations {
		c.others[name] = true
	}
	for i := range c.Operations {
		op := &c.Operations[i]
		if _, dup := c.ops[op.Name]; dup || c.others[op.Name] {
			return fmt.Errorf("operation %s listed twice", op.Name)
		}
		c.ops[op.Name] = op
		for j := range op.Errors {
			e := &op.Errors[j]
			e.Operation = op.Name
			if e.Fault != FaultClient && e.Fault != FaultServer {
				return fmt.Errorf("%s/%s: fault %q is neither client nor server", op.Name, e.Code, e.Fault)
			}
			c.codes[e.Code] = ErrorPair{Code: e.Code, HTTPStatus: e.HTTPStatus, Fault: e.Fault}
		}
		for j := range op.Conditions {
			cond := &op.Conditions[j]
			cond.Operation = op.Name
			if err := c.checkCondition(op, cond); err != nil {
				return err
			}
			c.conditions[cond.ID] = cond
		}
		for j := range op.Constraints {
			con := &op.Constraints[j]
			con.Operation = op.Name
			if !strings.HasPrefix(con.ID, op.Name+".V.") {
				return fmt.Errorf("constraint %s is not named after %s", con.ID, op.Name)
			}
			if err := c.addConstraint(con); err != nil {
				return err
			}
		}
	}
	for i := range c.OtherConstraints {
		con := &c.OtherConstraints[i]
		op, _, ok := strings.Cut(con.ID, ".V.")
		if !ok || !c.others[op] {
			return fmt.Errorf("other constraint %s is not named after an operation outside the focus set", con.ID)
		}
		con.Operation = op
		if err := c.addConstraint(con); err != nil {
			return err
		}
	}
	for _, f := range c.Conflicts {
		for _, ref := range f.Refs {
			if c.conditions[ref] == nil && c.constraints[ref] == nil {
				return fmt.Errorf("conflict %s refers to unknown %s", f.ID, ref)
			}
		}
	}
	return nil
}

func (c *Catalog) addConstraint(con *Constraint) error {
	if _, dup := c.constraints[con.ID]; dup {
		return fmt.Errorf("constraint %s listed twice", con.ID)
	}
	if con.Pattern != "" {
		if _, err := con.Regexp(); err != nil {
			return err
		}
	}
	c.constraints[con.ID] = con
	return nil
}

func (c *Catalog) checkCondition(op *Operation, cond *Condition) error {
	prefix, nn, ok := strings.Cut(cond.ID, ".")
	recorded := slices.Equal(cond.Sources, []string{"real-kms-recording"})
	switch {
	case !ok || prefix != op.Name:
		return fmt.Errorf("condition %q is not of the form %s.NN", cond.ID, op.Name)
	case recorded && !(len(nn) == 3 && nn[0] == 'R'):
		return fmt.Errorf("condition %q comes from a recording only: its ID is of the form %s.RNN", cond.ID, op.Name)
	case !recorded && len(nn) != 2:
		return fmt.Errorf("condition %q is not of the form %s.NN", cond.ID, op.Name)
	}
	if _, dup := c.conditions[cond.ID]; dup {
		return fmt.Errorf("condition %s listed twice", cond.ID)
	}
	if strings.TrimSpace(cond.Text) == "" {
		return fmt.Errorf("condition %s has no text", cond.ID)
	}
	switch cond.Kind {
	case KindError:
		if !op.Models(cond.Error) {
			return fmt.Errorf("condition %s expects %q, which %s does not model", cond.ID, cond.Error, op.Name)
		}
	case KindOK, KindRule, KindUnspecified:
		if cond.Error != "" {
			return fmt.Errorf("condition %s of kind %s names an error", cond.ID, cond.Kind)
		}
	default:
		return fmt.Errorf("condition %s has unknown kind %q", cond.ID, cond.Kind)
	}
	return nil
}

// Hash is the hex SHA-256 of the catalog document, recorded with every run
// so results can be tied to the catalog they were judged against.
func (c *Catalog) Hash() string { return c.hash }

// Operation returns the focus operation called name.
func (c *Catalog) Operation(name string) (*Operation, bool) {
	op, ok := c.ops[name]
	return op, ok
}

// Condition returns the condition with the given ID (e.g. "CreateKey.02").
func (c *Catalog) Condition(id string) (*Condition, bool) {
	cond, ok := c.conditions[id]
	return cond, ok
}

// Constraint returns the input constraint with the given ID
// (e.g. "CreateCustomKeyStore.V.XksProxyUriPath.pattern").
func (c *Catalog) Constraint(id string) (*Constraint, bool) {
	con, ok := c.constraints[id]
	return con, ok
}

// Conditions returns every condition, operation by operation, in catalog order.
func (c *Catalog) Conditions() []*Condition {
	var out []*Condition
	for i := range c.Operations {
		for j := range c.Operations[i].Conditions {
			out = append(out, &c.Operations[i].Conditions[j])
		}
	}
	return out
}

// Constraints returns every input constraint of the focus operations in
// catalog order (the other operations' are OtherConstraints; Constraint
// finds both).
func (c *Catalog) Constraints() []*Constraint {
	var out []*Constraint
	for i := range c.Operations {
		for j := range c.Operations[i].Constraints {
			out = append(out, &c.Operations[i].Constraints[j])
		}
	}
	return out
}

// Pairs returns every documented (operation, error) pair of the focus
// operations, in catalog order.
func (c *Catalog) Pairs() []ErrorPair {
	var out []ErrorPair
	for _, op := range c.Operations {
		out = append(out, op.Errors...)
	}
	return out
}

// ErrorCode returns what the catalog knows about an error code: from a focus
// operation, an operation outside the focus set, or the errors common to all
// operations. The returned pair has no Operation.
func (c *Catalog) ErrorCode(code string) (ErrorPair, bool) {
	p, ok := c.codes[code]
	return p, ok
}

// IsCommonError reports whether code can come from any operation (for
// example ValidationException), so expecting it is never "not modeled".
func (c *Catalog) IsCommonError(code string) bool {
	for _, p := range c.CommonErrors {
		if p.Code == code {
			return true
		}
	}
	return false
}

// KnowsOperation reports whether name is a KMS operation: a focus operation
// or one of the others scenarios may call.
func (c *Catalog) KnowsOperation(name string) bool {
	return c.ops[name] != nil || c.others[name]
}
