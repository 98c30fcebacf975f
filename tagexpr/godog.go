package tagexpr

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// isGodogSyntax tells godog's older syntax from the standard one: "&&", ","
// and "~" mean nothing in the standard syntax (where "~" and "," would be part
// of a tag), and every old expression that combines or negates tags has one.
func isGodogSyntax(s string) bool {
	return strings.Contains(s, "&&") || strings.ContainsAny(s, ",~")
}

// parseGodog reads godog's syntax as godog does: split at "&&" into groups,
// each group at "," into terms, each term a tag or "~" and a tag. godog
// itself checks nothing; this rejects what it would misread.
func parseGodog(s string) (*Expr, error) {
	var all *Expr
	for groupOff, group := range fields(s, 0, "&&") {
		var or *Expr
		for off, term := range fields(group, groupOff, ",") {
			lit, err := godogTerm(s, off, term)
			if err != nil {
				return nil, err
			}
			or = join(opOr, or, lit)
		}
		all = join(opAnd, all, or)
	}
	return all, nil
}

// fields splits part (at byte offset off of the whole expression) at sep,
// yielding each piece with its offset.
func fields(part string, off int, sep string) func(yield func(int, string) bool) {
	return func(yield func(int, string) bool) {
		for {
			i := strings.Index(part, sep)
			if i < 0 {
				yield(off, part)
				return
			}
			if !yield(off, part[:i]) {
				return
			}
			off += i + len(sep)
			part = part[i+len(sep):]
		}
	}
}

func join(o op, x, y *Expr) *Expr {
	if x == nil {
		return y
	}
	return &Expr{op: o, x: x, y: y}
}

