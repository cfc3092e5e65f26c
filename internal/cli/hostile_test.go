package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arcdiag/arcdiag/internal/redact/redacttest"
)

// TestPlantedSecretsEveryCommand runs every planted secret form through
// every command and output format that can echo a log line or a query.
func TestPlantedSecretsEveryCommand(t *testing.T) {
	var log strings.Builder
	log.WriteString(`time="2031-02-03T04:05:01Z" level=debug msg="Agent Version: 1.48.02881.1941"` + "\n")
	for _, c := range redacttest.Cases {
		log.WriteString(c.Line + "\n")
	}
	log.WriteString(`time="2031-02-03T04:05:09Z" level=info msg="Exit Code: AZCM0041"` + "\n")
	path := filepath.Join(t.TempDir(), "azcmagent.log")
	if err := os.WriteFile(path, []byte(log.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	type run struct {
		args []string
		stop time.Duration // tail: stopped after this long
	}
	runs := []run{
		{args: []string{"analyze", path}},
		{args: []string{"analyze", "--all", path}},
		{args: []string{"analyze", "--json", path}},
		{args: []string{"analyze", "--json", "--all", path}},
		{args: []string{"analyze", "--format", "markdown", path}},
		{args: []string{"analyze", "--format", "markdown", "--all", path}},
		{args: []string{"tail", "--from-start", path}, stop: time.Second},
		{args: []string{"tail", "--from-start", "--all", path}, stop: time.Second},
		{args: []string{"tail", "--from-start", "--json", path}, stop: time.Second},
	}
	for _, c := range redacttest.Cases {
		runs = append(runs,
			run{args: []string{"explain", c.Line}},
			run{args: []string{"explain", "--", c.Line}},
			run{args: []string{"explain", "--json", "--", c.Line}},
			run{args: []string{"search", "--", c.Line}},
			run{args: []string{"search", "--json", "--", c.Line}},
		)
	}
	for _, r := range runs {
		ctx := t.Context()
		if r.stop > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, r.stop)
			defer cancel()
		}
		var stdout, stderr bytes.Buffer
		Main(ctx, r.args, strings.NewReader(""), &stdout, &stderr)
		out := stdout.String() + stderr.String()
		for _, c := range redacttest.Cases {
			for _, s := range append([]string{c.Secret}, c.Parts...) {
				if i := strings.Index(out, s); i >= 0 {
					t.Errorf("%s: %v printed %q: …%s…", c.Name, r.args[:len(r.args)-1], s, out[max(0, i-60):min(len(out), i+len(s)+20)])
				}
			}
		}
	}
	// The check can fail: without redaction every secret is printed.
	var stdout bytes.Buffer
	Main(t.Context(), []string{"analyze", "--all", "--no-redact", path}, strings.NewReader(""), &stdout, &bytes.Buffer{})
	for _, c := range redacttest.Cases {
		if !strings.Contains(stdout.String(), c.Secret) {
			t.Errorf("%s: not printed even with --no-redact: the check above proves nothing", c.Name)
		}
	}
}

// TestTerminalEscapesShownEscaped: control sequences in log lines never
// reach the terminal raw, in text and markdown, analyze and tail; markdown
// links in a line are not links.
func TestTerminalEscapesShownEscaped(t *testing.T) {
	lines := "" +
		`time="2031-02-03T04:05:06Z" level=error msg="Failed to reach the Azure Arc service` + "\x1b]0;owned\x07\x1b[2J" + `" Error="dial tcp: i/o timeout"` + "\n" +
		`time="2031-02-03T04:05:07Z" level=error msg="Failed [click](javascript:alert(1)) now` + "\u009b31m" + `"` + "\n" +
		"plain line \x1b[31mred\x1b[0m and a bell \x07\n"
	path := filepath.Join(t.TempDir(), "azcmagent.log")
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"analyze", path},
		{"analyze", "--all", path},
		{"analyze", "--format", "markdown", path},
		{"analyze", "--format", "markdown", "--all", path},
		{"tail", "--from-start", path},
		{"tail", "--from-start", "--all", path},
	} {
		ctx := t.Context()
		if args[0] == "tail" {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, 700*time.Millisecond)
			defer cancel()
		}
		var stdout, stderr bytes.Buffer
		Main(ctx, args, strings.NewReader(""), &stdout, &stderr)
		out := stdout.String()
		if strings.ContainsAny(out, "\x1b\x07\u009b") {
			i := strings.IndexAny(out, "\x1b\x07\u009b")
			t.Errorf("%v: a control character printed raw: %q", args[:len(args)-1], out[max(0, i-40):min(len(out), i+20)])
		}
		if !strings.Contains(out, `\x1b]0;owned\x07`) && !strings.Contains(out, `\\x1b\]0;owned\\x07`) {
			t.Errorf("%v: the OSC sequence is not shown escaped:\n%s", args[:len(args)-1], out)
		}
		if args[1] == "--format" && strings.Contains(out, "[click](") {
			t.Errorf("%v: a markdown link survived:\n%s", args[:len(args)-1], out)
		}
	}
}

// TestTailSecretAcrossReadBoundary: a secret that straddles the 1 MiB a
// line is cut at is masked, and its end, past the cut, never printed.
func TestTailSecretAcrossReadBoundary(t *testing.T) {
	head := `time="2031-02-03T04:05:06Z" level=error msg="token request failed" Body="`
	pad := strings.Repeat("p", 1<<20-len(head)-len("client_secret=")-8)
	line := head + pad + "client_secret=" + "Zx8Q~s3cr3t.STRADDLE_END" + `"` + "\n"
	path := filepath.Join(t.TempDir(), "azcmagent.log")
	if err := os.WriteFile(path, []byte(line+"after\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--from-start", "--all", path}, {"--from-start", "--json", "--all", path}} {
		// Stopped once the next line is printed: the long one came before it.
		stdout, _ := tailUntil(t, func(stdout, _ string) bool { return strings.Contains(stdout, "after") }, args...)
		for _, part := range []string{"Zx8Q~s3c", "STRADDLE_END", "3cr3t"} {
			if strings.Contains(stdout, part) {
				t.Errorf("%v printed %q", args[:len(args)-1], part)
			}
		}
	}
}
