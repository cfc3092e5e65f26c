package parser

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"
)

// DefaultMaxLineLen is the longest record read whole when Options leaves
// MaxLineLen at 0. An Error= value can hold a whole HTTP exchange, so this
// is generous; memory stays bounded by about twice this size.
const DefaultMaxLineLen = 16 << 20

// maxLineLenCap bounds Options.MaxLineLen so that buffer sizes stay in int
// range on every platform.
const maxLineLenCap = 1 << 30

// maxGCLines bounds a GuestConfig record that never closes, so that a
// missing </GCLOG> does not swallow the rest of the file.
const maxGCLines = 1000

// ErrPaused is returned by the Read of a live input, such as a followed
// log (internal/follow), when no byte has come for a while. Scan then
// returns the records whose lines are complete, ends a GuestConfig record
// at the lines it has, holds a line still waiting for its newline, and
// returns false with Paused set; the next Scan reads on. A reader returns
// it at most once between two reads that return bytes. Gzip and UTF-16
// input is decoded through readers that keep errors, so there a pause is
// waited out instead.
var ErrPaused = errors.New("no new input yet")

// Options tunes a Scanner. The zero value is ready to use.
type Options struct {
	// MaxLineLen is the longest record, in bytes, kept whole. A longer
	// line gives a record with Truncated set holding its first MaxLineLen
	// bytes. 0 or less means DefaultMaxLineLen; more than 1 GiB is lowered
	// to 1 GiB.
	MaxLineLen int
	// MaxGzipSize bounds the bytes a gzip-compressed input may decompress
	// to; past it the scanner stops with an error wrapping ErrTooLarge.
	// 0 or less means DefaultMaxGzipSize.
	MaxGzipSize int64
}

// DefaultMaxGzipSize is the bound of a gzip stream when Options leaves it
// at 0: the bound of one zip entry (far above any real rotated log).
const DefaultMaxGzipSize int64 = 4 << 30

// Scanner reads records from a stream, like bufio.Scanner reads lines, but
// never stops at a long line or a bad byte: only a read error ends it early.
// It detects gzip and the charset itself (see Encoding).
type Scanner struct {
	src     io.Reader // as given
	r       io.Reader // decoded stream, set by sniff
	file    string
	max     int
	enc     Encoding
	sniffed bool

	// buf[start:end] is read but not yet returned. off is the decoded
	// offset of buf[start]; line the number of the line starting there.
	buf        []byte
	start, end int
	off        int64
	line       int
	eof        bool // no more reads: end of input or an error
	err        error
	pause      bool // the input paused (ErrPaused): the next Scan says so
	paused     bool // the last Scan returned false at a pause, not at the end

	gzip gzipLimit // bounds a gzip stream; read counts what it inflated

	rec   Record
	trunc []byte // the head of an over-long line, kept while the rest is skipped
	cls   classifier
	wrap  unwrapState

	// chunk is set on a chunk scanner (chunk.go), final when its chunk
	// ends the input, inexact when the chunk cannot be scanned on its own.
	chunk, final, inexact bool
	// peek is the length, terminator included, of the line NextAgentLine
	// looked at last, which starts at peekAt in buf (-1: none): ScanTo
	// takes its end from there rather than search it again.
	peek, peekAt int
	// readAhead, when set, bounds what fill reads to that many bytes past
	// start: ReadChunk reads little more than a chunk, so that little is
	// left to copy when it hands the buffer over.
	readAhead int
}

// NewScanner returns a Scanner reading r. file names the input in records
// and errors. Nothing is read until the first call to Scan or Encoding.
func NewScanner(r io.Reader, file string, opts Options) *Scanner {
	limit := opts.MaxLineLen
	if limit <= 0 {
		limit = DefaultMaxLineLen
	}
	limit = min(limit, maxLineLenCap)
	gz := opts.MaxGzipSize
	if gz <= 0 {
		gz = DefaultMaxGzipSize
	}
	return &Scanner{src: r, file: file, max: limit, line: 1, gzip: gzipLimit{max: gz}}
}

// Encoding returns how the input is stored, reading its first bytes if
// Scan has not yet been called.
func (s *Scanner) Encoding() Encoding {
	s.sniff()
	return s.enc
}

// Inflated returns the bytes a gzip-compressed input has decompressed to
// so far (0 for an input that is not compressed).
func (s *Scanner) Inflated() int64 { return s.gzip.read }

// Paused reports whether the last Scan returned false because the input
// paused (see ErrPaused) rather than ended: Scan may be called again.
func (s *Scanner) Paused() bool { return s.paused }

// Err returns the first read error, or nil at a clean end of input.
func (s *Scanner) Err() error {
	return s.err
}

// Record returns the record found by the last call to Scan. The Record and
// its Raw are reused by the next call to Scan; use Clone to keep one.
func (s *Scanner) Record() *Record {
	return &s.rec
}

