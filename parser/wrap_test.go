package parser

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// termWrap cuts every line of text longer than cols display columns into
// pieces of cols columns, as a terminal does on screen and a copy or
// capture of the screen keeps: colour sequences stay whole, and a wide
// character that does not fit goes to the next piece.
func termWrap(text string, cols int) string {
	var out strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			out.WriteByte('\n')
		}
		// A CRLF capture is cut with CRLF.
		line, crlf := strings.CutSuffix(line, "\r")
		brk := "\n"
		if crlf {
			brk = "\r\n"
		}
		w := 0
		for len(line) > 0 {
			tok := line[:len(string([]rune(line)[0]))]
			if line[0] == esc {
				if j := strings.IndexByte(line, 'm'); j > 0 {
					tok = line[:j+1]
				}
			}
			tw := displayWidth([]byte(tok))
			if w+tw > cols {
				out.WriteString(brk)
				w = 0
			}
			out.WriteString(tok)
			w += tw
			line = line[len(tok):]
		}
		if crlf {
			out.WriteByte('\r')
		}
	}
	return out.String()
}

// scanned is what a record holds: its text, format and level.
type scanned struct {
	Raw    string
	Format Format
	Level  Level
}

func scanCapture(t *testing.T, data []byte) ([]scanned, []int) {
	t.Helper()
	s := NewScanner(bytes.NewReader(data), "capture", Options{})
	var recs []scanned
	var lines []int
	var end int64
	for s.Scan() {
		r := s.Record()
		if r.Offset != end {
			t.Fatalf("record at line %d starts at %d, the last ended at %d", r.Line, r.Offset, end)
		}
		end = r.End()
		recs = append(recs, scanned{string(r.Raw), r.Format, r.Level})
		lines = append(lines, r.Lines)
	}
	if end != int64(len(data)) {
		t.Fatalf("records end at %d of %d bytes", end, len(data))
	}
	return recs, lines
}

// TestWrappedCapturesReadAsWritten: the sample console captures, wrapped as
// terminals of the usual widths wrap them, are read as the same records as
// the captures themselves, each byte accounted for.
func TestWrappedCapturesReadAsWritten(t *testing.T) {
	for _, name := range []string{"connect-terminal.txt", "connect-ansi.txt", "install-linux.txt", "install-windows.txt"} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "logs", "console", name))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := scanCapture(t, data)
		for _, cols := range []int{80, 120, 132} {
			t.Run(fmt.Sprintf("%s/%d", name, cols), func(t *testing.T) {
				wrapped := termWrap(string(data), cols)
				if wrapped == string(data) {
					t.Fatalf("no line of %s is wider than %d columns: not a test of wrapping", name, cols)
				}
				got, _ := scanCapture(t, []byte(wrapped))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("records (-unwrapped +wrapped):\n%s", diff)
				}
			})
		}
	}
}

// TestWrappedSamples: the wrapped captures of testdata/logs/console/wrapped
// are the captures beside them as a terminal of that width shows them.
func TestWrappedSamples(t *testing.T) {
	dir := filepath.Join("..", "testdata", "logs", "console")
	for name, cols := range map[string]int{"connect-terminal-80.txt": 80, "install-windows-120.txt": 120} {
		orig, err := os.ReadFile(filepath.Join(dir, strings.Replace(name, fmt.Sprintf("-%d", cols), "", 1)))
		if err != nil {
			t.Fatal(err)
		}
		wrapped, err := os.ReadFile(filepath.Join(dir, "wrapped", name))
		if err != nil {
			t.Fatal(err)
		}
		if want := termWrap(string(orig), cols); string(wrapped) != want {
			t.Errorf("%s is not its capture wrapped at %d columns", name, cols)
		}
	}
}

