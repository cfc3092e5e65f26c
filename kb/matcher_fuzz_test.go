package kb

import (
	"slices"
	"strings"
	"testing"
)

// lookalikes rewrites a text with the bytes a careless case fold confuses
// with its own: NUL for a space and DEL for an underscore (b|0x20 maps both
// pairs together), and the two Unicode letters that Go's (?i) folds with
// ASCII ones (U+017F long s, U+212A Kelvin sign).
func lookalikes(text string) []string {
	return []string{
		strings.ReplaceAll(text, " ", "\x00"),
		strings.ReplaceAll(text, "_", "\x7f"),
		strings.NewReplacer("@", "`", "[", "{", "]", "}", "-", "\r", ".", "\x0e", "/", "\x0f", ":", "\x1a").Replace(text),
		strings.NewReplacer("s", "\u017f", "S", "\u017f", "k", "\u212a", "K", "\u212a").Replace(text),
	}
}

// checkMatcherAgrees fails when the matcher's answer on text differs from
// running every pattern's regexp, on both of its paths.
func checkMatcherAgrees(t *testing.T, k *KB, text string) {
	t.Helper()
	m := k.Matcher()
	want := bruteForce(k, text)
	if got := matchedIDs(m.Match([]byte(text))); !slices.Equal(got, want) {
		t.Errorf("Match %v, regexps %v, on %q", got, want, clip(text))
	}
	if got := matchedIDs(m.MatchWith(m.NewScratch(), []byte(text), 0)); !slices.Equal(got, want) {
		t.Errorf("MatchWith %v, regexps %v, on %q", got, want, clip(text))
	}
	checkCandidates(t, m, text)
}

// checkCandidates fails when a line the matcher recognises, or that holds a
// code, has no candidate position, alone or amid other lines.
func checkCandidates(t *testing.T, m *Matcher, text string) {
	t.Helper()
	line := []byte(text)
	var needs Candidate
	if len(m.Match(line)) > 0 {
		needs |= CandidateEntry
	}
	if MayHaveCodes(line) && len(FindCodesInLine(line)) > 0 {
		needs |= CandidateCode
	}
	if strings.Contains(text, "Agent Version:") || strings.Contains(text, "Agent Command:") {
		needs |= CandidateHeader
	}
	if needs == 0 {
		return
	}
	// Amid other text, at every alignment of the filter's stride.
	for pad := range stride {
		buf := []byte(strings.Repeat("a", pad) + "x\n" + text + "\nZ")
		lo, hi := pad+2, pad+2+len(text)
		var found Candidate
		m.Candidates(buf, func(pos int, c Candidate) {
			if pos >= lo && pos < hi {
				found |= c
			}
		})
		if found&needs != needs {
			t.Errorf("candidates %b in %q (padding %d), want at least %b", found, clip(text), pad, needs)
		}
	}
}

// TestMatcherAgreesOnLookalikes checks the filter's and the plain literals'
// case fold against the regexp on bytes that only look alike once folded.
func TestMatcherAgreesOnLookalikes(t *testing.T) {
	skipExhaustiveInShort(t)
	k := loadBuiltinVerified(t)
	for _, e := range k.Entries() {
		for _, ex := range e.Examples {
			for _, text := range lookalikes(ex) {
				checkMatcherAgrees(t, k, text)
			}
		}
	}
}

// FuzzMatcher compares the matcher with the regexps it stands for on
// arbitrary input, seeded with every example of the built-in knowledge base
// and their lookalikes.
func FuzzMatcher(f *testing.F) {
	k, err := Load(Builtin())
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range k.Entries() {
		for _, ex := range e.Examples {
			f.Add(ex)
			for _, l := range lookalikes(ex) {
				f.Add(l)
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		skipExhaustiveInShort(t)
		checkMatcherAgrees(t, k, text)
	})
}

// skipExhaustiveInShort skips a test that runs every pattern's regexp on
// every example: it holds no goroutines, so the race detector's pass
// (make test runs it with -short) would only repeat the plain pass ten
// times slower.
func skipExhaustiveInShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("exhaustive over every example; the plain go test pass runs it")
	}
}
