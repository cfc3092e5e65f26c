// Package outdir writes tail's NDJSON records into a directory the way a log
// collector such as the Azure Monitor Agent reads it: one JSON object per line,
// UTF-8, only ever appended to, a new file each day (UTC) named
// arcdiag-YYYY-MM-DD.ndjson, and files older than a retention period deleted.
//
// It also keeps tail's resume state (see State), so that a restarted tail
// continues where the last one stopped.
package outdir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	// Prefix and Suffix frame the daily file names; a collector's file pattern
	// is Prefix + "*" + Suffix.
	Prefix = "arcdiag-"
	Suffix = ".ndjson"
	// dayLayout is the date inside the name, in UTC.
	dayLayout = "2006-01-02"
)

// FileName is the name of the file that holds the records written on day t.
func FileName(t time.Time) string { return Prefix + t.UTC().Format(dayLayout) + Suffix }

// Writer appends NDJSON lines to the day's file in its directory. It is an
// io.Writer for a report that writes whole lines: bytes after the last
// newline are held until the rest of their line comes.
type Writer struct {
	dir  string
	keep time.Duration
	now  func() time.Time

	// Warn receives the problems that do not stop the writing: a file past
	// its retention that could not be deleted (on Windows, one a reader
	// holds open). Nil ignores them.
	Warn func(error)

	f       *os.File
	day     string // FileName of f
	pruned  string // the day of the last Prune
	partial []byte // a line whose newline has not been written yet
	line    int    // lines written through this Writer, for error messages
	dirty   bool   // lines written since the last Sync
}

// Open prepares a Writer for dir, creating dir if needed. The directory is
// made 0755 and its files 0644 (less what the umask removes) so that a
// collector running as its own user (otelcol-contrib) can read them; the
// records are redacted like tail's output. An existing dir keeps its mode. Files older than
// keep (none when keep is 0) are deleted at the first Tick or record, and
// then daily. now is the clock (time.Now unless a test sets it).
func Open(dir string, keep time.Duration, now func() time.Time) (*Writer, error) {
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if _, err := os.ReadDir(dir); err != nil {
		return nil, err
	}
	return &Writer{dir: dir, keep: keep, now: now}, nil
}

// Write appends the complete lines in p to the current day's file. Each line
// must be one JSON value in valid UTF-8: anything else is refused with an
// error, never written, since one bad line would make the collector drop it.
func (w *Writer) Write(p []byte) (int, error) {
	data := p
	if len(w.partial) > 0 {
		data = append(w.partial, p...)
	}
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		if err := w.writeLine(data[:i+1]); err != nil {
			w.partial = w.partial[:0]
			return 0, err
		}
		data = data[i+1:]
	}
	w.partial = append(w.partial[:0], data...)
	return len(p), nil
}

func (w *Writer) writeLine(line []byte) error {
	w.line++
	body := bytes.TrimRight(line, "\r\n")
	if len(bytes.TrimSpace(body)) == 0 {
		return nil // an empty line is no record
	}
	if !utf8.Valid(body) || !json.Valid(body) || bytes.ContainsAny(body, "\r\n") {
		return fmt.Errorf("outdir: record %d is not one line of UTF-8 JSON: %.80q", w.line, body)
	}
	if err := w.rollover(); err != nil {
		return err
	}
	if _, err := w.f.Write(append(body, '\n')); err != nil {
		return fmt.Errorf("outdir: %w", err)
	}
	w.dirty = true
	return nil
}

// rollover makes f the file of the current day, opening it for appending.
// A file left ending in half a line (the machine stopped mid-write) first
// gets a newline, so that the next record is not glued onto it.
func (w *Writer) rollover() error {
	now := w.now()
	day := FileName(now)
	if w.f != nil && day == w.day {
		return nil
	}
	if w.f != nil {
		if err := w.closeFile(); err != nil {
			return err
		}
	}
	w.Tick()
	path := filepath.Join(w.dir, day)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("outdir: %w", err)
	}
	if torn, err := endsMidLine(path); err != nil || torn {
		if err == nil {
			_, err = f.Write([]byte{'\n'})
		}
		if err != nil {
			f.Close()
			return fmt.Errorf("outdir: %s: %w", path, err)
		}
	}
	w.f, w.day = f, day
	return nil
}

// endsMidLine reports whether the file at path is not empty and does not end
// with a newline.
func endsMidLine(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return false, err
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], fi.Size()-1); err != nil && err != io.EOF {
		return false, err
	}
	return last[0] != '\n', nil
}

// Sync commits the lines written so far to stable storage, so that a resume
// state saved afterwards never runs ahead of the records.
func (w *Writer) Sync() error {
	if w.f == nil || !w.dirty {
		return nil
	}
	w.dirty = false
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("outdir: %w", err)
	}
	return nil
}

// Unsynced reports whether lines were written since the last Sync.
func (w *Writer) Unsynced() bool { return w.dirty }

// Close syncs and closes the current file. A line still waiting for its
// newline is an error: it would be lost.
func (w *Writer) Close() error {
	var err error
	if len(w.partial) > 0 {
		err = fmt.Errorf("outdir: %d bytes without a final newline were not written", len(w.partial))
	}
	if w.f != nil {
		err = errors.Join(err, w.closeFile())
	}
	return err
}

func (w *Writer) closeFile() error {
	err := w.Sync()
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("outdir: %w", cerr)
	}
	w.f, w.day = nil, ""
	return err
}

// Tick prunes once a day, whether or not records are written: a quiet
// machine's old files go too. tail calls it now and then.
func (w *Writer) Tick() {
	if day := FileName(w.now()); day != w.pruned {
		w.pruned = day
		if _, err := w.Prune(); err != nil && w.Warn != nil {
			w.Warn(err)
		}
	}
}

// Prune deletes the daily files whose day ended more than keep ago, and
// returns their names. Only names of the form FileName makes are touched.
// A file that cannot be deleted is reported and the others still go.
func (w *Writer) Prune() ([]string, error) {
	if w.keep <= 0 {
		return nil, nil
	}
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		return nil, fmt.Errorf("outdir: %w", err)
	}
	cutoff := w.now().Add(-w.keep)
	var removed []string
	var errs []error
	for _, e := range entries {
		day, ok := dayOf(e.Name())
		if !ok || e.IsDir() || e.Name() == w.day {
			continue
		}
		if end := day.AddDate(0, 0, 1); end.Before(cutoff) {
			if err := os.Remove(filepath.Join(w.dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, fmt.Errorf("outdir: past --keep: %w", err))
				continue
			}
			removed = append(removed, e.Name())
		}
	}
	return removed, errors.Join(errs...)
}

// dayOf returns the day a file name made by FileName stands for.
func dayOf(name string) (time.Time, bool) {
	s, ok := strings.CutPrefix(name, Prefix)
	if !ok {
		return time.Time{}, false
	}
	if s, ok = strings.CutSuffix(s, Suffix); !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(dayLayout, s)
	return t, err == nil
}

// ParseKeep reads a retention period: a number of days ("3d") or a Go
// duration ("36h"). It must be positive.
func ParseKeep(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err = fmt.Sscanf(n, "%d", &days); err == nil && fmt.Sprint(days) == n {
			d = time.Duration(days) * 24 * time.Hour
		} else {
			err = errors.New("not a whole number of days")
		}
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("keep %q: want a positive number of days (3d) or a duration (36h)", s)
	}
	return d, nil
}
