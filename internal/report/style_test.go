package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWrapLine(t *testing.T) {
	tests := []struct {
		in    string
		limit int
		want  []string
	}{
		{"short", 20, []string{"short"}},
		{"the quick brown fox jumps over the lazy dog", 15, []string{"the quick brown", "fox jumps over", "the lazy dog"}},
		{"supercalifragilistic word", 10, []string{"supercalif", "ragilistic", "word"}},
		// Japanese breaks between any two characters; each is two columns wide.
		{"管理者特権でコマンドを実行します", 10, []string{"管理者特権", "でコマンド", "を実行しま", "す"}},
		// Hangul is wide too; a combining accent takes no column.
		{"한국어로된설명입니다", 6, []string{"한국어", "로된설", "명입니", "다"}},
		{"résumé résumé", 7, []string{"résumé", "résumé"}},
	}
	for _, tt := range tests {
		got := wrapLine(tt.in, tt.limit)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("wrapLine(%q, %d) (-want +got):\n%s", tt.in, tt.limit, diff)
		}
		for _, l := range got {
			w := 0
			for _, r := range l {
				w += runeWidth(r)
			}
			if w > tt.limit {
				t.Errorf("line %q is %d columns wide, limit %d", l, w, tt.limit)
			}
		}
		if strings.Join(got, "") != strings.ReplaceAll(tt.in, " ", "") && !strings.Contains(tt.in, " ") {
			t.Errorf("wrapLine lost text: %q", got)
		}
	}
}

// TestDisplayWidth: the columns a terminal gives text, beyond CJK.
func TestDisplayWidth(t *testing.T) {
	for s, want := range map[string]int{
		"abc":                  3,
		"プロキシ":                 8,
		"한국어":                  6, // Hangul
		"ＡＢ":                   4, // fullwidth Latin
		"e\u0301":              1, // e + combining acute
		"\u200b":               0, // zero-width space
		"\U0001F680":           2, // rocket emoji
		"x\x1b":                1, // a control character
		"\u00e9t\u00e9 \u00b1": 5, // ambiguous width counts as one
	} {
		if got := DisplayWidth(s); got != want {
			t.Errorf("DisplayWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestStyleFor(t *testing.T) {
	tests := []struct {
		cols  int
		color bool
		want  style
	}{
		{80, true, style{color: true, width: 80}},
		{200, true, style{color: true, width: 120}},
		{80, false, style{color: false, width: 80}},
		{20, true, style{color: true}},
		{0, false, style{}},
	}
	for _, tt := range tests {
		if got := styleFor(Options{Width: tt.cols, Color: tt.color}); got != tt.want {
			t.Errorf("styleFor(%d, %v) = %+v, want %+v", tt.cols, tt.color, got, tt.want)
		}
	}
	if got := (style{color: true}).paint(red, "x"); got != "\x1b[31mx\x1b[0m" {
		t.Errorf("paint = %q", got)
	}
}
