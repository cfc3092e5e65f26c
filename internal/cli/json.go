package cli

import (
	"encoding/json"
	"io"

	"github.com/arcdiag/arcdiag/kb"
)

// The JSON shapes are part of arcdiag's interface: fields are added, never
// renamed. Text is in the language chosen with --lang.
type (
	entryJSON struct {
		ID          string         `json:"id"`
		Kind        kb.Kind        `json:"kind"`
		Status      kb.Status      `json:"status"`
		Title       string         `json:"title"`
		Cause       string         `json:"cause"`
		Remediation string         `json:"remediation"`
		Aliases     []string       `json:"aliases,omitempty"`
		Codes       []string       `json:"codes"`
		Exit        *exitJSON      `json:"exit,omitempty"`
		Scope       *scopeJSON     `json:"scope,omitempty"`
		Variants    []meaningJSON  `json:"variants,omitempty"`
		Footnotes   []footnoteJSON `json:"footnotes"`
		History     []meaningJSON  `json:"history"`
		Links       []kb.Link      `json:"links"`
		Sources     []string       `json:"sources"`
		SeeAlso     []string       `json:"see_also,omitempty"`
		Tags        []string       `json:"tags,omitempty"`
		// Origin and Overrides are set for an entry that replaces another
		// (a --kb-dir entry with a built-in id): where each is defined.
		Origin    string `json:"origin,omitempty"`
		Overrides string `json:"overrides,omitempty"`
	}
	exitJSON struct {
		Status      int    `json:"status"`
		Title       string `json:"title"`
		Remediation string `json:"remediation"`
	}
	scopeJSON struct {
		OS    string `json:"os,omitempty"`
		Agent string `json:"agent,omitempty"`
	}
	meaningJSON struct {
		From        string     `json:"from,omitempty"`
		To          string     `json:"to,omitempty"`
		Scope       *scopeJSON `json:"scope,omitempty"`
		Title       string     `json:"title,omitempty"`
		Cause       string     `json:"cause"`
		Remediation string     `json:"remediation"`
	}
	footnoteJSON struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		Text  string `json:"text"`
	}
)

func toJSON(k *kb.KB, e *kb.Entry, lang kb.Lang) entryJSON {
	j := entryJSON{
		ID: e.ID, Kind: e.Kind, Status: e.Status,
		Title: e.Title.In(lang), Cause: e.Cause.In(lang), Remediation: e.Remediation.In(lang),
		Aliases: e.Aliases, Codes: nonNil(e.Codes), Scope: scopeOf(e.Scope), Tags: e.Tags,
		Footnotes: []footnoteJSON{}, History: []meaningJSON{}, Links: nonNil(e.Links),
		Sources: nonNil(e.Sources),
	}
	if prev, ok := k.Overridden(e.ID); ok {
		j.Origin, j.Overrides = e.Origin.String(), prev.String()
	}
	if e.Exit != nil {
		j.Exit = &exitJSON{Status: e.ExitCode(), Title: e.Exit.Title.In(lang), Remediation: e.Exit.Remediation.In(lang)}
	}
	for _, v := range e.Variants {
		j.Variants = append(j.Variants, meaningOf(v, lang))
	}
	for _, h := range e.History {
		j.History = append(j.History, meaningOf(h, lang))
	}
	for _, n := range k.Footnotes(e) {
		j.Footnotes = append(j.Footnotes, footnoteJSON{ID: n.ID, Title: n.Title.In(lang), Text: footnoteText(n, lang)})
	}
	if e.Kind == kb.KindCode {
		for _, o := range k.SeeAlso(e) {
			j.SeeAlso = append(j.SeeAlso, o.ID)
		}
	}
	return j
}

func meaningOf(m kb.Meaning, lang kb.Lang) meaningJSON {
	j := meaningJSON{From: m.From, To: m.To, Scope: scopeOf(m.Scope), Cause: m.Cause.In(lang), Remediation: m.Remediation.In(lang)}
	if !m.Title.IsZero() {
		j.Title = m.Title.In(lang)
	}
	return j
}

func scopeOf(s kb.Scope) *scopeJSON {
	if s.IsZero() {
		return nil
	}
	return &scopeJSON{OS: s.OS, Agent: s.Agent}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