// TestNoJoinsInSampleLogs: in the sample logs, as written (not those
// wrapped on purpose), no record spans
// lines except a GuestConfig record: unwrapping joins nothing that a
// terminal did not wrap.
func TestNoJoinsInSampleLogs(t *testing.T) {
	root := filepath.Join("..", "testdata", "logs")
	files := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == "wrapped" {
			return filepath.SkipDir // wrapped on purpose
		}
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".zip") || strings.HasSuffix(path, ".md") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		files++
		s := NewScanner(f, path, Options{})
		for s.Scan() {
			if r := s.Record(); r.Lines > 1 && r.Format != FormatGuestConfig {
				t.Errorf("%s:%d: %d lines joined: %.200q", path, r.Line, r.Lines, r.Raw)
			}
		}
		return s.Err()
	})
	if err != nil || files < 20 {
		t.Fatalf("walked %d files: %v", files, err)
	}
}

// TestUnwrapOnlyTerminalWraps: the cases a join must refuse.
func TestUnwrapOnlyTerminalWraps(t *testing.T) {
	line80 := "ERROR[0002] Failed to get HIS endpoint  Error=\"Get https://gbl.his.arc.azure.com: x509: certificate signed by unknown authority\""[:80]
	rest := "own authority\""
	// 80 columns ending inside a script's path, and 80 columns with a tab.
	pathCut := "ERROR[0002] Failed " + strings.Repeat("-", 80-len("ERROR[0002] Failed  ./install_linu")) + " ./install_linu"
	tabbed := "ERROR[0002] x\t" + strings.Repeat("t", 80-16)
	tests := []struct {
		name string
		text string
		want []int // lines of each record
	}{
		{"wrapped at 80", line80 + "\n" + rest + "\n", []int{2}},
		{"CRLF", line80 + "\r\n" + rest + "\r\n", []int{2}},
		{"wrapped twice", line80 + "\n" + strings.Repeat("x", 80) + "\n" + rest + "\n", []int{3}},
		{"not a console capture", "not a console " + line80[14:] + "\n" + rest + "\n", []int{1, 1}},
		{"next line starts a record", line80 + "\nINFO[0003] next\n", []int{1, 1}},
		{"next line is a prompt", line80 + "\n[admin@arc-lab-03 ~]$ ls\n", []int{1, 1}},
		{"next line is empty", line80 + "\n\n" + rest + "\n", []int{1, 1, 1}},
		{"79 columns", line80[:79] + "\n" + rest + "\n", []int{1, 1}},
		{"81 columns", line80 + "x\n" + rest + "\n", []int{1, 1}},
		{"a wider line came before", "INFO[0000] " + strings.Repeat("w", 100) + "\n" + line80 + "\n" + rest + "\n", []int{1, 1, 1}},
		{"piece wider than the line", line80 + "\n" + strings.Repeat("y", 81) + "\n", []int{1, 1}},
		{"wide characters count twice", "ERROR[0002] " + strings.Repeat("接続", 17) + "\n" + rest + "\n", []int{2}},
		{"piece cut from a script's path", pathCut + "\nx_azcmagent.sh: error: unknown linux distro\n", []int{2}},
		{"next line is a script's failure", line80 + "\n./install_linux_azcmagent.sh: error: unknown linux distro\n", []int{1, 1}},
		{"a tab counts to its stop", tabbed + "\n" + rest + "\n", []int{2}},
		{"colour sequences count nothing", "\x1b[31mERRO\x1b[0m[0002] " + strings.Repeat("z", 69) + "\n" + rest + "\n", []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := scanCapture(t, []byte(tt.text))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("lines per record (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDisplayWidth(t *testing.T) {
	for in, want := range map[string]int{
		"abc": 3, "接続": 4, "ｱ": 1, "Ａ": 2, "e\u0301": 1, "\x1b[1;31mred\x1b[0m": 3,
		"a\tb": 9, "\xff": 1, "😀": 2, "a\u200db": 2,
	} {
		if got := displayWidth([]byte(in)); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", in, got, want)
		}
	}
}
