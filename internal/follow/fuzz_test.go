package follow

import (
	"bytes"
	"testing"
	"time"
)

// FuzzLineAssembly feeds bytes to the follower's line assembly in reads of
// arbitrary sizes, with a small line bound. Whatever the read boundaries,
// each newline gives exactly one Line, at the offset where its line starts,
// holding the line (without "\r") or, Truncated, its first maxLine bytes;
// nothing is held past the bound, and stopping flushes the unfinished rest.
func FuzzLineAssembly(f *testing.F) {
	f.Add([]byte("one\ntwo\r\nthree"), []byte{1, 2, 3})
	f.Add([]byte("short\n"+string(bytes.Repeat([]byte("L"), 100))+"\nafter\n"), []byte{7, 50, 1})
	f.Add([]byte("\n\n\r\n"), []byte{1})
	f.Add([]byte("client_secret=abcdefghijklmnopqrstuvwxyz0123456789\nnext"), []byte{30, 30})
	saved := maxLine
	f.Cleanup(func() { maxLine = saved })
	f.Fuzz(func(t *testing.T, data, reads []byte) {
		maxLine = 32
		if len(data) > 1<<12 {
			return
		}
		out := make(chan Event, len(data)+2)
		fl := &follower{out: out, lookTick: time.NewTicker(time.Hour)}
		defer fl.lookTick.Stop()
		for rest, i := data, 0; len(rest) > 0; i++ {
			n := len(rest)
			if len(reads) > 0 {
				n = min(n, 1+int(reads[i%len(reads)]))
			}
			fl.consume(rest[:n])
			rest = rest[n:]
			if len(fl.pending) > maxLine+n {
				t.Fatalf("%d bytes held, more than the bound %d and one read", len(fl.pending), maxLine)
			}
		}
		fl.flush()
		close(out)
		var got []Line
		for ev := range out {
			got = append(got, ev.Line)
		}
		lines := bytes.SplitAfter(data, []byte("\n"))
		if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
			lines = lines[:len(lines)-1]
		}
		off := 0
		j := 0
		for _, l := range lines {
			complete := bytes.HasSuffix(l, []byte("\n"))
			start := off
			off += len(l)
			text := bytes.TrimSuffix(l, []byte("\n"))
			if complete {
				text = bytes.TrimSuffix(text, []byte("\r"))
			}
			if j >= len(got) {
				if !complete {
					continue // an unfinished line cut and skipped past the bound
				}
				t.Fatalf("line %d (%q) not delivered; got %d lines", j+1, text, len(got))
			}
			g := got[j]
			if g.Offset != int64(start) {
				if !complete {
					continue
				}
				t.Fatalf("line %d at offset %d, want %d", j+1, g.Offset, start)
			}
			j++
			switch {
			case g.Truncated:
				if len(g.Text) != maxLine || !bytes.HasPrefix(l, []byte(g.Text)) {
					t.Fatalf("line %d truncated to %q, want the first %d bytes of %q", j, g.Text, maxLine, l)
				}
			case !complete:
				if !g.Partial || g.Text != string(bytes.TrimSuffix(text, []byte("\r"))) {
					t.Fatalf("unfinished line %d: %+v, want Partial %q", j, g, text)
				}
			default:
				if g.Text != string(text) || g.Partial {
					t.Fatalf("line %d: %q partial %v, want %q", j, g.Text, g.Partial, text)
				}
			}
		}
		if j != len(got) {
			t.Fatalf("%d lines delivered, %d expected: %+v", len(got), j, got[j:])
		}
	})
}
