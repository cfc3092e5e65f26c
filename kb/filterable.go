package kb

import "fmt"

// unfilterable says why the matcher's literal filter cannot skip ordinary
// lines for pattern, or returns "" when it can. Such a pattern runs its
// regular expression on every line of every log: one made analyze 250 times
// slower. Patterns of every layer must pass, the built-in ones included
// (TestBuiltinPatternsAllFilterable).
func unfilterable(pattern string) string {
	sets := requiredLiterals(pattern)
	best := indexSet(sets)
	if best < 0 {
		return fmt.Sprintf("pattern %q has no literal text of %d or more bytes that every match must contain, so it would run on every log line; add a fixed word of the message", pattern, minLiteral+stride-1)
	}
	for _, l := range sets[best] {
		if len(foldString(l)) < minLiteral+stride-1 {
			return fmt.Sprintf("pattern %q has only short literals such as %q; give it a fixed text of %d bytes or more", pattern, l, minLiteral+stride-1)
		}
	}
	return ""
}
