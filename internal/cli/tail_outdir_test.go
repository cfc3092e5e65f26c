package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arcdiag/arcdiag/internal/outdir"
)

// failing returns agent log lines numbered from..to, each a failure that
// yields one finding whose text ends with its number.
func failing(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "time=\"2031-01-08T02:%02d:%02dZ\" level=error msg=\"Failed to reach the Azure Arc service\" Error=\"x509: certificate signed by unknown authority\" seq=%d\n", i/60, i%60, i)
	}
	return b.String()
}

func appendTo(t *testing.T, path, data string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

var seqRE = regexp.MustCompile(`seq=(\d+)$`)

// findingSeqs reads every record in dir's daily files and returns how many
// times each numbered finding was written; each line must be a JSON object.
// A last line without its newline is being written: it is left for later
// (checkOnce fails on one once tail has stopped).
func findingSeqs(t *testing.T, dir string) map[int]int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "arcdiag-*.ndjson"))
	seen := map[int]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data = data[:bytes.LastIndexByte(data, '\n')+1]
		for i, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			var rec struct{ Type, Text string }
			if err := json.Unmarshal(line, &rec); err != nil {
				t.Fatalf("%s:%d: %v: %q", f, i+1, err, line)
			}
			if m := seqRE.FindStringSubmatch(rec.Text); rec.Type == "finding" && m != nil {
				var n int
				fmt.Sscan(m[1], &n)
				seen[n]++
			}
		}
	}
	return seen
}

// runTailUntil runs tail with args until findings 1..want are all in dir,
// then stops it as SIGTERM would, checks it exited 0, and returns its stderr.
func runTailUntil(t *testing.T, dir string, want int, args ...string) string {
	t.Helper()
	return runTailWhile(t, dir, func() bool { return len(findingSeqs(t, dir)) < want }, args...)
}

