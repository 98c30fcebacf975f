package realkms

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Ref names a value that only a replay knows.
type Ref struct {
	// Name is "region", "other-region", "account", "partition", or the name
	// of a setup key or blob.
	Name string
	// Attr is empty for the context names, else id, arn, material,
	// importToken, wrappedMaterial, publicKey (keys) or value (blobs).
	Attr string
	// N is the import that Attr material names, from 1.
	N int
}

func (r Ref) String() string {
	switch {
	case r.Attr == "":
		return "${" + r.Name + "}"
	case r.Attr == "material":
		return fmt.Sprintf("${%s.material.%d}", r.Name, r.N)
	default:
		return "${" + r.Name + "." + r.Attr + "}"
	}
}

// Resolver gives the value a Ref stands for in one replay.
type Resolver func(Ref) (string, error)

type placeholderKind int

const (
	kindRef placeholderKind = iota
	kindBytes
	kindRepeat
	kindHex64
	kindAny
	kindEnum
)

// placeholder is one parsed ${...}.
type placeholder struct {
	start, end int // its place in the text
	kind       placeholderKind
	ref        Ref
	n          int      // bytes: how many; repeat: how often
	text       string   // repeat: what
	members    []string // enum: the recorded members
}

var (
	placeholderPattern = regexp.MustCompile(`\$\{([^}]*)\}`)
	contextNames       = []string{"region", "other-region", "account", "partition"}
	keyAttrs           = []string{"id", "arn", "importToken", "wrappedMaterial", "publicKey"}
	requestOnlyAttrs   = []string{"importToken", "wrappedMaterial", "publicKey", "value"}
	enumMember         = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
)

// parsePlaceholders finds the placeholders in s.
func parsePlaceholders(s string) ([]placeholder, error) {
	var out []placeholder
	for _, m := range placeholderPattern.FindAllStringSubmatchIndex(s, -1) {
		p, err := parsePlaceholder(s[m[2]:m[3]])
		if err != nil {
			return nil, err
		}
		p.start, p.end = m[0], m[1]
		out = append(out, p)
	}
	return out, nil
}

func parsePlaceholder(body string) (placeholder, error) {
	bad := func(why string) (placeholder, error) {
		return placeholder{}, fmt.Errorf("placeholder ${%s}: %s", body, why)
	}
	if fn, arg, ok := strings.Cut(body, ":"); ok {
		switch fn {
		case "bytes":
			n, err := strconv.Atoi(arg)
			if err != nil || n < 1 {
				return bad("the count is not a positive number")
			}
			return placeholder{kind: kindBytes, n: n}, nil
		case "repeat":
			i := strings.LastIndex(arg, ":")
			if i <= 0 {
				return bad("want ${repeat:TEXT:N}")
			}
			n, err := strconv.Atoi(arg[i+1:])
			if err != nil || n < 1 {
				return bad("the count is not a positive number")
			}
			return placeholder{kind: kindRepeat, text: arg[:i], n: n}, nil
		case "enum":
			members := strings.Split(arg, ",")
			for _, m := range members {
				if !enumMember.MatchString(m) {
					return bad("enum members are names separated by commas")
				}
			}
			return placeholder{kind: kindEnum, members: members}, nil
		}
		return bad("unknown function")
	}
	switch body {
	case "hex64":
		return placeholder{kind: kindHex64}, nil
	case "any":
		return placeholder{kind: kindAny}, nil
	}
	if slices.Contains(contextNames, body) {
		return placeholder{kind: kindRef, ref: Ref{Name: body}}, nil
	}
	name, attr, ok := strings.Cut(body, ".")
	if !ok || name == "" {
		return bad("unknown name")
	}
	if n, ok := strings.CutPrefix(attr, "material."); ok {
		i, err := strconv.Atoi(n)
		if err != nil || i < 1 {
			return bad("the import number is not a positive number")
		}
		return placeholder{kind: kindRef, ref: Ref{Name: name, Attr: "material", N: i}}, nil
	}
	return placeholder{kind: kindRef, ref: Ref{Name: name, Attr: attr}}, nil
}

// use says where a text with placeholders appears.
type use int

const (
	inRequest use = iota // a request: values are produced
	inAnswer             // a message or member: values are matched
)

