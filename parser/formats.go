package parser

import (
	"bytes"
	"encoding/json"
	"time"
)

// The grammars of the logs that sit beside the agent's own: the JSON form of
// logrus, Windows Installer verbose logs, the Group Policy onboarding
// script's log, the install scripts' console output and the timestamped
// lines of extension logs. Each is recognised from its first bytes, so that
// a line of the agent's own forms pays for none of them.

// Markers of the JSON form.
var (
	jsonLevel = []byte(`"level":"`)
	jsonTime  = []byte(`"time":"`)
)

// jsonLine recognises a logrus JSONFormatter line: an object with a string
// "level" whose value is a level name. The formatter sorts its keys, so
// "Error" or any capitalised field comes before "level" and "msg".
func (c *classifier) jsonLine(r *Record, text []byte) {
	if t := trimBlank(text); t[len(t)-1] != '}' {
		return
	}
	i := bytes.Index(text, jsonLevel)
	if i < 0 {
		return
	}
	v := text[i+len(jsonLevel):]
	n := bytes.IndexByte(v[:min(len(v), 17)], '"')
	if n < 0 {
		return
	}
	lv, ok := wordLevel(v[:n])
	if !ok {
		return
	}
	r.Format, r.Level = FormatJSON, lv
	if j := bytes.Index(text, jsonTime); j >= 0 {
		ts := text[j+len(jsonTime):]
		if k := bytes.IndexByte(ts[:min(len(ts), 40)], '"'); k > 0 {
			r.Time = c.parseTime(ts[:k])
		}
	}
}

// decodeJSON returns the msg (or message) member and the other members but
// level and time as fields, in line order; strings are unescaped, other
// values kept as written. A line that is not valid JSON decodes as text.
func decodeJSON(b []byte) (string, []Field) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return string(b), nil
	}
	var msg string
	var fields []Field
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return string(b), nil
		}
		key, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return string(b), nil
		}
		value := string(raw)
		var s string
		if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
			value = s
		}
		switch key {
		case "level", "time":
		case "msg", "message":
			if msg == "" {
				msg = value
				continue
			}
			fields = append(fields, Field{key, value})
		default:
			fields = append(fields, Field{key, value})
		}
	}
	return msg, fields
}

// wordLevel reads a level word as other tools write it: the names
// ParseLevel knows, VERBOSE (PowerShell, GuestConfig) as debug and
// CRITICAL as fatal.
func wordLevel(b []byte) (Level, bool) {
	if l, ok := parseLevel(b); ok {
		return l, true
	}
	switch string(b) {
	case "verbose", "VERBOSE", "Verbose":
		return LevelDebug, true
	case "critical", "CRITICAL", "Critical":
		return LevelFatal, true
	}
	return LevelNone, false
}

// ---- Windows Installer ----

// Markers of a Windows Installer (msiexec /l*v) log.
var (
	msiProcess      = []byte("MSI (")
	msiActionStart  = []byte("Action start ")
	msiActionEnded  = []byte("Action ended ")
	msiHeader       = []byte("=== ")
	msiProperty     = []byte("Property(")
	msiCustomAction = []byte("CustomAction ")
	msiReturnValue  = []byte("Return value ")
	msiActualError  = []byte(" returned actual error code ")
	msiEngine       = []byte("MainEngineThread is returning ")
	msiStatus       = []byte("success or error status: ")
	msiProduct      = []byte("Product: ")
	msiNote         = []byte("Note: ")
	msiStarted      = []byte("ogging started: ")
	msiStopped      = []byte("ogging stopped: ")
)

