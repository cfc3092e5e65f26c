package kb

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// MaxExitStatus is the largest process exit status an OS reports.
const MaxExitStatus = 255

var (
	// codeQueryRE accepts the ways an admin types a code: AZCM0041,
	// azcm41, AZCM-0041, 0041, 41.
	codeQueryRE = regexp.MustCompile(`(?i)^(?:azcm[\s_-]?)?(\d{1,4})$`)
	// exitQueryRE accepts an exit status typed on its own: "exit 42",
	// "exit code 42", "exit status: 42", "exitcode=42", "rc 42"; above
	// MaxExitStatus it is another program's (msiexec's 1603).
	exitQueryRE = regexp.MustCompile(`(?i)^(?:exit[\s_-]*(?:code|status)?|rc|errorlevel|\$\?)\s*[:=]?\s*(\d{1,5})$`)
)

// Code formats a code number as AZCMnnnn.
func Code(n int) string { return fmt.Sprintf("AZCM%04d", n) }

// codeNumber returns the number of an AZCMnnnn code.
func codeNumber(code string) (int, bool) {
	if !codeRE.MatchString(code) {
		return 0, false
	}
	n, err := strconv.Atoi(code[4:])
	return n, err == nil
}

// QueryKind says how a query was read.
type QueryKind int

// The ways a query can be read.
const (
	QueryText QueryKind = iota // a message or log line
	QueryCode                  // an AZCM code in any of its short forms
	QueryExit                  // a process exit status
)

// ParseQuery reads a query typed by an admin. A code or exit status comes back
// normalised to AZCMnnnn (exit 42 is AZCM0042: the agent exits with the
// number of its code); anything else is text.
func ParseQuery(q string) (kind QueryKind, code string) {
	q = strings.TrimSpace(q)
	if m := codeQueryRE.FindStringSubmatch(q); m != nil {
		n, _ := strconv.Atoi(m[1])
		return QueryCode, Code(n)
	}
	if m := exitQueryRE.FindStringSubmatch(q); m != nil {
		n, _ := strconv.Atoi(m[1])
		if n <= MaxExitStatus {
			return QueryExit, Code(n)
		}
	}
	return QueryText, ""
}

// CodeRef is a code found in a text.
type CodeRef struct {
	Code string
	// Exit is true when the text gave an exit status, not the code itself.
	Exit bool
	// Offset is the byte offset of the reference in the text.
	Offset int
}

// MayHaveCodes is a fast test that rules out most log lines before
// FindCodesInLine: a code the agent prints is AZCM (upper case) and a
// digit; an exit status needs the word "exit" with "code" or "status". Agent
// logs mention "azcmagent" on many lines, so looking for "azcm" would not
// do; it runs on every line of a big log, hence a few vectorised searches
// instead of a regular expression.
func MayHaveCodes(b []byte) bool {
	return codeAt(b, "ZCM") || ((bytes.Contains(b, []byte("xit")) || bytes.Contains(b, []byte("XIT"))) &&
		(containsFold(b, "code") || containsFold(b, "status")))
}

// codeMarks calls at with the position of every ZCM, xit and XIT in buf:
// a line without one has no code MayHaveCodes lets through. Each is found
// by its rarest byte (M, x, X), which the standard library's IndexByte
// finds many bytes at a time: every timestamp holds a Z.
func codeMarks(buf []byte, at func(pos int, c Candidate)) {
	for _, m := range [...]struct {
		c      byte
		before string
		after  string
	}{{'M', "ZC", ""}, {'x', "", "it"}, {'X', "", "IT"}} {
		for off := 0; ; {
			i := bytes.IndexByte(buf[off:], m.c)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			start := i - len(m.before)
			if start >= 0 && string(buf[start:i]) == m.before && bytes.HasPrefix(buf[i+1:], []byte(m.after)) {
				at(start, CandidateCode)
			}
		}
	}
}

// codeAt reports whether mid (ZCM or zcm) occurs with an A or a before it
// and a digit after it.
func codeAt(b []byte, mid string) bool {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte(mid))
		if i < 0 {
			return false
		}
		i += off
		if i > 0 && fold(b[i-1]) == 'a' && i+3 < len(b) && b[i+3] >= '0' && b[i+3] <= '9' {
			return true
		}
		off = i + 1
	}
}

// containsFold reports whether b contains the lower-case ASCII word w in
// lower case, capitalised or upper case (the ways log lines write it).
func containsFold(b []byte, w string) bool {
	lower := []byte(w)
	title := append([]byte{lower[0] - 'a' + 'A'}, lower[1:]...)
	return bytes.Contains(b, lower) || bytes.Contains(b, title) || bytes.Contains(b, bytes.ToUpper(lower))
}

// FindCodes returns the AZCM codes and exit statuses in text, in order of
// appearance, each code once. A code is AZCM (or azcm, as someone types it)
// and four digits, not glued to more; an exit status is "exit code N",
// "exitcode: N", "exit status N", "exited with status N" and the like, N at
// most 255.
func FindCodes(text string) []CodeRef {
	return FindCodesInLine([]byte(text))
}

