package parser

import (
	"bytes"
	"io"
	"time"
)

// Scanning a big log is a cost per line that the lines themselves can
// share out: a piece of the input made of whole lines (a chunk) can be
// scanned on its own, on any core, and gives the records the scanner would
// give, numbered from the chunk's start, as long as nothing in it depends
// on the lines before it or after it. That holds for the logs that are big
// (the agent's own, the services'); it does not in a console capture
// (terminal-wrapped lines are joined, and the capture is recognised once
// for all the lines after), after an installer log's date header (its
// lines carry only the time of day), for a GuestConfig record or a line
// that the chunk's end cuts. A chunk scanner reports those (Inexact), and
// the caller scans the input from that chunk on with one scanner that
// carries the state over (Continue).

// ReadChunk returns the next bytes of the decoded input: whole lines of
// about size bytes (at least one line; a line longer than the scanner's
// buffer is cut). It returns false at the end of input or after a read
// error (see Err), returning dst. Rather than copy the chunk, it hands
// over the buffer the chunk was read into and takes dst's storage (its
// whole capacity, from its start) as its next buffer: the caller gives
// back, as dst, a chunk it no longer needs, and must not keep dst. A
// chunk is valid until it is given back. It must not be mixed with Scan.
func (s *Scanner) ReadChunk(dst []byte, size int) ([]byte, bool) {
	s.sniff()
	size = max(size, 1)
	// A little more than a chunk is read (enough to end its last line,
	// most often), so that little is copied into the next buffer.
	s.readAhead = size + chunkSlack
	for s.end-s.start < size && !s.eof && !s.pause {
		s.fill()
	}
	s.readAhead = 0
	avail := s.end - s.start
	if avail == 0 {
		return dst, false
	}
	n := min(avail, size)
	cut := bytes.LastIndexByte(s.buf[s.start:s.start+n], '\n') + 1
	for cut == 0 {
		// One line longer than size: take it whole when it ends within the
		// buffer, without growing it.
		if i := bytes.IndexByte(s.buf[s.start+n:s.end], '\n'); i >= 0 {
			cut = n + i + 1
			break
		}
		n = s.end - s.start
		if s.eof || s.pause || n >= len(s.buf) {
			cut = n
			break
		}
		s.fill()
	}
	chunk := s.buf[s.start : s.start+cut]
	rest := s.buf[s.start+cut : s.end]
	next := dst[:cap(dst)]
	if len(next) < max(len(rest), chunkBuffer) {
		next = make([]byte, max(len(rest), chunkBuffer))
	}
	s.buf, s.start, s.end = next, 0, copy(next, rest)
	s.off += int64(cut)
	s.line += bytes.Count(chunk, []byte{'\n'})
	s.pause = false
	return chunk, true
}

const (
	// chunkSlack is how far past a chunk's size ReadChunk reads.
	chunkSlack = 4 << 10
	// chunkBuffer is the least buffer ReadChunk reads into.
	chunkBuffer = 512 << 10
)

// Position returns the number of the line ReadChunk reads next and its
// offset in the decoded input.
func (s *Scanner) Position() (line int, off int64) { return s.line, s.off }

// AtEnd reports whether ReadChunk has returned the whole input: the last
// chunk may end with a line without its terminator.
func (s *Scanner) AtEnd() bool { return s.eof && s.start == s.end }

// ChunkScanner returns a scanner for the chunks ReadChunk returns from s's
// input: the same file name and line bound. Reset it with SetChunk.
func (s *Scanner) ChunkScanner() *Scanner {
	s.sniff()
	return &Scanner{file: s.file, max: s.max, enc: s.enc, sniffed: true, line: 1, eof: true, chunk: true,
		gzip: gzipLimit{max: s.gzip.max}}
}

// SetChunk makes the chunk scanner read chunk, whose first line has the
// number line and starts at offset off (Position before ReadChunk); final
// says that the input ends with it. Scan then
// returns its records, and stops early when the chunk cannot be scanned
// on its own (Inexact). The scanner keeps no reference to chunk after the
// next SetChunk, and never writes to it.
func (s *Scanner) SetChunk(chunk []byte, final bool, line int, off int64) {
	s.buf, s.start, s.end, s.off, s.line = chunk, 0, len(chunk), off, line
	s.final, s.inexact, s.peekAt = final, false, -1
	s.cls.msiDated, s.cls.msiDay, s.cls.msiTOD = false, 0, 0
	s.wrap = unwrapState{}
}

