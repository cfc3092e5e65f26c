package report

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/kb"
)

// Explain implements Answers: each entry in full, a blank line between;
// with no entry, the suggested ones under a heading that says they are a
// guess.
func (t *Text) Explain(_ string, a kb.Answer) {
	for i, e := range a.Entries {
		if i > 0 {
			fmt.Fprintln(t.w)
		}
		t.entry(e, false)
	}
	if len(a.Entries) > 0 || len(a.Suggested) == 0 {
		return
	}
	fmt.Fprintf(t.w, "%s\n\n", t.st.paint(bold+";"+yellow, t.label(msg.ExplainSuggested)))
	for i, e := range a.Suggested {
		if i > 0 {
			fmt.Fprintln(t.w)
		}
		t.entry(e, false)
	}
}

// Show implements Answers: the entry in full and where it is defined,
// with its patterns and examples.
func (t *Text) Show(e *kb.Entry) { t.entry(e, true) }

// field writes "  Label  text" with the text wrapped under itself.
func (t *Text) field(label, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	const indent = 4
	fmt.Fprintf(t.w, "  %s\n%s%s\n", t.st.paint(yellow, label), strings.Repeat(" ", indent), t.st.wrap(strings.TrimSpace(text), indent))
}

// entry writes one entry in full: what it is, why, what to do, every
// footnote; details adds the knowledge-base maintenance fields.
func (t *Text) entry(e *kb.Entry, details bool) {
	st, lang := t.st, t.opts.Lang
	head := st.paint(bold+";"+cyan, e.ID) + "  " + st.paint(bold, e.Title.In(lang))
	fmt.Fprintf(t.w, "%s  %s\n", head, st.paint(dim, "["+string(e.Kind)+"]"))
	if e.Historic() {
		fmt.Fprintf(t.w, "  %s\n", st.paint(dim, "("+t.label(msg.Historic)+")"))
	}
	if prev, ok := t.k.Overridden(e.ID); ok && !details {
		// A --kb-dir entry stands in for a built-in one: the reader must
		// know the answer is not the shipped one.
		fmt.Fprintf(t.w, "  %s\n", st.paint(yellow, t.label(msg.Replaces, e.Origin, prev)))
	}
	if len(e.Aliases) > 0 {
		fmt.Fprintf(t.w, "  %s: %s\n", t.label(msg.Aliases), strings.Join(e.Aliases, "; "))
	}
	if s := scope(e.Scope); s != "" {
		fmt.Fprintf(t.w, "  %s: %s\n", t.label(msg.Scope), s)
	}
	t.field(t.label(msg.ProbableCause), e.Cause.In(lang))
	t.field(t.label(msg.Remediation), e.Remediation.In(lang))
	if e.Exit != nil {
		text := e.Exit.Title.In(lang) + "\n" + e.Exit.Remediation.In(lang)
		t.field(t.label(msg.ExitStatus, e.ExitCode()), text)
	}
	for _, v := range e.Variants {
		t.field(t.label(msg.Variants)+": "+scope(v.Scope), t.meaningText(v))
	}
	for _, h := range e.History {
		when := h.From + " → " + h.To
		if s := scope(h.Scope); s != "" {
			when += " (" + s + ")"
		}
		t.field(t.label(msg.History)+": "+when, t.meaningText(h))
	}
	for _, n := range t.k.Footnotes(e) {
		t.field(t.label(msg.Footnote)+" ["+n.ID+"]: "+n.Title.In(lang), footnoteText(n, lang))
	}
	if len(e.Links) > 0 {
		var b strings.Builder
		for i, l := range e.Links {
			if i > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "%s: %s", l.Title, l.URL)
		}
		t.field(t.label(msg.Links), b.String())
	}
	if also := t.k.SeeAlso(e); len(also) > 0 && e.Kind == kb.KindCode {
		var b strings.Builder
		for i, o := range also {
			if i > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "%s: %s", o.ID, o.Title.In(lang))
			if s := scope(o.Scope); s != "" {
				fmt.Fprintf(&b, " (%s)", s)
			}
		}
		t.field(t.label(msg.KnownCauses), b.String())
	}
	if details {
		t.maintenance(e)
	}
}

