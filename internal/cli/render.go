package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/arcdiag/arcdiag/kb"
)

// labels are the fixed words of the text output, per language.
var labels = map[kb.Lang]map[string]string{
	kb.EN: {
		"cause": "Cause", "remediation": "Remediation", "exit": "Exit status %d",
		"history": "Earlier meanings", "variants": "Depends on", "footnote": "Footnote",
		"links": "Links", "seealso": "Known causes, most common first", "historic": "historic: no longer in the current documentation",
		"scope": "Applies to", "present": "now", "origin": "Defined in", "overrides": "overrides",
		"replaces": "(from %s, which replaces the entry at %s)",
		"patterns": "Patterns", "examples": "Examples", "tags": "Tags", "codes": "Codes", "aliases": "Also printed as",
		"sources": "Sources",
	},
	kb.JA: {
		"cause": "原因", "remediation": "対処方法", "exit": "終了コード %d",
		"history": "以前の意味", "variants": "条件による違い", "footnote": "脚注",
		"links": "リンク", "seealso": "既知の原因 (多い順)", "historic": "過去の情報: 現在のドキュメントには記載されていません",
		"scope": "対象", "present": "現在", "origin": "定義場所", "overrides": "上書き対象",
		"replaces": "(%s の項目。%s の項目を置き換えています)",
		"patterns": "パターン", "examples": "例", "tags": "タグ", "codes": "コード", "aliases": "別名",
		"sources": "出典",
	},
}

// renderer writes entries as text for a person.
type renderer struct {
	w     io.Writer
	kb    *kb.KB
	lang  kb.Lang
	style style
	// details adds the KB-maintenance fields (origin, patterns, examples).
	details bool
}

func (r *renderer) label(key string) string { return labels[r.lang][key] }

// field writes "  Label  text" with the text wrapped under itself.
func (r *renderer) field(label, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	const indent = 4
	fmt.Fprintf(r.w, "  %s\n%s%s\n", r.style.paint(yellow, label), strings.Repeat(" ", indent), r.style.wrap(strings.TrimSpace(text), indent))
}

// entry writes one entry in full: what it is, why, what to do, every footnote.
func (r *renderer) entry(e *kb.Entry) {
	head := r.style.paint(bold+";"+cyan, e.ID) + "  " + r.style.paint(bold, e.Title.In(r.lang))
	fmt.Fprintf(r.w, "%s  %s\n", head, r.style.paint(dim, "["+string(e.Kind)+"]"))
	if e.Historic() {
		fmt.Fprintf(r.w, "  %s\n", r.style.paint(dim, "("+r.label("historic")+")"))
	}
	if prev, ok := r.kb.Overridden(e.ID); ok && !r.details {
		// A --kb-dir entry stands in for a built-in one: the reader must
		// know the answer is not the shipped one.
		fmt.Fprintf(r.w, "  %s\n", r.style.paint(yellow, fmt.Sprintf(r.label("replaces"), e.Origin, prev)))
	}
	if len(e.Aliases) > 0 {
		fmt.Fprintf(r.w, "  %s: %s\n", r.label("aliases"), strings.Join(e.Aliases, "; "))
	}
	if scope := r.scope(e.Scope); scope != "" {
		fmt.Fprintf(r.w, "  %s: %s\n", r.label("scope"), scope)
	}
	r.field(r.label("cause"), e.Cause.In(r.lang))
	r.field(r.label("remediation"), e.Remediation.In(r.lang))
	if e.Exit != nil {
		text := e.Exit.Title.In(r.lang) + "\n" + e.Exit.Remediation.In(r.lang)
		r.field(fmt.Sprintf(r.label("exit"), e.ExitCode()), text)
	}
	for _, v := range e.Variants {
		r.field(r.label("variants")+": "+r.scope(v.Scope), r.meaning(v))
	}
	for _, h := range e.History {
		when := h.From + " → " + h.To
		if s := r.scope(h.Scope); s != "" {
			when += " (" + s + ")"
		}
		r.field(r.label("history")+": "+when, r.meaning(h))
	}
	for _, n := range r.kb.Footnotes(e) {
		r.field(r.label("footnote")+" ["+n.ID+"]: "+n.Title.In(r.lang), footnoteText(n, r.lang))
	}
	if len(e.Links) > 0 {
		var b strings.Builder
		for i, l := range e.Links {
			if i > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "%s: %s", l.Title, l.URL)
		}
		r.field(r.label("links"), b.String())
	}
	if also := r.kb.SeeAlso(e); len(also) > 0 && e.Kind == kb.KindCode {
		var b strings.Builder
		for i, o := range also {
			if i > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "%s: %s", o.ID, o.Title.In(r.lang))
			if scope := r.scope(o.Scope); scope != "" {
				fmt.Fprintf(&b, " (%s)", scope)
			}
		}
		r.field(r.label("seealso"), b.String())
	}
	if r.details {
		r.maintenance(e)
	}
}

// maintenance writes what a KB author needs: where the entry lives and how
// it recognises text.
func (r *renderer) maintenance(e *kb.Entry) {
	origin := e.Origin.String() + " (" + e.Origin.Layer + ")"
	if prev, ok := r.kb.Overridden(e.ID); ok {
		origin += "; " + r.label("overrides") + " " + prev.String()
	}
	r.field(r.label("origin"), origin)
	r.field(r.label("sources"), strings.Join(e.Sources, "\n"))
	if len(e.Codes) > 0 {
		r.field(r.label("codes"), strings.Join(e.Codes, ", "))
	}
	if len(e.Tags) > 0 {
		r.field(r.label("tags"), strings.Join(e.Tags, ", "))
	}
	r.field(r.label("patterns"), strings.Join(e.Patterns, "\n"))
	r.field(r.label("examples"), strings.Join(e.Examples, "\n"))
}

func (r *renderer) meaning(m kb.Meaning) string {
	var parts []string
	if !m.Title.IsZero() {
		parts = append(parts, m.Title.In(r.lang))
	}
	parts = append(parts, r.label("cause")+": "+m.Cause.In(r.lang), r.label("remediation")+": "+m.Remediation.In(r.lang))
	return strings.Join(parts, "\n")
}

func (r *renderer) scope(s kb.Scope) string {
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
