// Package suggest offers the knowledge-base entries closest to a message
// that no entry's pattern recognises, by a full-text search of the
// message's distinguishing words: a probable answer, labelled as a guess,
// where there would otherwise be none.
//
// The message is cleaned first (Words): the log's framing (time=, level=,
// key= names), timestamps, GUIDs, IP addresses, URLs, paths, numbers and
// hex identifiers say nothing about the cause and would only dilute the
// search; error codes (AADSTS700027, HCRP400, 0x80070005), provider and
// ARM error names and ordinary words stay. The search matches words as
// written (index.SearchOptions.NoGuesses): a host name is not a typo of
// some entry's word. Only the words some entry has are searched. An entry
// is offered only when the first scores MinMargin times the next (a clear
// winner, a measure that does not drift as the knowledge base grows) and
// it matches MinMatched words and MinShare of them.
//
// The index of a knowledge base is made once, on the first lookup of any
// of its Suggesters (opened from the binary for the built-in entries,
// built for a --kb-dir layer: see index.New), and shared by all of them
// (serve makes one per request); a Suggester remembers each cleaned message's answer; it makes at most Options.MaxLookups
// searches, so a log with thousands of distinct unmatched errors costs a
// bounded time (BenchmarkBuild, BenchmarkLookup).
package suggest

import (
	"errors"
	"math"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"weak"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/kb"
)

// Thresholds an entry must clear to be offered, tuned on the tune split of
// testdata/cases alone (TestTuneSuggestions) and on the error lines of
// testdata/logs that no entry recognises (TestNoSuggestionForUnrelated).
// They are relative: a score (index.Hit.Score) is comparable within one
// search only, and its scale moves as the knowledge base grows, so a fixed
// least score held back more right answers with each new entry.
const (
	// MinMargin is how many times the score of the next entry that is
	// not the same answer (oneAnswer) the first entry must score: a clear
	// winner.
	// Over the tune split, with the entries' examples left out of the
	// index (TestTuneSuggestions), 1.5 offered 133 right first entries
	// and 24 wrong ones, and held back 13 right ones; the fixed least
	// score of 10 it replaces offered 78 and 14 and held back 60; 1.7
	// offered 128 and 18, 2 offered 113 and 15. A wrong suggestion is
	// labelled as a guess, a right one held back is no answer at all.
	MinMargin = 1.5
	// MinOfFirst is the least share of the first entry's score another
	// entry must score to be offered beside it.
	MinOfFirst = 0.5
	// MinShare is the least share of the message's words (those some
	// entry has) an offered entry must match: a long message a few of
	// whose words an entry shares is about something else.
	MinShare = 0.25
	// MinMatched is the least number of the message's words an offered
	// entry must match: one shared word is a coincidence.
	MinMatched = 2
	// MaxSuggestions is the most entries offered for one message.
	MaxSuggestions = 3
	// maxWords bounds the words a message is cut into; of those, the
	// first index.MaxQueryWords that some entry has are searched (each
	// is a search per field, so this bounds a search's time).
	maxWords = 64
	// coverage is the power of the share of the words searched that an
	// entry matches its score is multiplied by (index.SearchOptions): 2
	// rather than a typed query's 1 ranked the right entry first for 146
	// tune cases rather than 142 (without examples), and in the first
	// three for 171 rather than 167; 3 gained little more.
	coverage = 2
	// searchLimit is the most hits a search returns: more than
	// MaxSuggestions, since benign entries among them are never offered.
	searchLimit = 8
)

// Suggestion is an entry offered for a message, with its relevance.
type Suggestion struct {
	Entry *kb.Entry
	Score float64
}

// Options bound a Suggester.
type Options struct {
	// MaxLookups is the most distinct messages searched (default 32, a
	// few milliseconds each); the others get no suggestion.
	MaxLookups int
}

// Suggester finds the entries closest to messages. It is safe for
// concurrent use.
type Suggester struct {
	k    *kb.KB
	opts Options
	ix   *lazyIndex

	mu sync.Mutex
	// cache holds the answer for each cleaned message; texts the answer
	// for each message as given, so that a line the log repeats is not
	// cleaned again (bounded: cleared when full).
	cache   map[string][]Suggestion
	texts   map[string][]Suggestion
	lookups int
}

// maxTexts bounds Suggester.texts.
const maxTexts = 4096

// New returns a Suggester over the entries of k; no index is built until
// the first lookup.
func New(k *kb.KB, opts Options) *Suggester {
	if opts.MaxLookups <= 0 {
		opts.MaxLookups = 32
	}
	return &Suggester{k: k, opts: opts, ix: indexFor(k), cache: map[string][]Suggestion{}, texts: map[string][]Suggestion{}}
}

