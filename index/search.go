package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/arcdiag/arcdiag/kb"
)

// SearchOptions tune one search.
type SearchOptions struct {
	// Limit is the most hits returned; 0 returns every hit.
	Limit int
	// Lang is the language of the titles and, where it has matches, of the
	// fragments. The query itself is matched in every indexed language.
	Lang kb.Lang
	// NoGuesses matches each word as written: a word the index lacks is
	// not replaced by its nearest words, the words it starts or its
	// synonyms, and a search that finds nothing gets no did-you-mean. For
	// text a person did not type (a log message), where an unknown word is
	// a host name or an identifier, not a typo. Such text is the agent's
	// message, which a code's entry quotes, so a code also keeps its rank
	// beside its known causes (see weightSecondary).
	NoGuesses bool
	// Coverage is the power of the share of the query's words an entry
	// matches that its score is multiplied by: 1 (the default) for a
	// query a person typed; more for a long text nobody typed (a log
	// message), where an entry that has a few of its words is about
	// something else.
	Coverage float64
	// NoFragments leaves Hit.Fragments and Hit.TitleMarks empty, for a
	// caller that shows none (suggestions name the entries only).
	NoFragments bool
}

// Result is the answer to a search.
type Result struct {
	// Query is the query as given.
	Query string
	// Total counts every matching entry, however many Hits were returned.
	Total int
	// Hits are the best matches, best first.
	Hits []Hit
	// Terms counts the query's words and phrases that can match (stop
	// words and filters do not).
	Terms int
	// Suggestions, given only when nothing matched, are queries close to
	// this one, built from the index's own terms, that do match.
	Suggestions []string
}

// Hit is one matching entry.
type Hit struct {
	Entry *kb.Entry
	ID    string
	Kind  kb.Kind
	// Title is in the language asked for; TitleMarks locate the words of
	// it that matched.
	Title      string
	TitleMarks []Span
	// Score is the entry's relevance, comparable between the hits of one
	// search only; 0 for a hit that passed filters alone.
	Score float64
	// Matched counts the query's terms the entry matched, of Result.Terms.
	Matched int
	// Exact is set when the query named the entry's id or one of its codes:
	// such hits come first, whatever their score.
	Exact bool
	// Fragments are pieces of the entry's text around the matching words,
	// the most telling first. An entry that matched on its id, code or tag
	// alone gets the start of its cause, without marks.
	Fragments []Fragment
}

// Fragment is a piece of an entry's text around the words that matched.
type Fragment struct {
	// Field is title, alias, cause, remediation or example.
	Field string
	Lang  kb.Lang
	// Text has its line breaks and runs of spaces folded to one space; it
	// starts or ends with "…" where it was cut.
	Text  string
	Marks []Span
}

// Span is a byte range of a text.
type Span struct{ Start, End int }

// Field weights: a word in a title says more about an entry than the same
// word in a remediation, which mentions everything it might be worth
// checking. Aliases are the short names the agent prints; examples are the
// log lines it prints; name is the words of the id.
var weights = map[string]float64{
	fieldTitleEN: 3, fieldName: 2, fieldAlias: 2.5, fieldCauseEN: 1, fieldRemEN: 0.5, fieldExample: 1,
	fieldTitleJA: 3, fieldCauseJA: 1, fieldRemJA: 0.5,
}

const (
	weightID     = 20  // the query names the entry
	weightCode   = 8   // the query names a code the entry explains
	weightTag    = 1.5 // the word is one of the entry's tags
	weightPrefix = 4   // an id or code starts with the prefix
	// A known word of at most maxAbbrev letters found in at most rareDocs
	// entries is also read as the words it starts (see englishWord).
	maxAbbrev = 6
	rareDocs  = 2
	// weightPhrase rewards words found in the order typed.
	weightPhrase = 1.5
	// weightTypo weighs a word the user meant: found by expanding a typo or
	// a prefix, it is a guess.
	weightTypo = 0.7
	// weightLatinInJA weighs a Latin-script word found in the Japanese
	// text, which repeats the English text's terms.
	weightLatinInJA = 0.5
	// weightBigrams weighs a long Japanese word found only in part.
	weightBigrams = 0.3
	// weightSecondary weighs a generic entry (a wording whatever the cause,
	// a code that wraps another error) and a benign line: a specific
	// failure the same words find is the better answer, as explain and
	// analyze also put it first. For the same reason a code ranks right
	// after a known cause (an entry of its own that ends in the code) that
	// the words a person typed find at least this share as well ("dpkg
	// lock" is linux-package-manager-locked, then AZCM0145; see
	// afterCause).
	weightSecondary = 0.7
	// weightHead weighs an entry whose Japanese title starts with the
	// query's first word, a Japanese one: such a title puts its topic
	// first (テナントが…), so of two titles with the words of "テナント
	// 見つからない" the one about a tenant starts with テナント; the
	// bigram scores alone favour the shorter title.
	weightHead = 1.25
	// tieBreaker is how much a term's matches in its other fields add to
	// its best one.
	tieBreaker = 0.2
)

