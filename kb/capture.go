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
	// ends gives, for each line, its end in text, its break included.
	ends []int
	// record gives, for each line, the record of the parser's reading it
	// belongs to (a terminal's wrapped line joined back).
	record []recordSpan
}

// recordSpan is a record's lines and level.
type recordSpan struct {
	first, count int
	level        parser.Level
}

func readCapture(text string) *capture {
	c := &capture{text: text, lines: strings.Split(text, "\n")}
	at := 0
	for i, l := range c.lines {
		at += len(l) + 1
		c.ends = append(c.ends, min(at, len(text)))
		c.lines[i] = strings.TrimSuffix(l, "\r")
		c.record = append(c.record, recordSpan{i, 1, parser.LevelNone})
	}
	s := parser.NewScanner(strings.NewReader(text), "capture", parser.Options{})
	for s.Scan() {
		r := s.Record()
		span := recordSpan{r.Line - 1, r.Lines, r.Level}
		for i := span.first; i < span.first+span.count && i < len(c.lines); i++ {
			if i >= 0 {
				c.record[i] = span
			}
		}
	}
	return c
}

// informational reports whether line i belongs to a record that states no
// failure (see informationalLine).
func (c *capture) informational(i int) bool {
	r := c.record[i]
	return informationalLine(r.level, strings.Join(c.lines[r.first:min(r.first+r.count, len(c.lines))], ""))
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

// places finds where the capture states each entry it recognises: the
// first line that recognises it on its own, else the first line at which
// the capture's text so far recognises it (as written, or with a
// terminal's wraps joined, as the whole text did).
func (c *capture) places(w wrappedMatches) map[*Entry]place {
	out := map[*Entry]place{}
	for _, m := range w.matches {
		if _, ok := out[m.Entry]; ok {
			continue
		}
		line, ok := w.alone[m.Entry]
		if !ok {
			form := func(s string) string { return s }
			if sep, joined := w.joinedBy[m.Entry]; joined {
				form = func(s string) string { return unwrap(s, sep) }
			}
			line = c.completingLine(m.Entry, form, c.codeLine(m.Start))
		}
		out[m.Entry] = place{line, c.informational(line)}
	}
	return out
}

// completingLine returns the first line at which the capture's text up to
// it, in form, recognises e: a match across lines counts where it is
// complete. The search starts from hint, about the line its match starts
// on, so that a long capture is matched whole only for an entry whose
// match ends near its end.
func (c *capture) completingLine(e *Entry, form func(string) string, hint int) int {
	last := len(c.lines) - 1
	// The text so far recognises it from some line on (a pattern anchored
	// at the text's end aside, which then counts on the last line).
	complete := func(i int) bool { return i >= last || e.Matches(form(c.text[:c.ends[i]])) }
	lo, hi := 0, min(max(hint, 0), last)
	for step := 1; !complete(hi); step *= 2 {
		lo, hi = hi+1, min(hi+step, last)
	}
	return lo + sort.Search(hi-lo, func(j int) bool { return complete(lo + j) })
}

// codeLine returns the line of the byte at offset in the capture: the
// first whose end is past it.
func (c *capture) codeLine(offset int) int {
	return min(sort.SearchInts(c.ends, max(offset, 0)+1), len(c.lines)-1)
}
