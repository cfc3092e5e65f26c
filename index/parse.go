package index

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/arcdiag/arcdiag/kb"
)

// QueryError is a query that cannot be searched: empty, too large, or a
// field filter with a value the field never has. Its fields let a caller
// say why in the reader's language.
type QueryError struct {
	Query  string
	Reason QueryReason
	// Filter is the filter as typed (kind:poem), for the filter reasons.
	Filter string
	// N is the query's bytes (QueryTooLong) or words (QueryTooManyWords),
	// Max their bound.
	N, Max int
}

// QueryReason says why a query cannot be searched.
type QueryReason int

// The reasons of a QueryError.
const (
	QueryEmpty        QueryReason = iota // no word and no filter
	QueryTooLong                         // more than MaxQueryBytes
	QueryTooManyWords                    // more than MaxQueryWords words and phrases
	QueryBadKind                         // kind: names no kind
	QueryBadStatus                       // status: names no status
	QueryBadCode                         // code: holds no AZCM code
)

func (e *QueryError) Error() string {
	switch e.Reason {
	case QueryTooLong:
		return fmt.Sprintf("the query is %d bytes long, more than %d: search for a few words (for a whole error message, use arcdiag explain)", e.N, e.Max)
	case QueryTooManyWords:
		return fmt.Sprintf("the query has %d words, more than %d: search for the few that matter (for a whole error message, use arcdiag explain)", e.N, e.Max)
	case QueryBadKind:
		return e.Filter + ": the kinds are code, message, note and benign"
	case QueryBadStatus:
		return e.Filter + ": the statuses are current and historic"
	case QueryBadCode:
		return e.Filter + " is not an AZCM code (AZCM0041, 41, AZCM004*)"
	}
	return "nothing to search for"
}

// termKind says how a term of a query is matched.
type termKind int

const (
	termWord   termKind = iota // a plain word, matched with its language's analyzer, typos forgiven
	termPhrase                 // "quoted words", matched in order
	termPrefix                 // a word ending in *
)

// term is one searchable part of a query.
type term struct {
	kind termKind
	text string
}

// parsed is a query taken apart.
type parsed struct {
	terms []term
	// filters maps a filter field (kind, tag, code, status) to the values
	// it accepts; the fields must all hold.
	filters map[string][]string
	// order lists the filter fields in the order they were typed.
	order []string
	// raw lists the filters as typed, for did-you-mean.
	raw []rawFilter
}

// rawFilter is a field:value filter as typed, and its normalised value.
type rawFilter struct {
	field, value, text string
}

// filterFields maps the field names a query may filter on to the indexed
// field.
var filterFields = map[string]string{
	"kind": fieldKind, "tag": fieldTag, "tags": fieldTag,
	"code": fieldCode, "status": fieldStatus,
}

// The bounds of a query.
const (
	MaxQueryBytes = 1024
	MaxQueryWords = 32
)

// quotes pairs the opening and closing quotes a phrase may use: ASCII, the
// typographic ones a word processor substitutes, and the Japanese brackets.
var quotes = map[rune]rune{'"': '"', '“': '”', '「': '」', '『': '』'}

// Validate reports whether a query can be searched, before any index is
// built: it returns a *QueryError for an empty query or a filter value the
// knowledge base cannot have (kind:poem).
//
// A query may have at most MaxQueryBytes bytes and MaxQueryWords words
// and phrases.
func Validate(query string) error {
	_, err := parse(query)
	return err
}

