package index

import (
	"cmp"
	"slices"
	"strings"
)

// maxSuggestions is the most did-you-mean queries a result carries.
const maxSuggestions = 3

// suggest returns queries close to one that found nothing, each checked to
// find something: its unknown words replaced by the nearest terms of the
// words dictionary, an unknown tag or code by the nearest ones, then the
// query without its filters, then without its quotes.
func (ix *Index) suggest(p *parsed, s *request, opts SearchOptions) []string {
	q := s.query
	// Each unknown word or filter value, and what could replace it.
	type swap struct {
		typed string
		with  []string
	}
	var swaps []swap
	if len(s.unknown) > 0 {
		if d, err := ix.dictionary(); err == nil {
			for _, w := range s.unknown {
				word := strings.Trim(strings.ToLower(w), punctuation)
				maxDist := 1
				switch n := len([]rune(word)); {
				case n >= 7:
					maxDist = 3
				case n >= 4:
					maxDist = 2
				}
				var with []string
				for _, t := range d.near(word, maxDist) {
					if len(with) == maxSuggestions {
						break
					}
					with = append(with, t.text)
				}
				if len(with) > 0 {
					swaps = append(swaps, swap{w, with})
				}
			}
		}
	}
	for _, f := range p.raw {
		var with []string
		switch f.field {
		case fieldTag:
			if !slices.Contains(ix.tags, f.value) {
				for _, t := range nearest(ix.tags, f.value, 3) {
					with = append(with, f.text[:strings.IndexByte(f.text, ':')+1]+t)
				}
			}
		case fieldCode:
			if !strings.HasSuffix(f.value, "*") && !ix.codes[strings.ToUpper(f.value)] {
				for _, c := range ix.nearestCodes(strings.ToUpper(f.value), 3) {
					with = append(with, f.text[:strings.IndexByte(f.text, ':')+1]+c)
				}
			}
		}
		if len(with) > 0 {
			swaps = append(swaps, swap{f.text, with})
		}
	}
	var cands []string
	for i := range maxSuggestions {
		c := q
		for _, sw := range swaps {
			c = strings.Replace(c, sw.typed, sw.with[min(i, len(sw.with)-1)], 1)
		}
		cands = append(cands, c)
	}
	if len(p.raw) > 0 && len(p.terms) > 0 {
		c := q
		for _, f := range p.raw {
			c = strings.Replace(c, f.text, "", 1)
		}
		cands = append(cands, strings.Join(strings.Fields(c), " "))
	}
	if unquoted := strings.NewReplacer(`"`, " ", "“", " ", "”", " ", "「", " ", "」", " ", "『", " ", "』", " ").Replace(q); unquoted != q {
		cands = append(cands, strings.Join(strings.Fields(unquoted), " "))
	}
	var out []string
	for _, c := range cands {
		if c == q || c == "" || slices.Contains(out, c) || len(out) == maxSuggestions {
			continue
		}
		cp, err := parse(c)
		if err != nil {
			continue
		}
		if r, _, err := ix.run(c, cp, opts); err == nil && r.Total > 0 {
			out = append(out, c)
		}
	}
	return out
}

// nearest returns up to n of the words closest to w in edit distance (at
// most a third of w's length, at least 1), or containing it.
func nearest(words []string, w string, n int) []string {
	type cand struct {
		word string
		dist int
	}
	var cands []cand
	limit := max(1, len([]rune(w))/3)
	for _, x := range words {
		d := levenshtein([]rune(w), []rune(x), limit)
		if d > limit && (strings.Contains(x, w) || strings.Contains(w, x)) {
			d = limit
		}
		if d <= limit {
			cands = append(cands, cand{x, d})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(a.dist, b.dist) })
	var out []string
	for _, c := range cands[:min(n, len(cands))] {
		out = append(out, c.word)
	}
	return out
}

// nearestCodes returns up to n known codes closest in number to code.
func (ix *Index) nearestCodes(code string, n int) []string {
	num, ok := codeNumber(code)
	if !ok {
		return nil
	}
	var known []string
	for c := range ix.codes {
		known = append(known, c)
	}
	slices.SortFunc(known, func(a, b string) int {
		na, _ := codeNumber(a)
		nb, _ := codeNumber(b)
		return cmp.Or(cmp.Compare(abs(na-num), abs(nb-num)), cmp.Compare(na, nb))
	})
	return known[:min(n, len(known))]
}

// codeNumber returns the number of an AZCMnnnn code.
func codeNumber(code string) (int, bool) {
	if len(code) != 8 || !strings.HasPrefix(code, "AZCM") {
		return 0, false
	}
	n := 0
	for _, r := range code[4:] {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}
