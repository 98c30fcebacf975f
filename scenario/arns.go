package scenario

import (
	"fmt"
	"strings"
)

// ARNIn is the ARN of resource ("key/<id>", "alias/<name>") in the
// partition, Region and account of the key ARN keyARN.
func ARNIn(keyARN, resource string) (string, error) {
	prefix, _, ok := strings.Cut(keyARN, ":key/")
	if !ok || !strings.HasPrefix(keyARN, "arn:") {
		return "", fmt.Errorf("CreateKey returned no usable key ARN (%q)", keyARN)
	}
	return prefix + ":" + resource, nil
}

// ARNPrefix is "arn:<partition>:kms:<region>:<account>" of the scenario's
// keys; before it has one, that of the reference's first account.
func (w *Keys) ARNPrefix() string {
	for _, k := range w.CreatedKeys {
		if prefix, _, ok := strings.Cut(k.ARN, ":key/"); ok {
			return prefix
		}
	}
	return "arn:aws:kms:" + w.Env.Region + ":111122223333"
}
