// Package rotationtest is the rotation scenario that internal/follow's tests and the tail
// library evidence (internal/follow/evidence, a module of its own) both run: a writer that
// writes numbered lines and rotates the file, and a tally of what a follower delivered.
// The README's claim about the libraries is thus checked with exactly the test the
// package passes.
package rotationtest

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Rotation is a way a log is rotated.
type Rotation int

const (
	RotateRename       Rotation = iota // logrotate's default: rename the file away, create a new one
	RotateRemove                       // delete the file, create a new one
	RotateCopyTruncate                 // logrotate copytruncate: copy it away, truncate it in place
)

// String names the rotation, such as "rename+create".
func (r Rotation) String() string {
	return [...]string{"rename+create", "delete+recreate", "copytruncate"}[r]
}

// Scenario is what the writer does.
type Scenario struct {
	Mode  Rotation
	Lines int // numbered lines to write, 1..lines
	Every int // rotate after this many lines
	// Burst rotates every 50 to 100 ms without waiting for the follower, whose
	// receiver is slower than the writer: the follower falls files behind, and the
	// files it has not reached are renamed over or deleted meanwhile.
	Burst bool
}

const lineLen = 100 // bytes, newline included

// Numbered returns line i as written, newline included.
func Numbered(i int) string {
	s := fmt.Sprintf("line %06d ", i)
	return s + strings.Repeat("x", lineLen-1-len(s)) + "\n"
}

// ParseNumbered returns the number of a well-formed line (without its newline), or -1 for
// anything else: a half line, two lines glued together, a line cut by a truncation.
func ParseNumbered(s string) int {
	if len(s) != lineLen-1 || !strings.HasPrefix(s, "line ") {
		return -1
	}
	n, err := strconv.Atoi(s[5:11])
	if err != nil || s != strings.TrimSuffix(Numbered(n), "\n") {
		return -1
	}
	return n
}

// write is the writer: real os.File writes, some lines in two writes so a reader
// sometimes meets a half line at EOF, random yields and sleeps so the follower sometimes
// lags and sometimes keeps up. Before each rename or delete it waits until the follower has
// seen a line of the current file: a file created and rotated away again before the
// follower even opens it cannot be followed by name, by any tool, so that case is out of
// scope. Lagging within a file and across the rotation point is what the test is about.
func write(ctx context.Context, path string, sc Scenario, seen *atomic.Int64) error {
	rng := rand.New(rand.NewPCG(uint64(sc.Mode), 42))
	open := func() (*os.File, error) {
		return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	}
	f, err := open()
	if err != nil {
		return err
	}
	defer func() { f.Close() }()
	genFirst := 1 // first line written to the current file
	rotated := time.Now()
	for i := 1; i <= sc.Lines; i++ {
		if i > 1 && (i-1)%sc.Every == 0 && sc.Burst {
			time.Sleep(time.Until(rotated.Add(time.Duration(50+rng.IntN(51)) * time.Millisecond)))
			if err := rotate(path, sc.Mode, &f, open); err != nil {
				return err
			}
			rotated, genFirst = time.Now(), i
		} else if i > 1 && (i-1)%sc.Every == 0 {
			if sc.Mode != RotateCopyTruncate {
				for seen.Load() < int64(genFirst) {
					if ctx.Err() != nil {
						return fmt.Errorf("writer: follower stuck before line %d: %w", genFirst, ctx.Err())
					}
					time.Sleep(time.Millisecond)
				}
			}
			if err := rotate(path, sc.Mode, &f, open); err != nil {
				return err
			}
			genFirst = i
		}
		s := Numbered(i)
		if i%7 == 0 {
			// A half line at EOF for a moment: the follower must hold it, not emit it.
			if _, err := f.WriteString(s[:37]); err != nil {
				return err
			}
			runtime.Gosched()
			s = s[37:]
		}
		if _, err := f.WriteString(s); err != nil {
			return err
		}
		switch r := rng.IntN(1000); {
		case r < 3:
			time.Sleep(time.Duration(100+rng.IntN(900)) * time.Microsecond)
		case r < 60:
			runtime.Gosched()
		}
	}
	return nil
}

func rotate(path string, mode Rotation, f **os.File, open func() (*os.File, error)) error {
	switch mode {
	case RotateCopyTruncate:
		// The writer keeps its O_APPEND descriptor, as an application does under copytruncate.
		src, err := os.Open(path)
		if err != nil {
			return err
		}
		defer src.Close()
		dst, err := os.Create(path + ".1")
		if err != nil {
			return err
		}
		if _, err := io.Copy(dst, src); err != nil {
			dst.Close()
			return err
		}
		if err := dst.Close(); err != nil {
			return err
		}
		return os.Truncate(path, 0)
	case RotateRename:
		(*f).Close()
		if err := os.Rename(path, path+".1"); err != nil {
			return err
		}
	case RotateRemove:
		(*f).Close()
		if err := os.Remove(path); err != nil {
			return err
		}
	}
	nf, err := open()
	if err != nil {
		return err
	}
	*f = nf
	return nil
}

