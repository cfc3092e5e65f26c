package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/alecthomas/kong"

	"github.com/arcdiag/arcdiag/kb"
)

// Set by `make build` and `make install` (-ldflags -X), which know the
// checkout's git description and commit; a `go install …@version` build
// gets its version from the module instead.
var (
	buildVersion string
	buildCommit  string
)

// versionFlag prints what built this binary and with which knowledge base,
// then exits, as kong's VersionFlag does; the knowledge base is only read
// when asked.
type versionFlag bool

// BeforeReset implements kong's hook, run as soon as the flag is parsed.
func (versionFlag) BeforeReset(app *kong.Kong) error {
	writeVersion(app.Stdout)
	app.Exit(0)
	return nil
}

// writeVersion writes the version, the commit and the knowledge base's
// revision, one a line.
func writeVersion(w io.Writer) {
	version, commit, when := "(devel)", "unknown", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		if v := info.Main.Version; v != "" {
			version = v
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					when += ", modified"
				}
			}
		}
	}
	if buildVersion != "" {
		version = buildVersion
	}
	if buildCommit != "" {
		commit = buildCommit
	}
	if when != "" {
		commit += " (" + when + ")"
	}
	entries := "?"
	if k, err := kb.Load(kb.Builtin()); err == nil {
		entries = fmt.Sprint(len(k.Entries()))
	}
	fmt.Fprintf(w, "arcdiag %s\ncommit %s\nknowledge base %s (%s built-in entries)\n%s %s/%s\n",
		version, commit, kb.BuiltinRevision(), entries, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
