package reference

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

var otherRoot = "arn:aws:iam::" + otherTestAccountID + ":root"

// A grant lets the second account use the key for what it lists, under its
// constraints, until it is revoked or retired; a grant token works at once;
// a token no grant issued is InvalidGrantTokenException.
func TestGrantsAuthoriseTheGrantee(t *testing.T) {
	e := newKeysEnv(t)
	ctx := testCtx(t)
	k := e.createKey(t, nil)
	encrypt := func(c *kms.Client, context map[string]string, tokens ...string) error {
		_, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.Arn, Plaintext: []byte("x"), EncryptionContext: context, GrantTokens: tokens})
		return err
	}
	wantCode(t, encrypt(e.other, nil), "AccessDeniedException")

	g, err := e.kms.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(otherRoot),
		Operations:  []types.GrantOperation{types.GrantOperationEncrypt},
		Constraints: &types.GrantConstraints{EncryptionContextSubset: map[string]string{"Purpose": "test"}}})
	wantCode(t, err, "")
	wantCode(t, encrypt(e.other, map[string]string{"purpose": "test", "more": "x"}, *g.GrantToken), "")
	wantCode(t, encrypt(e.other, map[string]string{"purpose": "other"}), "AccessDeniedException")
	wantCode(t, encrypt(e.other, map[string]string{"purpose": "test"}, "not-a-token"), "InvalidGrantTokenException")
	_, err = e.other.Decrypt(ctx, &kms.DecryptInput{KeyId: k.Arn, CiphertextBlob: []byte("x")})
	wantCode(t, err, "AccessDeniedException")

	list, err := e.kms.ListGrants(ctx, &kms.ListGrantsInput{KeyId: k.KeyId, GranteePrincipal: aws.String(otherRoot)})
	wantCode(t, err, "")
	if len(list.Grants) != 1 || aws.ToString(list.Grants[0].GrantId) != *g.GrantId {
		t.Fatalf("ListGrants = %+v, want the grant %s", list.Grants, *g.GrantId)
	}
	_, err = e.kms.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: k.KeyId, GrantId: g.GrantId})
	wantCode(t, err, "")
	wantCode(t, encrypt(e.other, map[string]string{"purpose": "test"}), "AccessDeniedException")
	_, err = e.kms.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: k.KeyId, GrantId: aws.String("bad")})
	wantCode(t, err, "InvalidGrantIdException")
}

func TestGrantNamesPagesAndRetiring(t *testing.T) {
	e := newKeysEnv(t)
	ctx := testCtx(t)
	k := e.createKey(t, nil)
	in := &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(otherRoot), RetiringPrincipal: aws.String(otherRoot),
		Operations: []types.GrantOperation{types.GrantOperationDecrypt}, Name: aws.String("same")}
	a, err := e.kms.CreateGrant(ctx, in)
	wantCode(t, err, "")
	b, err := e.kms.CreateGrant(ctx, in)
	wantCode(t, err, "")
	if *a.GrantId != *b.GrantId || *a.GrantToken == *b.GrantToken {
		t.Fatalf("a named grant made twice: IDs %s, %s; want one ID and two tokens", *a.GrantId, *b.GrantId)
	}
	in.Name = nil
	for range 3 {
		_, err := e.kms.CreateGrant(ctx, in)
		wantCode(t, err, "")
	}
	var seen []string
	var marker *string
	for {
		page, err := e.kms.ListGrants(ctx, &kms.ListGrantsInput{KeyId: k.KeyId, Limit: aws.Int32(3), Marker: marker})
		wantCode(t, err, "")
		for _, g := range page.Grants {
			seen = append(seen, *g.GrantId)
		}
		if !page.Truncated {
			break
		}
		marker = page.NextMarker
	}
	if len(seen) != 4 {
		t.Fatalf("ListGrants paged through %d grants, want 4", len(seen))
	}
	_, err = e.kms.ListGrants(ctx, &kms.ListGrantsInput{KeyId: k.KeyId, Marker: aws.String("elsewhere")})
	wantCode(t, err, "InvalidMarkerException")

	retirable, err := e.other.ListRetirableGrants(ctx, &kms.ListRetirableGrantsInput{RetiringPrincipal: aws.String(otherRoot)})
	wantCode(t, err, "")
	if len(retirable.Grants) != 4 {
		t.Fatalf("ListRetirableGrants = %d grants, want 4", len(retirable.Grants))
	}
	_, err = e.other.RetireGrant(ctx, &kms.RetireGrantInput{GrantToken: a.GrantToken})
	wantCode(t, err, "")
	_, err = e.other.RetireGrant(ctx, &kms.RetireGrantInput{KeyId: k.Arn, GrantId: a.GrantId})
	wantCode(t, err, "NotFoundException")
	_, err = e.other.RetireGrant(ctx, &kms.RetireGrantInput{GrantToken: aws.String("bogus")})
	wantCode(t, err, "InvalidGrantTokenException")
}

// A key policy decides what the second account may do: Allow, an explicit
// Deny that wins, and the lockout check of PutKeyPolicy.
func TestKeyPolicyEvaluation(t *testing.T) {
	e := newKeysEnv(t)
	ctx := testCtx(t)
	k := e.createKey(t, nil)
	owner := `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + testAccountID + `:root"},"Action":"kms:*","Resource":"*"}`
	put := func(extra string, bypass bool) error {
		_, err := e.kms.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(`{"Version":"2012-10-17","Statement":[` + owner + extra + `]}`),
			BypassPolicyLockoutSafetyCheck: bypass})
		return err
	}
	describe := func() error {
		_, err := e.other.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.Arn})
		return err
	}
	wantCode(t, describe(), "AccessDeniedException")
	for _, tc := range []struct {
		extra, want string
	}{
		{`,{"Effect":"Allow","Principal":{"AWS":"` + otherTestAccountID + `"},"Action":"kms:Describe*","Resource":"*"}`, ""},
		{`,{"Effect":"Allow","Principal":{"AWS":"` + otherRoot + `"},"Action":"kms:Encrypt","Resource":"*"}`, "AccessDeniedException"},
		{`,{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"` + otherRoot + `"},"Action":"kms:DescribeKey","Resource":"*"}`, "AccessDeniedException"},
		{`,{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, "AccessDeniedException"},
	} {
		wantCode(t, put(tc.extra, false), "")
		if err := describe(); errorCode(t, err) != tc.want {
			t.Errorf("policy with %s: DescribeKey from the second account = %v, want %q", tc.extra, err, tc.want)
		}
	}
	_, err := e.kms.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt"}]}`)})
	wantCode(t, err, "MalformedPolicyDocumentException")
	_, err = e.kms.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(`not json`)})
	wantCode(t, err, "MalformedPolicyDocumentException")
	_, err = e.kms.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: k.KeyId, BypassPolicyLockoutSafetyCheck: true,
		Policy: aws.String(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt"}]}`)})
	wantCode(t, err, "")
	_, err = e.other.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: k.Arn})
	wantCode(t, err, "AccessDeniedException")
	names, err := e.kms.ListKeyPolicies(ctx, &kms.ListKeyPoliciesInput{KeyId: k.KeyId})
	wantCode(t, err, "")
	if fmt.Sprint(names.PolicyNames) != "[default]" || names.Truncated {
		t.Fatalf("ListKeyPolicies = %v, truncated %v", names.PolicyNames, names.Truncated)
	}
}
