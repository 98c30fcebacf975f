package reference

import (
	"bytes"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// mrEnv is a reference serving two Regions, with a client in each and the control API.
type mrEnv struct {
	svc         *Service
	home, other *kms.Client
	ctl         *ControlClient
}

const secondTestRegion = DefaultSecondRegion

func newMREnv(t *testing.T) *mrEnv {
	t.Helper()
	svc, url := startReference(t, Options{})
	if got := svc.Regions(); len(got) != 3 || got[0] != testRegion || got[1] != secondTestRegion || got[2] != DefaultThirdRegion {
		t.Fatalf("Regions() = %v, want [%s %s %s]", got, testRegion, secondTestRegion, DefaultThirdRegion)
	}
	return &mrEnv{svc: svc, home: kmsClient(t, url, testAccessKey), other: regionClient(url, testAccessKey, secondTestRegion), ctl: &ControlClient{BaseURL: url}}
}

func regionClient(url, accessKey, region string) *kms.Client {
	return kms.New(kms.Options{
		Region:           region,
		BaseEndpoint:     aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider(accessKey, testSecretKey, ""),
		RetryMaxAttempts: 1,
	})
}

func (e *mrEnv) primary(t *testing.T, in *kms.CreateKeyInput) string {
	t.Helper()
	in.MultiRegion = aws.Bool(true)
	out, err := e.home.CreateKey(testCtx(t), in)
	wantCode(t, err, "")
	return *out.KeyMetadata.KeyId
}

func (e *mrEnv) replicate(t *testing.T, id string) *kms.ReplicateKeyOutput {
	t.Helper()
	out, err := e.home.ReplicateKey(testCtx(t), &kms.ReplicateKeyInput{KeyId: aws.String(id), ReplicaRegion: aws.String(secondTestRegion)})
	wantCode(t, err, "")
	return out
}

// settle waits until the key in c's Region has left a transition.
func settle(t *testing.T, c *kms.Client, id string, want types.KeyState) *types.KeyMetadata {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, err := c.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: aws.String(id)})
		wantCode(t, err, "")
		if out.KeyMetadata.KeyState == want {
			return out.KeyMetadata
		}
		if time.Now().After(deadline) {
			t.Fatalf("key %s is %s, want %s", id, out.KeyMetadata.KeyState, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRegionsServed(t *testing.T) {
	for _, tc := range []struct {
		region string
		listed []string
		want   []string
		bad    bool
	}{
		{"us-east-1", nil, []string{"us-east-1", "us-west-2", "eu-central-1"}, false},
		{"us-west-2", nil, []string{"us-west-2", "us-east-1", "eu-central-1"}, false},
		{"eu-central-1", nil, []string{"eu-central-1", "us-west-2", "us-east-1"}, false},
		{"cn-north-1", nil, []string{"cn-north-1", "cn-northwest-1"}, false},
		{"eu-west-1", []string{"eu-west-1", "eu-central-1", "eu-central-1"}, []string{"eu-west-1", "eu-central-1"}, false},
		{"us-east-1", []string{"not a region"}, nil, true},
	} {
		got, err := servedRegions(tc.region, tc.listed)
		if (err != nil) != tc.bad || (!tc.bad && !equalStrings(got, tc.want)) {
			t.Errorf("servedRegions(%s, %v) = %v, %v; want %v (error %v)", tc.region, tc.listed, got, err, tc.want, tc.bad)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Each Region has its own keys; a Region not served is refused as before.
func TestRegionsAreSeparate(t *testing.T) {
	e := newMREnv(t)
	_, url := startReference(t, Options{})
	id := e.primary(t, &kms.CreateKeyInput{})
	_, err := e.other.DescribeKey(testCtx(t), &kms.DescribeKeyInput{KeyId: aws.String(id)})
	wantCode(t, err, "NotFoundException")
	_, err = regionClient(url, testAccessKey, "ap-south-1").ListKeys(testCtx(t), &kms.ListKeysInput{})
	wantCode(t, err, "InvalidSignatureException")
	single, url1 := startReference(t, Options{Regions: []string{testRegion}})
	if len(single.Regions()) != 1 {
		t.Fatalf("Regions() = %v, want one", single.Regions())
	}
	_, err = regionClient(url1, testAccessKey, secondTestRegion).ListKeys(testCtx(t), &kms.ListKeysInput{})
	wantCode(t, err, "InvalidSignatureException")
}

func TestReplicateKeySharesMaterial(t *testing.T) {
	e := newMREnv(t)
	ctx := testCtx(t)
	id := e.primary(t, &kms.CreateKeyInput{Description: aws.String("primary")})
	out := e.replicate(t, id)
	md := out.ReplicaKeyMetadata
	if md.KeyState != types.KeyStateCreating || md.Enabled || *md.KeyId != id || md.MultiRegionConfiguration.MultiRegionKeyType != types.MultiRegionKeyTypeReplica ||
		*md.Description != "" || len(md.MultiRegionConfiguration.ReplicaKeys) != 1 || *md.MultiRegionConfiguration.PrimaryKey.Region != testRegion {
		t.Fatalf("ReplicaKeyMetadata = %+v", md)
	}
	if out.ReplicaPolicy == nil || !bytes.Contains([]byte(*out.ReplicaPolicy), []byte("kms:*")) {
		t.Errorf("ReplicaPolicy = %v, want the default policy", out.ReplicaPolicy)
	}
	_, err := e.other.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(id), Plaintext: []byte("x")})
	wantCode(t, err, "KMSInvalidStateException") // Creating
	settle(t, e.other, id, types.KeyStateEnabled)
	home := settle(t, e.home, id, types.KeyStateEnabled)
	if cfg := home.MultiRegionConfiguration; cfg.MultiRegionKeyType != types.MultiRegionKeyTypePrimary || len(cfg.ReplicaKeys) != 1 || *cfg.ReplicaKeys[0].Region != secondTestRegion {
		t.Errorf("primary's MultiRegionConfiguration = %+v", cfg)
	}

	enc, err := e.home.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(id), Plaintext: []byte("across Regions")})
	wantCode(t, err, "")
	dec, err := e.other.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	wantCode(t, err, "")
	if string(dec.Plaintext) != "across Regions" {
		t.Errorf("the replica decrypted %q", dec.Plaintext)
	}
	_, err = e.home.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(id), ReplicaRegion: aws.String(secondTestRegion)})
	wantCode(t, err, "AlreadyExistsException")
	_, err = e.other.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: aws.String(id), ReplicaRegion: aws.String(testRegion)})
	wantCode(t, err, "UnsupportedOperationException")

	single, err := e.home.CreateKey(ctx, &kms.CreateKeyInput{})
	wantCode(t, err, "")
	_, err = e.home.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: single.KeyMetadata.KeyId, ReplicaRegion: aws.String(secondTestRegion)})
	wantCode(t, err, "UnsupportedOperationException")
}

