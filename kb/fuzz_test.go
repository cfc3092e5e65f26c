package kb

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// FuzzLoad feeds arbitrary bytes to the loader as a knowledge-base file. It
// must never panic or hang, every problem must name the file, and a file that
// loads must give entries that survive every check and lookup.
func FuzzLoad(f *testing.F) {
	// Seeds are single entries, not whole files: a 70 KB seed made every
	// input cost a whole file's decoding, checks and regexps, and the
	// fuzzer ran a few dozen inputs a minute.
	builtin := Builtin()
	err := fs.WalkDir(builtin.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := fs.ReadFile(builtin.FS, p)
			for i, e := range strings.Split(string(data), "\n- id: ") {
				if i > 0 && i%4 == 1 { // every fourth entry is enough variety
					f.Add([]byte("- id: " + e))
				}
			}
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	cases, _ := filepath.Glob("testdata/load/*.txtar")
	for _, c := range cases {
		ar, err := txtar.ParseFile(c)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if strings.HasSuffix(file.Name, ".yaml") {
				f.Add(file.Data)
			}
		}
	}
	f.Add([]byte("\xff\xfe-\x00 \x00i\x00d\x00:\x00 \x00x\x00\n\x00")) // UTF-16 LE
	f.Add([]byte("- &a [*a]"))
	f.Add([]byte("a: &a\n  b: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 8<<10 {
			return // bounded work per input; the folder bounds refuse far less
		}
		entries, problems := decodeFile("fuzz", "f.yaml", data)
		for _, p := range problems {
			if p.File != "f.yaml" || p.Line < 0 {
				t.Fatalf("problem without its file or with a bad line: %+v", p)
			}
		}
		for _, e := range entries {
			normalize(e)
			for _, p := range checkEntry(e) {
				if p.File != "f.yaml" {
					t.Fatalf("problem without its file: %+v", p)
				}
			}
			e.Matches(string(data))
			e.MeaningFor(Context{OS: "linux"})
		}
	})
}
