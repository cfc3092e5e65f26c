package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk" // registers the cjk analyzer
	"github.com/blevesearch/bleve/v2/analysis/lang/en"  // registers the en analyzer
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/arcdiag/arcdiag/kb"
)

// The indexed fields. Each text field holds an array: the entry's own text
// first, then the same kind of text from its exit-status row, variants and
// history, so that an earlier meaning is found too.
const (
	fieldID     = "id"
	fieldKind   = "kind"
	fieldStatus = "status"
	fieldTag    = "tag"
	fieldCode   = "code"

	fieldTitleEN = "title_en"
	// fieldName holds the words of a non-code entry's id, which its author
	// chose to name it: login-blocked is about a blocked login.
	fieldName    = "name"
	fieldAlias   = "alias"
	fieldCauseEN = "cause_en"
	fieldRemEN   = "remediation_en"
	fieldExample = "example"

	fieldTitleJA = "title_ja"
	fieldCauseJA = "cause_ja"
	fieldRemJA   = "remediation_ja"

	// fieldWords is the only field of the words dictionary (see words.go).
	fieldWords = "words"
)

var (
	keywordFields = []string{fieldID, fieldKind, fieldStatus, fieldTag, fieldCode}
	englishFields = []string{fieldTitleEN, fieldName, fieldAlias, fieldCauseEN, fieldRemEN, fieldExample}
	japanFields   = []string{fieldTitleJA, fieldCauseJA, fieldRemJA}
)

// The analyzers the mapping defines, besides bleve's en and cjk.
const (
	// analyzerKeyword keeps a value whole and lower-cases it, so that
	// azcm0041 and Proxy find the stored AZCM0041 and proxy.
	analyzerKeyword = "arcdiag_keyword"
	// analyzerWords splits and lower-cases English text without stemming
	// or dropping stop words: the terms that fuzzy and prefix expansion and
	// did-you-mean work on.
	analyzerWords = "arcdiag_words"
)

// newMapping returns the explicit mapping of the main index, with the text
// fields of the given languages only: the cjk analysis of the Japanese text
// is more than half the cost of a build, and an English query shown in
// English does not need it. Nothing is stored, and no term vectors are
// kept: fragments are cut from the entries themselves, and phrases checked
// against them (locate.go). _all is off, because it would analyse every
// value once more with an analyzer that matches none of the fields'.
func newMapping(langs []kb.Lang) (mapping.IndexMapping, error) {
	m, doc, err := baseMapping()
	if err != nil {
		return nil, err
	}
	for _, f := range keywordFields {
		doc.AddFieldMappingsAt(f, textField(analyzerKeyword))
	}
	for _, l := range langs {
		fields, analyzer := englishFields, en.AnalyzerName
		if l == kb.JA {
			fields, analyzer = japanFields, cjk.AnalyzerName
		}
		for _, f := range fields {
			doc.AddFieldMappingsAt(f, textField(analyzer))
		}
	}
	return m, nil
}

// newWordsMapping returns the mapping of the words dictionary: one field of
// unstemmed English terms, without norms, since it is only ever read as a
// term list.
func newWordsMapping() (mapping.IndexMapping, error) {
	m, doc, err := baseMapping()
	if err != nil {
		return nil, err
	}
	f := textField(analyzerWords)
	f.SkipFreqNorm = true
	doc.AddFieldMappingsAt(fieldWords, f)
	return m, nil
}

// baseMapping returns a static mapping with the custom analyzers and no
// _all field, and its default document mapping.
func baseMapping() (*mapping.IndexMappingImpl, *mapping.DocumentMapping, error) {
	m := bleve.NewIndexMapping()
	m.ScoringModel = "bm25"
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	m.DefaultAnalyzer = en.AnalyzerName
	if err := m.AddCustomAnalyzer(analyzerKeyword, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []any{lowercase.Name},
	}); err != nil {
		return nil, nil, err
	}
	if err := m.AddCustomAnalyzer(analyzerWords, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name},
	}); err != nil {
		return nil, nil, err
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = doc
	return m, doc, nil
}

func textField(analyzer string) *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Analyzer = analyzer
	f.Store = false
	f.DocValues = false
	f.IncludeInAll = false
	f.IncludeTermVectors = false
	return f
}
