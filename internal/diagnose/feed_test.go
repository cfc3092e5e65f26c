package diagnose

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// TestFactCache: a line repeated with another time takes the facts the
// first one got, a line with another message does not, a line whose time is
// not the agent's layout is never cached, and a batch of mostly new lines
// rests the cache.
func TestFactCache(t *testing.T) {
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	a := New(k, discard{}, Options{})
	scratch := a.matcher.NewScratch()
	line := func(stamp, msg string) parser.Record {
		return parser.ParseLine([]byte(`time="` + stamp + `" level=debug msg="` + msg + `" ExitStatus=41`))
	}
	first := line("2031-02-03T04:05:06Z", "Exiting azcmagent")
	var c factCache
	c.store(&first, a.facts(&first, scratch))
	again := line("2032-12-31T23:59:59Z", "Exiting azcmagent")
	f, ok := c.lookup(&again)
	if !ok || len(f.refs) != 1 || f.refs[0].Code != "AZCM0041" {
		t.Fatalf("the repeated line: %+v, %v; want its exit code from the cache", f, ok)
	}
	if other := line("2031-02-03T04:05:06Z", "Exiting azcmagent now"); func() bool { _, ok := c.lookup(&other); return ok }() {
		t.Error("a line with another message was found in the cache")
	}
	odd := line("AZCM0041-02-03T04:05Z", "Exiting azcmagent")
	c.store(&odd, facts{})
	if _, ok := c.lookup(&odd); ok {
		t.Error("a line whose time is not the agent's layout was cached")
	}
	if !c.worthTrying() {
		t.Fatal("a new cache rests")
	}
	c.account(10, 100)
	for i := range restBatches {
		if c.worthTrying() {
			t.Fatalf("the cache is tried again after %d batches of a log of new lines, want %d", i, restBatches)
		}
	}
	if !c.worthTrying() {
		t.Errorf("the cache still rests after %d batches", restBatches)
	}
	for i := range maxCached + 1 {
		r := line("2031-02-03T04:05:06Z", fmt.Sprint("line ", i))
		c.store(&r, facts{})
	}
	if len(c.lines) > maxCached {
		t.Errorf("the cache holds %d lines, more than %d", len(c.lines), maxCached)
	}
}

// reuser is a RunReuser that keeps what it compares of each run as it
// ends, and the runs' addresses.
type reuser struct {
	runs     []string
	findings []string
	addrs    map[*Run]bool
	last     *Run
	again    int // runs at the address of the run before them
}

func (r *reuser) Finding(f *Finding) {
	r.findings = append(r.findings, fmt.Sprintf("%d run %d", f.Line, f.Run.Index))
}
func (r *reuser) Record(*parser.Record, *kb.Entry) {}
func (r *reuser) KeepsNoRuns()                     {}
func (r *reuser) RunEnd(run *Run) {
	r.runs = append(r.runs, runSnapshot(run))
	if run == r.last {
		r.again++
	}
	r.last = run
	r.addrs[run] = true
}

// runSnapshot is what a sink may read of a run at its end.
func runSnapshot(run *Run) string {
	ids := func(es []*kb.Entry) (s []string) {
		for _, e := range es {
			s = append(s, e.ID)
		}
		return s
	}
	var lines []int
	for _, f := range run.Findings {
		lines = append(lines, f.Line)
	}
	v := ""
	if run.Verdict != nil {
		v = run.Verdict.ID
	}
	return fmt.Sprintf("%s #%d lines %d-%d %v-%v %q %q %q failed %v verdict %s debug %v notes %v causes %v alternatives %v findings %d %v benign %d %+v",
		run.File, run.Index, run.StartLine, run.EndLine, run.Start, run.End, run.Command, run.AgentVersion, run.ExitCode,
		run.Failed, v, run.HasDebug, ids(run.Notes), ids(run.KnownCauses), ids(run.Alternatives), run.FindingCount, lines,
		run.Benign, run.Context)
}

// TestRunsReused checks that an analyzer reporting to a RunReuser reuses
// the memory of ended runs, never for the run right after, and reports
// the same runs and findings as one that allocates each.
func TestRunsReused(t *testing.T) {
	log := strings.Repeat(tlsThen403+quietUnknown+spnDebugOnly, 200)
	want, _ := analyze(t, log, "", Options{})
	r := &reuser{addrs: map[*Run]bool{}}
	feedAll(t, r, log)
	var runs, findings []string
	for _, run := range want.runs {
		runs = append(runs, runSnapshot(run))
	}
	for _, f := range want.findings {
		findings = append(findings, fmt.Sprintf("%d run %d", f.Line, f.Run.Index))
	}
	if diff := cmp.Diff(runs, r.runs); diff != "" {
		t.Errorf("runs differ (-allocated +reused):\n%s", diff)
	}
	if diff := cmp.Diff(findings, r.findings); diff != "" {
		t.Errorf("findings differ (-allocated +reused):\n%s", diff)
	}
	if len(r.addrs) > 2 || r.again > 0 {
		t.Errorf("%d runs at %d addresses, %d at the address of the run before", len(r.runs), len(r.addrs), r.again)
	}
}

