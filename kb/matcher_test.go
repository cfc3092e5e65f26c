package kb

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/arcdiag/arcdiag/internal/loggen"
)

// bruteForce matches text against every pattern of every entry, the slow
// way the matcher must agree with.
func bruteForce(k *KB, text string) []string {
	var ids []string
	for _, e := range k.patterned {
		if e.Matches(text) {
			ids = append(ids, e.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

func matchedIDs(ms []Match) []string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.Entry.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestMatcherAgreesWithRegexps checks that the literal filter never hides a
// match: on every example of the built-in KB, and on variants of them with
// the case changed and the text escaped as logrus escapes a value.
func TestMatcherAgreesWithRegexps(t *testing.T) {
	skipExhaustiveInShort(t)
	k := loadBuiltinVerified(t)
	m := k.Matcher()
	var texts []string
	for _, e := range k.Entries() {
		for _, ex := range e.Examples {
			escaped := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(ex)
			texts = append(texts, ex, strings.ToUpper(ex), strings.ToLower(ex),
				`time="2031-02-03T04:05:06Z" level=error msg="x" Error="`+escaped+`"`)
		}
	}
	for _, text := range texts {
		want := bruteForce(k, text)
		got := matchedIDs(m.Match([]byte(text)))
		if !slices.Equal(got, want) {
			t.Errorf("matcher %v, regexps %v, on %q", got, want, clip(text))
		}
		// The log path (no positions for benign entries, plain literals
		// checked without their regexp) must agree too.
		if got := matchedIDs(m.MatchWith(m.NewScratch(), []byte(text), 0)); !slices.Equal(got, want) {
			t.Errorf("MatchWith %v, regexps %v, on %q", got, want, clip(text))
		}
	}
}

// TestBuiltinPatternsAllFilterable keeps analyze fast: every built-in
// pattern must contain a literal the filter can step over a line with.
func TestBuiltinPatternsAllFilterable(t *testing.T) {
	k := loadBuiltinVerified(t)
	m := k.Matcher()
	for _, e := range m.Unfiltered() {
		t.Errorf("%s (%s): a pattern has no literal of %d or more bytes, so it runs on every log line: %q",
			e.ID, e.Origin, minLiteral, e.Patterns)
	}
	for _, lits := range m.filter.short.byHash {
		for _, l := range lits {
			e := m.patterns[l.pattern].entry
			t.Errorf("%s (%s): pattern %q has only short literals such as %q; give it one of %d bytes or more",
				e.ID, e.Origin, m.patterns[l.pattern].re(), l.folded, minLiteral+stride-1)
		}
	}
}

func TestRequiredLiterals(t *testing.T) {
	tests := []struct {
		pattern string
		want    [][]string
	}{
		{`x509: certificate signed by unknown authority`, [][]string{{"x509: certificate signed by unknown authority"}}},
		{`AADSTS7000215`, [][]string{{"aadsts7000215"}}},
		{`(?i)(?:does not|doesn't) have authorization to perform`, [][]string{{"does not have authorization to perform", "doesn't have authorization to perform"}}},
		{`AADSTS(?:50076|50079)\b`, [][]string{{"aadsts50076", "aadsts50079"}}},
		{`(?i)/oauth2/(?:v2\.0/)?devicecode\b.*\bForbidden\b`, [][]string{{"/oauth2/v2.0/devicecode", "/oauth2/devicecode"}, {"forbidden"}}},
		{`namespace '?Microsoft\.HybridCompute`, [][]string{{"namespace 'microsoft.hybridcompute", "namespace microsoft.hybridcompute"}}},
		{`Error="\{\\"error`, [][]string{{`error=`}}},
		{`a.b`, nil},
		{`(?:foo|ba)x`, nil},
		{`(?:foo|bar)x+yzzy`, [][]string{{"yzzy"}}},
		{`(?i)\bATS[ -]?agent\b`, [][]string{{"ats agent", "ats-agent", "atsagent"}}},
		{`\d+ms`, nil},
	}
	for _, tt := range tests {
		got := requiredLiterals(tt.pattern)
		for _, set := range got {
			for i := range set {
				set[i] = strings.ToLower(set[i]) // case-insensitive parts come back upper-cased
			}
		}
		if !slices.EqualFunc(got, tt.want, slices.Equal) {
			t.Errorf("requiredLiterals(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
}

// TestBuiltinPatternsSelective keeps analyze fast on real logs: on the
// ordinary lines of a generated agent log, no pattern may make the filter
// run its regular expression in vain on more than 0.5 % of lines (a
// regular expression costs a hundred times the filter). Patterns anchored
// at the start of the line fail at once and are exempt.
func TestBuiltinPatternsSelective(t *testing.T) {
	k := loadBuiltinVerified(t)
	m := k.Matcher()
	var buf bytes.Buffer
	if err := loggen.Write(&buf, 8<<20, 7); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(buf.Bytes(), []byte("\n"))
	wasted := make([]int, len(m.patterns))
	for _, line := range lines {
		found := map[int]bool{}
		m.filter.scan(line, func(p int) { found[p] = true })
		folded := []byte(foldString(string(line)))
		for p := range found {
			pat := m.patterns[p]
			if holdsAll(folded, pat.checks) && pat.re().Find(line) == nil && Unescape(string(line)) == string(line) {
				wasted[p]++
			}
		}
	}
	for p, n := range wasted {
		pat := m.patterns[p]
		anchored := strings.HasPrefix(strings.TrimPrefix(pat.re().String(), "(?i)"), "^")
		if !anchored && n*200 > len(lines) {
			t.Errorf("%s (%s): pattern %q runs in vain on %d of %d ordinary lines; make its literals more specific",
				pat.entry.ID, pat.entry.Origin, pat.re(), n, len(lines))
		}
	}
}

func TestPlainLiteral(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		plain   bool
		line    string
		want    bool
	}{
		{`(?i)\bAzure not detected\b`, true, `msg="Cloud provider check: AZURE NOT DETECTED"`, true},
		{`(?i)\bAzure not detected\b`, true, `msg="xAzure not detected"`, false},
		{`(?i)\bAzure not detected\b`, true, `xAzure not detected, then Azure not detected.`, true},
		{`Not Found`, true, `404 not found`, false},
		{`Not Found`, true, `404 Not Found`, true},
		{`a.b`, false, ``, false},
		{`"quoted"`, false, ``, false},
	} {
		l := asPlainLiteral(tt.pattern)
		if (l != nil) != tt.plain {
			t.Errorf("asPlainLiteral(%q) plain = %v, want %v", tt.pattern, l != nil, tt.plain)
			continue
		}
		if l == nil {
			continue
		}
		line := []byte(tt.line)
		if got := l.in(line, foldInto(nil, line)); got != tt.want {
			t.Errorf("%q in %q = %v, want %v", tt.pattern, tt.line, got, tt.want)
		}
	}
}

// TestPatternsIgnoreTheTime: analyze remembers the facts of an agent log
// line that repeats with only its time changed (internal/diagnose's
// factCache), which is right only while no pattern tells two times apart.
// Every example, in the agent's logrus form if it is not already, must be
// recognised the same way (entries and positions) whatever the time.
func TestPatternsIgnoreTheTime(t *testing.T) {
	k := loadBuiltinVerified(t)
	m := k.Matcher()
	stamps := []string{"2031-02-03T04:05:06Z", "1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z", "2087-07-17T17:17:17Z", "0000-00-00T00:00:00Z"}
	const stamped = len(`time="2031-02-03T04:05:06Z"`)
	checked := 0
	for _, e := range k.Entries() {
		for _, ex := range e.Examples {
			var rest string
			if len(ex) > stamped && strings.HasPrefix(ex, `time="`) && ex[stamped-1] == '"' {
				rest = ex[stamped:]
			} else {
				rest = ` level=error msg=` + strconv.Quote(ex)
			}
			want := m.Match([]byte(`time="` + stamps[0] + `"` + rest))
			for _, s := range stamps[1:] {
				line := `time="` + s + `"` + rest
				if got := m.Match([]byte(line)); !slices.Equal(got, want) {
					t.Errorf("%s: %v on %q, but %v with the time %s", e.ID, want, clip(line), got, stamps[0])
				}
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("only %d examples checked", checked)
	}
}
