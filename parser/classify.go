package parser

import (
	"bytes"
	"encoding/binary"
	"math"
	"time"
)

// Markers the detection looks for.
var (
	timePrefix  = []byte(`time="`)
	logfmtTime  = []byte(`time=`)
	levelPrefix = []byte(`level=`)
	gcOpen      = []byte("<GCLOG>")
	gcClose     = []byte("</GCLOG>")
	exitPrefix  = []byte("Exit Code:")
)

const esc = 0x1b

// classifier finds a record's format, level, time and elapsed seconds,
// without allocating on the common path: this runs for every line of
// gigabyte logs. It remembers the last logrus time string, since a busy
// log writes many lines in the same second.
type classifier struct {
	lastTS   [40]byte
	lastLen  int // 0 when nothing is cached
	lastTime time.Time
	lastSec  int  // the seconds of lastTS in the UTC layout, or -1
	general  bool // tests: the general path only, every time parsed in full
	zones    map[int]*time.Location
	clean    []byte // scratch for a line without its colour sequences

	// A Windows Installer log states its date once, in its header; its
	// lines carry only the time of day.
	msiDated bool
	msiDay   int64 // days since the Unix epoch
	msiTOD   int64 // the last time of day seen, in seconds
}

// classify sets r's Format, Level, Time, Elapsed and the unexported
// positions the lazy decoding starts from. r.Raw holds the whole record.
func (c *classifier) classify(r *Record) {
	r.Elapsed = -1
	text := r.Raw
	// Logrus file lines are never coloured; look for ESC only on the others.
	if !bytes.HasPrefix(text, timePrefix) && bytes.IndexByte(text, esc) >= 0 {
		c.clean = stripANSI(c.clean[:0], text)
		text = c.clean
		r.ansi = true
	}
	if len(text) == 0 {
		return
	}
	switch text[0] {
	case 't', 'l':
		if !c.general && c.agentLine(r, text) {
			return
		}
		c.logrus(r, text)
		if r.Format == FormatPlain && bytes.HasPrefix(text, logfmtTime) {
			c.logfmt(r, text)
		}
	case '<':
		guestConfig(r, text)
	case '{':
		c.jsonLine(r, text)
	case '[':
		if !gpo(r, text) {
			windowsHandler(r, text)
		}
	default:
		switch {
		case terminal(r, text):
		case isCode(text):
			r.Format = FormatCode
		case isDigit(text[0]):
			stamped(r, text)
		case c.msi(r, text):
		default:
			script(r, text)
		}
	}
}

// logrus recognises `time="..." level=x ...` and `level=x ...`.
func (c *classifier) logrus(r *Record, text []byte) {
	rest := text
	if bytes.HasPrefix(text, timePrefix) {
		// The closing quote sits at a fixed place for the two layouts the
		// agent writes (Z and ±hh:mm); search only for anything else.
		var q int
		switch {
		case len(text) > 26 && text[26] == '"':
			q = 26
		case len(text) > 31 && text[31] == '"':
			q = 31
		default:
			q = bytes.IndexByte(text[len(timePrefix):], '"')
			if q < 0 {
				return
			}
			q += len(timePrefix)
		}
		rest = text[q+1:]
		if len(rest) > 0 && rest[0] != ' ' {
			return
		}
		r.Format = FormatLogrus
		r.Time = c.parseTime(text[len(timePrefix):q])
		if len(rest) > 0 {
			rest = rest[1:]
		}
	}
	if bytes.HasPrefix(rest, levelPrefix) {
		v := rest[len(levelPrefix):]
		// Level names are short: a plain loop beats IndexByte's call.
		n := 0
		for n < len(v) && v[n] != ' ' {
			n++
		}
		lv := logrusLevel(v[:n])
		if lv == LevelNone && r.Format != FormatLogrus {
			return // "level=" alone does not make a logrus line
		}
		r.Format = FormatLogrus
		r.Level = lv
		rest = v[n:]
	}
	if r.Format == FormatLogrus {
		r.body = len(text) - len(rest)
	}
}

