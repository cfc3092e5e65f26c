// Package index is arcdiag's ranked full-text search over the knowledge
// base, in English and Japanese, and the only package that imports bleve.
//
// The index is built in memory (bleve's scorch engine, no files) from the
// loaded entries each time a search runs: the knowledge base is small, and
// an index kept on disk would go stale the moment a --kb-dir entry changed.
// New indexes only the languages a query needs (LangsFor): a query in
// Latin script never pays for the Japanese text, whose bigrams are more
// than half the cost of a full build.
//
// # Fields and analyzers
//
// English titles, causes, remediations, aliases, example messages and the
// words of non-code ids go through bleve's en analyzer (stemmed, so that
// "blocking" finds "blocked"); Japanese titles, causes and remediations
// through the cjk analyzer (overlapping bigrams); ids, kinds, statuses,
// tags and codes are lower-cased keywords. Each field is queried with its
// own analyzer: the default _all field would analyse the query with an
// analyzer none of the fields use, and find nothing.
//
// Fuzzy and prefix queries cannot run against stemmed fields (the stem of
// "certificate" is "certif", two edits from no typo of it), so a second,
// one-field index holds the unstemmed English words. It is built only when
// a query needs it: a word none of whose stems is indexed is replaced by
// the nearest words of that dictionary (a typo) and the words it starts
// (an abbreviation: sync), a prefix by the words it starts, and a search
// that finds nothing draws its suggestions from it.
//
// # Query syntax
//
//	proxy login          words; an entry matching more of them ranks higher
//	"secret expired"     a phrase: the words in this order (also “…” and 「…」)
//	プロキシ 経由         Japanese words, each matched as a phrase of its bigrams
//	AZCM0041 azcm41 41   an id or a code in any form: that entry first
//	AZCM004* certif*     a prefix of ids, codes and English words
//	certficate sync      a word the index lacks: the nearest words, and the
//	                     words it abbreviates
//	kind:message         filters: kind, tag, code, status; values of one
//	tag:proxy tag:tls    field are alternatives, different fields must all hold
//
// # Ranking
//
// An entry whose id the query names comes first, then entries that explain
// a code it names, then ids that start with a prefix it gives, then the
// rest by relevance. Relevance is BM25 per field, weighted by field (a
// title counts more than a remediation); each query term counts its best
// field and a fifth of the others, and an entry's score is the sum over the
// terms times the share of terms it matched. A generic entry (tag generic)
// and a benign line get 0.7 of that, so that a specific failure the same
// words find comes first, as explain and analyze put it; a code comes
// right after a known cause of it that the same typed words find at least
// 0.7 as well.
//
// Japanese words are matched in the text with the spaces between Japanese
// characters taken out (リソースプロバイダー finds リソース プロバイダー);
// a long word found only in part counts only through bigrams that are not
// hiragana alone (an ending such as できない is in every entry); マシン,
// as typed, also finds the text's コンピューター. A short English word
// that at most two entries use is also read as the words it starts, and a
// few words as the text's word for the same thing (sync: skew).
//
// Results are this package's own types (Result, Hit, Fragment, Span); a
// caller never sees a bleve value.
package index
