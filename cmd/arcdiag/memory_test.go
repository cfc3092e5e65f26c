//go:build linux

package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// maxRSS is the README's memory promise for analyze, tail, search and a
// --kb-dir load, whatever the input.
const maxRSS = 64 << 20

// child is one run of the arcdiag binary (this test binary, re-executed by
// testscript's PATH entry) with its peak resident memory.
type child struct {
	stdout, stderr string
	status         int
	peak           int64 // bytes, from the child's rusage
}

// rusageOut names the file to which this test binary, started with it in
// its environment, writes the peak RSS of the command its arguments name.
//
// Why a go-between: Linux records in a process's peak RSS the peak of the
// memory it had before exec, and a child of os/exec shares its parent's
// until then, so a child of the test process reports at least the test's
// own peak. The go-between is a fresh, small process, and its child's
// figure is the command's own.
const rusageOut = "ARCDIAG_RUSAGE_OUT"

// measureChild runs args, passing on SIGTERM and SIGINT, writes its peak
// RSS in bytes to the file out and returns its exit status.
func measureChild(out string, args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), rusageOut+"=") // the command is this binary too
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 125
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		for s := range sigs {
			cmd.Process.Signal(s)
		}
	}()
	cmd.Wait()
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if ru != nil {
		os.WriteFile(out, []byte(strconv.FormatInt(ru.Maxrss<<10, 10)), 0o644)
	}
	return cmd.ProcessState.ExitCode()
}

// runChild runs arcdiag with args, stdin from in (nil: none), in dir. stop,
// when positive, sends SIGTERM after that long (tail).
func runChild(t *testing.T, dir string, in io.Reader, stop time.Duration, args ...string) child {
	return runChildUntil(t, dir, in, stop, "", args...)
}

// runChildUntil is runChild, sending SIGTERM once stdout holds until.
func runChildUntil(t *testing.T, dir string, in io.Reader, stop time.Duration, until string, args ...string) child {
	t.Helper()
	path, err := exec.LookPath("arcdiag")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "rusage")
	cmd := exec.Command(os.Args[0], append([]string{path}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=", "LANG=", "NO_COLOR=1", "ARCDIAG_KB_DIR=", "GOMEMLIMIT=", rusageOut+"="+out)
	cmd.Stdin = in
	var stdout lockedBuffer
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if stop > 0 {
		time.AfterFunc(stop, func() { cmd.Process.Signal(syscall.SIGTERM) })
	}
	if until != "" {
		// Stopped once the output shows what the test waits for (a busy
		// machine may take long), or after a minute.
		go func() {
			for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				if strings.Contains(stdout.String(), until) {
					break
				}
			}
			cmd.Process.Signal(syscall.SIGTERM)
		}()
	}
	cmd.Wait()
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no peak RSS: %v (stderr %.300q)", err, stderr.String())
	}
	c := child{stdout: stdout.String(), stderr: stderr.String(), status: cmd.ProcessState.ExitCode()}
	c.peak, _ = strconv.ParseInt(string(data), 10, 64)
	t.Logf("arcdiag %.100s: peak RSS %.1f MiB, status %d", strings.Join(args, " "), float64(c.peak)/(1<<20), c.status)
	if c.peak > maxRSS {
		t.Errorf("peak RSS %.1f MiB, more than %d MiB", float64(c.peak)/(1<<20), maxRSS>>20)
	}
	return c
}

// errorLine is a logrus error line whose Error= value is n bytes long.
func errorLine(w io.Writer, n int) {
	io.WriteString(w, `time="2031-02-03T04:05:06Z" level=error msg="Failed to reach the Azure Arc service" Error="x509: certificate signed by unknown authority `)
	chunk := bytes.Repeat([]byte("A"), 64<<10)
	for n > 0 {
		k := min(n, len(chunk))
		w.Write(chunk[:k])
		n -= k
	}
	io.WriteString(w, "\"\n")
}

// generated streams what write writes, so that a big input costs no disk.
func generated(write func(w io.Writer)) io.Reader {
	r, w := io.Pipe()
	go func() {
		write(w)
		w.Close()
	}()
	return r
}

