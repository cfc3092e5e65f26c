// Package follow follows a log file as it is written, like tail -F, for days and across
// log rotation: every line once, in order, and never half a line.
//
// It reads the file itself and uses fsnotify only to learn when to look again. The tail
// libraries the project started from, github.com/hpcloud/tail and its fork
// github.com/nxadm/tail, lose and duplicate lines at rotations under load, and the fault is
// inside their reopen logic, out of a wrapper's reach: TestTailLibraryEvidence, in the
// module internal/follow/evidence, shows it and explains why.
//
// How rotation is handled:
//
//   - rename + create (logrotate's default) and delete + recreate: the open file is kept
//     until the path names another file or nothing; it is then read to its end, because
//     whatever the writer put in it before rotating is still readable through it, and only
//     then is the new file opened and read from its beginning (a Reopened event);
//   - copytruncate: the file shrinks, or is truncated and written past the read offset
//     again before the follower looks, which only shows as the bytes before the offset
//     having changed; either way reading restarts at the beginning (a Truncated event);
//   - a file that does not exist yet is waited for (a Waiting event, once).
//
// A line is emitted only when its newline has been read. What precedes a missing newline is
// held, and emitted, marked Partial, only if its file is rotated away or following stops.
package follow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Options says where to start reading and how to learn about new data.
type Options struct {
	// FromStart reads the whole file first. By default following starts at its end.
	FromStart bool
	// Lines, unless FromStart is set, first emits the last Lines lines of the file.
	Lines int
	// Poll looks at the file four times a second instead of waiting for file-system
	// notifications, which network shares do not deliver for writes made elsewhere.
	Poll bool
	// Resume starts at offset At of the file, a Line's End from an earlier run, in place
	// of FromStart and Lines. An At past the file's end starts at its beginning.
	Resume bool
	At     int64
}

// Kind says what an Event reports.
type Kind int

const (
	// KindLine reports a line of the file, in Event.Line.
	KindLine Kind = iota
	// KindWaiting reports that the file does not exist yet and Follow waits for it.
	// It is sent at most once, first.
	KindWaiting
	// KindTruncated reports that the file shrank or was rewritten in place (copytruncate).
	// Reading restarts at its beginning; a line that was still waiting for its newline is
	// dropped, since its end went to the rotated copy.
	KindTruncated
	// KindReopened reports that the path names a new file after a rotation. The old file
	// was read to its end first; the new one is read from its beginning.
	KindReopened
	// KindError reports, in Event.Err, why following stopped. It is the last event.
	// Errors wrap the os error, so fs.ErrPermission identifies an unreadable file.
	KindError
)

var kindNames = [...]string{"line", "waiting", "truncated", "reopened", "error"}

// String returns a short lower-case name, such as "truncated".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Event is a line, or a change in what is being followed.
type Event struct {
	Kind Kind
	Line Line  // set for KindLine
	Err  error // set for KindError
}

// Line is one line of the followed file.
type Line struct {
	// Text is the line without its "\n" or "\r\n".
	Text string
	// Offset is where the line starts in the file it was read from. It starts again at 0
	// in each new file and after a truncation.
	Offset int64
	// End is the offset just past the line's newline: where reading resumes after it
	// (see Options.Resume). For a Truncated line it is where its first MiB ends.
	End int64
	// Time is when the line was read.
	Time time.Time
	// Partial marks a line that never got its newline: its file was rotated away or
	// following stopped first.
	Partial bool
	// Truncated marks a line longer than 1 MiB: Text is its first MiB, and the rest, up
	// to its newline, is skipped. A line is one Line however long it is, so that line
	// numbers stay true and memory stays bounded.
	Truncated bool
}

// maxLine is the longest line held: a longer one is emitted truncated, its first maxLine
// bytes (a variable only so that fuzzing reaches it with small inputs).
var maxLine = 1 << 20

const (
	bufSize   = 64 << 10
	guardSize = 256      // bytes before the read offset that must not change; see guardHolds
	bigLine   = 16 << 10 // a longer line waits for the channel to empty (see send)
)

var (
	// pollInterval is how often Options.Poll looks at the file.
	pollInterval = 250 * time.Millisecond
	// recheckInterval is how often the file is looked at even without a notification.
	// Notifications are reliable for local files on Linux, but Windows may report a write
	// only when the writer flushes or closes, and an overflowing queue loses events.
	recheckInterval = 2 * time.Second
	// lookAheadInterval is how often, while the receiver is not keeping up, the follower
	// looks whether the path names a new file, and opens it: rotations in a burst (a
	// file every 50 ms) would otherwise rename or delete files before they are opened.
	lookAheadInterval = 5 * time.Millisecond
)

