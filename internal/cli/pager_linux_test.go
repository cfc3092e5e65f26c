package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns the terminal end of a new pseudo-terminal; what is
// written to it is read and dropped, as a terminal would show it.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	ptm, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { ptm.Close() })
	if err := unix.IoctlSetPointerInt(int(ptm.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptm.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pts.Close() })
	go io.Copy(io.Discard, ptm)
	return pts
}

// TestPagerOnTerminal runs explain with standard output on a real
// pseudo-terminal and a pager that records what it is given: the text goes
// through the pager, coloured (the terminal's, not the pipe's, style),
// without colour for TERM=dumb; --no-pager, PAGER=cat and a pipe get no
// pager at all.
func TestPagerOnTerminal(t *testing.T) {
	pts := openPTY(t)
	dir := t.TempDir()
	paged := filepath.Join(dir, "paged")
	script := filepath.Join(dir, "pager.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ncat > "+paged+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, stdout io.Writer, env map[string]string, args ...string) (string, bool) {
		t.Helper()
		os.Remove(paged)
		t.Setenv("PAGER", script)
		for k, v := range env {
			t.Setenv(k, v)
		}
		// The pager is given the process's stderr, a file, as in real use.
		if code := Main(t.Context(), args, strings.NewReader(""), stdout, os.Stderr); code != ExitOK {
			t.Fatalf("%v: exit %d", args, code)
		}
		data, err := os.ReadFile(paged)
		return string(data), err == nil
	}
	t.Run("paged", func(t *testing.T) {
		got, ok := run(t, pts, map[string]string{"TERM": "xterm"}, "explain", "AZCM0041")
		if !ok || !strings.Contains(got, "AZCM0041") || !strings.Contains(got, "\x1b[") {
			t.Errorf("the pager got %q (ran: %v); want the coloured explanation", got, ok)
		}
	})
	t.Run("TERM=dumb", func(t *testing.T) {
		got, ok := run(t, pts, map[string]string{"TERM": "dumb"}, "explain", "AZCM0041")
		if !ok || !strings.Contains(got, "AZCM0041") || strings.Contains(got, "\x1b[") {
			t.Errorf("the pager got %q (ran: %v); want the explanation without colour", got, ok)
		}
	})
	t.Run("--no-pager", func(t *testing.T) {
		if _, ok := run(t, pts, nil, "--no-pager", "explain", "AZCM0041"); ok {
			t.Error("the pager ran despite --no-pager")
		}
	})
	t.Run("PAGER=cat", func(t *testing.T) {
		if _, ok := run(t, pts, map[string]string{"PAGER": "cat"}, "explain", "AZCM0041"); ok {
			t.Error("the pager ran despite PAGER=cat")
		}
	})
	t.Run("tail", func(t *testing.T) {
		// tail streams: started on a missing directory it fails at once,
		// without a pager.
		var stderr bytes.Buffer
		t.Setenv("PAGER", script)
		os.Remove(paged)
		Main(t.Context(), []string{"tail", filepath.Join(dir, "nodir", "x.log")}, strings.NewReader(""), pts, &stderr)
		if _, err := os.Stat(paged); err == nil {
			t.Error("tail ran a pager")
		}
	})
	t.Run("pipe", func(t *testing.T) {
		var out bytes.Buffer
		if _, ok := run(t, &out, nil, "explain", "AZCM0041"); ok || !strings.Contains(out.String(), "AZCM0041") {
			t.Errorf("a pipe went through the pager, or got nothing: %q", out.String())
		}
	})
}
