// Package diagnose turns a stream of parsed log records into what a support
// engineer wants from an agent log: the findings (failing lines, each with
// the knowledge-base entries that explain it), grouped into runs (one per
// azcmagent invocation) with a verdict, and a summary. It is shared by
// `arcdiag analyze` and `arcdiag tail`, and does no I/O: records come in,
// findings and runs go out through a Sink as soon as they are known.
package diagnose

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// Options tune an analysis. The zero value is usable.
type Options struct {
	// RunGap is the silence between two records that starts a new run when
	// the log shows no run boundary (default 10 minutes: a connect waits at
	// most 5 minutes for a device login).
	RunGap time.Duration
	// KeepFindings is how many findings a run keeps for its report (default
	// 200); every finding is still streamed and counted.
	KeepFindings int
	// All also reports every record that is not a finding (benign and
	// ordinary lines) through Sink.Record.
	All bool
}

// Finding is a record worth an admin's attention, with its explanations.
type Finding struct {
	File    string
	Line    int
	Time    time.Time
	Elapsed int // terminal form: seconds since start, else -1
	Level   parser.Level
	// Message is the record's message, unescaped; Text the message with
	// its fields (Error=...), unescaped; Raw the line as written.
	Message string
	Text    string
	Raw     string
	// Codes are the AZCM codes in the record (an exit status becomes the code
	// of the same number), in order.
	Codes []string
	// Entries explain the finding, best first; Matched says how many of them
	// (at the front) were recognised by their patterns, the rest coming from
	// codes.
	Entries []*kb.Entry
	Matched int
	// Unknown lists codes that no entry explains.
	Unknown []string
	// Context is what is known about the machine when the record was written
	// (OS, agent version), for choosing the meaning of version-dependent
	// entries.
	Context kb.Context
	// Truncated is set when the line was too long to read whole.
	Truncated bool
}

// Run is one azcmagent invocation as the log shows it.
type Run struct {
	File string
	// Index counts runs in the file from 1.
	Index int
	// Start and End are the times of the first and last record (zero when
	// the log has no clock times, as in a terminal capture).
	Start, End         time.Time
	StartLine, EndLine int
	// EndFile is set when the run continues into the next copy of a
	// rotated log; EndLine is then a line of EndFile.
	EndFile string
	// Command and AgentVersion are what the run's first lines state.
	Command      string
	AgentVersion string
	// ExitCode is the AZCM code the run ended with, if printed.
	ExitCode string
	// Verdict is the entry that best explains the run's failure: the first
	// finding recognised by a message pattern (a specific early error
	// outranks a later generic one), else the exit code's entry, else the
	// first finding's. Nil when nothing explains it.
	Verdict *kb.Entry
	// VerdictFinding is the finding the verdict came from.
	VerdictFinding *Finding
	// Findings are the run's first findings (see Options.KeepFindings);
	// FindingCount counts them all.
	Findings     []*Finding
	FindingCount int
	// Failed is set when the run printed a non-zero exit code or any finding.
	Failed bool
	// HasDebug is set when the run logged debug lines (ran with --verbose).
	HasDebug bool
	// Notes are advice added by the analysis: how to re-run with --verbose
	// (a failed run without debug lines), where to get help (a failure that
	// no entry explains).
	Notes []*kb.Entry
	// Context is the OS and agent version the run ran with, as far as known.
	Context kb.Context
	// Benign counts records of the run recognised as expected noise.
	Benign int

	// service is set for runs with lines azcmagent did not write
	// (GuestConfig, an installer, a script), agent for runs with lines it
	// did write: the advice to re-run azcmagent with --verbose applies only
	// to a run of azcmagent's, even when a console shows both.
	service, agent bool
}

// Summary counts what an analysis saw.
type Summary struct {
	Files     int
	Records   int64
	Findings  int
	Benign    int
	Runs      int
	Failed    int
	Truncated int
	// TruncatedAt names the first truncated lines, as file:line.
	TruncatedAt []string
	ByEntry     map[string]int
	ByCode      map[string]int
}

