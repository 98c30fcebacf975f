package reference

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/kmsconform/kmsconform/keywrap"
	"github.com/kmsconform/kmsconform/realkms"
)

// otherRegion is the second Region of a replay.
const otherRegion = "us-west-2"

// TestRealKMSReplay replays every recorded answer of real KMS whose
// operation, and every operation of whose setup, the reference implements,
// each in an account of its own, and requires the recorded code, status and
// message, or the recorded success. Entries that need an operation the
// reference lacks are listed, not failed.
func TestRealKMSReplay(t *testing.T) {
	entries, err := realkms.Load()
	if err != nil {
		t.Fatal(err)
	}
	env := newReplayEnv(t)
	implemented := env.home.svc.Operations()
	type pendingOp struct {
		entries int
		missing []string
	}
	pending := map[string]*pendingOp{}
	for i, e := range entries {
		if e.Superseded != "" {
			t.Logf("not replayed: %s, superseded by %s", e.ID, e.Superseded)
			continue
		}
		var missing []string
		for _, op := range e.Operations() {
			if !slices.Contains(implemented, op) {
				missing = append(missing, op)
			}
		}
		if len(missing) > 0 {
			p := pending[e.Operation]
			if p == nil {
				p = &pendingOp{}
				pending[e.Operation] = p
			}
			p.entries++
			for _, op := range missing {
				if !slices.Contains(p.missing, op) {
					p.missing = append(p.missing, op)
				}
			}
			continue
		}
		accessKey := fmt.Sprintf("AKIAREALKMS%09d", i)
		t.Run(e.ID, func(t *testing.T) {
			t.Parallel()
			if err := env.replay(t.Context(), e, accessKey); err != nil {
				t.Errorf("%s:%d: %v", e.File, e.Line, err)
			}
		})
	}
	ops := make([]string, 0, len(pending))
	for op := range pending {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		p := pending[op]
		slices.Sort(p.missing)
		t.Logf("pending: %s: %d entries, needing %s", op, p.entries, strings.Join(p.missing, ", "))
	}
}

// A replay fails when the reference's answer is not the recorded one: the
// checks of TestRealKMSReplay can fail.
func TestRealKMSReplayDetectsWrongAnswers(t *testing.T) {
	entries, err := realkms.Load()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(entries, func(e realkms.Entry) bool { return e.ID == "DescribeKey.not-a-key-id" })
	if i < 0 {
		t.Fatal("no entry DescribeKey.not-a-key-id")
	}
	env := newReplayEnv(t)
	if err := env.replay(t.Context(), entries[i], "AKIAREALKMSWRONG0001"); err != nil {
		t.Fatalf("the entry itself fails: %v", err)
	}
	wrongMessage := "Invalid keyId 'another-key-id'"
	for name, change := range map[string]func(*realkms.Entry){
		"code":    func(e *realkms.Entry) { e.Want.Code = "InvalidArnException" },
		"status":  func(e *realkms.Entry) { e.Want.Status = 404 },
		"message": func(e *realkms.Entry) { e.Want.Message = &wrongMessage },
		"success": func(e *realkms.Entry) { e.Want = realkms.Want{OK: true} },
	} {
		e := entries[i]
		change(&e)
		if err := env.replay(t.Context(), e, "AKIAREALKMSWRONG0001"); err == nil {
			t.Errorf("a wrong %s passed", name)
		}
	}
}

// replayEnv is one reference KMS serving both Regions of a replay.
type replayEnv struct {
	home, other replayRegion
	materials   materials
}

type replayRegion struct {
	svc    *Service
	url    string
	region string
}

func newReplayEnv(t *testing.T) *replayEnv {
	t.Helper()
	svc, url := startReference(t, Options{Region: testRegion, Regions: []string{otherRegion}})
	return &replayEnv{home: replayRegion{svc, url, testRegion}, other: replayRegion{svc, url, otherRegion}}
}

func (env *replayEnv) region(name string) *replayRegion {
	if name == "other" {
		return &env.other
	}
	return &env.home
}

