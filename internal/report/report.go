// Package report writes what arcdiag found for the reader who asked: a
// person at a terminal (Text), a script (JSON: NDJSON for a stream of
// findings, one indented object for an answer), or a support ticket
// (Markdown). It only formats: it writes to the io.Writer it is given and
// decides nothing about files, terminals, pagers or exit codes (the CLI
// does, and tells it the colour, width and language to use in Options).
//
// The API:
//
//   - Report is an analysis being written (analyze, tail): a diagnose.Sink,
//     so findings and runs are written as diagnose finds them, then a
//     Summary, then Flush. New picks the type for a format name; NewText,
//     NewJSON and NewMarkdown build one directly.
//   - Answers is what explain, search and kb write: Text and JSON
//     implement it.
//   - Input and Problem describe the inputs for the summary; ListRow is a
//     line of kb list.
//   - The words of every format, and the tool's own messages, are in the
//     catalog of the msg subpackage, in English and Japanese.
//   - DisplayWidth measures text in terminal columns, for a new table.
//
// What each format shows: Text, the failed runs and incidents with their
// verdicts and findings, the runs that went well as one line per stretch
// of them (each in full with Options.All), an entry's probable cause and
// remediation once per run (later findings refer to it), a cause's first
// sentences unless Options.Verbose. Markdown, the same for a ticket, the
// knowledge-base text as Markdown blocks (steps as lists, commands fenced,
// placeholders escaped). JSON, everything, in one escaping style.
//
// A new format (an HTML page) is a type that implements Report, built
// from the same Options.
package report

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/internal/machine"
	"github.com/arcdiag/arcdiag/internal/redact"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/internal/safetext"
	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// Options say how to write and what the reader asked to see. The zero
// value writes English, without colour or wrapping, secrets redacted.
type Options struct {
	// Lang is the language of labels and knowledge-base text.
	Lang kb.Lang
	// Color paints the text format with ANSI escapes (a terminal).
	Color bool
	// Width is the terminal's width in columns: text is wrapped to it (at
	// most 120 columns; not under 40). 0 does not wrap.
	Width int
	// NoRedact prints the secrets the logs contain as they are.
	NoRedact bool
	// MinLevel hides findings below this level (the verdicts still use them).
	MinLevel parser.Level
	// All shows every record (diagnose.Options.All), not only findings.
	All bool
	// Stream flushes after every event (tail), not only at the end.
	Stream bool
	// Verbose gives the whole of each probable cause and footnote in the
	// text format; by default it gives a cause's first sentences (the
	// remediation is always whole).
	Verbose bool
	// Labeller names the machine of every run and finding and gives runs
	// their ids (JSON); nil leaves the machine unnamed.
	Labeller *machine.Labeller
}

// Report is an analysis being written. diagnose calls its Sink methods as
// it finds things; the caller ends it with Summary and Flush.
type Report interface {
	diagnose.Sink
	// NotAgentLog marks an input found not to be an agent log: its runs
	// without findings are left out (and out of the summary's count).
	NotAgentLog(file string)
	// Summary ends the report: the counts, and what each input was read as.
	Summary(sum diagnose.Summary, inputs []Input, problems []Problem)
	// Machines writes the rows of analyze --by machine, worst first, then
	// how many machines share each verdict (instead of Summary).
	Machines(rows []*machine.Row, counts []machine.VerdictCount, problems []Problem)
	// Flush writes what is buffered and returns the first write error.
	Flush() error
}

// Answers is what the commands that answer a question write: explain,
// search, kb show and kb list. Text and JSON implement it.
type Answers interface {
	// Explain writes the entries that answer query.
	Explain(query string, a kb.Answer)
	// Show writes one entry with what a knowledge-base author needs.
	Show(e *kb.Entry)
	// Search writes search hits, best first.
	Search(res *index.Result)
	// List writes one row per entry.
	List(rows []ListRow)
	Flush() error
}

// New returns the Report for a format: "text" (or ""), "json" or
// "markdown".
func New(format string, w io.Writer, k *kb.KB, opts Options) (Report, error) {
	switch format {
	case "text", "":
		return NewText(w, k, opts), nil
	case "json":
		return NewJSON(w, k, opts), nil
	case "markdown":
		return NewMarkdown(w, k, opts), nil
	}
	return nil, fmt.Errorf("report: unknown format %q", format)
}

// Input is what reading one input showed: whether it was opened, whether
// it is an agent log, and its formats, most frequent first.
type Input struct {
	Name    string
	Opened  bool
	Known   bool
	Formats []FormatCount
}

// FormatCount is how many records of an input were in one format.
type FormatCount struct {
	Format  parser.Format
	Records int64
}

