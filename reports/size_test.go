package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// fullRun is as large as a run of the whole suite: 900 scenarios, 5,400
// exchanges (over 10 MB of them in results.json) with SDK headers, unique
// request and key IDs, and bodies from a few bytes to 64 KiB; some are client
// retry scenarios, with timelines.
func fullRun() *Run {
	rng := rand.New(rand.NewPCG(1, 2))
	hex := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte("0123456789abcdef"[rng.IntN(16)])
		}
		return b.String()
	}
	uuid := func() string { return hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12) }
	ops := []string{"CreateKey", "DescribeKey", "CreateCustomKeyStore", "UpdateCustomKeyStore", "ImportKeyMaterial", "GetParametersForImport",
		"ScheduleKeyDeletion", "CancelKeyDeletion", "EnableKey", "DisableKey", "DeleteImportedKeyMaterial", "GenerateRandom"}
	run := &Run{Tool: Tool{Name: "kmsconform", Version: "dev"}, Target: Target{Name: "reference", Endpoint: "http://127.0.0.1:4566", Region: "us-east-1"},
		SDKs: map[string]string{"github.com/aws/aws-sdk-go-v2/service/kms": "v1.63.0"}, Started: testStart, Finished: testStart.Add(2 * time.Minute)}
	for i := range 900 {
		op := ops[i%len(ops)]
		family := []string{"keys", "custom-key-stores", "imported-key-material", "retries"}[i%4]
		sp := scenarioSpec{
			file: fmt.Sprintf("features/%s/%s.feature", family, strings.ToLower(op)), name: fmt.Sprintf("%s rejects case %d of its documented conditions", op, i),
			cond: fmt.Sprintf("%s.%02d", op, 1+i/len(ops)%40), errorCode: "ValidationException", status: StatusPassed, observed: "ValidationException",
		}
		if i%9 == 0 {
			sp.cond = fmt.Sprintf("%s.V.Member%d.length", op, i%7)
		}
		if i%25 == 0 {
			sp.status, sp.reason = StatusSkipped, "needs a real CloudHSM cluster; the target has none"
		}
		if family == "retries" && i%30 < 4 {
			sp.tags = []string{"@retries"}
		}
		s := newScenario(sp)
		s.Steps = append(s.Steps, Step{Keyword: "And", Text: "the key store " + uuid() + " is still DISCONNECTED", Status: s.Steps[0].Status, Duration: time.Millisecond})
		s.Exchanges = nil
		retry := slices.Contains(sp.tags, "@retries")
		invocation := uuid()
		for j := range 6 {
			if !retry {
				invocation = uuid()
			}
			keyID := uuid()
			at := testStart.Add(time.Duration(i)*100*time.Millisecond + time.Duration(j)*7*time.Millisecond)
			body := fmt.Sprintf(`{"KeyId":"%s","Description":"kmsconform-%s"}`, keyID, hex(10))
			resp := fmt.Sprintf(`{"KeyMetadata":{"AWSAccountId":"111122223333","Arn":"arn:aws:kms:us-east-1:111122223333:key/%s","CreationDate":1.7650e9,"Enabled":true,"KeyId":"%s","KeyManager":"CUSTOMER","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled","KeyUsage":"ENCRYPT_DECRYPT","MultiRegion":false,"Origin":"AWS_KMS","EncryptionAlgorithms":["SYMMETRIC_DEFAULT"]}}`, keyID, keyID)
			switch {
			case j == 5:
				resp = responseBody("ValidationException")
			case i%6 == 0 && j == 0:
				var keys []string
				for range 100 {
					id := uuid()
					keys = append(keys, fmt.Sprintf(`{"KeyArn":"arn:aws:kms:us-east-1:111122223333:key/%s","KeyId":"%s"}`, id, id))
				}
				resp = `{"Keys":[` + strings.Join(keys, ",") + `],"Truncated":false}`
			case i%300 == 0 && j == 1:
				body = `{"Policy":"` + strings.Repeat("a", 64*1024) + `"}`
			}
			e := Exchange{
				Seq: int64(i*6 + j), InvocationID: invocation, Attempt: 1 + j%3, Operation: op, Received: at,
				UpstreamLatency: time.Duration(rng.IntN(900)) * time.Microsecond, Total: time.Duration(1+rng.IntN(900)) * time.Microsecond, Status: 200,
				Request: Message{Headers: map[string]string{
					"Accept-Encoding": "gzip", "Amz-Sdk-Invocation-Id": invocation, "Amz-Sdk-Request": fmt.Sprintf("attempt=%d; max=3", 1+j%3),
					"Authorization":  "AWS4-HMAC-SHA256 Credential=AKIAKMSCONFORMTEST01/20261124/us-east-1/kms/aws4_request, Signature=" + hex(64),
					"Content-Length": fmt.Sprint(len(body)), "Content-Type": "application/x-amz-json-1.1",
					"User-Agent":            "aws-sdk-go-v2/1.48.0 ua/2.1 os/linux lang/go#1.26.8 md/GOOS#linux md/GOARCH#amd64 api/kms#1.63.0 app/kmsconform m/e",
					"X-Amz-Date":            at.Format("20060102T150405Z"),
					"X-Amz-Target":          "TrentService." + op,
					"X-Kmsconform-Scenario": s.URI + ": " + s.Name,
				}, Body: body},
				Response: Message{Headers: map[string]string{"Content-Type": "application/x-amz-json-1.1", "Date": at.Format(time.RFC1123), "X-Amzn-Requestid": uuid()}, Body: resp},
			}
			if j == 5 {
				e.Status, e.ErrorCode = 400, "ValidationException"
			}
			s.Exchanges = append(s.Exchanges, e)
		}
		run.Scenarios = append(run.Scenarios, s)
	}
	return run
}

// reportSizeLimit bounds report.html for a run of the whole suite: a page
// people open, attach and archive.
const reportSizeLimit = 3_000_000

func TestReportOfAFullRunStaysSmall(t *testing.T) {
	run, err := Seal(fullRun())
	if err != nil {
		t.Fatal(err)
	}
	evidence := 0 // bytes, as results.json holds it
	for _, s := range run.Scenarios {
		b, err := json.Marshal(s.Exchanges)
		if err != nil {
			t.Fatal(err)
		}
		evidence += len(b)
	}
	// The run must be as large as a real one, or the bound proves nothing.
	if evidence < 10_000_000 {
		t.Fatalf("the synthetic run holds %d bytes of evidence; a full run holds about 10 MB", evidence)
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, run); err != nil {
		t.Fatal(err)
	}
	t.Logf("report.html: %d bytes for %d scenarios with %d bytes of evidence", page.Len(), len(run.Scenarios), evidence)
	if page.Len() > reportSizeLimit {
		t.Errorf("report.html is %d bytes, over %d", page.Len(), reportSizeLimit)
	}
	// Everything is still on the page: every exchange's response body.
	embedded, err := EmbeddedEvidence(page.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(embedded), `"rb":`); n < 5000 {
		t.Errorf("the page embeds %d response bodies' references, want one per exchange", n)
	}
	for _, want := range []string{`\"KeyId\": \"` + run.Scenarios[899].Exchanges[5].Request.Body[10:46], "arn:aws:kms:us-east-1:111122223333:key/"} {
		if !strings.Contains(string(embedded), want) {
			t.Errorf("the embedded evidence lacks %q", want)
		}
	}
}
