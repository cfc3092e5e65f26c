package serve

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/machine"
	"github.com/arcdiag/arcdiag/internal/redact"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/internal/safetext"
	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// errTooLarge is an upload over MaxUpload: 413.
var errTooLarge = errors.New("upload too large")

// errNothing is a POST without text or files: 400.
var errNothing = errors.New("nothing to analyze")

// errNoTextField is a form-encoded POST without the paste box's field: 400.
var errNoTextField = errors.New("form without the field text")

// errUnsupported is a body neither raw text nor a form: 415.
var errUnsupported = errors.New("unsupported Content-Type")

func (s *Server) uploadLimit() string { return humanSize(s.opts.MaxUpload) }

// humanSize writes a byte count in the largest binary unit it reaches:
// 100 KiB, 512 MiB, 1.5 GiB. A fraction is cut, not rounded, to one
// decimal, so that a limit is never shown larger than it is.
func humanSize(n int64) string {
	for _, u := range []struct {
		name  string
		shift uint
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		unit := int64(1) << u.shift
		switch {
		case n < unit:
			continue
		case n%unit == 0:
			return fmt.Sprintf("%d %s", n/unit, u.name)
		}
		tenths := n/unit*10 + n%unit*10/unit // n*10 would overflow near 2^63
		if tenths%10 == 0 {
			return fmt.Sprintf("%d %s", tenths/10, u.name) // 1 MiB and a few bytes
		}
		return fmt.Sprintf("%d.%d %s", tenths/10, tenths%10, u.name)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readRequest reads what to analyze from a POST into memory: the files and
// the pasted text of a multipart form (read part by part from the stream:
// http.Request.ParseMultipartForm would spill large files to disk), the
// text field of a form-encoded body, or a raw body (no Content-Type,
// text/plain or application/octet-stream), read as standard input; any
// other body is refused (415). The whole body is read before analysis
// starts, so an upload over MaxUpload is refused before any answer is sent.
func (s *Server) readRequest(w http.ResponseWriter, r *http.Request) (AnalyzeRequest, []byte, error) {
	req := AnalyzeRequest{Lang: s.lang(r)}
	if r.ContentLength > s.opts.MaxUpload {
		return req, nil, errTooLarge
	}
	body := http.MaxBytesReader(w, r.Body, s.opts.MaxUpload)
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case r.Header.Get("Content-Type") == "" || mt == "text/plain" || mt == "application/octet-stream":
		data, err := io.ReadAll(body)
		if err != nil {
			return req, nil, tooLarge(err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return req, nil, errNothing
		}
		req.Stdin = bytes.NewReader(data)
		return req, data, nil
	case mt == "application/x-www-form-urlencoded":
		return s.readForm(req, body)
	case err != nil || mt != "multipart/form-data":
		return req, nil, errUnsupported
	}
	r.Body = body
	mr, err := r.MultipartReader()
	if err != nil {
		return req, nil, err
	}
	var pasted []byte
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return req, nil, tooLarge(err)
		}
		data, err := io.ReadAll(part)
		part.Close()
		if err != nil {
			return req, nil, tooLarge(err)
		}
		switch name := part.FormName(); {
		case name == "lang":
			req.Lang = s.langOf(string(data))
		case name == "text":
			pasted = append(pasted, data...)
		case part.FileName() != "":
			req.Uploads = append(req.Uploads, logsource.Upload{Name: uploadName(part.FileName()), Data: data})
		}
	}
	pasted = bytes.ReplaceAll(pasted, []byte("\r\n"), []byte("\n"))
	switch {
	case len(bytes.TrimSpace(pasted)) > 0 && len(req.Uploads) == 0:
		req.Stdin = bytes.NewReader(pasted)
		return req, pasted, nil
	case len(bytes.TrimSpace(pasted)) > 0:
		// Pasted text beside files: read as `analyze - FILE...` reads it.
		req.Uploads = append([]logsource.Upload{{Name: stdinName, Data: pasted}}, req.Uploads...)
	case len(req.Uploads) == 0:
		return req, nil, errNothing
	}
	return req, nil, nil
}