// msi recognises the lines of a Windows Installer verbose log that carry
// its structure and its outcome:
//
//	=== Verbose logging started: 6/12/2031  10:15:32  Build type: ...
//	MSI (s) (6C:98) [10:15:40:552]: Product: ... -- Installation failed.
//	Action ended 10:15:40: InstallFinalize. Return value 3.
//	CustomAction X returned actual error code 1603 (note ...)
//	Property(S): ProductName = ...
//
// Other lines of such a log (custom actions' own output) stay plain. The
// date comes only from the header, so a record's time is known from there
// on, as local time without a zone (taken as UTC, like GuestConfig).
func (c *classifier) msi(r *Record, text []byte) bool {
	switch text[0] {
	case 'M':
		if !bytes.HasPrefix(text, msiProcess) {
			return false
		}
		// MSI (s) (6C:98) [04:53:11:552]: message
		i := bytes.Index(text[:min(len(text), 40)], []byte("]: "))
		if i < 0 {
			return false
		}
		if open := bytes.LastIndexByte(text[:i], '['); open > 0 {
			if tod, ok := clock(text[open+1 : i]); ok {
				r.Time = c.msiTime(tod)
			}
		}
		r.body = i + 3
		r.Level = msiLevel(text[r.body:])
	case 'A':
		if !bytes.HasPrefix(text, msiActionStart) && !bytes.HasPrefix(text, msiActionEnded) {
			return false
		}
		// Action ended 9:15:40: InstallFinalize. Return value 3. (The hour
		// is not padded here.)
		rest := text[len(msiActionStart):]
		tod, n, ok := looseClock(rest)
		if !ok || len(rest) < n+2 || rest[n] != ':' {
			return false
		}
		// The message keeps "Action ended": "CA_X. Return value 3." alone
		// says little.
		r.Time = c.msiTime(tod)
		r.Level = LevelInfo
		if i := bytes.Index(text, msiReturnValue); i >= 0 {
			switch num(trimRight(text[i+len(msiReturnValue):], '.')) {
			case 3:
				r.Level = LevelError
			case 2:
				r.Level = LevelWarning // the user cancelled
			}
		}
	case '=':
		if !bytes.HasPrefix(text, msiHeader) {
			return false
		}
		i := bytes.Index(text, msiStarted)
		if i < 0 {
			i = bytes.Index(text, msiStopped)
		}
		if i < 0 {
			return false
		}
		if t, ok := c.msiHeaderTime(text[i+len(msiStarted):]); ok {
			r.Time = t
		}
		r.Level = LevelInfo
	case 'P':
		if !bytes.HasPrefix(text, msiProperty) {
			return false
		}
		r.Level = LevelDebug
	case 'C':
		if !bytes.HasPrefix(text, msiCustomAction) || bytes.Index(text, msiActualError) < 0 {
			return false
		}
		r.Level = LevelError
	default:
		return false
	}
	r.Format = FormatMSI
	return true
}

// msiLevel reads the severity of an "MSI (s)" message: the product's
// outcome, the engine's final status, notes.
func msiLevel(msg []byte) Level {
	switch {
	case bytes.HasPrefix(msg, msiEngine):
		return statusLevel(msg[len(msiEngine):])
	case bytes.HasPrefix(msg, msiProduct):
		if bytes.Contains(msg, []byte("-- Error ")) || bytes.HasSuffix(trimBlank(msg), []byte("failed.")) {
			return LevelError
		}
	case bytes.HasPrefix(msg, msiNote):
		return LevelDebug
	}
	if i := bytes.Index(msg, msiStatus); i >= 0 {
		return statusLevel(msg[i+len(msiStatus):])
	}
	return LevelInfo
}

// statusLevel reads a Windows Installer status: 0 is success, 3010 and
// 1641 are success with a restart to come, anything else failed.
func statusLevel(b []byte) Level {
	n := 0
	for n < len(b) && isDigit(b[n]) {
		n++
	}
	if n == 0 {
		return LevelInfo
	}
	switch num(b[:n]) {
	case 0:
		return LevelInfo
	case 3010, 1641:
		return LevelWarning
	}
	return LevelError
}

// msiTime places a time of day on the date of the log's header, moving to
// the next day when the clock goes back past midnight.
func (c *classifier) msiTime(tod int64) time.Time {
	if !c.msiDated {
		return time.Time{}
	}
	if tod+12*3600 < c.msiTOD {
		c.msiDay++
	}
	c.msiTOD = tod
	return time.Unix(c.msiDay*86400+tod, 0).UTC()
}

// msiHeaderTime reads "M/D/YYYY  HH:MM:SS" (the installer writes the US
// order) and makes it the date later lines are placed on.
func (c *classifier) msiHeaderTime(b []byte) (time.Time, bool) {
	var parts [3]int
	i := 0
	for p := range parts {
		start := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		if i == start || i-start > 4 {
			return time.Time{}, false
		}
		parts[p] = num(b[start:i])
		if p < 2 {
			if i >= len(b) || b[i] != '/' {
				return time.Time{}, false
			}
			i++
		}
	}
	m, d, y := parts[0], parts[1], parts[2]
	if y < 1601 || m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return time.Time{}, false
	}
	for i < len(b) && b[i] == ' ' {
		i++
	}
	tod, _, ok := looseClock(b[i:])
	if !ok {
		return time.Time{}, false
	}
	c.msiDated, c.msiDay, c.msiTOD = true, daysFromCivil(y, m, d), tod
	return time.Unix(c.msiDay*86400+tod, 0).UTC(), true
}

