package follow

import (
	"bytes"
	"testing"
	"time"
)

// FuzzLineAssembly feeds bytes to the follower's assembly in reads of arbitrary sizes,
// with a small line bound. Whatever the read boundaries, the bytes passed on are the
// input, once and in order; each piece ends with a newline except a line longer than the
// bound with its CRLF (its reader truncates it) and the unfinished rest flushed when
// following stops; nothing is held past the bound. A file that starts with a UTF-16LE
// byte-order mark is cut after "\n\x00" at even offsets, never inside a character.
func FuzzLineAssembly(f *testing.F) {
	f.Add([]byte("one\ntwo\r\nthree"), []byte{1, 2, 3}, false)
	f.Add([]byte("short\n"+string(bytes.Repeat([]byte("L"), 100))+"\nafter\n"), []byte{7, 50, 1}, false)
	f.Add([]byte("\n\n\r\n"), []byte{1}, false)
	f.Add([]byte("client_secret=abcdefghijklmnopqrstuvwxyz0123456789\nnext"), []byte{30, 30}, false)
	f.Add([]byte("a\x00\n\x00\n\n\x00\x00\n\x00b"), []byte{0, 2, 1}, true)
	saved := maxLine
	f.Cleanup(func() { maxLine = saved })
	f.Fuzz(func(t *testing.T, data, reads []byte, utf16 bool) {
		maxLine = 32
		if len(data) > 1<<12 {
			return
		}
		lineEnd := []byte("\n")
		if utf16 {
			data = append([]byte{0xff, 0xfe}, data...)
			lineEnd = []byte("\n\x00")
		}
		out := make(chan chunk, len(data)+2)
		fl := &follower{out: out, lookTick: time.NewTicker(time.Hour)}
		defer fl.lookTick.Stop()
		for rest, i := data, 0; len(rest) > 0; i++ {
			n := len(rest)
			if len(reads) > 0 {
				n = min(n, 1+int(reads[i%len(reads)]))
			}
			fl.consume(rest[:n])
			rest = rest[n:]
			if len(fl.pending) >= maxLine+2 {
				t.Fatalf("%d bytes held, past the bound %d", len(fl.pending), maxLine+2)
			}
		}
		held := len(fl.pending)
		fl.flush()
		close(out)
		var got []byte
		var pieces [][]byte
		for c := range out {
			if c.ev != nil || len(c.data) == 0 {
				t.Fatalf("got %+v, want bytes", c)
			}
			got = append(got, c.data...)
			pieces = append(pieces, c.data)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("passed on %q, want %q", got, data)
		}
		off := 0
		for i, p := range pieces {
			last := i == len(pieces)-1 && held > 0
			end := off + len(p)
			off = end
			switch {
			case bytes.HasSuffix(p, lineEnd) && (!utf16 || end%2 == 0), last:
			case len(p) >= maxLine+2:
			default:
				t.Fatalf("piece %d %q ends in the middle of a line", i, p)
			}
		}
	})
}