// parse reads the query syntax: words, "quoted phrases", prefix* and
// field:value filters. It is lenient: an unterminated quote runs to the end,
// and a word with a colon that is not a known filter is a word (x509:, a
// URL).
func parse(q string) (*parsed, error) {
	// Each word costs a fuzzy lookup over the whole term dictionary: a
	// megabyte query took 2 GB and half a minute. No remembered query is
	// this long; a pasted error message is explain's job.
	if len(q) > MaxQueryBytes {
		return nil, &QueryError{Query: q, Reason: QueryTooLong, N: len(q), Max: MaxQueryBytes}
	}
	p := &parsed{filters: map[string][]string{}}
	rs := []rune(q)
	for i := 0; i < len(rs); {
		r := rs[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		if closing, ok := quotes[r]; ok {
			j := i + 1
			for j < len(rs) && rs[j] != closing {
				j++
			}
			if text := strings.TrimSpace(string(rs[i+1 : j])); text != "" {
				p.terms = append(p.terms, term{termPhrase, text})
			}
			i = j + 1
			continue
		}
		j := i
		for j < len(rs) && !unicode.IsSpace(rs[j]) {
			if _, ok := quotes[rs[j]]; ok && j > i && rs[j-1] == ':' {
				// field:"a value", to the closing quote
				closing := quotes[rs[j]]
				j++
				for j < len(rs) && rs[j] != closing {
					j++
				}
			}
			j++
		}
		word := string(rs[i:min(j, len(rs))])
		i = j
		if name, value, ok := strings.Cut(word, ":"); ok {
			if field, known := filterFields[strings.ToLower(name)]; known && value != "" {
				if err := p.addFilter(q, field, name, value, word); err != nil {
					return nil, err
				}
				continue
			}
		}
		switch {
		case strings.HasSuffix(word, "*") && strings.TrimRight(word, "*") != "":
			p.terms = append(p.terms, term{termPrefix, strings.TrimRight(word, "*")})
		case strings.Trim(word, "*") == "":
			// a lone *: matches everything, which the filters then narrow
		default:
			p.terms = append(p.terms, term{termWord, word})
		}
	}
	if len(p.terms) == 0 && len(p.filters) == 0 {
		return nil, &QueryError{Query: q, Reason: QueryEmpty}
	}
	if len(p.terms) > MaxQueryWords {
		return nil, &QueryError{Query: q, Reason: QueryTooManyWords, N: len(p.terms), Max: MaxQueryWords}
	}
	return p, nil
}

// addFilter checks and normalises a field:value filter.
func (p *parsed) addFilter(q, field, name, value, typed string) error {
	value = strings.Trim(value, `"“”「」『』`)
	switch field {
	case fieldKind:
		value = strings.ToLower(value)
		if !slices.Contains(kb.Kinds, kb.Kind(value)) {
			return &QueryError{Query: q, Reason: QueryBadKind, Filter: name + ":" + value}
		}
	case fieldStatus:
		value = strings.ToLower(value)
		if value != string(kb.StatusCurrent) && value != string(kb.StatusHistoric) {
			return &QueryError{Query: q, Reason: QueryBadStatus, Filter: name + ":" + value}
		}
	case fieldCode:
		if strings.HasSuffix(value, "*") {
			value = strings.ToLower(value)
			break
		}
		kind, code := kb.ParseQuery(value)
		if kind == kb.QueryText {
			return &QueryError{Query: q, Reason: QueryBadCode, Filter: name + ":" + value}
		}
		value = strings.ToLower(code)
	default:
		value = strings.ToLower(value)
	}
	if _, ok := p.filters[field]; !ok {
		p.order = append(p.order, field)
	}
	if !slices.Contains(p.filters[field], value) {
		p.filters[field] = append(p.filters[field], value)
	}
	p.raw = append(p.raw, rawFilter{field, value, typed})
	return nil
}

// isCJK reports whether r is written in Japanese (or Chinese) script, the
// text the cjk analyzer turns into bigrams.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// hasCJK reports whether s contains Japanese script.
func hasCJK(s string) bool { return strings.IndexFunc(s, isCJK) >= 0 }

// hasLatin reports whether s contains a letter or digit outside Japanese
// script.
func hasLatin(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isCJK(r)
	}) >= 0
}

// LangsFor returns the languages whose text a query needs indexed: English
// for words in Latin script, Japanese for words in Japanese script. The
// language the results are shown in adds nothing: the Japanese text writes
// proxy as プロキシ, so a Latin-script query finds little in it, and
// indexing it would double the time of every such search for a reader of
// Japanese. (When the Japanese text is indexed anyway, a Latin-script word
// is searched in it too for such a reader, so that "root 権限" shows a
// Japanese fragment around root.)
func LangsFor(query string) []kb.Lang {
	var langs []kb.Lang
	if hasLatin(query) || !hasCJK(query) {
		langs = append(langs, kb.EN)
	}
	if hasCJK(query) {
		langs = append(langs, kb.JA)
	}
	return langs
}

// LangSets returns every set of languages LangsFor may return: an index
// for each answers any query (serve builds them once; the built-in
// entries' are kept in the binary).
func LangSets() [][]kb.Lang {
	return [][]kb.Lang{{kb.EN}, {kb.JA}, {kb.EN, kb.JA}}
}