// looseClock reads "H:MM:SS" or "HH:MM:SS" at the start of b, as Windows
// Installer writes the time outside brackets, and returns its length.
func looseClock(b []byte) (int64, int, bool) {
	if len(b) > 1 && b[1] == ':' {
		var padded [8]byte
		padded[0] = '0'
		copy(padded[1:], b)
		tod, ok := clock(padded[:min(8, len(b)+1)])
		return tod, 7, ok
	}
	tod, ok := clock(b)
	return tod, 8, ok
}

// clock reads "HH:MM:SS" at the start of b (milliseconds after it are
// ignored) as seconds since midnight.
func clock(b []byte) (int64, bool) {
	if len(b) < 8 || b[2] != ':' || b[5] != ':' {
		return 0, false
	}
	h, m, s := num(b[0:2]), num(b[3:5]), num(b[6:8])
	if h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59 {
		return 0, false
	}
	return int64(h*3600 + m*60 + s), true
}

func trimRight(b []byte, c byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == c || isBlank(b[len(b)-1])) {
		b = b[:len(b)-1]
	}
	return b
}

// ---- Group Policy onboarding script ----

// gpo recognises the log of Microsoft's Group Policy onboarding script
// (EnableAzureArc.ps1, AzureArcOnboarding.log): "[YYYY-MM-DD][HH:MM:SS]
// LEVEL message", LEVEL one of INFO, WARNING, ERROR. Local time, no zone.
func gpo(r *Record, text []byte) bool {
	if len(text) < 23 || text[11] != ']' || text[12] != '[' || text[21] != ']' || text[22] != ' ' {
		return false
	}
	var ts [19]byte
	copy(ts[:], text[1:11])
	ts[10] = ' '
	copy(ts[11:], text[13:21])
	sec, ok := civil(ts[:], ' ')
	if !ok {
		return false
	}
	rest := text[23:]
	n := 0
	for n < len(rest) && rest[n] != ' ' {
		n++
	}
	lv, ok := wordLevel(rest[:n])
	if !ok {
		return false
	}
	r.Format, r.Level, r.Time = FormatGPO, lv, time.Unix(sec, 0).UTC()
	r.body = 23 + min(n+1, len(rest))
	return true
}

// ---- install scripts' console output ----

// The install scripts name themselves in their failures: the Linux script
// prints "$0: message", Windows PowerShell prints a script's Write-Error as
// "<path>\install_windows_azcmagent.ps1 : message".
var (
	scriptSh      = []byte("azcmagent.sh: ")
	scriptPs1     = []byte("azcmagent.ps1 : ")
	scriptPs1Core = []byte("azcmagent.ps1: ")
)

// streamPrefixes are PowerShell's stream markers, and the prefix the Linux
// script gives its warning.
var streamPrefixes = []struct {
	prefix []byte
	level  Level
}{
	{[]byte("VERBOSE: "), LevelDebug},
	{[]byte("WARNING: "), LevelWarning},
	{[]byte("DEBUG: "), LevelDebug},
}

// scriptDone are the install scripts' last lines on success.
var scriptDone = [][]byte{
	[]byte("Installation of azcmagent completed successfully"),
	[]byte("Latest version of azcmagent is installed."),
}

// scriptPath reports whether the text before a script's name is the rest of
// its path (C:\Users\x\AppData\Local\Temp\install_windows_), not a sentence
// that quotes the script's message (the portal's "Provisioning … failed with
// Code: `AZCM0143`; Message: `install_linux_azcmagent.sh: …`", whose code
// the body would otherwise cut off).
func scriptPath(before []byte) bool {
	return !bytes.ContainsAny(before, "`'\"") && !bytes.Contains(before, []byte(": "))
}

