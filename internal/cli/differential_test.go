package cli

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/parser"
)

// The fast path of analyze (diagnose.Analyzer.Feed: candidate search over
// whole buffers, chunks on several cores) must give the same output as the
// plain path that reads one line after the other (FeedLines), byte for byte.
// These tests run the real command both ways over every sample log, every
// real case and fuzzed input, with the fast path at several worker counts
// and with tiny chunks, so that chunk edges fall inside every kind of line.

type feedFunc = func(ctx context.Context, an *diagnose.Analyzer, sc *parser.Scanner, keep diagnose.Keep) error

func referenceFeed(ctx context.Context, an *diagnose.Analyzer, sc *parser.Scanner, keep diagnose.Keep) error {
	return an.FeedLines(ctx, sc, keep)
}

// fastFeeds are the fast path's configurations under test.
var fastFeeds = []struct {
	name string
	feed feedFunc
}{
	{"default", func(ctx context.Context, an *diagnose.Analyzer, sc *parser.Scanner, keep diagnose.Keep) error {
		return an.Feed(ctx, sc, keep, 0)
	}},
	{"workers=1", func(ctx context.Context, an *diagnose.Analyzer, sc *parser.Scanner, keep diagnose.Keep) error {
		return an.FeedWith(ctx, sc, keep, diagnose.FeedOptions{Workers: 1})
	}},
	{"workers=3,chunk=97", func(ctx context.Context, an *diagnose.Analyzer, sc *parser.Scanner, keep diagnose.Keep) error {
		return an.FeedWith(ctx, sc, keep, diagnose.FeedOptions{Workers: 3, ChunkBytes: 97})
	}},
	{"workers=2,chunk=4096", func(ctx context.Context, an *diagnose.Analyzer, sc *parser.Scanner, keep diagnose.Keep) error {
		return an.FeedWith(ctx, sc, keep, diagnose.FeedOptions{Workers: 2, ChunkBytes: 4096})
	}},
}

// runWith runs arcdiag with args through the given feed and returns its
// exit code, standard output and standard error.
func runWith(t testing.TB, f feedFunc, args ...string) string {
	t.Helper()
	saved := feed
	feed = f
	defer func() { feed = saved }()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, bytes.NewReader(nil), &stdout, &stderr)
	return fmt.Sprintf("exit %d\n-- stdout --\n%s-- stderr --\n%s", code, stdout.Bytes(), stderr.Bytes())
}

// differ compares the fast path's output with the reference's for args.
func differ(t testing.TB, args ...string) {
	t.Helper()
	want := runWith(t, referenceFeed, args...)
	feeds := fastFeeds
	if testing.Short() {
		feeds = feeds[2:3] // tiny chunks on several workers: the most edges
	}
	for _, ff := range feeds {
		if got := runWith(t, ff.feed, args...); got != want {
			t.Errorf("%s: arcdiag %q differs from the line-by-line path:\n%s", ff.name, args, firstDifference(want, got))
		}
	}
}

// firstDifference shows the first line where want and got part.
func firstDifference(want, got string) string {
	wl, gl := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	for i := range max(len(wl), len(gl)) {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return fmt.Sprintf("line %d:\nwant %.600s\n got %.600s", i+1, w, g)
		}
	}
	return "(equal)"
}

