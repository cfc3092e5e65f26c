package msg

import (
	"cmp"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/arcdiag/arcdiag/kb"
)

// anyArg formats as "X" whatever the verb, so that a format's arguments
// can be counted without knowing their types.
type anyArg struct{}

func (anyArg) Format(f fmt.State, verb rune) { f.Write([]byte("X")) }

// argCount returns how many arguments format takes, or -1.
func argCount(format string) int {
	for n := 0; n <= 9; n++ {
		args := make([]any, n)
		for i := range args {
			args[i] = anyArg{}
		}
		if out := fmt.Sprintf(format, args...); !strings.Contains(out, "%!") {
			return n
		}
	}
	return -1
}

// TestCatalog: every ID has English and Japanese text, the Japanese takes
// the same arguments, is Japanese, and neither prints as an empty label.
func TestCatalog(t *testing.T) {
	if len(All()) != int(count) || len(All()) == 0 {
		t.Fatalf("All() lists %d IDs, the catalog has %d", len(All()), count)
	}
	for _, id := range All() {
		text := id.Text()
		if strings.TrimSpace(text.EN) == "" || strings.TrimSpace(text.JA) == "" {
			t.Errorf("ID %d: a language is missing or blank: %+v", id, text)
			continue
		}
		en, ja := argCount(text.EN), argCount(text.JA)
		if en < 0 || en != ja {
			t.Errorf("ID %d (%q): English takes %d arguments, Japanese %d", id, text.EN, en, ja)
			continue
		}
		if !strings.ContainsFunc(text.JA, func(r rune) bool {
			return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || (r >= 0x3000 && r <= 0x303f)
		}) {
			t.Errorf("ID %d: the Japanese text has no Japanese in it: %q", id, text.JA)
		}
		args := make([]any, en)
		for i := range args {
			args[i] = anyArg{}
		}
		for _, lang := range []kb.Lang{kb.EN, kb.JA} {
			if got := id.In(lang, args...); strings.TrimSpace(got) == "" || strings.Contains(got, "%!") {
				t.Errorf("ID %d in %s prints %q", id, lang, got)
			}
		}
	}
}

// TestOutOfRange: an ID outside the catalog says so rather than panicking.
func TestOutOfRange(t *testing.T) {
	if got := ID(-1).In(kb.EN); got != "msg(-1)" {
		t.Errorf("ID(-1) = %q", got)
	}
	if !count.Text().IsZero() {
		t.Error("count has text")
	}
}

// TestJapaneseTerms: the catalog says a concept with the knowledge base's
// word for it (kb.JapaneseTermProblem): コンピューター, not マシン; and in its
// sense (kb.JapaneseSenseProblem): 展開 for extracting a zip only.
func TestJapaneseTerms(t *testing.T) {
	for _, id := range All() {
		text := id.Text()
		if p := cmp.Or(kb.JapaneseTermProblem(text.JA), kb.JapaneseSenseProblem(text.EN, text.JA)); p != "" {
			t.Errorf("ID %d: %s: %q", id, p, text.JA)
		}
	}
}