// agentLine classifies the agent's own line shape, `time="<20 bytes>"
// level=debug|info ...`, at fixed positions, and reports whether text had
// it; logrus reads any other line. It sets what logrus would set
// (FuzzLogrusFastPath compares them).
func (c *classifier) agentLine(r *Record, text []byte) bool {
	level, body := agentShape(text)
	if level == LevelNone {
		return false
	}
	r.Format, r.Level = FormatLogrus, level
	r.Time = c.parseTime(text[6:26])
	r.body = body
	return true
}

// agentShape returns the level of a line of the agent's own shape,
// `time="<20 bytes>" level=debug|info ...`, and where its message starts,
// or LevelNone when text does not have it.
func agentShape(text []byte) (Level, int) {
	const lv = len(`time="2006-01-02T15:04:05Z" level=`)
	if len(text) < lv+5 || text[26] != '"' || string(text[:6]) != `time="` || string(text[27:lv]) != ` level=` {
		return LevelNone, 0
	}
	level, n := LevelNone, 0
	switch {
	case string(text[lv:lv+5]) == "debug":
		level, n = LevelDebug, 5
	case string(text[lv:lv+4]) == "info":
		level, n = LevelInfo, 4
	default:
		return LevelNone, 0
	}
	if len(text) > lv+n && text[lv+n] != ' ' {
		return LevelNone, 0
	}
	return level, lv + n
}

// logrusLevel reads a logrus level value; the exact names come first since
// they are what the agent writes.
func logrusLevel(b []byte) Level {
	switch string(b) {
	case "debug":
		return LevelDebug
	case "info":
		return LevelInfo
	case "error":
		return LevelError
	case "warning":
		return LevelWarning
	case "fatal":
		return LevelFatal
	case "trace":
		return LevelTrace
	case "panic":
		return LevelPanic
	}
	l, _ := parseLevel(b)
	return l
}

// terminal recognises `LEVEL[NNNN] message`. Besides the full names the
// agent prints, it accepts logrus's default four-letter names (WARN, ERRO)
// other tools built on the same library print.
func terminal(r *Record, text []byte) bool {
	i := bytes.IndexByte(text[:min(len(text), len("WARNING")+1)], '[')
	if i < 4 {
		return false
	}
	var lv Level
	switch string(text[:i]) {
	case "DEBUG", "DEBU":
		lv = LevelDebug
	case "INFO":
		lv = LevelInfo
	case "WARNING", "WARN":
		lv = LevelWarning
	case "ERROR", "ERRO":
		lv = LevelError
	case "FATAL", "FATA":
		lv = LevelFatal
	case "TRACE", "TRAC":
		lv = LevelTrace
	case "PANIC", "PANI":
		lv = LevelPanic
	default:
		return false
	}
	j := i + 1
	var elapsed int64
	for j < len(text) && isDigit(text[j]) {
		elapsed = elapsed*10 + int64(text[j]-'0')
		j++
	}
	// 18 digits cannot overflow an int64; no real process runs that long.
	if n := j - i - 1; n == 0 || n > 18 || elapsed > math.MaxInt || j == len(text) || text[j] != ']' {
		return false
	}
	j++
	if j < len(text) {
		if text[j] != ' ' {
			return false
		}
		j++
	}
	r.Format = FormatTerminal
	r.Level = lv
	r.Elapsed = int(elapsed)
	r.body = j
	return true
}

// isCode recognises "Exit Code:  AZCMnnnn: Name" and "AZCMnnnn: Name"
// (the name optional), with any surrounding blanks.
func isCode(text []byte) bool {
	s := trimBlank(text)
	if bytes.HasPrefix(s, exitPrefix) {
		t := trimLeftBlank(s[len(exitPrefix):])
		if len(t) == len(s)-len(exitPrefix) {
			return false // no space after "Exit Code:"
		}
		s = t
	}
	if len(s) < 8 || string(s[:4]) != "AZCM" || !allDigits(s[4:8]) {
		return false
	}
	return len(s) == 8 || s[8] == ':'
}

