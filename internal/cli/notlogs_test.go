package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFoundNotLogsSummarised: the files a walk or a zip turns up that hold
// no record (an extension folder's empty stdout files, its status JSON)
// make one stderr line and no problems beside an agent log; a file named
// by the user keeps its own line; with no agent log at all they are the
// problems that explain exit 2.
func TestFoundNotLogsSummarised(t *testing.T) {
	t.Setenv("ARCDIAG_KB_DIR", "")
	sample, err := os.ReadFile(filepath.Join("..", "..", "testdata", "logs", "linux", "azcmagent.log"))
	if err != nil {
		t.Fatal(err)
	}
	// Names of an extension's folder, as the agent keeps them.
	ext := "var/lib/GuestConfig/extension_logs/Microsoft.Azure.Extensions.CustomScript/"
	notLogs := map[string]string{
		ext + "0_stdout.txt": "",
		ext + "1_stdout.txt": "",
		ext + "2_stdout.txt": "",
		ext + "notes.txt":    "the script ran twice this week\n",
		ext + "screen.png":   "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
	}
	write := func(t *testing.T, root string, withLog bool) {
		files := map[string]string{}
		for k, v := range notLogs {
			files[k] = v
		}
		if withLog {
			files["var/opt/azcmagent/log/azcmagent.log"] = string(sample)
		}
		for name, body := range files {
			p := filepath.Join(root, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	dirWith, dirWithout := t.TempDir(), t.TempDir()
	write(t, dirWith, true)
	write(t, dirWithout, false)
	zipPath := filepath.Join(t.TempDir(), "azcmagent-20310203T040506-arc-web-01.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{"var/opt/azcmagent/log/azcmagent.log": string(sample), ext + "0_stdout.txt": "", ext + "1_stdout.txt": "", ext + "notes.txt": notLogs[ext+"notes.txt"]} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(zipPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	named := filepath.Join(dirWithout, filepath.FromSlash(ext+"notes.txt"))

	tests := []struct {
		name      string
		args      []string
		want      int
		summary   string // the one summary line's start, "" for none
		ownLines  int    // "not an agent log" lines of named inputs
		problems  int    // in the JSON summary
		notKnown  int    // inputs with known false in the JSON summary
		firstName string // the first name the summary line gives
	}{
		{"walk beside a log", []string{dirWith}, ExitFailures, "arcdiag: 5 file(s) found held no log records (", 0, 0, 5, "notes.txt"},
		{"zip beside a log", []string{zipPath}, ExitFailures, "arcdiag: 3 file(s) found held no log records (", 0, 0, 3, "notes.txt"},
		{"walk without a log", []string{dirWithout}, ExitUsage, "arcdiag: 5 file(s) found held no log records (", 0, 5, 5, "notes.txt"},
		{"named beside a walk", []string{named, dirWith}, ExitFailures, "arcdiag: 5 file(s) found held no log records (", 1, 1, 6, "notes.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := Main(t.Context(), append([]string{"analyze"}, tt.args...), strings.NewReader(""), &stdout, &stderr)
			if got != tt.want {
				t.Errorf("exit %d, want %d\nstderr: %s", got, tt.want, stderr.String())
			}
			var summaries, own int
			for _, line := range strings.Split(stderr.String(), "\n") {
				switch {
				case strings.HasPrefix(line, tt.summary):
					summaries++
					names := strings.TrimSuffix(line[len(tt.summary):], ")")
					if first, _, _ := strings.Cut(names, ", "); !strings.HasSuffix(first, tt.firstName) {
						t.Errorf("the summary names %s first, want %s: %s", first, tt.firstName, line)
					}
					// At most three names, then "…" for the rest.
					if parts := strings.Split(names, ", "); len(parts) > 4 || len(parts) == 4 && parts[3] != "…" {
						t.Errorf("want at most three names and …: %s", line)
					}
				case strings.HasSuffix(line, "not an agent log: no line in a log format arcdiag reads, and nothing the knowledge base recognises"):
					own++
				}
			}
			if summaries != 1 {
				t.Errorf("%d summary lines, want 1:\n%s", summaries, stderr.String())
			}
			if own != tt.ownLines {
				t.Errorf("%d lines of their own, want %d:\n%s", own, tt.ownLines, stderr.String())
			}

			stdout.Reset()
			stderr.Reset()
			Main(t.Context(), append([]string{"analyze", "--json"}, tt.args...), strings.NewReader(""), &stdout, &stderr)
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			var sum struct {
				Problems []struct{ File, Problem string }
				Inputs   []struct {
					File  string
					Known bool
				}
			}
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
				t.Fatal(err)
			}
			if len(sum.Problems) != tt.problems {
				t.Errorf("%d problems, want %d: %+v", len(sum.Problems), tt.problems, sum.Problems)
			}
			n := 0
			for _, in := range sum.Inputs {
				if !in.Known {
					n++
				}
			}
			if n != tt.notKnown {
				t.Errorf("%d inputs not known, want %d", n, tt.notKnown)
			}
		})
	}
}
