package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/internal/suggest"
	"github.com/arcdiag/arcdiag/kb"
)

// ExplainCmd answers a code, an exit status or a pasted message.
type ExplainCmd struct {
	Query    []string `arg:"" name:"query" help:"AZCM0041, azcm41, 0041, 41, 'exit 42', or a pasted error message or log line (quote it, pass it as several words, or - to read it from standard input)."`
	JSON     bool     `name:"json" help:"Print one JSON object instead of text."`
	NoRedact bool     `help:"Echo the query in --json output as given, secrets included."`
}

// maxPaste bounds what explain reads from standard input: a pasted error,
// not a log (that is analyze's job).
const maxPaste = 1 << 20

// Help shows examples under the usage line.
func (c *ExplainCmd) Help() string {
	return `Examples:
  arcdiag explain AZCM0041
  arcdiag explain 41
  arcdiag explain exit code 42
  arcdiag explain --lang ja AZCM0018
  arcdiag explain 'time="2031-02-03T04:05:06Z" level=fatal msg="Invalid client secret is provided"'

With no exact match, up to three entries found closest by a full-text
search of the message's words are printed as suggestions.

Exit status: 0 explained, 1 nothing known about it (also when only
suggestions are printed), 2 usage error.`
}

// Run explains the query.
func (c *ExplainCmd) Run(e *env) error {
	query := strings.TrimSpace(strings.Join(c.Query, " "))
	if query == "-" {
		var err error
		if query, err = readPaste(e, e.stdin); err != nil {
			return err
		}
	}
	if query == "" {
		return e.usagef(msg.ExplainEmpty)
	}
	k, err := e.loadKB()
	if err != nil {
		return e.reportLoadError(err)
	}
	a := explainAnswer(k, query)
	opts := e.output()
	opts.NoRedact = c.NoRedact
	out := answers(e, k, c.JSON, opts)
	out.Explain(query, a)
	if err := out.Flush(); err != nil {
		return err
	}
	if !c.JSON {
		c.reportMisses(e, a)
	}
	if len(a.Entries) == 0 {
		return exitCode(ExitNotFound)
	}
	return nil
}

// explainAnswer is explain's answer to a query, shared with serve's pages
// and API: the entries that recognise it, else, for pasted text, the
// closest entries as suggestions (the exit status stays ExitNotFound:
// nothing was explained).
func explainAnswer(k *kb.KB, query string) kb.Answer {
	a := k.Explain(query)
	if len(a.Entries) == 0 && a.Kind == kb.QueryText {
		a.Suggested = suggest.New(k, suggest.Options{}).Entries(query)
	}
	return a
}

// readPaste reads a pasted message from standard input, as text with LF line
// ends.
func readPaste(e *env, r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPaste+1))
	if err != nil {
		return "", fmt.Errorf("explain: read standard input: %w", err)
	}
	if len(data) > maxPaste {
		return "", e.usagef(msg.ExplainStdinLarge, maxPaste>>10)
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	return strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n")), nil
}

// reportMisses tells the user, on stderr, what could not be explained and
// where to look next.
func (c *ExplainCmd) reportMisses(e *env, a kb.Answer) {
	for _, code := range a.Unknown {
		text := e.msg(msg.ExplainUnknown, code)
		if len(a.Nearest) > 0 && code == a.Unknown[0] {
			text += e.msg(msg.ExplainNearest, strings.Join(a.Nearest, ", "))
		}
		fmt.Fprintln(e.stderr, "arcdiag: "+text)
	}
	if len(a.Entries) == 0 && len(a.Suggested) == 0 && a.Kind == kb.QueryText {
		e.say(msg.ExplainNoMatch)
	}
}