// gcLayout holds the positions of a GuestConfig record's parts. Groups are
// the bracketed time, PID, TID, component, level and GUID, in that order.
type gcLayout struct {
	groups [6][2]int // start and end of each group's content
	n      int       // groups found; fewer than 6 on a malformed record
	msg    int       // start of the message
}

const (
	gcTime = iota
	gcPID
	gcTID
	gcComponent
	gcLevel
	gcGUID
)

// parseGC finds the bracketed groups after <GCLOG>, stopping at the first
// that is missing or malformed; the message starts after the last found.
func parseGC(text []byte) gcLayout {
	var g gcLayout
	i := len(gcOpen)
	for g.n < len(g.groups) {
		j := i
		if g.n > 0 && j < len(text) && text[j] == ' ' {
			j++
		}
		if j >= len(text) || text[j] != '[' {
			break
		}
		k := bytes.IndexByte(text[j+1:], ']')
		if k < 0 || bytes.IndexByte(text[j+1:j+1+k], '\n') >= 0 {
			break
		}
		g.groups[g.n] = [2]int{j + 1, j + 1 + k}
		g.n++
		i = j + 2 + k
	}
	if g.n > 0 && i < len(text) && text[i] == ' ' {
		i++
	}
	g.msg = i
	return g
}

// guestConfig recognises a <GCLOG> record. Its time has milliseconds and no
// zone; it is taken as UTC.
func guestConfig(r *Record, text []byte) {
	if !bytes.HasPrefix(text, gcOpen) {
		return
	}
	r.Format = FormatGuestConfig
	g := parseGC(text)
	if g.n > gcTime {
		ts := text[g.groups[gcTime][0]:g.groups[gcTime][1]]
		if sec, ok := civil(ts, ' '); ok {
			ms := 0
			switch {
			case len(ts) == 23 && ts[19] == '.' && allDigits(ts[20:]):
				ms = num(ts[20:])
			case len(ts) != 19:
				sec, ok = 0, false
			}
			if ok {
				r.Time = time.Unix(sec, int64(ms)*int64(time.Millisecond)).UTC()
			}
		}
	}
	if g.n > gcLevel {
		r.Level, _ = wordLevel(text[g.groups[gcLevel][0]:g.groups[gcLevel][1]])
	}
}

// parseTime reads a logrus time: RFC 3339 in whole seconds, Z or ±hh:mm,
// parsed by hand (time.Parse per line would dominate the scan); other
// layouts go to time.Parse. It returns the zero time if nothing parses.
func (c *classifier) parseTime(b []byte) time.Time {
	if len(b) == utcLayoutLen && c.lastLen == utcLayoutLen && !c.general {
		if t, ok := c.sameMinuteUTC(b); ok {
			return t
		}
	} else if c.lastLen == len(b) && string(c.lastTS[:c.lastLen]) == string(b) {
		return c.lastTime
	}
	t := c.parseRFC3339(b)
	if len(b) <= len(c.lastTS) {
		c.lastLen = copy(c.lastTS[:], b)
		c.lastTime = t
		c.lastSec = -1
		if !t.IsZero() && len(b) == utcLayoutLen && b[19] == 'Z' {
			c.lastSec = num(b[17:19])
		}
	}
	return t
}

// utcLayoutLen is the length of "2006-01-02T15:04:05Z", the time the agent
// writes on nearly every line.
const utcLayoutLen = 20

