package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/kong"
)

// manCmd prints the manual page, generated from the same command tree as
// --help (make man writes it to build/man/arcdiag.1).
type manCmd struct{}

// Run writes the page.
func (c *manCmd) Run(e *env, kctx *kong.Context) error {
	writeMan(e.stdout, kctx.Model)
	return nil
}

// writeMan writes app as a man(7) page: the commands with their help and
// examples, their flags, the global flags, exit status and environment.
func writeMan(w io.Writer, app *kong.Application) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	summary, rest, _ := strings.Cut(description, "\n")
	p(`.TH ARCDIAG 1 "" "arcdiag" "User Commands"`)
	p(".SH NAME")
	p(`arcdiag \- %s`, roff(strings.TrimSuffix(summary, ".")))
	p(".SH SYNOPSIS")
	p(`.B arcdiag
[\fIglobal flags\fR] \fIcommand\fR [\fIflags\fR] [\fIarguments\fR]`)
	p(".SH DESCRIPTION")
	manText(w, strings.TrimSpace(rest))
	p(".SH COMMANDS")
	for _, n := range app.Leaves(true) {
		p(".SS %s", roff(strings.TrimSpace(n.Path()+" "+positionals(n))))
		manText(w, n.Help)
		if n.Detail != "" {
			manText(w, n.Detail)
		}
		for _, f := range n.Flags {
			if !f.Hidden {
				manFlag(w, f)
			}
		}
	}
	p(".SH GLOBAL FLAGS")
	for _, f := range app.Flags {
		if !f.Hidden {
			manFlag(w, f)
		}
	}
	p(".SH EXIT STATUS")
	p(`.TP
.B 0
Found (explain, search, kb); no failure (analyze); stopped by Ctrl-C or SIGTERM (tail).
.TP
.B 1
Nothing found (explain, search, kb); failures found (analyze).
.TP
.B 2
Usage error, a knowledge-base file with problems, or an input that could not be read.`)
	p(".SH ENVIRONMENT")
	for _, env := range [][2]string{
		{"LC_ALL, LC_MESSAGES, LANG", "A Japanese locale (ja...) prints Japanese unless --lang says otherwise."},
		{"NO_COLOR", "Set to anything: no colour."},
		{"TERM", "dumb: no colour."},
		{"PAGER", "The pager for long output on a terminal (default: less -FRX); empty or cat: none."},
		{"ARCDIAG_KB_DIR", "Directories of YAML entries layered over the built-in ones, as a path list."},
	} {
		p(".TP\n.B %s\n%s", roff(env[0]), roff(env[1]))
	}
	p(".SH SEE ALSO")
	p("azcmagent(1); the README and kb/README.md (the knowledge-base schema) of the source.")
}

// positionals is a command's arguments as its usage line shows them.
func positionals(n *kong.Node) string {
	var parts []string
	for _, a := range n.Positional {
		s := "<" + a.Name + ">"
		if a.IsSlice() || a.IsCounter() {
			s += " ..."
		}
		if !a.Required {
			s = "[" + s + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func manFlag(w io.Writer, f *kong.Flag) {
	name := `\-\-` + roff(f.Name)
	if f.Short != 0 {
		name = `\-` + string(f.Short) + ", " + name
	}
	if !f.IsBool() {
		name += ` \fI` + roff(f.FormatPlaceHolder()) + `\fR`
	}
	fmt.Fprintf(w, ".TP\n%s\n%s\n", name, roff(f.Help))
}

// manText writes text as paragraphs; indented lines (examples) are kept
// as they are, without filling.
func manText(w io.Writer, text string) {
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		lines := strings.Split(para, "\n")
		literal := false
		for _, l := range lines[1:] {
			literal = literal || strings.HasPrefix(l, "  ")
		}
		if literal {
			fmt.Fprintf(w, ".PP\n.nf\n%s\n.fi\n", roff(para))
		} else {
			fmt.Fprintf(w, ".PP\n%s\n", roff(strings.Join(lines, " ")))
		}
	}
}

// roff escapes text for troff: backslashes, hyphens that are options, and
// a line that would start with a control character.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}
