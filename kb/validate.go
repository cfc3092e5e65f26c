package kb

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	codeRE = regexp.MustCompile(`^AZCM\d{4}$`)
	idRE   = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	osList = []string{"linux", "windows"}
)

// checker collects the problems of one entry.
type checker struct {
	e        *Entry
	problems []Problem
}

func (c *checker) add(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{c.e.Origin.File, c.e.line(path), fmt.Sprintf(c.e.label()+format, args...)})
}

// label prefixes a problem with the entry it concerns.
func (e *Entry) label() string {
	if e.ID == "" {
		return ""
	}
	return e.ID + ": "
}

// checkEntry returns everything wrong with one entry on its own.
func checkEntry(e *Entry) []Problem {
	c := &checker{e: e}
	switch {
	case e.ID == "":
		c.add("", "missing id")
	case e.Kind == KindCode && !codeRE.MatchString(e.ID):
		c.add("id", "a code entry's id is its code, AZCM and four digits (got %q)", e.ID)
	case e.Kind != KindCode && !idRE.MatchString(e.ID):
		c.add("id", "id %q is not lower-kebab-case", e.ID)
	}
	if !slices.Contains(Kinds, e.Kind) {
		c.add("kind", "kind %q is not one of code, message, note, benign", e.Kind)
	}
	if e.Status != StatusCurrent && e.Status != StatusHistoric {
		c.add("status", "status %q is not current or historic", e.Status)
	}
	c.text("title", e.Title, true)
	c.text("cause", e.Cause, true)
	c.text("remediation", e.Remediation, true)
	for i, a := range e.Aliases {
		if strings.TrimSpace(a) == "" {
			c.add(fmt.Sprintf("aliases[%d]", i), "empty alias")
		}
	}
	for i, code := range e.Codes {
		if !codeRE.MatchString(code) {
			c.add(fmt.Sprintf("codes[%d]", i), "code %q is not AZCM and four digits", code)
		}
	}
	if e.Exit != nil {
		if e.Kind != KindCode {
			c.add("exit", "only a code entry has an exit status")
		}
		c.text("exit.title", e.Exit.Title, true)
		c.text("exit.remediation", e.Exit.Remediation, true)
	}
	c.patterns()
	for i, l := range e.Links {
		p := fmt.Sprintf("links[%d]", i)
		if !strings.HasPrefix(l.URL, "https://") {
			c.add(p+".url", "link url %q must start with https://", l.URL)
		}
		if l.Title == "" {
			c.add(p, "link has no title")
		}
	}
	for i, u := range e.Sources {
		if !strings.HasPrefix(u, "https://") {
			c.add(fmt.Sprintf("sources[%d]", i), "source %q must be an https:// URL", u)
		}
	}
	for i, t := range e.Tags {
		if !idRE.MatchString(t) {
			c.add(fmt.Sprintf("tags[%d]", i), "tag %q is not lower-kebab-case", t)
		}
	}
	for i, id := range e.Footnotes {
		if id == e.ID {
			c.add(fmt.Sprintf("footnotes[%d]", i), "entry cites itself as a footnote")
		}
	}
	c.scope("scope", e.Scope)
	for i, v := range e.Variants {
		p := fmt.Sprintf("variants[%d]", i)
		if v.Scope.IsZero() {
			c.add(p, "a variant needs a scope (os or agent) saying where it applies")
		}
		if v.To != "" {
			c.add(p+".to", "a variant is current; an ended meaning belongs in history")
		}
		c.meaning(p, v)
	}
	for i, h := range e.History {
		p := fmt.Sprintf("history[%d]", i)
		if h.From == "" || h.To == "" {
			c.add(p, "a history item needs from: and to: dates")
		}
		c.meaning(p, h)
	}
	return c.problems
}

func (c *checker) text(path string, t Text, required bool) {
	if !required && t.IsZero() {
		return
	}
	if strings.TrimSpace(t.EN) == "" {
		c.add(c.at(path+".en", path), "missing %s.en text", path)
	}
	if strings.TrimSpace(t.JA) == "" {
		c.add(c.at(path+".ja", path), "missing %s.ja text", path)
	}
}

