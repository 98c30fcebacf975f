package naming

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/kmsconform/kmsconform/scenario"
)

// entry is one item of a listing: a key, an alias or a tag.
type entry struct {
	name   string // key ID, alias name or tag key
	arn    string // key ARN or alias ARN
	target string // an alias's TargetKeyId, a tag's value
	// created and updated are an alias's dates.
	created, updated *time.Time
}

// page is one answer of a listing.
type page struct {
	entries   []entry
	next      string
	truncated bool
}

// page makes one listing call of r, as a step of the check, not the call under test.
func (f *naming) page(ctx context.Context, r request) (page, error) {
	var limit *int32
	if r.limit > 0 {
		limit = aws.Int32(r.limit)
	}
	var marker *string
	if r.marker != "" {
		marker = aws.String(r.marker)
	}
	var keyID *string
	if r.keyID != "" {
		keyID = aws.String(r.keyID)
	}
	var p page
	switch r.op {
	case "ListKeys":
		out, err := scenario.Setup(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.ListKeysOutput, error) {
			return f.Client.ListKeys(ctx, &kms.ListKeysInput{Limit: limit, Marker: marker})
		})
		if err != nil {
			return p, err
		}
		for _, k := range out.Keys {
			p.entries = append(p.entries, entry{name: aws.ToString(k.KeyId), arn: aws.ToString(k.KeyArn)})
		}
		p.next, p.truncated = aws.ToString(out.NextMarker), out.Truncated
	case "ListAliases":
		out, err := scenario.Setup(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.ListAliasesOutput, error) {
			return f.Client.ListAliases(ctx, &kms.ListAliasesInput{KeyId: keyID, Limit: limit, Marker: marker})
		})
		if err != nil {
			return p, err
		}
		p = aliasPage(out)
	case "ListResourceTags":
		out, err := scenario.Setup(ctx, f.Scenario, r.op, func(ctx context.Context) (*kms.ListResourceTagsOutput, error) {
			return f.Client.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: keyID, Limit: limit, Marker: marker})
		})
		if err != nil {
			return p, err
		}
		p = tagPage(out)
	default:
		return p, fmt.Errorf("%s is not a listing", r.op)
	}
	return p, nil
}

func aliasPage(out *kms.ListAliasesOutput) page {
	p := page{next: aws.ToString(out.NextMarker), truncated: out.Truncated}
	for _, a := range out.Aliases {
		p.entries = append(p.entries, entry{name: aws.ToString(a.AliasName), arn: aws.ToString(a.AliasArn), target: aws.ToString(a.TargetKeyId),
			created: a.CreationDate, updated: a.LastUpdatedDate})
	}
	return p
}

func tagPage(out *kms.ListResourceTagsOutput) page {
	p := page{next: aws.ToString(out.NextMarker), truncated: out.Truncated}
	for _, t := range out.Tags {
		p.entries = append(p.entries, entry{name: aws.ToString(t.TagKey), target: aws.ToString(t.TagValue)})
	}
	return p
}

// maxPages bounds a walk through a listing, so that an endpoint whose
// markers never end cannot hold a check forever.
const maxPages = 200

// walk pages through r's listing to its end: the first page with r's
// Limit, the others with limit. Every page must keep to its Limit and say
// Truncated exactly when it gives a NextMarker; no entry may come twice.
func (f *naming) walk(ctx context.Context, r request, limit int32) ([]entry, int, error) {
	var all []entry
	seen := map[string]bool{}
	for n := 1; ; n++ {
		p, err := f.page(ctx, r)
		if err != nil {
			return nil, n, err
		}
		switch {
		case r.limit > 0 && len(p.entries) > int(r.limit):
			return nil, n, fmt.Errorf("%s page %d holds %d entries, more than its Limit %d", r.op, n, len(p.entries), r.limit)
		case p.truncated != (p.next != ""):
			return nil, n, fmt.Errorf("%s page %d says Truncated %v with NextMarker %q", r.op, n, p.truncated, p.next)
		}
		for _, e := range p.entries {
			if seen[e.name] {
				return nil, n, fmt.Errorf("%s lists %s twice (again on page %d)", r.op, e.name, n)
			}
			seen[e.name] = true
			all = append(all, e)
		}
		if !p.truncated {
			return all, n, nil
		}
		if n == maxPages {
			return nil, n, fmt.Errorf("%s is still truncated after %d pages", r.op, n)
		}
		r.marker, r.limit = p.next, limit
	}
}
