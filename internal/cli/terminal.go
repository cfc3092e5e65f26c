package cli

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/arcdiag/arcdiag/internal/report"
	"github.com/arcdiag/arcdiag/kb"
)

// terminal is what arcdiag knows of its standard output, taken before a
// pager replaces it with a pipe: whether a person reads it on a terminal,
// and how many columns wide.
type terminal struct {
	isTTY bool
	cols  int
}

func terminalOf(w io.Writer) terminal {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return terminal{}
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		cols = 0
	}
	return terminal{isTTY: true, cols: cols}
}

// output is how to write standard output: in the user's language; on a
// terminal wrapped to its width and coloured unless --no-color, NO_COLOR
// (set to anything) or TERM=dumb (a terminal that does not understand
// escapes) says otherwise; for a pipe or a file plain.
func (e *env) output() report.Options {
	o := report.Options{Lang: e.language()}
	if e.term.isTTY {
		o.Width = e.term.cols
		o.Color = !noColor(e.NoColor, os.Getenv)
	}
	return o
}

// answers is the writer of explain, search and kb: JSON or text.
func answers(e *env, k *kb.KB, asJSON bool, opts report.Options) report.Answers {
	if asJSON {
		return report.NewJSON(e.stdout, k, opts)
	}
	return report.NewText(e.stdout, k, opts)
}

func noColor(flag bool, getenv func(string) string) bool {
	return flag || getenv("NO_COLOR") != "" || getenv("TERM") == "dumb"
}

// pagerCommand returns the pager to run, or nil for none: $PAGER split at
// spaces, `less -FRX` when PAGER is not set (-F quits at once when the text
// fits the screen, -R passes the colours, -X leaves it on the screen), none
// when it is set to "" or "cat".
func pagerCommand(lookupEnv func(string) (string, bool)) []string {
	p, set := lookupEnv("PAGER")
	if !set {
		return []string{"less", "-FRX"}
	}
	args := strings.Fields(p)
	if len(args) == 0 || args[0] == "cat" {
		return nil
	}
	return args
}

// pager is a running pager that reads what the command writes.
type pager struct {
	cmd *exec.Cmd
	in  io.WriteCloser
}

// startPager starts the pager on stdout, a terminal. It returns nil when
// there is none to run (not installed, or PAGER=cat): the text then goes
// to the terminal as it is.
func startPager(stdout, stderr *os.File) *pager {
	args := pagerCommand(os.LookupEnv)
	if args == nil {
		return nil
	}
	path, err := exec.LookPath(args[0])
	if err != nil {
		return nil
	}
	cmd := exec.Command(path, args[1:]...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil
	}
	if err := cmd.Start(); err != nil {
		return nil
	}
	return &pager{cmd: cmd, in: in}
}

// wait ends the pager's input and waits until the reader quits it.
func (p *pager) wait() {
	p.in.Close()
	p.cmd.Wait()
}

// quitEarly tells a write into a pager the reader has already quit: not an
// error, as for `| head`.
func quitEarly(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed)
}