// readForm reads a form-encoded POST (curl -d 'text=…'): the paste box's
// field, decoded, is the text to analyze, as the multipart form's is. Read
// raw, its percent-encoding would hide the secrets redaction looks for.
func (s *Server) readForm(req AnalyzeRequest, body io.Reader) (AnalyzeRequest, []byte, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return req, nil, tooLarge(err)
	}
	form, err := url.ParseQuery(string(data))
	if err != nil {
		return req, nil, fmt.Errorf("form body: %w", err)
	}
	if !form.Has("text") {
		return req, nil, errNoTextField
	}
	if v := form.Get("lang"); v != "" {
		req.Lang = s.langOf(v)
	}
	pasted := []byte(strings.ReplaceAll(strings.Join(form["text"], "\n"), "\r\n", "\n"))
	if len(bytes.TrimSpace(pasted)) == 0 {
		return req, nil, errNothing
	}
	req.Stdin = bytes.NewReader(pasted)
	return req, pasted, nil
}

// stdinName is what the CLI calls standard input.
const stdinName = "<stdin>"

func tooLarge(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge
	}
	return err
}

// uploadName is the base name of an uploaded file: a browser sends the
// base name, another client may send a path (even a Windows one).
func uploadName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		return "upload"
	}
	return name
}

func (s *Server) requestError(w http.ResponseWriter, r *http.Request, err error, html bool) {
	status := http.StatusBadRequest
	if errors.Is(err, errUnsupported) {
		status = http.StatusUnsupportedMediaType
	}
	if errors.Is(err, errTooLarge) {
		status = http.StatusRequestEntityTooLarge
		// The rest of an oversized body is not read: the connection closes.
		w.Header().Set("Connection", "close")
	}
	lang := s.lang(r)
	text := err.Error()
	switch {
	case errors.Is(err, errTooLarge):
		text = msg.WebTooLarge.In(lang, s.uploadLimit())
	case errors.Is(err, errNothing):
		text = msg.WebNothing.In(lang)
	case errors.Is(err, errNoTextField):
		text = msg.WebNoTextField.In(lang)
	case errors.Is(err, errUnsupported):
		text = msg.WebUnsupported.In(lang)
	}
	if !html {
		apiError(w, status, text)
		return
	}
	s.render(w, r, status, "analyze", page{Lang: lang, Title: msg.WebAnalyzeLabel.In(lang), Data: &analysisView{Max: s.uploadLimit(), Error: text}})
}

