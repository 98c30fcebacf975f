package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/kmsconform/kmsconform/features"
	"github.com/kmsconform/kmsconform/kmserrors"
	"github.com/kmsconform/kmsconform/reference"
	"github.com/kmsconform/kmsconform/reports"
	"github.com/kmsconform/kmsconform/runner"
	"github.com/kmsconform/kmsconform/stepdef"
	"github.com/kmsconform/kmsconform/steps"
)

// wrongKMS is the reference KMS behind a handler that gets one behaviour
// wrong: change decides each KMS answer, mostly by asking the reference
// (exchange.forward) and altering what it says, or by answering without it.
// The control API is the reference's own.
type wrongKMS struct {
	svc     *reference.Service
	control *reference.ControlClient
	change  change
}

// change decides the answer to one KMS request.
type change func(x *exchange) answer

// exchange is one KMS request to a wrongKMS.
type exchange struct {
	k  *wrongKMS
	op string
	in map[string]any
	r  *http.Request // the request as it came, for its credentials
	// next is where forward sends the request: the next of combined
	// changes, or (nil) the reference.
	next change
}

// answer is a KMS answer: a status and a JSON object.
type answer struct {
	status int
	body   map[string]any
}

func (a answer) ok() bool { return a.status == http.StatusOK }

// code is the error code of an error answer.
func (a answer) code() string {
	c, _ := a.body["__type"].(string)
	return c
}

func success(body map[string]any) answer {
	if body == nil {
		body = map[string]any{}
	}
	return answer{status: http.StatusOK, body: body}
}

func failure(code string, status int) answer {
	return answer{status: status, body: map[string]any{"__type": code, "message": "kmsconform wrong endpoint"}}
}

