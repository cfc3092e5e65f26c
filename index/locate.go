package index

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// The index keeps no term vectors: they were a quarter of the build time,
// and they serve only phrases and fragments, which need them for a handful
// of entries. A phrase is searched as all of its terms, and each candidate
// is checked here against its text; the words to mark in a fragment are
// found here in the text of the hits shown.

// locator finds where the clauses of a query match the text of entries,
// caching the analysis of English values.
type locator struct {
	ix     *Index
	tokens map[string]analysis.TokenStream // by value
	lower  map[string]string               // by value
	terms  map[string][]*analysis.Token    // by clause text
}

func newLocator(ix *Index) *locator {
	return &locator{ix: ix, tokens: map[string]analysis.TokenStream{}, lower: map[string]string{}, terms: map[string][]*analysis.Token{}}
}

// find returns the spans of value that clause c matches: for a phrase, the
// runs of its words in order; otherwise each of its words.
func (l *locator) find(value string, c clause) []Span {
	if slices.Contains(japanFields, c.field) {
		return findJapanese(value, c)
	}
	if !slices.Contains(englishFields, c.field) {
		return nil
	}
	want := l.analyzed(c.text)
	if len(want) == 0 || !l.mayContain(value, want) {
		return nil
	}
	if !c.phrase {
		return l.findWords(value, want)
	}
	got := l.analyzedValue(value)
	var spans []Span
	// A phrase: the words at the same distances as in the query (a stop
	// word the analyzer dropped still counts as a position).
	byPos := make(map[int]*analysis.Token, len(got))
	for _, t := range got {
		byPos[t.Position] = t
	}
	for _, t := range got {
		if string(t.Term) != string(want[0].Term) {
			continue
		}
		end := t.End
		ok := true
		for _, w := range want[1:] {
			u := byPos[t.Position+w.Position-want[0].Position]
			if u == nil || string(u.Term) != string(w.Term) {
				ok = false
				break
			}
			end = u.End
		}
		if ok {
			spans = append(spans, Span{t.Start, end})
		}
	}
	return spans
}

// analyzed returns the English analysis of a clause's text.
func (l *locator) analyzed(text string) []*analysis.Token {
	if ts, ok := l.terms[text]; ok {
		return ts
	}
	ts := l.ix.mapping.AnalyzerNamed(en.AnalyzerName).Analyze([]byte(text))
	l.terms[text] = ts
	return ts
}

// findWords returns the spans of the words of value whose term is one of
// want. Only the words around a place where a term's first letters occur
// are analysed: white space ends a word for the analyzer too, so that a
// stretch between spaces is analysed as it would be in the whole value.
func (l *locator) findWords(value string, want []*analysis.Token) []Span {
	lower := l.lower[value]
	set := map[string]bool{}
	for _, t := range want {
		set[string(t.Term)] = true
	}
	if len(lower) != len(value) {
		// Lower-casing moved the bytes: analyse it all.
		var spans []Span
		for _, t := range l.analyzedValue(value) {
			if set[string(t.Term)] {
				spans = append(spans, Span{t.Start, t.End})
			}
		}
		return spans
	}
	analyzer := l.ix.mapping.AnalyzerNamed(en.AnalyzerName)
	done := map[int]bool{}
	var spans []Span
	for _, t := range want {
		p := prefix4(string(t.Term))
		for i := 0; i < len(lower); {
			j := strings.Index(lower[i:], p)
			if j < 0 {
				break
			}
			at := i + j
			start := 0
			if k := strings.LastIndexFunc(value[:at], unicode.IsSpace); k >= 0 {
				_, size := utf8.DecodeRuneInString(value[k:])
				start = k + size
			}
			end := len(value)
			if k := strings.IndexFunc(value[at:], unicode.IsSpace); k >= 0 {
				end = at + k
			}
			i = end
			if done[start] {
				continue
			}
			done[start] = true
			for _, tok := range analyzer.Analyze([]byte(value[start:end])) {
				if set[string(tok.Term)] {
					spans = append(spans, Span{start + tok.Start, start + tok.End})
				}
			}
		}
	}
	return spans
}