func (s *Scanner) sniff() {
	if s.sniffed {
		return
	}
	s.sniffed = true
	r, head, enc, err := sniff(s.src, &s.gzip)
	s.r, s.enc = r, enc
	s.buf = make([]byte, max(256<<10, len(head)))
	s.end = copy(s.buf, head)
	switch {
	case errors.Is(err, ErrPaused):
		s.pause = true
	case err != nil:
		s.fail(err)
	}
}

func (s *Scanner) fail(err error) {
	s.eof = true
	name := s.file
	if name == "" {
		name = "input"
	}
	// An error from a file or a zip entry already names it.
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) && pe.Path == name {
		s.err = err
		return
	}
	s.err = fmt.Errorf("read %s: %w", name, err)
}

// fill reads more input into buf, first moving the unread bytes to its
// start and growing it if it is full (up to the line bound).
func (s *Scanner) fill() {
	if s.start > 0 {
		s.end = copy(s.buf, s.buf[s.start:s.end])
		s.start = 0
	}
	if s.end == len(s.buf) {
		n := min(2*len(s.buf), s.max+2)
		if n <= len(s.buf) {
			n = 2 * len(s.buf)
		}
		buf := make([]byte, n)
		copy(buf, s.buf[:s.end])
		s.buf = buf
	}
	to := len(s.buf)
	if lim := s.start + s.readAhead; s.readAhead > 0 && lim > s.end && lim < to {
		to = lim
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:to])
		if n < 0 || n > to-s.end {
			s.fail(errInvalidRead)
			return
		}
		s.end += n
		if err == io.EOF {
			s.eof = true
			return
		}
		if errors.Is(err, ErrPaused) {
			s.pause = true
			return
		}
		if err != nil {
			s.fail(err)
			return
		}
		if n > 0 {
			return
		}
	}
	s.fail(io.ErrNoProgress)
}

// findLF returns the position, relative to start, of the first LF at or
// after rel, reading more input while fewer than max+2 bytes are buffered
// from start (enough to tell a line of max bytes plus CRLF from a longer
// one). It returns -1 at the end of input or at that bound.
func (s *Scanner) findLF(rel int) int {
	for {
		if i := bytes.IndexByte(s.buf[s.start+rel:s.end], '\n'); i >= 0 {
			return rel + i
		}
		rel = s.end - s.start
		if s.eof || s.pause || rel >= s.max+2 {
			return -1
		}
		s.fill()
	}
}

// lineEnd returns the length of the content of the line ending with the LF
// at lf (relative to start, the line starting at from) and of its
// terminator: a CR before the LF belongs to the terminator.
func (s *Scanner) lineEnd(from, lf int) (int, uint8) {
	if lf > from && s.buf[s.start+lf-1] == '\r' {
		return lf - 1, 2
	}
	return lf, 1
}

// Scan advances to the next record, which Record then returns. It returns
// false at the end of input or after a read error (see Err); the bytes read
// before an error are returned as records first.
func (s *Scanner) Scan() bool { return s.ScanTo(&s.rec) }

// ScanTo is Scan writing the record into r instead of the Scanner's own
// (Record does not return it). A caller keeping records in a slice fills
// them in place: copying each record cost a tenth of reading a big log.
// r.Raw is only valid until the next call, as with Scan; r's message and
// fields, decoded from an earlier record, are decoded again on use.
func (s *Scanner) ScanTo(r *Record) bool {
	s.sniff()
	// A pause met while the last record was read (or in sniffing) is
	// reported now, so that the caller learns of every quiet spell.
	s.paused = s.pause
	s.pause = false
	if s.paused {
		return false
	}
	var lf int
	if s.peekAt == s.start && s.chunk {
		lf = s.peek - 1
	} else {
		lf = s.findLF(0)
	}
	avail := s.end - s.start
	if lf < 0 && !s.eof && avail < s.max+2 {
		// Paused in the middle of a line: it is held until its end comes.
		s.paused, s.pause = true, false
		return false
	}
	if lf < 0 && avail == 0 {
		return false
	}
	s.reset(r)
	if lf < 0 && avail >= s.max+2 {
		// An over-long line whose end is not buffered: keep its head apart
		// while the rest is read and dropped.
		s.trunc = append(s.trunc[:0], s.buf[s.start:s.start+s.max]...)
		r.Raw, r.Truncated = s.trunc, true
		r.Skipped, r.term = s.skip(s.max)
		s.off = r.End()
		s.line++
		s.cls.classify(r)
		if s.chunk {
			s.inexact = true
			return false
		}
		return true
	}
	content, term := avail, uint8(0) // a last line without LF
	if lf >= 0 {
		content, term = s.lineEnd(0, lf)
	}
	next := content + int(term)
	if content > s.max {
		r.Truncated, r.Skipped = true, int64(content-s.max)
		content = s.max
	} else if first := s.buf[s.start : s.start+content]; term != 0 &&
		bytes.HasPrefix(first, gcOpen) && !bytes.Contains(first, gcClose) {
		content, next, term, r.Lines = s.continueGC(content, next, term)
	}
	r.Raw = s.buf[s.start : s.start+content : s.start+content]
	r.term = term
	s.cls.classify(r)
	if !s.wrap.console {
		s.wrap.console = consoleRecord(r)
	}
	if s.chunk && s.chunkInexact(r, next) {
		s.inexact = true
		return false
	}
	if s.wrap.console && r.Lines == 1 && !r.Truncated && term != 0 {
		// A console capture's line may have been cut by its terminal (wrap.go).
		c, n, t, lines, gap := s.unwrap(content, next, term)
		// Looking ahead may have read more input, moving the buffered bytes
		// to the buffer's start: Raw must be sliced again where they are now.
		r.Raw = s.buf[s.start : s.start+content : s.start+content]
		if lines > 1 {
			content, next, term, r.Lines, r.joined = c, n, t, lines, gap
			r.Raw = s.buf[s.start : s.start+content : s.start+content]
			r.term = term
			r.Format, r.Level, r.Elapsed, r.body, r.ansi, r.decoded = FormatPlain, LevelNone, -1, 0, false, false
			r.Time = time.Time{}
			s.cls.classify(r)
		}
	}
	s.start += next
	s.off += int64(next)
	s.line += r.Lines
	return true
}

