package index

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"github.com/arcdiag/arcdiag/kb"
)

// dictionary is the list of unstemmed English terms of the knowledge base,
// read from a second, one-field bleve index. Typo and prefix expansion need
// whole words: a fuzzy query against the stemmed fields compares
// "certficate" with the stem "certif" and misses. The dictionary is built on
// the first query that needs it (a typo, a prefix, a search that found
// nothing), so that a plain search never pays for it.
type dictionary struct {
	index bleve.Index
	terms []dictTerm // sorted by text
}

// dictTerm is a term and the number of entries it occurs in.
type dictTerm struct {
	text  string
	count int
}

// dictionary returns the words dictionary, building it on first use.
func (ix *Index) dictionary() (*dictionary, error) {
	ix.wordsOnce.Do(func() {
		ix.words, ix.wordsErr = newDictionary(ix)
	})
	return ix.words, ix.wordsErr
}

func newDictionary(ix *Index) (*dictionary, error) {
	m, err := newWordsMapping()
	if err != nil {
		return nil, fmt.Errorf("words mapping: %w", err)
	}
	data := make([]map[string]any, len(ix.entries))
	for i, e := range ix.entries {
		var words []string
		add := func(s string) {
			if s = strings.TrimSpace(s); s != "" {
				words = append(words, s)
			}
		}
		add(e.Title.EN)
		add(e.Cause.EN)
		add(e.Remediation.EN)
		if e.Exit != nil {
			add(e.Exit.Title.EN)
			add(e.Exit.Remediation.EN)
		}
		for _, ms := range [][]kb.Meaning{e.Variants, e.History} {
			for _, m := range ms {
				add(m.Title.EN)
				add(m.Cause.EN)
				add(m.Remediation.EN)
			}
		}
		for _, a := range e.Aliases {
			add(a)
		}
		for _, x := range e.Examples {
			add(x)
		}
		for _, t := range e.Tags {
			add(t)
		}
		data[i] = map[string]any{fieldWords: words}
	}
	bi, err := build(m, ix.entries, data, nil)
	if err != nil {
		return nil, err
	}
	d := &dictionary{index: bi}
	fd, err := bi.FieldDict(fieldWords)
	if err != nil {
		bi.Close()
		return nil, fmt.Errorf("read words: %w", err)
	}
	defer fd.Close()
	for {
		de, err := fd.Next()
		if err != nil {
			bi.Close()
			return nil, fmt.Errorf("read words: %w", err)
		}
		if de == nil {
			break
		}
		d.terms = append(d.terms, dictTerm{de.Term, int(de.Count)})
	}
	return d, nil
}

func (d *dictionary) close() error { return d.index.Close() }

// withPrefix returns up to n terms that start with prefix, the most
// frequent first.
func (d *dictionary) withPrefix(prefix string, n int) []string {
	i, _ := slices.BinarySearchFunc(d.terms, prefix, func(t dictTerm, p string) int { return strings.Compare(t.text, p) })
	var found []dictTerm
	for ; i < len(d.terms) && strings.HasPrefix(d.terms[i].text, prefix); i++ {
		found = append(found, d.terms[i])
	}
	slices.SortStableFunc(found, func(a, b dictTerm) int { return cmp.Compare(b.count, a.count) })
	out := make([]string, 0, min(n, len(found)))
	for _, t := range found[:min(n, len(found))] {
		out = append(out, t.text)
	}
	return out
}

// nearTerm is a dictionary term close to a typed word.
type nearTerm struct {
	text        string
	dist, count int
}

// near returns the terms within maxDist edits of word (but not word
// itself), closest first, then the most frequent.
func (d *dictionary) near(word string, maxDist int) []nearTerm {
	var out []nearTerm
	wr := []rune(word)
	for _, t := range d.terms {
		if t.text == word {
			continue
		}
		tr := []rune(t.text)
		if abs(len(tr)-len(wr)) > maxDist {
			continue
		}
		if dist := levenshtein(wr, tr, maxDist); dist <= maxDist {
			out = append(out, nearTerm{t.text, dist, t.count})
		}
	}
	slices.SortStableFunc(out, func(a, b nearTerm) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(b.count, a.count))
	})
	return out
}

// levenshtein returns the edit distance between a and b, counting a swap
// of two neighbouring letters as one edit (the commonest typo), or a value
// over limit as soon as the distance is known to exceed it.
func levenshtein(a, b []rune, limit int) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
