package diagnose

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// recorder is a Sink that keeps everything.
type recorder struct {
	findings []*Finding
	runs     []*Run
	records  []string
}

func (r *recorder) Finding(f *Finding) { r.findings = append(r.findings, f) }
func (r *recorder) RunEnd(run *Run)    { r.runs = append(r.runs, run) }
func (r *recorder) Record(rec *parser.Record, benign *kb.Entry) {
	id := ""
	if benign != nil {
		id = benign.ID
	}
	r.records = append(r.records, id)
}

var builtin *kb.KB

func loadKB(t *testing.T) *kb.KB {
	t.Helper()
	if builtin == nil {
		k, err := kb.Load(kb.Builtin())
		if err != nil {
			t.Fatal(err)
		}
		builtin = k
	}
	return builtin
}

// analyze runs a log text through the real parser and an analyzer.
func analyze(t *testing.T, log, os string, opts Options) (*recorder, Summary) {
	t.Helper()
	rec := &recorder{}
	a := New(loadKB(t), rec, opts)
	a.StartFile("test.log", os)
	sc := parser.NewScanner(strings.NewReader(log), "test.log", parser.Options{})
	for sc.Scan() {
		a.Add(sc.Record())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	a.EndFile()
	return rec, a.Summary()
}

// runView is what the tests compare of a run.
type runView struct {
	Lines    [2]int
	Command  string
	Version  string
	Exit     string
	Failed   bool
	Verdict  string
	Notes    []string
	Findings int
}

func view(runs []*Run) []runView {
	var out []runView
	for _, r := range runs {
		v := runView{Lines: [2]int{r.StartLine, r.EndLine}, Command: r.Command, Version: r.AgentVersion,
			Exit: r.ExitCode, Failed: r.Failed, Findings: r.FindingCount}
		if r.Verdict != nil {
			v.Verdict = r.Verdict.ID
		}
		for _, n := range r.Notes {
			v.Notes = append(v.Notes, n.ID)
		}
		out = append(out, v)
	}
	return out
}

const (
	tlsThen403 = `time="2031-02-03T04:05:01Z" level=debug msg="Agent Version: 1.31.02347.957"
time="2031-02-03T04:05:01Z" level=debug msg="Agent Command: connect"
time="2031-02-03T04:05:02Z" level=debug msg="Cloud provider check" Error="GET http://169.254.169.254/metadata/instance?api-version=2021-02-01: 404 Not Found"
time="2031-02-03T04:05:03Z" level=error msg="Failed to get HIS endpoint" Error="Get \"https://gbl.his.arc.azure.com/discovery\": x509: certificate signed by unknown authority"
time="2031-02-03T04:09:03Z" level=error msg="Get ARM Resource Response" Error="{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client 'admin@contoso.example' with object id '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9' does not have authorization to perform action 'Microsoft.HybridCompute/machines/read' over scope '/subscriptions/0000'\"}}" Status Code=403
time="2031-02-03T04:09:04Z" level=info msg="Exit Code:  AZCM0042: Failed to Create Resource"
time="2031-02-03T04:09:04Z" level=fatal msg="Failed to Create Resource"
time="2031-02-03T04:09:04Z" level=debug msg="Exiting with code 42"
`
	// A run without --verbose: no debug lines, a failure no pattern knows.
	quietUnknown = `time="2031-02-05T10:00:00Z" level=error msg="Something nobody has seen before happened"
time="2031-02-05T10:00:00Z" level=info msg="Exit Code:  AZCM0062: Failed to Onboard Server to Azure"
time="2031-02-05T10:00:00Z" level=fatal msg="Failed to Onboard Server to Azure"
`
	spnDebugOnly = `time="2031-02-06T08:00:00Z" level=debug msg="Agent Version: 1.40.02664.1629"
time="2031-02-06T08:00:00Z" level=debug msg="Agent Command: connect"
time="2031-02-06T08:00:02Z" level=debug msg="Failed to acquire token" Error="AADSTS7000215: Invalid client secret is provided.\r\nTrace ID: 00000000-0000-0000-0000-000000000001"
time="2031-02-06T08:00:02Z" level=info msg="Exit Code:  AZCM0041: Failed to Get Access Token"
time="2031-02-06T08:00:02Z" level=fatal msg="Failed to Get Access Token"
time="2031-02-06T08:30:00Z" level=debug msg="Agent Version: 1.40.02664.1629"
time="2031-02-06T08:30:00Z" level=debug msg="Agent Command: show"
time="2031-02-06T08:30:01Z" level=info msg="Exit Code:  AZCM0000: No Error"
`
)

func TestRunsAndVerdicts(t *testing.T) {
	tests := []struct {
		name        string
		log         string
		want        []runView
		wantBenign  int
		wantRecords int64
	}{
		{
			name: "first specific error outranks the later 403 and the exit code",
			log:  tlsThen403,
			want: []runView{{Lines: [2]int{1, 8}, Command: "connect", Version: "1.31.02347.957", Exit: "AZCM0042",
				Failed: true, Verdict: "tls-untrusted-certificate", Findings: 4}},
			wantBenign: 1, wantRecords: 8,
		},
		{
			name: "a quiet run gets the verbose-log note, an unexplained one next-steps",
			log:  quietUnknown,
			want: []runView{{Lines: [2]int{1, 3}, Exit: "AZCM0062", Failed: true, Verdict: "AZCM0062",
				Notes: []string{"verbose-log", "next-steps"}, Findings: 3}},
			wantRecords: 3,
		},
		{
			name: "a root cause logged only at debug level is found; a successful run is not failed",
			log:  spnDebugOnly,
			want: []runView{
				{Lines: [2]int{1, 5}, Command: "connect", Version: "1.40.02664.1629", Exit: "AZCM0041", Failed: true,
					Verdict: "spn-invalid-secret", Findings: 3},
				{Lines: [2]int{6, 8}, Command: "show", Version: "1.40.02664.1629", Exit: "AZCM0000"},
			},
			wantRecords: 8,
		},
		{
			name: "runs in one file, one after another",
			log:  tlsThen403 + quietUnknown,
			want: []runView{
				{Lines: [2]int{1, 8}, Command: "connect", Version: "1.31.02347.957", Exit: "AZCM0042", Failed: true,
					Verdict: "tls-untrusted-certificate", Findings: 4},
				{Lines: [2]int{9, 11}, Exit: "AZCM0062", Failed: true, Verdict: "AZCM0062",
					Notes: []string{"verbose-log", "next-steps"}, Findings: 3},
			},
			wantBenign: 1, wantRecords: 11,
		},
		{
			name: "a long silence splits runs that print no boundary",
			log: `time="2031-02-03T04:00:00Z" level=info msg="Connecting"
time="2031-02-03T04:00:05Z" level=info msg="Connected"
time="2031-02-03T09:00:00Z" level=info msg="Checking"
`,
			want:        []runView{{Lines: [2]int{1, 2}}, {Lines: [2]int{3, 3}}},
			wantRecords: 3,
		},
		{
			name: "terminal form: the elapsed-seconds clock restarting starts a run; a wrapper's exit status counts",
			log: `DEBUG[0000] Agent Version: 1.21.02043.605
ERROR[0003] Failed to acquire authorization token device flow  Error="Error occurred while sending request for Device Authorization Code: Post https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/devicecode?api-version=1.0: dial tcp 192.0.2.7:443: connect: network is unreachable"
INFO[0003] Exit Code:  AZCM0041: Failed to Get Access Token
FATAL[0003] Failed to Get Access Token
INFO[0000] Connecting
example-wrapper: azcmagent exited, exitcode: 67
`,
			want: []runView{
				{Lines: [2]int{1, 4}, Version: "1.21.02043.605", Exit: "AZCM0041", Failed: true, Verdict: "login-unreachable", Findings: 3},
				{Lines: [2]int{5, 6}, Exit: "AZCM0067", Failed: true, Verdict: "AZCM0067", Notes: []string{"verbose-log"}, Findings: 1},
			},
			wantRecords: 6,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, sum := analyze(t, tt.log, "", Options{})
			if diff := cmp.Diff(tt.want, view(rec.runs)); diff != "" {
				t.Errorf("runs (-want +got):\n%s", diff)
			}
			if sum.Benign != tt.wantBenign || sum.Records != tt.wantRecords {
				t.Errorf("summary: benign %d records %d, want %d and %d", sum.Benign, sum.Records, tt.wantBenign, tt.wantRecords)
			}
			if sum.Runs != len(tt.want) {
				t.Errorf("summary counts %d runs, want %d", sum.Runs, len(tt.want))
			}
		})
	}
}

