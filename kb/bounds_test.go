package kb

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// aliasBomb is a small file whose entries reuse one anchored list of
// patterns, and anchors of anchors: followed, it decodes to millions of
// values.
func aliasBomb(entries int) string {
	var b strings.Builder
	b.WriteString("- &base\n  id: org-base\n  kind: message\n  title: {en: T, ja: T}\n  cause: {en: C, ja: C}\n  remediation: {en: R, ja: R}\n  patterns: &pats\n")
	for i := range 200 {
		fmt.Fprintf(&b, "    - 'unique failure text %04d'\n", i)
	}
	b.WriteString("  examples: ['unique failure text 0000']\n")
	for i := range entries {
		fmt.Fprintf(&b, "- id: org-copy-%d\n  kind: message\n  title: {en: T, ja: T}\n  cause: {en: C, ja: C}\n  remediation: {en: R, ja: R}\n  patterns: *pats\n  examples: ['unique failure text 0000']\n", i)
	}
	return b.String()
}

func TestFolderBounds(t *testing.T) {
	many := fstest.MapFS{}
	for i := range maxFiles + 1 {
		many[fmt.Sprintf("f%03d.yaml", i)] = &fstest.MapFile{Data: []byte("[]\n")}
	}
	big := fstest.MapFS{}
	for i := range 3 {
		big[fmt.Sprintf("f%d.yaml", i)] = &fstest.MapFile{Data: []byte("# " + strings.Repeat("x", maxLayerSize/2) + "\n")}
	}
	tests := []struct {
		name string
		fs   fstest.MapFS
		want string
	}{
		{"alias fan-out", fstest.MapFS{"bomb.yaml": {Data: []byte(aliasBomb(5000))}}, "ours/bomb.yaml:"},
		{"too many files", many, "more than the 256"},
		{"too many bytes", big, "ours/f1.yaml: the folder's YAML files pass 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Load(Builtin(), DirLayer("ours", tt.fs))
			var le *LoadError
			if k != nil || !errors.As(err, &le) {
				t.Fatalf("loaded: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("problems %q, want one with %q", err, tt.want)
			}
		})
	}
}

// The built-in layer is bounded by review, not by the --kb-dir limits: the
// same bytes that stop a folder load when they are the embedded layer's.
func TestEmbeddedLayerNotSizeBounded(t *testing.T) {
	big := fstest.MapFS{"entries.yaml": {Data: []byte("[]\n")}}
	for i := range 3 {
		big[fmt.Sprintf("f%d.yaml", i)] = &fstest.MapFile{Data: []byte("# " + strings.Repeat("x", maxLayerSize/2) + "\n")}
	}
	if _, err := Load(Layer{Name: "built-in", FS: big, Prefix: "kb/data/", embedded: true}); err != nil {
		t.Errorf("embedded layer over %d bytes: %v", maxLayerSize, err)
	}
	if _, err := Load(DirLayer("ours", big)); err == nil || !strings.Contains(err.Error(), "pass 1 MiB") {
		t.Errorf("folder over %d bytes: got %v, want the size problem", maxLayerSize, err)
	}
}
