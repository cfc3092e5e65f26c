package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/machine"
	"github.com/arcdiag/arcdiag/internal/report"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/internal/suggest"
	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// AnalyzeCmd reads agent logs and annotates every failure.
type AnalyzeCmd struct {
	Paths    []string `arg:"" optional:"" name:"path" help:"Log files, directories, 'azcmagent logs' zips, or - for standard input (default: this machine's azcmagent.log and himds.log)."`
	JSON     bool     `name:"json" help:"Print NDJSON: one finding, run or summary object a line (same as --format json)."`
	Format   string   `help:"Output format: text, json or markdown (for a support ticket)." enum:"text,json,markdown" default:"text"`
	Since    string   `help:"Only records at or after this time: RFC 3339 (2031-02-03T04:05:06Z) or a duration back from now (2h, 3d)." placeholder:"TIME"`
	Until    string   `help:"Only records before this time (same forms as --since)." placeholder:"TIME"`
	By       string   `help:"Group by machine: one row per machine (each zip, each folder under a folder given), worst first, then the number of machines per verdict." enum:"machine," default:"" placeholder:"machine"`
	Level    string   `help:"Only show findings at this level or above (the verdicts still use every finding)." enum:"trace,debug,info,warning,error,fatal,panic," default:""`
	All      bool     `help:"Also show the runs that went well, and benign and ordinary lines."`
	Verbose  bool     `short:"v" help:"Give each probable cause and footnote whole (default: a cause's first sentences; explain ID gives all of it)."`
	NoRedact bool     `help:"Print secrets found in the logs (service principal secrets, tokens) as they are."`

	// resolve and kb, when set, replace resolving Paths and loading the
	// knowledge base: serve analyzes uploads held in memory with the KB it
	// loaded at start, through this same Run.
	resolve func() ([]logsource.Input, []*logsource.Problem)
	kb      *kb.KB
}

// Help shows examples.
func (c *AnalyzeCmd) Help() string {
	return `Reads the agent's logs line by line (any size; rotated, gzip, UTF-16 and
CRLF files included), groups them into runs (one per azcmagent invocation) and
puts the probable cause, the remediation and the footnotes beside each failure.
Failed runs are shown with their verdict and findings; the runs that went well
are one line (--all shows them). A probable cause is cut to its first sentences
(--verbose, or arcdiag explain ID, gives all of it).
Also reads Windows Installer logs, the install and Group Policy scripts' output,
extension logs and logrus JSON lines; the summary says what each input was read
as, and an input in no known format is reported as not an agent log.
Secrets in the logs are printed as [REDACTED] unless --no-redact is given.

Examples:
  sudo arcdiag analyze
  arcdiag analyze azcmagent-20310203T040506-arc-web-01.zip
  arcdiag analyze --format markdown /var/opt/azcmagent/log > ticket.md
  arcdiag analyze --json --since 2h azcmagent.log | jq 'select(.type=="run")'
  arcdiag analyze --by machine /mnt/share/zips

Exit status: 0 no failure, 1 failures found, 2 usage or input error (or no
input is an agent log).`
}