func TestFindingsCarryEntriesAndCodes(t *testing.T) {
	rec, sum := analyze(t, tlsThen403, "linux", Options{})
	type fv struct {
		Line    int
		Level   string
		Codes   []string
		Entries []string
	}
	var got []fv
	for _, f := range rec.findings {
		v := fv{Line: f.Line, Level: f.Level.String(), Codes: f.Codes}
		for _, e := range f.Entries {
			v.Entries = append(v.Entries, e.ID)
		}
		got = append(got, v)
	}
	want := []fv{
		{Line: 4, Level: "error", Entries: []string{"tls-untrusted-certificate"}},
		// The generic AuthorizationFailed entry also knows the line; it
		// comes after the specific one.
		{Line: 5, Level: "error", Entries: []string{"arm-authorization-403", "arm-authorization-failed"}},
		{Line: 6, Level: "info", Codes: []string{"AZCM0042"}, Entries: []string{"AZCM0042"}},
		{Line: 7, Level: "fatal"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if got := rec.findings[0].Context.OS; got != "linux" {
		t.Errorf("finding context OS %q, want linux", got)
	}
	wantByEntry := map[string]int{"tls-untrusted-certificate": 1, "arm-authorization-403": 1, "AZCM0042": 1}
	if diff := cmp.Diff(wantByEntry, sum.ByEntry); diff != "" {
		t.Errorf("by_entry (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"AZCM0042": 1}, sum.ByCode); diff != "" {
		t.Errorf("by_code (-want +got):\n%s", diff)
	}
}

// TestMeaningFollowsTheLoggedAgentVersion: AZCM0068 meant an internal
// disconnect error before agent 1.21 and a subscription-name lookup since.
func TestMeaningFollowsTheLoggedAgentVersion(t *testing.T) {
	for _, tt := range []struct {
		version, wantCause string
	}{
		{"1.10.21239.009", "disconnect"},
		{"1.45.02825.1234", "subscription"},
	} {
		log := `time="2031-02-03T04:05:01Z" level=debug msg="Agent Version: ` + tt.version + `"
time="2031-02-03T04:05:02Z" level=info msg="Exit Code:  AZCM0068: Unable to Fetch Subscription ID"
`
		rec, _ := analyze(t, log, "", Options{})
		if len(rec.findings) != 1 {
			t.Fatalf("%d findings", len(rec.findings))
		}
		f := rec.findings[0]
		cause := f.Entries[0].MeaningFor(f.Context).Cause.EN
		if !strings.Contains(strings.ToLower(cause), tt.wantCause) {
			t.Errorf("agent %s: AZCM0068 cause %q, want it to mention %q", tt.version, cause, tt.wantCause)
		}
	}
}

func TestAllReportsOrdinaryAndBenignLines(t *testing.T) {
	rec, _ := analyze(t, tlsThen403, "", Options{All: true})
	want := []string{"", "", "imds-probe-not-azure", ""} // version, command, IMDS 404, exiting
	if diff := cmp.Diff(want, rec.records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

// TestFeedMatchesSequential: the parallel feed sees the same records in the
// same order as adding them one by one, across many batches.
// feedAll analyses log with Feed on two workers, reporting to sink.
func feedAll(t *testing.T, sink Sink, log string) *Analyzer {
	t.Helper()
	a := New(loadKB(t), sink, Options{})
	a.StartFile("test.log", "")
	sc := parser.NewScanner(strings.NewReader(log), "test.log", parser.Options{})
	if err := a.Feed(t.Context(), sc, nil, 2); err != nil {
		t.Fatal(err)
	}
	a.EndFile()
	return a
}

func TestFeedMatchesSequential(t *testing.T) {
	log := strings.Repeat(tlsThen403+quietUnknown+spnDebugOnly, 700) // ~13,000 records, several batches
	seq, seqSum := analyze(t, log, "", Options{})

	par := &recorder{}
	a := feedAll(t, par, log)
	if diff := cmp.Diff(view(seq.runs), view(par.runs)); diff != "" {
		t.Errorf("runs differ (-sequential +parallel):\n%s", diff)
	}
	if diff := cmp.Diff(seqSum, a.Summary()); diff != "" {
		t.Errorf("summary differs (-sequential +parallel):\n%s", diff)
	}
	if len(par.findings) != len(seq.findings) || par.findings[len(par.findings)-1].Line != seq.findings[len(seq.findings)-1].Line {
		t.Errorf("findings: %d in parallel, %d sequentially", len(par.findings), len(seq.findings))
	}
}

func TestFeedStopsOnCancel(t *testing.T) {
	log := strings.Repeat(tlsThen403, 5000)
	a := New(loadKB(t), &recorder{}, Options{})
	a.StartFile("test.log", "")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := a.Feed(ctx, parser.NewScanner(strings.NewReader(log), "test.log", parser.Options{}), nil, 2)
	if err == nil {
		t.Fatal("Feed ignored a cancelled context")
	}
}

// TestTruncatedLinesAreNamed: a line over the scanner's limit is analyzed
// from its start and named in the summary, never dropped.
func TestTruncatedLinesAreNamed(t *testing.T) {
	long := `time="2031-02-03T04:05:07Z" level=error msg="huge" Body="` + strings.Repeat("x", 200) + `"`
	log := "time=\"2031-02-03T04:05:06Z\" level=info msg=before\n" + long + "\ntime=\"2031-02-03T04:05:08Z\" level=info msg=after\n"
	rec := &recorder{}
	a := New(loadKB(t), rec, Options{})
	a.StartFile("test.log", "")
	sc := parser.NewScanner(strings.NewReader(log), "test.log", parser.Options{MaxLineLen: 100})
	for sc.Scan() {
		a.Add(sc.Record())
	}
	a.EndFile()
	sum := a.Summary()
	if sum.Records != 3 || sum.Truncated != 1 || len(sum.TruncatedAt) != 1 || sum.TruncatedAt[0] != "test.log:2" {
		t.Fatalf("summary %+v", sum)
	}
	if len(rec.findings) != 1 || !rec.findings[0].Truncated || rec.findings[0].Line != 2 {
		t.Fatalf("the truncated error line should be a finding flagged truncated: %+v", rec.findings)
	}
}

// TestOtherProgramsLogs checks the logs azcmagent did not write: an exit
// code in them is not the agent's, and their runs get no advice to re-run
// azcmagent with --verbose, unless azcmagent's own lines share the run.
func TestOtherProgramsLogs(t *testing.T) {
	tests := []struct {
		name string
		log  string
		want []runView
	}{
		{
			name: "an extension's exit code is not AZCM0064",
			log: `2031/01/27 10:40:15 ERROR:Install failed with exit code 64
2031/01/27 10:40:15 [Contoso.Example.Extension-1.0.0] Install,failed,64,Install failed with exit code 64
`,
			want: []runView{{Lines: [2]int{1, 2}, Failed: true, Notes: []string{"next-steps"}, Findings: 1}},
		},
		{
			name: "an install script's failure: no verbose-log note",
			log: `VERBOSE: Installing agent package
C:\Temp\install_windows_azcmagent.ps1 : Installation failed: [1618]: Another installation is already in progress.
`,
			want: []runView{{Lines: [2]int{1, 2}, Failed: true, Verdict: "msi-install-already-running-1618", Findings: 1}},
		},
		{
			name: "a pasted apt output: the package manager's failure, no verbose-log note",
			log: `Reading package lists...
E: Unable to locate package azcmagent
`,
			want: []runView{{Lines: [2]int{1, 2}, Failed: true, Verdict: "linux-package-not-found", Findings: 1}},
		},
		{
			name: "a pasted error of the agent's in plain text keeps it",
			log: `Failed to acquire authorization token from SPN: AADSTS7000215: Invalid client secret is provided.
`,
			want: []runView{{Lines: [2]int{1, 1}, Failed: true, Verdict: "spn-invalid-secret",
				Notes: []string{"verbose-log"}, Findings: 1}},
		},
		{
			name: "azcmagent's lines in the same console still get it",
			log: `Latest version of azcmagent is installed.
ERROR[0001] Something nobody has seen before happened
INFO[0001] Exit Code:  AZCM0062: Failed to Onboard Server to Azure
`,
			want: []runView{{Lines: [2]int{1, 3}, Exit: "AZCM0062", Failed: true, Verdict: "AZCM0062",
				Notes: []string{"verbose-log", "next-steps"}, Findings: 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, _ := analyze(t, tt.log, "", Options{})
			if diff := cmp.Diff(tt.want, view(rec.runs)); diff != "" {
				t.Errorf("runs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOtherProgramsNumbersAreNotCodes: an extension's exit code, dpkg's exit
// status, msiexec's status and an HTTP status are never read as AZCM codes;
// the agent's own exit line is.
func TestOtherProgramsNumbersAreNotCodes(t *testing.T) {
	log := `time="2031-02-03T04:05:01Z" level=debug msg="Agent Version: 1.58.03228.123"
time="2031-02-03T04:05:01Z" level=debug msg="Agent Command: connect"
time="2031-02-03T04:05:02Z" level=error msg="Cannot run extension Microsoft.Azure.Monitor.AzureMonitorLinuxAgent, exit code 64"
time="2031-02-03T04:05:03Z" level=error msg="dpkg: error processing package azcmagent (--configure): installed azcmagent package post-installation script subprocess returned error exit status 1"
time="2031-02-03T04:05:04Z" level=error msg="msiexec.exe exited with code 1603"
time="2031-02-03T04:05:05Z" level=error msg="Request failed" Status Code=404
`
	rec, sum := analyze(t, log, "linux", Options{})
	for _, f := range rec.findings {
		if len(f.Codes) > 0 {
			t.Errorf("line %d: codes %v read from another program's number", f.Line, f.Codes)
		}
	}
	if len(rec.runs) != 1 || rec.runs[0].ExitCode != "" {
		t.Errorf("runs %+v: want one run without an exit code", view(rec.runs))
	}
	if len(sum.ByCode) > 0 {
		t.Errorf("by_code %v, want none", sum.ByCode)
	}

	rec, _ = analyze(t, `time="2031-02-03T04:05:06Z" level=debug msg="Exiting azcmagent" ExitStatus=41`+"\n", "", Options{})
	if len(rec.runs) != 1 || rec.runs[0].ExitCode != "AZCM0041" {
		t.Errorf("the agent's own exit line: runs %+v, want exit AZCM0041", view(rec.runs))
	}
}

// TestMostFrequentCountsEachFailureOnce: a run that repeats its code on the
// exit line, the fatal echo and the exiting line is one failure.
func TestMostFrequentCountsEachFailureOnce(t *testing.T) {
	log := strings.Repeat(spnDebugOnly+`time="2031-02-06T08:30:02Z" level=debug msg="Exiting azcmagent" ExitStatus=0
time="2031-02-06T09:00:02Z" level=debug msg="Agent Version: 1.40.02664.1629"
time="2031-02-06T09:00:02Z" level=error msg="Failed to acquire token" Error="AADSTS7000215: Invalid client secret is provided."
time="2031-02-06T09:00:02Z" level=info msg="Exit Code:  AZCM0041: Failed to Get Access Token"
time="2031-02-06T09:00:02Z" level=fatal msg="AZCM0041: Failed to Get Access Token"
time="2031-02-06T09:00:02Z" level=debug msg="Exiting azcmagent" ExitStatus=41
`, 1)
	rec, sum := analyze(t, log, "", Options{})
	failed := 0
	for _, r := range rec.runs {
		if r.Failed {
			failed++
		}
	}
	if failed != 2 {
		t.Fatalf("%d failed runs, want 2: %+v", failed, view(rec.runs))
	}
	if sum.ByCode["AZCM0041"] != 2 || sum.ByEntry["AZCM0041"] != 2 || sum.ByEntry["spn-invalid-secret"] != 2 {
		t.Errorf("by_code %v by_entry %v: want AZCM0041 and spn-invalid-secret counted once per failed run (2)", sum.ByCode, sum.ByEntry)
	}
}

// TestVersionScopedEntries: an entry that holds for some agent versions is
// the verdict only when the log states a version in its scope; without a
// version it is an alternative, and a stated version outside its scope
// drops it. On one line with a general entry, the scoped entry in its scope
// is the verdict (the 1.31 build's proxy defect over a proxy
// misconfiguration).
func TestVersionScopedEntries(t *testing.T) {
	body := `time="2031-02-03T04:05:06Z" level=error msg="Failed to reach the Azure Arc service" Error="ERR"
time="2031-02-03T04:05:06Z" level=info msg="Exit Code:  AZCM0026: Network Error"
`
	const bare, proxied = "no IP addresses found", "proxyconnect tcp: no IP addresses found"
	both := []string{"proxy-misconfiguration", "agent-131-proxy-bug"}
	for _, tt := range []struct {
		name, err, version, wantVerdict string
		wantAlternatives                []string
		wantEntries                     []string // of the first finding
	}{
		{"version in scope", bare, "1.31.02347.957", "agent-131-proxy-bug", nil, []string{"agent-131-proxy-bug"}},
		{"no version stated", bare, "", "AZCM0026", []string{"agent-131-proxy-bug"}, []string{"agent-131-proxy-bug"}},
		{"version out of scope", bare, "1.40.02664.1629", "AZCM0026", nil, nil},
		{"in scope beside a general entry", proxied, "1.31.02347.957", "agent-131-proxy-bug", nil, both},
		{"no version beside a general entry", proxied, "", "proxy-misconfiguration", []string{"agent-131-proxy-bug"}, both},
		{"out of scope beside a general entry", proxied, "1.40.02664.1629", "proxy-misconfiguration", nil, both[:1]},
	} {
		t.Run(tt.name, func(t *testing.T) {
			log := strings.Replace(body, "ERR", tt.err, 1)
			if tt.version != "" {
				log = `time="2031-02-03T04:05:05Z" level=debug msg="Agent Version: ` + tt.version + `"` + "\n" + log
			}
			rec, _ := analyze(t, log, "linux", Options{})
			if len(rec.runs) != 1 || rec.runs[0].Verdict == nil {
				t.Fatalf("runs %+v", view(rec.runs))
			}
			run := rec.runs[0]
			if run.Verdict.ID != tt.wantVerdict {
				t.Errorf("verdict %s, want %s", run.Verdict.ID, tt.wantVerdict)
			}
			var alts []string
			for _, e := range run.Alternatives {
				alts = append(alts, e.ID)
			}
			if diff := cmp.Diff(tt.wantAlternatives, alts); diff != "" {
				t.Errorf("alternatives (-want +got):\n%s", diff)
			}
			var entries []string
			for _, e := range rec.findings[0].Entries {
				entries = append(entries, e.ID)
			}
			if diff := cmp.Diff(tt.wantEntries, entries); diff != "" {
				t.Errorf("first finding's entries (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVersionStatedEarlierInTheLog: a run that states no version ran with
// the version an earlier run of the same log stated last (the agent is not
// replaced between two invocations without a run saying so), so an entry
// scoped to it is the verdict, not an alternative; a later version line
// holds from its run on, and another file starts without one.
func TestVersionStatedEarlierInTheLog(t *testing.T) {
	stated := func(at, v string) string {
		return `time="2031-02-03T` + at + `Z" level=debug msg="Agent Version: ` + v + `"` + "\n"
	}
	failure := func(at string) string {
		return `time="2031-02-03T` + at + `Z" level=error msg="Failed to reach the Azure Arc service" Error="no IP addresses found"` + "\n" +
			`time="2031-02-03T` + at + `Z" level=info msg="Exit Code:  AZCM0026: Network Error"` + "\n"
	}
	log := stated("04:05:05", "1.31.02347.957") + failure("04:05:06") +
		failure("05:10:00") + // no version line: 1.31 still
		stated("06:00:00", "1.40.02664.1629") + failure("06:00:01") +
		failure("07:00:00") // no version line: 1.40 now
	rec, _ := analyze(t, log, "linux", Options{})
	var got []string
	for _, r := range rec.runs {
		var alts []string
		for _, e := range r.Alternatives {
			alts = append(alts, e.ID)
		}
		got = append(got, fmt.Sprintf("%s %q %v", r.Verdict.ID, r.AgentVersion, alts))
	}
	want := []string{
		`agent-131-proxy-bug "1.31.02347.957" []`,
		`agent-131-proxy-bug "" []`,
		`AZCM0026 "1.40.02664.1629" []`,
		`AZCM0026 "" []`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runs' verdict, stated version, alternatives (-want +got):\n%s", diff)
	}

	// The next file states nothing: its runs know no version.
	a := New(loadKB(t), rec, Options{})
	rec.runs = nil
	for _, part := range []struct{ name, log string }{{"one.log", stated("04:05:05", "1.31.02347.957") + failure("04:05:06")}, {"two.log", failure("05:00:00")}} {
		a.StartFile(part.name, "linux")
		sc := parser.NewScanner(strings.NewReader(part.log), part.name, parser.Options{})
		for sc.Scan() {
			a.Add(sc.Record())
		}
	}
	a.EndFile()
	if n := len(rec.runs); n != 2 || rec.runs[1].Verdict.ID != "AZCM0026" || len(rec.runs[1].Alternatives) != 1 {
		t.Errorf("another file's run: %+v, want verdict AZCM0026 with the scoped entry an alternative", view(rec.runs))
	}
}

// TestCodeOnlyVerdictListsKnownCauses: a run that printed only its code gets
// the code as verdict, with the entries known to produce it, most common
// first, less those the logged agent version rules out.
func TestCodeOnlyVerdictListsKnownCauses(t *testing.T) {
	k := loadKB(t)
	for _, tt := range []struct {
		version     string
		wantProxy13 bool
	}{{"", true}, {"1.40.02664.1629", false}} {
		log := `time="2031-02-03T04:05:06Z" level=info msg="Exit Code:  AZCM0026: Network Error"` + "\n"
		if tt.version != "" {
			log = `time="2031-02-03T04:05:05Z" level=debug msg="Agent Version: ` + tt.version + `"` + "\n" + log
		}
		rec, _ := analyze(t, log, "", Options{})
		if len(rec.runs) != 1 || rec.runs[0].Verdict == nil || rec.runs[0].Verdict.ID != "AZCM0026" {
			t.Fatalf("runs %+v, want one with verdict AZCM0026", view(rec.runs))
		}
		var got []string
		for _, e := range rec.runs[0].KnownCauses {
			got = append(got, e.ID)
		}
		var want []string
		for _, e := range k.KnownCauses("AZCM0026") {
			if e.ID != "agent-131-proxy-bug" || tt.wantProxy13 {
				want = append(want, e.ID)
			}
		}
		if len(want) < 3 {
			t.Fatalf("the built-in KB knows only %v behind AZCM0026", want)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("agent %q: known causes (-want +got):\n%s", tt.version, diff)
		}
	}
}

// loadStateKB is the built-in knowledge base with a state entry for the
// heartbeat line of the sample himds.log.
func loadStateKB(t *testing.T) *kb.KB {
	t.Helper()
	k, err := kb.Load(kb.Builtin(), kb.DirLayer("testdata/kb", os.DirFS("testdata/kb")))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// analyzeFile runs a log text through the parser and an analyzer as a file
// of the given name.
func analyzeFile(t *testing.T, k *kb.KB, name, log string) (*recorder, Summary) {
	t.Helper()
	rec := &recorder{}
	a := New(k, rec, Options{})
	a.StartFile(name, "linux")
	sc := parser.NewScanner(strings.NewReader(log), name, parser.Options{})
	for sc.Scan() {
		a.Add(sc.Record())
	}
	a.EndFile()
	return rec, a.Summary()
}

const heartbeatLog = `time="2031-01-30T03:01:18Z" level=info msg="Starting HIMDS" Version=1.58.03079.1821
time="2031-01-30T03:06:18Z" level=info msg="Heartbeat sent" Status Code=200
time="2031-01-30T03:11:18Z" level=info msg="Heartbeat sent" Status Code=200
time="2031-01-30T03:16:18Z" level=error msg="Failed to send heartbeat" Error="Post \"https://eastus.his.arc.azure.com/agent/heartbeat?api-version=2024-05-20\": dial tcp 203.0.113.50:443: i/o timeout"
time="2031-01-30T03:21:18Z" level=error msg="Failed to send heartbeat" Error="Post \"https://eastus.his.arc.azure.com/agent/heartbeat?api-version=2024-05-20\": dial tcp 203.0.113.50:443: i/o timeout"
time="2031-01-30T03:26:18Z" level=info msg="Heartbeat sent" Status Code=200
time="2031-01-30T03:31:18Z" level=info msg="Heartbeat sent" Status Code=200
`

// TestServiceLogIsATimeline: himds.log is no series of azcmagent runs; a
// heartbeat that times out and then succeeds is a warning, a failure that
// lasts is an incident with its start, end and count.
func TestServiceLogIsATimeline(t *testing.T) {
	k := loadStateKB(t)
	rec, sum := analyzeFile(t, k, "var/opt/azcmagent/log/himds.log", heartbeatLog)
	var incidents, warnings []*Run
	for _, r := range rec.runs {
		switch {
		case !r.Timeline:
			t.Errorf("a service log gave an invocation run at lines %d–%d", r.StartLine, r.EndLine)
		case r.Failed:
			incidents = append(incidents, r)
		default:
			warnings = append(warnings, r)
		}
	}
	if len(incidents) != 0 || len(warnings) != 1 {
		t.Fatalf("%d incidents and %d warnings, want one warning", len(incidents), len(warnings))
	}
	w := warnings[0]
	if w.StartLine != 4 || w.EndLine != 5 || w.FindingCount != 2 || w.RecoveredLine != 6 || w.Verdict == nil || w.Verdict.ID != "endpoints-unreachable" {
		t.Errorf("warning lines %d–%d, %d failures, recovered at line %d, verdict %v; want 4–5, 2, 6, endpoints-unreachable",
			w.StartLine, w.EndLine, w.FindingCount, w.RecoveredLine, w.Verdict)
	}
	if sum.Runs != 0 || sum.Incidents != 0 || sum.Warnings != 1 || sum.Failing() {
		t.Errorf("summary runs %d incidents %d warnings %d failing %v; want 0, 0, 1, false", sum.Runs, sum.Incidents, sum.Warnings, sum.Failing())
	}
	if sum.WorkingNow == nil || sum.WorkingNow.Entry.ID != "test-heartbeat-sent" || sum.WorkingNow.Line != 7 {
		t.Errorf("working now %+v, want the heartbeat of line 7", sum.WorkingNow)
	}

	// The heartbeat keeps failing until the log ends: an incident, not
	// recovered, and analyze reports failure.
	lasting := heartbeatLog[:strings.Index(heartbeatLog, "time=\"2031-01-30T03:26:18Z\"")] +
		strings.ReplaceAll(strings.SplitAfter(heartbeatLog, "\n")[4], "03:21:18", "03:31:18")
	rec, sum = analyzeFile(t, k, "himds.log", lasting)
	if len(rec.runs) != 1 || !rec.runs[0].Failed || rec.runs[0].RecoveredLine != 0 || rec.runs[0].FindingCount != 3 {
		t.Fatalf("runs %+v: want one lasting incident of 3 failures", view(rec.runs))
	}
	if sum.Incidents != 1 || !sum.Failing() || sum.WorkingNow != nil {
		t.Errorf("summary incidents %d failing %v working now %+v; want 1, true, none", sum.Incidents, sum.Failing(), sum.WorkingNow)
	}
}

// TestStateLinesAreNotFailures: a state line is counted as a state, neither
// benign nor a finding, and says "working now" only after the last failure.
func TestStateLinesAreNotFailures(t *testing.T) {
	k := loadStateKB(t)
	log := `time="2031-01-30T03:06:18Z" level=info msg="Heartbeat sent" Status Code=200
time="2031-01-30T03:16:18Z" level=error msg="Something broke for good"
`
	rec, sum := analyzeFile(t, k, "azcmagent.log", log)
	if sum.States != 1 || sum.Benign != 0 || len(rec.findings) != 1 {
		t.Errorf("states %d benign %d findings %d, want 1, 0, 1", sum.States, sum.Benign, len(rec.findings))
	}
	if sum.WorkingNow != nil {
		t.Errorf("working now %+v, but a failure came after the state line", sum.WorkingNow)
	}
}

func TestServiceLog(t *testing.T) {
	for name, want := range map[string]bool{
		"/var/opt/azcmagent/log/himds.log":                                                                 true,
		`C:\ProgramData\AzureConnectedMachineAgent\Log\himds.log.1`:                                        true,
		"x.zip:var/opt/azcmagent/log/arcproxy.log":                                                         true,
		"/var/lib/GuestConfig/ext_mgr_logs/gc_ext.log":                                                     true,
		"/var/lib/GuestConfig/extension_logs/Microsoft.Azure.Monitor.AzureMonitorLinuxAgent/extension.log": true,
		"/var/opt/azcmagent/log/azcmagent.log":                                                             false,
		"-":                                                                                                false,
		"connect-terminal.txt":                                                                             false,
	} {
		if got := ServiceLog(name); got != want {
			t.Errorf("ServiceLog(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestGenericWordingYieldsToKnownLines checks the generic network wordings
// (a timeout or a reset to any host): a line a benign entry knows stays
// benign, and a specific cause the log cannot confirm for its version is not
// replaced by the wording as the run's verdict.
func TestGenericWordingYieldsToKnownLines(t *testing.T) {
	probe := `time="2031-02-03T04:05:06Z" level=error msg="Probing cloud metadata endpoint" Error="Get \"http://169.254.169.253/latest/meta-data/\": dial tcp 169.254.169.253:80: i/o timeout"
`
	rec, sum := analyze(t, probe, "", Options{})
	if sum.Benign != 1 || len(rec.findings) != 0 {
		t.Errorf("metadata probe timeout: benign %d findings %d, want 1 and 0", sum.Benign, len(rec.findings))
	}

	// windows-cipher-suites is scoped to agents 1.56-1.63; this log states no
	// version, so it is an alternative, and the reset beside it no verdict.
	handshake := `time="2031-02-03T04:05:06Z" level=fatal msg="required endpoints unavailable: https://gbl.his.arc.azure.com/ (error: Get \"https://gbl.his.arc.azure.com/connectivitytest\": remote error: tls: handshake failure), https://management.azure.com/ (error: Get \"https://management.azure.com\": read tcp 192.0.2.15:49577->203.0.113.10:443: wsarecv: An existing connection was forcibly closed by the remote host.)"
`
	rec, _ = analyze(t, handshake, "windows", Options{})
	if len(rec.runs) != 1 {
		t.Fatalf("%d runs, want 1", len(rec.runs))
	}
	if v := rec.runs[0].Verdict; v != nil && v.IsGeneric() {
		t.Errorf("verdict %s, a generic wording, beside a specific alternative", v.ID)
	}
	if alts := rec.runs[0].Alternatives; len(alts) == 0 || alts[0].ID != "windows-cipher-suites" {
		t.Errorf("alternatives %v, want windows-cipher-suites first", alts)
	}
}

// TestHeadersInARow: runs whose header lines repeat, alternate or change
// (more distinct ones than the analyzer remembers) get the command,
// version and OS each gets alone.
func TestHeadersInARow(t *testing.T) {
	commands := []string{"show", "version", "show", "config get", "logs", "connect", "disconnect", "check", "a", "b", "c",
		`C:\\ProgramData\\AzureConnectedMachineAgent\\azcmagent.exe show`, "show", "version", "d", "show"}
	versions := []string{"1.58.03102.1933", "1.58.03102.1933", "1.59", "1.59", "1.40.02664.1629"}
	header := func(i int) string {
		return fmt.Sprintf("time=\"2031-02-06T08:%02d:00Z\" level=debug msg=\"Agent Version: %s\"\n"+
			"time=\"2031-02-06T08:%02d:00Z\" level=debug msg=\"Agent Command: %s\"\n"+
			"time=\"2031-02-06T08:%02d:01Z\" level=info msg=\"Exit Code:  AZCM0000: No Error\"\n",
			i, versions[i%len(versions)], i, commands[i], i)
	}
	type got struct{ Command, Version, OS string }
	var log strings.Builder
	var want []got
	for i := range commands {
		log.WriteString(header(i))
		alone, _ := analyze(t, header(i), "", Options{})
		r := alone.runs[0]
		want = append(want, got{r.Command, r.AgentVersion, r.Context.OS})
	}
	all, _ := analyze(t, log.String(), "", Options{})
	var runs []got
	for _, r := range all.runs {
		runs = append(runs, got{r.Command, r.AgentVersion, r.Context.OS})
	}
	if diff := cmp.Diff(want, runs); diff != "" {
		t.Errorf("runs differ (-alone +in a row):\n%s", diff)
	}
}
