package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestGCTunedInOnePlace: process-wide runtime settings are made by tuneGC
// only, so that no command leaves another's settings in place.
func TestGCTunedInOnePlace(t *testing.T) {
	root := filepath.Join("..", "..")
	var where []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "debug" && strings.HasPrefix(sel.Sel.Name, "Set") {
					where = append(where, path+": debug."+sel.Sel.Name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range where {
		if filepath.Base(strings.SplitN(w, ":", 2)[0]) != "tuning.go" {
			t.Errorf("%s: runtime tuning outside internal/cli/tuning.go", w)
		}
	}
	if len(where) == 0 {
		t.Fatal("no debug.Set* call found at all: the walk read nothing")
	}
}

func TestTuneGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)

	restore := tuneGC("explain")
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("explain: GC percent %d, want -1 (off)", got)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("after explain: GC percent %d, want 100 restored", got)
	}
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	restore = tuneGC("analyze")
	if got := debug.SetGCPercent(100); got != analyzeGCPercent {
		t.Errorf("analyze: GC percent %d, want %d", got, analyzeGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != heapLimit {
		t.Errorf("analyze: memory limit %d, want %d", got, heapLimit)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got == heapLimit {
		t.Error("after analyze: the memory limit was not restored")
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("after analyze: GC percent %d, want 100 restored", got)
	}
	t.Setenv("GOGC", "100")
	restore = tuneGC("analyze")
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("analyze with GOGC set: GC percent %d, want it kept", got)
	}
	restore()
}
