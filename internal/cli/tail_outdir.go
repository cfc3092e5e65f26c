package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/internal/follow"
	"github.com/arcdiag/arcdiag/internal/outdir"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/parser"
)

// TailOutput are tail's flags for writing its records into a directory for a
// log collector (the Azure Monitor Agent, an OpenTelemetry filelog receiver).
type TailOutput struct {
	OutputDir string `name:"output-dir" help:"Write the NDJSON records into DIR, one file per day (arcdiag-YYYY-MM-DD.ndjson, UTC), and resume where the last run stopped (-n and --from-start then apply to a log not seen before). DIR is created 0755 and its files 0644 (less the umask): readable by any local user, a collector running as its own user included; the state stays 0600. One tail per DIR: a second one exits 2 (DIR/.arcdiag-tail.lock holds the first one's PID)." placeholder:"DIR"`
	Keep      string `help:"With --output-dir: delete daily files older than this (days as 3d, or a duration as 36h)." default:"3d" placeholder:"AGE"`
	StateFile string `name:"state-file" help:"With --output-dir: where the resume state (an offset per followed log) is kept (default: DIR/.arcdiag-tail-state.json)." placeholder:"FILE"`
}

// stateFileName is the resume state's default name inside --output-dir: a
// dot file, outside a collector's arcdiag-*.ndjson pattern.
const stateFileName = ".arcdiag-tail-state.json"

// saveEvery bounds how long offsets that produced no record stay unsaved.
const saveEvery = 2 * time.Second

// resumer writes tail's records into --output-dir and keeps the resume
// state in step with them: the state is saved only after the records of
// the lines it counts as read have been synced to disk, so that a restart
// neither repeats nor skips a record.
type resumer struct {
	out       *outdir.Writer
	statePath string
	state     *outdir.State
	logs      map[string]*resumedLog
	changed   bool
	saved     time.Time
	locks     []*outdir.Lock // held until close
	lang      Globals        // words a failure to write
}

// writeError is a failure to write the records or the state, worded in
// the user's language with the system's words as the detail.
type writeError struct {
	err  error
	text string
}

func (w writeError) Error() string { return w.text }
func (w writeError) Unwrap() error { return w.err }

// failed words err, once, as a failure to write the output.
func (r *resumer) failed(err error) error {
	var we writeError
	if err == nil || errors.As(err, &we) {
		return err
	}
	return writeError{err, r.lang.msg(msg.OutputWriteFailed, err)}
}

// Write writes records into the directory: the JSON report's writer.
func (r *resumer) Write(p []byte) (int, error) {
	n, err := r.out.Write(p)
	return n, r.failed(err)
}

// resumedLog is what is known of the file being read for one followed log.
type resumedLog struct {
	end    int64  // offset after the last line analysed
	sum    string // fingerprint of the file being read; "" until known
	sumLen int
}

// openOutput prepares --output-dir: the directory's writer, the retention,
// and the resume state. It returns nil without --output-dir.
func (c *TailCmd) openOutput(e *env) (*resumer, error) {
	if c.OutputDir == "" {
		return nil, nil
	}
	keep, err := outdir.ParseKeep(c.Keep)
	if err != nil {
		return nil, e.usagef(msg.TailKeep, "--keep", c.Keep)
	}
	w, err := outdir.Open(c.OutputDir, keep, nil)
	if err != nil {
		return nil, e.usagef(msg.OutputDirUnusable, err)
	}
	w.Warn = func(err error) { e.say(msg.OutputDirPrune, err) }
	path := c.StateFile
	if path == "" {
		path = filepath.Join(c.OutputDir, stateFileName)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, e.usagef(msg.StateFileUnusable, err)
	}
	// Locked before anything is pruned, read or written: a second tail on
	// the same directory or state stops here.
	r := &resumer{out: w, statePath: path, logs: map[string]*resumedLog{}, saved: time.Now(), lang: e.Globals}
	lockPaths := []string{filepath.Join(c.OutputDir, outdir.LockName)}
	if c.StateFile != "" {
		lockPaths = append(lockPaths, path+".lock")
	}
	for _, lp := range lockPaths {
		l, err := outdir.TryLock(lp)
		if err != nil {
			r.unlock()
			var locked *outdir.LockedError
			if errors.As(err, &locked) && locked.PID > 0 {
				return nil, e.usagef(msg.TailLocked, lp, locked.PID)
			} else if locked != nil {
				return nil, e.usagef(msg.TailLockedNoPID, lp)
			}
			return nil, e.usagef(msg.OutputDirUnusable, err)
		}
		r.locks = append(r.locks, l)
	}
	w.Tick()
	if r.state, err = outdir.LoadState(path); err != nil {
		w.Close()
		r.unlock()
		return nil, e.usagef(msg.StateFileUnusable, err)
	}
	return r, nil
}

// unlock releases the locks taken so far.
func (r *resumer) unlock() {
	for _, l := range r.locks {
		l.Unlock()
	}
	r.locks = nil
}

