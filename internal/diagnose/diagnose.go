// Package diagnose turns a stream of parsed log records into what a support
// engineer wants from an agent log: the findings (failing lines, each with
// the knowledge-base entries that explain it), grouped into runs (one per
// azcmagent invocation) with a verdict, and a summary. It is shared by
// `arcdiag analyze` and `arcdiag tail`, and does no I/O: records come in,
// findings and runs go out through a Sink as soon as they are known.
package diagnose

import (
	"bytes"
	"cmp"
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
	// RecoverWithin is how soon a service must show that it works again
	// after a failure (a state line) for the failure to count as a warning
	// it recovered from by itself rather than an incident (default 15
	// minutes: three heartbeats). It is also the silence after which a
	// service's next failure starts a new stretch.
	RecoverWithin time.Duration
	// Suggester, when set, offers the closest entries to a finding at
	// error level or above that no entry explains (Finding.Suggested).
	// It is asked only for such findings, never for the other lines.
	Suggester Suggester
}

// Suggester offers the knowledge-base entries closest to a message no
// entry recognises: a full-text search (internal/suggest), a guess that
// the reports label as such. It must answer the same text the same way.
type Suggester interface {
	Entries(text string) []*kb.Entry
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
	// Suggested are, for a finding at error level or above that no entry
	// explains, the entries a full-text search of its text found closest
	// (Options.Suggester): a guess, never counted as an explanation.
	Suggested []*kb.Entry
	// Context is what is known about the machine when the record was written
	// (OS, agent version), for choosing the meaning of version-dependent
	// entries.
	Context kb.Context
	// Truncated is set when the line was too long to read whole.
	Truncated bool
	// LineLen is the length of the line as written, in bytes; Excerpt is
	// set when Raw, Text or Message keep only part of it (see MaxExcerpt).
	LineLen int64
	Excerpt bool
	// Run is the run (or service stretch) the finding belongs to, still
	// open when the finding is reported: its start and agent version are
	// known, its verdict not yet.
	Run *Run
}

// Run is one azcmagent invocation as the log shows it, or, in the log of a
// service (Timeline), a stretch of failures: a service log is a timeline,
// not a series of invocations.
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
	// VerdictSuggested is set when the verdict is a suggestion (the first
	// entry of a finding's Suggested): only when no entry in the run was
	// recognised by a pattern or a code, and labelled as a guess.
	VerdictSuggested bool
	// Alternatives are entries that recognised a finding but hold only for
	// some agent versions while the log states none: offered as "if the
	// agent is …", never the verdict.
	Alternatives []*kb.Entry
	// KnownCauses are, when the verdict is a code (nothing in the log told
	// the cause), the entries known to produce that code, most common first,
	// less those the log's OS or agent version rules out.
	KnownCauses []*kb.Entry
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

	// Timeline is set for a stretch of failures in a service's log (himds,
	// the Arc proxy, the guest configuration and extension services): it
	// starts at a failure, takes the failures that follow within
	// Options.RecoverWithin of each other, and ends when a state line shows
	// the service works again (RecoveredLine), or at a longer silence or the
	// end of the log. A stretch that recovered within RecoverWithin of its
	// start is a warning (Failed unset); any other is an incident (Failed).
	// Start and End are its first and last failure, FindingCount counts its
	// failures.
	Timeline bool
	// RecoveredLine and RecoveredAt locate the state line that ended a
	// timeline stretch, RecoveredBy is its entry; zero when it did not
	// recover in the log.
	RecoveredLine int
	RecoveredAt   time.Time
	RecoveredBy   *kb.Entry

	// lastFindingSeq and lastFindingTime place the run's last finding.
	lastFindingSeq  int64
	lastFindingTime time.Time

	// counted holds the entries ("e"+id) and codes ("c"+code) the summary
	// has counted for this run.
	counted map[string]bool

	// service is set for runs with lines azcmagent did not write
	// (GuestConfig, an installer, a script), agent for runs with lines it
	// did write: the advice to re-run azcmagent with --verbose applies only
	// to a run of azcmagent's, even when a console shows both.
	service, agent bool
	// keptBytes counts the text of the kept findings (see maxRunBytes).
	keptBytes int
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
	// WarningFindings counts the findings of the warnings.
	WarningFindings int
	// ByEntry and ByCode count the failures (runs, or incidents of a
	// service) each entry and code explains, once per failure however many
	// lines repeat it.
	ByEntry map[string]int
	ByCode  map[string]int
	// Incidents and Warnings count the timeline stretches of service logs
	// that lasted and that the service recovered from by itself.
	Incidents, Warnings int
	// States counts the lines saying that a part of the agent works.
	States int
	// WorkingNow is the latest state line when it comes after the last
	// failure (of a failed run or an incident): the part it names works now.
	WorkingNow *StateLine
}

