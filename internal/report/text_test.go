package report

import (
	"slices"
	"time"

	"bytes"
	"github.com/arcdiag/arcdiag/internal/machine"
	"strings"
	"testing"

	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// repeatedLog is one failed connect whose certificate error is logged three
// times, then two runs that went well.
const repeatedLog = `time="2031-02-03T04:05:01Z" level=debug msg="Agent Version: 1.31.02347.957"
time="2031-02-03T04:05:01Z" level=debug msg="Agent Command: connect"
time="2031-02-03T04:05:03Z" level=error msg="Failed to get HIS endpoint" Error="Get \"https://gbl.his.arc.azure.com/discovery\": x509: certificate signed by unknown authority"
time="2031-02-03T04:05:33Z" level=error msg="Failed to get HIS endpoint" Error="Get \"https://gbl.his.arc.azure.com/discovery\": x509: certificate signed by unknown authority"
time="2031-02-03T04:06:03Z" level=error msg="Failed to get HIS endpoint" Error="Get \"https://gbl.his.arc.azure.com/discovery\": x509: certificate signed by unknown authority"
time="2031-02-03T04:09:04Z" level=info msg="Exit Code:  AZCM0042: Failed to Create Resource"
time="2031-02-03T04:09:04Z" level=debug msg="Exiting with code 42"
time="2031-02-04T09:00:00Z" level=debug msg="Agent Version: 1.31.02347.957"
time="2031-02-04T09:00:00Z" level=debug msg="Agent Command: show"
time="2031-02-04T09:00:01Z" level=info msg="Exit Code:  AZCM0000: No Error"
time="2031-02-05T09:00:00Z" level=debug msg="Agent Version: 1.31.02347.957"
time="2031-02-05T09:00:00Z" level=debug msg="Agent Command: show"
time="2031-02-05T09:00:01Z" level=info msg="Exit Code:  AZCM0000: No Error"
`

// certRemediation begins tls-untrusted-certificate's remediation.
const certRemediation = "Remediation: 1. Identify the intercepting device"

// analyzeText runs the log through diagnose line by line, as tail does,
// into a text report.
func analyzeText(t *testing.T, opts Options) string {
	t.Helper()
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep := NewText(&out, k, opts)
	an := diagnose.New(k, rep, diagnose.Options{All: opts.All})
	an.StartFile("azcmagent.log", "linux")
	for i, line := range strings.Split(strings.TrimSuffix(repeatedLog, "\n"), "\n") {
		rec := parser.ParseLine([]byte(line))
		rec.File, rec.Line, rec.Lines = "azcmagent.log", i+1, 1
		an.Add(&rec)
	}
	an.EndFile()
	rep.Summary(an.Summary(), nil, nil)
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestCauseOncePerRun: tail (and analyze --all) write a finding as it
// comes; the probable cause and remediation of an entry are written under
// its first finding only, and the later findings and the verdict refer to
// that line.
func TestCauseOncePerRun(t *testing.T) {
	for _, opts := range []Options{{Stream: true}, {All: true}} {
		out := analyzeText(t, opts)
		if n := strings.Count(out, certRemediation); n != 1 {
			t.Errorf("%+v: the remediation is written %d times:\n%s", opts, n, out)
		}
		if n := strings.Count(out, "(explained at line 3)"); n != 3 {
			t.Errorf("%+v: %d references to line 3, want 3 (two findings and the verdict):\n%s", opts, n, out)
		}
	}
}

// TestOKRunsOneLine: runs that went well are one line, unless All.
func TestOKRunsOneLine(t *testing.T) {
	out := analyzeText(t, Options{})
	if !strings.Contains(out, "\n-- azcmagent.log · 2 runs ok (2–3)\n") || strings.Contains(out, "· show ·") {
		t.Errorf("the runs that went well are not one line:\n%s", out)
	}
	if n := strings.Count(out, certRemediation); n != 1 {
		t.Errorf("the remediation is written %d times:\n%s", n, out)
	}
	if out := analyzeText(t, Options{Stream: true}); strings.Count(out, "-- azcmagent.log · run ") != 2 {
		t.Errorf("tail does not say each run that went well as it ends:\n%s", out)
	}
	if out := analyzeText(t, Options{All: true}); strings.Count(out, "· show ·") != 2 {
		t.Errorf("--all does not show the runs that went well:\n%s", out)
	}
}

// TestVerboseCause: by default a long cause is cut to its first sentences
// and says where the rest is; Verbose gives it whole.
func TestVerboseCause(t *testing.T) {
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	e, _ := k.Get("tls-untrusted-certificate")
	whole := strings.TrimSpace(e.Cause.EN)
	short := analyzeText(t, Options{})
	if strings.Contains(short, whole) || !strings.Contains(short, "(all of it: arcdiag explain tls-untrusted-certificate)") {
		t.Errorf("the default text does not cut the cause:\n%s", short)
	}
	if verbose := analyzeText(t, Options{Verbose: true}); !strings.Contains(verbose, whole) {
		t.Errorf("--verbose does not give the whole cause:\n%s", verbose)
	}
}

func TestFirstSentences(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		cut      bool
	}{
		{"One. Two. Three.", "One. Two.", true},
		{"One. Two.", "One. Two.", false},
		{"Use e.g. the proxy. Then retry (agent 1.49+). More here.", "Use e.g. the proxy. Then retry (agent 1.49+).", true},
		{"一つ目。二つ目。三つ目。", "一つ目。二つ目。", true},
		{"No end", "No end", false},
	} {
		got, cut := firstSentences(tt.in, 2)
		if got != tt.want || cut != tt.cut {
			t.Errorf("firstSentences(%q) = %q, %v; want %q, %v", tt.in, got, cut, tt.want, tt.cut)
		}
	}
}

// TestMachinesAlignedByDisplayWidth: the Japanese headers of analyze --by
// machine are double-width; every column must start at the same terminal
// column in the header and in the rows.
func TestMachinesAlignedByDisplayWidth(t *testing.T) {
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	row := &machine.Row{Identity: machine.Identity{Name: "arc-web-01", OS: "linux"}, Read: true}
	row.AddRun(&diagnose.Run{Start: time.Date(2031, 1, 27, 10, 48, 51, 0, time.UTC), Command: "config", AgentVersion: "1.58.03079.1821"}, "r1")
	var out bytes.Buffer
	rep := NewText(&out, k, Options{Lang: kb.JA})
	rep.Machines([]*machine.Row{row}, machine.CountByVerdict([]*machine.Row{row}), nil)
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	// starts gives the display column each cell starts at.
	starts := func(line string) []int {
		var cols []int
		col, prevSpace := 0, true
		for i, r := range line {
			space := r == ' '
			if !space && prevSpace && (i == 0 || strings.HasSuffix(line[:i], "  ")) {
				cols = append(cols, col)
			}
			prevSpace = space
			col += DisplayWidth(string(r))
		}
		return cols
	}
	head, first := starts(lines[0]), starts(lines[1])
	if len(head) != 7 || !slices.Equal(head, first) {
		t.Errorf("columns start at %v in the header, %v in the row:\n%s", head, first, out.String())
	}
}
