package cli

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// lineNumbers matches what differs between a capture and its wrapped copy:
// the file name and the physical line numbers, and the run id, which a log
// without clock times takes from its name and its runs' first lines.
var lineNumbers = regexp.MustCompile(`"(run_id|file|line|start_line|end_line|verdict_line)":("[^"]*"|\d+),`)

// TestAnalyzeWrappedCaptures: a console capture that a terminal wrapped
// with hard line breaks (testdata/logs/console/wrapped, built from the
// captures beside it) gives analyze the same findings, runs and verdicts
// as the capture itself: only line numbers differ.
func TestAnalyzeWrappedCaptures(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	for wrapped, orig := range map[string]string{
		"testdata/logs/console/wrapped/connect-terminal-80.txt": "testdata/logs/console/connect-terminal.txt",
		"testdata/logs/console/wrapped/install-windows-120.txt": "testdata/logs/console/install-windows.txt",
	} {
		t.Run(filepath.Base(wrapped), func(t *testing.T) {
			analyze := func(path string) []string {
				var stdout, stderr bytes.Buffer
				Main(t.Context(), []string{"analyze", "--json", path}, strings.NewReader(""), &stdout, &stderr)
				var objs []string
				for _, l := range strings.Split(stdout.String(), "\n") {
					if strings.HasPrefix(l, `{"type":"finding"`) || strings.HasPrefix(l, `{"type":"run"`) {
						objs = append(objs, lineNumbers.ReplaceAllString(l, ""))
					}
				}
				return objs
			}
			want := analyze(orig)
			if len(want) < 3 {
				t.Fatalf("analyze %s: %d findings and runs: not a test", orig, len(want))
			}
			if diff := cmp.Diff(want, analyze(wrapped)); diff != "" {
				t.Errorf("analyze %s (-unwrapped +wrapped):\n%s", wrapped, diff)
			}
		})
	}
}