// sameMinuteUTC reads b, of utcLayoutLen bytes, when it is the cached time
// or differs from it only in the seconds, the cached one being a valid
// time in that layout: a busy log writes many lines a minute, and this
// costs three word comparisons instead of a date calculation.
// FuzzLogrusFastPath checks it against parseRFC3339.
func (c *classifier) sameMinuteUTC(b []byte) (time.Time, bool) {
	last := c.lastTS[:utcLayoutLen]
	if binary.LittleEndian.Uint64(b) != binary.LittleEndian.Uint64(last) ||
		binary.LittleEndian.Uint64(b[8:]) != binary.LittleEndian.Uint64(last[8:]) {
		return time.Time{}, false
	}
	if binary.LittleEndian.Uint32(b[16:]) == binary.LittleEndian.Uint32(last[16:]) {
		return c.lastTime, true
	}
	if c.lastSec < 0 || b[16] != ':' || b[19] != 'Z' || !isDigit(b[17]) || !isDigit(b[18]) || b[17] > '5' {
		return time.Time{}, false
	}
	sec := int(b[17]-'0')*10 + int(b[18]-'0')
	t := c.lastTime.Add(time.Duration(sec-c.lastSec) * time.Second)
	copy(c.lastTS[17:19], b[17:19])
	c.lastTime, c.lastSec = t, sec
	return t, true
}

func (c *classifier) parseRFC3339(b []byte) time.Time {
	sec, ok := civil(b, 'T')
	switch {
	case ok && len(b) == 20 && b[19] == 'Z':
		return time.Unix(sec, 0).UTC()
	case ok && len(b) == 25 && (b[19] == '+' || b[19] == '-') && b[22] == ':':
		h, m := num(b[20:22]), num(b[23:25])
		if h < 0 || h > 23 || m < 0 || m > 59 {
			break
		}
		off := h*3600 + m*60
		if b[19] == '-' {
			off = -off
		}
		return time.Unix(sec-int64(off), 0).In(c.zone(off))
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return time.Time{}
	}
	return t
}

// zone returns a fixed zone for a UTC offset, made once per offset.
// Unnamed, like time.Parse makes them, so records print the same on every
// machine.
func (c *classifier) zone(off int) *time.Location {
	if loc, ok := c.zones[off]; ok {
		return loc
	}
	if c.zones == nil {
		c.zones = make(map[int]*time.Location)
	}
	loc := time.FixedZone("", off)
	c.zones[off] = loc
	return loc
}

// civil reads "YYYY-MM-DD?HH:MM:SS" at the start of b, sep being the byte
// between date and time, as seconds since the Unix epoch in UTC.
func civil(b []byte, sep byte) (int64, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[10] != sep || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	y, mo, d := num(b[0:4]), num(b[5:7]), num(b[8:10])
	h, mi, s := num(b[11:13]), num(b[14:16]), num(b[17:19])
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 {
		return 0, false
	}
	return daysFromCivil(y, mo, d)*86400 + int64(h*3600+mi*60+s), true
}

// daysFromCivil counts days from 1970-01-01 to y-m-d in the proleptic
// Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// num reads a short run of ASCII digits, or returns -1.
func num(b []byte) int {
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

func trimLeftBlank(b []byte) []byte {
	for len(b) > 0 && isBlank(b[0]) {
		b = b[1:]
	}
	return b
}

func trimBlank(b []byte) []byte {
	b = trimLeftBlank(b)
	for len(b) > 0 && isBlank(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// stripANSI appends b to dst without its colour sequences (ESC [ digits
// and semicolons m); any other ESC is kept.
func stripANSI(dst, b []byte) []byte {
	for {
		i := bytes.IndexByte(b, esc)
		if i < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:i]...)
		if k := i + 1; k < len(b) && b[k] == '[' {
			k++
			for k < len(b) && (isDigit(b[k]) || b[k] == ';') {
				k++
			}
			if k < len(b) && b[k] == 'm' {
				b = b[k+1:]
				continue
			}
		}
		dst = append(dst, esc)
		b = b[i+1:]
	}
}
