package report

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/internal/rfc3339"
	"github.com/arcdiag/arcdiag/kb"
)

// A big log has a run every few hundred lines, and analyze --json writes
// one object per run: encoding/json's reflection was a sixth of the time
// of a whole analysis. These appenders write the run object directly, with
// the same bytes encoding/json would write (TestAppendRun checks).

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

// appendTime appends jsonTime(t) as JSON: RFC 3339 text needs no escaping.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	return append(rfc3339.Append(append(b, '"'), t), '"')
}

// appendRun appends run's object, as encoding/json would write
// j.runJSON(run) without HTML escaping (without the newline). It
// writes from the run itself: the parts that consecutive runs share (the
// machine and file, the command, the agent version, the exit code) are
// kept escaped in j.runParts, so that a run costs its numbers, its times
// and its id.
func (j *JSON) appendRun(b []byte, run *diagnose.Run) []byte {
	p := &j.runParts
	b = append(b, `{"type":"run","run_id":`...)
	b, machine, os := j.opts.Labeller.AppendID(b, run)
	if p.head == nil || machine != p.machine || os != p.os || run.File != p.file {
		p.machine, p.os, p.file = machine, os, run.File
		h := append(p.head[:0], `,"machine":`...)
		h = appendJSONString(h, machine)
		h = append(h, `,"os":`...)
		h = appendJSONString(h, os)
		h = append(h, `,"file":`...)
		h = appendJSONString(h, run.File)
		p.head = append(h, `,"index":`...)
	}
	b = append(b, p.head...)
	b = strconv.AppendInt(b, int64(run.Index), 10)
	b = append(b, `,"start_line":`...)
	b = strconv.AppendInt(b, int64(run.StartLine), 10)
	if run.EndFile != "" {
		b = append(b, `,"end_file":`...)
		b = appendJSONString(b, run.EndFile)
	}
	b = append(b, `,"end_line":`...)
	b = strconv.AppendInt(b, int64(run.EndLine), 10)
	b = append(b, `,"start":`...)
	start := len(b)
	b = appendTime(b, run.Start)
	end := len(b)
	b = append(b, `,"end":`...)
	if run.End == run.Start {
		b = append(b, b[start:end]...) // most runs last under a second
	} else {
		b = appendTime(b, run.End)
	}
	b = append(b, `,"command":`...)
	b = append(b, p.command.get(run.Command, j.clean)...)
	b = append(b, `,"agent_version":`...)
	b = append(b, p.version.get(run.AgentVersion, nil)...)
	b = append(b, `,"exit_code":`...)
	b = append(b, p.exit.get(run.ExitCode, nil)...)
	if run.Failed {
		b = append(b, `,"failed":true,"verdict":`...)
	} else {
		b = append(b, `,"failed":false,"verdict":`...)
	}
	if run.Verdict == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, run.Verdict.ID)
		if f := run.VerdictFinding; f != nil && f.Line != 0 {
			b = append(b, `,"verdict_line":`...)
			b = strconv.AppendInt(b, int64(f.Line), 10)
		}
		if run.VerdictSuggested {
			b = append(b, `,"verdict_match":"`+matchSuggested+`"`...)
		}
	}
	b = append(b, `,"findings":`...)
	b = strconv.AppendInt(b, int64(run.FindingCount), 10)
	b = append(b, `,"notes":[`...)
	b = append(appendIDs(b, run.Notes), ']')
	if len(run.KnownCauses) > 0 {
		b = append(b, `,"known_causes":[`...)
		b = append(appendIDs(b, run.KnownCauses), ']')
	}
	if len(run.Alternatives) > 0 {
		b = append(b, `,"alternatives":[`...)
		b = append(appendIDs(b, run.Alternatives), ']')
	}
	return append(b, '}')
}

// runParts are the escaped parts of the last run objects (see appendRun).
type runParts struct {
	machine, os, file string
	// head is `,"machine":…,"os":…,"file":…,"index":` for those three.
	head                   []byte
	command, version, exit escapedStrings
}

func newRunParts() runParts {
	var p runParts
	p.command.orNull, p.version.orNull, p.exit.orNull = true, true, true
	return p
}

// escapedStrings remembers the JSON of a few strings, which a log repeats
// run after run: the same few commands in turn, the same failure.
type escapedStrings struct {
	// orNull writes "" as null (an optional field).
	orNull bool
	in     [8]string
	out    [8][]byte
	next   int
}