// Tally is what the follower delivered, checked against 1..lines in order.
type Tally struct {
	Lines     int      // lines received
	Missing   int      // numbers never received (gaps)
	Dups      int      // numbers received again or out of order
	Corrupt   []string // malformed lines
	Last      int      // highest number received
	Stalled   string   // why the run stopped early, if it did
	anomalies []string // the first few gaps and duplicates, for the report
}

// String reports the counts and the first anomalies.
func (t *Tally) String() string {
	s := fmt.Sprintf("%d lines received, last %d, %d missing, %d duplicated or out of order, %d corrupt",
		t.Lines, t.Last, t.Missing, t.Dups, len(t.Corrupt))
	if t.Stalled != "" {
		s += "; STALLED: " + t.Stalled
	}
	if len(t.anomalies) > 0 {
		s += "; first anomalies: " + strings.Join(t.anomalies, ", ")
	}
	if len(t.Corrupt) > 0 {
		s += fmt.Sprintf("; first corrupt line: %.60q", t.Corrupt[0])
	}
	return s
}

func (t *Tally) note(format string, args ...any) {
	if len(t.anomalies) < 5 {
		t.anomalies = append(t.anomalies, fmt.Sprintf(format, args...))
	}
}

func (t *Tally) add(s string) {
	t.Lines++
	n := ParseNumbered(s)
	switch {
	case n < 0:
		t.Corrupt = append(t.Corrupt, s)
	case n == t.Last+1:
		t.Last = n
	case n > t.Last+1:
		t.Missing += n - t.Last - 1
		t.note("lines %d..%d missing", t.Last+1, n-1)
		t.Last = n
	default:
		t.Dups++
		t.note("line %d after %d", n, t.Last)
	}
}

// LineSource starts following path and returns its lines' text. The channel is closed
// after ctx is cancelled.
type LineSource func(ctx context.Context, path string) (<-chan string, error)

// Run writes sc into a fresh file followed by src and tallies what src delivers.
// It never hangs: it gives up when nothing arrives for stall, or after a minute.
func Run(t *testing.T, sc Scenario, src LineSource, stall time.Duration) *Tally {
	t.Helper()
	path := filepath.Join(t.TempDir(), "agent.log")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	lines, err := src(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var seen atomic.Int64
	writer := make(chan error, 1)
	go func() { writer <- write(ctx, path, sc, &seen) }()

	res := &Tally{}
	// The consumer pauses now and then, so the follower also falls behind by thousands of
	// lines, across rotations, not only by what the writer's own pauses allow.
	rng := rand.New(rand.NewPCG(uint64(sc.Mode), 7))
	idle := time.NewTimer(stall)
	defer idle.Stop()
	start := time.Now()
loop:
	for res.Last < sc.Lines {
		select {
		case s, ok := <-lines:
			if !ok {
				res.Stalled = "channel closed early"
				break loop
			}
			res.add(s)
			seen.Store(int64(res.Last))
			idle.Reset(stall)
			if rng.IntN(2000) == 0 {
				time.Sleep(time.Duration(1+rng.IntN(5)) * time.Millisecond)
			}
			if sc.Burst && res.Lines%25 == 0 {
				time.Sleep(time.Millisecond) // 3,000 lines take 120 ms: slower than the writer
			}
		case err := <-writer:
			writer = nil
			if err != nil {
				t.Errorf("writer: %v", err)
			}
		case <-idle.C:
			res.Stalled = fmt.Sprintf("nothing delivered for %v after line %d", stall, res.Last)
			break loop
		case <-ctx.Done():
			res.Stalled = fmt.Sprintf("gave up after %v at line %d", time.Since(start).Round(time.Second), res.Last)
			break loop
		}
	}
	cancel()
	if writer != nil {
		<-writer
	}
	// Whatever is flushed at shutdown counts too: a duplicate or a corrupt line there is as
	// wrong as anywhere else.
	drain := time.After(10 * time.Second)
	for {
		select {
		case s, ok := <-lines:
			if !ok {
				return res
			}
			res.add(s)
		case <-drain:
			t.Errorf("channel not closed 10s after cancel")
			return res
		}
	}
}

// Lines adapts a follower's events to a LineSource's channel: text returns an event's
// line, or false for an event that is not a line. The channel is closed after events is.
func Lines[E any](events <-chan E, text func(E) (string, bool)) <-chan string {
	out := make(chan string, 256)
	go func() {
		defer close(out)
		for ev := range events {
			if s, ok := text(ev); ok {
				out <- s
			}
		}
	}()
	return out
}
