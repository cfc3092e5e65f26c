package serve

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/internal/redact"
	"github.com/arcdiag/arcdiag/internal/report"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/kb"
)

// prose shows knowledge-base text: its lines as paragraphs, and its
// indented lines (the commands to run) as code, each escaped.
func prose(text string) template.HTML {
	var b strings.Builder
	inCode := false
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		code := strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "\t")
		switch {
		case code && !inCode:
			b.WriteString(`<pre class="cmd"><code>`)
		case !code && inCode:
			b.WriteString("</code></pre>")
		case code:
			b.WriteByte('\n')
		}
		inCode = code
		if code {
			b.WriteString(template.HTMLEscapeString(strings.TrimSpace(line)))
		} else if strings.TrimSpace(line) != "" {
			b.WriteString("<p>" + template.HTMLEscapeString(line) + "</p>")
		}
	}
	if inCode {
		b.WriteString("</code></pre>")
	}
	return template.HTML(b.String())
}

// page is what every template receives.
type page struct {
	Lang  kb.Lang
	Title string
	// Switch is this page in the other language, when it can be asked
	// for again (not the answer to a POST).
	Switch string
	// Query is the search box's text.
	Query string
	Data  any
}

// T is the catalog's message the template names (see words), in the
// page's language.
func (p page) T(name string, args ...any) (string, error) { return word(p.Lang, name, args...) }

// Other is the language the page links to.
func (p page) Other() kb.Lang {
	if p.Lang == kb.JA {
		return kb.EN
	}
	return kb.JA
}

// OtherName is the other language's name for itself, the switch's text.
func (p page) OtherName() string { return msg.LanguageName.In(p.Other()) }

