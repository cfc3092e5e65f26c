package logsource

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Input is one log to read: a file, an entry of a zip, or standard input.
// Only Resolve makes usable Inputs.
type Input struct {
	// Name is what to show the user: the path as given or found, or
	// "bundle.zip:var/opt/azcmagent/log/azcmagent.log" for a zip entry (the
	// entry name as stored, backslashes included), or "<stdin>".
	Name string
	// Size is the number of bytes Open is expected to deliver, for a
	// progress bar: the file size (compressed, for a .gz copy), a zip
	// entry's declared size capped at MaxEntrySize, or -1 when unknown.
	Size int64
	// OS is "linux" or "windows" when the path says which system wrote the
	// log (a default path, or the agent's folders in the path or entry
	// name), else "".
	OS string
	// Zip is the zip file the input is an entry of, as found; "" for a
	// file or standard input.
	Zip string
	// Found is set when the input was not named by the user but found: by
	// walking a directory, or as an entry of a zip. A found file that holds
	// no record is summarised, not reported one by one.
	Found bool

	open func() (io.ReadCloser, error)
}

// Open returns the input's raw bytes: a gzip-compressed copy stays
// compressed, since the parser decodes it. Files and zip entries may be
// opened again and concurrently; standard input can be read only once.
// Errors name the input.
func (in Input) Open() (io.ReadCloser, error) {
	if in.open == nil {
		return nil, fmt.Errorf("%s: input was not made by logsource.Resolve", in.Name)
	}
	return in.open()
}

// The default decompression limits: far above any real agent log, far below
// what would fill a disk or a support engineer's afternoon.
const (
	DefaultMaxEntrySize int64 = 4 << 30
	DefaultMaxTotalSize int64 = 16 << 30
	DefaultMaxEntries         = 10_000
)

// ErrTooManyEntries is wrapped by the problem of a zip with more entries
// than Options.MaxEntries.
var ErrTooManyEntries = errors.New("too many zip entries")

// Options adjusts Resolve. The zero value is ready to use.
type Options struct {
	// Stdin is read for the argument "-"; nil means os.Stdin.
	Stdin io.Reader
	// GOOS picks the default paths and the permission hint: "windows" or
	// anything else for Linux. Empty means runtime.GOOS.
	GOOS string
	// Getenv looks up %ProgramData% for the Windows default paths; nil
	// means os.Getenv.
	Getenv func(string) string
	// MaxEntrySize bounds the decompressed bytes read from one zip entry;
	// past it the entry's reader returns an error wrapping ErrTooLarge.
	// Zero or less means DefaultMaxEntrySize.
	MaxEntrySize int64
	// MaxTotalSize bounds the decompressed bytes read from all entries of
	// one zip together (an entry read twice counts once); past it readers
	// return an error wrapping ErrTooLarge. Zero or less means
	// DefaultMaxTotalSize.
	MaxTotalSize int64
	// MaxEntries bounds the entries of one zip (the central directory is
	// held in memory); a zip with more is refused with ErrTooManyEntries.
	// Zero or less means DefaultMaxEntries.
	MaxEntries int
	// SkipZips leaves out the zips found in a directory, and Shallow the
	// directory's subdirectories: analyze --by machine reads each zip, and
	// each folder under the one given, as a machine of its own.
	SkipZips bool
	Shallow  bool

	// defaultPaths replaces DefaultPaths, so tests can point the
	// no-argument case at a temporary directory.
	defaultPaths []string
}

