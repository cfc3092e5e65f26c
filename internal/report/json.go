package report

import (
	"encoding/json"
	"io"
	"math"
	"time"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/internal/rfc3339"
	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// JSON writes for scripts. An analysis is NDJSON, one object a line
// (finding, record, run, incident or warning, then summary), so that a
// stream can be read as it comes; an answer (explain, search, kb) is one
// indented object.
//
// Every command writes JSON in one style: strings escaped as encoding/json
// escapes them except for < > &, which are written as they are (a log line
// or a <mark> reads as it is; HTML escaping protects nothing in a file a
// script reads).
//
// The shapes are part of arcdiag's interface: fields are added, never
// renamed. Text is in the language of Options.Lang.
type JSON struct {
	base
	enc *json.Encoder
	// runParts and findingParts are the escaped parts of the last run
	// and finding objects (appendRun, appendFinding).
	runParts     runParts
	findingParts findingParts
}

// NewJSON returns a JSON report writing to w.
func NewJSON(w io.Writer, k *kb.KB, opts Options) *JSON {
	j := &JSON{base: newBase(w, k, opts), runParts: newRunParts()}
	j.findingParts.version.orNull = true
	j.enc = json.NewEncoder(j.w)
	j.enc.SetEscapeHTML(false)
	return j
}

// line writes v as one NDJSON line.
func (j *JSON) line(v any) {
	if j.err == nil {
		j.err = j.enc.Encode(v)
	}
}

// object writes v as one indented object.
func (j *JSON) object(v any) {
	if j.err != nil {
		return
	}
	enc := json.NewEncoder(j.w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	j.err = enc.Encode(v)
}

// Finding implements diagnose.Sink.
func (j *JSON) Finding(f *diagnose.Finding) {
	if j.shown(f) && j.err == nil {
		_, j.err = j.w.Write(append(j.appendFinding(j.w.AvailableBuffer(), f), '\n'))
	}
	j.event()
}

// KeepsNoRuns implements diagnose.RunReuser: runs and findings are written
// when given, and only the Labeller remembers the last run, by address.
func (*JSON) KeepsNoRuns() {}

// Record implements diagnose.Sink: with --all, the lines that are not
// findings.
func (j *JSON) Record(rec *parser.Record, benign *kb.Entry) {
	obj := recordJSON{Type: "record", File: rec.File, Line: rec.Line, Time: jsonTime(rec.Time),
		Level: rec.Level.String(), Message: j.clean(rec.Message())}
	if benign != nil {
		obj.Benign = benign.ID
	}
	j.line(obj)
	j.event()
}

// RunEnd implements diagnose.Sink.
func (j *JSON) RunEnd(run *diagnose.Run) {
	if j.hide(run) {
		return
	}
	if run.Timeline {
		j.line(j.incidentJSON(run))
	} else if j.err == nil {
		// Written in the buffer's free space: Write then copies nothing.
		_, j.err = j.w.Write(append(j.appendRun(j.w.AvailableBuffer(), run), '\n'))
	}
	j.event()
}

// Summary implements Report.
func (j *JSON) Summary(sum diagnose.Summary, inputs []Input, problems []Problem) {
	sum.Runs -= j.hidden
	ins := make([]inputJSON, 0, len(inputs))
	for _, in := range inputs {
		ij := inputJSON{File: in.Name, Known: in.Known, Formats: []string{}, Records: map[string]int64{}}
		for _, f := range in.Formats {
			ij.Formats = append(ij.Formats, f.Format.String())
			ij.Records[f.Format.String()] = f.Records
		}
		ins = append(ins, ij)
	}
	s := summaryJSON{Type: "summary", Files: sum.Files, Records: sum.Records, Findings: sum.Findings,
		Benign: sum.Benign, Runs: sum.Runs, FailedRuns: sum.Failed, Incidents: sum.Incidents, Warnings: sum.Warnings,
		States: sum.States, Truncated: sum.Truncated, ByEntry: sum.ByEntry, ByCode: sum.ByCode, Inputs: ins,
		Problems: nonNil(problems)}
	if w := sum.WorkingNow; w != nil {
		s.WorkingNow = &stateJSON{Entry: w.Entry.ID, File: w.File, Line: w.Line, Time: jsonTime(w.Time)}
	}
	j.line(s)
	j.event()
}

// Explain implements Answers: the query (secrets redacted unless
// NoRedact), the entries and, for a code, the known causes.
func (j *JSON) Explain(query string, a kb.Answer) {
	out := explainJSON{Query: j.clean(query), Match: matchNone, Entries: []entryJSON{}, Unknown: a.Unknown, Nearest: a.Nearest}
	for _, e := range a.Entries {
		out.Entries = append(out.Entries, j.entryJSON(e))
	}
	switch {
	case len(a.Entries) > 0:
		out.Match = matchExact
	case len(a.Suggested) > 0:
		out.Match = matchSuggested
		for _, e := range a.Suggested {
			out.Suggested = append(out.Suggested, j.entryJSON(e))
		}
	}
	for _, e := range a.Causes {
		out.KnownCauses = append(out.KnownCauses, e.ID)
	}
	j.object(out)
}

// Show implements Answers.
func (j *JSON) Show(e *kb.Entry) { j.object(j.entryJSON(e)) }

// Search implements Answers.
func (j *JSON) Search(res *index.Result) { j.object(searchToJSON(res)) }

// List implements Answers: a JSON array.
func (j *JSON) List(rows []ListRow) {
	out := make([]ListRow, len(rows))
	for i, r := range rows {
		r.Codes, r.Tags = nonNil(r.Codes), nonNil(r.Tags)
		out[i] = r
	}
	j.object(out)
}

type (
	explainJSON struct {
		Query string `json:"query"`
		// Match says how the entries were found: exact (a pattern, a code,
		// an id), suggested (none was: Suggested holds the closest by
		// full-text search, a guess), or none.
		Match     string      `json:"match"`
		Entries   []entryJSON `json:"entries"`
		Suggested []entryJSON `json:"suggested,omitempty"`
		Unknown   []string    `json:"unknown,omitempty"`
		Nearest   []string    `json:"nearest,omitempty"`
		// KnownCauses lists, for a code, the entries known to produce it,
		// most common first.
		KnownCauses []string `json:"known_causes,omitempty"`
	}
	entryJSON struct {
		ID          string         `json:"id"`
		Kind        kb.Kind        `json:"kind"`
		Status      kb.Status      `json:"status"`
		Title       string         `json:"title"`
		Cause       string         `json:"cause"`
		Remediation string         `json:"remediation"`
		Aliases     []string       `json:"aliases,omitempty"`
		Codes       []string       `json:"codes"`
		Exit        *exitJSON      `json:"exit,omitempty"`
		Scope       *scopeJSON     `json:"scope,omitempty"`
		Variants    []meaningJSON  `json:"variants,omitempty"`
		Footnotes   []footnoteJSON `json:"footnotes"`
		History     []meaningJSON  `json:"history"`
		Links       []kb.Link      `json:"links"`
		Sources     []string       `json:"sources"`
		SeeAlso     []string       `json:"see_also,omitempty"`
		Tags        []string       `json:"tags,omitempty"`
		// Origin and Overrides are set for an entry that replaces another
		// (a --kb-dir entry with a built-in id): where each is defined.
		Origin    string `json:"origin,omitempty"`
		Overrides string `json:"overrides,omitempty"`
	}
	exitJSON struct {
		Status      int    `json:"status"`
		Title       string `json:"title"`
		Remediation string `json:"remediation"`
	}
	scopeJSON struct {
		OS    string `json:"os,omitempty"`
		Agent string `json:"agent,omitempty"`
	}
	meaningJSON struct {
		From        string     `json:"from,omitempty"`
		To          string     `json:"to,omitempty"`
		Scope       *scopeJSON `json:"scope,omitempty"`
		Title       string     `json:"title,omitempty"`
		Cause       string     `json:"cause"`
		Remediation string     `json:"remediation"`
	}
	footnoteJSON struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		Text  string `json:"text"`
	}

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

	findingJSON struct {
		Type string `json:"type"`
		// The identity of the finding's run (see spanJSON).
		RunID        string  `json:"run_id"`
		Machine      string  `json:"machine"`
		OS           string  `json:"os"`
		AgentVersion *string `json:"agent_version"`
		File         string  `json:"file"`
		Line         int     `json:"line"`
		Time         *string `json:"time"`
		Level        string  `json:"level"`
		Message      string  `json:"message"`
		Text         string  `json:"text"`
		// LineLength and Excerpt are set when message and text keep only
		// part of a long line (diagnose.MaxExcerpt).
		LineLength int64         `json:"line_length,omitempty"`
		Excerpt    bool          `json:"excerpt,omitempty"`
		Codes      []string      `json:"codes"`
		Unknown    []string      `json:"unknown_codes,omitempty"`
		Entries    []brieflyJSON `json:"entries"`
		// Suggested are, for an error no entry explains, the closest
		// entries by full-text search: a guess.
		Suggested []brieflyJSON `json:"suggested,omitempty"`
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
		Type string `json:"type"`
		// RunID, Machine and OS (and the agent version) say where the run
		// comes from (machine.Labeller); the Azure Monitor stream
		// declaration has the same columns: keep names and types.
		RunID     string  `json:"run_id"`
		Machine   string  `json:"machine"`
		OS        string  `json:"os"`
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
		VerdictMatch string   `json:"verdict_match,omitempty"`
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
		Problems []Problem `json:"problems"`
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
		AgentVersion  *string  `json:"agent_version"`
		Count         int      `json:"count"`
		Recovered     bool     `json:"recovered"`
		RecoveredLine int      `json:"recovered_line,omitempty"`
		RecoveredAt   *string  `json:"recovered_at,omitempty"`
		RecoveredBy   string   `json:"recovered_by,omitempty"`
		Verdict       *string  `json:"verdict"`
		VerdictLine   int      `json:"verdict_line,omitempty"`
		VerdictMatch  string   `json:"verdict_match,omitempty"`
		Notes         []string `json:"notes"`
		KnownCauses   []string `json:"known_causes,omitempty"`
		Alternatives  []string `json:"alternatives,omitempty"`
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

func (j *JSON) entryJSON(e *kb.Entry) entryJSON {
	lang := j.opts.Lang
	out := entryJSON{
		ID: e.ID, Kind: e.Kind, Status: e.Status,
		Title: e.Title.In(lang), Cause: e.Cause.In(lang), Remediation: e.Remediation.In(lang),
		Aliases: e.Aliases, Codes: nonNil(e.Codes), Scope: scopeOf(e.Scope), Tags: e.Tags,
		Footnotes: []footnoteJSON{}, History: []meaningJSON{}, Links: nonNil(e.Links),
		Sources: nonNil(e.Sources),
	}
	if prev, ok := j.k.Overridden(e.ID); ok {
		out.Origin, out.Overrides = e.Origin.String(), prev.String()
	}
	if e.Exit != nil {
		out.Exit = &exitJSON{Status: e.ExitCode(), Title: e.Exit.Title.In(lang), Remediation: e.Exit.Remediation.In(lang)}
	}
	for _, v := range e.Variants {
		out.Variants = append(out.Variants, meaningOf(v, lang))
	}
	for _, h := range e.History {
		out.History = append(out.History, meaningOf(h, lang))
	}
	out.Footnotes = j.footnotes(e)
	if e.Kind == kb.KindCode {
		for _, o := range j.k.SeeAlso(e) {
			out.SeeAlso = append(out.SeeAlso, o.ID)
		}
	}
	return out
}

func (j *JSON) footnotes(e *kb.Entry) []footnoteJSON {
	lang := j.opts.Lang
	out := []footnoteJSON{}
	for _, n := range j.k.Footnotes(e) {
		out = append(out, footnoteJSON{ID: n.ID, Title: n.Title.In(lang), Text: footnoteText(n, lang)})
	}
	return out
}

func meaningOf(m kb.Meaning, lang kb.Lang) meaningJSON {
	j := meaningJSON{From: m.From, To: m.To, Scope: scopeOf(m.Scope), Cause: m.Cause.In(lang), Remediation: m.Remediation.In(lang)}
	if !m.Title.IsZero() {
		j.Title = m.Title.In(lang)
	}
	return j
}

func scopeOf(s kb.Scope) *scopeJSON {
	if s.IsZero() {
		return nil
	}
	return &scopeJSON{OS: s.OS, Agent: s.Agent}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
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

func jsonTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	var buf [len(time.RFC3339)]byte
	s := string(rfc3339.Append(buf[:0], t))
	return &s
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// findingJSON is f's object as a struct: the shape appendFinding writes by
// hand, which its test encodes with encoding/json to compare.
func (j *JSON) findingJSON(f *diagnose.Finding) findingJSON {
	out := findingJSON{Type: "finding", File: f.File, Line: f.Line, Time: jsonTime(f.Time), Level: f.Level.String(),
		Message: j.clean(f.Message), Text: j.clean(f.Text), Codes: nonNil(f.Codes), Unknown: f.Unknown,
		Entries: []brieflyJSON{}}
	if f.Excerpt {
		out.LineLength, out.Excerpt = f.LineLen, true
	}
	if f.Run != nil {
		id := j.opts.Labeller.Run(f.Run)
		out.RunID, out.Machine, out.OS, out.AgentVersion = id.ID, id.Machine, id.OS, optional(f.Run.AgentVersion)
	}
	for _, e := range f.Entries {
		out.Entries = append(out.Entries, j.briefly(e, f.Context))
	}
	for _, e := range f.Suggested {
		out.Suggested = append(out.Suggested, j.briefly(e, f.Context))
	}
	return out
}

// How explain's entries, or a run's verdict, were found.
const (
	matchExact     = "exact"
	matchSuggested = "suggested"
	matchNone      = "none"
)

// briefly is an entry as a finding carries it, in the meaning that holds
// in ctx.
func (j *JSON) briefly(e *kb.Entry, ctx kb.Context) brieflyJSON {
	lang := j.opts.Lang
	m := e.MeaningFor(ctx)
	return brieflyJSON{ID: e.ID, Kind: e.Kind, Title: m.Title.In(lang), Cause: m.Cause.In(lang),
		Remediation: m.Remediation.In(lang), Footnotes: j.footnotes(e)}
}

// runJSON is run's object: what an incident shares with a run, and what
// appendRun writes for a run (TestAppendRun compares them).
func (j *JSON) runJSON(run *diagnose.Run) runJSON {
	id := j.opts.Labeller.Run(run)
	out := runJSON{spanJSON: spanJSON{Type: "run", RunID: id.ID, Machine: id.Machine, OS: id.OS, File: run.File, Index: run.Index, StartLine: run.StartLine, EndFile: run.EndFile,
		EndLine: run.EndLine, Start: jsonTime(run.Start), End: jsonTime(run.End)}, Command: optional(j.clean(run.Command)),
		AgentVersion: optional(run.AgentVersion), ExitCode: optional(run.ExitCode), Failed: run.Failed,
		Findings: run.FindingCount, Notes: []string{}}
	if run.Verdict != nil {
		out.Verdict = &run.Verdict.ID
		if run.VerdictFinding != nil {
			out.VerdictLine = run.VerdictFinding.Line
		}
		if run.VerdictSuggested {
			out.VerdictMatch = matchSuggested
		}
	}
	for _, n := range run.Notes {
		out.Notes = append(out.Notes, n.ID)
	}
	for _, e := range run.KnownCauses {
		out.KnownCauses = append(out.KnownCauses, e.ID)
	}
	for _, e := range run.Alternatives {
		out.Alternatives = append(out.Alternatives, e.ID)
	}
	return out
}

func (j *JSON) incidentJSON(run *diagnose.Run) incidentJSON {
	r := j.runJSON(run)
	out := incidentJSON{spanJSON: r.spanJSON, AgentVersion: r.AgentVersion, Count: run.FindingCount, Verdict: r.Verdict, VerdictLine: r.VerdictLine,
		VerdictMatch: r.VerdictMatch, Notes: r.Notes, KnownCauses: r.KnownCauses, Alternatives: r.Alternatives}
	out.Type = "incident"
	if !run.Failed {
		out.Type = "warning"
	}
	if run.RecoveredLine > 0 {
		out.Recovered, out.RecoveredLine, out.RecoveredAt, out.RecoveredBy = true, run.RecoveredLine, jsonTime(run.RecoveredAt), run.RecoveredBy.ID
	}
	return out
}