// maintenance writes what a KB author needs: where the entry lives and how
// it recognises text.
func (t *Text) maintenance(e *kb.Entry) {
	origin := e.Origin.String() + " (" + e.Origin.Layer + ")"
	if prev, ok := t.k.Overridden(e.ID); ok {
		origin += "; " + t.label(msg.Overrides) + " " + prev.String()
	}
	t.field(t.label(msg.Origin), origin)
	t.field(t.label(msg.Sources), strings.Join(e.Sources, "\n"))
	if len(e.Codes) > 0 {
		t.field(t.label(msg.Codes), strings.Join(e.Codes, ", "))
	}
	if len(e.Tags) > 0 {
		t.field(t.label(msg.Tags), strings.Join(e.Tags, ", "))
	}
	t.field(t.label(msg.Patterns), strings.Join(e.Patterns, "\n"))
	t.field(t.label(msg.Examples), strings.Join(e.Examples, "\n"))
}

// meaningText is an earlier or conditional meaning: its title, probable
// cause and remediation.
func (t *Text) meaningText(m kb.Meaning) string {
	lang := t.opts.Lang
	var parts []string
	if !m.Title.IsZero() {
		parts = append(parts, m.Title.In(lang))
	}
	parts = append(parts, t.label(msg.ProbableCause)+": "+m.Cause.In(lang), t.label(msg.Remediation)+": "+m.Remediation.In(lang))
	return strings.Join(parts, "\n")
}

func scope(s kb.Scope) string {
	var parts []string
	if s.OS != "" {
		parts = append(parts, s.OS)
	}
	if s.Agent != "" {
		parts = append(parts, "agent "+s.Agent)
	}
	return strings.Join(parts, ", ")
}

// footnoteText is a note's full text: what it explains and what to do.
func footnoteText(n *kb.Entry, lang kb.Lang) string {
	return strings.TrimSpace(n.Cause.In(lang)) + "\n" + strings.TrimSpace(n.Remediation.In(lang))
}

// fieldLabels name a search fragment's field (index.Fragment.Field) by the
// catalog's word for it: the CLI and the web page say the same word.
var fieldLabels = map[string]msg.ID{
	"title": msg.Title, "alias": msg.Aliases, "cause": msg.ProbableCause, "remediation": msg.Remediation, "example": msg.Examples,
}

// FieldLabel is the word for a search fragment's field in lang; a field
// the catalog does not name is shown as it is.
func FieldLabel(field string, lang kb.Lang) string {
	if id, ok := fieldLabels[field]; ok {
		return id.In(lang)
	}
	return field
}

// queryProblems word each reason a query cannot be searched.
var queryProblems = map[index.QueryReason]msg.ID{
	index.QueryEmpty:        msg.SearchNothing,
	index.QueryTooLong:      msg.SearchTooLong,
	index.QueryTooManyWords: msg.SearchTooManyWords,
	index.QueryBadKind:      msg.SearchBadKind,
	index.QueryBadStatus:    msg.SearchBadStatus,
	index.QueryBadCode:      msg.SearchBadCode,
}

// SearchProblem words a search's failure in lang: a query that cannot be
// searched (index.QueryError) by its reason, with the filter or the bound
// it names; any other failure (the search library's) keeps its own words
// as the detail.
func SearchProblem(err error, lang kb.Lang) string {
	var qe *index.QueryError
	if !errors.As(err, &qe) {
		return msg.SearchFailed.In(lang, err)
	}
	if id, ok := queryProblems[qe.Reason]; ok {
		switch qe.Reason {
		case index.QueryTooLong, index.QueryTooManyWords:
			return id.In(lang, qe.N, qe.Max)
		case index.QueryBadKind, index.QueryBadStatus, index.QueryBadCode:
			return id.In(lang, qe.Filter)
		}
		return id.In(lang)
	}
	return msg.SearchFailed.In(lang, err)
}

// Search implements Answers: each hit's id, title (its matching words
// highlighted on a terminal), kind and score, then two of its fragments.
func (t *Text) Search(res *index.Result) {
	st := t.st
	for i, h := range res.Hits {
		if i > 0 {
			fmt.Fprintln(t.w)
		}
		title := st.paint(bold, highlight(h.Title, h.TitleMarks, st, bold))
		meta := "[" + string(h.Kind) + "]"
		if h.Score > 0 { // a filter-only search does not score
			meta += fmt.Sprintf(" %.2f", h.Score)
		}
		fmt.Fprintf(t.w, "%s  %s  %s\n", st.paint(bold+";"+cyan, h.ID), title, st.paint(dim, meta))
		for _, f := range h.Fragments[:min(len(h.Fragments), 2)] {
			label := FieldLabel(f.Field, t.opts.Lang)
			fmt.Fprintf(t.w, "    %s %s\n", st.paint(yellow, label+":"), highlight(f.Text, f.Marks, st, ""))
		}
	}
}

