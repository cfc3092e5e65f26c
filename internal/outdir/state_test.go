package outdir

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// positionAt is the Position of the file at path at offset.
func positionAt(t *testing.T, path string, offset int64) Position {
	t.Helper()
	sum, n, err := Fingerprint(path)
	if err != nil {
		t.Fatal(err)
	}
	return Position{Offset: offset, Sum: sum, SumLen: n}
}

func agentLines(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "time=\"2031-02-03T04:05:%02dZ\" level=info msg=\"line %d\"\n", i%60, i)
	}
	return b.String()
}

// TestStateSaveLoad: the state survives a round trip, a missing file is an
// empty state, and a damaged one is an error naming the file.
func TestStateSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	st, err := LoadState(path)
	if err != nil || len(st.Logs) != 0 {
		t.Fatalf("missing state: %+v, %v", st, err)
	}
	st.Logs["/var/opt/azcmagent/log/azcmagent.log"] = Position{Offset: 42, Sum: "ab", SumLen: 7}
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadState(path)
	if err != nil || got.Logs["/var/opt/azcmagent/log/azcmagent.log"] != (Position{Offset: 42, Sum: "ab", SumLen: 7}) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	if names, _ := os.ReadDir(filepath.Dir(path)); len(names) != 1 {
		t.Errorf("temporary files left beside the state: %v", names)
	}
	write(t, path, `{"version":1,"logs":`)
	if _, err := LoadState(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("damaged state: %v", err)
	}
}

// TestLocate: the same file resumes at the offset however much it grew; a
// file rotated away by rename or by copytruncate is found beside the log by
// its beginning, and read on from the offset; a rotated file that was
// compressed or deleted is reported lost.
func TestLocate(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "azcmagent.log")
	write(t, log, agentLines(1, 40))
	pos := positionAt(t, log, int64(len(agentLines(1, 30))))

	write(t, log, agentLines(1, 50))
	if p := pos.Locate(log); p != (Plan{At: pos.Offset}) {
		t.Errorf("same file: %+v", p)
	}

	// Rename + create.
	if err := os.Rename(log, log+".1"); err != nil {
		t.Fatal(err)
	}
	write(t, log, agentLines(51, 52))
	write(t, log+".2", agentLines(900, 990)) // an older rotation
	if p := pos.Locate(log); p != (Plan{Rotated: log + ".1", RotatedAt: pos.Offset}) {
		t.Errorf("renamed: %+v", p)
	}
	rest, err := os.ReadFile(log + ".1")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(rest[pos.Offset:]); got != agentLines(31, 50) {
		t.Errorf("the rotated file from the offset: %q", got)
	}

	// The rotated copy compressed: lost, read the new file whole.
	os.Remove(log + ".1")
	write(t, log+".1.gz", agentLines(1, 50))
	if p := pos.Locate(log); p != (Plan{Lost: true}) {
		t.Errorf("compressed: %+v", p)
	}

	// copytruncate: the copy has the old beginning, the log a new one.
	dir2 := t.TempDir()
	log2 := filepath.Join(dir2, "himds.log")
	write(t, log2, agentLines(1, 40))
	pos2 := positionAt(t, log2, int64(len(agentLines(1, 40))))
	write(t, log2+"-20261204", agentLines(1, 45))
	write(t, log2, agentLines(46, 47))
	if p := pos2.Locate(log2); p != (Plan{Rotated: log2 + "-20261204", RotatedAt: pos2.Offset}) {
		t.Errorf("copytruncate: %+v", p)
	}
}

func TestLastLineEnd(t *testing.T) {
	dir := t.TempDir()
	for data, want := range map[string]int64{"": 0, "one\n": 4, "one\ntwo": 4, "no newline": 0, "a\r\nb\r\n": 6} {
		path := filepath.Join(dir, "f.log")
		write(t, path, data)
		if got, err := LastLineEnd(path); err != nil || got != want {
			t.Errorf("LastLineEnd(%q) = %d, %v; want %d", data, got, err, want)
		}
	}
	if _, err := LastLineEnd(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file has an end")
	}
}