// Problem is an input, or a zip entry, that could not be read (wholly or in
// part), or that is not an agent log.
type Problem struct {
	File    string `json:"file"`
	Problem string `json:"problem"`
}

// base is what every format shares: the buffered writer, the options and
// the inputs that are not agent logs.
type base struct {
	w    *bufio.Writer
	k    *kb.KB
	opts Options
	err  error
	// notLogs names the inputs found not to be agent logs: their runs
	// without findings are not reported.
	notLogs map[string]bool
	hidden  int // runs of notLogs left out
	// cleaned remembers what clean made of recent texts: a log repeats
	// the same failure (a whole HTTP exchange) run after run, and the same
	// few commands in turn, and redacting a long text costs tens of
	// microseconds.
	cleaned map[string]string
	// lastIn and lastOut are the last text cleaned and what it became.
	lastIn, lastOut string
}

// Bounds of base.cleaned: the texts remembered and the longest.
const (
	maxCleaned    = 64
	maxCleanedLen = 16 << 10
)

func newBase(w io.Writer, k *kb.KB, opts Options) base {
	if opts.Labeller == nil {
		opts.Labeller = &machine.Labeller{}
	}
	return base{w: bufio.NewWriterSize(w, 64<<10), k: k, opts: opts}
}

// NotAgentLog implements Report.
func (b *base) NotAgentLog(file string) {
	if b.notLogs == nil {
		b.notLogs = map[string]bool{}
	}
	b.notLogs[file] = true
}

// hide reports whether a run is left out, and counts it.
func (b *base) hide(run *diagnose.Run) bool {
	if b.notLogs[run.File] && !run.Failed && !run.Timeline {
		b.hidden++
		return true
	}
	return false
}

// Flush implements Report.
func (b *base) Flush() error {
	if err := b.w.Flush(); err != nil {
		return err
	}
	return b.err
}

// event ends one event: a stream is flushed after each.
func (b *base) event() {
	if b.opts.Stream && b.err == nil {
		b.err = b.w.Flush()
	}
}

func (b *base) label(id msg.ID, args ...any) string { return id.In(b.opts.Lang, args...) }

// clean removes secrets unless the user asked for them.
func (b *base) clean(s string) string {
	if b.opts.NoRedact {
		return s
	}
	if len(s) > maxCleanedLen {
		return redact.String(s)
	}
	// Consecutive runs share their command: the same string, which
	// compares without hashing.
	if s == b.lastIn && b.lastIn != "" {
		return b.lastOut
	}
	c, ok := b.cleaned[s]
	if !ok {
		if b.cleaned == nil || len(b.cleaned) >= maxCleaned {
			b.cleaned = make(map[string]string, maxCleaned)
		}
		c = redact.String(s)
		b.cleaned[s] = c
	}
	b.lastIn, b.lastOut = s, c
	return c
}

// shownText is log text for text and markdown: secrets removed, control
// characters escaped.
func (b *base) shownText(s string) string { return safetext.Controls(b.clean(s)) }

// findingText is a finding's one-line text for text and markdown, clipped
// to n bytes; a line kept in part says how long it was.
func (b *base) findingText(f *diagnose.Finding, n int) string {
	s := clipText(b.shownText(f.Text), n)
	if f.Excerpt {
		s += " " + b.label(msg.Excerpt, f.LineLen)
	}
	return s
}

func (b *base) shown(f *diagnose.Finding) bool {
	return f.Level >= b.opts.MinLevel || f.Level == parser.LevelNone
}

func location(file string, line int) string {
	return fmt.Sprintf("%s:%d", safetext.Controls(file), line)
}

// runLines says where a run is: "lines 19–53", or across a rotation
// "azcmagent.log.1:42 → azcmagent.log:4".
func (b *base) runLines(run *diagnose.Run) string {
	if run.EndFile != "" && run.EndFile != run.File {
		return fmt.Sprintf("%s:%d → %s:%d", run.File, run.StartLine, run.EndFile, run.EndLine)
	}
	return fmt.Sprintf("%s %d–%d", b.label(msg.Lines), run.StartLine, run.EndLine)
}

func timeSpan(start, end time.Time) string {
	if start.IsZero() {
		return ""
	}
	const layout = "2006-01-02 15:04:05Z07:00"
	if end.IsZero() || end.Equal(start) {
		return start.Format(layout)
	}
	if start.Format(time.DateOnly) == end.Format(time.DateOnly) && start.Location().String() == end.Location().String() {
		return start.Format(layout) + " → " + end.Format("15:04:05")
	}
	return start.Format(layout) + " → " + end.Format(layout)
}
