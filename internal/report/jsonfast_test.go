package report

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/internal/machine"
	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// encoded is v as every command writes JSON: encoding/json without HTML
// escaping, without the Encoder's newline.
func encoded(t testing.TB, v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// TestAppendRun writes a sequence of runs, some repeating what the runs
// before them wrote (which appendRun keeps escaped), and checks each
// object against encoding/json's of the same run.
func TestAppendRun(t *testing.T) {
	strange := "quote\" back\\slash <html> & ctl\x01\x1f tab\t nl\n cr\r bad\xff utf8 日本語 \u2028\u2029 \b\f"
	start := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	east := time.Date(2031, 2, 3, 4, 5, 7, 0, time.FixedZone("east", 9*3600))
	secret := "azcmagent connect --service-principal-secret Zx8Q~s3cr3t.VALUE_123 --tenant-id t"
	e := func(id string) *kb.Entry { return &kb.Entry{ID: id} }
	verdict := &diagnose.Finding{Line: 4}
	runs := []*diagnose.Run{
		{File: "a.log", Index: 1, StartLine: 1, EndLine: 2},
		{File: "a.log", Index: 2, StartLine: 3, EndLine: 9, Start: start, End: start, Command: "show", AgentVersion: "1.58", ExitCode: "AZCM0000"},
		{File: "a.log", Index: 3, StartLine: 10, EndLine: 12, Start: start, End: east, Command: "version", AgentVersion: "1.58", ExitCode: "AZCM0000"},
		{File: "a.log", Index: 4, StartLine: 13, EndLine: 20, Start: start, End: start, Command: "show", AgentVersion: "1.58", ExitCode: "AZCM0000"},
		{File: strange, Index: 1, StartLine: 3, EndFile: "b.log", EndLine: 9, Start: east, End: east, Command: strange, AgentVersion: "1.58",
			ExitCode: "AZCM0042", Failed: true, Verdict: e("tls-untrusted-certificate"), VerdictFinding: verdict, FindingCount: 3,
			Notes: []*kb.Entry{e("verbose-log"), e(strange)}, KnownCauses: []*kb.Entry{e("endpoints-unreachable"), e(strange)},
			Alternatives: []*kb.Entry{e("agent-131-proxy-bug")}},
		{File: "m.log", Index: 1, StartLine: 1, EndLine: 1, Command: secret, Failed: true, Verdict: e("AZCM0041"),
			VerdictFinding: &diagnose.Finding{}, VerdictSuggested: true},
		{File: "m.log", Index: 2, StartLine: 2, EndLine: 5, Command: secret, Verdict: e("x"), Context: kb.Context{OS: "windows"}},
		{File: "a.log", Index: 5, StartLine: 21, EndLine: 22, Command: "show"},
	}
	for _, noRedact := range []bool{false, true} {
		labeller := &machine.Labeller{ByInput: map[string]machine.Identity{strange: {Name: strange, OS: "linux"}, "m.log": {Name: "m"}}}
		j := NewJSON(io.Discard, nil, Options{Labeller: labeller, NoRedact: noRedact})
		for _, run := range runs {
			got := string(j.appendRun(nil, run))
			if want := encoded(t, j.runJSON(run)); got != want {
				t.Errorf("appendRun (NoRedact %v)\n got %s\nwant %s", noRedact, got, want)
			}
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	f.Add("plain")
	f.Add("<&>\"\\\x00\xff\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendJSONString(nil, s)), encoded(t, s); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}

// TestAppendFinding writes findings carrying every entry of the built-in
// knowledge base, in each language, for machines whose OS and agent
// version pick each entry's variants and history, some findings repeating
// the text before them (which appendFinding keeps escaped), and checks
// each object against encoding/json's of the same finding.
func TestAppendFinding(t *testing.T) {
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	strange := "quote\" back\\slash <html> & ctl\x01\x1f tab\t nl\n cr\r bad\xff utf8 日本語 \u2028\u2029 \b\f"
	secret := "Failed to acquire token --service-principal-secret Zx8Q~s3cr3t.VALUE_123 --tenant-id t"
	var contexts []kb.Context
	for _, v := range []string{"", "1.10", "1.22.1", "1.30", "1.58.03102.1933", "1.70"} {
		for _, os := range []string{"", "linux", "windows"} {
			ctx := kb.Context{OS: os}
			if v != "" {
				if ctx.Agent, err = kb.ParseVersion(v); err != nil {
					t.Fatal(err)
				}
			}
			contexts = append(contexts, ctx)
		}
	}
	start := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	run := &diagnose.Run{File: "azcmagent.log", Index: 2, StartLine: 7, Start: start, AgentVersion: "1.58.03102.1933"}
	entries := k.Entries()
	var findings []*diagnose.Finding
	for i, e := range entries {
		f := &diagnose.Finding{File: "azcmagent.log", Line: 10 + i, Time: start, Level: parser.LevelError,
			Message: "Failed", Text: "Failed Error=x", Codes: []string{"AZCM0041"}, Entries: []*kb.Entry{e}, Run: run,
			Context: contexts[i%len(contexts)]}
		switch i % 5 {
		case 0:
			f.Run, f.Time, f.Codes, f.Level = nil, time.Time{}, nil, parser.LevelNone
		case 1:
			f.Message, f.Text, f.Unknown = strange, strange+" more", []string{"AZCM9999", strange}
			f.Entries = append(f.Entries, entries[(i+7)%len(entries)])
		case 2:
			f.Message, f.Text, f.Excerpt, f.LineLen = secret, secret, true, 123456
			f.Entries, f.Suggested = nil, []*kb.Entry{e, entries[(i+3)%len(entries)]}
		case 3:
			f.Message, f.Text, f.Excerpt = "", "", true
			f.Time = time.Date(2031, 2, 3, 4, 5, 7, 0, time.FixedZone("east", 9*3600))
		}
		findings = append(findings, f)
		for _, ctx := range contexts {
			g := *f
			g.Context = ctx
			findings = append(findings, &g)
		}
	}
	for _, lang := range []kb.Lang{kb.EN, kb.JA} {
		for _, noRedact := range []bool{false, true} {
			j := NewJSON(io.Discard, k, Options{Lang: lang, NoRedact: noRedact})
			for _, f := range findings {
				got := string(j.appendFinding(nil, f))
				if want := encoded(t, j.findingJSON(f)); got != want {
					t.Fatalf("appendFinding (%s, NoRedact %v)\n got %s\nwant %s", lang, noRedact, got, want)
				}
			}
		}
	}
}

// TestAppendJSONStringEveryPlace puts each byte at each place of a string
// longer than two words, among plain letters, and of a string of that byte
// alone: appendJSONString tests plain text eight bytes at a time.
func TestAppendJSONStringEveryPlace(t *testing.T) {
	for c := range 256 {
		for at := range 19 {
			b := bytes.Repeat([]byte("a"), 19)
			b[at] = byte(c)
			for _, s := range []string{string(b), string(bytes.Repeat([]byte{byte(c)}, at))} {
				if got, want := string(appendJSONString(nil, s)), encoded(t, s); got != want {
					t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want)
				}
			}
		}
	}
	for _, s := range []string{"日本語のテキストです。", "ab\u2028cdefgh\u2029ijklmnop", "abcdefg\xe2\x80"} {
		if got, want := string(appendJSONString(nil, s)), encoded(t, s); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}
