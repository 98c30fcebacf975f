// Package families_test checks the rooms' walls: a family imports only the
// scenario core and small utilities, and no type or file grows into a god
// object.
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

func TestFamiliesImportOnlyTheCore(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
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
			if problem := importProblem(imp); problem != "" {
				t.Errorf("%s imports %s: %s", p.ImportPath, imp, problem)
			}
		}
	}
	if n < 3 {
		t.Fatalf("found %d family packages, want at least 3", n)
	}
}

// importProblem says why a family may not import imp, or "".
func importProblem(imp string) string {
	switch {
	case allowed[imp]:
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
		module + "retries": true, "github.com/cucumber/godog": true,
	} {
		if got := importProblem(imp) != ""; got != bad {
			t.Errorf("importProblem(%q) = %v, want %v", imp, got, bad)
		}
	}
}

const (
	maxMethods = 60
	maxLines   = 600
)

func TestNoGodObjects(t *testing.T) {
	var offenders []string
	for _, dir := range []string{"../scenario", "."} {
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
	for _, fam := range []string{"keystores", "importing", "lifecycle"} {
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
