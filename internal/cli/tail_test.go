package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestTailOpenFailureStopsFollowers: when a later file cannot be followed,
// tail exits 2 and the followers it already started end too, though the
// first had lines to deliver.
func TestTailOpenFailureStopsFollowers(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "azcmagent.log")
	line := `time="2031-02-03T04:05:06Z" level=info msg="an ordinary line"` + "\n"
	if err := os.WriteFile(first, []byte(strings.Repeat(line, 20000)), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(t.Context(), []string{"tail", "--from-start", first, filepath.Join(dir, "nodir", "himds.log")},
		strings.NewReader(""), &stdout, &stderr)
	if code != ExitUsage || !strings.Contains(stderr.String(), "nodir") {
		t.Fatalf("exit %d, stderr %q; want 2 naming the file", code, stderr.String())
	}
	// The goroutines end soon after; a generous bound for a loaded machine.
	deadline := time.Now().Add(20 * time.Second)
	for {
		left := tailGoroutines()
		if left == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("tail's goroutines are still running after it returned:\n%s", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tailGoroutines returns the stacks of the goroutines of tail and of the
// followers it starts.
func tailGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "internal/cli.(*TailCmd).Run") || strings.Contains(g, "internal/cli.readFollowed") || strings.Contains(g, "internal/follow.") {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}

// syncBuffer is a bytes.Buffer that tail may write while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// findings returns the NDJSON finding objects of out, in order.
func findings(out string) []string {
	var fs []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, `{"type":"finding",`) {
			fs = append(fs, l)
		}
	}
	return fs
}

// withoutIdentity drops the fields that say which machine and run a
// finding belongs to, keeping the rest as JSON with sorted keys.
func withoutIdentity(t *testing.T, lines []string) []string {
	t.Helper()
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %v: %s", err, l)
		}
		delete(m, "machine")
		delete(m, "os")
		delete(m, "run_id")
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// tailUntil runs tail with args until done, given its standard output and
// error so far, returns true, then stops it as Ctrl-C does and returns both
// outputs. It fails the test if that takes a minute.
func tailUntil(t *testing.T, done func(stdout, stderr string) bool, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	exit := make(chan int)
	go func() {
		exit <- Main(ctx, append([]string{"tail"}, args...), strings.NewReader(""), &stdout, &stderr)
	}()
	deadline := time.Now().Add(time.Minute)
	for !done(stdout.String(), stderr.String()) {
		if time.Now().After(deadline) {
			cancel()
			<-exit
			t.Fatalf("tail %v: not done after a minute; stdout:\n%.2000s\nstderr:\n%s", args, stdout.String(), stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-exit; code != ExitOK {
		t.Errorf("tail %v exited %d, want 0; stderr:\n%s", args, code, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// TestTailAndAnalyzeAgree: tail reads records with analyze's reader, so
// on each sample log (multi-line GuestConfig records, CRLF, UTF-16, a
// console capture) tail from the start gives the findings analyze gives,
// line for line, and once stopped the same runs and verdicts.
func TestTailAndAnalyzeAgree(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	logs := []string{
		"testdata/logs/guestconfig/gc_ext.log",
		"testdata/logs/guestconfig/gc_ext-linux.log",
		"testdata/logs/linux/azcmagent.log",
		"testdata/logs/linux/himds.log",
		"testdata/logs/windows/azcmagent-crlf.log",
		"testdata/logs/windows/azcmagent-utf16.log",
		"testdata/logs/installer/installationlog.txt",
		"testdata/logs/console/connect-terminal.txt",
		"testdata/logs/json/component.log",
		"testdata/logs/gpo/AzureArcOnboarding.log",
	}
	for _, log := range logs {
		t.Run(filepath.Base(log), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			Main(t.Context(), []string{"analyze", "--json", log}, strings.NewReader(""), &stdout, &stderr)
			want := findings(stdout.String())
			if len(want) == 0 {
				t.Fatalf("analyze found nothing in %s: not a test of agreement; stderr:\n%s", log, stderr.String())
			}
			out, _ := tailUntil(t, func(stdout, _ string) bool { return len(findings(stdout)) >= len(want) },
				"--json", "--from-start", log)
			// tail names the machine it runs on; analyze of a file names the
			// machine its logs name: the identity may differ, the finding not.
			if diff := cmp.Diff(withoutIdentity(t, want), withoutIdentity(t, findings(out))); diff != "" {
				t.Errorf("tail's findings differ from analyze's (-analyze +tail):\n%s", diff)
			}
			// Once stopped, tail has given the run it was reading its verdict,
			// as analyze does at the end of the file, also a run that prints
			// no azcmagent exit code (an installer, GPO or JSON log).
			if diff := cmp.Diff(runVerdicts(t, stdout.String()), runVerdicts(t, out)); diff != "" {
				t.Errorf("tail's runs once stopped differ from analyze's (-analyze +tail):\n%s", diff)
			}
		})
	}
}

// runVerdicts returns, for each run, incident or warning object of NDJSON
// out, its type, lines, verdict and outcome.
func runVerdicts(t *testing.T, out string) []string {
	t.Helper()
	var vs []string
	for _, l := range strings.Split(out, "\n") {
		var m struct {
			Type      string  `json:"type"`
			StartLine int     `json:"start_line"`
			EndLine   int     `json:"end_line"`
			Verdict   *string `json:"verdict"`
			Failed    *bool   `json:"failed"`
		}
		if !strings.HasPrefix(l, "{") {
			continue
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %v: %s", err, l)
		}
		switch m.Type {
		case "run", "incident", "warning":
			b, _ := json.Marshal(m)
			vs = append(vs, string(b))
		}
	}
	return vs
}
