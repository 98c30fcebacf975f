package catalog

import (
	"reflect"
	"testing"
)

func TestParseTags(t *testing.T) {
	tests := []struct {
		name string
		tags []string
		want Tags
	}{
		{"none", nil, Tags{}},
		{"unrelated tags are ignored", []string{"@wip", "@slow", "@fault:throttle"}, Tags{}},
		{
			"all kinds",
			[]string{"@op:CreateKey", "@error:TagException", "@cond:CreateKey.10", "@cond:CreateKey.11"},
			Tags{Operations: []string{"CreateKey"}, Errors: []string{"TagException"}, Conditions: []string{"CreateKey.10", "CreateKey.11"}},
		},
		{
			"repeats kept once (feature and scenario both tag the operation)",
			[]string{"@op:EnableKey", "@op:EnableKey", "@cond:EnableKey.04"},
			Tags{Operations: []string{"EnableKey"}, Conditions: []string{"EnableKey.04"}},
		},
		{"untestable", []string{"@untestable", "@cond:CreateKey.15"}, Tags{Untestable: true, Conditions: []string{"CreateKey.15"}}},
		{
			"untestable with reason",
			[]string{"@untestable:needs-china-region", "@cond:CreateKey.15"},
			Tags{Untestable: true, UntestableReason: "needs-china-region", Conditions: []string{"CreateKey.15"}},
		},
		{"empty values are malformed", []string{"@cond:", "@op:", "@error:"}, Tags{Malformed: []string{"@cond:", "@op:", "@error:"}}},
		{"wrong case is malformed", []string{"@Cond:CreateKey.01", "@OP:CreateKey", "@Untestable"}, Tags{Malformed: []string{"@Cond:CreateKey.01", "@OP:CreateKey", "@Untestable"}}},
		{"bare prefixes are malformed", []string{"@cond", "@op", "@error"}, Tags{Malformed: []string{"@cond", "@op", "@error"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseTags(tt.tags); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseTags(%q) = %+v, want %+v", tt.tags, got, tt.want)
			}
		})
	}
}
