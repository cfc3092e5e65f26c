package diagnose

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/arcdiag/arcdiag/kb"
)

// fakeSuggester offers one entry for any text holding "widget", and
// records what it was asked.
type fakeSuggester struct {
	entry *kb.Entry
	asked []string
}

func (s *fakeSuggester) Entries(text string) []*kb.Entry {
	s.asked = append(s.asked, text)
	if strings.Contains(text, "widget") {
		return []*kb.Entry{s.entry}
	}
	return nil
}

// TestSuggestionsOnlyForUnexplainedErrors: the suggester is asked about the
// error lines no entry explains, and about nothing else; a run with nothing
// recognised takes the suggestion as its verdict, labelled as one, and one
// with a recognised cause keeps it.
func TestSuggestionsOnlyForUnexplainedErrors(t *testing.T) {
	k := loadKB(t)
	offered, _ := k.Get("himds-not-running")
	s := &fakeSuggester{entry: offered}
	log := strings.Join([]string{
		`time="2031-02-03T04:05:06Z" level=info msg="Agent Command: connect"`,
		`time="2031-02-03T04:05:06Z" level=warning msg="the widget is slow"`,
		`time="2031-02-03T04:05:07Z" level=error msg="the widget broke"`,
		`time="2031-02-03T04:05:08Z" level=error msg="something else"`,
		`time="2031-02-03T04:20:00Z" level=info msg="Agent Command: connect"`,
		`time="2031-02-03T04:20:01Z" level=error msg="the widget broke"`,
		`time="2031-02-03T04:20:02Z" level=fatal msg="Failed to acquire authorization token from SPN" Error="AADSTS7000215: Invalid client secret is provided."`,
	}, "\n") + "\n"
	rec, _ := analyze(t, log, "linux", Options{Suggester: s})
	if diff := cmp.Diff([]string{"the widget broke", "something else", "the widget broke"}, s.asked); diff != "" {
		t.Errorf("asked about (-want +got):\n%s", diff)
	}
	var suggested []int
	for _, f := range rec.findings {
		if len(f.Suggested) > 0 {
			suggested = append(suggested, f.Line)
		}
	}
	if diff := cmp.Diff([]int{3, 6}, suggested); diff != "" {
		t.Errorf("lines with suggestions (-want +got):\n%s", diff)
	}
	if len(rec.runs) != 2 {
		t.Fatalf("%d runs, want 2", len(rec.runs))
	}
	first, second := rec.runs[0], rec.runs[1]
	if first.Verdict != offered || !first.VerdictSuggested || first.VerdictFinding == nil || first.VerdictFinding.Line != 3 {
		t.Errorf("run 1: verdict %v suggested %v, want %s from line 3, suggested", first.Verdict, first.VerdictSuggested, offered.ID)
	}
	if !hasNote(first, "next-steps") {
		t.Error("run 1: a suggested verdict should keep the next-steps note")
	}
	if second.Verdict == nil || second.Verdict.ID != "spn-invalid-secret" || second.VerdictSuggested {
		t.Errorf("run 2: verdict %v suggested %v, want spn-invalid-secret, recognised", second.Verdict, second.VerdictSuggested)
	}

	// Without a suggester, nothing is suggested and the first run is
	// unexplained, as before.
	rec, _ = analyze(t, log, "linux", Options{})
	if v := rec.runs[0].Verdict; v != nil {
		t.Errorf("without a suggester, run 1's verdict is %s", v.ID)
	}
}

func hasNote(run *Run, id string) bool {
	for _, n := range run.Notes {
		if n.ID == id {
			return true
		}
	}
	return false
}
