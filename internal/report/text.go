package report

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/internal/safetext"
	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// Text writes for a person: on a terminal coloured and wrapped to its
// width (Options.Color, Options.Width), elsewhere plain and greppable.
type Text struct {
	base
	st style
	// ok gathers consecutive runs of a file that went well: they are
	// written as one line ("172 runs ok"), unless Options.All.
	ok okRuns
	// explained maps a file to the entries whose probable cause and
	// remediation were written for its current run, and the line of the
	// finding they were written under: later findings refer to it.
	explained map[string]map[string]int
}

// okRuns are consecutive runs of one file that went well, or consecutive
// warnings of a service's log (stretches of failures it recovered from by
// itself), with their verdicts.
type okRuns struct {
	file                  string
	warnings              bool
	n, first, last, finds int
	verdicts              map[string]int
	span                  string // when the last warning was
}

// NewText returns a text report writing to w.
func NewText(w io.Writer, k *kb.KB, opts Options) *Text {
	return &Text{base: newBase(w, k, opts), st: styleFor(opts)}
}

// Finding implements diagnose.Sink: a finding is written on its own as it
// comes with --all and when streaming (tail); otherwise under its run.
func (t *Text) Finding(f *diagnose.Finding) {
	if t.shown(f) && (t.opts.All || t.opts.Stream) {
		t.finding(f, true)
	}
	t.event()
}

// Record implements diagnose.Sink: with --all, the lines that are not
// findings.
func (t *Text) Record(rec *parser.Record, benign *kb.Entry) {
	st := t.st
	line := t.shownText(string(rec.Raw))
	if benign != nil {
		fmt.Fprintf(t.w, "%s %s  %s\n", st.paint(dim, location(rec.File, rec.Line)),
			st.paint(green, "["+t.label(msg.Benign)+": "+benign.ID+"]"), st.paint(dim, line))
	} else {
		fmt.Fprintf(t.w, "%s %s\n", st.paint(dim, location(rec.File, rec.Line)), st.paint(dim, line))
	}
	t.event()
}

// RunEnd implements diagnose.Sink: a failed run or a service's incident
// with its verdict and findings; a run that went well joins the line of the
// runs that did, a warning (a stretch the service recovered from) the line
// of the warnings (all of it with Options.All).
func (t *Text) RunEnd(run *diagnose.Run) {
	if t.hide(run) {
		return
	}
	if !run.Failed && !t.opts.All {
		t.addOK(run)
	} else {
		t.flushOK()
		t.run(run)
	}
	delete(t.explained, run.File)
	delete(t.explained, run.EndFile)
	t.event()
}

func (t *Text) addOK(run *diagnose.Run) {
	if t.ok.n > 0 && (t.ok.file != run.File || t.ok.warnings != run.Timeline || run.Index != t.ok.last+1) {
		t.flushOK()
	}
	if t.ok.n == 0 {
		t.ok = okRuns{file: run.File, warnings: run.Timeline, first: run.Index, verdicts: map[string]int{}}
	}
	t.ok.n++
	t.ok.last = run.Index
	if run.Timeline {
		if run.Verdict != nil {
			t.ok.verdicts[run.Verdict.ID]++
		}
		t.ok.span = timeSpan(run.Start, run.End)
	} else {
		t.ok.finds += run.FindingCount
	}
	if t.opts.Stream {
		t.flushOK() // tail says so as each run ends
	}
}

// flushOK writes the line of the runs that went well, if any.
func (t *Text) flushOK() {
	ok := t.ok
	if ok.n == 0 {
		return
	}
	line := "-- " + safetext.Controls(ok.file) + " · "
	switch {
	case ok.warnings && ok.n == 1:
		line += t.label(msg.WarningOK, ok.first)
		if ok.span != "" {
			line += " · " + ok.span
		}
	case ok.warnings:
		line += t.label(msg.WarningsOK, ok.n, ok.first, ok.last)
	case ok.n == 1:
		line += t.label(msg.RunOK, ok.first)
	default:
		line += t.label(msg.RunsOK, ok.n, ok.first, ok.last)
	}
	if ok.finds > 0 {
		line += " · " + t.label(msg.OKFindings, ok.finds)
	}
	if ok.n == 1 {
		for id := range ok.verdicts {
			line += " · " + id
		}
	} else if top := topCounts(ok.verdicts, 5); top != "" {
		line += " · " + top
	}
	fmt.Fprintf(t.w, "%s\n\n", t.st.paint(green, line))
	t.ok = okRuns{}
}