// clause is one way a term can match: a bleve query on one field, its
// weight, and what it looks for, so that a phrase can be checked and a
// match located in the text (the index keeps no term vectors; see
// locate.go).
type clause struct {
	q      query.Query
	weight float64
	field  string
	text   string
	phrase bool
}

// request is the state of one search: what the query named exactly, and
// what it could not find.
type request struct {
	ix    *Index
	query string
	opts  SearchOptions
	// exactIDs are the entries the query named; exactCodes the codes it
	// named; prefixes the id prefixes it gave.
	exactIDs   map[string]bool
	exactCodes map[string]bool
	prefixes   []string
	// unknown lists the words, as typed, that matched no term, even
	// allowing typos.
	unknown []string
}

// Search runs a query (see the package documentation for the syntax) and
// returns the hits, best first: an entry whose id or code the query named,
// then the others by relevance. A query that cannot run is a *QueryError.
func (ix *Index) Search(q string, opts SearchOptions) (*Result, error) {
	if opts.Lang == "" {
		opts.Lang = kb.EN
	}
	p, err := parse(q)
	if err != nil {
		return nil, err
	}
	res, s, err := ix.run(q, p, opts)
	if err != nil {
		return nil, err
	}
	if res.Total == 0 && !opts.NoGuesses {
		res.Suggestions = ix.suggest(p, s, opts)
	}
	return res, nil
}

// clauseHits returns every entry a clause's query finds. Asked for as many
// hits as there are entries, bleve readies a match for each of them before
// it searches, for every clause, and a long query is a hundred clauses:
// most find a few entries, so a few are asked for first, and all of them
// only when the search found more.
func (ix *Index) clauseHits(q query.Query) (*bleve.SearchResult, error) {
	const first = 32
	all := max(ix.Len(), 1)
	sr, err := ix.main.Search(bleve.NewSearchRequestOptions(q, min(first, all), 0, false))
	if err != nil || sr.Total <= uint64(len(sr.Hits)) {
		return sr, err
	}
	return ix.main.Search(bleve.NewSearchRequestOptions(q, all, 0, false))
}

// match is what the clauses found of one entry.
type match struct {
	// best and sum are, per term, the best clause score and the sum of
	// them all.
	best, sum []float64
	// clauses are the clauses that matched.
	clauses []clause
}

