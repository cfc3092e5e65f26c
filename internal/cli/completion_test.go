package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestComplete: what the completion scripts offer, read from the command
// tree: commands, flags (global ones too), enum values, and ":files" where
// a file name goes.
func TestComplete(t *testing.T) {
	for _, tt := range []struct {
		words []string
		want  []string
	}{
		{[]string{""}, []string{"explain", "search", "analyze", "tail", "kb", "service", "serve", "completion"}},
		{[]string{"service", ""}, []string{"install", "uninstall"}}, // run is hidden
		{[]string{"ex"}, []string{"explain"}},
		{[]string{"kb", ""}, []string{"list", "show", "lint"}},
		{[]string{"--lang", ""}, []string{"en", "ja"}},
		{[]string{"--lang=ja", "se"}, []string{"search", "service", "serve"}},
		{[]string{"analyze", "--format", "m"}, []string{"markdown"}},
		{[]string{"analyze", "--no-"}, []string{"--no-color", "--no-pager", "--no-redact"}},
		{[]string{"search", "--li"}, []string{"--limit"}},
		{[]string{"analyze", ""}, []string{filesWanted}},
		{[]string{"analyze", "a.log", "b"}, []string{filesWanted}},
		{[]string{"tail", "--level", "e"}, []string{"error"}},
		{[]string{"--kb-dir", ""}, []string{filesWanted}},
		{[]string{"kb", "list", "--kind", ""}, []string{"code", "message", "note", "benign"}},
		{[]string{"completion", ""}, []string{"bash", "zsh", "fish", "powershell"}},
		{[]string{"explain", ""}, nil},
		{[]string{"__"}, nil}, // hidden
		// bash splits --lang=ja at the "=".
		{[]string{"--lang", "=", "ja", "se"}, []string{"search", "service", "serve"}},
		// PowerShell gives the word being completed first.
		{[]string{"--cur=", "kb"}, []string{"list", "show", "lint"}},
		{[]string{"--cur=m", "analyze", "--format"}, []string{"markdown"}},
	} {
		var stdout bytes.Buffer
		if code := Main(t.Context(), append([]string{"__complete"}, tt.words...), strings.NewReader(""), &stdout, &stdout); code != ExitOK {
			t.Fatalf("%q: exit %d: %s", tt.words, code, stdout.String())
		}
		got := strings.Fields(stdout.String())
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.words, diff)
		}
	}
}

// TestCompletionScripts: each shell's script calls back __complete and is
// what `arcdiag completion SHELL` prints (a real shell runs the bash one in
// cmd/arcdiag/testdata/script/completion.txtar).
func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		var stdout bytes.Buffer
		if code := Main(t.Context(), []string{"completion", shell}, strings.NewReader(""), &stdout, &stdout); code != ExitOK {
			t.Fatalf("%s: exit %d", shell, code)
		}
		if !strings.Contains(stdout.String(), "arcdiag __complete") || stdout.String() != completionScripts[shell] {
			t.Errorf("%s: the script does not call arcdiag __complete:\n%s", shell, stdout.String())
		}
	}
}