// at returns the first of the paths that was present in the file, so that a
// problem points at the most precise line.
func (c *checker) at(paths ...string) string {
	for _, p := range paths {
		if _, ok := c.e.lines[p]; ok {
			return p
		}
	}
	return paths[len(paths)-1]
}

func (c *checker) meaning(p string, m Meaning) {
	var from, to time.Time
	for _, d := range []struct {
		key string
		val string
		out *time.Time
	}{{"from", m.From, &from}, {"to", m.To, &to}} {
		if d.val == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.val)
		if err != nil {
			c.add(p+"."+d.key, "%s date %q is not YYYY-MM-DD", d.key, d.val)
		}
		*d.out = t
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		c.add(p+".to", "to date %s is before from date %s", m.To, m.From)
	}
	c.scope(p+".scope", m.Scope)
	c.text(p+".title", m.Title, false)
	c.text(p+".cause", m.Cause, true)
	c.text(p+".remediation", m.Remediation, true)
}

func (c *checker) scope(p string, s Scope) {
	if s.OS != "" && !slices.Contains(osList, s.OS) {
		c.add(p+".os", "os %q is not linux or windows", s.OS)
	}
	if s.Agent != "" {
		if _, err := ParseConstraint(s.Agent); err != nil {
			c.add(p+".agent", "%v", err)
		}
	}
}

// patterns checks that every pattern compiles, that every example is
// recognised by a pattern and that no pattern is dead.
func (c *checker) patterns() {
	e := c.e
	if (e.Kind == KindMessage || e.Kind == KindBenign || e.Kind == KindState) && len(e.Patterns) == 0 {
		c.add("", "a %s entry needs patterns that recognise it", e.Kind)
	}
	if len(e.Patterns) > 0 && len(e.Examples) == 0 {
		c.add("patterns", "patterns need examples that they match")
	}
	compiled := make([]*regexp.Regexp, len(e.Patterns))
	for i, p := range e.Patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			c.add(fmt.Sprintf("patterns[%d]", i), "invalid pattern: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			continue
		}
		if re.MatchString("") {
			c.add(fmt.Sprintf("patterns[%d]", i), "pattern %q matches empty text", p)
			continue
		}
		if why := unfilterable(p); why != "" {
			c.add(fmt.Sprintf("patterns[%d]", i), "%s", why)
		}
		compiled[i] = re
	}
	if slices.Contains(compiled, nil) {
		return // the examples cannot be judged against a broken pattern set
	}
	if e.matcher != nil {
		// Keep them: matching would otherwise compile them again.
		e.matcher.once.Do(func() { e.matcher.res = compiled })
	}
	used := make([]bool, len(compiled))
	for i, ex := range e.Examples {
		matched := false
		for j, re := range compiled {
			if matchForms(re, ex) != nil {
				matched, used[j] = true, true
			}
		}
		if !matched {
			c.add(fmt.Sprintf("examples[%d]", i), "no pattern matches example %q", clip(ex))
		}
	}
	if len(e.Examples) == 0 {
		return
	}
	for j, u := range used {
		if !u {
			c.add(fmt.Sprintf("patterns[%d]", j), "pattern %q matches none of the examples", e.Patterns[j])
		}
	}
}

// checkReferences checks what can only be judged once every layer is merged.
func (k *KB) checkReferences() []Problem {
	var problems []Problem
	for _, e := range k.entries {
		for i, id := range e.Footnotes {
			n, ok := k.byID[id]
			switch {
			case !ok:
				problems = append(problems, Problem{e.Origin.File, e.line(fmt.Sprintf("footnotes[%d]", i)),
					fmt.Sprintf("%sfootnote %q does not exist", e.label(), id)})
			case n.Kind != KindNote:
				problems = append(problems, Problem{e.Origin.File, e.line(fmt.Sprintf("footnotes[%d]", i)),
					fmt.Sprintf("%sfootnote %q is a %s entry, not a note", e.label(), id, n.Kind)})
			}
		}
	}
	return problems
}

