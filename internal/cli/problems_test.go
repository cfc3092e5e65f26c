package cli

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/kb"
)

// problemWords are the catalog's sentences for what analyze could not
// read: under one language, none of the other language's may show.
var problemWords = []msg.ID{
	msg.ProblemNotFound, msg.ProblemDenied, msg.ProblemNoLogFiles, msg.ProblemNotRegular,
	msg.ProblemNestedZip, msg.ProblemEncrypted, msg.HintNotInstalled, msg.HintAsRoot,
	msg.HintExpectedLogs, msg.HintDamagedZip, msg.HintUnsafeName, msg.HintExtractNested,
	msg.HintExtractEncrypted, msg.HintExtractMethod, msg.HintTooManyEntries, msg.TailAsAdmin,
	msg.UnsafeControlChar, msg.UnsafeDriveLetter, msg.UnsafeUNC, msg.UnsafeAbsolute, msg.UnsafeDotDot,
}

// leads are the words before the first argument of the sentences that
// take some: under one language, none of the other's may show either.
func leads(lang kb.Lang) []string {
	var out []string
	for _, id := range []msg.ID{msg.ProblemDamagedZip, msg.ProblemUnsafe, msg.ProblemMethod, msg.ProblemNotZip, msg.ProblemTooManyEntries} {
		out = append(out, strings.TrimSpace(strings.Split(id.Text().In(lang), "%")[0]))
	}
	return out
}

// TestProblemsInReadersLanguage: what analyze could not read, and what to
// do about it, is said on standard error in the reader's language, and
// only in it, for every kind of bad input QA met.
func TestProblemsInReadersLanguage(t *testing.T) {
	bundles := filepath.Join("..", "..", "testdata", "logs", "bundles")
	empty := t.TempDir()
	writeTestFile(t, filepath.Join(empty, "notes.txt"), "not a log\n")
	type problemCase struct {
		name string
		args []string
		want []msg.ID // the sentences stderr must have
		ja   string   // and a Japanese lead it must have under ja
		// detail is the lower-level text (archive/zip's) kept in both
		// languages.
		detail string
	}
	notZip := filepath.Join(t.TempDir(), "azcmagent-logs.zip")
	writeTestFile(t, notZip, "not a zip at all\n")
	cases := []problemCase{
		{"not a zip", []string{notZip}, nil, "zip アーカイブではありません: ", "zip: not a valid zip file"},
		{"too many entries", []string{manyEntriesZip(t, logsource.DefaultMaxEntries+1)}, []msg.ID{msg.HintTooManyEntries},
			fmt.Sprintf("zip のエントリが多すぎます: %d 個あり", logsource.DefaultMaxEntries+1), ""},
		{"damaged zip", []string{filepath.Join(bundles, "truncated.zip")}, []msg.ID{msg.HintDamagedZip}, "破損した zip です", ""},
		{"unsafe entries", []string{filepath.Join(bundles, "evil.zip")}, []msg.ID{msg.HintUnsafeName, msg.UnsafeDotDot, msg.UnsafeAbsolute, msg.UnsafeDriveLetter}, "安全でないエントリ パスです", ""},
		{"folder with no logs", []string{empty}, []msg.ID{msg.ProblemNoLogFiles, msg.HintExpectedLogs}, "", ""},
		{"missing file", []string{filepath.Join(empty, "absent.log")}, []msg.ID{msg.ProblemNotFound}, "", ""},
	}
	if _, err := os.Stat(logsource.DefaultPaths("linux", nil)[0]); os.IsNotExist(err) {
		cases = append(cases, problemCase{"no argument, no agent", nil, []msg.ID{msg.ProblemNotFound, msg.HintNotInstalled}, "", ""})
	}
	if locked := filepath.Join(t.TempDir(), "azcmagent.log"); !readableWhenLocked(t, locked) {
		cases = append(cases, problemCase{"unreadable file", []string{locked}, []msg.ID{msg.ProblemDenied, msg.HintAsRoot}, "", ""})
	}
	for _, tt := range cases {
		for _, lang := range []kb.Lang{kb.EN, kb.JA} {
			other := kb.JA
			if lang == kb.JA {
				other = kb.EN
			}
			var stdout, stderr bytes.Buffer
			args := append([]string{"--lang", string(lang), "analyze"}, tt.args...)
			if code := Main(t.Context(), args, strings.NewReader(""), &stdout, &stderr); code != ExitUsage {
				t.Errorf("%s, %s: exit %d, want %d", tt.name, lang, code, ExitUsage)
			}
			out := stderr.String()
			for _, id := range tt.want {
				if !strings.Contains(out, id.In(lang)) {
					t.Errorf("%s, %s: stderr lacks %q:\n%s", tt.name, lang, id.In(lang), out)
				}
			}
			if lang == kb.JA && !strings.Contains(out, tt.ja) {
				t.Errorf("%s, %s: stderr lacks %q:\n%s", tt.name, lang, tt.ja, out)
			}
			if !strings.Contains(out, tt.detail) {
				t.Errorf("%s, %s: stderr lacks the detail %q:\n%s", tt.name, lang, tt.detail, out)
			}
			forbidden := leads(other)
			for _, id := range problemWords {
				forbidden = append(forbidden, id.In(other))
			}
			for _, s := range forbidden {
				if strings.Contains(out, s) {
					t.Errorf("%s, %s: stderr has the %s %q:\n%s", tt.name, lang, other, s, out)
				}
			}
		}
	}
}

