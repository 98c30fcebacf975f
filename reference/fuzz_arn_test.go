package reference

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// FuzzParseKMSARN: parseKMSARN never panics; what it accepts is a KMS key or
// alias ARN whose parts join back into exactly the input (and keyARN or
// aliasARN rebuild it when the partition is the Region's own); and every ARN
// keyARN and aliasARN build parses back into the parts they were built from.
func FuzzParseKMSARN(f *testing.F) {
	for _, s := range []string{
		"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"arn:aws:kms:us-east-1:111122223333:alias/my-key",
		"arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
		"arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/a:b:c",
		"arn:aws:kms:us-east-1:11112222333:key/x", "arn:aws:kms:us-east-1:1111222233334:key/x",
		"arn:aws:kms:us-east-1:11112222333a:key/x", "arn:aws:kms::111122223333:key/x",
		"arn::kms:us-east-1:111122223333:key/x", "arn:aws:s3:us-east-1:111122223333:key/x",
		"arn:aws:kms:us-east-1:111122223333:key/", "arn:aws:kms:us-east-1:111122223333:alias/",
		"arn:aws:kms:us-east-1:111122223333:keys/x", "arn:aws:kms:us-east-1:111122223333",
		"arn:aws:kms:us-east-1:+11122223333:key/x", "arn:aws:kms:us-east-1:１１１122223333:key/x",
		"", ":::::", "arn", "alias/x", "1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:\xff:111122223333:key/\x00",
	} {
		f.Add(s, "us-east-1", "1234abcd-12ab-34cd-56ef-1234567890ab", uint64(111122223333))
	}
	f.Add("", "cn-north-1", "mrk-1234abcd12ab34cd56ef1234567890ab", uint64(7))
	f.Add("", "us-gov-west-1", "a:b/c", uint64(999999999999))
	f.Fuzz(func(t *testing.T, s, region, id string, account uint64) {
		a, ok := parseKMSARN(s)
		if ok {
			if joined := "arn:" + a.Partition + ":kms:" + a.Region + ":" + a.Account + ":" + a.Resource; joined != s {
				t.Fatalf("%q parsed as %+v, which joins back as %q", s, a, joined)
			}
			if a.Partition == "" || a.Region == "" || strings.Contains(a.Partition+a.Region, ":") || !twelveDigits.MatchString(a.Account) {
				t.Fatalf("%q parsed as %+v", s, a)
			}
			keyID, isKey := strings.CutPrefix(a.Resource, "key/")
			alias, isAlias := strings.CutPrefix(a.Resource, "alias/")
			switch {
			case isKey && keyID != "":
				if a.Partition == partitionFor(a.Region) && keyARN(a.Region, a.Account, keyID) != s {
					t.Fatalf("keyARN does not rebuild %q", s)
				}
			case isAlias && alias != "":
				if a.Partition == partitionFor(a.Region) && aliasARN(a.Region, a.Account, a.Resource) != s {
					t.Fatalf("aliasARN does not rebuild %q", s)
				}
			default:
				t.Fatalf("%q parsed with resource %q, neither key/<id> nor alias/<name>", s, a.Resource)
			}
		}

		if region == "" || strings.Contains(region, ":") || id == "" {
			return // not something keyARN is ever given
		}
		acct := fmt.Sprintf("%012d", account%1_000_000_000_000)
		want := kmsARN{Partition: partitionFor(region), Region: region, Account: acct, Resource: "key/" + id}
		if got, ok := parseKMSARN(keyARN(region, acct, id)); !ok || got != want {
			t.Fatalf("keyARN(%q, %q, %q) parsed as %+v, %v; want %+v", region, acct, id, got, ok, want)
		}
		want.Resource = "alias/" + id
		if got, ok := parseKMSARN(aliasARN(region, acct, "alias/"+id)); !ok || got != want {
			t.Fatalf("aliasARN(%q, %q, alias/%q) parsed as %+v, %v; want %+v", region, acct, id, got, ok, want)
		}
	})
}

var (
	twelveDigits = regexp.MustCompile(`^[0-9]{12}$`)
	// keyIDShape is the documented key ID form: a UUID, or "mrk-" and 32 hex digits.
	keyIDShape = regexp.MustCompile(`^(?:mrk-[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$`)
)

// FuzzLooksLikeKeyID: looksLikeKeyID never panics and agrees with the
// documented key ID shape on every input; the IDs the reference mints have
// that shape, and survive a trip through a key ARN.
func FuzzLooksLikeKeyID(f *testing.F) {
	for _, s := range []string{
		"1234abcd-12ab-34cd-56ef-1234567890ab", "1234ABCD-12AB-34CD-56EF-1234567890AB",
		"mrk-1234abcd12ab34cd56ef1234567890ab", "mrk-1234abcd12ab34cd56ef1234567890a",
		"mrk-1234abcd12ab34cd56ef1234567890abc", "mrk-", "MRK-1234abcd12ab34cd56ef1234567890ab",
		"1234abcd-12ab-34cd-56ef-1234567890a", "1234abcd-12ab-34cd-56ef-1234567890abc",
		"1234abcd_12ab_34cd_56ef_1234567890ab", "1234abcd-12ab-34cd-56ef-1234567890ag",
		"1234abcd-12ab-34cd-56ef-12345678\xff\xfeab", "1234abcd-12ab-34cd-56ef-123456789é0",
		"12345678901234567890123456789012345é", "", "alias/x", "arn:aws:kms:us-east-1:111122223333:key/x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := looksLikeKeyID(s), keyIDShape.MatchString(s); got != want {
			t.Fatalf("looksLikeKeyID(%q) = %v, want %v", s, got, want)
		}
		id := newKeyID()
		if !looksLikeKeyID(id) || id != strings.ToLower(id) {
			t.Fatalf("minted key ID %q does not look like one", id)
		}
		a, ok := parseKMSARN(keyARN("us-east-1", "111122223333", id))
		if !ok || !looksLikeKeyID(strings.TrimPrefix(a.Resource, "key/")) {
			t.Fatalf("key ID %q lost in its ARN: %+v", id, a)
		}
	})
}