// reset readies the record for the next line. Assigning a whole new Record
// was a third of the cost of scanning: it rewrites every pointer field (and
// pays the write barrier for each while the collector runs). The decoded
// message and fields are left in place, marked stale; classify sets the
// format, level, time and message position.
func (s *Scanner) reset(r *Record) {
	if r.File != s.file {
		r.File = s.file
	}
	r.Line, r.Offset, r.Lines = s.line, s.off, 1
	r.Format, r.Level, r.Elapsed = FormatPlain, LevelNone, -1
	r.Truncated, r.Skipped, r.joined, r.term, r.body, r.ansi, r.decoded = false, 0, 0, 0, 0, false, false
	if !r.Time.IsZero() {
		r.Time = time.Time{}
	}
}

// skip drops the rest of an over-long line from rel (relative to start) up
// to and including its terminator. It returns the bytes dropped before the
// terminator and the terminator's length.
func (s *Scanner) skip(rel int) (int64, uint8) {
	var dropped int64
	for {
		b := s.buf[s.start+rel : s.end]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			s.start += rel + i + 1
			if i > 0 && b[i-1] == '\r' {
				return dropped + int64(i-1), 2
			}
			return dropped + int64(i), 1
		}
		if s.eof {
			s.start = s.end
			return dropped + int64(len(b)), 0
		}
		// Keep a final CR: it belongs to the terminator if LF comes next.
		keep := 0
		if len(b) > 0 && b[len(b)-1] == '\r' {
			keep = 1
		}
		dropped += int64(len(b) - keep)
		s.start, rel = s.end-keep, 0
		s.fill()
	}
}

// continueGC extends a GuestConfig record whose first line has no
// </GCLOG> over the following lines, up to the line holding the close tag.
// It stops before a line starting a new <GCLOG> record, before a line that
// would make the record longer than max, after maxGCLines lines, and at the
// end of input. Its arguments and results are the record's content length,
// the start of the next line and the terminator length (all relative to
// start), and the lines taken.
func (s *Scanner) continueGC(content, next int, term uint8) (int, int, uint8, int) {
	lines := 1
	for lines < maxGCLines && term != 0 {
		c, t, ok := s.followingLine(next)
		if !ok || c > s.max {
			break
		}
		line := s.buf[s.start+next : s.start+c]
		if bytes.HasPrefix(line, gcOpen) {
			break
		}
		content, term, next = c, t, c+int(t)
		lines++
		if bytes.Contains(line, gcClose) {
			break
		}
	}
	return content, next, term, lines
}

// followingLine returns the end of the content of the line starting at next
// and its terminator's length (relative to start), reading more input if
// needed; false when no whole line is there: at the end of input, at a
// pause or past the line bound. A last line without LF counts at the end of
// input.
func (s *Scanner) followingLine(next int) (int, uint8, bool) {
	if lf := s.findLF(next); lf >= 0 {
		c, t := s.lineEnd(next, lf)
		return c, t, true
	}
	avail := s.end - s.start
	if !s.eof || avail == next {
		return 0, 0, false
	}
	return avail, 0, true
}

// ParseLine reads one line (or a pasted GuestConfig record) without a
// Scanner: a trailing LF or CRLF is dropped, and everything else is the
// record's Raw, which the record shares with line.
func ParseLine(line []byte) Record {
	var term uint8
	if n := len(line); n > 0 && line[n-1] == '\n' {
		term = 1
		if n > 1 && line[n-2] == '\r' {
			term = 2
		}
		line = line[:n-int(term)]
	}
	r := Record{Raw: line, Line: 1, Lines: 1 + bytes.Count(line, []byte{'\n'}), term: term}
	var c classifier
	c.classify(&r)
	return r
}
