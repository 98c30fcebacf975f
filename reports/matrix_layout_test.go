package reports

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// wideMatrixRun has operations with many more documented conditions than fit
// on one line, numbered and input constraints (Operation.V.Member.kind), like
// CreateKey and CreateCustomKeyStore, between short rows.
func wideMatrixRun() *Run {
	run := &Run{Tool: Tool{Name: "kmsconform", Version: "dev"}, Target: Target{Endpoint: "http://127.0.0.1:1", Region: "us-east-1"}, Started: testStart, Finished: testStart.Add(time.Minute)}
	for _, op := range []struct {
		name             string
		numbered, checks int
	}{{"CancelKeyDeletion", 14, 0}, {"CreateCustomKeyStore", 38, 22}, {"CreateKey", 35, 14}, {"DeleteCustomKeyStore", 12, 2}, {"DescribeKey", 11, 0}, {"UpdateCustomKeyStore", 30, 21}} {
		file := "features/wide/" + strings.ToLower(op.name) + ".feature"
		for n := 1; n <= op.numbered; n++ {
			run.Scenarios = append(run.Scenarios, newScenario(scenarioSpec{file: file, name: fmt.Sprintf("%s condition %d", op.name, n),
				cond: fmt.Sprintf("%s.%02d", op.name, n), errorCode: "ValidationException", status: StatusPassed, observed: "ValidationException"}))
		}
		for n := 1; n <= op.checks; n++ {
			run.Scenarios = append(run.Scenarios, newScenario(scenarioSpec{file: file, name: fmt.Sprintf("%s input constraint %d", op.name, n),
				cond: fmt.Sprintf("%s.V.XksProxyAuthenticationCredential%d.length", op.name, n), errorCode: "ValidationException", status: StatusPassed, observed: "ValidationException"}))
		}
	}
	return run
}

// measureMatrix writes, into the page, each matrix row's operation label box
// (its text, whatever element holds it) and the box of the row's cells.
const measureMatrix = `(function () {
  var out = [];
  document.querySelectorAll("#matrix tr, #matrix .mrow").forEach(function (row) {
    var label = row.querySelector(".op"), cells = row.querySelectorAll(".cell");
    if (!label || !cells.length) return;
    var r = document.createRange();
    r.selectNodeContents(label);
    var l = r.getBoundingClientRect(), first = cells[0].getBoundingClientRect();
    var top = Infinity, bottom = -Infinity;
    cells.forEach(function (c) { var b = c.getBoundingClientRect(); top = Math.min(top, b.top); bottom = Math.max(bottom, b.bottom); });
    out.push({op: label.textContent.trim(), labelTop: l.top, labelBottom: l.bottom, top: top, bottom: bottom, firstTop: first.top, firstBottom: first.bottom});
  });
  var pre = document.createElement("pre");
  pre.id = "matrix-layout";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();`

type matrixRowBox struct {
	Op                    string
	LabelTop, LabelBottom float64
	Top, Bottom           float64 // of all the row's cells
	FirstTop, FirstBottom float64 // of its first cell
}

// matrixLayoutProblems says where a label is not beside its own row's cells:
// it must overlap the row's first line of cells, and neither label nor
// cells may reach into the next row.
func matrixLayoutProblems(rows []matrixRowBox) []string {
	var problems []string
	for i, r := range rows {
		if r.LabelBottom <= r.FirstTop || r.LabelTop >= r.FirstBottom {
			problems = append(problems, fmt.Sprintf("%s: label at %.0f–%.0f px, its first cells at %.0f–%.0f px", r.Op, r.LabelTop, r.LabelBottom, r.FirstTop, r.FirstBottom))
		}
		if i+1 < len(rows) {
			next := rows[i+1]
			if end := max(r.LabelBottom, r.Bottom); end > next.Top+0.5 || end > next.LabelTop+0.5 {
				problems = append(problems, fmt.Sprintf("%s reaches to %.0f px, into the next row (%s), which starts at %.0f px", r.Op, end, next.Op, min(next.Top, next.LabelTop)))
			}
		}
	}
	return problems
}

