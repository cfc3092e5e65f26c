// Package follow follows a log file as it is written, like tail -F, for days and across
// log rotation: every byte once, in order, and never half a line.
//
// What it gives is a Stream: an io.Reader of the file's bytes that the parser's Scanner
// reads like any file, so that tail forms records, and bounds them, exactly as analyze
// does. The stream is cut into parts at each rotation and truncation: a part ends (Read
// returns io.EOF) where the follower moved to another file or back to the start of this
// one, and Next says which and starts the next part, whose offsets start at 0.
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
// Bytes are passed on only up to the last newline read. What follows it is held, and passed
// on only if its file is rotated away or following stops (the part then ends with a line
// without its newline), or once it is longer than MaxLine plus a CRLF: such a line is
// truncated by its reader anyway, which then skips its rest.
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

	"github.com/arcdiag/arcdiag/parser"
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
	// Resume starts at offset At of the file, where a record read in an earlier run ended
	// (parser.Record.End, counted in the file), in place of FromStart and Lines. An At
	// past the file's end starts at its beginning.
	Resume bool
	At     int64
	// Quiet, if positive, makes Read return parser.ErrPaused once the file has been quiet
	// that long after the last bytes read: a reader then ends what it can end (a
	// GuestConfig record waiting for its close tag) and a run that printed its exit code
	// can be reported as ended. 0 never pauses.
	Quiet time.Duration
}

// Kind says what an Event reports.
type Kind int

