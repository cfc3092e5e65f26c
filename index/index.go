package index

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/arcdiag/arcdiag/kb"
)

// Options choose what New indexes.
type Options struct {
	// Langs are the languages whose text is indexed; empty means every
	// language. LangsFor tells which ones a query needs.
	Langs []kb.Lang
}

// Index is an in-memory full-text index of knowledge-base entries. It is
// safe for concurrent searches.
type Index struct {
	main    bleve.Index
	mapping mapping.IndexMapping
	langs   []kb.Lang
	entries []*kb.Entry
	docs    map[string]*document
	// order is each entry's position in the knowledge base: the tie-breaker
	// between equal scores, so that code entries come in code order.
	order map[string]int
	// ids maps a lower-cased id to the id, for exact-id hits.
	ids map[string]string
	// codes holds every code some entry explains.
	codes map[string]bool
	// causes maps a code entry's id to its known causes: the failure
	// entries whose codes name it (kb.KnownCauses, less benign lines).
	causes map[string][]string
	// tags lists every tag, lower-case, for did-you-mean on tag: filters.
	tags []string

	wordsOnce sync.Once
	words     *dictionary
	wordsErr  error
}

// document is one entry as indexed: per field, the values given to bleve,
// which phrases are checked against and fragments cut from.
type document struct {
	entry  *kb.Entry
	fields map[string][]string
}

// New indexes the entries, which must have unique ids (as the entries of a
// loaded *kb.KB have).
func New(entries []*kb.Entry, opts Options) (*Index, error) {
	return buildOrOpen(entries, opts, true)
}

// buildOrOpen is New; kept says whether it may open a kept segment (tests
// compare the two).
func buildOrOpen(entries []*kb.Entry, opts Options, kept bool) (*Index, error) {
	langs := opts.Langs
	if len(langs) == 0 {
		langs = []kb.Lang{kb.EN, kb.JA}
	}
	m, err := newMapping(langs)
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	ix := &Index{
		mapping: m,
		langs:   langs,
		entries: entries,
		docs:    make(map[string]*document, len(entries)),
		order:   make(map[string]int, len(entries)),
		ids:     make(map[string]string, len(entries)),
		codes:   map[string]bool{},
		causes:  map[string][]string{},
	}
	seenTag := map[string]bool{}
	data := make([]map[string]any, len(entries))
	for i, e := range entries {
		d := newDocument(e, langs)
		ix.docs[e.ID] = d
		ix.order[e.ID] = i
		ix.ids[strings.ToLower(e.ID)] = e.ID
		for _, c := range e.Codes {
			ix.codes[c] = true
			if c != e.ID && e.Kind != kb.KindNote && e.Kind != kb.KindBenign {
				ix.causes[c] = append(ix.causes[c], e.ID)
			}
		}
		for _, t := range e.Tags {
			if t = strings.ToLower(t); !seenTag[t] {
				seenTag[t] = true
				ix.tags = append(ix.tags, t)
			}
		}
		data[i] = d.data()
	}
	slices.Sort(ix.tags)
	if kept {
		ix.main, err = open(m, langs, entries, data)
	} else {
		ix.main, err = build(m, entries, data, nil)
	}
	if err != nil {
		return nil, err
	}
	return ix, nil
}

// segments is how many segments the documents are split into, entry i
// into segment i % segments. Scores depend on the split, so it is fixed: a
// segment per CPU, as it was, ranked differently on each number of cores.
// Two segments are searched side by side, and were the split the
// suggester's thresholds and the relevance tests were tuned on.
const segments = 2

// build creates a scorch index in memory (an empty path: bleve.NewMemOnly
// would pick the older upsidedown engine, several times slower to build)
// and adds the documents to it, a batch per segment. scorch analyses a
// batch's documents on several goroutines but writes its segment on one,
// so the batches run side by side; an in-memory index never merges them.
// capture, when not nil, receives the segments in order, which are then
// built one after the other (see prebuilt.go).
func build(m mapping.IndexMapping, entries []*kb.Entry, data []map[string]any, capture *[]segment.Segment) (bleve.Index, error) {
	builds.Add(1)
	var cfg map[string]any
	if capture != nil {
		cfg = pluginConfig(configCapture, capture)
	}
	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, cfg)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	batches := make([]*bleve.Batch, segments)
	for k := range batches {
		batches[k] = bi.NewBatch()
	}
	for i, e := range entries {
		if err := batches[i%segments].Index(e.ID, data[i]); err != nil {
			bi.Close()
			return nil, fmt.Errorf("index %s: %w", e.ID, err)
		}
	}
	errs := make([]error, segments)
	if capture != nil {
		for k, b := range batches {
			errs[k] = bi.Batch(b)
		}
	} else {
		var wg sync.WaitGroup
		for k, b := range batches {
			wg.Go(func() { errs[k] = bi.Batch(b) })
		}
		wg.Wait()
	}
	if err := errors.Join(errs...); err != nil {
		bi.Close()
		return nil, fmt.Errorf("build index: %w", err)
	}
	return bi, nil
}

