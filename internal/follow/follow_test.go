package follow

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/arcdiag/arcdiag/internal/follow/rotationtest"
)

// followLines adapts Follow to the scenario harness: line texts go to the harness, the
// other events are counted in kinds, readable once the returned channel is closed.
func followLines(t *testing.T, opts Options, kinds map[Kind]int) rotationtest.LineSource {
	return func(ctx context.Context, path string) (<-chan string, error) {
		events, err := followEvents(ctx, path, opts)
		if err != nil {
			return nil, err
		}
		return rotationtest.Lines(events, func(ev testEvent) (string, bool) {
			kinds[ev.Kind]++
			if ev.Kind == KindError {
				t.Errorf("error event: %v", ev.Err)
			}
			return ev.Line.Text, ev.Kind == kindLine
		}), nil
	}
}

func TestRotationNoLossNoDup(t *testing.T) {
	tests := []struct {
		name string
		sc   rotationtest.Scenario
		poll bool
	}{
		{"rename+create", rotationtest.Scenario{Mode: rotationtest.RotateRename, Lines: 100_000, Every: 3000}, false},
		{"delete+recreate", rotationtest.Scenario{Mode: rotationtest.RotateRemove, Lines: 100_000, Every: 3000}, false},
		{"copytruncate", rotationtest.Scenario{Mode: rotationtest.RotateCopyTruncate, Lines: 100_000, Every: 3000}, false},
		{"poll/rename+create", rotationtest.Scenario{Mode: rotationtest.RotateRename, Lines: 20_000, Every: 3000}, true},
		{"poll/delete+recreate", rotationtest.Scenario{Mode: rotationtest.RotateRemove, Lines: 20_000, Every: 3000}, true},
		{"burst/rename+create", rotationtest.Scenario{Mode: rotationtest.RotateRename, Lines: 30_000, Every: 3000, Burst: true}, false},
		{"burst/delete+recreate", rotationtest.Scenario{Mode: rotationtest.RotateRemove, Lines: 30_000, Every: 3000, Burst: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kinds := map[Kind]int{}
			res := rotationtest.Run(t, tt.sc, followLines(t, Options{Poll: tt.poll}, kinds), 20*time.Second)
			rotations := (tt.sc.Lines - 1) / tt.sc.Every
			t.Logf("%v; %d reopened, %d truncated", res, kinds[KindReopened], kinds[KindTruncated])
			if res.Stalled != "" || len(res.Corrupt) > 0 || res.Dups > 0 {
				t.Fatalf("%v", res)
			}
			if tt.sc.Mode == rotationtest.RotateCopyTruncate {
				// Lines the follower had not read when the file was truncated are lost:
				// they are in the copy. The test logs how many; it asserts what must hold.
				if kinds[KindTruncated] < 1 || kinds[KindTruncated] > rotations || kinds[KindReopened] != 0 {
					t.Errorf("%d truncated, %d reopened events, want 1..%d and 0", kinds[KindTruncated], kinds[KindReopened], rotations)
				}
				return
			}
			if res.Missing > 0 || res.Lines != tt.sc.Lines {
				t.Fatalf("%v", res)
			}
			if kinds[KindReopened] != rotations || kinds[KindTruncated] != 0 {
				t.Errorf("%d reopened, %d truncated events, want %d and 0", kinds[KindReopened], kinds[KindTruncated], rotations)
			}
		})
	}
}

// next returns the next event, failing the test after a few seconds without one.
func next(t *testing.T, events <-chan testEvent) testEvent {
	t.Helper()
	select {
	case ev := <-events:
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
		return testEvent{}
	}
}

// quiet fails if an event arrives within a short while; only for what must NOT be sent.
func quiet(t *testing.T, events <-chan testEvent) {
	t.Helper()
	select {
	case ev := <-events:
		t.Fatalf("unexpected event %v %q", ev.Kind, ev.Line.Text)
	case <-time.After(100 * time.Millisecond):
	}
}

