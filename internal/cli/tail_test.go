package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
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
		if strings.Contains(g, "internal/cli.(*TailCmd).Run") || strings.Contains(g, "internal/follow.") {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}