// Sink receives the results of an analysis as soon as they are known.
type Sink interface {
	// Finding is called for each finding, in input order.
	Finding(*Finding)
	// RunEnd is called when a run is complete.
	RunEnd(*Run)
	// Record is called, with Options.All, for every record that is not a
	// finding; benign is the entry that recognised it as expected, or nil.
	Record(rec *parser.Record, benign *kb.Entry)
}

// Analyzer holds the state of one analysis. It is not safe for concurrent
// use; feed it one file at a time, records in order.
type Analyzer struct {
	kb      *kb.KB
	matcher *kb.Matcher
	sink    Sink
	opts    Options
	notes   struct{ verbose, nextSteps *kb.Entry }

	summary Summary

	// Per file.
	file      string
	fileOS    string
	runs      int
	run       *Run
	lastTime  time.Time
	lastElaps int
	// closing is set once the run printed its exit code: only the failure's
	// echo lines (fatal, the exit debug line) still belong to it.
	closing     bool
	closingTime time.Time
	closingLine int

	// scratch is the matcher's working memory for Add.
	scratch *kb.Scratch

	// lastVersion and lastParsed cache the parse of the agent version.
	lastVersion string
	lastParsed  kb.Version
}

// New returns an analyzer that reports to sink.
func New(k *kb.KB, sink Sink, opts Options) *Analyzer {
	if opts.RunGap <= 0 {
		opts.RunGap = 10 * time.Minute
	}
	if opts.KeepFindings <= 0 {
		opts.KeepFindings = 200
	}
	a := &Analyzer{kb: k, matcher: k.Matcher(), sink: sink, opts: opts}
	a.notes.verbose, _ = k.Get("verbose-log")
	a.notes.nextSteps, _ = k.Get("next-steps")
	a.summary.ByEntry = map[string]int{}
	a.summary.ByCode = map[string]int{}
	return a
}

// StartFile begins a new input; os is "linux", "windows" or "" when unknown.
// A run never spans two files.
func (a *Analyzer) StartFile(name, os string) {
	a.EndFile()
	a.file, a.fileOS = name, os
	a.runs = 0
	a.lastTime, a.lastElaps = time.Time{}, -1
	a.summary.Files++
}

// ContinueFile goes on with the next copy of a rotated log (azcmagent.log
// after azcmagent.log.1): a run cut by the rotation stays one run.
func (a *Analyzer) ContinueFile(name, os string) {
	if a.file == "" {
		a.StartFile(name, os)
		return
	}
	a.file = name
	if os != "" {
		a.fileOS = os
	}
	a.summary.Files++
}

// EndFile completes the current file's last run.
func (a *Analyzer) EndFile() {
	a.endRun()
	a.file = ""
}

// Settle ends the current run if it has printed its exit code. A live log
// (tail) calls it when the file has been quiet for a moment: the run's
// trailing lines have come, and the next line may not come for hours.
func (a *Analyzer) Settle() {
	if a.closing {
		a.endRun()
	}
}

// Summary returns the counts so far. Call EndFile first for a final one.
func (a *Analyzer) Summary() Summary { return a.summary }

// maxTruncatedAt bounds the truncated lines the summary names.
const maxTruncatedAt = 10

var (
	agentVersion = []byte("Agent Version:")
	agentCommand = []byte("Agent Command:")
)

// Add analyses one record of the current file.
func (a *Analyzer) Add(rec *parser.Record) {
	if a.scratch == nil {
		a.scratch = a.matcher.NewScratch()
	}
	a.add(rec, a.facts(rec, a.scratch))
}

// facts is what can be learnt from a record on its own, without the state
// of the analysis: the costly part, which Feed computes on several cores.
type facts struct {
	matches []kb.Match
	refs    []kb.CodeRef
	header  headerKind
}

type headerKind uint8

const (
	notHeader headerKind = iota
	versionHeader
	commandHeader
)

