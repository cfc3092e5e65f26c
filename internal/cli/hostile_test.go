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
