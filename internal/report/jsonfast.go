package report

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/arcdiag/arcdiag/internal/rfc3339"
)

// A big log has a run every few hundred lines, and analyze --json writes
// one object per run: encoding/json's reflection was a sixth of the time
// of a whole analysis. These appenders write the run object directly, with
// the same bytes encoding/json would write (TestAppendRunJSON checks).

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it without HTML escaping (the style of every command, see JSON):
// quotes, backslashes, control characters, U+2028 and U+2029, and invalid
// UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendOptString appends a string, or null for a nil pointer.
func appendOptString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *s)
}

// appendTime appends jsonTime(t) as JSON: RFC 3339 text needs no escaping.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	return append(rfc3339.Append(append(b, '"'), t), '"')
}

// appendRunJSON appends j, with start and end as its times, as an
// encoding/json Encoder without HTML escaping would write it with Start
// and End set to jsonTime(start) and jsonTime(end) (without the newline).
func appendRunJSON(b []byte, j runJSON, start, end time.Time) []byte {
	b = append(b, `{"type":`...)
	b = appendJSONString(b, j.Type)
	b = append(b, `,"run_id":`...)
	b = appendJSONString(b, j.RunID)
	b = append(b, `,"machine":`...)
	b = appendJSONString(b, j.Machine)
	b = append(b, `,"os":`...)
	b = appendJSONString(b, j.OS)
	b = append(b, `,"file":`...)
	b = appendJSONString(b, j.File)
	b = append(b, `,"index":`...)
	b = strconv.AppendInt(b, int64(j.Index), 10)
	b = append(b, `,"start_line":`...)
	b = strconv.AppendInt(b, int64(j.StartLine), 10)
	if j.EndFile != "" {
		b = append(b, `,"end_file":`...)
		b = appendJSONString(b, j.EndFile)
	}
	b = append(b, `,"end_line":`...)
	b = strconv.AppendInt(b, int64(j.EndLine), 10)
	b = append(b, `,"start":`...)
	b = appendTime(b, start)
	b = append(b, `,"end":`...)
	b = appendTime(b, end)
	b = append(b, `,"command":`...)
	b = appendOptString(b, j.Command)
	b = append(b, `,"agent_version":`...)
	b = appendOptString(b, j.AgentVersion)
	b = append(b, `,"exit_code":`...)
	b = appendOptString(b, j.ExitCode)
	b = append(b, `,"failed":`...)
	b = strconv.AppendBool(b, j.Failed)
	b = append(b, `,"verdict":`...)
	b = appendOptString(b, j.Verdict)
	if j.VerdictLine != 0 {
		b = append(b, `,"verdict_line":`...)
		b = strconv.AppendInt(b, int64(j.VerdictLine), 10)
	}
	if j.VerdictMatch != "" {
		b = append(b, `,"verdict_match":`...)
		b = appendJSONString(b, j.VerdictMatch)
	}
	b = append(b, `,"findings":`...)
	b = strconv.AppendInt(b, int64(j.Findings), 10)
	b = append(b, `,"notes":[`...)
	b = appendStrings(b, j.Notes)
	b = append(b, ']')
	if len(j.KnownCauses) > 0 {
		b = append(b, `,"known_causes":[`...)
		b = append(appendStrings(b, j.KnownCauses), ']')
	}
	if len(j.Alternatives) > 0 {
		b = append(b, `,"alternatives":[`...)
		b = append(appendStrings(b, j.Alternatives), ']')
	}
	return append(b, '}')
}

// appendStrings appends the elements of a JSON array of strings.
func appendStrings(b []byte, ss []string) []byte {
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return b
}