// scope is what the names of one entry's setup stand for.
type scope struct {
	keys  map[string]*Key
	blobs map[string]bool
}

func (s *scope) taken(name string) bool {
	_, key := s.keys[name]
	return key || s.blobs[name] || slices.Contains(contextNames, name)
}

// checkPlaceholders checks every placeholder in the strings of v.
func checkPlaceholders(v any, sc *scope, u use, where string) error {
	var errs []error
	walkStrings(v, func(s string) {
		phs, err := parsePlaceholders(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
			return
		}
		for _, p := range phs {
			if err := sc.checkPlaceholder(p, u); err != nil {
				errs = append(errs, fmt.Errorf("%s: %s: %w", where, s[p.start:p.end], err))
			}
		}
	})
	return errors.Join(errs...)
}

func (sc *scope) checkPlaceholder(p placeholder, u use) error {
	switch p.kind {
	case kindBytes:
		if u != inRequest {
			return errors.New("random bytes cannot be matched; use ${any}")
		}
		return nil
	case kindHex64, kindAny, kindEnum:
		if u != inAnswer {
			return errors.New("a pattern cannot be sent in a request")
		}
		return nil
	case kindRepeat:
		return nil
	}
	r := p.ref
	if r.Attr == "" {
		return nil // a context name
	}
	if u == inAnswer && slices.Contains(requestOnlyAttrs, r.Attr) {
		return errors.New("only requests can hold it")
	}
	if sc.blobs[r.Name] {
		if r.Attr != "value" {
			return errors.New("a blob has only .value")
		}
		return nil
	}
	k, ok := sc.keys[r.Name]
	switch {
	case !ok:
		return errors.New("names no setup key or blob")
	case r.Attr == "material":
		if k.Material == nil || r.N > k.Material.Imports {
			return fmt.Errorf("key %s has fewer than %d setup imports", r.Name, r.N)
		}
		return nil
	case !slices.Contains(keyAttrs, r.Attr):
		return fmt.Errorf("a key has %s and .material.N", strings.Join(keyAttrs, ", "))
	}
	return nil
}

// walkStrings calls f with every string in v (maps, lists and scalars as
// YAML decodes them), map keys included.
func walkStrings(v any, f func(string)) {
	switch v := v.(type) {
	case string:
		f(v)
	case map[string]any:
		for k, e := range v {
			f(k)
			walkStrings(e, f)
		}
	case []any:
		for _, e := range v {
			walkStrings(e, f)
		}
	}
}

// ExpandRequest is the JSON body of a request: v with its placeholders
// replaced by the values r gives, random bytes and repeated text.
func ExpandRequest(v map[string]any, r Resolver) ([]byte, error) {
	out, err := expand(v, r)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	return b, nil
}