// prefix4 returns the first four characters of s.
func prefix4(s string) string {
	n := 0
	for i := range s {
		if n == 4 {
			return s[:i]
		}
		n++
	}
	return s
}

// mayContain reports whether value may hold one of the terms: whether it
// contains, in any case, the first four letters of one (a stem is not
// always a substring of its words: polici, policy). Analysing a value costs
// a hundred times more than this test, and most values hold no term.
func (l *locator) mayContain(value string, terms []*analysis.Token) bool {
	lower, ok := l.lower[value]
	if !ok {
		lower = strings.ToLower(value)
		l.lower[value] = lower
	}
	for _, t := range terms {
		if strings.Contains(lower, prefix4(string(t.Term))) {
			return true
		}
	}
	return false
}

func (l *locator) analyzedValue(value string) analysis.TokenStream {
	if ts, ok := l.tokens[value]; ok {
		return ts
	}
	ts := l.ix.mapping.AnalyzerNamed(en.AnalyzerName).Analyze([]byte(value))
	l.tokens[value] = ts
	return ts
}

// findJapanese locates a clause in Japanese text by comparing characters,
// as the cjk analyzer's bigrams do: a Japanese word (or phrase) must occur
// whole, white space aside; the weak clause of a long word matches any two
// neighbouring characters of it; a Latin-script word must occur as a word.
func findJapanese(value string, c clause) []Span {
	folded, at := foldJapanese(value)
	var spans []Span
	add := func(needle string) {
		if needle == "" {
			return
		}
		for i := 0; ; {
			j := strings.Index(folded[i:], needle)
			if j < 0 {
				return
			}
			start := i + j
			end := start + len(needle)
			if !hasCJK(needle) && (wordAt(folded, start-1, true) || wordAt(folded, end, false)) {
				i = start + 1
				continue
			}
			// From the first character matched to the end of the last,
			// in the text as written.
			last := at[end-1]
			_, size := utf8.DecodeRuneInString(value[last:])
			spans = append(spans, Span{at[start], last + size})
			i = end
		}
	}
	text, _ := foldJapanese(c.text)
	switch {
	case c.phrase || !hasCJK(c.text):
		if hasCJK(c.text) {
			add(text)
			break
		}
		for _, w := range strings.Fields(strings.ToLower(c.text)) {
			add(w)
		}
	default:
		// The weak clause of a long word: its bigrams, but not those of
		// hiragana alone, the particles and endings (ない, して) found
		// everywhere.
		rs := []rune(text)
		for i := 0; i+1 < len(rs); i++ {
			if isCJK(rs[i]) && isCJK(rs[i+1]) && !(unicode.Is(unicode.Hiragana, rs[i]) && unicode.Is(unicode.Hiragana, rs[i+1])) {
				add(string(rs[i : i+2]))
			}
		}
	}
	return spans
}

// foldJapanese lower-cases text, folds full-width Latin letters and digits
// to ASCII (the cjk analyzer's width filter does the same), and drops white
// space; at[i] is the byte of text that byte i of the result came from.
func foldJapanese(text string) (string, []int) {
	var b strings.Builder
	at := make([]int, 0, len(text))
	for i, r := range text {
		if unicode.IsSpace(r) {
			continue
		}
		if r >= 0xff01 && r <= 0xff5e { // full-width ASCII
			r -= 0xfee0
		}
		r = unicode.ToLower(r)
		n := b.Len()
		b.WriteRune(r)
		for range b.Len() - n {
			at = append(at, i)
		}
	}
	return b.String(), at
}

// wordAt reports whether the rune ending (before) or starting (after) at
// byte i of s is a Latin letter or digit, that is, whether a match there
// would be part of a longer word.
func wordAt(s string, i int, before bool) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	var r rune
	if before {
		r, _ = utf8.DecodeLastRuneInString(s[:i+1])
	} else {
		r, _ = utf8.DecodeRuneInString(s[i:])
	}
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isCJK(r)
}