// script recognises the console output of the agent's install scripts
// (install_linux_azcmagent.sh, install_windows_azcmagent.ps1): PowerShell
// stream lines (VERBOSE:, WARNING:, DEBUG:), a failure naming the script,
// and the success line. Its other lines (package managers' output, the
// PowerShell error record's "At line:" and "+ CategoryInfo" lines) stay
// plain.
func script(r *Record, text []byte) bool {
	for _, p := range streamPrefixes {
		if bytes.HasPrefix(text, p.prefix) {
			r.Format, r.Level, r.body = FormatScript, p.level, len(p.prefix)
			return true
		}
	}
	head := text[:min(len(text), 400)]
	for _, m := range [...][]byte{scriptSh, scriptPs1, scriptPs1Core} {
		if i := bytes.Index(head, m); i >= 0 && scriptPath(head[:i]) {
			r.Format, r.Level, r.body = FormatScript, LevelError, i+len(m)
			return true
		}
	}
	for _, d := range scriptDone {
		if bytes.HasPrefix(text, d) {
			r.Format, r.Level = FormatScript, LevelInfo
			return true
		}
	}
	return false
}

// ---- timestamped lines ----

// stamped recognises a line that starts with a date and time and states a
// level, the shape of most extension logs and of many services' logs:
//
//	2031-02-03T04:05:06.123456Z INFO ExtHandler message
//	2031/02/03 04:05:06 ERROR:CalledProcessError. Error Code is 1
//	2031-02-03 04:05:06,123 [Component] WARNING message
//
// The date is YYYY-MM-DD or YYYY/MM/DD, then a space or T, the time with
// optional fraction, and an optional Z or ±hh:mm (±hhmm); without a zone the
// time is taken as UTC. The level is the first word after the time, or the
// word after one bracketed component, alone, in brackets or before a colon.
// A line with a time but neither a level word nor a bracketed component
// after it stays plain: timestamps alone are everywhere.
func stamped(r *Record, text []byte) bool {
	if len(text) < 20 || (text[4] != '-' && text[4] != '/') || text[7] != text[4] || (text[10] != ' ' && text[10] != 'T') {
		return false
	}
	var ts [19]byte
	copy(ts[:], text[:19])
	ts[4], ts[7], ts[10] = '-', '-', ' '
	sec, ok := civil(ts[:], ' ')
	if !ok {
		return false
	}
	i := 19
	nsec := int64(0)
	if i < len(text) && (text[i] == '.' || text[i] == ',') {
		j := i + 1
		scale := int64(1e9)
		for j < len(text) && isDigit(text[j]) {
			if scale > 1 {
				scale /= 10
				nsec += int64(text[j]-'0') * scale
			}
			j++
		}
		if j == i+1 {
			return false
		}
		i = j
	}
	off, zoned := 0, false
	switch {
	case i < len(text) && text[i] == 'Z':
		zoned = true
		i++
	case i+5 < len(text) && (text[i] == '+' || text[i] == '-'):
		h, m, n := num(text[i+1:i+3]), -1, 0
		if text[i+3] == ':' && i+6 <= len(text) {
			m, n = num(text[i+4:i+6]), 6
		} else {
			m, n = num(text[i+3:i+5]), 5
		}
		if h < 0 || h > 23 || m < 0 || m > 59 {
			return false
		}
		off = h*3600 + m*60
		if text[i] == '-' {
			off = -off
		}
		zoned = true
		i += n
	}
	if i >= len(text) || text[i] != ' ' {
		return false
	}
	lv, body := levelWord(text, i+1)
	if lv == LevelNone {
		// "2031/02/03 04:05:06 [Component-1.2.3] message", the extension
		// handlers' form: the bracketed component after the time makes it a
		// log line even without a level.
		if i+1 >= len(text) || text[i+1] != '[' || bytes.IndexByte(text[i+1:min(len(text), i+130)], ']') < 0 {
			return false
		}
		body = i + 1
	}
	t := time.Unix(sec-int64(off), nsec)
	if zoned && off != 0 {
		t = t.In(time.FixedZone("", off))
	} else {
		t = t.UTC()
	}
	r.Format, r.Level, r.Time, r.body = FormatStamped, lv, t, body
	return true
}