// runTailWhile runs tail --output-dir dir with args while waiting is true,
// and returns its stderr.
func runTailWhile(t *testing.T, dir string, waiting func() bool, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancelCause(t.Context())
	var stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- Main(ctx, append([]string{"tail", "--output-dir", dir}, args...), strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	// A generous bound for a loaded machine: this waits for output, it
	// does not time it.
	deadline := time.Now().Add(60 * time.Second)
	for waiting() && time.Now().Before(deadline) {
		select {
		case code := <-done:
			t.Fatalf("tail ended early, exit %d: %s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel(Interrupted{Signal: os.Interrupt})
	if code := <-done; code != ExitOK {
		t.Fatalf("tail exited %d: %s", code, stderr.String())
	}
	return stderr.String()
}

// checkOnce fails unless findings 1..n were each written exactly once, and
// every file ends with a whole line.
func checkOnce(t *testing.T, dir string, n int) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "arcdiag-*.ndjson"))
	for _, f := range files {
		if data, _ := os.ReadFile(f); len(data) > 0 && data[len(data)-1] != '\n' {
			t.Errorf("%s ends in half a line", f)
		}
	}
	seen := findingSeqs(t, dir)
	for i := 1; i <= n; i++ {
		if seen[i] != 1 {
			t.Errorf("finding %d written %d times", i, seen[i])
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct findings, want %d", len(seen), n)
	}
}

// TestTailOutputDirResumes: tail --output-dir stopped and restarted loses
// and repeats nothing, whether the log grew meanwhile (restart mid-file),
// was rotated by rename + create, or by copytruncate, while it was stopped.
func TestTailOutputDirResumes(t *testing.T) {
	logs, out := t.TempDir(), t.TempDir()
	log := filepath.Join(logs, "azcmagent.log")
	appendTo(t, log, failing(1, 30))
	runTailUntil(t, out, 30, "--from-start", log)
	checkOnce(t, out, 30)

	// Restart mid-file: the same file grew while tail was stopped. It says
	// where it resumed: after the 30 lines read, at their size in bytes.
	appendTo(t, log, failing(31, 40))
	stderr := runTailUntil(t, out, 40, log)
	checkOnce(t, out, 40)
	if want := fmt.Sprintf("resuming %s at byte %d (line 31)", log, len(failing(1, 30))); strings.Count(stderr, "resuming ") != 1 || !strings.Contains(stderr, want) {
		t.Errorf("restart mid-file: stderr does not say once %q:\n%s", want, stderr)
	}

	// Rename + create while stopped, the old file written to before.
	appendTo(t, log, failing(41, 45))
	if err := os.Rename(log, log+".1"); err != nil {
		t.Fatal(err)
	}
	appendTo(t, log, failing(46, 50))
	stderr = runTailUntil(t, out, 50, log)
	checkOnce(t, out, 50)
	if want := fmt.Sprintf("reading the rotated copy %s first, from byte %d", log+".1", len(failing(1, 40))); !strings.Contains(stderr, want) || strings.Contains(stderr, "resuming ") {
		t.Errorf("restart after rotation: stderr does not say %q alone:\n%s", want, stderr)
	}

	// copytruncate while stopped.
	appendTo(t, log, failing(51, 55))
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(log + ".1")
	if err := os.WriteFile(log+".1", data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(log, []byte(failing(56, 60)), 0o644); err != nil {
		t.Fatal(err)
	}
	runTailUntil(t, out, 60, log)
	checkOnce(t, out, 60)

	// Stopped with nothing new: a restart writes nothing.
	runTailUntil(t, out, 60, log)
	checkOnce(t, out, 60)
}

// TestTailOutputDirFirstRunFromEnd: a first run follows from the end and
// saves that position at once, so the lines written while it was stopped,
// though it saw none, are read by the next run; the older ones never are.
func TestTailOutputDirFirstRunFromEnd(t *testing.T) {
	logs, out := t.TempDir(), t.TempDir()
	log := filepath.Join(logs, "himds.log")
	appendTo(t, log, failing(1, 10))
	state := filepath.Join(out, stateFileName)
	runTailWhile(t, out, func() bool { _, err := os.Stat(state); return err != nil }, log)
	if n := len(findingSeqs(t, out)); n != 0 {
		t.Fatalf("%d findings from lines written before tail started", n)
	}
	appendTo(t, log, failing(11, 20))
	runTailUntil(t, out, 10, log)
	seen := findingSeqs(t, out)
	for i := 1; i <= 20; i++ {
		if want := map[bool]int{true: 1, false: 0}[i > 10]; seen[i] != want {
			t.Errorf("finding %d written %d times, want %d", i, seen[i], want)
		}
	}
}

// TestTailOutputDirBadFlags: a bad --keep, or a state file that is not
// one, is a usage error naming it.
func TestTailOutputDirBadFlags(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "azcmagent.log")
	appendTo(t, log, failing(1, 1))
	state := filepath.Join(dir, "state.json")
	if err := os.WriteFile(state, []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--keep", "3 days"}, "--keep"},
		{[]string{"--state-file", state}, state},
	} {
		var stderr bytes.Buffer
		args := append(append([]string{"tail", "--output-dir", filepath.Join(dir, "out")}, tt.args...), log)
		if code := Main(t.Context(), args, strings.NewReader(""), &bytes.Buffer{}, &stderr); code != ExitUsage || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%q: exit %d, stderr %q", tt.args, code, stderr.String())
		}
	}
}

// TestTailOutputDirInJapanese: a --output-dir or --state-file that cannot
// be used, and a state that can no longer be saved (its folder removed
// while tail runs), are said after a Japanese lead, the system's words
// kept as the detail.
func TestTailOutputDirInJapanese(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "azcmagent.log")
	appendTo(t, log, failing(1, 1))
	file := filepath.Join(dir, "a-file")
	appendTo(t, file, "x\n")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--output-dir", filepath.Join(file, "out")}, "--output-dir: 出力先のディレクトリを使用できません: "},
		{[]string{"--output-dir", filepath.Join(dir, "out"), "--state-file", filepath.Join(file, "state.json")}, "--state-file: 再開状態のファイルを使用できません: "},
	} {
		var stderr bytes.Buffer
		args := append(append([]string{"--lang", "ja", "tail"}, tt.args...), log)
		code := Main(t.Context(), args, strings.NewReader(""), &bytes.Buffer{}, &stderr)
		if code != ExitUsage || !strings.Contains(stderr.String(), tt.want) || !strings.Contains(stderr.String(), "not a directory") {
			t.Errorf("%q: exit %d, stderr %q; want %q and the system's words", tt.args, code, stderr.String(), tt.want)
		}
	}

	out, stateDir := filepath.Join(dir, "out"), filepath.Join(dir, "state")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- Main(ctx, []string{"--lang", "ja", "tail", "--from-start", "--output-dir", out, "--state-file", filepath.Join(stateDir, "state.json"), log},
			strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	for deadline := time.Now().Add(60 * time.Second); len(findingSeqs(t, out)) < 1; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no finding written: %s", stderr.String())
		}
	}
	if err := os.RemoveAll(stateDir); err != nil {
		t.Fatal(err)
	}
	appendTo(t, log, failing(2, 2))
	select {
	case code := <-done:
		const want = "出力 (--output-dir、--state-file) を書き込めませんでした: "
		if code == ExitOK || !strings.Contains(stderr.String(), want) || !strings.Contains(stderr.String(), stateDir) {
			t.Errorf("exit %d, stderr %q; want %q", code, stderr.String(), want)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("tail goes on without its state: %s", stderr.String())
	}
}