// TestMemoryBounded measures the peak memory of arcdiag on hostile inputs,
// each in a child process: long lines, a zip of zeros, a zip of 100,000
// entries, a gzip bomb, tail on lines over 1 MiB and on a GuestConfig record
// that never closes, a 1 MB search query, a
// knowledge-base folder whose aliases fan out.
func TestMemoryBounded(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector multiplies memory use: the bounds are for a normal build (make test runs it without -race too)")
	}
	dir := t.TempDir()

	t.Run("ten 15 MiB error lines", func(t *testing.T) {
		c := runChild(t, dir, generated(func(w io.Writer) {
			for range 10 {
				errorLine(w, 15<<20)
			}
		}), 0, "analyze", "--json", "-")
		if n := strings.Count(c.stdout, `"excerpt":true`); n != 10 || !strings.Contains(c.stdout, `"line_length":`) {
			t.Errorf("%d findings marked as excerpts, want 10", n)
		}
		if len(c.stdout) > 10<<20 {
			t.Errorf("%d bytes of output: the findings are not excerpts", len(c.stdout))
		}
	})

	t.Run("one 200 MB line", func(t *testing.T) {
		c := runChild(t, dir, generated(func(w io.Writer) { errorLine(w, 200_000_000) }), 0, "analyze", "-")
		if !strings.Contains(c.stdout, "shown in part") {
			t.Errorf("the text output does not say the line was cut:\n%.2000s", c.stdout)
		}
	})

	t.Run("1 GiB of zeros in a zip", func(t *testing.T) {
		zp := filepath.Join(dir, "zeros.zip")
		writeZip(t, zp, func(zw *zip.Writer) {
			w, _ := zw.Create("azcmagent-logs/azcmagent.log")
			zeros := make([]byte, 1<<20)
			for range 1024 {
				w.Write(zeros)
			}
		})
		runChild(t, dir, nil, 0, "analyze", zp)
	})

	t.Run("100,000 zip entries", func(t *testing.T) {
		zp := filepath.Join(dir, "many.zip")
		writeZip(t, zp, func(zw *zip.Writer) {
			for i := range 100_000 {
				w, _ := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("azcmagent-logs/d%d/azcmagent.log", i), Method: zip.Store})
				io.WriteString(w, "x\n")
			}
		})
		c := runChild(t, dir, nil, 0, "analyze", zp)
		if c.status != 2 || !strings.Contains(c.stderr, "100000 entries") {
			t.Errorf("status %d, stderr %q: want the zip refused for its entries", c.status, c.stderr)
		}
	})

	t.Run("gzip bomb", func(t *testing.T) {
		gp := filepath.Join(dir, "azcmagent.log.1.gz")
		f, err := os.Create(gp)
		if err != nil {
			t.Fatal(err)
		}
		zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
		zeros := make([]byte, 1<<20)
		for range 1024 {
			zw.Write(zeros)
		}
		zw.Close()
		f.Close()
		runChild(t, dir, nil, 0, "analyze", gp)
	})

	t.Run("tail, 35 lines of 2 MiB", func(t *testing.T) {
		lp := filepath.Join(dir, "azcmagent.log")
		f, err := os.Create(lp)
		if err != nil {
			t.Fatal(err)
		}
		// From the start: on a busy machine the child may begin following
		// after the writer began, and from the end it would rightly skip
		// the lines already there.
		go func() {
			defer f.Close()
			time.Sleep(300 * time.Millisecond)
			for range 35 {
				errorLine(f, 2<<20)
			}
			io.WriteString(f, `time="2031-02-03T04:05:07Z" level=error msg="Failed to get HIS endpoint" Error="dial tcp: i/o timeout"`+"\n")
		}()
		c := runChildUntil(t, dir, nil, 0, `"line":36,`, "tail", "--from-start", "--json", lp)
		// Each long line is one line: the last one is line 36, not a count of pieces.
		if n := strings.Count(c.stdout, `"type":"finding"`); n != 36 || !strings.Contains(c.stdout, `"line":36,`) || strings.Contains(c.stdout, `"line":37,`) {
			t.Errorf("%d findings, line 36 present %v: want 36 findings numbered 1..36", n, strings.Contains(c.stdout, `"line":36,`))
		}
	})

	// tail once gathered a GuestConfig record without its close tag over up
	// to 1000 lines, whatever their length; it now reads with analyze's
	// reader, whose records are bounded to 1 MiB.
	t.Run("tail, a GuestConfig record that never closes", func(t *testing.T) {
		f, err := os.Create(filepath.Join(dir, "gc_agent.log"))
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			defer f.Close()
			time.Sleep(300 * time.Millisecond)
			io.WriteString(f, "<GCLOG>[2031-02-03 04:05:06.000] [PID 1] [TID 1] [DSC] [ERROR] [00000000-0000-0000-0000-000000000000] Failed to apply the assignment, its report follows\n")
			body := append(bytes.Repeat([]byte("y"), 900<<10), '\n')
			for range 100 {
				f.Write(body) // lines 2 to 101: 90 MiB that never close the record
			}
			errorLine(f, 3<<20) // line 102: over the line bound
			io.WriteString(f, `time="2031-02-03T04:05:07Z" level=error msg="Failed to get HIS endpoint" Error="dial tcp: i/o timeout"`+"\n")
		}()
		c := runChildUntil(t, dir, nil, 0, `"line":103,`, "tail", "--from-start", "--json", "gc_agent.log")
		if !strings.Contains(c.stdout, `"file":"gc_agent.log","line":1,`) || !strings.Contains(c.stdout, `"line":103,`) {
			t.Errorf("want findings at lines 1 and 103; got:\n%.1000s", c.stdout)
		}
		if !strings.Contains(c.stderr, "gc_agent.log:102: line longer than 1 MiB") {
			t.Errorf("stderr %.500q: want the long line named by file:line", c.stderr)
		}
	})

	t.Run("1 MB search query", func(t *testing.T) {
		c := runChild(t, dir, nil, 0, append([]string{"search"}, strings.Fields(strings.Repeat("proxy-blocked ", 75_000))...)...)
		if c.status != 2 || !strings.Contains(c.stderr, "more than 1024") {
			t.Errorf("status %d, stderr %.300q: want the query refused", c.status, c.stderr)
		}
	})

	t.Run("knowledge-base alias fan-out", func(t *testing.T) {
		kd := filepath.Join(dir, "kb")
		os.MkdirAll(kd, 0o755)
		var b strings.Builder
		b.WriteString("- id: org-base\n  kind: message\n  title: {en: T, ja: T}\n  cause: {en: C, ja: C}\n  remediation: {en: R, ja: R}\n  patterns: &p\n")
		for i := range 1000 {
			fmt.Fprintf(&b, "    - 'unique failure text %04d'\n", i)
		}
		b.WriteString("  examples: ['unique failure text 0000']\n")
		for i := range 5_000 {
			fmt.Fprintf(&b, "- {id: org-%d, kind: message, title: {en: T, ja: T}, cause: {en: C, ja: C}, remediation: {en: R, ja: R}, patterns: *p, examples: ['unique failure text 0000']}\n", i)
		}
		if b.Len() > 1<<20 {
			t.Fatalf("the bomb is %d bytes: over the folder bound, so not what this tests", b.Len())
		}
		if err := os.WriteFile(filepath.Join(kd, "bomb.yaml"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		c := runChild(t, dir, nil, 0, "--kb-dir", kd, "explain", "AZCM0041")
		if c.status != 2 || !strings.Contains(c.stderr, "bomb.yaml:") || !strings.Contains(c.stderr, "with its aliases followed") || c.stdout != "" {
			t.Errorf("status %d, stderr %.300q: want the folder refused with file:line", c.status, c.stderr)
		}
	})
}

func writeZip(t *testing.T, path string, fill func(*zip.Writer)) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	fill(zw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// lockedBuffer is a bytes.Buffer that the test reads while the child
// writes to it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
