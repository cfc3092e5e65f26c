package index

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/arcdiag/arcdiag/kb"
)

var update = flag.Bool("update", false, "rewrite the kept segments (index/builtin-*.seg) from the built-in entries")

// builtinDocs returns the built-in entries' documents for langs, and the
// index mapping.
func builtinDocs(t *testing.T, langs []kb.Lang) ([]*kb.Entry, []map[string]any) {
	t.Helper()
	entries := loadKB(t).Entries()
	data := make([]map[string]any, len(entries))
	for i, e := range entries {
		data[i] = newDocument(e, langs).data()
	}
	return entries, data
}

// TestBuiltinSegments: the segments the binary keeps are those of the
// built-in entries (make golden rewrites them), New opens them instead of
// building, and the index opened from them answers every query as a fresh
// build does, hit for hit and score for score. The queries are each
// entry's title, first example and codes, in English and Japanese.
func TestBuiltinSegments(t *testing.T) {
	for _, langs := range LangSets() {
		kept, file := builtinSegment(langs)
		entries, data := builtinDocs(t, langs)
		m, err := newMapping(langs)
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			if _, ok := segmentsFor(kept, fingerprint(entries, data)); ok {
				continue // the same documents: no new bytes for git
			}
			b, err := keptSegments(m, entries, data)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, ok := segmentsFor(kept, fingerprint(entries, data)); !ok {
			t.Errorf("index/%s was not built from the built-in entries; run `make golden`", file)
			continue
		}
		before := builds.Load()
		opened, err := New(entries, Options{Langs: langs})
		if err != nil {
			t.Fatal(err)
		}
		if n := builds.Load() - before; n != 0 {
			t.Errorf("%v: New built %d indexes instead of opening index/%s", langs, n, file)
		}
		fresh, err := buildOrOpen(entries, Options{Langs: langs}, false)
		if err != nil {
			t.Fatal(err)
		}
		// The suggester's search for the English index, search's for the
		// other; every other entry, which keeps the test to seconds.
		opts := SearchOptions{Limit: 8}
		if len(langs) == 1 {
			opts = SearchOptions{Limit: 8, NoGuesses: true, Coverage: 2, NoFragments: true}
		}
		queries := 0
		for i, e := range entries {
			if i%2 != 0 {
				continue
			}
			qs := append([]string{e.Title.EN}, e.Codes...)
			if len(e.Examples) > 0 {
				qs = append(qs, e.Examples[0])
			}
			if slices.Contains(langs, kb.JA) {
				qs = append(qs, e.Title.JA)
			}
			for _, q := range qs {
				want, err1 := fresh.Search(q, opts)
				got, err2 := opened.Search(q, opts)
				if err1 != nil || err2 != nil {
					if fmt.Sprint(err1) != fmt.Sprint(err2) {
						t.Errorf("%v %q: fresh %v, kept %v", langs, q, err1, err2)
					}
					continue
				}
				queries++
				if w, g := hitList(want), hitList(got); w != g {
					t.Errorf("%v %q:\nfresh %s\n kept %s", langs, q, w, g)
				}
			}
		}
		if queries < len(entries) {
			t.Errorf("%v: only %d queries compared", langs, queries)
		}
		fresh.Close()
		opened.Close()
	}
}

// hitList prints a result's hits with their scores.
func hitList(r *Result) string {
	var b strings.Builder
	for _, h := range r.Hits {
		fmt.Fprintf(&b, "%s:%.9g ", h.Entry.ID, h.Score)
	}
	return b.String()
}

// TestOtherEntriesBuild: documents other than the kept segment's (a
// --kb-dir layer) get an index built from them, not the kept one.
func TestOtherEntriesBuild(t *testing.T) {
	entries := loadKB(t).Entries()
	fewer := entries[1:]
	before := builds.Load()
	ix, err := New(fewer, Options{Langs: []kb.Lang{kb.EN}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if builds.Load() == before {
		t.Fatal("New opened the kept segment for other entries")
	}
	n, err := ix.main.DocCount()
	if err != nil || n != uint64(len(fewer)) {
		t.Errorf("index of %d documents (%v), want %d", n, err, len(fewer))
	}
	var _ bleve.Index = ix.main
}

// TestBrokenSegmentBuilds: a kept segment that does not read (another zap
// version, cut short) is not used; the index is built.
func TestBrokenSegmentBuilds(t *testing.T) {
	for _, raw := range [][]byte{nil, []byte("short"), make([]byte, 200)} {
		if _, err := readSegment(raw); err == nil {
			t.Errorf("readSegment(%d bytes) read a segment", len(raw))
		}
	}
}
