package kb

import (
	"regexp"
	"sort"
	"strings"

	"github.com/arcdiag/arcdiag/parser"
)

// A pasted capture is ranked by the line that states each entry: explain
// reads it as analyze reads a log (the parser gives each line's level) and
// knows, for every entry it recognises, the line where the capture first
// completes the entry's match and whether that line is only informational.

// place is where a capture states an entry: the line (from 0) that completes
// its match, and whether that line is informational.
type place struct {
	line          int
	informational bool
}

// capture is a pasted text split into its physical lines.
type capture struct {
	text  string
	lines []string
	// informational marks the lines that state no failure: see
	// informationalLine.
	informational []bool
}

func readCapture(text string) *capture {
	c := &capture{text: text, lines: strings.Split(text, "\n")}
	for i, l := range c.lines {
		c.lines[i] = strings.TrimSuffix(l, "\r")
	}
	c.informational = make([]bool, len(c.lines))
	s := parser.NewScanner(strings.NewReader(text), "capture", parser.Options{})
	for s.Scan() {
		r := s.Record()
		info := informationalLine(r.Level, string(r.Raw))
		for i := r.Line - 1; i < r.Line-1+r.Lines && i < len(c.lines); i++ {
			if i >= 0 {
				c.informational[i] = info
			}
		}
	}
	return c
}

// Lines that only inform: a question waiting for an answer ("Do you want to
// install it now? (Y/n):", "Continue? [yes/no] (no):") and a progress line
// ("Checking Local Agent version for updates ...", "Reading package
// lists... Done").
var (
	promptLine   = regexp.MustCompile(`(?i)(?:\?|[(\[](?:y/n|yes/no)[)\]](?:\s*\(\w+\))?)\s*:?\s*$`)
	progressLine = regexp.MustCompile(`(?i)(?:\.\.\.|…)\s*(?:done\.?)?\s*$`)
)

// failureEvidence recognises what says a line reports a failure whatever its
// level: an error code (AZCM0041, AADSTS7000215, HCRP400, 0x80070005,
// [Errno 256], an exit or error code), an HTTP failure status, an
// exception, an error field of a structured log (Error="…", "error":…) or a
// word of failure. The agent logs the detail of a failure at debug level,
// beside a field that carries it.
var failureEvidence = regexp.MustCompile(`(?i)\b(?:AZCM\d{4}|AADSTS\d+|HCRP\d+|0x8[0-9a-f]{7}|errno|(?:exit|error|return)[ _]?(?:code|status|value))\b|` +
	`\b(?:status(?:[ _]?code)?|http/\d(?:\.\d)?)\W{0,4}[45]\d\d\b|\w+exception\b|\berror["']?\s*[=:]|` +
	`\b(?:error|errors|fail|failed|failure|fatal|denied|unable|cannot|can't|could not|couldn't|not found|invalid|refused|timed out|timeout|unreachable)\b`)

// informationalLine reports whether a line (a record of level lv) states no
// failure: it is at info level or below, or asks a question, or shows
// progress, and carries no failure evidence.
func informationalLine(lv parser.Level, line string) bool {
	low := lv != parser.LevelNone && lv <= parser.LevelInfo
	if !low && !promptLine.MatchString(line) && !progressLine.MatchString(line) {
		return false
	}
	return !failureEvidence.MatchString(line)
}

// places finds where the capture states each entry of matches: the first
// line that recognises it on its own, else the first line at which the
// capture's text so far (as written, or with a terminal's wraps joined)
// recognises it; a code is placed on its line, never informational.
func (c *capture) places(matches []Match, alone map[*Entry]int) map[*Entry]place {
	out := map[*Entry]place{}
	for _, m := range matches {
		if _, ok := out[m.Entry]; ok {
			continue
		}
		line, ok := alone[m.Entry]
		if !ok {
			line = c.completingLine(m.Entry)
		}
		out[m.Entry] = place{line, c.informational[line]}
	}
	return out
}

// completingLine returns the first line at which the capture's text up to
// it recognises e: a match across lines counts where it is complete.
func (c *capture) completingLine(e *Entry) int {
	recognises := func(i int) bool {
		prefix := strings.Join(c.lines[:i+1], "\n")
		return e.Matches(prefix) || e.Matches(unwrap(prefix, " ")) || e.Matches(unwrap(prefix, ""))
	}
	// The text so far recognises it from some line on (a pattern anchored
	// at the text's end aside, which then counts on the last line).
	return min(sort.Search(len(c.lines), recognises), len(c.lines)-1)
}

// codeLine returns the line of the byte at offset in the capture.
func (c *capture) codeLine(offset int) int {
	return strings.Count(c.text[:min(max(offset, 0), len(c.text))], "\n")
}
