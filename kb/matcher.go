package kb

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/arcdiag/arcdiag/internal/cores"
)

// Matcher recognises entries in log lines fast enough for a log of
// gigabytes: a literal filter picks the few patterns worth running on a
// line. It is safe for concurrent use.
type Matcher struct {
	patterns []matcherPattern
	filter   *literalFilter
	// unfiltered lists patterns with no usable literal: they run on every
	// line. The built-in KB is tested to have none.
	unfiltered []int
	pool       sync.Pool
}

type matcherPattern struct {
	entry *Entry
	index int // of the pattern in entry.Patterns
	// checks are the pattern's other literal sets, folded: a line the
	// filter picks is worth the regexp only when it also holds a literal of
	// each of them.
	checks [][]string
	// literal is set for a pattern that is only a literal (with optional
	// \b at its ends), which can be checked without the regexp.
	literal *plainLiteral
}

// Matcher returns the knowledge base's matcher, built on first use.
func (k *KB) Matcher() *Matcher {
	k.matcherOnce.Do(func() { k.matcher = newMatcher(k.patterned) })
	return k.matcher
}

func newMatcher(entries []*Entry) *Matcher {
	var samples []string
	for _, e := range entries {
		samples = append(samples, e.Examples...)
	}
	counts := countWindows(samples)
	counts.addCommon(ordinaryText)
	m := &Matcher{filter: newLiteralFilter(counts)}
	facts := allPatternFacts(entries)
	for ei, e := range entries {
		for _, i := range patternOrder(e, facts[ei]) {
			idx := len(m.patterns)
			sets, best := facts[ei][i].sets, facts[ei][i].best
			pat := matcherPattern{entry: e, index: i, literal: facts[ei][i].literal}
			if best < 0 {
				m.unfiltered = append(m.unfiltered, idx)
			} else {
				for _, l := range sets[best] {
					m.filter.add(l, idx)
				}
				for j, set := range sets {
					if j != best {
						folded := make([]string, len(set))
						for k, l := range set {
							folded[k] = foldString(l)
						}
						pat.checks = append(pat.checks, folded)
					}
				}
			}
			m.patterns = append(m.patterns, pat)
		}
	}
	// Candidates also finds the lines that may hold a code or an exit
	// status, and the header lines every azcmagent run starts with.
	for _, l := range candidateMarkers {
		m.filter.add(l, marker)
	}
	m.pool.New = func() any { return m.NewScratch() }
	return m
}

// patternFacts is what the matcher learns from a pattern's syntax: the
// literal sets its filter may look for (requiredLiterals) and the one it
// does, and the plain literal it is, if it is one (asPlainLiteral).
type patternFacts struct {
	sets    [][]string
	best    int // the set the filter indexes (indexSet)
	literal *plainLiteral
}

// allPatternFacts returns the facts of every entry's patterns, by entry
// and pattern. Parsing the patterns was most of a process's start (a
// quarter of analyze's on a small log), and they are parsed on every core,
// once each.
func allPatternFacts(entries []*Entry) [][]patternFacts {
	facts := make([][]patternFacts, len(entries))
	for i, e := range entries {
		facts[i] = make([]patternFacts, len(e.Patterns))
	}
	cores.Each(len(entries), func(i int) {
		for j, p := range entries[i].Patterns {
			re := simplified(p)
			sets := literalSets(re)
			facts[i][j] = patternFacts{sets: sets, best: indexSet(sets), literal: plainLiteralOf(re)}
		}
	})
	return facts
}

// candidateMarkers are literals that Candidates looks for besides the
// patterns': azcmagent states its version and command at the start of each
// run. (Codes and exit statuses are found apart: see codeMarks.)
var candidateMarkers = []string{"Agent Version:", "Agent Command:"}

// marker is the pattern index of the candidate markers: Candidates reports
// them, matching ignores them.
const marker = -1

// indexSet picks the literal set the filter indexes for a pattern: the one
// least likely to occur in an ordinary log line, so that the filter rarely
// stops. Long literals beat short ones (the filter steps over long literals
// several bytes at a time but must look at every byte for a short one), and
// a literal holding a word that ordinary agent lines are full of
// (management.azure.com, Status Code) counts as short. It returns -1 when no
// set is usable.
func indexSet(sets [][]string) int {
	best, bestScore := -1, 0
	for i, set := range sets {
		score := -1
		for _, l := range set {
			if s := literalScore(l); score < 0 || s < score {
				score = s
			}
		}
		if score > bestScore || best < 0 {
			best, bestScore = i, score
		}
	}
	return best
}

