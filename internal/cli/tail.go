package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/internal/follow"
	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/machine"
	"github.com/arcdiag/arcdiag/internal/outdir"
	"github.com/arcdiag/arcdiag/internal/report"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/internal/suggest"
	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// TailCmd follows live agent logs and annotates failures as they are written.
type TailCmd struct {
	Paths     []string `arg:"" optional:"" name:"file" help:"Log files to follow (default: this machine's azcmagent.log and himds.log)."`
	Lines     int      `short:"n" help:"First show the findings of the last N lines." default:"0" placeholder:"N"`
	FromStart bool     `help:"Read each file from its start before following it."`
	Poll      bool     `help:"Poll for changes instead of using file-system notifications (network shares)."`
	JSON      bool     `name:"json" help:"Print NDJSON: the same finding and run objects as analyze --json."`
	All       bool     `help:"Echo every line, failures highlighted."`
	Verbose   bool     `short:"v" help:"Give each probable cause and footnote whole (default: a cause's first sentences)."`
	Level     string   `help:"Only show findings at this level or above." enum:"trace,debug,info,warning,error,fatal,panic," default:""`
	NoRedact  bool     `help:"Print secrets found in the logs as they are."`
	TailOutput
}

// Help shows examples.
func (c *TailCmd) Help() string {
	return `Follows the logs through rotation (rename, delete and recreate,
copytruncate) and prints each failure with its probable cause and remediation
as it is written (once per run: a later finding of the same cause refers to
it), and the run's verdict when azcmagent finishes. Ctrl-C stops.

Examples:
  sudo arcdiag tail
  sudo arcdiag tail -n 200 /var/opt/azcmagent/log/azcmagent.log
  arcdiag tail --json /mnt/share/azcmagent.log --poll
  sudo arcdiag tail --output-dir /var/log/arcdiag --keep 3d

Exit status: 0 stopped by Ctrl-C or SIGTERM, 2 usage error or unreadable file.`
}

// settleAfter is how long a file must be quiet before a run that printed
// its exit code is reported as ended.
const settleAfter = 1500 * time.Millisecond

// tail reads with the parser's bound on lines (1 MiB, as analyze), which
// the follower must not undercut: it holds an unfinished line up to its own.
var _ [follow.MaxLine - diagnose.MaxLineLen]struct{}

// tailEvent is what a file's reader tells the loop that analyses.
type tailEvent struct {
	path   string
	rec    *parser.Record // a record, owned by the receiver; offsets count in the file
	at     filePos        // where rec lies in the file
	ev     *follow.Event  // a rotation, truncation, wait or error
	quiet  bool           // the file has been quiet for settleAfter
	closed bool           // the reader has delivered everything
}

// filePos is where a record lies in its file, for resuming after it.
type filePos struct {
	start, end int64
	// known is false where the parser's offsets are not the file's: in a
	// UTF-16 file, whose text is transcoded.
	known bool
	// unended marks a record whose line had no end yet when following stopped.
	unended bool
}

// Run follows the files until the context ends.
func (c *TailCmd) Run(e *env) error {
	minLevel := minLevelFlag(c.Level)
	k, err := e.loadKB()
	if err != nil {
		return e.reportLoadError(err)
	}
	paths := c.Paths
	if len(paths) == 0 {
		paths = logsource.DefaultPaths(runtime.GOOS, os.Getenv)
	}
	opts := e.output()
	// Records are named as analyze names them (the same log gives the same
	// machine and run ids): from what the files hold when tail starts, and
	// this machine's name when tail follows its own logs (no argument).
	opts.Labeller = &machine.Labeller{ByInput: pathIdentities(paths, len(c.Paths) == 0)}
	opts.NoRedact, opts.MinLevel, opts.All, opts.Stream, opts.Verbose = c.NoRedact, minLevel, c.All, true, c.Verbose
	var rep report.Report = report.NewText(e.stdout, k, opts)
	if c.JSON {
		rep = report.NewJSON(e.stdout, k, opts)
	}
	out, err := c.openOutput(e)
	if err != nil {
		return err
	}
	if out != nil {
		// The records go to the directory, as NDJSON; notices stay on stderr.
		rep = report.NewJSON(out, k, opts)
	}
	err = c.follow(e, k, rep, paths, out)
	if out != nil {
		return out.close(err)
	}
	return err
}

