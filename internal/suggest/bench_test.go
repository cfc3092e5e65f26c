package suggest

import (
	"fmt"
	"testing"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/kb"
)

// BenchmarkBuild is the index a first unexplained error costs, once per
// process.
func BenchmarkBuild(b *testing.B) {
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := index.New(k.Entries(), index.Options{Langs: []kb.Lang{kb.EN}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookup is one search of a distinct message (a cache miss), for
// a short wrapper line and a long ARM error: at most Options.MaxLookups
// of them an analysis.
func BenchmarkLookup(b *testing.B) {
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		b.Fatal(err)
	}
	for name, text := range map[string]string{
		"short": "Unable to reach the agent service",
		"long":  `Failed to delete the Azure resource Error={"error":{"code":"AuthorizationFailed","message":"The client '222f1329-a76a-4faf-9b37-f46be95cdfc8' with object id '0a1bb5fc-3881-4c05-a618-bb88a8a9ec8c' does not have authorization to perform action 'Microsoft.HybridCompute/machines/delete' over scope '/subscriptions/f0d15ed9-7213-460e-ae87-9f5bddd8f84a/resourcegroups/rg-arc-app/providers/Microsoft.HybridCompute/machines/arc-app-02' or the scope is invalid. If access was recently granted, please refresh your credentials."}} Status Code=403`,
	} {
		b.Run(fmt.Sprintf("%s/%d-words", name, len(Words(text))), func(b *testing.B) {
			s := New(k, Options{MaxLookups: 1 << 30})
			s.Suggest(text) // the index, once
			i := 0
			for b.Loop() {
				i++
				// A new message each time, and the shared index's memo
				// of searches forgotten (the message's unknown word is
				// not searched, so its search is the same): neither
				// cache answers.
				s.ix.mu.Lock()
				s.ix.hits = nil
				s.ix.mu.Unlock()
				s.Suggest(suffix(i) + " " + text)
			}
		})
	}
}

// suffix is a distinct word per n that no entry has (no digits: Words
// keeps it).
func suffix(n int) string {
	w := []byte("zq")
	for ; n > 0; n /= 26 {
		w = append(w, byte('a'+n%26))
	}
	return string(w)
}