// facts finds the entries whose patterns recognise a record, the codes in
// it, and whether it states the agent's version or command.
func (a *Analyzer) facts(rec *parser.Record, scratch *kb.Scratch) facts {
	var f facts
	msg := rec.RawMessage()
	// The time and level that start a logrus line are a quarter of a
	// typical line and never what a pattern looks for: the filter starts at
	// the message.
	f.matches = a.matcher.MatchWith(scratch, rec.Raw, len(rec.Raw)-len(msg))
	// Codes are never in the time and level before the message either.
	if kb.MayHaveCodes(msg) {
		f.refs = kb.FindCodesInLine(rec.Raw)
		if !rec.Format.FromAzcmagent() {
			// "exit code 64" in an extension's log, an install script's
			// "(exit code: 100)" from apt: not the agent's exit status.
			f.refs = slices.DeleteFunc(f.refs, func(r kb.CodeRef) bool { return r.Exit })
		}
	}
	// An invocation states its version and command at the start of a debug
	// message; looking there is enough.
	if rec.Level >= parser.LevelTrace && rec.Level <= parser.LevelInfo {
		if len(msg) == len(rec.Raw) {
			// No message column found (a line with colour sequences): look
			// at the line after the level.
			if i := bytes.Index(msg, agentVersion[:6]); i >= 0 {
				msg = msg[i:]
			}
		}
		switch {
		case bytes.HasPrefix(msg, agentVersion):
			f.header = versionHeader
		case bytes.HasPrefix(msg, agentCommand):
			f.header = commandHeader
		}
	}
	return f
}

// add analyses a record whose facts are known.
func (a *Analyzer) add(rec *parser.Record, f facts) {
	a.summary.Records++
	if rec.Truncated {
		a.summary.Truncated++
		if len(a.summary.TruncatedAt) < maxTruncatedAt {
			a.summary.TruncatedAt = append(a.summary.TruncatedAt, fmt.Sprintf("%s:%d", a.file, rec.Line))
		}
	}
	a.boundary(rec, f.header)
	run := a.currentRun(rec)
	run.EndLine = rec.Line + max(rec.Lines, 1) - 1
	if a.file != run.File {
		run.EndFile = a.file
	}
	switch {
	case !rec.Format.FromAzcmagent():
		run.service = true
	case rec.Format != parser.FormatPlain:
		run.agent = true
	}
	if !rec.Time.IsZero() {
		if run.Start.IsZero() {
			run.Start = rec.Time
		}
		run.End = rec.Time
		a.lastTime = rec.Time
	}
	if rec.Elapsed >= 0 {
		a.lastElaps = rec.Elapsed
	}
	if rec.Level == parser.LevelDebug || rec.Level == parser.LevelTrace {
		run.HasDebug = true
	}
	if f.header != notHeader && rec.Level <= parser.LevelInfo && rec.Level != parser.LevelNone {
		a.header(rec, run, f.header)
	}

	var benign *kb.Entry
	specific := f.matches[:0:0]
	for _, m := range f.matches {
		switch m.Entry.Kind {
		case kb.KindBenign, kb.KindState:
			if benign == nil {
				benign = m.Entry
			}
		default:
			specific = append(specific, m)
		}
	}
	if benign != nil && len(specific) == 0 {
		a.summary.Benign++
		run.Benign++
		if a.opts.All {
			a.sink.Record(rec, benign)
		}
		return
	}
	refs := f.refs
	if len(refs) > 0 {
		a.exitCode(refs, rec, run)
	}
	if len(specific) == 0 && rec.Level < parser.LevelError && !hasFailureCode(refs) {
		if a.opts.All {
			a.sink.Record(rec, nil)
		}
		return
	}
	a.finding(rec, run, specific, refs)
}

func hasFailureCode(refs []kb.CodeRef) bool {
	for _, r := range refs {
		if r.Code != "AZCM0000" {
			return true
		}
	}
	return false
}

