package stepdef

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/cucumber/godog"
)

// Resolve finds the one definition that matches a step's keyword and text, as
// godog matches them (a Given, When or Then definition only matches steps of
// that kind; kind "" is a step whose kind Gherkin could not tell), and checks
// that its arguments fit the function's parameters, as godog would when it
// runs the step: a step no definition matches, or that two match, or whose
// arguments godog could not convert, is an error here instead of a failed
// scenario at run time. hasArg says the step carries a doc string or a
// table, which godog passes as the last argument.
func Resolve(defs []Def, kind, text string, hasArg bool) (Def, error) {
	var found []Def
	for _, d := range defs {
		if (d.Keyword == "Step" || kind == "" || d.Keyword == kind) && d.Re.MatchString(text) {
			found = append(found, d)
		}
	}
	switch len(found) {
	case 0:
		return Def{}, fmt.Errorf("no %s step definition matches %q", strings.TrimSpace(kind+" "), text)
	case 1:
	default:
		exprs := make([]string, len(found))
		for i, d := range found {
			exprs[i] = d.Re.String()
		}
		return Def{}, fmt.Errorf("%d step definitions match %q: %s", len(found), text, strings.Join(exprs, ", "))
	}
	d := found[0]
	args := d.Re.FindStringSubmatch(text)[1:]
	if err := checkArgs(d, args, hasArg); err != nil {
		return d, err
	}
	if d.Check != nil {
		if err := d.Check(args); err != nil {
			return d, fmt.Errorf("step %q: %w", text, err)
		}
	}
	return d, nil
}

var (
	contextType   = reflect.TypeOf((*context.Context)(nil)).Elem()
	errorType     = reflect.TypeOf((*error)(nil)).Elem()
	docStringType = reflect.TypeOf((*godog.DocString)(nil))
	tableType     = reflect.TypeOf((*godog.Table)(nil))
)

// checkArgs checks a step's captured arguments against its function the way
// godog converts them: strings as they are, integers and floats parsed.
func checkArgs(d Def, args []string, hasArg bool) error {
	fn := reflect.TypeOf(d.Fn)
	if fn == nil || fn.Kind() != reflect.Func {
		return fmt.Errorf("step %q: its definition is a %v, not a function", d.Re, fn)
	}
	var params []reflect.Type
	for i := range fn.NumIn() {
		if i == 0 && fn.In(i) == contextType {
			continue
		}
		params = append(params, fn.In(i))
	}
	if hasArg {
		if len(params) == 0 || (params[len(params)-1] != docStringType && params[len(params)-1] != tableType) {
			return fmt.Errorf("step %q carries a doc string or table that its function does not take", d.Re)
		}
		params = params[:len(params)-1]
	}
	if len(params) != len(args) {
		return fmt.Errorf("step %q captures %d argument(s), its function takes %d", d.Re, len(args), len(params))
	}
	for i, p := range params {
		if err := convertible(args[i], p); err != nil {
			return fmt.Errorf("step %q, argument %d (%q): %w", d.Re, i+1, args[i], err)
		}
	}
	switch fn.NumOut() {
	case 0:
	case 1, 2:
		if fn.Out(fn.NumOut()-1) != errorType {
			return fmt.Errorf("step %q: its function's last result is %v, not error", d.Re, fn.Out(fn.NumOut()-1))
		}
	default:
		return fmt.Errorf("step %q: its function returns %d results", d.Re, fn.NumOut())
	}
	return nil
}

func convertible(arg string, t reflect.Type) error {
	var err error
	switch t.Kind() {
	case reflect.String:
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		_, err = strconv.ParseInt(arg, 10, t.Bits())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		_, err = strconv.ParseUint(arg, 10, t.Bits())
	case reflect.Float32, reflect.Float64:
		_, err = strconv.ParseFloat(arg, t.Bits())
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 {
			return fmt.Errorf("godog cannot pass a step argument as %v", t)
		}
	default:
		return fmt.Errorf("godog cannot pass a step argument as %v", t)
	}
	if err != nil {
		return fmt.Errorf("not a %v: %w", t, err)
	}
	return nil
}