// plan says where following path starts, from the saved state: at the
// saved offset if the file is the same, else at the beginning of the file,
// after the rest of the rotated copy (which catchUp reads). A log with no
// saved position starts as opts says; following from the end, that end is
// saved at once, so that lines written before the first one tail sees are
// not skipped by a restart.
func (r *resumer) plan(e *env, path string, opts follow.Options) (follow.Options, outdir.Plan) {
	l := &resumedLog{}
	r.logs[path] = l
	pos, ok := r.state.Logs[path]
	if !ok {
		if opts.FromStart || opts.Lines > 0 {
			return opts, outdir.Plan{}
		}
		at, err := outdir.LastLineEnd(path)
		if err != nil {
			return opts, outdir.Plan{} // not there yet: read whole when it comes
		}
		opts.Resume, opts.At = true, at
		l.end = at
		l.sum, l.sumLen = fingerprint(path)
		r.changed = true
		return opts, outdir.Plan{}
	}
	p := pos.Locate(path)
	// One line per log says where it resumed, so that a restart is seen.
	switch {
	case p.Lost:
		fmt.Fprintf(e.stderr, "arcdiag: %s: %s\n", path, e.msg(msg.TailResumeLost, pos.Offset))
	case p.Rotated != "":
		e.say(msg.TailResumeRotated, path, p.Rotated, p.RotatedAt)
	default:
		e.say(msg.TailResuming, path, p.At, countLines(path, p.At)+1)
	}
	opts.Resume, opts.At = true, p.At
	l.end = p.At
	if p.At > 0 {
		l.sum, l.sumLen = pos.Sum, pos.SumLen
	} else {
		// A new file, read from its start, after what was left of the old
		// one: once that is written, the old one is done with.
		l.sum, l.sumLen = fingerprint(path)
		r.changed = true
	}
	return opts, p
}

// fingerprint is outdir.Fingerprint, "" when the file cannot be read.
func fingerprint(path string) (string, int) {
	sum, n, err := outdir.Fingerprint(path)
	if err != nil {
		return "", 0
	}
	return sum, n
}

// catchUp analyses the rest of the copy a log was rotated to while tail was
// stopped, with the parser's Scanner as the followed file is read.
func catchUp(an *diagnose.Analyzer, path string, p outdir.Plan) error {
	if p.Rotated == "" {
		return nil
	}
	f, err := follow.Open(p.Rotated)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Seek(p.RotatedAt, io.SeekStart); err != nil {
		return err
	}
	lines := countLines(p.Rotated, p.RotatedAt)
	sc := parser.NewScanner(f, p.Rotated, parser.Options{MaxLineLen: diagnose.MaxLineLen})
	for sc.Scan() {
		rec := sc.Record()
		rec.File, rec.Line, rec.Offset = path, rec.Line+lines, rec.Offset+p.RotatedAt
		an.Add(rec)
	}
	an.Settle()
	return sc.Err()
}

// read records that path's records up to the one of text, at start..end in
// the file, were analysed.
func (r *resumer) read(path string, text []byte, start, end int64) {
	rl := r.logs[path]
	if rl.sum == "" {
		rl.sum, rl.sumLen = identify(path, text, start)
	}
	rl.end, r.changed = end, true
}

// restart records that path now names a new file, or was truncated: it is
// read from its beginning, and its fingerprint is learnt again.
func (r *resumer) restart(path string) {
	rl := r.logs[path]
	rl.end, rl.sum, rl.sumLen, r.changed = 0, "", 0, true
}

// identify fingerprints the file at path if it is the one text was read
// from: the bytes at start are text. The path may already name a newer
// file during a rotation; then nothing is known yet (""), and so for a
// record whose text is not the file's bytes (a wrapped console line joined
// back): a later record tells.
func identify(path string, text []byte, start int64) (string, int) {
	f, err := follow.Open(path)
	if err != nil {
		return "", 0
	}
	defer f.Close()
	buf := make([]byte, len(text))
	if _, err := f.ReadAt(buf, start); err != nil || !bytes.Equal(buf, text) {
		return "", 0
	}
	return fingerprint(path)
}

// commit syncs the records written and then saves the offsets, when records
// were written or offsets have waited long enough (or force, at the end).
func (r *resumer) commit(force bool) error {
	r.out.Tick()
	if !r.changed || !(r.out.Unsynced() || force || time.Since(r.saved) >= saveEvery) {
		return nil
	}
	if err := r.out.Sync(); err != nil {
		return r.failed(err)
	}
	for path, rl := range r.logs {
		if rl.sum == "" {
			continue // the file is not identified yet: keep the older position
		}
		r.state.Logs[path] = outdir.Position{Offset: rl.end, Sum: rl.sum, SumLen: rl.sumLen}
	}
	if err := r.state.Save(r.statePath); err != nil {
		return r.failed(err)
	}
	r.changed, r.saved = false, time.Now()
	return nil
}

// close saves the final state and closes the day's file. After a failed
// write (err other than an exit status) the offsets stay where the records
// that were surely written put them.
func (r *resumer) close(err error) error {
	var ec exitCode
	if err == nil || errors.As(err, &ec) {
		if cerr := r.commit(true); cerr != nil {
			err = cerr
		}
	}
	if cerr := r.out.Close(); err == nil {
		err = r.failed(cerr)
	}
	r.unlock()
	return err
}
