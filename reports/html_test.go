package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// findTool returns the path of an external program a test needs. Missing,
// it fails the test in CI (CI=true) with an install hint, and skips it
// elsewhere, saying why.
func findTool(t *testing.T, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := fmt.Sprintf("%s not found on PATH; install it (Debian: %s, or run scripts/install-deps.sh)", name, install)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// selfContainedProblems lists everything in an HTML document that would make
// a browser fetch something or run code it was not pinned to: elements that
// load or execute, URL-valued attributes other than in-page fragments, event
// handlers, and CSS url()/@import pointing outside the page. An inline
// script may run only when a Content-Security-Policy <meta> forbids every
// fetch (default-src 'none') and allows scripts by hash alone, its own among
// them; a data block (type application/octet-stream) never runs.
func selfContainedProblems(doc []byte) []string {
	var problems []string
	var csp string
	var scripts []string // inline scripts the browser would run
	z := html.NewTokenizer(bytes.NewReader(doc))
	inStyle, inScript, dataBlock := false, false, false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if !errors.Is(z.Err(), io.EOF) {
				problems = append(problems, "tokenizer: "+z.Err().Error())
			}
			return append(problems, scriptProblems(csp, scripts)...)
		case html.TextToken:
			switch {
			case inStyle:
				problems = append(problems, cssProblems(string(z.Text()))...)
			case inScript && !dataBlock:
				scripts[len(scripts)-1] += string(z.Text())
			}
		case html.EndTagToken:
			switch name, _ := z.TagName(); string(name) {
			case "style":
				inStyle = false
			case "script":
				inScript = false
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[strings.ToLower(string(k))] = strings.TrimSpace(string(v))
			}
			switch tag {
			case "link", "iframe", "frame", "object", "embed", "img", "image", "audio", "video", "source", "base", "meta-refresh", "form", "use", "foreignobject":
				problems = append(problems, "element <"+tag+">")
			case "style":
				inStyle = tt == html.StartTagToken
			case "script":
				inScript = tt == html.StartTagToken
				dataBlock = strings.EqualFold(attrs["type"], "application/octet-stream")
				if !dataBlock {
					scripts = append(scripts, "")
				}
			case "meta":
				if strings.EqualFold(attrs["http-equiv"], "content-security-policy") {
					csp = attrs["content"]
				}
			}
			for key, val := range attrs {
				switch {
				case strings.HasPrefix(key, "on"):
					problems = append(problems, fmt.Sprintf("event handler %s=%q on <%s>", key, val, tag))
				case key == "src" || key == "href" || key == "xlink:href" || key == "srcset" || key == "action" ||
					key == "formaction" || key == "poster" || key == "data" || key == "background" || key == "ping":
					if val != "" && !strings.HasPrefix(val, "#") {
						problems = append(problems, fmt.Sprintf("%s=%q on <%s>", key, val, tag))
					}
				case key == "style":
					problems = append(problems, cssProblems(val)...)
				case key == "http-equiv" && strings.EqualFold(val, "refresh"):
					problems = append(problems, "meta refresh")
				}
			}
		}
	}
}

// scriptProblems checks inline scripts against the page's policy: each must
// be allowed by its hash, and the policy must forbid every fetch.
func scriptProblems(csp string, scripts []string) []string {
	if len(scripts) == 0 {
		return nil
	}
	directives := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		if f := strings.Fields(d); len(f) > 0 {
			directives[strings.ToLower(f[0])] = f[1:]
		}
	}
	var problems []string
	if !slices.Equal(directives["default-src"], []string{"'none'"}) {
		problems = append(problems, fmt.Sprintf("inline script under a policy that does not forbid fetches (%q)", csp))
	}
	for name, sources := range directives {
		if name != "default-src" && name != "style-src" && name != "script-src" {
			problems = append(problems, fmt.Sprintf("policy directive %s widens default-src", name))
		}
		for _, src := range sources {
			if name != "style-src" && !strings.HasPrefix(src, "'sha256-") && src != "'none'" {
				problems = append(problems, fmt.Sprintf("policy allows %s %s", name, src))
			}
		}
	}
	for _, script := range scripts {
		sum := sha256.Sum256([]byte(script))
		if want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !slices.Contains(directives["script-src"], want) {
			problems = append(problems, "inline script not pinned by the page's policy: "+truncate(script, 60))
		}
	}
	return problems
}

