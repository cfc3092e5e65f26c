package parser

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// decode splits the record into message and fields, once. It works on any
// bytes: a malformed line ends up as text, never as a panic.
func (r *Record) decode() {
	if r.decoded {
		return
	}
	r.decoded = true
	// A reused record (Scanner.ScanTo) may hold the fields of an earlier
	// one; the forms without fields must not show them.
	r.fields = nil
	text := r.Raw
	if r.ansi {
		text = stripANSI(nil, text)
	}
	body := text[min(max(r.body, 0), len(text)):]
	switch r.Format {
	case FormatLogrus:
		r.msg, r.fields = decodeLogrus(body)
	case FormatTerminal:
		r.msg, r.fields = decodeTerminal(body)
	case FormatGuestConfig:
		r.msg, r.fields = decodeGC(text)
	case FormatCode:
		r.msg = string(trimBlank(text))
	case FormatJSON:
		r.msg, r.fields = decodeJSON(text)
	case FormatMSI, FormatGPO, FormatScript, FormatStamped:
		r.msg = string(trimBlank(body))
	default:
		r.msg = string(text)
	}
}

// decodeLogrus reads the pairs after level=: the first, if named msg, is
// the message. Text that is not a pair (a hand-edited line) is kept as
// message.
func decodeLogrus(b []byte) (string, []Field) {
	fields, text := parsePairs(b)
	if len(fields) > 0 && fields[0].Key == "msg" {
		if len(fields) == 1 {
			return fields[0].Value, nil
		}
		return fields[0].Value, fields[1:]
	}
	return text, fields
}

// decodeTerminal splits the terminal form's body into the message column
// and the pairs after it.
func decodeTerminal(b []byte) (string, []Field) {
	end, start := terminalFields(b)
	if start < 0 {
		return string(trimBlank(b)), nil
	}
	fields, _ := parsePairs(b[start:])
	return string(trimBlank(b[:end])), fields
}

// messageColumn is the width logrus pads the terminal form's message to;
// the first key then starts at column messageColumn+2 or later.
const messageColumn = 44

// terminalFields finds where the pairs start after the terminal form's
// message column: after a run of two or more spaces, before a key and its
// "=". The message itself may hold double spaces and "=" ("Exit Code:
// AZCM..."), so a key found past the padded column is preferred; a line
// whose padding was lost still gets its first plausible key. It returns the
// end of the message and the start of the first key, or -1.
func terminalFields(b []byte) (end, start int) {
	end, start = -1, -1
	for i := 0; i+2 < len(b); {
		k := bytes.Index(b[i:], []byte("  "))
		if k < 0 {
			break
		}
		run := i + k
		j := run + 2
		for j < len(b) && b[j] == ' ' {
			j++
		}
		if j < len(b) && looksLikeKey(b[j:]) {
			if j >= messageColumn+2 {
				return run, j
			}
			if start < 0 {
				end, start = run, j
			}
		}
		i = j
	}
	return end, start
}

// looksLikeKey reports whether b starts with a plausible key: a short run
// of text without quotes or double spaces, ending in "=".
func looksLikeKey(b []byte) bool {
	const maxKey = 64
	for i := 0; i < len(b) && i <= maxKey; i++ {
		switch b[i] {
		case '=':
			return i > 0
		case '"':
			return false
		case ' ':
			if i+1 < len(b) && b[i+1] == ' ' {
				return false
			}
		}
	}
	return false
}

// decodeGC returns a GuestConfig record's message (CRLF inside it read as
// LF) and its PID, TID, Component and GUID fields.
func decodeGC(b []byte) (string, []Field) {
	if !bytes.HasPrefix(b, gcOpen) {
		return string(b), nil
	}
	g := parseGC(b)
	var fields []Field
	for i := gcPID; i < g.n; i++ {
		v := b[g.groups[i][0]:g.groups[i][1]]
		var key string
		switch i {
		case gcPID:
			key, v = "PID", bytes.TrimPrefix(v, []byte("PID "))
		case gcTID:
			key, v = "TID", bytes.TrimPrefix(v, []byte("TID "))
		case gcComponent:
			key = "Component"
		case gcGUID:
			key = "GUID"
		default:
			continue
		}
		fields = append(fields, Field{key, string(v)})
	}
	msg := b[min(g.msg, len(b)):]
	if i := bytes.Index(msg, gcClose); i >= 0 {
		msg = msg[:i]
	}
	s := string(msg)
	if strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	return s, fields
}

