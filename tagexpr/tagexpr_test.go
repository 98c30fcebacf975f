package tagexpr

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestPrecedence checks the grouping the parser chooses: not binds tighter
// than and, and than or; and and or group from the left; parentheses override.
func TestPrecedence(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"@a", "@a"},
		{"@a and @b", "(@a and @b)"},
		{"@a or @b", "(@a or @b)"},
		{"not @a", "not @a"},
		{"@a or @b and not @c", "(@a or (@b and not @c))"},
		{"@a and @b or @c", "((@a and @b) or @c)"},
		{"not @a and @b", "(not @a and @b)"},
		{"not @a or @b", "(not @a or @b)"},
		{"@a and @b and @c", "((@a and @b) and @c)"},
		{"@a or @b or @c", "((@a or @b) or @c)"},
		{"not @a or @b and not @c or not @d or @e and @f", "(((not @a or (@b and not @c)) or not @d) or (@e and @f))"},
		{"(@a or @b) and not @c", "((@a or @b) and not @c)"},
		{"@a or (@b and not @c)", "(@a or (@b and not @c))"},
		{"(@a and @b) or (@c and @d)", "((@a and @b) or (@c and @d))"},
		{"not (@a and @b)", "not (@a and @b)"},
		{"not (@a or @b)", "not (@a or @b)"},
		{"not (@a and @b) and @c or not (@d or @f)", "((not (@a and @b) and @c) or not (@d or @f))"},
		{"not not @a", "not not @a"},
		{"((@a))", "@a"},
		{"@x or(@y) ", "(@x or @y)"},
		{"not(@a)and(@b)", "(not @a and @b)"},
		{"\t@a\nand\r\n@b ", "(@a and @b)"},
		{"@op:DescribeKey or @op:EnableKey", "(@op:DescribeKey or @op:EnableKey)"},
		// A word is an operator only as a whole word.
		{"@and or @nota", "(@and or @nota)"},
		{"@é and @日本", "(@é and @日本)"},
	} {
		e, err := Parse(tc.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.expr, err)
			continue
		}
		if got := e.String(); got != tc.want {
			t.Errorf("Parse(%q) = %s, want %s", tc.expr, got, tc.want)
		}
	}
}

