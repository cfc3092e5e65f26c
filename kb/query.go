package kb

import (
	"cmp"
	"regexp"
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
	// Causes are, for a code or an exit status, the entries known to produce
	// it, most common first (see KnownCauses).
	Causes []*Entry
	// Suggested are, when no entry answers the query, the entries closest
	// to its words by full-text search: a guess, shown as one. Explain
	// never sets them; the caller does (internal/suggest).
	Suggested []*Entry
}

// genericTag marks codes that only wrap a more specific error (AZCM0062:
// "look for the detailed error"): they rank after every specific answer.
const genericTag = "generic"

// Explain answers a code, an exit status or a pasted message or log line.
// A message is answered with every entry whose patterns recognise it, then
// the entries of the codes inside it: specific causes before generic
// wrappers, then the failures only informational lines state, then benign
// and state lines; within each, in the order of the lines that state them.
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
	if m := exitQueryRE.FindStringSubmatch(strings.TrimSpace(query)); kind == QueryText && m != nil {
		// An exit code no agent process gives (msiexec's 1603, as a script
		// or the portal reports it) is answered like the bare status.
		if es := k.installerStatus(strings.TrimLeft(m[1], "0")); len(es) > 0 {
			a.Entries = es
			return a
		}
	}
	if kind != QueryText {
		a.addCode(k, code)
		return a
	}
	c := readCapture(query)
	w := k.matchWrapped(query)
	a.Entries, a.Unknown = k.annotate(w.matches, AgentCodes(query, FindCodes(query)), c.places(w), c.codeLine)
	if len(a.Unknown) > 0 {
		a.Nearest = k.NearestCodes(a.Unknown[0], 3)
	}
	return a
}

// Annotate ranks the entries behind a text: the failures its patterns
// matched, then the entries of the codes in it, specific causes before
// generic wrappers, then the benign and state lines it matched; earlier text
// before later within each group. Codes without an entry come back as
// unknown.
func (k *KB) Annotate(matches []Match, refs []CodeRef) (entries []*Entry, unknown []string) {
	return k.annotate(matches, refs, nil, nil)
}