// A ciphertext of a key that is not the replica's primary does not decrypt there.
func TestReplicaDecryptsOnlyItsPrimarysCiphertexts(t *testing.T) {
	e := newMREnv(t)
	ctx := testCtx(t)
	a := e.primary(t, &kms.CreateKeyInput{})
	b := e.primary(t, &kms.CreateKeyInput{})
	e.replicate(t, a)
	settle(t, e.other, a, types.KeyStateEnabled)
	enc, err := e.home.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(b), Plaintext: []byte("x")})
	wantCode(t, err, "")
	_, err = e.other.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	wantCode(t, err, "NotFoundException")
}

func TestReplicaSignaturesVerify(t *testing.T) {
	e := newMREnv(t)
	ctx := testCtx(t)
	id := e.primary(t, &kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeSignVerify})
	e.replicate(t, id)
	settle(t, e.other, id, types.KeyStateEnabled)
	sig, err := e.other.Sign(ctx, &kms.SignInput{KeyId: aws.String(id), Message: []byte("m"), SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256})
	wantCode(t, err, "")
	v, err := e.home.Verify(ctx, &kms.VerifyInput{KeyId: aws.String(id), Message: []byte("m"), Signature: sig.Signature, SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256})
	wantCode(t, err, "")
	if !v.SignatureValid {
		t.Error("the primary did not verify its replica's signature")
	}
}