// indexFor returns the index of k's entries, shared by every Suggester of
// k: serve answers each request with a new Suggester of the one knowledge
// base it loaded, and a --kb-dir index takes a tenth of a second to build.
// The built-in entries alone share builtinIndex whatever the load.
func indexFor(k *kb.KB) *lazyIndex {
	if builtinOnly(k) {
		return builtinIndex
	}
	p := weak.Make(k)
	loaded.mu.Lock()
	defer loaded.mu.Unlock()
	if ix, ok := loaded.indexes[p]; ok {
		return ix
	}
	ix := &lazyIndex{}
	loaded.indexes[p] = ix
	// Forgotten with the knowledge base: the index holds its entries, not
	// the *kb.KB, so it does not keep it alive.
	runtime.AddCleanup(k, func(p weak.Pointer[kb.KB]) {
		loaded.mu.Lock()
		delete(loaded.indexes, p)
		loaded.mu.Unlock()
	}, p)
	return ix
}

// loaded holds the index of each knowledge base with a --kb-dir layer that
// a Suggester was made for, while that knowledge base is in use.
var loaded = struct {
	mu      sync.Mutex
	indexes map[weak.Pointer[kb.KB]]*lazyIndex
}{indexes: map[weak.Pointer[kb.KB]]*lazyIndex{}}

// builtinIndex is the index of the built-in entries, shared by every
// Suggester of the process whose knowledge base is the built-in one alone
// (serve, and the tests that run hundreds of commands): the embedded
// entries cannot change while the process runs, and each load of them has
// the same ids and text.
var builtinIndex = &lazyIndex{}

// builtinOnly reports whether every entry of k comes from the built-in
// layer (no --kb-dir entry adds to or replaces one).
func builtinOnly(k *kb.KB) bool {
	name := kb.Builtin().Name
	for _, e := range k.Entries() {
		if e.Origin.Layer != name || !strings.HasPrefix(e.Origin.File, kb.Builtin().Prefix) {
			return false
		}
	}
	return true
}

// lazyIndex is the search index, built on first use, and the hits of the
// queries it answered: the same query of another Suggester (another
// command of serve or of a test) is not searched again.
type lazyIndex struct {
	once sync.Once
	ix   *index.Index
	err  error

	mu   sync.Mutex
	hits map[string]*index.Result
}

// maxHits bounds lazyIndex.hits.
const maxHits = 4096

// search returns the result of q, from the memo or by a search.
func (l *lazyIndex) search(q string) (*index.Result, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if res, ok := l.hits[q]; ok {
		return res, nil
	}
	res, err := l.ix.Search(q, index.SearchOptions{Limit: searchLimit, NoGuesses: true, Coverage: coverage, NoFragments: true})
	if err != nil {
		return nil, err
	}
	if l.hits == nil || len(l.hits) >= maxHits {
		l.hits = map[string]*index.Result{}
	}
	l.hits[q] = res
	return res, nil
}

// pick returns the words of a cleaned message worth searching: those some
// entry has (a word no entry has can match nothing), error codes, at most
// index.MaxQueryWords of them, in the message's order.
func (l *lazyIndex) pick(q string) string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.Fields(q) {
		var words []string
		if n, err := l.ix.EntriesWith(w); err == nil && (n > 0 || codeRe.MatchString(w)) {
			words = append(words, w)
		}
		// A name (ManagedIdentityCredential, HTTPConnectionPool) also
		// stands for its words, which an entry's prose may use.
		for _, p := range nameParts(w) {
			if n, err := l.ix.EntriesWith(p); err == nil && n > 0 && distinguishing(p) {
				words = append(words, p)
			}
		}
		for _, w := range words {
			if lw := strings.ToLower(w); !seen[lw] {
				seen[lw] = true
				out = append(out, w)
			}
			if len(out) == index.MaxQueryWords {
				return strings.Join(out, " ")
			}
		}
	}
	return strings.Join(out, " ")
}

// builds counts the indexes built, for the tests that check one is built
// once per knowledge base.
var builds atomic.Int64

// get builds the index of entries once (later calls get that index,
// whatever their entries: see builtinIndex). The agent writes English: the
// Japanese text is not indexed.
func (l *lazyIndex) get(entries []*kb.Entry) (*index.Index, error) {
	l.once.Do(func() {
		builds.Add(1)
		if len(entries) == 0 {
			l.err = errors.New("suggest: no entries to index")
			return
		}
		l.ix, l.err = index.New(entries, index.Options{Langs: []kb.Lang{kb.EN}})
	})
	return l.ix, l.err
}