func TestMatrixLayoutCheckCatchesDriftingLabels(t *testing.T) {
	good := []matrixRowBox{
		{Op: "A", LabelTop: 104, LabelBottom: 122, Top: 100, Bottom: 190, FirstTop: 100, FirstBottom: 128},
		{Op: "B", LabelTop: 204, LabelBottom: 222, Top: 200, Bottom: 228, FirstTop: 200, FirstBottom: 228},
	}
	if p := matrixLayoutProblems(good); len(p) > 0 {
		t.Errorf("rejected a good layout: %v", p)
	}
	for name, rows := range map[string][]matrixRowBox{
		"label in the middle of a tall row": {{Op: "A", LabelTop: 300, LabelBottom: 318, Top: 100, Bottom: 600, FirstTop: 100, FirstBottom: 128}},
		"label above its cells":             {{Op: "A", LabelTop: 60, LabelBottom: 78, Top: 100, Bottom: 128, FirstTop: 100, FirstBottom: 128}},
		"cells overlapping the next row": {
			{Op: "A", LabelTop: 104, LabelBottom: 122, Top: 100, Bottom: 250, FirstTop: 100, FirstBottom: 128},
			{Op: "B", LabelTop: 204, LabelBottom: 222, Top: 200, Bottom: 228, FirstTop: 200, FirstBottom: 228},
		},
		"label overlapping the next row": {
			{Op: "A", LabelTop: 104, LabelBottom: 260, Top: 100, Bottom: 128, FirstTop: 100, FirstBottom: 128},
			{Op: "B", LabelTop: 204, LabelBottom: 222, Top: 200, Bottom: 228, FirstTop: 200, FirstBottom: 228},
		},
	} {
		if len(matrixLayoutProblems(rows)) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestMatrixRowsLineUpInChromium lays out a matrix whose rows wrap in
// headless Chromium and checks that every operation's label stays beside
// its own cells.
func TestMatrixRowsLineUpInChromium(t *testing.T) {
	chromium := findTool(t, "chromium", "apt-get install -y chromium")
	dir := t.TempDir()
	if err := WriteAll(dir, wideMatrixRun()); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	// Run the measuring script in the page, allowed by the page's policy.
	sum := sha256.Sum256([]byte(measureMatrix))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	page = bytes.Replace(page, []byte("script-src "), []byte("script-src "+hash+" "), 1)
	page = bytes.Replace(page, []byte("</body>"), []byte("<script>"+measureMatrix+"</script></body>"), 1)
	measured := filepath.Join(dir, "measured.html")
	if err := os.WriteFile(measured, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var dom, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, chromium, chromiumArgs(filepath.Join(dir, "profile"), "--dump-dom", "file://"+filepath.ToSlash(measured))...)
	cmd.Stdout, cmd.Stderr = &dom, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium --dump-dom: %v\n%s", err, stderr.String())
	}
	root, err := html.Parse(&dom)
	if err != nil {
		t.Fatal(err)
	}
	out := findElement(root, func(n *html.Node) bool { return attr(n, "id") == "matrix-layout" })
	if out == nil {
		t.Fatalf("the measuring script did not run\n%s", stderr.String())
	}
	var rows []matrixRowBox
	if err := json.Unmarshal([]byte(textOf(out)), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("measured %d matrix rows, want 6: %+v", len(rows), rows)
	}
	wrapped := false
	for _, r := range rows {
		wrapped = wrapped || r.Bottom-r.Top > 3*(r.FirstBottom-r.FirstTop)
	}
	if !wrapped {
		t.Fatalf("no row's cells wrapped, so this layout check proves nothing: %+v", rows)
	}
	for _, p := range matrixLayoutProblems(rows) {
		t.Error(p)
	}
}