// replay builds e's setup in accessKey's account, sends e's request and
// compares the answer with the recorded one.
func (env *replayEnv) replay(ctx context.Context, e realkms.Entry, accessKey string) error {
	r := &replay{env: env, ctx: ctx, accessKey: accessKey, account: env.home.svc.backing.accountFor(accessKey),
		keys: map[string]*replayKey{}, blobs: map[string]string{}}
	if err := r.setup(e.Setup); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	body, err := realkms.ExpandRequest(e.Request, r.resolve)
	if err != nil {
		return err
	}
	answer, err := env.region(e.Region).call(ctx, accessKey, e.Operation, body)
	if err != nil {
		return err
	}
	return e.Want.Check(answer, r.resolve)
}

// replay is one entry's replay: its account and what its setup made.
type replay struct {
	env       *replayEnv
	ctx       context.Context
	accessKey string
	account   string

	keys  map[string]*replayKey
	blobs map[string]string // base64
}

type replayKey struct {
	id, arn, spec string
	region        *replayRegion
	wrapping      realkms.Material
	materials     []string // the KeyMaterialId of each setup import

	// Import parameters and wrapped material for the request, made once.
	importToken, wrappedMaterial string
}

func (r *replay) setup(s realkms.Setup) error {
	for _, k := range s.Keys {
		if err := r.setupKey(k); err != nil {
			return fmt.Errorf("key %s: %w", k.Name, err)
		}
	}
	for _, b := range s.Blobs {
		if err := r.setupBlob(b); err != nil {
			return fmt.Errorf("blob %s: %w", b.Name, err)
		}
	}
	return nil
}

func (r *replay) setupKey(k realkms.Key) error {
	reg := r.env.region(k.Region)
	create := k.Create
	if create == nil {
		create = map[string]any{}
	}
	var out struct {
		KeyMetadata struct {
			KeyID   string `json:"KeyId"`
			Arn     string
			KeySpec string
		}
	}
	if err := r.ok(reg, "CreateKey", create, &out); err != nil {
		return err
	}
	rk := &replayKey{id: out.KeyMetadata.KeyID, arn: out.KeyMetadata.Arn, spec: out.KeyMetadata.KeySpec, region: reg}
	if k.Material != nil {
		rk.wrapping = *k.Material
	}
	if rk.wrapping.WrappingAlgorithm == "" {
		rk.wrapping.WrappingAlgorithm = "RSAES_OAEP_SHA_256"
	}
	if rk.wrapping.WrappingKeySpec == "" {
		rk.wrapping.WrappingKeySpec = "RSA_2048"
	}
	r.keys[k.Name] = rk
	for n := 1; n <= rk.wrapping.Imports; n++ {
		token, wrapped, err := r.importParameters(rk)
		if err != nil {
			return err
		}
		req := map[string]any{"KeyId": rk.id, "ImportToken": token, "EncryptedKeyMaterial": wrapped, "ExpirationModel": doesNotExpire}
		if n > 1 {
			req["ImportType"] = "NEW_KEY_MATERIAL"
		}
		var out struct {
			KeyMaterialID string `json:"KeyMaterialId"`
		}
		if err := r.ok(reg, "ImportKeyMaterial", req, &out); err != nil {
			return fmt.Errorf("import %d: %w", n, err)
		}
		rk.materials = append(rk.materials, out.KeyMaterialID)
	}
	for _, op := range k.Lifecycle {
		req := map[string]any{"KeyId": rk.id}
		if op == "ReplicateKey" {
			req["ReplicaRegion"] = r.env.other.region
		}
		if err := r.ok(reg, op, req, nil); err != nil {
			return err
		}
	}
	return nil
}

// importParameters gets import parameters for k and wraps fresh key
// material of k's spec with them, as the setup's wrapping says.
func (r *replay) importParameters(k *replayKey) (token, wrapped string, err error) {
	var out struct {
		ImportToken []byte
		PublicKey   []byte
	}
	req := map[string]any{"KeyId": k.id, "WrappingAlgorithm": k.wrapping.WrappingAlgorithm, "WrappingKeySpec": k.wrapping.WrappingKeySpec}
	if err := r.ok(k.region, "GetParametersForImport", req, &out); err != nil {
		return "", "", err
	}
	material, err := r.env.materials.forSpec(k.spec)
	if err != nil {
		return "", "", err
	}
	w, err := keywrap.ForImport(out.PublicKey, k.wrapping.WrappingAlgorithm, material)
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(out.ImportToken), base64.StdEncoding.EncodeToString(w), nil
}

