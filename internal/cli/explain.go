package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/arcdiag/arcdiag/internal/redact"

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

Exit status: 0 explained, 1 nothing known about it, 2 usage error.`
}

type explainJSON struct {
	Query   string      `json:"query"`
	Entries []entryJSON `json:"entries"`
	Unknown []string    `json:"unknown,omitempty"`
	Nearest []string    `json:"nearest,omitempty"`
	// KnownCauses lists, for a code, the entries known to produce it, most
	// common first.
	KnownCauses []string `json:"known_causes,omitempty"`
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
		return e.usagef("explain.empty")
	}
	k, err := e.loadKB()
	if err != nil {
		return e.reportLoadError(err)
	}
	lang := e.language()
	a := k.Explain(query)
	if c.JSON {
		echo := query
		if !c.NoRedact {
			echo = redact.String(query)
		}
		out := explainJSON{Query: echo, Entries: []entryJSON{}, Unknown: a.Unknown, Nearest: a.Nearest}
		for _, en := range a.Entries {
			out.Entries = append(out.Entries, toJSON(k, en, lang))
		}
		for _, en := range a.Causes {
			out.KnownCauses = append(out.KnownCauses, en.ID)
		}
		if err := writeJSON(e.stdout, out); err != nil {
			return err
		}
	} else {
		r := &renderer{w: e.stdout, kb: k, lang: lang, style: e.style()}
		for i, en := range a.Entries {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			r.entry(en)
		}
		c.reportMisses(e, a)
	}
	if len(a.Entries) == 0 {
		return exitCode(ExitNotFound)
	}
	return nil
}

// readPaste reads a pasted message from standard input, as text with LF line
// ends.
func readPaste(e *env, r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPaste+1))
	if err != nil {
		return "", fmt.Errorf("explain: read standard input: %w", err)
	}
	if len(data) > maxPaste {
		return "", e.usagef("explain.stdinLarge", maxPaste>>10)
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	return strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n")), nil
}

// reportMisses tells the user, on stderr, what could not be explained and
// where to look next.
func (c *ExplainCmd) reportMisses(e *env, a kb.Answer) {
	for _, code := range a.Unknown {
		text := e.msg("explain.unknown", code)
		if len(a.Nearest) > 0 && code == a.Unknown[0] {
			text += e.msg("explain.nearest", strings.Join(a.Nearest, ", "))
		}
		fmt.Fprintln(e.stderr, "arcdiag: "+text)
	}
	if len(a.Entries) == 0 && a.Kind == kb.QueryText {
		e.say("explain.noMatch")
	}
}