// Follow follows the file at path and sends its lines, and the rotations and truncations
// it goes through, on the returned channel until ctx is cancelled.
//
// The file need not exist yet; its directory must. A file that exists but cannot be read
// (permission denied, a directory) is reported at once by the error, which wraps the os
// error; a problem met later ends the events with a KindError event.
//
// After ctx is cancelled the channel still delivers what was read, then the line waiting
// for its newline, if any, marked Partial, and is then closed. The caller must receive
// until it is closed; Follow's goroutine and the open file live until then.
func Follow(ctx context.Context, path string, opts Options) (<-chan Event, error) {
	fl := &follower{
		path:  path,
		name:  filepath.Base(path),
		buf:   make([]byte, bufSize),
		guard: make([]byte, 0, guardSize),
		check: make([]byte, guardSize),
	}
	// Open before returning, so that "permission denied" reaches the caller as an error
	// it can act on before any output.
	f, err := openFile(path)
	switch {
	case err == nil:
		if err := fl.attach(f, opts); err != nil {
			f.Close()
			return nil, fmt.Errorf("follow: %w", err)
		}
	case errors.Is(err, fs.ErrNotExist):
		// Wait for the file, but fail now on a mistyped directory.
		if _, err := os.Stat(filepath.Dir(path)); err != nil {
			return nil, fmt.Errorf("follow: %w", err)
		}
	default:
		return nil, fmt.Errorf("follow: %w", err)
	}

	var w *fsnotify.Watcher
	if !opts.Poll {
		// The directory, not the file, is watched: one watch sees writes to the file, its
		// rotation and its successor being created, for as long as the follower runs.
		w, err = fsnotify.NewWatcher()
		if err == nil {
			if err = w.Add(filepath.Dir(path)); err != nil {
				w.Close()
			}
		}
		if err != nil {
			if fl.f != nil {
				fl.f.Close()
			}
			return nil, fmt.Errorf("follow: watch %s: %w", filepath.Dir(path), err)
		}
	}

	out := make(chan Event, 256)
	fl.out = out
	go fl.run(ctx, w, opts.Poll)
	return out, nil
}

// follower is the state of one Follow call, owned by its goroutine.
type follower struct {
	path string
	name string // base name of path: the only notifications worth a look
	out  chan<- Event

	f       *os.File    // nil while path names no file
	fi      os.FileInfo // f's identity, to notice path naming another file
	off     int64       // next byte of f to read
	pending []byte      // a line read up to off whose newline has not arrived
	skip    bool        // the rest of a line longer than maxLine is being skipped
	guard   []byte      // the last bytes read before off, as they were read
	seen    bool        // a file has been opened: the next one is a rotation
	// next holds the files the path named after f, opened as soon as seen, in order:
	// each is read once f is done, however fast the rotations came.
	next []successor
	// looked is when lookAhead last ran; lookTick wakes a blocked send to run it again.
	looked   time.Time
	lookTick *time.Ticker

	buf   []byte
	check []byte
}

// successor is a file the path named after the one being read.
type successor struct {
	f  *os.File
	fi os.FileInfo
}

// attach starts following f, first opened by Follow, at the offset opts asks for.
func (fl *follower) attach(f *os.File, opts Options) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%s is a directory", fl.path)
	}
	fl.f, fl.fi, fl.seen = f, fi, true
	var off int64
	switch {
	case opts.Resume:
		off = max(opts.At, 0) // seekGuarded starts over at 0 if the file is shorter
	case !opts.FromStart:
		if off, err = startOffset(f, fi.Size(), max(opts.Lines, 0)); err != nil {
			return err
		}
	}
	fl.seekGuarded(off)
	return nil
}

// seekGuarded moves to off with the guard bytes before it; if they cannot all be read, the
// file has shrunk meanwhile and reading starts over at 0.
func (fl *follower) seekGuarded(off int64) {
	n := min(off, guardSize)
	got, _ := fl.f.ReadAt(fl.guard[:n], off-n)
	if int64(got) < n {
		off, got = 0, 0
	}
	fl.off, fl.guard = off, fl.guard[:got]
}

