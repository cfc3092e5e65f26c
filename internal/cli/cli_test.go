package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/arcdiag/arcdiag/internal/report"
)

// TestExitCodes pins the documented exit codes: 0 found, 1 nothing found,
// 2 usage or input error (kong's own 80 included).
func TestExitCodes(t *testing.T) {
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "bad.yaml"), []byte("- id: x\n  kind: nonsense\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "absent")
	notLog := filepath.Join(t.TempDir(), "picture.png")
	if err := os.WriteFile(notLog, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644); err != nil {
		t.Fatal(err)
	}
	sample := filepath.Join("..", "..", "testdata", "logs", "linux", "azcmagent.log")
	quiet := filepath.Join(t.TempDir(), "azcmagent.log")
	if err := os.WriteFile(quiet, []byte(`time="2031-02-03T04:05:06Z" level=info msg="Agent Command: show"`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		want   int
		stdout string // a substring expected on stdout, if any
		stderr string // a substring expected on stderr, if any
	}{
		{name: "code found", args: []string{"explain", "AZCM0041"}, want: ExitOK, stdout: "AZCM0041"},
		{name: "exit status found", args: []string{"explain", "exit", "code", "42"}, want: ExitOK, stdout: "AZCM0042"},
		{name: "unknown code", args: []string{"explain", "AZCM0047"}, want: ExitNotFound, stderr: "nearest known codes"},
		{name: "text matches nothing", args: []string{"explain", "all is well"}, want: ExitNotFound, stderr: "arcdiag search"},
		{name: "explain without a query", args: []string{"explain"}, want: ExitUsage, stderr: "expected"},
		{name: "unknown language", args: []string{"--lang", "fr", "explain", "41"}, want: ExitUsage, stderr: "--lang"},
		{name: "unknown command", args: []string{"frobnicate"}, want: ExitUsage, stderr: "unexpected argument"},
		{name: "no command", args: nil, want: ExitUsage, stderr: "expected one of"},
		{name: "help", args: []string{"--help"}, want: ExitOK, stdout: "Usage: arcdiag"},
		{name: "command help", args: []string{"explain", "--help"}, want: ExitOK, stdout: "Examples:"},
		{name: "version", args: []string{"--version"}, want: ExitOK, stdout: "arcdiag"},
		{name: "kb list", args: []string{"kb", "list"}, want: ExitOK, stdout: "AZCM0041"},
		{name: "kb list finds nothing", args: []string{"kb", "list", "--tag", "no-such-tag"}, want: ExitNotFound, stderr: "no entry matches these filters"},
		{name: "kb list bad kind", args: []string{"kb", "list", "--kind", "poem"}, want: ExitUsage, stderr: "--kind"},
		{name: "kb show", args: []string{"kb", "show", "41"}, want: ExitOK, stdout: "kb/data/"},
		{name: "kb show unknown", args: []string{"kb", "show", "no-such-entry"}, want: ExitNotFound, stderr: `no entry "no-such-entry"`},
		{name: "kb lint built-in", args: []string{"kb", "lint"}, want: ExitOK, stdout: "ok:"},
		{name: "kb lint broken dir", args: []string{"kb", "lint", broken}, want: ExitUsage, stderr: "bad.yaml:2"},
		{name: "kb-dir broken", args: []string{"--kb-dir", broken, "explain", "41"}, want: ExitUsage, stderr: "bad.yaml:2"},
		{name: "kb-dir missing", args: []string{"--kb-dir", missing, "explain", "41"}, want: ExitUsage, stderr: "absent"},
		{name: "ARCDIAG_KB_DIR broken", args: []string{"explain", "41"}, env: map[string]string{"ARCDIAG_KB_DIR": broken}, want: ExitUsage, stderr: "bad.yaml:2"},
		{name: "search found", args: []string{"search", "proxy", "misconfigured"}, want: ExitOK, stdout: "proxy-misconfiguration"},
		{name: "search Japanese", args: []string{"--lang", "ja", "search", "プロキシ"}, want: ExitOK, stdout: "プロキシ"},
		{name: "search code prefix", args: []string{"search", "AZCM004*"}, want: ExitOK, stdout: "AZCM0041"},
		{name: "search filter only", args: []string{"search", "kind:note"}, want: ExitOK, stdout: "verbose-log"},
		{name: "search json", args: []string{"search", "--json", "secret"}, want: ExitOK, stdout: `"hits": [`},
		{name: "search finds nothing", args: []string{"search", "frobnicator"}, want: ExitNotFound, stderr: "no entry matches"},
		{name: "search did you mean", args: []string{"search", "sertifcat"}, want: ExitNotFound, stderr: "did you mean 'certificate'"},
		{name: "search json finds nothing", args: []string{"search", "--json", "tag:proxi"}, want: ExitNotFound, stdout: `"suggestions": [`},
		{name: "search without a query", args: []string{"search"}, want: ExitUsage, stderr: "expected"},
		{name: "search bad kind", args: []string{"search", "kind:poem"}, want: ExitUsage, stderr: "kinds are"},
		{name: "search bad limit", args: []string{"search", "--limit", "-1", "proxy"}, want: ExitUsage, stderr: "--limit"},
		{name: "search empty phrase", args: []string{"search", `""`}, want: ExitUsage, stderr: "nothing to search"},
		{name: "search help", args: []string{"search", "--help"}, want: ExitOK, stdout: "Examples:"},
		{name: "analyze not an agent log", args: []string{"analyze", notLog}, want: ExitUsage, stderr: "picture.png: not an agent log"},
		{name: "explain an installer status", args: []string{"explain", "1618"}, want: ExitOK, stdout: "msi-install-already-running-1618"},
		{name: "analyze finds failures", args: []string{"analyze", sample}, want: ExitFailures, stdout: "FAILED"},
		{name: "analyze finds none", args: []string{"analyze", quiet}, want: ExitOK, stdout: "0 findings"},
		{name: "analyze missing file", args: []string{"analyze", missing}, want: ExitUsage, stderr: "absent"},
		{name: "analyze bad --since", args: []string{"analyze", "--since", "yesterday", sample}, want: ExitUsage, stderr: "--since"},
		{name: "search kb-dir broken", args: []string{"--kb-dir", broken, "search", "proxy"}, want: ExitUsage, stderr: "bad.yaml:2"},
	}
	for _, tt := range tests {
		if tt.stdout == "" && tt.stderr == "" {
			// strings.Contains(x, "") holds for any x: a row must say what
			// it expects to see.
			t.Fatalf("%s: the row checks no output", tt.name)
		}
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ARCDIAG_KB_DIR", "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			got := Main(t.Context(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if got != tt.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", got, tt.want, stdout.String(), stderr.String())
			}
			if tt.stdout != "" && !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.stdout, stdout.String())
			}
			if tt.stderr != "" && !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.stderr, stderr.String())
			}
		})
	}
}

