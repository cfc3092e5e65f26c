package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/internal/redact"
	"github.com/arcdiag/arcdiag/internal/report"
	"github.com/arcdiag/arcdiag/internal/report/msg"
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

// Run searches and prints the hits.
func (c *SearchCmd) Run(e *env) error {
	query := strings.TrimSpace(strings.Join(c.Query, " "))
	if query == "" {
		return e.usagef(msg.SearchEmpty)
	}
	if c.Limit < 0 {
		return e.usagef(msg.SearchLimit, c.Limit)
	}
	lang := e.language()
	if err := index.Validate(query); err != nil {
		return usageError{fmt.Errorf("search: %s", report.SearchProblem(err, lang))}
	}
	k, err := e.loadKB()
	if err != nil {
		return e.reportLoadError(err)
	}
	ix, err := buildIndex(k, query)
	if err != nil {
		return err
	}
	defer ix.Close()
	res, err := ix.Search(query, index.SearchOptions{Limit: c.Limit, Lang: lang})
	if err != nil {
		return errors.New(report.SearchProblem(err, lang))
	}
	// The query is echoed (JSON, the no-match message): a pasted line may
	// hold a secret.
	res.Query = redact.String(res.Query)
	out := answers(e, k, c.JSON, e.output())
	out.Search(res)
	if err := out.Flush(); err != nil {
		return err
	}
	if shown := len(res.Hits); !c.JSON && res.Total > shown {
		e.say(msg.SearchShown, shown, res.Total)
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

// reportNoHits says, on stderr, that nothing matched and what might.
func reportNoHits(e *env, res *index.Result) {
	quoted := make([]string, len(res.Suggestions))
	for i, s := range res.Suggestions {
		quoted[i] = "'" + s + "'"
	}
	text := e.msg(msg.SearchNone, res.Query)
	if len(quoted) > 0 {
		text += e.msg(msg.SearchDidYou, strings.Join(quoted, ", "))
	}
	fmt.Fprintln(e.stderr, "arcdiag: "+text)
}
