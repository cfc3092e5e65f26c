package cli

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// The corpus's floor per command and split, in percent of the cases whose
// first answer is the expected entry: just under the scores measured, so that
// a change that loses a right answer fails. The goal is 95 for every one;
// raise these as the knowledge base answers more (never lower them to make a
// change pass). New cases change what the scores measure: the floors are then
// set again under the new scores, in the commit that adds the cases' merge.
var corpusFloor = map[string]map[string]float64{
	// Set on 2026-12-05 (09:40Z) after wave 7 (17 cases) and the entries
	// its tune misses called for (382 entries): tune 100 % for both;
	// holdout 74.8 % (explain) and 74.0 % (analyze) patterns only. While
	// wave 7 was being collected, cases whose entries were not written yet
	// took the floors down to 94.0 / 74.0 / 73.0 (the one allowed reason).
	"explain": {"tune": 99.5, "holdout": 74.5},
	"analyze": {"tune": 99.5, "holdout": 73.5},
}

// corpusCase is one real excerpt of testdata/cases (see its README).
type corpusCase struct {
	ID      string // the file name without .txtar
	Area    string // the directory
	File    string // path, for messages
	Source  string
	Mode    string // explain or analyze
	Expect  string // the entry id an admin should be given first
	Split   string // tune or holdout
	LogName string // analyze only: the file name the excerpt is read under
	// Collected is when the case was added: the day (YYYY-MM-DD), or
	// from wave 5 on the day and time in UTC (YYYY-MM-DDTHH:MMZ); cases
	// from before the header existed have none. Both forms compare as
	// strings: "2026-12-05" < "2026-12-05T03:00Z".
	Collected string
	Excerpt   []byte
}

var (
	caseIDRe    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	entryIDRe   = regexp.MustCompile(`^(AZCM[0-9]{4}|[a-z0-9]+(-[a-z0-9]+)*)$`)
	wantedIDRe  = regexp.MustCompile("^- `([a-z0-9-]+)`")
	logNameRe   = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	corpusModes = map[string]bool{"explain": true, "analyze": true}
)

// corpusSplit decides a case's split from its id alone, so that it is fixed
// the moment the case is added, before any entry is written for it: holdout
// when the first byte of SHA-256(id) is divisible by 3 (about a third).
// testdata/cases/newcase.sh computes the same.
func corpusSplit(id string) string {
	if sha256.Sum256([]byte(id))[0]%3 == 0 {
		return "holdout"
	}
	return "tune"
}

// loadCorpus reads every case under dir, checking each header.
func loadCorpus(dir string) ([]corpusCase, error) {
	var cases []corpusCase
	var problems []string
	seen := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".txtar") {
			return err
		}
		c, errs := parseCase(dir, path)
		problems = append(problems, errs...)
		if prev, ok := seen[c.ID]; ok {
			problems = append(problems, fmt.Sprintf("%s: id %s already used by %s", path, c.ID, prev))
		}
		seen[c.ID] = path
		cases = append(cases, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("no cases under %s", dir)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return cases, nil
}

// parseCase reads one case file; problems name the file and line.
func parseCase(root, path string) (corpusCase, []string) {
	c := corpusCase{File: path, ID: strings.TrimSuffix(filepath.Base(path), ".txtar")}
	c.Area, _ = filepath.Rel(root, filepath.Dir(path))
	var problems []string
	bad := func(line int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s:%d: %s", path, line, fmt.Sprintf(format, args...)))
	}
	if !caseIDRe.MatchString(c.ID) {
		bad(1, "file name %q is not a lower-kebab-case id", c.ID)
	}
	a, err := txtar.ParseFile(path)
	if err != nil {
		bad(1, "%v", err)
		return c, problems
	}
	keys := map[string]*string{"source": &c.Source, "mode": &c.Mode, "expect": &c.Expect, "split": &c.Split, "file": &c.LogName, "collected": &c.Collected, "note": nil}
	sc := bufio.NewScanner(bytes.NewReader(a.Comment))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		k, v, ok := strings.Cut(text, ":")
		dst, known := keys[k]
		switch {
		case !ok || !known:
			bad(line, "want a header line source:, mode:, expect:, split:, file:, collected: or note:, got %q", text)
		case dst != nil && *dst != "":
			bad(line, "%s given twice", k)
		case dst != nil:
			*dst = strings.TrimSpace(v)
		}
	}
	if !strings.HasPrefix(c.Source, "https://") {
		bad(1, "source: want the https URL of the page the excerpt was copied from, got %q", c.Source)
	}
	if !corpusModes[c.Mode] {
		bad(1, "mode: want explain or analyze, got %q", c.Mode)
	}
	if !entryIDRe.MatchString(c.Expect) {
		bad(1, "expect: want an entry id (AZCM0041, spn-invalid-secret), got %q", c.Expect)
	}
	if want := corpusSplit(c.ID); c.Split != want {
		bad(1, "split: %q, but the id's hash puts it in %s (the split is never chosen by hand)", c.Split, want)
	}
	if c.Collected != "" && !validCollected(c.Collected) {
		bad(1, "collected: want when the case was added, YYYY-MM-DD or YYYY-MM-DDTHH:MMZ (UTC), got %q", c.Collected)
	}
	if c.LogName != "" && (c.Mode != "analyze" || !logNameRe.MatchString(c.LogName)) {
		bad(1, "file: a plain file name, for analyze cases only, got %q", c.LogName)
	}
	if len(a.Files) != 1 || a.Files[0].Name != "excerpt" || len(bytes.TrimSpace(a.Files[0].Data)) == 0 {
		bad(line+1, "want exactly one non-empty section named excerpt")
	} else {
		c.Excerpt = a.Files[0].Data
	}
	return c, problems
}