// FindCodesInLine is FindCodes for a log line; call it on the lines
// MayHaveCodes lets through. It is hand written because a big log has
// hundreds of thousands of such lines.
func FindCodesInLine(b []byte) []CodeRef {
	var refs []CodeRef
	seen := map[string]bool{}
	for i := 0; i < len(b); i++ {
		code, exit, ok := "", false, false
		switch b[i] {
		case 'A', 'a':
			code, ok = codeAtPos(b, i)
		case 'E', 'e':
			code, ok = exitAtPos(b, i)
			exit = true
		}
		if ok && !seen[code] {
			seen[code] = true
			refs = append(refs, CodeRef{Code: code, Exit: exit, Offset: i})
		}
	}
	return refs
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isLetter(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// codeAtPos reads AZCMnnnn at b[i:], all upper or all lower case, with word
// boundaries on both sides.
func codeAtPos(b []byte, i int) (string, bool) {
	if i > 0 && isWordByte(b[i-1]) || i+8 > len(b) {
		return "", false
	}
	word := string(b[i : i+4])
	if word != "AZCM" && word != "azcm" && word != "Azcm" && word != "aZCM" {
		return "", false
	}
	for _, c := range b[i+4 : i+8] {
		if !isDigit(c) {
			return "", false
		}
	}
	if i+8 < len(b) && isWordByte(b[i+8]) {
		return "", false
	}
	return "AZCM" + string(b[i+4:i+8]), true
}

// exitAtPos reads an exit status at b[i:]: exit(ed)? ([ _-]*with)? [ _-]*
// (code|status) [ ]*[:=]?[ ]* digits, case-insensitive.
func exitAtPos(b []byte, i int) (string, bool) {
	if i > 0 && isWordByte(b[i-1]) || !hasFoldedPrefix(b[i:], "exit") {
		return "", false
	}
	j := i + 4
	if hasFoldedPrefix(b[j:], "ed") {
		j += 2
	}
	k := skipSeps(b, j)
	if hasFoldedPrefix(b[k:], "with") {
		j = k + 4
	}
	j = skipSeps(b, j)
	switch {
	case hasFoldedPrefix(b[j:], "code"):
		j += 4
	case hasFoldedPrefix(b[j:], "status"):
		j += 6
	default:
		return "", false
	}
	j = skipSpaces(b, j)
	if j < len(b) && (b[j] == ':' || b[j] == '=') {
		j = skipSpaces(b, j+1)
	}
	start := j
	for j < len(b) && isDigit(b[j]) && j-start < 4 {
		j++
	}
	if j == start || j-start > 3 || (j < len(b) && isWordByte(b[j])) {
		return "", false
	}
	n, err := strconv.Atoi(string(b[start:j]))
	if err != nil || n > MaxExitStatus {
		return "", false
	}
	return Code(n), true
}

func skipSeps(b []byte, j int) int {
	for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '_' || b[j] == '-' || b[j] == '\n' || b[j] == '\r') {
		j++
	}
	return j
}

func skipSpaces(b []byte, j int) int {
	for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
		j++
	}
	return j
}

// isNameByte reports whether c may continue a program's name.
func isNameByte(c byte) bool { return isLetter(rune(c)) || isDigit(c) || c == '_' }

// otherProgramRE names a program other than the agent that prints exit
// statuses into the same logs and consoles.
var otherProgramRE = regexp.MustCompile(`(?i)\b(?:dpkg|rpm|apt|apt-get|yum|dnf|tdnf|zypper|msiexec|extension|handler|scriptlet|subprocess|script|installer|curl|wget|powershell)\b`)

// maxAgentExitLookBack bounds how far before an exit status AgentCodes looks
// for the agent's name.
const maxAgentExitLookBack = 512

// AgentCodes keeps the references of text that are the agent's codes: every
// AZCMnnnn, and an exit status only when azcmagent is the program the line
// last names before it (the agent exits with the number of its code):
// "Exiting azcmagent" ExitStatus=41, "azcmagent exited, exitcode: 67",
// "azcmagent connect … failed: exit code 41". The numbers other programs
// print in the same logs (dpkg's or rpm's "exit status 1" about the azcmagent
// package, an extension's "exit code 64", msiexec's 1603, an HTTP status) and
// a status no program is named for are not AZCM codes. It filters refs in
// place.
func AgentCodes[S string | []byte](text S, refs []CodeRef) []CodeRef {
	out := refs[:0]
	for _, r := range refs {
		if !r.Exit || agentExit([]byte(text[max(0, r.Offset-maxAgentExitLookBack):r.Offset])) {
			out = append(out, r)
		}
	}
	return out
}

func agentExit(before []byte) bool {
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	// Every run of a big log ends in an exiting line: find the name without
	// lower-casing a copy.
	for i := len(before) - len("azcmagent"); i >= 0; i-- {
		if hasFoldedPrefix(before[i:], "azcmagent") {
			between := before[i+len("azcmagent"):]
			if i > 0 && isNameByte(before[i-1]) || len(between) > 0 && isNameByte(between[0]) {
				// Part of another program's name: install_linux_azcmagent.sh,
				// azcmagent_proxy.
				return false
			}
			// The agent's own exiting line has only punctuation between
			// its name and the status: `"Exiting azcmagent" ExitStatus=0`.
			return !bytes.ContainsFunc(between, isLetter) || !otherProgramRE.Match(before[i:])
		}
	}
	return false
}