func (o Options) withDefaults() Options {
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.GOOS == "" {
		o.GOOS = runtime.GOOS
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.MaxEntrySize <= 0 {
		o.MaxEntrySize = DefaultMaxEntrySize
	}
	if o.MaxTotalSize <= 0 {
		o.MaxTotalSize = DefaultMaxTotalSize
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	return o
}

// ErrTooLarge is wrapped by the error a zip entry's reader returns when the
// entry, or the zip, decompresses to more than the Options allow. The
// bytes before the limit have been delivered.
var ErrTooLarge = errors.New("decompressed size limit exceeded")

// Problem is something Resolve could not read, or read only in part. It is
// an error; Error gives "path: err". Its Hint is a kind, not a sentence:
// the CLI words it in the user's language.
type Problem struct {
	// Path names what the problem is about: an argument, a file found in a
	// directory, a zip, or "bundle.zip:entry".
	Path string
	// Err is the cause.
	Err error
	// Hint, when not NoHint, names what the user can do about it.
	Hint Hint
	// Fatal is set when the argument the problem belongs to yielded no
	// input at all (with no arguments, the default paths count as one
	// argument): the user asked for something arcdiag cannot read, and the
	// CLI should exit 2 after reporting it. A problem that is not fatal
	// only skipped or cut short part of an argument that otherwise
	// resolved (a refused zip entry, a damaged zip, an unreadable file in a
	// directory): a warning.
	Fatal bool
}

func (p *Problem) Error() string {
	msg := "unknown problem"
	if p.Err != nil {
		msg = p.Err.Error()
	}
	return p.Path + ": " + msg
}

// Unwrap returns Err, so errors.Is(problem, fs.ErrNotExist) works.
func (p *Problem) Unwrap() error { return p.Err }

// Hint names what a user looking at the failing machine can do about a
// problem. The words are the CLI's (in the user's language), not this
// package's.
type Hint int

// The hints a Problem can carry.
const (
	NoHint Hint = iota
	// HintNotInstalled: the default logs are missing, so the agent seems
	// not to be installed.
	HintNotInstalled
	// HintRunAsRoot: permission denied on Linux.
	HintRunAsRoot
	// HintRunElevated: permission denied on Windows.
	HintRunElevated
	// HintExpectedLogs: no agent log was found; says which names are read.
	HintExpectedLogs
	// HintDamagedZip: the zip was cut short; the entries before the damage
	// are read.
	HintDamagedZip
	// HintUnsafeName: a zip entry name `azcmagent logs` never writes was
	// skipped.
	HintUnsafeName
	// HintExtractNested: a zip inside the zip must be extracted first.
	HintExtractNested
	// HintExtractEncrypted: an encrypted entry must be extracted with its
	// password.
	HintExtractEncrypted
	// HintExtractMethod: an entry compressed with a method arcdiag does not
	// read must be extracted with the tool that made the zip.
	HintExtractMethod
	// HintTooManyEntries: a zip with far more entries than `azcmagent logs`
	// writes; extract the logs needed.
	HintTooManyEntries
)

// Causes of problems that this package finds itself (the others are the
// operating system's or archive/zip's errors).
var (
	ErrNoLogFiles = errors.New("no agent log files found")
	ErrNotRegular = errors.New("not a regular file")
	ErrNestedZip  = errors.New("zip inside a zip: not read")
	ErrEncrypted  = errors.New("entry is encrypted")
	ErrStdinTwice = errors.New("standard input given more than once")
	// ErrStdinZip is the read error of a zip piped to standard input: a
	// zip can only be read in place, from a file.
	ErrStdinZip = errors.New("standard input is a zip archive: pass its path instead")
)

// MethodError is the cause of a zip entry compressed with a method arcdiag
// does not read.
type MethodError struct{ Method uint16 }

func (e MethodError) Error() string {
	return fmt.Sprintf("unsupported compression method %d", e.Method)
}

// DefaultPaths returns the logs to read when no argument is given: the
// agent's azcmagent.log and himds.log. For goos "windows" they are under
// %ProgramData%\AzureConnectedMachineAgent\Log, with ProgramData looked up
// through getenv (nil means os.Getenv) and C:\ProgramData when it is unset;
// for any other goos under /var/opt/azcmagent/log. The paths are built
// with the target system's separator, whatever system arcdiag runs on.
func DefaultPaths(goos string, getenv func(string) string) []string {
	if goos != "windows" {
		return []string{"/var/opt/azcmagent/log/azcmagent.log", "/var/opt/azcmagent/log/himds.log"}
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	pd := strings.TrimRight(getenv("ProgramData"), `\/`)
	if pd == "" {
		pd = `C:\ProgramData`
	}
	dir := pd + `\AzureConnectedMachineAgent\Log\`
	return []string{dir + "azcmagent.log", dir + "himds.log"}
}

// Resolve turns the arguments of `arcdiag analyze` into the inputs to read,
// in reading order, and the problems met on the way, in argument order.
// It reads each file's first bytes and each zip's directory, but no log
// content (except that a damaged zip is read through once to find its
// entries). It never stops early: every argument is resolved. When no
// input is returned, nothing can be read and every problem is Fatal.
//
// See the package documentation for what each kind of argument yields.
func Resolve(args []string, opts Options) ([]Input, []*Problem) {
	r := &resolver{opts: opts.withDefaults(), seen: map[string]bool{}}
	if len(args) == 0 {
		return r.defaults()
	}
	var inputs []Input
	var problems []*Problem
	for _, a := range args {
		ins, probs, dup := r.arg(a)
		if len(ins) == 0 && !dup {
			if len(probs) == 0 {
				probs = append(probs, &Problem{Path: a, Err: ErrNoLogFiles, Hint: HintExpectedLogs})
			}
			for _, p := range probs {
				p.Fatal = true
			}
		}
		inputs = append(inputs, ins...)
		problems = append(problems, probs...)
	}
	return inputs, problems
}

type resolver struct {
	opts Options
	// seen holds the absolute paths of the files and zips already resolved,
	// so that a directory and a file inside it, both given, are read once.
	seen      map[string]bool
	stdinUsed bool
}

// problem builds a Problem, dropping a *fs.PathError's own copy of the
// path and adding the permission hint for this system.
func (r *resolver) problem(path string, err error) *Problem {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		err = pe.Err
	}
	hint := NoHint
	if errors.Is(err, fs.ErrPermission) {
		hint = HintRunAsRoot
		if r.opts.GOOS == "windows" {
			hint = HintRunElevated
		}
	}
	return &Problem{Path: path, Err: err, Hint: hint}
}

func (r *resolver) defaults() ([]Input, []*Problem) {
	paths := r.opts.defaultPaths
	if paths == nil {
		paths = DefaultPaths(r.opts.GOOS, r.opts.Getenv)
	}
	goos := "linux"
	if r.opts.GOOS == "windows" {
		goos = "windows"
	}
	var inputs []Input
	var problems, missing []*Problem
	for _, p := range paths {
		st, err := os.Stat(p)
		if err == nil && !st.Mode().IsRegular() {
			err = ErrNotRegular
		}
		if err == nil {
			err = checkReadable(p)
		}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			prob := r.problem(p, err)
			problems = append(problems, prob)
			missing = append(missing, prob)
		case err != nil:
			problems = append(problems, r.problem(p, err))
		default:
			inputs = append(inputs, Input{Name: p, Size: st.Size(), OS: goos, open: openFile(p)})
		}
	}
	if len(inputs) == 0 {
		// Only when nothing is there does a missing file mean the agent is
		// not installed; next to a readable sibling it just has not been
		// written yet.
		for _, p := range missing {
			p.Hint = HintNotInstalled
		}
		for _, p := range problems {
			p.Fatal = true
		}
	}
	return inputs, problems
}

// arg resolves one argument. dup reports an argument whose files were all
// resolved already, which yields nothing without being a problem.
func (r *resolver) arg(a string) (inputs []Input, problems []*Problem, dup bool) {
	if a == "-" {
		inputs, problems = r.stdin()
		return inputs, problems, false
	}
	st, err := os.Stat(a)
	switch {
	case err != nil:
		return nil, []*Problem{r.problem(a, err)}, false
	case st.IsDir():
		return r.walk(a)
	case st.Mode().IsRegular():
		if !r.firstTime(a) {
			return nil, nil, true
		}
		inputs, problems = r.file(a, st.Size())
		return inputs, problems, false
	default:
		// A pipe such as <(zcat x) or a device: opening it here to look at
		// its first bytes would consume them, so it is read as a log, once.
		return []Input{{Name: a, Size: -1, OS: InferOS(a), open: openFile(a)}}, nil, false
	}
}

// firstTime reports whether the file at path is met for the first time.
func (r *resolver) firstTime(path string) bool {
	key, err := filepath.Abs(path)
	if err != nil {
		key = filepath.Clean(path)
	}
	if r.seen[key] {
		return false
	}
	r.seen[key] = true
	return true
}

func openFile(path string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

func checkReadable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// Zip signatures: a local file header starts a zip with entries, an end of
// central directory record starts an empty one.
var (
	zipMagic      = []byte("PK\x03\x04")
	emptyZipMagic = []byte("PK\x05\x06")
)

// file resolves a regular file: a zip (by its first bytes, or by its name
// when it does not start like one) yields its log entries, anything else
// is one input.
func (r *resolver) file(path string, size int64) ([]Input, []*Problem) {
	f, err := os.Open(path)
	if err != nil {
		return nil, []*Problem{r.problem(path, err)}
	}
	head := make([]byte, 4)
	n, err := io.ReadFull(f, head)
	f.Close()
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, []*Problem{r.problem(path, err)}
	}
	head = head[:n]
	if bytes.Equal(head, zipMagic) || bytes.Equal(head, emptyZipMagic) || strings.EqualFold(filepath.Ext(path), ".zip") {
		return r.zip(path, zipFromFile(path), size, bytes.Equal(head, zipMagic))
	}
	return []Input{{Name: path, Size: size, OS: InferOS(path), open: openFile(path)}}, nil
}

// candidate is a file found in a directory that may be read.
type candidate struct {
	path string
	log  logName
	zip  bool
}

// walk resolves a directory: every agent log and rotated copy, and every
// zip, in its tree. Symbolic links to files are followed, links to
// directories are not (they could loop).
func (r *resolver) walk(root string) (inputs []Input, problems []*Problem, dup bool) {
	byDir := map[string][]candidate{}
	if st, err := os.Lstat(root); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		// The argument itself is a link to a directory, which WalkDir would
		// not enter; a trailing separator makes the system follow it.
		root += string(filepath.Separator)
	}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			// An unreadable subdirectory: report it and go on with the rest.
			problems = append(problems, r.problem(p, err))
			return nil
		}
		if d.IsDir() {
			if r.opts.Shallow && p != root {
				return filepath.SkipDir
			}
			return nil
		}
		c := candidate{path: p}
		var ok bool
		if c.log, ok = parseLogPath(filepath.ToSlash(p)); !ok {
			if r.opts.SkipZips || !strings.EqualFold(filepath.Ext(d.Name()), ".zip") {
				return nil
			}
			c.zip = true
		}
		if !d.Type().IsRegular() {
			st, err := os.Stat(p)
			if err != nil {
				problems = append(problems, r.problem(p, err))
				return nil
			}
			if !st.Mode().IsRegular() {
				return nil
			}
		}
		dir := filepath.Dir(p)
		byDir[dir] = append(byDir[dir], c)
		return nil
	})

	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	slices.SortFunc(dirs, func(a, b string) int {
		return compareDirs(filepath.ToSlash(a), filepath.ToSlash(b))
	})
	total, dups := 0, 0
	for _, d := range dirs {
		cands := byDir[d]
		slices.SortStableFunc(cands, func(a, b candidate) int {
			switch {
			case a.zip != b.zip:
				// A directory's own logs before the bundles next to them.
				if a.zip {
					return 1
				}
				return -1
			case !a.zip:
				if c := compareLogNames(a.log, b.log); c != 0 {
					return c
				}
			}
			return strings.Compare(a.path, b.path)
		})
		for _, c := range cands {
			total++
			if !r.firstTime(c.path) {
				dups++
				continue
			}
			st, err := os.Stat(c.path)
			if err != nil {
				problems = append(problems, r.problem(c.path, err))
				continue
			}
			ins, probs := r.file(c.path, st.Size())
			for i := range ins {
				ins[i].Found = true
			}
			inputs = append(inputs, ins...)
			problems = append(problems, probs...)
		}
	}
	return inputs, problems, total > 0 && dups == total
}

// stdin resolves "-". Standard input is handed over as it comes: it cannot
// be rewound, so a zip piped in is reported when read rather than unpacked.
func (r *resolver) stdin() ([]Input, []*Problem) {
	if r.stdinUsed {
		return nil, []*Problem{{Path: "-", Err: ErrStdinTwice}}
	}
	r.stdinUsed = true
	in := Input{Name: "<stdin>", Size: -1}
	if f, ok := r.opts.Stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			in.Size = st.Size()
		}
	}
	sr := &stdinReader{br: bufio.NewReader(r.opts.Stdin)}
	in.open = func() (io.ReadCloser, error) { return sr, nil }
	return []Input{in}, nil
}

// stdinReader reads standard input, refusing a zip: the parser would see
// binary noise, and a zip can only be read in place from a file.
type stdinReader struct {
	br      *bufio.Reader
	checked bool
	err     error
}

func (s *stdinReader) Read(p []byte) (int, error) {
	if !s.checked {
		s.checked = true
		if head, _ := s.br.Peek(len(zipMagic)); bytes.Equal(head, zipMagic) {
			s.err = fmt.Errorf("<stdin>: %w", ErrStdinZip)
		}
	}
	if s.err != nil {
		return 0, s.err
	}
	return s.br.Read(p)
}

// Close does nothing: standard input belongs to the process.
func (s *stdinReader) Close() error { return nil }
