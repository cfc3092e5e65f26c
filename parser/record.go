package parser

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Format is the line grammar a record was written in.
type Format uint8

// The formats, detected line by line: a pasted console capture mixes them.
const (
	// FormatPlain is any line that none of the others describes.
	FormatPlain Format = iota
	// FormatLogrus is the file form: time="..." level=... msg="..." Key=value.
	FormatLogrus
	// FormatTerminal is the console form: LEVEL[NNNN] message   Key=value.
	FormatTerminal
	// FormatCode is a line that is only a code: "Exit Code:  AZCM0044: Name"
	// or "AZCM0026: Network Error" (outside the two log forms).
	FormatCode
	// FormatGuestConfig is a <GCLOG>[time] [PID n] [TID n] [COMPONENT] [LEVEL] [GUID] message</GCLOG> record.
	FormatGuestConfig
	// FormatJSON is logrus's JSON form: {"level":"error","msg":"...","time":"..."}
	// with any further members as fields.
	FormatJSON
	// FormatMSI is a line of a Windows Installer verbose log (msiexec /l*v)
	// that carries its structure or outcome: "MSI (s) (..) [time]: ...",
	// "Action start/ended", "CustomAction ... returned actual error code",
	// "Property(S): ..." and the "=== ... logging started ===" header.
	FormatMSI
	// FormatGPO is the Group Policy onboarding script's log:
	// [YYYY-MM-DD][HH:MM:SS] LEVEL message.
	FormatGPO
	// FormatScript is the install scripts' console output: PowerShell's
	// VERBOSE:/WARNING:/DEBUG: lines, a failure naming
	// install_linux_azcmagent.sh or install_windows_azcmagent.ps1, and
	// their success line.
	FormatScript
	// FormatStamped is a line starting with a date and time followed by a
	// level word, as extension logs write them.
	FormatStamped
)

var formatNames = [...]string{"plain", "logrus", "terminal", "code", "guestconfig", "json", "msi", "gpo", "script", "timestamped"}

// Formats lists every format, in the order of their values.
func Formats() []Format {
	fs := make([]Format, len(formatNames))
	for i := range fs {
		fs[i] = Format(i)
	}
	return fs
}

// Known reports whether f is a grammar the parser recognised, as opposed
// to plain text.
func (f Format) Known() bool { return f != FormatPlain }

// FromAzcmagent reports whether records of format f may be azcmagent's own
// output: its log file and terminal forms, its code lines, and plain text
// (a pasted console). The other formats are written by installers,
// scripts, services and extensions, whose exit codes and statuses are not
// the agent's and whose runs are not azcmagent invocations.
func (f Format) FromAzcmagent() bool {
	return f <= FormatCode
}

// String returns the format's lower-case name, as used in JSON output.
func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// Level is a record's severity. LevelNone means the line states none.
type Level uint8

// The levels, in increasing severity.
const (
	LevelNone Level = iota
	LevelTrace
	LevelDebug
	LevelInfo
	LevelWarning
	LevelError
	LevelFatal
	LevelPanic
)

var levelNames = [...]string{"", "trace", "debug", "info", "warning", "error", "fatal", "panic"}

// String returns the level's logrus name ("warning", not "warn"), or "" for
// LevelNone.
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

// ParseLevel reads a level name in any case: the logrus names, the
// four-letter forms logrus prints on terminals by default (WARN, ERRO, ...)
// and the usual abbreviations (err, dbg, inf, wrn, trc). "" and unknown
// names give LevelNone and false.
func ParseLevel(s string) (Level, bool) {
	if len(s) > 16 {
		return LevelNone, false
	}
	var b [16]byte
	return parseLevel(append(b[:0], s...))
}

// parseLevel is ParseLevel on bytes, for the scanner's hot path: lowering
// into a fixed array keeps it free of allocations.
func parseLevel(s []byte) (Level, bool) {
	var low [16]byte
	if len(s) > len(low) {
		return LevelNone, false
	}
	for i, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	switch string(low[:len(s)]) {
	case "trace", "trac", "trc":
		return LevelTrace, true
	case "debug", "debu", "dbg":
		return LevelDebug, true
	case "info", "inf", "information":
		return LevelInfo, true
	case "warning", "warn", "wrn":
		return LevelWarning, true
	case "error", "erro", "err":
		return LevelError, true
	case "fatal", "fata":
		return LevelFatal, true
	case "panic", "pani":
		return LevelPanic, true
	}
	return LevelNone, false
}

// Field is one Key=value pair of a record, value unescaped.
type Field struct {
	Key, Value string
}