func (fl *follower) run(ctx context.Context, w *fsnotify.Watcher, poll bool) {
	defer close(fl.out)
	fl.lookTick = time.NewTicker(lookAheadInterval)
	defer fl.lookTick.Stop()
	defer func() {
		if fl.f != nil {
			fl.f.Close()
		}
		for _, s := range fl.next {
			s.f.Close()
		}
	}()
	var events <-chan fsnotify.Event
	var errs <-chan error
	if w != nil {
		defer w.Close()
		events, errs = w.Events, w.Errors
	}
	interval := recheckInterval
	if poll {
		interval = pollInterval
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()

	if fl.f == nil {
		fl.send(Event{Kind: KindWaiting})
	}
	for {
		if err := fl.step(ctx); err != nil {
			fl.flush()
			fl.send(Event{Kind: KindError, Err: fmt.Errorf("follow: %w", err)})
			return
		}
	wait:
		for {
			select {
			case <-ctx.Done():
				fl.flush()
				return
			case ev, ok := <-events:
				if !ok {
					events = nil
				} else if filepath.Base(ev.Name) == fl.name {
					break wait
				}
			case _, ok := <-errs:
				// An overflowed queue has lost events: look, in case one was ours.
				if !ok {
					errs = nil
				} else {
					break wait
				}
			case <-tick.C:
				break wait
			}
		}
	}
}

// step reads whatever is new, then follows the path to a new file if it was rotated.
func (fl *follower) step(ctx context.Context) error {
	for ctx.Err() == nil {
		if fl.f == nil && len(fl.next) > 0 {
			s := fl.next[0]
			fl.next = fl.next[1:]
			fl.f, fl.fi, fl.off, fl.guard, fl.skip = s.f, s.fi, 0, fl.guard[:0], false
			fl.send(Event{Kind: KindReopened})
		}
		if fl.f == nil {
			f, err := openFile(fl.path)
			if errors.Is(err, fs.ErrNotExist) {
				return nil // rotated away and not recreated yet
			}
			if err != nil {
				return err
			}
			fi, err := f.Stat()
			if err != nil {
				f.Close()
				return err
			}
			if fl.seen {
				fl.send(Event{Kind: KindReopened})
			}
			fl.f, fl.fi, fl.off, fl.guard, fl.seen, fl.skip = f, fi, 0, fl.guard[:0], true, false
		}
		if err := fl.readToEOF(ctx); err != nil || ctx.Err() != nil {
			return err
		}
		// Any stat error counts as rotated: on Windows a deleted file that is still open
		// denies access until it is closed, and closing it is what we do next.
		if len(fl.next) == 0 {
			if pfi, err := os.Stat(fl.path); err == nil && os.SameFile(fl.fi, pfi) {
				return nil
			}
		}
		// The writer has moved on. Everything it wrote before doing so is readable through
		// f, and only now is that sure to include all of it.
		if err := fl.readToEOF(ctx); err != nil {
			return err
		}
		fl.flush()
		fl.f.Close()
		fl.f = nil
	}
	return nil
}

// readToEOF emits the lines from off to the end of the file, restarting at 0 whenever the
// file turns out to have been truncated.
func (fl *follower) readToEOF(ctx context.Context) error {
	for ctx.Err() == nil {
		n, err := fl.f.ReadAt(fl.buf, fl.off)
		if err != nil && err != io.EOF {
			return err
		}
		// Checked after the read: if the guard still holds, no truncation came before the
		// read, so the bytes read are the continuation of the line being assembled.
		if !fl.guardHolds() {
			fl.send(Event{Kind: KindTruncated})
			fl.off, fl.pending, fl.guard, fl.skip = 0, fl.pending[:0], fl.guard[:0], false
			continue
		}
		fl.consume(fl.buf[:n])
		if err == io.EOF {
			return nil
		}
	}
	return nil
}

// guardHolds reports whether the last bytes read before off are still there. A file that
// shrank below off fails, and so does one truncated and written past off again before we
// looked, which a size check misses: reading on at off would emit the tail of some new line.
func (fl *follower) guardHolds() bool {
	n := len(fl.guard)
	if n == 0 {
		return true
	}
	got, _ := fl.f.ReadAt(fl.check[:n], fl.off-int64(n))
	return got == n && bytes.Equal(fl.check[:n], fl.guard)
}

// consume emits the complete lines in data, which was read at off, and holds the rest.
func (fl *follower) consume(data []byte) {
	if len(data) == 0 {
		return
	}
	fl.remember(data)
	now := time.Now()
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if fl.skip {
			if i < 0 {
				fl.off += int64(len(data))
				return
			}
			fl.off += int64(i + 1)
			data = data[i+1:]
			fl.skip = false
			continue
		}
		if i < 0 {
			fl.pending = append(fl.pending, data...)
			fl.off += int64(len(data))
			if len(fl.pending) >= maxLine {
				// The line's first MiB, once; the rest is skipped up to its newline.
				line := Line{Text: string(fl.pending[:maxLine]), Offset: fl.off - int64(len(fl.pending)), End: fl.off, Time: now, Truncated: true}
				fl.send(Event{Kind: KindLine, Line: line})
				fl.pending, fl.skip = fl.pending[:0], true
			}
			return
		}
		text := data[:i]
		if len(fl.pending) > 0 {
			fl.pending = append(fl.pending, text...)
			text = fl.pending
		}
		fl.off += int64(i + 1)
		fl.emit(text, fl.off-int64(len(text))-1, now, false)
		fl.pending = fl.pending[:0]
		data = data[i+1:]
	}
}

