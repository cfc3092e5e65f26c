package kb

import (
	"testing"
	"testing/fstest"
)

// TestRevision: the knowledge-base revision follows the content, and only it.
func TestRevision(t *testing.T) {
	base := fstest.MapFS{"a.yaml": {Data: []byte("- id: a\n")}, "b.yaml": {Data: []byte("- id: b\n")}}
	rev := func(fsys fstest.MapFS) string {
		t.Helper()
		r, err := revisionOf(fsys)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r0 := rev(base)
	if len(r0) != 12 || r0 != rev(fstest.MapFS{"b.yaml": base["b.yaml"], "a.yaml": base["a.yaml"]}) {
		t.Fatalf("revision %q: not 12 digits, or not the same for the same files", r0)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"a byte changed": {"a.yaml": {Data: []byte("- id: c\n")}, "b.yaml": base["b.yaml"]},
		"a file renamed": {"a.yaml": base["a.yaml"], "c.yaml": base["b.yaml"]},
		"bytes moved":    {"a.yaml": {Data: []byte("- id: a\n- id: b\n")}, "b.yaml": {Data: nil}},
	} {
		if rev(fsys) == r0 {
			t.Errorf("%s: the revision did not change", name)
		}
	}
	if BuiltinRevision() == "unknown" {
		t.Error("the built-in knowledge base has no revision")
	}
}
