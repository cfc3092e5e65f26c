package index

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/arcdiag/arcdiag/kb"
)

// relevanceCase is one row of testdata/search/relevance.tsv.
type relevanceCase struct {
	line     int
	lang     kb.Lang
	query    string
	expected string
}

func readRelevanceSet(t *testing.T) []relevanceCase {
	t.Helper()
	f, err := os.Open("../testdata/search/relevance.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []relevanceCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 || (cols[0] != "en" && cols[0] != "ja") {
			t.Fatalf("relevance.tsv:%d: want lang<TAB>query<TAB>expected, got %q", n, line)
		}
		cases = append(cases, relevanceCase{n, kb.Lang(cols[0]), cols[1], cols[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestRelevance measures the ranking on the relevance set: precision at 1
// (the right entry first) and mean reciprocal rank. Run it with -v to see
// the figures and every miss.
func TestRelevance(t *testing.T) {
	const minP1 = 0.85
	k := loadKB(t)
	ix := newIndex(t, k, Options{})
	cases := readRelevanceSet(t)
	perLang := map[kb.Lang]int{}
	for _, c := range cases {
		if _, ok := k.Get(c.expected); !ok {
			t.Errorf("relevance.tsv:%d: %s is not an entry", c.line, c.expected)
		}
		perLang[c.lang]++
	}
	if len(cases) < 40 || perLang[kb.EN] < len(cases)/2-1 || perLang[kb.JA] < len(cases)/2-1 {
		t.Fatalf("relevance set has %d queries (%d en, %d ja); want 40 or more, half of each", len(cases), perLang[kb.EN], perLang[kb.JA])
	}
	var hits1 int
	var rr float64
	stats := map[kb.Lang]*[2]float64{kb.EN: {}, kb.JA: {}}
	for _, c := range cases {
		res, err := ix.Search(c.query, SearchOptions{Lang: c.lang})
		if err != nil {
			t.Errorf("relevance.tsv:%d: %q: %v", c.line, c.query, err)
			continue
		}
		rank := 0
		for i, h := range res.Hits {
			if h.ID == c.expected {
				rank = i + 1
				break
			}
		}
		if rank == 1 {
			hits1++
			stats[c.lang][0]++
		}
		if rank > 0 {
			rr += 1 / float64(rank)
			stats[c.lang][1] += 1 / float64(rank)
		}
		if rank != 1 {
			var top []string
			for _, h := range res.Hits[:min(3, len(res.Hits))] {
				top = append(top, h.ID)
			}
			t.Logf("miss relevance.tsv:%d [%s] %q: %s at rank %d; top: %s", c.line, c.lang, c.query, c.expected, rank, strings.Join(top, ", "))
		}
	}
	n := float64(len(cases))
	p1 := float64(hits1) / n
	t.Logf("P@1 %.3f  MRR %.3f  (%d queries)", p1, rr/n, len(cases))
	for _, l := range []kb.Lang{kb.EN, kb.JA} {
		t.Logf("  %s: P@1 %.3f  MRR %.3f  (%d queries)", l, stats[l][0]/float64(perLang[l]), stats[l][1]/float64(perLang[l]), perLang[l])
	}
	if p1 < minP1 {
		t.Errorf("P@1 %.3f is below %.2f", p1, minP1)
	}
}
