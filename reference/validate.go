package reference

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// validator collects model-constraint violations and reports them the way KMS
// does: "N validation error(s) detected: <violation>; <violation>".
// Field names are the lower-camel member paths KMS prints, e.g. "customKeyStoreId".
type validator struct {
	violations []string
}

// add records a violation. value is how the message shows the value: quoted
// text, null, or "" for a value KMS does not show (a sensitive blob).
func (v *validator) add(value, field, constraint string) {
	if value != "" {
		value += " "
	}
	v.violations = append(v.violations, fmt.Sprintf("Value %sat '%s' failed to satisfy constraint: %s", value, field, constraint))
}

func quote(s string) string { return "'" + s + "'" }

// Required records a missing required member.
func (v *validator) Required(field string, present bool) {
	if !present {
		v.add("null", field, "Member must not be null")
	}
}

// Length checks a string's length in characters (nil means absent and passes).
// Secret members pass secret=true so that their value is never echoed.
func (v *validator) Length(field string, s *string, min, max int, secret bool) {
	if s == nil {
		return
	}
	n := utf8.RuneCountInString(*s)
	shown := quote(*s)
	if secret {
		shown = "'*** Sensitive Data Redacted ***'"
	}
	switch {
	case n < min:
		v.add(shown, field, fmt.Sprintf("Member must have length greater than or equal to %d", min))
	case n > max:
		v.add(shown, field, fmt.Sprintf("Member must have length less than or equal to %d", max))
	}
}

// Size checks a blob's length in bytes.
func (v *validator) Size(field string, b []byte, present bool, min, max int) {
	v.size("java.nio.HeapByteBuffer", field, b, present, min, max)
}

// SensitiveSize checks the length of a sensitive blob, such as a plaintext,
// whose value KMS leaves out of the message: "Value at 'plaintext' failed
// to satisfy constraint: ..." (recorded: realkms Encrypt.plaintext-too-long).
func (v *validator) SensitiveSize(field string, b []byte, present bool, min, max int) {
	v.size("", field, b, present, min, max)
}

func (v *validator) size(shown, field string, b []byte, present bool, min, max int) {
	if !present {
		return
	}
	switch {
	case len(b) < min:
		v.add(shown, field, fmt.Sprintf("Member must have length greater than or equal to %d", min))
	case len(b) > max:
		v.add(shown, field, fmt.Sprintf("Member must have length less than or equal to %d", max))
	}
}

// Pattern checks a string against a model pattern.
func (v *validator) Pattern(field string, s *string, p *Pattern, secret bool) {
	if s == nil || p.re.MatchString(*s) {
		return
	}
	shown := quote(*s)
	if secret {
		shown = "'*** Sensitive Data Redacted ***'"
	}
	v.add(shown, field, "Member must satisfy regular expression pattern: "+p.model)
}

// Enum checks a string against the model's enum values.
func (v *validator) Enum(field string, s *string, values ...string) {
	if s == nil {
		return
	}
	for _, allowed := range values {
		if *s == allowed {
			return
		}
	}
	v.add(quote(*s), field, "Member must satisfy enum value set: ["+strings.Join(values, ", ")+"]")
}

// Range checks an integer member against the model's range. KMS quotes the
// number like text: "Value '0' at 'numberOfBytes' ..." (recorded: realkms
// GenerateRandom.number-of-bytes-0).
func (v *validator) Range(field string, n *int64, min, max int64) {
	if n == nil {
		return
	}
	switch {
	case *n < min:
		v.add(quote(fmt.Sprint(*n)), field, fmt.Sprintf("Member must have value greater than or equal to %d", min))
	case *n > max:
		v.add(quote(fmt.Sprint(*n)), field, fmt.Sprintf("Member must have value less than or equal to %d", max))
	}
}

// Err returns the ValidationException, or nil when nothing was violated.
func (v *validator) Err() error {
	switch len(v.violations) {
	case 0:
		return nil
	case 1:
		return errorf("ValidationException", "1 validation error detected: %s", v.violations[0])
	default:
		return errorf("ValidationException", "%d validation errors detected: %s", len(v.violations), strings.Join(v.violations, "; "))
	}
}

// Pattern is a model member pattern. KMS applies it to the whole value, and
// quotes the model's own text in its error message.
type Pattern struct {
	re    *regexp.Regexp
	model string
}

// MustPattern compiles a model pattern so that it must match the whole value.
// Model patterns write code points as \uXXXX, which RE2 spells \x{XXXX}.
func MustPattern(model string) *Pattern {
	re := regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`).ReplaceAllString(model, `\x{$1}`)
	return &Pattern{re: regexp.MustCompile(`^(?:` + re + `)$`), model: model}
}

// MatchString reports whether s satisfies the pattern.
func (p *Pattern) MatchString(s string) bool { return p.re.MatchString(s) }
