package reference

import (
	"fmt"
	"slices"
	"strings"
)

// tagOperations are the operations that label a key: its tags and its description.
func tagOperations() map[string]operation {
	return map[string]operation{
		"TagResource":          tagResource,
		"UntagResource":        untagResource,
		"ListResourceTags":     listResourceTags,
		"UpdateKeyDescription": updateKeyDescription,
	}
}

// tagInput is a tag as a request carries it; pointers tell absent from empty.
type tagInput struct {
	TagKey   *string `json:"TagKey"`
	TagValue *string `json:"TagValue"`
}

// validateTags applies the model constraints of a Tags list.
func validateTags(v *validator, field string, tags []tagInput) {
	for i, t := range tags {
		prefix := fmt.Sprintf("%s.%d.member.", field, i+1)
		v.Required(prefix+"tagKey", t.TagKey != nil)
		v.Length(prefix+"tagKey", t.TagKey, 1, 128, false)
		v.Required(prefix+"tagValue", t.TagValue != nil)
		v.Length(prefix+"tagValue", t.TagValue, 0, 256, false)
	}
}

// checkTags merges tags into existing ones: a repeated key replaces the value.
// KMS answers tags that are not valid with TagException, as recorded (realkms
// CreateKey.too-many-tags, CreateKey.reserved-tag-prefix, TagResource.duplicate-tag-keys):
// more than maxTagsPerKey tags in one request, a tag key used twice in one
// request (CreateKey.11, TagResource.11), and the reserved "aws:" prefix in
// any case. The order of these checks is not on record. Tags that fit one
// request but would take the key over maxTagsPerKey are
// LimitExceededException, the error TagResource documents for a tag quota.
func checkTags(tags []tagInput, existing []Tag) ([]Tag, error) {
	if len(tags) > maxTagsPerKey {
		return nil, errorf("TagException", "Too many tags")
	}
	seen := map[string]bool{}
	out := slices.Clone(existing)
	for _, t := range tags {
		key, value := *t.TagKey, *t.TagValue
		if seen[key] {
			return nil, errorf("TagException", "Duplicate tag keys")
		}
		seen[key] = true
		if reservedTagKey(key) {
			return nil, errorf("TagException", "Tags beginning with aws: are reserved")
		}
		if i := slices.IndexFunc(out, func(e Tag) bool { return e.TagKey == key }); i >= 0 {
			out[i].TagValue = value
		} else {
			out = append(out, Tag{TagKey: key, TagValue: value})
		}
	}
	if len(out) > maxTagsPerKey {
		return nil, errorf("LimitExceededException", "A KMS key can have at most %d tags.", maxTagsPerKey)
	}
	return out, nil
}

// reservedTagKey reports whether key has the prefix AWS reserves, in any case.
func reservedTagKey(key string) bool {
	return strings.HasPrefix(strings.ToLower(key), "aws:")
}

// customerKey resolves the key of an operation that changes how a key is
// labelled: a customer managed key of the caller's (TagResource.05,
// UntagResource.05) that is not pending deletion (key-state table,
// footnote 3).
func (c *call) customerKey(keyID string) (*Key, error) {
	k, err := c.resolveKey(keyID, keyOrARN)
	if err != nil {
		return nil, err
	}
	if c.keyManager(k) != "CUSTOMER" {
		return nil, errorf("ValidationException", "%s is an AWS managed key; only customer managed keys can be changed.", k.ARN)
	}
	if st := c.effectiveState(k); st == KeyPendingDeletion || st == KeyPendingReplicaDeletion {
		return nil, stateError(k, st)
	}
	return k, nil
}

func tagResource(c *call) (any, error) {
	var in struct {
		KeyID *string    `json:"KeyId"`
		Tags  []tagInput `json:"Tags"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Required("tags", in.Tags != nil)
	validateTags(&v, "tags", in.Tags)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.customerKey(*in.KeyID)
	if err != nil {
		return nil, err
	}
	tags, err := checkTags(in.Tags, k.Tags)
	if err != nil {
		return nil, err
	}
	k.Tags = tags
	return nil, nil
}

// untagResource implements UntagResource. A tag key that is not on the key
// changes nothing (UntagResource.07); one with the reserved prefix can never
// be on it and is not valid (UntagResource.08).
func untagResource(c *call) (any, error) {
	var in struct {
		KeyID   *string  `json:"KeyId"`
		TagKeys []string `json:"TagKeys"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Required("tagKeys", in.TagKeys != nil)
	for i := range in.TagKeys {
		v.Length(fmt.Sprintf("tagKeys.%d.member", i+1), &in.TagKeys[i], 1, 128, false)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.customerKey(*in.KeyID)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(in.TagKeys, reservedTagKey) {
		return nil, errorf("TagException", "Tags beginning with aws: are reserved")
	}
	k.Tags = slices.DeleteFunc(slices.Clone(k.Tags), func(t Tag) bool { return slices.Contains(in.TagKeys, t.TagKey) })
	return nil, nil
}

// listResourceTags implements ListResourceTags, in every key state
// (ListResourceTags.06), a page of at most 50 tags in tag key order.
func listResourceTags(c *call) (any, error) {
	k, req, err := c.keyListing(50)
	if err != nil {
		return nil, err
	}
	values := map[string]string{}
	keys := make([]string, 0, len(k.Tags))
	for _, t := range k.Tags {
		values[t.TagKey] = t.TagValue
		keys = append(keys, t.TagKey)
	}
	page, next, err := paginate(keys, req, 50, listing{op: "ListResourceTags", account: c.acct.id, scope: k.ID})
	if err != nil {
		return nil, err
	}
	out := struct {
		Tags       []Tag
		NextMarker string `json:",omitempty"`
		Truncated  bool
	}{Tags: []Tag{}, NextMarker: next, Truncated: next != ""}
	for _, key := range page {
		out.Tags = append(out.Tags, Tag{TagKey: key, TagValue: values[key]})
	}
	return out, nil
}

// updateKeyDescription implements UpdateKeyDescription: the description
// may be empty (UpdateKeyDescription.06); a key pending deletion keeps its
// own (.07).
func updateKeyDescription(c *call) (any, error) {
	var in struct {
		KeyID       *string `json:"KeyId"`
		Description *string `json:"Description"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	v.Required("description", in.Description != nil)
	v.Length("description", in.Description, 0, 8192, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	k, err := c.customerKey(*in.KeyID)
	if err != nil {
		return nil, err
	}
	k.Description = *in.Description
	return nil, nil
}
