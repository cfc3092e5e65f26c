package machine

import (
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/kb"
)

func TestNameFromZip(t *testing.T) {
	tests := map[string]string{
		"testdata/logs/bundles/azcmagent-20310203T040506-arc-web-01.zip": "arc-web-01",
		`C:\Users\me\azcmagent-20310210T091500-CONTOSO-FS01.zip`:         "CONTOSO-FS01",
		"AZCMAGENT-20310210T091500-web_02.ZIP":                           "web_02",
		"truncated.zip":                                                  "",
		"azcmagent-logs.zip":                                             "",
		"azcmagent-20310203T040506-.zip":                                 "",
	}
	for in, want := range tests {
		if got := NameFromZip(in); got != want {
			t.Errorf("NameFromZip(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScan(t *testing.T) {
	for _, tt := range []struct{ file, want, os string }{
		{"../../testdata/logs/linux/himds.log", "arc-web-01", "linux"},
		{"../../testdata/logs/windows/himds.log", "CONTOSO-FS01", "windows"},
		{"../../testdata/logs/linux/rotated/azcmagent.log", "arc-app-02", "linux"},
		{"../../testdata/logs/linux/azcmagent.log", "", "linux"}, // states no name
		{"../../testdata/logs/windows/azcmagent.log", "", "windows"},
	} {
		f, err := os.Open(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		// One byte a read: the name must be found across reads.
		got, err := Scan(iotest.OneByteReader(f))
		f.Close()
		if err != nil || got.Name != tt.want || got.OS != tt.os {
			t.Errorf("Scan(%s) = %+v, %v; want %q on %q", tt.file, got, err, tt.want, tt.os)
		}
	}
	log := "time=\"2031-01-01T00:00:00Z\" level=info msg=x Resource Name=old-name\n" +
		"time=\"2031-01-02T00:00:00Z\" level=info msg=y Resource Name=\"new name\" VM Id=1\n" +
		"time=\"2031-01-03T00:00:00Z\" level=info msg=z Resource Name=\n"
	if got, _ := Scan(strings.NewReader(log)); got.Name != "new name" || got.OS != "" {
		t.Errorf("Scan: %+v, want the last non-empty name %q and no OS", got, "new name")
	}
	if _, err := Scan(iotest.ErrReader(io.ErrClosedPipe)); err == nil {
		t.Error("Scan: a read error is not reported")
	}
}

func TestRunIDStable(t *testing.T) {
	start := time.Date(2031, 1, 13, 7, 15, 2, 0, time.UTC)
	id := func(file string, start time.Time, line int) string {
		var g RunIDs
		return g.ID("arc-web-01", file, start, line)
	}
	base := id("/var/opt/azcmagent/log/azcmagent.log", start, 54)
	// The same run read from a zip, after a rotation, with another line
	// number (a rotated copy) or in another time zone has the same id.
	for _, file := range []string{
		"azcmagent-20310203T040506-arc-web-01.zip:var/opt/azcmagent/log/azcmagent.log",
		"logs/azcmagent.log.1", "logs/azcmagent.log.2.gz",
	} {
		if got := id(file, start.In(time.FixedZone("JST", 9*3600)), 3); got != base {
			t.Errorf("run id of %s = %s, want %s", file, got, base)
		}
	}
	if len(base) != 32 {
		t.Errorf("run id %q: want 32 hex digits", base)
	}
	// Another machine, another log, another start: other ids.
	var g RunIDs
	others := []string{
		g.ID("arc-web-02", "azcmagent.log", start, 54),
		g.ID("arc-web-01", "himds.log", start, 54),
		g.ID("arc-web-01", "azcmagent.log", start.Add(time.Second), 54),
		g.ID("arc-web-01", "capture.txt", time.Time{}, 54),
		g.ID("arc-web-01", "capture.txt", time.Time{}, 55),
	}
	seen := map[string]bool{base: true}
	for _, o := range others {
		if seen[o] {
			t.Errorf("run id %s repeats", o)
		}
		seen[o] = true
	}
	// Two runs in one second: told apart, and the same again on a re-read.
	read := func() [2]string {
		var g RunIDs
		return [2]string{g.ID("m", "azcmagent.log", start, 1), g.ID("m", "azcmagent.log", start, 9)}
	}
	first, again := read(), read()
	if first[0] == first[1] || first != again {
		t.Errorf("runs in the same second: ids %v, then %v", first, again)
	}
}

func TestRowsRankAndCount(t *testing.T) {
	secret := &kb.Entry{ID: "spn-invalid-secret"}
	at := func(day int) time.Time { return time.Date(2031, 1, day, 0, 0, 0, 0, time.UTC) }
	row := func(name string, runs ...*diagnose.Run) *Row {
		r := &Row{Identity: Identity{Name: name}, Read: true}
		for i, run := range runs {
			r.AddRun(run, name+string(rune('a'+i)))
		}
		return r
	}
	ok := func(day int) *diagnose.Run { return &diagnose.Run{Start: at(day), AgentVersion: "1.58"} }
	failed := func(day int, v *kb.Entry) *diagnose.Run {
		return &diagnose.Run{Start: at(day), Failed: true, Verdict: v, AgentVersion: "1.60"}
	}
	rows := []*Row{
		row("healthy", failed(1, secret), ok(2)),
		row("b-secret", failed(1, secret), failed(3, secret)),
		row("a-secret", ok(1), failed(2, secret)),
		row("unknown", failed(5, nil)),
		{Identity: Identity{Name: "damaged"}},
		row("quiet"),
	}
	Rank(rows)
	var order []string
	for _, r := range rows {
		order = append(order, r.Name+"="+r.Verdict())
	}
	want := "b-secret=spn-invalid-secret a-secret=spn-invalid-secret unknown=unexplained damaged=unread quiet=no-runs healthy=ok"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("ranked:\n got %s\nwant %s", got, want)
	}
	if rows[0].FailedRuns != 2 || rows[0].Runs != 2 || rows[0].AgentVersion != "1.60" || rows[0].Last.ID != "b-secretb" {
		t.Errorf("b-secret row = %+v, last %+v", rows[0], rows[0].Last)
	}
	counts := CountByVerdict(rows)
	if counts[0] != (VerdictCount{"spn-invalid-secret", 2}) || len(counts) != 5 {
		t.Errorf("counts = %v", counts)
	}
	// Merging a later zip of the same machine: its last run wins, and
	// the runs both zips hold count once.
	a := &Row{Identity: Identity{Name: "m"}}
	a.AddRun(failed(1, secret), "run-1")
	b := &Row{Identity: Identity{Name: "m"}}
	b.AddRun(failed(1, secret), "run-1")
	b.AddRun(ok(4), "run-2")
	a.Merge(b)
	if a.Verdict() != VerdictOK || a.Runs != 2 || a.FailedRuns != 1 || a.AgentVersion != "1.58" {
		t.Errorf("merged row = %+v verdict %s", a, a.Verdict())
	}
}

// TestVerdictIncidentAfterLastRun: the machine's state is its last run's,
// unless an incident that did not recover started after that run began;
// an incident before the run, or one the service recovered from, does not
// change it.
func TestVerdictIncidentAfterLastRun(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2031, 1, 27, h, m, 0, 0, time.UTC) }
	run := Event{ID: "run", File: "azcmagent.log", Start: at(10, 48), Command: "config"}
	incident := func(id string, start time.Time, verdict string) Event {
		return Event{ID: id, File: "gc_ext.log", Start: start, Failed: true, Verdict: verdict, Timeline: true}
	}
	for _, tt := range []struct {
		name    string
		events  []Event
		verdict string
		failing bool
	}{
		{"last run ok", []Event{run}, VerdictOK, false},
		{"incident before the run", []Event{incident("i", at(10, 30), "extension-noexec"), run}, VerdictOK, false},
		{"incident after the run", []Event{run, incident("i", at(10, 55), "extension-noexec")}, "extension-noexec", true},
		{"latest incident wins", []Event{incident("j", at(11, 30), "himds-not-running"), run, incident("i", at(10, 55), "extension-noexec")}, "himds-not-running", true},
		{"recovered stretch", []Event{run, {ID: "w", Start: at(11, 0), Timeline: true}}, VerdictOK, false},
		{"unexplained incident", []Event{run, incident("i", at(11, 0), "")}, VerdictUnexplained, true},
		{"incident without runs", []Event{incident("i", at(11, 0), "extension-noexec")}, "extension-noexec", true},
	} {
		r := &Row{Read: true}
		for _, e := range tt.events {
			r.Add(e)
		}
		if r.Verdict() != tt.verdict || r.Failing() != tt.failing {
			t.Errorf("%s: verdict %s failing %v, want %s %v", tt.name, r.Verdict(), r.Failing(), tt.verdict, tt.failing)
		}
	}
	// Merged from another zip, the later incident still counts.
	a, b := &Row{Identity: Identity{Name: "m"}, Read: true}, &Row{Identity: Identity{Name: "M"}, Read: true}
	a.Add(run)
	b.Add(incident("i", at(10, 55), "extension-noexec"))
	var f Fleet
	f.Add(a)
	f.Add(b)
	if len(f.Rows) != 1 || f.Rows[0].Verdict() != "extension-noexec" || f.Rows[0].Incidents != 1 {
		t.Errorf("fleet rows %d, verdict %s", len(f.Rows), f.Rows[0].Verdict())
	}
}

// TestLabellerReusedRun: a run at the address of the run labelled last
// (an analyzer reuses ended runs' memory, and a report may leave the run
// between unlabelled) gets its own id, the one a new run would.
func TestLabellerReusedRun(t *testing.T) {
	start := time.Date(2031, 1, 13, 7, 15, 2, 0, time.UTC)
	first := diagnose.Run{File: "azcmagent.log", Index: 1, StartLine: 1, Start: start}
	second := diagnose.Run{File: "azcmagent.log", Index: 3, StartLine: 40, Start: start.Add(time.Minute)}
	var fresh Labeller
	want := [2]string{fresh.Run(&first).ID, fresh.Run(&second).ID}
	var l Labeller
	run := first
	got := [2]string{l.Run(&run).ID}
	run = second
	got[1] = l.Run(&run).ID
	if got != want || got[0] == got[1] {
		t.Errorf("ids of two runs at one address: %v, want %v", got, want)
	}
}

// TestLastField: the value of the last Resource Name field with a value,
// the field's name preceded by a space, wherever it lies in the text.
func TestLastField(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{" Resource Name=first", "first"},
		{"Resource Name=no-space-before", ""},
		{"msg=x Resource Name=a\nmsg=y XResource Name=b\n", "a"},
		{"msg=x Resource Name=a\nmsg=y Resource Name=b VM Id=1\n", "b"},
		{"msg=x Resource Name=a\nmsg=y Resource Name=\r\nmsg=z Resource Name=\n", "a"},
		{"msg=x Resource Name=\"quoted name\"\n msg=y Resource Name=", "quoted name"},
		{"msg=x Resource Name Resource Name=two Resource Name=", "two"},
		{"no field at all", ""},
	} {
		if got := lastField([]byte(tt.text)); got != tt.want {
			t.Errorf("lastField(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