// Lint returns the quality problems of a knowledge base that loads: an entry
// without sources, whose facts nobody can check; text that carries page
// markup, which would be printed as it is; and an entry whose pattern
// recognises another entry's example, which would put the wrong cause beside
// a log line.
//
// Entries of a trusted layer are not checked again (nor pairs of them): a
// --kb-dir folder is linted against the built-in entries in milliseconds.
func (k *KB) Lint() []Problem {
	var problems []Problem
	for _, e := range k.entries {
		if e.trusted {
			continue
		}
		if len(e.Sources) == 0 {
			problems = append(problems, Problem{e.Origin.File, e.Origin.Line,
				e.label() + "no sources: list the https URLs of the public pages its facts come from"})
		}
		for _, t := range e.texts() {
			if m := pageMarkup.FindStringSubmatch(t.text); m != nil {
				problems = append(problems, Problem{e.Origin.File, e.line(t.path),
					fmt.Sprintf("%s%s carries page markup %q, which would be printed as it is", e.label(), t.path, clip(m[1]+m[2]))})
			}
		}
	}
	return append(problems, k.Overlaps()...)
}

// Overlaps returns the lint problems that change what analysis reports: an
// entry whose pattern recognises another entry's example would put the
// wrong cause beside a log line.
func (k *KB) Overlaps() []Problem {
	var problems []Problem
	for _, e := range k.patterned {
		if e.IsGeneric() {
			// A generic wrapper (the Group Policy script's "Installation
			// failed: … See …log") is meant to match around the specific
			// entries' text; it ranks after them.
			continue
		}
		for _, o := range k.patterned {
			if o == e || e.trusted && o.trusted {
				continue
			}
			for i, ex := range o.Examples {
				if _, ok := e.match(ex); ok {
					problems = append(problems, Problem{e.Origin.File, e.line("patterns"),
						fmt.Sprintf("%spatterns also match example %d of %s (%s): %q", e.label(), i+1, o.ID, o.Origin, clip(ex))})
				}
			}
		}
	}
	return problems
}

// pageMarkup finds what a copy from a web page may bring along: HTML
// superscripts (footnote marks) and markdown emphasis such as *himds*. A
// wildcard host (*.his.arc.azure.com) or msiexec's /l*v is not emphasis: the
// opening star is neither followed by a dot nor preceded by a letter, and a
// closing star is not followed by a dot and a letter. A quoted PowerShell
// wildcard ("*control-plan*") is not emphasis either: no quote around the stars.
var pageMarkup = regexp.MustCompile(`(?i)(</?sup\b[^>]*>)|(?:^|[^\w*"'])(\*[^*\s.][^*\n]*?[^*\s]\*)(?:$|[^\w.*"']|\.(?:$|\W))`)

// fieldText is one piece of prose of an entry, with its field path.
type fieldText struct{ path, text string }

// texts returns every piece of prose the entry prints, in both languages.
func (e *Entry) texts() []fieldText {
	var out []fieldText
	add := func(path string, t Text) {
		out = append(out, fieldText{path + ".en", t.EN}, fieldText{path + ".ja", t.JA})
	}
	add("title", e.Title)
	add("cause", e.Cause)
	add("remediation", e.Remediation)
	if e.Exit != nil {
		add("exit.title", e.Exit.Title)
		add("exit.remediation", e.Exit.Remediation)
	}
	for _, group := range []struct {
		name     string
		meanings []Meaning
	}{{"variants", e.Variants}, {"history", e.History}} {
		for i, m := range group.meanings {
			p := fmt.Sprintf("%s[%d]", group.name, i)
			add(p+".title", m.Title)
			add(p+".cause", m.Cause)
			add(p+".remediation", m.Remediation)
		}
	}
	return out
}

// clip shortens long text for a one-line problem.
func clip(s string) string {
	const limit = 120
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