// TestEscapes checks that a backslash makes "(", ")", "\" and whitespace part
// of a tag, and that the tag read is the unescaped one.
func TestEscapes(t *testing.T) {
	for _, tc := range []struct {
		expr    string
		tags    []string // what the expression reads, in order
		written string   // String()
	}{
		{`@a\ b`, []string{"@a b"}, `@a\ b`},
		{`@x\(1\) or(@y\(2\))`, []string{"@x(1)", "@y(2)"}, `(@x\(1\) or @y\(2\))`},
		{`@a\\ and @b`, []string{`@a\`, "@b"}, `(@a\\ and @b)`},
		{`@\\a and @b`, []string{`@\a`, "@b"}, `(@\\a and @b)`},
		{`( @a and @b\\\\)`, []string{"@a", `@b\\`}, `(@a and @b\\\\)`},
		{`@a\\\( and @b\\\)`, []string{`@a\(`, `@b\)`}, `(@a\\\( and @b\\\))`},
		{`@x\\ or(@y\\\)) or(@z\\)`, []string{`@x\`, `@y\)`, `@z\`}, `((@x\\ or @y\\\)) or @z\\)`},
		{`@x\  or @y`, []string{"@x ", "@y"}, `(@x\  or @y)`},
		{"@x\\\tor @y", []string{"@x\tor", "@y"}, ""}, // an escaped tab: "@x<tab>or" is one tag, then "@y" needs an operator
	} {
		e, err := Parse(tc.expr)
		if tc.written == "" {
			if err == nil {
				t.Errorf("Parse(%q) = %s, want an error", tc.expr, e)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.expr, err)
			continue
		}
		if got := e.String(); got != tc.written {
			t.Errorf("Parse(%q) = %s, want %s", tc.expr, got, tc.written)
		}
		if got := tagsOf(e); strings.Join(got, "|") != strings.Join(tc.tags, "|") {
			t.Errorf("Parse(%q) reads tags %q, want %q", tc.expr, got, tc.tags)
		}
		if again, err := Parse(e.String()); err != nil || again.String() != e.String() {
			t.Errorf("Parse(%q) = %v, %v: String does not read back", e.String(), again, err)
		}
	}
}

func tagsOf(e *Expr) []string {
	switch e.op {
	case opTag:
		return []string{e.tag}
	case opNot:
		return tagsOf(e.x)
	default:
		return append(tagsOf(e.x), tagsOf(e.y)...)
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		expr string
		tags []string
		want bool
	}{
		{"not @x", []string{"@x"}, false},
		{"not @x", []string{"@y"}, true},
		{"@x and @y", []string{"@x", "@y"}, true},
		{"@x and @y", []string{"@x"}, false},
		{"@x and @y", []string{"@y"}, false},
		{"@x or @y", nil, false},
		{"@x or @y", []string{"@y"}, true},
		{`@x\(1\) or @y\(2\)`, []string{"@x(1)"}, true},
		{`@x\\ or @y\\\) or @z\\`, []string{`@y\)`}, true},
		{`@x\\ or @y\\\) or @z\\`, []string{"@y)"}, false},
		{`@x\\ or @y\\\) or @z\\`, []string{"@x"}, false},
		// @a or (@b and (not @c)), not ((@a or @b) and not @c).
		{"@a or @b and not @c", []string{"@a", "@c"}, true},
		{"@a or @b and not @c", []string{"@b", "@c"}, false},
		{"@a or @b and not @c", []string{"@b"}, true},
		{"(@a or @b) and not @c", []string{"@a", "@c"}, false},
		{"(@op:DescribeKey or @op:EnableKey) and not @cross-account", []string{"@op:EnableKey"}, true},
		{"(@op:DescribeKey or @op:EnableKey) and not @cross-account", []string{"@op:EnableKey", "@cross-account"}, false},
		// A tag matches whole: no prefixes, no case folding.
		{"@op:Describe", []string{"@op:DescribeKey"}, false},
		{"@xks", []string{"@XKS"}, false},
		// godog's syntax.
		{"@a && ~@b", []string{"@a"}, true},
		{"@a && ~@b", []string{"@a", "@b"}, false},
		{"@a,@b", []string{"@b"}, true},
		{"@a,@b && ~@c,@d", []string{"@b", "@c", "@d"}, true},
		{"@a,@b && ~@c,@d", []string{"@b", "@c"}, false},
	} {
		e, err := Parse(tc.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.expr, err)
			continue
		}
		if got := e.Match(tc.tags); got != tc.want {
			t.Errorf("%q matches %q = %v, want %v", tc.expr, tc.tags, got, tc.want)
		}
	}
}

// TestErrors checks that a bad expression is refused with what is wrong and
// the (1-based, character) position where.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		expr string
		pos  int
		msg  string
	}{
		{"", 1, "empty expression"},
		{"   ", 1, "empty expression"},
		{"()", 1, `"()" holds no expression`},
		{"@a and ()", 8, `"()" holds no expression`},
		// An operator without an operand.
		{"@a and", 4, `"and" has no operand after it`},
		{"@a or", 4, `"or" has no operand after it`},
		{"not", 1, `"not" has no operand after it`},
		{"@a and not", 8, `"not" has no operand after it`},
		{"and @a", 1, `"and" has no operand before it`},
		{"or or", 1, `"or" has no operand before it`},
		{"(or @a)", 2, `"or" has no operand before it`},
		{"@a and or", 8, `"or" follows "and" at position 4 with no operand between them`},
		{"@a and or @b", 8, `"or" follows "and" at position 4`},
		{"(@a and )", 5, `"and" has no operand after it`},
		// Operands without an operator.
		{"@a @b", 4, `expected "and" or "or" before "@b"`},
		{"@a @b or", 4, `expected "and" or "or" before "@b"`},
		{"@a not @b", 4, `expected "and" or "or" before "not" (write "and not" or "or not")`},
		{"@a and (@b not)", 12, `before "not"`},
		{"@a and (@b @c) or", 12, `before "@c"`},
		{"(@a) (@b)", 6, `before "("`},
		{`@x\ or @y`, 8, `before "@y"`},
		// Parentheses.
		{"( @a and @b ) )", 15, `")" has no matching "("`},
		{") @a", 1, `")" has no matching "("`},
		{"( ( @a and @b )", 1, `"(" is not closed`},
		{"@a and (@b or (@c)", 8, `"(" is not closed`},
		{"(", 1, `"(" is not closed`},
		// Escapes.
		{`@x or @\y or @z`, 8, `"\y": a "\" escapes only "(", ")", "\" and whitespace`},
		{`@a\`, 3, `a "\" at the end escapes nothing`},
		// Tags.
		{"cloudhsm", 1, `"cloudhsm" is not a tag: tags start with @ (e.g. @cloudhsm)`},
		{"not (b)", 6, `"b" is not a tag`},
		{"@a AND @b", 4, `"AND" is not a tag: tags start with @, and the operators and, or, not are lowercase`},
		{"@a || @b", 4, `"||" is not a tag: combine tags with and, or, not`},
		{"!@a", 1, `"!@a" is not a tag: combine tags with and, or, not`},
		{"@a and @", 8, `"@" has no name after it`},
		// Positions count characters, not bytes.
		{"@é and or", 8, `"or" follows "and" at position 4`},
		// godog's syntax.
		{"@a &&", 6, "a tag is missing here"},
		{"@a && && @b", 7, "a tag is missing here"},
		{"@a,,@b", 4, "a tag is missing here"},
		{",@a", 1, "a tag is missing here"},
		{"cloudhsm,@a", 1, `"cloudhsm" is not a tag: tags start with @`},
		{"@a && ~cloudhsm", 8, `"cloudhsm" is not a tag: tags start with @`},
		{"@a && ~ @b", 7, `"~ @b": write "~" right before the tag`},
		{"@a and @b,@c", 1, `"@a and @b" mixes the standard syntax`},
		{"not ~@a", 1, `"not ~@a" mixes the standard syntax`},
		{"(@a,@b)", 1, `"(@a" mixes the standard syntax`},
		{"@a && @b @c", 7, `"@b @c" is not one tag`},
		{"@a && ~@b@c", 10, `"~@b@c" is not one tag: "@" has no meaning inside a tag`},
		{"@a && ~@", 8, `"@" has no name after it`},
		{"@a && ~~@b", 8, `"~@b" is not a tag: tags start with @ (e.g. @b)`},
		{"@a Or @b", 4, `"Or" is not a tag: tags start with @, and the operators and, or, not are lowercase`},
	} {
		e, err := Parse(tc.expr)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, %v; want a SyntaxError", tc.expr, e, err)
			continue
		}
		if se.Pos != tc.pos || !strings.Contains(se.Msg, tc.msg) || se.Expr != tc.expr {
			t.Errorf("Parse(%q): %v\nwant position %d: %s", tc.expr, err, tc.pos, tc.msg)
		}
		if msg := se.Error(); !strings.Contains(msg, strconv.Quote(tc.expr)) || !strings.Contains(msg, fmt.Sprintf("position %d:", tc.pos)) {
			t.Errorf("Parse(%q): %q does not quote the expression and say the position", tc.expr, msg)
		}
	}
}

