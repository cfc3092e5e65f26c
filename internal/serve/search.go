package serve

import (
	"errors"
	"slices"
	"strings"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/kb"
)

// searchIndexes are the indexes the CLI would build for a query, one per
// set of languages index.LangsFor can ask for, built once: a search then
// ranks exactly as `arcdiag search` ranks, in its time less the indexing.
type searchIndexes struct {
	byLangs map[string]*index.Index
}

func langsKey(ls []kb.Lang) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = string(l)
	}
	slices.Sort(s)
	return strings.Join(s, "+")
}

func newSearchIndexes(k *kb.KB) (*searchIndexes, error) {
	si := &searchIndexes{byLangs: map[string]*index.Index{}}
	for _, ls := range index.LangSets() {
		ix, err := index.New(k.Entries(), index.Options{Langs: ls})
		if err != nil {
			si.Close()
			return nil, err
		}
		si.byLangs[langsKey(ls)] = ix
	}
	return si, nil
}

// For returns the index the CLI would build for query.
func (si *searchIndexes) For(query string) *index.Index {
	if ix, ok := si.byLangs[langsKey(index.LangsFor(query))]; ok {
		return ix
	}
	return si.byLangs[langsKey([]kb.Lang{kb.EN, kb.JA})]
}

// Close releases the indexes; it may be called more than once.
func (si *searchIndexes) Close() error {
	var errs []error
	for _, ix := range si.byLangs {
		errs = append(errs, ix.Close())
	}
	si.byLangs = nil
	return errors.Join(errs...)
}