// builds counts the indexes built, for the tests that check a kept
// segment is opened instead.
var builds atomic.Int64

// Close releases the index.
func (ix *Index) Close() error {
	err := ix.main.Close()
	if ix.words != nil {
		err = errors.Join(err, ix.words.close())
	}
	return err
}

// Len returns the number of entries indexed.
func (ix *Index) Len() int { return len(ix.entries) }

// has reports whether the text of a language is indexed.
func (ix *Index) has(l kb.Lang) bool { return slices.Contains(ix.langs, l) }

// newDocument collects an entry's values. The entry's own title, cause and
// remediation come first in each field, so that their fragments are
// preferred; the exit-status row, variants and history follow.
func newDocument(e *kb.Entry, langs []kb.Lang) *document {
	d := &document{entry: e, fields: map[string][]string{}}
	withEN, withJA := slices.Contains(langs, kb.EN), slices.Contains(langs, kb.JA)
	add := func(field, value string) {
		// A history item often repeats the current cause or remediation;
		// indexed twice, its words would count double.
		if value = strings.TrimSpace(value); value != "" && !slices.Contains(d.fields[field], value) {
			d.fields[field] = append(d.fields[field], value)
		}
	}
	addText := func(en, ja string, t kb.Text) {
		if withEN {
			add(en, t.EN)
		}
		if withJA {
			add(ja, t.JA)
		}
	}
	add(fieldID, e.ID)
	add(fieldKind, string(e.Kind))
	add(fieldStatus, string(e.Status))
	for _, t := range e.Tags {
		add(fieldTag, t)
	}
	for _, c := range e.Codes {
		add(fieldCode, c)
	}
	addText(fieldTitleEN, fieldTitleJA, e.Title)
	addText(fieldCauseEN, fieldCauseJA, e.Cause)
	addText(fieldRemEN, fieldRemJA, e.Remediation)
	if e.Exit != nil {
		addText(fieldTitleEN, fieldTitleJA, e.Exit.Title)
		addText(fieldRemEN, fieldRemJA, e.Exit.Remediation)
	}
	for _, ms := range [][]kb.Meaning{e.Variants, e.History} {
		for _, m := range ms {
			addText(fieldTitleEN, fieldTitleJA, m.Title)
			addText(fieldCauseEN, fieldCauseJA, m.Cause)
			addText(fieldRemEN, fieldRemJA, m.Remediation)
		}
	}
	if withEN {
		if e.Kind != kb.KindCode {
			add(fieldName, e.ID)
		}
		// Aliases and examples are what the agent prints: English only.
		for _, a := range e.Aliases {
			add(fieldAlias, a)
		}
		for _, x := range e.Examples {
			add(fieldExample, x)
		}
	}
	return d
}

// data is the document as bleve's mapping walks it. The Japanese text is
// given with the spaces between two Japanese characters taken out: it
// writes compounds apart (リソース プロバイダー), a reader types them
// together, and the cjk analyzer makes no bigram across a space. Phrases
// and fragments are found in the text as written, white space aside
// (locate.go).
func (d *document) data() map[string]any {
	m := make(map[string]any, len(d.fields))
	for f, vs := range d.fields {
		if slices.Contains(japanFields, f) {
			joined := make([]string, len(vs))
			for i, v := range vs {
				joined[i] = joinJapanese(v)
			}
			vs = joined
		}
		m[f] = vs
	}
	return m
}

// joinJapanese removes the white space between two Japanese characters.
func joinJapanese(s string) string {
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(rs); i++ {
		if unicode.IsSpace(rs[i]) && i > 0 && isCJK(rs[i-1]) {
			j := i
			for j < len(rs) && unicode.IsSpace(rs[j]) {
				j++
			}
			if j < len(rs) && isCJK(rs[j]) {
				i = j - 1
				continue
			}
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}