// TestAgentStamp checks the word-wise test of the agent's time layout
// against a byte-by-byte one, on a valid time with each byte replaced by
// every other value.
func TestAgentStamp(t *testing.T) {
	const layout = "0000-00-00T00:00:00Z"
	want := func(b []byte) bool {
		for i, c := range b {
			if layout[i] == '0' && (c < '0' || c > '9') || layout[i] != '0' && c != layout[i] {
				return false
			}
		}
		return true
	}
	valid := []byte("2031-02-03T04:05:06Z")
	if !agentStamp(valid) {
		t.Fatalf("%s rejected", valid)
	}
	for i := range valid {
		for c := range 256 {
			b := []byte(string(valid))
			b[i] = byte(c)
			if got := agentStamp(b); got != want(b) {
				t.Fatalf("agentStamp(%q) = %v", b, got)
			}
		}
	}
}

// TestAddPlain: a record that holds nothing for the knowledge base leaves
// the analysis as add leaves it, whether addPlain takes it or add does, at
// each place where the run logic looks at its time, level or format: a
// silence that ends the run, a terminal log's clock restarting, the tail of
// a run that printed its exit status, an error, a service's log.
func TestAddPlain(t *testing.T) {
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	log := []string{
		`time="2031-02-03T04:05:06Z" level=debug msg="Agent Version: 1.60.00000.1"`,
		`time="2031-02-03T04:05:06Z" level=debug msg="Agent Command: connect"`,
		`time="2031-02-03T04:05:07Z" level=debug msg="Loading agent config file"`,
		`time="2031-02-03T04:05:08Z" level=info msg="Loading agent config file"`,
		`time="2031-02-03T04:35:08Z" level=debug msg="Loading agent config file"`, // a silence
		`time="2031-02-03T04:35:09Z" level=error msg="Something broke"`,
		`time="2031-02-03T04:35:09Z" level=trace msg="Loading agent config file"`,
		`time="2031-02-03T04:35:10Z" level=debug msg="Exiting azcmagent" ExitStatus=41`,
		`time="2031-02-03T04:35:11Z" level=debug msg="Loading agent config file"`, // the exit's tail
		`time="2031-02-03T04:35:19Z" level=debug msg="Loading agent config file"`, // past it
		`time="2031-02-03T04:35:20Z" level=warning msg="Loading agent config file"`,
		"DEBUG[0003] Loading agent config file",
		"DEBUG[0004] Loading agent config file",
		"DEBUG[0001] Loading agent config file", // the clock restarted
		"plain text",
		`[2031-02-03 04:05:06.000] [PID 1] [ERROR] [GC] [x] fails`,
		`time="2031-02-03T04:36:00Z" level=debug msg="Loading agent config file"`,
	}
	for _, file := range []string{"azcmagent.log", "himds.log"} {
		ref, fast := New(k, discard{}, Options{}), New(k, discard{}, Options{})
		ref.StartFile(file, "linux")
		fast.StartFile(file, "linux")
		plain := 0
		for i, l := range log {
			rec := parser.ParseLine([]byte(l))
			rec.Line = i + 1
			f := ref.facts(&rec, ref.matcher.NewScratch())
			ref.add(&rec, f)
			if !f.empty() || !fast.addPlain(&rec) {
				fast.add(&rec, f)
			} else {
				plain++
			}
			if got, want := analysisState(fast), analysisState(ref); got != want {
				t.Fatalf("%s, line %d %q: after addPlain\n%s\nafter add\n%s", file, i+1, l, got, want)
			}
		}
		if file == "azcmagent.log" && plain < 5 {
			t.Errorf("addPlain took %d records of %s, want at least 5: the test shows little", plain, file)
		}
	}
}

// analysisState prints what add changes for a record that holds nothing.
func analysisState(a *Analyzer) string {
	s := fmt.Sprintf("summary %+v seq %d last %v %d closing %v runs %d", a.summary, a.seq, a.lastTime, a.lastElaps, a.closing, a.runs)
	if r := a.run; r != nil {
		s += fmt.Sprintf("\nrun %d lines %d-%d %q times %v %v debug %v service %v agent %v findings %d benign %d",
			r.Index, r.StartLine, r.EndLine, r.EndFile, r.Start, r.End, r.HasDebug, r.service, r.agent, r.FindingCount, r.Benign)
	}
	return s
}

