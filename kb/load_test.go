package kb

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

// TestLoadProblems loads each kb/testdata/load/*.txtar case as a real
// directory layered over the built-in entries and compares the problems with
// the case's "want" section. DIR in "want" stands for the directory.
func TestLoadProblems(t *testing.T) {
	cases, err := filepath.Glob("testdata/load/*.txtar")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no test cases in testdata/load (err %v)", err)
	}
	for _, file := range cases {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var want []string
			for _, f := range ar.Files {
				if f.Name == "want" {
					for _, l := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
						if l = strings.TrimSpace(l); l != "" {
							want = append(want, strings.ReplaceAll(l, "DIR", dir))
						}
					}
					continue
				}
				if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			k, err := Load(Builtin(), DirLayer(dir, os.DirFS(dir)))
			var got []string
			if err != nil {
				var le *LoadError
				if !errors.As(err, &le) {
					t.Fatalf("Load returned %T, want *LoadError: %v", err, err)
				}
				if k != nil {
					t.Error("Load returned a knowledge base along with problems")
				}
				for _, p := range le.Problems {
					got = append(got, strings.TrimPrefix(p.String(), dir+"/"))
				}
			}
			for i := range want {
				want[i] = strings.TrimPrefix(want[i], dir+"/")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLayerOverridesBuiltin(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ours.yaml", `
- id: AZCM0041
  kind: code
  title: {en: Our sign-in failed, ja: サインイン失敗}
  cause: {en: Our own cause., ja: 独自の原因。}
  remediation: {en: Call the identity team., ja: ID チームに連絡します。}
`)
	k, err := Load(Builtin(), DirLayer(dir, os.DirFS(dir)))
	if err != nil {
		t.Fatal(err)
	}
	e, ok := k.Get("AZCM0041")
	if !ok || e.Cause.EN != "Our own cause." {
		t.Fatalf("AZCM0041 was not replaced: %+v", e)
	}
	if e.Origin.Layer != dir {
		t.Errorf("origin layer %q, want %q", e.Origin.Layer, dir)
	}
	prev, ok := k.Overridden("AZCM0041")
	if !ok || !strings.HasPrefix(prev.File, "kb/data/") {
		t.Errorf("overridden origin %v (%v), want a kb/data/ file", prev, ok)
	}
	if got := k.ByCode("AZCM0041"); len(got) == 0 || got[0] != e {
		t.Errorf("ByCode does not lead with the replacing entry")
	}
}

func TestLoadMissingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "absent")
	_, err := Load(Builtin(), DirLayer(dir, os.DirFS(dir)))
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) != 1 || !strings.Contains(le.Problems[0].String(), "absent: cannot read knowledge-base directory") {
		t.Fatalf("got %v", err)
	}
}

func writeFile(t *testing.T, dir, name, data string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