// corpusModes' order is the order the scores are printed in.
var corpusCommands = []string{"explain", "analyze"}

// corpusTime is the time of the log line a message case is written into for
// analyze: any fixed time will do, the line is read, not dated.
const corpusTime = "2026-01-01T00:00:00Z"

// collectedTimeLayout is the form newcase.sh writes `collected:` in since
// wave 5 (date -u +%FT%H:%MZ); the older cases carry the day alone.
const collectedTimeLayout = "2006-01-02T15:04Z"

// validCollected reports whether a `collected:` value is a day or a day and
// time in one of the two forms, so that comparing them as strings orders them.
func validCollected(v string) bool {
	for _, layout := range []string{time.DateOnly, collectedTimeLayout} {
		if _, err := time.Parse(layout, v); err == nil {
			return true
		}
	}
	return false
}

// holdoutWave is a part of the holdout scored again on its own: the cases
// collected since a moment (compared as strings, so a day such as
// "2026-12-05" sorts before any time of that day, "2026-12-05T03:00Z").
type holdoutWave struct {
	key   string // the score's key, a single word
	since string // the first `collected:` value the wave holds
	label string // how the holdout score line names it
	// tuneLabel, when set, also prints the wave's tune cases' score (part
	// of the tune line): tune misses are printed anyway.
	tuneLabel string
}

// holdoutWaves are the parts of the holdout scored on their own, each also
// counted in the holdout line. The fresh holdout: on 2026-12-04 a bug in
// this test printed per-area counts of the holdout once, which told the areas
// of its misses; the holdout cases collected from 2026-12-05 on were never
// seen that way. Waves 5, 6 and 7 measure how the knowledge base generalises to
// cases from sources not used before, collected after it was written.
var holdoutWaves = []holdoutWave{
	{key: "fresh", since: "2026-12-05", label: "fresh holdout since 2026-12-05"},
	{key: "wave5", since: "2026-12-05T03:00Z", label: "wave 5: holdout collected since 2026-12-05T03:00Z",
		tuneLabel: "wave 5: tune cases collected since 2026-12-05T03:00Z"},
	{key: "wave6", since: "2026-12-05T05:30Z", label: "wave 6: holdout collected since 2026-12-05T05:30Z",
		tuneLabel: "wave 6: tune cases collected since 2026-12-05T05:30Z"},
	{key: "wave7", since: "2026-12-05T07:45Z", label: "wave 7: holdout collected since 2026-12-05T07:45Z",
		tuneLabel: "wave 7: tune cases collected since 2026-12-05T07:45Z"},
}

// asAgentLogLine writes a message case as the agent's logrus text formatter
// would carry it in azcmagent.log: one line at level error, the message as a
// quoted msg value (Go %q escaping, as logrus writes it). A mechanical
// transform, so that analyze reads the same words explain is given.
func asAgentLogLine(msg []byte) []byte {
	text := strings.TrimSpace(string(msg))
	return []byte(fmt.Sprintf("time=%q level=error msg=%s\n", corpusTime, strconv.Quote(text)))
}

