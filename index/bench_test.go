package index

import (
	"testing"

	"github.com/arcdiag/arcdiag/kb"
)

// The benchmarks measure the two costs of `arcdiag search` separately:
// building the in-memory index from the loaded knowledge base, and one
// query against it. The whole process is BenchmarkSearchProcess in
// cmd/arcdiag; the README's performance section has the figures.

func loadBuiltin(b *testing.B) *kb.KB {
	b.Helper()
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		b.Fatal(err)
	}
	return k
}

// textBytes is the size of the text an index of langs holds, for MB/s.
func textBytes(k *kb.KB, langs []kb.Lang) int64 {
	var n int64
	for _, e := range k.Entries() {
		for _, vs := range newDocument(e, langs).fields {
			for _, v := range vs {
				n += int64(len(v))
			}
		}
	}
	return n
}

func BenchmarkBuild(b *testing.B) {
	k := loadBuiltin(b)
	for _, bc := range []struct {
		name  string
		langs []kb.Lang
	}{
		{"en", []kb.Lang{kb.EN}},
		{"ja", []kb.Lang{kb.JA}},
		{"en+ja", []kb.Lang{kb.EN, kb.JA}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(textBytes(k, bc.langs))
			for b.Loop() {
				ix, err := New(k.Entries(), Options{Langs: bc.langs})
				if err != nil {
					b.Fatal(err)
				}
				ix.Close()
			}
		})
	}
	b.Run("words", func(b *testing.B) {
		ix, err := New(k.Entries(), Options{Langs: []kb.Lang{kb.EN}})
		if err != nil {
			b.Fatal(err)
		}
		defer ix.Close()
		for b.Loop() {
			d, err := newDictionary(ix)
			if err != nil {
				b.Fatal(err)
			}
			d.close()
		}
	})
}

func BenchmarkQuery(b *testing.B) {
	k := loadBuiltin(b)
	ix, err := New(k.Entries(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	for _, bc := range []struct {
		name, query string
		lang        kb.Lang
	}{
		{"word", "proxy", kb.EN},
		{"words", "proxy blocking the login endpoint", kb.EN},
		{"code", "AZCM0041", kb.EN},
		{"prefix", "AZCM004*", kb.EN},
		{"typo", "certficate", kb.EN},
		{"phrase", `"secret expired"`, kb.EN},
		{"filter", "tag:proxy kind:message", kb.EN},
		{"japanese", "プロキシ 経由", kb.JA},
		{"none", "frobnicator", kb.EN},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Search(bc.query, SearchOptions{Limit: 10, Lang: bc.lang}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
