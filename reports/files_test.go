package reports

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestWriteAllThenReadRunRoundTrips(t *testing.T) {
	dir := t.TempDir()
	run := sampleRun()
	if err := WriteAll(dir, run); err != nil {
		t.Fatal(err)
	}
	if run.Digest != "" {
		t.Error("WriteAll modified the caller's run")
	}
	for _, name := range []string{ResultsFile, HTMLFile, SummaryFile} {
		if info, err := os.Stat(filepath.Join(dir, name)); err != nil || info.Size() == 0 {
			t.Errorf("%s: missing or empty (%v)", name, err)
		}
	}
	for _, path := range []string{dir, filepath.Join(dir, ResultsFile)} {
		got, err := ReadRun(path)
		if err != nil {
			t.Fatalf("ReadRun(%s): %v", path, err)
		}
		if err := got.VerifyDigest(); err != nil {
			t.Errorf("ReadRun(%s): %v", path, err)
		}
		sealed, err := Seal(run)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(normalizeTimes(got), normalizeTimes(sealed)) {
			t.Errorf("ReadRun(%s) differs from what was written", path)
		}
	}
}

// normalizeTimes makes times comparable with reflect.DeepEqual after a JSON
// round trip (which keeps the instant, not the *time.Location pointer).
func normalizeTimes(r *Run) *Run {
	c := *r
	c.Started, c.Finished = c.Started.UTC(), c.Finished.UTC()
	c.Scenarios = nil
	for _, s := range r.Scenarios {
		s.Exchanges = append([]Exchange(nil), s.Exchanges...)
		for i := range s.Exchanges {
			s.Exchanges[i].Received = s.Exchanges[i].Received.UTC()
		}
		c.Scenarios = append(c.Scenarios, s)
	}
	return &c
}

func TestSealDropsWithheldHeadersAndRecountsTotals(t *testing.T) {
	run := sampleRun()
	run.Totals = Totals{Scenarios: 999} // a stale count must not survive
	sealed, err := Seal(run)
	if err != nil {
		t.Fatal(err)
	}
	if sealed.Totals != run.Tally() {
		t.Errorf("totals = %+v, want %+v", sealed.Totals, run.Tally())
	}
	want := Totals{Scenarios: 11, Passed: 7, Failed: 3, Skipped: 1, Unsupported: 1}
	if sealed.Totals != want {
		t.Errorf("totals = %+v, want %+v", sealed.Totals, want)
	}
	raw, err := json.Marshal(sealed)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"deadbeefSECRET", "FQoGZXIvYXdzEXAMPLETOKEN", `"Authorization"`, `"X-Amz-Security-Token"`} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("sealed results contain %q", secret)
		}
	}
	if _, ok := run.Scenarios[0].Exchanges[0].Request.Headers["Authorization"]; !ok {
		t.Error("Seal modified the caller's headers")
	}
}

