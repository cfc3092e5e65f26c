package kb

import (
	"strings"
)

// Kind classifies an entry.
type Kind string

// The kinds of entry. A code entry explains one AZCM code; a message entry
// recognises a failure by its text; a note is background that other entries
// cite as a footnote; a benign entry recognises a line that looks like a
// failure but is expected; a state entry recognises a line saying that a part
// of the agent works (connected, heartbeat resumed, ESU enabled), so that a
// log can also answer "is it working now?".
const (
	KindCode    Kind = "code"
	KindMessage Kind = "message"
	KindNote    Kind = "note"
	KindBenign  Kind = "benign"
	KindState   Kind = "state"
)

// Kinds lists every valid kind, in display order.
var Kinds = []Kind{KindCode, KindMessage, KindNote, KindBenign, KindState}

// Status says whether an entry describes something the current documentation
// still lists.
type Status string

// The statuses. An empty status in YAML means current.
const (
	StatusCurrent  Status = "current"
	StatusHistoric Status = "historic"
)

// Lang is a language the knowledge base is written in.
type Lang string

// The supported languages.
const (
	EN Lang = "en"
	JA Lang = "ja"
)

// Text is a sentence or paragraph in every supported language.
type Text struct {
	EN string `yaml:"en"`
	JA string `yaml:"ja"`
}

// In returns the text in lang, falling back to English where a translation
// is optional and missing.
func (t Text) In(lang Lang) string {
	if lang == JA && t.JA != "" {
		return t.JA
	}
	return t.EN
}

// IsZero reports whether no language has text.
func (t Text) IsZero() bool { return t.EN == "" && t.JA == "" }

// Link points to an official page.
type Link struct {
	Title string `yaml:"title" json:"title"`
	URL   string `yaml:"url" json:"url"`
}

// Scope limits where an entry or a meaning applies. Empty fields mean
// "everywhere".
type Scope struct {
	// OS is "linux" or "windows".
	OS string `yaml:"os"`
	// Agent is a version constraint such as ">=1.31.02347 <1.31.02356".
	Agent string `yaml:"agent"`
}

// IsZero reports whether the scope is unrestricted.
func (s Scope) IsZero() bool { return s.OS == "" && s.Agent == "" }

// Meaning is one explanation of an entry that holds only in a scope: an
// earlier documented meaning (with dates) or the current meaning on one OS or
// agent version.
type Meaning struct {
	// From and To are the dates (YYYY-MM-DD) the documentation gave this
	// meaning; To is empty for a meaning still in force.
	From        string `yaml:"from"`
	To          string `yaml:"to"`
	Scope       Scope  `yaml:"scope"`
	Title       Text   `yaml:"title"`
	Cause       Text   `yaml:"cause"`
	Remediation Text   `yaml:"remediation"`
}

// ExitStatus is what the official exit-code table says of the process exit
// status with the same number as a code.
type ExitStatus struct {
	Title       Text `yaml:"title"`
	Remediation Text `yaml:"remediation"`
}

// Entry is one article of the knowledge base.
type Entry struct {
	ID          string      `yaml:"id"`
	Kind        Kind        `yaml:"kind"`
	Status      Status      `yaml:"status"`
	Title       Text        `yaml:"title"`
	Cause       Text        `yaml:"cause"`
	Remediation Text        `yaml:"remediation"`
	Aliases     []string    `yaml:"aliases"`
	Codes       []string    `yaml:"codes"`
	Exit        *ExitStatus `yaml:"exit"`
	Patterns    []string    `yaml:"patterns"`
	Examples    []string    `yaml:"examples"`
	Footnotes   []string    `yaml:"footnotes"`
	Links       []Link      `yaml:"links"`
	// Sources are the public pages the entry's facts come from: a Microsoft
	// Learn page, a GitHub issue or discussion, a release-notes entry.
	Sources  []string  `yaml:"sources"`
	Tags     []string  `yaml:"tags"`
	Scope    Scope     `yaml:"scope"`
	Variants []Meaning `yaml:"variants"`
	History  []Meaning `yaml:"history"`

	// Origin is where the entry was read from.
	Origin Origin `yaml:"-"`

	// lines maps a field path such as "patterns[2]" to its line in Origin.File.
	lines map[string]int
	// trusted is set for entries of a trusted layer (the built-in entries,
	// checked by the tests): Lint leaves them, and pairs of them, alone.
	trusted bool
	// matcher holds the compiled patterns; built on first use.
	matcher *entryMatcher
}

// Origin names the file and line an entry was read from, and the layer
// ("built-in" or a --kb-dir directory) it belongs to.
type Origin struct {
	Layer string
	File  string
	Line  int
}

// String formats the origin as file:line.
func (o Origin) String() string {
	return o.File + ":" + itoa(o.Line)
}

// line returns the line of a field path, or the entry's own line.
func (e *Entry) line(path string) int {
	if l, ok := e.lines[path]; ok {
		return l
	}
	return e.Origin.Line
}

// HasTag reports whether the entry carries tag (case-insensitive).
func (e *Entry) HasTag(tag string) bool {
	for _, t := range e.Tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}

// Historic reports whether the entry describes something the current
// documentation no longer lists.
func (e *Entry) Historic() bool { return e.Status == StatusHistoric }

// ExitCode returns the process exit status that shares the entry's code
// number, or -1 for an entry that is not a code.
func (e *Entry) ExitCode() int {
	if e.Kind != KindCode {
		return -1
	}
	n, ok := codeNumber(e.ID)
	if !ok {
		return -1
	}
	return n
}