// Run analyses the inputs.
func (c *AnalyzeCmd) Run(e *env) error {
	format := c.Format
	if c.JSON {
		format = "json"
	}
	window, err := parseWindow(e.Globals, c.Since, c.Until, time.Now())
	if err != nil {
		return err
	}
	minLevel := minLevelFlag(c.Level)
	k := c.kb
	if k == nil {
		if k, err = e.loadKB(); err != nil {
			return e.reportLoadError(err)
		}
	}
	opts := e.output()
	opts.NoRedact, opts.MinLevel, opts.All, opts.Verbose = c.NoRedact, minLevel, c.All, c.Verbose
	if c.By == "machine" && c.resolve == nil {
		return c.runByMachine(e, k, format, window, opts)
	}
	var inputs []logsource.Input
	var problems []*logsource.Problem
	if c.resolve != nil {
		inputs, problems = c.resolve()
	} else {
		inputs, problems = logsource.Resolve(c.Paths, logsource.Options{Stdin: e.stdin})
	}
	inputFailed := false
	// Every problem makes the exit status 2, even when the rest was read:
	// a refused zip entry or a damaged zip is bad input the user must know of.
	var unread []report.Problem // what could not be read, for the JSON summary
	for _, p := range problems {
		text := e.problemText(p)
		fmt.Fprintf(e.stderr, "arcdiag: %s: %s\n", p.Path, text)
		unread = append(unread, report.Problem{File: p.Path, Problem: text})
		inputFailed = true
	}
	if len(inputs) == 0 {
		if len(problems) == 0 {
			e.say(msg.AnalyzeNoLogs)
		}
		// JSON still gets its summary, so the problems explain exit 2 in
		// the data even when nothing could be read.
		if format != "json" || len(problems) == 0 {
			return exitCode(ExitUsage)
		}
	}

	// Only this machine's own logs (no argument, not an upload) are named after it.
	opts.Labeller = &machine.Labeller{ByInput: identities(inputs, len(c.Paths) == 0 && c.resolve == nil)}
	rep, err := report.New(format, e.stdout, k, opts)
	if err != nil {
		return usageError{err}
	}
	an := diagnose.New(k, rep, diagnose.Options{All: c.All, Suggester: suggest.New(k, suggest.Options{})})
	progress := newProgress(e.stderr, inputs)
	series := ""
	read := make([]inputRead, 0, len(inputs))
	var inflated int64 // by gzip inputs, against the zip total bound
	for _, in := range inputs {
		// Copies of one rotated log come oldest first: a run cut by the
		// rotation continues into the next copy.
		s := logsource.Series(in.Name)
		continued := s != "" && s == series
		series = s
		got, err := analyzeInput(e, an, in, continued, window, progress, &inflated, 0)
		if err != nil {
			if e.ctx.Err() != nil {
				break // interrupted: Main reports it by the exit status
			}
			fmt.Fprintf(e.stderr, "arcdiag: %v\n", err)
			unread = append(unread, report.Problem{File: in.Name, Problem: withoutName(err, in.Name)})
			inputFailed = true
		}
		if got.opened && !got.known() {
			// Its last run ends with the next input: don't report it as a
			// run of the agent that went well.
			rep.NotAgentLog(in.Name)
		}
		read = append(read, got)
	}
	an.EndFile()
	progress.done()
	anyKnown := slices.ContainsFunc(read, inputRead.known)
	unread = append(unread, e.reportNotLogs(read, anyKnown)...)
	sum := an.Summary()
	ins := make([]report.Input, len(read))
	for i, r := range read {
		ins[i] = r.input()
	}
	rep.Summary(sum, ins, unread)
	if err := rep.Flush(); err != nil {
		return err
	}
	for _, at := range sum.TruncatedAt {
		fmt.Fprintln(e.stderr, e.msg(msg.AnalyzeLongLine, at, diagnose.MaxLineLen>>20))
	}
	if more := sum.Truncated - len(sum.TruncatedAt); more > 0 {
		e.say(msg.AnalyzeMoreLong, more, diagnose.MaxLineLen>>20)
	}
	switch {
	case inputFailed, !anyKnown:
		return exitCode(ExitUsage)
	case sum.Failing():
		return exitCode(ExitFailures)
	}
	return nil
}

// inputRead is what reading one input showed of its formats.
type inputRead struct {
	name string
	// found is set for an input found by a walk or in a zip, not named.
	found bool
	// opened is unset when the input could not be opened (already reported).
	opened bool
	// byFormat counts the input's records by parser.Format.
	byFormat []int64
	// recognised is set when the knowledge base recognised a record (a
	// finding, a benign line or a state line), which makes even plain text
	// readable.
	recognised bool
}

// known reports whether the input held a record in a known format: a line
// in one of the grammars the parser recognises (anything but plain text),
// or a plain line the knowledge base recognises (an AZCM code, a message,
// a benign line, a line saying a part works). Anything else (random bytes, an empty file, a picture,
// prose) is not an agent log.
func (r inputRead) known() bool {
	for f, n := range r.byFormat {
		if n > 0 && parser.Format(f).Known() {
			return true
		}
	}
	return r.recognised
}

// input is what the report says of the input: its formats, most frequent
// first.
func (r inputRead) input() report.Input {
	in := report.Input{Name: r.name, Opened: r.opened, Known: r.known()}
	for f, n := range r.byFormat {
		if n > 0 {
			in.Formats = append(in.Formats, report.FormatCount{Format: parser.Format(f), Records: n})
		}
	}
	slices.SortStableFunc(in.Formats, func(a, b report.FormatCount) int { return cmp.Compare(b.Records, a.Records) })
	return in
}

