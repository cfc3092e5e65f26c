package kb

import (
	"bytes"
	"regexp"
	"slices"
	"sync"
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
	re    *regexp.Regexp
	// all has one bit per literal set of the pattern: a line is worth the
	// regexp only when the filter found a literal of every set.
	all uint64
}

// Matcher returns the knowledge base's matcher, built on first use.
func (k *KB) Matcher() *Matcher {
	k.matcherOnce.Do(func() { k.matcher = newMatcher(k.patterned) })
	return k.matcher
}

func newMatcher(entries []*Entry) *Matcher {
	m := &Matcher{filter: newLiteralFilter()}
	for _, e := range entries {
		for i, re := range e.compiled() {
			idx := len(m.patterns)
			sets := preferLong(requiredLiterals(e.Patterns[i]))
			pat := matcherPattern{entry: e, re: re}
			for j, set := range sets {
				bit := uint64(1) << j
				pat.all |= bit
				for _, l := range set {
					m.filter.add(l, idx, bit)
				}
			}
			m.patterns = append(m.patterns, pat)
			if sets == nil {
				m.unfiltered = append(m.unfiltered, idx)
			}
		}
	}
	m.pool.New = func() any { return &matchScratch{found: make([]uint64, len(m.patterns))} }
	return m
}

// preferLong keeps only the sets of long literals when a pattern has any:
// the filter steps over long literals several bytes at a time but must look
// at every byte for short ones, so one pattern with a short set would slow
// every line down.
func preferLong(sets [][]string) [][]string {
	var long [][]string
	for _, set := range sets {
		if shortest(set) >= minLiteral+stride-1 {
			long = append(long, set)
		}
	}
	if len(long) > 0 {
		return long
	}
	return sets
}

type matchScratch struct {
	found   []uint64 // per pattern, the bits of the sets found in the line
	touched []int    // the patterns with a bit set, to reset them cheaply
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
	return m.MatchFrom(line, 0)
}

// MatchFrom is Match for a line whose first from bytes cannot hold anything
// a pattern looks for (the time and level of a logrus line): the filter
// skips them, the patterns still see the whole line.
func (m *Matcher) MatchFrom(line []byte, from int) []Match {
	from = min(max(from, 0), len(line))
	s := m.pool.Get().(*matchScratch)
	defer m.pool.Put(s)
	s.touched = s.touched[:0]
	m.filter.scan(line[from:], func(p int, set uint64) {
		if s.found[p] == 0 {
			s.touched = append(s.touched, p)
		}
		s.found[p] |= set
	})
	var candidates []int
	for _, p := range s.touched {
		if s.found[p] == m.patterns[p].all {
			candidates = append(candidates, p)
		}
		s.found[p] = 0
	}
	candidates = append(candidates, m.unfiltered...)
	if len(candidates) == 0 {
		return nil
	}
	slices.Sort(candidates) // pattern order is load order: deterministic results
	var (
		out      []Match
		unescape string
	)
	for _, p := range candidates {
		pat := &m.patterns[p]
		if slices.ContainsFunc(out, func(x Match) bool { return x.Entry == pat.entry }) {
			continue
		}
		loc := pat.re.FindIndex(line)
		if loc == nil && bytes.IndexByte(line, '\\') >= 0 {
			if unescape == "" {
				unescape = Unescape(string(line))
			}
			loc = pat.re.FindStringIndex(unescape)
		}
		if loc != nil {
			out = append(out, Match{Entry: pat.entry, Start: loc[0], End: loc[1]})
		}
	}
	slices.SortStableFunc(out, func(a, b Match) int { return a.Start - b.Start })
	return out
}