// TestTailOutputDirRotationWhileRunning: a rotation while tail runs, then
// a restart after more lines: every finding once. The state saved after
// the rotation names the new file, so the restart does not go back to the
// rotated one.
func TestTailOutputDirRotationWhileRunning(t *testing.T) {
	logs, out := t.TempDir(), t.TempDir()
	log := filepath.Join(logs, "azcmagent.log")
	appendTo(t, log, failing(1, 10))

	ctx, cancel := context.WithCancelCause(t.Context())
	var stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- Main(ctx, []string{"tail", "--from-start", "--output-dir", out, log}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	wait := func(want int) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); len(findingSeqs(t, out)) < want; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waited for %d findings, have %d: %s", want, len(findingSeqs(t, out)), stderr.String())
			}
		}
	}
	wait(10)
	appendTo(t, log, failing(11, 12))
	if err := os.Rename(log, log+".1"); err != nil {
		t.Fatal(err)
	}
	appendTo(t, log, failing(13, 20))
	wait(20)
	cancel(Interrupted{Signal: os.Interrupt})
	if code := <-done; code != ExitOK {
		t.Fatalf("tail exited %d: %s", code, stderr.String())
	}
	checkOnce(t, out, 20)

	appendTo(t, log, failing(21, 25))
	runTailUntil(t, out, 25, log)
	checkOnce(t, out, 25)
}

// snapshot returns the names and contents of the files in dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(data)
	}
	return files
}

// TestTailOutputDirLocked: while one tail writes into a directory (or a
// state file), a second one on the same directory (or state file) exits 2
// at once, naming the lock file and the first one's process, and writes
// nothing; once the first has stopped, the next one runs.
func TestTailOutputDirLocked(t *testing.T) {
	logs, out, other := t.TempDir(), t.TempDir(), t.TempDir()
	log := filepath.Join(logs, "azcmagent.log")
	appendTo(t, log, failing(1, 5))
	state := filepath.Join(logs, "state.json")

	ctx, cancel := context.WithCancelCause(t.Context())
	var stderr1 bytes.Buffer
	done := make(chan int)
	go func() {
		done <- Main(ctx, []string{"tail", "--from-start", "--output-dir", out, "--state-file", state, log}, strings.NewReader(""), &bytes.Buffer{}, &stderr1)
	}()
	// Until the first tail has saved the log's end, it may still save its
	// state: that is not the refused tail writing.
	info, err := os.Stat(log)
	if err != nil {
		t.Fatal(err)
	}
	savedEnd := func() bool {
		st, err := outdir.LoadState(state)
		return err == nil && st.Logs[log].Offset == info.Size()
	}
	for deadline := time.Now().Add(60 * time.Second); len(findingSeqs(t, out)) < 5 || !savedEnd(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the first tail wrote %d findings (state saved at the end: %v): %s", len(findingSeqs(t, out)), savedEnd(), stderr1.String())
		}
	}
	for _, tt := range []struct {
		name, dir, lock string
		args            []string
	}{
		{"same --output-dir", out, filepath.Join(out, ".arcdiag-tail.lock"), nil},
		{"same --state-file", other, state + ".lock", []string{"--state-file", state}},
	} {
		before, beforeState := snapshot(t, tt.dir), snapshot(t, logs)
		var stderr bytes.Buffer
		args := append(append([]string{"tail", "--from-start", "--output-dir", tt.dir}, tt.args...), log)
		// Refused, it returns at once; the bound only ends a tail that was
		// let in, which would otherwise follow forever.
		ctx2, cancel2 := context.WithTimeoutCause(t.Context(), 5*time.Second, Interrupted{Signal: os.Interrupt})
		code := Main(ctx2, args, strings.NewReader(""), &bytes.Buffer{}, &stderr)
		cancel2()
		if code != ExitUsage {
			t.Errorf("%s: second tail exited %d, want %d: %s", tt.name, code, ExitUsage, stderr.String())
		}
		for _, want := range []string{tt.lock, fmt.Sprintf("process %d", os.Getpid())} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("%s: stderr does not name %q: %s", tt.name, want, stderr.String())
			}
		}
		after, afterState := snapshot(t, tt.dir), snapshot(t, logs)
		delete(after, outdir.LockName) // the lock file of the refused tail itself may be new
		delete(before, outdir.LockName)
		if fmt.Sprint(before) != fmt.Sprint(after) || fmt.Sprint(beforeState) != fmt.Sprint(afterState) {
			t.Errorf("%s: the refused tail wrote:\nbefore %q\nafter  %q", tt.name, before, after)
		}
	}
	cancel(Interrupted{Signal: os.Interrupt})
	if code := <-done; code != ExitOK {
		t.Fatalf("first tail exited %d: %s", code, stderr1.String())
	}
	checkOnce(t, out, 5)

	// The lock went with the first tail.
	appendTo(t, log, failing(6, 8))
	runTailUntil(t, out, 8, "--state-file", state, log)
	checkOnce(t, out, 8)
}