// StateLine is a line a state entry recognised.
type StateLine struct {
	Entry *kb.Entry
	File  string
	Line  int
	Time  time.Time
}

// Failing reports whether the analysis found a failure that lasted: a
// finding outside the warnings of service logs.
func (s Summary) Failing() bool { return s.Findings > s.WarningFindings }

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

// RunReuser is a Sink that keeps no *Run once RunEnd returns and no
// *Finding once Finding returns (a writer of a stream): the analyzer then
// reuses the memory of ended runs, a few hundred bytes for each of the
// hundreds of thousands of runs of a big log. A run's memory is never
// reused for the run right after it, so such a sink can still tell one run
// from the next by its address.
type RunReuser interface {
	Sink
	// KeepsNoRuns marks the sink; it is never called.
	KeepsNoRuns()
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

	// service is set while the current file is a service's log.
	service bool
	// seq numbers the records of the whole analysis, to order state lines
	// and failures that have no clock time.
	seq int64
	// lastState is the latest state line; lastFailure where the latest
	// failure (of a failed run or an incident) was.
	lastState   *StateLine
	lastStateAt int64
	lastFailure struct {
		seq  int64
		time time.Time
	}

	// scratch is the matcher's working memory for Add.
	scratch *kb.Scratch
	// spare holds Feed's batches between calls.
	spare []*batch
	// readAhead, when set (by tests), is told the bytes Feed's workers
	// hold read but not analysed after each chunk they read.
	readAhead func(bytes int)
	// cache holds the facts of repeated lines for Feed on one core,
	// caches for each of Feed's workers on several, from one input to
	// the next: the facts of a line depend on its text alone.
	cache  factCache
	caches []*factCache

	// lastVersion and lastParsed cache the parse of the agent version.
	lastVersion string
	lastParsed  kb.Version
	// fileAgent is the agent version the current log stated last: a run
	// that states none ran with it (the agent is not replaced between two
	// invocations without a run saying so), for the entries scoped to some
	// versions. Reset with each new file.
	fileAgent kb.Version
	// headers are the last header lines read (headerLine), nextHeader
	// the one to replace next.
	headers    [8]headerLine
	nextHeader int
	// lastFinding keeps the texts of the last finding (findingTexts).
	lastFinding lastFinding
	// tailScanner and tailRecord scan the lines of a tail that must be
	// analysed one by one (tailLines).
	tailScanner *parser.Scanner
	tailRecord  parser.Record
	// ended holds the last two runs ended, oldest first, when the sink is
	// a RunReuser (reuseRuns): the older one is the next run's memory.
	ended     [2]*Run
	reuseRuns bool
}

// New returns an analyzer that reports to sink.
func New(k *kb.KB, sink Sink, opts Options) *Analyzer {
	if opts.RunGap <= 0 {
		opts.RunGap = 10 * time.Minute
	}
	if opts.KeepFindings <= 0 {
		opts.KeepFindings = 200
	}
	if opts.RecoverWithin <= 0 {
		opts.RecoverWithin = 15 * time.Minute
	}
	a := &Analyzer{kb: k, matcher: k.Matcher(), sink: sink, opts: opts}
	_, a.reuseRuns = sink.(RunReuser)
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
	a.fileAgent = nil
	a.service = ServiceLog(name)
	a.runs = 0
	a.lastTime, a.lastElaps = time.Time{}, -1
	a.summary.Files++
}

