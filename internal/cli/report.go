package cli

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/internal/redact"
	"github.com/arcdiag/arcdiag/internal/safetext"
	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// reportOptions say what the user asked to see.
type reportOptions struct {
	lang     kb.Lang
	redact   bool
	minLevel parser.Level
	all      bool
	// stream flushes after every event (tail), not only at the end.
	stream bool
}

// report writes an analysis as text, NDJSON or markdown. It is the
// diagnose.Sink of analyze and tail, so findings appear as they are found.
type report struct {
	w      *bufio.Writer
	k      *kb.KB
	format string
	opts   reportOptions
	style  style
	r      *renderer
	err    error
	buf    []byte // reused by the hand-written JSON
	// notLogs names the inputs found not to be agent logs: their runs
	// without findings are not reported.
	notLogs map[string]bool
	hidden  int // runs of notLogs left out
}

func newReport(e *env, k *kb.KB, format string, opts reportOptions) *report {
	rep := &report{w: bufio.NewWriterSize(e.stdout, 64<<10), k: k, format: format, opts: opts}
	if format == "text" {
		rep.style = e.style()
	}
	rep.r = &renderer{w: rep.w, kb: k, lang: opts.lang, style: rep.style}
	return rep
}

func (rep *report) label(key string) string { return reportLabels[rep.opts.lang][key] }

// clean removes secrets unless the user asked for them.
func (rep *report) clean(s string) string {
	if rep.opts.redact {
		return redact.String(s)
	}
	return s
}

// shownText is log text for the text format: secrets removed, control
// characters escaped.
func (rep *report) shownText(s string) string { return safetext.Controls(rep.clean(s)) }

// findingText is a finding's one-line text for text and markdown, clipped
// to n bytes; a line kept in part says how long it was.
func (rep *report) findingText(f *diagnose.Finding, n int) string {
	s := clipText(rep.shownText(f.Text), n)
	if f.Excerpt {
		s += " " + fmt.Sprintf(rep.label("excerpt"), f.LineLen)
	}
	return s
}

func (rep *report) shown(f *diagnose.Finding) bool {
	return f.Level >= rep.opts.minLevel || f.Level == parser.LevelNone
}

// Finding implements diagnose.Sink.
func (rep *report) Finding(f *diagnose.Finding) {
	if !rep.shown(f) {
		return
	}
	switch rep.format {
	case "json":
		rep.json(rep.findingJSON(f))
	case "text":
		if rep.opts.all || rep.opts.stream {
			rep.textFinding(f, true)
		}
	}
	rep.event()
}

// Record implements diagnose.Sink: with --all, the lines that are not
// findings.
func (rep *report) Record(rec *parser.Record, benign *kb.Entry) {
	switch rep.format {
	case "json":
		obj := recordJSON{Type: "record", File: rec.File, Line: rec.Line, Time: jsonTime(rec.Time),
			Level: rec.Level.String(), Message: rep.clean(rec.Message())}
		if benign != nil {
			obj.Benign = benign.ID
		}
		rep.json(obj)
	case "text":
		line := rep.shownText(string(rec.Raw))
		if benign != nil {
			fmt.Fprintf(rep.w, "%s %s  %s\n", rep.style.paint(dim, rep.location(rec.File, rec.Line)),
				rep.style.paint(green, "["+rep.label("benign")+": "+benign.ID+"]"), rep.style.paint(dim, line))
		} else {
			fmt.Fprintf(rep.w, "%s %s\n", rep.style.paint(dim, rep.location(rec.File, rec.Line)), rep.style.paint(dim, line))
		}
	}
	rep.event()
}

// RunEnd implements diagnose.Sink.
func (rep *report) RunEnd(run *diagnose.Run) {
	if rep.notLogs[run.File] && !run.Failed && !run.Timeline {
		rep.hidden++
		return
	}
	switch rep.format {
	case "json":
		if run.Timeline {
			rep.json(rep.incidentJSON(run))
		} else if rep.err == nil {
			rep.buf = append(appendRunJSON(rep.buf[:0], rep.runJSON(run)), '\n')
			_, rep.err = rep.w.Write(rep.buf)
		}
	case "text":
		rep.textRun(run)
	case "markdown":
		rep.markdownRun(run)
	}
	rep.event()
}

