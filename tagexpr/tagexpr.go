// Package tagexpr reads the tag expressions that select scenarios.
//
// The standard syntax is Cucumber's: tags joined with "and", "or" and "not",
// which bind in the order not > and > or ("@a or @b and not @c" is
// "@a or (@b and (not @c))"), and parentheses. A backslash escapes "(", ")",
// "\" and whitespace inside a tag ("@x\(1\)" is the tag @x(1)). Unlike some
// Cucumber implementations, every tag must start with "@".
//
// godog's older syntax stays accepted: "&&" joins groups, "," is or inside a
// group and "~" negates a tag ("@a,@b && ~@c" is "(@a or @b) and not @c"),
// as kmsconform has always read it. (godog v0.16 itself reads "," as the
// outer operator; the runner hands godog its own disjunctive form, see Godog.)
// An expression that contains "&&", "," or "~" is read in that syntax, so
// those characters cannot appear in a tag of the standard syntax.
package tagexpr

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Expr is a parsed tag expression.
type Expr struct {
	op   op
	tag  string // opTag: the tag, with its "@"
	x, y *Expr  // operands; y is nil for opNot
}

type op uint8

const (
	opTag op = iota
	opNot
	opAnd
	opOr
)

// Parse reads a tag expression in the standard syntax or, when it contains
// "&&", "," or "~", in godog's older one.
func Parse(s string) (*Expr, error) {
	if strings.TrimSpace(s) == "" {
		return nil, &SyntaxError{Expr: s, Pos: 1, Msg: "empty expression; write tags like @a and not @b"}
	}
	if isGodogSyntax(s) {
		return parseGodog(s)
	}
	return parseStandard(s)
}

// Match reports whether a scenario with these tags (each with its "@", as
// Gherkin gives them) is selected.
func (e *Expr) Match(tags []string) bool {
	switch e.op {
	case opTag:
		for _, t := range tags {
			if t == e.tag {
				return true
			}
		}
		return false
	case opNot:
		return !e.x.Match(tags)
	case opAnd:
		return e.x.Match(tags) && e.y.Match(tags)
	default:
		return e.x.Match(tags) || e.y.Match(tags)
	}
}

// String writes the expression in the standard syntax with every "and" and
// "or" in parentheses, so that the grouping the parser chose shows.
func (e *Expr) String() string {
	switch e.op {
	case opTag:
		return escapeTag(e.tag)
	case opNot:
		return "not " + e.x.String()
	case opAnd:
		return "(" + e.x.String() + " and " + e.y.String() + ")"
	default:
		return "(" + e.x.String() + " or " + e.y.String() + ")"
	}
}

func escapeTag(tag string) string {
	var b strings.Builder
	for _, r := range tag {
		if r == '(' || r == ')' || r == '\\' || unicode.IsSpace(r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// SyntaxError is an expression that could not be read.
type SyntaxError struct {
	Expr string
	Pos  int // 1-based, in characters
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%q: position %d: %s", e.Expr, e.Pos, e.Msg)
}

// errorAt makes a SyntaxError at byte offset off of s.
func errorAt(s string, off int, format string, args ...any) error {
	return &SyntaxError{Expr: s, Pos: position(s, off), Msg: fmt.Sprintf(format, args...)}
}

// position is the 1-based character position of byte offset off in s, for
// messages that name a second place.
func position(s string, off int) int {
	return utf8.RuneCountInString(s[:off]) + 1
}

// checkTag checks that a word read where a tag belongs is one.
func checkTag(s string, off int, word string) error {
	switch {
	case word == "@":
		return errorAt(s, off, `"@" has no name after it`)
	case strings.HasPrefix(word, "@"):
		return nil
	case isOperator(strings.ToLower(word)):
		return errorAt(s, off, "%q is not a tag: tags start with @, and the operators and, or, not are lowercase", word)
	case word == "||" || word == "|" || word == "&" || word == "!" || strings.HasPrefix(word, "!"):
		return errorAt(s, off, "%q is not a tag: combine tags with and, or, not", word)
	default:
		return errorAt(s, off, "%q is not a tag: tags start with @ (e.g. @%s)", word, strings.TrimLeft(word, "!~@"))
	}
}
