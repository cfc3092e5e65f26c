package parser

import (
	"bytes"
	"regexp"
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// A console capture copied from a terminal, or saved by one, may hold its
// long lines cut at the terminal's width with hard newlines: an error split
// as "certificate signed by unkn" / "own authority" matches nothing. The
// scanner joins such pieces back into the line they were cut from, and only
// those, so that no two records are ever joined:
//
//   - only in a console capture: an input that has shown a terminal-form or
//     install-script record, a shell prompt or script(1)'s header (log files
//     are written whole, never wrapped);
//   - only after a line exactly as wide, in display columns, as a usual
//     terminal (wrapWidths), and as wide as any line before it, as every
//     line of a wrapped capture is at most the terminal's width;
//   - only a following line that starts no record (no known format, no
//     shell prompt), is not empty and is no wider; a piece narrower than
//     the width is the line's last.

// wrapWidths are the terminal widths whose wraps are joined: the classic
// 80 columns, the Windows console's 120, the VT100's 132, and the round
// widths terminal windows are commonly set to.
var wrapWidths = []int{80, 100, 120, 132, 160, 200, 240}

// unwrapState is what the scanner knows of the capture it reads.
type unwrapState struct {
	console bool // a terminal-form or script record, or a shell prompt, was seen
	widest  int  // the widest line measured since
	peek    classifier
}

// shellPrompt matches the start of a shell prompt line: "[user@host dir]$ ",
// "user@host:~$ ", "PS C:\dir> ", "C:\dir>"; and the header of script(1)'s
// typescript, which a capture may start with.
var shellPrompt = regexp.MustCompile(`^(\[[^\]]*\][$#] |[^\s@]+@[^\s:]+:[^$#]*[$#] |PS [^>]*> |[A-Za-z]:\\[^>]*>|Script started on )`)

// consoleRecord reports whether r shows its input to be a console capture.
func consoleRecord(r *Record) bool {
	switch r.Format {
	case FormatTerminal, FormatScript:
		return true
	case FormatPlain:
		return len(r.Raw) > 0 && shellPrompt.Match(r.Raw)
	}
	return false
}

// unwrap extends the record in buf[start:start+content], its line ended by a
// terminator of term bytes with the next line at next, over the pieces a
// terminal wrapped it into, moving each piece up against the one before it.
// It returns the record's new content length, next line and terminator, the
// lines taken and the bytes of line breaks removed.
func (s *Scanner) unwrap(content, next int, term uint8) (int, int, uint8, int, int64) {
	lines, gap := 1, int64(0)
	first := s.buf[s.start : s.start+content]
	if content < wrapWidths[0] && bytes.IndexByte(first, '\t') < 0 {
		return content, next, term, lines, gap // fewer bytes than columns
	}
	w := displayWidth(first)
	wrapped := w >= s.wrap.widest && slices.Contains(wrapWidths, w)
	s.wrap.widest = max(s.wrap.widest, w)
	for wrapped && lines < maxGCLines && term != 0 {
		c, t, ok := s.followingLine(next)
		if !ok {
			break
		}
		piece := s.buf[s.start+next : s.start+c]
		if len(piece) == 0 || content+len(piece) > s.max || s.startsRecord(piece) {
			break
		}
		pw := displayWidth(piece)
		if pw > w {
			break
		}
		gap = int64(next - content)
		content += copy(s.buf[s.start+content:], piece)
		term, next = t, c+int(t)
		lines++
		wrapped = pw == w
	}
	return content, next, term, lines, gap
}

// startsRecord reports whether a line begins a record of its own: a known
// format or a shell prompt. An install script's failure is recognised by
// the script's name anywhere in its path, so a piece cut from the middle of
// that path ("x_azcmagent.sh: …", "\\AppData\\…\\install_windows_…")
// starts a record only if it starts as a path does.
func (s *Scanner) startsRecord(line []byte) bool {
	r := Record{Raw: line}
	s.wrap.peek.classify(&r)
	switch {
	case r.Format == FormatPlain:
		return shellPrompt.Match(line)
	case r.Format == FormatScript && r.Level == LevelError:
		return pathStart.Match(line)
	}
	return true
}

// pathStart matches a line that starts with a path or a script's name.
var pathStart = regexp.MustCompile(`^(\.{1,2}/|/|~/|\\\\|[A-Za-z]:[\\/]|(?i)install_)`)

// displayWidth returns the columns a terminal gives b: East Asian wide and
// fullwidth characters take two, combining marks, format and control
// characters and colour sequences none, a tab moves to the next multiple of
// eight; an invalid byte takes one.
func displayWidth(b []byte) int {
	cols := 0
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == esc && i+1 < len(b) && b[i+1] == '[':
			i += 2
			for i < len(b) && (b[i] < 0x40 || b[i] > 0x7e) {
				i++
			}
			i++ // the final byte
			continue
		case c == '\t':
			cols = (cols/8 + 1) * 8
		case c < 0x20 || c == 0x7f:
		case c < utf8.RuneSelf:
			cols++
		default:
			r, n := utf8.DecodeRune(b[i:])
			i += n
			switch k := width.LookupRune(r).Kind(); {
			case k == width.EastAsianWide || k == width.EastAsianFullwidth:
				cols += 2
			case r != utf8.RuneError && unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
			default:
				cols++
			}
			continue
		}
		i++
	}
	return cols
}
