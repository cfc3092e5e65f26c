package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/arcdiag/arcdiag/internal/report/msg"
)

// The CLI's own messages (errors, hints, notices on standard error) are in
// the one catalog of internal/report/msg, beside the output's words.

// msg formats a message in the user's language.
func (g Globals) msg(id msg.ID, args ...any) string {
	return id.In(g.language(), args...)
}

// say writes a message on standard error, after the program's name.
func (e *env) say(id msg.ID, args ...any) {
	fmt.Fprintln(e.stderr, "arcdiag: "+e.msg(id, args...))
}

// usagef is a usage error with a message in the user's language.
func (g Globals) usagef(id msg.ID, args ...any) error {
	return usageError{errors.New(g.msg(id, args...))}
}

// langFromArgs finds --lang in arguments kong could not parse, so that even
// a usage error is explained in the user's language.
func langFromArgs(args []string) Globals {
	var g Globals
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			g.Lang = v
		} else if a == "--lang" && i+1 < len(args) {
			g.Lang = args[i+1]
		}
	}
	if g.Lang != "en" && g.Lang != "ja" {
		g.Lang = ""
	}
	return g
}
