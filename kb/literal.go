package kb

import (
	"bytes"
	"regexp/syntax"
	"slices"
	"strings"
)

// plainLiteral is a pattern that is only a literal, such as
// `(?i)\bAzure not detected\b`. A log has hundreds of thousands of lines that
// match such benign patterns, and a search for the literal is far cheaper
// than running the regular expression.
type plainLiteral struct {
	folded             []byte // the literal, folded (coarsely) when case-insensitive
	text               []byte // as written, for a case-sensitive search and the exact check
	fold               bool
	wordStart, wordEnd bool // \b before / after
}

// asPlainLiteral recognises a pattern made of an ASCII literal without
// escapable characters and optional word boundaries at its ends.
func asPlainLiteral(pattern string) *plainLiteral { return plainLiteralOf(simplified(pattern)) }

// plainLiteralOf is asPlainLiteral of a simplified pattern (nil: none).
func plainLiteralOf(re *syntax.Regexp) *plainLiteral {
	if re == nil {
		return nil
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	l := &plainLiteral{}
	if len(subs) > 0 && subs[0].Op == syntax.OpWordBoundary {
		l.wordStart, subs = true, subs[1:]
	}
	if len(subs) > 0 && subs[len(subs)-1].Op == syntax.OpWordBoundary {
		l.wordEnd, subs = true, subs[:len(subs)-1]
	}
	if len(subs) != 1 || subs[0].Op != syntax.OpLiteral {
		return nil
	}
	lit := string(subs[0].Rune)
	if lit == "" || strings.ContainsFunc(lit, func(r rune) bool { return r >= 0x80 || r < 0x20 || r == '"' || r == '\\' }) {
		return nil
	}
	l.fold = subs[0].Flags&syntax.FoldCase != 0
	l.text, l.folded = []byte(lit), []byte(foldString(lit))
	return l
}

// in reports whether line (with folded, the line folded) holds the literal
// with the word boundaries it asks for.
func (l *plainLiteral) in(line, folded []byte) bool {
	hay, needle := line, l.text
	if l.fold {
		hay, needle = folded, l.folded
	}
	for off := 0; ; {
		i := bytes.Index(hay[off:], needle)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(needle)
		// fold is coarse (NUL folds to a space): confirm the bytes exactly.
		exact := !l.fold || equalFoldASCII(line[i:end], l.text)
		if exact && (!l.wordStart || boundary(line, i)) && (!l.wordEnd || boundary(line, end)) {
			return true
		}
		off = i + 1
	}
}

// equalFoldASCII reports whether a and b, of the same length, are equal
// with ASCII letters compared without case and every other byte exactly, as
// the regexp's (?i) compares an ASCII literal (U+017F and U+212A, which it
// also folds, are multi-byte: the matcher leaves lines holding them to the
// regexp).
func equalFoldASCII(a, b []byte) bool {
	for i := range a {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// boundary reports whether \b holds at position i of b.
func boundary(b []byte, i int) bool {
	before := i > 0 && isWordByte(b[i-1])
	after := i < len(b) && isWordByte(b[i])
	return before != after
}

// foldInto appends line, folded, to dst.
func foldInto(dst, line []byte) []byte {
	for _, c := range line {
		dst = append(dst, fold(c))
	}
	return dst
}

// patternOrder gives the order the matcher tries an entry's patterns in.
// A benign entry only needs one of them to hold, so its plain literals,
// cheapest to check, come first; other entries keep their authors' order.
func patternOrder(e *Entry, facts []patternFacts) []int {
	order := make([]int, len(e.Patterns))
	for i := range order {
		order[i] = i
	}
	if e.Kind == KindBenign {
		slices.SortStableFunc(order, func(a, b int) int {
			pa, pb := facts[a].literal != nil, facts[b].literal != nil
			switch {
			case pa && !pb:
				return -1
			case pb && !pa:
				return 1
			}
			return 0
		})
	}
	return order
}
