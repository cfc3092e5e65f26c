package logsource

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// An upload held in memory resolves to the inputs, bytes, errors and
// problems of the same file given by path: the web page and the CLI read
// the same things from the same bundle.
func TestResolveUploadsAsFiles(t *testing.T) {
	var paths []string
	err := filepath.WalkDir("../../testdata/logs", func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !strings.HasSuffix(p, ".md") {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil || len(paths) < 20 {
		t.Fatalf("testdata/logs: %d files, %v", len(paths), err)
	}
	zips := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(p, ".zip") {
			zips++
		}
		t.Run(filepath.Base(p), func(t *testing.T) {
			want, wantProbs := Resolve([]string{p}, Options{})
			got, gotProbs := ResolveUploads([]Upload{{Name: p, Data: data}}, Options{})
			if diff := cmp.Diff(names(want), names(got)); diff != "" {
				t.Fatalf("inputs (-file +upload):\n%s", diff)
			}
			if diff := cmp.Diff(problemTexts(wantProbs), problemTexts(gotProbs)); diff != "" {
				t.Errorf("problems (-file +upload):\n%s", diff)
			}
			for i := range want {
				wb, werr := readInput(t, want[i])
				gb, gerr := readInput(t, got[i])
				if string(wb) != string(gb) || errText(werr) != errText(gerr) || want[i].OS != got[i].OS || want[i].Size != got[i].Size {
					t.Errorf("%s: upload read %d bytes (%v), file %d bytes (%v)", want[i].Name, len(gb), gerr, len(wb), werr)
				}
			}
		})
	}
	if zips < 3 {
		t.Errorf("%d zips in testdata/logs; the test is meant to cover the bundles, the damaged and the unsafe one", zips)
	}
}

func problemTexts(problems []*Problem) []string {
	var out []string
	for _, p := range problems {
		out = append(out, fmt.Sprintf("%s fatal=%v", p.Error(), p.Fatal))
	}
	return out
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// The zip limits hold for a zip in memory: a bomb stops at MaxEntrySize.
func TestResolveUploadsZipBomb(t *testing.T) {
	const limit = 1 << 20
	bomb := zeroBomb(t, "var/opt/azcmagent/log/azcmagent.log", 50<<20)
	inputs, _ := ResolveUploads([]Upload{{Name: "bomb.zip", Data: bomb}}, Options{MaxEntrySize: limit})
	if len(inputs) != 1 {
		t.Fatalf("inputs = %v, want one", names(inputs))
	}
	got, err := readInput(t, inputs[0])
	if !errors.Is(err, ErrTooLarge) || len(got) != limit {
		t.Errorf("read %d bytes, %v; want %d and ErrTooLarge", len(got), err, limit)
	}
}

// An upload that yields nothing is a fatal problem named after the upload.
func TestResolveUploadsNoLogs(t *testing.T) {
	empty := buildZip(t, zent{name: "etc/notes.txt", data: []byte("hello")})
	inputs, probs := ResolveUploads([]Upload{{Name: "x.zip", Data: empty}, {Name: "a.log", Data: []byte("line\n")}}, Options{})
	if diff := cmp.Diff([]string{"a.log"}, names(inputs)); diff != "" {
		t.Errorf("inputs:\n%s", diff)
	}
	if len(probs) != 1 || probs[0].Path != "x.zip" || !probs[0].Fatal {
		t.Errorf("problems = %v, want one fatal for x.zip", probs)
	}
}
