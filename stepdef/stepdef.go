// Package stepdef binds godog step definitions with each pattern compiled
// once per run. godog compiles a string pattern each time a scenario
// registers it, and with a few hundred steps and a few hundred scenarios
// that was a sixth of a whole run's CPU.
package stepdef

import (
	"regexp"
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

// Definition is one registered step, as Record reports it.
type Definition struct {
	Keyword string // "Given", "When", "Then", or "" for a step of any keyword
	Expr    string
	// Checks says the step judges what the endpoint did: every Then step, and
	// the Given steps registered with GivenChecks. Each must be shown to fail
	// against an endpoint that gets it wrong.
	Checks bool
}

// Context registers one scenario's steps, as godog.ScenarioContext does,
// with patterns compiled by its Patterns. A Context from Record registers
// nothing with godog: it lists the definitions.
type Context struct {
	sc       *godog.ScenarioContext
	patterns *Patterns
	record   func(Definition)
}

// Bind returns a Context registering steps in sc.
func Bind(sc *godog.ScenarioContext, p *Patterns) Context { return Context{sc: sc, patterns: p} }

// Record returns a Context that passes each definition to add instead of
// registering it, so that tests can list the steps a package defines.
func Record(add func(Definition)) Context { return Context{record: add} }

// Given, When, Then and Step register fn for the steps expr matches.
func (c Context) Given(expr string, fn any) { c.add(Definition{Keyword: "Given", Expr: expr}, fn) }
func (c Context) When(expr string, fn any)  { c.add(Definition{Keyword: "When", Expr: expr}, fn) }
func (c Context) Then(expr string, fn any) {
	c.add(Definition{Keyword: "Then", Expr: expr, Checks: true}, fn)
}
func (c Context) Step(expr string, fn any) { c.add(Definition{Expr: expr}, fn) }

// GivenChecks registers a Given step that does more than set the scenario
// up: it checks what the endpoint did (the state a call led to, or what an
// answer held), so a wrong endpoint must be able to fail it.
func (c Context) GivenChecks(expr string, fn any) {
	c.add(Definition{Keyword: "Given", Expr: expr, Checks: true}, fn)
}

func (c Context) add(d Definition, fn any) {
	if c.record != nil {
		c.record(d)
		return
	}
	re := c.patterns.compile(d.Expr)
	switch d.Keyword {
	case "Given":
		c.sc.Given(re, fn)
	case "When":
		c.sc.When(re, fn)
	case "Then":
		c.sc.Then(re, fn)
	default:
		c.sc.Step(re, fn)
	}
}