// run searches a parsed query.
//
// Each clause (a term in one field) is its own bleve search, and the scores
// are combined here: per term, its best field plus a little of the others;
// per entry, the sum over the terms times the share of terms found. One
// bleve query over every field would multiply each word's score by the
// share of fields it was found in, so that a common word spread over a
// long entry's title, cause, remediation and examples ("install") would
// outweigh a rare word in a title ("disk"). The weights are applied here
// too: bleve normalises the boost of a one-clause query away.
func (ix *Index) run(q string, p *parsed, opts SearchOptions) (*Result, *request, error) {
	s := &request{ix: ix, query: q, opts: opts, exactIDs: map[string]bool{}, exactCodes: map[string]bool{}}
	terms, err := s.clauses(p)
	if err != nil {
		return nil, nil, err
	}
	allowed, err := ix.filter(p)
	if err != nil {
		return nil, nil, err
	}
	loc := newLocator(ix)
	matches := map[string]*match{}
	active := 0
	for i, cs := range terms {
		if len(cs) > 0 {
			active++
		}
		for _, c := range cs {
			sr, err := ix.clauseHits(c.q)
			if err != nil {
				return nil, nil, fmt.Errorf("search %q: %w", q, err)
			}
			for _, dm := range sr.Hits {
				if allowed != nil && !allowed[dm.ID] {
					continue
				}
				if c.phrase && !slices.ContainsFunc(ix.docs[dm.ID].fields[c.field], func(v string) bool { return len(loc.find(v, c)) > 0 }) {
					continue // all the words, but not in that order
				}
				m := matches[dm.ID]
				if m == nil {
					m = &match{best: make([]float64, len(terms)), sum: make([]float64, len(terms))}
					matches[dm.ID] = m
				}
				score := dm.Score * c.weight
				m.best[i] = max(m.best[i], score)
				m.sum[i] += score
				m.clauses = append(m.clauses, c)
			}
		}
	}
	if len(p.terms) == 0 {
		// Filters alone (or a lone *): every entry that passes, in KB order.
		for _, e := range ix.entries {
			if allowed == nil || allowed[e.ID] {
				matches[e.ID] = &match{}
			}
		}
	}
	type ranked struct {
		hit     Hit
		tier    int
		clauses []clause
	}
	all := make([]ranked, 0, len(matches))
	for id, m := range matches {
		e := ix.docs[id].entry
		var score float64
		found := 0
		for i := range m.best {
			if m.best[i] > 0 {
				found++
				score += m.best[i] + tieBreaker*(m.sum[i]-m.best[i])
			}
		}
		if active > 0 {
			score *= math.Pow(float64(found)/float64(active), max(opts.Coverage, 1))
		}
		if e.IsGeneric() || e.Kind == kb.KindBenign {
			score *= weightSecondary
		}
		// The title is compared as the index holds it, its compounds
		// joined: the query's word is typed without their spaces.
		if len(p.terms) > 1 && hasCJK(p.terms[0].text) && strings.HasPrefix(joinJapanese(strings.TrimSpace(e.Title.JA)), joinJapanese(p.terms[0].text)) {
			score *= weightHead
		}
		h := Hit{Entry: e, ID: e.ID, Kind: e.Kind, Title: strings.TrimSpace(e.Title.In(opts.Lang)), Score: score, Matched: found}
		named := slices.ContainsFunc(e.Codes, func(c string) bool { return s.exactCodes[c] })
		tier := 3
		switch {
		case s.exactIDs[e.ID]:
			tier = 0
		case named:
			tier = 1
		case slices.ContainsFunc(s.prefixes, func(pre string) bool { return strings.HasPrefix(strings.ToLower(e.ID), pre) }):
			// AZCM004*: the codes in code order, before the entries that
			// merely mention one.
			tier, h.Score = 2, 0
		}
		h.Exact = tier < 2
		all = append(all, ranked{h, tier, m.clauses})
	}
	if !opts.NoGuesses {
		scores := make(map[string]float64, len(all))
		for _, r := range all {
			scores[r.hit.ID] = r.hit.Score
		}
		for i, r := range all {
			if r.tier == 3 {
				all[i].hit.Score = ix.afterCause(r.hit.ID, r.hit.Score, scores)
			}
		}
	}
	slices.SortFunc(all, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.tier, b.tier), cmp.Compare(b.hit.Score, a.hit.Score),
			cmp.Compare(ix.order[a.hit.ID], ix.order[b.hit.ID]))
	})
	res := &Result{Query: q, Total: len(all), Terms: active}
	if opts.Limit > 0 && len(all) > opts.Limit {
		all = all[:opts.Limit]
	}
	for _, r := range all {
		// Fragments are cut for the hits returned only.
		if !opts.NoFragments {
			r.hit.Fragments, r.hit.TitleMarks = ix.docs[r.hit.ID].fragments(r.clauses, loc, opts.Lang)
		}
		res.Hits = append(res.Hits, r.hit)
	}
	return res, s, nil
}

// afterCause returns the score that ranks a code right after the best of
// its known causes that the same words found about as well (at least
// weightSecondary of the code's score), else its own score: the cause is
// the specific failure, the code what it ends in. A cause found much less
// well (an entry that only mentions the code) leaves the code where it is,
// so that no third entry passes it.
func (ix *Index) afterCause(code string, score float64, scores map[string]float64) float64 {
	best := 0.0
	for _, id := range ix.causes[code] {
		if c := scores[id]; c < score && c >= weightSecondary*score {
			best = max(best, c)
		}
	}
	if best == 0 {
		return score
	}
	return math.Nextafter(best, 0) // just below the cause
}