// get returns s as JSON, cleaned by clean first unless clean is nil.
func (e *escapedStrings) get(s string, clean func(string) string) []byte {
	for i := range e.in {
		if e.out[i] != nil && e.in[i] == s {
			return e.out[i]
		}
	}
	v := s
	if clean != nil && v != "" {
		v = clean(v)
	}
	i := e.next
	e.next = (e.next + 1) % len(e.in)
	e.in[i] = s
	if v == "" && e.orNull {
		e.out[i] = append(e.out[i][:0], "null"...)
	} else {
		e.out[i] = appendJSONString(e.out[i][:0], v)
	}
	return e.out[i]
}

// appendFinding appends f's object, as encoding/json would write
// j.findingJSON(f) without HTML escaping (without the newline). The
// entries, in the meaning each has, are kept as JSON (j.entries): a big
// log repeats the same few failures, and their knowledge-base text was
// most of the bytes and of the time of writing a finding.
func (j *JSON) appendFinding(b []byte, f *diagnose.Finding) []byte {
	p := &j.findingParts
	b = append(b, `{"type":"finding","run_id":`...)
	if f.Run != nil {
		var machine, os string
		b, machine, os = j.opts.Labeller.AppendID(b, f.Run)
		b = append(b, `,"machine":`...)
		b = appendJSONString(b, machine)
		b = append(b, `,"os":`...)
		b = appendJSONString(b, os)
		b = append(b, `,"agent_version":`...)
		b = append(b, p.version.get(f.Run.AgentVersion, nil)...)
	} else {
		b = append(b, `"","machine":"","os":"","agent_version":null`...)
	}
	b = append(b, `,"file":`...)
	b = appendJSONString(b, f.File)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(f.Line), 10)
	b = append(b, `,"time":`...)
	b = appendTime(b, f.Time)
	b = append(b, `,"level":`...)
	b = appendJSONString(b, f.Level.String())
	b = append(b, `,"message":`...)
	b = append(b, p.message.get(f.Message, j.clean)...)
	b = append(b, `,"text":`...)
	b = append(b, p.text.get(f.Text, j.clean)...)
	if f.Excerpt {
		if f.LineLen != 0 {
			b = append(b, `,"line_length":`...)
			b = strconv.AppendInt(b, f.LineLen, 10)
		}
		b = append(b, `,"excerpt":true`...)
	}
	b = append(b, `,"codes":[`...)
	b = append(appendStrings(b, f.Codes), ']')
	if len(f.Unknown) > 0 {
		b = append(b, `,"unknown_codes":[`...)
		b = append(appendStrings(b, f.Unknown), ']')
	}
	b = append(b, `,"entries":[`...)
	b = append(j.appendBriefly(b, f.Entries, f.Context), ']')
	if len(f.Suggested) > 0 {
		b = append(b, `,"suggested":[`...)
		b = append(j.appendBriefly(b, f.Suggested, f.Context), ']')
	}
	return append(b, '}')
}

// findingParts are the escaped parts of the last finding objects.
type findingParts struct {
	version       escapedStrings
	message, text escapedStrings
	// entries holds each entry's JSON (j.briefly) in a meaning.
	entries map[brieflyKey][]byte
}

// brieflyKey is an entry in one of its meanings: only the meaning of an
// entry with variants or a history depends on the context.
type brieflyKey struct {
	e *kb.Entry
	m kb.Meaning
}

// appendBriefly appends the entries as j.briefly gives them in ctx, the
// elements of a JSON array.
func (j *JSON) appendBriefly(b []byte, es []*kb.Entry, ctx kb.Context) []byte {
	p := &j.findingParts
	if p.entries == nil {
		p.entries = map[brieflyKey][]byte{}
	}
	for i, e := range es {
		if i > 0 {
			b = append(b, ',')
		}
		key := brieflyKey{e: e}
		if len(e.Variants) > 0 || len(e.History) > 0 {
			key.m = e.MeaningFor(ctx)
		}
		out, ok := p.entries[key]
		if !ok {
			// An entry's text is the knowledge base's, bounded: encoding/json
			// writes it once.
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(j.briefly(e, ctx)); err != nil {
				j.err = err // strings and ids only: never happens
			}
			out = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
			p.entries[key] = out
		}
		b = append(b, out...)
	}
	return b
}

// appendIDs appends the entries' ids as the elements of a JSON array.
func appendIDs(b []byte, es []*kb.Entry) []byte {
	for i, e := range es {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, e.ID)
	}
	return b
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
