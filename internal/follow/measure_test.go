//go:build unix

package follow

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arcdiag/arcdiag/internal/follow/rotationtest"
)

// The figures in the README come from these; they report and never assert timing.
//
//	ARCDIAG_FOLLOW_MEASURE=1 go test -run TestMeasure -v ./internal/follow/
//
// ARCDIAG_FOLLOW_IDLE (default 60s) sets how long each idle-CPU phase lasts.

func measuring(t *testing.T) {
	if os.Getenv("ARCDIAG_FOLLOW_MEASURE") == "" {
		t.Skip("set ARCDIAG_FOLLOW_MEASURE=1 to measure latency and idle CPU")
	}
}

// TestMeasureLatency appends one line at a time to a followed file, each after a pause so
// that the follower is idle again, and reports how long the line takes to be delivered.
func TestMeasureLatency(t *testing.T) {
	measuring(t)
	for _, tt := range []struct {
		name    string
		poll    bool
		appends int
	}{{"inotify", false, 1000}, {"poll", true, 100}} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "agent.log")
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			events, err := followEvents(t.Context(), path, Options{Poll: tt.poll})
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			lat := make([]time.Duration, 0, tt.appends)
			for i := 1; i <= tt.appends; i++ {
				time.Sleep(2 * time.Millisecond)
				start := time.Now()
				if _, err := f.WriteString(rotationtest.Numbered(i)); err != nil {
					t.Fatal(err)
				}
				if ev := next(t, events); rotationtest.ParseNumbered(ev.Line.Text) != i {
					t.Fatalf("got %v %q, want line %d", ev.Kind, ev.Line.Text, i)
				}
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			q := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
			t.Logf("%s, %d appends: p50 %v, p90 %v, p99 %v, max %v",
				tt.name, len(lat), q(0.50), q(0.90), q(0.99), lat[len(lat)-1])
		})
	}
}

// TestMeasureIdleCPU reports the CPU time the whole test process uses while a follower
// waits on a file nobody writes, against the same process with no follower.
func TestMeasureIdleCPU(t *testing.T) {
	measuring(t)
	d := time.Minute
	if s := os.Getenv("ARCDIAG_FOLLOW_IDLE"); s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "agent.log")
	if err := os.WriteFile(path, []byte(strings.Repeat("x", 99)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var report []string
	for _, phase := range []struct {
		name   string
		follow bool
		poll   bool
	}{{"no follower (baseline)", false, false}, {"inotify", true, false}, {"poll", true, true}} {
		if phase.follow {
			if _, err := Follow(t.Context(), path, Options{Poll: phase.poll}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond) // let it settle at the end of the file
		}
		before := cpuTime(t)
		time.Sleep(d)
		used := cpuTime(t) - before
		report = append(report, fmt.Sprintf("%s: %v CPU in %v (%.3f%% of a core)",
			phase.name, used.Round(time.Microsecond), d, 100*used.Seconds()/d.Seconds()))
	}
	// The followers of earlier phases keep running: each figure includes the ones before it.
	t.Logf("idle CPU, cumulative: %s", strings.Join(report, "; "))
}

// cpuTime is the process's user plus system CPU time so far.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
