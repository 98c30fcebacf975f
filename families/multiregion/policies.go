package multiregion

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

const (
	policyExpr = `(a key policy that is not JSON|a key policy that does not let me change it later|a key policy statement that names no principal|a key policy that names a principal by a malformed ARN)`
	tagExpr    = `(a tag whose key starts with aws:|two tags that share a tag key)`
)

// policyClauses are the key policies a ReplicateKey request can carry, by
// the words the feature files use, for the caller's account.
var policyClauses = map[string]func(acct string) string{
	"a key policy that is not JSON": func(string) string { return "this is not a key policy" },
	"a key policy that does not let me change it later": func(acct string) string {
		return policy(statement{Sid: "DescribeOnly", Effect: "Allow", Principal: root(acct), Action: "kms:DescribeKey", Resource: "*"})
	},
	"a key policy statement that names no principal": func(acct string) string {
		return policy(admin(acct), statement{Sid: "NoPrincipal", Effect: "Allow", Action: "kms:DescribeKey", Resource: "*"})
	},
	"a key policy that names a principal by a malformed ARN": func(acct string) string {
		return policy(admin(acct), statement{Sid: "MalformedPrincipal", Effect: "Allow", Principal: map[string]any{"AWS": "arn:aws:iam::"}, Action: "kms:DescribeKey", Resource: "*"})
	},
}

// tagClauses are the tags a ReplicateKey request can carry.
var tagClauses = map[string][]types.Tag{
	"a tag whose key starts with aws:": {{TagKey: aws.String("aws:kmsconform"), TagValue: aws.String("reserved")}},
	"two tags that share a tag key": {
		{TagKey: aws.String("kmsconform:twice"), TagValue: aws.String("first")},
		{TagKey: aws.String("kmsconform:twice"), TagValue: aws.String("second")},
	},
}

type statement struct {
	Sid       string `json:"Sid,omitempty"`
	Effect    string `json:"Effect"`
	Principal any    `json:"Principal,omitempty"`
	Action    any    `json:"Action,omitempty"`
	Resource  any    `json:"Resource,omitempty"`
}

func root(acct string) map[string]any {
	return map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%s:root", acct)}
}

// admin keeps the account in control of the key, as the default key policy does.
func admin(acct string) statement {
	return statement{Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: root(acct), Action: "kms:*", Resource: "*"}
}

func policy(statements ...statement) string {
	b, err := json.Marshal(struct {
		Version   string
		Statement []statement
	}{"2012-10-17", statements})
	if err != nil {
		panic(fmt.Sprintf("marshalling a key policy: %v", err)) // only plain strings and maps go in
	}
	return string(b)
}

// accountOf is the account of a key ARN.
func accountOf(arn string) (string, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 || len(parts[4]) != 12 {
		return "", fmt.Errorf("key ARN %q names no account", arn)
	}
	return parts[4], nil
}