func TestDigestDetectsEdits(t *testing.T) {
	sealed, err := Seal(sampleRun())
	if err != nil {
		t.Fatal(err)
	}
	if err := sealed.VerifyDigest(); err != nil {
		t.Fatalf("fresh digest: %v", err)
	}
	edits := []struct {
		name string
		edit func(r *Run)
	}{
		{"failed scenario marked passed", func(r *Run) { r.Scenarios[1].Status = StatusPassed }},
		{"reason reworded", func(r *Run) { r.Scenarios[1].Reason += "." }},
		{"totals inflated", func(r *Run) { r.Totals.Passed++ }},
		{"unsupported flag cleared", func(r *Run) { r.Scenarios[5].Unsupported = false }},
		{"endpoint changed", func(r *Run) { r.Target.Endpoint = "https://kms.us-east-1.amazonaws.com" }},
		{"evidence body edited", func(r *Run) { r.Scenarios[0].Exchanges[0].Response.Body = "{}" }},
		{"timestamp moved", func(r *Run) { r.Started = r.Started.Add(time.Nanosecond) }},
		{"scenario removed", func(r *Run) { r.Scenarios = r.Scenarios[1:] }},
		{"sdk version changed", func(r *Run) { r.SDKs["boto3"] = "1.0.0" }},
	}
	for _, tc := range edits {
		t.Run(tc.name, func(t *testing.T) {
			// Edit the file, as someone doctoring a report would.
			dir := t.TempDir()
			if err := WriteAll(dir, sampleRun()); err != nil {
				t.Fatal(err)
			}
			run, err := ReadRun(dir)
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(run)
			path := filepath.Join(dir, ResultsFile)
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := EncodeRun(f, run); err != nil {
				t.Fatal(err)
			}
			f.Close()
			edited, err := ReadRun(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := edited.VerifyDigest(); err == nil || errors.Is(err, ErrNoDigest) {
				t.Errorf("VerifyDigest() = %v, want a mismatch", err)
			}
		})
	}
	unsigned := sampleRun()
	if err := unsigned.VerifyDigest(); !errors.Is(err, ErrNoDigest) {
		t.Errorf("VerifyDigest() without digest = %v, want ErrNoDigest", err)
	}
}

// The digest must survive reformatting of the file: it is defined over the
// canonical form, not the bytes.
func TestDigestIgnoresFormatting(t *testing.T) {
	sealed, err := Seal(sampleRun())
	if err != nil {
		t.Fatal(err)
	}
	pretty, err := json.MarshalIndent(sealed, "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "results.json")
	if err := os.WriteFile(path, pretty, 0o644); err != nil {
		t.Fatal(err)
	}
	run, err := ReadRun(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.VerifyDigest(); err != nil {
		t.Error(err)
	}
}

func TestCanonicalJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		// Member order by UTF-16 code units (RFC 8785 §3.2.3): U+1F600
		// (surrogates D83D DE00) sorts before U+FB33, unlike code point order.
		{`{"b":1,"a":2,"\ufb33":3,"\ud83d\ude00":4,"\u20ac":5}`, "{\"a\":2,\"b\":1,\"\u20ac\":5,\"\U0001F600\":4,\"\ufb33\":3}"},
		{`{"n":[0, -0, 1e21, 1e-7, 0.000001, 1.5, 100, 123456789012]}`, `{"n":[0,0,1e+21,1e-7,0.000001,1.5,100,123456789012]}`},
		{`"\u0001\u001f\n\t\"\\/<>&\u2028"`, "\"\\u0001\\u001f\\n\\t\\\"\\\\/<>&\u2028\""},
		{` { "x" : [ true , false , null ] } `, `{"x":[true,false,null]}`},
	}
	for _, tc := range tests {
		got, err := canonicalJSON([]byte(tc.in))
		if err != nil {
			t.Errorf("canonicalJSON(%s): %v", tc.in, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("canonicalJSON(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestReadRunErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing file", filepath.Join(dir, "nope.json"), "no such file"},
		{"directory without results", t.TempDir(), "no such file"},
		{"not json", write("junk.json", "<html>"), "not a results.json"},
		{"no schema version", write("other.json", `{"name":"x"}`), "no schemaVersion"},
		{"newer schema", write("future.json", `{"schemaVersion":99}`), "newer than this kmsconform"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadRun(tc.path)
			if err == nil {
				t.Fatal("ReadRun succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), filepath.Base(tc.path)) {
				t.Errorf("error %q should name %s and say %q", err, filepath.Base(tc.path), tc.want)
			}
		})
	}
}

func TestSummaryIsShortAndEscaped(t *testing.T) {
	run := sampleRun()
	for i := range 40 {
		s := run.Scenarios[1]
		s.ID += string(rune('a' + i))
		s.Name = "<b>bold</b> | pipe *star* " + s.Name
		run.Scenarios = append(run.Scenarios, s)
	}
	var b strings.Builder
	if err := WriteSummary(&b, run); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if lines := strings.Count(out, "\n"); lines > 40 {
		t.Errorf("summary has %d lines, want it short (≤40):\n%s", lines, out)
	}
	if !strings.Contains(out, "and 28 more") {
		t.Errorf("summary does not say how many failures it left out:\n%s", out)
	}
	if strings.Contains(out, "<b>") || strings.Contains(out, " | pipe") || strings.Contains(out, " *star*") {
		t.Errorf("summary lets Markdown/HTML from scenario names through:\n%s", out)
	}
}
