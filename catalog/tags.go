package catalog

import "strings"

// Scenario tags the catalog understands. Tags are inherited: a tag on a
// Feature or Rule applies to every scenario in it, and a tag on an Examples
// block applies to the scenarios that block generates.
const (
	TagOperation  = "@op:"        // @op:CreateKey — the operation the scenario calls
	TagError      = "@error:"     // @error:NotFoundException — the error it expects
	TagCondition  = "@cond:"      // @cond:CreateKey.02 — the catalog entry it checks
	TagUntestable = "@untestable" // @untestable or @untestable:<reason> — documents, checks nothing
	// TagClient marks a client scenario: it checks how a KMS client behaves
	// (package retries), not the endpoint.
	TagClient = "@retries"
)

// Tags is what a scenario's tags say about the catalog.
type Tags struct {
	Operations []string
	Errors     []string
	Conditions []string
	Untestable bool
	// Client: the scenario checks a client, not the endpoint (TagClient).
	Client bool
	// UntestableReason is the text after "@untestable:", if any.
	UntestableReason string
	// Malformed are tags that look like catalog tags but are not: no value
	// ("@cond:", "@op") or the wrong case ("@Cond:X"). Ignoring them would
	// hide a scenario from the coverage report.
	Malformed []string
}

// ParseTags reads catalog tags from tag names (with their leading "@"), as
// Gherkin gives them. Other tags are ignored; repeated values are kept once.
func ParseTags(names []string) Tags {
	var t Tags
	for _, name := range names {
		switch {
		case name == TagUntestable:
			t.Untestable = true
		case name == TagClient:
			t.Client = true
		case strings.HasPrefix(name, TagUntestable+":"):
			t.Untestable = true
			if reason := strings.TrimPrefix(name, TagUntestable+":"); reason != "" {
				t.UntestableReason = reason
			}
		case strings.HasPrefix(name, TagOperation):
			t.Operations = appendValue(t.Operations, &t.Malformed, name, TagOperation)
		case strings.HasPrefix(name, TagError):
			t.Errors = appendValue(t.Errors, &t.Malformed, name, TagError)
		case strings.HasPrefix(name, TagCondition):
			t.Conditions = appendValue(t.Conditions, &t.Malformed, name, TagCondition)
		case looksLikeCatalogTag(name):
			t.Malformed = append(t.Malformed, name)
		}
	}
	return t
}

func appendValue(values []string, malformed *[]string, tag, prefix string) []string {
	v := strings.TrimPrefix(tag, prefix)
	if v == "" {
		*malformed = append(*malformed, tag)
		return values
	}
	for _, have := range values {
		if have == v {
			return values
		}
	}
	return append(values, v)
}

// looksLikeCatalogTag catches near misses of the catalog tags that the exact
// prefixes in ParseTags did not match.
func looksLikeCatalogTag(name string) bool {
	lower := strings.ToLower(name)
	for _, prefix := range []string{TagOperation, TagError, TagCondition} {
		if strings.HasPrefix(lower, prefix) || lower == strings.TrimSuffix(prefix, ":") {
			return true
		}
	}
	return lower == TagUntestable || strings.HasPrefix(lower, TagUntestable+":")
}