// explainedAt returns the line under which an entry's probable cause and
// remediation were written in the current run of file, or 0.
func (t *Text) explainedAt(file, id string) int { return t.explained[file][id] }

func (t *Text) markExplained(file, id string, line int) {
	if t.explained == nil {
		t.explained = map[string]map[string]int{}
	}
	if t.explained[file] == nil {
		t.explained[file] = map[string]int{}
	}
	t.explained[file][id] = line
}

// incidentHead says what a service log's stretch of failures was: when,
// where, how many failures, and whether and when the service recovered.
func (b *base) incidentHead(run *diagnose.Run) string {
	kind := b.label(msg.Incident)
	if !run.Failed {
		kind = b.label(msg.Warning)
	}
	head := fmt.Sprintf("%s · %s %d", safetext.Controls(run.File), kind, run.Index)
	if span := timeSpan(run.Start, run.End); span != "" {
		head += " · " + span
	}
	head += fmt.Sprintf(" (%s) · %d %s", b.runLines(run), run.FindingCount, b.label(msg.Failures))
	if run.RecoveredLine > 0 {
		head += " · " + b.label(msg.Recovered) + " " + b.recoveredAt(run)
	} else {
		head += " · " + b.label(msg.NotRecovered)
	}
	return head
}

// recoveredAt says where a stretch recovered: the line and its time.
func (b *base) recoveredAt(run *diagnose.Run) string {
	at := fmt.Sprintf("%s (%s)", location(cmp.Or(run.EndFile, run.File), run.RecoveredLine), run.RecoveredBy.ID)
	if !run.RecoveredAt.IsZero() {
		at = run.RecoveredAt.Format("15:04:05") + ", " + at
	}
	return at
}

func (t *Text) run(run *diagnose.Run) {
	st := t.st
	if run.Timeline {
		status := st.paint(red, t.label(msg.Failed))
		if !run.Failed {
			status = st.paint(yellow, t.label(msg.Transient))
		}
		fmt.Fprintf(t.w, "%s  %s\n", st.paint(bold, "== "+t.incidentHead(run)), status)
		t.verdict(run)
		fmt.Fprintln(t.w)
		return
	}
	head := fmt.Sprintf("%s · %s %d", safetext.Controls(run.File), t.label(msg.Run), run.Index)
	if run.Command != "" {
		head += " · " + t.shownText(run.Command)
	}
	if run.AgentVersion != "" {
		head += " · agent " + safetext.Controls(run.AgentVersion)
	}
	if span := timeSpan(run.Start, run.End); span != "" {
		head += " · " + span
	}
	head += " (" + t.runLines(run) + ")"
	if !run.Failed {
		status := t.label(msg.OK)
		if run.FindingCount > 0 {
			status += fmt.Sprintf(" (%d %s)", run.FindingCount, t.label(msg.Findings))
		}
		fmt.Fprintf(t.w, "%s  %s\n", st.paint(bold, "== "+head), st.paint(green, status))
		if run.FindingCount > 0 && !t.opts.All && !t.opts.Stream {
			t.findings(run)
		}
		fmt.Fprintln(t.w)
		return
	}
	fmt.Fprintf(t.w, "%s  %s\n", st.paint(bold, "== "+head), st.paint(red, t.label(msg.Failed)))
	t.verdict(run)
	fmt.Fprintln(t.w)
}

// verdict writes a failed run's or an incident's exit code, verdict,
// known causes, alternatives, notes and findings.
func (t *Text) verdict(run *diagnose.Run) {
	st := t.st
	lang := t.opts.Lang
	if run.ExitCode != "" {
		title := ""
		if e, ok := t.k.Get(run.ExitCode); ok {
			title = " " + e.MeaningFor(run.Context).Title.In(lang)
		}
		fmt.Fprintf(t.w, "  %s: %s%s\n", t.label(msg.ExitCode), st.paint(bold, run.ExitCode), title)
	}
	if run.Verdict != nil {
		at := ""
		if run.VerdictFinding != nil {
			at = "  " + st.paint(dim, "("+location(run.VerdictFinding.File, run.VerdictFinding.Line)+")")
		}
		seen := max(t.explainedAt(run.File, run.Verdict.ID), t.explainedAt(run.EndFile, run.Verdict.ID))
		if seen > 0 {
			at = "  " + st.paint(dim, "("+t.label(msg.SeeLine, seen)+")")
		}
		label := t.label(msg.ProbableCause)
		if run.VerdictSuggested {
			label = st.paint(yellow, t.label(msg.SuggestedCause))
		}
		fmt.Fprintf(t.w, "  %s: %s  %s%s\n", label, st.paint(bold+";"+cyan, run.Verdict.ID),
			st.paint(bold, run.Verdict.MeaningFor(run.Context).Title.In(lang)), at)
		if seen == 0 {
			t.meaning(run.Verdict, run.Context, 4, false)
		}
	} else {
		fmt.Fprintf(t.w, "  %s: %s\n", t.label(msg.ProbableCause), t.label(msg.Unexplained))
	}
	if len(run.KnownCauses) > 0 {
		fmt.Fprintf(t.w, "  %s:\n", t.label(msg.KnownCauses))
		for _, e := range run.KnownCauses {
			fmt.Fprintf(t.w, "    %s  %s\n", st.paint(cyan, e.ID), e.MeaningFor(run.Context).Title.In(lang))
		}
	}
	for _, e := range run.Alternatives {
		fmt.Fprintf(t.w, "  %s: %s  %s\n", t.label(msg.IfScope, scope(e.Scope)), st.paint(cyan, e.ID), e.Title.In(lang))
	}
	for _, n := range run.Notes {
		fmt.Fprintf(t.w, "  %s [%s]: %s\n", t.label(msg.Note), n.ID, n.Title.In(lang))
		fmt.Fprintf(t.w, "    %s\n", st.wrap(footnoteText(n, lang), 4))
	}
	if !t.opts.All && !t.opts.Stream {
		t.findings(run)
	}
}

