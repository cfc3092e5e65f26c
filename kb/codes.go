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
	// "exit code 42", "exit status: 42", "exitcode=42", "rc 42".
	exitQueryRE = regexp.MustCompile(`(?i)^(?:exit[\s_-]*(?:code|status)?|rc|errorlevel|\$\?)\s*[:=]?\s*(\d{1,3})$`)
	// codeInTextRE finds codes inside a message: AZCM0041, or azcm0041 as
	// someone typed it (the letters all upper or all lower case, which is
	// what MayHaveCodes looks for). A code glued to more digits (AZCM00411)
	// is not a code.
	codeInTextRE = regexp.MustCompile(`\b[Aa](?:ZCM|zcm)(\d{4})\b`)
	// exitInTextRE finds an exit status printed by a wrapper: "exit code 42",
	// "exitcode: 42", "exited with status 42", "exit status 42".
	exitInTextRE = regexp.MustCompile(`(?i)\bexit(?:ed)?(?:[\s_-]*(?:with))?[\s_-]*(?:code|status)\s*[:=]?\s*(\d{1,3})\b`)
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

// MayHaveCodes is a fast test that rules out most lines before FindCodes:
// a code needs "AZCM" followed by a digit, an exit status the word "exit"
// with "code" or "status". Agent logs mention "azcmagent" on many lines, so
// looking for "azcm" alone would not do. It runs on every line of a big log,
// hence the few vectorised searches instead of a regular expression.
func MayHaveCodes(b []byte) bool {
	return codeAt(b, "ZCM") || codeAt(b, "zcm") || ((bytes.Contains(b, []byte("xit")) || bytes.Contains(b, []byte("XIT"))) &&
		(containsFold(b, "code") || containsFold(b, "status")))
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

// containsFold reports whether b contains the lower-case ASCII word w in any
// case.
func containsFold(b []byte, w string) bool {
	for i := 0; i+len(w) <= len(b); i++ {
		if hasFoldedPrefix(b[i:], w) {
			return true
		}
	}
	return false
}

// FindCodes returns the AZCM codes and exit statuses in text, in order of
// appearance, each code once.
func FindCodes(text string) []CodeRef {
	if !MayHaveCodes([]byte(text)) {
		return nil // the common case in a big log: nothing to find
	}
	var refs []CodeRef
	seen := map[string]bool{}
	add := func(code string, exit bool, off int) {
		if !seen[code] {
			seen[code] = true
			refs = append(refs, CodeRef{Code: code, Exit: exit, Offset: off})
		}
	}
	codes := codeInTextRE.FindAllStringSubmatchIndex(text, -1)
	exits := exitInTextRE.FindAllStringSubmatchIndex(text, -1)
	for len(codes) > 0 || len(exits) > 0 {
		if len(exits) == 0 || (len(codes) > 0 && codes[0][0] < exits[0][0]) {
			m := codes[0]
			codes = codes[1:]
			add("AZCM"+text[m[2]:m[3]], false, m[0])
			continue
		}
		m := exits[0]
		exits = exits[1:]
		if n, err := strconv.Atoi(text[m[2]:m[3]]); err == nil && n <= MaxExitStatus {
			add(Code(n), true, m[0])
		}
	}
	return refs
}