// commonWords occur on most lines of an agent log; a literal built on one
// of them makes a poor filter.
var commonWords = []string{
	"azure.com", "azure.us", "azure.cn", "microsoft", "azcmagent", "http", "agent", "status code",
	"request", "error", "failed", "management", "his.arc", "login.", "windows.net", "/var/opt",
	"programdata", "connect", "extension", "service",
}

func literalScore(l string) int {
	folded := foldString(l)
	score := len(folded)
	if score < minLiteral+stride-1 {
		score -= 100 // a short literal costs a look at every byte
	}
	for _, w := range foldedCommonWords {
		if strings.Contains(folded, w) {
			score -= len(w)
		}
	}
	return score
}

// foldedCommonWords is commonWords folded, once.
var foldedCommonWords = func() []string {
	out := make([]string, len(commonWords))
	for i, w := range commonWords {
		out[i] = foldString(w)
	}
	return out
}()

// Scratch is the working memory of one matching goroutine. MatchFrom takes
// one from a pool; a goroutine that matches millions of lines keeps its own
// (NewScratch) and passes it to MatchWith, sparing the pool on every line.
type Scratch = matchScratch

// NewScratch returns working memory for MatchWith.
func (m *Matcher) NewScratch() *Scratch {
	return &matchScratch{found: make([]bool, len(m.patterns))}
}

type matchScratch struct {
	found   []bool // per pattern, whether the filter found its literal
	touched []int  // the patterns found, to reset them cheaply
	folded  []byte // the line, folded, for the checks
	normal  []byte // the line with Unicode fold lookalikes made ASCII
}

// lineForms is a line as written and, when it carries escapes, unescaped
// once and, when escapes remain, twice (computed on first need): patterns
// are written against the plain message, which logrus escapes inside a
// quoted value, and which may be a JSON body or a whole log line quoted
// inside that value.
type lineForms struct {
	raw       []byte
	unescaped [maxUnescape]string
	levels    int  // unescaped forms in unescaped
	done      bool // whether they are computed
}

// maxUnescape is how many levels of quoting are undone.
const maxUnescape = 2

// escaped returns the line's unescaped forms, computing them.
func (l *lineForms) escaped() []string {
	if !l.done {
		l.done = true
		if bytes.IndexByte(l.raw, '\\') >= 0 {
			prev := string(l.raw)
			for ; l.levels < maxUnescape && strings.IndexByte(prev, '\\') >= 0; l.levels++ {
				next := Unescape(prev)
				if next == prev {
					break
				}
				l.unescaped[l.levels], prev = next, next
			}
		}
	}
	return l.unescaped[:l.levels]
}

// find locates re in the line as written, else in its unescaped forms.
func (l *lineForms) find(re *regexp.Regexp) []int {
	if loc := re.FindIndex(l.raw); loc != nil {
		return loc
	}
	for _, u := range l.escaped() {
		if loc := re.FindStringIndex(u); loc != nil {
			return loc
		}
	}
	return nil
}

// match is find without locating, which is cheaper.
func (l *lineForms) match(re *regexp.Regexp) bool {
	return re.Match(l.raw) || l.matchUnescaped(re)
}

// matchUnescaped tries only the unescaped forms.
func (l *lineForms) matchUnescaped(re *regexp.Regexp) bool {
	for _, u := range l.escaped() {
		if re.MatchString(u) {
			return true
		}
	}
	return false
}

// re returns the pattern compiled. Compiling is deferred to the first line
// the filter lets through: explaining one pasted line compiles a few
// patterns, not all of them.
func (p *matcherPattern) re() *regexp.Regexp {
	return p.entry.compiled()[p.index]
}

// holdsAll reports whether folded holds a literal of each set.
func holdsAll(folded []byte, sets [][]string) bool {
	for _, set := range sets {
		if !slices.ContainsFunc(set, func(l string) bool { return bytes.Contains(folded, []byte(l)) }) {
			return false
		}
	}
	return true
}