// Suggest returns up to MaxSuggestions entries close to text, best first,
// or none when no entry clears the thresholds (or the lookups are spent).
func (s *Suggester) Suggest(text string) []Suggestion {
	s.mu.Lock()
	defer s.mu.Unlock()
	if got, ok := s.texts[text]; ok {
		return got
	}
	got := s.lookup(strings.Join(Words(text), " "))
	if len(s.texts) >= maxTexts {
		clear(s.texts)
	}
	// The same answer as lookup would give again: a cleaned message is
	// searched once, and one refused for the bound stays refused.
	s.texts[text] = got
	return got
}

// lookup answers a cleaned message, from the cache or by a search.
func (s *Suggester) lookup(q string) []Suggestion {
	if q == "" {
		return nil
	}
	if got, ok := s.cache[q]; ok {
		return got
	}
	if s.lookups >= s.opts.MaxLookups {
		return nil
	}
	s.lookups++
	got := s.search(q)
	s.cache[q] = got
	return got
}

// Entries returns the entries of Suggest(text).
func (s *Suggester) Entries(text string) []*kb.Entry {
	var out []*kb.Entry
	for _, sg := range s.Suggest(text) {
		out = append(out, sg.Entry)
	}
	return out
}

// search runs one cleaned query and keeps the entries that clear the
// thresholds: none unless the first is a clear winner.
func (s *Suggester) search(q string) []Suggestion {
	ranked, terms := s.rank(q)
	if len(ranked) == 0 || !ranked[0].close(terms) {
		return nil
	}
	if m := margin(ranked); m < MinMargin {
		return nil
	}
	out := []Suggestion{ranked[0].Suggestion}
	for _, c := range ranked[1:] {
		if c.close(terms) && c.Score >= MinOfFirst*ranked[0].Score && len(out) < MaxSuggestions {
			out = append(out, c.Suggestion)
		}
	}
	return out
}

// rank returns the entries a cleaned query finds that may be offered, best
// first, and how many of its words could match. An index that cannot be
// built, or a query it refuses, gives none: a suggestion is a courtesy,
// never a reason to fail.
func (s *Suggester) rank(q string) ([]candidate, int) {
	if _, err := s.ix.get(s.k.Entries()); err != nil {
		return nil, 0
	}
	q = s.ix.pick(q)
	if q == "" {
		return nil, 0
	}
	res, err := s.ix.search(q)
	if err != nil {
		return nil, 0
	}
	return s.candidates(res), res.Terms
}

// margin returns how many times the score of the first of ranked the
// first entry that is not the same answer scores (see oneAnswer); +Inf
// when there is none.
func margin(ranked []candidate) float64 {
	one := oneAnswer(ranked)
	for _, c := range ranked[1:] {
		if !one[c.Entry] {
			return ranked[0].Score / c.Score
		}
	}
	return math.Inf(1)
}

// oneAnswer returns the entries of ranked that give the same answer as the
// first, not rivals of it: a code and an entry that ends in it (a cause of
// it), and, for a code first, the other codes that its causes found end in:
// a cause and the codes it ends in are one answer (one cause, one
// remediation, whichever step of azcmagent it stopped). The message "Unable
// to reach the agent service" finds AZCM0061, himds-not-running and
// AZCM0070, all of them HIMDS not answering. Two causes of one code stay
// rivals: they call for different remediations.
func oneAnswer(ranked []candidate) map[*kb.Entry]bool {
	first := ranked[0].Entry
	one := map[*kb.Entry]bool{first: true}
	siblings := map[string]bool{} // the codes the first code's causes end in
	for _, c := range ranked[1:] {
		if sameAnswer(first, c.Entry) {
			one[c.Entry] = true
			if first.Kind == kb.KindCode && c.Entry.Kind != kb.KindCode {
				for _, code := range c.Entry.Codes {
					siblings[code] = true
				}
			}
		}
	}
	for _, c := range ranked[1:] {
		if c.Entry.Kind == kb.KindCode && siblings[c.Entry.ID] {
			one[c.Entry] = true
		}
	}
	return one
}

// sameAnswer reports whether one of two entries is a code the other ends
// in (a known cause of it).
func sameAnswer(a, b *kb.Entry) bool {
	return slices.Contains(a.Codes, b.ID) || slices.Contains(b.Codes, a.ID)
}

// candidate is a hit that may be offered, before the thresholds.
type candidate struct {
	Suggestion
	matched int
}

// candidates returns the hits of res that may be offered, best first: the
// caller's own entries (a shared index holds another load's) of the kinds
// that explain an error.
func (s *Suggester) candidates(res *index.Result) []candidate {
	var out []candidate
	for _, h := range res.Hits {
		if e, ok := s.k.Get(h.ID); ok && offered(e) {
			out = append(out, candidate{Suggestion{e, h.Score}, h.Matched})
		}
	}
	return out
}