// TestDifferentialSampleLogs: every sample log, each file and zip alone and
// every directory as a whole, as NDJSON with and without --all.
func TestDifferentialSampleLogs(t *testing.T) {
	t.Setenv("ARCDIAG_KB_DIR", "")
	root := filepath.Join("..", "..", "testdata", "logs")
	var paths []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		paths = append(paths, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 30 {
		t.Fatalf("only %d sample paths under %s", len(paths), root)
	}
	for _, p := range paths {
		differ(t, "analyze", "--json", "--all", p)
		if !testing.Short() {
			differ(t, "analyze", "--json", p)
		}
	}
	differ(t, "analyze", paths[0]) // the text report too
}

// TestDifferentialCases: every excerpt of the real-case corpus, whatever its
// mode, read as a log under its own name (or as azcmagent.log and as a
// service's log, himds.log).
func TestDifferentialCases(t *testing.T) {
	if testing.Short() {
		// make test's race pass: the sample logs exercise the goroutines;
		// the plain pass reads every case.
		t.Skip("every real case is compared by the plain go test pass")
	}
	t.Setenv("ARCDIAG_KB_DIR", "")
	cases, err := loadCorpus(filepath.Join("..", "..", "testdata", "cases"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 100 {
		t.Fatalf("only %d cases", len(cases))
	}
	dir := t.TempDir()
	for _, c := range cases {
		names := []string{"azcmagent.log", "himds.log"}
		if c.LogName != "" {
			names = append(names, c.LogName)
		}
		for _, name := range names {
			path := filepath.Join(dir, c.ID, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, c.Excerpt, 0o644); err != nil {
				t.Fatal(err)
			}
			// Without --all too: only then are lines that repeat the
			// one before for the run logic merely counted.
			differ(t, "analyze", "--json", "--all", path)
			differ(t, "analyze", "--json", path)
		}
	}
}

// repeatsLog is TestDifferentialRepeats's log.
var repeatsLog = func() string {
	const ts = `time="2031-02-03T04:05:06Z" `
	const later = `time="2031-02-03T04:35:06Z" `
	return ts + `level=debug msg="Agent Version: 1.60.00000.1"` + "\n" +
		ts + `level=debug msg="Agent Command: connect"` + "\n" +
		ts + `level=debug msg="Loading agent config file" Path=/var/opt/azcmagent/agentconfig.json` + "\n" +
		ts + `level=debug msg="Loading agent config file" Path=/var/opt/azcmagent/agentconfig.json` + "\n" +
		ts + `level=error msg="Failed to connect" Error="dial tcp: i/o timeout"` + "\n" +
		ts + `level=error msg="Failed to connect" Error="dial tcp: i/o timeout"` + "\n" +
		ts + `level=debug msg="Exiting azcmagent" ExitStatus=26` + "\n" +
		ts + `level=debug msg="Loading local config file" Path=/etc/azcmagent/config.json` + "\n" +
		ts + `level=debug msg="Loading local config file" Path=/etc/azcmagent/config.json` + "\n" +
		ts + `level=info msg="Command finished"` + "\n" +
		ts + `level=info msg="Command finished"` + "\n" +
		ts + `level=debug msg="Agent Version: 1.60.00000.1"` + "\n" +
		ts + `level=debug msg="Loading local config file" Path=/etc/azcmagent/config.json` + "\n" +
		later + `level=debug msg="Loading local config file" Path=/etc/azcmagent/config.json` + "\n" +
		later + `level=debug msg="Loading local config file" Path=/etc/azcmagent/config.json` + "\n" +
		later + `level=fatal msg="Exit Code:  AZCM0026: Network Error"` + "\n" +
		later + `level=debug msg="Loading local config file" Path=/etc/azcmagent/config.json` + "\n" +
		"DEBUG[0001] Loading local config file\nDEBUG[0001] Loading local config file\nDEBUG[0000] Loading local config file\n" +
		// Past 20 lines without a clock time, the echo of an exit ends.
		"Exit Code:  AZCM0026: Network Error\n" + strings.Repeat("DEBUG[0002] Loading local config file\n", 25) +
		"plain text\nplain text\n" +
		later + `level=debug msg="himds is running"` + "\n" +
		later + `level=debug msg="himds is running"` + "\n"
}()

// TestDifferentialRepeats: lines written within the same second as the line
// before, at each place where the run logic looks at a line's time or level
// (the echo of an exit status, a version header, a long silence, error
// lines, a service's failures and recovery, lines without a clock time),
// read without --all, where the fast path only counts a line that repeats
// the one before (diagnose's repeatsPrevious).
func TestDifferentialRepeats(t *testing.T) {
	t.Setenv("ARCDIAG_KB_DIR", "")
	dir := t.TempDir()
	for _, name := range []string{"azcmagent.log", "himds.log", "console.txt"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(repeatsLog), 0o644); err != nil {
			t.Fatal(err)
		}
		differ(t, "analyze", "--json", path)
		differ(t, "analyze", path)
	}
}

// tailsLog repeats agent lines with times that move on, where the fast path
// makes no record of a line the analysis has seen before with another time
// (diagnose's tails), at each place where that may change more than the
// run's end: the echo of an exit status, a long silence, a clock going
// back, a version header, error lines, a run whose only debug lines are
// such lines, and a service's failure stretch that ends without a recovery
// line (more than 15 minutes of other lines). Its first runs fill the fast
// path's memory of lines; bounds holds times within its later quiet
// stretches, for --since and --until.
var tailsLog, tailsBounds = func() (string, []string) {
	var b strings.Builder
	var bounds []string
	at := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	line := func(step time.Duration, rest string) {
		at = at.Add(step)
		fmt.Fprintf(&b, "time=%q %s\n", at.Format(time.RFC3339), rest)
	}
	const (
		loading = `level=debug msg="Loading agent config file" Path=/var/opt/azcmagent/agentconfig.json`
		waiting = `level=info msg="Waiting before the next cloud provider check" Delay=1s`
		failed  = `level=error msg="Failed to connect" Error="dial tcp: i/o timeout"`
		imds    = `level=debug msg="Cloud provider check: Azure not detected" Error="GET http://169.254.169.254/metadata/instance/compute?api-version=2019-06-01\nRESPONSE 404 Not Found"`
		exited  = `level=debug msg="Exiting azcmagent" ExitStatus=26`
		fatal   = `level=fatal msg="Exit Code:  AZCM0026: Network Error"`
		// A state line: in a service's log, it ends a failure stretch as
		// recovered, unless 15 minutes passed since the failure.
		onboarded = `level=info msg="Successfully Onboarded Resource to Azure"`
	)
	quiet := func(n int, step time.Duration) {
		for i := range n {
			switch i % 5 {
			case 2:
				line(step, waiting)
			case 3:
				line(step, imds) // a benign entry's
			default:
				line(step, loading)
			}
		}
	}
	mark := func(step time.Duration) { bounds = append(bounds, at.Add(step).Format(time.RFC3339)) }
	for run := range 40 {
		line(time.Second, `level=debug msg="Agent Version: 1.60.00000.1"`)
		line(0, `level=debug msg="Agent Command: connect"`)
		if run == 14 {
			mark(5 * time.Second)
		}
		quiet(12, time.Second)
		line(11*time.Minute, loading) // a silence: the next run
		if run == 15 {
			mark(7 * time.Second)
		}
		quiet(6, 2*time.Second)
		line(-time.Minute, loading) // the clock went back
		quiet(4, time.Second)
		line(-2*time.Second, loading) // back by seconds, most often within the minute
		quiet(2, time.Second)
		line(time.Second, failed)
		if run == 15 {
			mark(5*time.Minute + 30*time.Second)
		}
		quiet(20, time.Minute) // a service's failure stretch ends among these
		line(time.Second, onboarded)
		line(time.Second, exited)
		if run == 16 {
			mark(3 * time.Second)
		}
		quiet(8, time.Second) // the exit's echo, then past it
		// After a silence, a run whose first line is at info level and
		// whose debug lines are all lines seen before.
		line(11*time.Minute, waiting)
		quiet(4, time.Second)
		line(time.Second, failed)
		line(time.Second, fatal)
	}
	// Times that cross an hour, where the fast path reads them rather
	// than compare their minutes and seconds: seconds apart, a minute
	// back, eleven minutes on.
	// Several times over, so that the fast path's memory of lines, which
	// rests after chunks of mostly new lines, is at work for some.
	for range 12 {
		at = at.Truncate(time.Hour).Add(2*time.Hour - 10*time.Second)
		line(0, `level=debug msg="Agent Version: 1.60.00000.1"`)
		quiet(20, time.Second)
		line(-30*time.Second, loading)
		quiet(3, time.Second)
		at = at.Truncate(time.Hour).Add(time.Hour - 2*time.Minute)
		quiet(5, time.Second)
		line(11*time.Minute, loading)
		quiet(5, time.Second)
	}
	return b.String(), bounds
}()

// TestDifferentialTails: the lines of tailsLog, as an agent's log and a
// service's, with and without --all, and within time bounds that fall
// inside its quiet stretches.
func TestDifferentialTails(t *testing.T) {
	t.Setenv("ARCDIAG_KB_DIR", "")
	dir := t.TempDir()
	for _, name := range []string{"azcmagent.log", "himds.log"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(tailsLog), 0o644); err != nil {
			t.Fatal(err)
		}
		differ(t, "analyze", "--json", path)
		differ(t, "analyze", "--json", "--all", path)
		differ(t, "analyze", path)
		for _, since := range tailsBounds {
			for _, until := range tailsBounds {
				if since < until {
					differ(t, "analyze", "--json", "--since", since, "--until", until, path)
				}
			}
			differ(t, "analyze", "--json", "--since", since, path)
		}
	}
}

// FuzzAnalyzeDifferential feeds arbitrary logs to both paths. The first
// byte picks the file name (an agent's log or a service's timeline) and
// whether --all is given.
func FuzzAnalyzeDifferential(f *testing.F) {
	f.Setenv("ARCDIAG_KB_DIR", "")
	root := filepath.Join("..", "..", "testdata", "logs")
	for _, sub := range []string{"linux/azcmagent.log", "linux/himds.log", "console/connect-terminal.txt",
		"console/connect-ansi.txt", "guestconfig/gc_ext.log", "installer/installationlog.txt", "gpo/AzureArcOnboarding.log",
		"json/component.log", "windows/azcmagent-crlf.log"} {
		data, err := os.ReadFile(filepath.Join(root, sub))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]byte{byte(len(sub))}, data...))
	}
	f.Add([]byte("\x00time=\"2031-02-03T04:05:06Z\" level=debug msg=\"Agent Version: 1.60\"\r\n<GCLOG>[x] [ERROR]\nAZCM0041\n"))
	// Lines that repeat with another time (analyze remembers their facts),
	// or with a code where the time should be.
	f.Add([]byte("\x00time=\"2031-02-03T04:05:06Z\" level=debug msg=\"Exiting azcmagent\" ExitStatus=41\n" +
		"time=\"2031-02-03T04:25:06Z\" level=debug msg=\"Exiting azcmagent\" ExitStatus=41\n" +
		"time=\"AZCM0041-02-03T04:25Z\" level=debug msg=\"Exiting azcmagent\" ExitStatus=41\n" +
		"time=\"2031-02-03T04:25:07Z\" level=debug msg=\"Cloud provider check: Azure not detected\" Error=\"GET http://169.254.169.254/metadata/instance/compute?api-version=2019-06-01\\nRESPONSE 404 Not Found\"\n"))
	f.Add(append([]byte{4}, repeatsLog...))
	f.Add(append([]byte{5}, tailsLog...))
	f.Add(append([]byte{5}, repeatsLog...))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		name := []string{"azcmagent.log", "himds.log", "gc_ext.log", "console.txt"}[int(data[0])%4]
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data[1:], 0o644); err != nil {
			t.Fatal(err)
		}
		// The next bit of the first byte leaves out --all, with which
		// every line is reported and none is only counted.
		if data[0]&4 != 0 {
			differ(t, "analyze", "--json", path)
			return
		}
		differ(t, "analyze", "--json", "--all", path)
	})
}