func (k *wrongKMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, reference.ControlPrefix) {
		k.svc.ServeHTTP(w, r)
		return
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	in, err := decodeObject(raw)
	if err != nil {
		// Not an object: a raw validation request; the reference judges it as it is.
		r.Body = io.NopCloser(bytes.NewReader(raw))
		k.svc.ServeHTTP(w, r)
		return
	}
	x := &exchange{k: k, op: strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService."), in: in, r: r}
	a := k.change(x)
	b, err := json.Marshal(a.body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	w.WriteHeader(a.status)
	_, _ = w.Write(b)
}

func decodeObject(b []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return map[string]any{}, nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber() // dates and sizes go back exactly as they came
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("null")
	}
	return m, nil
}

// forward passes the request on as it came: to the next change, or to the
// reference.
func (x *exchange) forward() answer {
	if x.next != nil {
		return x.next(&exchange{k: x.k, op: x.op, in: x.in, r: x.r})
	}
	return x.call(x.op, x.in)
}

// call asks the reference op with input in, as the account that sent x.
func (x *exchange) call(op string, in map[string]any) answer {
	b, err := json.Marshal(in)
	if err != nil {
		return failure("KMSInternalException", http.StatusInternalServerError)
	}
	req := x.r.Clone(x.r.Context())
	req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	req.Header.Set("X-Amz-Target", "TrentService."+op)
	rec := httptest.NewRecorder()
	x.k.svc.ServeHTTP(rec, req)
	body, err := decodeObject(rec.Body.Bytes())
	if err != nil {
		return failure("KMSInternalException", http.StatusInternalServerError)
	}
	return answer{status: rec.Code, body: body}
}

// --- the usual changes ---

// honest is no change at all.
func honest(x *exchange) answer { return x.forward() }

// only applies c to the requests for op; the others are answered honestly.
func only(op string, c change) change {
	return func(x *exchange) answer {
		if x.op != op {
			return x.forward()
		}
		return c(x)
	}
}

// ignored answers op as the reference would answer a request it accepts,
// without doing it: the state change is dropped. ok builds that answer.
func ignored(op string, ok func(x *exchange) answer) change {
	return only(op, func(x *exchange) answer {
		if ok == nil {
			return success(nil)
		}
		return ok(x)
	})
}

// rewritten lets the reference answer op and then changes its successful
// answer with edit.
func rewritten(op string, edit func(x *exchange, out map[string]any)) change {
	return only(op, func(x *exchange) answer {
		a := x.forward()
		if a.ok() {
			edit(x, a.body)
		}
		return a
	})
}

// member returns the JSON object at path in m, or nil.
func member(m map[string]any, path ...string) map[string]any {
	for _, p := range path {
		next, _ := m[p].(map[string]any)
		if next == nil {
			return nil
		}
		m = next
	}
	return m
}

// --- running the suite against a wrong endpoint ---

// wrongCase is an endpoint that gets one thing wrong, and the scenarios run
// against it.
type wrongCase struct {
	name string
	tags string // with ~@retries
	// change makes the wrong behaviour; handler, when set, replaces the
	// reference altogether.
	change  func(k *wrongKMS) change
	handler func() http.Handler
	// setupBreaker marks an endpoint that breaks the scenarios' setup: the
	// steps it fails say nothing about whether their checks can fail.
	setupBreaker bool
	// patient runs with waits long enough for every honest scenario to pass;
	// the others give a state a short while to come.
	patient bool
	// noControl gives the run no control API: its backings come from a
	// config file, as for real KMS.
	noControl bool
	// check asserts what else the case promises about the run.
	check func(t *testing.T, run *reports.Run)
}

// wrongConfig writes the run's config for a wrong endpoint: a second
// account, and waits that are short unless patient, since a wrong endpoint
// often never reaches a state waited for. extra is more of the file.
func wrongConfig(t *testing.T, patient bool, extra string) string {
	t.Helper()
	timeouts := "timeouts: {call: 10s, connect: 2s, disconnect: 2s, poll: 20ms}\n"
	if patient {
		timeouts = "timeouts: {call: 30s, connect: 30s, disconnect: 30s, poll: 20ms}\n"
	}
	cfg := filepath.Join(t.TempDir(), "wrong.yaml")
	body := "secondAccount:\n  accessKeyId: AKIAKMSCONFORMTEST02\n  secretAccessKey: x\n" + timeouts + extra
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// backingsConfig lists, as a config file does, n CloudHSM clusters and n XKS
// proxies that the control API at cc makes: the run gets them without
// getting the control API.
func backingsConfig(t *testing.T, cc *reference.ControlClient, n int) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("cloudhsm:\n")
	for i := range n {
		c, err := cc.CreateCluster(ctx, reference.ClusterPatch{})
		if err != nil {
			t.Fatal(err)
		}
		anchor := filepath.Join(dir, fmt.Sprintf("anchor%d.pem", i))
		if err := os.WriteFile(anchor, []byte(c.TrustAnchorCertificate), 0o600); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "  - {clusterId: %s, trustAnchor: %s, kmsuserPassword: %q}\n", c.ID, anchor, c.KmsuserPassword)
	}
	b.WriteString("xks:\n")
	for range n {
		p, err := cc.CreateXksProxy(ctx, reference.XksProxyPatch{})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "  - {uriEndpoint: %q, uriPath: %q, connectivity: %s, accessKeyId: %q, secretAccessKey: %q, externalKeyId: %q}\n",
			p.URIEndpoint, p.URIPath, p.Connectivity, p.Credential.AccessKeyID, p.Credential.RawSecretAccessKey, p.ExternalKeys[0].ID)
	}
	return b.String()
}

