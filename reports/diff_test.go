package reports

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// scenarioByCond returns a pointer to the run's scenario tagged cond.
func scenarioByCond(t *testing.T, r *Run, cond string) *Scenario {
	t.Helper()
	for i := range r.Scenarios {
		if slices.Contains(r.Scenarios[i].Conditions, cond) {
			return &r.Scenarios[i]
		}
	}
	t.Fatalf("no scenario for %s", cond)
	return nil
}

func changeConds(list []Change) []string {
	var out []string
	for _, c := range list {
		s := c.Scenario()
		if len(s.Conditions) == 0 {
			out = append(out, s.Name)
			continue
		}
		out = append(out, s.Conditions...)
	}
	slices.Sort(out)
	return out
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name string
		// edit turns the baseline (A) into the compared run (B).
		edit                                        func(t *testing.T, b *Run)
		newlyFailing, fixed, codeChanged, otherwise []string
		added, removed                              []string
	}{
		{name: "identical runs", edit: func(*testing.T, *Run) {}},
		{
			name: "a pass turns into a failure with another error code",
			edit: func(t *testing.T, b *Run) {
				s := scenarioByCond(t, b, "DeleteCustomKeyStore.01")
				s.Status, s.Observed, s.Reason = StatusFailed, "ValidationException", "expected CustomKeyStoreHasCMKsException, got ValidationException"
			},
			newlyFailing: []string{"DeleteCustomKeyStore.01"},
			codeChanged:  []string{"DeleteCustomKeyStore.01"},
		},
		{
			name: "a failure is fixed",
			edit: func(t *testing.T, b *Run) {
				s := scenarioByCond(t, b, "DeleteCustomKeyStore.02")
				s.Status, s.Observed, s.Reason = StatusPassed, "CustomKeyStoreInvalidStateException", ""
			},
			fixed:       []string{"DeleteCustomKeyStore.02"},
			codeChanged: []string{"DeleteCustomKeyStore.02"},
		},
		{
			name: "an unsupported operation becomes implemented",
			edit: func(t *testing.T, b *Run) {
				s := scenarioByCond(t, b, "DisconnectCustomKeyStore.02")
				s.Status, s.Unsupported, s.Observed = StatusPassed, false, "CustomKeyStoreInvalidStateException"
			},
			fixed:       []string{"DisconnectCustomKeyStore.02"},
			codeChanged: []string{"DisconnectCustomKeyStore.02"},
		},
		{
			name: "unsupported to failed is an outcome change, not a new failure",
			edit: func(t *testing.T, b *Run) {
				s := scenarioByCond(t, b, "DisconnectCustomKeyStore.02")
				s.Unsupported, s.Observed = false, "KMSInternalException"
			},
			otherwise:   []string{"DisconnectCustomKeyStore.02"},
			codeChanged: []string{"DisconnectCustomKeyStore.02"},
		},
		{
			name: "same outcome, different code: both fail, differently",
			edit: func(t *testing.T, b *Run) {
				scenarioByCond(t, b, "DeleteImportedKeyMaterial.02").Observed = "KMSInternalException"
			},
			codeChanged: []string{"DeleteImportedKeyMaterial.02"},
		},
		{
			name: "a skip is neither a failure nor a code change",
			edit: func(t *testing.T, b *Run) {
				s := scenarioByCond(t, b, "DeleteCustomKeyStore.03")
				s.Status, s.Observed, s.Reason = StatusSkipped, "", "the target has no control API"
			},
			otherwise: []string{"DeleteCustomKeyStore.03"},
		},
		{
			name: "a skip that now runs and fails is newly failing",
			edit: func(t *testing.T, b *Run) {
				s := scenarioByCond(t, b, "DeleteCustomKeyStore.05")
				s.Status, s.Observed = StatusFailed, "ValidationException"
			},
			newlyFailing: []string{"DeleteCustomKeyStore.05"},
		},
		{
			name: "scenarios added and removed",
			edit: func(t *testing.T, b *Run) {
				b.Scenarios = slices.DeleteFunc(b.Scenarios, func(s Scenario) bool { return slices.Contains(s.Conditions, "DeleteImportedKeyMaterial.04") })
				b.Scenarios = append(b.Scenarios, newScenario(scenarioSpec{file: dikFile, name: "Deleting key material with an alias name",
					cond: "DeleteImportedKeyMaterial.05", errorCode: "NotFoundException", status: StatusFailed, observed: "ValidationException"}))
			},
			added:   []string{"DeleteImportedKeyMaterial.05"},
			removed: []string{"DeleteImportedKeyMaterial.04"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := sampleRun(), sampleRun()
			b.Started = a.Started.Add(24 * time.Hour)
			tc.edit(t, b)
			d := Compare(a, b)
			for _, check := range []struct {
				what      string
				got, want []string
			}{
				{"newly failing", changeConds(d.NewlyFailing), tc.newlyFailing},
				{"fixed", changeConds(d.Fixed), tc.fixed},
				{"code changed", changeConds(d.CodeChanged), tc.codeChanged},
				{"other outcome changes", changeConds(d.OutcomeChanged), tc.otherwise},
				{"added", changeConds(d.Added), tc.added},
				{"removed", changeConds(d.Removed), tc.removed},
			} {
				if !slices.Equal(check.got, check.want) {
					t.Errorf("%s = %v, want %v", check.what, check.got, check.want)
				}
			}
			wantEmpty := len(tc.newlyFailing)+len(tc.fixed)+len(tc.codeChanged)+len(tc.otherwise)+len(tc.added)+len(tc.removed) == 0
			if d.Empty() != wantEmpty {
				t.Errorf("Empty() = %v, want %v", d.Empty(), wantEmpty)
			}
			changed := map[string]bool{}
			for _, row := range buildPairMatrix(a, b).Rows {
				for _, c := range append(row.Cells, row.Extra...) {
					if c.Changed {
						changed[strings.SplitN(c.Title, "\n", 2)[0]] = true
					}
				}
			}
			for _, c := range slices.Concat(tc.newlyFailing, tc.fixed, tc.otherwise, tc.added, tc.removed) {
				if !changed[c] {
					t.Errorf("side-by-side matrix does not mark %s as changed (changed: %v)", c, changed)
				}
				delete(changed, c)
			}
			if len(changed) > 0 {
				t.Errorf("side-by-side matrix marks unchanged conditions: %v", changed)
			}
			var text, html bytes.Buffer
			if err := d.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if err := d.WriteHTML(&html); err != nil {
				t.Fatal(err)
			}
			for _, c := range tc.newlyFailing {
				if !strings.Contains(text.String(), "Newly failing (1)") || !strings.Contains(text.String(), c) {
					t.Errorf("text diff does not list %s as newly failing:\n%s", c, text.String())
				}
			}
			checkSelfContained(t, html.Bytes())
		})
	}
}