// apiAnalyze answers with exactly what `arcdiag analyze --json` prints for
// the same input.
func (s *Server) apiAnalyze(w http.ResponseWriter, r *http.Request) {
	release, err := s.slot(r.Context())
	if err != nil {
		return // the client went away while waiting
	}
	defer release()
	req, _, err := s.readRequest(w, r)
	if err != nil {
		s.requestError(w, r, err, false)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := s.opts.Analyze(r.Context(), req, bw); err != nil {
		// Nothing useful can be added to a stream already under way; the
		// summary line's problems carry what could not be read.
		return
	}
	bw.Flush()
}

// analyzePage runs the analysis and shows its runs and findings.
func (s *Server) analyzePage(w http.ResponseWriter, r *http.Request) {
	release, err := s.slot(r.Context())
	if err != nil {
		return // the client went away while waiting
	}
	defer release()
	req, pasted, err := s.readRequest(w, r)
	if err != nil {
		s.requestError(w, r, err, true)
		return
	}
	v := &analysisView{Max: s.uploadLimit(), Done: true, k: s.k, lang: req.Lang}
	v.byMachine(uploadedZips(req.Uploads))
	lw := &lineWriter{line: v.add}
	if err := s.opts.Analyze(r.Context(), req, lw); err != nil {
		v.Error = err.Error()
	}
	lw.Close()
	v.finish()
	s.neighbours(v, req, pasted)
	v.groupMachines()
	s.render(w, r, http.StatusOK, "analyze", page{Lang: req.Lang, Title: msg.WebAnalyzeLabel.In(req.Lang), Data: v})
}

// lineWriter calls line with every complete line written to it.
type lineWriter struct {
	buf  []byte
	line func([]byte)
}

func (lw *lineWriter) Write(p []byte) (int, error) {
	lw.buf = append(lw.buf, p...)
	for {
		i := bytes.IndexByte(lw.buf, '\n')
		if i < 0 {
			break
		}
		lw.line(lw.buf[:i])
		lw.buf = lw.buf[i+1:]
	}
	if len(lw.buf) == 0 {
		lw.buf = nil // let a long stream's buffer go
	}
	return len(p), nil
}

func (lw *lineWriter) Close() {
	if len(lw.buf) > 0 {
		lw.line(lw.buf)
	}
}

// ---- the page's view of analyze --json ----

// ndjsonLine is any line of analyze --json: a finding, a run, an incident
// or warning, or the summary. The page is built from these lines alone, so
// that it shows what the JSON says and nothing else. It takes only the
// fields the page shows; TestDecodingMatchesSchemas checks each against
// the published schemas (schema/), which report's output is tested to meet.
type ndjsonLine struct {
	Type string `json:"type"`
	File string `json:"file"`
	Line int    `json:"line"`
	// finding
	Level     string      `json:"level"`
	Text      string      `json:"text"`
	Entries   []briefJSON `json:"entries"`
	Suggested []briefJSON `json:"suggested"`
	// run, incident, warning
	RunID        string   `json:"run_id"`
	Machine      string   `json:"machine"`
	OS           string   `json:"os"`
	Index        int      `json:"index"`
	StartLine    int      `json:"start_line"`
	EndFile      string   `json:"end_file"`
	EndLine      int      `json:"end_line"`
	Start        *string  `json:"start"`
	End          *string  `json:"end"`
	Command      *string  `json:"command"`
	AgentVersion *string  `json:"agent_version"`
	ExitCode     *string  `json:"exit_code"`
	Failed       bool     `json:"failed"`
	Verdict      *string  `json:"verdict"`
	VerdictMatch string   `json:"verdict_match"`
	Findings     int      `json:"findings"`
	Count        int      `json:"count"`
	Notes        []string `json:"notes"`
	KnownCauses  []string `json:"known_causes"`
	// summary
	Files      int            `json:"files"`
	Records    int64          `json:"records"`
	Runs       int            `json:"runs"`
	FailedRuns int            `json:"failed_runs"`
	Incidents  int            `json:"incidents"`
	Problems   []problemView  `json:"problems"`
	Inputs     []inputView    `json:"inputs"`
	ByEntry    map[string]int `json:"by_entry"`
}

// briefJSON is an entry named by a finding: its id and title.
type briefJSON struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// suggestedMatch is a verdict_match that says the verdict is a guess.
const suggestedMatch = "suggested"

type problemView struct {
	File    string `json:"file"`
	Problem string `json:"problem"`
}

type inputView struct {
	File    string   `json:"file"`
	Known   bool     `json:"known"`
	Formats []string `json:"formats"`
}

// analysisView is the analyze page.
type analysisView struct {
	Max      string
	Error    string
	Done     bool
	Runs     []*runView
	MoreRuns int // runs beyond maxRuns, not shown
	Summary  *ndjsonLine
	Problems []problemView
	Machines []verdictGroup

	k       *kb.KB
	lang    kb.Lang
	pending []*findingView
	extra   int            // pending findings beyond maxShown
	zipRows []*machine.Row // one per uploaded zip, when several are
}

// maxShown bounds the findings a run shows (and the page holds).
const maxShown = 50

// maxRuns bounds the rows of the runs table (ok runs in a row count as one).
const maxRuns = 1000

// neighbourLines is how many records before and after a finding the page
// shows.
const neighbourLines = 2

type runView struct {
	File, Lines, Command, Agent, ExitCode, Time string
	Index                                       int
	Verdict, VerdictTitle                       string
	// VerdictSuggested marks a verdict that is only the closest entry by
	// full-text search (verdict_match "suggested"), labelled as such.
	VerdictSuggested    bool
	Failed              bool
	Status, StatusLabel string
	Findings            []*findingView
	FindingCount, More  int
	KnownCauses, Notes  []string
	// OKRuns, when set, makes the row stand for this many ok runs in a
	// row, without findings.
	OKRuns             int
	start              string
	endFile            string
	startLine, endLine int
}

type findingView struct {
	File, Level, Text string
	Line              int
	Entries           []entryRef
	// Suggested are the closest entries to an error no entry explains.
	Suggested []entryRef
	Context   []contextLine
}

type entryRef struct{ ID, Title string }

type contextLine struct {
	Line int
	Text string
	Here bool
}

func (v *analysisView) add(line []byte) {
	var l ndjsonLine
	if err := json.Unmarshal(line, &l); err != nil {
		v.Error = "analysis output: " + err.Error()
		return
	}
	switch l.Type {
	case "finding":
		if len(v.pending) >= maxShown {
			v.extra++
			return
		}
		f := &findingView{File: l.File, Line: l.Line, Level: l.Level, Text: clip(l.Text, 2000)}
		for _, e := range l.Entries {
			f.Entries = append(f.Entries, entryRef{e.ID, e.Title})
		}
		for _, e := range l.Suggested {
			f.Suggested = append(f.Suggested, entryRef{e.ID, e.Title})
		}
		v.pending = append(v.pending, f)
	case "run", "incident", "warning":
		v.event(&l)
		rv := v.run(&l)
		if rv.Status == "ok" && rv.FindingCount == 0 {
			// An ok run is one row with the ok runs around it in its file:
			// a service's log has thousands.
			if n := len(v.Runs); n > 0 && v.Runs[n-1].OKRuns > 0 && v.Runs[n-1].File == rv.File {
				last := v.Runs[n-1]
				last.OKRuns++
				last.endLine = rv.endLine
				last.Lines = fmt.Sprintf("%d–%d", last.startLine, rv.endLine)
				last.Time = span(last.start, deref(l.End))
				return
			}
			rv.OKRuns = 1
		}
		if len(v.Runs) >= maxRuns {
			v.MoreRuns++
			return
		}
		v.Runs = append(v.Runs, rv)
	case "summary":
		v.Summary = &l
		v.Problems = l.Problems
	}
}

// run builds a run's row. Findings are streamed as they are found and a
// run when it ends, and runs do not interleave: the findings since the last
// run are this run's.
func (v *analysisView) run(l *ndjsonLine) *runView {
	rv := &runView{File: l.File, Index: l.Index, Failed: l.Failed, Notes: l.Notes, KnownCauses: l.KnownCauses,
		endFile: l.EndFile, startLine: l.StartLine, endLine: l.EndLine, FindingCount: l.Findings}
	rv.Lines = fmt.Sprintf("%d–%d", l.StartLine, l.EndLine)
	if l.EndFile != "" && l.EndFile != l.File {
		rv.Lines = fmt.Sprintf("%d → %s:%d", l.StartLine, l.EndFile, l.EndLine)
	}
	rv.Command, rv.Agent, rv.ExitCode = deref(l.Command), deref(l.AgentVersion), deref(l.ExitCode)
	rv.start = deref(l.Start)
	rv.Time = span(rv.start, deref(l.End))
	if l.Verdict != nil {
		rv.Verdict, rv.VerdictSuggested = *l.Verdict, l.VerdictMatch == suggestedMatch
		if e, ok := v.k.Get(rv.Verdict); ok {
			rv.VerdictTitle = e.Title.In(v.lang)
		}
	}
	switch {
	case l.Type == "incident":
		rv.Status, rv.StatusLabel, rv.FindingCount = "failed", msg.WebIncident.In(v.lang), l.Count
	case l.Type == "warning":
		rv.Status, rv.StatusLabel, rv.FindingCount = "warning", msg.WebWarning.In(v.lang), l.Count
	case l.Failed:
		rv.Status, rv.StatusLabel = "failed", msg.WebFailed.In(v.lang)
	default:
		rv.Status, rv.StatusLabel = "ok", msg.WebOK.In(v.lang)
	}
	rv.Findings = v.pending
	v.pending = nil
	rv.More = max(rv.FindingCount-len(rv.Findings), 0)
	v.extra = 0
	return rv
}

func (v *analysisView) finish() {
	if len(v.pending) > 0 {
		// Findings no run claimed (none are expected): shown all the same.
		v.Runs = append(v.Runs, &runView{File: v.pending[0].File, Findings: v.pending, FindingCount: len(v.pending) + v.extra,
			More: v.extra, Status: "failed", StatusLabel: msg.WebFailed.In(v.lang), Failed: true})
		v.pending = nil
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// span shows a run's times as the CLI's text does: the end's date only when
// it differs.
func span(start, end string) string {
	switch {
	case start == "":
		return ""
	case end == "" || end == start:
		return start
	case len(start) >= 10 && len(end) >= 19 && start[:10] == end[:10]:
		return start + " → " + end[11:19]
	}
	return start + " → " + end
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + " …"
}

// neighbours fills in the records around each finding shown, read again
// from the request's bytes (decoded as the analysis decoded them: gzip,
// UTF-16, zip entries), with secrets redacted as in the findings.
func (s *Server) neighbours(v *analysisView, req AnalyzeRequest, pasted []byte) {
	want := map[string]map[int]*findingView{}
	for _, rv := range v.Runs {
		for _, f := range rv.Findings {
			if want[f.File] == nil {
				want[f.File] = map[int]*findingView{}
			}
			want[f.File][f.Line] = f
		}
	}
	if len(want) == 0 {
		return
	}
	var inputs []logsource.Input
	if len(req.Uploads) > 0 {
		inputs, _ = logsource.ResolveUploads(req.Uploads, logsource.Options{})
	} else {
		inputs, _ = logsource.Resolve([]string{"-"}, logsource.Options{Stdin: bytes.NewReader(pasted)})
	}
	for _, in := range inputs {
		if lines := want[in.Name]; len(lines) > 0 {
			readNeighbours(in, lines)
		}
	}
}

func readNeighbours(in logsource.Input, lines map[int]*findingView) {
	rc, err := in.Open()
	if err != nil {
		return
	}
	defer rc.Close()
	last := 0
	for l := range lines {
		last = max(last, l)
	}
	sc := parser.NewScanner(rc, in.Name, parser.Options{MaxLineLen: 64 << 10, MaxGzipSize: logsource.DefaultMaxEntrySize})
	var before []contextLine // the records before the current one
	var after []*findingView // findings still taking the records after them
	for sc.Scan() {
		rec := sc.Record()
		cl := contextLine{Line: rec.Line, Text: clip(safetext.Controls(redact.String(string(rec.Raw))), 500)}
		kept := after[:0]
		for _, f := range after {
			f.Context = append(f.Context, cl)
			if countAfter(f) < neighbourLines {
				kept = append(kept, f)
			}
		}
		after = kept
		if f := lines[rec.Line]; f != nil {
			f.Context = append(append(f.Context, before...), contextLine{Line: rec.Line, Text: cl.Text, Here: true})
			after = append(after, f)
		}
		before = append(before, cl)
		if len(before) > neighbourLines {
			before = before[1:]
		}
		if rec.Line > last && len(after) == 0 {
			break
		}
	}
}

// countAfter counts the records shown after a finding's own.
func countAfter(f *findingView) int {
	for i, c := range f.Context {
		if c.Here {
			return len(f.Context) - i - 1
		}
	}
	return 0
}