// follow runs the followers of paths and analyses their records until the
// context ends.
func (c *TailCmd) follow(e *env, k *kb.KB, rep report.Report, paths []string, out *resumer) error {
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()

	events := make(chan tailEvent)
	analyzers := map[string]*diagnose.Analyzer{}
	// One index for every file followed, built when a first error no
	// entry explains needs it.
	suggestions := suggest.New(k, suggest.Options{})
	pending := 0
	// stop ends the followers started so far and returns err.
	stop := func(err error) error {
		cancel()
		drain(events, pending)
		return err
	}
	for _, p := range paths {
		opts := follow.Options{FromStart: c.FromStart, Lines: c.Lines, Poll: c.Poll, Quiet: settleAfter}
		var plan outdir.Plan
		if out != nil {
			opts, plan = out.plan(e, p, opts)
		}
		st, err := follow.Follow(ctx, p, opts)
		if err != nil {
			return stop(usageError{e.tailOpenError(p, err)})
		}
		an := diagnose.New(k, rep, diagnose.Options{All: c.All, Suggester: suggestions})
		an.StartFile(p, logsource.InferOS(p))
		analyzers[p] = an
		if err := catchUp(an, p, plan); err != nil {
			fmt.Fprintf(e.stderr, "arcdiag: %s: %v\n", plan.Rotated, err)
		}
		pending++
		go readFollowed(st, p, c.FromStart || (opts.Resume && opts.At == 0), events)
	}

	// Said once every file is open: until then, lines written are not seen
	// (and scripts wait for it).
	e.say(msg.TailFollowing, strings.Join(paths, ", "))
	if out != nil {
		// Where each log starts is saved now, the records of the rotated
		// copies read meanwhile first: a quiet log would otherwise keep it
		// unsaved until the next line.
		if err := rep.Flush(); err != nil {
			return stop(err)
		}
		if err := out.commit(true); err != nil {
			return stop(err)
		}
	}

	failed := false
	for pending > 0 {
		te := <-events
		an := analyzers[te.path]
		switch {
		case te.closed:
			// Following stopped (Ctrl-C, SIGTERM): the run being read gets
			// its verdict now rather than never, as analyze gives it at the
			// end of a file; installer, script and JSON logs print no exit
			// code that would have settled it.
			an.EndFile()
			pending--
		case te.rec != nil:
			if out != nil && te.at.unended && ctx.Err() != nil {
				// Half a line left by the stop: the next run reads it whole.
				continue
			}
			if te.rec.Truncated {
				fmt.Fprintln(e.stderr, e.msg(msg.AnalyzeLongLine, fmt.Sprintf("%s:%d", te.path, te.rec.Line), diagnose.MaxLineLen>>20))
			}
			an.Add(te.rec)
			if out != nil && te.at.known {
				out.read(te.path, te.rec.Raw, te.at.start, te.at.end)
			}
		case te.quiet:
			an.Settle()
		case te.ev.Kind == follow.KindWaiting:
			e.say(msg.TailWaiting, te.path)
		case te.ev.Kind == follow.KindTruncated, te.ev.Kind == follow.KindReopened:
			if te.ev.Kind == follow.KindTruncated {
				e.say(msg.TailTruncated, te.path)
			}
			if out != nil {
				out.restart(te.path)
			}
		case te.ev.Kind == follow.KindError:
			fmt.Fprintf(e.stderr, "arcdiag: %s: %v\n", te.path, te.ev.Err)
			failed = true
		}
		if err := rep.Flush(); err != nil {
			return stop(err)
		}
		if out != nil {
			// A quiet spell is a good moment to save offsets that gave no record.
			if err := out.commit(te.quiet); err != nil {
				return stop(err)
			}
		}
	}
	if failed {
		return exitCode(ExitUsage)
	}
	return rep.Flush()
}

// readFollowed reads a followed file's stream with the parser's Scanner,
// as analyze reads a file, and sends its records, its quiet spells and the
// rotations between its parts, until following stops. counted says the
// first part starts at line 1.
func readFollowed(st *follow.Stream, path string, counted bool, events chan<- tailEvent) {
	defer func() { events <- tailEvent{path: path, closed: true} }()
	// Line numbers stay true when following starts at the end: the lines
	// before it are counted once. Each later part starts its file anew.
	var lines int
	off := st.Start()
	if !counted && off > 0 {
		lines = countLines(path, off)
	}
	for {
		sc := parser.NewScanner(st, path, parser.Options{MaxLineLen: diagnose.MaxLineLen})
		for {
			for sc.Scan() {
				rec := sc.Record().Clone()
				at := filePos{start: rec.Offset + off, end: rec.End() + off, unended: rec.Unterminated()}
				switch sc.Encoding().Charset {
				case parser.UTF8:
					at.known = true
				case parser.UTF8BOM:
					// The parser's offsets count after the byte-order mark.
					at.start, at.end, at.known = at.start+3, at.end+3, true
				}
				rec.Line += lines
				rec.Offset = at.start
				events <- tailEvent{path: path, rec: rec, at: at}
			}
			if !sc.Paused() {
				break
			}
			events <- tailEvent{path: path, quiet: true}
		}
		// The stream ends its parts with io.EOF and reports its errors as
		// events, so the scanner has none of its own.
		ev, ok := st.Next()
		if !ok {
			return
		}
		events <- tailEvent{path: path, ev: &ev}
		lines, off = 0, 0
	}
}

// drain receives the events of the started readers, whose context is
// cancelled, until each has said it closed: a follower delivers what it had
// read before closing, and stays blocked until that is received.
func drain(events <-chan tailEvent, followers int) {
	for followers > 0 {
		if te := <-events; te.closed {
			followers--
		}
	}
}

// countLines returns the number of lines before offset in path, so that a
// file followed from its end still reports true line numbers. It reads the
// file once; on error the numbering starts from zero.
func countLines(path string, offset int64) int {
	fh, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer fh.Close()
	buf := make([]byte, 256<<10)
	n := 0
	r := io.LimitReader(fh, offset)
	for {
		m, err := r.Read(buf)
		for _, b := range buf[:m] {
			if b == '\n' {
				n++
			}
		}
		if err != nil {
			return n
		}
	}
}

// tailOpenError explains why a file cannot be followed.
func (e *env) tailOpenError(path string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		hint := e.msg(msg.TailAsRoot)
		if runtime.GOOS == "windows" {
			hint = e.msg(msg.TailAsAdmin)
		}
		return errors.New(e.msg(msg.TailDenied, path, hint))
	}
	return fmt.Errorf("%s: %w", e.msg(msg.TailCannot, path), err)
}