// analyzeInput feeds one input through the parser into the analyzer.
//
// gzip streams get the bounds of zip entries: each, and all of them
// together (inflated counts what they have decompressed to so far).
// workers is Feed's (0: one per core).
func analyzeInput(e *env, an *diagnose.Analyzer, in logsource.Input, continued bool, window timeWindow, progress *progress, inflated *int64, workers int) (inputRead, error) {
	read := inputRead{name: in.Name, found: in.Found, byFormat: make([]int64, len(parser.Formats()))}
	left := logsource.DefaultMaxTotalSize - *inflated
	if left <= 0 {
		return read, fmt.Errorf("%s: %s", in.Name, e.msg(msg.ProblemGzipBound, logsource.DefaultMaxTotalSize>>30))
	}
	rc, err := in.Open()
	if err != nil {
		return read, fmt.Errorf("%s: %w", in.Name, err)
	}
	defer rc.Close()
	read.opened = true
	if continued {
		an.ContinueFile(in.Name, in.OS)
	} else {
		an.StartFile(in.Name, in.OS)
	}
	before := an.Summary()
	sc := parser.NewScanner(ctxReader{e.ctx, progress.reader(rc)}, in.Name, parser.Options{MaxLineLen: diagnose.MaxLineLen,
		MaxGzipSize: min(logsource.DefaultMaxEntrySize, left)})
	defer func() { *inflated += sc.Inflated() }()
	keep := func(rec *parser.Record, n int) bool {
		// Feed calls keep one call at a time and returns after the
		// last, so the counts are complete when Feed returns.
		read.byFormat[rec.Format] += int64(n)
		return window.contains(rec.Time)
	}
	if workers > 0 {
		// analyze --by machine spreads the machines, not the lines, over
		// the cores.
		err = an.Feed(e.ctx, sc, keep, workers)
	} else {
		err = feed(e.ctx, an, sc, keep)
	}
	after := an.Summary()
	read.recognised = after.Findings > before.Findings || after.Benign > before.Benign || after.States > before.States
	if errors.Is(err, logsource.ErrStdinZip) {
		// Refused before any record: nothing was analyzed.
		return read, partlyRead{err, in.Name + ": " + e.msg(msg.ProblemStdinZip)}
	}
	if err != nil {
		return read, partlyRead{err, e.msg(msg.AnalyzePartly, err)}
	}
	return read, nil
}

// feed analyses the records of one input: the fast path, which the
// differential test replaces with the plain line-by-line one
// (diagnose.Analyzer.FeedLines) and compares the outputs.
var feed = func(ctx context.Context, an *diagnose.Analyzer, sc *parser.Scanner, keep diagnose.Keep) error {
	return an.Feed(ctx, sc, keep, 0)
}

// ctxReader stops reading once ctx is done: a line that never ends
// (/dev/zero, a binary file) yields no record for Feed to check ctx at.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// withoutName is err's text without the input's name in front, when the
// error names it as a file or zip entry does (the JSON names it apart).
func withoutName(err error, name string) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == name {
		return strings.Replace(err.Error(), pe.Error(), pe.Err.Error(), 1)
	}
	return err.Error()
}

// partlyRead is a read error after which the records read before it were
// analyzed; its text says so in the user's language.
type partlyRead struct {
	err  error
	text string
}

func (p partlyRead) Error() string { return p.text }
func (p partlyRead) Unwrap() error { return p.err }

// minLevelFlag reads --level: kong's enum has already checked the value, so
// an empty one (no filter) is the only other case.
func minLevelFlag(s string) parser.Level {
	level, _ := parser.ParseLevel(s)
	return level
}

// timeWindow is the --since/--until filter. Records without a clock time
// (terminal captures) cannot be placed and are always kept.
type timeWindow struct{ since, until time.Time }

func (w timeWindow) contains(t time.Time) bool {
	if t.IsZero() {
		return true
	}
	return (w.since.IsZero() || !t.Before(w.since)) && (w.until.IsZero() || t.Before(w.until))
}

// parseWindow reads --since and --until; its errors are usage errors in
// the user's language.
func parseWindow(g Globals, since, until string, now time.Time) (timeWindow, error) {
	var w timeWindow
	var err error
	if w.since, err = parseTimeArg(g, "--since", since, now); err != nil {
		return w, err
	}
	if w.until, err = parseTimeArg(g, "--until", until, now); err != nil {
		return w, err
	}
	if !w.since.IsZero() && !w.until.IsZero() && !w.since.Before(w.until) {
		return w, g.usagef(msg.TimeOrder, since, until)
	}
	return w, nil
}

// parseTimeArg reads RFC 3339 or a duration back from now; "d" means days.
func parseTimeArg(g Globals, flag, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	d := s
	days := 0
	if n, rest, ok := strings.Cut(s, "d"); ok {
		if _, err := fmt.Sscanf(n, "%d", &days); err == nil && !strings.ContainsAny(n, "hms") {
			d = rest
		} else {
			days = 0
		}
	}
	var dur time.Duration
	if d != "" {
		var err error
		if dur, err = time.ParseDuration(d); err != nil {
			return time.Time{}, g.usagef(msg.TimeForm, flag, s)
		}
	}
	dur += time.Duration(days) * 24 * time.Hour
	if dur < 0 {
		return time.Time{}, g.usagef(msg.TimeNegative, flag, s)
	}
	return now.Add(-dur), nil
}
