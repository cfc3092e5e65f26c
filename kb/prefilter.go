package kb

import (
	"bytes"
	"encoding/binary"
	"regexp/syntax"
	"slices"
	"strings"
)

// A log of gigabytes cannot be run through a hundred regular expressions
// line by line. Instead each pattern contributes the literal strings one of
// which any match must contain; a single pass over a line looks those up
// four bytes at a time, and only a pattern whose literal is present runs its
// regular expression.

// minLiteral is the shortest literal the filter can look up: it hashes
// four-byte windows.
const minLiteral = 4

// requiredLiterals returns the literal sets the filter looks for: every
// match of the pattern contains a literal of each set. It returns nil when
// no set has only literals of minLiteral bytes or more (the filter cannot
// help that pattern). Literals are cut at characters that Go quoting escapes
// (quote, backslash, control characters), because the filter runs on the
// escaped line.
func requiredLiterals(pattern string) [][]string { return literalSets(simplified(pattern)) }

// simplified is pattern parsed and simplified as the literal analyses read
// it (requiredLiterals, asPlainLiteral), or nil when it does not parse.
func simplified(pattern string) *syntax.Regexp {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	return re.Simplify()
}

// literalSets is requiredLiterals of a simplified pattern (nil: none).
func literalSets(re *syntax.Regexp) [][]string {
	if re == nil {
		return nil
	}
	var usable [][]string
	for _, set := range conjunction(re) {
		if shortest(set) >= minLiteral && !slices.ContainsFunc(usable, func(u []string) bool { return slices.Equal(u, set) }) {
			usable = append(usable, set)
		}
	}
	if len(usable) > maxSets {
		usable = usable[:maxSets]
	}
	return usable
}

// maxSets bounds the sets tracked per pattern (one bit each).
const maxSets = 64

// conjunction returns literal sets that a match must all satisfy: a match
// contains at least one literal of each set.
func conjunction(re *syntax.Regexp) [][]string {
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return conjunction(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return conjunction(re.Sub[0])
		}
		return nil
	case syntax.OpConcat:
		// Runs of children with a small exact set (literals, short
		// alternations, optional pieces) multiply out into longer literals:
		// ATS(?: agent|-agent) gives "ATS agent" and "ATS-agent", which
		// filter far better than "agent" alone.
		var sets [][]string
		run := []string{""}
		flush := func() {
			if lits := pieces(run); lits != nil {
				sets = append(sets, lits)
			}
			run = []string{""}
		}
		for _, sub := range re.Sub {
			if ex := exact(sub); ex != nil {
				if product := cross(run, ex); product != nil {
					run = product
					continue
				}
				flush()
				run = ex
				continue
			}
			flush()
			sets = append(sets, conjunction(sub)...)
		}
		flush()
		return sets
	}
	if set := required(re); set != nil {
		return [][]string{set}
	}
	return nil
}

// maxExact bounds the exact sets multiplied out.
const maxExact = 64

// exact returns every string re can match, when there are at most maxExact
// of them; else nil.
func exact(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{string(re.Rune)}
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEmptyMatch:
		return []string{""}
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpQuest:
		if ex := exact(re.Sub[0]); ex != nil && len(ex) < maxExact {
			return append(ex, "")
		}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == maxExact {
					return nil
				}
				out = append(out, string(r))
			}
		}
		return out
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range re.Sub {
			ex := exact(sub)
			if ex == nil {
				return nil
			}
			if out = cross(out, ex); out == nil {
				return nil
			}
		}
		return out
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			ex := exact(sub)
			if ex == nil || len(out)+len(ex) > maxExact {
				return nil
			}
			out = append(out, ex...)
		}
		return out
	}
	return nil
}

// cross returns every concatenation of a string of a with one of b, or nil
// when there would be more than maxExact.
func cross(a, b []string) []string {
	if len(a)*len(b) > maxExact {
		return nil
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

// pieces reduces each string of an exact set to its longest stretch without
// escapable characters; nil when one has none (the set cannot filter).
func pieces(set []string) []string {
	out := make([]string, 0, len(set))
	for _, s := range set {
		p := bestPiece(s)
		if p == nil {
			return nil
		}
		if !slices.Contains(out, p[0]) {
			out = append(out, p[0])
		}
	}
	return out
}

// required computes one literal set of a regexp node: a match contains one
// of its literals.
func required(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return bestPiece(string(re.Rune))
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
		return nil
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			s := required(sub)
			if s == nil {
				return nil
			}
			all = append(all, s...)
		}
		return all
	case syntax.OpConcat:
		var best []string
		for _, set := range conjunction(re) {
			best = better(best, set)
		}
		return best
	}
	return nil
}