func expand(v any, r Resolver) (any, error) {
	switch v := v.(type) {
	case string:
		return expandString(v, r)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			key, err := expandString(k, r)
			if err != nil {
				return nil, err
			}
			if out[key], err = expand(e, r); err != nil {
				return nil, err
			}
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			var err error
			if out[i], err = expand(e, r); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}

func expandString(s string, r Resolver) (string, error) {
	phs, err := parsePlaceholders(s)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	last := 0
	for _, p := range phs {
		b.WriteString(s[last:p.start])
		last = p.end
		switch p.kind {
		case kindRef:
			v, err := r(p.ref)
			if err != nil {
				return "", fmt.Errorf("%s: %w", p.ref, err)
			}
			b.WriteString(v)
		case kindBytes:
			buf := make([]byte, p.n)
			_, _ = rand.Read(buf) // crypto/rand.Read never fails (Go 1.24+)
			b.WriteString(base64.StdEncoding.EncodeToString(buf))
		case kindRepeat:
			b.WriteString(strings.Repeat(p.text, p.n))
		default:
			return "", fmt.Errorf("%s: a pattern cannot be sent", s[p.start:p.end])
		}
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

// Match reports whether got is what pattern (a message or member value with
// placeholders) describes, resolving references with r. The error says
// what differs.
func Match(pattern, got string, r Resolver) error {
	phs, err := parsePlaceholders(pattern)
	if err != nil {
		return err
	}
	var re strings.Builder
	re.WriteString("^")
	last := 0
	var enums []placeholder
	for _, p := range phs {
		re.WriteString(regexp.QuoteMeta(pattern[last:p.start]))
		last = p.end
		switch p.kind {
		case kindRef:
			v, err := r(p.ref)
			if err != nil {
				return fmt.Errorf("%s: %w", p.ref, err)
			}
			re.WriteString(regexp.QuoteMeta(v))
		case kindRepeat:
			re.WriteString(regexp.QuoteMeta(strings.Repeat(p.text, p.n)))
		case kindHex64:
			re.WriteString(`[0-9a-f]{64}`)
		case kindAny:
			re.WriteString(`(?s:.+)`)
		case kindEnum:
			re.WriteString(`([A-Za-z0-9_]+(?:, [A-Za-z0-9_]+)*)`)
			enums = append(enums, p)
		default:
			return fmt.Errorf("%s cannot be matched", pattern[p.start:p.end])
		}
	}
	re.WriteString(regexp.QuoteMeta(pattern[last:]))
	re.WriteString("$")
	m := regexp.MustCompile(re.String()).FindStringSubmatch(got)
	if m == nil {
		return fmt.Errorf("%q does not match %q", got, pattern)
	}
	for i, p := range enums {
		listed := strings.Split(m[i+1], ", ")
		var missing []string
		for _, want := range p.members {
			if !slices.Contains(listed, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("%q: the enum list lacks %s", got, strings.Join(missing, ", "))
		}
	}
	return nil
}

// Answer is what an endpoint answered a request.
type Answer struct {
	Status int
	// Code is the error code (the part of __type after any '#'); empty on success.
	Code    string
	Message string
	// Body is the decoded JSON body of a success.
	Body map[string]any
}

// Check compares an answer with the recorded one: the code, the status and
// the message where they were recorded, or success and the listed members.
// The error lists every difference.
func (w *Want) Check(a Answer, r Resolver) error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !w.OK {
		if a.Code != w.Code {
			add("code %q (status %d, message %q), want %s", a.Code, a.Status, a.Message, w.Code)
			return errors.Join(errs...)
		}
		if w.Status != 0 && a.Status != w.Status {
			add("status %d, want %d", a.Status, w.Status)
		}
		if w.Message != nil {
			if err := Match(*w.Message, a.Message, r); err != nil {
				add("message: %w", err)
			}
		}
		return errors.Join(errs...)
	}
	if a.Code != "" || a.Status != 200 {
		add("%s %q (status %d), want success", a.Code, a.Message, a.Status)
		return errors.Join(errs...)
	}
	for _, path := range sortedKeys(w.Members) {
		got, ok := member(a.Body, path)
		if !ok {
			add("member %s is missing", path)
			continue
		}
		if err := matchValue(w.Members[path], got, r); err != nil {
			add("member %s: %w", path, err)
		}
	}
	for _, path := range sortedKeys(w.Unlike) {
		if got, ok := member(a.Body, path); ok && matchValue(w.Unlike[path], got, r) == nil {
			add("member %s is %v, want anything else", path, got)
		}
	}
	for _, path := range w.Absent {
		if got, ok := member(a.Body, path); ok {
			add("member %s is %v, want it absent", path, got)
		}
	}
	return errors.Join(errs...)
}

// member finds a dotted path in a decoded JSON object.
func member(body map[string]any, path string) (any, bool) {
	var cur any = body
	for part := range strings.SplitSeq(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// matchValue compares a member's decoded JSON value with the recorded one:
// text with placeholders, or a boolean or number.
func matchValue(want, got any, r Resolver) error {
	switch w := want.(type) {
	case string:
		// A number or boolean is matched in its JSON form, so that ${any}
		// can say that a timestamp is there.
		s, err := json.Marshal(got)
		if text, ok := got.(string); ok {
			s, err = []byte(text), nil
		}
		if err != nil || got == nil {
			return fmt.Errorf("%v is not a scalar", got)
		}
		return Match(w, string(s), r)
	case bool:
		if got != w {
			return fmt.Errorf("%v, want %v", got, w)
		}
	case int:
		if f, ok := got.(float64); !ok || f != float64(w) {
			return fmt.Errorf("%v, want %d", got, w)
		}
	default:
		return fmt.Errorf("cannot compare with %T", want)
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