// meaning writes an entry's probable cause, remediation and footnotes,
// indented under the line that names the entry. labelCause labels the
// cause, unless the line above already says "Probable cause". Unless
// Options.Verbose, the cause is cut to its first sentences (explain gives
// it whole) and a footnote to its title; the remediation is always whole.
func (t *Text) meaning(e *kb.Entry, ctx kb.Context, indent int, labelCause bool) {
	m := e.MeaningFor(ctx)
	lang := t.opts.Lang
	pad := strings.Repeat(" ", indent)
	st := t.st
	cause := strings.TrimSpace(m.Cause.In(lang))
	if short, cut := firstSentences(cause, 2); cut && !t.opts.Verbose {
		cause = short + " " + t.label(msg.MoreIn, e.ID)
	}
	if labelCause {
		fmt.Fprintf(t.w, "%s%s %s\n", pad, st.paint(yellow, t.label(msg.ProbableCause)+":"), st.wrap(cause, indent+2))
	} else {
		fmt.Fprintf(t.w, "%s%s\n", pad, st.wrap(cause, indent))
	}
	fmt.Fprintf(t.w, "%s%s %s\n", pad, st.paint(yellow, t.label(msg.Remediation)+":"), st.wrap(strings.TrimSpace(m.Remediation.In(lang)), indent+2))
	for _, n := range t.k.Footnotes(e) {
		text := n.Title.In(lang)
		if t.opts.Verbose {
			text = footnoteText(n, lang)
		}
		fmt.Fprintf(t.w, "%s%s [%s]: %s\n", pad, st.paint(yellow, t.label(msg.Footnote)), n.ID, st.wrap(text, indent+2))
	}
}

// firstSentences returns the first n sentences of s, and whether there was
// more. A sentence ends at "。", or at ". ", "! " or "? " before a capital,
// a digit or an opening bracket or quote (not at "e.g. the").
func firstSentences(s string, n int) (string, bool) {
	for i, r := range s {
		end := -1
		switch r {
		case '。':
			end = i + len("。")
		case '.', '!', '?':
			rest := s[i+1:]
			if !strings.HasPrefix(rest, " ") {
				continue
			}
			next := strings.TrimLeft(rest, " ")
			if next != "" && (unicode.IsUpper(rune(next[0])) || unicode.IsDigit(rune(next[0])) || strings.ContainsRune("(\"'", rune(next[0]))) {
				end = i + 1
			}
		}
		if end < 0 {
			continue
		}
		if n--; n == 0 {
			rest := strings.TrimSpace(s[end:])
			return s[:end], rest != ""
		}
	}
	return s, false
}

func (t *Text) findings(run *diagnose.Run) {
	var shown []*diagnose.Finding
	for _, f := range run.Findings {
		if t.shown(f) {
			shown = append(shown, f)
		}
	}
	if len(shown) == 0 {
		return
	}
	fmt.Fprintf(t.w, "  %s (%d):\n", t.label(msg.FindingsHead), run.FindingCount)
	for _, f := range shown {
		t.finding(f, false)
	}
	if run.FindingCount > len(run.Findings) {
		fmt.Fprintf(t.w, "    … %d %s\n", run.FindingCount-len(run.Findings), t.label(msg.More))
	}
}