// An emulator against real KMS: the different error codes are the point.
func TestCompareTextNamesBothCodes(t *testing.T) {
	a, b := sampleRun(), sampleRun()
	b.Target = Target{Name: "AWS KMS", Endpoint: "https://kms.us-east-1.amazonaws.com", Region: "us-east-1"}
	s := scenarioByCond(t, b, "DeleteCustomKeyStore.02")
	s.Status, s.Observed, s.Reason = StatusPassed, "CustomKeyStoreInvalidStateException", ""
	var out bytes.Buffer
	if err := Compare(a, b).WriteText(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"A: local-kms 3.12", "B: AWS KMS", "Fixed (1)",
		"Different error code (1)", "A returned ValidationException, B returned CustomKeyStoreInvalidStateException (documented: CustomKeyStoreInvalidStateException)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("diff text lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBuildTrend(t *testing.T) {
	night := func(n int, edit func(t *testing.T, r *Run)) func(t *testing.T) *Run {
		return func(t *testing.T) *Run {
			r := sampleRun()
			r.Started = testStart.Add(time.Duration(n) * 24 * time.Hour)
			if edit != nil {
				edit(t, r)
			}
			return r
		}
	}
	fail := func(cond string) func(t *testing.T, r *Run) {
		return func(t *testing.T, r *Run) { scenarioByCond(t, r, cond).Status = StatusFailed }
	}
	pass := func(cond string) func(t *testing.T, r *Run) {
		return func(t *testing.T, r *Run) {
			s := scenarioByCond(t, r, cond)
			s.Status, s.Unsupported = StatusPassed, false
		}
	}
	tests := []struct {
		name  string
		runs  []func(t *testing.T) *Run // given out of order on purpose
		flips map[string]int
		// rates of the custom-key-stores family, oldest first
		rates []string
	}{
		{
			name:  "stable nights have no flips",
			runs:  []func(t *testing.T) *Run{night(2, nil), night(1, nil), night(3, nil)},
			flips: map[string]int{},
			rates: []string{"67%", "67%", "67%"},
		},
		{
			name:  "a flaky condition flips each night; order comes from Started, not the arguments",
			runs:  []func(t *testing.T) *Run{night(3, fail("DeleteCustomKeyStore.01")), night(1, fail("DeleteCustomKeyStore.01")), night(2, nil)},
			flips: map[string]int{"DeleteCustomKeyStore.01": 2},
			rates: []string{"50%", "67%", "50%"},
		},
		{
			name:  "a fix flips once; a condition absent one night is not a flip",
			runs:  []func(t *testing.T) *Run{night(1, nil), night(2, pass("DisconnectCustomKeyStore.02")), night(3, func(t *testing.T, r *Run) { pass("DisconnectCustomKeyStore.02")(t, r); r.Scenarios = r.Scenarios[1:] })},
			flips: map[string]int{"DisconnectCustomKeyStore.02": 1},
			rates: []string{"67%", "83%", "80%"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var runs []*Run
			for _, mk := range tc.runs {
				runs = append(runs, mk(t))
			}
			tr := BuildTrend(runs)
			if !slices.IsSortedFunc(tr.Runs, func(a, b *Run) int { return a.Started.Compare(b.Started) }) {
				t.Error("runs are not ordered by Started")
			}
			got := map[string]int{}
			for _, f := range tr.Flips {
				got[f.Condition] = f.Count
			}
			if len(got) != len(tc.flips) {
				t.Errorf("flips = %v, want %v", got, tc.flips)
			}
			for c, n := range tc.flips {
				if got[c] != n {
					t.Errorf("flips[%s] = %d, want %d", c, got[c], n)
				}
			}
			var rates []string
			for _, s := range tr.Series {
				if s.Family == "custom-key-stores" {
					for _, p := range s.Points {
						rates = append(rates, pct(p.Rate))
					}
				}
			}
			if !slices.Equal(rates, tc.rates) {
				t.Errorf("custom-key-stores rates = %v, want %v", rates, tc.rates)
			}
			var text, svg, html bytes.Buffer
			if err := tr.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			for c := range tc.flips {
				if !strings.Contains(text.String(), c) {
					t.Errorf("text trend does not list %s:\n%s", c, text.String())
				}
			}
			if err := tr.WriteSVG(&svg); err != nil {
				t.Fatal(err)
			}
			checkWellFormedXML(t, svg.Bytes())
			if got := strings.Count(svg.String(), "<path "); got != len(tr.Series) {
				t.Errorf("chart has %d lines, want one per family (%d)", got, len(tr.Series))
			}
			if err := tr.WriteHTML(&html); err != nil {
				t.Fatal(err)
			}
			checkSelfContained(t, html.Bytes())
		})
	}
}

// A family missing from a night leaves a gap in its line rather than a
// drop to zero.
func TestTrendChartLeavesGaps(t *testing.T) {
	a, b, c := sampleRun(), sampleRun(), sampleRun()
	b.Started, c.Started = testStart.Add(24*time.Hour), testStart.Add(48*time.Hour)
	b.Scenarios = slices.DeleteFunc(b.Scenarios, func(s Scenario) bool { return s.Family() == "retries" })
	chart := BuildTrend([]*Run{a, b, c}).chart()
	for _, l := range chart.Lines {
		if l.Family == "retries" && (strings.Count(l.Path, "M") != 2 || len(l.Points) != 2) {
			t.Errorf("retries path %q with %d points, want two separate 1-point segments", l.Path, len(l.Points))
		}
	}
}

func TestTrendSVGWithXmllint(t *testing.T) {
	xmllint := findTool(t, "xmllint", "apt-get install -y libxml2-utils")
	a, b := sampleRun(), sampleRun()
	b.Started = testStart.Add(24 * time.Hour)
	path := filepath.Join(t.TempDir(), "trend.svg")
	var svg bytes.Buffer
	if err := BuildTrend([]*Run{a, b}).WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, svg.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", path).CombinedOutput(); err != nil {
		t.Errorf("xmllint: %v\n%s", err, out)
	}
}
