// Package cli is arcdiag's command line: the kong command structs, one file
// per command, and the single place that decides exit codes. The work itself
// is done by the domain packages (kb, and later parser and index).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/alecthomas/kong"

	"github.com/arcdiag/arcdiag/internal/redact"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/kb"
)

// Exit codes, documented in the README.
const (
	ExitOK = 0 // found (explain, search, kb); no failure (analyze); stopped (tail)
	// ExitNotFound: explain, search or kb found nothing.
	ExitNotFound = 1
	// ExitFailures: analyze found failures in the logs. It shares 1 with
	// ExitNotFound, as grep's 0/1 do: 0 means "nothing to worry about".
	ExitFailures = 1
	ExitUsage    = 2 // usage or input error
	kongUsage    = 80
	description  = `Explain Azure Arc Connected Machine agent (azcmagent) failures, offline.

Examples:
  arcdiag explain AZCM0041
  arcdiag analyze azcmagent-20310203T040506-arc-web-01.zip
  sudo arcdiag tail
  arcdiag search proxy blocking the login endpoint

Exit codes: 0 found (analyze: no failure), 1 nothing found (analyze: failures
found), 2 usage or input error.`
)

// CLI is the root of the command tree.
type CLI struct {
	Globals

	Explain ExplainCmd `cmd:"" help:"Explain an AZCM code, an exit status, or a pasted error message or log line."`
	Search  SearchCmd  `cmd:"" help:"Search the knowledge base by keyword, in English or Japanese, best match first."`
	Analyze AnalyzeCmd `cmd:"" help:"Read agent logs (files, folders, azcmagent logs zips) and annotate every failure."`
	Tail    TailCmd    `cmd:"" help:"Follow live agent logs and annotate failures as they are written, across rotation."`
	KB      KBCmd      `cmd:"" name:"kb" help:"List, show and check knowledge-base entries."`
	Service ServiceCmd `cmd:"" help:"Install or remove the Windows service that runs tail --output-dir at boot."`
	Serve   ServeCmd   `cmd:"" help:"Serve search, explanations and log analysis as web pages and a JSON API (loopback by default)."`

	Completion CompletionCmd `cmd:"" help:"Print a completion script for bash, zsh, fish or PowerShell."`
	Complete   completeCmd   `cmd:"" name:"__complete" hidden:"" passthrough:"" help:"Answer a completion script."`
	Man        manCmd        `cmd:"" hidden:"" help:"Print the manual page (roff), for make man and packagers."`

	Version versionFlag `help:"Print the version, commit and knowledge-base revision, and exit."`
}

// Globals are the flags every command takes.
type Globals struct {
	Lang    string   `help:"Language of the explanations: en or ja (default: from LC_ALL, LC_MESSAGES or LANG)." enum:"en,ja," default:"" placeholder:"en|ja"`
	NoColor bool     `help:"Never colour the output (also NO_COLOR, TERM=dumb)."`
	NoPager bool     `help:"Never page long output on a terminal (also PAGER=cat; default pager: less -FRX)."`
	KBDir   []string `name:"kb-dir" help:"Directory of YAML entries layered over the built-in ones; repeatable (also ARCDIAG_KB_DIR, a path list)." placeholder:"DIR" type:"path"`
}

