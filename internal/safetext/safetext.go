// Package safetext makes text taken from logs safe to print on a terminal
// and in Markdown. A log line is written by whoever can reach the agent (a
// proxy's error page, an extension's output, a crafted hostname): printed
// raw, ESC and OSC sequences retitle or clear the reader's terminal, and a
// Markdown link can carry a javascript: URL into a ticket.
package safetext

import (
	"strings"
	"unicode/utf8"
)

// Controls returns s with every control character except tab and newline
// (C0, DEL and the C1 range U+0080–U+009F) shown as a Go-style escape: ESC
// as \x1b, CSI as \u009b. Bytes that are not UTF-8 are left as they are: a
// UTF-8 terminal acts on no such byte, and logs in a legacy code page
// (Shift-JIS GuestConfig logs) stay readable as bytes. s is returned as is
// when it has no control character, which is the usual case.
func Controls(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !(r >= 0x80 && r <= 0x9f) {
				i += n
				continue
			}
		}
		break
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	const hex = "0123456789abcdef"
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f || c == '\t' || c == '\n':
			b.WriteByte(c)
			i++
		case c < utf8.RuneSelf:
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			switch {
			case r >= 0x80 && r <= 0x9f:
				b.WriteString(`\u00`)
				b.WriteByte(hex[r>>4&15])
				b.WriteByte(hex[r&15])
			default:
				b.WriteString(s[i : i+n])
			}
			i += n
		}
	}
	return b.String()
}

// markdown escapes what Markdown (CommonMark and GitHub's tables) would
// read as markup in a line of log text: links and images cannot form
// without their brackets, HTML and autolinks without <, entities without &.
var markdown = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "`", "'", "<", "&lt;", ">", "&gt;", "&", "&amp;",
	"*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
)

// Markdown returns s escaped for a Markdown table cell or paragraph, its
// control characters shown as in Controls and newlines as spaces.
func Markdown(s string) string {
	return markdown.Replace(strings.ReplaceAll(Controls(s), "\n", " "))
}