// windowsHandler recognises the log lines of the Windows extension
// handlers (RunCommandExtension.log, CustomScriptHandler.log):
//
//	[1116+00000001] [03/04/2031 20:50:05.38] [ERROR] Command execution finished, but failed ...
//
// process and thread, the local date (month first) and time, then the level
// in brackets. No zone: the time is taken as UTC, like GuestConfig's.
func windowsHandler(r *Record, text []byte) bool {
	i := 1
	for i < len(text) && isDigit(text[i]) {
		i++
	}
	if i == 1 || i >= len(text) || text[i] != '+' {
		return false
	}
	for i++; i < len(text) && isHex(text[i]); i++ {
	}
	// "] [MM/DD/YYYY HH:MM:SS"
	if len(text) < i+24 || text[i] != ']' || text[i+1] != ' ' || text[i+2] != '[' || text[i+5] != '/' || text[i+8] != '/' {
		return false
	}
	d := text[i+3:]
	var ts [19]byte
	copy(ts[:4], d[6:10])
	ts[4], ts[7] = '-', '-'
	copy(ts[5:7], d[0:2])
	copy(ts[8:10], d[3:5])
	copy(ts[10:], d[10:19])
	sec, ok := civil(ts[:], ' ')
	if !ok {
		return false
	}
	j := i + 3 + 19
	nsec, scale := int64(0), int64(1e9)
	if j < len(text) && text[j] == '.' {
		for j++; j < len(text) && isDigit(text[j]); j++ {
			if scale > 1 {
				scale /= 10
				nsec += int64(text[j]-'0') * scale
			}
		}
	}
	if j+1 >= len(text) || text[j] != ']' || text[j+1] != ' ' {
		return false
	}
	lv, body := levelWord(text, j+2)
	if lv == LevelNone || body == 0 {
		return false
	}
	r.Format, r.Level, r.Time, r.body = FormatStamped, lv, time.Unix(sec, nsec).UTC(), body
	return true
}

func isHex(c byte) bool { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }

// logfmtError marks a failure in the Go extension handlers' logfmt.
var logfmtError = []byte(" error=")

// logfmt recognises the log lines of the Go extension handlers (go-kit
// logfmt: the handler.log of CustomScript, RunCommand and other Linux
// extensions):
//
//	time=2031-03-04T22:07:41Z version=v1.0.1/git@e924a1a-clean operation=enable seq=0 event=start
//	time=2031-03-04T22:07:42Z ... event="failed to handle" error="..."
//
// They state no level: the handlers log a failure with an error key, so a
// line with one is an error and any other is info. A level key, where a
// logger writes one (Go's slog), gives the level.
func (c *classifier) logfmt(r *Record, text []byte) bool {
	rest := text[len("time="):]
	n := bytes.IndexByte(rest, ' ')
	if n < 20 || !isDigit(rest[0]) {
		return false
	}
	t := c.parseTime(rest[:n])
	if t.IsZero() {
		return false
	}
	lv := LevelInfo
	if v, ok := bytes.CutPrefix(rest[n+1:], levelPrefix); ok {
		if end := bytes.IndexByte(v, ' '); end >= 0 {
			v = v[:end]
		}
		if l, ok := wordLevel(v); ok {
			lv = l
		}
	} else if bytes.Contains(rest[n:], logfmtError) {
		lv = LevelError
	}
	r.Format, r.Level, r.Time, r.body = FormatStamped, lv, t, len("time=")+n+1
	return true
}

// levelWord finds the level word at text[i:] (skipping spaces), or after
// one bracketed component there. It returns the level and where the
// message starts after it.
func levelWord(text []byte, i int) (Level, int) {
	for range 2 {
		for i < len(text) && text[i] == ' ' {
			i++
		}
		j := i
		bracket := j < len(text) && text[j] == '['
		if bracket {
			j++
		}
		k := j
		for k < len(text) && k-j <= 11 && ('a' <= text[k]|0x20 && text[k]|0x20 <= 'z') {
			k++
		}
		end := k
		switch {
		case bracket && k < len(text) && text[k] == ']':
			end = k + 1
		case !bracket && k < len(text) && text[k] == ':':
			end = k + 1
		case !bracket && (k == len(text) || text[k] == ' '):
		default:
			end = -1
		}
		if end >= 0 && k > j {
			if lv, ok := wordLevel(text[j:k]); ok {
				for end < len(text) && text[end] == ' ' {
					end++
				}
				return lv, end
			}
		}
		if !bracket {
			return LevelNone, 0
		}
		// A bracketed component: the level may follow it.
		c := bytes.IndexByte(text[i:min(len(text), i+128)], ']')
		if c < 0 {
			return LevelNone, 0
		}
		i += c + 1
	}
	return LevelNone, 0
}