// inLogFormat reports whether a message case's excerpt already holds log
// lines in a format the parser reads (logrus, JSON, a terminal capture…):
// those are analyzed as they are, not wrapped in another line.
func inLogFormat(excerpt []byte) bool {
	sc := parser.NewScanner(bytes.NewReader(excerpt), "excerpt", parser.Options{})
	for sc.Scan() {
		if sc.Record().Format.Known() {
			return true
		}
	}
	return false
}

// answer is the first entry a command gives for a case, counting the
// knowledge base's patterns and codes only (exact), and counting its
// suggestions too (suggested: the headline, what an admin is shown first).
type answer struct{ exact, suggested string }

// firstAnswer runs the case through the real command (explain or analyze)
// and returns the id of the first entry it gives: explain's first entry, or
// analyze's first verdict (the first finding's first entry when no run has a
// verdict; when nothing failed, the summary's "working now" state, or else
// the first benign line's entry). explain is given the excerpt as an admin pastes it; analyze reads
// a log excerpt as it is and a message case as the agent's log line.
// The exact answer leaves out explain's "suggested" entries, verdicts
// whose verdict_match is "suggested" and findings' "suggested" entries.
func firstAnswer(t *testing.T, c corpusCase, command string) answer {
	var stdout, stderr bytes.Buffer
	var args []string
	stdin := bytes.NewReader(nil)
	switch command {
	case "explain":
		// Through standard input, as an admin pastes a capture: an excerpt
		// starting with "-" would otherwise read as a flag.
		args = []string{"explain", "--json", "-"}
		stdin = bytes.NewReader(c.Excerpt)
	case "analyze":
		name, data := c.LogName, c.Excerpt
		if name == "" {
			name = "excerpt.log"
		}
		if c.Mode == "explain" && !inLogFormat(c.Excerpt) {
			name, data = "azcmagent.log", asAgentLogLine(c.Excerpt)
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		args = []string{"analyze", "--json", "--all", path}
	}
	code := Main(t.Context(), args, stdin, &stdout, &stderr)
	if code == ExitUsage && command == "analyze" && strings.Contains(stderr.String(), "not an agent log") {
		// Nothing in the excerpt is read or recognised: a miss, not a fault.
		return answer{}
	}
	if code == ExitUsage {
		t.Errorf("%s: arcdiag %s exited %d: %s", c.File, command, code, stderr.String())
		return answer{}
	}
	type entries []struct {
		ID string `json:"id"`
	}
	first := func(es entries) string {
		if len(es) == 0 {
			return ""
		}
		return es[0].ID
	}
	if command == "explain" {
		var out struct {
			Match     string  `json:"match"`
			Entries   entries `json:"entries"`
			Suggested entries `json:"suggested"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Errorf("%s: explain --json: %v", c.File, err)
			return answer{}
		}
		return answer{first(out.Entries), cmp.Or(first(out.Entries), first(out.Suggested))}
	}
	var verdict, suggestedVerdict, finding, suggestedFinding, working, benign string
	dec := json.NewDecoder(&stdout)
	for dec.More() {
		var obj struct {
			Type         string  `json:"type"`
			Benign       any     `json:"benign"` // a record's entry id; the summary's count
			Verdict      *string `json:"verdict"`
			VerdictMatch string  `json:"verdict_match"`
			Entries      entries `json:"entries"`
			Suggested    entries `json:"suggested"`
			WorkingNow   *struct {
				Entry string `json:"entry"`
			} `json:"working_now"`
		}
		if err := dec.Decode(&obj); err != nil {
			t.Errorf("%s: analyze --json: %v", c.File, err)
			return answer{}
		}
		if obj.Verdict != nil && *obj.Verdict != "" {
			if suggestedVerdict == "" {
				suggestedVerdict = *obj.Verdict
			}
			if verdict == "" && obj.VerdictMatch != "suggested" {
				verdict = *obj.Verdict
			}
		}
		if obj.Type == "finding" {
			if finding == "" {
				finding = first(obj.Entries)
			}
			if suggestedFinding == "" {
				suggestedFinding = cmp.Or(first(obj.Entries), first(obj.Suggested))
			}
		}
		if id, ok := obj.Benign.(string); ok && benign == "" && obj.Type == "record" {
			benign = id
		}
		if obj.WorkingNow != nil {
			working = obj.WorkingNow.Entry
		}
	}
	// The first verdict, else the first finding's entry; when nothing
	// failed, the summary's "working now" state, or else the benign line
	// it explains (--all prints those).
	return answer{cmp.Or(verdict, finding, working, benign), cmp.Or(suggestedVerdict, suggestedFinding, working, benign)}
}

// wantedIDs reads the README's list of entry ids the cases expect and the
// knowledge base does not have yet.
func wantedIDs(t *testing.T, readme string) map[string]bool {
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	wanted := map[string]bool{}
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "## ") {
			in = strings.HasPrefix(line, "## Wanted entries")
			continue
		}
		if m := wantedIDRe.FindStringSubmatch(line); in && m != nil {
			wanted[m[1]] = true
		}
	}
	return wanted
}

// TestCorpus scores the knowledge base on the real cases of testdata/cases:
// the share of cases, per split, whose first answer is the expected entry.
// Run it with -v to see the scores and every miss.
func TestCorpus(t *testing.T) {
	t.Setenv("ARCDIAG_KB_DIR", "")
	dir := filepath.Join("..", "..", "testdata", "cases")
	cases, err := loadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	wanted := wantedIDs(t, filepath.Join(dir, "README.md"))
	for _, c := range cases {
		if _, ok := k.Get(c.Expect); !ok && !wanted[c.Expect] {
			t.Errorf("%s: expect %s is neither an entry nor listed under \"Wanted entries\" in %s/README.md", c.File, c.Expect, dir)
		}
	}

	// Each command and split is scored twice: on the entries its patterns
	// and codes give (exact), and with its suggestions (suggested, the
	// headline: the first answer an admin is shown).
	type score struct{ right, total int }
	count := func(m map[string]*score, key string, right bool) {
		s := m[key]
		if s == nil {
			s = &score{}
			m[key] = s
		}
		s.total++
		if right {
			s.right++
		}
	}
	scores := map[string]*score{}
	missKinds := map[string]*score{}
	areas := map[string]*score{}
	var misses []string
	for _, c := range cases {
		for _, command := range corpusCommands {
			got := firstAnswer(t, c, command)
			for kind, id := range map[string]string{"exact": got.exact, "suggested": got.suggested} {
				count(scores, command+" "+c.Split+" "+kind, id == c.Expect)
				for _, w := range holdoutWaves {
					if c.Collected >= w.since {
						count(scores, command+" "+w.key+" "+c.Split+" "+kind, id == c.Expect)
					}
				}
			}
			right := got.suggested == c.Expect
			if !right {
				// Why a case misses, counted per split: the ceiling the
				// knowledge base's breadth sets, apart from its ranking.
				// Counts only, so the holdout's stay anonymous.
				why := "another entry first"
				switch {
				case wanted[c.Expect]:
					why = "expected entry not written"
				case got.suggested == "":
					why = "nothing answered"
				}
				count(missKinds, command+" "+c.Split+" "+why, true)
			}
			// Areas count tune cases only: per-area counts of the holdout
			// would tell which holdout cases miss.
			if c.Split == "tune" {
				count(areas, c.Area, right)
			}
			if right || c.Split == "holdout" {
				// Holdout misses are never printed: knowing which cases
				// miss is what tuning to them starts from.
				continue
			}
			shown := cmp.Or(got.suggested, "(nothing)")
			if got.suggested != got.exact {
				shown += " (suggested; patterns: " + cmp.Or(got.exact, "nothing") + ")"
			}
			misses = append(misses, fmt.Sprintf("%-8s %-8s %-44s (case: %-7s) expected %-36s got %s", c.Split, command, c.Area+"/"+c.ID, c.Mode, c.Expect, shown))
		}
	}
	sort.Strings(misses)
	for _, m := range misses {
		t.Logf("miss: %s", m)
	}
	names := make([]string, 0, len(areas))
	for name := range areas {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		a := areas[name]
		t.Logf("area  %-11s %3d/%3d (tune cases, both commands, with suggestions, for orientation only)", name, a.right, a.total)
	}
	pct := func(s *score) float64 {
		if s == nil || s.total == 0 {
			return 0
		}
		return 100 * float64(s.right) / float64(s.total)
	}
	ratio := func(s *score) string {
		if s == nil {
			s = &score{}
		}
		return fmt.Sprintf("%3d/%3d = %5.1f%%", s.right, s.total, pct(s))
	}
	for _, command := range corpusCommands {
		for _, split := range []string{"tune", "holdout"} {
			exact, suggested := scores[command+" "+split+" exact"], scores[command+" "+split+" suggested"]
			line := fmt.Sprintf("score %-7s %-7s %s with suggestions, %s patterns only", command, split, ratio(suggested), ratio(exact))
			floor := corpusFloor[command][split]
			t.Logf("%s (floor %.1f%%, goal 95%%)", line, floor)
			// The floor holds for both: a suggestion never makes up for
			// a right answer the patterns lost.
			for kind, s := range map[string]*score{"with suggestions": suggested, "patterns only": exact} {
				if pct(s) < floor {
					t.Errorf("%s %s score %s %.1f%% is below the floor %.1f%%: a change lost right answers (misses above, -v lists them)", command, split, kind, pct(s), floor)
				}
			}
		}
		for _, split := range []string{"tune", "holdout"} {
			var parts []string
			for _, why := range []string{"expected entry not written", "nothing answered", "another entry first"} {
				if s := missKinds[command+" "+split+" "+why]; s != nil {
					parts = append(parts, fmt.Sprintf("%d %s", s.total, why))
				}
			}
			if len(parts) > 0 {
				t.Logf("misses  %-7s %-7s %s", command, split, strings.Join(parts, ", "))
			}
		}
		// The waves are parts of the holdout: their scores only, never
		// which of their cases miss.
		for _, w := range holdoutWaves {
			for _, split := range []string{"holdout", "tune"} {
				label := map[string]string{"holdout": w.label, "tune": w.tuneLabel}[split]
				if label == "" {
					continue
				}
				exact, suggested := scores[command+" "+w.key+" "+split+" exact"], scores[command+" "+w.key+" "+split+" suggested"]
				name := w.key
				if split == "tune" {
					name += "-t"
				}
				t.Logf("score %-7s %-7s %s with suggestions, %s patterns only (%s, part of the %s line)", command, name, ratio(suggested), ratio(exact), label, split)
			}
		}
	}
}

// TestAsAgentLogLine checks the transform that gives analyze a message case:
// one logrus line the parser reads back as the same message, level error.
func TestAsAgentLogLine(t *testing.T) {
	for _, msg := range []string{
		`AZCM0041: Failed to Get Access Token`,
		"Error=\"Get \\\"https://gbl.his.arc.azure.com/\\\": EOF\"\nsecond line",
		`C:\Users\x\AppData\Local\Temp\install_windows_azcmagent.ps1 : 'Cannot install'`,
		"tab\there, コンピューター, \u00e9",
	} {
		line := asAgentLogLine([]byte("  " + msg + "\n\n"))
		if n := bytes.Count(line, []byte("\n")); n != 1 || !bytes.HasSuffix(line, []byte("\n")) {
			t.Errorf("%q: want one line, got %d newlines: %q", msg, n, line)
			continue
		}
		sc := parser.NewScanner(bytes.NewReader(line), "azcmagent.log", parser.Options{})
		if !sc.Scan() {
			t.Fatalf("%q: no record from %q (%v)", msg, line, sc.Err())
		}
		r := sc.Record()
		if r.Format != parser.FormatLogrus || r.Level != parser.LevelError || r.Message() != msg {
			t.Errorf("%q: read back as format %v level %v message %q", msg, r.Format, r.Level, r.Message())
		}
	}
}

// TestCollectedOrder checks the two `collected:` forms: both are accepted,
// anything else is not, and string order puts a day before every time of it
// (the fresh holdout "since 2026-12-05" holds the wave 5 cases).
func TestCollectedOrder(t *testing.T) {
	for v, want := range map[string]bool{
		"2026-12-05": true, "2026-12-05T03:00Z": true, "2026-12-05T23:59Z": true,
		"2026-12-05 03:00": false, "2026-12-05T03:00": false, "2026-12-05T03:00:00Z": false, "05.12.2026": false,
	} {
		if got := validCollected(v); got != want {
			t.Errorf("validCollected(%q) = %v, want %v", v, got, want)
		}
	}
	for _, w := range holdoutWaves {
		if !validCollected(w.since) {
			t.Errorf("wave %s: since %q is not a collected: value", w.key, w.since)
		}
	}
	for _, pair := range [][2]string{{"2026-12-04", "2026-12-05"}, {"2026-12-05", "2026-12-05T00:00Z"}, {"2026-12-05T02:59Z", "2026-12-05T03:00Z"}, {"2026-12-05T23:59Z", "2026-12-06"}} {
		if !(pair[0] < pair[1]) {
			t.Errorf("%q should sort before %q", pair[0], pair[1])
		}
	}
}