// better prefers the set whose shortest literal is longest: long literals
// rarely occur by chance, so they filter best.
func better(a, b []string) []string {
	if b == nil || (a != nil && shortest(a) >= shortest(b)) {
		return a
	}
	return b
}

func shortest(set []string) int {
	n := -1
	for _, s := range set {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return n
}

// bestPiece returns the longest stretch of s without escapable characters
// (those Go quoting or a JSON encoder may write as an escape, jsonEscaped),
// as a one-element set (nil when s has none).
func bestPiece(s string) []string {
	best := ""
	for _, p := range strings.FieldsFunc(s, jsonEscaped) {
		if len(p) > len(best) {
			best = p
		}
	}
	if best == "" {
		return nil
	}
	return []string{best}
}

// fold maps a byte so that ASCII letters of either case compare equal. It
// is coarse: it also merges bytes the regexp tells apart (NUL and space, DEL
// and '_', '@' and '`', control characters and digits), so it may only ever
// let a line through to the regexp, never decide a match (plainLiteral.in
// checks exactly). The Unicode letters (?i) folds with ASCII ones (U+017F
// and U+212A) are handled by normalising the rare line that has them.
func fold(b byte) byte { return b | 0x20 }

func fold32(w uint32) uint32 { return w | 0x20202020 }

// windowCounts estimates how common each folded four-byte window is in log
// lines, by the window's hash (collisions only blur the estimate); the
// filter indexes the rarest windows of each literal.
type windowCounts []uint16

// countWindows counts the windows of sample lines (the knowledge base's own
// examples: real-looking log lines, full of the timestamps, levels, host
// names and words every agent line has).
func countWindows(lines []string) windowCounts {
	c := make(windowCounts, filterBits)
	for _, l := range lines {
		for i := 0; i+4 <= len(l); i++ {
			h := hash32(fold32(binary.LittleEndian.Uint32([]byte(l[i : i+4]))))
			if c[h] < 0xffff {
				c[h]++
			}
		}
	}
	return c
}

// ordinaryText is what the ordinary lines of an agent log are made of
// (the examples are failures, so they undercount it): the field names and
// values of azcmagent's debug lines (samples in testdata/logs and
// internal/loggen). A window in these is found on most lines, and each
// find costs a comparison; addCommon steers the filter off them.
var ordinaryText = []string{
	`time="2031-02-03T04:05:06Z" level=debug msg="Agent status received"`, ` level=info msg=`,
	` Endpoint=/var/opt/azcmagent/socks/himds.sock`, ` Endpoint=https://gbl.his.arc.azure.com`,
	` Path=/var/opt/azcmagent/agentconfig.json`, ` Status Code=200`, ` Duration=123ms`, ` Attempt=1`,
	` Service=himdsd.service State=active`, ` Service=extd.service`, ` Service=gcad.service`,
	`Connected to HIMDS`, `Requesting agent status from HIMDS`, `Agent Version: `, `Agent Command: `,
	`Checking cloud provider against IMDS`, `GET http://169.254.169.254/metadata/instance/compute?api-version=2019-06-01`,
	`Loading agent config file`, `Loading local config file`, `Local configuration value`, `installed version`,
	`Exiting azcmagent" ExitStatus=0`, `Restarting service`, `Successfully`, `connected`, `Extension status`,
}

// addCommon counts every window of the ordinary text as found on most
// lines.
func (c windowCounts) addCommon(texts []string) {
	for _, t := range texts {
		for i := 0; i+4 <= len(t); i++ {
			h := hash32(fold32(binary.LittleEndian.Uint32([]byte(t[i : i+4]))))
			c[h] = max(c[h], 1000)
		}
	}
}

// literalFilter finds which literals occur in a line. Long literals are
// looked up stride bytes at a time: a literal of at least minLiteral+stride-1
// bytes has one of its first stride windows at a position that is a
// multiple of stride, so indexing those windows finds every occurrence while
// hashing only one position in stride. Shorter literals use a second filter
// that looks at every position.
type literalFilter struct {
	long, short *windowFilter
}

// stride is how far the long-literal filter steps.
const stride = 4

type windowFilter struct {
	step   int
	counts windowCounts
	// size counts the indexed windows: an empty filter costs nothing.
	size int
	// bits has one bit per hash of an indexed folded four-byte window.
	bits []uint64
	// byHash lists the literals indexed under each hash; a slice, not a map,
	// because common windows ("agen", "http") hit on most lines.
	byHash [][]filterLiteral
}

type filterLiteral struct {
	window uint32 // the indexed window, folded: weeds out hash collisions
	// head and headMask are the literal's first eight bytes (fewer for a
	// shorter one), folded: one comparison weeds out most lines that hold
	// the window but not the literal ("stat" of "status 429").
	head, headMask uint64
	folded         string // the literal, folded
	offset         int    // where in the literal the indexed window starts
	pattern        int    // index of the pattern it stands for
}

const filterBits = 1 << 16

func hash32(w uint32) uint32 { return (w * 0x9E3779B1) >> 16 }

func newLiteralFilter(counts windowCounts) *literalFilter {
	return &literalFilter{long: newWindowFilter(stride, counts), short: newWindowFilter(1, counts)}
}

func newWindowFilter(step int, counts windowCounts) *windowFilter {
	return &windowFilter{step: step, counts: counts, bits: make([]uint64, filterBits/64), byHash: make([][]filterLiteral, filterBits)}
}

func foldString(s string) string { return string(foldInto(nil, []byte(s))) }

func (f *literalFilter) add(lit string, pattern int) {
	folded := foldString(lit)
	if len(folded) >= minLiteral+stride-1 {
		f.long.add(folded, pattern)
	} else {
		f.short.add(folded, pattern)
	}
}

func (f *windowFilter) add(folded string, pattern int) {
	start := rarestWindows(folded, f.step, f.counts)
	for k := start; k < start+f.step; k++ {
		w := binary.LittleEndian.Uint32([]byte(folded[k : k+4]))
		h := hash32(w)
		f.bits[h/64] |= 1 << (h % 64)
		var head [8]byte
		n := copy(head[:], folded)
		mask := ^uint64(0) >> (8 * (8 - n))
		f.byHash[h] = append(f.byHash[h], filterLiteral{window: w, head: binary.LittleEndian.Uint64(head[:]), headMask: mask,
			folded: folded, offset: k, pattern: pattern})
		f.size++
	}
}

// load64 reads eight little-endian bytes of a string or slice without
// copying.
func load64[S string | []byte](s S) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// rarestWindows picks where in a literal the step consecutive windows the
// filter indexes start. Any step consecutive windows find every occurrence;
// windows common in log lines ("time", "agen") would stop the filter on
// most lines, so the stretch whose windows are rarest in counts is indexed,
// letter frequency breaking ties.
func rarestWindows(folded string, step int, counts windowCounts) int {
	best, bestCount, bestLetters := 0, -1, 0
	for j := 0; j+step-1+minLiteral <= len(folded); j++ {
		count, letters := 0, 0
		for k := j; k < j+step; k++ {
			count += int(counts[hash32(binary.LittleEndian.Uint32([]byte(folded[k:k+4])))])
		}
		for k := j; k < j+step-1+minLiteral; k++ {
			letters += commonness[folded[k]]
		}
		if bestCount < 0 || count < bestCount || (count == bestCount && letters < bestLetters) {
			best, bestCount, bestLetters = j, count, letters
		}
	}
	return best
}

// commonness approximates how often a (folded) byte occurs in agent logs:
// English letters by frequency, and the punctuation of URLs and logrus
// pairs.
var commonness = func() [256]int {
	var c [256]int
	for i := range c {
		c[i] = 1
	}
	for b, n := range map[byte]int{
		' ': 12, 'e': 10, 't': 8, 'a': 8, 'o': 7, 'i': 7, 'n': 7, 's': 6, 'r': 6, 'h': 4, 'l': 4,
		'd': 4, 'c': 4, 'u': 3, 'm': 3, 'p': 3, 'g': 2, '.': 4, '/': 4, '"': 4, '=': 3, ':': 3,
		'0': 3, '1': 2, '2': 2, '-': 2, '_': 1,
	} {
		c[b] = n
	}
	return c
}()

// scan calls hit with the pattern of each literal found in line (a pattern
// may be reported more than once). It reports whether the line holds a byte
// outside ASCII, which it learns at no cost while reading the windows.
func (f *literalFilter) scan(line []byte, hit func(pattern int)) (nonASCII bool) {
	seen, covered := f.long.scan(line, hit)
	short, _ := f.short.scan(line, hit)
	seen |= short
	if covered < len(line) {
		for _, c := range line[covered:] {
			seen |= uint32(c)
		}
	}
	return seen&0x80808080 != 0
}

// scan returns the bytes it read, or-ed together, and how many bytes from
// the start of line that covers.
func (f *windowFilter) scan(line []byte, hit func(pattern int)) (seen uint32, covered int) {
	if f.size == 0 {
		return 0, 0
	}
	bits := f.bits[:filterBits/64]
	i := 0
	for ; i+minLiteral <= len(line); i += f.step {
		raw := binary.LittleEndian.Uint32(line[i:])
		seen |= raw
		w := fold32(raw)
		h := hash32(w)
		if bits[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		for _, l := range f.byHash[h] {
			if start := i - l.offset; l.window == w && start >= 0 && l.pattern != marker && hasFoldedPrefix(line[start:], l.folded) {
				hit(l.pattern)
			}
		}
	}
	if i > 0 {
		covered = i - f.step + minLiteral
	}
	return seen, covered
}

// Go's (?i) folds two non-ASCII letters with ASCII ones: U+017F (long s)
// with s and U+212A (Kelvin sign) with k. A line holding them is filtered in
// a normalised copy, so that the filter never hides a match the regexp makes.
var (
	longS  = []byte("\u017f")
	kelvin = []byte("\u212a")
)

// hasFoldLookalike reports whether line holds U+017F or U+212A.
func hasFoldLookalike(line []byte) bool {
	return bytes.Contains(line, longS) || bytes.Contains(line, kelvin)
}

// normaliseLookalikes appends line to dst with U+017F as s and U+212A as k.
func normaliseLookalikes(dst, line []byte) []byte {
	for len(line) > 0 {
		switch {
		case bytes.HasPrefix(line, longS):
			dst, line = append(dst, 's'), line[len(longS):]
		case bytes.HasPrefix(line, kelvin):
			dst, line = append(dst, 'k'), line[len(kelvin):]
		default:
			dst, line = append(dst, line[0]), line[1:]
		}
	}
	return dst
}

func hasFoldedPrefix[S string | []byte](b []byte, folded S) bool {
	if len(b) < len(folded) {
		return false
	}
	i := 0
	// Eight bytes at a time: true hits on long literals are common (every
	// line may name management.azure.com), so this comparison is hot.
	for ; i+8 <= len(folded); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])|0x2020202020202020 != load64(folded[i:]) {
			return false
		}
	}
	for ; i < len(folded); i++ {
		if fold(b[i]) != folded[i] {
			return false
		}
	}
	return true
}