// Inexact reports whether the chunk scanner met what needs the lines
// around its chunk: the records it returned are not to be used.
func (s *Scanner) Inexact() bool { return s.inexact }

// Continue returns a scanner reading r, the rest of s's decoded input from
// the start of a chunk, whose first line is numbered line and starts at
// offset off: it carries its state from line to line as Scan does.
func (s *Scanner) Continue(r io.Reader, line int, off int64) *Scanner {
	s.sniff()
	c := &Scanner{src: r, r: r, file: s.file, max: s.max, enc: s.enc, sniffed: true, line: line, off: off,
		gzip: gzipLimit{max: s.gzip.max}}
	c.buf = make([]byte, 256<<10)
	return c
}

// chunkInexact reports whether the record just scanned from a chunk, whose
// next line starts at next (relative to start), depends on lines outside
// the chunk, or makes the lines after it depend on it.
func (s *Scanner) chunkInexact(r *Record, next int) bool {
	switch {
	case s.cls.msiDated, s.wrap.console:
		return true // an installer's date, a console capture: state for the lines after
	case r.Truncated:
		return true
	case r.term == 0 && !s.final:
		return true // cut by the chunk's end
	case s.start+next >= s.end && !s.final && bytes.HasPrefix(r.Raw, gcOpen) &&
		!bytes.Contains(r.Raw[bytes.LastIndexByte(r.Raw, '\n')+1:], gcClose):
		return true // a GuestConfig record open at the chunk's end may go on
	}
	return false
}

// NextAgentLine looks at the next line without scanning it, and returns
// it with its level when Scan would give it as a line of the agent's own
// shape (`time="<20 bytes>" level=debug|info ...`, see agentLine): whole in
// the buffer, within the line bound, outside a console capture or an
// installer log's dated lines. Most lines of a big agent log are such
// lines; a caller that needs nothing else from them (their facts are known
// from an earlier line with the same text after the time) skips them with
// SkipLine instead of scanning them. Their time, line[6:26], is read by
// StampTime when needed: most such lines have the time of the line before,
// or one a few seconds later, which comparing the text tells.
//
// expect, when not empty, is the text the line is expected to hold after
// its time (the 26 bytes of `time="<20 bytes>`) and nothing more: same
// reports whether it does, its end then known without a search. known is
// the level NextAgentLine gave a line holding expect (LevelNone: none
// did): a line holding it has that level and shape too, which then need
// no second look.
func (s *Scanner) NextAgentLine(expect string, known Level) (line []byte, level Level, same, ok bool) {
	if s.wrap.console || s.cls.msiDated || s.cls.general {
		return nil, LevelNone, false, false
	}
	rest := s.buf[s.start:s.end]
	lf := -1
	// The expected text is compared where it would lie, past the time; a
	// line break before that (a shorter line) makes the line another.
	if end := agentStampLen + len(expect); expect != "" && end < len(rest) && string(rest[agentStampLen:end]) == expect &&
		bytes.IndexByte(rest[:agentStampLen], '\n') < 0 {
		switch {
		case rest[end] == '\n':
			lf, same = end, true
		case rest[end] == '\r' && end+1 < len(rest) && rest[end+1] == '\n':
			lf, same = end+1, true
		}
	}
	if lf < 0 {
		if lf = bytes.IndexByte(rest, '\n'); lf < 0 {
			return nil, LevelNone, false, false
		}
	}
	s.peek, s.peekAt = lf+1, s.start
	content, _ := s.lineEnd(0, lf)
	line = rest[:content]
	if len(line) > s.max {
		return nil, LevelNone, false, false
	}
	if same && known != LevelNone && string(line[:6]) == `time="` {
		return line, known, true, true
	}
	if level, _ = agentShape(line); level == LevelNone {
		return nil, LevelNone, false, false
	}
	return line, level, same, true
}

// agentStampLen is the length of `time="2031-02-03T04:05:06Z`.
const agentStampLen = len(`time="`) + utcLayoutLen

// StampTime reads the time of a logrus line, the text between `time="`
// and its closing quote, as Scan reads it: zero when it does not parse.
func (s *Scanner) StampTime(stamp []byte) time.Time { return s.cls.parseTime(stamp) }

// SkipLine passes over the line NextAgentLine returned last.
func (s *Scanner) SkipLine() {
	s.start += s.peek
	s.off += int64(s.peek)
	s.line++
}