// ContinueFile goes on with the next copy of a rotated log (azcmagent.log
// after azcmagent.log.1): a run cut by the rotation stays one run (numbered
// in the copy it began in), and the copy's own runs are numbered from 1,
// as a reader counts them in that file.
func (a *Analyzer) ContinueFile(name, os string) {
	if a.file == "" {
		a.StartFile(name, os)
		return
	}
	a.file = name
	a.runs = 0
	a.service = ServiceLog(name)
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
func (a *Analyzer) Summary() Summary {
	sum := a.summary
	if a.lastState != nil && a.after(a.lastState.Time, a.lastStateAt) {
		sum.WorkingNow = a.lastState
	}
	return sum
}

// after reports whether a record at t (or, without clock times, at seq)
// comes after the latest failure.
func (a *Analyzer) after(t time.Time, seq int64) bool {
	f := a.lastFailure
	if f.seq == 0 {
		return true
	}
	if !t.IsZero() && !f.time.IsZero() {
		return t.After(f.time)
	}
	return seq > f.seq
}

// serviceLogs are the names (without rotation suffixes) of the logs that
// the agent's services write, as opposed to azcmagent's own.
var serviceLogs = []string{"himds", "arcproxy", "gc_agent", "gc_ext", "gc_worker", "gc_service", "extensionservice"}

// ServiceLog reports whether a file name (a path, or a zip entry such as
// x.zip:var/opt/azcmagent/log/himds.log) is a service's log, which is read
// as a timeline rather than as azcmagent invocations: himds.log,
// arcproxy.log, gc_agent.log, gc_ext.log and their rotated copies, and the
// extension logs under extension_logs.
func ServiceLog(name string) bool {
	name = strings.ToLower(strings.ReplaceAll(name, `\`, "/"))
	if strings.Contains(name, "/extension_logs/") || strings.HasPrefix(name, "extension_logs/") {
		return true
	}
	base := name[strings.LastIndexAny(name, "/:")+1:]
	for _, s := range serviceLogs {
		if strings.HasPrefix(base, s) {
			return true
		}
	}
	return false
}

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
	return a.factsFor(rec, scratch, needAll)
}

// needAll asks factsFor for every fact.
const needAll = kb.CandidateEntry | kb.CandidateCode | kb.CandidateHeader

// factsFor computes the facts that need asks for (what kb.Matcher.Candidates
// found in the record); the others are known to be empty.
func (a *Analyzer) factsFor(rec *parser.Record, scratch *kb.Scratch, need kb.Candidate) facts {
	var f facts
	msg := rec.RawMessage()
	// The time and level that start a logrus line are a quarter of a
	// typical line and never what a pattern looks for: the filter starts at
	// the message.
	if need&kb.CandidateEntry != 0 {
		f.matches = a.matcher.MatchWith(scratch, rec.Raw, len(rec.Raw)-len(msg))
	}
	// Codes are never in the time and level before the message either.
	if need&kb.CandidateCode != 0 && kb.MayHaveCodes(msg) {
		// An exit status counts only as the agent's own: "exit code 64" of
		// an extension or dpkg's "exit status 1" is no AZCM code, nor is an
		// exit code in a log azcmagent did not write.
		f.refs = kb.AgentCodes(rec.Raw, kb.FindCodesInLine(rec.Raw))
		if !rec.Format.FromAzcmagent() {
			f.refs = slices.DeleteFunc(f.refs, func(r kb.CodeRef) bool { return r.Exit })
		}
	}
	// An invocation states its version and command at the start of a debug
	// message; looking there is enough.
	if need&kb.CandidateHeader != 0 && rec.Level >= parser.LevelTrace && rec.Level <= parser.LevelInfo {
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
	a.seq++
	c := classify(rec, f.matches, f.refs)
	if c.state != nil {
		a.summary.States++
		a.lastState = &StateLine{Entry: c.state, File: a.file, Line: rec.Line, Time: rec.Time}
		a.lastStateAt = a.seq
	}
	if a.service {
		a.addService(rec, f, c)
		return
	}
	a.boundary(rec, f.header)
	run := a.currentRun(rec)
	a.extend(run, rec)
	if f.header != notHeader && rec.Level <= parser.LevelInfo && rec.Level != parser.LevelNone {
		a.header(rec, run, f.header)
	}

	if c.quiet() {
		if c.benign != nil {
			run.Benign++
		}
		a.notFinding(rec, c)
		return
	}
	refs := f.refs
	if len(refs) > 0 {
		a.exitCode(refs, rec, run)
	}
	if !c.failure {
		a.notFinding(rec, c)
		return
	}
	a.finding(rec, run, c.specific, refs)
}

// addRepeat analyses a record that repeats the one before it for the run
// logic (see repeatsPrevious): add would only count it and, in an agent
// log, end the run at its line.
func (a *Analyzer) addRepeat(rec *parser.Record) {
	a.summary.Records++
	a.seq++
	if !a.service && a.run != nil {
		a.run.EndLine = rec.Line
	}
}

// addPlain analyses, as add would, a record that holds nothing for the
// knowledge base, and reports true, when add would only count it and
// extend the current run: an agent log's line below error within its run
// (no silence or restart before it ends the run, no exit status printed).
// Most records of a big log are such lines (a debug line whose second
// changed); else it does nothing and reports false. The plain path (Add)
// never takes it: the differential tests compare the two.
func (a *Analyzer) addPlain(rec *parser.Record) bool {
	run := a.run
	if run == nil || a.service || a.closing || a.opts.All || rec.Level >= parser.LevelError || rec.Truncated ||
		!rec.Time.IsZero() && !a.lastTime.IsZero() && rec.Time.Sub(a.lastTime) > a.opts.RunGap ||
		rec.Elapsed >= 0 && a.lastElaps >= 0 && rec.Elapsed < a.lastElaps {
		return false
	}
	a.summary.Records++
	a.seq++
	a.extend(run, rec)
	return true
}

// extend takes rec into run: its lines, times and kind.
func (a *Analyzer) extend(run *Run, rec *parser.Record) {
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
}

// applyTail analyses, as add would each of its lines, a tail of lines
// that hold nothing or only what a benign entry knows (see tail), and
// reports true, when add would only count them and extend the current run:
// within an agent log's run that has not printed its exit status, or in a
// service's log where no failure stretch ends among them. Else it does
// nothing and reports false.
func (a *Analyzer) applyTail(t *tail) bool {
	if a.opts.All {
		return false
	}
	if a.service {
		// A failure stretch the tail's lines leave more than
		// Options.RecoverWithin behind ends at the first of them.
		if s := a.run; s != nil && !s.End.IsZero() && t.last.Sub(s.End) > a.opts.RecoverWithin {
			return false
		}
		a.summary.Records += int64(t.n)
		a.summary.Benign += t.benign
		a.seq += int64(t.n)
		return true
	}
	run := a.run
	if run == nil || a.closing || a.lastTime.IsZero() || t.first.Sub(a.lastTime) > a.opts.RunGap {
		return false
	}
	a.summary.Records += int64(t.n)
	a.summary.Benign += t.benign
	run.Benign += t.benign
	a.seq += int64(t.n)
	run.EndLine = t.line + t.n - 1
	if a.file != run.File {
		run.EndFile = a.file
	}
	run.agent = true
	if run.Start.IsZero() {
		run.Start = t.first
	}
	run.End, a.lastTime = t.last, t.last
	if t.debug {
		run.HasDebug = true
	}
	return true
}

// classified is what a record is to the analysis.
type classified struct {
	// benign and state are the benign or state entry that recognised the
	// record, when no failure entry did.
	benign, state *kb.Entry
	// specific are the failure entries that recognised it.
	specific []kb.Match
	// failure is set for a finding: a failure entry recognised it, or it is
	// at error level or above, or it carries a failure code.
	failure bool
}

// quiet reports whether the record is a benign or state line and nothing
// else.
func (c classified) quiet() bool { return c.benign != nil || c.state != nil }

// classify says what a record with matches is.
func classify(rec *parser.Record, matches []kb.Match, refs []kb.CodeRef) classified {
	var c classified
	var quiet *kb.Entry
	for _, m := range matches {
		switch m.Entry.Kind {
		case kb.KindBenign, kb.KindState:
			if quiet == nil {
				quiet = m.Entry
			}
		default:
			c.specific = append(c.specific, m)
		}
	}
	if quiet != nil && (len(c.specific) == 0 || kb.QuietOverGeneric(matches)) {
		// A line a benign or state entry knows stays quiet when only
		// generic wordings (a timeout to any host) also recognise it.
		c.specific = nil
		if quiet.Kind == kb.KindState {
			c.state = quiet
		} else {
			c.benign = quiet
		}
		return c
	}
	c.failure = failing(rec, c.specific, refs)
	return c
}

// failing reports whether a record that is not quiet is a finding: a
// failure entry recognised it, or it is at error level or above, or it
// carries a failure code.
func failing(rec *parser.Record, specific []kb.Match, refs []kb.CodeRef) bool {
	return len(specific) > 0 || rec.Level >= parser.LevelError || hasFailureCode(refs)
}

// notFinding counts and, with Options.All, reports a record that is no
// finding.
func (a *Analyzer) notFinding(rec *parser.Record, c classified) {
	if c.benign != nil {
		a.summary.Benign++
	}
	if a.opts.All {
		a.sink.Record(rec, cmp.Or(c.benign, c.state))
	}
}

// addService analyses a record of a service's log: failures gather into
// stretches (see Run.Timeline); other records belong to none.
func (a *Analyzer) addService(rec *parser.Record, f facts, c classified) {
	stretch := a.run
	if stretch != nil && !rec.Time.IsZero() && !stretch.End.IsZero() && rec.Time.Sub(stretch.End) > a.opts.RecoverWithin {
		a.endRun() // a long silence: whatever failed did not say it recovered
		stretch = nil
	}
	if c.state != nil && stretch != nil {
		stretch.RecoveredLine, stretch.RecoveredAt, stretch.RecoveredBy = rec.Line, rec.Time, c.state
		a.endRun()
		stretch = nil
	}
	if !c.failure {
		a.notFinding(rec, c)
		return
	}
	if stretch == nil {
		stretch = a.currentRun(rec)
		stretch.Timeline = true
		stretch.service = true
	}
	stretch.EndLine = rec.Line + max(rec.Lines, 1) - 1
	if a.file != stretch.File {
		stretch.EndFile = a.file
	}
	if !rec.Time.IsZero() {
		if stretch.Start.IsZero() {
			stretch.Start = rec.Time
		}
		stretch.End = rec.Time
	}
	a.finding(rec, stretch, c.specific, f.refs)
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
		run := a.ended[0]
		if run == nil {
			run = &Run{}
		} else {
			// A RunReuser's: only the slices' and the map's memory is kept.
			a.ended[0] = nil
			clear(run.Findings)
			clear(run.counted)
			*run = Run{Findings: run.Findings[:0], Alternatives: run.Alternatives[:0], KnownCauses: run.KnownCauses[:0],
				Notes: run.Notes[:0], counted: run.counted}
		}
		run.File, run.Index, run.StartLine = a.file, a.runs, rec.Line
		run.Context = kb.Context{OS: a.fileOS, Agent: a.fileAgent}
		a.run = run
	}
	return a.run
}

// header reads the lines that describe an invocation.
func (a *Analyzer) header(rec *parser.Record, run *Run, kind headerKind) {
	h := a.headerLine(rec, kind)
	switch kind {
	case versionHeader:
		v := h.value
		run.AgentVersion = v
		// Every run of a log states the same version: parse it once.
		if v != a.lastVersion {
			a.lastVersion, a.lastParsed = v, nil
			if pv, err := kb.ParseVersion(v); err == nil {
				a.lastParsed = pv
			}
		}
		run.Context.Agent = a.lastParsed
		a.fileAgent = a.lastParsed
	case commandHeader:
		run.Command = h.value
	}
	if run.Context.OS == "" {
		run.Context.OS = h.os
	}
}

// headerLine is what a header line states, and the OS its paths hint at.
type headerLine struct {
	// key is the line without its time (cacheKey), "" for none.
	key       string
	value, os string
}

// headerLine reads a header line of the given kind. Each run states its
// version and command on two such lines, which differ from the last runs'
// at most by their time: those of the last few are remembered, by their
// text without the time.
func (a *Analyzer) headerLine(rec *parser.Record, kind headerKind) *headerLine {
	key, ok := cacheKey(rec)
	if ok {
		for i := range a.headers {
			if h := &a.headers[i]; h.key == string(key) && h.key != "" {
				return h
			}
		}
	}
	h := &a.headers[a.nextHeader]
	a.nextHeader = (a.nextHeader + 1) % len(a.headers)
	*h = headerLine{os: osHint(rec.Raw)}
	if kind == versionHeader {
		h.value = headerValue(rec, agentVersion, a.lastVersion)
	} else {
		h.value = headerValue(rec, agentCommand, "")
	}
	if ok {
		h.key = string(key)
	}
	return h
}

// headerValue returns what a header line states after its label. Header
// lines come twice a run, so the message is read raw when it holds no
// escapes, without decoding its fields; and a value equal to last (the
// run before's) is last, not a new string.
func headerValue(rec *parser.Record, label []byte, last string) string {
	raw := rec.RawMessage()
	quoted := len(raw) < len(rec.Raw) && rec.Raw[len(rec.Raw)-len(raw)-1] == '"'
	if i := bytes.Index(raw, label); i >= 0 && rec.Format == parser.FormatLogrus && quoted {
		rest := raw[i+len(label):]
		if end := bytes.IndexByte(rest, '"'); end >= 0 && bytes.IndexByte(rest[:end], '\\') < 0 {
			if v := bytes.TrimSpace(rest[:end]); string(v) != last {
				return string(v)
			}
			return last
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
	// Every path it looks for holds a backslash, a slash or a P: most lines
	// it is asked about (each run's header lines) hold none.
	if bytes.IndexByte(raw, '\\') < 0 && bytes.IndexByte(raw, '/') < 0 && bytes.IndexByte(raw, 'P') < 0 {
		return ""
	}
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
		Context: run.Context, Truncated: rec.Truncated, LineLen: int64(len(rec.Raw)) + rec.Skipped,
		Run: run,
	}
	var cut [3]bool
	f.Text, f.Message, cut[0], cut[1] = a.findingTexts(rec, matches)
	at := 0
	if len(matches) > 0 {
		at = matches[0].Start
	}
	f.Raw, cut[2] = excerpt(rec.Raw, at)
	f.Excerpt = cut[0] || cut[1] || cut[2] || rec.Truncated
	for _, r := range refs {
		f.Codes = append(f.Codes, r.Code)
	}
	f.Entries, f.Unknown = a.kb.Annotate(matches, refs)
	// An entry whose scope the log's OS or agent version rules out does not
	// explain this line.
	f.Entries = slices.DeleteFunc(f.Entries, func(e *kb.Entry) bool { return !e.Scope.Applies(run.Context) })
	if len(f.Entries) == 0 && len(f.Unknown) == 0 && f.Level >= parser.LevelError && run.Verdict == nil && a.opts.Suggester != nil {
		// Only here, for an error nothing explains in a run where nothing
		// before it was recognised (a guess beside a known cause is noise):
		// the suggester caches per message and bounds its searches, so the
		// hot path is untouched.
		f.Suggested = slices.DeleteFunc(a.opts.Suggester.Entries(f.Text), func(e *kb.Entry) bool { return !e.Scope.Applies(run.Context) })
	}
	for _, e := range f.Entries {
		if e.Kind == kb.KindCode {
			break
		}
		f.Matched++
	}
	a.summary.Findings++
	a.countOnce(run, f)
	run.FindingCount++
	run.lastFindingSeq, run.lastFindingTime = a.seq, rec.Time
	kept := len(run.Findings) < a.opts.KeepFindings
	if kept {
		run.Findings = append(run.Findings, f)
	}
	specificAlternative := false
	for _, e := range f.Entries[:f.Matched] {
		switch {
		case !versionStated(e, run.Context):
			if !slices.Contains(run.Alternatives, e) {
				run.Alternatives = append(run.Alternatives, e)
			}
			specificAlternative = specificAlternative || !e.IsGeneric()
		case e.IsGeneric() && specificAlternative:
			// A generic wording ("connection reset") does not outrank the
			// specific cause the log cannot confirm for its version: both
			// stay listed, neither is the verdict.
		case run.Verdict == nil || run.Verdict.IsGeneric() && !e.IsGeneric():
			// A generic wrapper gives way to the specific entry after it.
			run.Verdict, run.VerdictFinding = e, f
		case run.VerdictFinding == f && e.Scope.Agent != "" && run.Verdict.Scope.Agent == "" && !e.IsGeneric():
			// On one line, an entry for the stated agent version (a defect
			// of that build) is more specific than one for every version.
			run.Verdict = e
		}
	}
	a.sink.Finding(f)
	if kept {
		// Streamed whole; what the run keeps for its report is bounded.
		run.keptBytes += len(f.Raw) + len(f.Text) + len(f.Message)
		if run.keptBytes > maxRunBytes {
			f.shorten()
		}
	}
}

// lastFinding is what findingTexts made of the last finding's line.
type lastFinding struct {
	// key is the line without its time (cacheKey), "" when it had none;
	// match the first match's place.
	key           string
	match         [2]int
	text, message string
	cut           [2]bool
}

// findingTexts returns a finding's text and message (excerpts around the
// first match, see excerpt) and whether each was cut. A log repeats the
// same failure with another time (a retry, every run's exit line): a line
// equal to the last one's but for the time gets the same strings, without
// decoding its fields again.
func (a *Analyzer) findingTexts(rec *parser.Record, matches []kb.Match) (text, msg string, cutText, cutMsg bool) {
	key, ok := cacheKey(rec)
	match := [2]int{-1, -1}
	if len(matches) > 0 {
		match = [2]int{matches[0].Start, matches[0].End}
	}
	l := &a.lastFinding
	if ok && l.key != "" && l.match == match && string(key) == l.key {
		return l.text, l.message, l.cut[0], l.cut[1]
	}
	t := rec.Text()
	text, cutText = excerpt(t, matchAt(t, rec.Raw, matches))
	m := rec.Message()
	msg, cutMsg = excerpt(m, matchAt(m, rec.Raw, matches))
	l.key = ""
	if ok {
		*l = lastFinding{key: string(key), match: match, text: text, message: msg, cut: [2]bool{cutText, cutMsg}}
	}
	return text, msg, cutText, cutMsg
}

// countOnce counts the finding's entries and codes in the summary, each
// once per run: a failure repeats its code on the exit line, the fatal echo
// and the exiting line, and is still one failure.
func (a *Analyzer) countOnce(run *Run, f *Finding) {
	if run.counted == nil {
		run.counted = map[string]bool{}
	}
	specific := slices.ContainsFunc(f.Entries, func(e *kb.Entry) bool { return !e.IsGeneric() })
	for _, e := range f.Entries {
		if specific && e.IsGeneric() && e.Kind == kb.KindMessage {
			// A generic wording beside a specific cause is no cause of its
			// own: the summary counts causes.
			continue
		}
		if key := "e" + e.ID; !run.counted[key] {
			run.counted[key] = true
			a.summary.ByEntry[e.ID]++
		}
	}
	for _, c := range f.Codes {
		if key := "c" + c; !run.counted[key] {
			run.counted[key] = true
			a.summary.ByCode[c]++
		}
	}
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
	if run.Timeline {
		// A failure the service recovered from soon is a warning.
		transient := run.RecoveredLine > 0 && (run.Start.IsZero() || run.RecoveredAt.Sub(run.Start) <= a.opts.RecoverWithin)
		run.Failed = !transient
	}
	if run.Failed {
		a.lastFailure.seq, a.lastFailure.time = run.lastFindingSeq, run.lastFindingTime
	}
	if run.Failed && (run.Verdict == nil || run.Verdict.IsGeneric()) {
		// A generic wrapper ("Agent Connection was unsuccessful") gives way
		// to the specific code the run printed after it.
		if e, f := a.fallbackVerdict(run); e != nil && (run.Verdict == nil || !e.IsGeneric()) {
			run.Verdict, run.VerdictFinding = e, f
		}
	}
	if run.Failed && run.Verdict == nil {
		// Nothing in the run was recognised: the closest entry to its
		// first unexplained error is offered, as a suggestion.
		for _, f := range run.Findings {
			if len(f.Suggested) > 0 {
				run.Verdict, run.VerdictFinding, run.VerdictSuggested = f.Suggested[0], f, true
				break
			}
		}
	}
	if run.Failed && run.Verdict != nil && run.Verdict.Kind == kb.KindCode && !run.VerdictSuggested {
		for _, e := range a.kb.KnownCauses(run.Verdict.ID) {
			if e.Scope.Applies(run.Context) {
				run.KnownCauses = append(run.KnownCauses, e)
			}
		}
	}
	if run.Failed {
		if !run.HasDebug && azcmagentsFailure(run) && a.notes.verbose != nil {
			run.Notes = append(run.Notes, a.notes.verbose)
		}
		if (run.Verdict == nil || run.Verdict.IsGeneric() || run.VerdictSuggested) && a.notes.nextSteps != nil {
			run.Notes = append(run.Notes, a.notes.nextSteps)
		}
		if !run.Timeline {
			a.summary.Failed++
		}
	}
	switch {
	case !run.Timeline:
		a.summary.Runs++
	case run.Failed:
		a.summary.Incidents++
	default:
		a.summary.Warnings++
		a.summary.WarningFindings += run.FindingCount
	}
	a.sink.RunEnd(run)
	if a.reuseRuns {
		a.ended[0], a.ended[1] = a.ended[1], run
	}
}

// otherPrograms are the tags of entries about a failure of a program other
// than azcmagent: an installer, a package manager, an extension, Azure
// Local's tooling, the Group Policy script, SSH. Re-running azcmagent with
// --verbose says nothing more about those.
var otherPrograms = []string{"install", "package-manager", "msi", "extension", "extensions", "azure-local", "group-policy", "ssh"}

// azcmagentsFailure reports whether a failed run is azcmagent's, the only
// failure the verbose-log note's advice (re-run azcmagent with --verbose)
// fits: azcmagent wrote some of its lines; or, in plain text (a pasted
// error, which any program may have printed), its verdict is an entry about
// the agent, not one of another program's.
func azcmagentsFailure(run *Run) bool {
	switch {
	case run.agent:
		return true
	case run.service, run.Verdict == nil:
		return false
	}
	return !slices.ContainsFunc(otherPrograms, run.Verdict.HasTag)
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
			if !e.IsGeneric() && versionStated(e, run.Context) {
				return e, f
			}
		}
	}
	if exitEntry != nil {
		return exitEntry, findingWithEntry(run, exitEntry)
	}
	for _, f := range run.Findings {
		specificAlternative := false
		for _, e := range f.Entries {
			switch {
			case !versionStated(e, run.Context):
				specificAlternative = specificAlternative || !e.IsGeneric()
			case !e.IsGeneric() || !specificAlternative:
				// A generic wording never stands in for a specific cause
				// the log cannot confirm for its version.
				return e, f
			}
		}
	}
	return nil, nil
}

// versionStated reports whether e may be a verdict in ctx: it holds for
// every agent version, or the log states one in its scope (the caller has
// already dropped entries that ctx rules out).
func versionStated(e *kb.Entry, ctx kb.Context) bool {
	return e.Scope.Agent == "" || ctx.Agent != nil
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
