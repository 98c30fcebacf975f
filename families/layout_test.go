// Package families_test checks the rooms' walls: a family imports only the
// scenario core and small utilities, and no type or file grows into a god
// object. Package retries, the client retry scenarios, is held to the same
// walls, with the few packages its clients and proxy need besides.
package families_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/kmsconform/kmsconform/"

// allowed are the project packages a family may import, besides the
// standard library and the AWS SDK.
var allowed = map[string]bool{
	module + "scenario":    true,
	module + "stepdef":     true,
	module + "keywrap":     true,
	module + "keymaterial": true,
	module + "kmserrors":   true,
}

// retriesAllowed are the project packages package retries may import
// besides a family's: the clients it drives, the proxy of its own that
// injects faults and records the attempts, and the evidence it attaches.
var retriesAllowed = map[string]bool{
	module + "clients":       true,
	module + "proxy":         true,
	module + "proxy/faults":  true,
	module + "proxy/journal": true,
	module + "proxy/rules":   true,
	module + "evidence":      true,
	module + "reports":       true,
}

func TestFamiliesImportOnlyTheCore(t *testing.T) {
	if n := checkImports(t, "./...", nil); n < 4 {
		t.Fatalf("found %d family packages, want at least 4", n)
	}
	if n := checkImports(t, "../retries", retriesAllowed); n != 1 {
		t.Fatalf("found %d retries packages, want 1", n)
	}
}

// checkImports fails t for every import of the packages pattern names that
// a family may not make, extra allowed besides; it returns how many
// packages it checked.
func checkImports(t *testing.T, pattern string, extra map[string]bool) int {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", pattern).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pattern, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	n := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		n++
		for _, imp := range p.Imports {
			if problem := importProblem(imp, extra); problem != "" {
				t.Errorf("%s imports %s: %s", p.ImportPath, imp, problem)
			}
		}
	}
	return n
}

// importProblem says why a family may not import imp, or "": extra are
// the project packages it may import besides the core and the utilities.
func importProblem(imp string, extra map[string]bool) string {
	switch {
	case allowed[imp], extra[imp]:
		return ""
	case strings.HasPrefix(imp, module+"families/"):
		return "a family never imports another family"
	case strings.HasPrefix(imp, module):
		return "a family imports only the core, stepdef and the utility packages"
	case strings.HasPrefix(imp, "github.com/aws/"):
		return ""
	case !strings.Contains(strings.SplitN(imp, "/", 2)[0], "."):
		return "" // the standard library
	}
	return "not the SDK, the standard library or the core"
}

func TestImportProblem(t *testing.T) {
	for imp, bad := range map[string]bool{
		"context": false, "github.com/aws/aws-sdk-go-v2/service/kms": false, module + "scenario": false,
		module + "families/keystores": true, module + "runner": true, module + "reference": true,
		module + "retries": true, "github.com/cucumber/godog": true, module + "clients": true, module + "proxy": true,
	} {
		if got := importProblem(imp, nil) != ""; got != bad {
			t.Errorf("importProblem(%q) = %v, want %v", imp, got, bad)
		}
	}
	// retries may import its clients and proxy, and still no family, no
	// reference KMS and no runner.
	for imp, bad := range map[string]bool{
		module + "clients": false, module + "proxy/journal": false, module + "reports": false, module + "scenario": false,
		module + "families/importing": true, module + "reference": true, module + "runner": true, module + "steps": true,
	} {
		if got := importProblem(imp, retriesAllowed) != ""; got != bad {
			t.Errorf("importProblem(%q) for retries = %v, want %v", imp, got, bad)
		}
	}
}

const (
	maxMethods = 60
	maxLines   = 600
)

func TestNoGodObjects(t *testing.T) {
	var offenders []string
	for _, dir := range []string{"../scenario", ".", "../retries"} {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			offenders = append(offenders, sizeProblems(path, src)...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	offenders = append(offenders, methodProblems(t, "../scenario")...)
	offenders = append(offenders, methodProblems(t, "../retries")...)
	for _, fam := range []string{"keystores", "importing", "lifecycle", "encryption", "datakeys", "signing", "macs", "naming", "grants", "policies", "rotation", "multiregion"} {
		offenders = append(offenders, methodProblems(t, fam)...)
	}
	for _, o := range offenders {
		t.Error(o)
	}
}

func sizeProblems(path string, src []byte) []string {
	if n := strings.Count(string(src), "\n"); n > maxLines {
		return []string{path + ": " + itoa(n) + " lines, more than " + itoa(maxLines)}
	}
	return nil
}

// methodProblems lists the types of the package in dir with more than maxMethods methods.
func methodProblems(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
					count[receiverName(fd.Recv.List[0].Type)]++
				}
			}
		}
	}
	var out []string
	for typ, n := range count {
		if n > maxMethods {
			out = append(out, dir+": type "+typ+" has "+itoa(n)+" methods, more than "+itoa(maxMethods))
		}
	}
	return out
}

func receiverName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return receiverName(x.X)
	case *ast.IndexExpr:
		return receiverName(x.X)
	case *ast.IndexListExpr:
		return receiverName(x.X)
	case *ast.Ident:
		return x.Name
	}
	return "?"
}

func TestSizeProblems(t *testing.T) {
	if p := sizeProblems("big.go", []byte(strings.Repeat("x\n", maxLines+1))); len(p) != 1 {
		t.Errorf("a file of %d lines passes: %v", maxLines+1, p)
	}
	if p := sizeProblems("small.go", []byte(strings.Repeat("x\n", maxLines))); len(p) != 0 {
		t.Errorf("a file of %d lines fails: %v", maxLines, p)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
