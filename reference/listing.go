package reference

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

// listingOperations lists the keys of an account.
func listingOperations() map[string]operation {
	return map[string]operation{
		"ListKeys": listKeys,
	}
}

// pageRequest is the Limit and Marker of a listing.
type pageRequest struct {
	Limit  *int64  `json:"Limit"`
	Marker *string `json:"Marker"`
}

// validate applies the model's limits and the operation's documented Limit
// range (maxLimit): the model allows 1..1000 everywhere, ListAliases
// documents 1..100 and ListResourceTags 1..50 (conflict E25), and the
// reference refuses what the operation documents it does not take.
func (p pageRequest) validate(v *validator, maxLimit int64) {
	v.Range("limit", p.Limit, 1, maxLimit)
	v.Length("marker", p.Marker, 1, 1024, false)
	v.Pattern("marker", p.Marker, markerPattern, false)
}

// keyListing decodes, validates and resolves the request of a listing of
// one key's items that takes nothing but KeyId, Limit (at most maxLimit) and
// Marker: ListResourceTags, ListKeyPolicies.
func (c *call) keyListing(maxLimit int64) (*Key, pageRequest, error) {
	var in struct {
		pageRequest
		KeyID *string `json:"KeyId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, pageRequest{}, err
	}
	var v validator
	validateKeyID(&v, in.KeyID)
	in.validate(&v, maxLimit)
	if err := v.Err(); err != nil {
		return nil, pageRequest{}, err
	}
	k, err := c.resolveKey(*in.KeyID, keyOrARN)
	return k, in.pageRequest, err
}

// listing names one list a marker belongs to: the operation, the account
// and what the list is of (a key ID, or "" for the whole account), so that
// a marker handed out for one list is refused by every other.
type listing struct {
	op, account, scope string
}

// marker is the NextMarker that continues l after the item last. Markers
// are opaque to callers (ListResourceTags.10); this one carries the last
// item rather than a position, so that paging survives items being added
// or removed between calls.
func (l listing) marker(last string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(l.op + "\x00" + l.account + "\x00" + l.scope + "\x00" + last))
}

// after is the last item of the previous page that m names, or false when
// m is not a marker this reference handed out for l.
func (l listing) after(m string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return "", false
	}
	return strings.CutPrefix(string(raw), l.op+"\x00"+l.account+"\x00"+l.scope+"\x00")
}

// paginate returns the page of sorted names after the request's marker and
// the marker of the next page ("" when this page is the last). A marker
// this reference did not hand out for l is InvalidMarkerException.
func paginate(names []string, p pageRequest, defaultLimit int, l listing) ([]string, string, error) {
	slices.Sort(names)
	start := 0
	if p.Marker != nil {
		after, ok := l.after(*p.Marker)
		if !ok {
			return nil, "", errorf("InvalidMarkerException", "Invalid marker: %s", *p.Marker)
		}
		start, _ = slices.BinarySearch(names, after)
		if start < len(names) && names[start] == after {
			start++
		}
	}
	limit := defaultLimit
	if p.Limit != nil {
		limit = int(*p.Limit)
	}
	end := min(start+limit, len(names))
	next := ""
	if end < len(names) {
		next = l.marker(names[end-1])
	}
	return names[start:end], next, nil
}

type keyListEntry struct {
	KeyID  string `json:"KeyId"`
	KeyArn string `json:"KeyArn"`
}

// listKeys implements ListKeys: every key of the caller's account in this
// Region, whatever its state (ListKeys.01, .02). ResourceOwners is newer than
// the catalog's model; the reference shares no keys through AWS RAM, so only
// SELF lists any.
func listKeys(c *call) (any, error) {
	var in struct {
		pageRequest
		ResourceOwners []string `json:"ResourceOwners"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var v validator
	in.validate(&v, 1000)
	for i := range in.ResourceOwners {
		v.Enum("resourceOwners."+strconv.Itoa(i+1)+".member", &in.ResourceOwners[i], "SELF", "OTHER_ACCOUNTS_VIA_RAM")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(c.acct.keys))
	if in.ResourceOwners == nil || slices.Contains(in.ResourceOwners, "SELF") {
		for id := range c.acct.keys {
			ids = append(ids, id)
		}
	}
	page, next, err := paginate(ids, in.pageRequest, 100, listing{op: "ListKeys", account: c.acct.id})
	if err != nil {
		return nil, err
	}
	out := struct {
		Keys       []keyListEntry
		NextMarker string `json:",omitempty"`
		Truncated  bool
	}{Keys: []keyListEntry{}, NextMarker: next, Truncated: next != ""}
	for _, id := range page {
		out.Keys = append(out.Keys, keyListEntry{KeyID: id, KeyArn: c.acct.keys[id].ARN})
	}
	return out, nil
}