// godogTerm reads one term, at byte offset off of s, surrounding whitespace
// included.
func godogTerm(s string, off int, term string) (*Expr, error) {
	lead := len(term) - len(strings.TrimLeftFunc(term, unicode.IsSpace))
	word := strings.TrimSpace(term)
	off += lead
	if word == "" {
		return nil, errorAt(s, off, `a tag is missing here: in godog's syntax "&&" and "," need a tag on each side (@a && ~@b, @a,@b)`)
	}
	negate := strings.HasPrefix(word, "~")
	name := strings.TrimPrefix(word, "~")
	if negate && strings.IndexFunc(name, unicode.IsSpace) == 0 {
		return nil, errorAt(s, off, `%q: write "~" right before the tag, as in ~@slow`, word)
	}
	if strings.ContainsAny(name, "()") || slices.ContainsFunc(strings.Fields(name), isOperator) {
		return nil, errorAt(s, off, `%q mixes the standard syntax (and, or, not, parentheses) with godog's "&&", "," and "~"; use one or the other`, word)
	}
	if strings.IndexFunc(name, unicode.IsSpace) >= 0 {
		return nil, errorAt(s, off, `%q is not one tag: in godog's syntax "&&" joins tags, "," joins alternatives, and "~" negates a tag`, word)
	}
	if err := checkTag(s, off+len(word)-len(name), name); err != nil {
		return nil, err
	}
	if i := strings.IndexAny(name[1:], `@~&|!\`); i >= 0 {
		return nil, errorAt(s, off+len(word)-len(name)+1+i, "%q is not one tag: %q has no meaning inside a tag in godog's syntax", word, name[1+i:2+i])
	}
	lit := &Expr{op: opTag, tag: name}
	if negate {
		lit = &Expr{op: opNot, x: lit}
	}
	return lit, nil
}

// ErrMatchesNothing is returned by Godog for an expression that is false
// whichever of the present tags a scenario has: godog's syntax cannot say
// "nothing".
var ErrMatchesNothing = errors.New("the expression matches no scenario")

// maxClauses bounds godog's form of an expression: writing "and" over "or"
// in godog's syntax multiplies groups, (@a or @b) and (@c or @d) needs four.
const maxClauses = 256

// Godog writes the expression in godog's syntax, for godog's own filter.
// godog (v0.16) reads only a disjunction (",") of conjunctions ("&&") of
// possibly negated ("~") tags, without precedence or parentheses, so the
// expression is brought to that disjunctive normal form: the negation of the
// conjunctive normal form of its negation.
//
// present says which tags occur in the scenarios the filter will see (nil:
// any may); the others are taken as absent, which also lets a tag that godog's
// syntax cannot write ("@a\ b") be used. It returns "" for an expression that
// folding the absent tags makes always true, and ErrMatchesNothing for one it
// makes always false. Other contradictions ("@a and not @a") are written as
// they are: godog selects nothing with them.
func (e *Expr) Godog(present func(tag string) bool) (string, error) {
	if present == nil {
		present = func(string) bool { return true }
	}
	negated, err := cnfOf(e.fold(present, true))
	if err != nil {
		return "", err
	}
	if negated == nil { // the negation always holds
		return "", ErrMatchesNothing
	}
	groups := make([]string, 0, len(negated))
	for _, clause := range negated {
		if len(clause) == 0 { // the negation never holds
			return "", nil
		}
		terms := make([]string, 0, len(clause))
		for _, l := range clause {
			if !godogWritable(l.tag) {
				return "", fmt.Errorf("the tag %q cannot be written in godog's filter syntax", l.tag)
			}
			if l.neg { // negated back: the literal of the disjunctive form
				terms = append(terms, l.tag)
			} else {
				terms = append(terms, "~"+l.tag)
			}
		}
		groups = append(groups, strings.Join(terms, " && "))
	}
	return strings.Join(groups, ","), nil
}

// godogWritable reports whether godog reads tag back as itself: godog drops
// every "@", reads a leading "~" as not, splits at "&&" and "," and trims
// whitespace.
func godogWritable(tag string) bool {
	name, ok := strings.CutPrefix(tag, "@")
	return ok && name != "" && !strings.ContainsAny(name, "@,~&") && strings.IndexFunc(name, unicode.IsSpace) < 0
}

// literal is a possibly negated tag.
type literal struct {
	tag string
	neg bool
}

func (l literal) compare(m literal) int {
	if c := strings.Compare(l.tag, m.tag); c != 0 {
		return c
	}
	switch {
	case l.neg == m.neg:
		return 0
	case l.neg:
		return 1
	default:
		return -1
	}
}

// formula is an expression in conjunctive normal form: a conjunction of
// clauses, each a disjunction of literals sorted by compare, without repeats.
// nil is true (no clause); a clause with no literal is false.
type formula [][]literal

// constant marks the result of folding: a node that is always true or false.
type constant struct{ value bool }

// fold returns the expression with negations pushed down to the tags and
// tags that are not present replaced by false, as a tree whose leaves are
// literals or constants.
func (e *Expr) fold(present func(string) bool, neg bool) any {
	switch e.op {
	case opTag:
		if !present(e.tag) {
			return constant{neg}
		}
		return literal{tag: e.tag, neg: neg}
	case opNot:
		return e.x.fold(present, !neg)
	}
	// De Morgan: a negated "and" is an "or" of negations, and the reverse.
	isAnd := (e.op == opAnd) != neg
	x, y := e.x.fold(present, neg), e.y.fold(present, neg)
	if cx, ok := x.(constant); ok {
		if cx.value == isAnd {
			return y
		}
		return cx
	}
	if cy, ok := y.(constant); ok {
		if cy.value == isAnd {
			return x
		}
		return cy
	}
	return junction{and: isAnd, x: x, y: y}
}

// junction is an "and" or "or" of two folded nodes.
type junction struct {
	and  bool
	x, y any
}

// cnfOf brings a folded node to conjunctive normal form.
func cnfOf(n any) (formula, error) {
	switch n := n.(type) {
	case constant:
		if n.value {
			return nil, nil
		}
		return formula{{}}, nil
	case literal:
		return formula{{n}}, nil
	}
	j := n.(junction)
	x, err := cnfOf(j.x)
	if err != nil {
		return nil, err
	}
	y, err := cnfOf(j.y)
	if err != nil {
		return nil, err
	}
	var out formula
	if j.and {
		out = append(append(out, x...), y...)
	} else {
		// (a ∧ b) ∨ (c ∧ d) = (a ∨ c) ∧ (a ∨ d) ∧ (b ∨ c) ∧ (b ∨ d)
		if len(x)*len(y) > maxClauses*4 {
			return nil, errTooComplex
		}
		for _, cx := range x {
			for _, cy := range y {
				if c, ok := orClauses(cx, cy); ok {
					out = append(out, c)
				}
			}
		}
	}
	out = minimize(out)
	if len(out) > maxClauses {
		return nil, errTooComplex
	}
	return out, nil
}

var errTooComplex = fmt.Errorf("the expression needs more than %d groups in godog's filter syntax; simplify it", maxClauses)

// orClauses joins two clauses; ok is false when the result always holds
// (it has a tag and its negation).
func orClauses(a, b []literal) ([]literal, bool) {
	c := slices.Concat(a, b)
	slices.SortFunc(c, literal.compare)
	c = slices.Compact(c)
	for i := 1; i < len(c); i++ {
		if c[i].tag == c[i-1].tag {
			return nil, false
		}
	}
	return c, true
}

// minimize drops repeated clauses and clauses that another implies (a clause
// whose literals include all of another's).
func minimize(f formula) formula {
	slices.SortStableFunc(f, func(a, b []literal) int { return len(a) - len(b) })
	var out formula
	for _, c := range f {
		if !slices.ContainsFunc(out, func(kept []literal) bool { return subset(kept, c) }) {
			out = append(out, c)
		}
	}
	return out
}

// subset reports whether every literal of a is in b; both are sorted.
func subset(a, b []literal) bool {
	i := 0
	for _, l := range b {
		if i < len(a) && a[i] == l {
			i++
		}
	}
	return i == len(a)
}