// close reports whether a candidate found for a query of terms words
// matches enough of them to be offered.
func (c candidate) close(terms int) bool {
	return c.matched >= MinMatched && float64(c.matched) >= MinShare*float64(terms)
}

// offered reports whether an entry may be a suggestion: a cause, not a
// benign line or a note (a benign entry is no answer to an error).
func offered(e *kb.Entry) bool {
	return e.Kind == kb.KindMessage || e.Kind == kb.KindCode
}

// Noise the cleaning removes whole, before the text is cut into words.
var (
	noiseRe = regexp.MustCompile(strings.Join([]string{
		`[a-zA-Z][a-zA-Z0-9+.-]*://\S+`,                                               // URLs
		`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`, // GUIDs
		`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?`,         // timestamps
		`\d{1,2}:\d{2}:\d{2}(\.\d+)?`,                                                 // clock times
		`\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b`,                                            // IPv4
		`\b[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}\b`,                                // IPv6
		`[A-Za-z]:\\[^\s"']*`,                                                         // Windows paths
		`(^|\s|["'=(])/[^\s"']*`,                                                      // Unix paths
		`\bComponent=[A-Z_ ]*[A-Z_]`,                                                  // GuestConfig's framing: the component's name
		`\b[A-Za-z_][A-Za-z0-9_.]*=`,                                                  // key= framing (time=, level=, msg=, Error=)
		`\b([a-z0-9-]+\.)+(com|net|org|io|ms)\b`,                                      // host names
	}, "|"))
	// codeRe is an error code: letters then digits (AADSTS700027,
	// HCRP400, AZCM0041) or an HRESULT.
	codeRe = regexp.MustCompile(`^([A-Za-z]{2,}[0-9]{2,}|0x[0-9A-Fa-f]{6,8})$`)
)

// Words returns the distinguishing words of a message, in order, each
// once: error codes, names and ordinary words, without the log's framing
// and the identifiers of one machine or one moment.
func Words(text string) []string {
	text = noiseRe.ReplaceAllString(text, " ")
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
	}) {
		if !distinguishing(w) {
			continue
		}
		lw := strings.ToLower(w)
		if seen[lw] {
			continue
		}
		seen[lw] = true
		out = append(out, w)
		if len(out) == maxWords {
			break
		}
	}
	return out
}

// nameParts returns the words of a name written in CamelCase or with
// underscores (HTTPConnectionPool: HTTP, Connection, Pool), or nothing for
// a plain word or an error code.
func nameParts(w string) []string {
	if codeRe.MatchString(w) {
		return nil
	}
	var parts []string
	rs := []rune(w)
	start := 0
	for i := 1; i <= len(rs); i++ {
		boundary := i == len(rs) || rs[i] == '_' || !unicode.IsLetter(rs[i]) != !unicode.IsLetter(rs[i-1]) ||
			unicode.IsLower(rs[i-1]) && unicode.IsUpper(rs[i]) ||
			i+1 < len(rs) && unicode.IsUpper(rs[i-1]) && unicode.IsUpper(rs[i]) && unicode.IsLower(rs[i+1])
		if !boundary {
			continue
		}
		if p := strings.Trim(string(rs[start:i]), "_"); p != "" {
			parts = append(parts, p)
		}
		start = i
	}
	if len(parts) < 2 {
		return nil
	}
	return parts
}

// distinguishing reports whether a word of a message may tell its cause.
func distinguishing(w string) bool {
	if codeRe.MatchString(w) {
		return true
	}
	letters, digits := 0, 0
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			if r > unicode.MaxLatin1 {
				return false // the index holds the English text only
			}
			letters++
		case unicode.IsDigit(r):
			digits++
		}
	}
	// A number, a hex identifier, a generated name (vm-01a2b3): no cause.
	if digits > 0 || letters < 3 || len(w) >= 8 && strings.Trim(strings.ToLower(w), "abcdef") == "" {
		return false
	}
	return !stopWords[strings.ToLower(w)]
}

// stopWords are the words of every log line (its level and framing) and
// English's commonest words: each would count as a word an entry must
// match, and none tells one cause from another.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		time level msg error errors err fatal warn warning info debug trace panic
		the and for with from this that these those was were are has have had not
		but you your its our their there here into onto out over under than then
		when which while who whom why how what will would can could should may might
		been being does did doing done all any some each other such only own same
		too very just also get got set via per use used using`) {
		m[w] = true
	}
	return m
}()
