// Package stepdef binds godog step definitions with each pattern compiled
// once per run. godog compiles a string pattern each time a scenario
// registers it, and with a few hundred steps and a few hundred scenarios
// that was a sixth of a whole run's CPU.
package stepdef

import (
	"regexp"
	"slices"
	"sync"

	"github.com/cucumber/godog"
)

// Patterns compiles step patterns, once each; it is safe for concurrent use
// (godog initialises scenarios concurrently).
type Patterns struct {
	mu sync.Mutex
	re map[string]*regexp.Regexp
}

// NewPatterns returns an empty set of compiled patterns.
func NewPatterns() *Patterns { return &Patterns{re: make(map[string]*regexp.Regexp)} }

func (p *Patterns) compile(expr string) *regexp.Regexp {
	p.mu.Lock()
	defer p.mu.Unlock()
	re, ok := p.re[expr]
	if !ok {
		re = regexp.MustCompile(expr) // a bad step pattern is a programming error, as in godog
		p.re[expr] = re
	}
	return re
}

// Context registers one scenario's steps, as godog.ScenarioContext does,
// with patterns compiled by its Patterns; or, made by Record, lists the
// definitions without binding them, for the tests that resolve every step of
// the features, the tests that show every check can fail, and the
// real-account guard.
type Context struct {
	sc       *godog.ScenarioContext
	patterns *Patterns
	defs     *[]Def
}

// Bind returns a Context registering steps in sc.
func Bind(sc *godog.ScenarioContext, p *Patterns) Context { return Context{sc: sc, patterns: p} }

// Record returns a Context that appends each definition to defs.
func Record(defs *[]Def, p *Patterns) Context { return Context{patterns: p, defs: defs} }

// Creates is what one use of a step may create in the target account,
// declared where the step is defined. The real-account guard sums it over
// the steps of the selected scenarios.
type Creates struct {
	Keys           int
	CloudHSMStores int
	ExternalStores int
	// SecondAccount: the step acts as the run's second account.
	SecondAccount bool
	// IfArg makes the declaration count only for uses of the step one of
	// whose arguments is IfArg: "a KMS key whose origin is AWS_CLOUDHSM"
	// creates a key store besides the key.
	IfArg string
}

func (c Creates) apply(d *Def) { d.Creates = append(d.Creates, c) }

// Option declares something of a step definition when it is registered:
// what a use of it creates (Creates), or how its free-form arguments are read
// (Check).
type Option interface{ apply(*Def) }

// Check reads a step's arguments as its function will when the step runs,
// and says what is wrong with them: a step whose words are parsed at run time
// (a list of CreateKey clauses, a defect's name) is then checked, with every
// other step, by Resolve, so that a typo fails a test and not a scenario.
type Check func(args []string) error

func (f Check) apply(d *Def) { d.Check = f }

// Add sums two footprints.
func (c Creates) Add(d Creates) Creates {
	return Creates{Keys: c.Keys + d.Keys, CloudHSMStores: c.CloudHSMStores + d.CloudHSMStores,
		ExternalStores: c.ExternalStores + d.ExternalStores, SecondAccount: c.SecondAccount || d.SecondAccount}
}

// Def is one step definition.
type Def struct {
	Keyword string // Given, When, Then, or Step for a step of any keyword
	Re      *regexp.Regexp
	Fn      any
	Creates []Creates
	Check   Check // nil when every argument is a fixed alternative or a number
	// Checks says the step judges what the endpoint did: every Then step, and
	// the Given steps registered with GivenChecks. Each must be shown to fail
	// against an endpoint that gets it wrong.
	Checks bool
}

// Expr is the definition's pattern.
func (d Def) Expr() string { return d.Re.String() }

// Footprint is what one use of the step, with text, creates.
func (d Def) Footprint(text string) Creates {
	var args []string
	if m := d.Re.FindStringSubmatch(text); m != nil {
		args = m[1:]
	}
	var total Creates
	for _, c := range d.Creates {
		if c.IfArg == "" || slices.Contains(args, c.IfArg) {
			c.IfArg = ""
			total = total.Add(c)
		}
	}
	return total
}

// Given, When, Then and Step register fn for the steps expr matches, with
// its options: what one use of the step creates (nothing when omitted), and
// how its free-form arguments are checked.
func (c Context) Given(expr string, fn any, opts ...Option) {
	c.add(Def{Keyword: "Given"}, expr, fn, opts)
}
func (c Context) When(expr string, fn any, opts ...Option) {
	c.add(Def{Keyword: "When"}, expr, fn, opts)
}
func (c Context) Then(expr string, fn any, opts ...Option) {
	c.add(Def{Keyword: "Then", Checks: true}, expr, fn, opts)
}
func (c Context) Step(expr string, fn any, opts ...Option) {
	c.add(Def{Keyword: "Step"}, expr, fn, opts)
}

// GivenChecks registers a Given step that does more than set the scenario
// up: it checks what the endpoint did (the state a call led to, or what an
// answer held), so a wrong endpoint must be able to fail it.
func (c Context) GivenChecks(expr string, fn any, opts ...Option) {
	c.add(Def{Keyword: "Given", Checks: true}, expr, fn, opts)
}

func (c Context) add(d Def, expr string, fn any, opts []Option) {
	d.Re, d.Fn = c.patterns.compile(expr), fn
	for _, o := range opts {
		o.apply(&d)
	}
	if c.defs != nil {
		*c.defs = append(*c.defs, d)
		return
	}
	switch d.Keyword {
	case "Given":
		c.sc.Given(d.Re, fn)
	case "When":
		c.sc.When(d.Re, fn)
	case "Then":
		c.sc.Then(d.Re, fn)
	default:
		c.sc.Step(d.Re, fn)
	}
}
