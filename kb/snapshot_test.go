package kb

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite kb/builtin.gob from kb/data")

// TestBuiltinSnapshot keeps the snapshot the binary loads equal to the YAML
// in kb/data. After editing an entry, run `make golden` (go test ./kb -run
// TestBuiltinSnapshot -update) and commit kb/builtin.gob.
func TestBuiltinSnapshot(t *testing.T) {
	fromYAML := loadBuiltinVerified(t).Entries()
	if *update {
		var buf bytes.Buffer
		if err := WriteSnapshot(&buf, fromYAML); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("builtin.gob", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	k, err := Load(Builtin()) // trusted: read from the snapshot
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fromYAML, k.Entries(), cmpopts.IgnoreUnexported(Entry{}), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("kb/builtin.gob is out of date with kb/data; run `make golden` (-yaml +snapshot):\n%s", diff)
	}
}

// TestBrokenSnapshotFallsBackToYAML: a snapshot the binary cannot decode
// must not lose the built-in entries.
func TestBrokenSnapshotFallsBackToYAML(t *testing.T) {
	layer := Builtin()
	layer.snapshot = []byte("not a gob")
	k, err := Load(layer)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := k.Get("AZCM0041"); !ok {
		t.Fatal("AZCM0041 missing after falling back to the YAML")
	}
}