func TestLanguageFromLocale(t *testing.T) {
	tests := []struct {
		flag, lcAll, lcMessages, lang string
		want                          string
	}{
		{want: "en"},
		{lang: "ja_JP.UTF-8", want: "ja"},
		{lcMessages: "ja_JP", lang: "en_US", want: "ja"},
		{lcAll: "C", lcMessages: "ja_JP", want: "en"},
		{lcAll: "ja", want: "ja"},
		{flag: "en", lcAll: "ja_JP.UTF-8", want: "en"},
		{flag: "ja", lang: "C.UTF-8", want: "ja"},
	}
	for _, tt := range tests {
		t.Setenv("LC_ALL", tt.lcAll)
		t.Setenv("LC_MESSAGES", tt.lcMessages)
		t.Setenv("LANG", tt.lang)
		if got := (Globals{Lang: tt.flag}).language(); string(got) != tt.want {
			t.Errorf("%+v: language %q, want %q", tt, got, tt.want)
		}
	}
}

// TestSecretsNeverPrinted runs analyze over every sample log, in every
// output format, with and without --all, and proves that none of the
// secrets planted in the samples (each contains PLANTED; see
// testdata/logs/README.md) reaches standard output or standard error, while
// --no-redact does print them.
func TestSecretsNeverPrinted(t *testing.T) {
	logs := filepath.Join("..", "..", "testdata", "logs")
	for _, args := range [][]string{
		{"analyze", logs},
		{"analyze", "--all", logs},
		{"analyze", "--json", logs},
		{"analyze", "--json", "--all", logs},
		{"analyze", "--format", "markdown", logs},
		{"analyze", "--format", "markdown", "--all", logs},
		{"--lang", "ja", "analyze", "--all", logs},
	} {
		var stdout, stderr bytes.Buffer
		Main(t.Context(), args, strings.NewReader(""), &stdout, &stderr)
		if stdout.Len() == 0 {
			t.Fatalf("%v printed nothing", args)
		}
		for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
			if i := strings.Index(out, "PLANTED"); i >= 0 {
				t.Errorf("%v: a planted secret reached %s: %q", args, name, out[max(0, i-80):min(len(out), i+40)])
			}
		}
	}
	var stdout bytes.Buffer
	Main(t.Context(), []string{"analyze", "--all", "--no-redact", logs}, strings.NewReader(""), &stdout, io.Discard)
	if n := strings.Count(stdout.String(), "PLANTED"); n < 5 {
		t.Errorf("--no-redact printed %d planted secrets; the samples hold more, so the check above proves nothing", n)
	}
}