// parsePairs reads `key=value key2="quoted value"` pairs. A key runs from
// the space after the previous value to the next "=", so it may hold
// spaces ("Status Code=403"). A value is bare up to the next space, or
// Go-quoted. Whatever cannot be read as a pair is text: an unterminated
// quote runs to the end of the line; trailing words without "=" join the
// previous value, or are returned as text when no pair came before.
func parsePairs(b []byte) ([]Field, string) {
	// msg and a few fields is the usual line: one allocation for them.
	fields := make([]Field, 0, 4)
	i := 0
	for {
		for i < len(b) && b[i] == ' ' {
			i++
		}
		if i >= len(b) {
			break
		}
		eq := bytes.IndexByte(b[i:], '=')
		if eq <= 0 {
			rest := string(trimBlank(b[i:]))
			if len(fields) == 0 {
				return nil, rest
			}
			last := &fields[len(fields)-1]
			last.Value += " " + rest
			break
		}
		key := internKey(b[i : i+eq])
		v := i + eq + 1
		if v < len(b) && b[v] == '"' {
			q := closingQuote(b, v+1)
			if q < 0 {
				fields = append(fields, Field{key, unquote(b[v+1:])})
				break
			}
			fields = append(fields, Field{key, unquote(b[v+1 : q])})
			i = q + 1
			continue
		}
		sp := bytes.IndexByte(b[v:], ' ')
		if sp < 0 {
			sp = len(b) - v
		}
		fields = append(fields, Field{key, string(b[v : v+sp])})
		i = v + sp
	}
	if len(fields) == 0 {
		return nil, ""
	}
	return fields, ""
}

// internKey returns the keys the agent writes on every line without
// allocating them again.
func internKey(k []byte) string {
	switch string(k) {
	case "msg":
		return "msg"
	case "Error":
		return "Error"
	case "Endpoint":
		return "Endpoint"
	case "Body":
		return "Body"
	case "Status Code":
		return "Status Code"
	case "Request URL":
		return "Request URL"
	case "VM Id":
		return "VM Id"
	case "Application Id":
		return "Application Id"
	}
	return string(k)
}

// closingQuote returns the index of the first unescaped '"' at or after
// from, or -1. A quote is escaped when an odd run of backslashes precedes
// it.
func closingQuote(b []byte, from int) int {
	for j := from; j < len(b); {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return -1
		}
		q := j + k
		n := 0
		for p := q - 1; p >= from && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return q
		}
		j = q + 1
	}
	return -1
}

// unquote undoes Go quoting (strconv.Quote, which logrus uses), leniently:
// an unknown or cut escape is kept as written.
func unquote(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		if c != '\\' || i+1 == len(b) {
			out = append(out, c)
			i++
			continue
		}
		e := b[i+1]
		if r := simpleEscape(e); r != 0 {
			out = append(out, r)
			i += 2
			continue
		}
		switch e {
		case 'x':
			if v, ok := hexVal(b[i+2:], 2); ok {
				out = append(out, byte(v))
				i += 4
				continue
			}
		case 'u', 'U':
			n := 4
			if e == 'U' {
				n = 8
			}
			if v, ok := hexVal(b[i+2:], n); ok {
				// AppendRune writes U+FFFD for surrogates and out-of-range values.
				out = utf8.AppendRune(out, rune(v))
				i += 2 + n
				continue
			}
		case '0', '1', '2', '3':
			if i+4 <= len(b) && isOctal(b[i+2]) && isOctal(b[i+3]) {
				out = append(out, (e-'0')<<6|(b[i+2]-'0')<<3|(b[i+3]-'0'))
				i += 4
				continue
			}
		}
		out = append(out, c)
		i++
	}
	return string(out)
}

func simpleEscape(e byte) byte {
	switch e {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case '"', '\\', '\'':
		return e
	case 'a':
		return '\a'
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'v':
		return '\v'
	}
	return 0
}

func isOctal(c byte) bool { return '0' <= c && c <= '7' }

// hexVal reads exactly n hex digits at the start of b.
func hexVal(b []byte, n int) (uint32, bool) {
	if len(b) < n {
		return 0, false
	}
	var v uint32
	for _, c := range b[:n] {
		switch {
		case isDigit(c):
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint32(c)
	}
	return v, true
}
