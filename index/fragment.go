package index

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/arcdiag/arcdiag/kb"
)

const (
	// maxFragments is the most fragments a hit carries.
	maxFragments = 3
	// fragmentWidth is a fragment's width in terminal columns (a Japanese
	// character takes two), about one line under a hit.
	fragmentWidth = 100
	// fragmentLead is how much text comes before the first match.
	fragmentLead = 24
)

// fieldNames gives each text field the name a fragment reports, its
// language, and its rank when fragments are chosen: a match in a cause
// explains more than one in an example log line. The name field has no
// fragments: the id is on the hit's line already.
var fieldNames = map[string]struct {
	name string
	lang kb.Lang
	rank int
	// logText marks the fields that quote what the agent prints (in
	// English whatever the reader's language), as opposed to the entry's
	// own text, written in each language.
	logText bool
}{
	fieldTitleEN: {"title", kb.EN, 0, false}, fieldTitleJA: {"title", kb.JA, 0, false},
	fieldAlias:   {"alias", kb.EN, 1, true},
	fieldCauseEN: {"cause", kb.EN, 2, false}, fieldCauseJA: {"cause", kb.JA, 2, false},
	fieldRemEN: {"remediation", kb.EN, 3, false}, fieldRemJA: {"remediation", kb.JA, 3, false},
	fieldExample: {"example", kb.EN, 4, true},
}

// fragments cuts the pieces of a document's text around the places the
// clauses matched, preferring text in lang, and locates the matches in the
// title in lang.
func (d *document) fragments(clauses []clause, loc *locator, lang kb.Lang) ([]Fragment, []Span) {
	type key struct {
		field string
		pos   int
	}
	type value struct {
		key
		marks []mark
		terms map[string]uint64 // a bit per clause text that matched
	}
	var values []*value
	byKey := map[key]*value{}
	for _, c := range clauses {
		if _, ok := fieldNames[c.field]; !ok {
			continue
		}
		for pos, text := range d.fields[c.field] {
			spans := loc.find(text, c)
			if len(spans) == 0 {
				continue
			}
			k := key{c.field, pos}
			v := byKey[k]
			if v == nil {
				v = &value{key: k, terms: map[string]uint64{}}
				byKey[k] = v
				values = append(values, v)
			}
			bit, ok := v.terms[c.text]
			if !ok {
				bit = 1 << (len(v.terms) % 64)
				v.terms[c.text] = bit
			}
			for _, sp := range spans {
				v.marks = append(v.marks, mark{sp, bit})
			}
		}
	}
	var titleMarks []Span
	var inLang, logText []*value
	for _, v := range values {
		v.marks = mergeMarks(v.marks)
		f := fieldNames[v.field]
		switch {
		case f.rank == 0 && v.pos == 0 && f.lang == lang:
			for _, m := range v.marks {
				titleMarks = append(titleMarks, m.Span) // shown in the hit's title line
			}
		case f.logText:
			logText = append(logText, v)
		case f.lang == lang:
			inLang = append(inLang, v)
		}
		// The entry's own text in the other language is not shown: the
		// reader asked for theirs (the cause below stands in for it).
	}
	pick := inLang
	if len(pick) == 0 {
		pick = logText
	}
	// The values that hold the most query terms first, then by field.
	slices.SortFunc(pick, func(a, b *value) int {
		return cmp.Or(cmp.Compare(len(b.terms), len(a.terms)), cmp.Compare(fieldNames[a.field].rank, fieldNames[b.field].rank),
			cmp.Compare(a.pos, b.pos), strings.Compare(a.field, b.field))
	})
	var out []Fragment
	for _, v := range pick {
		if len(out) == maxFragments {
			break
		}
		f := fieldNames[v.field]
		text, marks := cut(d.fields[v.field][v.pos], v.marks, fragmentWidth)
		// Examples often repeat one message in several log formats.
		if slices.ContainsFunc(out, func(o Fragment) bool { return o.Text == text }) {
			continue
		}
		out = append(out, Fragment{Field: f.name, Lang: f.lang, Text: text, Marks: marks})
	}
	if len(out) == 0 && titleMarks == nil {
		// Matched on id, code, kind or tag alone, or in the other language
		// only: say what the entry is about, in the reader's language.
		if cause := d.entry.Cause.In(lang); cause != "" {
			text, _ := cut(cause, nil, fragmentWidth)
			out = append(out, Fragment{Field: "cause", Lang: langOf(d.entry.Cause, lang), Text: text})
		}
	}
	return out, titleMarks
}

