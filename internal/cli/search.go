package cli

import (
	"fmt"
	"github.com/arcdiag/arcdiag/internal/redact"
	"math"
	"strings"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/kb"
)

// SearchCmd searches the knowledge base by keyword.
type SearchCmd struct {
	Query []string `arg:"" name:"query" help:"Words in English or Japanese, \"quoted phrases\", prefix* (AZCM004*), and filters: kind:KIND, tag:TAG, code:CODE, status:STATUS."`
	Limit int      `short:"n" default:"10" help:"Show at most N entries; 0 shows all." placeholder:"N"`
	JSON  bool     `name:"json" help:"Print one JSON object instead of text."`
}

// Help shows the syntax and examples.
func (c *SearchCmd) Help() string {
	return `Ranked full-text search of every entry's title, cause, remediation, example
messages, aliases, tags and codes. An entry whose id or code the query names
comes first; the others follow by relevance. Typos are forgiven; phrases keep
their quotes inside the shell's: '"secret expired"'.

Examples:
  arcdiag search proxy blocking login
  arcdiag search certficate
  arcdiag search 'AZCM004*'
  arcdiag search tag:proxy kind:message
  arcdiag search '"secret expired"' --json
  arcdiag --lang ja search プロキシ 経由

Exit status: 0 found, 1 nothing found (with suggestions), 2 usage error.`
}

type (
	searchJSON struct {
		Query       string          `json:"query"`
		Total       int             `json:"total"`
		Hits        []searchHitJSON `json:"hits"`
		Suggestions []string        `json:"suggestions,omitempty"`
	}
	searchHitJSON struct {
		ID        string         `json:"id"`
		Kind      kb.Kind        `json:"kind"`
		Title     string         `json:"title"`
		Score     float64        `json:"score"`
		Exact     bool           `json:"exact"`
		Fragments []fragmentJSON `json:"fragments"`
	}
	// fragmentJSON marks the matching words of its text with <mark> and
	// </mark>, the convention of bleve's and Elasticsearch's highlighters.
	fragmentJSON struct {
		Field string  `json:"field"`
		Lang  kb.Lang `json:"lang"`
		Text  string  `json:"text"`
	}
)

// fragmentLabels name a fragment's field in the text output.
var fragmentLabels = map[kb.Lang]map[string]string{
	kb.EN: {"title": "title", "alias": "alias", "cause": "cause", "remediation": "remediation", "example": "example"},
	kb.JA: {"title": "タイトル", "alias": "別名", "cause": "原因", "remediation": "対処方法", "example": "例"},
}

// Run searches and prints the hits.
func (c *SearchCmd) Run(e *env) error {
	query := strings.TrimSpace(strings.Join(c.Query, " "))
	if query == "" {
		return e.usagef("search.empty")
	}
	if c.Limit < 0 {
		return e.usagef("search.limit", c.Limit)
	}
	if err := index.Validate(query); err != nil {
		return usageError{fmt.Errorf("search: %w", err)}
	}
	k, err := e.loadKB()
	if err != nil {
		return e.reportLoadError(err)
	}
	lang := e.language()
	ix, err := buildIndex(k, query)
	if err != nil {
		return err
	}
	defer ix.Close()
	res, err := ix.Search(query, index.SearchOptions{Limit: c.Limit, Lang: lang})
	if err != nil {
		return err
	}
	// The query is echoed (JSON, the no-match message): a pasted line may
	// hold a secret.
	res.Query = redact.String(res.Query)
	if c.JSON {
		if err := writeJSON(e.stdout, searchToJSON(res)); err != nil {
			return err
		}
	} else {
		c.render(e, res, lang)
	}
	if res.Total == 0 {
		if !c.JSON {
			reportNoHits(e, res)
		}
		return exitCode(ExitNotFound)
	}
	return nil
}

// buildIndex indexes the entries in the languages the query needs (the
// collector is off for it: see tuneGC and liftHeapLimit). The reader's
// language is not added: indexing Japanese for an English query doubles the
// time of `--lang ja search proxy` (45 to 90-130 ms) for the rare Japanese
// text that holds the English word; the fragments are in the reader's
// language all the same (index's fragments fall back to the entry's cause
// in that language).
func buildIndex(k *kb.KB, query string) (*index.Index, error) {
	defer liftHeapLimit()()
	return index.New(k.Entries(), index.Options{Langs: index.LangsFor(query)})
}

// render prints each hit: id, title (its matching words highlighted on a
// terminal), kind and score, then its fragments.
func (c *SearchCmd) render(e *env, res *index.Result, lang kb.Lang) {
	st := e.style()
	for i, h := range res.Hits {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		title := st.paint(bold, highlight(h.Title, h.TitleMarks, st, bold))
		meta := "[" + string(h.Kind) + "]"
		if h.Score > 0 { // a filter-only search does not score
			meta += fmt.Sprintf(" %.2f", h.Score)
		}
		fmt.Fprintf(e.stdout, "%s  %s  %s\n", st.paint(bold+";"+cyan, h.ID), title, st.paint(dim, meta))
		for _, f := range h.Fragments[:min(len(h.Fragments), 2)] {
			label := fragmentLabels[lang][f.Field]
			fmt.Fprintf(e.stdout, "    %s %s\n", st.paint(yellow, label+":"), highlight(f.Text, f.Marks, st, ""))
		}
	}
	if shown := len(res.Hits); res.Total > shown {
		e.say("search.shown", shown, res.Total)
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

// reportNoHits says, on stderr, that nothing matched and what might.
func reportNoHits(e *env, res *index.Result) {
	quoted := make([]string, len(res.Suggestions))
	for i, s := range res.Suggestions {
		quoted[i] = "'" + s + "'"
	}
	text := e.msg("search.none", res.Query)
	if len(quoted) > 0 {
		text += e.msg("search.didYou", strings.Join(quoted, ", "))
	}
	fmt.Fprintln(e.stderr, "arcdiag: "+text)
}

func searchToJSON(res *index.Result) searchJSON {
	out := searchJSON{Query: res.Query, Total: res.Total, Hits: []searchHitJSON{}, Suggestions: res.Suggestions}
	for _, h := range res.Hits {
		j := searchHitJSON{ID: h.ID, Kind: h.Kind, Title: h.Title, Score: math.Round(h.Score*1e4) / 1e4,
			Exact: h.Exact, Fragments: []fragmentJSON{}}
		for _, f := range h.Fragments {
			text := markText(f.Text, f.Marks, func(s string) string { return "<mark>" + s + "</mark>" })
			j.Fragments = append(j.Fragments, fragmentJSON{Field: f.Field, Lang: f.Lang, Text: text})
		}
		out.Hits = append(out.Hits, j)
	}
	return out
}