func (rep *report) event() {
	if rep.opts.stream && rep.err == nil {
		rep.err = rep.w.Flush()
	}
}

func (rep *report) flush() error {
	if err := rep.w.Flush(); err != nil {
		return err
	}
	return rep.err
}

func (rep *report) location(file string, line int) string {
	return fmt.Sprintf("%s:%d", safetext.Controls(file), line)
}

// ---- text ----

// incidentHead says what a service log's stretch of failures was: when,
// where, how many failures, and whether and when the service recovered.
func (rep *report) incidentHead(run *diagnose.Run) string {
	kind := rep.label("incident")
	if !run.Failed {
		kind = rep.label("warning")
	}
	head := fmt.Sprintf("%s · %s %d", safetext.Controls(run.File), kind, run.Index)
	if span := timeSpan(run.Start, run.End); span != "" {
		head += " · " + span
	}
	head += fmt.Sprintf(" (%s) · %d %s", runLines(run, rep.label("lines")), run.FindingCount, rep.label("failures"))
	if run.RecoveredLine > 0 {
		head += " · " + rep.label("recovered") + " " + rep.recoveredAt(run)
	} else {
		head += " · " + rep.label("notRecovered")
	}
	return head
}

// recoveredAt says where a stretch recovered: the line and its time.
func (rep *report) recoveredAt(run *diagnose.Run) string {
	at := fmt.Sprintf("%s (%s)", rep.location(cmp.Or(run.EndFile, run.File), run.RecoveredLine), run.RecoveredBy.ID)
	if !run.RecoveredAt.IsZero() {
		at = run.RecoveredAt.Format("15:04:05") + ", " + at
	}
	return at
}

func (rep *report) textRun(run *diagnose.Run) {
	st := rep.style
	if run.Timeline {
		status := st.paint(red, rep.label("failed"))
		if !run.Failed {
			status = st.paint(yellow, rep.label("transient"))
		}
		fmt.Fprintf(rep.w, "%s  %s\n", st.paint(bold, "== "+rep.incidentHead(run)), status)
		rep.textVerdict(run)
		fmt.Fprintln(rep.w)
		return
	}
	head := fmt.Sprintf("%s · %s %d", safetext.Controls(run.File), rep.label("run"), run.Index)
	if run.Command != "" {
		head += " · " + rep.shownText(run.Command)
	}
	if run.AgentVersion != "" {
		head += " · agent " + safetext.Controls(run.AgentVersion)
	}
	if span := timeSpan(run.Start, run.End); span != "" {
		head += " · " + span
	}
	head += " (" + runLines(run, rep.label("lines")) + ")"
	if !run.Failed {
		status := rep.label("ok")
		if run.FindingCount > 0 {
			status += fmt.Sprintf(" (%d %s)", run.FindingCount, rep.label("findings"))
		}
		fmt.Fprintf(rep.w, "%s  %s\n", st.paint(bold, "== "+head), st.paint(green, status))
		if run.FindingCount > 0 && !rep.opts.all && !rep.opts.stream {
			rep.textFindings(run)
		}
		fmt.Fprintln(rep.w)
		return
	}
	fmt.Fprintf(rep.w, "%s  %s\n", st.paint(bold, "== "+head), st.paint(red, rep.label("failed")))
	rep.textVerdict(run)
	fmt.Fprintln(rep.w)
}