// remember keeps the last guardSize bytes read, data being the newest.
func (fl *follower) remember(data []byte) {
	if len(data) >= guardSize {
		fl.guard = append(fl.guard[:0], data[len(data)-guardSize:]...)
		return
	}
	if drop := len(fl.guard) + len(data) - guardSize; drop > 0 {
		fl.guard = append(fl.guard[:0], fl.guard[drop:]...)
	}
	fl.guard = append(fl.guard, data...)
}

// flush emits the line waiting for its newline, if any, as Partial.
func (fl *follower) flush() {
	if len(fl.pending) > 0 {
		fl.emit(fl.pending, fl.off-int64(len(fl.pending)), time.Now(), true)
		fl.pending = fl.pending[:0]
	}
}

func (fl *follower) emit(text []byte, off int64, now time.Time, partial bool) {
	text = bytes.TrimSuffix(text, []byte("\r"))
	fl.send(Event{Kind: KindLine, Line: Line{Text: string(text), Offset: off, End: fl.off, Time: now, Partial: partial}})
}

// send delivers ev. While the receiver is not ready, it keeps opening the files the path
// comes to name (see lookAheadInterval).
func (fl *follower) send(ev Event) {
	if len(ev.Line.Text) > bigLine {
		// Up to a MiB: queued only behind nothing, so that the channel never holds
		// many of them (35 lines of 2 MiB once took 208 MiB).
		for len(fl.out) > 0 {
			fl.lookAhead()
			<-fl.lookTick.C
		}
	}
	select {
	case fl.out <- ev:
		return
	default:
	}
	// A receiver that takes a line now and then keeps each wait short: the time since the
	// last look, not the length of this wait, says when to look again.
	for {
		if time.Since(fl.looked) >= lookAheadInterval {
			fl.lookAhead()
			fl.looked = time.Now()
		}
		select {
		case fl.out <- ev:
			return
		case <-fl.lookTick.C:
		}
	}
}

// lookAhead opens the file the path names, if it is a new one: neither the file being
// read nor one already waiting in next.
func (fl *follower) lookAhead() {
	if fl.f == nil {
		return // step opens the path itself
	}
	pfi, err := os.Stat(fl.path)
	if err != nil || os.SameFile(fl.fi, pfi) {
		return
	}
	for _, s := range fl.next {
		if os.SameFile(s.fi, pfi) {
			return
		}
	}
	f, err := openFile(fl.path)
	if err != nil {
		return
	}
	fi, err := f.Stat()
	if err != nil || !os.SameFile(fi, pfi) {
		f.Close() // rotated again meanwhile: the next look will catch up
		return
	}
	fl.next = append(fl.next, successor{f, fi})
}

// startOffset returns where the last n lines of the first size bytes of f begin. A final
// line without its newline counts as one of them, and is included even when n is 0, so
// that following from the end never starts in the middle of a line being written.
func startOffset(f *os.File, size int64, n int) (int64, error) {
	if size == 0 {
		return 0, nil
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], size-1); err != nil {
		return 0, err
	}
	need := n // newlines to pass going backwards
	if last[0] == '\n' {
		need++ // it ends the last line rather than starting one
	}
	need = max(need, 1)
	buf := make([]byte, bufSize)
	for end := size; end > 0; {
		start := max(end-bufSize, 0)
		chunk := buf[:end-start]
		if _, err := f.ReadAt(chunk, start); err != nil {
			if err == io.EOF {
				return 0, nil // shrank meanwhile: it is all new
			}
			return 0, err
		}
		for {
			i := bytes.LastIndexByte(chunk, '\n')
			if i < 0 {
				break
			}
			if need--; need == 0 {
				return start + int64(i) + 1, nil
			}
			chunk = chunk[:i]
		}
		end = start
	}
	return 0, nil
}
