package kb

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/width"

	"github.com/arcdiag/arcdiag/parser"
)

// hardWrap cuts line into pieces of cols display columns (East Asian wide
// characters take two), joined by newlines, as a terminal of that width
// shows it and a copy of the screen keeps it.
func hardWrap(line string, cols int) string {
	var b strings.Builder
	w := 0
	for _, r := range line {
		rw := 1
		switch k := width.LookupRune(r).Kind(); {
		case r == '\t':
			rw = 8 - w%8 // to the next tab stop
		case k == width.EastAsianWide || k == width.EastAsianFullwidth:
			rw = 2
		}
		if w+rw > cols {
			b.WriteByte('\n')
			w = 0
		}
		b.WriteRune(r)
		w += rw
	}
	return b.String()
}

// TestExamplesMatchWhenWrapped extends TestExamplesMatchInEveryWording to
// the way analyze meets a console capture: every example, as a terminal
// line that a terminal of 80 or 120 columns wrapped, is read back by the
// parser as the one line it was, and recognised by its entry.
func TestExamplesMatchWhenWrapped(t *testing.T) {
	k := loadBuiltinVerified(t)
	m := k.Matcher()
	for _, e := range k.Entries() {
		for _, ex := range e.Examples {
			if wholeLineOnly(e, ex) || strings.ContainsAny(ex, "\n\r") {
				continue
			}
			line := `ERROR[0007] Failed to onboard                              Error="` + ex + `"`
			for _, cols := range []int{80, 120} {
				capture := "[admin@arc-lab-03 ~]$ sudo azcmagent connect\n" + hardWrap(line, cols) + "\nINFO[0007] next\n"
				s := parser.NewScanner(strings.NewReader(capture), "capture.txt", parser.Options{})
				var recs []string
				for s.Scan() {
					recs = append(recs, string(s.Record().Raw))
				}
				if len(recs) != 3 || recs[1] != line {
					t.Errorf("%s: wrapped at %d, read back as %d records: %q", e.ID, cols, len(recs), recs)
					continue
				}
				ms := m.MatchWith(m.NewScratch(), []byte(recs[1]), 0)
				if !slices.ContainsFunc(ms, func(x Match) bool { return x.Entry == e }) {
					t.Errorf("%s: the matcher misses the example wrapped at %d: %s", e.ID, cols, clip(line))
				}
			}
		}
	}
}