// annotate is Annotate for a text of several lines when places is set: an
// entry ranks by the line that states it (places; codeLine for a code), and
// a failure only an informational line states (a progress line, a
// question, an info level) ranks after every failure another line states:
// an admin pasting a capture wants its failure first, not the prompt above
// it.
func (k *KB) annotate(matches []Match, refs []CodeRef, places map[*Entry]place, codeLine func(offset int) int) (entries []*Entry, unknown []string) {
	type ranked struct {
		e *Entry
		// tier puts failures stated on informational lines (1) after the
		// others (0), and the benign and state lines last (2) unless they
		// outrank generic wordings (0).
		tier, group, at int
	}
	var found []ranked
	seen := map[*Entry]bool{}
	quietFirst := QuietOverGeneric(matches)
	for _, m := range matches {
		if !seen[m.Entry] {
			seen[m.Entry] = true
			tier, group, at := 0, 0, m.Start
			if p, ok := places[m.Entry]; ok {
				at = p.line
				if p.informational {
					tier = 1
				}
			}
			switch {
			case m.Entry.Kind == KindBenign || m.Entry.Kind == KindState:
				tier, group = 2, 3 // a pasted capture's failures come before its benign and state lines
				if quietFirst {
					tier, group = 0, 2
				}
			case m.Entry.IsGeneric():
				group = 2
				if quietFirst {
					group = 3
				}
			}
			found = append(found, ranked{m.Entry, tier, group, at})
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
		at := ref.Offset
		if codeLine != nil {
			at = codeLine(ref.Offset)
		}
		found = append(found, ranked{e, 0, group, at})
	}
	slices.SortStableFunc(found, func(x, y ranked) int {
		return cmp.Or(cmp.Compare(x.tier, y.tier), cmp.Compare(x.group, y.group), cmp.Compare(x.at, y.at))
	})
	for _, r := range found {
		entries = append(entries, r.e)
	}
	return entries, unknown
}

// QuietOverGeneric reports whether a benign or state entry recognised the
// text and no failure entry did but generic ones. A generic entry names a
// failure by its wording alone ("i/o timeout" to any host); a benign or state
// entry that recognises the same text knows which line it is (the cloud
// metadata probe that is expected to time out), so it wins.
func QuietOverGeneric(matches []Match) bool {
	quiet := false
	for _, m := range matches {
		switch {
		case m.Entry.Kind == KindBenign || m.Entry.Kind == KindState:
			quiet = true
		case !m.Entry.IsGeneric():
			return false
		}
	}
	return quiet
}

// IsGeneric reports whether the entry is a code that only wraps a more
// specific error (AZCM0062: "read the detailed error"), or the success code.
func (e *Entry) IsGeneric() bool {
	return e.HasTag(genericTag) || e.ID == "AZCM0000"
}

func (a *Answer) addCode(k *KB, code string) {
	if es := k.ByCode(code); len(es) > 0 && es[0].ID == code {
		a.Entries = []*Entry{es[0]}
		a.Causes = k.KnownCauses(code)
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

// KnownCauses returns the entries known to produce code (those whose codes
// list it, other than the code's own entry), most common first. How common a
// cause is cannot be read from any log, so the order follows what the
// knowledge base states about each entry, in this order of precedence:
//  1. an entry for every OS and agent version before one scoped to some (a
//     defect of a few builds can only be as common as those builds);
//  2. current before historic (the documentation no longer lists the
//     latter);
//  3. an entry that gives code as its first code (the code it ends in)
//     before one that lists it among others (login-blocked ends in AZCM0041
//     and only sometimes in AZCM0026);
//  4. then by id, for a stable order.
func (k *KB) KnownCauses(code string) []*Entry {
	var out []*Entry
	for _, e := range k.byCode[code] {
		if e.ID != code && e.Kind != KindNote {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b *Entry) int {
		return cmp.Or(
			cmp.Compare(boolRank(!a.Scope.IsZero()), boolRank(!b.Scope.IsZero())),
			cmp.Compare(boolRank(a.Historic()), boolRank(b.Historic())),
			cmp.Compare(boolRank(a.Codes[0] != code), boolRank(b.Codes[0] != code)),
			strings.Compare(a.ID, b.ID),
		)
	})
	return out
}

// recordStart recognises a line that starts a new record of a capture
// rather than continuing the one above: a terminal or logrus line, JSON, a
// timestamp, a GuestConfig record, a shell prompt.
var recordStart = regexp.MustCompile(`^(?:[A-Z]{4,5}\[\d{4}\]|time=|\{|\d{4}-\d\d-\d\d|\[\d{4}-|<GCLOG>|[$#>] |PS [A-Z]:)`)

// wrappedMatches are the entries a pasted text recognises.
type wrappedMatches struct {
	matches []Match
	// alone gives, for each entry some line recognises on its own, the
	// first such line (from 0).
	alone map[*Entry]int
	// joinedBy gives, for each entry only the text with its wrapped lines
	// joined recognises, the separator of that join.
	joinedBy map[*Entry]string
}

// matchWrapped matches a pasted text as written and, when a terminal wrapped
// its lines, with each continuation line joined to the one above, once with
// a space (wrapped between words) and once without (wrapped inside a word).
func (k *KB) matchWrapped(text string) wrappedMatches {
	w := wrappedMatches{matches: k.Match(text), alone: map[*Entry]int{}, joinedBy: map[*Entry]string{}}
	if !strings.Contains(text, "\n") {
		for _, m := range w.matches {
			w.alone[m.Entry] = 0
		}
		return w
	}
	add := func(m Match) bool {
		if slices.ContainsFunc(w.matches, func(x Match) bool { return x.Entry == m.Entry }) {
			return false
		}
		w.matches = append(w.matches, m)
		return true
	}
	for _, sep := range []string{" ", ""} {
		for _, m := range k.Match(unwrap(text, sep)) {
			if add(m) {
				w.joinedBy[m.Entry] = sep
			}
		}
	}
	// A pattern anchored at a line's start or end (a line of azcmagent
	// show) holds on every line of a capture, as analyze reads it, not
	// only on the first and the last.
	at, n := 0, 0
	for line := range strings.Lines(text) {
		for _, m := range k.Match(strings.TrimRight(line, "\r\n")) {
			if _, ok := w.alone[m.Entry]; !ok {
				w.alone[m.Entry] = n
			}
			m.Start, m.End = m.Start+at, m.End+at
			add(m)
		}
		at += len(line)
		n++
	}
	return w
}

// unwrap joins each line of text that does not start a record to the line
// above, with sep, dropping the line break and the indentation around it.
func unwrap(text, sep string) string {
	var out []string
	for i, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		cont := strings.TrimLeft(l, " \t")
		if i == 0 || cont == "" || recordStart.MatchString(cont) {
			out = append(out, l)
			continue
		}
		last := len(out) - 1
		out[last] = strings.TrimRight(out[last], " \t") + sep + cont
	}
	return strings.Join(out, "\n")
}
