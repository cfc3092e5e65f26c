package diagnose

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/arcdiag/arcdiag/kb"
)

// MaxExcerpt bounds each text a Finding keeps (Raw, Text, Message). An
// Error= value can hold megabytes (a whole HTTP exchange, a dumped buffer),
// and a finding lives until its run is reported: keeping whole lines made
// ten 15 MiB failures cost 820 MiB. A longer text keeps MaxExcerpt bytes
// around what matched, with the cuts marked in the text itself so that
// every output format shows them.
const MaxExcerpt = 64 << 10

// MaxLineLen is the longest line analyze and tail read whole; the rest of a
// longer one is skipped (its start is analyzed, and the truncation said).
// Matching holds a few copies of a line at once (as read, unescaped, case
// folded, decoded), so this bound, not the input, sets the memory needed.
const MaxLineLen = 1 << 20

// excerpt returns s whole when it fits, else MaxExcerpt bytes of it around
// byte at (the start of what matched; clamped), the cuts marked with how
// many bytes they hide.
func excerpt[T string | []byte](s T, at int) (string, bool) {
	if len(s) <= MaxExcerpt {
		return string(s), false
	}
	at = min(max(at, 0), len(s))
	start := max(at-MaxExcerpt/4, 0)
	end := min(start+MaxExcerpt, len(s))
	start = max(end-MaxExcerpt, 0)
	for start > 0 && start < len(s) && !utf8.RuneStart(s[start]) {
		start++
	}
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end--
	}
	var b strings.Builder
	b.Grow(end - start + 64)
	if start > 0 {
		fmt.Fprintf(&b, "[…%d bytes cut] ", start)
	}
	b.WriteString(string(s[start:end]))
	if end < len(s) {
		fmt.Fprintf(&b, " […%d bytes cut]", len(s)-end)
	}
	return b.String(), true
}

// matchAt says where in text the first pattern match is, so that an
// excerpt keeps it: the matched bytes of raw looked up in text (which is
// raw unescaped), else the start.
func matchAt(text string, raw []byte, matches []kb.Match) int {
	if len(matches) == 0 || len(text) <= MaxExcerpt {
		return 0
	}
	m := matches[0]
	if m.Start < 0 || m.End > len(raw) || m.Start >= m.End {
		return 0
	}
	if i := strings.Index(text, string(raw[m.Start:min(m.End, m.Start+256)])); i >= 0 {
		return i
	}
	return 0
}

// maxRunBytes bounds the text of the findings a run keeps for its report
// (up to Options.KeepFindings of them, each up to 3 × MaxExcerpt): past it,
// a kept finding, already streamed whole, keeps shortExcerpt bytes of each
// text, more than the report prints of it.
const (
	maxRunBytes  = 4 << 20
	shortExcerpt = 1 << 10
)

// shorten cuts the finding's texts to shortExcerpt bytes, marking the cut.
func (f *Finding) shorten() {
	for _, s := range []*string{&f.Raw, &f.Text, &f.Message} {
		if len(*s) > shortExcerpt {
			cut := shortExcerpt
			for cut > 0 && !utf8.RuneStart((*s)[cut]) {
				cut--
			}
			*s = fmt.Sprintf("%s […%d bytes cut]", (*s)[:cut], len(*s)-cut)
			f.Excerpt = true
		}
	}
}