// TestProblemTextPermission words a permission problem in both languages
// even where the tests run as root and no file can be made unreadable.
func TestProblemTextPermission(t *testing.T) {
	p := &logsource.Problem{Path: "/var/opt/azcmagent/log/himds.log", Err: syscall.EACCES, Hint: logsource.HintRunAsRoot}
	for lang, want := range map[string]string{
		"en": "permission denied (run as root)",
		"ja": "アクセスが拒否されました (root として実行してください)",
	} {
		if got := (Globals{Lang: lang}).problemText(p); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	p.Hint = logsource.HintRunElevated
	if got, want := (Globals{Lang: "ja"}).problemText(p), "アクセスが拒否されました (管理者として実行したプロンプトから実行してください)"; got != want {
		t.Errorf("ja, Windows: %q, want %q", got, want)
	}
}

// readableWhenLocked writes a log at path, takes every permission away and
// reports whether it can still be read (the tests run as root).
func readableWhenLocked(t *testing.T, path string) bool {
	t.Helper()
	writeTestFile(t, path, "time=\"2031-02-03T04:05:06Z\" level=info msg=x\n")
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err == nil {
		f.Close()
		return true
	}
	return false
}

// manyEntriesZip writes a zip of n empty entries.
func manyEntriesZip(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "many.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for i := range n {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("e%d.txt", i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := errors.Join(zw.Close(), f.Close()); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStdinProblemsInReadersLanguage: "-" given twice and a zip piped to
// standard input are said in the reader's language.
func TestStdinProblemsInReadersLanguage(t *testing.T) {
	zipData, err := os.ReadFile(filepath.Join("..", "..", "testdata", "logs", "bundles", "azcmagent-20310203T040506-arc-web-01.zip"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args  []string
		stdin string
		id    msg.ID
	}{
		{[]string{"-", "-"}, "", msg.ProblemStdinTwice},
		{[]string{"-"}, string(zipData), msg.ProblemStdinZip},
	} {
		for _, lang := range []kb.Lang{kb.EN, kb.JA} {
			var stdout, stderr bytes.Buffer
			args := append([]string{"--lang", string(lang), "analyze"}, tt.args...)
			if code := Main(t.Context(), args, strings.NewReader(tt.stdin), &stdout, &stderr); code != ExitUsage {
				t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
			}
			if !strings.Contains(stderr.String(), tt.id.In(lang)) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, tt.id.In(lang), stderr.String())
			}
		}
	}
}
