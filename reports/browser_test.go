package reports

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// chromiumArgs keep headless Chromium off the network: report.html must
// render from the file alone.
func chromiumArgs(profile string, extra ...string) []string {
	return append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profile, "--window-size=1280,2000",
	}, extra...)
}

// TestReportRendersInChromium opens report.html in headless Chromium: the
// matrix and an evidence block must be in the rendered DOM, and the
// screenshot must show a real page.
func TestReportRendersInChromium(t *testing.T) {
	chromium := findTool(t, "chromium", "apt-get install -y chromium")
	dir := t.TempDir()
	if err := WriteAll(dir, sampleRun()); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.ToSlash(filepath.Join(dir, HTMLFile))
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	root := renderedDOM(ctx, t, chromium, filepath.Join(dir, "profile-dom"), url)
	matrix := findElement(root, func(n *html.Node) bool { return attr(n, "id") == "matrix" })
	if matrix == nil {
		t.Fatal("rendered DOM has no #matrix")
	}
	cells := map[string]string{}
	walk(matrix, func(n *html.Node) {
		if strings.Contains(attr(n, "class"), "cell") && attr(n, "data-outcome") != "" {
			cells[strings.TrimSpace(strings.SplitN(attr(n, "title"), ":", 2)[0])] = attr(n, "data-outcome")
		}
	})
	for cond, want := range map[string]string{
		"DeleteCustomKeyStore.01":      StatusPassed,
		"DeleteCustomKeyStore.02":      StatusFailed,
		"DeleteCustomKeyStore.04":      "uncovered",
		"DeleteCustomKeyStore.05":      StatusSkipped,
		"DisconnectCustomKeyStore.02":  OutcomeUnsupported,
		"DeleteImportedKeyMaterial.02": StatusFailed,
	} {
		if cells[cond] != want {
			t.Errorf("matrix cell %s = %q, want %q", cond, cells[cond], want)
		}
	}
	// A failed scenario is open from the start, its evidence unpacked.
	failed := findElement(root, func(n *html.Node) bool { return attr(n, "class") == "scenario failed" })
	evidence := findElement(failed, func(n *html.Node) bool { return attr(n, "class") == "evidence" })
	if evidence == nil {
		t.Fatal("the open failed scenario shows no evidence block")
	}
	if text := textOf(evidence); !strings.Contains(text, "TrentService.") || !strings.Contains(text, "__type") {
		t.Errorf("evidence block lacks the request target or response body: %q", truncate(text, 300))
	}
	var stderr bytes.Buffer

	shot := filepath.Join(dir, "report.png")
	cmd := exec.CommandContext(ctx, chromium, chromiumArgs(filepath.Join(dir, "profile-shot"), "--screenshot="+shot, url)...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, stderr.String())
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 2000 {
		t.Errorf("screenshot is %dx%d, want 1280x2000", b.Dx(), b.Dy())
	}
	if n := distinctColours(img, 200); n < 50 {
		t.Errorf("screenshot has %d distinct colours; a rendered report has many more", n)
	}
}

// renderedDOM loads url in headless Chromium and returns the DOM once the
// page's scripts have settled (a virtual-time budget lets their promises
// finish before the dump).
func renderedDOM(ctx context.Context, t *testing.T, chromium, profile, url string) *html.Node {
	t.Helper()
	var dom, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, chromium, chromiumArgs(profile, "--virtual-time-budget=10000", "--dump-dom", url)...)
	cmd.Stdout, cmd.Stderr = &dom, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium --dump-dom: %v\n%s", err, stderr.String())
	}
	root, err := html.Parse(&dom)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestEvidenceUnpacksWhenOpenedInChromium: a passed scenario's evidence is
// not on the page until the scenario is opened (here through a link to it,
// as the matrix makes); then it is, unpacked from the compressed block,
// with hostile text shown as text and no secret.
func TestEvidenceUnpacksWhenOpenedInChromium(t *testing.T) {
	chromium := findTool(t, "chromium", "apt-get install -y chromium")
	dir := t.TempDir()
	run := hostileRun()
	passed := &run.Scenarios[0]
	passed.Exchanges[0].Response.Body = `{"KeyMetadata":{"Description":"<img src=x onerror=alert(7)>"}}`
	if err := WriteAll(dir, run); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.ToSlash(filepath.Join(dir, HTMLFile))
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	box := func(root *html.Node, s *Scenario) *html.Node {
		scenario := findElement(root, func(n *html.Node) bool { return attr(n, "id") == anchor(s) })
		if scenario == nil {
			t.Fatalf("no scenario %s on the page", anchor(s))
		}
		return findElement(scenario, func(n *html.Node) bool { return attr(n, "class") == "exchanges" })
	}

	closed := renderedDOM(ctx, t, chromium, filepath.Join(dir, "profile-closed"), url)
	if b := box(closed, passed); b == nil || findElement(b, func(n *html.Node) bool { return attr(n, "class") == "evidence" }) != nil {
		t.Fatal("a closed passed scenario's evidence is rendered before it is opened (or it has no placeholder)")
	}

	opened := renderedDOM(ctx, t, chromium, filepath.Join(dir, "profile-open"), url+"#"+anchor(passed))
	b := box(opened, passed)
	if attr(b, "data-state") != "shown" {
		t.Fatalf("the opened scenario's evidence was not unpacked: state %q, %q", attr(b, "data-state"), truncate(textOf(b), 200))
	}
	text := textOf(b)
	for _, want := range []string{"X-Amz-Target", "TrentService." + passed.Operation, `"CustomKeyStoreId": "cks-1234567890abcdef0"`, "X-Kmsconform-Scn", `"Description": "<img src=x onerror=alert(7)>"`, "200"} {
		if !strings.Contains(text, want) {
			t.Errorf("the unpacked evidence lacks %q: %q", want, truncate(text, 400))
		}
	}
	for _, secret := range []string{"deadbeefSECRET", "Authorization"} {
		if strings.Contains(text, secret) {
			t.Errorf("the unpacked evidence shows %q", secret)
		}
	}
	walk(opened, func(n *html.Node) {
		if n.Data == "img" || (n.Data == "script" && attr(n, "id") != "evidence-data" && textOf(n) != "" && !strings.Contains(textOf(n), "DecompressionStream")) {
			t.Errorf("the page grew a <%s> element from hostile text", n.Data)
		}
	})
}

// distinctColours counts the colours in img (every third pixel each way, up
// to limit): enough to tell a rendered page from a blank or broken one.
func distinctColours(img image.Image, limit int) int {
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func walk(n *html.Node, visit func(*html.Node)) {
	if n.Type == html.ElementNode {
		visit(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, visit)
	}
}

func findElement(root *html.Node, match func(*html.Node) bool) *html.Node {
	var found *html.Node
	walk(root, func(n *html.Node) {
		if found == nil && match(n) {
			found = n
		}
	})
	return found
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return b.String()
}
