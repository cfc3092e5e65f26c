package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run this test binary as the arcdiag command.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"arcdiag": func() { os.Exit(run()) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script, one behaviour
// a script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// A user's locale or colour settings must not leak into the scripts.
			for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "NO_COLOR", "ARCDIAG_KB_DIR"} {
				env.Setenv(name, "")
			}
			// The repository's sample logs, for the scripts that read them.
			testdata, err := filepath.Abs(filepath.Join("..", "..", "testdata"))
			env.Setenv("TESTDATA", testdata)
			return err
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sleep":  cmdSleep,
			"append": cmdAppend,
		},
	})
}

// cmdSleep pauses the script: sleep DURATION. Tail scripts need it to let the
// follower see a write before the next one.
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
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