// boundary ends the current run when rec cannot belong to it.
func (a *Analyzer) boundary(rec *parser.Record, header headerKind) {
	run := a.run
	if run == nil {
		return
	}
	switch {
	case !rec.Time.IsZero() && !a.lastTime.IsZero() && rec.Time.Sub(a.lastTime) > a.opts.RunGap:
		a.endRun() // a long silence: the next invocation
	case rec.Elapsed >= 0 && a.lastElaps >= 0 && rec.Elapsed < a.lastElaps:
		a.endRun() // the terminal form's clock restarted: a new process
	case header == versionHeader && run.EndLine > 0 && (run.AgentVersion != "" || run.Command != "" || run.FindingCount > 0 || a.closing):
		a.endRun() // every invocation starts by logging its version
	case a.closing && !a.echoesExit(rec, header):
		a.endRun()
	}
}

// echoesExit reports whether rec is part of the tail of a run that has
// printed its exit code: the fatal lines repeating the failure and the
// "exiting" debug line, written within seconds.
func (a *Analyzer) echoesExit(rec *parser.Record, header headerKind) bool {
	if !rec.Time.IsZero() && !a.closingTime.IsZero() && rec.Time.Sub(a.closingTime) > 5*time.Second {
		return false
	}
	if rec.Time.IsZero() && rec.Line-a.closingLine > 20 {
		return false
	}
	switch rec.Level {
	case parser.LevelFatal, parser.LevelPanic, parser.LevelError:
		return true
	case parser.LevelDebug, parser.LevelTrace, parser.LevelInfo:
		return header != commandHeader
	}
	return rec.Format == parser.FormatPlain // prompts and blank lines of a console
}

func (a *Analyzer) currentRun(rec *parser.Record) *Run {
	if a.run == nil {
		a.runs++
		a.run = &Run{
			File: a.file, Index: a.runs, StartLine: rec.Line,
			Context: kb.Context{OS: a.fileOS},
		}
	}
	return a.run
}

// header reads the lines that describe an invocation.
func (a *Analyzer) header(rec *parser.Record, run *Run, kind headerKind) {
	switch kind {
	case versionHeader:
		v := headerValue(rec, agentVersion)
		run.AgentVersion = v
		// Every run of a log states the same version: parse it once.
		if v != a.lastVersion {
			a.lastVersion, a.lastParsed = v, nil
			if pv, err := kb.ParseVersion(v); err == nil {
				a.lastParsed = pv
			}
		}
		run.Context.Agent = a.lastParsed
	case commandHeader:
		run.Command = headerValue(rec, agentCommand)
	}
	if run.Context.OS == "" {
		run.Context.OS = osHint(rec.Raw)
	}
}

// headerValue returns what a header line states after its label. Header
// lines come twice a run, so the message is read raw when it holds no
// escapes, without decoding its fields.
func headerValue(rec *parser.Record, label []byte) string {
	raw := rec.RawMessage()
	quoted := len(raw) < len(rec.Raw) && rec.Raw[len(rec.Raw)-len(raw)-1] == '"'
	if i := bytes.Index(raw, label); i >= 0 && rec.Format == parser.FormatLogrus && quoted {
		rest := raw[i+len(label):]
		if end := bytes.IndexByte(rest, '"'); end >= 0 && bytes.IndexByte(rest[:end], '\\') < 0 {
			return string(bytes.TrimSpace(rest[:end]))
		}
	}
	_, rest, ok := strings.Cut(rec.Message(), string(label))
	if !ok {
		return ""
	}
	return strings.TrimSpace(rest)
}

// osHint guesses the OS from paths in a line.
func osHint(raw []byte) string {
	switch {
	case bytes.Contains(raw, []byte(`C:\\`)) || bytes.Contains(raw, []byte(`ProgramData`)):
		return "windows"
	case bytes.Contains(raw, []byte("/var/opt/azcmagent")) || bytes.Contains(raw, []byte("/opt/azcmagent")):
		return "linux"
	}
	return ""
}

// exitCode records the code a run ended with.
func (a *Analyzer) exitCode(refs []kb.CodeRef, rec *parser.Record, run *Run) {
	msg := ""
	for _, r := range refs {
		if !r.Exit {
			if msg == "" {
				msg = rec.Message()
			}
			if !strings.Contains(msg, "Exit Code") && rec.Format != parser.FormatCode {
				continue
			}
		}
		run.ExitCode = r.Code
		if !a.closing {
			a.closing, a.closingTime, a.closingLine = true, rec.Time, rec.Line
		}
		return
	}
}

