package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestRacePackagesCoverGoroutines: every package whose code starts a
// goroutine is in the Makefile's RACE_PKGS, which `make test` runs under the
// race detector.
func TestRacePackagesCoverGoroutines(t *testing.T) {
	root := filepath.Join("..", "..")
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^RACE_PKGS \?= (.*)$`).FindSubmatch(makefile)
	if m == nil {
		t.Fatal("no RACE_PKGS in the Makefile")
	}
	patterns := strings.Fields(string(m[1]))
	covered := func(dir string) bool {
		return slices.ContainsFunc(patterns, func(p string) bool {
			if base, ok := strings.CutSuffix(p, "/..."); ok {
				return dir == base || strings.HasPrefix(dir, base+"/")
			}
			return dir == p
		})
	}
	var withGo []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != root {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if strings.HasSuffix(path, "_windows.go") {
			return nil // the race pass runs on Linux, where these files are not built
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		found := false
		ast.Inspect(f, func(n ast.Node) bool {
			_, ok := n.(*ast.GoStmt)
			found = found || ok
			return !found
		})
		if found {
			rel, err := filepath.Rel(root, filepath.Dir(path))
			if err != nil {
				return err
			}
			withGo = append(withGo, "./"+filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(withGo) == 0 {
		t.Fatal("found no go statement at all: the walk read nothing")
	}
	for _, dir := range withGo {
		if !covered(dir) {
			t.Errorf("%s starts goroutines but is not in the Makefile's RACE_PKGS", dir)
		}
	}
}