// filter returns the ids of the entries that pass the query's filters, or
// nil when it has none: each filter field must match one of its values.
func (ix *Index) filter(p *parsed) (map[string]bool, error) {
	if len(p.order) == 0 {
		return nil, nil
	}
	var fields []query.Query
	for _, field := range p.order {
		var alts []query.Query
		for _, v := range p.filters[field] {
			if strings.HasSuffix(v, "*") {
				alts = append(alts, prefixQuery(strings.TrimRight(v, "*"), field))
			} else {
				alts = append(alts, termQuery(v, field))
			}
		}
		fields = append(fields, query.NewDisjunctionQuery(alts))
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(fields), max(ix.Len(), 1), 0, false)
	req.Score = "none"
	sr, err := ix.main.Search(req)
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	allowed := make(map[string]bool, len(sr.Hits))
	for _, dm := range sr.Hits {
		allowed[dm.ID] = true
	}
	return allowed, nil
}

// clauses returns, per term of the query, the clauses that match it.
func (s *request) clauses(p *parsed) ([][]clause, error) {
	out := make([][]clause, len(p.terms))
	for i, t := range p.terms {
		var err error
		switch t.kind {
		case termWord:
			out[i], err = s.word(t.text)
		case termPhrase:
			out[i] = s.phrase(t.text)
		case termPrefix:
			out[i], err = s.prefix(t.text)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// exact returns the clauses for a word that is an entry's id or a code, in
// any of the forms explain accepts (AZCM0041, azcm41, 0041, 41).
func (s *request) exact(w string) []clause {
	var cs []clause
	lw := strings.ToLower(strings.Trim(w, punctuation))
	if id, ok := s.ix.ids[lw]; ok {
		s.exactIDs[id] = true
		cs = append(cs, keyword(termQuery(lw, fieldID), weightID))
	}
	if kind, code := kb.ParseQuery(lw); kind != kb.QueryText && s.ix.codes[code] {
		s.exactCodes[code] = true
		cs = append(cs, keyword(termQuery(strings.ToLower(code), fieldCode), weightCode))
		if _, ok := s.ix.docs[code]; ok && !s.exactIDs[code] {
			s.exactIDs[code] = true
			cs = append(cs, keyword(termQuery(strings.ToLower(code), fieldID), weightID))
		}
	}
	return cs
}

// punctuation is trimmed from a word before it is compared with ids and
// codes: "AZCM0041:" as pasted from a log line is the code.
const punctuation = `.,;:!?()[]{}<>'"` + "`"

// word returns the clauses for a plain word: in the English fields with the
// English analyzer (a typo replaced by the terms it is closest to), in the
// Japanese fields as a phrase of bigrams, and as an id, code or tag.
func (s *request) word(w string) ([]clause, error) {
	cs := s.exact(w)
	if hasLatin(w) && s.ix.has(kb.EN) {
		ec, err := s.englishWord(w)
		if err != nil {
			return nil, err
		}
		cs = append(cs, ec...)
		cs = append(cs, keyword(termQuery(strings.Trim(strings.ToLower(w), punctuation), fieldTag), weightTag))
	}
	return append(cs, s.japanese(w, false)...), nil
}

// englishWord matches a Latin-script word in the English fields. A word
// none of whose stems is indexed is taken for a typo and replaced by the
// closest unstemmed terms of the words dictionary.
func (s *request) englishWord(w string) ([]clause, error) {
	tokens := s.analyze(en.AnalyzerName, w)
	if len(tokens) == 0 {
		return nil, nil // a stop word
	}
	known, docs, err := s.known(tokens)
	if err != nil {
		return nil, err
	}
	word := strings.Trim(strings.ToLower(w), punctuation)
	var synonym []clause
	if kbWord, ok := englishSynonyms[word]; ok && !s.opts.NoGuesses {
		synonym = fieldsMatch(kbWord, englishFields, weightTypo, false)
	}
	if known {
		cs := append(fieldsMatch(w, englishFields, 1, false), synonym...)
		// A short word that few entries use may also stand for the longer
		// words it starts, which many do: one entry's "Sync" must not hide
		// every "synchronised" clock from sync.
		if n := len([]rune(word)); !s.opts.NoGuesses && n >= 3 && n <= maxAbbrev && docs <= rareDocs {
			alts, err := s.abbreviates(word, tokens)
			if err != nil {
				return nil, err
			}
			if len(alts) > 0 {
				cs = append(cs, fieldsMatch(strings.Join(alts, " "), englishFields, weightTypo, false)...)
			}
		}
		return cs, nil
	}
	if s.opts.NoGuesses {
		s.unknown = append(s.unknown, w)
		return nil, nil
	}
	maxDist := 0
	switch n := len([]rune(word)); {
	case n >= 6:
		maxDist = 2
	case n >= 4:
		maxDist = 1
	}
	d, err := s.ix.dictionary()
	if err != nil {
		return nil, err
	}
	// The closest terms only, the most frequent first: "certficate" means
	// certificate, not also certificates.
	var alts []string
	if near := d.near(word, maxDist); maxDist > 0 && len(near) > 0 {
		for _, t := range near {
			if t.dist > near[0].dist || len(alts) == 3 {
				break
			}
			alts = append(alts, t.text)
		}
	}
	// An abbreviation stands for the words it starts: sync, auth, env.
	if len([]rune(word)) >= 3 {
		alts = append(alts, d.withPrefix(word, 3)...)
	}
	if len(alts) == 0 && len(synonym) == 0 {
		s.unknown = append(s.unknown, w)
		return nil, nil
	}
	if len(alts) == 0 {
		return synonym, nil
	}
	return append(fieldsMatch(strings.Join(alts, " "), englishFields, weightTypo, false), synonym...), nil
}

// englishSynonyms maps a word a reader types to the word the knowledge
// base's English text uses for the same thing, which the typed word also
// finds, as a guess (weightTypo): a clock "out of sync" is the text's
// clock skew. Not for text a person did not type (SearchOptions.NoGuesses),
// as for typos.
var englishSynonyms = map[string]string{
	"sync": "skew",
}

// known reports whether every analysed token of a word is a term of some
// English field, and in how many entries at most the rarest of them occurs
// (its largest count in one field).
func (s *request) known(tokens []string) (bool, int, error) {
	adv, err := s.ix.main.Advanced()
	if err != nil {
		return false, 0, err
	}
	r, err := adv.Reader()
	if err != nil {
		return false, 0, err
	}
	defer r.Close()
	rc, ok := r.(bleveindex.IndexReaderContains)
	if !ok {
		return true, s.ix.Len(), nil // cannot tell: search the word as typed
	}
	rarest := s.ix.Len()
	for _, tok := range tokens {
		docs := 0
		for _, f := range englishFields {
			c, err := rc.FieldDictContains(f)
			if err != nil {
				return false, 0, err
			}
			if ok, err := c.Contains([]byte(tok)); err != nil {
				return false, 0, err
			} else if !ok {
				continue
			}
			tfr, err := r.TermFieldReader(context.Background(), []byte(tok), f, false, false, false)
			if err != nil {
				return false, 0, err
			}
			docs = max(docs, int(tfr.Count()))
			tfr.Close()
		}
		if docs == 0 {
			return false, 0, nil
		}
		rarest = min(rarest, docs)
	}
	return true, rarest, nil
}

// abbreviates returns the most frequent dictionary words that start with
// word and are not forms of it (their stems differ from its tokens).
func (s *request) abbreviates(word string, tokens []string) ([]string, error) {
	d, err := s.ix.dictionary()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range d.withPrefix(word, 3+len(tokens)) {
		if !slices.Equal(s.analyze(en.AnalyzerName, t), tokens) && len(out) < 3 {
			out = append(out, t)
		}
	}
	return out, nil
}

// japaneseSynonyms maps a word a reader types to the word the knowledge
// base's Japanese text uses for the same thing, which a plain word also
// finds. The text follows Microsoft's Japanese style and calls the server
// コンピューター; マシン, as commonly typed, occurs in it only inside other
// terms (仮想マシン, マシン構成) and would find those alone. Deploying is
// デプロイ, as in Microsoft's Japanese Azure Arc pages; 展開, also typed for
// it, is only extracting files there.
var japaneseSynonyms = map[string]string{
	"マシン": "コンピューター",
	"展開":  "デプロイ",
}

// japanese returns the clauses that match text in the Japanese fields: a
// Japanese word as a phrase of its bigrams (so that プロキシ does not find
// プロセス through the shared プロ), with a weaker match on any of its
// bigrams for a long word or a sentence typed without spaces; a
// Latin-script word for a reader of Japanese, whose fragments should be in
// Japanese.
func (s *request) japanese(text string, phrase bool) []clause {
	if !s.ix.has(kb.JA) {
		return nil
	}
	switch {
	case hasCJK(text):
		weight := 1.0
		if phrase {
			weight = weightPhrase
		}
		cs := fieldsMatch(text, japanFields, weight, true)
		if kbWord, ok := japaneseSynonyms[text]; ok && !phrase {
			cs = append(cs, fieldsMatch(kbWord, japanFields, weight, true)...)
		}
		if !phrase && len([]rune(text)) >= 4 {
			cs = append(cs, s.bigrams(text)...)
		}
		return cs
	case s.opts.Lang == kb.JA:
		return fieldsMatch(text, japanFields, weightLatinInJA, phrase)
	}
	return nil
}

// bigrams returns the weak clauses of a long Japanese word: any of its
// bigrams but those of hiragana alone, the particles and endings (ない,
// でき) found in every entry, which would count the word as found where
// only its ending is (取得できない in 解決できない). locate.go marks the
// same bigrams.
func (s *request) bigrams(text string) []clause {
	var terms []string
	for _, t := range s.analyze(cjk.AnalyzerName, text) {
		if strings.ContainsFunc(t, func(r rune) bool { return !unicode.Is(unicode.Hiragana, r) }) && !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return nil
	}
	cs := make([]clause, 0, len(japanFields))
	for _, f := range japanFields {
		alts := make([]query.Query, len(terms))
		for i, t := range terms {
			alts[i] = termQuery(t, f)
		}
		cs = append(cs, clause{q: query.NewDisjunctionQuery(alts), weight: weights[f] * weightBigrams, field: f, text: text})
	}
	return cs
}

// phrase returns the clauses for "quoted words": the words in that order.
func (s *request) phrase(text string) []clause {
	cs := s.exact(text)
	if hasLatin(text) && s.ix.has(kb.EN) {
		cs = append(cs, fieldsMatch(text, englishFields, weightPhrase, true)...)
	}
	return append(cs, s.japanese(text, true)...)
}

// prefix returns the clauses for a word ending in *: ids and codes that
// start with it (AZCM004*), and the English words that do, expanded from
// the words dictionary because the indexed stems are not words
// (certif* must find "certificate", stemmed to "certif", and "certifying").
func (s *request) prefix(pre string) ([]clause, error) {
	lp := strings.ToLower(pre)
	s.prefixes = append(s.prefixes, lp)
	cs := []clause{keyword(prefixQuery(lp, fieldID), weightPrefix), keyword(prefixQuery(lp, fieldCode), weightPrefix/2)}
	if hasCJK(pre) {
		cs = append(cs, s.japanese(pre, false)...)
	}
	if hasLatin(pre) && s.ix.has(kb.EN) {
		d, err := s.ix.dictionary()
		if err != nil {
			return nil, err
		}
		if words := d.withPrefix(lp, 30); len(words) > 0 {
			cs = append(cs, fieldsMatch(strings.Join(words, " "), englishFields, weightTypo, false)...)
		}
	}
	return cs, nil
}

// analyze returns the terms an analyzer makes of text.
func (s *request) analyze(analyzer, text string) []string {
	a := s.ix.mapping.AnalyzerNamed(analyzer)
	if a == nil {
		return nil
	}
	var out []string
	for _, tok := range a.Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

// fieldsMatch returns a clause per field that matches text with the
// field's own analyzer and weight. A phrase is matched as all of its terms
// here, and checked for their order against the text (locate.go).
func fieldsMatch(text string, fields []string, weight float64, phrase bool) []clause {
	cs := make([]clause, 0, len(fields))
	for _, f := range fields {
		q := query.NewMatchQuery(text)
		q.SetField(f)
		if phrase {
			q.SetOperator(query.MatchQueryOperatorAnd)
		}
		cs = append(cs, clause{q: q, weight: weights[f] * weight, field: f, text: text, phrase: phrase})
	}
	return cs
}

// keyword returns a clause on a keyword field, which fragments do not show.
func keyword(q query.Query, weight float64) clause { return clause{q: q, weight: weight} }

func termQuery(term, field string) query.Query {
	q := query.NewTermQuery(term)
	q.SetField(field)
	return q
}

func prefixQuery(prefix, field string) query.Query {
	q := query.NewPrefixQuery(prefix)
	q.SetField(field)
	return q
}

// EntriesWith returns in how many entries an English word occurs (the largest
// count in one English field of the rarest of its stems), or 0 when some
// stem of it is in no entry, or it is a stop word. A caller that builds a
// query from text nobody typed (a log message) keeps the words that can
// match, the rarest first.
func (ix *Index) EntriesWith(word string) (int, error) {
	if !ix.has(kb.EN) {
		return 0, nil
	}
	s := &request{ix: ix}
	tokens := s.analyze(en.AnalyzerName, word)
	if len(tokens) == 0 {
		return 0, nil
	}
	known, docs, err := s.known(tokens)
	if err != nil || !known {
		return 0, err
	}
	return docs, nil
}