// TestGodogSyntax checks that godog's old syntax means what godog makes of it.
func TestGodogSyntax(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"~@retries", "not @retries"},
		{"@a && ~@b", "(@a and not @b)"},
		{"@a,@b", "(@a or @b)"},
		{"@a&&@b", "(@a and @b)"},
		{" @a , ~@b ", "(@a or not @b)"},
		// "," binds tighter than "&&": the groups are joined last.
		{"@a,@b && ~@c,@d", "((@a or @b) and (not @c or @d))"},
		{"@a && @b,@c && @d", "((@a and (@b or @c)) and @d)"},
		{"@op:DeleteCustomKeyStore && ~@cloudhsm", "(@op:DeleteCustomKeyStore and not @cloudhsm)"},
	} {
		e, err := Parse(tc.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.expr, err)
			continue
		}
		if got := e.String(); got != tc.want {
			t.Errorf("Parse(%q) = %s, want %s", tc.expr, got, tc.want)
		}
	}
}

// FuzzParse checks that Parse never panics, that an error names a position
// inside the expression (or just after it), and that what it reads writes
// back to an expression that reads the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"@a or @b and not @c", "(@a or @b) and not @c", `@x\(1\) or(@y\(2\))`, `@a\\ and @b`,
		"@a,@b && ~@c", "( ( @a and @b )", "@a and or", `@x or @\y`, "@é and not (@日本 or @c)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): %v is not a SyntaxError", s, err)
			}
			if se.Pos < 1 || se.Pos > utf8.RuneCountInString(s)+1 {
				t.Fatalf("Parse(%q): position %d out of range", s, se.Pos)
			}
			return
		}
		written := e.String()
		again, err := Parse(written)
		if err != nil {
			t.Fatalf("Parse(%q) = %s, which does not read back: %v", s, written, err)
		}
		if again.String() != written {
			t.Fatalf("Parse(%q) = %s, read back as %s", s, written, again)
		}
	})
}
