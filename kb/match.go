package kb

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Match is an entry whose patterns recognised a text.
type Match struct {
	Entry *Entry
	// Start and End locate the first match in the text (in its unescaped
	// form when only that matched).
	Start, End int
}

type entryMatcher struct {
	once sync.Once
	res  []*regexp.Regexp
}

// compiled returns the entry's patterns, compiled on first use so that a
// lookup by code never pays for them. Patterns of an untrusted layer were
// compiled once already by the checks; a pattern that fails here (a trusted
// layer the tests did not cover) is skipped rather than crashing.
func (e *Entry) compiled() []*regexp.Regexp {
	if e.matcher == nil {
		return nil
	}
	e.matcher.once.Do(func() {
		e.matcher.res = make([]*regexp.Regexp, len(e.Patterns))
		for i, p := range e.Patterns {
			// A pattern that fails (a trusted layer the tests did not
			// cover) stays nil and never matches, rather than crashing.
			e.matcher.res[i], _ = regexp.Compile(p)
		}
	})
	return e.matcher.res
}

// match reports the first place any of the entry's patterns matches text.
func (e *Entry) match(text string) ([]int, bool) {
	var best []int
	for _, re := range e.compiled() {
		if re == nil {
			continue
		}
		if loc := matchForms(re, text); loc != nil && (best == nil || loc[0] < best[0]) {
			best = loc
		}
	}
	return best, best != nil
}

// Matches reports whether the entry's patterns recognise text.
func (e *Entry) Matches(text string) bool {
	_, ok := e.match(text)
	return ok
}

// matchForms matches text as written and, when it carries logrus/Go string
// escapes (a message inside Error="..."), as unescaped, so that a pattern can
// be written against the plain message.
func matchForms(re *regexp.Regexp, text string) []int {
	forms := lineForms{raw: []byte(text)}
	return forms.find(re)
}

// Match returns every entry whose patterns recognise text, earliest match
// first.
func (k *KB) Match(text string) []Match {
	return k.Matcher().Match([]byte(text))
}

// Unescape undoes one level of the escaping that Go quoting (and so
// logrus) and JSON apply to a value: \" \\ \n \r \t, \uXXXX for the
// characters JSON encoders escape (< > & as \u003c \u003e \u0026), and \\\" as a quote (JSON inside a
// value), so that patterns can be written against the plain text. It does
// not need the text to be a complete quoted string: pasted fragments are
// common. Other backslashes (a Windows path in plain text) stay.
func Unescape(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for ; i >= 0; i = strings.IndexByte(s, '\\') {
		b = append(b, s[:i]...)
		s = s[i:]
		n := 2
		switch {
		case strings.HasPrefix(s, `\\\"`):
			b, n = append(b, '"'), 4
		case len(s) < 2:
			b, n = append(b, '\\'), 1
		case s[1] == '"' || s[1] == '\\':
			b = append(b, s[1])
		case s[1] == 'n':
			b = append(b, '\n')
		case s[1] == 'r':
			b = append(b, '\r')
		case s[1] == 't':
			b = append(b, '\t')
		case s[1] == 'u' && len(s) >= 6 && isHex4(s[2:6]) && jsonEscaped(hexRune(s[2:6])):
			b, n = utf8.AppendRune(b, hexRune(s[2:6])), 6
		default:
			b, n = append(b, '\\'), 1
		}
		s = s[n:]
	}
	return string(append(b, s...))
}

// jsonEscaped reports whether JSON encoders write r as \uXXXX in ASCII
// text: control characters, quote and backslash, the HTML-sensitive < > &
// (Go, .NET), U+2028 and U+2029. Only these are
// undone: the literal filter never looks for them (unescapable), so a \u
// escape cannot hide a literal from it.
func jsonEscaped(r rune) bool {
	return r < 0x20 || r == 0x7f || r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' ||
		r == '\u2028' || r == '\u2029'
}

func hexRune(s string) rune {
	r, _ := strconv.ParseUint(s, 16, 32)
	return rune(r)
}

func isHex4(s string) bool {
	for i := range 4 {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