func cssProblems(css string) []string {
	var problems []string
	lower := strings.ToLower(css)
	if strings.Contains(lower, "@import") {
		problems = append(problems, "css @import")
	}
	for rest := lower; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			break
		}
		rest = rest[i+4:]
		arg := strings.TrimLeft(rest, ` "'`)
		if !strings.HasPrefix(arg, "#") {
			problems = append(problems, "css url("+truncate(arg, 40))
		}
	}
	return problems
}

func checkSelfContained(t *testing.T, doc []byte) {
	t.Helper()
	for _, p := range selfContainedProblems(doc) {
		t.Errorf("page is not self-contained: %s", p)
	}
}

// checkWellFormedXML checks that doc is one XML element (as a standalone
// SVG file must be) with nothing but whitespace around it.
func checkWellFormedXML(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok)) > 0 {
				t.Fatalf("text outside the root element: %q", tok)
			}
		}
	}
	if roots != 1 {
		t.Fatalf("%d root elements, want 1", roots)
	}
}

// The checker itself must catch what it is meant to catch.
func TestSelfContainedCheckerCatchesFetches(t *testing.T) {
	bad := []string{
		`<script src="https://cdn.example/x.js"></script>`,
		`<link rel="stylesheet" href="https://fonts.example/css">`,
		`<img src="http://127.0.0.1/pixel.gif">`,
		`<a href="https://example.com">x</a>`,
		`<div style="background: url('https://example.com/bg.png')"></div>`,
		`<style>@import "https://example.com/a.css";</style>`,
		`<style>body { background: url(//example.com/x) }</style>`,
		`<svg><image href="https://example.com/x.png"/></svg>`,
		`<p onclick="alert(1)">x</p>`,
		`<script>alert(1)</script>`,
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-AAAA'"><script>alert(1)</script>`,
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'"><script>alert(1)</script>`,
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; connect-src *; script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"><script>alert(1)</script>`,
		`<meta http-equiv="Content-Security-Policy" content="script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"><script>alert(1)</script>`,
		`<script type="application/octet-stream" src="https://example.com/x"></script>`,
	}
	for _, doc := range bad {
		if len(selfContainedProblems([]byte(doc))) == 0 {
			t.Errorf("checker accepted %s", doc)
		}
	}
	for _, good := range []string{
		`<style>.x{fill:url(#hatch)}</style><a href="#s-1">x</a><svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(#p)"/></svg><p>see http://127.0.0.1:8080</p>`,
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"><script>alert(1)</script><script type="application/octet-stream">H4sI+/=</script>`,
	} {
		if p := selfContainedProblems([]byte(good)); len(p) > 0 {
			t.Errorf("checker rejected a self-contained page: %v\n%s", p, good)
		}
	}
}

func TestReportHTMLIsSelfContained(t *testing.T) {
	var b bytes.Buffer
	sealed, err := Seal(sampleRun())
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&b, sealed); err != nil {
		t.Fatal(err)
	}
	checkSelfContained(t, b.Bytes())
	for _, want := range []string{`id="matrix"`, `class="exchanges"`, "DeleteCustomKeyStore", "Attempt timeline", "wait 125 ms", `badge verified`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	evidence, err := EmbeddedEvidence(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"TrentService.DeleteCustomKeyStore", `\"__type\": \"CustomKeyStoreHasCMKsException\"`, "400 CustomKeyStoreHasCMKsException"} {
		if !strings.Contains(string(evidence), want) {
			t.Errorf("the embedded evidence lacks %q", want)
		}
	}
}

// hostileRun carries attacker-controlled text everywhere a target or a
// feature file can put it.
func hostileRun() *Run {
	run := sampleRun()
	const x = `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	run.Target.Name = "evil" + x
	run.Target.Endpoint = "javascript:alert(3)"
	run.Tool.Commit = x
	run.SDKs["<svg onload=alert(4)>"] = x
	s := &run.Scenarios[1]
	s.Name = "</summary><script>alert(5)</script>"
	s.Reason = x
	s.Conditions = append(s.Conditions, `DeleteCustomKeyStore.07"><script>alert(6)</script>`)
	s.Tags = append(s.Tags, "@"+x)
	s.URI = "features/" + x + "/f.feature"
	s.Steps[1].Error = "</pre>" + x
	e := &s.Exchanges[0]
	e.Request.Headers["X-Evil"] = x
	e.Request.Headers["x-amz-security-token"] = "LOWERCASESESSIONTOKEN"
	e.Response.Body = `{"message":"</pre>` + strings.ReplaceAll(x, `"`, `\"`) + `"}`
	e.Faults = []string{x}
	return run
}