// TestApplyTail: a tail (lines after a record that hold nothing, or only
// what a benign entry knows) leaves the analysis as add leaves it line by
// line, whether applyTail takes it or refuses it (and the lines are then
// added one by one): inside a run, after a run printed its exit status (the
// echo), after a header, in a service's log with and without a failure
// stretch, with benign lines among them.
func TestApplyTail(t *testing.T) {
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	const (
		loading = `level=debug msg="Loading agent config file" Path=/var/opt/azcmagent/agentconfig.json`
		waiting = `level=info msg="Waiting before the next cloud provider check" Delay=1s`
		imds    = `level=debug msg="Cloud provider check: Azure not detected" Error="GET http://169.254.169.254/metadata/instance/compute?api-version=2019-06-01\nRESPONSE 404 Not Found"`
	)
	stamp := func(sec int) string {
		return fmt.Sprintf(`time="2031-02-03T04:%02d:%02dZ" `, sec/60, sec%60)
	}
	// Each case is a record, then the lines of its tail, each with its
	// second.
	type line struct {
		sec  int
		text string
	}
	cases := []struct {
		name   string
		before []line
		record line
		tail   []line
		apply  bool // applyTail takes it (in the agent's log)
	}{
		{"in a run", []line{{0, `level=debug msg="Agent Version: 1.60.00000.1"`}}, line{1, loading},
			[]line{{1, loading}, {2, waiting}, {3, imds}, {3, imds}, {5, loading}}, true},
		{"debug lines only in the tail", nil, line{0, waiting}, []line{{1, loading}, {2, imds}}, true},
		{"after a header", nil, line{0, `level=debug msg="Agent Version: 1.60.00000.1"`},
			[]line{{0, loading}, {1, imds}, {2, waiting}}, true},
		{"the exit's echo", []line{{0, `level=debug msg="Agent Version: 1.60.00000.1"`}, {1, `level=error msg="Failed" Error="x"`}},
			line{2, `level=debug msg="Exiting azcmagent" ExitStatus=41`},
			[]line{{3, loading}, {4, imds}, {9, loading}, {10, waiting}}, false},
		{"after an error", []line{{0, `level=debug msg="Agent Version: 1.60.00000.1"`}}, line{1, `level=error msg="Failed to connect" Error="dial tcp: i/o timeout"`},
			[]line{{60, loading}, {120, imds}, {540, loading}, {960, waiting}, {1200, loading}}, true},
	}
	for _, file := range []string{"azcmagent.log", "himds.log"} {
		for _, c := range cases {
			ref, fast := New(k, discard{}, Options{}), New(k, discard{}, Options{})
			ref.StartFile(file, "linux")
			fast.StartFile(file, "linux")
			n := 0
			parse := func(l line) parser.Record {
				n++
				rec := parser.ParseLine([]byte(stamp(l.sec) + l.text))
				rec.Line = n
				return rec
			}
			both := func(l line) {
				rec := parse(l)
				ref.add(&rec, ref.facts(&rec, ref.matcher.NewScratch()))
				fast.add(&rec, fast.facts(&rec, fast.matcher.NewScratch()))
			}
			for _, l := range c.before {
				both(l)
			}
			both(c.record)
			tl := tail{line: n + 1, n: len(c.tail)}
			var recs []parser.Record
			for i, l := range c.tail {
				rec := parse(l)
				f := ref.facts(&rec, ref.matcher.NewScratch())
				ref.add(&rec, f)
				if i == 0 {
					tl.first = rec.Time
				}
				tl.last, tl.level = rec.Time, rec.Level
				tl.debug = tl.debug || rec.Level == parser.LevelDebug
				if !f.empty() {
					if classify(&rec, f.matches, f.refs).benign == nil {
						t.Fatalf("%s: %q is neither empty nor benign", c.name, l.text)
					}
					tl.benign++
				}
				recs = append(recs, rec)
			}
			applied := fast.applyTail(&tl)
			if !applied {
				for i := range recs {
					fast.add(&recs[i], fast.facts(&recs[i], fast.matcher.NewScratch()))
				}
			}
			if got, want := analysisState(fast), analysisState(ref); got != want {
				t.Errorf("%s, %s (applied %v):\nafter the tail\n%s\nline by line\n%s", file, c.name, applied, got, want)
			}
			if file == "azcmagent.log" && applied != c.apply {
				t.Errorf("%s, %s: applyTail took it: %v, want %v", file, c.name, applied, c.apply)
			}
		}
	}
}

