package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodes pins the documented exit codes: 0 found, 1 nothing found,
// 2 usage or input error (kong's own 80 included).
func TestExitCodes(t *testing.T) {
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "bad.yaml"), []byte("- id: x\n  kind: nonsense\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "absent")
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		want   int
		stdout string // a substring expected on stdout
		stderr string // a substring expected on stderr
	}{
		{name: "code found", args: []string{"explain", "AZCM0041"}, want: ExitOK, stdout: "AZCM0041"},
		{name: "exit status found", args: []string{"explain", "exit", "code", "42"}, want: ExitOK, stdout: "AZCM0042"},
		{name: "unknown code", args: []string{"explain", "AZCM0047"}, want: ExitNone, stderr: "nearest known codes"},
		{name: "text matches nothing", args: []string{"explain", "all is well"}, want: ExitNone, stderr: "arcdiag search"},
		{name: "explain without a query", args: []string{"explain"}, want: ExitUsage, stderr: "expected"},
		{name: "unknown language", args: []string{"--lang", "fr", "explain", "41"}, want: ExitUsage, stderr: "--lang"},
		{name: "unknown command", args: []string{"frobnicate"}, want: ExitUsage, stderr: "unexpected argument"},
		{name: "no command", args: nil, want: ExitUsage},
		{name: "help", args: []string{"--help"}, want: ExitOK, stdout: "Usage: arcdiag"},
		{name: "command help", args: []string{"explain", "--help"}, want: ExitOK, stdout: "Examples:"},
		{name: "version", args: []string{"--version"}, want: ExitOK, stdout: "arcdiag"},
		{name: "kb list", args: []string{"kb", "list"}, want: ExitOK, stdout: "AZCM0041"},
		{name: "kb list finds nothing", args: []string{"kb", "list", "--tag", "no-such-tag"}, want: ExitNone},
		{name: "kb list bad kind", args: []string{"kb", "list", "--kind", "poem"}, want: ExitUsage},
		{name: "kb show", args: []string{"kb", "show", "41"}, want: ExitOK, stdout: "kb/data/"},
		{name: "kb show unknown", args: []string{"kb", "show", "no-such-entry"}, want: ExitNone},
		{name: "kb lint built-in", args: []string{"kb", "lint"}, want: ExitOK, stdout: "ok:"},
		{name: "kb lint broken dir", args: []string{"kb", "lint", broken}, want: ExitUsage, stderr: "bad.yaml:2"},
		{name: "kb-dir broken", args: []string{"--kb-dir", broken, "explain", "41"}, want: ExitUsage, stderr: "bad.yaml:2"},
		{name: "kb-dir missing", args: []string{"--kb-dir", missing, "explain", "41"}, want: ExitUsage, stderr: "absent"},
		{name: "ARCDIAG_KB_DIR broken", args: []string{"explain", "41"}, env: map[string]string{"ARCDIAG_KB_DIR": broken}, want: ExitUsage, stderr: "bad.yaml:2"},
	}
	for _, tt := range tests {
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
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.stdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
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