// finding writes one finding: where, level, what the line says, and the
// entries that explain it. full adds each entry's probable cause and
// remediation (for a finding printed on its own, as tail and --all do).
func (t *Text) finding(f *diagnose.Finding, full bool) {
	st := t.st
	level := strings.ToUpper(f.Level.String())
	if level == "" {
		level = "-"
	}
	color := yellow
	if f.Level >= parser.LevelError {
		color = red
	}
	fmt.Fprintf(t.w, "    %s  %s  %s\n", st.paint(dim, location(f.File, f.Line)), st.paint(color, level), t.findingText(f, 300))
	for _, e := range f.Entries {
		seen := 0
		if full {
			seen = t.explainedAt(f.File, e.ID)
		}
		at := ""
		if seen > 0 {
			at = "  " + st.paint(dim, "("+t.label(msg.SeeLine, seen)+")")
		}
		fmt.Fprintf(t.w, "      → %s  %s%s\n", st.paint(cyan, e.ID), e.MeaningFor(f.Context).Title.In(t.opts.Lang), at)
		if full && seen == 0 {
			t.meaning(e, f.Context, 8, true)
			t.markExplained(f.File, e.ID, f.Line)
		}
	}
	for _, c := range f.Unknown {
		fmt.Fprintf(t.w, "      → %s  %s\n", c, t.label(msg.UnknownCode))
	}
	for _, e := range f.Suggested {
		// ≈, not →: the closest entry by full-text search, a guess.
		fmt.Fprintf(t.w, "      ≈ %s  %s  %s\n", st.paint(cyan, e.ID), e.MeaningFor(f.Context).Title.In(t.opts.Lang),
			st.paint(dim, "("+t.label(msg.Suggested)+")"))
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

// Summary implements Report.
func (t *Text) Summary(sum diagnose.Summary, inputs []Input, _ []Problem) {
	t.flushOK()
	sum.Runs -= t.hidden
	fmt.Fprintf(t.w, "%s %s\n", t.st.paint(bold, t.label(msg.Summary)+":"), t.counts(sum))
	if top := topCounts(sum.ByEntry, 5); top != "" {
		fmt.Fprintf(t.w, "  %s: %s\n", t.label(msg.Top), top)
	}
	if w := t.workingNow(sum); w != "" {
		fmt.Fprintf(t.w, "  %s\n", t.st.paint(green, w))
	}
	fmt.Fprintf(t.w, "  %s:\n", t.label(msg.Inputs))
	for _, in := range inputs {
		fmt.Fprintf(t.w, "    %s: %s\n", safetext.Controls(in.Name), t.formatsRead(in))
	}
	t.event()
}

// formatsRead names what an input was read as: its formats, most frequent
// first and plain text last, or that it is not an agent log.
func (b *base) formatsRead(in Input) string {
	switch {
	case !in.Opened:
		return b.label(msg.NotRead)
	case !in.Known:
		return b.label(msg.NotAgentLog)
	}
	var names []string
	plain := false
	for _, f := range in.Formats {
		if f.Format == parser.FormatPlain {
			plain = true
			continue
		}
		names = append(names, f.Format.String())
	}
	if plain {
		names = append(names, b.label(msg.PlainText))
	}
	return strings.Join(names, b.label(msg.Sep))
}

// counts says what the analysis read and found, in the report's language.
func (b *base) counts(sum diagnose.Summary) string {
	parts := []string{
		fmt.Sprintf("%d %s", sum.Files, b.label(msg.Files)),
		fmt.Sprintf("%d %s", sum.Records, b.label(msg.Records)),
		fmt.Sprintf("%d %s (%d %s)", sum.Runs, b.label(msg.Runs), sum.Failed, b.label(msg.FailedRuns)),
	}
	if sum.Incidents+sum.Warnings > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", sum.Incidents, b.label(msg.Incidents)), fmt.Sprintf("%d %s", sum.Warnings, b.label(msg.Warnings)))
	}
	parts = append(parts,
		fmt.Sprintf("%d %s", sum.Findings, b.label(msg.Findings)),
		fmt.Sprintf("%d %s", sum.Benign, b.label(msg.BenignLines)))
	return strings.Join(parts, b.label(msg.Sep))
}

// workingNow says which part works now, when a state line came after the
// last failure.
func (b *base) workingNow(sum diagnose.Summary) string {
	w := sum.WorkingNow
	if w == nil {
		return ""
	}
	return fmt.Sprintf("%s: %s (%s, %s)", b.label(msg.WorkingNow), w.Entry.Title.In(b.opts.Lang), w.Entry.ID, location(w.File, w.Line))
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
