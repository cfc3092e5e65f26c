package cli

import (
	"bytes"
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
	"github.com/arcdiag/arcdiag/internal/outdir"
	"github.com/arcdiag/arcdiag/internal/report"
	"github.com/arcdiag/arcdiag/internal/report/msg"
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

type tailEvent struct {
	path   string
	ev     follow.Event
	closed bool // the follower has delivered everything
}

// tailedFile is the state kept per followed file.
type tailedFile struct {
	path     string
	an       *diagnose.Analyzer
	line     int  // number of the last line delivered
	counted  bool // line numbering is anchored
	lastSeen time.Time

	// gc gathers a GuestConfig record that spans lines.
	gc       []byte
	gcLine   int
	gcOffset int64
	gcLines  int
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
		rep = report.NewJSON(out.out, k, opts)
	}
	err = c.follow(e, k, rep, paths, out)
	if out != nil {
		return out.close(err)
	}
	return err
}

// follow runs the followers of paths and analyses their lines until the
// context ends.
func (c *TailCmd) follow(e *env, k *kb.KB, rep report.Report, paths []string, out *resumer) error {
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()

	events := make(chan tailEvent)
	files := map[string]*tailedFile{}
	pending := 0
	for _, p := range paths {
		opts := follow.Options{FromStart: c.FromStart, Lines: c.Lines, Poll: c.Poll}
		var plan outdir.Plan
		if out != nil {
			opts, plan = out.plan(e, p, opts)
		}
		ch, err := follow.Follow(ctx, p, opts)
		if err != nil {
			cancel()
			drain(events, pending)
			return usageError{e.tailOpenError(p, err)}
		}
		f := &tailedFile{path: p, an: diagnose.New(k, rep, diagnose.Options{All: c.All})}
		f.an.StartFile(p, logsource.InferOS(p))
		f.counted = c.FromStart || (opts.Resume && opts.At == 0)
		files[p] = f
		if err := c.catchUp(f, plan); err != nil {
			fmt.Fprintf(e.stderr, "arcdiag: %s: %v\n", plan.Rotated, err)
		}
		pending++
		go func() {
			for ev := range ch {
				events <- tailEvent{path: p, ev: ev}
			}
			events <- tailEvent{path: p, closed: true}
		}()
	}

	// Said once every file is open: until then, lines written are not seen
	// (and scripts wait for it).
	e.say(msg.TailFollowing, strings.Join(paths, ", "))

	ticker := time.NewTicker(settleAfter / 3)
	defer ticker.Stop()
	failed := false
	for pending > 0 {
		select {
		case te := <-events:
			f := files[te.path]
			if te.closed {
				// Following stopped (Ctrl-C, SIGTERM): a run that printed its
				// exit code gets its verdict now rather than never.
				f.flushGC()
				f.an.Settle()
				pending--
				continue
			}
			switch te.ev.Kind {
			case follow.KindLine:
				if out != nil && te.ev.Line.Partial && ctx.Err() != nil {
					// Half a line left by the stop: the next run reads it whole.
					continue
				}
				c.line(f, te.ev.Line)
				if out != nil {
					out.read(te.path, te.ev.Line)
				}
			case follow.KindWaiting:
				e.say(msg.TailWaiting, te.path)
			case follow.KindTruncated:
				e.say(msg.TailTruncated, te.path)
				f.line, f.counted = 0, true
				if out != nil {
					out.restart(te.path)
				}
			case follow.KindReopened:
				f.line, f.counted = 0, true
				if out != nil {
					out.restart(te.path)
				}
			case follow.KindError:
				fmt.Fprintf(e.stderr, "arcdiag: %s: %v\n", te.path, te.ev.Err)
				failed = true
			}
		case <-ticker.C:
			for _, f := range files {
				if !f.lastSeen.IsZero() && time.Since(f.lastSeen) > settleAfter {
					f.flushGC()
					f.an.Settle()
					f.lastSeen = time.Time{}
				}
			}
		}
		if err := rep.Flush(); err != nil {
			cancel()
			drain(events, pending)
			return err
		}
		if out != nil {
			if err := out.commit(false); err != nil {
				cancel()
				drain(events, pending)
				return err
			}
		}
	}
	if failed {
		return exitCode(ExitUsage)
	}
	return rep.Flush()
}

// drain receives the events of the started followers, whose context is
// cancelled, until each has said it closed: a follower delivers what it had
// read before closing, and stays blocked until that is received.
func drain(events <-chan tailEvent, followers int) {
	for followers > 0 {
		if te := <-events; te.closed {
			followers--
		}
	}
}

// line analyses one line of a followed file. A GuestConfig record that
// spans lines is gathered until its closing tag, as the parser does for
// analyze.
func (c *TailCmd) line(f *tailedFile, l follow.Line) {
	if !f.counted {
		f.line = countLines(f.path, l.Offset)
		f.counted = true
	}
	f.line++
	f.lastSeen = time.Now()
	text := []byte(l.Text)
	if f.gc != nil {
		if bytes.HasPrefix(text, gcOpen) {
			f.flushGC() // an unclosed record ends where the next begins
		} else {
			f.gc = append(append(f.gc, '\n'), text...)
			f.gcLines++
			if bytes.Contains(text, gcClose) || f.gcLines >= maxGCLines {
				f.flushGC()
			}
			return
		}
	}
	if bytes.HasPrefix(text, gcOpen) && !bytes.Contains(text, gcClose) {
		f.gc, f.gcLine, f.gcOffset, f.gcLines = append(f.gc[:0], text...), f.line, l.Offset, 1
		return
	}
	f.add(text, f.line, l.Offset, 1, l.Truncated)
}

var (
	gcOpen  = []byte("<GCLOG>")
	gcClose = []byte("</GCLOG>")
)

// maxGCLines bounds a GuestConfig record that never closes.
const maxGCLines = 1000

func (f *tailedFile) add(text []byte, line int, offset int64, lines int, truncated bool) {
	rec := parser.ParseLine(text)
	rec.File, rec.Line, rec.Offset, rec.Lines, rec.Truncated = f.path, line, offset, lines, truncated
	f.an.Add(&rec)
}

// flushGC analyses a gathered GuestConfig record.
func (f *tailedFile) flushGC() {
	if f.gc != nil {
		f.add(f.gc, f.gcLine, f.gcOffset, f.gcLines, false)
		f.gc = nil
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