// Unfiltered returns the entries whose patterns have no literal the filter
// can use; each such pattern costs a regular-expression run on every line.
func (m *Matcher) Unfiltered() []*Entry {
	var out []*Entry
	for _, i := range m.unfiltered {
		if e := m.patterns[i].entry; !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// Match returns the entries whose patterns recognise line, earliest match
// first, each entry once. It allocates only when a pattern's literal is
// present.
func (m *Matcher) Match(line []byte) []Match {
	return m.match(line, 0, true)
}

// MatchFrom is Match for a log line whose first from bytes cannot hold
// anything a pattern looks for (the time and level of a logrus line): the
// filter skips them, the patterns still see the whole line. It does not
// locate the matches of benign entries (Start and End are 0): a log of
// gigabytes has hundreds of thousands of them, and only their presence
// counts.
func (m *Matcher) MatchFrom(line []byte, from int) []Match {
	return m.match(line, from, false)
}

// MatchWith is MatchFrom with the caller's working memory, which must not
// be shared between goroutines.
func (m *Matcher) MatchWith(s *Scratch, line []byte, from int) []Match {
	return m.matchWith(s, line, from, false)
}

func (m *Matcher) match(line []byte, from int, locateAll bool) []Match {
	s := m.pool.Get().(*matchScratch)
	defer m.pool.Put(s)
	return m.matchWith(s, line, from, locateAll)
}

func (m *Matcher) matchWith(s *matchScratch, line []byte, from int, locateAll bool) []Match {
	from = min(max(from, 0), len(line))
	s.touched = s.touched[:0]
	hit := func(p int) {
		if !s.found[p] {
			s.found[p] = true
			s.touched = append(s.touched, p)
		}
	}
	// hay is what the checks look at: the line, or its normalised copy when
	// it holds a letter that only Unicode folding equates with ASCII.
	hay, lookalike := line, false
	if m.filter.scan(line[from:], hit) && hasFoldLookalike(line) {
		lookalike = true
		s.normal = normaliseLookalikes(s.normal[:0], line)
		hay = s.normal
		m.filter.scan(hay, hit)
	}
	var candidates []int
	s.folded = s.folded[:0]
	for _, p := range s.touched {
		s.found[p] = false
		if checks := m.patterns[p].checks; len(checks) > 0 {
			if len(s.folded) == 0 {
				s.folded = foldInto(s.folded, hay)
			}
			if !holdsAll(s.folded, checks) {
				continue
			}
		}
		candidates = append(candidates, p)
	}
	candidates = append(candidates, m.unfiltered...)
	if len(candidates) == 0 {
		return nil
	}
	slices.Sort(candidates) // pattern order is load order: deterministic results
	var out []Match
	forms := lineForms{raw: line}
	for _, p := range candidates {
		pat := &m.patterns[p]
		if slices.ContainsFunc(out, func(x Match) bool { return x.Entry == pat.entry }) {
			continue
		}
		re := pat.re()
		if re == nil {
			continue
		}
		if !locateAll && pat.entry.Kind == KindBenign {
			if l := pat.literal; l != nil && !lookalike {
				if len(s.folded) == 0 {
					s.folded = foldInto(s.folded, line)
				}
				// The literal search stands for the regexp on the line as
				// written; only the unescaped form is left to try.
				if l.in(line, s.folded) || forms.matchUnescaped(re) {
					out = append(out, Match{Entry: pat.entry})
				}
				continue
			}
			// Matching without locating is cheaper.
			if forms.match(re) {
				out = append(out, Match{Entry: pat.entry})
			}
			continue
		}
		if loc := forms.find(re); loc != nil {
			out = append(out, Match{Entry: pat.entry, Start: loc[0], End: loc[1]})
		}
	}
	slices.SortStableFunc(out, func(a, b Match) int { return a.Start - b.Start })
	return out
}

// Candidate says what a position Candidates reports may start.
type Candidate uint8

const (
	// CandidateEntry is a literal an entry's pattern needs (or a letter
	// that Unicode case folding equates with an ASCII one): Match may
	// recognise the line.
	CandidateEntry Candidate = 1 << iota
	// CandidateCode is where MayHaveCodes looks: the line may hold a code
	// or an exit status.
	CandidateCode
	// CandidateHeader is "Agent Version:" or "Agent Command:", which
	// azcmagent writes at the start of each run.
	CandidateHeader
)

// Candidates calls at with positions in buf, a buffer holding many lines,
// such that every line Match (or MatchFrom) could find an entry in holds
// a CandidateEntry, every line holding a code or an exit status that
// FindCodesInLine reads past MayHaveCodes a CandidateCode, and every line
// holding "Agent Version:" or "Agent Command:" a CandidateHeader. Positions
// come in no particular order and may repeat; a line holding none needs no
// matching. It reports false, calling at for nothing, when some pattern
// has no literal to look for (Unfiltered): then every line needs matching.
func (m *Matcher) Candidates(buf []byte, at func(pos int, c Candidate)) bool {
	if len(m.unfiltered) > 0 {
		return false
	}
	m.filter.positions(buf, at)
	codeMarks(buf, at)
	for _, l := range [][]byte{longS, kelvin} {
		for off := 0; ; {
			i := bytes.Index(buf[off:], l)
			if i < 0 {
				break
			}
			at(off+i, CandidateEntry)
			off += i + len(l)
		}
	}
	return true
}
