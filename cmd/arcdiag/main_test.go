package main

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run this test binary as the arcdiag command.
func TestMain(m *testing.M) {
	if out := os.Getenv(rusageOut); out != "" {
		os.Exit(measureChild(out, os.Args[1:]))
	}
	testscript.Main(m, map[string]func(){
		"arcdiag": func() { os.Exit(run()) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script, one behaviour
// a script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		// [race]: under the race detector, which slows the program by several
		// times, a script with time bounds (signals) skips.
		Condition: func(cond string) (bool, error) {
			if cond == "race" {
				return raceEnabled, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			// A user's locale or colour settings must not leak into the scripts.
			for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "NO_COLOR", "ARCDIAG_KB_DIR"} {
				env.Setenv(name, "")
			}
			// The repository's sample logs, for the scripts that read them.
			testdata, err := filepath.Abs(filepath.Join("..", "..", "testdata"))
			env.Setenv("TESTDATA", testdata)
			env.Values[backgroundsKey{}] = map[string]*background{}
			return err
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"append":     cmdAppend,
			"interrupt":  cmdInterrupt,
			"damagedzip": cmdDamagedZip,
			"mkfifo":     cmdMkfifo,
			"bg":         cmdBg,
			"waitfor":    cmdWaitfor,
			"stop":       cmdStop,
		},
	})
}

// cmdAppend appends the contents of files to a file, creating it:
// append DST SRC... . It writes line by line, as a logger does.
func cmdAppend(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: append DST SRC...")
	}
	f, err := os.OpenFile(ts.MkAbs(args[0]), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	ts.Check(err)
	defer f.Close()
	for _, src := range args[1:] {
		data, err := os.ReadFile(ts.MkAbs(src))
		ts.Check(err)
		for _, line := range strings.SplitAfter(string(data), "\n") {
			if line == "" {
				continue
			}
			_, err := f.WriteString(line)
			ts.Check(err)
		}
	}
}

// cmdInterrupt runs a command, sends it a signal after a delay, and checks that
// it ends within a second of the signal with the status given:
//
//	interrupt SIGNAL DELAY STATUS [<pipe] COMMAND [ARGS...]
//
// SIGNAL is INT, TERM or HUP. <pipe gives the command a standard input that
// stays open and silent, as a terminal nobody types in. The command's
// output goes to the files interrupt.stdout and interrupt.stderr.
func cmdInterrupt(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 4 {
		ts.Fatalf("usage: interrupt SIGNAL DELAY STATUS [<pipe] COMMAND [ARGS...]")
	}
	name := "SIG" + args[0]
	sig, ok := map[string]syscall.Signal{"INT": syscall.SIGINT, "TERM": syscall.SIGTERM, "HUP": syscall.SIGHUP}[args[0]]
	if !ok {
		ts.Fatalf("interrupt: unknown signal %s", args[0])
	}
	// DELAY is a duration, or out=TEXT: send the signal once the command's
	// standard output holds TEXT (a busy machine may take longer than any
	// fixed delay to start the command; a test of a flush needs its input read).
	waitFor, byOutput := strings.CutPrefix(args[1], "out=")
	var delay time.Duration
	if !byOutput {
		var err error
		delay, err = time.ParseDuration(args[1])
		ts.Check(err)
	}
	want, err := strconv.Atoi(args[2])
	ts.Check(err)
	args = args[3:]
	var stdin io.Reader
	if args[0] == "<pipe" {
		r, w, err := os.Pipe()
		ts.Check(err)
		defer r.Close()
		defer w.Close()
		stdin, args = r, args[1:]
	}
	path, err := exec.LookPath(args[0])
	ts.Check(err)
	// A command the signal reaches before it set up its handling dies of the
	// signal itself (status -1). Only a machine too busy to start it within
	// DELAY does that; it is tried again with more time to start, so that
	// what is checked stays the command's answer to the signal.
	for _, wait := range []time.Duration{delay, 2 * time.Second, 5 * time.Second} {
		state, took := interruptOnce(ts, sig, wait, waitFor, byOutput, stdin, path, args[1:])
		if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == sig && !byOutput && wait < 5*time.Second {
			ts.Logf("%s arrived before the command handled signals (%v after its start): again with more time", name, wait)
			continue
		}
		ts.Logf("%s: ended %v after the signal, status %d", name, took.Round(time.Millisecond), state.ExitCode())
		if took > time.Second {
			ts.Fatalf("ended %v after %s, more than a second", took.Round(time.Millisecond), name)
		}
		if got := state.ExitCode(); got != want {
			ts.Fatalf("exit status %d, want %d", got, want)
		}
		return
	}
}

// interruptOnce starts the command, sends it sig after delay (or once its
// output holds waitFor) and returns how it ended and how long after the
// signal.
func interruptOnce(ts *testscript.TestScript, sig syscall.Signal, delay time.Duration, waitFor string, byOutput bool, stdin io.Reader, path string, args []string) (*os.ProcessState, time.Duration) {
	cmd := exec.Command(path, args...)
	cmd.Dir = ts.Getenv("WORK")
	cmd.Env = append(os.Environ(), "LC_ALL=", "LANG=", "LC_MESSAGES=", "NO_COLOR=", "ARCDIAG_KB_DIR=")
	cmd.Stdin = stdin
	stdout, err := os.Create(ts.MkAbs("interrupt.stdout"))
	ts.Check(err)
	defer stdout.Close()
	stderr, err := os.Create(ts.MkAbs("interrupt.stderr"))
	ts.Check(err)
	defer stderr.Close()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	ts.Check(cmd.Start())
	if byOutput {
		deadline := time.Now().Add(time.Minute)
		for {
			out, err := os.ReadFile(ts.MkAbs("interrupt.stdout"))
			ts.Check(err)
			if strings.Contains(string(out), waitFor) {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				ts.Fatalf("interrupt: no %q in the output after a minute", waitFor)
			}
			time.Sleep(10 * time.Millisecond)
		}
	} else {
		time.Sleep(delay)
	}
	sent := time.Now()
	ts.Check(cmd.Process.Signal(sig))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
		ts.Fatalf("%s still running 5 s after %v", path, sig)
	}
	return cmd.ProcessState, time.Since(sent)
}

// cmdDamagedZip writes an `azcmagent logs` zip whose central directory is
// cut off, holding an azcmagent.log of about SIZE MiB: damagedzip FILE SIZE.
// Reading it means walking and inflating every entry.
func cmdDamagedZip(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: damagedzip FILE SIZE")
	}
	mib, err := strconv.Atoi(args[1])
	ts.Check(err)
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	zw := zip.NewWriter(f)
	w, err := zw.Create("azcmagent-logs/azcmagent.log")
	ts.Check(err)
	for i := 0; i < mib<<20/100; i++ {
		_, err := fmt.Fprintf(w, "time=\"2031-02-03T04:05:06Z\" level=debug msg=\"line %08d of a log that goes on and on\"\n", i)
		ts.Check(err)
	}
	ts.Check(zw.Close())
	end, err := f.Seek(0, io.SeekCurrent)
	ts.Check(err)
	ts.Check(f.Truncate(end - 30))
	ts.Check(f.Close())
}

// cmdMkfifo makes a named pipe: mkfifo FILE.
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo FILE")
	}
	ts.Check(mkfifo(ts.MkAbs(args[0])))
}