// Record is one log record: usually one physical line; a GuestConfig record
// may span several, and so may a console line that a terminal wrapped.
//
// Message, Fields, Field and Text decode Raw on first use and keep the
// result, so a Record is not safe for concurrent use, and a Scanner's record
// must be decoded (or cloned) before the next call to Scan.
type Record struct {
	// File names the input the record came from, as given to NewScanner.
	File string
	// Line is the 1-based number of the record's first physical line.
	Line int
	// Offset is the byte offset of the record's first byte in the decoded
	// stream (after gzip and UTF-16 decoding, after a BOM).
	Offset int64
	// Raw is the record without its line terminator (CRLF or LF). It is
	// only valid until the next call to Scan; copy it to keep it. Colour
	// sequences, invalid UTF-8 and NUL bytes are kept as read. A console
	// line a terminal had wrapped is joined back: its pieces follow each
	// other without the line breaks between them.
	Raw []byte
	// Format is the grammar the record was recognised in.
	Format Format
	// Time is the record's clock time; zero when the line has none (the
	// terminal form has only Elapsed) or when its time does not parse.
	// GuestConfig times carry no zone and are returned as UTC: the agent
	// presumably writes machine local time, which the log does not name.
	Time time.Time
	// Elapsed is the terminal form's seconds since the process started
	// logging, or -1.
	Elapsed int
	// Level is the record's severity.
	Level Level
	// Truncated is set when the line was longer than the scanner's
	// MaxLineLen: Raw holds its first MaxLineLen bytes and the rest was
	// skipped.
	Truncated bool
	// Skipped is the number of bytes of a truncated line dropped after Raw,
	// not counting the line terminator; 0 unless Truncated. With it (and
	// the line breaks of a wrapped line) every input byte is accounted for:
	// End() - Offset = len(Raw) + Skipped + the breaks + the terminator.
	Skipped int64
	// Lines is the number of physical lines the record spans (at least 1).
	Lines int

	// body is where the message (terminal form) or the msg pair (logrus
	// form) starts in the decoded text: Raw, or Raw without colour
	// sequences when ansi is set.
	body int
	// term is the length of the line terminator after Raw: 0, 1 or 2.
	term uint8
	// joined counts the bytes of line breaks removed from Raw: a console
	// line a terminal had wrapped, joined back (see wrap.go).
	joined int64
	// ansi is set when Raw holds colour sequences, removed before decoding.
	ansi bool

	// The lazily decoded message and fields.
	decoded bool
	msg     string
	fields  []Field
}

// End returns the offset just after the record and its line terminator:
// the next record's Offset.
func (r *Record) End() int64 {
	return r.Offset + int64(len(r.Raw)) + r.Skipped + r.joined + int64(r.term)
}

// Unterminated reports whether the record ends without a line terminator:
// the input ended first (when following a file, a line still being written
// when following stopped).
func (r *Record) Unterminated() bool { return r.term == 0 }

// Clone returns a copy of r that owns its Raw bytes, to keep a record past
// the next call to Scan.
func (r *Record) Clone() *Record {
	c := *r
	c.Raw = bytes.Clone(r.Raw)
	c.fields = slices.Clip(slices.Clone(r.fields))
	return &c
}

// RawMessage returns the record's text from the start of its message to
// the end of the line, as written (still escaped): a cheap way to look at how
// a message begins without decoding it. For the logrus form it starts after
// msg= and the opening quote. Lines with colour sequences, and the forms
// without a message column, give Raw.
func (r *Record) RawMessage() []byte {
	if r.ansi || r.body <= 0 || r.body > len(r.Raw) {
		return r.Raw
	}
	b := r.Raw[r.body:]
	if r.Format == FormatLogrus {
		b = bytes.TrimLeft(b, " ")
		if !bytes.HasPrefix(b, []byte("msg=")) {
			return r.Raw // no message: the fields start here
		}
		b = bytes.TrimPrefix(b[len("msg="):], []byte(`"`))
	}
	return b
}

// Message returns the record's message, unescaped: the msg value of the
// logrus form, the message column of the terminal form (trimmed), the text
// of a GuestConfig record, and the whole line (without colour sequences)
// otherwise.
func (r *Record) Message() string {
	r.decode()
	return r.msg
}

// Fields returns the record's Key=value pairs in line order, values
// unescaped: the pairs after msg in the logrus form, the pairs after the
// message column in the terminal form, and PID, TID, Component and GUID for
// GuestConfig. The slice is shared by later calls: don't modify it.
func (r *Record) Fields() []Field {
	r.decode()
	return r.fields
}

// Field returns the value of the first field named key. Keys are matched
// exactly first, then ignoring case, since pasted lines are sometimes
// retyped.
func (r *Record) Field(key string) (string, bool) {
	r.decode()
	for _, f := range r.fields {
		if f.Key == key {
			return f.Value, true
		}
	}
	for _, f := range r.fields {
		if strings.EqualFold(f.Key, key) {
			return f.Value, true
		}
	}
	return "", false
}

// Text returns the message followed by " Key=value" for each field, all
// unescaped: the form knowledge-base patterns are matched against, so that
// a pattern finds an error text wherever the agent put it.
func (r *Record) Text() string {
	r.decode()
	if len(r.fields) == 0 {
		return r.msg
	}
	n := len(r.msg)
	for _, f := range r.fields {
		n += len(f.Key) + len(f.Value) + 2
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(r.msg)
	for _, f := range r.fields {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.Key)
		b.WriteByte('=')
		b.WriteString(f.Value)
	}
	return b.String()
}
