package parser

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pausing reads its pieces in order, one per Read; a "" piece is a pause.
type pausing struct{ pieces []string }

func (p *pausing) Read(b []byte) (int, error) {
	if len(p.pieces) == 0 {
		return 0, io.EOF
	}
	if p.pieces[0] == "" {
		p.pieces = p.pieces[1:]
		return 0, ErrPaused
	}
	n := copy(b, p.pieces[0])
	if p.pieces[0] = p.pieces[0][n:]; p.pieces[0] == "" {
		p.pieces = p.pieces[1:]
	}
	return n, nil
}

// scanPausing scans pieces and returns each record as "line:raw", and each
// Scan that returned false at a pause as "<paused>".
func scanPausing(t *testing.T, pieces ...string) []string {
	t.Helper()
	s := NewScanner(&pausing{pieces}, "live.log", Options{MaxLineLen: 64})
	var out []string
	for range 100 {
		if s.Scan() {
			r := s.Record()
			out = append(out, fmt.Sprintf("%d:%s", r.Line, r.Raw))
			continue
		}
		if !s.Paused() {
			if err := s.Err(); err != nil {
				t.Fatalf("Err() = %v after a pause, want nil", err)
			}
			return out
		}
		out = append(out, "<paused>")
	}
	t.Fatal("no end after 100 scans")
	return nil
}

// TestPausedInput: a live input's pause (ErrPaused) makes Scan return
// false with Paused set and lose nothing: a line waiting for its newline is
// held, a GuestConfig record waiting for its close tag ends at the lines it
// has, and the next Scan reads on.
func TestPausedInput(t *testing.T) {
	tests := []struct {
		name   string
		pieces []string
		want   []string
	}{
		{"between lines", []string{"a\nb\n", "", "c\n"}, []string{"1:a", "2:b", "<paused>", "3:c"}},
		{"half a line held", []string{"a\nha", "", "lf\n"}, []string{"1:a", "<paused>", "2:half"}},
		{"first bytes", []string{"", "a\n"}, []string{"<paused>", "1:a"}},
		{"half a line at the end", []string{"a\nb", ""}, []string{"1:a", "<paused>", "2:b"}},
		{"open GuestConfig record ends at the pause", []string{"<GCLOG>[x] start\nmore\n", "", "after\n"},
			[]string{"1:<GCLOG>[x] start\nmore", "<paused>", "3:after"}},
		{"GuestConfig record closed after the pause is its own", []string{"<GCLOG>[x] start\n", "", "end</GCLOG>\n"},
			[]string{"1:<GCLOG>[x] start", "<paused>", "2:end</GCLOG>"}},
		{"over-long line waits for its end", []string{strings.Repeat("x", 70), "", strings.Repeat("y", 10) + "\nz\n"},
			[]string{"1:" + strings.Repeat("x", 64), "<paused>", "2:z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, scanPausing(t, tt.pieces...)); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPauseThroughDecoders: UTF-16 input is transcoded by a reader that
// would keep a pause as its final error, so pauses are waited out there
// and the stream is read whole.
func TestPauseThroughDecoders(t *testing.T) {
	s := NewScanner(&pausing{[]string{"\xff\xfea\x00\n\x00", "", "b\x00\n\x00"}}, "live.log", Options{})
	var got []string
	for s.Scan() {
		got = append(got, string(s.Record().Raw))
	}
	if diff := cmp.Diff([]string{"a", "b"}, got); diff != "" || s.Err() != nil || s.Paused() {
		t.Errorf("records (-want +got):\n%s err %v paused %v", diff, s.Err(), s.Paused())
	}
}

// TestPauseInBOMlessUTF16Head: a live UTF-16 log without a BOM that pauses
// after three bytes is still read as UTF-16 (the fourth byte decides).
func TestPauseInBOMlessUTF16Head(t *testing.T) {
	s := NewScanner(&pausing{[]string{"a\x00\n", "", "\x00b\x00\n\x00"}}, "live.log", Options{})
	var got []string
	for s.Scan() {
		got = append(got, string(s.Record().Raw))
	}
	if diff := cmp.Diff([]string{"a", "b"}, got); diff != "" || s.Err() != nil || s.Encoding().Charset != UTF16LE {
		t.Errorf("records (-want +got):\n%s err %v encoding %v", diff, s.Err(), s.Encoding())
	}
}
