package diagnose

import (
	"fmt"
	"testing"

	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// TestFactCache: a line repeated with another time takes the facts the
// first one got, a line with another message does not, a line whose time is
// not the agent's layout is never cached, and a batch of mostly new lines
// rests the cache.
func TestFactCache(t *testing.T) {
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	a := New(k, discard{}, Options{})
	scratch := a.matcher.NewScratch()
	line := func(stamp, msg string) parser.Record {
		return parser.ParseLine([]byte(`time="` + stamp + `" level=debug msg="` + msg + `" ExitStatus=41`))
	}
	first := line("2031-02-03T04:05:06Z", "Exiting azcmagent")
	var c factCache
	c.store(&first, a.facts(&first, scratch))
	again := line("2032-12-31T23:59:59Z", "Exiting azcmagent")
	f, ok := c.lookup(&again)
	if !ok || len(f.refs) != 1 || f.refs[0].Code != "AZCM0041" {
		t.Fatalf("the repeated line: %+v, %v; want its exit code from the cache", f, ok)
	}
	if other := line("2031-02-03T04:05:06Z", "Exiting azcmagent now"); func() bool { _, ok := c.lookup(&other); return ok }() {
		t.Error("a line with another message was found in the cache")
	}
	odd := line("AZCM0041-02-03T04:05Z", "Exiting azcmagent")
	c.store(&odd, facts{})
	if _, ok := c.lookup(&odd); ok {
		t.Error("a line whose time is not the agent's layout was cached")
	}
	if !c.worthTrying() {
		t.Fatal("a new cache rests")
	}
	c.account(10, 100)
	for i := range restBatches {
		if c.worthTrying() {
			t.Fatalf("the cache is tried again after %d batches of a log of new lines, want %d", i, restBatches)
		}
	}
	if !c.worthTrying() {
		t.Errorf("the cache still rests after %d batches", restBatches)
	}
	for i := range maxCached + 1 {
		r := line("2031-02-03T04:05:06Z", fmt.Sprint("line ", i))
		c.store(&r, facts{})
	}
	if len(c.lines) > maxCached {
		t.Errorf("the cache holds %d lines, more than %d", len(c.lines), maxCached)
	}
}

// TestAgentStamp checks the word-wise test of the agent's time layout
// against a byte-by-byte one, on a valid time with each byte replaced by
// every other value.
func TestAgentStamp(t *testing.T) {
	const layout = "0000-00-00T00:00:00Z"
	want := func(b []byte) bool {
		for i, c := range b {
			if layout[i] == '0' && (c < '0' || c > '9') || layout[i] != '0' && c != layout[i] {
				return false
			}
		}
		return true
	}
	valid := []byte("2031-02-03T04:05:06Z")
	if !agentStamp(valid) {
		t.Fatalf("%s rejected", valid)
	}
	for i := range valid {
		for c := range 256 {
			b := []byte(string(valid))
			b[i] = byte(c)
			if got := agentStamp(b); got != want(b) {
				t.Fatalf("agentStamp(%q) = %v", b, got)
			}
		}
	}
}
