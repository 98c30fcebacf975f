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
// with patterns compiled by its Patterns; or, made by Record, lists the
// definitions without binding them, for the tests that resolve every step of
// the features and for the real-account guard.
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
}

// Add sums two footprints.
func (c Creates) Add(d Creates) Creates {
	return Creates{Keys: c.Keys + d.Keys, CloudHSMStores: c.CloudHSMStores + d.CloudHSMStores,
		ExternalStores: c.ExternalStores + d.ExternalStores, SecondAccount: c.SecondAccount || d.SecondAccount}
}

// Def is one step definition.
type Def struct {
	Keyword string // Given, When, Then or Step
	Re      *regexp.Regexp
	Fn      any
	Creates Creates
}

// Given, When, Then and Step register fn for the steps expr matches, with
// what one use of the step creates (nothing when omitted).
func (c Context) Given(expr string, fn any, creates ...Creates) { c.add("Given", expr, fn, creates) }
func (c Context) When(expr string, fn any, creates ...Creates)  { c.add("When", expr, fn, creates) }
func (c Context) Then(expr string, fn any, creates ...Creates)  { c.add("Then", expr, fn, creates) }
func (c Context) Step(expr string, fn any, creates ...Creates)  { c.add("Step", expr, fn, creates) }

func (c Context) add(keyword, expr string, fn any, creates []Creates) {
	re := c.patterns.compile(expr)
	if c.defs != nil {
		var total Creates
		for _, cr := range creates {
			total = total.Add(cr)
		}
		*c.defs = append(*c.defs, Def{Keyword: keyword, Re: re, Fn: fn, Creates: total})
		return
	}
	switch keyword {
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