// textVerdict writes a failed run's or an incident's exit code, verdict,
// known causes, alternatives, notes and findings.
func (rep *report) textVerdict(run *diagnose.Run) {
	st := rep.style
	if run.ExitCode != "" {
		title := ""
		if e, ok := rep.k.Get(run.ExitCode); ok {
			title = " " + e.MeaningFor(run.Context).Title.In(rep.opts.lang)
		}
		fmt.Fprintf(rep.w, "  %s: %s%s\n", rep.label("exit"), st.paint(bold, run.ExitCode), title)
	}
	if run.Verdict != nil {
		at := ""
		if run.VerdictFinding != nil {
			at = "  " + st.paint(dim, "("+rep.location(run.VerdictFinding.File, run.VerdictFinding.Line)+")")
		}
		fmt.Fprintf(rep.w, "  %s: %s  %s%s\n", rep.label("cause"), st.paint(bold+";"+cyan, run.Verdict.ID),
			st.paint(bold, run.Verdict.MeaningFor(run.Context).Title.In(rep.opts.lang)), at)
		rep.meaning(run.Verdict, run.Context, 4)
	} else {
		fmt.Fprintf(rep.w, "  %s: %s\n", rep.label("cause"), rep.label("unexplained"))
	}
	if len(run.KnownCauses) > 0 {
		fmt.Fprintf(rep.w, "  %s:\n", rep.label("knownCauses"))
		for _, e := range run.KnownCauses {
			fmt.Fprintf(rep.w, "    %s  %s\n", st.paint(cyan, e.ID), e.MeaningFor(run.Context).Title.In(rep.opts.lang))
		}
	}
	for _, e := range run.Alternatives {
		fmt.Fprintf(rep.w, "  %s: %s  %s\n", fmt.Sprintf(rep.label("ifScope"), rep.r.scope(e.Scope)), st.paint(cyan, e.ID),
			e.Title.In(rep.opts.lang))
	}
	for _, n := range run.Notes {
		fmt.Fprintf(rep.w, "  %s [%s]: %s\n", rep.label("note"), n.ID, n.Title.In(rep.opts.lang))
		fmt.Fprintf(rep.w, "    %s\n", st.wrap(footnoteText(n, rep.opts.lang), 4))
	}
	if !rep.opts.all && !rep.opts.stream {
		rep.textFindings(run)
	}
}

// meaning writes an entry's cause, remediation and footnotes, indented.
func (rep *report) meaning(e *kb.Entry, ctx kb.Context, indent int) {
	m := e.MeaningFor(ctx)
	pad := strings.Repeat(" ", indent)
	st := rep.style
	fmt.Fprintf(rep.w, "%s%s %s\n", pad, st.paint(yellow, rep.r.label("cause")+":"), st.wrap(strings.TrimSpace(m.Cause.In(rep.opts.lang)), indent+2))
	fmt.Fprintf(rep.w, "%s%s %s\n", pad, st.paint(yellow, rep.r.label("remediation")+":"), st.wrap(strings.TrimSpace(m.Remediation.In(rep.opts.lang)), indent+2))
	for _, n := range rep.k.Footnotes(e) {
		fmt.Fprintf(rep.w, "%s%s [%s]: %s\n", pad, st.paint(yellow, rep.r.label("footnote")), n.ID, st.wrap(footnoteText(n, rep.opts.lang), indent+2))
	}
}

func (rep *report) textFindings(run *diagnose.Run) {
	var shown []*diagnose.Finding
	for _, f := range run.Findings {
		if rep.shown(f) {
			shown = append(shown, f)
		}
	}
	if len(shown) == 0 {
		return
	}
	fmt.Fprintf(rep.w, "  %s (%d):\n", rep.label("findingsHead"), run.FindingCount)
	for _, f := range shown {
		rep.textFinding(f, false)
	}
	if run.FindingCount > len(run.Findings) {
		fmt.Fprintf(rep.w, "    … %d %s\n", run.FindingCount-len(run.Findings), rep.label("more"))
	}
}

// textFinding writes one finding: where, level, what the line says, and the
// entries that explain it. full adds each entry's cause and remediation (for
// a finding printed on its own, as tail and --all do).
func (rep *report) textFinding(f *diagnose.Finding, full bool) {
	st := rep.style
	level := strings.ToUpper(f.Level.String())
	if level == "" {
		level = "-"
	}
	color := yellow
	if f.Level >= parser.LevelError {
		color = red
	}
	fmt.Fprintf(rep.w, "    %s  %s  %s\n", st.paint(dim, rep.location(f.File, f.Line)), st.paint(color, level), rep.findingText(f, 300))
	for _, e := range f.Entries {
		fmt.Fprintf(rep.w, "      → %s  %s\n", st.paint(cyan, e.ID), e.MeaningFor(f.Context).Title.In(rep.opts.lang))
		if full {
			rep.meaning(e, f.Context, 8)
		}
	}
	for _, c := range f.Unknown {
		fmt.Fprintf(rep.w, "      → %s  %s\n", c, rep.label("unknownCode"))
	}
}

