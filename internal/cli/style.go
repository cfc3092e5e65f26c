package cli

import (
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"
)

// style colours and wraps text for a terminal, and does neither for a pipe
// or a file, so that output stays greppable and golden-testable.
type style struct {
	color bool
	width int // 0: do not wrap
}

func newStyle(w io.Writer, noColor bool) style {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return style{}
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		cols = 0
	}
	return terminalStyle(cols, noColor || os.Getenv("NO_COLOR") != "")
}

// terminalStyle is the style for a terminal cols wide: colour unless the
// user turned it off (--no-color, or NO_COLOR set to anything), and lines
// wrapped to the width (at most 120 columns, for readability).
func terminalStyle(cols int, noColor bool) style {
	s := style{color: !noColor}
	if cols >= 40 {
		s.width = min(cols, 120)
	}
	return s
}

const (
	bold   = "1"
	dim    = "2"
	red    = "31"
	green  = "32"
	yellow = "33"
	cyan   = "36"
)

func (s style) paint(code, text string) string {
	if !s.color || text == "" {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

// wrap breaks text into lines of at most s.width display columns, each after
// the first indented by indent spaces. Existing line breaks are kept; CJK text
// may break between any two characters, other text only at spaces.
func (s style) wrap(text string, indent int) string {
	pad := strings.Repeat(" ", indent)
	lines := strings.Split(text, "\n")
	if s.width == 0 || s.width-indent < 20 {
		return strings.Join(lines, "\n"+pad)
	}
	limit := s.width - indent
	var out []string
	for _, line := range lines {
		out = append(out, wrapLine(line, limit)...)
	}
	return strings.Join(out, "\n"+pad)
}

func wrapLine(line string, limit int) []string {
	var (
		out        []string
		cur        strings.Builder
		curW       int
		lastSpace  = -1 // byte index in cur of the last breakable space
		widthAfter int  // width of cur after lastSpace
	)
	for _, r := range line {
		rw := runeWidth(r)
		if curW+rw > limit && cur.Len() > 0 {
			str := cur.String()
			switch {
			case r == ' ':
				out = append(out, str)
				cur.Reset()
				curW, lastSpace = 0, -1
				continue
			case lastSpace >= 0 && !isWide(r):
				out = append(out, str[:lastSpace])
				rest := str[lastSpace+1:]
				cur.Reset()
				cur.WriteString(rest)
				curW, lastSpace = widthAfter, -1
			default:
				out = append(out, str)
				cur.Reset()
				curW, lastSpace = 0, -1
			}
		}
		if r == ' ' {
			lastSpace, widthAfter = cur.Len(), 0
		} else if lastSpace >= 0 {
			widthAfter += rw
		}
		if isWide(r) {
			// A break is allowed after any wide character.
			lastSpace = -1
		}
		cur.WriteRune(r)
		curW += rw
	}
	return append(out, cur.String())
}

func isWide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xff60)
}

func runeWidth(r rune) int {
	if isWide(r) {
		return 2
	}
	if r == utf8.RuneError || unicode.IsControl(r) {
		return 0
	}
	return 1
}
