package main

import (
	"context"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/arcdiag/arcdiag/internal/cli"
)

// TestMain lets testscript run this test binary as the arcdiag command.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"arcdiag": func() {
			os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
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
			return nil
		},
		RequireExplicitExec: false,
	})
}
