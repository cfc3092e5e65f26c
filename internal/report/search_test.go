package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/kb"
)

// TestSearchHighlight checks how search marks matching words: colour on a
// terminal, nothing on a pipe, <mark> in JSON.
func TestSearchHighlight(t *testing.T) {
	marks := []index.Span{{Start: 4, End: 9}, {Start: 14, End: 20}}
	text := "the proxy was denied"
	if got, want := highlight(text, marks, styleFor(Options{Width: 80, Color: true}), ""), "the \x1b[1;31mproxy\x1b[0m was \x1b[1;31mdenied\x1b[0m"; got != want {
		t.Errorf("terminal: %q, want %q", got, want)
	}
	// In a bold title, bold resumes after each mark.
	if got, want := highlight(text, marks[:1], styleFor(Options{Width: 80, Color: true}), bold), "the \x1b[1;31mproxy\x1b[0m\x1b[1m was denied"; got != want {
		t.Errorf("terminal title: %q, want %q", got, want)
	}
	for _, st := range []style{{}, styleFor(Options{Width: 80})} {
		if got := highlight(text, marks, st, ""); got != text {
			t.Errorf("no colour (%+v): %q", st, got)
		}
	}
	res := &index.Result{Query: "proxy denied", Total: 1, Hits: []index.Hit{{ID: "x", Kind: kb.KindNote, Title: "X", Score: 1.23456,
		Fragments: []index.Fragment{{Field: "cause", Lang: kb.EN, Text: text, Marks: marks}}}}}
	j := searchToJSON(res)
	if got, want := j.Hits[0].Fragments[0].Text, "the <mark>proxy</mark> was <mark>denied</mark>"; got != want {
		t.Errorf("JSON fragment %q, want %q", got, want)
	}
	if j.Hits[0].Score != 1.2346 {
		t.Errorf("JSON score %v, want 1.2346", j.Hits[0].Score)
	}
	// A script reads "exact" without checking that it exists.
	var buf bytes.Buffer
	out := NewJSON(&buf, nil, Options{})
	out.Search(res)
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"exact": false`) {
		t.Errorf("a hit that is not exact has no \"exact\": false:\n%s", buf.String())
	}
	// One JSON style for every command: < is written as it is.
	if !strings.Contains(buf.String(), "the <mark>proxy</mark>") {
		t.Errorf("search JSON escapes <mark>:\n%s", buf.String())
	}
}

// TestSearchProblem words every reason the parser refuses a query for:
// in English as the index says it, in Japanese with the filter or the
// bound kept; another failure keeps its own words.
func TestSearchProblem(t *testing.T) {
	reasons := map[index.QueryReason]bool{}
	for q, detail := range map[string]string{
		"":                         "",
		strings.Repeat("a", 2000):  "2000",
		strings.Repeat("zzq ", 40): "40",
		"kind:poem proxy":          "kind:poem",
		"status:old proxy":         "status:old",
		"code:hello":               "code:hello",
	} {
		err := index.Validate(q)
		var qe *index.QueryError
		if !errors.As(err, &qe) {
			t.Fatalf("Validate(%.20q) = %v, want a *QueryError", q, err)
		}
		reasons[qe.Reason] = true
		if en := SearchProblem(err, kb.EN); en != err.Error() {
			t.Errorf("%.20q: English %q, the index says %q", q, en, err.Error())
		}
		ja := SearchProblem(err, kb.JA)
		if !strings.Contains(ja, detail) || !strings.ContainsFunc(ja, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana) }) {
			t.Errorf("%.20q: Japanese %q, want Japanese with %q", q, ja, detail)
		}
	}
	if len(reasons) != len(queryProblems) {
		t.Errorf("the queries gave %d reasons, queryProblems words %d", len(reasons), len(queryProblems))
	}
	other := errors.New("bleve: index closed")
	if got := SearchProblem(other, kb.JA); !strings.Contains(got, "bleve: index closed") || got == other.Error() {
		t.Errorf("another failure in Japanese: %q", got)
	}
}