// lineTexts receives n line events and returns their texts.
func lineTexts(t *testing.T, events <-chan testEvent, n int) []string {
	t.Helper()
	var got []string
	for len(got) < n {
		ev := next(t, events)
		if ev.Kind != kindLine {
			t.Fatalf("got %v event, want a line (after %q)", ev.Kind, got)
		}
		got = append(got, ev.Line.Text)
	}
	return got
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func TestFileCreatedLater(t *testing.T) {
	for _, poll := range []bool{false, true} {
		t.Run(fmt.Sprintf("poll=%v", poll), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "himds.log")
			events, err := followEvents(t.Context(), path, Options{Poll: poll})
			if err != nil {
				t.Fatal(err)
			}
			if ev := next(t, events); ev.Kind != KindWaiting {
				t.Fatalf("first event %v, want waiting", ev.Kind)
			}
			quiet(t, events)
			// Written before the follower notices the file: still read, from the start.
			appendFile(t, path, "one\ntwo\n")
			appendFile(t, path, "three\n")
			if diff := cmp.Diff([]string{"one", "two", "three"}, lineTexts(t, events, 3)); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStartOffset(t *testing.T) {
	tests := []struct {
		name    string
		content string
		opts    Options
		want    []string // lines emitted once "new\n" is appended
	}{
		{"end", "a\nb\nc\n", Options{}, []string{"new"}},
		{"end/partial last line completed", "a\nb\nc", Options{}, []string{"cnew"}},
		{"lines=2", "a\nb\nc\n", Options{Lines: 2}, []string{"b", "c", "new"}},
		{"lines=1/partial counts as a line", "a\nb\nc", Options{Lines: 1}, []string{"cnew"}},
		{"lines=2/partial counts as a line", "a\nb\nc", Options{Lines: 2}, []string{"b", "cnew"}},
		{"lines=10/more than the file", "a\nb\nc\n", Options{Lines: 10}, []string{"a", "b", "c", "new"}},
		{"lines/empty lines count", "a\n\n\n", Options{Lines: 2}, []string{"", "", "new"}},
		{"from start", "a\nb\n", Options{FromStart: true, Lines: 1}, []string{"a", "b", "new"}},
		{"crlf", "a\r\nb\r\n", Options{Lines: 1}, []string{"b", "new"}},
		{"empty file", "", Options{Lines: 5}, []string{"new"}},
		{"lines=1/across read buffers", strings.Repeat("x", 3*bufSize) + "\nlast\n", Options{Lines: 1}, []string{"last", "new"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "azcmagent.log")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			events, err := followEvents(t.Context(), path, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			appendFile(t, path, "new\n")
			if diff := cmp.Diff(tt.want, lineTexts(t, events, len(tt.want))); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			quiet(t, events)
		})
	}
}

func TestPartialLineHeldAndFlushed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.log")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	events, err := followEvents(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	appendFile(t, path, "half a li")
	quiet(t, events)
	appendFile(t, path, "ne\nunfinished")
	ev := next(t, events)
	if want := (Line{Text: "half a line", Offset: 0, End: 12}); ev.Line != want {
		t.Errorf("got %+v, want %+v", ev.Line, want)
	}
	quiet(t, events)
	cancel()
	ev = next(t, events)
	if ev.Line.Text != "unfinished" || !ev.Line.Partial || ev.Line.Offset != 12 || ev.Line.End != 22 {
		t.Errorf("flushed at exit: got %+v, want Partial %q at offset 12", ev.Line, "unfinished")
	}
	if ev, ok := <-events; ok {
		t.Errorf("got %v after the flush, want the channel closed", ev.Kind)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Follow(t.Context(), filepath.Join(dir, "missing", "agent.log"), Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing directory: got %v, want fs.ErrNotExist", err)
	}
	if _, err := Follow(t.Context(), dir, Options{}); err == nil {
		t.Errorf("a directory: got no error")
	}
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("permission bits do not stop this user from reading")
	}
	path := filepath.Join(dir, "himds.log")
	if err := os.WriteFile(path, []byte("secret\n"), 0o200); err != nil {
		t.Fatal(err)
	}
	if _, err := Follow(t.Context(), path, Options{}); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("unreadable file: got %v, want fs.ErrPermission", err)
	}

	// Rotated to a file this user cannot read: an error event, then the end.
	path = filepath.Join(dir, "agent.log")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	events, err := followEvents(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("secret\n"), 0o200); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, events); ev.Kind != KindError || !errors.Is(ev.Err, fs.ErrPermission) {
		t.Errorf("after rotation to an unreadable file: got %v %v, want an error wrapping fs.ErrPermission", ev.Kind, ev.Err)
	}
	if ev, ok := <-events; ok {
		t.Errorf("got %v after the error, want the channel closed", ev.Kind)
	}
}

// stepper drives a follower by hand, without a goroutine or notifications, so that a
// test decides exactly what happens to the file between two looks.
type stepper struct {
	*follower
	events chan chunk
}

func newStepper(t *testing.T, path string, opts Options) *stepper {
	t.Helper()
	f, err := openFile(path)
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan chunk, 1000)
	fl := &follower{path: path, name: filepath.Base(path), out: events,
		buf: make([]byte, bufSize), guard: make([]byte, 0, guardSize), check: make([]byte, guardSize)}
	if err := fl.attach(f, opts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if fl.f != nil {
			fl.f.Close()
		}
	})
	return &stepper{fl, events}
}

