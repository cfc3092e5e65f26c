package report

import (
	"bytes"
	"strings"
	"testing"

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