func (r *replay) setupBlob(b realkms.Blob) error {
	body, err := realkms.ExpandRequest(b.Request, r.resolve)
	if err != nil {
		return err
	}
	answer, err := r.env.home.call(r.ctx, r.accessKey, b.Operation, body)
	if err != nil {
		return err
	}
	if answer.Code != "" {
		return fmt.Errorf("%s: %s %q", b.Operation, answer.Code, answer.Message)
	}
	text, _ := answer.Body[b.Member].(string)
	value, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(value) < b.DropPrefix {
		return fmt.Errorf("%s answered no %s of more than %d bytes", b.Operation, b.Member, b.DropPrefix)
	}
	value = append(value[b.DropPrefix:len(value):len(value)], b.Append...)
	r.blobs[b.Name] = base64.StdEncoding.EncodeToString(value)
	return nil
}

// ok sends a setup request, which must succeed, and decodes its answer into out.
func (r *replay) ok(reg *replayRegion, op string, req map[string]any, out any) error {
	body, err := realkms.ExpandRequest(req, r.resolve)
	if err != nil {
		return err
	}
	answer, err := reg.call(r.ctx, r.accessKey, op, body)
	if err != nil {
		return err
	}
	if answer.Code != "" {
		return fmt.Errorf("%s: %s %q", op, answer.Code, answer.Message)
	}
	if out == nil {
		return nil
	}
	raw, err := json.Marshal(answer.Body)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

// resolve gives the value of a placeholder in this replay.
func (r *replay) resolve(ref realkms.Ref) (string, error) {
	switch ref.Name {
	case "region":
		return r.env.home.region, nil
	case "other-region":
		return r.env.other.region, nil
	case "account":
		return r.account, nil
	case "partition":
		return partitionFor(r.env.home.region), nil
	}
	if ref.Attr == "value" {
		v, ok := r.blobs[ref.Name]
		if !ok {
			return "", errors.New("no such blob yet")
		}
		return v, nil
	}
	k, ok := r.keys[ref.Name]
	if !ok {
		return "", errors.New("no such key yet")
	}
	switch ref.Attr {
	case "id":
		return k.id, nil
	case "arn":
		return k.arn, nil
	case "material":
		if ref.N > len(k.materials) {
			return "", fmt.Errorf("key %s has %d imports", ref.Name, len(k.materials))
		}
		return k.materials[ref.N-1], nil
	case "importToken", "wrappedMaterial":
		if k.importToken == "" {
			token, wrapped, err := r.importParameters(k)
			if err != nil {
				return "", err
			}
			k.importToken, k.wrappedMaterial = token, wrapped
		}
		if ref.Attr == "importToken" {
			return k.importToken, nil
		}
		return k.wrappedMaterial, nil
	case "publicKey":
		var out struct{ PublicKey []byte }
		if err := r.ok(k.region, "GetPublicKey", map[string]any{"KeyId": k.id}, &out); err != nil {
			return "", err
		}
		return base64.StdEncoding.EncodeToString(out.PublicKey), nil
	}
	return "", fmt.Errorf("no value for %s", ref)
}

// call sends one KMS request as awsJson1_1, signed with SigV4 for the
// Region, and reads the answer.
func (reg *replayRegion) call(ctx context.Context, accessKey, op string, body []byte) (realkms.Answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, reg.url+"/", bytes.NewReader(body))
	if err != nil {
		return realkms.Answer{}, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "TrentService."+op)
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: testSecretKey}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "kms", reg.region, time.Now()); err != nil {
		return realkms.Answer{}, fmt.Errorf("sign %s: %w", op, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return realkms.Answer{}, fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return realkms.Answer{}, fmt.Errorf("%s: %w", op, err)
	}
	answer := realkms.Answer{Status: resp.StatusCode}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &answer.Body); err != nil {
			return realkms.Answer{}, fmt.Errorf("%s: answer %q: %w", op, raw, err)
		}
		return answer, nil
	}
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return realkms.Answer{}, fmt.Errorf("%s: error answer %q: %w", op, raw, err)
	}
	_, answer.Code, _ = strings.Cut(e.Type, "#")
	if answer.Code == "" {
		answer.Code = e.Type
	}
	answer.Message = e.Message
	return answer, nil
}