func TestReportHTMLEscapesHostileStrings(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, hostileRun()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	checkSelfContained(t, b.Bytes())
	// The page's own two scripts (evidence data and its renderer) come
	// last, after every text a run supplies.
	ours := strings.Index(page, `<script type="application/octet-stream" id="evidence-data">`)
	if ours < 0 || strings.Count(page, "<script") != 2 {
		t.Fatalf("report.html has %d <script elements, want the page's own 2", strings.Count(page, "<script"))
	}
	for _, leak := range []string{"<script", "<img", "<svg onload", "</summary><script"} {
		if i := strings.Index(strings.ToLower(page[:ours]), leak); i >= 0 {
			t.Errorf("report.html contains %q unescaped: …%s…", leak, page[max(0, i-80):min(len(page), i+80)])
		}
	}
	evidence, err := EmbeddedEvidence(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(evidence), "X-Evil") {
		t.Fatal("the hostile headers are not in the embedded evidence: the secret checks below prove nothing")
	}
	// Headers that carry credentials never appear, whatever their case.
	for where, text := range map[string]string{"report.html": page, "its embedded evidence": string(evidence)} {
		for _, secret := range []string{"deadbeefSECRET", "FQoGZXIvYXdzEXAMPLETOKEN", "LOWERCASESESSIONTOKEN", ">Authorization<", ">X-Amz-Security-Token<", `"Authorization"`, `"x-amz-security-token"`} {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows %q", where, secret)
			}
		}
	}
	// The hostile text is still shown, as text.
	if !strings.Contains(page, "&lt;/summary&gt;&lt;script&gt;alert(5)") {
		t.Error("the hostile scenario name is not shown escaped")
	}
}

func TestDiffAndTrendHTMLEscapeHostileStrings(t *testing.T) {
	a, b := sampleRun(), hostileRun()
	b.Started = a.Started.Add(24 * 60 * 60 * 1e9)
	var diff, trend bytes.Buffer
	if err := Compare(a, b).WriteHTML(&diff); err != nil {
		t.Fatal(err)
	}
	if err := BuildTrend([]*Run{a, b}).WriteHTML(&trend); err != nil {
		t.Fatal(err)
	}
	for name, page := range map[string][]byte{"diff": diff.Bytes(), "trend": trend.Bytes()} {
		checkSelfContained(t, page)
		if bytes.Contains(bytes.ToLower(page), []byte("<script")) {
			t.Errorf("%s page contains an unescaped <script", name)
		}
	}
	var svg bytes.Buffer
	if err := BuildTrend([]*Run{a, b}).WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	checkWellFormedXML(t, svg.Bytes())
}

// The client retry matrix a run carries is shown in report.html, its cells
// as text; a run without one shows no retry section.
func TestReportHTMLShowsRetryMatrix(t *testing.T) {
	run := hostileRun()
	run.RetryMatrix = &Table{
		Title:   "Client retries (client × fault)",
		Columns: []string{"fault", "boto3 1.44.5", "aws-sdk-java-v2 2.59.1"},
		Rows:    [][]string{{"KMSInternalException on DescribeKey (default settings)", "3 → KMSInternalException (waits 50ms, 90ms)", "<b>—</b>"}},
		Note:    "attempts the proxy saw → what the client reported",
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, run); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{`id="retry-matrix"`, "<th>aws-sdk-java-v2 2.59.1</th>", "<td>3 → KMSInternalException (waits 50ms, 90ms)</td>", "&lt;b&gt;—&lt;/b&gt;", "attempts the proxy saw"} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	run.RetryMatrix = nil
	b.Reset()
	if err := WriteHTML(&b, run); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `id="retry-matrix"`) {
		t.Error("a run without retry scenarios shows a retry matrix")
	}
}