const (
	// KindWaiting reports that the file does not exist yet and Follow waits for it.
	// It ends the first part, empty, and comes at most once.
	KindWaiting Kind = iota
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

var kindNames = [...]string{"waiting", "truncated", "reopened", "error"}

// String returns a short lower-case name, such as "truncated".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Event is a change in what is being followed, which ends a part of the stream.
type Event struct {
	Kind Kind
	Err  error // set for KindError
}

// MaxLine is the longest line a reader of the stream should keep whole (tail gives it to
// the parser as its line bound): the follower holds an unfinished line up to this length,
// and a CRLF, and passes a longer one on at once.
const MaxLine = 1 << 20

// maxLine is MaxLine, a variable only so that fuzzing reaches it with small inputs.
var maxLine = MaxLine

const (
	bufSize   = 64 << 10
	guardSize = 256 // bytes before the read offset that must not change; see guardHolds
	// queued is how many chunks of bytes the channel holds: with chunks of at most
	// bufSize (a longer one waits for the channel to empty, see send), about 1 MiB.
	queued = 16
)

// chunk is what the follower sends: bytes of the file, or an event that ends a part.
type chunk struct {
	data []byte
	ev   *Event
}

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

// Follow follows the file at path until ctx is cancelled, and returns the stream of its
// bytes, cut into parts at the rotations and truncations it goes through.
//
// The file need not exist yet; its directory must. A file that exists but cannot be read
// (permission denied, a directory) is reported at once by the error, which wraps the os
// error; a problem met later ends the stream with a KindError event.
//
// After ctx is cancelled the stream still delivers what was read, then the line waiting
// for its newline, if any, and then ends. The caller must read (or call Next) until Next
// returns false; Follow's goroutine and the open file live until then.
func Follow(ctx context.Context, path string, opts Options) (*Stream, error) {
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

	out := make(chan chunk, queued)
	fl.out = out
	st := &Stream{ch: out, quiet: opts.Quiet, start: fl.off}
	if fl.utf16le && fl.off > 0 {
		st.data = bomUTF16LE
	}
	go fl.run(ctx, w, opts.Poll)
	return st, nil
}

// follower is the state of one Follow call, owned by its goroutine.
type follower struct {
	path string
	name string // base name of path: the only notifications worth a look
	out  chan<- chunk

	f       *os.File    // nil while path names no file
	fi      os.FileInfo // f's identity, to notice path naming another file
	off     int64       // next byte of f to read
	pending []byte      // a line read up to off whose newline has not arrived
	utf16le bool        // the file starts with a UTF-16LE byte-order mark
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
	// A UTF-16LE file followed from inside starts on a character, after a "\n\x00", and
	// its reader is given the byte-order mark it would have seen at the start.
	var bom [2]byte
	n, _ := f.ReadAt(bom[:], 0)
	fl.utf16le = n == 2 && bom == [2]byte(bomUTF16LE)
	var off int64
	switch {
	case opts.Resume:
		off = max(opts.At, 0) // seekGuarded starts over at 0 if the file is shorter
	case !opts.FromStart:
		size := fi.Size()
		if fl.utf16le && size%2 == 0 {
			size-- // the last line end's "\n", not its "\x00", ends the file for startOffset
		}
		if off, err = startOffset(f, size, max(opts.Lines, 0)); err != nil {
			return err
		}
	}
	if fl.utf16le {
		off += off % 2
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
		fl.sendEvent(Event{Kind: KindWaiting})
	}
	for {
		if err := fl.step(ctx); err != nil {
			fl.flush()
			fl.sendEvent(Event{Kind: KindError, Err: fmt.Errorf("follow: %w", err)})
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
			fl.f, fl.fi, fl.off, fl.guard = s.f, s.fi, 0, fl.guard[:0]
			fl.sendEvent(Event{Kind: KindReopened})
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
				fl.sendEvent(Event{Kind: KindReopened})
			}
			fl.f, fl.fi, fl.off, fl.guard, fl.seen = f, fi, 0, fl.guard[:0], true
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

// readToEOF passes on the lines from off to the end of the file, restarting at 0 whenever the
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
			fl.sendEvent(Event{Kind: KindTruncated})
			fl.off, fl.pending, fl.guard = 0, fl.pending[:0], fl.guard[:0]
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

// consume passes on data, which was read at off, up to its last line end, and holds the
// rest; a held line longer than the bound is passed on too.
func (fl *follower) consume(data []byte) {
	if len(data) == 0 {
		return
	}
	fl.remember(data)
	base := fl.off - int64(len(fl.pending))
	fl.off += int64(len(data))
	fl.pending = append(fl.pending, data...)
	if base == 0 {
		// A UTF-16LE file's line ends are "\n\x00": cutting after the "\n" would hold
		// the last line's final byte back, and split the characters of the next.
		fl.utf16le = bytes.HasPrefix(fl.pending, bomUTF16LE)
	}
	if cut := lastLineEnd(fl.pending, base, fl.utf16le); cut > 0 {
		fl.send(bytes.Clone(fl.pending[:cut]))
		fl.pending = fl.pending[:copy(fl.pending, fl.pending[cut:])]
	}
	if len(fl.pending) >= maxLine+2 {
		// Longer than any line kept whole, with its CRLF: its reader truncates it and
		// skips the rest, so holding it would only cost memory.
		fl.send(bytes.Clone(fl.pending))
		fl.pending = fl.pending[:0]
	}
}

var bomUTF16LE = []byte{0xff, 0xfe}

// lastLineEnd returns the length of the complete lines at the start of b, which starts
// at offset base in its file: up to its last "\n", or in UTF-16LE its last "\n\x00" at an
// even offset.
func lastLineEnd(b []byte, base int64, utf16le bool) int {
	end := len(b)
	for {
		i := bytes.LastIndexByte(b[:end], '\n')
		if i < 0 {
			return 0
		}
		if !utf16le {
			return i + 1
		}
		if (base+int64(i))%2 == 0 && i+1 < len(b) && b[i+1] == 0 {
			return i + 2
		}
		end = i
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

// flush passes on the line waiting for its newline, if any.
func (fl *follower) flush() {
	if len(fl.pending) > 0 {
		fl.send(bytes.Clone(fl.pending))
		fl.pending = fl.pending[:0]
	}
}

func (fl *follower) sendEvent(ev Event) {
	fl.deliver(chunk{ev: &ev})
}

// send passes on data, which the receiver then owns.
func (fl *follower) send(data []byte) {
	if len(data) > bufSize {
		// Up to a MiB and a read: queued only behind nothing, so that the channel never
		// holds many of them (35 lines of 2 MiB once took 208 MiB).
		for len(fl.out) > 0 {
			fl.lookAhead()
			<-fl.lookTick.C
		}
	}
	fl.deliver(chunk{data: data})
}

// deliver sends c. While the receiver is not ready, it keeps opening the files the path
// comes to name (see lookAheadInterval).
func (fl *follower) deliver(c chunk) {
	select {
	case fl.out <- c:
		return
	default:
	}
	// A receiver that takes a chunk now and then keeps each wait short: the time since the
	// last look, not the length of this wait, says when to look again.
	for {
		if time.Since(fl.looked) >= lookAheadInterval {
			fl.lookAhead()
			fl.looked = time.Now()
		}
		select {
		case fl.out <- c:
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

// Stream is the followed file's bytes, as an io.Reader, cut into parts at its rotations
// and truncations. It is read by one goroutine.
type Stream struct {
	ch    <-chan chunk
	quiet time.Duration
	start int64

	data   []byte // the unread rest of the chunk being read
	ended  *Event // the event that ended the current part, once received
	closed bool   // the follower stopped: the current part is the last
	fresh  bool   // bytes were read since the last pause
	timer  *time.Timer
}

// Start returns where the first part starts in the file (its end, or the start of its
// last lines, unless Options.FromStart); later parts start at 0. A UTF-16LE file's first
// part, when it starts inside the file, begins with the file's byte-order mark, which is
// not counted.
func (s *Stream) Start() int64 { return s.start }

// Read reads the current part. It blocks until bytes come, returns io.EOF at the end of
// the part, and parser.ErrPaused once the file has been quiet for Options.Quiet after the
// last bytes read.
func (s *Stream) Read(p []byte) (int, error) {
	for len(s.data) == 0 {
		if s.ended != nil || s.closed {
			return 0, io.EOF
		}
		c, ok, paused := s.receive()
		switch {
		case paused:
			return 0, parser.ErrPaused
		case !ok:
			s.closed = true
		case c.ev != nil:
			s.ended = c.ev
		default:
			s.data = c.data
		}
	}
	n := copy(p, s.data)
	s.data = s.data[n:]
	s.fresh = true
	return n, nil
}

// receive waits for the next chunk, or for the quiet spell that makes a pause.
func (s *Stream) receive() (chunk, bool, bool) {
	if s.quiet <= 0 || !s.fresh {
		c, ok := <-s.ch
		return c, ok, false
	}
	select {
	case c, ok := <-s.ch:
		return c, ok, false
	default:
	}
	if s.timer == nil {
		s.timer = time.NewTimer(s.quiet)
	} else {
		s.timer.Reset(s.quiet)
	}
	defer s.timer.Stop()
	select {
	case c, ok := <-s.ch:
		return c, ok, false
	case <-s.timer.C:
		s.fresh = false
		return chunk{}, false, true
	}
}

// Next ends the current part, dropping what was left unread of it, and starts the next.
// It returns the event between the two, or false once following has ended.
func (s *Stream) Next() (Event, bool) {
	for s.ended == nil && !s.closed {
		c, ok := <-s.ch
		switch {
		case !ok:
			s.closed = true
		case c.ev != nil:
			s.ended = c.ev
		}
	}
	s.data = nil
	if s.ended == nil {
		return Event{}, false
	}
	ev := *s.ended
	s.ended = nil
	return ev, true
}