// highlight paints the marked ranges of text, on a terminal only: a pipe
// gets the text as it is, greppable. Inside text painted in base, base is
// restored after each mark, whose reset would end it.
func highlight(text string, marks []index.Span, st style, base string) string {
	if !st.color || len(marks) == 0 {
		return text
	}
	return markText(text, marks, func(s string) string {
		if base != "" {
			return st.paint(bold+";"+red, s) + "\x1b[" + base + "m"
		}
		return st.paint(bold+";"+red, s)
	})
}

// markText wraps each marked range of text with wrap.
func markText(text string, marks []index.Span, wrap func(string) string) string {
	var b strings.Builder
	last := 0
	for _, m := range marks {
		if m.Start < last || m.End > len(text) || m.Start >= m.End {
			continue
		}
		b.WriteString(text[last:m.Start])
		b.WriteString(wrap(text[m.Start:m.End]))
		last = m.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// ListRow is one entry of kb list.
type ListRow struct {
	ID        string    `json:"id"`
	Kind      kb.Kind   `json:"kind"`
	Status    kb.Status `json:"status"`
	Title     string    `json:"title"`
	Codes     []string  `json:"codes"`
	Tags      []string  `json:"tags"`
	Layer     string    `json:"layer"`
	Origin    string    `json:"origin"`
	Overrides string    `json:"overrides,omitempty"`
}

// ListWidth is the width kb list fits in, a terminal's or a pipe's.
const ListWidth = 100

// List implements Answers: one line per entry, in columns and at most
// ListWidth display columns wide: the id (never cut), the kind, the title
// (cut with "…" to what is left) and where the entry is defined (its file
// without the directory and ".yaml", and line, and the one it overrides, if
// any). kb show and --json give the whole of each.
func (t *Text) List(rows []ListRow) {
	st := t.st
	short := func(origin string) string {
		file, line, _ := strings.Cut(origin, ":")
		return strings.TrimSuffix(path.Base(filepath.ToSlash(file)), ".yaml") + ":" + line
	}
	origin := func(r ListRow) string { return short(r.Origin) }
	historic := " (" + t.label(msg.HistoricMark) + ")"
	idW, kindW, originW := 0, 0, 0
	for _, r := range rows {
		idW = max(idW, min(DisplayWidth(r.ID), 26))
		kindW = max(kindW, DisplayWidth(string(r.Kind)))
		originW = max(originW, min(DisplayWidth(origin(r)), 24))
	}
	for _, r := range rows {
		id, o := r.ID, clipLeft(origin(r), originW)
		if r.Overrides != "" {
			o = pad(o, originW) + " (" + t.label(msg.Overrides) + " " + short(r.Overrides) + ")"
		}
		// A long id or an override takes its room from the title of its own
		// line; the historic mark is never cut.
		titleW := ListWidth - max(idW, DisplayWidth(id)) - kindW - max(originW, DisplayWidth(o)) - 6
		title := ""
		if r.Status == kb.StatusHistoric {
			title = historic
		}
		title = clipRight(r.Title, titleW-DisplayWidth(title)) + title
		fmt.Fprintf(t.w, "%s  %s  %s  %s\n", st.paint(cyan, pad(id, idW)), pad(string(r.Kind), kindW), pad(title, titleW), st.paint(dim, o))
	}
}

// pad fills s with spaces to width display columns.
func pad(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-DisplayWidth(s)))
}

// clipRight cuts s to at most width display columns, ending it with "…".
func clipRight(s string, width int) string {
	if DisplayWidth(s) <= width {
		return s
	}
	w := 0
	for i, r := range s {
		if w+runeWidth(r) > width-1 {
			return s[:i] + "…"
		}
		w += runeWidth(r)
	}
	return s
}

// clipLeft cuts s to at most width display columns from the left,
// starting it with "…", so that the end of a path stays.
func clipLeft(s string, width int) string {
	for DisplayWidth(s) > width && s != "" {
		_, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if DisplayWidth(s) <= width-1 {
			return "…" + s
		}
	}
	return s
}
