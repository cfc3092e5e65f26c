package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// waitTimeout bounds waitfor: generous, so that a loaded machine (a -race
// run beside other builds) is slow, not failing.
const waitTimeout = 60 * time.Second

// scriptEnv lists the variables a process started by bg gets from the
// script, over the test's own environment.
var scriptEnv = []string{"LC_ALL", "LC_MESSAGES", "LANG", "NO_COLOR", "ARCDIAG_KB_DIR", "TESTDATA", "HOME", "TMPDIR", "WORK", "PATH"}

// background is a process started by bg, its output going to files that
// waitfor can read while it runs.
type background struct {
	cmd            *exec.Cmd
	stdout, stderr string
}

// cmdBg starts a program in the background, its standard output and error
// written to NAME.stdout and NAME.stderr: bg NAME PROGRAM ARGS... .
// Unlike exec's &NAME&, the output can be waited for while it runs.
func cmdBg(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: bg NAME PROGRAM ARGS...")
	}
	name, running := args[0], backgrounds(ts)
	if running[name] != nil {
		ts.Fatalf("bg: %s is already running", name)
	}
	prog := lookPath(ts, args[1])
	b := &background{stdout: ts.MkAbs(name + ".stdout"), stderr: ts.MkAbs(name + ".stderr")}
	out, err := os.Create(b.stdout)
	ts.Check(err)
	errOut, err := os.Create(b.stderr)
	ts.Check(err)
	b.cmd = exec.Command(prog, args[2:]...)
	b.cmd.Dir = ts.MkAbs(".")
	b.cmd.Stdout, b.cmd.Stderr = out, errOut
	b.cmd.Env = os.Environ()
	for _, k := range scriptEnv {
		b.cmd.Env = append(b.cmd.Env, k+"="+ts.Getenv(k))
	}
	ts.Check(b.cmd.Start())
	out.Close()
	errOut.Close()
	running[name] = b
	ts.Defer(func() {
		if b.cmd.ProcessState == nil {
			b.cmd.Process.Kill()
			b.cmd.Wait()
		}
	})
}

// cmdWaitfor waits until a file's content matches a regular expression:
// waitfor FILE REGEXP. It fails after waitTimeout, showing the file.
func cmdWaitfor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitfor FILE REGEXP")
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(waitTimeout)
	for {
		data, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			ts.Fatalf("waitfor: %v", err)
		}
		if re.Match(data) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitfor: no match for %q in %s after %v; it holds:\n%s", args[1], args[0], waitTimeout, data)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cmdStop interrupts a process started by bg (as Ctrl-C does), waits for it
// and makes its output the script's stdout and stderr: stop NAME. It fails
// unless the process exits 0 (or, as ! stop, unless it fails).
func cmdStop(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: stop NAME")
	}
	b := backgrounds(ts)[args[0]]
	if b == nil {
		ts.Fatalf("stop: no background process %s", args[0])
	}
	ts.Check(b.cmd.Process.Signal(os.Interrupt))
	done := make(chan error, 1)
	go func() { done <- b.cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(waitTimeout):
		b.cmd.Process.Kill()
		ts.Fatalf("stop: %s did not end within %v of the interrupt", args[0], waitTimeout)
	}
	for path, w := range map[string]interface{ Write([]byte) (int, error) }{b.stdout: ts.Stdout(), b.stderr: ts.Stderr()} {
		data, rerr := os.ReadFile(path)
		ts.Check(rerr)
		w.Write(data)
	}
	switch {
	case err != nil && !neg:
		ts.Fatalf("stop: %s: %v", args[0], err)
	case err == nil && neg:
		ts.Fatalf("stop: %s exited 0", args[0])
	}
}

// backgroundsKey keys, in a script's values, its bg processes by name.
type backgroundsKey struct{}

func backgrounds(ts *testscript.TestScript) map[string]*background {
	return ts.Value(backgroundsKey{}).(map[string]*background)
}

// lookPath finds a program in the script's PATH, where testscript puts
// arcdiag.
func lookPath(ts *testscript.TestScript, prog string) string {
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		p := filepath.Join(dir, prog)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	ts.Fatalf("bg: %s not found in the script's PATH", prog)
	return ""
}
