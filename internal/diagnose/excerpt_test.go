package diagnose

import (
	"strings"
	"testing"
)

func TestExcerptKeepsTheMatchAndSaysSo(t *testing.T) {
	pad := strings.Repeat("x", 3*MaxExcerpt)
	s := pad + "NEEDLE" + pad
	got, cut := excerpt(s, len(pad))
	if !cut || !strings.Contains(got, "NEEDLE") || len(got) > MaxExcerpt+64 {
		t.Fatalf("excerpt: cut %v, len %d, has match %v", cut, len(got), strings.Contains(got, "NEEDLE"))
	}
	if !strings.HasPrefix(got, "[…") || !strings.HasSuffix(got, "bytes cut]") {
		t.Errorf("cuts not marked: %q … %q", got[:40], got[len(got)-40:])
	}
	if short, cut := excerpt("short", 0); cut || short != "short" {
		t.Errorf("short text changed: %q %v", short, cut)
	}
}