// TestJSONSummaryProblems: when analyze exits 2, its JSON summary says why,
// one problem per input or zip entry that could not be read; when
// everything was read, the list is there and empty.
func TestJSONSummaryProblems(t *testing.T) {
	bundles := filepath.Join("..", "..", "testdata", "logs", "bundles")
	missing := filepath.Join(t.TempDir(), "absent.log")
	for _, tt := range []struct {
		args []string
		code int
		want []string // the files named, in order
	}{
		{[]string{filepath.Join(bundles, "truncated.zip"), missing}, ExitUsage,
			[]string{filepath.Join(bundles, "truncated.zip"), missing, filepath.Join(bundles, "truncated.zip") + ":var/opt/azcmagent/log/himds.log"}},
		{[]string{filepath.Join("..", "..", "testdata", "logs", "linux", "azcmagent.log")}, ExitFailures, []string{}},
		// Nothing readable at all: the summary still says why.
		{[]string{missing}, ExitUsage, []string{missing}},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(t.Context(), append([]string{"analyze", "--json"}, tt.args...), strings.NewReader(""), &stdout, &stderr)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d", tt.args, code, tt.code)
		}
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		var sum struct {
			Type     string
			Problems *[]struct{ File, Problem string }
		}
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil || sum.Type != "summary" || sum.Problems == nil {
			t.Fatalf("%v: last line is not a summary with problems (%v): %s", tt.args, err, lines[len(lines)-1])
		}
		var got []string
		for _, p := range *sum.Problems {
			got = append(got, p.File)
			if p.Problem == "" || strings.HasPrefix(p.Problem, p.File) {
				t.Errorf("%v: problem of %s is %q: empty, or naming the file again", tt.args, p.File, p.Problem)
			}
		}
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%v: files with problems (-want +got):\n%s", tt.args, diff)
		}
	}
}

// TestSearchFragmentsInReadersLanguage: a fragment of an entry's own text
// (title, cause, remediation) is in the reader's language, whatever the
// language of the query; only quoted log text (examples, aliases) is in the
// agent's English.
func TestSearchFragmentsInReadersLanguage(t *testing.T) {
	for _, tt := range []struct {
		lang  string
		query []string
	}{
		{"ja", []string{"proxy"}},
		{"ja", []string{"certificate", "expired"}},
		{"en", []string{"プロキシ"}},
	} {
		var stdout bytes.Buffer
		args := append([]string{"--lang", tt.lang, "search", "--json", "--limit", "0"}, tt.query...)
		if code := Main(t.Context(), args, strings.NewReader(""), &stdout, io.Discard); code != ExitOK {
			t.Fatalf("%v: exit %d", args, code)
		}
		var res struct {
			Hits []struct {
				ID        string
				Fragments []struct{ Field, Lang, Text string }
			}
		}
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, h := range res.Hits {
			for _, f := range h.Fragments {
				if f.Field == "example" || f.Field == "alias" {
					continue
				}
				n++
				if f.Lang != tt.lang {
					t.Errorf("%v: %s: a %s fragment in %s: %q", args, h.ID, f.Field, f.Lang, f.Text)
				}
			}
		}
		if n == 0 {
			t.Errorf("%v: no fragment of an entry's own text at all", args)
		}
	}
}

// TestKBListFits: every line of kb list fits 100 columns, in English and
// Japanese, ids whole, with an entry from a deep --kb-dir whose id is long.
func TestKBListFits(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "rather", "deeply", "nested", "directory", "of", "our", "own", "entries")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	entry := `- id: our-own-very-long-entry-identifier-for-a-local-problem
  kind: note
  title:
    en: A title long enough to need cutting, and then some more words to be sure it is cut
    ja: 切り詰めが必要なほど長いタイトルで、確実に切り詰められるようにさらに言葉を加えたもの
  cause:
    en: Local.
    ja: ローカル。
  remediation:
    en: Nothing.
    ja: なし。
  sources: [https://wiki.contoso.example/arc/kb]
`
	if err := os.WriteFile(filepath.Join(dir, "local-entries-with-a-long-file-name.yaml"), []byte(entry), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "ja"} {
		var stdout, stderr bytes.Buffer
		if code := Main(t.Context(), []string{"--lang", lang, "--kb-dir", dir, "kb", "list"}, strings.NewReader(""), &stdout, &stderr); code != ExitOK {
			t.Fatalf("%s: exit %d: %s", lang, code, stderr.String())
		}
		lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
		if len(lines) < 100 {
			t.Fatalf("%s: %d lines", lang, len(lines))
		}
		sawLocal := false
		for _, l := range lines {
			if w := report.DisplayWidth(l); w > report.ListWidth {
				t.Errorf("%s: %d columns: %q", lang, w, l)
			}
			sawLocal = sawLocal || strings.HasPrefix(l, "our-own-very-long-entry-identifier-for-a-local-problem  note  ")
		}
		if !sawLocal {
			t.Errorf("%s: the local entry is not listed with its whole id", lang)
		}
	}
}