func (a *Analyzer) finding(rec *parser.Record, run *Run, matches []kb.Match, refs []kb.CodeRef) {
	if run.Context.OS == "" {
		run.Context.OS = osHint(rec.Raw)
	}
	f := &Finding{
		File: a.file, Line: rec.Line, Time: rec.Time, Elapsed: rec.Elapsed, Level: rec.Level,
		Message: rec.Message(), Text: rec.Text(), Raw: string(rec.Raw), Context: run.Context, Truncated: rec.Truncated,
	}
	for _, r := range refs {
		f.Codes = append(f.Codes, r.Code)
	}
	f.Entries, f.Unknown = a.kb.Annotate(matches, refs)
	for _, e := range f.Entries {
		if e.Kind == kb.KindCode {
			break
		}
		f.Matched++
	}
	a.summary.Findings++
	for _, e := range f.Entries {
		a.summary.ByEntry[e.ID]++
	}
	for _, c := range f.Codes {
		a.summary.ByCode[c]++
	}
	run.FindingCount++
	if len(run.Findings) < a.opts.KeepFindings {
		run.Findings = append(run.Findings, f)
	}
	if f.Matched > 0 && (run.VerdictFinding == nil || run.VerdictFinding.Matched == 0 ||
		run.Verdict.IsGeneric() && !f.Entries[0].IsGeneric()) {
		run.Verdict, run.VerdictFinding = f.Entries[0], f
	}
	a.sink.Finding(f)
}

// endRun completes the current run: its verdict and notes.
func (a *Analyzer) endRun() {
	run := a.run
	a.run, a.closing = nil, false
	if run == nil {
		return
	}
	// A run that printed AZCM0000 succeeded, whatever it logged on the way;
	// its findings still stand.
	run.Failed = run.ExitCode != "AZCM0000" && (run.ExitCode != "" || run.FindingCount > 0)
	if run.Failed && (run.Verdict == nil || run.Verdict.IsGeneric()) {
		// A generic wrapper ("Agent Connection was unsuccessful") gives way
		// to the specific code the run printed after it.
		if e, f := a.fallbackVerdict(run); e != nil && (run.Verdict == nil || !e.IsGeneric()) {
			run.Verdict, run.VerdictFinding = e, f
		}
	}
	if run.Failed {
		if !run.HasDebug && (!run.service || run.agent) && a.notes.verbose != nil {
			run.Notes = append(run.Notes, a.notes.verbose)
		}
		if (run.Verdict == nil || run.Verdict.IsGeneric()) && a.notes.nextSteps != nil {
			run.Notes = append(run.Notes, a.notes.nextSteps)
		}
		a.summary.Failed++
	}
	a.summary.Runs++
	a.sink.RunEnd(run)
}

// fallbackVerdict explains a failed run that no pattern recognised: the exit
// code's entry if it is specific, else the first specific code of a finding,
// else the exit code's generic entry.
func (a *Analyzer) fallbackVerdict(run *Run) (*kb.Entry, *Finding) {
	var exitEntry *kb.Entry
	if run.ExitCode != "" {
		if e, ok := a.kb.Get(run.ExitCode); ok {
			exitEntry = e
			if !e.IsGeneric() {
				return e, findingWithEntry(run, e)
			}
		}
	}
	for _, f := range run.Findings {
		for _, e := range f.Entries {
			if !e.IsGeneric() {
				return e, f
			}
		}
	}
	if exitEntry != nil {
		return exitEntry, findingWithEntry(run, exitEntry)
	}
	for _, f := range run.Findings {
		if len(f.Entries) > 0 {
			return f.Entries[0], f
		}
	}
	return nil, nil
}

func findingWithEntry(run *Run, e *kb.Entry) *Finding {
	for _, f := range run.Findings {
		for _, fe := range f.Entries {
			if fe == e {
				return f
			}
		}
	}
	return nil
}