// clipText shortens a one-line rendering of a long record (a whole HTTP
// exchange can sit in one Error= value).
func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut] + " …"
}

// runLines says where a run is: "lines 19–53", or across a rotation
// "azcmagent.log.1:42 → azcmagent.log:4".
func runLines(run *diagnose.Run, lines string) string {
	if run.EndFile != "" && run.EndFile != run.File {
		return fmt.Sprintf("%s:%d → %s:%d", run.File, run.StartLine, run.EndFile, run.EndLine)
	}
	return fmt.Sprintf("%s %d–%d", lines, run.StartLine, run.EndLine)
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

// summary ends the report: what each input was read as, and (in JSON)
// unread, the inputs that could not be read (on stderr already).
func (rep *report) summary(sum diagnose.Summary, inputs []inputRead, unread []problemJSON) {
	sum.Runs -= rep.hidden
	switch rep.format {
	case "json":
		ins := make([]inputJSON, 0, len(inputs))
		for _, in := range inputs {
			j := inputJSON{File: in.name, Known: in.known(), Formats: []string{}, Records: map[string]int64{}}
			for _, f := range in.formats() {
				j.Formats = append(j.Formats, f.String())
				j.Records[f.String()] = in.byFormat[f]
			}
			ins = append(ins, j)
		}
		j := summaryJSON{Type: "summary", Files: sum.Files, Records: sum.Records, Findings: sum.Findings,
			Benign: sum.Benign, Runs: sum.Runs, FailedRuns: sum.Failed, Incidents: sum.Incidents, Warnings: sum.Warnings,
			States: sum.States, Truncated: sum.Truncated, ByEntry: sum.ByEntry, ByCode: sum.ByCode, Inputs: ins,
			Problems: nonNil(unread)}
		if w := sum.WorkingNow; w != nil {
			j.WorkingNow = &stateJSON{Entry: w.Entry.ID, File: w.File, Line: w.Line, Time: jsonTime(w.Time)}
		}
		rep.json(j)
	case "text":
		fmt.Fprintf(rep.w, "%s %s\n", rep.style.paint(bold, rep.label("summary")+":"), rep.counts(sum))
		if top := topCounts(sum.ByEntry, 5); top != "" {
			fmt.Fprintf(rep.w, "  %s: %s\n", rep.label("top"), top)
		}
		if w := rep.workingNow(sum); w != "" {
			fmt.Fprintf(rep.w, "  %s\n", rep.style.paint(green, w))
		}
		fmt.Fprintf(rep.w, "  %s:\n", rep.label("inputs"))
		for _, in := range inputs {
			fmt.Fprintf(rep.w, "    %s: %s\n", safetext.Controls(in.name), rep.formatsRead(in))
		}
	case "markdown":
		fmt.Fprintf(rep.w, "**%s:** %s\n\n", rep.label("summary"), rep.counts(sum))
		if w := rep.workingNow(sum); w != "" {
			fmt.Fprintf(rep.w, "%s\n\n", safetext.Markdown(w))
		}
		fmt.Fprintf(rep.w, "**%s:**\n\n", rep.label("inputs"))
		for _, in := range inputs {
			fmt.Fprintf(rep.w, "- %s: %s\n", mdCode(in.name), rep.formatsRead(in))
		}
	}
	rep.event()
}

// formatsRead names what an input was read as: its formats, most frequent
// first and plain text last, or that it is not an agent log.
func (rep *report) formatsRead(in inputRead) string {
	switch {
	case !in.opened:
		return rep.label("notRead")
	case !in.known():
		return rep.label("notAgentLog")
	}
	var names []string
	plain := false
	for _, f := range in.formats() {
		if f == parser.FormatPlain {
			plain = true
			continue
		}
		names = append(names, f.String())
	}
	if plain {
		names = append(names, rep.label("plainText"))
	}
	return strings.Join(names, rep.label("sep"))
}

// counts says what the analysis read and found, in the report's language.
func (rep *report) counts(sum diagnose.Summary) string {
	parts := []string{
		fmt.Sprintf("%d %s", sum.Files, rep.label("files")),
		fmt.Sprintf("%d %s", sum.Records, rep.label("records")),
		fmt.Sprintf("%d %s (%d %s)", sum.Runs, rep.label("runs"), sum.Failed, rep.label("failedRuns")),
	}
	if sum.Incidents+sum.Warnings > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", sum.Incidents, rep.label("incidents")), fmt.Sprintf("%d %s", sum.Warnings, rep.label("warnings")))
	}
	parts = append(parts,
		fmt.Sprintf("%d %s", sum.Findings, rep.label("findings")),
		fmt.Sprintf("%d %s", sum.Benign, rep.label("benignLines")))
	return strings.Join(parts, rep.label("sep"))
}

