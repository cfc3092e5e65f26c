package logsource

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync/atomic"
)

// entry locates one zip entry's data in the zip file. Both the central
// directory and the salvage walk produce entries, so one reader serves both.
type entry struct {
	name     string // as stored in the zip
	clean    string // entryPath(name)
	log      logName
	method   uint16
	dataOff  int64 // where the entry's (compressed) data starts
	csize    int64 // bytes of data present in the file, up to the break if any
	usize    int64 // declared decompressed size, or -1
	crc      uint32
	crcKnown bool
	// brk is set when the data is cut short: the reader delivers what is
	// there and then returns brk.
	brk error
}

// zipFile is one zip being read, shared by the Inputs of its entries.
type zipFile struct {
	path     string
	src      zipSource
	maxEntry int64
	maxTotal int64
	used     atomic.Int64 // decompressed bytes counted against maxTotal
}

// zip resolves a zip file into its log entries, read in place. When the
// central directory cannot be read and the file starts with a local file
// header (a truncated download or copy), the entries are found by walking
// the local headers from the start instead.
func (r *resolver) zip(zpath string, src zipSource, size int64, localMagic bool) ([]Input, []*Problem) {
	f, err := src()
	if err != nil {
		return nil, []*Problem{r.problem(zpath, err)}
	}
	defer f.Close()

	var ents []entry
	var problems []*Problem
	// archive/zip holds the whole central directory in memory, a few
	// hundred bytes an entry: 100,000 entries took 175 MiB.
	if n, ok := declaredEntries(f, size); ok && n > int64(r.opts.MaxEntries) {
		return nil, []*Problem{{Path: zpath, Err: &TooManyEntriesError{Entries: n, Max: r.opts.MaxEntries}, Hint: HintTooManyEntries}}
	}
	zr, err := zip.NewReader(f, size)
	switch {
	case err == nil || errors.Is(err, zip.ErrInsecurePath):
		// ErrInsecurePath (GODEBUG=zipinsecurepath=0) comes with a usable
		// reader; entry names are checked below either way.
		for _, zf := range zr.File {
			e := entry{
				name:     zf.Name,
				method:   zf.Method,
				csize:    int64(zf.CompressedSize64),
				usize:    int64(zf.UncompressedSize64),
				crc:      zf.CRC32,
				crcKnown: true,
			}
			if !r.keep(zpath, &e, zf.Flags, &problems) {
				continue
			}
			if e.dataOff, err = zf.DataOffset(); err != nil {
				problems = append(problems, r.problem(zpath+":"+e.name, err))
				continue
			}
			if e.usize < 0 {
				e.usize = -1
			}
			if e.csize < 0 || e.csize > size-e.dataOff {
				e.csize = max(size-e.dataOff, 0)
				e.brk = fmt.Errorf("entry data runs past the end of the zip (%d bytes)", size)
			}
			ents = append(ents, e)
		}
	case localMagic:
		damaged := &Problem{Path: zpath, Hint: HintDamagedZip}
		problems = append(problems, damaged)
		w := &walker{r: bufioReader(io.NewSectionReader(f, 0, size)), size: size, maxEntry: r.opts.MaxEntrySize, maxTotal: r.opts.MaxTotalSize, maxEntries: r.opts.MaxEntries}
		walked := w.walk()
		damaged.Err = &DamagedZipError{Err: err, Entries: len(walked), Stop: w.stop}
		for _, we := range walked {
			if r.keep(zpath, &we.e, we.flags, &problems) {
				ents = append(ents, we.e)
			}
		}
	default:
		return nil, []*Problem{r.problem(zpath, &NotZipError{Err: err})}
	}

	slices.SortStableFunc(ents, func(a, b entry) int {
		if c := compareDirs(path.Dir(a.clean), path.Dir(b.clean)); c != 0 {
			return c
		}
		if c := compareLogNames(a.log, b.log); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	z := &zipFile{path: zpath, src: src, maxEntry: r.opts.MaxEntrySize, maxTotal: r.opts.MaxTotalSize}
	inputs := make([]Input, 0, len(ents))
	for _, e := range ents {
		in := Input{Name: zpath + ":" + e.name, Size: -1, OS: inferEntryOS(e.name), Zip: zpath, Found: true}
		if e.usize >= 0 {
			in.Size = min(e.usize, z.maxEntry)
		}
		mark := new(atomic.Int64)
		in.open = func() (io.ReadCloser, error) { return z.open(e, in.Name, mark) }
		inputs = append(inputs, in)
	}
	return inputs, problems
}

// keep reports whether a zip entry is an agent log arcdiag can read, fills
// in its clean path and log name, and records why a suspicious or
// unreadable entry is skipped. Entries that are simply not logs (the
// journal, event logs, config) are skipped silently.
func (r *resolver) keep(zpath string, e *entry, flags uint16, problems *[]*Problem) bool {
	if strings.HasSuffix(e.name, "/") || strings.HasSuffix(e.name, `\`) {
		return false // a directory
	}
	name := zpath + ":" + e.name
	clean, err := entryPath(e.name)
	if err != nil {
		*problems = append(*problems, &Problem{Path: zpath + ":" + printable(e.name), Err: err, Hint: HintUnsafeName})
		return false
	}
	e.clean = clean
	base := path.Base(clean)
	if strings.EqualFold(path.Ext(base), ".zip") {
		// One level only: reading a zip inside a zip in place would mean
		// decompressing the outer entry again for every inner one.
		*problems = append(*problems, &Problem{Path: name, Err: ErrNestedZip, Hint: HintExtractNested})
		return false
	}
	var ok bool
	if e.log, ok = parseLogPath(clean); !ok {
		return false
	}
	switch {
	case flags&0x1 != 0:
		*problems = append(*problems, &Problem{Path: name, Err: ErrEncrypted, Hint: HintExtractEncrypted})
		return false
	case e.method != zip.Store && e.method != zip.Deflate:
		*problems = append(*problems, &Problem{Path: name, Err: MethodError{e.method}, Hint: HintExtractMethod})
		return false
	}
	return true
}

// printable replaces control characters, so that a hostile entry name
// cannot rewrite the terminal when the problem is shown.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

// zipSource opens the bytes of a zip for reading in place: the file, or
// the memory an upload was read into.
type zipSource func() (zipReaderAt, error)

// zipReaderAt is an opened zip.
type zipReaderAt interface {
	io.ReaderAt
	io.Closer
}

func zipFromFile(path string) zipSource {
	return func() (zipReaderAt, error) { return os.Open(path) }
}

// zipFromMemory reads a zip held in memory; nothing touches the disk.
func zipFromMemory(data []byte) zipSource {
	return func() (zipReaderAt, error) { return memZip{bytes.NewReader(data)}, nil }
}

type memZip struct{ *bytes.Reader }

func (memZip) Close() error { return nil }

func (z *zipFile) open(e entry, name string, mark *atomic.Int64) (io.ReadCloser, error) {
	f, err := z.src()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	er := &entryReader{name: name, z: z, e: e, f: f, mark: mark, hash: crc32.NewIEEE()}
	er.r = io.NewSectionReader(f, e.dataOff, e.csize)
	if e.method == zip.Deflate {
		er.dec = flate.NewReader(er.r)
		er.r = er.dec
	}
	return er, nil
}

// entryReader decompresses one entry straight from the zip file, checks
// its size and checksum at the end, and enforces the limits while
// streaming, so neither memory nor disk grows with the entry.
type entryReader struct {
	name string
	z    *zipFile
	e    entry
	f    zipReaderAt   // nil once closed
	dec  io.ReadCloser // nil for a stored entry
	r    io.Reader
	mark *atomic.Int64 // bytes of this entry already counted against the zip
	hash hash.Hash32
	n    int64 // bytes delivered
	err  error // sticky: io.EOF or the error that ended the entry
}

func (er *entryReader) Read(p []byte) (int, error) {
	if er.err != nil {
		return 0, er.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if er.n >= er.z.maxEntry {
		// At the limit: one more byte makes the entry too large, none makes
		// it exactly as large as allowed.
		var one [1]byte
		n, err := io.ReadFull(er.r, one[:])
		switch {
		case n == 1:
			er.err = er.failure("%w: more than %d bytes in this entry (MaxEntrySize)", ErrTooLarge, er.z.maxEntry)
		case err == io.EOF:
			er.finish()
		default:
			er.fail(err)
		}
		return 0, er.err
	}
	if rem := er.z.maxEntry - er.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := er.r.Read(p)
	n = er.account(n)
	er.hash.Write(p[:n])
	er.n += int64(n)
	switch {
	case er.err != nil:
	case err == io.EOF:
		er.finish()
	case err != nil:
		er.fail(err)
	}
	return n, er.err
}

// account counts n more delivered bytes against the zip's total and returns
// how many of them may be delivered. Only bytes beyond what any reader of
// this entry already delivered count, so re-reading an entry is free.
func (er *entryReader) account(n int) int {
	end := er.n + int64(n)
	for {
		m := er.mark.Load()
		if end <= m {
			return n
		}
		if !er.mark.CompareAndSwap(m, end) {
			continue
		}
		fresh := end - m
		over := er.z.used.Add(fresh) - er.z.maxTotal
		if over <= 0 {
			return n
		}
		er.err = er.failure("%w: more than %d bytes in this zip (MaxTotalSize)", ErrTooLarge, er.z.maxTotal)
		return n - int(min(over, fresh))
	}
}

// finish ends a complete read: a cut-short entry reports its break, a
// complete one is checked against the sizes and checksum the zip declares.
func (er *entryReader) finish() {
	switch {
	case er.e.brk != nil:
		er.err = er.failure("%w", er.e.brk)
	case er.e.usize >= 0 && er.n != er.e.usize:
		er.err = er.failure("damaged entry: %d bytes, the zip declares %d", er.n, er.e.usize)
	case er.e.crcKnown && er.hash.Sum32() != er.e.crc:
		er.err = er.failure("damaged entry: checksum mismatch")
	default:
		er.err = io.EOF
	}
}

func (er *entryReader) fail(err error) {
	if errors.Is(err, io.ErrUnexpectedEOF) && er.e.brk != nil {
		// The deflate stream ends where the file was cut: say so plainly.
		err = er.e.brk
	}
	er.err = er.failure("%w", err)
}

// failure is an error of this entry: a *fs.PathError naming it, so that
// whoever reports it knows the entry is already named.
func (er *entryReader) failure(format string, args ...any) error {
	return &fs.PathError{Op: "read", Path: er.name, Err: fmt.Errorf(format, args...)}
}

// Close releases the zip file. It is safe to call more than once.
func (er *entryReader) Close() error {
	if er.f == nil {
		return nil
	}
	if er.dec != nil {
		er.dec.Close()
	}
	err := er.f.Close()
	er.f = nil
	if er.err == nil {
		er.err = er.failure("read after close")
	}
	return err
}

// declaredEntries reads the number of entries the end of central directory
// record declares (zip64's when the classic field is saturated), without
// reading the directory itself.
func declaredEntries(f io.ReaderAt, size int64) (int64, bool) {
	const eocdLen, maxComment = 22, 65535
	n := min(size, eocdLen+maxComment)
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, size-n); err != nil && err != io.EOF {
		return 0, false
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < eocdLen {
		return 0, false
	}
	le := binary.LittleEndian
	count := int64(le.Uint16(buf[i+10:]))
	if count != 0xffff {
		return count, true
	}
	// zip64: the locator sits just before the record and points at the
	// zip64 end of central directory record.
	at := size - n + int64(i) - 20
	var loc [20]byte
	if at < 0 {
		return 0, false
	}
	if _, err := f.ReadAt(loc[:], at); err != nil || !bytes.Equal(loc[:4], []byte("PK\x06\x07")) {
		return 0, false
	}
	var rec [56]byte
	if _, err := f.ReadAt(rec[:], int64(le.Uint64(loc[8:]))); err != nil || !bytes.Equal(rec[:4], []byte("PK\x06\x06")) {
		return 0, false
	}
	return int64(min(le.Uint64(rec[32:]), 1<<62)), true
}

// DamagedZipError is the cause of a zip whose central directory could not
// be read: Entries were found by walking its local headers instead, until
// Stop (nil when the walk reached the end).
type DamagedZipError struct {
	Err     error
	Entries int
	Stop    error
}

func (e *DamagedZipError) Error() string {
	s := fmt.Sprintf("damaged zip (%v): %d entries found by their local headers", e.Err, e.Entries)
	if e.Stop != nil {
		s += "; " + e.Stop.Error()
	}
	return s
}

func (e *DamagedZipError) Unwrap() error { return e.Err }

// NotZipError is the cause of a file read as a zip (by its name or its
// first bytes) that archive/zip cannot open and whose start is no local
// header either: Err is archive/zip's.
type NotZipError struct{ Err error }

func (e *NotZipError) Error() string { return "not a zip archive: " + e.Err.Error() }

func (e *NotZipError) Unwrap() error { return e.Err }

// TooManyEntriesError is the cause of a zip refused for the entries its
// central directory declares, more than Options.MaxEntries. It is
// ErrTooManyEntries.
type TooManyEntriesError struct {
	Entries int64
	Max     int
}

func (e *TooManyEntriesError) Error() string {
	return fmt.Sprintf("%v: the zip has %d entries, more than the %d arcdiag reads", ErrTooManyEntries, e.Entries, e.Max)
}

func (e *TooManyEntriesError) Is(target error) bool { return target == ErrTooManyEntries }
