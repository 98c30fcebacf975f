package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// junitSuites is JUnit as CI systems read it (the Jenkins/Ant junit.xsd).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr,omitempty"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr,omitempty"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr,omitempty"`
	Cases    []junitCase `xml:"testcase"`
}

// junitCase fields are in the schema's child order: skipped, error, failure,
// system-out.
type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr,omitempty"`
	Status    string         `xml:"status,attr,omitempty"`
	Time      string         `xml:"time,attr,omitempty"`
	Skipped   *string        `xml:"skipped"`
	Errors    []junitProblem `xml:"error"`
	Failures  []junitProblem `xml:"failure"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// NormalizeJUnit rewrites godog's junit output into JUnit that validates
// against the Jenkins/Ant junit.xsd. It is idempotent. godog v0.15.1's
// junit formatter deviates from it in ways CI notices:
//   - <testsuites skipped="..."> is not in the schema;
//   - a failed scenario lists <failure> before <error>, against the schema's
//     order, and reports the steps skipped after the failure as errors;
//   - a skipped scenario comes out as a test case with <error type="skipped">
//     children, which Jenkins and GitLab show as an error, not a skip.
//
// Nothing is lost: skipped scenarios get <skipped>, steps skipped after a failure
// are listed in <system-out>.
func NormalizeJUnit(doc []byte) ([]byte, error) {
	var suites junitSuites
	if err := xml.Unmarshal(doc, &suites); err != nil {
		return nil, fmt.Errorf("parsing junit xml: %w", err)
	}
	return encodeJUnit(&suites)
}

// encodeJUnit normalizes every case, recounts the totals and encodes.
func encodeJUnit(suites *junitSuites) ([]byte, error) {
	suites.Tests, suites.Failures, suites.Errors = 0, 0, 0
	for i := range suites.Suites {
		suite := &suites.Suites[i]
		suite.Tests, suite.Skipped, suite.Failures, suite.Errors = len(suite.Cases), 0, 0, 0
		for j := range suite.Cases {
			c := &suite.Cases[j]
			if c.Classname == "" {
				c.Classname = suite.Name
			}
			normalizeCase(c)
			switch {
			case c.Skipped != nil:
				suite.Skipped++
			case len(c.Failures) > 0:
				suite.Failures++
			case len(c.Errors) > 0:
				suite.Errors++
			}
		}
		suites.Tests += suite.Tests
		suites.Failures += suite.Failures
		suites.Errors += suite.Errors
	}
	var out bytes.Buffer
	out.WriteString(xml.Header)
	enc := xml.NewEncoder(&out)
	enc.Indent("", "  ")
	if err := enc.Encode(suites); err != nil {
		return nil, fmt.Errorf("encoding junit xml: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// MergeJUnit joins JUnit documents (godog's, or normalized ones) into one,
// normalized, with every test case of each. Suites of the same name (a
// feature whose scenarios ran in more than one phase) become one, their
// cases in document order and their times added up.
func MergeJUnit(docs ...[]byte) ([]byte, error) {
	var all junitSuites
	index := map[string]int{}
	for _, d := range docs {
		var suites junitSuites
		if err := xml.Unmarshal(d, &suites); err != nil {
			return nil, fmt.Errorf("parsing junit xml: %w", err)
		}
		if all.Name == "" {
			all.Name = suites.Name
		}
		for _, suite := range suites.Suites {
			i, ok := index[suite.Name]
			if !ok {
				index[suite.Name] = len(all.Suites)
				all.Suites = append(all.Suites, suite)
				continue
			}
			into := &all.Suites[i]
			into.Cases = append(into.Cases, suite.Cases...)
			into.Time = addSeconds(into.Time, suite.Time)
		}
	}
	return encodeJUnit(&all)
}

// addSeconds adds two JUnit time attributes (seconds); one that does not
// parse counts as nothing.
func addSeconds(a, b string) string {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	switch {
	case errA != nil:
		return b
	case errB != nil:
		return a
	}
	return strconv.FormatFloat(x+y, 'f', -1, 64)
}

func normalizeCase(c *junitCase) {
	var skippedSteps []string
	errs := c.Errors[:0]
	for _, e := range c.Errors {
		if e.Type == "skipped" {
			skippedSteps = append(skippedSteps, e.Message)
			continue
		}
		errs = append(errs, e)
	}
	c.Errors = errs
	problem := len(c.Failures) > 0 || len(c.Errors) > 0
	switch {
	case problem && len(skippedSteps) > 0:
		c.SystemOut = strings.TrimSpace(c.SystemOut + "\nskipped after the failure:\n" + strings.Join(skippedSteps, "\n"))
	case !problem && c.Skipped == nil && (len(skippedSteps) > 0 || c.Status == "" || c.Status == StatusSkipped):
		why := "scenario skipped"
		if len(skippedSteps) > 0 {
			why = "skipped at " + skippedSteps[0]
		}
		c.Skipped = &why
		c.Status = StatusSkipped
	}
}

// normalizeJUnitFile normalizes path in place if it exists.
func normalizeJUnitFile(path string) error {
	doc, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	fixed, err := NormalizeJUnit(doc)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return writeFileAtomic(path, fixed)
}