// look steps once and returns what was passed on: bytes as their text, events as "<kind>".
func (s *stepper) look(t *testing.T) []string {
	t.Helper()
	if err := s.step(t.Context()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for len(s.events) > 0 {
		c := <-s.events
		if c.ev != nil {
			got = append(got, "<"+c.ev.Kind.String()+">")
		} else {
			got = append(got, string(c.data))
		}
	}
	return got
}

func TestRotationSteps(t *testing.T) {
	numberedLines := func(from, to int) string {
		var b strings.Builder
		for i := from; i <= to; i++ {
			b.WriteString(rotationtest.Numbered(i))
		}
		return b.String()
	}
	tests := []struct {
		name   string
		rotate func(t *testing.T, path string) // between two looks, after "one\ntw" was read
		want   []string
	}{
		{
			name: "rename: old file read to its end, half line flushed, new file from its start",
			rotate: func(t *testing.T, path string) {
				appendFile(t, path, "o\nthre")
				if err := os.Rename(path, path+".1"); err != nil {
					t.Fatal(err)
				}
				appendFile(t, path, "four\n")
			},
			want: []string{"two\n", "thre", "<reopened>", "four\n"},
		},
		{
			name: "delete, not yet recreated",
			rotate: func(t *testing.T, path string) {
				appendFile(t, path, "o\n")
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{"two\n"},
		},
		{
			name: "shrunk: truncated, held half line dropped",
			rotate: func(t *testing.T, path string) {
				if err := os.WriteFile(path, []byte("x\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{"<truncated>", "x\n"},
		},
		{
			// The size never looks smaller: only the guard notices. Without it, reading on
			// at offset 6 would emit "line 000001 ..." cut after its sixth byte.
			name: "truncated and rewritten past the offset before the look",
			rotate: func(t *testing.T, path string) {
				if err := os.WriteFile(path, []byte(numberedLines(1, 3)), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{"<truncated>", numberedLines(1, 3)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "agent.log")
			if err := os.WriteFile(path, []byte("one\ntw"), 0o644); err != nil {
				t.Fatal(err)
			}
			s := newStepper(t, path, Options{FromStart: true})
			if diff := cmp.Diff([]string{"one\n"}, s.look(t)); diff != "" {
				t.Fatalf("first look (-want +got):\n%s", diff)
			}
			tt.rotate(t, path)
			if diff := cmp.Diff(tt.want, s.look(t)); diff != "" {
				t.Errorf("after rotation (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	if got := KindTruncated.String(); got != "truncated" {
		t.Errorf("KindTruncated.String() = %q", got)
	}
	if got := Kind(42).String(); got != "Kind(42)" {
		t.Errorf("Kind(42).String() = %q", got)
	}
}

// TestLongLineIsOneLine: a line over 1 MiB is delivered once, its first MiB
// marked Truncated, and the next line keeps its place; nothing of the rest
// is held or delivered.
func TestLongLineIsOneLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.log")
	long := strings.Repeat("y", 5*maxLine/2)
	appendFile(t, path, "first\n"+long+"\nthird\n")
	events, err := followEvents(t.Context(), path, Options{FromStart: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []Line
	for len(got) < 3 {
		ev := next(t, events)
		if ev.Kind == kindLine {
			got = append(got, ev.Line)
		}
	}
	if got[0].Text != "first" || got[0].Truncated {
		t.Errorf("line 1: %+v", got[0])
	}
	if len(got[1].Text) != maxLine || !got[1].Truncated || got[1].Offset != 6 {
		t.Errorf("line 2: %d bytes at %d, truncated %v; want %d at 6, truncated", len(got[1].Text), got[1].Offset, got[1].Truncated, maxLine)
	}
	if got[2].Text != "third" || got[2].Truncated || got[2].Offset != int64(6+len(long)+1) {
		t.Errorf("line 3: %q at %d, want third at %d", got[2].Text, got[2].Offset, 6+len(long)+1)
	}
	quiet(t, events)
}

// TestResumeAt: following resumes at a record's End from an earlier run, CRLF
// line ends counted, and an offset past the end of a file that was replaced
// by a shorter one starts at its beginning.
func TestResumeAt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.log")
	if err := os.WriteFile(path, []byte("one\r\ntwo\r\nthree\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at         int64
		text       string
		start, end int64
	}{{5, "two", 5, 10}, {10, "three", 10, 16}, {100, "one", 0, 5}} {
		ctx, cancel := context.WithCancel(t.Context())
		events, err := followEvents(ctx, path, Options{Resume: true, At: tc.at})
		if err != nil {
			t.Fatal(err)
		}
		ev := next(t, events)
		if ev.Line.Text != tc.text || ev.Line.Offset != tc.start || ev.Line.End != tc.end {
			t.Errorf("resumed at %d: got %+v, want %q at %d..%d", tc.at, ev.Line, tc.text, tc.start, tc.end)
		}
		cancel()
		for range events {
		}
	}
}

// TestUTF16FromInside: a UTF-16LE file followed from its last line is read
// from a character boundary and transcoded, as from its start.
func TestUTF16FromInside(t *testing.T) {
	enc := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	path := filepath.Join(t.TempDir(), "MSI1a2b3.LOG")
	if err := os.WriteFile(path, append([]byte{0xff, 0xfe}, enc("MSI (s) (6C:98) first\r\nAction ended: 接続\r\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	events, err := followEvents(t.Context(), path, Options{Lines: 1})
	if err != nil {
		t.Fatal(err)
	}
	appendFile(t, path, string(enc("MSI (s) (6C:98) new\r\n")))
	if diff := cmp.Diff([]string{"Action ended: 接続", "MSI (s) (6C:98) new"}, lineTexts(t, events, 2)); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}