// Link is path with the page's language, so that a reader stays in it.
func (p page) Link(path string) string {
	return path + sep(path) + "lang=" + string(p.Lang)
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// In picks a text's language.
func (p page) In(t kb.Text) string { return t.In(p.Lang) }

// Field names a search fragment's field with the CLI's word for it.
func (p page) Field(name string) string { return report.FieldLabel(name, p.Lang) }

var pageNames = []string{"home", "search", "explain", "kb", "analyze"}

func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(template.FuncMap{
		"join":       strings.Join,
		"prose":      prose,
		"pathEscape": url.PathEscape,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		},
	}).ParseFS(templateFS, "templates/layout.html", "templates/entry.html", "templates/upload.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes a page; the template runs into a buffer first, so that a
// failure is a 500 and not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	if p.Switch == "" && r.Method == http.MethodGet {
		p.Switch = switchURL(r.URL, p.Lang)
	}
	var buf bytes.Buffer
	if err := s.pages[name].Execute(&buf, p); err != nil {
		http.Error(w, "page failed: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// switchURL is u in the other language.
func switchURL(u *url.URL, lang kb.Lang) string {
	q := u.Query()
	other := kb.JA
	if lang == kb.JA {
		other = kb.EN
	}
	q.Set("lang", string(other))
	if q.Has("q") {
		// A pasted line in the link would carry its secrets along.
		q.Set("q", redact.String(q.Get("q")))
	}
	return u.EscapedPath() + "?" + q.Encode()
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	s.render(w, r, http.StatusOK, "home", page{Lang: lang, Title: msg.WebTagline.In(lang), Data: &analysisView{Max: s.uploadLimit()}})
}

func (s *Server) analyzeForm(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	s.render(w, r, http.StatusOK, "analyze", page{Lang: lang, Title: msg.WebAnalyzeLabel.In(lang), Data: &analysisView{Max: s.uploadLimit()}})
}

// ---- search ----

type searchView struct {
	Result      *index.Result
	Hits        []hitView
	Error       string
	Suggestions []string
}

type hitView struct {
	ID, Kind  string
	Title     template.HTML
	Score     float64
	Fragments []fragmentView
}

type fragmentView struct {
	Field string
	Text  template.HTML
}

// marked is text with its marked ranges in <mark>, every piece escaped.
func marked(text string, marks []index.Span) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range marks {
		if m.Start < last || m.End > len(text) || m.Start >= m.End {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[last:m.Start]))
		b.WriteString("<mark>")
		b.WriteString(template.HTMLEscapeString(text[m.Start:m.End]))
		b.WriteString("</mark>")
		last = m.End
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// maxQuery bounds a pasted query, as explain bounds standard input.
const maxQuery = 1 << 20

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	// The query is echoed (the title, the search box): a pasted line may
	// hold a secret.
	p := page{Lang: lang, Title: msg.WebSearch.In(lang), Query: redact.String(q)}
	if q == "" {
		http.Redirect(w, r, p.Link("/"), http.StatusSeeOther)
		return
	}
	v := &searchView{}
	p.Data = v
	res, err := s.runSearch(q, lang)
	if err != nil {
		v.Error = redact.String(report.SearchProblem(err, lang))
		s.render(w, r, http.StatusBadRequest, "search", p)
		return
	}
	v.Result = res
	for _, h := range res.Hits {
		hv := hitView{ID: h.ID, Kind: string(h.Kind), Title: marked(h.Title, h.TitleMarks), Score: h.Score}
		for _, f := range h.Fragments[:min(len(h.Fragments), 2)] {
			hv.Fragments = append(hv.Fragments, fragmentView{Field: f.Field, Text: marked(f.Text, f.Marks)})
		}
		v.Hits = append(v.Hits, hv)
	}
	v.Suggestions = res.Suggestions
	status := http.StatusOK
	if res.Total == 0 {
		status = http.StatusNotFound
	}
	s.render(w, r, status, "search", p)
}

// runSearch searches as `arcdiag search` does (ten hits), on the index
// built at start; the query it echoes is redacted.
func (s *Server) runSearch(q string, lang kb.Lang) (*index.Result, error) {
	if err := index.Validate(q); err != nil {
		return nil, err
	}
	res, err := s.index.For(q).Search(q, index.SearchOptions{Limit: 10, Lang: lang})
	if err != nil {
		return nil, err
	}
	res.Query = redact.String(res.Query)
	return res, nil
}

// ---- explain ----

type explainView struct {
	Query   string
	Entries []entryView
	// Suggested are, when no entry recognises the text, the closest
	// entries by full-text search, shown as guesses.
	Suggested []entryView
	Unknown   []string
	Nearest   []string
	Causes    []*kb.Entry
	// Single is set on an entry's permanent page.
	Single bool
}

type entryView struct {
	*kb.Entry
	Footnotes []*kb.Entry
	SeeAlso   []*kb.Entry
}

func (s *Server) view(e *kb.Entry) entryView {
	v := entryView{Entry: e, Footnotes: s.k.Footnotes(e)}
	if e.Kind == kb.KindCode {
		v.SeeAlso = s.k.SeeAlso(e)
	}
	return v
}

// explainID is an entry's permanent page, reachable by its id and by any
// form explain accepts (/explain/41 shows AZCM0041).
func (s *Server) explainID(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	id := r.PathValue("id")
	if e, ok := s.k.Get(id); ok {
		p := page{Lang: lang, Title: e.ID + " " + e.Title.In(lang), Data: &explainView{Single: true, Entries: []entryView{s.view(e)}}}
		s.render(w, r, http.StatusOK, "explain", p)
		return
	}
	a := s.opts.Explain(id)
	if len(a.Entries) > 0 && a.Kind != kb.QueryText {
		// A code form: the permanent page is the code's entry.
		target := "/explain/" + url.PathEscape(a.Entries[0].ID)
		if l := r.URL.Query().Get("lang"); l != "" {
			target += "?lang=" + url.QueryEscape(l)
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	s.explainAnswer(w, r, lang, id, a)
}

// explainQuery explains pasted text (/explain?q=).
func (s *Server) explainQuery(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	q := strings.TrimSpace(strings.ReplaceAll(strings.TrimPrefix(r.URL.Query().Get("q"), "\ufeff"), "\r\n", "\n"))
	if q == "" {
		http.Redirect(w, r, "/?lang="+string(lang), http.StatusSeeOther)
		return
	}
	if len(q) > maxQuery {
		http.Error(w, "query too long: for a whole log, use Analyze", http.StatusRequestEntityTooLarge)
		return
	}
	s.explainAnswer(w, r, lang, q, s.opts.Explain(q))
}

func (s *Server) explainAnswer(w http.ResponseWriter, r *http.Request, lang kb.Lang, q string, a kb.Answer) {
	v := &explainView{Query: redact.String(q), Unknown: a.Unknown, Nearest: a.Nearest, Causes: a.Causes}
	for _, e := range a.Entries {
		v.Entries = append(v.Entries, s.view(e))
	}
	for _, e := range a.Suggested {
		v.Suggested = append(v.Suggested, s.view(e))
	}
	status := http.StatusOK
	if len(a.Entries) == 0 {
		// Suggestions are a guess: nothing was explained, as explain's
		// exit status says.
		status = http.StatusNotFound
	}
	s.render(w, r, status, "explain", page{Lang: lang, Title: msg.WebExplain.In(lang), Data: v})
}

// ---- kb ----

type kbView struct {
	Tag    string
	Tags   []string
	Count  int
	ByKind []kindGroup
}

type kindGroup struct {
	Kind    kb.Kind
	Entries []*kb.Entry
}

func (s *Server) kbPage(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	tag := r.URL.Query().Get("tag")
	v := &kbView{Tag: tag}
	tags := map[string]bool{}
	groups := map[kb.Kind][]*kb.Entry{}
	for _, e := range s.k.Entries() {
		for _, t := range e.Tags {
			tags[t] = true
		}
		if tag != "" && !e.HasTag(tag) {
			continue
		}
		groups[e.Kind] = append(groups[e.Kind], e)
		v.Count++
	}
	for t := range tags {
		v.Tags = append(v.Tags, t)
	}
	slices.Sort(v.Tags)
	for _, k := range kb.Kinds {
		if len(groups[k]) > 0 {
			v.ByKind = append(v.ByKind, kindGroup{k, groups[k]})
		}
	}
	s.render(w, r, http.StatusOK, "kb", page{Lang: lang, Title: msg.WebKB.In(lang), Data: v})
}