// runWrong runs c's scenarios against c's endpoint.
func runWrong(t *testing.T, c wrongCase) *reports.Run {
	t.Helper()
	k := &wrongKMS{}
	var h http.Handler = k
	if c.handler != nil {
		h = c.handler()
	} else {
		fx := reference.DefaultFixtures()
		fx.CustomKeyStoreQuota = 1000 // stores whose keys are pending deletion stay for 7 days
		svc, err := reference.New(reference.Options{Fixtures: fx})
		if err != nil {
			t.Fatal(err)
		}
		k.svc = svc
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	opts := runner.Options{Endpoint: srv.URL, Control: srv.URL, Credentials: account(primaryAccessKey), Tags: endpointScenarios(c.tags), Concurrency: 8}
	extra := ""
	if c.change != nil {
		k.control = &reference.ControlClient{BaseURL: srv.URL}
		k.change = c.change(k)
		if c.noControl {
			opts.Control, extra = "", backingsConfig(t, k.control, 4)
		}
	}
	opts.Config = wrongConfig(t, c.patient, extra)
	return runSuite(t, opts)
}

func endpointScenarios(tags string) string {
	if tags == "" {
		return conformance
	}
	return tags + " && " + conformance // "," binds tighter than "&&"
}

// --- which checks can fail ---

// outcomeStep is a step definition that checks an outcome, and a family of
// feature files that uses it.
type outcomeStep struct {
	keyword, expr string
	family        string
}

func (s outcomeStep) String() string { return s.family + ": " + s.keyword + " " + s.expr }

// stepMatcher finds the definition behind a step of a feature file.
type stepMatcher struct {
	defs []stepdef.Def
	res  []*regexp.Regexp
}

func newStepMatcher() *stepMatcher {
	m := &stepMatcher{defs: steps.Definitions()}
	for _, d := range m.defs {
		m.res = append(m.res, d.Re)
	}
	return m
}

// match returns the checking definition behind a step, if it checks.
func (m *stepMatcher) match(keyword, text string) (stepdef.Def, bool) {
	for i, d := range m.defs {
		if (d.Keyword == "Step" || d.Keyword == keyword) && m.res[i].MatchString(text) {
			return d, d.Checks
		}
	}
	return stepdef.Def{}, false
}

// family is the directory of a feature file: custom-key-stores, imported-key-material, key-lifecycle.
func family(uri string) string {
	f, _, _ := strings.Cut(uri, "/")
	return f
}

// outcomeSteps lists every checking step that a testable endpoint scenario
// uses, with the family that uses it: the list is derived from the step
// registrations, so a new checking step counts as soon as a feature uses it.
func outcomeSteps(t *testing.T, m *stepMatcher) []outcomeStep {
	t.Helper()
	suite := godog.TestSuite{Options: &godog.Options{FS: features.FS, Paths: []string{"."}}}
	feats, err := suite.RetrieveFeatures()
	if err != nil {
		t.Fatal(err)
	}
	keywords := map[messages.PickleStepType]string{
		messages.PickleStepType_CONTEXT: "Given", messages.PickleStepType_ACTION: "When", messages.PickleStepType_OUTCOME: "Then",
	}
	seen := map[outcomeStep]bool{}
	var out []outcomeStep
	for _, f := range feats {
		for _, p := range f.Pickles {
			if slices.ContainsFunc(p.Tags, func(tag *messages.PickleTag) bool { return tag.Name == "@untestable" || tag.Name == "@retries" }) {
				continue
			}
			for _, st := range p.Steps {
				if d, checks := m.match(keywords[st.Type], st.Text); checks {
					s := outcomeStep{keyword: d.Keyword, expr: d.Expr(), family: family(p.Uri)}
					if !seen[s] {
						seen[s] = true
						out = append(out, s)
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// failedSteps lists the checking steps that failed in a run, by family.
func failedSteps(run *reports.Run, m *stepMatcher) map[outcomeStep]bool {
	failed := map[outcomeStep]bool{}
	for _, s := range run.Scenarios {
		if hasTag(s, "@untestable") {
			continue
		}
		for _, st := range s.Steps {
			if st.Status != "failed" {
				continue
			}
			if d, checks := m.match(st.Keyword, st.Text); checks {
				failed[outcomeStep{keyword: d.Keyword, expr: d.Expr(), family: family(s.URI)}] = true
			}
		}
	}
	return failed
}

// Every check can fail: each step that checks an outcome (every Then step,
// and the Given steps that check), in every family that uses it, fails
// against at least one endpoint that gets something wrong.
func TestWrongEndpointsFailEveryCheck(t *testing.T) {
	t.Parallel()
	m := newStepMatcher()
	var (
		mu     sync.Mutex
		failed = map[outcomeStep][]string{} // the cases that failed each step
	)
	t.Run("endpoints", func(t *testing.T) {
		for _, c := range wrongCases() {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				start := time.Now()
				run := runWrong(t, c)
				t.Logf("%d scenarios in %v", len(run.Scenarios), time.Since(start).Round(100*time.Millisecond))
				if c.check != nil {
					c.check(t, run)
				}
				if c.setupBreaker {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				for s := range failedSteps(run, m) {
					failed[s] = append(failed[s], c.name)
				}
			})
		}
	})
	var never []string
	for _, s := range outcomeSteps(t, m) {
		if len(failed[s]) == 0 {
			never = append(never, s.String())
		} else {
			t.Logf("%s\n    fails against: %s", s, strings.Join(failed[s], "; "))
		}
	}
	if len(never) > 0 {
		t.Errorf("%d outcome checks no wrong endpoint fails:\n  %s", len(never), strings.Join(never, "\n  "))
	}
}

// wrongCases are the wrong endpoints. Each runs only the scenarios that
// show it up, to keep the test fast; together they fail every check.
func wrongCases() []wrongCase {
	ignore := func(op string) func(*wrongKMS) change {
		return func(*wrongKMS) change { return ignored(op, nil) }
	}
	fixed := func(c change) func(*wrongKMS) change { return func(*wrongKMS) change { return c } }
	return append([]wrongCase{
		{
			name: "answers {} to everything", handler: emptyAnswers, setupBreaker: true,
			check: emptyAnswersFailErrorScenarios,
		},
		{
			name: "swaps error codes", patient: true, change: fixed(swapCodes),
			check: swappedCodesFailTheirScenarios,
		},
		{
			// The SDK's retries are off: a client error check must not take throttling for a refusal.
			name: "answers ThrottlingException for every refusal", tags: "@cross-account,@cond:ScheduleKeyDeletion.14",
			change: fixed(throttleRefusals), check: clientErrorsFail,
		},
		{
			name: "ConnectCustomKeyStore does nothing", change: ignore("ConnectCustomKeyStore"),
			tags: "@cond:UpdateCustomKeyStore.08,@cond:ConnectCustomKeyStore.08,@cond:ConnectCustomKeyStore.09,@cond:DeleteCustomKeyStore.11," +
				"@cond:CreateCustomKeyStore.35,@cond:CancelKeyDeletion.12",
		},
		{
			name: "ConnectCustomKeyStore does nothing, on a target without a control API", change: ignore("ConnectCustomKeyStore"),
			tags: "@op:DisconnectCustomKeyStore && @cloudhsm", noControl: true, check: transitionsNotSeen(false),
		},
		{
			name: "an honest reference without a control API", change: fixed(honest),
			tags: "@op:DisconnectCustomKeyStore && @cloudhsm", noControl: true, check: transitionsNotSeen(true),
		},
		{
			name: "DisconnectCustomKeyStore does nothing", change: ignore("DisconnectCustomKeyStore"),
			tags: "@cond:DisconnectCustomKeyStore.05,@cond:ConnectCustomKeyStore.03,@cond:CancelKeyDeletion.12",
		},
		{
			name: "DescribeKey shows keys of a disconnected key store as Enabled", tags: "@cond:DisconnectCustomKeyStore.08",
			change: fixed(rewritten("DescribeKey", func(_ *exchange, out map[string]any) {
				if md := member(out, "KeyMetadata"); md != nil && str(md, "KeyState") == "Unavailable" {
					md["KeyState"] = "Enabled"
				}
			})),
		},
		{
			name: "DisableKey does nothing, and DescribeKey keeps showing the DeletionDate of a cancelled deletion", tags: "@cond:DeleteImportedKeyMaterial.07,@cond:CancelKeyDeletion.04,@cond:CancelKeyDeletion.07,@cond:DisableKey.04,@cond:DisableKey.08,@cond:EnableKey.04,@cond:EnableKey.08",
			change: fixed(combined(ignored("DisableKey", nil), staleDeletionDates())),
		},
		{
			name: "deleting imported key material does nothing, and Decrypt refuses every ciphertext",
			tags: "@cond:ImportKeyMaterial.32,@cond:ImportKeyMaterial.16", change: fixed(forgetfulMaterial),
		},
		{
			name:   "answers name keys by their IDs and deleted key material wrongly",
			tags:   "@cond:CancelKeyDeletion.04,@cond:ScheduleKeyDeletion.04,@cond:DeleteImportedKeyMaterial.12,@cond:DeleteImportedKeyMaterial.14,@cond:DescribeCustomKeyStores.09,@cond:ImportKeyMaterial.34",
			change: fixed(arnsAsKeyIDs),
		},
		{
			name: "DescribeCustomKeyStores shows key store secrets", change: fixed(leakSecrets()),
			tags: "@cond:CreateCustomKeyStore.36,@cond:DescribeCustomKeyStores.01,@cond:UpdateCustomKeyStore.08,@cond:UpdateCustomKeyStore.36",
		},
		{
			name: "DescribeCustomKeyStores misreports names, types and VPC endpoint service owners", change: fixed(misreportStores()),
			tags: "@cond:CreateCustomKeyStore.36,@cond:CreateCustomKeyStore.04,@cond:CreateCustomKeyStore.22,@cond:CreateCustomKeyStore.03,@cond:DescribeCustomKeyStores.01", check: failWith(map[string]string{
				// The whole name is compared, not a prefix the misreported name keeps.
				"describe_custom_key_stores.feature: A key store's entry shows its configuration but not its secret (CloudHSM)": "CustomKeyStoreName is",
			}),
		},
		{
			name: "DescribeCustomKeyStores gives no NextMarker", tags: "@cond:DescribeCustomKeyStores.06",
			change: fixed(rewritten("DescribeCustomKeyStores", func(_ *exchange, out map[string]any) { delete(out, "NextMarker") })),
		},
		{
			name: "DescribeCustomKeyStores ignores Limit and lists a key store it is asked for twice", tags: "@cond:DescribeCustomKeyStores.06,@cond:DescribeCustomKeyStores.01",
			change: fixed(only("DescribeCustomKeyStores", func(x *exchange) answer {
				delete(x.in, "Limit")
				a := x.forward()
				if es := entries(a.body); a.ok() && len(es) == 1 && (x.in["CustomKeyStoreId"] != nil || x.in["CustomKeyStoreName"] != nil) {
					setEntries(a.body, append(es, es[0]))
				}
				return a
			})),
		},
		{
			name: "DescribeCustomKeyStores leaves CloudHSM key stores out of a list", tags: "@cond:DescribeCustomKeyStores.06,@cond:DescribeCustomKeyStores.01",
			change: fixed(rewritten("DescribeCustomKeyStores", func(x *exchange, out map[string]any) {
				if x.in["CustomKeyStoreId"] != nil || x.in["CustomKeyStoreName"] != nil {
					return
				}
				setEntries(out, slices.DeleteFunc(entries(out), func(e map[string]any) bool { return str(e, "CustomKeyStoreType") == "AWS_CLOUDHSM" }))
			})),
		},
		{
			name: "DescribeCustomKeyStores shows no ConnectionErrorCode", tags: "@cond:DescribeCustomKeyStores.07",
			change: fixed(rewritten("DescribeCustomKeyStores", func(_ *exchange, out map[string]any) {
				for _, e := range entries(out) {
					delete(e, "ConnectionErrorCode")
				}
			})),
		},
		{
			name: "CreateCustomKeyStore carries out what it refuses", tags: "@cond:CreateCustomKeyStore.08,@cond:CreateCustomKeyStore.01",
			change: createStoreDespiteRefusing, check: failWith(map[string]string{
				"create_custom_key_store.feature: A key store cannot be created on a cluster that does not exist": "yet key store",
			}),
		},
		{
			name: "UpdateCustomKeyStore does nothing", change: ignore("UpdateCustomKeyStore"),
			tags: "@cond:UpdateCustomKeyStore.36", check: failWith(map[string]string{
				// Each update sets a value the store does not have, and checks it took.
				"connection_states.feature: UpdateCustomKeyStore with another property is accepted while the key store is DISCONNECTED (CloudHSM)":      "INVALID_CREDENTIALS",
				"connection_states.feature: UpdateCustomKeyStore with another property is accepted while the key store is DISCONNECTED (external)":      "does not show the XKS proxy it was given",
				"update_custom_key_store.feature: The kmsuser password of a DISCONNECTED CloudHSM key store can be set, and the store connects with it": "INVALID_CREDENTIALS",
			}),
		},
		{
			name: "refused calls of another account act on the owner's resource", tags: "@cross-account",
			change: fixed(crossAccountActs),
		},
		{
			name: "CreateKey creates a key for a request it refuses, and EnableKey changes what kind of key a key is", tags: "@cond:CreateKey.03,@cond:CreateKey.08,@cond:CreateKey.32",
			change: func(k *wrongKMS) change { return combined(createKeyDespiteRefusing(k), enablingChangesKind()) },
			check: func(t *testing.T, run *reports.Run) {
				// The key it creates has neither the request's description nor its tags.
				for _, s := range run.Scenarios {
					if slices.ContainsFunc(s.Steps, func(st reports.Step) bool {
						return st.Text == "no KMS key was created" && st.Status == "failed" && strings.Contains(st.Error, "appeared in the account")
					}) {
						return
					}
				}
				t.Error("no scenario saw the key CreateKey created for a request it refused")
			},
		},
		{
			name: "DescribeKey misreports what a key is", tags: "@cond:DescribeKey.02,@cond:DescribeKey.07,@cond:DescribeKey.08,@cond:DescribeKey.09,@cond:CreateKey.01,@cond:CreateKey.02,@cond:CreateKey.16,@cond:CreateKey.27,@cond:ScheduleKeyDeletion.04",
			change: fixed(misreportKeys()),
		},
		{
			name: "DescribeKey misreports imported key material", tags: "@cond:ImportKeyMaterial.33",
			change: fixed(misreportMaterial()),
		},
		{
			name: "DescribeKey names another AWS managed key each time", tags: "@cond:DescribeKey.07",
			change: fixed(managedKeyAnew()),
		},
		{
			name: "GetKeyPolicy and ListResourceTags answer what the key does not have", tags: "@cond:CreateKey.01,@cond:CreateKey.06,@cond:DescribeKey.10",
			change: fixed(wrongPolicyAndTags),
		},
		{
			name: "GetParametersForImport answers an RSA_2048 key of its own, the same each time, lasting 25 hours",
			tags: "@cond:GetParametersForImport.06,@cond:GetParametersForImport.12,@cond:GetParametersForImport.13", change: fixed(staleParams()),
		},
		{
			name: "GenerateRandom answers too few bytes", tags: "@cond:GenerateRandom.02,@cond:GenerateRandom.09",
			change: fixed(randomBytes(func(n int) []byte { return make([]byte, n/2) })),
		},
		{
			name: "GenerateRandom answers zeros", tags: "@cond:GenerateRandom.02",
			change: fixed(randomBytes(func(n int) []byte { return make([]byte, n) })),
		},
		{
			name: "GenerateRandom answers the same bytes every time", tags: "@cond:GenerateRandom.02",
			change: fixed(randomBytes(fixedRandom)),
		},
		{
			name: "GenerateRandom connects a key store it is refused for", tags: "@cond:GenerateRandom.05",
			change: fixed(connectOnDemand),
		},
		{
			name: "refuses DeleteImportedKeyMaterial and CancelKeyDeletion", tags: "@cond:DeleteImportedKeyMaterial.04,@cond:CancelKeyDeletion.04",
			change: fixed(internalErrors("DeleteImportedKeyMaterial", "CancelKeyDeletion")),
		},
		{
			name: "answers errors with the model's statuses (404, 409, 412) where real KMS sends 400", tags: statusTags,
			change: fixed(statuses(kmserrors.ModelStatus)), check: statusVerdicts(reports.StatusPassed),
		},
		{
			name: "answers client errors with server-fault statuses", tags: statusTags,
			change: fixed(statuses(serverFaultStatus)), check: statusVerdicts(reports.StatusFailed),
		},
		{
			// Real KMS adds response members over time and SDKs ignore them: a finding, not a failure.
			name: "answers that should be empty hold a member the model does not list", tags: emptyAnswerTags,
			change: fixed(chattyEmptyAnswers), check: emptyAnswerVerdicts(reports.StatusPassed, "holds Status, which the API model does not list", 4),
		},
		{
			name: "answers that should be empty are not JSON objects", tags: emptyAnswerTags + ",@cond:DeleteCustomKeyStore.09",
			change: fixed(nullEmptyAnswers), check: emptyAnswerVerdicts(reports.StatusFailed, "", 6),
		},
		{
			name: "ImportKeyMaterial names new key material as the current one", tags: "@cond:ImportKeyMaterial.07",
			change: fixed(rewritten("ImportKeyMaterial", func(x *exchange, out map[string]any) {
				if x.in["ImportType"] == "NEW_KEY_MATERIAL" {
					if md := x.describedKey(); md != nil {
						out["KeyMaterialId"] = md["CurrentKeyMaterialId"]
					}
				}
			})),
		},
	}, slices.Concat(encryptionWrongCases(), dataKeyWrongCases(), signingWrongCases(), macWrongCases(), aliasWrongCases(), accessWrongCases(), rotationWrongCases(), multiRegionWrongCases())...)
}

// emptyAnswerTags select four scenarios of key lifecycle that expect an empty answer.
const emptyAnswerTags = "@cond:DisableKey.04,@cond:EnableKey.04,@cond:DisableKey.05,@cond:EnableKey.05"

// emptyAnswerVerdicts checks a run whose answers that should be {} were
// changed: the want scenarios that check an empty response get verdict (and
// the finding, when one is named); the others of emptyAnswerTags pass. A member the API model
// does not list is a finding beside a pass (real KMS adds members; SDKs ignore
// them), while an answer that is not a JSON object still fails.
func emptyAnswerVerdicts(verdict, finding string, want int) func(t *testing.T, run *reports.Run) {
	return func(t *testing.T, run *reports.Run) {
		checked := 0
		for _, s := range run.Scenarios {
			if !slices.ContainsFunc(s.Steps, func(st reports.Step) bool { return st.Text == "the request succeeds with an empty response" }) {
				// Of the others, those emptyAnswerTags select must pass.
				if family(s.URI) == "key-lifecycle" && s.Status != reports.StatusPassed {
					t.Errorf("%s: %s (%s); it checks no empty response, want passed", s.ID, s.Status, s.Reason)
				}
				continue
			}
			checked++
			if s.Status != verdict {
				t.Errorf("%s: %s (%s), want %s", s.ID, s.Status, s.Reason, verdict)
			}
			if finding != "" && !hasFinding(s, finding) {
				t.Errorf("%s: findings %q lack %q", s.ID, s.Findings, finding)
			}
		}
		if checked != want {
			t.Errorf("%d scenarios check an empty response, want %d", checked, want)
		}
	}
}

// --- what particular wrong endpoints promise ---

// emptyAnswers answers {} with 200 to every request, the control API's included.
func emptyAnswers() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write([]byte("{}"))
	})
}

// Against an endpoint that answers {} to everything, every scenario that
// expects an error fails, but those whose error the proxy injects (@fault):
// that the endpoint never answers it is no fault of theirs.
func emptyAnswersFailErrorScenarios(t *testing.T, run *reports.Run) {
	var errorScenarios int
	for _, s := range run.Scenarios {
		switch {
		case hasTag(s, "@fault") && s.Status != reports.StatusFailed:
		case s.Status == reports.StatusPassed:
			t.Errorf("%s passed against an endpoint that answers {} to everything", s.ID)
		case s.Error == "" || hasTag(s, "@untestable"):
		case s.Status != reports.StatusFailed:
			t.Errorf("%s: status %s (%s), want failed: the endpoint never returns %s", s.ID, s.Status, s.Reason, s.Error)
		default:
			errorScenarios++
		}
	}
	if errorScenarios < 20 {
		t.Errorf("only %d error-condition scenarios failed; the catalog has more", errorScenarios)
	}
}

// swappedCodes are the error codes the wrong-code endpoint exchanges.
var swappedCodes = map[string]string{
	"CustomKeyStoreNotFoundException":     "CustomKeyStoreInvalidStateException",
	"CustomKeyStoreInvalidStateException": "CustomKeyStoreNotFoundException",
	"NotFoundException":                   "InvalidArnException",
	"InvalidArnException":                 "NotFoundException",
	// One pair per family of the other operations.
	"CloudHsmClusterNotActiveException":            "CloudHsmClusterInvalidConfigurationException",
	"CloudHsmClusterInvalidConfigurationException": "CloudHsmClusterNotActiveException",
	"XksProxyUriUnreachableException":              "XksProxyInvalidResponseException",
	"XksProxyInvalidResponseException":             "XksProxyUriUnreachableException",
	"XksKeyNotFoundException":                      "XksKeyAlreadyInUseException",
	"XksKeyAlreadyInUseException":                  "XksKeyNotFoundException",
	"IncorrectKeyMaterialException":                "InvalidCiphertextException",
	"InvalidCiphertextException":                   "IncorrectKeyMaterialException",
	"ExpiredImportTokenException":                  "InvalidImportTokenException",
	"InvalidImportTokenException":                  "ExpiredImportTokenException",
	"MalformedPolicyDocumentException":             "TagException",
	"TagException":                                 "MalformedPolicyDocumentException",
	"ValidationException":                          "SerializationException",
}

// swapCodes answers every KMS error of swappedCodes with the wrong code.
func swapCodes(x *exchange) answer {
	a := x.forward()
	if wrong := swappedCodes[a.code()]; wrong != "" && a.status >= 400 {
		a.body["__type"] = wrong
	}
	return a
}

// Against an endpoint that answers the wrong error codes, exactly the
// scenarios expecting those codes fail, and they record what came back.
func swappedCodesFailTheirScenarios(t *testing.T, run *reports.Run) {
	checked := 0
	for _, s := range run.Scenarios {
		wrong, isSwapped := swappedCodes[expectedError(s)]
		switch {
		case hasTag(s, "@untestable"):
		case isSwapped:
			checked++
			if s.Status != reports.StatusFailed || s.Observed != wrong {
				t.Errorf("%s: status %s, observed %q; want failed, observed %q", s.ID, s.Status, s.Observed, wrong)
			}
		case s.Status == reports.StatusFailed && namesSwappedCode(s.Reason):
			// It expects success, then checks the effect through a call
			// whose (swapped) error gave the swap away.
		case s.Status != reports.StatusPassed:
			t.Errorf("%s: status %s (%s); its expected error is not swapped, want passed", s.ID, s.Status, s.Reason)
		}
	}
	if checked < 10 {
		t.Errorf("only %d scenarios expect a swapped code", checked)
	}
	checkCleanedUp(t, run.Target.Endpoint)
}

// namesSwappedCode reports whether a failure reason quotes a code the
// wrong-code endpoint put in place of the right one.
func namesSwappedCode(reason string) bool {
	for _, wrong := range swappedCodes {
		if strings.Contains(reason, "answered "+wrong) {
			return true
		}
	}
	return false
}

// expectedError is the error code a scenario's steps expect, if any.
func expectedError(s reports.Scenario) string {
	for _, st := range s.Steps {
		if code, ok := strings.CutPrefix(st.Text, "the request fails with "); ok && !strings.Contains(code, " ") {
			return code
		}
	}
	return ""
}

// Throttling is no refusal: every scenario that wants a client error fails
// when the endpoint throttles instead.
func clientErrorsFail(t *testing.T, run *reports.Run) {
	n := 0
	for _, s := range run.Scenarios {
		if !slices.ContainsFunc(s.Steps, func(st reports.Step) bool { return st.Text == "the request fails with a client error" }) {
			continue
		}
		n++
		if s.Status != reports.StatusFailed || !strings.Contains(s.Reason, "ThrottlingException") {
			t.Errorf("%s: status %s (%s), want failed for the ThrottlingException", s.ID, s.Status, s.Reason)
		}
	}
	if n < 10 {
		t.Errorf("only %d scenarios want a client error", n)
	}
}

// transitionsNotSeen checks the scenarios that need a key store CONNECTING
// on a target without a control API, which cannot hold it there: against an
// honest endpoint, whose store is CONNECTED before it can be seen
// CONNECTING, they are skipped; against one whose connect does nothing,
// they fail.
func transitionsNotSeen(honest bool) func(t *testing.T, run *reports.Run) {
	return func(t *testing.T, run *reports.Run) {
		n := 0
		for _, s := range run.Scenarios {
			if !slices.ContainsFunc(s.Steps, func(st reports.Step) bool { return strings.HasSuffix(st.Text, "key store that is CONNECTING") }) {
				continue
			}
			n++
			switch {
			case honest && s.Status == reports.StatusPassed: // CONNECTING was seen after all
			case honest && (s.Status != reports.StatusSkipped || !strings.Contains(s.Reason, "before CONNECTING could be observed")):
				t.Errorf("%s: status %s (%s), want skipped (the store went through CONNECTING unseen) or passed", s.ID, s.Status, s.Reason)
			case !honest && (s.Status != reports.StatusFailed || !strings.Contains(s.Reason, "is DISCONNECTED right after")):
				t.Errorf("%s: status %s (%s), want failed: the store never moved", s.ID, s.Status, s.Reason)
			}
		}
		if n == 0 {
			t.Error("no scenario needs a key store that is CONNECTING")
		}
	}
}

// failWith checks that each named scenario (feature file: name) failed, for
// the reason given.
func failWith(reasons map[string]string) func(t *testing.T, run *reports.Run) {
	return func(t *testing.T, run *reports.Run) {
		for id, reason := range reasons {
			i := slices.IndexFunc(run.Scenarios, func(s reports.Scenario) bool { return strings.HasSuffix(s.ID, "/"+id) })
			switch {
			case i < 0:
				t.Errorf("%s did not run", id)
			case run.Scenarios[i].Status != reports.StatusFailed || !strings.Contains(run.Scenarios[i].Reason, reason):
				t.Errorf("%s: status %s (%s), want failed for %q", id, run.Scenarios[i].Status, run.Scenarios[i].Reason, reason)
			}
		}
	}
}