// workingNow says which part works now, when a state line came after the
// last failure.
func (rep *report) workingNow(sum diagnose.Summary) string {
	w := sum.WorkingNow
	if w == nil {
		return ""
	}
	return fmt.Sprintf("%s: %s (%s, %s)", rep.label("workingNow"), w.Entry.Title.In(rep.opts.lang), w.Entry.ID, rep.location(w.File, w.Line))
}

// topCounts formats the n largest counts, largest first.
func topCounts(m map[string]int, n int) string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(m[b], m[a]), strings.Compare(a, b)) })
	var parts []string
	for i, k := range keys {
		if i == n {
			break
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// ---- markdown ----

func (rep *report) markdownRun(run *diagnose.Run) {
	if !run.Failed && run.FindingCount == 0 {
		return // a ticket wants the failures
	}
	if run.Timeline {
		fmt.Fprintf(rep.w, "## %s\n\n", safetext.Markdown(rep.incidentHead(run)))
	} else {
		rep.markdownRunHead(run)
	}
	rep.markdownVerdict(run)
}

func (rep *report) markdownRunHead(run *diagnose.Run) {
	fmt.Fprintf(rep.w, "## %s — %s %d", safetext.Markdown(run.File), rep.label("run"), run.Index)
	if run.Command != "" {
		fmt.Fprintf(rep.w, ": %s", mdCode(rep.clean(run.Command)))
	}
	if run.AgentVersion != "" {
		fmt.Fprintf(rep.w, " (agent %s)", safetext.Markdown(run.AgentVersion))
	}
	fmt.Fprintln(rep.w)
	fmt.Fprintln(rep.w)
	if span := timeSpan(run.Start, run.End); span != "" {
		fmt.Fprintf(rep.w, "- **%s:** %s (%s)\n", rep.label("when"), span, runLines(run, rep.label("lines")))
	}
}

// markdownVerdict writes a run's or an incident's exit code, verdict, known
// causes, alternatives, notes and findings table.
func (rep *report) markdownVerdict(run *diagnose.Run) {
	if run.ExitCode != "" {
		fmt.Fprintf(rep.w, "- **%s:** `%s`\n", rep.label("exit"), run.ExitCode)
	}
	if run.Verdict != nil {
		m := run.Verdict.MeaningFor(run.Context)
		fmt.Fprintf(rep.w, "- **%s:** `%s` — %s\n", rep.label("cause"), run.Verdict.ID, m.Title.In(rep.opts.lang))
		fmt.Fprintf(rep.w, "\n%s\n\n**%s:**\n\n%s\n", mdQuote(m.Cause.In(rep.opts.lang)), rep.r.label("remediation"), strings.TrimSpace(m.Remediation.In(rep.opts.lang)))
		for _, n := range rep.k.Footnotes(run.Verdict) {
			fmt.Fprintf(rep.w, "\n%s (`%s`): %s\n", rep.r.label("footnote"), n.ID, footnoteText(n, rep.opts.lang))
		}
	} else if run.Failed {
		fmt.Fprintf(rep.w, "- **%s:** %s\n", rep.label("cause"), rep.label("unexplained"))
	}
	if len(run.KnownCauses) > 0 {
		fmt.Fprintf(rep.w, "\n**%s:**\n\n", rep.label("knownCauses"))
		for _, e := range run.KnownCauses {
			fmt.Fprintf(rep.w, "- `%s` — %s\n", e.ID, e.MeaningFor(run.Context).Title.In(rep.opts.lang))
		}
	}
	for _, e := range run.Alternatives {
		fmt.Fprintf(rep.w, "\n**%s:** `%s` — %s\n", fmt.Sprintf(rep.label("ifScope"), rep.r.scope(e.Scope)), e.ID, e.Title.In(rep.opts.lang))
	}
	for _, n := range run.Notes {
		fmt.Fprintf(rep.w, "\n**%s (`%s`):** %s\n", rep.label("note"), n.ID, footnoteText(n, rep.opts.lang))
	}
	fmt.Fprintf(rep.w, "\n| %s | %s | %s | %s |\n|---|---|---|---|\n", rep.label("line"), rep.label("level"), rep.label("message"), rep.label("explainedBy"))
	for _, f := range run.Findings {
		if !rep.shown(f) {
			continue
		}
		var ids []string
		for _, e := range f.Entries {
			ids = append(ids, "`"+e.ID+"`")
		}
		fmt.Fprintf(rep.w, "| %d | %s | %s | %s |\n", f.Line, f.Level, safetext.Markdown(rep.findingText(f, 200)), strings.Join(ids, ", "))
	}
	fmt.Fprintln(rep.w)
}

// mdCode is log text shown as Markdown inline code.
func mdCode(s string) string {
	return "`" + strings.ReplaceAll(safetext.Controls(s), "`", "'") + "`"
}

func mdQuote(s string) string {
	return "> " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n> ")
}

// ---- JSON ----

type (
	findingJSON struct {
		Type    string  `json:"type"`
		File    string  `json:"file"`
		Line    int     `json:"line"`
		Time    *string `json:"time"`
		Level   string  `json:"level"`
		Message string  `json:"message"`
		Text    string  `json:"text"`
		// LineLength and Excerpt are set when message and text keep only
		// part of a long line (diagnose.MaxExcerpt).
		LineLength int64         `json:"line_length,omitempty"`
		Excerpt    bool          `json:"excerpt,omitempty"`
		Codes      []string      `json:"codes"`
		Unknown    []string      `json:"unknown_codes,omitempty"`
		Entries    []brieflyJSON `json:"entries"`
	}
	brieflyJSON struct {
		ID          string         `json:"id"`
		Kind        kb.Kind        `json:"kind"`
		Title       string         `json:"title"`
		Cause       string         `json:"cause"`
		Remediation string         `json:"remediation"`
		Footnotes   []footnoteJSON `json:"footnotes"`
	}
	// spanJSON is where a run or a service's stretch of failures is.
	spanJSON struct {
		Type      string  `json:"type"`
		File      string  `json:"file"`
		Index     int     `json:"index"`
		StartLine int     `json:"start_line"`
		EndFile   string  `json:"end_file,omitempty"`
		EndLine   int     `json:"end_line"`
		Start     *string `json:"start"`
		End       *string `json:"end"`
	}
	runJSON struct {
		spanJSON
		Command      *string  `json:"command"`
		AgentVersion *string  `json:"agent_version"`
		ExitCode     *string  `json:"exit_code"`
		Failed       bool     `json:"failed"`
		Verdict      *string  `json:"verdict"`
		VerdictLine  int      `json:"verdict_line,omitempty"`
		Findings     int      `json:"findings"`
		Notes        []string `json:"notes"`
		// KnownCauses and Alternatives are entry ids (see diagnose.Run).
		KnownCauses  []string `json:"known_causes,omitempty"`
		Alternatives []string `json:"alternatives,omitempty"`
	}
	summaryJSON struct {
		Type       string         `json:"type"`
		Files      int            `json:"files"`
		Records    int64          `json:"records"`
		Findings   int            `json:"findings"`
		Benign     int            `json:"benign"`
		Runs       int            `json:"runs"`
		FailedRuns int            `json:"failed_runs"`
		Incidents  int            `json:"incidents"`
		Warnings   int            `json:"warnings"`
		States     int            `json:"states"`
		WorkingNow *stateJSON     `json:"working_now"`
		Truncated  int            `json:"truncated"`
		ByEntry    map[string]int `json:"by_entry"`
		ByCode     map[string]int `json:"by_code"`
		Inputs     []inputJSON    `json:"inputs"`
		// Problems explain an exit status of 2: the inputs and zip entries
		// that could not be read, wholly or in part, and the inputs that
		// are not agent logs.
		Problems []problemJSON `json:"problems"`
	}
	// inputJSON is what an input was read as: its formats, most frequent
	// first, with their record counts; known is false for an input that is
	// not an agent log.
	inputJSON struct {
		File    string           `json:"file"`
		Known   bool             `json:"known"`
		Formats []string         `json:"formats"`
		Records map[string]int64 `json:"records_by_format"`
	}
	stateJSON struct {
		Entry string  `json:"entry"`
		File  string  `json:"file"`
		Line  int     `json:"line"`
		Time  *string `json:"time"`
	}
	// incidentJSON is a stretch of failures in a service's log: type
	// "incident" when it lasted, "warning" when the service recovered from
	// it by itself.
	incidentJSON struct {
		spanJSON
		Count         int      `json:"count"`
		Recovered     bool     `json:"recovered"`
		RecoveredLine int      `json:"recovered_line,omitempty"`
		RecoveredAt   *string  `json:"recovered_at,omitempty"`
		RecoveredBy   string   `json:"recovered_by,omitempty"`
		Verdict       *string  `json:"verdict"`
		VerdictLine   int      `json:"verdict_line,omitempty"`
		Notes         []string `json:"notes"`
		KnownCauses   []string `json:"known_causes,omitempty"`
		Alternatives  []string `json:"alternatives,omitempty"`
	}
	problemJSON struct {
		File    string `json:"file"`
		Problem string `json:"problem"`
	}
	recordJSON struct {
		Type    string  `json:"type"`
		File    string  `json:"file"`
		Line    int     `json:"line"`
		Time    *string `json:"time"`
		Level   string  `json:"level"`
		Message string  `json:"message"`
		Benign  string  `json:"benign,omitempty"`
	}
)

func (rep *report) json(v any) {
	if rep.err != nil {
		return
	}
	data, err := json.Marshal(v)
	if err != nil {
		rep.err = err
		return
	}
	rep.w.Write(data)
	rep.w.WriteByte('\n')
}

func jsonTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.RFC3339)
	return &s
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (rep *report) findingJSON(f *diagnose.Finding) findingJSON {
	j := findingJSON{Type: "finding", File: f.File, Line: f.Line, Time: jsonTime(f.Time), Level: f.Level.String(),
		Message: rep.clean(f.Message), Text: rep.clean(f.Text), Codes: nonNil(f.Codes), Unknown: f.Unknown,
		Entries: []brieflyJSON{}}
	if f.Excerpt {
		j.LineLength, j.Excerpt = f.LineLen, true
	}
	for _, e := range f.Entries {
		j.Entries = append(j.Entries, rep.brief(e, f.Context))
	}
	return j
}

func (rep *report) brief(e *kb.Entry, ctx kb.Context) brieflyJSON {
	m := e.MeaningFor(ctx)
	lang := rep.opts.lang
	b := brieflyJSON{ID: e.ID, Kind: e.Kind, Title: m.Title.In(lang), Cause: m.Cause.In(lang),
		Remediation: m.Remediation.In(lang), Footnotes: []footnoteJSON{}}
	for _, n := range rep.k.Footnotes(e) {
		b.Footnotes = append(b.Footnotes, footnoteJSON{ID: n.ID, Title: n.Title.In(lang), Text: footnoteText(n, lang)})
	}
	return b
}

func (rep *report) runJSON(run *diagnose.Run) runJSON {
	j := runJSON{spanJSON: spanJSON{Type: "run", File: run.File, Index: run.Index, StartLine: run.StartLine, EndFile: run.EndFile,
		EndLine: run.EndLine, Start: jsonTime(run.Start), End: jsonTime(run.End)}, Command: optional(rep.clean(run.Command)),
		AgentVersion: optional(run.AgentVersion), ExitCode: optional(run.ExitCode), Failed: run.Failed,
		Findings: run.FindingCount, Notes: []string{}}
	if run.Verdict != nil {
		j.Verdict = &run.Verdict.ID
		if run.VerdictFinding != nil {
			j.VerdictLine = run.VerdictFinding.Line
		}
	}
	for _, n := range run.Notes {
		j.Notes = append(j.Notes, n.ID)
	}
	for _, e := range run.KnownCauses {
		j.KnownCauses = append(j.KnownCauses, e.ID)
	}
	for _, e := range run.Alternatives {
		j.Alternatives = append(j.Alternatives, e.ID)
	}
	return j
}

func (rep *report) incidentJSON(run *diagnose.Run) incidentJSON {
	r := rep.runJSON(run)
	j := incidentJSON{spanJSON: r.spanJSON, Count: run.FindingCount, Verdict: r.Verdict, VerdictLine: r.VerdictLine,
		Notes: r.Notes, KnownCauses: r.KnownCauses, Alternatives: r.Alternatives}
	j.Type = "incident"
	if !run.Failed {
		j.Type = "warning"
	}
	if run.RecoveredLine > 0 {
		j.Recovered, j.RecoveredLine, j.RecoveredAt, j.RecoveredBy = true, run.RecoveredLine, jsonTime(run.RecoveredAt), run.RecoveredBy.ID
	}
	return j
}

// reportLabels are the fixed words of analyze and tail output.
var reportLabels = map[kb.Lang]map[string]string{
	kb.EN: {
		"run": "run", "lines": "lines", "ok": "ok", "failed": "FAILED", "exit": "Exit code",
		"cause": "Probable cause", "unexplained": "no knowledge-base entry explains this failure",
		"note": "Note", "findingsHead": "Findings", "findings": "findings", "more": "more findings not shown",
		"unknownCode": "(not in the knowledge base)", "summary": "Summary", "files": "file(s)",
		"records": "records", "runs": "run(s)", "failedRuns": "failed", "benignLines": "benign lines",
		"top": "Most frequent", "benign": "benign", "when": "When", "line": "Line", "level": "Level",
		"message": "Message", "explainedBy": "Explained by", "sep": ", ",
		"inputs": "Read as", "plainText": "plain text", "notAgentLog": "not an agent log", "notRead": "not read",
		"knownCauses": "Known causes of this code, most common first", "ifScope": "If %s",
		"incident": "incident", "warning": "warning", "failures": "failure(s)", "recovered": "recovered at",
		"notRecovered": "no line shows it recovered", "transient": "recovered by itself", "incidents": "incident(s)",
		"warnings": "warning(s)", "workingNow": "Working now",
		"excerpt": "(a line of %d bytes, shown in part)",
	},
	kb.JA: {
		"run": "実行", "lines": "行", "ok": "正常", "failed": "失敗", "exit": "終了コード",
		"cause": "考えられる原因", "unexplained": "この失敗を説明する項目はナレッジ ベースにありません",
		"note": "注記", "findingsHead": "検出結果", "findings": "件の検出", "more": "件の検出結果は省略",
		"unknownCode": "(ナレッジ ベースにありません)", "summary": "概要", "files": "ファイル",
		"records": "レコード", "runs": "回の実行", "failedRuns": "件失敗", "benignLines": "件の無害な行",
		"top": "多い項目", "benign": "無害", "when": "日時", "line": "行", "level": "レベル",
		"message": "メッセージ", "explainedBy": "説明", "sep": "、",
		"inputs": "読み取った形式", "plainText": "プレーン テキスト", "notAgentLog": "エージェントのログではありません", "notRead": "読み取れませんでした",
		"knownCauses": "このコードの既知の原因 (多い順)", "ifScope": "%s の場合",
		"incident": "インシデント", "warning": "警告", "failures": "件の失敗", "recovered": "回復",
		"notRecovered": "回復を示す行なし", "transient": "自動的に回復", "incidents": "件のインシデント",
		"warnings": "件の警告", "workingNow": "現在正常",
		"excerpt": "(%d バイトの行の一部)",
	},
}
