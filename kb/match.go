package kb

import (
	"regexp"
	"strings"
	"sync"
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

var unescaper = strings.NewReplacer(`\\\"`, `"`, `\"`, `"`, `\\`, `\`, `\n`, "\n", `\r`, "\r", `\t`, "\t")

// Unescape undoes the escaping that Go quoting (and so logrus) applies to a
// value, including one level of nesting (`\\\"` inside JSON inside a value),
// so that patterns can be written against the plain text. It does not need
// the text to be a complete quoted string: pasted fragments are common.
func Unescape(s string) string { return unescaper.Replace(s) }
