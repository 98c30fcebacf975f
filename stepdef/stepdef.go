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

// Context registers one scenario's steps, as godog.ScenarioContext does,
// with patterns compiled by its Patterns.
type Context struct {
	sc       *godog.ScenarioContext
	patterns *Patterns
}

// Bind returns a Context registering steps in sc.
func Bind(sc *godog.ScenarioContext, p *Patterns) Context { return Context{sc: sc, patterns: p} }

// Given, When, Then and Step register fn for the steps expr matches.
func (c Context) Given(expr string, fn any) { c.sc.Given(c.patterns.compile(expr), fn) }
func (c Context) When(expr string, fn any)  { c.sc.When(c.patterns.compile(expr), fn) }
func (c Context) Then(expr string, fn any)  { c.sc.Then(c.patterns.compile(expr), fn) }
func (c Context) Step(expr string, fn any)  { c.sc.Step(c.patterns.compile(expr), fn) }