func TestCreatingAndUpdatingHeldThroughControl(t *testing.T) {
	e := newMREnv(t)
	ctx := testCtx(t)
	id := e.primary(t, &kms.CreateKeyInput{})
	if _, err := e.ctl.HoldKey(ctx, id); err != nil {
		t.Fatal(err)
	}
	e.replicate(t, id)
	time.Sleep(3 * transitionLatency)
	settle(t, e.other, id, types.KeyStateCreating)
	_, err := e.other.EnableKey(ctx, &kms.EnableKeyInput{KeyId: aws.String(id)})
	wantCode(t, err, "KMSInvalidStateException")
	st, err := e.ctl.ReleaseKey(ctx, id)
	if err != nil || st.States[secondTestRegion] != KeyEnabled {
		t.Fatalf("release: %+v, %v", st, err)
	}

	if _, err := e.ctl.HoldKey(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err = e.home.UpdatePrimaryRegion(ctx, &kms.UpdatePrimaryRegionInput{KeyId: aws.String(id), PrimaryRegion: aws.String(secondTestRegion)})
	wantCode(t, err, "")
	time.Sleep(3 * transitionLatency)
	md := settle(t, e.home, id, types.KeyStateUpdating)
	if md.MultiRegionConfiguration.MultiRegionKeyType != types.MultiRegionKeyTypeReplica {
		t.Errorf("the former primary is %s", md.MultiRegionConfiguration.MultiRegionKeyType)
	}
	settle(t, e.other, id, types.KeyStateUpdating)
	_, err = e.home.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(id), Plaintext: []byte("x")})
	wantCode(t, err, "") // UpdatePrimaryRegion.10
	_, err = e.home.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(id)})
	wantCode(t, err, "KMSInvalidStateException")
	if _, err := e.ctl.ReleaseKey(ctx, id); err != nil {
		t.Fatal(err)
	}
	settle(t, e.home, id, types.KeyStateEnabled)
	md = settle(t, e.other, id, types.KeyStateEnabled)
	if md.MultiRegionConfiguration.MultiRegionKeyType != types.MultiRegionKeyTypePrimary {
		t.Errorf("the new primary is %s", md.MultiRegionConfiguration.MultiRegionKeyType)
	}
	_, err = e.home.UpdatePrimaryRegion(ctx, &kms.UpdatePrimaryRegionInput{KeyId: aws.String(id), PrimaryRegion: aws.String(secondTestRegion)})
	wantCode(t, err, "UnsupportedOperationException") // no longer the primary
}

func TestPendingReplicaDeletion(t *testing.T) {
	e := newMREnv(t)
	ctx := testCtx(t)
	id := e.primary(t, &kms.CreateKeyInput{})
	e.replicate(t, id)
	settle(t, e.other, id, types.KeyStateEnabled)
	out, err := e.home.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(id), PendingWindowInDays: aws.Int32(7)})
	wantCode(t, err, "")
	if out.KeyState != types.KeyStatePendingReplicaDeletion || out.DeletionDate != nil {
		t.Fatalf("ScheduleKeyDeletion = %s, %v", out.KeyState, out.DeletionDate)
	}
	_, err = e.home.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(id)})
	wantCode(t, err, "KMSInvalidStateException")
	_, err = e.home.EnableKey(ctx, &kms.EnableKeyInput{KeyId: aws.String(id)})
	wantCode(t, err, "KMSInvalidStateException")
	_, err = e.other.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(id), PendingWindowInDays: aws.Int32(7)})
	wantCode(t, err, "")
	if _, err := e.ctl.AdvanceAccountClock(ctx, testAccountID, 8*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	md := settle(t, e.home, id, types.KeyStatePendingDeletion)
	if md.DeletionDate == nil || len(md.MultiRegionConfiguration.ReplicaKeys) != 0 {
		t.Errorf("after its replica's deletion the primary is %+v", md)
	}
	_, err = e.other.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	wantCode(t, err, "NotFoundException")
}

func TestReplicaOfImportedKey(t *testing.T) {
	e := newMREnv(t)
	ctx := testCtx(t)
	id := e.primary(t, &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
	material := randomBytes(32)
	importInto(t, e.home, id, material)
	e.replicate(t, id)
	settle(t, e.other, id, types.KeyStatePendingImport)
	wrong := randomBytes(32)
	p, err := e.other.GetParametersForImport(ctx, &kms.GetParametersForImportInput{KeyId: aws.String(id), WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256, WrappingKeySpec: types.WrappingKeySpecRsa2048})
	wantCode(t, err, "")
	_, err = e.other.ImportKeyMaterial(ctx, importInput(t, id, p, wrong))
	wantCode(t, err, "IncorrectKeyMaterialException")
	importInto(t, e.other, id, material)
	settle(t, e.other, id, types.KeyStateEnabled)
	enc, err := e.home.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(id), Plaintext: []byte("x")})
	wantCode(t, err, "")
	_, err = e.other.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	wantCode(t, err, "")
}

func importInput(t *testing.T, id string, p *kms.GetParametersForImportOutput, material []byte) *kms.ImportKeyMaterialInput {
	t.Helper()
	return &kms.ImportKeyMaterialInput{KeyId: aws.String(id), ImportToken: p.ImportToken, ExpirationModel: types.ExpirationModelTypeKeyMaterialDoesNotExpire,
		EncryptedKeyMaterial: wrapForImport(t, p.PublicKey, string(types.AlgorithmSpecRsaesOaepSha256), material)}
}

func importInto(t *testing.T, c *kms.Client, id string, material []byte) {
	t.Helper()
	p, err := c.GetParametersForImport(testCtx(t), &kms.GetParametersForImportInput{KeyId: aws.String(id), WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256, WrappingKeySpec: types.WrappingKeySpecRsa2048})
	wantCode(t, err, "")
	_, err = c.ImportKeyMaterial(testCtx(t), importInput(t, id, p, material))
	wantCode(t, err, "")
}