// positions calls at with the start of every occurrence of a literal of the
// filter in buf (a run header's, for the markers; else an entry's), in no particular order and perhaps more than once. Where
// scan looks at one line, positions looks at a whole buffer of lines at
// once: the caller maps each position to its line.
func (f *literalFilter) positions(buf []byte, at func(pos int, c Candidate)) {
	f.long.positions(buf, at)
	f.short.positions(buf, at)
}

func (f *windowFilter) positions(buf []byte, at func(pos int, c Candidate)) {
	if f.size == 0 {
		return
	}
	bits := f.bits[:filterBits/64]
	i := 0
	if f.step == stride {
		// Two windows from one load: most windows are not indexed, and
		// the loop is the whole cost.
		for ; i+8 <= len(buf); i += 8 {
			v := binary.LittleEndian.Uint64(buf[i:]) | 0x2020202020202020
			w0, w1 := uint32(v), uint32(v>>32)
			h0, h1 := hash32(w0), hash32(w1)
			if bits[h0>>6]&(1<<(h0&63)) != 0 {
				f.confirm(buf, i, w0, h0, at)
			}
			if bits[h1>>6]&(1<<(h1&63)) != 0 {
				f.confirm(buf, i+4, w1, h1, at)
			}
		}
	}
	for ; i+minLiteral <= len(buf); i += f.step {
		w := fold32(binary.LittleEndian.Uint32(buf[i:]))
		h := hash32(w)
		if bits[h>>6]&(1<<(h&63)) != 0 {
			f.confirm(buf, i, w, h, at)
		}
	}
}

// confirm reports the literals indexed under the window w at i (hash h)
// that buf holds.
func (f *windowFilter) confirm(buf []byte, i int, w, h uint32, at func(pos int, c Candidate)) {
	for _, l := range f.byHash[h] {
		start := i - l.offset
		if l.window != w || start < 0 || start+8 <= len(buf) && (binary.LittleEndian.Uint64(buf[start:])|0x2020202020202020)&l.headMask != l.head {
			continue
		}
		if hasFoldedPrefix(buf[start:], l.folded) {
			c := CandidateEntry
			if l.pattern == marker {
				c = CandidateHeader
			}
			at(start, c)
		}
	}
}