// TestFeedBoundsReadAhead: while the analysis waits, the workers read
// ahead a few batches at most (2 MiB here), however long the lines: a
// chunk is at most the reader's buffer, and one that ends in the middle of
// a line is scanned in order.
func TestFeedBoundsReadAhead(t *testing.T) {
	const lines = 40
	for _, size := range []int{200 << 10, 3 << 20} {
		line := `time="2031-02-03T04:05:06Z" level=info msg="` + strings.Repeat("a", size) + "\"\n"
		a := New(loadKB(t), &recorder{}, Options{})
		a.StartFile("test.log", "")
		peak := 0
		a.readAhead = func(n int) { peak = max(peak, n) }
		first := true
		keep := func(*parser.Record, int) bool {
			if first {
				// Long enough for the workers to fill every batch they may.
				first = false
				time.Sleep(300 * time.Millisecond)
			}
			return true
		}
		sc := parser.NewScanner(strings.NewReader(strings.Repeat(line, lines)), "test.log", parser.Options{})
		if err := a.FeedWith(t.Context(), sc, keep, FeedOptions{Workers: 2}); err != nil {
			t.Fatal(err)
		}
		if peak > 2<<20 {
			t.Errorf("lines of %d bytes: read %d bytes ahead of the analysis", size, peak)
		}
		if a.EndFile(); a.Summary().Records != lines {
			t.Errorf("lines of %d bytes: %d records analysed, want %d", size, a.Summary().Records, lines)
		}
	}
}

// TestFeedStopsWhenCancelledMidway: a context cancelled while the workers
// are reading and analysing stops Feed with its error, whichever worker
// sees it.
func TestFeedStopsWhenCancelledMidway(t *testing.T) {
	log := strings.Repeat(tlsThen403+quietUnknown+spnDebugOnly, 2000)
	for _, workers := range []int{2, 3, 5} {
		a := New(loadKB(t), &recorder{}, Options{})
		a.StartFile("test.log", "")
		ctx, cancel := context.WithCancel(t.Context())
		n := 0
		keep := func(*parser.Record, int) bool {
			if n++; n == 500 {
				cancel()
			}
			return true
		}
		sc := parser.NewScanner(strings.NewReader(log), "test.log", parser.Options{})
		err := a.FeedWith(ctx, sc, keep, FeedOptions{Workers: workers, ChunkBytes: 1 << 10})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%d workers: Feed returned %v after the context was cancelled", workers, err)
		}
		cancel()
	}
}

// TestSameStamp: sameStamp is byte equality of two agent times, whichever
// of the 20 bytes differs.
func TestSameStamp(t *testing.T) {
	const stamp = "2031-02-03T04:05:06Z"
	for i := range len(stamp) {
		other := []byte(stamp)
		other[i]++
		if sameStamp([]byte(stamp), other) {
			t.Errorf("%s and %s called the same", stamp, other)
		}
	}
	if !sameStamp([]byte(stamp+`" level=debug`), []byte(stamp)) {
		t.Errorf("%s not the same as itself", stamp)
	}
}

// TestFeedKeepsCachesAcrossInputs: the workers' fact caches outlive an
// input, so that the next input's repeated lines are known from its start.
func TestFeedKeepsCachesAcrossInputs(t *testing.T) {
	log := strings.Repeat(tlsThen403+quietUnknown+spnDebugOnly, 300)
	a := New(loadKB(t), &recorder{}, Options{})
	known := func() int {
		n := 0
		for _, c := range a.caches {
			n += len(c.lines)
		}
		return n
	}
	for i, name := range []string{"first.log", "second.log"} {
		a.StartFile(name, "")
		sc := parser.NewScanner(strings.NewReader(log), name, parser.Options{})
		if err := a.FeedWith(t.Context(), sc, nil, FeedOptions{Workers: 2, ChunkBytes: 4 << 10}); err != nil {
			t.Fatal(err)
		}
		a.EndFile()
		if len(a.caches) != 2 || known() == 0 {
			t.Fatalf("after input %d: %d caches knowing %d lines", i+1, len(a.caches), known())
		}
	}
	// The second input's lines were all known: it stored none, and a line
	// keeps the entry the first input gave it.
	type kept struct {
		cache int
		key   string
		e     *cached
	}
	var entries []kept
	for i, c := range a.caches {
		for k, e := range c.lines {
			entries = append(entries, kept{i, k, e})
		}
	}
	before := known()
	a.StartFile("third.log", "")
	if err := a.FeedWith(t.Context(), parser.NewScanner(strings.NewReader(log), "third.log", parser.Options{}), nil,
		FeedOptions{Workers: 2, ChunkBytes: 4 << 10}); err != nil {
		t.Fatal(err)
	}
	if after := known(); after != before {
		t.Errorf("the caches knew %d lines, and %d after an input of the same lines", before, after)
	}
	for _, k := range entries {
		if a.caches[k.cache].lines[k.key] != k.e {
			t.Fatalf("the line %q was stored again", k.key)
		}
	}
}