// mark is a matched range of a text, with a bit for each query term it
// matched.
type mark struct {
	Span
	terms uint64
}

// langOf is the language Text.In(lang) answers in.
func langOf(t kb.Text, lang kb.Lang) kb.Lang {
	if lang == kb.JA && t.JA != "" {
		return kb.JA
	}
	return kb.EN
}

// mergeMarks sorts marks and joins the ones that overlap or touch, such as
// the overlapping bigrams of a Japanese word.
func mergeMarks(marks []mark) []mark {
	slices.SortFunc(marks, func(a, b mark) int { return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End)) })
	var out []mark
	for _, m := range marks {
		if n := len(out); n > 0 && m.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, m.End)
			out[n-1].terms |= m.terms
			continue
		}
		out = append(out, m)
	}
	return out
}

// cut returns about width columns of text around the run of marks that
// holds the most query terms (then the most marks), with white space
// folded, "…" where the text was cut, and the marks moved to the returned
// text.
func cut(text string, marks []mark, width int) (string, []Span) {
	// col[i] is the display column at byte i (at rune starts).
	col := make([]int, len(text)+1)
	c := 0
	for i, r := range text {
		col[i] = c
		c += runeWidth(r)
	}
	col[len(text)] = c
	best, bestTerms, bestCount := 0, 0, 0
	for i := range marks {
		var terms uint64
		n := 0
		for j := i; j < len(marks) && col[marks[j].End]-col[marks[i].Start] <= width-fragmentLead; j++ {
			terms |= marks[j].terms
			n++
		}
		if t := bits.OnesCount64(terms); t > bestTerms || (t == bestTerms && n > bestCount) {
			best, bestTerms, bestCount = i, t, n
		}
	}
	start := 0
	if len(marks) > 0 {
		anchor := marks[best].Start
		start = anchor
		for start > 0 && col[anchor]-col[start] < fragmentLead {
			_, size := utf8.DecodeLastRuneInString(text[:start])
			start -= size
		}
		// Start after the last Japanese full stop in the lead, else at the
		// first word or clause that starts in it.
		if start > 0 {
			lead := text[start:anchor]
			if i := strings.LastIndex(lead, "。"); i >= 0 {
				start += i + len("。")
			} else if sp := strings.IndexAny(lead, " \n\t、"); sp >= 0 {
				_, size := utf8.DecodeRuneInString(lead[sp:])
				start += sp + size
			} else if !isWideAt(text, anchor) {
				start = anchor // one long word (a URL): start at the match
			}
		}
	}
	end := start
	for end < len(text) && col[end]-col[start] < width {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	if end < len(text) {
		// End at a word, unless that would lose a match or a Japanese text
		// has no spaces to end at.
		if sp := strings.LastIndexAny(text[start:end], " \n\t"); sp > 0 && !isWideAt(text, end) {
			keep := start + sp
			if len(marks) == 0 || keep >= lastEndBefore(marks, end) {
				end = keep
			}
		}
	}
	// Fold white space and move the spans.
	var b strings.Builder
	moved := make([]Span, 0, len(marks))
	pos := make([]int, end-start+1) // pos[i-start]: where byte i went
	if start > 0 {
		b.WriteString("… ")
	}
	space := false
	for i, r := range text[start:end] {
		pos[i] = b.Len()
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
			pos[i] = b.Len() + 1
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	pos[end-start] = b.Len()
	out := strings.TrimRight(b.String(), " ")
	if end < len(text) {
		out += " …"
	}
	for _, s := range marks {
		if s.Start < start || s.End > end {
			continue
		}
		ms, me := pos[s.Start-start], min(pos[s.End-start], len(out))
		if ms < me {
			moved = append(moved, Span{ms, me})
		}
	}
	return out, moved
}

// lastEndBefore returns the end of the last mark that starts before end.
func lastEndBefore(marks []mark, end int) int {
	last := 0
	for _, s := range marks {
		if s.Start < end {
			last = s.End
		}
	}
	return last
}

func isWideAt(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return runeWidth(r) == 2
}

// runeWidth is the number of terminal columns r takes.
func runeWidth(r rune) int {
	if r < 0x2e80 { // below every wide script: the common case, quickly
		return 1
	}
	if isCJK(r) {
		return 2
	}
	return 1
}