// env is what a command's Run method receives.
type env struct {
	Globals
	term   terminal // standard output as it was before a pager took it
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// exitCode ends the process with a code after the command has reported
// whatever needed reporting.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit %d", int(c)) }

// usageError is an input problem reported as exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// Interrupted is the cause of a Main context cancelled by a signal.
type Interrupted struct{ Signal os.Signal }

func (i Interrupted) Error() string { return "interrupted by " + i.Signal.String() }

// SignalExit is the exit status of a command stopped by sig: 128 + its
// number, as shells report it (130 for Ctrl-C, 143 for SIGTERM).
func SignalExit(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// kongExit carries kong's requested exit (after --help or --version) out of
// kong's parser, which otherwise keeps parsing.
type kongExit int

// Main runs arcdiag with args (without the program name) and returns the
// process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	var cli CLI
	parser, err := kong.New(&cli,
		kong.Name("arcdiag"),
		kong.Description(description),
		kong.Writers(stdout, stderr),
		kong.Exit(func(c int) { panic(kongExit(c)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
	if err != nil {
		fmt.Fprintf(stderr, "arcdiag: %v\n", err)
		return ExitUsage
	}
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			code = int(c)
			if code == kongUsage {
				code = ExitUsage
			}
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		// kong quotes the argument it could not place, which may be a
		// pasted line holding a secret. Its message stays in English; the
		// hint is in the user's language.
		g := langFromArgs(args)
		fmt.Fprintf(stderr, "arcdiag: %s\n", redact.String(err.Error()))
		var pe *kong.ParseError
		if errors.As(err, &pe) && pe.Context != nil && pe.Context.Selected() != nil {
			fmt.Fprintln(stderr, g.msg(msg.UsageCommand, pe.Context.Selected().Path()))
		} else {
			fmt.Fprintln(stderr, g.msg(msg.UsageRoot))
		}
		return ExitUsage
	}
	if v := os.Getenv("ARCDIAG_KB_DIR"); v != "" && len(cli.KBDir) == 0 {
		for _, d := range filepath.SplitList(v) {
			if d != "" {
				cli.KBDir = append(cli.KBDir, d)
			}
		}
	}
	e := &env{Globals: cli.Globals, term: terminalOf(stdout), ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	command, _, _ := strings.Cut(kctx.Command(), " ")
	defer tuneGC(command)()
	if pg := e.pager(command); pg != nil {
		e.stdout = pg.in
		defer pg.wait()
	}
	err = kctx.Run(e)
	if err != nil && e.stdout != stdout && quitEarly(err) {
		err = nil // the reader quit the pager before the end
	}
	var ec exitCode
	var intr Interrupted
	switch {
	case errors.As(context.Cause(ctx), &intr) && !stopsBySignal(command):
		// Stopped before its end: what was printed is not the whole
		// answer, and the status must not say it is (tail's normal end is
		// a signal, and it exits 0).
		return SignalExit(intr.Signal)
	case err == nil:
		return ExitOK
	case errors.As(err, &ec):
		return int(ec)
	default:
		fmt.Fprintf(stderr, "arcdiag: %v\n", err)
		return ExitUsage
	}
}

// stopsBySignal names the commands whose normal end is a signal: tail and
// serve exit 0 when stopped.
func stopsBySignal(command string) bool { return command == "tail" || command == "serve" }

// pager starts a pager for the command's output when a person reads it on
// a terminal and it may be long (tail streams: it never pages).
func (e *env) pager(command string) *pager {
	switch {
	case e.NoPager || !e.term.isTTY:
		return nil
	case command != "explain" && command != "search" && command != "analyze" && command != "kb":
		return nil
	}
	out, ok := e.stdout.(*os.File)
	errOut, ok2 := e.stderr.(*os.File)
	if !ok || !ok2 {
		return nil
	}
	return startPager(out, errOut)
}

// loadKB loads the built-in entries with the --kb-dir layers over them.
//
// A --kb-dir layer must pass everything kb lint checks, not only loading:
// an entry whose patterns recognise other entries' examples would silently
// take their findings, and one without sources or with page markup would
// print what nobody can check. Nothing of a layer with problems is used.
func (e *env) loadKB() (*kb.KB, error) {
	if len(e.KBDir) == 0 {
		return builtinKB()
	}
	k, err := kb.Load(e.layers(false)...)
	if err != nil {
		return k, err
	}
	if problems := k.Lint(); len(problems) > 0 {
		return nil, &kb.LoadError{Problems: problems}
	}
	return k, nil
}

// builtinKB is the built-in knowledge base, loaded once per process: it is
// read-only once loaded, and its matcher (compiling every pattern, tens of
// milliseconds) is then built once too, for serve and for the tests that
// run thousands of commands in one process.
var builtinKB = sync.OnceValues(func() (*kb.KB, error) {
	return kb.Load((&env{}).layers(false)...)
})

// layers returns the built-in layer and the --kb-dir layers; verify makes the
// built-in one checked like the others (for kb lint).
func (e *env) layers(verify bool, extra ...string) []kb.Layer {
	builtin := kb.Builtin()
	builtin.Trusted = !verify
	layers := []kb.Layer{builtin}
	for _, d := range append(append([]string{}, e.KBDir...), extra...) {
		layers = append(layers, kb.DirLayer(d, os.DirFS(d)))
	}
	return layers
}

// reportLoadError prints a knowledge-base load failure, one problem a line.
func (e *env) reportLoadError(err error) error {
	var le *kb.LoadError
	if errors.As(err, &le) {
		for _, p := range le.Problems {
			fmt.Fprintln(e.stderr, e.kbProblem(p))
		}
		e.say(msg.KBNotLoaded, len(le.Problems))
		return exitCode(ExitUsage)
	}
	return err
}

// kbProblem is a knowledge-base problem in the user's language: its place
// and, as the detail, kb's own words for it.
func (g Globals) kbProblem(p kb.Problem) string {
	return g.msg(msg.KBProblem, p.Where(), p.Message)
}

// language resolves --lang, then the locale variables, to a KB language.
func (g Globals) language() kb.Lang {
	if g.Lang != "" {
		return kb.Lang(g.Lang)
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "ja") {
				return kb.JA
			}
			return kb.EN
		}
	}
	return kb.EN
}
