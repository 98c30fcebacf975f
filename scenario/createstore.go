package scenario

import (
	"fmt"
)

// describeAnswer is an outcome in a few words: its error code, or its status.
func DescribeAnswer(o outcome) string {
	switch {
	case o.Code != "":
		return o.Code
	case o.Err == nil:
		return fmt.Sprintf("success (HTTP %d)", o.Status)
	}
	return fmt.Sprintf("HTTP %d", o.Status)
}
