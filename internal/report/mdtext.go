package report

import (
	"regexp"
	"strings"
)

// Knowledge-base text is written for a terminal: numbered steps one a
// line, commands and paths indented under the step they belong to, and
// placeholders such as <region> in angle brackets. In Markdown the same
// text would lose its placeholders as HTML and run its commands into the
// prose, so mdBlocks gives each part its Markdown form.

var (
	mdStep   = regexp.MustCompile(`^(\d{1,2})[.)] +(.*)$`)
	mdBullet = regexp.MustCompile(`^[-•] +(.*)$`)
)

// mdBlocks renders knowledge-base prose as Markdown: a numbered line is an
// item of an ordered list, a "- " line of a bullet list; a line indented
// under an item exactly as far as its text continues it; any other indented line is
// code (a command, a path, or a table of them lined up) in a fenced block,
// kept as it is; the rest are paragraphs with Markdown's markup characters
// escaped, so that "<region>" stays text. `Backticked` spans stay code.
func mdBlocks(text string) string {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	var (
		out     []string
		item    = -1 // content column of the list item being written, or -1
		code    []string
		codePad string
		last    = "" // kind of the last block: "item", "para", "code"
	)
	blank := func() {
		if len(out) > 0 && out[len(out)-1] != "" {
			out = append(out, "")
		}
	}
	flushCode := func() {
		if len(code) == 0 {
			return
		}
		cut := -1
		for _, l := range code {
			if strings.TrimSpace(l) == "" {
				continue
			}
			if n := len(l) - len(strings.TrimLeft(l, " ")); cut < 0 || n < cut {
				cut = n
			}
		}
		fence := codeFence(code)
		blank()
		out = append(out, codePad+fence)
		for _, l := range code {
			out = append(out, codePad+strings.TrimRight(l[min(cut, len(l)):], " "))
		}
		out = append(out, codePad+fence)
		code, last = nil, "code"
	}
	for _, line := range strings.Split(text, "\n") {
		body := strings.TrimLeft(line, " ")
		indent := len(line) - len(body)
		switch {
		case body == "":
			flushCode()
			blank()
			item, last = -1, ""
		case indent < 4 && mdStep.MatchString(body):
			flushCode()
			m := mdStep.FindStringSubmatch(body)
			if last != "item" {
				blank()
			}
			out = append(out, m[1]+". "+mdInline(m[2]))
			item, last = len(m[1])+2, "item"
		case indent < 4 && mdBullet.MatchString(body):
			flushCode()
			if last != "item" {
				blank()
			}
			out = append(out, "- "+mdInline(mdBullet.FindStringSubmatch(body)[1]))
			item, last = 2, "item"
		case indent == 0:
			flushCode()
			blank()
			out = append(out, mdInline(body))
			item, last = -1, "para"
		case item >= 0 && indent == item:
			// The item's text goes on (after a code block, as a new paragraph).
			flushCode()
			pad := strings.Repeat(" ", item)
			if last == "code" {
				blank()
			}
			out = append(out, pad+mdInline(body))
			if last == "code" {
				last = "item"
			}
		default:
			if len(code) == 0 {
				codePad = ""
				if item >= 0 {
					codePad = strings.Repeat(" ", item)
				}
			}
			code = append(code, line)
		}
	}
	flushCode()
	return strings.Join(out, "\n")
}

// codeFence is a fence of backticks longer than any run of them in code.
func codeFence(code []string) string {
	longest := 0
	for _, l := range code {
		run := 0
		for _, c := range l {
			if c == '`' {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// mdEscape escapes the characters of knowledge-base prose that Markdown
// would read as markup: HTML (and so placeholders) and entities, links,
// emphasis and escapes.
var mdEscape = strings.NewReplacer(
	`\`, `\\`, "<", "&lt;", ">", "&gt;", "&", "&amp;", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
)

// mdLineStart matches what would make a paragraph line a heading, a quote,
// a list item or a rule.
var mdLineStart = regexp.MustCompile(`^(#|=|\+|-|(\d+)[.)])`)

// mdInline escapes one line of prose for Markdown, keeping `backticked`
// spans as code spans.
func mdInline(s string) string {
	var b strings.Builder
	parts := strings.Split(s, "`")
	for i, p := range parts {
		switch {
		case i%2 == 1 && i < len(parts)-1:
			b.WriteString("`" + p + "`")
		case i%2 == 1:
			b.WriteString("\\`" + mdEscape.Replace(p)) // an unmatched backtick
		default:
			b.WriteString(mdEscape.Replace(p))
		}
	}
	out := b.String()
	if m := mdLineStart.FindStringSubmatchIndex(out); m != nil {
		if m[4] >= 0 { // "1." or "1)": escape the dot or parenthesis
			return out[:m[5]] + `\` + out[m[5]:]
		}
		return `\` + out
	}
	return out
}
