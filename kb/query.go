package kb

import (
	"cmp"
	"slices"
	"strings"
)

// Answer is what the knowledge base says about a query.
type Answer struct {
	Query string
	Kind  QueryKind
	// Entries are the explanations, best first.
	Entries []*Entry
	// Unknown lists codes the query named that no entry explains.
	Unknown []string
	// Nearest lists known codes close to the first unknown one.
	Nearest []string
}

// genericTag marks codes that only wrap a more specific error (AZCM0062:
// "look for the detailed error"): they rank after every specific answer.
const genericTag = "generic"

// Explain answers a code, an exit status or a pasted message or log line.
// A message is answered with every entry whose patterns recognise it, then
// the entries of the codes inside it: specific causes before generic
// wrappers, earlier text before later.
func (k *KB) Explain(query string) Answer {
	a := Answer{Query: query}
	kind, code := ParseQuery(query)
	a.Kind = kind
	if kind == QueryCode && len(k.ByCode(code)) == 0 && allDigits(strings.TrimSpace(query)) {
		// A bare number the agent has no code for may be a Windows
		// Installer status (1603): answer with its entry, never as AZCM1603.
		if es := k.installerStatus(strings.TrimLeft(strings.TrimSpace(query), "0")); len(es) > 0 {
			a.Kind, a.Entries = QueryText, es
			return a
		}
	}
	if kind != QueryText {
		a.addCode(k, code)
		return a
	}
	a.Entries, a.Unknown = k.Annotate(k.Match(query), FindCodes(query))
	if len(a.Unknown) > 0 {
		a.Nearest = k.NearestCodes(a.Unknown[0], 3)
	}
	return a
}

// Annotate ranks the entries behind a text: the entries its patterns
// matched, then the entries of the codes in it, specific causes before
// generic wrappers, earlier text before later. Codes without an entry come
// back as unknown.
func (k *KB) Annotate(matches []Match, refs []CodeRef) (entries []*Entry, unknown []string) {
	type ranked struct {
		e             *Entry
		group, offset int
	}
	var found []ranked
	seen := map[*Entry]bool{}
	for _, m := range matches {
		if !seen[m.Entry] {
			seen[m.Entry] = true
			group := 0
			if m.Entry.IsGeneric() {
				group = 2
			}
			found = append(found, ranked{m.Entry, group, m.Start})
		}
	}
	for _, ref := range refs {
		es := k.ByCode(ref.Code)
		if len(es) == 0 || es[0].ID != ref.Code {
			unknown = append(unknown, ref.Code)
			continue
		}
		e := es[0]
		if seen[e] {
			continue
		}
		seen[e] = true
		group := 1
		if e.IsGeneric() {
			group = 2
		}
		found = append(found, ranked{e, group, ref.Offset})
	}
	slices.SortStableFunc(found, func(x, y ranked) int {
		return cmp.Or(cmp.Compare(x.group, y.group), cmp.Compare(x.offset, y.offset))
	})
	for _, r := range found {
		entries = append(entries, r.e)
	}
	return entries, unknown
}

// IsGeneric reports whether the entry is a code that only wraps a more
// specific error (AZCM0062: "read the detailed error"), or the success code.
func (e *Entry) IsGeneric() bool {
	return e.HasTag(genericTag) || e.ID == "AZCM0000"
}

func (a *Answer) addCode(k *KB, code string) {
	if es := k.ByCode(code); len(es) > 0 && es[0].ID == code {
		a.Entries = []*Entry{es[0]}
		return
	}
	a.Unknown = []string{code}
	a.Nearest = k.NearestCodes(code, 3)
}

// NearestCodes returns up to n known codes closest in number to code, the
// closest first (lower number first on a tie).
func (k *KB) NearestCodes(code string, n int) []string {
	target, ok := codeNumber(code)
	if !ok {
		return nil
	}
	type cand struct {
		code string
		dist int
	}
	var cands []cand
	for _, e := range k.entries {
		if num, ok := codeNumber(e.ID); ok && e.Kind == KindCode && e.ID != code {
			d := num - target
			if d < 0 {
				d = -d
			}
			cands = append(cands, cand{e.ID, d})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.code, b.code))
	})
	var out []string
	for i := 0; i < len(cands) && i < n; i++ {
		out = append(out, cands[i].code)
	}
	return out
}

// installerStatus returns the entries that name Windows Installer status n
// among their aliases ("msiexec 1603").
func (k *KB) installerStatus(n string) []*Entry {
	var es []*Entry
	for _, e := range k.entries {
		if slices.ContainsFunc(e.Aliases, func(a string) bool { return strings.EqualFold(a, "msiexec "+n) }) {
			es = append(es, e)
		}
	}
	return es
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
