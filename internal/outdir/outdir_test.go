package outdir

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// clock is a settable time for the Writer.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func readDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWriterDailyFilesAndPrune: records go to the file of the UTC day they
// are written on, a record split across writes is written whole, and
// files whose day ended more than keep ago are deleted when a new day's
// file opens, other files left alone.
func TestWriterDailyFilesAndPrune(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"arcdiag-2026-11-28.ndjson", "arcdiag-2026-11-30.ndjson", "notes.txt", "arcdiag-latest.ndjson"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := &clock{time.Date(2026, 12, 3, 23, 59, 0, 0, time.UTC)}
	w, err := Open(dir, 3*24*time.Hour, c.now)
	if err != nil {
		t.Fatal(err)
	}
	w.Tick()
	// 2026-11-28 ended 12-29 00:00, more than 3 days before 12-03 23:59.
	if got, want := readDir(t, dir), []string{"arcdiag-2026-11-30.ndjson", "arcdiag-latest.ndjson", "notes.txt"}; !slices.Equal(got, want) {
		t.Fatalf("after Open: %v, want %v", got, want)
	}
	if _, err := w.Write([]byte(`{"type":"run","n":1}` + "\n" + `{"type":"fin`)); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(2 * time.Minute) // 2026-12-04 00:01 UTC
	if _, err := w.Write([]byte(`ding","n":2}` + "\n")); err != nil {
		t.Fatal(err)
	}
	c.t = time.Date(2026, 12, 5, 0, 0, 1, 0, time.UTC)
	if _, err := w.Write([]byte(`{"n":3}` + "\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "arcdiag-2026-12-03.ndjson")); got != `{"type":"run","n":1}`+"\n" {
		t.Errorf("12-03: %q", got)
	}
	if got := readFile(t, filepath.Join(dir, "arcdiag-2026-12-04.ndjson")); got != `{"type":"finding","n":2}`+"\n" {
		t.Errorf("12-04: %q", got)
	}
	// On 12-05 00:00:01, 11-30 (ended 12-01 00:00) is more than 3 days old.
	want := []string{"arcdiag-2026-12-03.ndjson", "arcdiag-2026-12-04.ndjson", "arcdiag-2026-12-05.ndjson", "arcdiag-latest.ndjson", "notes.txt"}
	if got := readDir(t, dir); !slices.Equal(got, want) {
		t.Errorf("after a new day: %v, want %v", got, want)
	}
}

// TestWriterAppendsAndRepairsTornLine: a restarted writer appends to the
// day's file, after ending a line a crash left half written.
func TestWriterAppendsAndRepairsTornLine(t *testing.T) {
	dir := t.TempDir()
	c := &clock{time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	path := filepath.Join(dir, FileName(c.t))
	if err := os.WriteFile(path, []byte("{\"n\":1}\n{\"n\":2,\"te"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Open(dir, 0, c.now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("{\"n\":3}\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := readFile(t, path), "{\"n\":1}\n{\"n\":2,\"te\n{\"n\":3}\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestWriterRefusesBadRecords: a line that is not one JSON value in UTF-8
// is an error and is not written; so is a record left without its newline.
func TestWriterRefusesBadRecords(t *testing.T) {
	for _, bad := range []string{"not json\n", "{\"a\":\"\xff\"}\n", "{\"a\":1} {\"b\":2}\n"} {
		dir := t.TempDir()
		w, err := Open(dir, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(bad)); err == nil || !strings.Contains(err.Error(), "record 1") {
			t.Errorf("%q: error %v, want one naming record 1", bad, err)
		}
		w.Close()
		for _, name := range readDir(t, dir) {
			if got := readFile(t, filepath.Join(dir, name)); got != "" {
				t.Errorf("%q: written as %q", bad, got)
			}
		}
	}
	w, err := Open(t.TempDir(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`{"a":1}`))
	if err := w.Close(); err == nil {
		t.Error("a record without its newline was dropped silently")
	}
}

func TestParseKeep(t *testing.T) {
	for in, want := range map[string]time.Duration{"3d": 72 * time.Hour, "1d": 24 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := ParseKeep(in); err != nil || got != want {
			t.Errorf("ParseKeep(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0d", "-1d", "3 d", "d", "1.5d", "0s", "-2h", "3days"} {
		if _, err := ParseKeep(in); err == nil {
			t.Errorf("ParseKeep(%q) accepted", in)
		}
	}
}

// TestTickPrunesQuietDirectory: with no record written for days, old files
// still go, once a day; a directory with a daily file's name is left alone.
func TestTickPrunesQuietDirectory(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"arcdiag-2026-12-01.ndjson", "arcdiag-2026-12-02.ndjson"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stuck := filepath.Join(dir, "arcdiag-2026-11-30.ndjson")
	if err := os.MkdirAll(filepath.Join(stuck, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := &clock{time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)}
	var warned []error
	w, err := Open(dir, 24*time.Hour, c.now)
	if err != nil {
		t.Fatal(err)
	}
	w.Warn = func(err error) { warned = append(warned, err) }
	w.Tick()
	if got, want := readDir(t, dir), []string{"arcdiag-2026-11-30.ndjson", "arcdiag-2026-12-02.ndjson"}; !slices.Equal(got, want) {
		t.Errorf("after the first tick: %v, want %v", got, want)
	}
	c.t = c.t.Add(24 * time.Hour)
	w.Tick()
	if got, want := readDir(t, dir), []string{"arcdiag-2026-11-30.ndjson"}; !slices.Equal(got, want) {
		t.Errorf("a day later: %v, want %v", got, want)
	}
	if len(warned) != 0 {
		t.Errorf("warned: %v", warned)
	}
}
