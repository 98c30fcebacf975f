package tagexpr

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

type tokenKind uint8

const (
	tokTag tokenKind = iota
	tokAnd
	tokOr
	tokNot
	tokOpen
	tokClose
	tokEnd
)

type token struct {
	kind tokenKind
	text string // the word with escapes resolved
	raw  string // as written, for messages
	off  int    // byte offset in the expression
}

// tokenize splits s at unescaped whitespace and around unescaped parentheses.
// A word is an operator only when written plainly: no escape can make one.
func tokenize(s string) ([]token, error) {
	var toks []token
	start := -1 // byte offset of the word being read, or -1
	var text []rune
	flush := func(end int) {
		if start < 0 {
			return
		}
		t := token{kind: tokTag, text: string(text), raw: s[start:end], off: start}
		if t.raw == t.text {
			switch t.text {
			case "and":
				t.kind = tokAnd
			case "or":
				t.kind = tokOr
			case "not":
				t.kind = tokNot
			}
		}
		toks = append(toks, t)
		start, text = -1, text[:0]
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\\':
			if i+size == len(s) {
				return nil, errorAt(s, i, `a "\" at the end escapes nothing`)
			}
			next, nsize := utf8.DecodeRuneInString(s[i+size:])
			if next != '(' && next != ')' && next != '\\' && !unicode.IsSpace(next) {
				return nil, errorAt(s, i, `"\%c": a "\" escapes only "(", ")", "\" and whitespace`, next)
			}
			if start < 0 {
				start = i
			}
			text = append(text, next)
			size += nsize
		case r == '(' || r == ')':
			flush(i)
			kind := tokOpen
			if r == ')' {
				kind = tokClose
			}
			toks = append(toks, token{kind: kind, text: string(r), raw: string(r), off: i})
		case unicode.IsSpace(r):
			flush(i)
		default:
			if start < 0 {
				start = i
			}
			text = append(text, r)
		}
		i += size
	}
	flush(len(s))
	return append(toks, token{kind: tokEnd, off: len(s)}), nil
}

func isOperator(word string) bool { return word == "and" || word == "or" || word == "not" }

// parser reads the standard syntax by recursive descent, one function per
// precedence level:
//
//	or      = and { "or" and }
//	and     = not { "and" not }
//	not     = "not" not | primary
//	primary = tag | "(" or ")"
type parser struct {
	src  string
	toks []token
	i    int
}

func parseStandard(s string) (*Expr, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &parser{src: s, toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	switch t := p.toks[p.i]; t.kind {
	case tokEnd:
		return e, nil
	case tokClose:
		return nil, errorAt(s, t.off, `")" has no matching "("`)
	default:
		return nil, p.missingOperator(t)
	}
}

func (p *parser) or() (*Expr, error) {
	x, err := p.and()
	for err == nil && p.toks[p.i].kind == tokOr {
		p.i++
		var y *Expr
		if y, err = p.and(); err == nil {
			x = &Expr{op: opOr, x: x, y: y}
		}
	}
	return x, err
}

func (p *parser) and() (*Expr, error) {
	x, err := p.not()
	for err == nil && p.toks[p.i].kind == tokAnd {
		p.i++
		var y *Expr
		if y, err = p.not(); err == nil {
			x = &Expr{op: opAnd, x: x, y: y}
		}
	}
	return x, err
}

func (p *parser) not() (*Expr, error) {
	if p.toks[p.i].kind != tokNot {
		return p.primary()
	}
	p.i++
	x, err := p.not()
	if err != nil {
		return nil, err
	}
	return &Expr{op: opNot, x: x}, nil
}

func (p *parser) primary() (*Expr, error) {
	t := p.toks[p.i]
	switch t.kind {
	case tokTag:
		if err := checkTag(p.src, t.off, t.text); err != nil {
			return nil, err
		}
		p.i++
		return &Expr{op: opTag, tag: t.text}, nil
	case tokOpen:
		p.i++
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		switch c := p.toks[p.i]; c.kind {
		case tokClose:
			p.i++
			return x, nil
		case tokEnd:
			return nil, errorAt(p.src, t.off, `"(" is not closed`)
		default:
			return nil, p.missingOperator(c)
		}
	default:
		return nil, p.missingOperand(t)
	}
}

// missingOperand explains token t, found where a tag, "not" or "(" belongs.
func (p *parser) missingOperand(t token) error {
	var prev *token // what asked for the operand: an operator, "(", or nothing
	if p.i > 0 {
		prev = &p.toks[p.i-1]
	}
	switch {
	case t.kind == tokEnd && prev == nil:
		return errorAt(p.src, 0, "empty expression; write tags like @a and not @b")
	case t.kind == tokEnd && prev.kind == tokOpen:
		return errorAt(p.src, prev.off, `"(" is not closed`)
	case t.kind == tokEnd:
		return errorAt(p.src, prev.off, "%q has no operand after it", prev.raw)
	case t.kind == tokClose && prev == nil:
		return errorAt(p.src, t.off, `")" has no matching "("`)
	case t.kind == tokClose && prev.kind == tokOpen:
		return errorAt(p.src, prev.off, `"()" holds no expression`)
	case t.kind == tokClose:
		return errorAt(p.src, prev.off, "%q has no operand after it", prev.raw)
	case prev == nil || prev.kind == tokOpen:
		return errorAt(p.src, t.off, "%q has no operand before it", t.raw)
	default:
		return errorAt(p.src, t.off, "%q follows %q at position %d with no operand between them",
			t.raw, prev.raw, position(p.src, prev.off))
	}
}

// missingOperator explains token t, found right after a complete operand.
func (p *parser) missingOperator(t token) error {
	if t.kind == tokTag {
		// "@a AND @b": that the word is not a tag says more.
		if err := checkTag(p.src, t.off, t.text); err != nil {
			return err
		}
	}
	msg := fmt.Sprintf(`expected "and" or "or" before %q`, t.raw)
	if t.kind == tokNot {
		msg += ` (write "and not" or "or not")`
	}
	return errorAt(p.src, t.off, "%s", msg)
}
