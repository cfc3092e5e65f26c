package report

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// style colours and wraps text for a terminal, and does neither for a pipe
// or a file, so that output stays greppable and golden-testable.
type style struct {
	color bool
	width int // 0: do not wrap
}

// styleFor is the style of Options: colour if asked, and lines wrapped to
// the terminal's width (at most 120 columns, for readability; not under
// 40, where wrapping would leave too little).
func styleFor(opts Options) style {
	s := style{color: opts.Color}
	if opts.Width >= 40 {
		s.width = min(opts.Width, 120)
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
// the first indented by indent spaces. Existing line breaks are kept; wide
// (CJK) text may break between any two characters, other text only at spaces.
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
			case lastSpace >= 0 && rw < 2:
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
		if rw == 2 {
			// A break is allowed after any wide character (CJK text has no spaces).
			lastSpace = -1
		}
		cur.WriteRune(r)
		curW += rw
	}
	return append(out, cur.String())
}

// runeWidth is the number of terminal columns r takes: 2 for East Asian wide
// and fullwidth characters (CJK, Hangul, most emoji), 0 for combining marks,
// zero-width and control characters, 1 for the rest (ambiguous ones too, as
// terminals show them outside East Asian locales).
func runeWidth(r rune) int {
	switch {
	case r == utf8.RuneError || unicode.IsControl(r) || unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// DisplayWidth is the number of terminal columns s takes.
func DisplayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}
