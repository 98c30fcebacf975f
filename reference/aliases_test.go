package reference

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// An alias names its key until UpdateAlias moves it or DeleteAlias takes it
// away; a deleted alias names nothing.
func TestAliasMovesAndGoes(t *testing.T) {
	t.Parallel()
	e := newKeysEnv(t)
	ctx := testCtx(t)
	a, b := e.createKey(t, nil), e.createKey(t, nil)
	name := aws.String("alias/moving")
	if _, err := e.kms.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: name, TargetKeyId: a.KeyId}); err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(e.describe(t, *name).KeyId); got != *a.KeyId {
		t.Fatalf("the alias names %s, want %s", got, *a.KeyId)
	}
	if _, err := e.kms.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: name, TargetKeyId: b.Arn}); err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(e.describe(t, *name).KeyId); got != *b.KeyId {
		t.Fatalf("after UpdateAlias the alias names %s, want %s", got, *b.KeyId)
	}
	out, err := e.kms.ListAliases(ctx, &kms.ListAliasesInput{KeyId: b.KeyId})
	if err != nil || len(out.Aliases) != 1 || aws.ToString(out.Aliases[0].AliasName) != *name ||
		out.Aliases[0].CreationDate == nil || out.Aliases[0].LastUpdatedDate == nil {
		t.Fatalf("ListAliases of the new key = %+v, %v", out, err)
	}
	if _, err := e.kms.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: name}); err != nil {
		t.Fatal(err)
	}
	_, err = e.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: name})
	wantError(t, err, "NotFoundException", "alias/moving")
}

func TestUpdateAliasRefusals(t *testing.T) {
	t.Parallel()
	e := newKeysEnv(t)
	ctx := testCtx(t)
	sym := e.createKey(t, nil)
	hmac := e.createKey(t, &kms.CreateKeyInput{KeySpec: types.KeySpecHmac256, KeyUsage: types.KeyUsageTypeGenerateVerifyMac})
	doomed := e.createKey(t, nil)
	e.scheduleDeletion(t, *doomed.KeyId)
	if _, err := e.kms.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/x"), TargetKeyId: sym.KeyId}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, alias, target, code string
	}{
		{"another type of key", "alias/x", *hmac.KeyId, "ValidationException"},
		{"a key pending deletion", "alias/x", *doomed.KeyId, "KMSInvalidStateException"},
		{"an alias that does not exist", "alias/none", *sym.KeyId, "NotFoundException"},
		{"a key that does not exist", "alias/x", "11111111-2222-3333-4444-555555555555", "NotFoundException"},
		{"a name without alias/", "x", *sym.KeyId, "ValidationException"},
	} {
		_, err := e.kms.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: aws.String(tt.alias), TargetKeyId: aws.String(tt.target)})
		wantCode(t, err, tt.code)
	}
	if got := aws.ToString(e.describe(t, "alias/x").KeyId); got != *sym.KeyId {
		t.Fatalf("after refused updates the alias names %s, want %s", got, *sym.KeyId)
	}
}

// A key takes 50 aliases; the 51st, created or moved there, is refused.
func TestAliasQuota(t *testing.T) {
	t.Parallel()
	e := newKeysEnv(t)
	ctx := testCtx(t)
	k, other := e.createKey(t, nil), e.createKey(t, nil)
	for i := range maxAliasesPerKey {
		if _, err := e.kms.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(fmt.Sprintf("alias/a%d", i)), TargetKeyId: k.KeyId}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.kms.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/one-more"), TargetKeyId: k.KeyId})
	wantCode(t, err, "LimitExceededException")
	if _, err := e.kms.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/elsewhere"), TargetKeyId: other.KeyId}); err != nil {
		t.Fatal(err)
	}
	_, err = e.kms.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: aws.String("alias/elsewhere"), TargetKeyId: k.KeyId})
	wantCode(t, err, "LimitExceededException")
}

// Pages follow each other to the end, and a marker is good only for the
// list it came from.
func TestPaginationMarkers(t *testing.T) {
	t.Parallel()
	e := newKeysEnv(t)
	ctx := testCtx(t)
	var ids []string
	for range 3 {
		ids = append(ids, *e.createKey(t, &kms.CreateKeyInput{Tags: []types.Tag{{TagKey: aws.String("a"), TagValue: aws.String("1")}, {TagKey: aws.String("b"), TagValue: aws.String("2")}}}).KeyId)
	}
	var listed []string
	in := &kms.ListKeysInput{Limit: aws.Int32(2)}
	for {
		out, err := e.kms.ListKeys(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range out.Keys {
			listed = append(listed, *k.KeyId)
		}
		if out.Truncated != (out.NextMarker != nil) {
			t.Fatalf("Truncated %v with NextMarker %v", out.Truncated, out.NextMarker)
		}
		if !out.Truncated {
			break
		}
		in.Marker = out.NextMarker
	}
	if len(listed) != len(ids) {
		t.Fatalf("ListKeys listed %v, want the 3 keys %v", listed, ids)
	}
	first, err := e.kms.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: &ids[0], Limit: aws.Int32(1)})
	if err != nil || first.NextMarker == nil {
		t.Fatalf("ListResourceTags with Limit 1 = %+v, %v", first, err)
	}
	_, err = e.kms.ListKeys(ctx, &kms.ListKeysInput{Marker: first.NextMarker})
	wantCode(t, err, "InvalidMarkerException")
	_, err = e.kms.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: &ids[1], Marker: first.NextMarker})
	wantCode(t, err, "InvalidMarkerException")
	other := e.other
	mine, err := other.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: mine.KeyMetadata.KeyId, Marker: first.NextMarker})
	wantCode(t, err, "InvalidMarkerException") // another account's list
	next, err := e.kms.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: &ids[0], Marker: first.NextMarker})
	if err != nil || len(next.Tags) != 1 || aws.ToString(next.Tags[0].TagKey) != "b" || next.Truncated {
		t.Fatalf("the second page of tags = %+v, %v", next, err)
	}
}
